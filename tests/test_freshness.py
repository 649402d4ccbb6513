"""What the pages say about time, and what they stop saying (SPEC: "last updated", notices,
`next_update`, "since … (ongoing)", recently resolved, affected now / back to normal), phone
numbers in statements as tel: links, and the configuration's language rules. Real builds of a
small site at one moment, read back with lxml; `statuspress check` in a real process."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import lxml.html
import pytest

from helpers import SMALL_CONFIG, epoch, mkdocs_build, write_statement

NOW = "2026-01-14T12:00:00+01:00"
OPTIONS = """\
      region: BE
      notice_days: 8
      advice:
        - text: {nl: Levensbedreigende nood, fr: Urgence vitale, en: Life-threatening emergency}
          phone: "112"
        - text: {nl: Infolijn, fr: Ligne d'info, en: Information line}
          phone: "+32 3 555 00 99"
"""
LANGS = ("nl", "fr", "en", "ar")

STATEMENTS = {
    # An incident open since yesterday; its latest statement promised news by 11:00, an hour ago.
    "2026-01-13-0632-attack.md": """
        ---
        title: Cyberaanval
        date: 2026-01-13T06:32:00+01:00
        incident: attack
        departments: {emergency: reduced, lab: offline, registration: degraded}
        notes: {emergency: Twijfelt u? Bel 03 555 00 99.}
        next_update: 2026-01-13T14:00:00+01:00
        ---
        Bel onze infolijn op **+32 3 555 00 99**, of [de centrale](tel:+3235550000) +32 3 555 00 00.
        """,
    "2026-01-14-0900-attack.md": """
        ---
        title: Inschrijving werkt weer
        date: 2026-01-14T09:00:00+01:00
        incident: attack
        phase: identified
        departments: {registration: operational}
        next_update: 2026-01-14T11:00:00+01:00
        ---
        De inschrijving werkt weer.
        """,
    # Another, whose next update is still ahead.
    "2026-01-14-1000-leak.md": """
        ---
        title: Waterlek
        date: 2026-01-14T10:00:00+01:00
        incident: leak
        departments: {emergency: degraded}
        next_update: 2026-01-14T16:00:00+01:00
        ---
        Een waterlek.
        """,
    # Resolved three days ago: "recently resolved".
    "2026-01-10-0800-phones.md": """
        ---
        title: Telefooncentrale stuk
        date: 2026-01-10T08:00:00+01:00
        incident: phones
        departments: {registration: reduced}
        ---
        De centrale ligt plat.
        """,
    "2026-01-11-1000-phones.md": """
        ---
        title: Telefooncentrale hersteld
        date: 2026-01-11T10:00:00+01:00
        incident: phones
        phase: resolved
        departments: {registration: operational}
        ---
        Hersteld.
        """,
    # Resolved eleven days ago: history only.
    "2026-01-02-0800-lift.md": """
        ---
        title: Lift defect
        date: 2026-01-02T08:00:00+01:00
        incident: lift
        departments: {lab: degraded}
        ---
        De lift is stuk.
        """,
    "2026-01-03-0800-lift.md": """
        ---
        title: Lift hersteld
        date: 2026-01-03T08:00:00+01:00
        incident: lift
        phase: resolved
        ---
        Hersteld.
        """,
    # A planned closure that began half an hour ago: the latest change the overview shows.
    "2026-01-12-0900-works.md": """
        ---
        title: Werken aan het onthaal
        date: 2026-01-12T09:00:00+01:00
        departments: {registration: maintenance}
        planned: {start: 2026-01-14T11:30:00+01:00, end: 2026-01-14T20:00:00+01:00}
        ---
        Werken.
        """,
    # Notices: expired by its own date; within notice_days (8); older than notice_days.
    "2026-01-13-1300-press.md": """
        ---
        title: Persconferentie om 16 uur
        date: 2026-01-13T13:00:00+01:00
        expires: 2026-01-13T18:00:00+01:00
        ---
        Vandaag om 16 uur.
        """,
    "2026-01-07-0900-visits.md": """
        ---
        title: Bezoekuren aangepast
        date: 2026-01-07T09:00:00+01:00
        ---
        Bezoek van 14 tot 20 uur.
        """,
    "2026-01-05-0900-parking.md": """
        ---
        title: Parking dicht
        date: 2026-01-05T09:00:00+01:00
        ---
        De parking is dicht.
        """,
}


def make_site(root: Path, options: str = OPTIONS, languages=LANGS, statements=STATEMENTS) -> Path:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    config = SMALL_CONFIG.format(languages="[" + ", ".join(languages) + "]").replace(
        "      timezone: Europe/Brussels\n", "      timezone: Europe/Brussels\n" + options)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    (root / "updates").mkdir(exist_ok=True)
    for name, text in statements.items():
        write_statement(root / "updates", name, text)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_site(tmp_path_factory.mktemp("freshness"))
    result = mkdocs_build(root / "mkdocs.yml", root / "site", NOW)
    assert result.returncode == 0, result.stderr
    return root / "site"


def parse(path: Path):
    return lxml.html.fromstring(path.read_bytes())


def words(node) -> str:
    return " ".join(node.text_content().split())


def moment(doc, selector: str) -> datetime:
    """The moment of the first <time> inside `selector`."""
    return datetime.fromisoformat(doc.cssselect(f"{selector} time")[0].get("datetime"))


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def statuspress(*args, cwd: Path, when: str = NOW) -> subprocess.CompletedProcess:

    script = Path(sys.executable).parent / "statuspress"
    env = {"PATH": str(script.parent), "SOURCE_DATE_EPOCH": str(epoch(when)), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([str(script), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


# -- notices ---------------------------------------------------------------------------------

def test_overview_shows_only_notices_not_expired(built):
    doc = parse(built / "index.html")
    shown = [words(h) for h in doc.cssselect("section[aria-labelledby=notices] .sp-statement__title")]
    # "expires" passed at 18:00 yesterday; 7 January is within notice_days (8); 5 January is not.
    assert shown == ["Bezoekuren aangepast"]
    # History and permalinks keep every notice.
    history = words(parse(built / "history" / "index.html"))
    for title in ("Persconferentie om 16 uur", "Bezoekuren aangepast", "Parking dicht"):
        assert title in history
    assert (built / "updates" / "2026-01-13-1300-press" / "index.html").exists()


# -- last updated ----------------------------------------------------------------------------

def test_overview_last_updated_is_the_latest_change_it_shows(built):
    doc = parse(built / "index.html")
    # The closure of registration began at 11:30, after the latest statement (10:00).
    assert moment(doc, ".sp-updated") == at("2026-01-14T11:30:00+01:00")
    generated = doc.cssselect(".sp-generated time")[0]
    assert datetime.fromisoformat(generated.get("datetime")) == at(NOW)
    # "Page made" is near the top: before the first incident and the departments.
    order = [el.get("class") for el in doc.iter() if el.get("class") in ("sp-generated", "sp-incident",
                                                                          "sp-departments")]
    assert order[0] == "sp-generated", order


def test_department_last_updated_is_its_own_last_change(built):
    # Registration changed when the closure began; the emergency department last changed when
    # the attack began (the leak's "degraded" is milder than the attack's "reduced": no change).
    registration = parse(built / "departments" / "registration" / "index.html")
    assert moment(registration, ".sp-updated") == at("2026-01-14T11:30:00+01:00")
    emergency = parse(built / "departments" / "emergency" / "index.html")
    assert moment(emergency, ".sp-updated") == at("2026-01-13T06:32:00+01:00")
    lab = parse(built / "en" / "departments" / "lab" / "index.html")
    assert moment(lab, ".sp-updated") == at("2026-01-13T06:32:00+01:00")


def test_incident_card_and_page_agree_on_last_updated(built):
    doc = parse(built / "en" / "index.html")
    card = next(c for c in doc.cssselect(".sp-incident") if "Cyberaanval" in words(c))
    page = parse(built / "en" / "incidents" / "attack" / "index.html")
    card_time = [t.get("datetime") for t in card.cssselect(".sp-meta time")][-1]
    assert card_time == page.cssselect(".sp-updated time")[0].get("datetime") == "2026-01-14T09:00:00+01:00"


# -- next update -----------------------------------------------------------------------------

def test_next_update_ahead_and_overdue(built):
    for prefix, (ahead, late) in {"en/": ("Next update by", "Update expected at"),
                                  "": ("Volgende update uiterlijk", "Update verwacht om")}.items():
        doc = parse(built / prefix / "index.html")
        cards = {words(c.cssselect("h3")[0]): c for c in doc.cssselect(".sp-incident")}
        leak = cards["Waterlek"].cssselect(".sp-next-update")[0]
        assert "sp-next-update--late" not in leak.get("class")
        assert not leak.cssselect(".sp-next-update__due")[0].get("hidden") is not None
        assert words(leak.cssselect(".sp-next-update__due")[0]).startswith(ahead)
        assert leak.cssselect(".sp-next-update__late")[0].get("hidden") is not None
        assert leak.cssselect("time")[0].get("datetime") == "2026-01-14T16:00:00+01:00"
        attack = cards["Cyberaanval"].cssselect(".sp-next-update")[0]
        assert "sp-next-update--late" in attack.get("class")
        assert attack.cssselect(".sp-next-update__due")[0].get("hidden") is not None
        assert words(attack.cssselect(".sp-next-update__late")[0]).startswith(late)
        # The promise of the attack's latest statement (11:00), not of its first (14:00 yesterday).
        assert attack.cssselect("time")[0].get("datetime") == "2026-01-14T11:00:00+01:00"
    page = parse(built / "en" / "incidents" / "leak" / "index.html")
    assert words(page.cssselect(".sp-next-update__due")[0]) == "Next update by 4:00 PM"
    # A resolved incident promises nothing.
    assert not parse(built / "en" / "incidents" / "phones" / "index.html").cssselect(".sp-next-update")


# -- ongoing, recently resolved ----------------------------------------------------------------

def test_open_incident_reads_since_ongoing_everywhere(built):
    places = [built / "en" / "index.html", built / "en" / "history" / "index.html",
              built / "en" / "incidents" / "attack" / "index.html"]
    for path in places:
        doc = parse(path)
        meta = next(m for m in doc.cssselect(".sp-meta")
                    if "Jan 13" in words(m) or "January 13" in words(m))
        # One moment and "(ongoing)", never a range "13 January – 14 January".
        assert "(ongoing)" in words(meta) and "–" not in words(meta), (path, words(meta))
    history = parse(built / "en" / "history" / "index.html")
    phones = next(c for c in history.cssselect(".sp-incident") if "Telefooncentrale" in words(c))
    assert "(ongoing)" not in words(phones)
    assert [t.get("datetime") for t in phones.cssselect("time")] == ["2026-01-10T08:00:00+01:00",
                                                                    "2026-01-11T10:00:00+01:00"]


def test_recently_resolved_lists_the_last_seven_days(built):
    doc = parse(built / "en" / "index.html")
    section = doc.cssselect("section[aria-labelledby=resolved]")[0]
    assert words(section.cssselect("h2")[0]) == "Recently resolved (7 days)"
    titles = [words(h) for h in section.cssselect("h3")]
    assert titles == ["Telefooncentrale stuk"]  # not the lift, resolved eleven days ago


# -- affected now / back to normal -------------------------------------------------------------

def test_incident_page_splits_affected_now_and_back_to_normal(built):
    doc = parse(built / "en" / "incidents" / "attack" / "index.html")
    affected = doc.xpath("//h2[@id='affected']/following-sibling::ul[1]")[0]
    assert [words(a) for a in affected.cssselect("li > .sp-ds > a")] == ["Emergency", "Lab"]
    assert "Operating normally" not in words(affected)
    back = doc.xpath("//h2[@id='back-to-normal']/following-sibling::ul[1]")[0]
    assert [words(a) for a in back.cssselect("li > .sp-ds > a")] == ["Registration"]
    # Back to normal as far as this incident goes; the closure that holds it now is named.
    assert "Planned closure" in words(back) and "Werken aan het onthaal" in words(back)
    resolved = parse(built / "en" / "incidents" / "phones" / "index.html")
    assert not resolved.cssselect("#affected")
    assert [words(a) for a in resolved.xpath("//h2[@id='back-to-normal']/following-sibling::ul[1]/li/span[@class='sp-ds']/a")] \
        == ["Registration"]


# -- phone numbers ---------------------------------------------------------------------------

def test_phone_numbers_in_statements_and_notes_are_tel_links(built):
    for prefix in ("", "ar/"):
        doc = parse(built / prefix / "updates" / "2026-01-13-0632-attack" / "index.html")
        links = [(a.get("href"), a.text_content(), a.get("dir"), a.get("class"))
                 for a in doc.cssselect(".sp-statement__body a[href^='tel:'], .sp-notes a[href^='tel:']")]
        assert links == [
            ("tel:+3235550099", "+32 3 555 00 99", "ltr", "sp-tel"),  # bold in the text
            ("tel:+3235550000", "de centrale", None, None),  # the writer's own link, left alone
            ("tel:+3235550000", "+32 3 555 00 00", "ltr", "sp-tel"),
            ("tel:+3235550099", "03 555 00 99", "ltr", "sp-tel"),  # national form, read for BE
        ], prefix
    overview = parse(built / "index.html")
    note = [n for n in overview.cssselect(".sp-note") if "Twijfelt" in words(n)][0]
    assert [(a.get("href"), a.text_content()) for a in note.cssselect("a")] == [("tel:+3235550099", "03 555 00 99")]


# -- the stale-page notice (its text; the browser test shows it) ---------------------------------

def test_stale_notice_is_hidden_and_names_the_information_line(built):
    for prefix, call in (("", "bel Infolijn: +32 3 555 00 99"), ("en/", "call Information line: +32 3 555 00 99")):
        for page in ("index.html", "incidents/attack/index.html", "departments/lab/index.html",
                     "history/index.html", "updates/2026-01-14-1000-leak/index.html"):
            doc = parse(built / prefix / page)
            notice = doc.cssselect(".sp-stale")[0]
            assert notice.get("hidden") is not None  # nothing shown without JavaScript
            assert datetime.fromisoformat(notice.get("data-sp-generated")) == at(NOW)
            assert notice.get("data-sp-stale-after") == "30"
            assert call in words(notice), words(notice)
            # The first thing in the page's content.
            assert doc.cssselect(".sp-page > *")[0] is notice


# -- the configuration's languages ---------------------------------------------------------------

def test_check_and_build_warn_once_per_language_about_fallback_names(tmp_path):
    root = make_site(tmp_path / "site", statements={})
    result = statuspress("check", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    lines = [line for line in output.splitlines() if "'ar' pages show" in line]
    assert len(lines) == 1, output
    for what in ("group 'north' ('Noord')", "department 'emergency' ('Spoed')", "department 'lab' ('Labo')",
                 "department 'registration' ('Inschrijving')", "advice item 1 ('Levensbedreigende nood')",
                 "advice item 2 ('Infolijn')"):
        assert lines[0].count(what) == 1, (what, lines[0])
    assert "'fr' pages show" not in output and "'en' pages show" not in output
    # The build says the same.
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"),
                            "-d", str(root / "out")], capture_output=True, text=True, cwd=root, timeout=300,
                           env={"PATH": str(Path(sys.executable).parent), "NO_MKDOCS_2_WARNING": "1"})
    assert build.returncode == 0, build.stderr
    assert sum("'ar' pages show" in line for line in build.stderr.splitlines()) == 1, build.stderr


@pytest.mark.parametrize("languages, wrong", [
    (("nl", "ru"), "for 'ru'"), (("nl", "fa"), "for 'fa'"), (("nl", "zh-Hans"), "for 'zh-Hans'"),
    (("nl", "fr", "nl"), "'nl' listed twice"),
])
def test_language_without_interface_is_an_error(tmp_path, languages, wrong):
    root = make_site(tmp_path / "site", languages=languages, statements={})
    result = statuspress("check", cwd=root)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    line = next(line for line in output.splitlines() if wrong in line)
    assert line.startswith("mkdocs.yml:") or "mkdocs.yml:" in line, line
    if "twice" not in wrong:
        # The supported tags, so the fix is one look away.
        assert "nl, pl" in line and "ar, bg" in line, line
    build = mkdocs_build(root / "mkdocs.yml", root / "out", NOW)
    assert build.returncode != 0 and not (root / "out" / "index.html").exists()


def test_regional_variant_uses_its_language_catalog(tmp_path):
    root = make_site(tmp_path / "site", languages=("nl-BE", "fr"), statements={
        "2026-01-13-0632-attack.md": STATEMENTS["2026-01-13-0632-attack.md"]},
        options=OPTIONS.replace("{nl:", "{nl-BE:").replace("      notice_days: 8\n", ""))
    (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text().replace("{nl:", "{nl-BE:"))
    result = mkdocs_build(root / "mkdocs.yml", root / "out", NOW)
    assert result.returncode == 0, result.stderr
    doc = parse(root / "out" / "index.html")
    assert doc.get("lang") == "nl-BE"
    assert words(doc.cssselect("h2#departments")[0]) == "Afdelingen"  # Dutch words, not English


def test_bad_region_and_numbers_are_errors(tmp_path):
    root = make_site(tmp_path / "site", statements={},
                     options=OPTIONS.replace("region: BE", "region: Belgium").replace("notice_days: 8",
                                                                                       "notice_days: 0"))
    result = statuspress("check", cwd=root)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "'region: Belgium' is not a country code" in output
    assert "'notice_days' is 0" in output


def test_next_update_and_expires_are_checked(tmp_path):
    root = make_site(tmp_path / "site", statements={
        "2026-01-13-0632-attack.md": """
            ---
            title: Cyberaanval
            date: 2026-01-13T06:32:00+01:00
            departments: {emergency: reduced}
            next_update: 2026-01-13T05:00:00+01:00
            expires: 2026-01-14T06:32:00+01:00
            ---
            Tekst.
            """,
        "2026-01-13-0700-note.md": """
            ---
            title: Mededeling
            date: 2026-01-13T07:00:00+01:00
            expires: 2026-01-14 14.00
            ---
            Tekst.
            """})
    result = statuspress("check", cwd=root)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "2026-01-13-0632-attack.md:5: 'next_update: 2026-01-13T05:00:00+01:00' is not after" in output
    assert "2026-01-13-0632-attack.md:6: 'expires' is for notices only" in output
    assert "2026-01-13-0700-note.md:4: 'expires: 2026-01-14 14.00'" in output


# -- init: placeholders in each chosen language ----------------------------------------------------

def test_init_writes_placeholders_in_each_language_from_the_catalogs(tmp_path):
    import yaml
    from babel.messages.pofile import read_po

    site = tmp_path / "new"
    result = statuspress("init", str(site), "--name", "Test", "--languages", "de,ar", "--timezone", "Europe/Berlin",
                         cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    config = (site / "mkdocs.yml").read_text(encoding="utf-8")
    block = next(p["statuspress"] for p in yaml.safe_load(config)["plugins"] if isinstance(p, dict))
    locale = Path(__file__).resolve().parent.parent / "generator" / "locale"
    for lang, about in (("de", site / "docs" / "about.md"), ("ar", site / "docs" / "ar" / "about.md")):
        with (locale / lang / "LC_MESSAGES" / "statuspress.po").open("rb") as fp:
            catalog = read_po(fp)
        assert block["departments"]["emergency"]["name"][lang] == catalog.get("Emergency department").string
        assert about.read_text(encoding="utf-8").startswith("# " + catalog.get("About this site").string + "\n")
    assert "Emergency department" not in config and "About this site" not in (site / "docs/ar/about.md").read_text()
    # A language without our labels is refused before anything is written.
    refused = statuspress("init", str(tmp_path / "ru"), "--languages", "ru", cwd=tmp_path)
    assert refused.returncode != 0 and "no interface translation for 'ru'" in refused.stdout + refused.stderr
    assert not (tmp_path / "ru" / "mkdocs.yml").exists()

"""What a worried patient gets from the built site: the first screen, freshness, subscribing,
shared links, 404 pages and names in their own language. Real builds, read back with lxml."""
from __future__ import annotations

import json
import re
from datetime import timedelta
from urllib.parse import urljoin

import feedparser
import icalendar
import lxml.html
import pytest
from babel.dates import format_timedelta

from helpers import mkdocs_build, write_statement
from generator.read import read_site
from helpers import write

NOW = "2026-01-14T12:00:00+01:00"
OPTIONS = """\
      site_name: {nl: Ziekenhuis Test — Status, fr: Hôpital Test — État, en: Test Hospital — Status}
      organisation: {nl: Ziekenhuis Test, fr: Hôpital Test, en: Test Hospital}
      email_signup: https://mail.example.org/signup
      advice:
        - text: {nl: Levensbedreigende nood, fr: Urgence vitale, en: Life-threatening emergency}
          phone: "112"
        - text: {nl: Infolijn, fr: Ligne d'info, en: Information line}
          phone: "+32 3 555 00 00"
      announce:
        mastodon:
          env: MASTODON_URL
          languages: [nl, fr]
          name: "Mastodon: @ziekenhuis@mastodon.example"
          follow: https://mastodon.example/@ziekenhuis
        telegram:
          env: TELEGRAM_URL
          languages: [fr]
          name: {nl: Telegram-kanaal, fr: Canal Telegram}
          follow: {nl: https://t.me/ziekenhuis_nl, fr: https://t.me/hopital_fr}
        partners:
          env: PARTNERS_URL
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from helpers import SMALL_CONFIG
    root = tmp_path_factory.mktemp("patients")
    (root / "docs").mkdir()
    config = SMALL_CONFIG.format(languages="[nl, fr, en, ar]").replace(
        "      timezone: Europe/Brussels\n", "      timezone: Europe/Brussels\n" + OPTIONS)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    updates = root / "updates"
    write_statement(updates, "2026-01-13-0632-down.md", """
        ---
        title: Cyberaanval
        date: 2026-01-13T06:32:00+01:00
        summary: Spoed werkt met beperkte capaciteit.
        departments: {emergency: reduced, lab: offline}
        notes: {emergency: Kom enkel bij levensbedreigende nood.}
        ---
        De servers liggen plat.
        """)
    write_statement(updates, "2026-01-13-0632-down.fr.md", """
        ---
        title: Cyberattaque
        summary: Les urgences fonctionnent à capacité réduite.
        ---
        Les serveurs sont à l'arrêt.
        """)
    write_statement(updates, "2026-01-10-0900-works.md", """
        ---
        title: Onderhoud labo
        date: 2026-01-10T09:00:00+01:00
        departments: {lab: maintenance}
        planned: {start: 2026-01-11T20:00:00+01:00, end: 2026-01-11T23:00:00+01:00}
        ---
        Gepland onderhoud.
        """)
    result = mkdocs_build(root / "mkdocs.yml", root / "site", NOW)
    assert result.returncode == 0, result.stderr
    return root / "site"


def parse(path):
    return lxml.html.fromstring(path.read_bytes())


def text_of(node) -> str:
    return " ".join(node.text_content().split())


LANGS = {"nl": "", "fr": "fr/", "en": "en/", "ar": "ar/"}


# -- the first screen ------------------------------------------------------------------------

def test_first_screen_order_overall_advice_incident_then_departments(built):
    doc = parse(built / "index.html")
    main = doc.cssselect(".sp-overview")[0]
    order = [el for el in main.iter() if el.get("class") and any(
        c in el.get("class").split() for c in ("sp-overall", "sp-incident", "sp-advice", "sp-departments"))]
    kinds = [next(c for c in el.get("class").split() if c in ("sp-overall", "sp-incident", "sp-advice",
                                                              "sp-departments")) for el in order]
    # Whom to call before the incidents' stories: on a 320 px phone, with every affected department
    # named in the band, the advice must still be on the first screen (tests/test_drawn.py).
    assert kinds.index("sp-overall") < kinds.index("sp-advice") < kinds.index("sp-incident") \
        < kinds.index("sp-departments"), kinds
    incident = doc.cssselect(".sp-incident")[0]
    assert "Spoed werkt met beperkte capaciteit." in text_of(incident)
    assert incident.cssselect("time[datetime]")
    advice = doc.cssselect(".sp-advice")[0]
    assert "Levensbedreigende nood" in text_of(advice)
    tels = [(a.get("href"), a.text_content(), a.get("dir")) for a in advice.cssselect("a[href^='tel:']")]
    assert tels == [("tel:112", "112", "ltr"), ("tel:+3235550000", "+32 3 555 00 00", "ltr")]
    # In French, in French.
    assert "Urgence vitale" in text_of(parse(built / "fr" / "index.html").cssselect(".sp-advice")[0])


def test_affected_departments_come_first_within_their_group(built):
    doc = parse(built / "index.html")
    first_group = doc.cssselect("ul.sp-departments")[0]
    statuses = [li.get("class").split("--")[-1] for li in first_group.cssselect("li.sp-department")]
    assert statuses[-1] == "operational" or all(s != "operational" for s in statuses)
    assert statuses == sorted(statuses, key=lambda s: s == "operational"), statuses


def test_phone_numbers_are_isolated_left_to_right(built):
    for prefix in LANGS.values():
        doc = parse(built / prefix / "index.html")
        phones = doc.cssselect("a[href^='tel:']")
        assert phones and all(a.get("dir") == "ltr" for a in phones), prefix


def test_fallback_text_carries_its_language_and_direction(built):
    # The note exists only in Dutch: on the Arabic page it is marked nl, left to right.
    doc = parse(built / "ar" / "index.html")
    notes = doc.cssselect(".sp-note")
    assert notes and all(n.get("lang") == "nl" and n.get("dir") == "ltr" for n in notes)
    # So do names and advice from the configuration that have no Arabic text.
    fallbacks = doc.cssselect(".sp-advice li > span[lang], .sp-department__name span[lang]")
    assert len(fallbacks) == 2 + 3 and all(f.get("lang") == "nl" and f.get("dir") == "ltr" for f in fallbacks)
    summary = doc.cssselect(".sp-incident .sp-summary")[0]
    assert summary.get("lang") is None, "the Arabic link after a Dutch summary must not be marked Dutch"
    assert summary.cssselect("span[lang=nl][dir=ltr]")
    # Not in a language that has its own text.
    assert not parse(built / "fr" / "index.html").cssselect(".sp-advice li > span[lang]")


# -- freshness ---------------------------------------------------------------------------------

def test_overview_states_when_it_was_generated(built):
    for lang, prefix in LANGS.items():
        doc = parse(built / prefix / "index.html")
        generated = doc.cssselect(".sp-generated time")
        assert len(generated) == 1, lang
        assert generated[0].get("datetime") == "2026-01-14T11:00:00+00:00"
        assert doc.cssselect(".sp-updated time")[0].get("datetime") == "2026-01-13T06:32:00+01:00"
        assert doc.cssselect(".sp-zone")  # the zone is named
    # And every other page too, in its footer.
    for path in ("fr/incidents/2026-01-13-0632-down/", "updates/2026-01-13-0632-down/", "en/history/",
                 "ar/departments/lab/", "subscribe/"):
        footer = parse(built / path / "index.html").cssselect(".md-footer .sp-footer-generated time")
        assert [t.get("datetime") for t in footer] == ["2026-01-14T11:00:00+00:00"], path


def test_no_relative_time_phrase_in_built_html(built):
    """Relative phrases ("3 hours ago") go stale on a static page: only the browser writes them."""
    for lang, prefix in LANGS.items():
        phrases = [format_timedelta(timedelta(hours=sign * hours), locale=lang, add_direction=True)
                   for hours in (1, 2, 5, 26, 49) for sign in (-1, 1)]
        pages = [p for p in (built / prefix).rglob("*.html")
                 if prefix or p.relative_to(built).parts[0] not in ("fr", "en", "ar")]
        assert len(pages) > 10
        for page in pages:
            text = text_of(parse(page))
            found = [phrase for phrase in phrases if phrase in text]
            assert not found, f"{page.relative_to(built)}: {found}"
        # The one relative phrase is written by the browser, from this attribute.
        assert parse(built / prefix / "index.html").cssselect(".sp-relative[data-sp-since]")


# -- history strip -----------------------------------------------------------------------------

def test_strips_show_30_days_on_the_overview_and_90_on_a_department(built):
    doc = parse(built / "index.html")
    lab = doc.cssselect("li.sp-department--offline")[0]
    cells = lab.cssselect("ol.sp-strip__days > li")
    assert len(cells) == 30 and lab.cssselect("ol.sp-strip__days")[0].get("aria-hidden") == "true"
    assert [c.get("class").split("--")[-1] for c in cells[-4:]] == ["maintenance", "operational", "offline",
                                                                     "offline"]
    # Words for the picture: a caption and the days with trouble, each linking its incident.
    summary = text_of(lab.cssselect("details.sp-strip__text summary")[0])
    assert "30" in summary and "3" in summary
    links = {a.get("href") for a in lab.cssselect(".sp-strip__bad a")}
    assert links == {"incidents/2026-01-13-0632-down/", "incidents/2026-01-10-0900-works/"}
    page = parse(built / "departments" / "lab" / "index.html")
    assert len(page.cssselect("ol.sp-strip__days > li")) == 90
    # Consecutive days with the same status and incident are one range: 11 January (the planned
    # closure), then 13–14 January (the attack), newest first.
    ranges = [text_of(li) for li in page.cssselect(".sp-strip__bad li")]
    assert page.cssselect("p.sp-strip__caption") and len(ranges) == 2, ranges
    assert ranges[0].startswith("13–14 januari: Buiten werking — Cyberaanval"), ranges
    assert ranges[1].startswith("11 januari: Geplande sluiting"), ranges
    caption = text_of(page.cssselect("p.sp-strip__caption")[0])
    assert caption.count(":") == 1 and "90" in caption and "3" in caption, caption
    # No theme bundle: only our optional niceties, deferred, in a file cached once for every page.
    scripts = page.cssselect("script[src]")
    assert [s.get("src") for s in scripts] == ["../../assets/statuspress.js"] and scripts[0].get("defer") is not None


# -- subscribe -----------------------------------------------------------------------------

def test_subscribe_page_in_every_language_linked_near_the_top(built):
    for lang, prefix in LANGS.items():
        overview = parse(built / prefix / "index.html")
        link = overview.cssselect("a.sp-subscribe-link")[0]
        assert urljoin(f"https://h/{prefix}", link.get("href")) == f"https://h/{prefix}subscribe/"
        # Before the department list.
        everything = list(overview.iter())
        assert everything.index(link) < everything.index(overview.cssselect("ul.sp-departments")[0])
        page = parse(built / prefix / "subscribe" / "index.html")
        assert page.get("lang") == lang
        here = f"https://h/{prefix}subscribe/"
        hrefs = {urljoin(here, a.get("href"))[len("https://h/"):] if urljoin(here, a.get("href")).startswith(
            "https://h/") else a.get("href") for a in page.cssselect(".md-content a")}
        assert {f"{prefix}rss.xml", f"{prefix}atom.xml", f"{prefix}planned.ics",
                "https://mail.example.org/signup"} <= hrefs, hrefs
        for dept in ("emergency", "lab", "registration"):
            assert f"{prefix}departments/{dept}/rss.xml" in hrefs
            assert f"{prefix}departments/{dept}/atom.xml" not in hrefs  # RSS only (see feeds.files)
        assert len(page.cssselect(".md-content h1 + p")[0].text_content()) > 40  # what a feed reader is


def test_subscribe_page_says_where_each_statement_is_posted_and_where_the_cap_alerts_are(built):
    expected = {
        "": [("Mastodon: @ziekenhuis@mastodon.example", "https://mastodon.example/@ziekenhuis",
              "(in het Nederlands en Frans)"),
             ("Telegram-kanaal", "https://t.me/ziekenhuis_nl", "(in het Frans)")],
        "fr/": [("Mastodon: @ziekenhuis@mastodon.example", "https://mastodon.example/@ziekenhuis",
                 "(en néerlandais et français)"),
                ("Canal Telegram", "https://t.me/hopital_fr", "(en français)")],
    }
    for prefix, channels in expected.items():
        page = parse(built / prefix / "subscribe" / "index.html")
        items = page.cssselect("ul.sp-channels li")
        # The partners' channel has no public address: nothing to follow, not listed.
        assert [(text_of(li.cssselect("a")[0]), li.cssselect("a")[0].get("href"),
                 text_of(li)[len(text_of(li.cssselect("a")[0])) + 1:]) for li in items] == channels
        heading = page.cssselect("h2#channels")[0]
        assert text_of(heading.getnext())  # the plain-words sentence under it
        cap_link = page.cssselect('a[type="application/atom+xml"][href$="cap/index.atom"]')[0]
        assert urljoin(f"https://h/{prefix}subscribe/", cap_link.get("href")) == "https://h/cap/index.atom"
    assert (built / "cap" / "index.atom").exists() and (built / "cap" / "2026-01-13-0632-down.xml").exists()
    summary = json.loads((built / "api" / "v2" / "summary.json").read_text())
    assert [i["cap_url"] for i in summary["incidents"]] == \
        ["https://status.example.org/cap/2026-01-13-0632-down.xml"]


# -- shared links -------------------------------------------------------------------------------

def meta(doc, key):
    found = doc.xpath(f'//meta[@property="{key}" or @name="{key}"]/@content')
    return found[0] if found else None


def test_shared_links_describe_the_page(built):
    doc = parse(built / "fr" / "index.html")
    assert meta(doc, "description") == meta(doc, "og:description")
    assert "ne fonctionnent pas" in meta(doc, "description") or meta(doc, "description")
    assert meta(doc, "og:title") and meta(doc, "twitter:card") == "summary"
    assert meta(doc, "twitter:title") is None  # X reads og:title; no copy on every page
    assert doc.xpath('//link[@rel="canonical"]/@href') == ["https://status.example.org/fr/"]
    assert meta(doc, "og:url") == "https://status.example.org/fr/"
    assert meta(doc, "og:locale") == "fr"
    dept = parse(built / "fr" / "departments" / "lab" / "index.html")
    assert meta(dept, "description") == "Labo: Ne fonctionne pas" or meta(dept, "description").startswith("Labo")


@pytest.mark.parametrize("path", ["incidents/2026-01-13-0632-down/", "fr/updates/2026-01-13-0632-down/"])
def test_special_announcement_json_ld(built, path):
    doc = parse(built / path / "index.html")
    blocks = doc.xpath('//script[@type="application/ld+json"]/text()')
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@context"] == "https://schema.org" and data["@type"] == "SpecialAnnouncement"
    assert data["url"] == f"https://status.example.org/{path}"
    assert data["datePosted"] == "2026-01-13T06:32:00+01:00"
    assert data["name"] in ("Cyberaanval", "Cyberattaque")
    assert data["text"] in ("Spoed werkt met beperkte capaciteit.", "Les urgences fonctionnent à capacité réduite.")
    locations = {loc["url"] for loc in data["announcementLocation"]}
    assert {"https://status.example.org/" + path.split("/")[0].replace("incidents", "") + "departments/lab/"
            .lstrip("/")} and len(locations) == 2
    assert all(loc["@type"] == "Hospital" for loc in data["announcementLocation"])
    assert not parse(built / "index.html").xpath('//script[@type="application/ld+json"]')


# -- the small ones -----------------------------------------------------------------------------

def test_404_per_language_with_links_to_the_others(built):
    root = parse(built / "404.html")
    assert root.get("lang") == "nl"
    assert root.findtext(".//title").startswith("Pagina niet gevonden")
    links = {a.get("hreflang"): a.get("href") for a in root.cssselect(".md-content a[hreflang]")}
    assert links == {"fr": "/fr/", "en": "/en/", "ar": "/ar/"}
    for lang in ("fr", "en", "ar"):
        doc = parse(built / lang / "404.html")
        assert doc.get("lang") == lang
        # Served at any missing address: styles and links are absolute.
        sheets = doc.xpath('//link[@rel="stylesheet"]/@href')
        assert sheets and all(h.startswith("/") for h in sheets), sheets
    assert parse(built / "ar" / "404.html").get("dir") == "rtl"
    assert parse(built / "fr" / "404.html").findtext(".//h1") == "Page introuvable"


def test_site_name_per_language_in_titles_and_feeds(built):
    assert parse(built / "fr" / "index.html").findtext(".//title").endswith("Hôpital Test — État")
    assert parse(built / "index.html").findtext(".//title").endswith("Ziekenhuis Test — Status")
    titles = {lang: feedparser.parse((built / prefix / "rss.xml").read_bytes()).feed for lang, prefix in
              LANGS.items()}
    assert titles["fr"].title == "Hôpital Test — État" and titles["en"].title == "Test Hospital — Status"
    descriptions = {lang: feed.description for lang, feed in titles.items()}
    assert len(set(descriptions.values())) == 4, descriptions
    assert "Hôpital Test" in descriptions["fr"] and "Ziekenhuis Test" in descriptions["nl"]


def test_no_duplicate_first_menu_entry_and_organisation_in_footer(built):
    for lang, prefix in LANGS.items():
        doc = parse(built / prefix / "index.html")
        title = text_of(doc.cssselect(".md-nav--primary > .md-nav__title")[0])
        items = [text_of(a) for a in doc.cssselect(".md-nav--primary > ul > li > a, "
                                                     ".md-nav--primary > ul > li > label")]
        assert items and items[0] != title, (title, items)
        footer = text_of(doc.cssselect(".md-footer")[0])
        assert "Made with" not in footer and "Material for MkDocs" not in footer
        assert {"nl": "Ziekenhuis Test", "fr": "Hôpital Test", "en": "Test Hospital"}.get(lang, "Ziekenhuis Test") \
            in footer


def test_no_comment_in_the_calendar(built):
    raw = (built / "planned.ics").read_bytes()
    assert b"COMMENT" not in raw
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar.walk("VTIMEZONE") and calendar.walk("VEVENT")


# -- options ------------------------------------------------------------------------------------

def test_bad_options_are_reported_with_their_line(tmp_path):
    config = write(tmp_path, "mkdocs.yml", """\
        site_name: X
        plugins:
          - statuspress:
              languages: [nl, fr]
              site_name: {nl: X, de: Y}
              advice:
                - text: {fr: Urgence}
                  phone: "call 112"
                - text: {nl: Infolijn}
                  phne: "1733"
                - 112
              email_signup: mail.example.org
              departments:
                lab: {name: {nl: Labo}}
        """)
    import yaml
    options = yaml.safe_load(config.read_text())["plugins"][0]["statuspress"]
    site, problems = read_site(options, site_name="X", site_url=None, config_file=config)
    found = [(p.line, p.severity, p.message) for p in problems]
    messages = "\n".join(f"{line}: {m}" for line, _, m in found)

    def reported(line, *words, severity="error"):
        return any(at == line and sev == severity and all(w in m for w in words) for at, sev, m in found)

    assert site is None
    assert reported(5, "'de'", severity="warning"), messages
    assert reported(7, "no text in the default language 'nl'"), messages
    assert reported(7, "is not a phone number", "+32"), messages
    assert reported(9, "unknown key 'phne'", "did you mean 'phone'"), messages
    assert reported(11, "advice item 3"), messages
    assert reported(12, "email_signup", "https://"), messages


def test_a_statement_made_at_the_build_moment_keeps_its_own_offset(tmp_path):
    """Times are written once per moment and reused: the statement's "+01:00" and the generation
    time's UTC are the same instant, and each must still be written as it was given."""
    from helpers import SMALL_CONFIG
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(SMALL_CONFIG.format(languages="[nl, en]"), encoding="utf-8")
    write_statement(tmp_path / "updates", "2026-01-14-1200-now.md", """
        ---
        title: Nu
        date: 2026-01-14T12:00:00+01:00
        departments: {lab: reduced}
        ---
        Net gebeurd.
        """)
    result = mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site", when=NOW)
    assert result.returncode == 0, result.stderr
    for page in ("index.html", "en/index.html", "updates/2026-01-14-1200-now/index.html"):
        doc = parse(tmp_path / "site" / page)
        assert {t.get("datetime") for t in doc.cssselect(".sp-generated time, .sp-footer-generated time")} == \
            {"2026-01-14T11:00:00+00:00"}, page
        stated = doc.cssselect(".sp-updated > time, .sp-meta time")
        assert stated and {t.get("datetime") for t in stated} == {"2026-01-14T12:00:00+01:00"}, page


def test_header_and_language_menu_speak_the_page_language(built):
    """The header's label is in the page's language (Material's Dutch strings say "Header"); the
    language button names the current language, marked in the list; feeds carry the site's name in
    the page's language."""
    labels = {}
    for lang, prefix in LANGS.items():
        doc = parse(built / prefix / "index.html")
        labels[lang] = doc.cssselect(".md-header nav")[0].get("aria-label")
        footer = doc.cssselect(".md-footer nav")
        assert not footer or footer[0].get("aria-label") not in ("Footer", labels[lang]), lang
        button = doc.cssselect(".md-select button")[0]
        current = doc.cssselect('.md-select a[aria-current="page"]')
        assert [a.get("hreflang") for a in current] == [lang], lang
        name = text_of(current[0])
        assert text_of(button) == name and name in button.get("aria-label"), (lang, text_of(button))
    assert labels["en"] == "Page header" and len(set(labels.values())) == 4, labels
    feeds = parse(built / "fr" / "index.html").xpath('//head/link[@rel="alternate"][@type]/@title')
    assert feeds and all(title.startswith("Hôpital Test — État") for title in feeds), feeds

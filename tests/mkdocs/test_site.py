"""The example site, built for real at several moments and read back from the HTML."""
from __future__ import annotations

from pathlib import Path

import feedparser
import lxml.html
from lxml import etree as lxml_etree
import pytest

from helpers import REPO, mkdocs_build

DEPARTMENTS = ["emergency", "mug", "icu", "radiology", "lab",
               "planned-procedures", "consultations", "maternity", "pharmacy", "registration"]

# Expected from the SPEC's rules applied by hand to updates/2026 (see the example timeline).
EXPECTED = {
    "2026-01-13T07:00:00+01:00": dict(emergency="reduced", mug="offline", icu="reduced", radiology="reduced",
                                      lab="degraded", **{"planned-procedures": "offline"}, consultations="offline",
                                      maternity="operational", pharmacy="degraded", registration="degraded"),
    "2026-01-14T12:00:00+01:00": dict(emergency="reduced", mug="offline", icu="reduced", radiology="reduced",
                                      lab="offline", **{"planned-procedures": "offline"}, consultations="offline",
                                      maternity="reduced", pharmacy="degraded", registration="degraded"),
    "2026-01-15T18:00:00+01:00": dict(emergency="operational", mug="operational", icu="reduced",
                                      radiology="degraded", lab="degraded", **{"planned-procedures": "reduced"},
                                      consultations="offline", maternity="operational", pharmacy="operational",
                                      registration="degraded"),
    "2026-01-20T21:00:00+01:00": dict(emergency="operational", mug="operational", icu="operational",
                                      radiology="operational", lab="maintenance",
                                      **{"planned-procedures": "degraded"}, consultations="reduced",
                                      maternity="operational", pharmacy="operational", registration="degraded"),
}
OVERALL = {"2026-01-13T07:00:00+01:00": "offline", "2026-01-14T12:00:00+01:00": "offline",
           "2026-01-15T18:00:00+01:00": "offline", "2026-01-20T21:00:00+01:00": "reduced"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The example site built once per moment of EXPECTED."""
    sites = {}
    for when in EXPECTED:
        out = tmp_path_factory.mktemp("site")
        result = mkdocs_build(REPO / "mkdocs.yml", out, when)
        assert result.returncode == 0, result.stderr
        sites[when] = out
    return sites


def parse(path: Path):
    return lxml.html.fromstring(path.read_bytes())


def department_statuses(doc) -> dict[str, str]:
    result = {}
    for item in doc.cssselect("li.sp-department"):
        href = item.cssselect("a.sp-department__name")[0].get("href")
        dept = href.rstrip("/").split("/")[-1]
        status = item.cssselect(".sp-status")[0]
        result[dept] = next(c.split("--")[1] for c in status.get("class").split() if c.startswith("sp-status--"))
    return result


@pytest.mark.parametrize("when", list(EXPECTED))
def test_overview_shows_each_department_status_per_the_rules(built, when):
    doc = parse(built[when] / "index.html")
    assert department_statuses(doc) == EXPECTED[when]
    overall = doc.cssselect(".sp-overall")[0]
    assert f"sp-overall--{OVERALL[when]}" in overall.get("class")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_language_shows_the_same_statuses(built, lang):
    when = "2026-01-14T12:00:00+01:00"
    doc = parse(built[when] / lang / "index.html")
    assert department_statuses(doc) == EXPECTED[when]
    assert doc.get("lang") == lang


def test_status_is_given_in_words_and_with_a_shape(built):
    doc = parse(built["2026-01-14T12:00:00+01:00"] / "en" / "index.html")
    words = {item.cssselect(".sp-status__text")[0].text_content().strip()
             for item in doc.cssselect("li.sp-department")}
    assert {"Not operating", "Reduced capacity", "Slower than usual"} <= words
    sprite = lxml_etree.fromstring((built["2026-01-14T12:00:00+01:00"] / "assets" / "statuspress-icons.svg").read_bytes())
    symbols = {s.get("id") for s in sprite.iter("{http://www.w3.org/2000/svg}symbol")
               if s.find("{http://www.w3.org/2000/svg}path") is not None}
    for status in doc.cssselect("li.sp-department .sp-status"):
        shape = status.cssselect("svg use")
        assert shape, "every status has its icon shape"
        href = shape[0].get("href")
        assert href.startswith("../assets/statuspress-icons.svg#") and href.split("#")[1] in symbols
        assert href.split("#")[1] in status.get("class")


def test_notes_and_phone_numbers(built):
    doc = parse(built["2026-01-14T12:00:00+01:00"] / "index.html")
    lab = next(doc.cssselect('li.sp-department a[href$="departments/lab/"]')[0].iterancestors("li"))
    assert "Geen bloedafnames vandaag" in lab.text_content()
    emergency = next(doc.cssselect('li.sp-department a[href$="departments/emergency/"]')[0].iterancestors("li"))
    assert emergency.cssselect('a[href="tel:+3235550100"]')


def test_ungrouped_departments_come_after_the_groups(built):
    doc = parse(built["2026-01-14T12:00:00+01:00"] / "index.html")
    order = [a.get("href").rstrip("/").split("/")[-1] for a in doc.cssselect("a.sp-department__name")]
    assert order[-1] == "registration"
    assert order.index("emergency") < order.index("planned-procedures")


def test_embargoed_statements_are_not_published(built):
    early = built["2026-01-13T07:00:00+01:00"]
    assert (early / "updates" / "2026-01-13-0632-servers-offline" / "index.html").exists()
    assert not (early / "updates" / "2026-01-13-1015-patienten-overgebracht").exists()
    feed = feedparser.parse((early / "rss.xml").read_bytes())
    assert [e.link.rstrip("/").split("/")[-1] for e in feed.entries] == ["2026-01-13-0632-servers-offline"]


def test_every_output_of_the_spec_exists(built):
    site = built["2026-01-20T21:00:00+01:00"]
    statements = sorted(p.name[: -len(".md")] for p in (REPO / "updates").rglob("*.md")
                        if p.name.count(".") == 1)
    for prefix in ("", "fr/", "en/"):
        root = site / prefix
        for path in ["index.html", "history/index.html", "rss.xml", "atom.xml", "planned.ics",
                     "incidents/cyberaanval-2026-01/index.html",
                     "incidents/2026-01-16-1400-gepland-herstel-patientendossier/index.html"]:
            assert (root / path).is_file(), prefix + path
        for statement in statements:
            assert (root / "updates" / statement / "index.html").is_file(), prefix + statement
        for dept in DEPARTMENTS:
            assert (root / "departments" / dept / "index.html").is_file()
            assert (root / "departments" / dept / "rss.xml").is_file()
    for path in ["summary.json", "status.json", "components.json", "incidents.json", "incidents/unresolved.json",
                 "scheduled-maintenances.json", "scheduled-maintenances/upcoming.json",
                 "scheduled-maintenances/active.json"]:
        assert (site / "api" / "v2" / path).is_file(), path
    assert (site / "badges" / "status.svg").is_file()
    for dept in DEPARTMENTS:
        assert (site / "badges" / f"{dept}.svg").is_file()


def test_incident_page_lists_every_statement_with_an_anchor(built):
    doc = parse(built["2026-01-20T21:00:00+01:00"] / "incidents" / "cyberaanval-2026-01" / "index.html")
    anchors = [a.get("id") for a in doc.cssselect("article.sp-statement")]
    assert len(anchors) == 8
    assert anchors[0] == "2026-01-17-1000-stand-van-zaken"  # newest first
    assert "2026-01-13-0632-servers-offline" in anchors


def test_untranslated_statement_is_shown_in_its_language_and_says_so(built):
    page = built["2026-01-20T21:00:00+01:00"] / "en" / "updates" / "2026-01-19-1100-onderhoud-radiologie-geannuleerd"
    doc = parse(page / "index.html")
    assert doc.get("lang") == "en"
    h1 = doc.cssselect("h1#statement")[0]
    assert h1.get("lang") == "nl"
    assert doc.cssselect(".sp-statement__body")[0].get("lang") == "nl"
    assert "not available in English" in doc.cssselect(".sp-translation-note")[0].text_content()


def test_languages_link_to_the_same_page(built):
    doc = parse(built["2026-01-20T21:00:00+01:00"] / "updates" / "2026-01-13-0632-servers-offline" / "index.html")
    links = {link.get("hreflang"): link.get("href") for link in doc.cssselect('head link[rel="alternate"][hreflang]')}
    assert set(links) == {"nl", "fr", "en"}
    assert links["fr"] == "../../fr/updates/2026-01-13-0632-servers-offline/"
    selector = {a.get("hreflang"): a.get("href") for a in doc.cssselect(".md-select__link")}
    assert selector["en"] == "../../en/updates/2026-01-13-0632-servers-offline/"
    feeds = doc.cssselect('head link[rel="alternate"][type="application/rss+xml"]')
    assert feeds and feeds[0].get("href") == "../../rss.xml"


def test_statement_pages_stay_out_of_the_navigation(built):
    doc = parse(built["2026-01-20T21:00:00+01:00"] / "fr" / "index.html")
    nav_links = [a.get("href") for a in doc.cssselect("nav.md-nav--primary a.md-nav__link")]
    assert not any("updates/" in href for href in nav_links)
    assert any(href.endswith("history/") for href in nav_links)
    assert any("about" in href for href in nav_links)
    assert not any(href.startswith("../en/") or "/nl/" in href for href in nav_links), nav_links


def test_department_page_has_status_and_history(built):
    doc = parse(built["2026-01-20T21:00:00+01:00"] / "departments" / "lab" / "index.html")
    assert "sp-status--maintenance" in doc.cssselect(".sp-department-page > .sp-status")[0].get("class")
    history = [a.get("href") for a in doc.cssselect("ol.sp-timeline a")]
    assert history[0].endswith("2026-01-16-1400-gepland-herstel-patientendossier/")
    assert any("labo-analyser-defect" in h for h in history)


def test_times_are_localized_in_the_site_zone(built):
    doc = parse(built["2026-01-20T21:00:00+01:00"] / "fr" / "updates" / "2026-01-13-0632-servers-offline" / "index.html")
    time = doc.cssselect("p.sp-meta time")[0]
    assert time.get("datetime") == "2026-01-13T06:32:00+01:00"
    assert "13 janvier 2026" in time.text_content() and "06:32" in time.text_content()

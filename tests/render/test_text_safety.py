"""Hostile and odd text never breaks an output (README, "What a build produces": no page asks another
host for anything; "Errors and warnings").

Real statement files through the real `mkdocs build` and `statuspress check`; the outputs
are read back with lxml, feedparser, icalendar and json.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import feedparser
import lxml.etree
import lxml.html
import pytest
from icalendar import Calendar

from helpers import mkdocs_build, write_statement

NOW = "2026-10-26T12:00:00+01:00"
UNWANTED = ["\x00", "\x1b", "\ufffe", "\U0010ffff", "\u202e", "\x85"]

CONFIG = """\
site_name: "Test Hospital <img src=x onerror=alert(2)>"
site_url: https://status.example.org/
site_description: "Status <script>alert(3)</script>"
theme:
  name: material
  font: false
plugins:
  - statuspress:
      timezone: Europe/Brussels
      languages: [nl, en]
      groups:
        north: {nl: "Noord <b>vet</b>", en: North}
      departments:
        emergency:
          group: north
          name: {nl: "Spoed <img src=x onerror=alert(4)>", en: Emergency}
        lab:
          group: north
          name: {nl: Labo, en: Lab}
"""


def site_folder(root: Path, config: str = CONFIG) -> Path:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "updates").mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root


def check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", "check", "-f", str(root / "mkdocs.yml")],
                          capture_output=True, text=True, cwd=root)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """One site full of odd text, built once for the tests that read its outputs."""
    root = site_folder(tmp_path_factory.mktemp("hostile"))
    updates = root / "updates"
    # Noncharacters and a right-to-left override in a title (YAML escapes), controls in the body
    # (in a title they are errors since issue 21: test_hostile_input.py).
    odd = write_statement(updates, "2026-10-20-1000-odd.md", r'''
        ---
        title: "Onderhoud [31mrood\uFFFE \u202Eznoitats\U0010FFFF"
        date: 2026-10-20T10:00:00+02:00
        departments:
          emergency: maintenance
        planned:
          start: 2026-10-30T08:00:00+01:00
          end: 2026-10-30T12:00:00+01:00
        ---
        Tekst met een voetnoot[^1] en nog een[^2]. Kleur: CONTROLS.

        ![logo](https://tracker.example.net/pixel.png) en `<img src=x onerror=alert(5)>`.

        [^1]: De eerste noot.
        [^2]: De tweede noot.
        ''')
    odd.write_text(odd.read_text(encoding="utf-8").replace("CONTROLS", "\x00 \x1b[31mrood\x85"), encoding="utf-8")
    # Two departments of one group updated either side of the end of summer time:
    # 02:30+02:00 is 00:30 UTC, 02:10+01:00 is 01:10 UTC (the later one).
    write_statement(updates, "2026-10-25-0230-emergency.md", """
        ---
        title: Spoed beperkt
        date: 2026-10-25T02:30:00+02:00
        departments:
          emergency: reduced
        ---
        Nog een voetnoot[^1].

        [^1]: Een noot met hetzelfde nummer, in een andere verklaring.
        """)
    write_statement(updates, "2026-10-25-0210-lab.md", """
        ---
        title: Labo traag
        date: 2026-10-25T02:10:00+01:00
        departments:
          lab: degraded
        ---
        Het labo werkt trager.
        """)
    out = root / "site"
    result = mkdocs_build(root / "mkdocs.yml", out, NOW)
    assert result.returncode == 0, result.stderr
    return out


def all_outputs(site: Path):
    return [p for p in site.rglob("*") if p.is_file() and p.suffix in {".html", ".xml", ".json", ".ics", ".svg"}]


# -- rows 8, 9, 10: bounded Markdown ------------------------------------------------------

# body, what the message says, the line it names (5: the body's first line; 1: the whole file)
PATHOLOGICAL = {
    "brackets": ("[" * 16000, "too many '['", 5),
    "nesting": ("\n".join("    " * i + "- a" for i in range(500)), "nested more than 16 levels", 5),
    "long": ("Een lange zin over de toestand. " * 2_000, "characters long; at most 50,000", 5),
    "huge": ("Een lange zin over de toestand. " * 640_000, "over the 1 MB limit", 1),  # 20 MB
    "definitions": ("a\n: b\n" * 3000, "lines without an empty line", 5),
}


@pytest.mark.parametrize("case", PATHOLOGICAL)
def test_pathological_body_is_refused_with_its_location_by_check_and_build(small_site, tmp_path, case):
    body, message, line = PATHOLOGICAL[case]
    root = small_site()
    path = root / "updates" / "2026-01-13-0632-x.md"
    path.write_text("---\ntitle: X\ndate: 2026-01-13T06:32:00+01:00\n---\n" + body + "\n", encoding="utf-8")
    checked = check(root)
    assert checked.returncode == 1
    assert f"updates/2026-01-13-0632-x.md:{line}: " in checked.stderr + checked.stdout
    assert message in checked.stderr + checked.stdout
    built = mkdocs_build(root / "mkdocs.yml", tmp_path / "out", "2026-01-14T12:00:00+01:00")
    assert built.returncode != 0
    assert f"updates/2026-01-13-0632-x.md:{line}: " in built.stderr and message in built.stderr
    assert "Traceback" not in built.stderr and "RecursionError" not in built.stderr
    assert not (tmp_path / "out").exists()


def test_problem_inside_the_body_points_at_its_line(small_site):
    root = small_site()
    deep = "\n".join("    " * i + "- a" for i in range(20))
    write_statement(root / "updates", "2026-01-13-0632-x.md",
                    "---\ntitle: X\ndate: 2026-01-13T06:32:00+01:00\n---\nEerst dit.\n\n" + deep + "\n")
    checked = check(root)
    # Front matter: 4 lines; body from line 5; the 18th list line (17 levels) is body line 20.
    assert "updates/2026-01-13-0632-x.md:24: lists or quotes are nested more than 16" in checked.stderr


def test_oversized_body_reaching_the_renderer_is_cut_in_every_output():
    """The reader and check refuse it; should one reach the renderer anyway, no output grows with it."""
    from datetime import datetime
    from generator.compute import compute
    from generator.model import Statement, Text
    from generator.render.i18n import Language
    from generator.render.markdown import MAX_BODY, render_markdown
    from generator.build.outputs import render_outputs
    from helpers import make_site

    body = "<b>x</b> " * 3_000_000
    html = render_markdown(body)
    assert "<b>" not in html  # shown as escaped text, not converted
    assert len(lxml.html.fragment_fromstring(html, create_parent="div").text_content()) <= MAX_BODY + 10

    site = make_site(languages=("nl",))
    when = datetime.fromisoformat("2026-01-13T06:32:00+01:00")
    text = Text(lang="nl", path=Path("updates/x.md"), title="X", body=body)
    statement = Statement(id="x", path=text.path, date=when, texts={"nl": text}, default_language="nl",
                          departments={"emergency": "offline"})
    outputs = render_outputs(compute(site, [statement], when), {"nl": Language("nl", site.timezone)})
    for path, content in outputs.items():
        assert len(content) < 10 * MAX_BODY, path  # escaping may grow it; the input (27 MB) does not
    update = json.loads(outputs["api/v2/incidents.json"])["incidents"][0]["incident_updates"][0]
    assert len(update["body"]) <= MAX_BODY


# -- row 11: bidi ----------------------------------------------------------------------

def test_rtl_override_cannot_reverse_the_date_next_to_a_title(hostile_site):
    page = (hostile_site / "departments" / "emergency" / "index.html").read_text(encoding="utf-8")
    assert "\u202e" not in page
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--headless", "--no-sandbox"])
        try:
            tab = browser.new_page()
            tab.goto((hostile_site / "departments" / "emergency" / "index.html").as_uri())
            # x of each character of every <time> in the history: left to right, as written.
            orders = tab.evaluate("""() => [...document.querySelectorAll('.sp-timeline time')].map(t => {
                const node = t.firstChild, xs = [];
                for (let i = 0; i < node.length; i++) {
                    if (!node.data[i].trim()) continue;
                    const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                    xs.push(r.getBoundingClientRect().x);
                }
                return xs;
            })""")
        finally:
            browser.close()
    assert orders and all(xs == sorted(xs) for xs in orders), orders


def test_user_text_is_isolated_with_bdi(hostile_site):
    page = lxml.html.parse(str(hostile_site / "departments" / "emergency" / "index.html"))
    titles = page.xpath("//ol[contains(@class,'sp-timeline')]/li/a")
    assert titles and all(a.xpath("./bdi") for a in titles)


# -- row 12: API body, external images -------------------------------------------------------

def test_api_body_never_carries_live_markup(hostile_site):
    # Bodies come from sanitized HTML and stay escaped: inert where a widget pastes them into a page.
    # (Names are plain text, as in Statuspage's API: a JSON string, escaped by JSON's rules.)
    for path in (hostile_site / "api" / "v2").rglob("*.json"):
        text = path.read_text(encoding="utf-8")
        bodies = [u["body"] for key in ("incidents", "scheduled_maintenances")
                  for item in json.loads(text).get(key, []) for u in item["incident_updates"]]
        assert not any("<" in body for body in bodies), path
    summary = json.loads((hostile_site / "api/v2/scheduled-maintenances.json").read_text(encoding="utf-8"))
    bodies = [u["body"] for m in summary["scheduled_maintenances"] for u in m["incident_updates"]]
    assert any("&lt;img src=x onerror=alert(5)&gt;" in b for b in bodies), bodies


def test_no_page_loads_anything_from_another_host(hostile_site):
    for path in hostile_site.rglob("*.html"):
        if path.relative_to(hostile_site).parts[0] == "admin":
            continue  # the staff's editor loads Decap CMS (pinned, with its hash): no status page
        tree = lxml.html.parse(str(path))
        for element in tree.xpath("//*[@src]"):
            assert not element.get("src").startswith(("http:", "https:", "//")), (path, element.get("src"))
    update = (hostile_site / "updates" / "2026-10-20-1000-odd" / "index.html").read_text(encoding="utf-8")
    assert '<a href="https://tracker.example.net/pixel.png" rel="noopener noreferrer">logo</a>' in update


# -- row 13: config strings ----------------------------------------------------------------

def test_config_strings_are_text_in_every_output(hostile_site):
    for path in hostile_site.rglob("*.html"):
        if path.relative_to(hostile_site).parts[0] == "admin":
            continue  # the staff's editor loads Decap CMS (pinned, with its hash): no status page
        tree = lxml.html.parse(str(path))
        assert not tree.xpath("//img[@onerror] | //b[.='vet'] | //script[contains(.,'alert(3)')]"), path
    index = lxml.html.parse(str(hostile_site / "index.html"))
    assert "Test Hospital <img src=x onerror=alert(2)>" in index.findtext(".//title")
    for feed in hostile_site.rglob("rss.xml"):
        channel = lxml.etree.parse(str(feed)).getroot().find("channel")
        # A reader takes an RSS description as HTML: the names in it must be text there.
        described = lxml.html.fragment_fromstring(channel.findtext("description"), create_parent="div")
        assert not described.xpath(".//img | .//b"), feed
        assert "alert" in described.text_content()
    parsed = feedparser.parse(str(hostile_site / "departments/emergency/rss.xml"))
    assert not parsed.bozo


# -- row 14: controls, noncharacters, bidi overrides ------------------------------------------

def test_no_control_or_noncharacter_in_any_output(hostile_site):
    for path in all_outputs(hostile_site):
        text = path.read_bytes().decode("utf-8")
        for char in UNWANTED:
            assert char not in text, (path, repr(char))
        assert "\\u001b" not in text and "\\u0000" not in text, path  # nor escaped in JSON
    index = lxml.html.parse(str(hostile_site / "updates" / "2026-10-20-1000-odd" / "index.html"))
    assert "Onderhoud [31mrood znoitats" in index.findtext(".//title")


def test_calendar_text_has_no_control_character(hostile_site):
    raw = (hostile_site / "planned.ics").read_bytes()
    assert not any(b < 0x20 and b not in (0x09, 0x0A, 0x0D) for b in raw)
    calendar = Calendar.from_ical(raw)
    summaries = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    assert summaries == ["Onderhoud [31mrood znoitats"]


def test_badges_are_clean_xml(hostile_site):
    for badge in (hostile_site / "badges").glob("*.svg"):
        root = lxml.etree.parse(str(badge)).getroot()
        assert root.findtext("{http://www.w3.org/2000/svg}title")


# -- row 20: components.json across a DST change ---------------------------------------------

def test_group_updated_at_is_the_latest_moment_not_the_largest_string(hostile_site):
    components = json.loads((hostile_site / "api/v2/components.json").read_text(encoding="utf-8"))["components"]
    by_id = {c["id"]: c for c in components}
    assert by_id["lab"]["updated_at"] == "2026-10-25T02:10:00.000+01:00"
    assert by_id["north"]["updated_at"] == "2026-10-25T02:10:00.000+01:00"


# -- row 21: footnotes ------------------------------------------------------------------

@pytest.mark.parametrize("page", ["updates/2026-10-20-1000-odd/index.html", "index.html",
                                  "departments/emergency/index.html", "history/index.html"])
def test_every_in_page_link_has_its_target(hostile_site, page):
    tree = lxml.html.parse(str(hostile_site / page))
    ids = tree.xpath("//@id")
    assert len(ids) == len(set(ids)), "ids are unique in the page"
    for href in tree.xpath("//a/@href"):
        if href.startswith("#"):
            assert href[1:] in ids, href


def test_footnotes_link_both_ways(hostile_site):
    tree = lxml.html.parse(str(hostile_site / "updates" / "2026-10-20-1000-odd" / "index.html"))
    references = tree.xpath("//sup[@id]/a/@href")
    assert len(references) == 2
    for href in references:
        note = tree.xpath(f"//li[@id='{href[1:]}']")
        assert note and "noot" in note[0].text_content()


def test_overlong_title_and_summary_are_located_problems(small_site):
    root = small_site()
    write_statement(root / "updates", "2026-01-13-0632-x.md",
                    "---\ntitle: " + "T" * 400 + "\ndate: 2026-01-13T06:32:00+01:00\nsummary: " + "s " * 600
                    + "\n---\nTekst.\n")
    checked = check(root)
    assert checked.returncode == 1
    assert "updates/2026-01-13-0632-x.md:2: the title is 400 characters long" in checked.stderr
    assert "updates/2026-01-13-0632-x.md:4: the summary is 1,199 characters long" in checked.stderr


@pytest.mark.parametrize("text", ["", "Spoed dicht", "الطوارئ 🚑", "a\x00b", "a\u202eb", "x\ufffey",
                                  "\U0001fffe", "🚑\U0010ffff", "🚑 ok", "<p>markup</p>\t\n", "\x85", "\ud800"])
def test_is_clean_says_whether_clean_changes_anything(text):
    from markupsafe import Markup

    from generator.render.text import clean, has_unwanted, is_clean

    assert is_clean(text) == (clean(text) == text) == (not has_unwanted(text))
    assert is_clean(Markup(text)) == is_clean(text)

"""Whole builds: failures leave the previous site intact, builds are reproducible, statements are sanitized."""
from __future__ import annotations


import feedparser
import lxml.html

from helpers import REPO, mkdocs_build, tree_digest, write_statement

GOOD = """
---
title: Spoed beperkt open
date: 2026-01-13T06:32:00+01:00
incident: attack
departments:
  emergency: reduced
notes:
  emergency: Kom enkel bij levensbedreigende nood.
---
De spoed werkt met beperkte capaciteit.
"""


def test_failed_build_leaves_previous_site_byte_for_byte(small_site, tmp_path):
    root = small_site()
    write_statement(root / "updates", "2026-01-13-0632-attack.md", GOOD)
    out = tmp_path / "out"
    first = mkdocs_build(root / "mkdocs.yml", out, "2026-01-14T12:00:00+01:00")
    assert first.returncode == 0, first.stderr
    before = tree_digest(out)
    assert "index.html" in before and "rss.xml" in before

    write_statement(root / "updates", "2026-01-13-0700-broken.md", """
        ---
        title: Kapot
        date: 2026-01-13T07:00:00+01:00
        departmens:
          emergency: offline
        ---
        Tekst.
        """)
    write_statement(root / "updates", "2026-01-13-0800-broken-too.md", """
        ---
        title: Ook kapot
        date: 2026-01-13T08:00:00
        departments:
          emergency: closed
        ---
        Tekst.
        """)
    second = mkdocs_build(root / "mkdocs.yml", out, "2026-01-14T12:00:00+01:00")
    assert second.returncode != 0
    # Every problem, each with file and line, in one run; no traceback.
    assert "updates/2026-01-13-0700-broken.md:4: unknown key 'departmens' (did you mean 'departments'?)" in second.stderr
    assert "updates/2026-01-13-0800-broken-too.md:3:" in second.stderr and "UTC offset" in second.stderr
    assert "updates/2026-01-13-0800-broken-too.md:5: unknown status 'closed'" in second.stderr
    assert "Traceback" not in second.stderr
    assert tree_digest(out) == before
    assert not list(tmp_path.glob("out.statuspress-*")), "no staging folder is left behind"


def test_same_source_date_epoch_gives_identical_output(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        result = mkdocs_build(REPO / "mkdocs.yml", out, "2026-01-15T18:00:00+01:00")
        assert result.returncode == 0, result.stderr
    digest_a, digest_b = tree_digest(a), tree_digest(b)
    assert digest_a.keys() == digest_b.keys()
    differing = [path for path in digest_a if digest_a[path] != digest_b[path]]
    assert differing == []


HOSTILE = """
---
title: "Spoed <script>alert('title')</script> dicht"
date: 2026-01-13T06:32:00+01:00
summary: "<img src=x onerror=alert('summary')>"
departments:
  emergency: offline
notes:
  emergency: "<b onmouseover=alert('note')>Ga naar</b> het andere ziekenhuis"
---
Gewone tekst met een [link](javascript:alert('link')) en een [goede link](https://www.112.be).

<script>alert('body')</script>
<style>body {{ display: none }}</style>
<iframe src="https://evil.example/"></iframe>
<form action="https://evil.example/"><input name="pw"></form>
<p onclick="alert('handler')">Klik</p>
<img src="x.png" onerror="alert('img')">
<a href="JaVaScRiPt:alert('mixed')">mixed case</a>
"""


def live_markup(html: str) -> list[str]:
    """Markup from the hostile statement that would act in a browser (escaped text does not)."""
    found = []
    doc = lxml.html.fromstring(f"<div>{html}</div>")
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("iframe", "form", "object", "embed") or element.get("name") == "pw":
            found.append(element.tag)
        if element.tag == "script" and element.get("type") in ("application/ld+json", "application/json"):
            # A data block (schema.org; the editor's choices), never run: the statement's text is
            # in it as JSON strings.
            if "<" in (element.text or ""):
                found.append(f"script[type={element.get('type')}] with markup")
            continue
        if element.tag == "style" and element.get("id") == "sp-frame-guard":
            continue  # the editor page's own guard against framing (README: hosts that ignore _headers)
        if element.tag in ("script", "style") and ("alert" in (element.text or "") or "display: none" in (element.text or "")):
            found.append(element.tag)
        for name, value in element.attrib.items():
            if name.lower().startswith("on") and "alert" in value:
                found.append(f"{element.tag}@{name}")
            if name in ("href", "src", "action") and value.strip().lower().startswith("javascript:"):
                found.append(f"{element.tag}@{name}={value}")
    return found


def test_raw_html_in_statements_never_reaches_an_output(small_site, tmp_path):
    root = small_site()
    write_statement(root / "updates", "2026-01-13-0632-hostile.md", HOSTILE)
    out = tmp_path / "out"
    result = mkdocs_build(root / "mkdocs.yml", out, "2026-01-14T12:00:00+01:00")
    assert result.returncode == 0, result.stderr
    checked = 0
    for path in out.rglob("*.html"):
        assert live_markup(path.read_text(encoding="utf-8")) == [], path
        checked += 1
    assert checked > 10
    for name in ("rss.xml", "atom.xml", "departments/emergency/rss.xml"):
        feed = feedparser.parse((out / name).read_bytes())
        assert not feed.bozo
        for entry in feed.entries:
            for content in [*entry.get("content", []), {"value": entry.get("summary", "")}]:
                assert live_markup(content["value"]) == [], (name, content["value"])
    for path in out.rglob("*"):
        if path.suffix in {".xml", ".json", ".ics", ".svg"}:
            assert "evil.example" not in path.read_text(encoding="utf-8"), path
    page = lxml.html.fromstring((out / "updates" / "2026-01-13-0632-hostile" / "index.html").read_bytes())
    assert "<script>" in page.cssselect("h1#statement")[0].text_content(), "the title is shown as text"
    assert page.cssselect('a[href="https://www.112.be"]'), "safe links survive"
    feed = feedparser.parse((out / "rss.xml").read_bytes())
    assert not feed.bozo


def test_site_without_default_language_translations_and_a_notice(small_site, tmp_path):
    root = small_site(languages=("nl", "ar"))
    write_statement(root / "updates", "2026-01-13-0900-notice.md", """
        ---
        title: Persconferentie om 14 uur
        date: 2026-01-13T09:00:00+01:00
        ---
        Een notice.
        """)
    write_statement(root / "updates", "2026-01-13-0900-notice.ar.md", """
        ---
        title: مؤتمر صحفي
        ---
        نص
        """)
    out = tmp_path / "out"
    result = mkdocs_build(root / "mkdocs.yml", out, "2026-01-14T12:00:00+01:00")
    assert result.returncode == 0, result.stderr
    doc = lxml.html.fromstring((out / "ar" / "index.html").read_bytes())
    assert doc.get("lang") == "ar"
    assert doc.cssselect("body")[0].get("dir") == "rtl"
    assert "مؤتمر صحفي" in doc.text_content()
    assert not (out / "incidents" / "2026-01-13-0900-notice").exists(), "a notice is not an incident"


TRICKY = 'Spoed "tijdelijk" <dicht> & co 🚑'


def test_tricky_title_keeps_every_output_valid(small_site, tmp_path):
    """Quotes, angle brackets, ampersands, emoji and right-to-left text in a real build."""
    import json
    import xml.etree.ElementTree as ET

    from icalendar import Calendar

    root = small_site(languages=("nl", "ar"))
    write_statement(root / "updates", "2026-01-13-0632-tricky.md", f"""
        ---
        title: '{TRICKY}'
        date: 2026-01-13T06:32:00+01:00
        summary: 'Kom niet "zomaar" langs <b>& bel</b> eerst 🚑'
        departments:
          emergency: reduced
        notes:
          emergency: 'Ga naar "Zuid" & bel <112>'
        planned:
          start: 2026-01-20T20:00:00+01:00
          end: 2026-01-20T23:00:00+01:00
        ---
        Tekst met "aanhalingstekens", <dicht> & emoji 🚑.
        """)
    write_statement(root / "updates", "2026-01-13-0632-tricky.ar.md", """
        ---
        title: 'الطوارئ "مؤقتا" <مغلقة> & co 🚑'
        ---
        نص عربي & <مغلق>.
        """)
    out = tmp_path / "out"
    result = mkdocs_build(root / "mkdocs.yml", out, "2026-01-14T12:00:00+01:00")
    assert result.returncode == 0, result.stderr

    page = lxml.html.fromstring((out / "updates" / "2026-01-13-0632-tricky" / "index.html").read_bytes())
    assert page.cssselect("h1#statement")[0].text_content() == TRICKY
    assert page.cssselect("title")[0].text_content().startswith(TRICKY)
    arabic = lxml.html.fromstring((out / "ar" / "updates" / "2026-01-13-0632-tricky" / "index.html").read_bytes())
    assert arabic.cssselect("h1#statement")[0].text_content() == 'الطوارئ "مؤقتا" <مغلقة> & co 🚑'

    counts = {".xml": 0, ".json": 0, ".ics": 0, ".svg": 0}
    for path in out.rglob("*"):
        if path.suffix in (".xml", ".svg"):
            ET.parse(path)  # well-formed, or it raises
            counts[path.suffix] += 1
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
            counts[".json"] += 1
        elif path.suffix == ".ics":
            assert Calendar.from_ical(path.read_bytes()).walk("VEVENT")
            counts[".ics"] += 1
    assert counts[".json"] == 8 and counts[".ics"] == 2 and counts[".svg"] == 6 and counts[".xml"] == 11
    # svg: 4 badges, 2 icon sprites; xml: the sitemap, per language 2 site feeds and 3 department feeds

    titles = [e.title for e in feedparser.parse((out / "rss.xml").read_bytes()).entries]
    assert titles == [TRICKY]
    atom = feedparser.parse((out / "ar" / "atom.xml").read_bytes())
    assert not atom.bozo and atom.entries[0].title.startswith("الطوارئ")
    summary = json.loads((out / "api" / "v2" / "summary.json").read_text(encoding="utf-8"))
    maintenance = json.loads((out / "api" / "v2" / "scheduled-maintenances.json").read_text(encoding="utf-8"))
    assert maintenance["scheduled_maintenances"][0]["name"] == TRICKY
    assert summary["page"]["name"] == "Test Hospital"
    calendar = Calendar.from_ical((out / "planned.ics").read_bytes())
    assert str(calendar.walk("VEVENT")[0]["SUMMARY"]) == TRICKY

"""Bounded output: feeds carry the newest `feed_items` statements, a department page lists its
newest statements one by one and counts the older ones per month, so that neither grows with
the whole history."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

import feedparser
import pytest
from lxml import html as lxml_html

from helpers import mkdocs_build, write_statement

START = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
COUNT = 64  # more than the department page lists (50) and more than the default feed (50)


def statement_id(i: int) -> str:
    return f"{START + timedelta(days=3 * i):%Y-%m-%d-%H%M}-update-{i}"


def fill(root) -> None:
    for i in range(COUNT):
        date = START + timedelta(days=3 * i)
        write_statement(root / "updates", f"{statement_id(i)}.md", f"""
            ---
            title: Update {i}
            date: {date:%Y-%m-%dT%H:%M:%S}Z
            incident: long-{i // 8}
            phase: {'resolved' if i % 8 == 7 else 'identified'}
            departments:
              emergency: {'operational' if i % 8 == 7 else 'degraded'}
            ---
            Full text of update {i}, with **details**.
            """)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("bounded")
    from helpers import SMALL_CONFIG
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(SMALL_CONFIG.format(languages="[nl, en]"), encoding="utf-8")
    fill(root)
    result = mkdocs_build(root / "mkdocs.yml", root / "site", "2026-01-01T12:00:00+01:00")
    assert result.returncode == 0, result.stderr
    return root


def feed(path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_feeds_carry_the_newest_fifty_in_full_by_default(built):
    for name in ("rss.xml", "atom.xml", "en/rss.xml", "departments/emergency/rss.xml"):
        entries = feed(built / "site" / name).entries
        assert len(entries) == 50, name
        # Newest first, and the newest 50: update 63 down to update 14.
        assert [e.link.rstrip("/").rsplit("/", 1)[1] for e in entries] == \
            [statement_id(i) for i in range(COUNT - 1, COUNT - 51, -1)]
        assert "Full text of update 63" in entries[0].content[0].value


def test_feed_items_option_sets_the_cap(built, tmp_path):
    config = (built / "mkdocs.yml").read_text(encoding="utf-8") + "      feed_items: 3\n"
    (built / "mkdocs.yml").write_text(config, encoding="utf-8")
    try:
        result = mkdocs_build(built / "mkdocs.yml", tmp_path / "out", "2026-01-01T12:00:00+01:00")
    finally:
        (built / "mkdocs.yml").write_text(config.replace("      feed_items: 3\n", ""), encoding="utf-8")
    assert result.returncode == 0, result.stderr
    titles = [e.title for e in feed(tmp_path / "out" / "rss.xml").entries]
    assert len(titles) == 3 and titles[0].endswith("Update 63")
    # The pages keep every statement: only the feeds are cut.
    assert (tmp_path / "out" / "updates" / statement_id(0) / "index.html").is_file()


def test_feed_items_must_be_a_positive_number(built):
    config = (built / "mkdocs.yml").read_text(encoding="utf-8")
    lines = config.splitlines()
    (built / "mkdocs.yml").write_text(config + "      feed_items: 0\n", encoding="utf-8")
    try:
        result = subprocess.run([sys.executable, "-m", "generator.cli", "check", "-f", str(built / "mkdocs.yml")],
                                capture_output=True, text=True)
    finally:
        (built / "mkdocs.yml").write_text(config, encoding="utf-8")
    assert result.returncode == 1
    assert f"mkdocs.yml:{len(lines) + 1}: 'feed_items' is 0: give a whole number of 1 or more" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_department_page_lists_fifty_and_counts_older_ones_per_month(built):
    for prefix, month in (("", "maart 2025"), ("en/", "March 2025")):
        page = lxml_html.parse(str(built / "site" / prefix / "departments" / "emergency" / "index.html"))
        listed = [a.get("href").rstrip("/").rsplit("/", 1)[1] for a in page.xpath("//ol[@class='sp-timeline']/li/a")]
        assert listed == [statement_id(i) for i in range(COUNT - 1, COUNT - 51, -1)]
        months = page.xpath("//ol[@class='sp-months']/li")
        # The 14 oldest, three days apart from 1 March 2025: 11 in March, 3 in April, newest month first.
        assert [m.xpath("string(.//time/@datetime)") for m in months] == ["2025-04", "2025-03"]
        assert [m.xpath("string(.//span)") for m in months] == ["(3)", "(11)"]
        assert months[1].xpath("string(.//time)") == month
        assert months[0].xpath("string(.//a/@href)").endswith(f"../{prefix}history/")

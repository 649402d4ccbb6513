"""History stays readable however long it grows: the history page lists the newest incidents and
planned closures (and the notices of the same span), and a page per month lists the older ones,
in every language; department pages' month counts lead to the page that lists them."""
from __future__ import annotations

import json
import subprocess
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import pytest
from lxml import html as lxml_html

from helpers import CHROMIUM, SMALL_CONFIG, mkdocs_build, serve, tree_digest, write_statement
from generator.render.pages import HISTORY_GROUPS, HISTORY_NOTICES

LANGUAGES = ["nl", "fr", "en"]
PREFIXES = {"nl": "", "fr": "fr/", "en": "en/"}
ZONE = ZoneInfo("Europe/Brussels")
NOW = "2026-01-01T12:00:00+01:00"
START = datetime(2025, 1, 5, 9, 0, tzinfo=timezone.utc)
INCIDENTS = HISTORY_GROUPS + 10  # the oldest ten cannot be on the history page
CLOSURE = 2  # a planned closure among the oldest, listed like an incident
NOTICES = 12
BASE = "https://h/"


def incident_dates(i: int) -> tuple[datetime, datetime]:
    # Five days apart, each resolved three days later: some end in the month after they began.
    start = START + timedelta(days=5 * i)
    return start, start + timedelta(days=3)


def notice_date(j: int) -> datetime:
    return START + timedelta(days=17 * j, hours=3)


def month(when: datetime) -> str:
    return f"{when.astimezone(ZONE):%Y-%m}"


def group_id(i: int) -> str:
    # A planned closure's id is its first statement's.
    return f"{incident_dates(i)[0]:%Y-%m-%d-%H%M}-closure-{i}" if i == CLOSURE else f"inc-{i}"


def notice_id(j: int) -> str:
    return f"{notice_date(j):%Y-%m-%d-%H%M}-notice-{j}"


# The oldest incident the history page shows: older ones, and older notices, are on month pages.
CUTOFF = incident_dates(INCIDENTS - HISTORY_GROUPS)[0]


def fill(root: Path) -> None:
    updates = root / "updates"
    for i in range(INCIDENTS):
        start, end = incident_dates(i)
        if i == CLOSURE:
            write_statement(updates, f"{group_id(i)}.md", f"""
                ---
                title: Closure {i}
                date: {start:%Y-%m-%dT%H:%M:%S}Z
                departments: {{lab: maintenance}}
                planned:
                  start: {end:%Y-%m-%dT%H:%M:%S}Z
                  end: {end + timedelta(hours=2):%Y-%m-%dT%H:%M:%S}Z
                ---
                Closed for maintenance.
                """)
            continue
        for when, phase, status, suffix in ((start, "identified", "degraded", ""),
                                            (end, "resolved", "operational", "-end")):
            write_statement(updates, f"{when:%Y-%m-%d-%H%M}-inc-{i}{suffix}.md", f"""
                ---
                title: Incident {i}{suffix}
                date: {when:%Y-%m-%dT%H:%M:%S}Z
                incident: inc-{i}
                phase: {phase}
                departments: {{emergency: {status}}}
                ---
                Text of incident {i}{suffix}.
                """)
    for j in range(NOTICES):
        when = notice_date(j)
        write_statement(updates, f"{notice_id(j)}.md", f"""
            ---
            title: Notice {j}
            date: {when:%Y-%m-%dT%H:%M:%S}Z
            ---
            Notice {j}.
            """)


# incident or closure id -> the month it began (site time zone); notice id -> its month
BEGAN = {group_id(i): month(incident_dates(i)[0]) for i in range(INCIDENTS)}
NOTICE_MONTHS = {notice_id(j): month(notice_date(j)) for j in range(NOTICES)}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("history-pages")
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(SMALL_CONFIG.format(languages="[" + ", ".join(LANGUAGES) + "]"),
                                     encoding="utf-8")
    fill(root)
    result = mkdocs_build(root / "mkdocs.yml", root / "site", NOW)
    assert result.returncode == 0, result.stderr
    return root


def parse(path: Path):
    return lxml_html.parse(str(path)).getroot()


def page_url(site: Path, file: Path) -> str:
    return BASE + file.parent.relative_to(site).as_posix() + "/"


def target_file(site: Path, url: str) -> Path:
    assert url.startswith(BASE), url
    return site / url[len(BASE):] / "index.html"


def listed(doc) -> tuple[list[str], list[str]]:
    """(incident ids, notice ids) a history page lists, in order."""
    content = doc.cssselect(".sp-history-page")[0]
    groups = [a.get("href").rstrip("/").rsplit("/", 1)[1] for a in content.cssselect(".sp-incident h2 a")]
    notices = [a.get("href").rstrip("/").rsplit("/", 1)[1]
               for a in content.xpath(".//h2[@id='notices']/following-sibling::ul[1]/li/a")]
    return groups, notices


def month_pages(site: Path, lang: str) -> dict[str, Path]:
    folder = site / PREFIXES[lang] / "history"
    return {p.parent.name: p for p in sorted(folder.glob("*/index.html"))}


def test_history_lists_the_newest_and_earlier_months_newest_first(built):
    site = built / "site"
    for lang in LANGUAGES:
        history = site / PREFIXES[lang] / "history" / "index.html"
        doc = parse(history)
        groups, notices = listed(doc)
        assert len(groups) == HISTORY_GROUPS and len(notices) <= HISTORY_NOTICES
        # The newest ones, newest first.
        assert groups == [group_id(i) for i in range(INCIDENTS - 1, INCIDENTS - 1 - HISTORY_GROUPS, -1)]
        # The notices of the same span: all those since the oldest incident shown, newest first.
        assert notices == [notice_id(j) for j in reversed(range(NOTICES)) if notice_date(j) >= CUTOFF]
        months = doc.xpath("//h2[@id='earlier']/following-sibling::ol[@class='sp-months'][1]/li")
        keys = [m.xpath("string(.//time/@datetime)") for m in months]
        assert keys == sorted(month_pages(site, lang), reverse=True) and len(keys) >= 2
        for item in months:
            url = urljoin(page_url(site, history), item.xpath("string(.//a/@href)"))
            target = target_file(site, url)
            assert target.is_file(), url
            # The count is what that month's page lists.
            count = sum(len(x) for x in listed(parse(target)))
            assert item.xpath("string(.//span)") == f"({count})"


def test_history_and_month_pages_list_everything_exactly_once_in_every_language(built):
    site = built / "site"
    keys = set(month_pages(site, "nl"))
    # The months of what the history page does not show, and no other.
    assert keys == {BEGAN[group_id(i)] for i in range(INCIDENTS - HISTORY_GROUPS)} | \
        {month(notice_date(j)) for j in range(NOTICES) if notice_date(j) < CUTOFF}
    for lang in LANGUAGES:
        pages = month_pages(site, lang)
        assert set(pages) == keys, lang  # the same months in every language
        groups, notices = Counter(), Counter()
        for path in [site / PREFIXES[lang] / "history" / "index.html", *pages.values()]:
            g, n = listed(parse(path))
            groups.update(g)
            notices.update(n)
        assert set(groups) == set(BEGAN) and set(groups.values()) == {1}, lang
        assert set(notices) == set(NOTICE_MONTHS) and set(notices.values()) == {1}, lang
        for key, path in pages.items():
            g, n = listed(parse(path))
            assert all(BEGAN[gid] == key for gid in g) and all(NOTICE_MONTHS[nid] == key for nid in n), (lang, key)
        assert any(group_id(CLOSURE) in listed(parse(path))[0] for path in pages.values())


MONTH_WORDS = {"nl": "januari 2025", "fr": "janvier 2025", "en": "January 2025"}


def test_month_page_names_its_month_and_links_its_neighbours_history_and_languages(built):
    site = built / "site"
    for lang in LANGUAGES:
        pages = month_pages(site, lang)
        keys = sorted(pages)  # oldest first
        for i, key in enumerate(keys):
            path = pages[key]
            doc = parse(path)
            assert doc.get("lang") == lang
            heading = doc.cssselect("h1#history")[0].text_content()
            if key == "2025-01":
                assert MONTH_WORDS[lang] in heading
                assert MONTH_WORDS[lang] in doc.findtext(".//title")
            here = page_url(site, path)
            nav = doc.cssselect("nav.sp-month-nav")[0]
            links = {a.get("rel") or "history": urljoin(here, a.get("href")) for a in nav.cssselect("a")}
            assert links["history"] == f"{BASE}{PREFIXES[lang]}history/"
            assert links.get("prev") == (f"{BASE}{PREFIXES[lang]}history/{keys[i - 1]}/" if i else None)
            assert links.get("next") == (f"{BASE}{PREFIXES[lang]}history/{keys[i + 1]}/" if i + 1 < len(keys) else None)
            for url in links.values():
                assert target_file(site, url).is_file(), url
            # Its other languages are the same month.
            alternates = {a.get("hreflang"): urljoin(here, a.get("href")) for a in doc.xpath("//a[@hreflang]")}
            assert alternates == {other: f"{BASE}{PREFIXES[other]}history/{key}/" for other in LANGUAGES}


def test_department_month_counts_lead_to_the_page_listing_them(built):
    site = built / "site"
    # Emergency statements beyond the newest 50 (the department page's list), newest first.
    statements = sorted(((when, f"inc-{i}") for i in range(INCIDENTS) if i != CLOSURE for when in incident_dates(i)),
                        reverse=True)[50:]
    by_month: dict[str, list[str]] = {}
    for when, incident in statements:
        by_month.setdefault(month(when), []).append(incident)
    for lang in LANGUAGES:
        path = site / PREFIXES[lang] / "departments" / "emergency" / "index.html"
        doc = parse(path)
        items = doc.xpath("//ol[@class='sp-months']/li")
        assert [i.xpath("string(.//time/@datetime)") for i in items] == list(by_month)
        seen_history = seen_month = False
        for item in items:
            key = item.xpath("string(.//time/@datetime)")
            url = urljoin(page_url(site, path), item.xpath("string(.//a/@href)"))
            target = target_file(site, url)
            assert target.is_file(), url
            groups = set(listed(parse(target))[0])
            assert groups & set(by_month[key]), (lang, key, url)
            if url.endswith(f"/history/{key}/"):
                seen_month = True
            else:
                # Only when none of the month's incidents is on its own month page.
                assert not (groups_of(site, lang, key) & set(by_month[key])), (lang, key, url)
                seen_history |= url == f"{BASE}{PREFIXES[lang]}history/"
        assert seen_month and seen_history, lang


def groups_of(site: Path, lang: str, key: str) -> set[str]:
    path = site / PREFIXES[lang] / "history" / key / "index.html"
    return set(listed(parse(path))[0]) if path.is_file() else set()


def test_two_builds_are_byte_identical(built, tmp_path):
    result = mkdocs_build(built / "mkdocs.yml", tmp_path / "again", NOW)
    assert result.returncode == 0, result.stderr
    first, second = tree_digest(built / "site"), tree_digest(tmp_path / "again")
    assert any("/history/2025-01/" in f"/{p}" for p in first)
    assert first == second


def test_month_pages_are_valid_html(built, vnu):
    site = built / "site"
    pages = [site / PREFIXES[lang] / "history" / "index.html" for lang in LANGUAGES]
    pages += [page for lang in LANGUAGES for page in month_pages(site, lang).values()]
    pages.append(site / "departments" / "emergency" / "index.html")
    result = subprocess.run(["java", "-jar", str(vnu), "--errors-only", "--format", "json", *map(str, pages)],
                            capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '').split('/site/')[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages
              if m.get("type") == "error" or m.get("subType") == "fatal"]
    assert not errors, "\n".join(errors[:20])


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Chromium at {CHROMIUM}")
def test_month_pages_pass_axe_and_fit_a_phone(built):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright
    site = built / "site"
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
               "resultTypes": ["violations"]}
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
        try:
            for lang in ("nl", "fr"):
                for scheme in ("light", "dark"):
                    page = browser.new_page()
                    page.emulate_media(color_scheme=scheme)
                    path = f"{PREFIXES[lang]}history/{min(month_pages(site, lang))}/"
                    page.goto(base + path)
                    results = Axe().run(page, options=options)
                    assert results.violations_count == 0, f"/{path} ({scheme}):\n{results.generate_report()}"
                    page.close()
                # The narrowest phone: nothing wider than the screen, the month links included.
                page = browser.new_page(viewport={"width": 320, "height": 640})
                page.goto(base + path)
                assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), path
                assert page.locator(".sp-month-nav a").count() > 0, path
                page.close()
        finally:
            browser.close()

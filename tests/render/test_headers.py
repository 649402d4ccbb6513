"""`_headers` in a real build, applied by a server that follows Netlify's and Cloudflare's rules.

Real HTTP requests per kind of path (pages, feeds, API, badges, calendar, fingerprinted and
plain assets, the editor), and a check over every file of the build that no two rules give
one response two caching rules or two security policies.
"""
from __future__ import annotations

import urllib.request

import pytest

from helpers import mkdocs_build, write_statement
from generator.render.headers import ADMIN_CSP, FINGERPRINTED, IMMUTABLE, REVALIDATE
from helpers import headers_for, parse_headers, rule_regex, serve_with_headers

WHEN = "2026-01-14T12:00:00+01:00"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from helpers import SMALL_CONFIG
    root = tmp_path_factory.mktemp("headers")
    (root / "docs").mkdir()
    (root / "docs" / "about.md").write_text("# About\n\nHand-written.\n", encoding="utf-8")
    # The search plugin brings Material's fingerprinted JavaScript bundle along.
    (root / "mkdocs.yml").write_text(SMALL_CONFIG.format(languages="[nl, fr, en]").replace(
        "plugins:\n", "plugins:\n  - search\n"), encoding="utf-8")
    updates = root / "updates"
    write_statement(updates, "2026-01-13-0632-offline.md", """
        ---
        title: Servers uit
        date: 2026-01-13T06:32:00+01:00
        departments: {emergency: reduced, lab: offline}
        ---
        Tekst.
        """)
    write_statement(updates, "2026-01-13-0700-lab-closed.md", """
        ---
        title: Labo gesloten
        date: 2026-01-13T07:00:00+01:00
        departments: {lab: maintenance}
        planned: {start: 2026-01-20T20:00:00+01:00, end: 2026-01-20T23:00:00+01:00}
        ---
        Tekst.
        """)
    site = root / "site"
    result = mkdocs_build(root / "mkdocs.yml", site, when=WHEN)
    assert result.returncode == 0, result.stderr
    return site


def get(url: str):
    with urllib.request.urlopen(url) as response:
        response.read()
        return response.status, response.headers


def test_netlify_path_matching():
    assert rule_regex("/*").match("/") and rule_regex("/*").match("/a/b.html")
    assert rule_regex("/api/*").match("/api/v2/summary.json") and rule_regex("/api/*").match("/api")
    assert not rule_regex("/api/*").match("/apix/")
    assert rule_regex("/:lang/rss.xml").match("/fr/rss.xml")
    assert not rule_regex("/:lang/rss.xml").match("/rss.xml")
    assert not rule_regex("/:lang/rss.xml").match("/departments/x/rss.xml")
    assert rule_regex("/").match("/") and not rule_regex("/").match("/fr/")
    rules = parse_headers("/*\n  X-A: 1\n/fr/*\n  X-A: 2\n  X-B: 3\n")
    assert headers_for(rules, "/fr/") == {"X-A": "1, 2", "X-B": "3"}


def test_every_file_gets_one_cache_rule_and_one_policy(built):
    """Hosts join the values of every matching rule: each must come from exactly one."""
    rules = parse_headers((built / "_headers").read_text(encoding="utf-8"))
    assert len(rules) <= 100, "Cloudflare Pages reads at most 100 rules"
    files = [p for p in built.rglob("*") if p.is_file() and p.name != "_headers"]
    assert any(FINGERPRINTED.search(p.name) and p.suffix == ".js" for p in files)
    for path in files:
        url = "/" + path.relative_to(built).as_posix()
        headers = headers_for(rules, url)
        expected = IMMUTABLE if FINGERPRINTED.search(path.name) else REVALIDATE
        assert headers.get("Cache-Control") == expected, url
        assert headers["X-Content-Type-Options"] == "nosniff", url
        policy = headers.get("Content-Security-Policy", "")
        assert policy and "," not in policy, f"{url}: {policy}"
        assert headers.get("Access-Control-Allow-Origin") in (None, "*"), url


@pytest.mark.parametrize("path, cors", [
    ("/", False), ("/index.html", False), ("/fr/", False), ("/en/history/", False),
    ("/incidents/2026-01-13-0632-offline/", False), ("/fr/updates/2026-01-13-0632-offline/", False),
    ("/departments/lab/", False), ("/about/", False), ("/sitemap.xml", False),
    ("/rss.xml", True), ("/atom.xml", True), ("/fr/rss.xml", True), ("/en/atom.xml", True),
    ("/departments/lab/rss.xml", True), ("/en/departments/emergency/rss.xml", True),
    ("/planned.ics", True), ("/fr/planned.ics", True),
    ("/api/v2/summary.json", True), ("/api/v2/incidents/unresolved.json", True),
    ("/badges/status.svg", True), ("/badges/lab.svg", True),
])
def test_pages_feeds_api_revalidate_within_a_minute(built, path, cors):
    with serve_with_headers(built) as base:
        status, headers = get(base + path)
    assert status == 200
    assert headers.get_all("Cache-Control") == [REVALIDATE]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unpkg" not in policy and "frame-ancestors" in policy
    assert headers.get_all("Access-Control-Allow-Origin") == (["*"] if cors else None)


def test_fingerprinted_assets_are_kept_a_year_others_revalidate(built):
    assets = sorted(p.relative_to(built).as_posix() for p in (built / "assets").rglob("*") if p.is_file())
    hashed = [a for a in assets if FINGERPRINTED.search(a)]
    plain = [a for a in assets if not FINGERPRINTED.search(a)]
    assert any(a.startswith("assets/stylesheets/main.") for a in hashed)
    assert "assets/stylesheets/statuspress.css" in plain
    with serve_with_headers(built) as base:
        for asset in hashed:
            assert get(f"{base}/{asset}")[1].get_all("Cache-Control") == [IMMUTABLE], asset
        for asset in plain:
            assert get(f"{base}/{asset}")[1].get_all("Cache-Control") == [REVALIDATE], asset


def test_the_editor_has_its_own_policy(built):
    with serve_with_headers(built) as base:
        for path in ("/admin/", "/admin/config.yml"):
            status, headers = get(base + path)
            assert status == 200
            assert headers.get_all("Content-Security-Policy") == [ADMIN_CSP]
            assert headers.get_all("Cache-Control") == [REVALIDATE]
            assert headers["X-Robots-Tag"] == "noindex"
            assert headers.get("Access-Control-Allow-Origin") is None

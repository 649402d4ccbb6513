"""Content-Security-Policy (README, "What a build produces"): every page carries a CSP meta tag allowing the
site itself and the hashes of its own inline scripts and <style>; in Chromium no page of any kind reports a
violation, and a script or a style that is not the build's own does not apply.
"""
from __future__ import annotations

import contextlib
import re
import shutil

import lxml.html
import pytest

from generator.render import admin, csp
from helpers import CHROMIUM, CHROMIUM_ARGS, EXAMPLE_CONFIG, mkdocs_build, serve, serve_with_headers

if not CHROMIUM.exists():
    pytest.skip(f"browser tests need Chromium at {CHROMIUM} (Debian package `chromium`); "
                "it is not installed here", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

WHEN = "2026-01-14T15:13:20+01:00"  # during the cyberattack, as in the browser tests

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
    e => window.__violations.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || "")));
"""


@contextlib.contextmanager
def recording_violations():
    """A Chromium context whose pages record every policy violation in `window.__violations`."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.add_init_script(RECORD_VIOLATIONS)
            yield context
        finally:
            browser.close()


def opened(context, url: str):
    """A tab of `context` at `url`, loaded, and the late work of its inline scripts done."""
    tab = context.new_page()
    tab.goto(url, wait_until="load")
    tab.wait_for_timeout(100)
    return tab


def header_colour(tab) -> str:
    """Material's header background: its primary colour when the page's sheet applied."""
    return tab.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor")


def policy_of(path) -> str:
    metas = lxml.html.parse(str(path)).xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert len(metas) == 1, f"{path}: {len(metas)} CSP meta tags"
    return metas[0]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("csp") / "site"
    result = mkdocs_build(EXAMPLE_CONFIG, root, WHEN)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
    return root


@pytest.fixture(scope="module")
def served(built):
    with serve(built) as base:
        yield base


def test_every_page_has_a_policy_for_its_own_inline_scripts(built):
    pages = sorted(built.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        if path.relative_to(built).parts[0] == "admin":
            # The staff's editor: Decap's own policy (checked in test_decap), not a status page's.
            assert policy_of(path) == admin.ADMIN_META_CSP
            continue
        page = path.read_text(encoding="utf-8")
        policy = policy_of(path)
        assert policy == csp.policy(csp.script_hashes(page), csp.style_hashes(page)), path
        assert "default-src 'self'" in policy and "'unsafe-inline'" not in policy and "http" not in policy
        # Before the first script: a meta policy governs only what follows it.
        assert page.index("Content-Security-Policy") < page.find("<script"), path


def test_hash_is_the_one_browsers_compute():
    # The example of the CSP specification: sha256 of "alert('Hello, world.');".
    assert csp.script_hash("alert('Hello, world.');") == "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"


def _pages(built) -> list[str]:
    """One page of each kind, in two languages, plus a hand-written page and the 404 page."""
    chosen = ["", "history/", "fr/", "en/history/", "404.html"]
    for folder in ("incidents", "updates", "departments"):
        chosen += [f"{folder}/{next(iter(sorted((built / folder).iterdir()))).name}/",
                   f"fr/{folder}/{next(iter(sorted((built / 'fr' / folder).iterdir()))).name}/"]
    handwritten = [p.parent.relative_to(built).as_posix() + "/" for p in built.glob("*/index.html")
                   if p.parent.name not in {"incidents", "updates", "departments", "history", "fr", "en", "api",
                                            "admin"}]
    return chosen + handwritten[:2]


def test_no_violation_in_chromium_and_pages_render(built, served):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.add_init_script(RECORD_VIOLATIONS)
            failures = []
            for path in _pages(built):
                tab = context.new_page()
                console = []
                tab.on("console", lambda message: console.append(message.text))
                tab.goto(served + path, wait_until="load")
                tab.wait_for_timeout(100)  # events fired by late work (the inline scripts) arrive
                violations = tab.evaluate("window.__violations")
                csp_console = [m for m in console if "Content Security Policy" in m]
                if violations or csp_console:
                    failures.append((path, violations, csp_console))
                assert tab.locator("h1").first.is_visible(), path
                tab.close()
            assert not failures, failures
        finally:
            browser.close()


def test_a_script_not_of_the_theme_is_blocked(built, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(built, copy)
    index = copy / "index.html"
    page = index.read_text(encoding="utf-8")
    # Where an injected script would land: in the page's content, after the policy.
    page = re.sub(r"(<h1[^>]*>)", r'<script>window.__injected = 1;</script>\1', page, count=1)
    index.write_text(page, encoding="utf-8")
    with serve(copy) as base, recording_violations() as context:
        tab = opened(context, base)
        assert tab.evaluate("window.__injected") is None
        assert any(v.startswith("script-src") for v in tab.evaluate("window.__violations"))
        # The theme's own scripts still ran: the relative "last updated" time is filled in.
        assert tab.locator("[data-sp-since]").text_content().strip()


def test_a_style_not_of_the_build_is_refused(built, tmp_path):
    """The overview carries its sheet inside it (README, "Status pages draw from the first flight"),
    allowed by its hash: that <style> applies, and one added after the policy does not."""
    copy = tmp_path / "site"
    shutil.copytree(built, copy)
    index = copy / "index.html"
    page = index.read_text(encoding="utf-8")
    assert len(csp.style_hashes(page)) == 1, "the overview should carry one <style>: the status pages' sheet"
    page = re.sub(r"(<h1[^>]*>)", r'<style>body{background:rgb(1, 2, 3) !important}</style>\1', page, count=1)
    index.write_text(page, encoding="utf-8")
    with serve(copy) as base, recording_violations() as context:
        tab = opened(context, base)
        assert any(v.startswith("style-src") for v in tab.evaluate("window.__violations"))
        assert tab.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(1, 2, 3)"
        # The page's own sheet applied: Material's header is its primary colour, not transparent.
        assert header_colour(tab) not in ("rgba(0, 0, 0, 0)", "transparent"), header_colour(tab)


def test_a_server_policy_without_the_hash_still_styles_the_page(built, tmp_path):
    """A server whose own policy does not name the <style>'s hash (the README's default snippets,
    a hand-written header) refuses the sheet inside the page: the same sheet linked at the end of
    the body still styles it."""
    copy = tmp_path / "site"
    shutil.copytree(built, copy)
    headers = copy / "_headers"
    text, count = re.subn(r"(style-src 'self') 'sha256-[^']+'", r"\1", headers.read_text(encoding="utf-8"))
    assert count, "_headers allows no <style> by its hash"
    headers.write_text(text, encoding="utf-8")
    with serve_with_headers(copy) as origin, recording_violations() as context:
        for path in ("/", "/departments/emergency/", "/fr/history/"):
            tab = opened(context, origin + path)
            assert any(v.startswith("style-src") for v in tab.evaluate("window.__violations")), path
            assert header_colour(tab) not in ("rgba(0, 0, 0, 0)", "transparent"), (path, header_colour(tab))
            tab.close()

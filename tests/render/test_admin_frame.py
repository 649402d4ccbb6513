"""The editor on a host that sends no headers (GitHub Pages ignores `_headers`): framed by another
site it shows nothing (no frame-ancestors there), opened itself it shows; measured in Chromium."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers import mkdocs_build
from helpers import serve as serve_plain

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"needs Chromium at {CHROMIUM}", allow_module_level=True)
from playwright.sync_api import sync_playwright  # noqa: E402


def test_admin_shows_itself_only_as_the_top_window(small_site, tmp_path):
    root = small_site(("en",))
    built = mkdocs_build(root / "mkdocs.yml", tmp_path / "site")
    assert built.returncode == 0, built.stderr
    attacker = tmp_path / "attacker"
    attacker.mkdir()
    with serve_plain(tmp_path / "site") as site_url:
        # Another origin (localhost, not 127.0.0.1) frames the editor.
        admin = site_url.replace("127.0.0.1", "localhost") + "admin/"
        (attacker / "index.html").write_text(f'<!doctype html><iframe src="{admin}" width=800 height=600></iframe>',
                                             encoding="utf-8")
        with serve_plain(attacker) as attacker_url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            page = browser.new_page()
            page.route("https://unpkg.com/**", lambda route: route.abort())  # no third-party request
            page.goto(admin)
            page.wait_for_load_state("load")
            assert page.evaluate("getComputedStyle(document.body).display") != "none"
            page.goto(attacker_url)
            page.wait_for_load_state("load")
            frame = next(f for f in page.frames if f.url.startswith(admin))
            frame.wait_for_load_state("load")
            assert frame.evaluate("getComputedStyle(document.body).display") == "none"
            assert page.url == attacker_url  # a cross-origin frame may not navigate the top window
            browser.close()

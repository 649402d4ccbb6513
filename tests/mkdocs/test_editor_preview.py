"""What slips past the editor shows in the previews, and the editor stays reachable.

A statement the build refuses (the editor's checks cannot see everything) used to lock the
writer out: `mkdocs serve` held every request until a rebuild succeeded, and `statuspress serve`
answered 500 on /admin/. Both now show the problem, located, on every page, keep /admin/
answering, and show a broken mkdocs.yml the same way rather than the old site.
"""
from __future__ import annotations

import os
import subprocess
import sys
import urllib.error

import yaml

from helpers import write_statement
from test_preview import FIRST, _get, _serving
from test_serve import free_port, wait_for

# Would open an incident already 'monitoring' beside the open one holding emergency.
REFUSED = """
    ---
    title: Spoed opnieuw normaal
    date: 2026-03-01T10:00:00+01:00
    phase: monitoring
    summary: Spoed werkt opnieuw.
    departments: {emergency: operational}
    ---
    Spoed werkt opnieuw.
    """


def _problem(body: bytes) -> str:
    text = body.decode()
    assert "The site would not build" in text, text[:500]
    return text


def _admin_answers(url: str) -> None:
    status, page = _get(url + "admin/")
    assert status == 200 and b'id="statuspress-editor"' in page
    status, script = _get(url + "admin/editor.js")
    assert status == 200 and b"CMS_MANUAL_INIT" in script
    status, config = _get(url + "admin/config.yml")
    # A preview is where the local backend (decap-server in the clone) is switched on.
    assert status == 200 and yaml.safe_load(config)["local_backend"] is True


def test_statuspress_serve_keeps_the_editor_and_shows_the_problem(small_site):
    root = small_site()
    write_statement(root / "updates", "2026-03-01-0800-a.md", FIRST)
    with _serving(root) as (url, _):
        _admin_answers(url)
        write_statement(root / "updates", "2026-03-01-1000-b.md", REFUSED)
        for page in ("", "updates/2026-03-01-0800-a/", "fr/"):
            status, body = _get(url + page)
            text = _problem(body)
            assert "2026-03-01-1000-b.md:4:" in text and "cyber-1" in text, text
        _admin_answers(url)
        (root / "updates" / "2026-03-01-1000-b.md").unlink()
        status, body = _get(url)
        assert status == 200 and b"Servers offline" in body


def test_statuspress_serve_shows_a_broken_mkdocs_yml_never_the_old_site(small_site):
    root = small_site()
    write_statement(root / "updates", "2026-03-01-0800-a.md", FIRST)
    config = root / "mkdocs.yml"
    with _serving(root) as (url, _):
        good = config.read_text(encoding="utf-8")
        config.write_text(good.replace("plugins:", "plugins: [", 1), encoding="utf-8")
        for page in ("", "updates/2026-03-01-0800-a/"):
            status, body = _get(url + page)
            assert status == 500 and "mkdocs.yml" in _problem(body) and b"sp-department" not in body
        config.write_text(good, encoding="utf-8")
        status, body = _get(url)
        assert status == 200 and b"Servers offline" in body


def test_mkdocs_serve_answers_with_the_problem_instead_of_hanging(small_site):
    root = small_site()
    write_statement(root / "updates", "2026-03-01-0800-a.md", FIRST)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-q", "-a", f"127.0.0.1:{port}"],
                              cwd=root, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/"

    def shown(page: str, words: str) -> bool:
        try:
            return words in _get(url + page)[1].decode()
        except urllib.error.URLError:
            return False

    try:
        assert wait_for(lambda: shown("", "Servers offline")), "the preview never came up"
        _admin_answers(url)
        write_statement(root / "updates", "2026-03-01-1000-b.md", REFUSED)
        # Every page says what is wrong and where (each request answered within _get's 30 s).
        assert wait_for(lambda: shown("", "2026-03-01-1000-b.md:4:")), "the problem never showed"
        for page in ("updates/2026-03-01-0800-a/", "fr/"):
            status, body = _get(url + page)
            assert "2026-03-01-1000-b.md:4:" in _problem(body) and b"sp-department" not in body
        _admin_answers(url)
        (root / "updates" / "2026-03-01-1000-b.md").unlink()
        assert wait_for(lambda: shown("updates/2026-03-01-0800-a/", "sp-")), "the site never came back"
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_statuspress_serve_starts_on_a_refused_statement_with_the_editor(small_site):
    root = small_site()
    write_statement(root / "updates", "2026-03-01-0800-a.md", FIRST)
    write_statement(root / "updates", "2026-03-01-1000-b.md", REFUSED)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{port}"],
                              cwd=root, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for(lambda: _get(url)[0] == 500), "the preview never came up"
        assert "2026-03-01-1000-b.md:4:" in _problem(_get(url)[1])
        _admin_answers(url)
    finally:
        server.terminate()
        server.wait(timeout=20)

"""`statuspress serve`: status pages rendered on request from the files on disk, the same bytes
as `mkdocs build` writes, a saved change shown at the next request, problems shown located."""
from __future__ import annotations

import contextlib
import html
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from helpers import epoch, mkdocs_build, write_statement

WHEN = "2026-03-02T12:00:00+01:00"
RELOAD = b'<script src="/.statuspress/reload.js"></script>'

FIRST = """
    ---
    title: Servers offline & "more"
    date: 2026-03-01T08:00:00+01:00
    incident: cyber-1
    summary: Spoed werkt beperkt.
    departments: {emergency: reduced}
    ---
    Kom enkel bij nood.
    """


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@contextlib.contextmanager
def _serving(root: Path):
    """`statuspress serve` on `root`, once it answers: (its address, its port)."""
    port = _port()
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch(WHEN)), "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{port}"],
                              cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError):
                if _get(url)[0] == 200:
                    break
            assert server.poll() is None and time.monotonic() < deadline, server.stdout.read().decode()
            time.sleep(0.2)
        yield url, port
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def preview(small_site):
    root = small_site()
    write_statement(root / "updates", "2026-03-01-0800-a.md", FIRST)
    with _serving(root) as (url, port):
        yield root, url, port


def _built(root: Path, port: int, tmp: Path) -> Path:
    """The site `mkdocs build` makes from the same files, with the preview's address as site_url."""
    copy = tmp / "copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy)
    config = copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "https://status.example.org/", f"http://127.0.0.1:{port}/"), encoding="utf-8")
    result = mkdocs_build(config, tmp / "built", WHEN)
    assert result.returncode == 0, result.stderr
    return tmp / "built"


def test_pages_are_what_the_build_writes_and_follow_each_save(preview, tmp_path):
    root, url, port = preview
    status, version = _get(url + ".statuspress/version")
    assert status == 200
    # A save, and a new statement: the next request shows both, without a rebuild of the site.
    write_statement(root / "updates", "2026-03-01-0800-a.md", FIRST.replace("Servers offline", "Servers back"))
    write_statement(root / "updates", "2026-03-01-0900-b.md", """
        ---
        title: Labo dicht
        date: 2026-03-01T09:00:00+01:00
        departments: {lab: offline}
        ---
        Tekst.
        """)
    built = _built(root, port, tmp_path)
    for path in ["updates/2026-03-01-0800-a/", "fr/updates/2026-03-01-0800-a/", "incidents/cyber-1/",
                 "updates/2026-03-01-0900-b/", "en/incidents/2026-03-01-0900-b/", "", "fr/",
                 "history/", "departments/lab/", "en/departments/emergency/", "subscribe/"]:
        status, body = _get(url + path)
        assert status == 200, path
        assert RELOAD in body, path
        assert body.replace(RELOAD, b"").decode() == (built / path / "index.html").read_text(encoding="utf-8"), path
    page = _get(url + "updates/2026-03-01-0800-a/")[1].decode()
    assert "Servers back &amp; &quot;more&quot;" in page
    assert _get(url + ".statuspress/version")[1] != version  # open pages reload themselves
    # Feeds follow too; theme assets come from the build.
    assert b"Labo dicht" in _get(url + "rss.xml")[1]
    assert _get(url + "assets/stylesheets/statuspress.css")[0] == 200
    assert _get(url + "no/such/page/")[0] == 404


def test_a_mistake_shows_located_and_its_fix_brings_the_site_back(preview):
    root, url, _ = preview
    write_statement(root / "updates", "2026-03-01-1000-c.md", """
        ---
        title: Typo
        date: 2026-03-01T10:00:00+01:00
        departmens: {lab: offline}
        ---
        Tekst.
        """)
    status, body = _get(url + "updates/2026-03-01-0800-a/")
    assert status == 500
    text = body.decode()
    assert "2026-03-01-1000-c.md:4" in text and "departmens" in text
    assert RELOAD.decode() in text  # reloads by itself once fixed
    (root / "updates" / "2026-03-01-1000-c.md").unlink()
    status, body = _get(url + "updates/2026-03-01-0800-a/")
    assert status == 200 and b"Servers offline" in body


def test_a_site_without_site_url_previews(small_site):
    """Only a build needs the public address; the preview has its own."""
    root = small_site()
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("site_url: https://status.example.org/\n", ""),
                      encoding="utf-8")
    write_statement(root / "updates", "2026-03-01-0800-a.md", FIRST)
    with _serving(root) as (url, port):
        status, body = _get(url + "updates/2026-03-01-0800-a/")
        assert status == 200
        assert f'<link rel="canonical" href="http://127.0.0.1:{port}/updates/2026-03-01-0800-a/">'.encode() in body


def _outputs_and_pages(built: Path) -> list[str]:
    """What the preview makes from the statements on disk, by site path: every status page (each
    `index.html` but the editor's, whose preview has a local backend), feeds, API, calendar, badges
    (not sitemap.xml, which the preview serves from its first build)."""
    found = []
    for path in sorted(built.rglob("*")):
        name = path.relative_to(built).as_posix()
        if not path.is_file() or name.startswith(("admin/", "assets/", "search/")) or name == "sitemap.xml":
            continue
        if path.name == "index.html":
            found.append(name[:-len("index.html")])
        elif path.suffix in (".xml", ".json", ".ics", ".svg"):
            found.append(name)
    return found


def _served_as_built(root: Path, url: str, port: int, tmp: Path) -> list[str]:
    """Every page and output the preview serves now, compared with a fresh build of the same files."""
    built = _built(root, port, tmp)
    served = _outputs_and_pages(built)
    for path in served:
        status, body = _get(url + path)
        assert status == 200, path
        expected = (built / (path + "index.html" if path.endswith("/") or not path else path)).read_bytes()
        if not path or path.endswith("/"):
            assert RELOAD in body, path
            body = body.replace(RELOAD, b"")
        assert body == expected, path
    return served


def test_every_page_follows_every_kind_of_change(preview, tmp_path):
    """Pages are planned only when asked for, from the statements as they are on disk: after a
    statement is changed, added, translated or deleted, and a department's status changes, every
    page and output the preview serves is byte for byte what a fresh build writes."""
    root, url, port = preview
    updates = root / "updates"
    first = set(_served_as_built(root, url, port, tmp_path))
    assert {"", "fr/", "updates/2026-03-01-0800-a/", "en/incidents/cyber-1/", "departments/emergency/",
            "history/", "rss.xml"} <= first
    # Changed: its title shows on its own page, its incident's, the history, the feeds.
    write_statement(updates, "2026-03-01-0800-a.md", FIRST.replace("Servers offline", "Servers down"))
    assert b"Servers down" in _get(url + "incidents/cyber-1/")[1]
    _served_as_built(root, url, port, tmp_path)
    # Added: a new incident puts the lab offline (the overview's band, the lab's page, its badge).
    write_statement(updates, "2026-03-01-0900-b.md", """
        ---
        title: Labo dicht
        date: 2026-03-01T09:00:00+01:00
        incident: lab-1
        departments: {lab: offline}
        ---
        Tekst.
        """)
    added = set(_served_as_built(root, url, port, tmp_path))
    assert {"updates/2026-03-01-0900-b/", "fr/incidents/lab-1/"} <= added - first
    # Translated: the French pages of that statement and its incident read in French.
    write_statement(updates, "2026-03-01-0900-b.fr.md", """
        ---
        title: Laboratoire fermé
        ---
        Texte.
        """)
    assert "Laboratoire fermé" in _get(url + "fr/incidents/lab-1/")[1].decode()
    _served_as_built(root, url, port, tmp_path)
    # A department's status changes: the follow-up resolves the lab's incident.
    write_statement(updates, "2026-03-01-1000-c.md", """
        ---
        title: Labo weer open
        date: 2026-03-01T10:00:00+01:00
        incident: lab-1
        phase: resolved
        departments: {lab: operational}
        ---
        Tekst.
        """)
    _served_as_built(root, url, port, tmp_path)
    # Deleted: its pages are gone, and nothing else names it.
    (updates / "2026-03-01-0900-b.fr.md").unlink()
    (updates / "2026-03-01-1000-c.md").unlink()
    (updates / "2026-03-01-0900-b.md").unlink()
    after = set(_served_as_built(root, url, port, tmp_path))
    assert after == first
    for gone in ["updates/2026-03-01-0900-b/", "fr/incidents/lab-1/", "en/updates/2026-03-01-1000-c/"]:
        assert _get(url + gone)[0] == 404, gone


def test_a_file_renamed_or_swapped_for_a_link_is_listed_again(preview, tmp_path):
    """Between two saves the preview reuses the list of statement files only while no name or
    kind changed: a statement renamed to .txt, or swapped for a link leading out of the
    repository, is refused at the next request as a build refuses it."""
    root, url, _ = preview
    statement = root / "updates" / "2026-03-01-0800-a.md"
    assert _get(url + "updates/2026-03-01-0800-a/")[0] == 200
    renamed = statement.with_suffix(".txt")
    statement.rename(renamed)
    status, body = _get(url + "updates/2026-03-01-0800-a/")
    text = html.unescape(body.decode())
    assert status == 500 and "2026-03-01-0800-a.txt" in text and "only files ending in '.md'" in text
    renamed.rename(statement)
    assert _get(url + "updates/2026-03-01-0800-a/")[0] == 200
    # The same name, another kind: a link to a file outside the repository, of the same text.
    outside = tmp_path / "outside.md"
    outside.write_bytes(statement.read_bytes())
    statement.unlink()
    statement.symlink_to(outside)
    status, body = _get(url + "updates/2026-03-01-0800-a/")
    assert status == 500 and "leads out of the repository" in html.unescape(body.decode())
    statement.unlink()
    statement.write_bytes(outside.read_bytes())
    assert _get(url + "updates/2026-03-01-0800-a/")[0] == 200

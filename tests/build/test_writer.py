"""The statement and incident pages, written by the build and a worker process at once: every
page exactly once, each as filling its slotted theme page in one process gives, and no worker
left behind when the build is killed."""
from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from generator.build import shell
from generator.render.pages import plan_pages, render_pages
from generator.build.writer import BATCH, PageWriter, batches, slotted_pages
from helpers import REPO, build

THEME = (f"<html><title>{shell.TITLE} | {shell.TITLE_ESCAPED}</title><a href='../{shell.KEY}/'>"
         f"<meta content='{shell.DESCRIPTION}|{shell.DESCRIPTION_ESCAPED}'><script>{shell.JSONLD}</script>"
         f"{shell.CONTENT}</html>")


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    return build(tmp_path_factory.mktemp("writer"))


def _shells(pages):
    return {(p.page.lang, p.page.kind): shell.Slotted.of(f"<!-- {p.page.lang} {p.page.kind} -->{THEME}")
            for p in pages}


def test_batches_cover_every_page_once_and_never_split_an_incident(snapshot):
    snapshot, languages = snapshot
    pages = slotted_pages(plan_pages(snapshot, languages), snapshot)
    runs = batches(pages, snapshot)
    assert runs[0][0] == 0 and runs[-1][1] == len(pages)
    assert all(end == start for (_, end), (start, _) in zip(runs, runs[1:]))  # contiguous
    assert all(end - start >= BATCH for start, end in runs[:-1])
    group_of = {s.id: s.group_id for s in snapshot.statements}
    where = {}  # (language, incident) -> the batches holding its pages
    for number, (start, end) in enumerate(runs):
        for planned in pages[start:end]:
            page = planned.page
            key = (page.lang, group_of.get(page.key) or page.key if page.kind == "update" else page.key)
            where.setdefault(key, set()).add(number)
    assert all(len(numbers) == 1 for numbers in where.values())
    assert any(len([k for k in where if k[0] == lang]) > 1 for lang in languages)  # several incidents


def test_both_processes_write_and_every_page_is_its_slotted_page_filled(snapshot, tmp_path, monkeypatch):
    monkeypatch.setenv("STATUSPRESS_WORKER_FROM", "0")  # a small site, which one process would write
    snapshot, languages = snapshot
    pages = slotted_pages(plan_pages(snapshot, languages), snapshot)
    assert len(pages) > 3 * BATCH
    expected = {page.src_uri: page for page in render_pages(snapshot, languages)}
    shells = _shells(pages)
    writer = PageWriter(snapshot, str(tmp_path), pages)
    try:
        assert writer._process is not None and writer._process.poll() is None
        writer.start(shells)
        time.sleep(3)  # the worker makes the feeds first, then takes pages
        mine, theirs = writer.finish()
    finally:
        writer.close()
    assert theirs > 0 and mine + theirs == len(pages)
    assert any(path.endswith("rss.xml") for path in writer.outputs())
    assert writer._process is None  # the worker has ended
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("index.html"))
    assert written == sorted(p.page.path + "index.html" for p in pages)
    for planned in pages:
        page = expected[planned.page.src_uri]
        text = (tmp_path / page.path / "index.html").read_text(encoding="utf-8")
        assert text == shells[(page.lang, page.kind)].fill(
            shell.values(page.key, page.title, page.description, page.html, page.jsonld))
        assert f"../{page.key}/" in text and page.html in text


def test_planning_renders_nothing_and_pages_render_on_demand(snapshot):
    snapshot, languages = snapshot
    planned = plan_pages(snapshot, languages)
    assert all(p.page.html == "" for p in planned)
    rendered = {page.src_uri: page for page in render_pages(snapshot, languages)}
    for p in planned[:5] + planned[-5:]:
        assert p.render() == rendered[p.page.src_uri].html
        assert p.page.title == rendered[p.page.src_uri].title


def test_a_killed_build_leaves_no_worker(tmp_path):
    script = tmp_path / "build.py"
    script.write_text(textwrap.dedent(f"""
        import os, sys, time
        os.environ["STATUSPRESS_WORKER_FROM"] = "0"
        sys.path.insert(0, {str(REPO / "tests")!r})
        from pathlib import Path
        from helpers import build
        from generator.render.pages import plan_pages
        from generator.build.writer import PageWriter, slotted_pages
        if __name__ == "__main__":
            snapshot, languages = build(Path({str(tmp_path)!r}))
            pages = slotted_pages(plan_pages(snapshot, languages), snapshot)
            writer = PageWriter(snapshot, {str(tmp_path / "out")!r}, pages)
            print(writer._process.pid, flush=True)
            time.sleep(600)
        """), encoding="utf-8")
    build_process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=REPO)
    worker = int(build_process.stdout.readline())
    time.sleep(2)  # the worker has made the feeds and waits for the slotted pages
    assert _running(worker)
    build_process.send_signal(signal.SIGKILL)
    build_process.wait()
    deadline = time.monotonic() + 20
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _running(worker)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_small_site_is_written_by_one_process(snapshot, tmp_path, monkeypatch):
    monkeypatch.delenv("STATUSPRESS_WORKER_FROM", raising=False)
    snapshot, languages = snapshot
    pages = slotted_pages(plan_pages(snapshot, languages), snapshot)
    writer = PageWriter(snapshot, str(tmp_path), pages)
    assert writer._process is None
    writer.start(_shells(pages))
    assert writer.finish() == (len(pages), 0)
    assert len(list(tmp_path.rglob("index.html"))) == len(pages) and writer.outputs()

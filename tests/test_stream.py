"""The status pages' HTML, rendered in a worker process and streamed to the build page by page:
the same bytes as rendering in the build's own process, never far ahead of the build, and no
worker left behind when the build is killed."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from generator.render.pages import plan_pages, render_pages
from generator.render.stream import AHEAD, PageStream
from outputs_helpers import build

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    return build(tmp_path_factory.mktemp("stream"))


def test_streamed_pages_are_the_pages_rendered_in_process(snapshot):
    snapshot, languages = snapshot
    expected = render_pages(snapshot, languages)
    assert len(expected) > AHEAD  # so that the worker has to wait for the build at least once
    stream = PageStream(snapshot)
    try:
        assert stream._process is not None and stream._process.is_alive()
        for page in expected:
            assert stream.html(page.src_uri) == page.html, page.src_uri
    finally:
        stream.close()


def test_planning_renders_nothing_and_pages_render_on_demand(snapshot):
    snapshot, languages = snapshot
    planned = plan_pages(snapshot, languages)
    assert all(p.page.html == "" for p in planned)
    rendered = {page.src_uri: page for page in render_pages(snapshot, languages)}
    for p in planned[:5] + planned[-5:]:
        assert p.render() == rendered[p.page.src_uri].html
        assert p.page.title == rendered[p.page.src_uri].title


def test_the_worker_stays_a_bounded_distance_ahead(snapshot):
    snapshot, languages = snapshot
    stream = PageStream(snapshot)
    try:
        first = plan_pages(snapshot, languages)[0].page.src_uri
        assert stream.html(first)
        time.sleep(3)  # time enough to render every page, were it not held back
        assert stream._queue.qsize() <= AHEAD
        assert stream._process.is_alive()  # waiting for the build to read on
    finally:
        stream.close()
    assert stream._process is None


def test_pages_asked_out_of_order_are_still_found(snapshot):
    snapshot, languages = snapshot
    expected = render_pages(snapshot, languages)
    stream = PageStream(snapshot)
    try:
        for page in [expected[3], expected[0], expected[-1], expected[1]]:
            assert stream.html(page.src_uri) == page.html
        with pytest.raises(KeyError):
            stream.html("no/such/index.md")
    finally:
        stream.close()


def test_a_killed_build_leaves_no_worker(tmp_path):
    script = tmp_path / "build.py"
    script.write_text(textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(REPO / "tests")!r})
        from pathlib import Path
        from outputs_helpers import build
        from generator.render.stream import PageStream
        if __name__ == "__main__":
            snapshot, _ = build(Path({str(tmp_path)!r}))
            stream = PageStream(snapshot)
            print(stream._process.pid, flush=True)
            time.sleep(600)
        """), encoding="utf-8")
    build_process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=REPO)
    worker = int(build_process.stdout.readline())
    time.sleep(2)  # the worker has filled its queue and waits for the build
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

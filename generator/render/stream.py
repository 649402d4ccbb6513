"""The status pages' HTML, rendered on the second core and handed over one page at a time.

The build writes pages in the order they were planned (`plan_pages`); a worker process renders
them in that same order, a little ahead, through a bounded queue: the two cores work at once,
and no more than a few pages' HTML is held at any moment, whatever the size of the site.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
import traceback
from collections.abc import Iterator

from ..compute import Snapshot
from .i18n import Language
from .pages import plan_pages

AHEAD = 32  # pages the worker may render before the build asks for them
_DONE = None


def _planned_html(snapshot: Snapshot) -> Iterator[tuple[str, str]]:
    site = snapshot.site
    languages = {code: Language(code, site.timezone) for code in site.languages}
    for planned in plan_pages(snapshot, languages):
        yield planned.page.src_uri, planned.render()


def _produce(snapshot: Snapshot, pages: multiprocessing.Queue, parent: int) -> None:
    """The worker: every page's HTML in order, then _DONE; an error as its traceback."""
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()
    try:
        for item in _planned_html(snapshot):
            pages.put(item)
        pages.put(_DONE)
    except Exception:  # handed to the build, which reports it and fails
        pages.put(("error", traceback.format_exc()))


def _end_with(parent: int) -> None:
    # A killed build reads no more: without this the worker would wait for ever, on a full queue
    # or, at its exit, on flushing the last pages into a pipe nobody reads.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


class PageStream:
    """`html(src_uri)` for each planned page, asked in (about) the planned order."""

    def __init__(self, snapshot: Snapshot):
        self._ready: dict[str, str] = {}
        self._process = None
        if (os.cpu_count() or 1) < 2:
            self._local = _planned_html(snapshot)
            return
        self._local = None
        # "spawn": the build may run threads (mkdocs serve), which fork does not carry safely.
        context = multiprocessing.get_context("spawn")
        self._queue = context.Queue(maxsize=AHEAD)
        self._process = context.Process(target=_produce, args=(snapshot, self._queue, os.getpid()), daemon=True)
        self._process.start()

    def _next(self):
        if self._local is not None:
            return next(self._local, _DONE)
        while True:
            try:
                return self._queue.get(timeout=5)
            except queue.Empty:
                if not self._process.is_alive():
                    raise RuntimeError("the process rendering the status pages ended unexpectedly") from None

    def html(self, src_uri: str) -> str:
        while src_uri not in self._ready:
            item = self._next()
            if item is _DONE:
                raise KeyError(src_uri)
            if item[0] == "error":
                self.close()
                raise RuntimeError(f"rendering the status pages failed:\n{item[1]}")
            self._ready[item[0]] = item[1]
        return self._ready.pop(src_uri)

    def close(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process = None

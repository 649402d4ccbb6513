"""The status pages' HTML, rendered on the second core and handed over one page at a time;
then the other outputs (feeds, API, calendar, badges), made by the same worker meanwhile.

The build writes pages in the order they were planned (`plan_pages`); a worker process renders
them in that same order, a little ahead, through a bounded queue: the two cores work at once,
and no more than a few pages' HTML is held at any moment, whatever the size of the site.
Whenever the queue is full (the build is the slower), the worker makes the next of the other
outputs instead of waiting: one process on the second core, not two.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import traceback
from collections.abc import Iterator

from ..compute import Snapshot
from .i18n import Language
from .outputs import RENDERERS, _exit_with_parent
from .pages import plan_pages

AHEAD = 32  # pages the worker may render before the build asks for them
_DONE = None


def _languages(snapshot: Snapshot) -> dict[str, Language]:
    return {code: Language(code, snapshot.site.timezone) for code in snapshot.site.languages}


def _planned_html(snapshot: Snapshot) -> Iterator[tuple[str, str]]:
    for planned in plan_pages(snapshot, _languages(snapshot)):
        yield planned.page.src_uri, (planned.render(), planned.jsonld())


def _outputs(snapshot: Snapshot) -> Iterator[dict[str, bytes]]:
    """The other outputs, one renderer's files at a time."""
    languages = _languages(snapshot)
    for renderer in RENDERERS:
        yield renderer.files(snapshot, languages)


def _produce(snapshot: Snapshot, pages: multiprocessing.Queue, parent: int) -> None:
    """The worker: every page's HTML in order, then _DONE, then the other outputs; an error as its traceback."""
    _exit_with_parent(parent)  # a killed build reads no more: do not wait on it for ever
    try:
        outputs, produced = _outputs(snapshot), {}
        for item in _planned_html(snapshot):
            while True:
                try:
                    pages.put(item, block=False)
                    break
                except queue.Full:
                    chunk = next(outputs, None)
                    if chunk is None:
                        pages.put(item)
                        break
                    produced.update(chunk)
        for chunk in outputs:
            produced.update(chunk)
        pages.put(_DONE)
        pages.put(("outputs", produced))
    except Exception:  # handed to the build, which reports it and fails
        pages.put(("error", traceback.format_exc()))


class PageStream:
    """`html(src_uri)` for each planned page, asked in (about) the planned order."""

    def __init__(self, snapshot: Snapshot):
        self._ready: dict[str, tuple[str, str]] = {}
        self._snapshot = snapshot
        self._done = False
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

    def _take(self) -> bool:
        """Reads the next item from the worker; False once no page is left."""
        if self._done:
            return False
        item = self._next()
        if item is _DONE:
            self._done = True
            return False
        if item[0] == "error":
            self.close()
            raise RuntimeError(f"rendering the status pages failed:\n{item[1]}")
        self._ready[item[0]] = item[1]
        return True

    def page(self, src_uri: str) -> tuple[str, str]:
        """(HTML, JSON-LD) of a planned page."""
        while src_uri not in self._ready:
            if not self._take():
                raise KeyError(src_uri)
        return self._ready.pop(src_uri)

    def html(self, src_uri: str) -> str:
        return self.page(src_uri)[0]

    def result(self) -> dict[str, bytes]:
        """The other outputs, as site path -> bytes (read after the pages: the build wants every page first)."""
        if self._local is not None:
            produced = {}
            for chunk in _outputs(self._snapshot):
                produced.update(chunk)
            return produced
        while self._take():
            pass
        item = self._next()
        if item[0] == "error":
            self.close()
            raise RuntimeError(f"making the feeds, API, calendar and badges failed:\n{item[1]}")
        return item[1]

    def close(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process = None

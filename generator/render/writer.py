"""The statement and incident pages, written into the build's folder by both cores at once;
the other outputs (feeds, API, calendar, badges), made meanwhile by the second.

Both processes plan the same pages in the same order (`plan_pages` is deterministic) and take
the next batch of them from a shared counter, so neither waits for the other whatever else it
has to do; each page is rendered, put in its slotted theme page (shell.py) and written at once:
no process ever holds more than one page's HTML. The worker starts with the other outputs,
which need no theme, while the build is still preparing the slotted pages; the build joins in
once MkDocs has written its own pages.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import traceback
from collections.abc import Callable

from ..compute import Snapshot
from ..model import Site
from .i18n import Language
from .outputs import RENDERERS, _exit_with_parent
from .pages import PlannedPage, RenderedPage, plan_pages
from .shell import Slotted, fits, values

BATCH = 16  # pages taken from the counter at a time
SLOTTED_KINDS = ("update", "incident")  # thousands of them; the other kinds go through MkDocs
# Tests build a site once with and once without slotted pages, and compare every byte.
_NO_SLOTS = "STATUSPRESS_TEST_NO_SLOTS"


def _languages(snapshot: Snapshot) -> dict[str, Language]:
    return {code: Language(code, snapshot.site.timezone) for code in snapshot.site.languages}


def slotted(page: RenderedPage, site: Site) -> bool:
    """Whether `page` is written from its kind's slotted theme page (else MkDocs renders it)."""
    return page.kind in SLOTTED_KINDS and not os.environ.get(_NO_SLOTS) and \
        fits(page.title, page.description, True, site.title(page.lang))


def slotted_pages(planned: list[PlannedPage], snapshot: Snapshot) -> list[PlannedPage]:
    """The pages to write from slotted theme pages, each incident's next to its statements':
    a batch then holds pages showing the same statements, whose Markdown its process has
    already converted (each process remembers the conversions it made)."""
    group_of = {s.id: s.group_id for s in snapshot.statements}
    pages = [p for p in planned if slotted(p.page, snapshot.site)]
    return sorted(pages, key=lambda p: (p.page.lang, (group_of.get(p.page.key) or p.page.key)
                                        if p.page.kind == "update" else p.page.key))


def write_page(staging: str, planned: PlannedPage, shell: Slotted) -> None:
    page = planned.page
    text = shell.fill(values(page.key, page.title, page.description, planned.render(), planned.jsonld()))
    target = os.path.join(staging, *page.path.split("/"), "index.html")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as fp:
        fp.write(text.encode("utf-8", errors="xmlcharrefreplace"))


def write_claimed(staging: str, pages: list[PlannedPage], shells: dict[tuple[str, str], Slotted],
                  claim: Callable[[], int]) -> int:
    """Writes batches of `pages` until the counter runs past them; how many this process wrote."""
    written = 0
    while (start := claim()) < len(pages):
        for planned in pages[start:start + BATCH]:
            write_page(staging, planned, shells[(planned.page.lang, planned.page.kind)])
            written += 1
    return written


def _claimer(counter) -> Callable[[], int]:
    def claim() -> int:
        with counter.get_lock():
            start = counter.value
            counter.value = start + BATCH
        return start
    return claim


def _other_outputs(snapshot: Snapshot) -> dict[str, bytes]:
    produced: dict[str, bytes] = {}
    languages = _languages(snapshot)
    for renderer in RENDERERS:
        produced.update(renderer.files(snapshot, languages))
    return produced


def _work(snapshot: Snapshot, staging: str, shells: multiprocessing.Queue, counter,
          results: multiprocessing.Queue, parent: int) -> None:
    """The worker: the other outputs, then its share of the pages; an error as its traceback."""
    _exit_with_parent(parent)  # a killed build reads no more: do not wait on it for ever
    try:
        results.put(("outputs", _other_outputs(snapshot)))
        received = shells.get()
        if received is None:  # the build ended first
            return
        pages = slotted_pages(plan_pages(snapshot, _languages(snapshot)), snapshot)
        results.put(("written", write_claimed(staging, pages, received, _claimer(counter))))
    except Exception:  # handed to the build, which reports it and fails
        results.put(("error", traceback.format_exc()))


class PageWriter:
    """Writes `pages` (the slotted ones of the build's plan) into `staging`, with a worker
    process where there is a second core; gives the other outputs."""

    def __init__(self, snapshot: Snapshot, staging: str, pages: list[PlannedPage]):
        self._snapshot = snapshot
        self._staging = staging
        self._pages = pages
        self._process = None
        self._outputs = None
        if (os.cpu_count() or 1) < 2:
            self._claim = _claimer_local()
            return
        # "spawn": the build may run threads (mkdocs serve), which fork does not carry safely.
        context = multiprocessing.get_context("spawn")
        self._counter = context.Value("l", 0)
        self._claim = _claimer(self._counter)
        self._shells = context.Queue()
        self._results = context.Queue()
        self._process = context.Process(
            target=_work, args=(snapshot, staging, self._shells, self._counter, self._results, os.getpid()),
            daemon=True)
        self._process.start()

    def _result(self, expected: str):
        while True:
            try:
                kind, value = self._results.get(timeout=5)
                break
            except queue.Empty:
                if not self._process.is_alive():
                    raise RuntimeError("the process writing the status pages ended unexpectedly") from None
        if kind == "error":
            self.close()
            raise RuntimeError(f"rendering the status pages, feeds or API failed:\n{value}")
        assert kind == expected, (kind, expected)
        return value

    def start(self, shells: dict[tuple[str, str], Slotted]) -> None:
        """The slotted theme pages are ready: the worker may write pages."""
        self._shells_ready = shells
        if self._process is not None:
            self._shells.put(shells)

    def outputs(self) -> dict[str, bytes]:
        """Feeds, API, calendar and badges, as site path -> bytes."""
        if self._outputs is None:
            self._outputs = self._result("outputs") if self._process is not None else \
                _other_outputs(self._snapshot)
        return self._outputs

    def finish(self) -> tuple[int, int]:
        """Writes this process's share of the pages, then waits for the worker's; how many
        pages each wrote."""
        mine = write_claimed(self._staging, self._pages, self._shells_ready, self._claim)
        self.outputs()  # the worker sends them before it writes pages
        theirs = 0
        if self._process is not None:
            theirs = self._result("written")
            self.close()
        return mine, theirs

    def close(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._shells.put(None)
                self._process.join(timeout=0.5)
                if self._process.is_alive():
                    self._process.terminate()
                    self._process.join()
            self._process = None


def _claimer_local() -> Callable[[], int]:
    state = {"next": 0}

    def claim() -> int:
        start = state["next"]
        state["next"] = start + BATCH
        return start
    return claim

"""The statement and incident pages, written into the build's folder by both cores at once;
the other outputs (feeds, API, calendar, badges), made meanwhile by the second.

Both processes plan the same pages in the same order (`plan_pages` is deterministic) and take
the next batch of them from a pipe of tokens, so neither waits for the other whatever else it
has to do; each page is rendered, put in its slotted theme page (shell.py) and written at once:
no process ever holds more than one page's HTML. The worker starts with the other outputs,
which need no theme, while the build is still preparing the slotted pages; the build joins in
once MkDocs has written its own pages.
"""
from __future__ import annotations

import contextlib
import os
import pickle
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from functools import partial
from pathlib import Path

from ..compute import Snapshot
from ..model import Site
from ..render.i18n import Language
from .files import write_file
from .outputs import render_outputs
from ..render.pages import PlannedPage, RenderedPage, plan_pages
from .shell import Slotted, fits, values

BATCH = 16  # pages taken at a time, at least (see batches)
_TOKEN = struct.Struct(">I")  # a batch's number, as the token pipe carries it
# A second process costs a Python start-up, a copy of the statements and its own plan of the
# pages (half a second of CPU). Below this many pages one process takes about a second longer
# and less CPU in all; from here on, the second core is what keeps a large build fast. Tests
# lower it.
WORKER_FROM = 2000
_WORKER_FROM = "STATUSPRESS_WORKER_FROM"
SLOTTED_KINDS = ("update", "incident")  # thousands of them; the other kinds go through MkDocs
# Tests build a site once with and once without slotted pages, and compare every byte.
_NO_SLOTS = "STATUSPRESS_TEST_NO_SLOTS"


def worker_from() -> int:
    return int(os.environ.get(_WORKER_FROM, WORKER_FROM))


def _languages(snapshot: Snapshot) -> dict[str, Language]:
    return {code: Language(code, snapshot.site.timezone) for code in snapshot.site.languages}


def slotted(page: RenderedPage, site: Site) -> bool:
    """Whether `page` is written from its kind's slotted theme page (else MkDocs renders it)."""
    return page.kind in SLOTTED_KINDS and not os.environ.get(_NO_SLOTS) and \
        fits(page.title, page.description, site.title(page.lang))


def slotted_pages(planned: list[PlannedPage], snapshot: Snapshot) -> list[PlannedPage]:
    """The pages to write from slotted theme pages, each incident's next to its statements'."""
    group = _group_of(snapshot)
    return sorted((p for p in planned if slotted(p.page, snapshot.site)), key=group)


def _group_of(snapshot: Snapshot) -> Callable[[PlannedPage], tuple[str, str]]:
    """(language, incident) of a page: a statement's, or the incident's own."""
    group_of = {s.id: s.group_id for s in snapshot.statements}
    return lambda p: (p.page.lang, (group_of.get(p.page.key) or p.page.key) if p.page.kind == "update"
                      else p.page.key)


def batches(pages: list[PlannedPage], snapshot: Snapshot) -> list[tuple[int, int]]:
    """(start, end) of consecutive runs of `pages` (in slotted_pages' order) of at least BATCH
    pages, cut only between incidents: all the pages showing an incident's statements go to one
    process, which converts their Markdown once (a cut inside an incident had both processes
    convert it: a fifth more CPU at 5,000 statements)."""
    group = _group_of(snapshot)
    result, start = [], 0
    for i in range(1, len(pages) + 1):
        if i == len(pages) or (i - start >= BATCH and group(pages[i]) != group(pages[i - 1])):
            result.append((start, i))
            start = i
    return result


def filled(planned: PlannedPage, shell: Slotted) -> str:
    """A page: its kind's slotted theme page with its own values."""
    page = planned.page
    return shell.fill(values(page.key, page.title, page.description, planned.render(), planned.jsonld()))


def write_page(staging: str, planned: PlannedPage, shell: Slotted) -> None:
    write_file(staging, planned.page.path + "index.html",
               filled(planned, shell).encode("utf-8", errors="xmlcharrefreplace"))


def write_claimed(staging: str, pages: list[PlannedPage], runs: list[tuple[int, int]],
                  shells: dict[tuple[str, str], Slotted], claim: Callable[[], int]) -> int:
    """Writes the batches (`runs` of `pages`) it claims until the counter runs past them; how
    many pages this process wrote."""
    written = 0
    while (number := claim()) < len(runs):
        start, end = runs[number]
        for planned in pages[start:end]:
            write_page(staging, planned, shells[(planned.page.lang, planned.page.kind)])
            written += 1
    return written


def _other_outputs(snapshot: Snapshot) -> dict[str, bytes]:
    return render_outputs(snapshot, _languages(snapshot))


def _exit_with_parent(parent: int, interval: float = 0.5) -> None:
    """In the worker: end it as soon as the build that started it is gone.

    A build killed outright (kill -9, out of memory) cannot tell its worker to stop, and the
    worker would go on writing pages into a folder nobody will publish, or wait on the token
    pipe, whose write end the feeder thread may never close. Polling the parent id works wherever os.getppid() does; Linux's
    PR_SET_PDEATHSIG would fire when the parent *thread* ends, which under `mkdocs serve` is
    a rebuild thread, not the build.
    """
    def watch():
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="statuspress-parent-watch", daemon=True).start()


def _pipe_claimer(fd: int) -> Callable[[int], int]:
    """Batches from the token pipe: each read of one token is atomic (POSIX, under PIPE_BUF),
    so each batch goes to exactly one process; an empty read means none is left."""
    def claim(total: int) -> int:
        token = os.read(fd, _TOKEN.size)
        return _TOKEN.unpack(token)[0] if token else total
    return claim


def work(parent: int, tokens: int) -> None:
    """The worker (`python -m generator.build.writer`): reads the build's snapshot and folder,
    makes the other outputs, then, once the slotted theme pages come, writes batches of pages;
    sends back the outputs and how many pages it wrote, or an error as its traceback."""
    _exit_with_parent(parent)  # a killed build reads no more: do not wait on it for ever
    inbox = sys.stdin.buffer
    # Our answer has standard output to itself: whatever else prints goes to standard error.
    outbox = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        snapshot, staging = pickle.load(inbox)
        outputs = _other_outputs(snapshot)
        shells = pickle.load(inbox)
        written = 0
        if shells is not None:  # None: the build ended first
            pages = slotted_pages(plan_pages(snapshot, _languages(snapshot)), snapshot)
            runs = batches(pages, snapshot)
            written = write_claimed(staging, pages, runs, shells, partial(_pipe_claimer(tokens), len(runs)))
        pickle.dump(("done", outputs, written), outbox, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # handed to the build, which reports it and fails
        pickle.dump(("error", traceback.format_exc(), 0), outbox)
    outbox.flush()


class PageWriter:
    """Writes `pages` (the slotted ones of the build's plan) into `staging`, with a worker
    process where there is a second core; gives the other outputs.

    The worker is a plain subprocess fed through pipes, not a multiprocessing one: a spawned
    multiprocessing child re-imports the build's main module (all of MkDocs) and brings a
    resource-tracker process along, 30 MB for nothing; forking is unsafe under `mkdocs serve`'s
    threads."""

    def __init__(self, snapshot: Snapshot, staging: str, pages: list[PlannedPage]):
        self._snapshot = snapshot
        self._staging = staging
        self._pages = pages
        self._process = None
        self._outputs = None
        self._shells = None
        self._runs = batches(pages, snapshot)
        next_batch = iter(range(len(self._runs)))
        self._claim = lambda: next(next_batch, len(self._runs))
        if (os.cpu_count() or 1) < 2 or len(pages) < worker_from():
            return
        # Batches are handed out as tokens in a pipe that both processes read from.
        self._tokens, self._tokens_in = os.pipe()
        package_root = str(Path(__file__).resolve().parents[2])  # where this `generator` is
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root,
                                                                        os.environ.get("PYTHONPATH")]))}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "generator.build.writer", str(os.getpid()), str(self._tokens)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, pass_fds=(self._tokens,), env=env)
        self._claim = partial(_pipe_claimer(self._tokens), len(self._runs))
        self._ready = threading.Event()
        # Fed from a thread: the worker reads its input only once it has started up, and the
        # build has better things to do meanwhile.
        self._feeder = threading.Thread(target=self._feed, name="statuspress-feed", daemon=True)
        self._feeder.start()

    def _feed(self) -> None:
        try:
            pickle.dump((self._snapshot, self._staging), self._process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self._process.stdin.flush()
            self._ready.wait()
            pickle.dump(self._shells, self._process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self._process.stdin.close()
            if self._shells is not None:
                for number in range(len(self._runs)):
                    os.write(self._tokens_in, _TOKEN.pack(number))
        except OSError:  # the worker is gone; the build finds out when it reads its answer
            pass
        finally:
            with contextlib.suppress(OSError):
                os.close(self._tokens_in)

    def start(self, shells: dict[tuple[str, str], Slotted]) -> None:
        """The slotted theme pages are ready: the worker may write pages."""
        self._shells = shells
        if self._process is not None:
            self._ready.set()

    def _answer(self) -> tuple[dict[str, bytes], int]:
        try:
            kind, value, written = pickle.load(self._process.stdout)
        except (EOFError, pickle.UnpicklingError):
            self.close()
            raise RuntimeError("the process writing the status pages ended unexpectedly") from None
        if kind == "error":
            self.close()
            raise RuntimeError(f"rendering the status pages, feeds or API failed:\n{value}")
        return value, written

    def finish(self) -> tuple[int, int]:
        """Writes this process's share of the pages, then waits for the worker's; how many
        pages each wrote."""
        mine = write_claimed(self._staging, self._pages, self._runs, self._shells, self._claim)
        theirs = 0
        if self._process is not None:
            self._outputs, theirs = self._answer()
            self.close()
        else:
            self._outputs = _other_outputs(self._snapshot)
        return mine, theirs

    def outputs(self) -> dict[str, bytes]:
        """Feeds, API, calendar and badges, as site path -> bytes (after `finish`)."""
        return self._outputs

    def close(self) -> None:
        if self._process is None:
            return
        if not self._ready.is_set():
            self._ready.set()  # with no pages to write: the worker ends
        self._feeder.join(timeout=1)
        try:
            self._process.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        with contextlib.suppress(OSError):
            os.close(self._tokens)
        self._process = None


if __name__ == "__main__":
    work(int(sys.argv[1]), int(sys.argv[2]))

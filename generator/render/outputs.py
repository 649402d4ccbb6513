"""Every non-page output (feeds, API, calendar, badges), as site path -> bytes."""
from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor

from ..compute import Snapshot
from . import api, badges, calendar, feeds, icons
from .i18n import Language

RENDERERS = (feeds, api, calendar, badges, icons)


def render_outputs(snapshot: Snapshot, languages: dict[str, Language]) -> dict[str, bytes]:
    produced: dict[str, bytes] = {}
    for renderer in RENDERERS:
        produced.update(renderer.files(snapshot, languages))
    return produced


def _render_outputs_of(snapshot: Snapshot) -> dict[str, bytes]:
    site = snapshot.site
    return render_outputs(snapshot, {code: Language(code, site.timezone) for code in site.languages})


def _exit_with_parent(parent: int, interval: float = 0.5) -> None:
    """In the worker: end it as soon as the build that started it is gone.

    A build killed outright (kill -9, out of memory) cannot tell its worker to stop, and the
    worker would wait on the executor's pipes forever: it holds their other ends itself, so
    they never close. Polling the parent id works wherever os.getppid() does; Linux's
    PR_SET_PDEATHSIG would fire when the parent *thread* ends, which under `mkdocs serve` is
    a rebuild thread, not the build.
    """
    def watch():
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="statuspress-parent-watch", daemon=True).start()


def start_rendering_outputs(snapshot: Snapshot) -> Future:
    """The outputs, made in a second process while the caller renders the pages.

    Feeds are a third of a large build; a second core makes them free. "spawn" rather than
    "fork": the caller may run threads (mkdocs serve), which fork does not carry safely.
    """
    if (os.cpu_count() or 1) < 2:
        future: Future = Future()
        future.set_result(_render_outputs_of(snapshot))
        return future
    executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_exit_with_parent, initargs=(os.getpid(),))
    future = executor.submit(_render_outputs_of, snapshot)
    executor.shutdown(wait=False)  # the submitted work still runs; the worker exits after it
    return future

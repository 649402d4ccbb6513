"""`statuspress serve`: a preview that shows a saved statement within a second, however large
the site.

`mkdocs serve` rebuilds the whole site on every save: at a thousand statements in three
languages that is seconds, at five thousand a minute. This preview builds the site once, then
renders each status page when the browser asks for it, from the statements as they are on disk
at that moment (re-read only when a file in the updates folder changed), in the theme pages
the build made. Everything else (the theme's assets, hand-written pages) is served from that
build; a change to mkdocs.yml or docs/ rebuilds it. Pages reload themselves when anything
changes. What is published is never this: `mkdocs build` always builds everything.
"""
from __future__ import annotations

import contextlib
import gc
import ipaddress
import mimetypes
import os
import selectors
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mkdocs.commands.build import build
from mkdocs.config import load_config

from ..compute import build_time, compute
from ..build.outputs import render_outputs
from ..render.admin import admin_files
from ..render.pages import SitePlan
from ..build.writer import SLOTTED_KINDS, filled, slotted
from ..render import inline_css
from ..read.updates import file_stamp
from ..validate import load_site
from . import broken, material
from .wrap import rendered_page

CHECK_EVERY = 0.5  # seconds between two looks at the files for the pages' polls
RELOAD_PATH = "/.statuspress/reload.js"
VERSION_PATH = "/.statuspress/version"
# Asks the server every second whether anything changed, and reloads the page when it did.
RELOAD_JS = b"""(function () {
  var seen = null;
  function poll() {
    fetch("/.statuspress/version", {cache: "no-store"}).then(function (r) { return r.text(); })
      .then(function (v) { if (seen !== null && v !== seen) { location.reload(); } seen = v; })
      .catch(function () {}).then(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"""
_RELOAD_TAG = f'<script src="{RELOAD_PATH}"></script>'.encode()


def _stamps(paths: list[Path]) -> dict[str, tuple]:
    """Every file and folder under `paths` -> what changes whenever one is saved, added or removed:
    a regular file's `file_stamp`, a folder's ("folder",), another file's ("other", *its target's
    file_stamp) (a symbolic link's; those of folders are not followed), ("unreadable",) else.

    The reader is handed them (read_updates' `stamps`): its own second look at each file cost
    0.09 s of CPU of a reload at 5,000 statements x 3 languages (a busy 2-core machine)."""
    found = {}
    folders = []
    for root in paths:
        if root.is_dir():
            folders.append(str(root))
        else:
            with contextlib.suppress(OSError):
                found[str(root)] = file_stamp(root.stat())
    while folders:
        try:
            with os.scandir(folders.pop()) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):  # a link to a folder is looked at, not into
                    folders.append(entry.path)
                    found[entry.path] = ("folder",)
                elif entry.is_file(follow_symlinks=False):
                    found[entry.path] = file_stamp(entry.stat())
                else:
                    found[entry.path] = ("other", *file_stamp(entry.stat()))
            except OSError:
                found[entry.path] = ("unreadable",)  # a link to nowhere, or gone meanwhile: its name counts
    return found


class Preview:
    """The site as it would be built now, one page at a time."""

    def __init__(self, config_file: Path, address: str):
        self.config_file = config_file.resolve()
        self.address = address
        self.lock = threading.RLock()
        self.site_dir = tempfile.mkdtemp(prefix="statuspress-preview-")
        self.status_css = ""  # the build's status pages' sheet, which some pages carry inside them
        self.plugin = None
        self.problems = ""  # the build's errors, shown instead of any page until fixed
        self.admin = None  # admin/ files of the statements on disk now
        self.theme_signature = self.updates_signature = None
        self.plan = None  # SitePlan of the statements on disk now: each page planned when asked for
        self.outputs = None  # feeds, API, calendar, badges of the statements on disk now
        self.read_cache = {}  # see read_updates: files unchanged since last read are not parsed again
        self.version = 0
        self.mount = "/"
        self.checked = -CHECK_EVERY  # when the files were last looked at

    # -- what is on disk -------------------------------------------------------

    def _theme_paths(self) -> list[Path]:
        docs = self.config_file.parent / "docs"
        if self.plugin is not None and self.plugin.theme is not None:
            docs = Path(self.plugin.theme.config.docs_dir)
        return [self.config_file, docs]

    def _updates_paths(self) -> list[Path]:
        if self.plugin is not None and self.plugin.updates_dir is not None:
            return [Path(self.plugin.updates_dir)]
        return [self.config_file.parent / "updates"]

    def refresh(self, poll: bool = False) -> None:
        """Rebuilds what the files on disk changed: the whole site for the configuration or
        docs/, the statements alone for the updates folder."""
        with self.lock:
            # Every open page polls each second whether anything changed: at tens of thousands
            # of files, looking at all of them for each poll would keep a core busy. A page
            # asked for always gets the files as they are.
            if poll and time.monotonic() - self.checked < CHECK_EVERY:
                return
            theme = _stamps(self._theme_paths())
            updates = _stamps(self._updates_paths())
            broken = self.plugin is None and updates != self.updates_signature  # and maybe fixed now
            if theme != self.theme_signature or broken:
                self.theme_signature, self.updates_signature = theme, updates
                self._build()
                self.version += 1
            elif updates != self.updates_signature:
                self.updates_signature = updates
                self.admin = None
                self._read_statements(updates)
                self.version += 1
            self.checked = time.monotonic()

    def _build(self) -> None:
        self.admin = None
        gc.unfreeze()  # the previous build's objects may go now (see the end)
        try:
            config = load_config(str(self.config_file), site_dir=self.site_dir)
        except Exception as exc:  # noqa: BLE001 - a broken mkdocs.yml: say so, never the old site
            self.plugin = None
            self.problems = f"{self.config_file.name}: {exc}"
            return
        mount = urlsplit(config.site_url or "/").path or "/"
        config.site_url = f"http://{self.address}{mount if mount.endswith('/') else mount + '/'}"
        self.mount = urlsplit(config.site_url).path
        config.plugins.on_startup(command="serve", dirty=False)
        try:
            build(config, serve_url=config.site_url)
        except Exception as exc:  # noqa: BLE001 - Abort, PluginError, or what a half-saved file does
            self.plugin = None
            self.problems = self._problems() or str(exc)
            return
        finally:
            config.plugins.on_shutdown()
        self.plugin = config.plugins["statuspress"]
        sheet = Path(self.site_dir) / material.STATUS_CSS
        self.status_css = sheet.read_text(encoding="utf-8") if sheet.is_file() else ""
        self.read_cache = {}  # of the statement files as read for this configuration
        self._read_statements(self.updates_signature)
        # The build's objects (MkDocs' pages, files, theme; the statements read) live until the next
        # build: kept out of the garbage collector's full passes, which walked them at every reload
        # (0.26-0.33 s of CPU of each at 5,000 x 3 languages; 0.02-0.05 s since).
        gc.freeze()

    def _problems(self) -> str:
        return broken.load(self.config_file)[0]

    def _admin(self) -> dict[str, bytes]:
        """The editor, always answered, even while the site does not build (it may be what
        wrote the problem), with the local backend switched on (decap-server in the clone)."""
        if self.admin is None:
            if self.plugin is not None:
                plugin = self.plugin
                self.admin = admin_files(plugin.site, updates_dir=plugin.config.updates_dir,
                                         snapshot=plugin.snapshot, root=self.config_file.parent,
                                         local_backend=True)
            else:
                self.admin = broken.editor_files(self.config_file, *broken.load(self.config_file)[1:])
        return self.admin

    def _read_statements(self, stamps: dict | None = None) -> None:
        plugin = self.plugin
        config = plugin.theme.config
        loaded = load_site(dict(plugin.config), site_name=config.site_name, site_url=config.site_url,
                           config_file=self.config_file, cache=self.read_cache, stamps=stamps)
        errors = [p for p in loaded.problems.sorted() if p.is_error]
        if errors:
            self.problems = "\n".join(p.format(self.config_file.parent) for p in errors)
            return
        self.problems = ""
        snapshot = compute(loaded.site, loaded.statements, build_time())
        # No page planned yet: each is when asked for (_page).
        self.plan = SitePlan(snapshot, plugin.languages, self.plan.env if self.plan is not None else None)
        plugin.use_plan(snapshot, [])
        self.outputs = None

    # -- answering the browser ---------------------------------------------------

    def respond(self, url_path: str) -> tuple[int, str, bytes]:
        """(status, content type, body) for a request."""
        if url_path == RELOAD_PATH:
            return 200, "text/javascript", RELOAD_JS
        if url_path == VERSION_PATH:
            self.refresh(poll=True)
            return 200, "text/plain", str(self.version).encode()
        try:
            path = unquote(url_path, errors="strict")
        except UnicodeDecodeError:
            path = ""  # not UTF-8: malformed
        if not _is_plain_path(path):
            return 400, "text/plain; charset=utf-8", b"Bad request: malformed path"
        self.refresh()
        with self.lock:
            # At site_url's path (/status/ for https://org.github.io/status/) as published, and at
            # / too: the address `serve` prints and a user types. Pages link relatively.
            path = path[len(self.mount):] if path.startswith(self.mount) else path.lstrip("/")
            # The editor answers even while a statement is refused: it is how the writer mends it.
            # Made only when asked for (all its files are under admin/): 0.35 s of each reload
            # at 5,000 statements x 3 languages went to remaking it for a status page.
            wanted = "admin/index.html" if path == "admin/" else path
            if wanted.startswith("admin/"):
                admin = self._admin()
                if wanted in admin:
                    return 200, _content_type(wanted), admin[wanted]
            if self.problems:
                return 500, "text/html; charset=utf-8", self._problem_page()
            if not path or path.endswith("/"):
                page_path = path
            elif path == "index.html" or path.endswith("/index.html"):
                page_path = path[:-len("index.html")]
            else:
                page_path = None
            found = self.plan.paths.get(page_path) if page_path is not None else None
            if found is not None:
                return 200, "text/html; charset=utf-8", self._with_reload(self._page(*found))
            if self.outputs is None:
                self.outputs = render_outputs(self.plugin.snapshot, self.plugin.languages)
            if path in self.outputs:
                return 200, _content_type(path), self.outputs[path]
            return self._file(path)

    def _page(self, code: str, kind: str, key: str) -> bytes:
        plugin = self.plugin
        planned = self.plan.plan(code, kind, key)
        page = planned.page
        shell = plugin.theme.shells.get((page.lang, page.kind))
        if shell is not None and slotted(page, plugin.site):
            text = filled(planned, shell)
        else:
            # Through MkDocs' page events, which need the page planned, and its other languages'
            # for the language menu's links: none is left out as slotted.
            plugin.use_plan(plugin.snapshot, [planned] + [self.plan.plan(other, kind, key)
                                                          for other in self.plan.renderers if other != code])
            text = rendered_page(plugin.theme, page)
        if page.kind not in SLOTTED_KINDS and self.status_css and inline_css.can_inline(self.status_css):
            # As the build writes them: the build's sheet inside the page (render/inline_css.py).
            text = inline_css.inlined(text, material.STATUS_CSS, self.status_css)
        return text.encode("utf-8", errors="xmlcharrefreplace")

    def _file(self, path: str) -> tuple[int, str, bytes]:
        root = Path(self.site_dir).resolve()
        target = (root / path).resolve()
        # By path parts, not by string prefix: '/../statuspress-preview-XYZ-x/secret.txt' shares the
        # prefix of the folder 'statuspress-preview-XYZ' and was served.
        if not target.is_relative_to(root):
            return self._not_found()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            return self._not_found()
        body = target.read_bytes()
        kind = _content_type(target.name)
        if kind.startswith("text/html"):
            body = self._with_reload(body)
        return 200, kind, body

    def _not_found(self) -> tuple[int, str, bytes]:
        page = Path(self.site_dir) / "404.html"
        body = page.read_bytes() if page.is_file() else b"Not found"
        return 404, "text/html; charset=utf-8", self._with_reload(body)

    def _problem_page(self) -> bytes:
        return self._with_reload(broken.problem_page(self.problems))

    @staticmethod
    def _with_reload(body: bytes) -> bytes:
        end = body.rfind(b"</body>")
        return body[:end] + _RELOAD_TAG + body[end:] if end >= 0 else body + _RELOAD_TAG

    def close(self) -> None:
        shutil.rmtree(self.site_dir, ignore_errors=True)


def _content_type(name: str) -> str:
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind in ("application/json",
                                                                            "application/xml") else kind


def _is_plain_path(path: str) -> bool:
    """A decoded request path without NUL or other controls ('/%00' made pathlib raise: a 500 with a
    traceback showing install paths)."""
    return path.startswith("/") and not any(ord(char) < 0x20 or 0x7f <= ord(char) < 0xa0 for char in path)


# Requests answered at once; more wait in the pool's queue, and connections beyond that in the
# listen backlog. A thread per connection (ThreadingHTTPServer) grew to 401 threads for 400
# half-open connections; its backlog of 5 let 14 to 90 of 200 parallel requests time out.
WORKERS = 8
BACKLOG = 256
IDLE_TIMEOUT = 10  # seconds a connection may stay silent before it is closed (a half-open one)

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or name to bind) is reachable from this machine only."""
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, local_address: str) -> set[str]:
    """The Host header names the preview answers to: loopback names, the address it is bound to and
    the one this connection reached (bound to 0.0.0.0, that is the machine's address on the network).
    Any other name is how a page elsewhere reaches it through DNS rebinding, to read the drafts and
    embargoed statements the preview shows."""
    return LOOPBACK_NAMES | {host.strip("[]").lower(), local_address.lower()}


def host_name(header: str | None) -> str | None:
    """The name of a Host header without its port, '[::1]:8000' -> '::1'; None when there is none."""
    if not header:
        return None
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class PreviewServer(HTTPServer):
    """An HTTP server with a bounded pool of threads, a real listen backlog and idle timeouts.

    A connection goes to a thread of the pool only once it has sent something: until then it
    waits, with all others, in one selector, and is closed after IDLE_TIMEOUT. Half-open
    connections cost neither a thread nor the wait of a real request behind them.
    """

    request_queue_size = BACKLOG

    def __init__(self, address, handler, workers: int = WORKERS):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="statuspress-preview")
        self.waiting = selectors.DefaultSelector()
        self.waiting_lock = threading.Lock()
        self.closed = threading.Event()
        super().__init__(address, handler)
        threading.Thread(target=self._watch, name="statuspress-preview-idle", daemon=True).start()

    def process_request(self, request, client_address):
        with self.waiting_lock:
            self.waiting.register(request, selectors.EVENT_READ, (client_address, time.monotonic()))

    def _watch(self) -> None:
        """Hands each waiting connection to the pool once it is readable; closes those idle too long."""
        while not self.closed.is_set():
            ready = self.waiting.select(timeout=0.5)  # epoll: one registered meanwhile counts at once
            with self.waiting_lock:
                for key, _ in ready:
                    self.waiting.unregister(key.fileobj)
                    self.pool.submit(self._answer, key.fileobj, key.data[0])
                stale = time.monotonic() - IDLE_TIMEOUT
                for key in [k for k in self.waiting.get_map().values() if k.data[1] < stale]:
                    self.waiting.unregister(key.fileobj)
                    self.shutdown_request(key.fileobj)

    def _answer(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def handle_error(self, request, client_address):
        pass  # a client that went away; never a traceback on the terminal for it

    def server_close(self):
        self.closed.set()
        super().server_close()
        self.pool.shutdown(wait=False, cancel_futures=True)


def _stop(signum, frame):
    raise KeyboardInterrupt  # the same clean exit as Ctrl+C: the temporary build folder goes


def serve(config_file: Path, host: str, port: int) -> None:
    # SIGTERM (a service manager, `kill`, a closed terminal's SIGHUP) must remove the temporary
    # build folder as Ctrl+C does: it was left behind, drafts and embargoed statements in it.
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stop)
    bind = host.strip("[]")
    shown = f"[{bind}]" if ":" in bind else bind
    preview = Preview(config_file, f"{shown}:{port}")
    try:
        preview.refresh()

        class Handler(BaseHTTPRequestHandler):
            timeout = IDLE_TIMEOUT

            def do_GET(self):  # noqa: N802 (the standard library's name)
                name = host_name(self.headers.get("Host"))
                if name is not None and name not in allowed_hosts(bind, self.connection.getsockname()[0]):
                    status, kind, body = 421, "text/plain; charset=utf-8", (
                        b"Misdirected request: this preview answers only to its own address")
                else:
                    try:
                        status, kind, body = preview.respond(urlsplit(self.path).path)
                    except Exception:  # a preview must survive whatever a half-saved file does
                        # On the terminal, not in the page: a traceback shows install paths to the network.
                        traceback.print_exc(file=sys.stderr)
                        status, kind, body = 500, "text/plain; charset=utf-8", (
                            b"The preview failed on this page; the terminal running it shows why")
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):  # noqa: A002
                pass

        server = PreviewServer((bind, port), Handler)
        try:
            if not is_loopback(bind):
                print(f"statuspress: warning: previewing on {shown}, an address other devices can reach: "
                      "anyone on that network can read the preview, drafts and embargoed statements "
                      "included, before they are published; use -a 127.0.0.1:PORT unless that is intended",
                      file=sys.stderr, flush=True)
            print(f"statuspress: previewing on http://{shown}:{port}{preview.mount} (Ctrl+C stops)", flush=True)
            server.serve_forever()
        finally:
            server.server_close()
    except KeyboardInterrupt:
        pass
    finally:
        preview.close()

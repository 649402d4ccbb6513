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

import hashlib
import mimetypes
import os
import shutil
import tempfile
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from ..compute import build_time, compute
from ..build.outputs import render_outputs
from ..render.pages import plan_pages
from ..build.writer import filled, slotted
from ..validate import load_site
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


def _signature(paths: list[Path]) -> str:
    """What changes whenever a file under `paths` is saved, added or removed."""
    digest = hashlib.sha256()
    for root in paths:
        if root.is_file():
            stat = root.stat()
            digest.update(f"{root}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
            continue
        for folder, dirs, names in os.walk(root):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                digest.update(f"{path}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
    return digest.hexdigest()


class Preview:
    """The site as it would be built now, one page at a time."""

    def __init__(self, config_file: Path, address: str):
        self.config_file = config_file.resolve()
        self.address = address
        self.lock = threading.RLock()
        self.site_dir = tempfile.mkdtemp(prefix="statuspress-preview-")
        self.plugin = None
        self.problems = ""  # the build's errors, shown instead of any page until fixed
        self.theme_signature = self.updates_signature = None
        self.pages = {}  # site path -> PlannedPage, of the statements on disk now
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
            theme = _signature(self._theme_paths())
            updates = _signature(self._updates_paths())
            broken = self.plugin is None and updates != self.updates_signature  # and maybe fixed now
            if theme != self.theme_signature or broken:
                self.theme_signature, self.updates_signature = theme, updates
                self._build()
                self.version += 1
            elif updates != self.updates_signature:
                self.updates_signature = updates
                self._read_statements()
                self.version += 1
            self.checked = time.monotonic()

    def _build(self) -> None:
        config = load_config(str(self.config_file), site_dir=self.site_dir)
        mount = urlsplit(config.site_url or "/").path or "/"
        config.site_url = f"http://{self.address}{mount if mount.endswith('/') else mount + '/'}"
        self.mount = urlsplit(config.site_url).path
        config.plugins.on_startup(command="serve", dirty=False)
        try:
            build(config, serve_url=config.site_url)
        except (Abort, PluginError) as exc:
            self.plugin = None
            self.problems = self._problems() or str(exc)
            return
        finally:
            config.plugins.on_shutdown()
        self.plugin = config.plugins["statuspress"]
        self.read_cache = {}  # of the statement files as read for this configuration
        self._read_statements()

    def _problems(self) -> str:
        config = load_config(str(self.config_file))
        loaded = load_site(dict(config.plugins["statuspress"].config), site_name=config.site_name,
                           site_url=config.site_url or "http://preview/", config_file=self.config_file)
        return "\n".join(p.format(self.config_file.parent) for p in loaded.problems.sorted() if p.is_error)

    def _read_statements(self) -> None:
        plugin = self.plugin
        config = plugin.theme.config
        loaded = load_site(dict(plugin.config), site_name=config.site_name, site_url=config.site_url,
                           config_file=self.config_file, cache=self.read_cache)
        errors = [p for p in loaded.problems.sorted() if p.is_error]
        if errors:
            self.problems = "\n".join(p.format(self.config_file.parent) for p in errors)
            return
        self.problems = ""
        snapshot = compute(loaded.site, loaded.statements, build_time())
        planned = plan_pages(snapshot, plugin.languages)
        # Any page may be asked for through MkDocs' page events: none is left out as slotted.
        plugin.use_plan(snapshot, planned)
        self.pages = {p.page.path: p for p in planned}
        self.outputs = None

    # -- answering the browser ---------------------------------------------------

    def respond(self, url_path: str) -> tuple[int, str, bytes]:
        """(status, content type, body) for a request."""
        if url_path == RELOAD_PATH:
            return 200, "text/javascript", RELOAD_JS
        if url_path == VERSION_PATH:
            self.refresh(poll=True)
            return 200, "text/plain", str(self.version).encode()
        self.refresh()
        with self.lock:
            if self.problems:
                return 500, "text/html; charset=utf-8", self._problem_page()
            path = unquote(url_path)
            if not path.startswith(self.mount):
                return self._not_found()
            path = path[len(self.mount):]
            if not path or path.endswith("/"):
                page_path = path
            elif path == "index.html" or path.endswith("/index.html"):
                page_path = path[:-len("index.html")]
            else:
                page_path = None
            if page_path is not None and page_path in self.pages:
                return 200, "text/html; charset=utf-8", self._with_reload(self._page(self.pages[page_path]))
            if self.outputs is None:
                self.outputs = render_outputs(self.plugin.snapshot, self.plugin.languages)
            if path in self.outputs:
                return 200, _content_type(path), self.outputs[path]
            return self._file(path)

    def _page(self, planned) -> bytes:
        plugin, page = self.plugin, planned.page
        shell = plugin.theme.shells.get((page.lang, page.kind))
        if shell is not None and slotted(page, plugin.site):
            text = filled(planned, shell)
        else:
            text = rendered_page(plugin.theme, page)
        return text.encode("utf-8", errors="xmlcharrefreplace")

    def _file(self, path: str) -> tuple[int, str, bytes]:
        target = (Path(self.site_dir) / path).resolve()
        if not str(target).startswith(str(Path(self.site_dir).resolve())):
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
        import html
        return self._with_reload(
            ("<!doctype html><html lang=en><meta charset=utf-8><title>statuspress: problems</title>"
             "<h1>The site would not build</h1><p>Fix these and save: this page reloads by itself.</p>"
             f"<pre>{html.escape(self.problems)}</pre></html>").encode())

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


def serve(config_file: Path, host: str, port: int) -> None:
    preview = Preview(config_file, f"{host}:{port}")
    preview.refresh()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            try:
                status, kind, body = preview.respond(urlsplit(self.path).path)
            except Exception:  # a preview must survive whatever a half-saved file does
                status, kind, body = 500, "text/plain; charset=utf-8", traceback.format_exc().encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # noqa: A002
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    print(f"statuspress: previewing on http://{host}:{port}{preview.mount} (Ctrl+C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        preview.close()

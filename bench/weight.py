#!/usr/bin/env python3
"""How heavy the status pages are for a patient on a slow phone network.

Builds the example site (SOURCE_DATE_EPOCH during the crisis), serves it on 127.0.0.1, loads
the overview, an incident page and a statement page in Chromium with an empty cache (a fresh
browser context each) and adds up what every request transfers. http.server does not
compress, so each response body is gzipped here at level 9, as a static host or CDN would.

Render-blocking bytes: the page and what Chromium reports as blocking its rendering
(`renderBlockingStatus`), and how many requests they take (1: the page carries its sheet and is
drawn after one round trip; 2: the sheet is asked for once the page's head is in), gzip -6 (zlib's default level; nginx's default, 1, compresses a
little less) and brotli -11 when the `brotli` module is installed.

Targets: HTML and render-blocking resources ≤ 14,000 bytes compressed (they then arrive in
the first TCP flight: 10 segments of ~1,400 bytes) and everything ≤ 50 KB compressed. KB =
1000 bytes, the stricter reading.
This prints figures only; tests/test_browser.py checks behaviour.

    python3 bench/weight.py [--site DIR]   # DIR: an already built site, to skip the build
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

REPO = Path(__file__).resolve().parent.parent
EPOCH = "1768400000"  # 2026-01-14, during the cyberattack: the heaviest overview of the example
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-quic"]
TOTAL_TARGET = 50_000
FIRST_FLIGHT = 14_000

try:
    import brotli
except ImportError:  # optional: gzip alone then
    brotli = None


def build(site_dir: Path) -> None:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=EPOCH)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(REPO / "mkdocs.yml"), "-d", str(site_dir)],
        cwd=REPO, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"mkdocs build failed:\n{result.stdout}\n{result.stderr}")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


@contextlib.contextmanager
def serve(directory: Path):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def richest(site: Path, folder: str) -> str:
    """The page with the most content in `folder` (the longest incident, the longest statement)."""
    pages = sorted((site / folder).glob("*/index.html"))
    if not pages:
        sys.exit(f"the build has no page under /{folder}/")
    return f"{folder}/{max(pages, key=lambda p: p.stat().st_size).parent.name}/"


def file_for(site: Path, url: str) -> Path | None:
    path = unquote(urlparse(url).path).lstrip("/")
    candidate = site / path
    if candidate.is_dir() or path.endswith("/") or not path:
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def measure(browser, base: str, site: Path, path: str) -> list[dict]:
    """Every request the page makes, with its raw and gzip -9 sizes."""
    context = browser.new_context()  # empty cache, no service worker, no storage
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(base + path, wait_until="networkidle")
    blocking = set(page.evaluate("""() => performance.getEntriesByType('resource')
        .filter(entry => entry.renderBlockingStatus === 'blocking').map(entry => entry.name)"""))
    rows = []
    for response in responses:
        url = response.url
        if urlparse(url).scheme == "data":
            continue
        try:
            body = response.body()
        except Exception:  # noqa: BLE001 - a body the browser no longer holds: read it from disk
            file = file_for(site, url)
            body = file.read_bytes() if file else b""
        rows.append({
            "url": url[len(base) - 1:] if url.startswith(base) else url,
            "type": response.request.resource_type,
            "status": response.status,
            "raw": len(body),
            "gzip": len(gzip.compress(body, compresslevel=9, mtime=0)),
            "gzip6": len(gzip.compress(body, compresslevel=6, mtime=0)),
            "brotli": len(brotli.compress(body, quality=11)) if brotli else None,
            "blocking": response.request.resource_type == "document" or url in blocking,
        })
    context.close()
    return rows


def kb(n: int) -> str:
    return f"{n / 1000:.1f} KB"


def report(title: str, path: str, rows: list[dict]) -> dict:
    html = sum(r["gzip"] for r in rows if r["type"] == "document")
    total = sum(r["gzip"] for r in rows)
    blocking = sum(r["gzip6"] for r in rows if r["blocking"])
    blocking_br = sum(r["brotli"] for r in rows if r["blocking"]) if brotli else None
    blocking_requests = sum(1 for r in rows if r["blocking"])
    print(f"\n== {title}: /{path}")
    width = max([len(r["url"]) for r in rows] + [8])
    print(f"  {'resource':<{width}}  {'type':<10} {'status':>6} {'raw':>10} {'gzip -9':>10}  blocking")
    for r in sorted(rows, key=lambda r: -r["gzip"]):
        print(f"  {r['url']:<{width}}  {r['type']:<10} {r['status']:>6} {r['raw']:>10,} {r['gzip']:>10,}  "
              f"{'yes' if r['blocking'] else ''}")
    print(f"  requests: {len(rows)}")
    print(f"  HTML compressed:  {html:>7,} bytes ({kb(html)})")
    print(f"  render-blocking:  {blocking:>7,} bytes gzip -6"
          + (f", {blocking_br:,} brotli -11" if brotli else "")
          + f"  target ≤ {FIRST_FLIGHT:,}: {'met' if blocking <= FIRST_FLIGHT else 'NOT MET'}"
          + f", in {blocking_requests} request{'s' if blocking_requests > 1 else ''}")
    print(f"  total compressed: {total:>7,} bytes ({kb(total)})  target ≤ {kb(TOTAL_TARGET)}: "
          f"{'met' if total <= TOTAL_TARGET else 'NOT MET'}")
    foreign = [r["url"] for r in rows if r["url"].startswith("http")]
    if foreign:
        print(f"  requests to other hosts: {foreign}")
    return {"title": title, "path": path, "requests": len(rows), "html": html, "total": total,
            "blocking": blocking, "blocking_br": blocking_br, "blocking_requests": blocking_requests}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="an already built site (skips the build)")
    args = parser.parse_args(argv)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sys.exit("needs Python playwright (pip install playwright) and Chromium at " + CHROMIUM)
    if not Path(CHROMIUM).exists():
        sys.exit(f"needs Chromium at {CHROMIUM}")

    with contextlib.ExitStack() as stack:
        if args.site:
            site = args.site.resolve()
        else:
            site = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="statuspress-weight-"))) / "site"
            print(f"building the example site (SOURCE_DATE_EPOCH={EPOCH}) ...")
            build(site)
        base = stack.enter_context(serve(site))
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)

        pages = [("overview", ""), ("incident page", richest(site, "incidents")),
                 ("statement page", richest(site, "updates")),
                 ("department page", "departments/emergency/"), ("history page", "history/"),
                 ("404 page", "404.html"), ("subscribe page", "subscribe/")]
        summary = [report(title, path, measure(browser, base, site, path)) for title, path in pages]
        # The overview of every other language, in one line each.
        for lang_dir in sorted(p.parent for p in site.glob("*/index.html")):
            if (lang_dir / "history").is_dir() and (lang_dir / "incidents").is_dir():
                path = f"{lang_dir.name}/"
                rows = measure(browser, base, site, path)
                summary.append({"title": f"overview ({lang_dir.name})", "path": path, "requests": len(rows),
                                "html": sum(r["gzip"] for r in rows if r["type"] == "document"),
                                "total": sum(r["gzip"] for r in rows),
                                "blocking": sum(r["gzip6"] for r in rows if r["blocking"]),
                                "blocking_requests": sum(1 for r in rows if r["blocking"]),
                                "blocking_br": sum(r["brotli"] for r in rows if r["blocking"]) if brotli else None})

    print("\n== summary (HTML and total gzip -9; render-blocking gzip -6 and brotli -11; KB = 1000 bytes)")
    print(f"  {'page':<22} {'requests':>8} {'HTML':>10} {'total':>10} {'blocking':>10} {'brotli':>8} "
          f"{'in':>3}  first flight")
    for s in summary:
        br = kb(s['blocking_br']) if s['blocking_br'] is not None else "-"
        print(f"  {s['title']:<22} {s['requests']:>8} {kb(s['html']):>10} {kb(s['total']):>10} "
              f"{kb(s['blocking']):>10} {br:>8} {s['blocking_requests']:>3}  "
              f"{'met' if s['blocking'] <= FIRST_FLIGHT else 'NOT MET'}")
    print(f"  targets: render-blocking ≤ {FIRST_FLIGHT:,} bytes, total ≤ {kb(TOTAL_TARGET)}; "
          "'in': how many requests the render-blocking bytes take")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A status page is drawn after the first round trip of a slow phone network.

A TCP connection's first flight is about 14 KB (10 segments): a page whose HTML and
render-blocking style sheets fit in it, compressed, is drawn after one round trip; each further
14 KB costs another, and so does each further request. Status pages use one sheet of only the
rules they use (made at every build, render/css_subset.py) instead of Material's full sheet and
ours; the overview, department, history and 404 pages carry it inside them
(render/inline_css.py), statement and incident pages link it (README, "Status pages draw from
the first flight").

- Every status page kind, in every language of the example site and in Arabic, weighs at most
  14,000 bytes of render-blocking bytes, gzip -6 (what Chromium itself reports as blocking
  rendering: `renderBlockingStatus`); the pages that carry the sheet need no other request.
- Nothing drawn changes: screenshots with the subset and with Material's full sheet and ours
  are the same pixels, at 390 and 1366 px (but for at most 16 antialiased edge pixels, which
  also differ between two loads of the same page).
- Throttled to 400 kbit/s and 400 ms round trip (DevTools' "Slow 3G"), the overview's
  render-blocking bytes are in a round trip sooner than with the same sheet linked, and that
  sooner than with the full sheets by at least most of what the bytes saved take to arrive.
"""
from __future__ import annotations

import gzip
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from helpers import CHROMIUM, CHROMIUM_ARGS, REPO, copy_example, serve_gzipped, serve_with_headers

if not CHROMIUM.exists():
    pytest.skip(f"browser tests need Chromium at {CHROMIUM} (Debian package `chromium`); "
                "it is not installed here", allow_module_level=True)

from PIL import Image, ImageChops  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

EPOCH = "1768400000"  # 2026-01-14, during the cyberattack: the heaviest overview of the example
FIRST_FLIGHT = 14_000  # bytes: 10 TCP segments of ~1,400 bytes of payload
LANGS = re.search(r"\n\s+languages:\s*\[([^\]]*)\]", (REPO / "mkdocs.yml").read_text(encoding="utf-8"))[1]
LANGUAGES = [code.strip() for code in LANGS.split(",")] + ["ar"]
SHEETS = "assets/stylesheets/"
SUBSET = "assets/stylesheets/statuspress-status.css"
SUBSET_LINK = re.compile(r'<link rel="stylesheet" href="([^"]*)assets/stylesheets/statuspress-status\.css">')
INLINE_SHEET = re.compile(r"<style>.*?</style>", re.S)
# The kinds that carry the sheet inside them; the others link it (thousands of pages).
CARRY_THE_SHEET = {"overview", "department", "history", "404"}
# Slow 3G as DevTools defines it: 400 kbit/s both ways, 400 ms round trip.
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}


def prefix(lang: str) -> str:
    return "" if lang == LANGUAGES[0] else f"{lang}/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The example site with Arabic added, built during the crisis, served with gzip."""
    folder = tmp_path_factory.mktemp("flight")
    config = copy_example(folder)
    text, count = re.subn(r"(\n\s+languages:\s*\[)([^\]]*)\]", lambda m: f"{m[1]}{m[2]}, ar]",
                          config.read_text(encoding="utf-8"), count=1)
    assert count == 1, "no `languages: [...]` in mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    root = folder / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=EPOCH)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(root)],
                            cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
    with serve_gzipped(root) as base:
        yield root, base


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def richest(root: Path, folder: str) -> str:
    pages = sorted((root / folder).glob("*/index.html"))
    assert pages, f"the build has no page under /{folder}/"
    return f"{folder}/{max(pages, key=lambda page: page.stat().st_size).parent.name}/"


def kinds(root: Path, lang: str) -> dict[str, str]:
    return {"overview": prefix(lang),
            "department": richest(root, f"{prefix(lang)}departments"),
            "incident": richest(root, f"{prefix(lang)}incidents"),
            "update": richest(root, f"{prefix(lang)}updates"),
            "history": f"{prefix(lang)}history/",
            "404": f"{prefix(lang)}404.html"}


def file_of(root: Path, url: str) -> Path:
    path = root / urlparse(url).path.lstrip("/")
    return path / "index.html" if path.is_dir() else path


def compressed(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


def render_blocking(browser, root: Path, base: str, path: str) -> dict[str, int]:
    """The page and every resource Chromium says blocked its rendering, each with its gzip -6 size."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(base + path, wait_until="load")
        blocking = page.evaluate("""() => performance.getEntriesByType('resource')
            .filter(entry => entry.renderBlockingStatus === 'blocking').map(entry => entry.name)""")
    finally:
        context.close()
    return {url[len(base) - 1:]: compressed(file_of(root, url)) for url in [base + path, *blocking]}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_status_pages_fit_the_first_flight(site, browser, lang):
    root, base = site
    over = {}
    for kind, path in kinds(root, lang).items():
        weights = render_blocking(browser, root, base, path)
        if kind in CARRY_THE_SHEET:
            assert len(weights) == 1, f"{kind} /{path}: render-blocking requests beside the page: {weights}"
            assert len(INLINE_SHEET.findall(file_of(root, base + path).read_text(encoding="utf-8"))) == 1, kind
        else:
            assert len(weights) == 2, f"{kind} /{path}: not the page and the status pages' sheet: {weights}"
        total = sum(weights.values())
        print(f"{lang} {kind}: {total:,} bytes render-blocking (gzip -6): {weights}")
        if total > FIRST_FLIGHT:
            over[f"{kind} /{path}"] = (total, weights)
    assert not over, f"render-blocking bytes above {FIRST_FLIGHT:,} (gzip -6): {over}"


def full_sheets(root: Path) -> list[str]:
    """What status pages linked before: Material's main sheet and ours (pages of docs/ still do)."""
    material = sorted(p.name for p in (root / SHEETS).glob("main.*.min.css"))
    assert len(material) == 1, f"Material's main sheet in {root / SHEETS}: {material}"
    return [SHEETS + material[0], SHEETS + "statuspress.css"]


def with_sheets(root: Path, path: str, sheets: list[str], name: str) -> str:
    """A copy, beside the page, of status page `path` linking `sheets` (paths in the site)
    instead of the status pages' sheet, linked or inside it. Returns its path."""
    source = file_of(root, path)
    html = source.read_text(encoding="utf-8")
    links = "".join(f'<link rel="stylesheet" href="/{sheet}">' for sheet in sheets)
    carried = len(INLINE_SHEET.findall(html))
    # A page that carries the sheet links it again at the end of its body (for the cache): gone too.
    html, linked = SUBSET_LINK.subn(lambda _: "" if carried else links, html)
    html = INLINE_SHEET.sub(lambda _: links, html)
    assert (carried, linked) in ((0, 1), (1, 1)), f"/{path}: {carried} <style>, {linked} links to the sheet"
    target = source.with_name(name)
    target.write_text(html, encoding="utf-8")
    return str(target.relative_to(root))


def with_full_sheets(root: Path, path: str, extra: str = "") -> str:
    """The page as it was drawn before: Material's full sheet and ours, linked."""
    return with_sheets(root, path, full_sheets(root), f"full{extra}.html")


def screenshot(browser, url: str, width: int) -> Image.Image:
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        # The status icons come from a sprite file that <use> loads after the page: wait for it.
        page.goto(url, wait_until="networkidle")
        return Image.open(io.BytesIO(page.screenshot(full_page=True, animations="disabled"))).convert("RGB")
    finally:
        context.close()


EDGE_PIXELS = 16  # antialiased edge pixels that may differ between two loads of the same drawing


def differing(a: Image.Image, b: Image.Image) -> tuple[tuple | None, int]:
    """The box around the pixels that differ between two screenshots, and how many differ."""
    difference = ImageChops.difference(a, b)
    mask = difference.convert("L").point(lambda value: 255 if value else 0)
    return difference.getbbox(), mask.histogram()[255]


def test_a_difference_of_more_than_edge_pixels_is_caught():
    """The tolerance lets antialiasing through, not a change a reader would see."""
    page = Image.new("RGB", (390, 300), "white")
    corner = page.copy()
    corner.putpixel((16, 250), (200, 200, 200))
    corner.putpixel((17, 250), (230, 230, 230))
    moved = page.copy()
    moved.paste((27, 110, 32), (20, 40, 120, 44))  # a 100 x 4 status line in another place
    assert differing(page, corner)[1] == 2 <= EDGE_PIXELS
    assert differing(page, moved)[1] == 400 > EDGE_PIXELS


@pytest.mark.parametrize("lang", [LANGUAGES[0], "ar"])
@pytest.mark.parametrize("width", [390, 1366])
def test_nothing_drawn_changes(site, browser, lang, width):
    """Each status page kind, drawn with the subset and with the full sheets: the same pixels."""
    root, base = site
    for kind, path in kinds(root, lang).items():
        full = with_full_sheets(root, path)
        # Chromium now and then antialiases the first pixel of a sprite icon differently from one
        # load to the next (seen with the same sheet on both sides), on a busy machine a thin
        # column differed in one of four runs (either sheet first), and in one CI run the 2 x 2
        # pixels of a card's rounded corner differed at every load: a difference must persist and
        # be more than such edge pixels (a colour, a margin or a line moved is hundreds of them).
        for _attempt in range(5):
            subset, before = screenshot(browser, base + path, width), screenshot(browser, base + full, width)
            assert subset.size == before.size, f"{lang} {kind} at {width} px: page size {subset.size} != {before.size}"
            box, count = differing(subset, before)
            if count <= EDGE_PIXELS:
                break
        assert count <= EDGE_PIXELS, f"{lang} {kind} /{path} at {width} px: {count} pixels drawn differently within {box}"


def band_painted(browser, url: str) -> dict:
    """When the overall status band was painted, the first contentful paint, and when the page's
    render-blocking bytes had all arrived (ms from navigation), the network throttled."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        page.goto(url, wait_until="load", timeout=60_000)
        return page.evaluate("""() => new Promise(resolve => {
            const fcp = performance.getEntriesByName('first-contentful-paint')[0];
            const arrived = Math.max(...performance.getEntriesByType('navigation').map(e => e.responseEnd),
                ...performance.getEntriesByType('resource')
                    .filter(e => e.renderBlockingStatus === 'blocking').map(e => e.responseEnd));
            // Element timing is not reported for the band in every Chromium build: the band is
            // the page's first content, so the first contentful paint stands for it then.
            // The first contentful paint is read again when resolving: on a busy machine it may be
            // reported after the load event (it was null in one CI run when read only before).
            const done = band => {
                const paint = fcp || performance.getEntriesByName('first-contentful-paint')[0];
                resolve({band: band || (paint ? paint.startTime : null), fcp: paint ? paint.startTime : null, arrived});
            };
            new PerformanceObserver(list => {
                const band = list.getEntries().find(entry => entry.identifier === 'overall-status');
                if (band) done(band.renderTime || band.loadTime);
            }).observe({type: 'element', buffered: true});
            setTimeout(() => done(null), 5000);
        })""")
    finally:
        context.close()


def with_band_timing(root: Path, path: str) -> None:
    """Marks the overall status band for Chromium's element timing (in the test's copy only:
    `elementtiming` is not HTML the validator accepts)."""
    file = file_of(root, path)
    html = file.read_text(encoding="utf-8")
    # The element that holds the band's words: its title, or the band itself when it has none.
    for band in (r"<(\w+)(?= class=\"sp-overall__title\b)", r"<(\w+)(?= class=\"sp-overall\b)"):
        html, count = re.subn(band, r'<\1 elementtiming="overall-status"', html, count=1)
        if count:
            break
    assert count == 1, f"/{path}: no overall status band"
    file.write_text(html, encoding="utf-8")


def test_band_painted_early_on_slow_3g(site, browser):
    root, base = site
    timed = "timed.html"  # beside the overview: the same relative addresses
    (root / timed).write_text(file_of(root, "").read_text(encoding="utf-8"), encoding="utf-8")
    with_band_timing(root, timed)
    assert INLINE_SHEET.search((root / timed).read_text(encoding="utf-8")), "the overview does not carry its sheet"
    linked = with_sheets(root, timed, [SUBSET], "linked-timed.html")
    full = with_full_sheets(root, timed, "-timed")
    saved = sum(compressed(root / sheet) for sheet in full_sheets(root)) - compressed(root / SUBSET)
    runs = {name: min((band_painted(browser, base + path) for _ in range(2)), key=lambda r: r["arrived"])
            for name, path in (("carried", timed), ("linked", linked), ("full", full))}
    carried, subset, full = runs["carried"], runs["linked"], runs["full"]
    transfer_ms = saved / SLOW_3G["downloadThroughput"] * 1000
    assert all(run["band"] is not None for run in runs.values()), f"the band's paint was not recorded: {runs}"
    print(f"\non Slow 3G (400 kbit/s, 400 ms), ms from navigation: the status pages' sheet inside the page / "
          f"linked / Material's full sheet and ours linked ({saved:,} bytes more, {transfer_ms:.0f} ms "
          f"at 400 kbit/s):\n"
          f"  render-blocking bytes arrived: {carried['arrived']:.0f} / {subset['arrived']:.0f} / {full['arrived']:.0f}\n"
          f"  overall status band painted:   {carried['band']:.0f} / {subset['band']:.0f} / {full['band']:.0f}")
    # The band cannot be painted before the render-blocking bytes are in; when they are in is
    # set by the network alone (paint times also wait for a busy machine's processor).
    assert all(run["band"] >= run["arrived"] for run in runs.values()), runs
    # The sheet inside the page: no second request, so at least half a round trip sooner (a
    # whole one, less what the browser overlaps while the HTML streams in).
    assert subset["arrived"] - carried["arrived"] >= SLOW_3G["latency"] / 2, runs
    # At least half of what the saved bytes take to arrive (round trips come on top of it).
    assert full["arrived"] - subset["arrived"] >= transfer_ms / 2, (subset, full, transfer_ms)


def test_the_linked_sheet_is_cached_after_a_page_that_carries_it(site, browser):
    """The overview carries its sheet and links it at the end of its body, where it blocks
    nothing: the statement page a reader opens next needs no second request before it is drawn."""
    root, _ = site
    statement = kinds(root, LANGUAGES[0])["update"]
    # Served with the build's own _headers, as a host would: their Cache-Control lets the browser keep it.
    with serve_with_headers(root) as origin:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(f"{origin}/", wait_until="networkidle")
            page.goto(f"{origin}/{statement}", wait_until="load")
            sheet = page.evaluate("""() => performance.getEntriesByType('resource')
                .filter(entry => entry.name.endsWith('/statuspress-status.css'))
                .map(entry => ({blocking: entry.renderBlockingStatus, transferred: entry.transferSize}))""")
        finally:
            context.close()
    # transferSize is 0 for what the browser's cache answered without asking the server.
    assert sheet == [{"blocking": "blocking", "transferred": 0}], sheet

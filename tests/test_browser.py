"""The built example site in a real browser (Chromium through Playwright).

What a patient on a phone, a keyboard user, a screen-reader user and a printer get:
WCAG 2.x A/AA with axe-core in every language and both colour schemes, the skip link and
visible focus, the language selector by keyboard, the overview without JavaScript, no
request to any other host, `lang`/`hreflang`/feeds in <head>, right-to-left layout, print.

The example site is built once per module with SOURCE_DATE_EPOCH set during the crisis
(2026-01-14, several departments down) and served on 127.0.0.1 by http.server.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import yaml

from helpers import CHROMIUM, CHROMIUM_ARGS, REPO, serve

if not CHROMIUM.exists():
    pytest.skip(f"browser tests need Chromium at {CHROMIUM} (Debian package `chromium`); "
                "it is not installed here", allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

CONFIG_FILE = REPO / "mkdocs.yml"
EPOCH = "1768400000"  # 2026-01-14 15:13 Europe/Brussels: during the cyberattack
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
KINDS = ["overview", "incident", "update", "department", "history"]
SCHEMES = ["light", "dark"]
STATUSES = {"operational", "degraded", "reduced", "offline", "maintenance"}


# -- the site's own configuration (read, not imported: the test sees what a user wrote) ----

class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring tags such as !!python/name that only MkDocs resolves."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def _read_config(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}


def _plugin_config(config: dict) -> dict:
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and "statuspress" in entry:
            return entry["statuspress"] or {}
        if entry == "statuspress":
            return {}
    raise AssertionError("mkdocs.yml does not enable the statuspress plugin")


CONFIG = _read_config(CONFIG_FILE)
PLUGIN = _plugin_config(CONFIG)
LANGS: list[str] = list(PLUGIN.get("languages") or ["en"])
DEFAULT = LANGS[0]
DEPARTMENTS: dict = PLUGIN.get("departments") or {}


def prefix(lang: str) -> str:
    return "" if lang == DEFAULT else f"{lang}/"


def localized(names, lang: str) -> str:
    if isinstance(names, dict):
        return names.get(lang) or names.get(DEFAULT) or ""
    return names or ""


# -- build and serve -------------------------------------------------------------------------

def build(config_file: Path, site_dir: Path) -> None:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=EPOCH)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config_file), "-d", str(site_dir)],
        cwd=config_file.parent, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
    assert (site_dir / "index.html").exists(), f"mkdocs build wrote no {site_dir}/index.html"


class Site:
    """A built, served site: its folder, its address, and real page paths per language."""

    def __init__(self, root: Path, base: str):
        self.root = root
        self.base = base

    def url(self, path: str) -> str:
        return urljoin(self.base, path)

    def path_of(self, url: str) -> str:
        return urlparse(url).path.lstrip("/")

    def _richest(self, lang: str, folder: str) -> str:
        """The page with the most content in `folder`: the most markup for axe to check."""
        pages = sorted((self.root / prefix(lang) / folder).glob("*/index.html"))
        assert pages, f"the build has no page under /{prefix(lang)}{folder}/"
        best = max(pages, key=lambda page: page.stat().st_size)
        return f"{prefix(lang)}{folder}/{best.parent.name}/"

    def pages(self, lang: str) -> dict[str, str]:
        pages = {
            "overview": prefix(lang),
            "incident": self._richest(lang, "incidents"),
            "update": self._richest(lang, "updates"),
            "department": self._richest(lang, "departments"),
            "history": f"{prefix(lang)}history/",
        }
        for kind, path in pages.items():
            assert (self.root / path / "index.html").exists(), f"{kind}: no /{path} in the build"
        return pages

    @staticmethod
    def counterpart(path: str, lang: str) -> str:
        """The same page in another language (each status page exists in every language)."""
        here = next((code for code in LANGS[1:] if path.startswith(f"{code}/")), DEFAULT)
        return prefix(lang) + path[len(prefix(here)):]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site") / "site"
    build(CONFIG_FILE, root)
    with serve(root) as base:
        yield Site(root, base)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """A page in a fresh context (no cache, no storage); every context is closed afterwards."""
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


AXE = Axe()


def assert_no_axe_violations(page, what: str) -> None:
    results = AXE.run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


def computed(page, selector: str, prop: str) -> list[str]:
    return page.eval_on_selector_all(
        selector, "(els, prop) => els.map(e => getComputedStyle(e).getPropertyValue(prop))", prop)


def pixels(page, selector: str, prop: str) -> list[float]:
    return [float(value.removesuffix("px")) for value in computed(page, selector, prop)]


# -- accessibility (axe-core) ----------------------------------------------------------------

@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", LANGS)
def test_axe_wcag_aa(site, new_page, lang, kind, scheme):
    path = site.pages(lang)[kind]
    page = new_page()
    page.emulate_media(color_scheme=scheme)
    page.goto(site.url(path))
    # The dark palette follows the system setting: make sure it is the one being checked.
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
    assert_no_axe_violations(page, f"/{path} ({lang}, {kind}, {scheme})")


# -- keyboard ----------------------------------------------------------------------------------

FOCUS_RING_JS = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  return {tag: e.tagName, cls: e.className, text: (e.textContent || "").trim().slice(0, 40),
          href: e.getAttribute("href"), hreflang: e.getAttribute("hreflang"),
          focusVisible: e.matches(":focus-visible"),
          outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0,
          shadow: s.boxShadow !== "none"};
}"""


@pytest.mark.parametrize("lang", LANGS)
def test_skip_link_shows_on_first_tab(site, new_page, lang):
    page = new_page()
    page.goto(site.url(prefix(lang)))
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUS_RING_JS)
    assert "md-skip" in focused["cls"], f"the first Tab focuses {focused}, not the skip link"
    assert focused["text"], "the skip link has no text"
    # Material fades it in; it must end up opaque, on top and inside the viewport.
    page.wait_for_function("() => getComputedStyle(document.activeElement).opacity === '1'", timeout=3000)
    box = page.locator(".md-skip").bounding_box()
    viewport = page.viewport_size
    assert box and box["width"] > 0 and box["height"] > 0
    assert 0 <= box["x"] < viewport["width"] and 0 <= box["y"] < viewport["height"]
    assert focused["outline"] or focused["shadow"], "the focused skip link has no focus ring"
    assert_no_axe_violations(page, f"/{prefix(lang)} with the skip link shown")
    target = focused["href"]
    assert target.startswith("#") and page.locator(target).count() == 1, f"skip link target {target}"
    page.keyboard.press("Enter")
    # The address changes with the jump; the page object hears of it a moment later.
    page.wait_for_url(re.compile(re.escape(target) + "$"), timeout=3000)
    assert page.url.endswith(target)


# Focused element on screen and not hidden under something else (WCAG 2.4.11): the centre of
# its first line box is inside the viewport and hits the element itself.
FOCUS_SHOWN_JS = """() => {
  const e = document.activeElement;
  const r = e.getClientRects()[0] || e.getBoundingClientRect();
  if (!r.width || !r.height) return false;
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return false;
  const top = document.elementFromPoint(x, y);
  return !!top && (top === e || e.contains(top));
}"""
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("kind", KINDS)
def test_focus_is_always_visible(site, new_page, kind, viewport):
    """Tab through the whole page: every element that takes focus shows a focus ring, on screen."""
    page = new_page(viewport=VIEWPORTS[viewport])
    page.goto(site.url(site.pages(DEFAULT)[kind]))
    seen, no_ring, hidden = [], [], []
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_RING_JS)
        if focused["tag"] == "BODY" or (seen and focused == seen[0]):
            break  # wrapped around
        seen.append(focused)
        if not (focused["outline"] or focused["shadow"]):
            no_ring.append(focused)
        try:  # drawers and menus slide in: give them their transition time
            page.wait_for_function(FOCUS_SHOWN_JS, timeout=1500)
        except PlaywrightTimeoutError:
            hidden.append(focused)
    links = [f for f in seen if f["tag"] == "A"]
    assert len(links) > 5, f"Tab reached only {seen}"
    assert not no_ring, "focused without a visible focus ring:\n" + "\n".join(map(str, no_ring))
    assert not hidden, "focused but off-screen or covered:\n" + "\n".join(map(str, hidden))


def _tab_to(page, selector: str, limit: int = 120) -> list[dict]:
    """Press Tab until `selector` has focus; returns what had focus on the way."""
    path = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        path.append(page.evaluate(FOCUS_RING_JS))
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return path
    raise AssertionError(f"{selector} not reached in {limit} Tabs: {path}")


LANGUAGE_HOPS = [(kind, DEFAULT, other) for kind in KINDS for other in LANGS[1:]] + \
                [(kind, LANGS[-1], DEFAULT) for kind in KINDS if len(LANGS) > 1]


@pytest.mark.parametrize("kind,source,target", LANGUAGE_HOPS)
def test_language_selector_by_keyboard(site, new_page, kind, source, target):
    page = new_page()
    path = site.pages(source)[kind]
    page.goto(site.url(path))
    _tab_to(page, ".md-select button, .md-select [tabindex]")
    way = _tab_to(page, f'.md-select a[hreflang="{target}"]')
    assert way[-1]["focusVisible"] and (way[-1]["outline"] or way[-1]["shadow"])
    # The list opens on focus (CSS :focus-within), so a sighted keyboard user sees it.
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.md-select__inner')).opacity === '1'", timeout=3000)
    assert page.locator(f'.md-select a[hreflang="{target}"]').is_visible()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expected = site.counterpart(path, target)
    assert site.path_of(page.url) == expected, f"from /{path} to {target}: at {page.url}, not /{expected}"
    assert page.evaluate("document.documentElement.lang") == target


# -- without JavaScript ------------------------------------------------------------------------

def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    parts = re.split(r"^---\s*$", text, maxsplit=2, flags=re.M)
    return (yaml.safe_load(parts[1]) or {}) if len(parts) == 3 else {}


def _notes_in_sources(lang: str) -> dict[str, set[str]]:
    """Every note written for each department in this language or the default one."""
    updates = CONFIG_FILE.parent / PLUGIN.get("updates_dir", "updates")
    notes: dict[str, set[str]] = {}
    for file in updates.rglob("*.md"):
        suffix = file.name[:-3].rsplit(".", 1)
        file_lang = suffix[1] if len(suffix) == 2 and suffix[1] in LANGS else DEFAULT
        if file_lang not in (lang, DEFAULT):
            continue
        for dept, note in (_front_matter(file).get("notes") or {}).items():
            notes.setdefault(dept, set()).add(" ".join(str(note).split()))
    return notes


@pytest.mark.parametrize("lang", LANGS)
def test_overview_without_javascript(site, new_page, lang):
    page = new_page(java_script_enabled=False)
    page.goto(site.url(prefix(lang)))
    items = page.locator("li.sp-department")
    assert items.count() == len(DEPARTMENTS) == 10
    words: dict[str, str] = {}
    sources = _notes_in_sources(lang)
    notes_shown = 0
    for dept, config in DEPARTMENTS.items():
        item = page.locator(f'li.sp-department:has(a[href$="departments/{dept}/"])')
        assert item.count() == 1, f"{dept} is not listed once on /{prefix(lang)}"
        name = item.locator(".sp-department__name")
        assert name.is_visible() and name.inner_text().strip() == localized(config.get("name"), lang)
        status = item.locator(".sp-department__head .sp-status")
        value = next(c.split("--", 1)[1] for c in status.get_attribute("class").split() if "--" in c)
        assert value in STATUSES
        text = status.locator(".sp-status__text")
        assert text.is_visible(), f"{dept}: status words hidden without JavaScript"
        word = text.inner_text().strip()
        assert word, f"{dept}: no status words"
        assert words.setdefault(value, word) == word, f"{value} is called both {words[value]!r} and {word!r}"
        for note in item.locator(".sp-note").all():
            assert note.is_visible(), f"{dept}: note hidden without JavaScript"
            shown = " ".join(note.inner_text().split())
            assert shown in sources.get(dept, set()), f"{dept}: note {shown!r} is in no statement"
            notes_shown += 1
    assert len(set(words.values())) == len(words), f"two statuses share their words: {words}"
    assert set(words) - {"operational"}, "at this date (the crisis) some departments must be down"
    assert notes_shown, "at this date (the crisis) the overview must show notes"
    assert page.locator(".sp-overall").is_visible()


# -- no third-party requests -------------------------------------------------------------------

def _request_pages(site) -> list[str]:
    pages = [path for lang in LANGS for path in site.pages(lang).values()]
    docs = CONFIG_FILE.parent / CONFIG.get("docs_dir", "docs")
    for doc in sorted(docs.glob("*.md")):  # the hand-written pages use Material's normal page
        name = doc.stem
        pages.append("" if name in ("index", "README") else f"{name}/")
    pages.append("404.html")
    return sorted(set(pages))


def test_no_request_leaves_the_site(site, browser):
    for path in _request_pages(site):
        page = browser.new_context().new_page()
        requests = []
        page.context.on("request", lambda request: requests.append(request.url))
        response = page.goto(site.url(path), wait_until="networkidle")
        assert response.ok, f"/{path}: HTTP {response.status}"
        page.emulate_media(media="print")  # print styles may load more
        page.wait_for_load_state("networkidle")
        assert requests, f"/{path}: no request recorded"
        foreign = [url for url in requests
                   if not (urlparse(url).scheme == "data" or urlparse(url).hostname == "127.0.0.1")]
        assert not foreign, f"/{path} requests other hosts: {foreign}"
        page.context.close()


THIRD_PARTY = ["fonts.googleapis", "fonts.gstatic", "cdn.", "unpkg", "jsdelivr", "googletagmanager"]
SCRIPT_SRC = re.compile(r"""<script\b[^>]*?\ssrc\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""", re.I)
LINK_HREF = re.compile(r"""<link\b[^>]*?\shref\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""", re.I)
CSS_URL = re.compile(r"""(?:@import\s+|url\(\s*)["']?((?:https?:)?//[^"')\s]+)""", re.I)
LOCAL_SCRIPT = re.compile(r"""<script\b[^>]*?\ssrc\s*=\s*["']?([^"'\s>]+)""", re.I)


def test_no_third_party_in_built_files(site):
    own_host = urlparse(CONFIG.get("site_url") or "").hostname
    problems, loaded_js = [], set()
    for file in sorted(site.root.rglob("*")):
        if file.suffix not in (".html", ".css") or not file.is_file():
            continue
        where = file.relative_to(site.root)
        if where.parts[0] == "admin":
            continue  # the staff's browser editor loads Decap CMS by design (tests/test_decap.py)
        text = file.read_text(encoding="utf-8", errors="replace")
        problems += [f"{where}: {needle}" for needle in THIRD_PARTY if needle in text]
        if file.suffix == ".html":
            problems += [f"{where}: <script src={url}>" for url in SCRIPT_SRC.findall(text)]
            problems += [f"{where}: <link href={url}>" for url in LINK_HREF.findall(text)
                         if urlparse(url if "//" not in url[:2] else "https:" + url).hostname != own_host]
            for src in LOCAL_SCRIPT.findall(text):
                target = (file.parent / src.split("?")[0]).resolve()
                if target.is_file():
                    loaded_js.add(target)
        problems += [f"{where}: {url}" for url in CSS_URL.findall(text)]
    for file in sorted(site.root.rglob("*.js")):
        text = file.read_text(encoding="utf-8", errors="replace")
        found = [needle for needle in THIRD_PARTY if needle in text]
        if found:
            loaded = " (loaded by a page)" if file.resolve() in loaded_js else ""
            problems.append(f"{file.relative_to(site.root)}{loaded}: {found}")
    assert not problems, "third-party references:\n" + "\n".join(problems)


# -- languages ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", LANGS)
def test_language_and_feeds_in_head(site, new_page, lang, kind):
    page = new_page()
    path = site.pages(lang)[kind]
    page.goto(site.url(path))
    assert page.evaluate("document.documentElement.lang") == lang
    alternates = page.eval_on_selector_all(
        'head link[rel="alternate"][hreflang]', "els => els.map(e => [e.hreflang, e.href])")
    assert sorted(code for code, _ in alternates) == sorted(LANGS), alternates
    for code, href in alternates:
        assert site.path_of(href) == site.counterpart(path, code), f"hreflang={code} -> {href}"
        assert page.request.get(href).ok, f"hreflang={code} -> {href} does not load"
    feeds = page.eval_on_selector_all('head link[rel="alternate"][type="application/rss+xml"]',
                                      "els => els.map(e => e.href)")
    assert feeds, f"/{path} advertises no RSS feed"
    for href in feeds:
        response = page.request.get(href)
        assert response.ok and b"<rss" in response.body(), f"{href} is not an RSS feed"
        assert site.path_of(href).startswith(prefix(lang)), f"{href} is not the {lang} feed"


# -- right to left -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rtl_site(tmp_path_factory):
    """The example site with Arabic added as a fourth language."""
    folder = tmp_path_factory.mktemp("rtl")
    text = CONFIG_FILE.read_text(encoding="utf-8")
    text, count = re.subn(r"(\n\s+languages:\s*\[)([^\]]*)\]", lambda m: f"{m[1]}{m[2]}, ar]", text, count=1)
    assert count == 1, "no `languages: [...]` in mkdocs.yml"
    (folder / "mkdocs.yml").write_text(text, encoding="utf-8")
    for name in (CONFIG.get("docs_dir", "docs"), PLUGIN.get("updates_dir", "updates")):
        shutil.copytree(CONFIG_FILE.parent / name, folder / name)
    root = folder / "site"
    build(folder / "mkdocs.yml", root)
    with serve(root) as base:
        yield Site(root, base)


def test_rtl_direction_and_layout(rtl_site, new_page):
    page = new_page()
    page.goto(rtl_site.url("ar/"))
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.evaluate("document.body.dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    right = pixels(page, ".sp-department", "border-right-width")
    left = pixels(page, ".sp-department", "border-left-width")
    assert right and all(r > l for r, l in zip(right, left)), f"right {right}, left {left}"
    # And the same list reads left to right in the other languages.
    page.goto(rtl_site.url(""))
    assert page.evaluate("document.body.dir") == "ltr"
    right = pixels(page, ".sp-department", "border-right-width")
    left = pixels(page, ".sp-department", "border-left-width")
    assert right and all(l > r for r, l in zip(right, left)), f"right {right}, left {left}"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_rtl_axe(rtl_site, new_page, scheme):
    page = new_page()
    page.emulate_media(color_scheme=scheme)
    page.goto(rtl_site.url("ar/"))
    assert_no_axe_violations(page, f"/ar/ ({scheme})")


# -- print -------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_print(site, new_page, kind):
    page = new_page()
    page.goto(site.url(site.pages(DEFAULT)[kind]))
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar", ".md-footer", ".md-tabs", ".md-select"):
        for display in computed(page, selector, "display"):
            assert display == "none", f"{selector} is printed ({kind})"
    assert page.locator(".md-content").is_visible()
    words = page.locator(".sp-status__text")
    for i in range(words.count()):
        assert words.nth(i).is_visible() and words.nth(i).inner_text().strip(), "a status prints without words"
    if kind in ("overview", "department"):
        assert words.count() > 0
    if kind == "overview":
        assert computed(page, ".sp-printed", "display") == ["block"]
        # Printing fires `beforeprint`, which writes the moment on the sheet.
        label = page.get_attribute(".sp-printed", "data-sp-printed")
        page.pdf()
        printed = page.text_content(".sp-printed")
        assert label and printed.startswith(label) and len(printed) > len(label) + 5, printed
        # On screen the line is not shown.
        page.emulate_media(media="screen")
        assert computed(page, ".sp-printed", "display") == ["none"]


# -- phones: no sideways scrolling, the first screen, numbers in right-to-left pages -------------

WIDTHS = [320, 360, 390, 1366]


def _all_kinds(site, lang: str) -> dict[str, str]:
    pages = site.pages(lang)
    pages["subscribe"] = f"{prefix(lang)}subscribe/"
    pages["404"] = f"{prefix(lang)}404.html"
    return pages


@pytest.mark.parametrize("width", WIDTHS)
def test_no_horizontal_overflow(site, rtl_site, new_page, width):
    page = new_page(viewport={"width": width, "height": 844})
    wide = []
    for built, langs in ((site, LANGS), (rtl_site, ["ar"])):
        for lang in langs:
            for kind, path in _all_kinds(built, lang).items():
                page.goto(built.url(path))
                sizes = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
                if sizes[0] > sizes[1]:
                    wide.append(f"/{path} ({kind}): {sizes[0]} > {sizes[1]}")
    assert not wide, f"pages wider than a {width} px screen:\n" + "\n".join(wide)


@pytest.mark.parametrize("lang", [*LANGS, "ar"])
def test_language_menu_fits_on_a_phone(site, rtl_site, new_page, lang):
    built = rtl_site if lang == "ar" else site
    page = new_page(viewport={"width": 320, "height": 700})
    page.goto(built.url(prefix(lang)))
    _tab_to(page, ".md-select button, .md-select [tabindex]")
    page.keyboard.press("Tab")
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.md-select__inner')).opacity === '1'", timeout=3000)
    for link in page.locator(".md-select a").all():
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320, f"{link.inner_text()} at {box}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


# Characters of an element in the order they are drawn from left to right.
VISUAL_TEXT_JS = """e => {
  const node = e.firstChild, chars = [];
  for (let i = 0; i < node.length; i++) {
    const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
    const r = range.getClientRects()[0];
    if (r && r.width > 0) chars.push([r.left, node.data[i]]);
  }
  chars.sort((a, b) => a[0] - b[0]);
  return chars.map(c => c[1]).join("");
}"""


def test_phone_number_reads_as_written_in_arabic(rtl_site, new_page):
    page = new_page(viewport={"width": 390, "height": 844})
    for path in ("ar/", "ar/departments/emergency/"):
        page.goto(rtl_site.url(path))
        assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
        written = DEPARTMENTS["emergency"]["phone"]
        link = page.locator(f'a[href="tel:{written.replace(" ", "")}"]').first
        shown = link.evaluate(VISUAL_TEXT_JS)
        assert shown.replace(" ", "") == written.replace(" ", ""), f"/{path}: shows {shown!r}, not {written!r}"
        for advice in page.locator(".sp-advice a[href^='tel:']").all():
            assert advice.evaluate(VISUAL_TEXT_JS).replace(" ", "") == advice.inner_text().replace(" ", "")


DAY_ONE = "2026-01-13T19:00:00+01:00"  # day 1 of the example, after its last statement


@pytest.fixture(scope="module")
def day_one(tmp_path_factory):
    root = tmp_path_factory.mktemp("day1") / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1",
               SOURCE_DATE_EPOCH=str(int(__import__("datetime").datetime.fromisoformat(DAY_ONE).timestamp())))
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(CONFIG_FILE), "-d", str(root)],
                            cwd=CONFIG_FILE.parent, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    with serve(root) as base:
        yield Site(root, base)


@pytest.mark.parametrize("lang", LANGS)
def test_first_phone_screen_says_what_to_do(day_one, new_page, lang):
    page = new_page(viewport={"width": 390, "height": 844})
    # Read as it is published, five minutes after its build: later, the browser's clock makes the
    # page say at the top that it is old (test_stale_notice_when_the_page_is_old).
    page.clock.install(time=int(__import__("datetime").datetime.fromisoformat(DAY_ONE).timestamp()) + 300)
    page.goto(day_one.url(prefix(lang)))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for what in (".sp-overall", ".sp-incident .sp-summary", ".sp-advice"):
        box = page.locator(what).first.bounding_box()
        assert box, f"{what} is not on the overview"
        assert box["y"] + box["height"] <= 844, f"{what} ends at {box['y'] + box['height']:.0f} px, below 844"
    assert_no_axe_violations(page, f"/{prefix(lang)} on day 1 at 390 px")


@pytest.mark.parametrize("kind", ["subscribe", "404"])
@pytest.mark.parametrize("lang", LANGS)
def test_axe_on_subscribe_and_404(site, new_page, lang, kind):
    page = new_page(viewport={"width": 390, "height": 844})
    path = _all_kinds(site, lang)[kind]
    page.goto(site.url(path))
    assert page.evaluate("document.documentElement.lang") == lang
    assert_no_axe_violations(page, f"/{path} ({lang}, {kind})")


# -- the theme's icons: drawn from one cached file of symbols on the status pages ---------------

@pytest.mark.parametrize("kind", ["overview", "update"])
def test_header_icons_are_drawn_from_the_sprite(site, new_page, kind):
    """The logo and the language button are references to assets/statuspress-theme.svg; the
    browser must draw them: a screenshot differs from one taken with that file missing."""
    shots = {}
    for available in (True, False):
        page = new_page(viewport={"width": 1366, "height": 800})
        if not available:
            page.route("**/statuspress-theme.svg", lambda route: route.abort())
        page.goto(site.url(site.pages(DEFAULT)[kind]))
        uses = page.eval_on_selector_all(".md-header svg use", "els => els.map(e => e.getAttribute('href'))")
        assert len(uses) == 2 and all("assets/statuspress-theme.svg#" in href for href in uses), uses
        shots[available] = [page.locator(selector).screenshot()
                            for selector in (".md-header .md-logo svg", ".md-select .md-header__button svg")]
        box = page.locator(".md-header .md-logo svg").bounding_box()
        assert box["width"] >= 16 and box["height"] >= 16, box  # sized by the theme, as the inline icon was
    for drawn, missing in zip(shots[True], shots[False]):
        assert drawn != missing, "the icon looks the same without the sprite: it was not drawn from it"


# -- what only the reader's clock can tell: the page has grown old, a promised update is late ----

GENERATED = int(EPOCH)  # the example's build moment: 2026-01-14 15:13 in Brussels


def _opened_at(new_page, url: str, seconds_after: int, **options):
    """A page opened with the browser's clock `seconds_after` the build."""
    page = new_page(**options)
    page.clock.install(time=GENERATED + seconds_after)
    page.goto(url)
    return page


@pytest.mark.parametrize("lang", LANGS)
def test_stale_notice_when_the_page_is_old(site, new_page, lang):
    info_line = next(item for item in PLUGIN["advice"] if len(item["phone"].replace(" ", "")) > 6)["phone"]
    for path in (prefix(lang), site.pages(lang)["department"], site.pages(lang)["incident"]):
        fresh = _opened_at(new_page, site.url(path), 5 * 60)
        assert not fresh.locator(".sp-stale").is_visible(), f"/{path} opened 5 minutes after its build says it is old"
        old = _opened_at(new_page, site.url(path), 2 * 3600)
        notice = old.locator(".sp-stale")
        assert notice.is_visible(), f"/{path} opened 2 hours after its build does not say so"
        text = notice.inner_text()
        hours = old.evaluate("new Intl.RelativeTimeFormat(document.documentElement.lang, "
                             "{numeric: 'auto'}).format(-2, 'hour')")
        assert hours in text and info_line in text, text
        # At the top of what the page says, above its title.
        assert notice.bounding_box()["y"] < old.locator(".sp-page h1").bounding_box()["y"]
    # Without JavaScript nothing can know the page's age: nothing wrong is shown.
    quiet = _opened_at(new_page, site.url(prefix(lang)), 2 * 3600, java_script_enabled=False)
    assert not quiet.locator(".sp-stale").is_visible()


def test_next_update_turns_late_in_the_browser(site, new_page):
    """The example's latest crisis statement (14:00) promises news by 18:00; built at 15:13."""
    for seconds, late in ((2 * 3600, False), (3 * 3600, True)):
        page = _opened_at(new_page, site.url("en/"), seconds)
        box = page.locator(".sp-next-update").first
        assert ("sp-next-update--late" in box.get_attribute("class")) == late
        assert page.locator(".sp-next-update__late").first.is_visible() == late
        assert page.locator(".sp-next-update__due").first.is_visible() != late
        shown = box.inner_text().replace("\u202f", " ")  # Babel writes "6:00\u202fPM"
        assert shown == ("Update expected at 6:00 PM" if late else "Next update by 6:00 PM"), shown


def test_tel_link_in_a_statement_reads_as_written(rtl_site, new_page):
    """A number in a statement's text is a tel: link whose drawn text is the number as written, on
    one line, in Dutch and in an Arabic page (where the statement's text is quoted in Dutch)."""
    written = "+32 3 555 00 99"
    page = new_page(viewport={"width": 320, "height": 700})
    for lang in ("nl", "ar"):
        page.goto(rtl_site.url(f"{prefix(lang)}updates/2026-01-13-0632-servers-offline/"))
        link = page.locator(".sp-statement__body a[href='tel:+3235550099']").first
        assert link.inner_text() == written
        assert link.evaluate(VISUAL_TEXT_JS) == written, lang
        assert link.evaluate("e => e.getClientRects().length") == 1, f"{lang}: the number breaks over lines"


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_header_shows_the_whole_site_name_at_320(rtl_site, new_page, lang):
    """At 320 px the header's site name is drawn whole (it was cut to "…heldeland — Status" in
    Arabic): nothing of it overflows its box, and its box lies inside the header."""
    page = new_page(viewport={"width": 320, "height": 640})
    page.goto(rtl_site.url(prefix(lang)))
    name = page.locator(".md-header__topic .md-ellipsis").first
    sizes = name.evaluate("e => [e.scrollWidth, e.clientWidth, e.scrollHeight, e.clientHeight]")
    assert sizes[0] <= sizes[1] and sizes[2] <= sizes[3] + 1, f"{lang}: the name overflows its box: {sizes}"
    box, header = name.bounding_box(), page.locator(".md-header").bounding_box()
    assert header["y"] <= box["y"] and box["y"] + box["height"] <= header["y"] + header["height"], (box, header)
    assert name.inner_text().replace("\n", " ") == localized(PLUGIN["site_name"], DEFAULT)

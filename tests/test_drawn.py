"""What is drawn, read back from Chromium's computed styles and boxes (not from class names).

- Every status colour on a page is its token: a strip cell of a day with that status, and the
  overview's band when it is the worst status, in light, dark and print.
- On day 1 of the example (the cyberattack), the first phone screen at 320 × 640 and 390 × 844
  holds the band naming every department not operating normally, and the 112 line, in Dutch and
  in Arabic.

Which day had which status, and which departments are affected, come from the statements and the
built API, never from the markup being checked.
"""
from __future__ import annotations

import contextlib
import json
import re
from datetime import date, datetime

import pytest

from helpers import copy_example, mkdocs_build, serve, write_statement
from test_browser import DAY_ONE, Site, browser, new_page  # noqa: F401 - fixtures

SCHEMES = ["light", "dark", "print"]

# A site where each status is, in turn, the worst: built once per moment.
CONFIG = """\
site_name: Drawn
site_url: https://status.example.org/
theme:
  name: material
  font: false
plugins:
  - statuspress:
      timezone: Europe/Brussels
      languages: [nl]
      departments:
        works: {name: {nl: Werken}}
        slow: {name: {nl: Traag}}
        less: {name: {nl: Minder}}
        down: {name: {nl: Plat}}
        calm: {name: {nl: Rustig}}
"""
STATEMENTS = {
    "2026-01-01-1000-works": ("2026-01-01T10:00:00+01:00", "departments: {works: maintenance}\n"
                              "planned: {start: 2026-01-02T08:00:00+01:00, end: 2026-01-02T20:00:00+01:00}"),
    "2026-01-03-1000-slow": ("2026-01-03T10:00:00+01:00", "departments: {slow: degraded}"),
    "2026-01-03-2000-slow-end": ("2026-01-03T20:00:00+01:00",
                                 "incident: 2026-01-03-1000-slow\nphase: resolved\ndepartments: {slow: operational}"),
    "2026-01-04-1000-less": ("2026-01-04T10:00:00+01:00", "departments: {less: reduced}"),
    "2026-01-04-2000-less-end": ("2026-01-04T20:00:00+01:00",
                                 "incident: 2026-01-04-1000-less\nphase: resolved\ndepartments: {less: operational}"),
    "2026-01-05-1000-down": ("2026-01-05T10:00:00+01:00", "departments: {down: offline}"),
}
# The overview's worst status at each moment, and the day each department had its trouble.
MOMENTS = {
    "operational": "2026-01-01T12:00:00+01:00",
    "maintenance": "2026-01-02T12:00:00+01:00",
    "degraded": "2026-01-03T12:00:00+01:00",
    "reduced": "2026-01-04T12:00:00+01:00",
    "offline": "2026-01-05T12:00:00+01:00",
}
TROUBLE = {"works": (date(2026, 1, 2), "maintenance"), "slow": (date(2026, 1, 3), "degraded"),
           "less": (date(2026, 1, 4), "reduced"), "down": (date(2026, 1, 5), "offline")}
LAST = date(2026, 1, 5)  # the strips of the "offline" build end on this day


@pytest.fixture(scope="module")
def moments(tmp_path_factory):
    """The site built at each moment, served: status -> Site."""
    root = tmp_path_factory.mktemp("drawn")
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    for name, (when, front) in STATEMENTS.items():
        write_statement(root / "updates", f"{name}.md", f"---\ntitle: {name}\ndate: {when}\n{front}\n---\nTekst.\n")
    sites = {}
    with contextlib.ExitStack() as stack:
        for status, when in MOMENTS.items():
            out = root / f"site-{status}"
            result = mkdocs_build(root / "mkdocs.yml", out, when)
            assert result.returncode == 0, result.stderr
            sites[status] = Site(out, stack.enter_context(serve(out)))
        yield sites


def rgb(hex_colour: str) -> str:
    """A token (#rrggbb) as getComputedStyle writes a colour."""
    value = hex_colour.strip().lstrip("#")
    assert re.fullmatch(r"[0-9a-fA-F]{6}", value), f"not a #rrggbb token: {hex_colour!r}"
    r, g, b = (int(value[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgb({r}, {g}, {b})"


def open_in(new_page, url: str, scheme: str, **options):
    page = new_page(**options)
    if scheme == "print":
        page.emulate_media(media="print")
    else:
        page.emulate_media(media="screen", color_scheme=scheme)
    page.goto(url)
    return page


def token(page, status: str) -> str:
    return rgb(page.evaluate("s => getComputedStyle(document.documentElement).getPropertyValue('--sp-' + s)", status))


CELLS_JS = """() => [...document.querySelectorAll('.sp-strip__days')].map(strip => ({
  dept: strip.closest('li').querySelector('a[href*="departments/"]').getAttribute('href'),
  cells: [...strip.children].map(cell => {
    const s = getComputedStyle(cell);
    return {colour: s.backgroundColor, height: cell.getBoundingClientRect().height};
  }),
}))"""


def luminance(colour: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_strip_cell_is_drawn_in_its_status_token(moments, new_page, scheme):
    site = moments["offline"]
    page = open_in(new_page, site.url(""), scheme)
    strips = page.evaluate(CELLS_JS)
    assert len(strips) == 5, strips
    seen = set()
    for strip in strips:
        dept = strip["dept"].rstrip("/").split("/")[-1]
        cells = strip["cells"]
        assert len(cells) == 30
        for i, cell in enumerate(cells):
            day = date.fromordinal(LAST.toordinal() - (len(cells) - 1 - i))
            trouble_day, trouble = TROUBLE.get(dept, (None, None))
            status = trouble if day == trouble_day else "operational"
            assert cell["colour"] == token(page, status), \
                f"{dept} {day} ({status}, {scheme}): drawn {cell['colour']}, token {token(page, status)}"
            seen.add(status)
        # Never by colour alone: a day with trouble is taller than a normal one.
        if dept in TROUBLE:
            normal = cells[0]["height"]
            bad = cells[-1 - (LAST - TROUBLE[dept][0]).days]["height"]
            assert bad > normal > 0, (dept, bad, normal)
    assert seen == set(MOMENTS), seen
    # The five tokens are five colours.
    assert len({token(page, status) for status in MOMENTS}) == 5


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("status", list(MOMENTS))
def test_the_band_is_filled_with_the_worst_status_token(moments, new_page, status, scheme):
    page = open_in(new_page, moments[status].url(""), scheme)
    band = page.evaluate("""() => {
      const band = document.querySelector('.md-content h1').closest('section');
      const title = getComputedStyle(document.querySelector('.md-content h1'));
      return {border: getComputedStyle(band).borderTopColor, fill: title.backgroundColor, text: title.color,
              adjust: title.printColorAdjust || title.webkitPrintColorAdjust};
    }""")
    assert band["fill"] == token(page, status), f"{status} ({scheme}): band {band['fill']}, token {token(page, status)}"
    assert band["border"] == token(page, status)
    assert contrast(band["text"], band["fill"]) >= 4.5, band
    if scheme == "print":
        assert band["adjust"] == "exact", "a printer would leave the band's fill out"


# -- the first phone screen on day 1 ---------------------------------------------------------------

@pytest.fixture(scope="module")
def day_one_sites(tmp_path_factory):
    """The example site at day 1 with Arabic added, served."""
    folder = tmp_path_factory.mktemp("day1-drawn")
    result = mkdocs_build(copy_example(folder, ("ar",)), folder / "site", DAY_ONE)
    assert result.returncode == 0, result.stderr
    with serve(folder / "site") as base:
        yield Site(folder / "site", base)


IN_VIEW_JS = """element => {
  const r = element.getBoundingClientRect();
  if (!r.width || !r.height || r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth) return false;
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return !!top && (top === element || element.contains(top) || top.contains(element));
}"""


@pytest.mark.parametrize("viewport", [(320, 640), (390, 844)])
@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_first_screen_names_the_affected_departments_and_112(day_one_sites, new_page, lang, viewport):
    width, height = viewport
    summary = json.loads((day_one_sites.root / "api" / "v2" / "summary.json").read_text(encoding="utf-8"))
    affected = {c["id"] for c in summary["components"] if c["status"] != "operational" and not c.get("group")}
    assert len(affected) >= 5, "on day 1 most departments are in trouble"
    # Read as published, five minutes after its build: later, the browser's clock rightly puts the
    # stale-page notice first (README: "a page older than stale_after says so at the top").
    page = new_page(viewport={"width": width, "height": height})
    page.clock.install(time=int(datetime.fromisoformat(DAY_ONE).timestamp()) + 300)
    page.emulate_media(media="screen", color_scheme="light")
    page.goto(day_one_sites.url("" if lang == "nl" else f"{lang}/"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    band = page.locator(".md-content h1").first.locator("xpath=..")
    assert band.evaluate(IN_VIEW_JS), f"the band is not wholly in the first {width} x {height} screen: " \
                                      f"{band.bounding_box()}"
    # Each affected department named in the band, a link to its row, with its status beside it.
    named = band.evaluate("""band => [...band.querySelectorAll('a[href^="#"]')].map(a => {
      const row = document.getElementById(a.getAttribute('href').slice(1));
      return {id: a.getAttribute('href').slice(1), name: a.innerText.trim(),
              row: row ? row.querySelector('a[href*="departments/"]').innerText.trim() : null,
              shown: a.getBoundingClientRect().bottom <= innerHeight};
    })""")
    assert {n["id"].removeprefix("d-") for n in named} == affected, named
    assert all(n["row"] == n["name"] and n["shown"] for n in named), named
    call = page.locator('.sp-advice a[href="tel:112"]')
    assert call.evaluate(IN_VIEW_JS), f"112 is not in the first {width} x {height} screen: {call.bounding_box()}"


# -- print ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["", "ar/departments/emergency/", "incidents/cyberaanval-2026-01/"])
def test_a_printed_page_says_whose_it_is_where_it_lives_and_how_old_it_is(day_one_sites, new_page, path):
    page = open_in(new_page, day_one_sites.url(path), "print")
    head = page.locator(".md-content p").first
    assert head.is_visible()
    text = " ".join(head.inner_text().split())
    assert "AZ Scheldeland" in text and f"https://status.az-scheldeland.example/{path}" in text, text
    assert head.locator("time").get_attribute("datetime").startswith("2026-01-13T18:00:00"), text
    # The header and footer that say so on screen are not printed; on screen the line is not shown.
    assert not page.locator(".md-header").is_visible() and not page.locator(".md-footer").is_visible()
    page.emulate_media(media="screen")
    assert not head.is_visible()


# -- the strip's words on a phone ---------------------------------------------------------------

def test_strip_words_are_a_plain_disclosure_whose_ranges_a_keyboard_and_a_finger_reach(moments, new_page):
    page = open_in(new_page, moments["offline"].url(""), "light", viewport={"width": 390, "height": 844})
    drawn = page.evaluate("""() => [...document.querySelectorAll('.sp-department details')].map(d => {
      const s = getComputedStyle(d), summary = d.querySelector('summary');
      return {border: s.borderTopWidth, shadow: s.boxShadow, background: s.backgroundColor,
              icon: getComputedStyle(summary, '::before').content, text: summary.innerText.trim()};
    })""")
    assert len(drawn) == 4, drawn  # the four departments with a day of trouble
    for item in drawn:
        # Not one of Material's admonitions (bordered, shadowed, a pencil icon before the summary).
        assert item["border"] == "0px" and item["shadow"] == "none" and item["icon"] in ("none", "normal"), item
        assert item["text"].count(":") == 1, item
    summary = page.locator(".sp-department details summary").first
    summary.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => {
      const e = document.activeElement, r = e.getBoundingClientRect();
      return {tag: e.tagName, text: e.innerText.trim(), height: r.height, range: e.closest('li').innerText.trim()};
    }""")
    assert focused["tag"] == "A" and focused["text"], focused
    assert focused["height"] >= 24, f"a range's link is {focused['height']} px high, below WCAG 2.5.8's 24"
    assert re.match(r"\d+ januari: ", focused["range"]), focused

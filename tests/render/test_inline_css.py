"""The status pages' sheet inside a page (README, "Status pages draw from the first flight"):
the head's link becomes a <style> the page's policy allows by its hash, the same sheet is linked
again at the end of the body, and a sheet that would mean something else inside a page stays out.
Drawn in Chromium by tests/test_first_flight.py and tests/render/test_csp.py."""
from __future__ import annotations

import re

from generator.render import csp, inline_css

SHEET = "assets/stylesheets/statuspress-status.css"
CSS = '@charset "UTF-8";.sp-band{color:var(--sp-s)}'
PAGE = ('<html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="'
        + csp.policy([]) + f'"><link rel="stylesheet" href="../../{SHEET}"></head>'
        '<body><main>status</main><script src="x.js"></script></body></html>')


def test_the_link_becomes_a_style_the_policy_allows():
    page = inline_css.inlined(PAGE, SHEET, CSS)
    head, body = page.split("<body>")
    assert '<style>.sp-band{color:var(--sp-s)}</style>' in head  # without @charset
    assert SHEET not in head
    policy = re.search(r'content="([^"]*)"', head)[1]
    assert policy == csp.policy([], csp.style_hashes(page))
    assert "style-src 'self' 'sha256-" in policy
    # Linked again as the body's last element, at the same address.
    assert body.endswith(f'<script src="x.js"></script><link rel="stylesheet" href="../../{SHEET}"></body></html>')


def test_a_page_without_the_link_is_left_as_it_is():
    page = PAGE.replace(SHEET, "assets/stylesheets/main.css")
    assert inline_css.inlined(page, SHEET, CSS) == page


def test_a_sheet_that_reads_differently_inside_a_page_stays_linked():
    assert inline_css.can_inline(CSS)
    assert inline_css.can_inline('.a{background:url("data:image/svg+xml;x")}')
    assert not inline_css.can_inline(".a{background:url(../images/a.png)}")
    assert not inline_css.can_inline('.a{background:url( "icons.svg")}')
    assert not inline_css.can_inline('.a::after{content:"</style>"}')

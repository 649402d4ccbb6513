"""A status page with its style sheet inside it: drawn after one round trip.

A linked sheet is a second request, made once the HTML's head has arrived: on a phone network
one more round trip before anything is drawn (400 ms on DevTools' "Slow 3G"). The status pages'
sheet, cut to the rules they use (css_subset.py), is 35 KB (7.6 KB gzip -6): inside the page,
the page and its sheet arrive together in the first flight. It is put inside the pages whose
number does not grow with the statements (overview, departments, history, subscribe, 404);
statement and incident pages, thousands of them, keep the link (35 KB more each would be
525 MB more at 5,000 statements in three languages, half of GitHub Pages' 1 GB), and read the
sheet from the browser's cache after the first page: the pages that carry it also link it at
the end of their body, where it blocks nothing.

The page's Content-Security-Policy allows the one <style> by its hash (`csp.style_hash`); the
site-wide header must allow it too (a header and a meta policy both apply).
"""
from __future__ import annotations

import re

from . import csp

# url() other than data: would resolve against the page, not the sheet's folder, once inlined.
_RELATIVE_URL = re.compile(r"url\(\s*(?![\"']?data:)", re.I)
_CHARSET_RULE = re.compile(r'^\s*@charset\s+"[^"]*"\s*;')
_POLICY = re.compile(r'(<meta http-equiv="Content-Security-Policy" content="[^"]*?style-src \'self\')')


def can_inline(css: str) -> bool:
    """Whether `css` means the same inside a page as in its file: no address to resolve, and
    nothing that would end the <style> element early."""
    return not _RELATIVE_URL.search(css) and "</style" not in css.lower()


def carried(css: str) -> str:
    """The text of the <style> that carries `css`: without its `@charset` rule (the page's
    encoding is the page's; a <style> with one is not valid HTML)."""
    return _CHARSET_RULE.sub("", css, count=1)


def inlined(page: str, sheet: str, css: str) -> str:
    """`page` with its <link> to the sheet ending in `sheet` replaced by a <style> holding
    `css` (`carried`), and its policy allowing that <style>. A page without that link is
    returned as it is."""
    css = carried(css)
    link = re.compile(r'<link rel="stylesheet" href="([^"]*' + re.escape(sheet) + r')">')
    found = link.search(page)
    end = page.rfind("</body>")
    if found is None or end < found.end():
        return page
    # The same sheet, linked again as the body's last element: not render-blocking there (Chromium
    # reports it "non-blocking"; what it styles is drawn already), it puts the sheet in the
    # browser's cache for the statement or incident page a reader opens next, and it styles the
    # page where a server's own Content-Security-Policy refuses the <style> (one without its hash,
    # such as a hand-written one): drawn unstyled first, then as meant.
    body_link = found[0]
    page = page[:found.start()] + f"<style>{css}</style>" + page[found.end():end] + body_link + page[end:]
    return _POLICY.sub(lambda m: f"{m[1]} {csp.style_hash(css)}", page, count=1)

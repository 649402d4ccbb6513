"""The Content-Security-Policy of the generated pages.

A status page loads nothing from another host, so the policy allows the site
itself and nothing else; the few inline scripts the theme needs (Material's
small helpers, which differ with a page's depth, and ours) are allowed by the
hash of their exact text, so an injected script would not run even if it got
past the sanitizer. So is the one <style> of the pages that carry their sheet
inside them (render/inline_css.py): an injected style is not applied either. Images may also be `data:` URLs: Material's stylesheet
draws its icons with them.
"""
from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache

# An inline script: no src attribute, and not a data block (application/json, ld+json): those
# are never run, so a policy need not allow them, and their hashes (one per page for the
# search engines' JSON-LD) would make the site-wide header grow with every statement.
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc\s*=)(?![^>]*\btype\s*=\s*[\"']?application/(?:ld\+)?json)"
                            r"[^>]*>(.*?)</script\s*>", re.S | re.I)
_INLINE_STYLE = re.compile(r"<style(?:\s[^>]*)?>(.*?)</style\s*>", re.S | re.I)
_CHARSET = re.compile(r"<meta\s+charset=[^>]*>", re.I)
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.I)


@lru_cache(maxsize=256)  # the same few scripts are on thousands of pages
def script_hash(script: str) -> str:
    """The CSP source for one inline script, such as 'sha256-…'."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def style_hash(css: str) -> str:
    """The CSP source for one inline <style> (the status pages' sheet, render/inline_css.py)."""
    return script_hash(css)


def script_hashes(page: str) -> list[str]:
    """The hash sources of every inline script of an HTML page, in order, without repeats."""
    return list(dict.fromkeys(script_hash(m.group(1)) for m in _INLINE_SCRIPT.finditer(page)))


def style_hashes(page: str) -> list[str]:
    """The hash sources of every <style> element of an HTML page, in order, without repeats."""
    return list(dict.fromkeys(style_hash(m.group(1)) for m in _INLINE_STYLE.finditer(page)))


def policy(script_hashes, style_hashes=()) -> str:
    """The policy for pages whose inline scripts (and <style> elements) have these hash sources
    (see `script_hash`, `style_hash`).

    The same text serves a <meta http-equiv> tag and an HTTP header; a header may add
    directives a meta tag cannot carry (frame-ancestors, report-to).
    """
    scripts = " ".join(["'self'", *sorted(set(script_hashes))])
    styles = " ".join(["'self'", *sorted(set(style_hashes))])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        f"style-src {styles}",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])


def with_policy(page: str) -> str:
    """`page` with a CSP <meta> tag for its own inline scripts, placed before any of them
    (a meta policy governs only what follows it)."""
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy(script_hashes(page))}">'
    anchor = _CHARSET.search(page) or _HEAD.search(page)
    if anchor is None:
        return page
    return page[:anchor.end()] + tag + page[anchor.end():]

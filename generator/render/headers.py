"""`_headers`: cache, CORS and security headers for Netlify and Cloudflare Pages.

Both hosts apply EVERY rule whose path matches a request and join the values of a
header named by several rules with ", ". Two Cache-Control values or two policies
in one response would be enforced together (two CSPs: the stricter of each), so
Cache-Control and Content-Security-Policy are set by rules that never overlap: a
cover of the built tree in which each path matches exactly one of them. The cover
descends only into folders that hold a fingerprinted asset, so it stays a few
dozen rules (Cloudflare Pages reads at most 100).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from .admin import ADMIN_CSP

# Pages, feeds and the API change with every statement: a reader's cache may keep them a
# minute, then must ask again.
REVALIDATE = "public, max-age=60, must-revalidate"
# Material's bundles carry a hash of their content in their name (main.57a0d79d.min.css):
# a new version is a new URL, so the old one can be kept for good.
IMMUTABLE = "public, max-age=31536000, immutable"
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8,}\.min\.(css|js)(\.map)?$")

# For a tree whose pages have no inline script; a build passes its own (see render/csp.py).
DEFAULT_PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")


EVERYWHERE = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
CORS = {"Access-Control-Allow-Origin": "*"}
# Read from other origins (the organisation's main website embeds them). `:lang` and `:dept`
# stand for one path segment, so a path never matches two of these rules.
CORS_PATHS = (
    "/api/*", "/badges/*", "/cap/*",
    "/rss.xml", "/atom.xml", "/planned.ics",
    "/:lang/rss.xml", "/:lang/atom.xml", "/:lang/planned.ics",
    "/departments/:dept/rss.xml", "/:lang/departments/:dept/rss.xml",
)
ADMIN = "admin"


def _cover(root: Path, prefix: str = "/", fingerprinted: set[str] | None = None) -> list[tuple[str, str]]:
    """(path pattern, Cache-Control) rules matching every file under `root` exactly once."""
    if fingerprinted is None:
        fingerprinted = _fingerprinted_folders(root)
    rules = []
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if prefix == "/" and entry.name in (ADMIN, "_headers"):
            continue
        if entry.is_dir():
            if str(entry) in fingerprinted:
                rules += _cover(entry, f"{prefix}{entry.name}/", fingerprinted)
            else:
                rules.append((f"{prefix}{entry.name}/*", REVALIDATE))
        else:
            rules.append((f"{prefix}{entry.name}",
                          IMMUTABLE if FINGERPRINTED.search(entry.name) else REVALIDATE))
            if entry.name == "index.html":
                # A folder's address serves its index.html.
                rules.append((prefix, REVALIDATE))
    return rules


def _fingerprinted_folders(root: Path) -> set[str]:
    """The folders holding a fingerprinted file at any depth, in one walk of the tree (a site
    has tens of thousands of folders: each is read once)."""
    found: set[str] = set()
    for folder, subfolders, names in os.walk(root, topdown=False):
        if any(FINGERPRINTED.search(name) for name in names) or \
                any(os.path.join(folder, name) in found for name in subfolders):
            found.add(folder)
    return found


def _block(path: str, headers: dict[str, str]) -> str:
    return path + "\n" + "".join(f"  {name}: {value}\n" for name, value in headers.items())


def headers_file(csp: str = DEFAULT_PAGE_CSP, site_dir: str | Path | None = None,
                 admin_csp: str = ADMIN_CSP) -> bytes:
    """The `_headers` file for the built tree in `site_dir` (everything but `_headers` written).

    Without `site_dir` only the rules that do not depend on the tree are written.
    """
    blocks = ["# Written by statuspress at every build; edits are overwritten.\n"
              "# Netlify and Cloudflare Pages combine all rules that match a path: Cache-Control and\n"
              "# Content-Security-Policy are each set by exactly one rule per path.\n",
              _block("/*", EVERYWHERE)]
    if site_dir is not None:
        for path, cache in _cover(Path(site_dir)):
            blocks.append(_block(path, {"Cache-Control": cache, "Content-Security-Policy": csp}))
    blocks.append(_block(f"/{ADMIN}/*", {"Cache-Control": REVALIDATE, "Content-Security-Policy": admin_csp,
                                        "X-Robots-Tag": "noindex"}))
    blocks += [_block(path, CORS) for path in CORS_PATHS]
    return "\n".join(blocks).encode("utf-8")

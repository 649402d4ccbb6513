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
# Cloudflare Pages reads the first 100 rules of `_headers` and ignores the rest (Netlify reads all).
MAX_RULES = 100


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
    # The rules that do not depend on the tree first: past MAX_RULES, a host that stops reading
    # loses only some pages' cache and policy rules, never the editor's policy or the feeds' CORS.
    blocks.append(_block(f"/{ADMIN}/*", {"Cache-Control": REVALIDATE, "Content-Security-Policy": admin_csp,
                                        "X-Robots-Tag": "noindex"}))
    blocks += [_block(path, CORS) for path in CORS_PATHS]
    if site_dir is not None:
        for path, cache in _cover(Path(site_dir)):
            blocks.append(_block(path, {"Cache-Control": cache, "Content-Security-Policy": csp}))
    return "\n".join(blocks).encode("utf-8")


def rule_count(headers: bytes) -> int:
    """How many rules (path lines) a `_headers` file holds."""
    return sum(1 for line in headers.splitlines() if line.startswith(b"/"))


def too_many_rules(headers: bytes) -> str | None:
    """A warning when `headers` holds more rules than Cloudflare Pages reads, else None."""
    count = rule_count(headers)
    if count <= MAX_RULES:
        return None
    return (f"_headers holds {count} rules, over the {MAX_RULES} that Cloudflare Pages reads (Netlify reads "
            "all): each top-level page or folder of the site takes a rule of its own, and pages past the "
            f"{MAX_RULES}th get no Cache-Control or Content-Security-Policy there; group the hand-written pages "
            "of docs/ into a few folders (such as docs/info/), or serve the headers another way "
            "(`statuspress headers --format nginx|apache|caddy|s3`)")


# -- the same rules for other servers (`statuspress headers --format ...`) ------------------------
# One source: the values above. `_headers` needs a cover of the tree because Netlify and Cloudflare
# join every matching rule; the servers below pick one block per request, so a regular expression
# for the fingerprinted files and one for the cross-origin paths say the same.
FORMATS = ("netlify", "nginx", "apache", "caddy", "s3")
PAGE_CSP = DEFAULT_PAGE_CSP
NO_HASHES_NOTE = ("# The page policy here allows no inline script or style: run `statuspress headers --site-dir site`\n"
                  "# after a build for the policy with that build's hashes (pages work without them; those that\n"
                  "# carry their style sheet are then drawn unstyled until the same sheet, linked, is in).\n")


def _pattern_regex(pattern: str) -> str:
    """A `_headers` path pattern (`*`, `:name`) as a regular expression body."""
    out = ""
    for token in re.split(r"(\*|:[a-z]+)", pattern):
        out += ".*" if token == "*" else "[^/]+" if token.startswith(":") else re.escape(token)
    return out


CORS_REGEX = "^(?:" + "|".join(_pattern_regex(p) for p in CORS_PATHS) + ")$"
FINGERPRINTED_REGEX = FINGERPRINTED.pattern
ADMIN_REGEX = f"^/{ADMIN}/"


def policies(site_dir: str | Path | None) -> tuple[str, str]:
    """(page policy, admin policy): a build's, read back from its `_headers`, or the defaults."""
    if site_dir is None:
        return PAGE_CSP, ADMIN_CSP
    rules = Path(site_dir) / "_headers"
    if not rules.is_file():
        raise FileNotFoundError(f"{rules} not found: build the site first (mkdocs build), or leave out --site-dir")
    page, admin, path = None, None, None
    for line in rules.read_text(encoding="utf-8").splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            path = line.strip()
        elif line.strip().startswith("Content-Security-Policy:"):
            value = line.split(":", 1)[1].strip()
            if path == f"/{ADMIN}/*":
                admin = value
            elif page is None:
                page = value
    return page or PAGE_CSP, admin or ADMIN_CSP


def _nginx(page: str, admin: str) -> str:
    def block(opening: str, headers: dict[str, str]) -> str:
        return opening + " {\n" + "".join(f'  add_header {n} "{v}" always;\n' for n, v in headers.items()) + "}\n"
    page_headers = {"Cache-Control": REVALIDATE, "Content-Security-Policy": page, **EVERYWHERE}
    return ("# In the site's server block. nginx forgets an outer block's add_header lines in a block that\n"
            "# has its own, so each location repeats them; the first matching regex location wins.\n"
            + block("location /", page_headers)
            + block(f'location ~ "{FINGERPRINTED_REGEX}"', {**page_headers, "Cache-Control": IMMUTABLE})
            + block(f'location ~ "{CORS_REGEX}"', {**page_headers, **CORS})
            + block(f"location ^~ /{ADMIN}/", {"Cache-Control": REVALIDATE, "Content-Security-Policy": admin,
                                              "X-Robots-Tag": "noindex", **EVERYWHERE}))


def _apache(page: str, admin: str) -> str:
    def sets(headers: dict[str, str], indent: str = "  ") -> str:
        return "".join(f'{indent}Header always set {n} "{v}"\n' for n, v in headers.items())
    return ("# .htaccess in the site folder (or the site's <Directory>), with mod_headers.\n"
            + sets(EVERYWHERE, "")
            + f'<If "%{{REQUEST_URI}} =~ m#{ADMIN_REGEX}#">\n'
            + sets({"Cache-Control": REVALIDATE, "Content-Security-Policy": admin, "X-Robots-Tag": "noindex"})
            + f'</If>\n<ElseIf "%{{REQUEST_URI}} =~ m#{FINGERPRINTED_REGEX}#">\n'
            + sets({"Cache-Control": IMMUTABLE, "Content-Security-Policy": page})
            + "</ElseIf>\n<Else>\n"
            + sets({"Cache-Control": REVALIDATE, "Content-Security-Policy": page})
            + f'</Else>\n<If "%{{REQUEST_URI}} =~ m#{CORS_REGEX}#">\n' + sets(CORS) + "</If>\n")


def _caddy(page: str, admin: str) -> str:
    def header(matcher: str, headers: dict[str, str]) -> str:
        return f"header {matcher}{{\n" + "".join(f'\t{n} "{v}"\n' for n, v in headers.items()) + "}\n"
    return ("# In the site's block of the Caddyfile (regular expressions in backquotes are taken as written).\n"
            + header("", EVERYWHERE)
            + f"@admin path /{ADMIN}/*\n"
            + header("@admin ", {"Cache-Control": REVALIDATE, "Content-Security-Policy": admin,
                                 "X-Robots-Tag": "noindex"})
            + f"@fingerprinted {{\n\tnot path /{ADMIN}/*\n\tpath_regexp `{FINGERPRINTED_REGEX}`\n}}\n"
            + header("@fingerprinted ", {"Cache-Control": IMMUTABLE, "Content-Security-Policy": page})
            + f"@pages {{\n\tnot path /{ADMIN}/*\n\tnot path_regexp `{FINGERPRINTED_REGEX}`\n}}\n"
            + header("@pages ", {"Cache-Control": REVALIDATE, "Content-Security-Policy": page})
            + f"@cors path_regexp `{CORS_REGEX}`\n"
            + header("@cors ", CORS))


def _s3(page: str, admin: str) -> str:
    import json

    def policy(name: str, csp: str, cors: bool = False, robots: bool = False) -> str:
        config = {"Name": name, "Comment": "statuspress headers",
                  "SecurityHeadersConfig": {
                      "ContentSecurityPolicy": {"ContentSecurityPolicy": csp, "Override": True},
                      "ContentTypeOptions": {"Override": True},
                      "ReferrerPolicy": {"ReferrerPolicy": EVERYWHERE["Referrer-Policy"], "Override": True}}}
        if cors:
            config["CorsConfig"] = {
                "AccessControlAllowOrigins": {"Quantity": 1, "Items": [CORS["Access-Control-Allow-Origin"]]},
                "AccessControlAllowHeaders": {"Quantity": 1, "Items": ["*"]},
                "AccessControlAllowMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]},
                "AccessControlAllowCredentials": False, "OriginOverride": True}
        if robots:
            config["CustomHeadersConfig"] = {"Quantity": 1, "Items": [
                {"Header": "X-Robots-Tag", "Value": "noindex", "Override": True}]}
        return (f"cat > {name}.json <<'EOF'\n{json.dumps(config, indent=2)}\nEOF\n"
                f"aws cloudfront create-response-headers-policy --response-headers-policy-config file://{name}.json\n")
    globs = ["*.min.css", "*.min.js", "*.min.css.map", "*.min.js.map"]
    return ("# S3 keeps one Cache-Control per object, set at upload; CloudFront adds the other headers with a\n"
            "# response headers policy per behaviour: statuspress-pages on the default behaviour,\n"
            f"# statuspress-admin on /{ADMIN}/*, statuspress-cors on each of: "
            + ", ".join(CORS_PATHS).replace("/:lang", "/*").replace("/:dept", "/*") + ".\n"
            "# Material's .min files carry a hash of their content in their name: kept a year.\n"
            f"aws s3 sync site/ \"s3://$BUCKET/\" --delete --cache-control \"{REVALIDATE}\""
            + "".join(f' --exclude "{g}"' for g in globs) + "\n"
            f"aws s3 sync site/ \"s3://$BUCKET/\" --cache-control \"{IMMUTABLE}\" --exclude \"*\""
            + "".join(f' --include "{g}"' for g in globs) + "\n"
            + policy("statuspress-pages", page) + policy("statuspress-admin", admin, robots=True)
            + policy("statuspress-cors", page, cors=True))


def server_rules(output: str, site_dir: str | Path | None = None) -> str:
    """The rules of `_headers` for the server named by `output` (one of FORMATS)."""
    page, admin = policies(site_dir)
    if output == "netlify":
        return headers_file(page, site_dir, admin).decode("utf-8")
    text = {"nginx": _nginx, "apache": _apache, "caddy": _caddy, "s3": _s3}[output](page, admin)
    return (NO_HASHES_NOTE if site_dir is None else "") + text

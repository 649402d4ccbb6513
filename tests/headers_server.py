"""Serve a built site as Netlify and Cloudflare Pages would: with the rules of its `_headers`.

Matching as those hosts document it: a rule path is matched against the request's path;
`*` (splat) matches any characters, `/:name` one path segment, a trailing `/*` also the
folder itself; every matching rule applies, in file order, and the values of a header named
by several rules are joined with ", ".
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit


def parse_headers(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not raw[0].isspace():
            rules.append((line, []))
            continue
        name, _, value = line.partition(":")
        assert rules and _, f"header line outside a rule or without ':': {raw!r}"
        rules[-1][1].append((name.strip(), value.strip()))
    return rules


def rule_regex(path: str) -> re.Pattern:
    tail = ""
    if path.endswith("/*") and len(path) > 2:
        path, tail = path[:-2], "(?:/.*)?"
    pattern = ""
    for token in re.split(r"(\*|:[A-Za-z_][A-Za-z0-9_]*)", path):
        if token == "*":
            pattern += ".*"
        elif token.startswith(":") and len(token) > 1:
            pattern += "[^/]+"
        else:
            pattern += re.escape(token)
    return re.compile(f"^{pattern}{tail}$")


def headers_for(rules, url_path: str) -> dict[str, str]:
    combined: dict[str, str] = {}
    names: dict[str, str] = {}
    for path, headers in rules:
        if rule_regex(path).match(url_path):
            for name, value in headers:
                key = name.lower()
                if key in combined:
                    combined[key] += ", " + value
                else:
                    combined[key], names[key] = value, name
    return {names[key]: value for key, value in combined.items()}


class HeadersHandler(http.server.SimpleHTTPRequestHandler):
    rules: list = []

    def end_headers(self):
        for name, value in headers_for(self.rules, urlsplit(self.path).path).items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(site_dir: Path):
    """Base URL (no trailing slash) of `site_dir`, served with its `_headers` applied."""
    rules = parse_headers((site_dir / "_headers").read_text(encoding="utf-8"))
    handler = type("Handler", (HeadersHandler,), {"rules": rules})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

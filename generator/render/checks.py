"""Statements the renderer cannot publish as written, located in their files.

The reader validates front matter; this adds what only the renderer knows: a
body Markdown cannot format in bounded time (see markdown.py). `check` and the
build both call it, so they agree.
"""
from __future__ import annotations

from pathlib import Path

from .markdown import located_body_problems


def _body_start(path: Path, body: str) -> int:
    """The file line on which `body` starts (1 when it cannot be found, e.g. the file changed)."""
    try:
        content = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 1
    found = content.find(body[:200]) if body else -1
    return content.count("\n", 0, found) + 1 if found >= 0 else 1


def body_problems_of(statements) -> list[tuple[Path, int, str]]:
    """(file, line, message) for every statement text whose body breaks a limit."""
    found = []
    for statement in statements:
        for text in statement.texts.values():
            located = located_body_problems(text.body or "")
            if located:
                start = _body_start(text.path, text.body)
                found += [(text.path, start + line - 1, message) for line, message in located]
    return found

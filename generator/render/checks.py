"""Statements the renderer cannot publish as written, located in their files.

The reader validates front matter; this adds what only the renderer knows: a
body Markdown cannot format in bounded time (see markdown.py). `check` and the
build both call it, so they agree.
"""
from __future__ import annotations

from pathlib import Path

from .limits import MAX_SUMMARY, MAX_TITLE
from .markdown import located_body_problems


def _body_start(path: Path, body: str) -> int:
    """The file line on which `body` starts (1 when it cannot be found, e.g. the file changed)."""
    try:
        content = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 1
    found = content.find(body[:200]) if body else -1
    return content.count("\n", 0, found) + 1 if found >= 0 else 1


def _key_line(path: Path, key: str) -> int:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError:
        return 1
    return next((n for n, line in enumerate(lines, 1) if line.startswith(f"{key}:")), 1)


def body_problems_of(statements) -> list[tuple[Path, int, str]]:
    """(file, line, message) for every statement text whose body, title or summary breaks a limit."""
    found = []
    for statement in statements:
        for text in statement.texts.values():
            if len(text.title) > MAX_TITLE:
                found.append((text.path, _key_line(text.path, "title"),
                              f"the title is {len(text.title):,} characters long; at most {MAX_TITLE}: "
                              "keep the headline short and put the rest in the text"))
            if text.summary and len(text.summary) > MAX_SUMMARY:
                found.append((text.path, _key_line(text.path, "summary"),
                              f"the summary is {len(text.summary):,} characters long; at most {MAX_SUMMARY:,}: "
                              "one or two sentences; put the rest in the text"))
            located = located_body_problems(text.body or "")
            if located:
                start = _body_start(text.path, text.body)
                found += [(text.path, start + line - 1, message) for line, message in located]
    return found

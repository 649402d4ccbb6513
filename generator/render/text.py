"""Characters no output may carry, whoever typed them.

A title pasted from a terminal or a chat app can hold controls (NUL, ESC),
noncharacters (U+FFFE) or bidi overrides (U+202E). XML and iCalendar forbid
the first two, browsers and feed readers show them as boxes, and an override
turns the text after it (a date, a status) around. They carry no meaning in a
press statement, so every output drops them; right-to-left scripts themselves
need none of them (the marks U+200E/U+200F stay).
"""
from __future__ import annotations

import re

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
# Tab, line feed and carriage return are the only controls any of our formats allows.
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_SURROGATES = "\ud800-\udfff"
# Embeddings, overrides and isolates: they reorder the text around them.
_BIDI = "\u202a-\u202e\u2066-\u2069"

_UNWANTED = re.compile(f"[{_CONTROLS}{_SURROGATES}{_NONCHARACTERS}{_BIDI}]")
_LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029\x85]+")


def clean(text: str) -> str:
    """`text` without controls (but tab and line breaks), noncharacters and bidi controls."""
    return _UNWANTED.sub("", text)


def clean_line(text: str) -> str:
    """`clean(text)` on one line, for titles and names: line breaks and tabs become a space."""
    return _LINE_BREAKS.sub(" ", clean(text))


def has_unwanted(text: str) -> bool:
    return _UNWANTED.search(text) is not None


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a space where one is near, marked with '…'."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ", limit * 3 // 4)
    return (cut[:space] if space > 0 else cut).rstrip() + "…"

"""Characters no output may carry, whoever typed them.

A title pasted from a terminal or a chat app can hold controls (NUL, ESC),
noncharacters (U+FFFE) or bidi overrides (U+202E). XML and iCalendar forbid
the first two, browsers and feed readers show them as boxes, and an override
turns the text after it (a date, a status) around. They carry no meaning in a
press statement, so every output drops them; right-to-left scripts themselves
need none of them (the marks U+200E/U+200F stay).
"""
from __future__ import annotations

import platform
import re
import sys

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
# Tab, line feed and carriage return are the only controls any of our formats allows.
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_SURROGATES = "\ud800-\udfff"
# Embeddings, overrides and isolates: they reorder the text around them.
_BIDI = "\u202a-\u202e\u2066-\u2069"

# The unwanted characters in two sets, for speed: `re` tests a class of BMP characters against a bitmap,
# but one holding astral characters against a list of ranges, character by character (a
# whole page took a millisecond). Astral noncharacters are searched only where any is possible.
_UNWANTED_BMP = re.compile(f"[{_CONTROLS}{_SURROGATES}{_NONCHARACTERS[:_NONCHARACTERS.index(chr(0x1FFFE))]}{_BIDI}]")
_UNWANTED_ASTRAL = re.compile(f"[{_NONCHARACTERS[_NONCHARACTERS.index(chr(0x1FFFE)):]}]")
# CPython keeps a string holding any character above U+FFFF at 4 bytes a character (PEP 393), so
# its size says at once whether such a character is in it; scanning for one costs a millisecond.
_CPYTHON = platform.python_implementation() == "CPython"
_WIDE_OVERHEAD = sys.getsizeof("\U00010000") - 4 if _CPYTHON else 0


def _may_be_astral(text: str) -> bool:
    # A subclass (Markup) is a larger object: its size says nothing, so it is searched.
    return not _CPYTHON or type(text) is not str or sys.getsizeof(text) - 4 * len(text) == _WIDE_OVERHEAD
_LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029\x85]+")


def clean(text: str) -> str:
    """`text` without controls (but tab and line breaks), noncharacters and bidi controls."""
    text = _UNWANTED_BMP.sub("", text)
    if _may_be_astral(text):
        text = _UNWANTED_ASTRAL.sub("", text)
    return text


def clean_line(text: str) -> str:
    """`clean(text)` on one line, for titles and names: line breaks and tabs become a space."""
    return _LINE_BREAKS.sub(" ", clean(text))


def has_unwanted(text: str) -> bool:
    return not is_clean(text)


def is_clean(text: str) -> bool:
    """Whether `clean(text)` is `text`: a scan, without making a copy."""
    if _UNWANTED_BMP.search(text):
        return False
    return not (_may_be_astral(text) and _UNWANTED_ASTRAL.search(text))


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a space where one is near, marked with '…'."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ", limit * 3 // 4)
    return (cut[:space] if space > 0 else cut).rstrip() + "…"

"""A theme page made once and filled thousands of times.

Every statement and incident page of one language has the same theme around it: the header,
the navigation, the footer, the scripts. Only a few values change from page to page (the
title, the description, the page's id in its links, the JSON-LD and the content). Rendering
the theme's template for each of 15,000 pages cost more than everything else in a build, so
the template is rendered once per language and kind with a *slot* in place of each of those
values (`SLOTS`), and each page is that text with its values put in the slots. A test builds
a site both ways and compares every byte (tests/build/test_shell.py).

No MkDocs here: the glue renders the slotted page (mkdocs/wrap.py); this fills it.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from markupsafe import escape

from ..render.text import clean

# Plain ASCII that no theme writes and no filter changes (escaping, URL joining, relative URLs).
KEY = "spslot9key"  # an id, where it appears in the page's own and its languages' addresses
TITLE = "spslot9title9html"  # the title as MkDocs themes print it: escaped by us beforehand
TITLE_ESCAPED = "spslot9title9jinja"  # the title through Jinja's `| e`
DESCRIPTION = "spslot9description9html"
DESCRIPTION_ESCAPED = "spslot9description9jinja"
# These two are also filled into pages whose other values are real: with a "<", which no
# escaped text holds, a title cannot be mistaken for them.
JSONLD = "<spslot9jsonld>"
# The theme prints its own <h1> unless the content has one (Material's partials/content.html).
CONTENT = "<h1>spslot9content</h1>"
SLOTS = (KEY, TITLE, TITLE_ESCAPED, DESCRIPTION, DESCRIPTION_ESCAPED, JSONLD, CONTENT)
_SLOT = re.compile("|".join(re.escape(slot) for slot in sorted(SLOTS, key=len, reverse=True)))

# Blank lines and indentation between the theme's tags: a third of a page's bytes, none of its
# meaning (no <pre> or <textarea> in the theme's own markup; the content is never touched).
_INDENTED_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")


def compact(theme_html: str) -> str:
    """The theme's markup without blank lines and indentation."""
    return _INDENTED_LINES.sub("\n", theme_html)


@dataclass(frozen=True)
class Slotted:
    """One page of the theme with slots, split at them once so that filling is a join."""

    parts: tuple[str, ...]
    slots: tuple[str, ...]  # the slot between parts[i] and parts[i + 1]

    @classmethod
    def of(cls, text: str) -> Slotted:
        parts, slots, start = [], [], 0
        for match in _SLOT.finditer(text):
            parts.append(text[start:match.start()])
            slots.append(match.group())
            start = match.end()
        parts.append(text[start:])
        return cls(tuple(parts), tuple(slots))

    def fill(self, values: dict[str, str]) -> str:
        out = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:]):
            out.append(values.get(slot, slot))
            out.append(part)
        return "".join(out)


def values(key: str, title: str, description: str, content: str, jsonld: str) -> dict[str, str]:
    """What goes in each slot for one page (title and description plain text, on one line):
    what the theme prints for them, cleaned as the whole page is (`clean` works character by
    character, so cleaning the parts is cleaning the whole)."""
    title, description = clean(title), clean(description)
    return {
        KEY: key,
        TITLE: html.escape(title),
        TITLE_ESCAPED: str(escape(title)),
        DESCRIPTION: html.escape(description),
        DESCRIPTION_ESCAPED: str(escape(description)),
        JSONLD: clean(jsonld),
        CONTENT: clean(content),
    }


def fits(title: str, description: str, site_title: str) -> bool:
    """Whether a page can be filled in its kind's slotted page, that is, the theme prints the
    same text around it (statement and incident pages always have JSON-LD): not when a value
    the theme tests is empty, nor when the title is the site's name (our main.html then prints it once, not "title - site"; compared as Jinja's
    `striptags` does, spaces collapsed)."""
    return bool(title.strip() and description.strip()) and \
        " ".join(title.split()) != " ".join(site_title.split())

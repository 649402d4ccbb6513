"""What `statuspress announce` posts: per statement and language, a short text that fits a channel.

Pure: the list of what was public before and what is public now in, messages out. Sending is
generator/announce.py's.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..compute.status import Snapshot
from ..model import Statement
from . import urls
from .feeds import item_title, summary
from .i18n import N_, Language
from .text import clean_line

CORRECTION = N_("Correction: {title}")


@dataclass(frozen=True)
class News:
    """A statement to announce: new (became public, or its embargo ended) or corrected."""

    statement: Statement
    correction: bool = False


def news(snapshot: Snapshot, previous: list[dict], current: list[dict]) -> list[News]:
    """What is public in `current` and was not in `previous` (both published.json's entries), oldest
    first; and each statement public in both that has a correction it did not have then (a newer
    `corrected` date in any of its languages).

    Only statements of the snapshot count: `current` is the deployed build's list, so a statement
    released since that build (by the clock) is left for the next run, which deploys it first.
    """
    before_ids = {entry["id"] for entry in previous}
    before = {(entry["id"], entry["language"]): entry for entry in previous}
    now_ids = {entry["id"] for entry in current}
    changed = {entry["id"] for entry in current if (entry["id"], entry["language"]) in before
               and _newer(entry.get("corrected"), before[entry["id"], entry["language"]].get("corrected"))}
    result = []
    for statement in snapshot.statements:
        if statement.id not in now_ids:
            continue
        if statement.id not in before_ids:
            result.append(News(statement))
        elif statement.id in changed and _correction(statement) is not None:
            result.append(News(statement, correction=True))
    return result


def _newer(corrected: str | None, before: str | None) -> bool:
    """Whether correction date `corrected` (ISO 8601, or None) is later than `before`."""
    if not isinstance(corrected, str):
        return False
    try:
        return before is None or datetime.fromisoformat(corrected) > datetime.fromisoformat(before)
    except (TypeError, ValueError):
        return corrected != before


def _correction(statement: Statement, lang: str | None = None):
    """The latest `corrected` (date, note) that concerns `lang`'s text (a translation's own or the
    statement's), or the statement's own when no language is given."""
    found = statement.correction(lang or statement.default_language)
    return found[0] if found else None


def status_words(snapshot: Snapshot, statement: Statement, lang: Language) -> list[str]:
    """"Spoedgevallen: beperkte capaciteit", one per department the statement gives a status."""
    lines = []
    for dept, status in statement.departments.items():
        label = lang.status(status)
        # A label starts a sentence on the site; after a colon it is the middle of one, lower case
        # ("Spoedgevallen: beperkte capaciteit"), unless it starts with an acronym.
        if label[1:2].islower():
            label = label[:1].lower() + label[1:]
        lines.append(f"{snapshot.site.department_name(dept, lang.code)}: {label}")
    return lines


@dataclass(frozen=True)
class Message:
    statement_id: str
    lang: str
    title: str  # one line
    lines: tuple[str, ...]  # status changes, the correction's note, the summary
    link: str  # the permalink in that language: never cut

    def text(self, limit: int | None = None, with_title: bool = True) -> str:
        """The message as one text of at most `limit` characters: the title (unless the channel
        shows it apart), the lines, the link last. What does not fit is cut at a word, marked with
        '…'; the link is kept whole."""
        parts = [self.title] if with_title else []
        parts += [line for line in self.lines if line]
        words = "\n".join(parts)
        if limit is None or len(words) + 1 + len(self.link) <= limit:
            return f"{words}\n{self.link}" if words else self.link
        room = limit - 1 - len(self.link)
        if room < 2:
            return self.link[:limit] if len(self.link) > limit else self.link
        return f"{cut_at_word(words, room)}\n{self.link}"


def cut_at_word(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, '…' included, ending at a whole word."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if not text[limit - 1].isspace():  # the cut falls inside a word: drop that word
        end = max(cut.rfind(" "), cut.rfind("\n"))
        cut = cut[:end] if end > 0 else ""
    return cut.rstrip() + "…"


def message(snapshot: Snapshot, item: News, lang: Language) -> Message:
    statement, site = item.statement, snapshot.site
    title = clean_line(item_title(snapshot, statement, lang.code))
    lines = status_words(snapshot, statement, lang)
    if item.correction:
        title = lang.gettext(CORRECTION).format(title=title)
        corrected = _correction(statement, lang.code)
        if getattr(corrected, "note", None):
            lines.insert(0, clean_line(corrected.note))
    text_summary = clean_line(summary(statement, lang.code))
    if text_summary and text_summary != statement.text(lang.code).title:
        lines.append(text_summary)
    link = urls.absolute(site, urls.update(site, lang.code, statement.id))
    return Message(statement.id, lang.code, title, tuple(lines), link)

"""What was published, as digests: the entries of `statuspress/published.json` (render/published.py).

The live site's copy is the record of what was public at the last deploy: `statuspress announce`
posts what is in the new build's list and not in the live one (a statement that became public, an
embargo released), exactly once, and a newer correction as a correction. Pure: statements in,
entries out.

(Issue 19's branch brings the full version of this module, with per-field digests and the check of
changes made without `corrected`; this is the part announcing needs, with the same names, and gives
way to it.)
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from ..model import Statement, Text

VERSION = 1


def _moment(when: datetime | None) -> str | None:
    return when.astimezone(timezone.utc).isoformat() if when is not None else None


def _digest(statement: Statement, text: Text) -> str:
    """sha256 of what one language of a statement says: its front matter (the statement's keys and
    this file's) and its body, as the reader made them (paths and line numbers left out)."""
    planned = statement.planned
    values = {"title": text.title, "summary": text.summary, "notes": dict(text.notes), "body": text.body,
              "date": _moment(statement.date), "incident": statement.incident, "phase": statement.phase,
              "departments": dict(statement.departments),
              "planned": [_moment(planned.start), _moment(planned.end)] if planned else None}
    canonical = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # surrogatepass: a lone surrogate pasted into a statement is dropped from every output, but the
    # digest is of what the reader read, and must not fail on it (the fuzz tests found one).
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _correction_date(statement: Statement, text: Text) -> str | None:
    # `corrected` comes with issue 19's reader: until then no statement has one.
    corrected = getattr(text, "corrected", None) or getattr(statement, "corrected", None)
    return corrected.date.isoformat() if corrected is not None else None


def entries(statements: list[Statement]) -> list[dict]:
    """One entry per public statement and language it is written in, oldest first."""
    return [{"id": statement.id, "language": lang, "date": statement.date.isoformat(),
             "corrected": _correction_date(statement, text), "sha256": _digest(statement, text)}
            for statement in sorted(statements, key=lambda s: s.sort_key) for lang, text in statement.texts.items()]


def document(statements: list[Statement]) -> dict:
    return {"version": VERSION, "generator": "statuspress", "statements": entries(statements)}

"""statuspress/published.json: every public statement, per language, with a digest of what it says.

The live site's copy is the record of what was public at the last deploy: `statuspress announce`
posts what is in the new build's list and not in the live one (a statement that became public, an
embargo released), exactly once, and a changed digest with a `corrected` as a correction.
"""
from __future__ import annotations

import hashlib
import json

from ..compute.status import Snapshot
from ..model import Statement, Text

PATH = "statuspress/published.json"


def _plain(value):
    """`value` as JSON can hold it (dates as ISO 8601, windows and corrections as their fields)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def digest(statement: Statement, text: Text) -> str:
    """sha256 of what one language of a statement says: its front matter (the statement's keys and
    this file's) and its body. Paths and line numbers are left out: moving a file changes nothing."""
    front = {"date": statement.date, "incident": statement.incident, "phase": statement.phase,
             "departments": statement.departments, "planned": statement.planned,
             "title": text.title, "summary": text.summary, "notes": text.notes,
             "corrected": getattr(text, "corrected", None) or getattr(statement, "corrected", None)}
    material = json.dumps([_plain(front), text.body], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def entries(snapshot: Snapshot) -> list[dict]:
    """One entry per public statement and language it is written in, oldest first."""
    return [{"id": statement.id, "language": lang, "date": statement.date.isoformat(),
             "sha256": digest(statement, text)}
            for statement in snapshot.statements for lang, text in statement.texts.items()]


def files(snapshot: Snapshot, languages) -> dict[str, bytes]:
    document = {"statements": entries(snapshot)}
    return {PATH: (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")}

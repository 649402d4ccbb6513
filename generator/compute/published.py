"""What was published, as digests, and what has changed since without a word (SPEC "Corrections").

A build publishes `statuspress/published.json`: for every public statement and every language it is
written in, its id, language, date, the date of its correction (if any), a sha256 of all it says and a
sha256 of each field. `statuspress check --published` compares the live site's copy with the
statements as they are now; a public statement that changed with no `corrected.date` newer than the
one published is stopped, naming the fields that changed (hence a digest per field: the whole-file
digest alone could only say "something").

The digests are of what the reader made of a file, not of its bytes: a comment, a re-indented key or
`Z` for `+00:00` at the same instant changes nothing a reader sees, and is not a correction. Pure:
statements in, entries and problems out.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from ..model import Statement, Text
from ..read.problems import Problems

VERSION = 1
FIELD_DIGEST = 16  # hex digits kept of each field's sha256: a 1,000-statement site's file stays small
# The fields of each file, in the order changes are named. A translation has only the first four.
TEXT_FIELDS = ("title", "summary", "notes", "body")
STATEMENT_FIELDS = ("date", "incident", "phase", "departments", "planned")


def _moment(when: datetime | None) -> str | None:
    return when.astimezone(timezone.utc).isoformat() if when is not None else None


def _digest(value) -> str:
    canonical = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # surrogatepass: a lone surrogate (text that is not valid Unicode) is hashed, not a crash.
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _fields(statement: Statement, text: Text, is_default: bool) -> dict:
    values = {"title": text.title, "summary": text.summary, "notes": dict(text.notes), "body": text.body}
    if is_default:
        planned = statement.planned
        values.update({
            "date": _moment(statement.date),
            "incident": statement.incident,
            "phase": statement.phase,
            "departments": dict(statement.departments),
            "planned": [_moment(planned.start), _moment(planned.end)] if planned else None,
        })
    return values


def entries(statements: list[Statement]) -> list[dict]:
    """One entry per public statement and language it is written in, oldest first."""
    result = []
    for statement in sorted(statements, key=lambda s: s.sort_key):
        for lang, text in statement.texts.items():
            is_default = lang == statement.default_language
            values = _fields(statement, text, is_default)
            correction = statement.correction(lang)
            result.append({
                "id": statement.id,
                "language": lang,
                "date": statement.date.isoformat(),
                "corrected": correction[0].date.isoformat() if correction else None,
                "sha256": _digest(values),
                # 64 bits a field tell which changed; the whole digest is the full sha256.
                "fields": {name: _digest(value)[:FIELD_DIGEST] for name, value in values.items()},
            })
    return result


def document(statements: list[Statement]) -> dict:
    return {"version": VERSION, "generator": "statuspress", "statements": entries(statements)}


class UnreadableDigest(ValueError):
    """A published.json that is not one statuspress wrote; the message says what is wrong."""


def previous_entries(data) -> list[dict]:
    """The entries of a published.json already parsed as JSON; UnreadableDigest when it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("statements"), list):
        raise UnreadableDigest("it is not a statuspress published.json (no 'statements' list)")
    found = []
    for entry in data["statements"]:
        if not (isinstance(entry, dict) and isinstance(entry.get("id"), str) and isinstance(entry.get("language"), str)
                and isinstance(entry.get("sha256"), str) and isinstance(entry.get("fields", {}), dict)):
            raise UnreadableDigest(f"an entry is not an id, language and sha256: {str(entry)[:80]}")
        found.append(entry)
    return found


def _parsed(moment: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(moment) if isinstance(moment, str) else None
    except ValueError:
        return None


def unannounced_changes(previous: list[dict], statements: list[Statement], updates_dir,
                        ids_on_disk: set[str] = frozenset()) -> Problems:
    """Errors for each public statement (in `previous`) changed since without a newer `corrected.date`.

    `ids_on_disk`: ids with a file in the updates folder, read or not: one that has errors of its own
    (reported by the reader) is not also reported as removed."""
    problems = Problems()
    by_id = {s.id: s for s in statements}
    current = {(e["id"], e["language"]): e for e in entries(statements)}
    for old in previous:
        key = (old["id"], old["language"])
        statement = by_id.get(old["id"])
        published_on = old.get("date", "?")
        if statement is None:
            if old["id"] in ids_on_disk:
                continue
            problems.add(updates_dir, 1,
                         f"'{old['id']}' was published on {published_on} and is gone from the updates folder: a "
                         "public statement is never removed (journalists have quoted it); restore its file, and "
                         "write what changed in 'corrected:' (date and note) instead")
            continue
        new = current.get(key)
        if new is None:
            problems.add(statement.path, 1,
                         f"the '{old['language']}' text of '{old['id']}', published on {published_on}, is gone: "
                         "restore its file, and write what changed in 'corrected:' (date and note) instead")
            continue
        if new["sha256"] == old["sha256"]:
            continue
        changed = [name for name, digest in new["fields"].items() if old.get("fields", {}).get(name) != digest]
        changed = changed or ["its text"]
        before, after = _parsed(old.get("corrected")), _parsed(new.get("corrected"))
        if after is not None and (before is None or after > before):
            continue  # a newer correction says what changed
        is_default = old["language"] == statement.default_language
        text = statement.texts[old["language"]]
        path = text.path
        line = (statement.lines.get("corrected") or statement.lines.get(changed[0]) or 1) if is_default else 1
        if after is not None:
            fix = (f"its 'corrected: date' ({new['corrected']}) is not newer than the published one "
                   f"({old['corrected']}): write the date and a note of this correction")
        else:
            fix = ("add 'corrected:' with 'date:' (now) and 'note:' (one line saying what was corrected, in "
                   f"the language of this file), or undo the change")
        problems.add(path, line,
                     f"'{old['id']}' ({old['language']}) is public since {published_on} and its "
                     f"{', '.join(changed)} changed since it was published: patients and journalists read the "
                     f"earlier version; {fix}")
    return problems

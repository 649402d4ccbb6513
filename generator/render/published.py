"""`statuspress/published.json`: the digest of every public statement (compute/published.py), the
record `statuspress announce` compares the live site's copy with."""
from __future__ import annotations

import json

from ..compute.published import document
from ..compute.status import Snapshot
from .i18n import Language

PATH = "statuspress/published.json"


def files(snapshot: Snapshot, languages: dict[str, Language]) -> dict[str, bytes]:
    # Published statements only: an embargoed one is not public yet.
    # One statement a line: small, and still readable (and diffable) by a person.
    data = document(snapshot.statements)
    lines = [json.dumps(entry, ensure_ascii=False, separators=(",", ":")) for entry in data.pop("statements")]
    head = json.dumps(data, ensure_ascii=False)[:-1]
    text = head + ', "statements": [\n' + ",\n".join(lines) + "\n]}\n"
    return {PATH: text.encode("utf-8")}

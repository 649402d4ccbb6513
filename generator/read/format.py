"""The statement-file format as `statuspress new` writes it: the file name's slug, a new
statement, a translation stub. The reader (updates.py) refuses what is left as written here:
the placeholder body (`TEMPLATE_BODY`) and an untouched stub (`is_untouched_stub`)."""
from __future__ import annotations

import re
import unicodedata

from .updates import TEMPLATE_BODY


def slugify(title: str, limit: int = 40) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:limit].rstrip("-") or "update"


def yaml_text(value: str) -> str:
    """A YAML double-quoted scalar: safe for any title."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def statement_text(title, date, incident, phase, departments, site) -> str:
    example = next(iter(site.departments))
    lines = ["---", f"title: {yaml_text(title)}", f"date: {date.isoformat()}"]
    if incident:
        lines.append(f"incident: {incident}")
    if phase:
        lines.append(f"phase: {phase}")
    lines.append('summary: ""')
    if departments:
        lines += ["departments:", *(f"  {dept}: {status}" for dept, status in departments.items())]
    else:
        lines += ["# departments:", f"#   {example}: reduced"]
    lines += ["# notes:", f"#   {next(iter(departments), example)}: Where to go instead, what to bring.",
              "---", "", TEMPLATE_BODY, ""]
    return "\n".join(lines)


def stub_text(title: str, source: str, target: str) -> str:
    """A translation stub: left as it is, it counts as not translated and the statement goes out untranslated."""
    original = f"title: {title}\n\n{TEMPLATE_BODY}".replace("-->", "-- >")
    return (f'---\ntitle: ""\nsummary: ""\n---\n<!-- Translate into {target}: fill in title and summary '
            f"above, write the text here and remove this comment. The {source} text:\n\n{original}\n-->\n")

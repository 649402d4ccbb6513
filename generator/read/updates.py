"""Read `updates/**.md` into validated statements, locating every problem.

Parsed YAML has lost where each key stood; staff need `file:line`, so the front
matter is composed with PyYAML into nodes, which keep their marks, and checked
node by node.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml

from ..model import ID_PATTERN, PHASES, STATUSES, Site, Statement, Text, Window
from .problems import Problems, did_you_mean, one_of

STATEMENT_KEYS = ("date", "incident", "phase", "departments", "planned")
LANGUAGE_KEYS = ("title", "summary", "notes")
DEFAULT_FILE_KEYS = ("title", "date", "incident", "phase", "summary", "departments", "notes", "planned")
PLANNED_KEYS = ("start", "end")
EXAMPLE_DATE = "2026-01-13T06:32:00+01:00"

# libyaml when available: the pure-Python composer is most of the read time of a large site.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Files in updates/ that are not statements.
IGNORED_NAMES = {"readme.md", "index.md"}


class _FileReader:
    """Checks one file; records problems instead of raising."""

    def __init__(self, path: Path, problems: Problems, site: Site, is_translation: bool):
        self.path = path
        self.problems = problems
        self.site = site
        self.is_translation = is_translation
        self.offset = 1  # lines of the file before the front matter's text

    def error(self, node_or_line, message: str) -> None:
        if isinstance(node_or_line, yaml.Node):
            line = node_or_line.start_mark.line + 1 + self.offset
        else:
            line = node_or_line
        self.problems.add(self.path, line, message)

    # -- splitting ------------------------------------------------------------

    def load(self):
        """(front-matter mapping node, body) or None when the file cannot be read."""
        raw = self.path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.error(line, "this file is not UTF-8 text: save it again with the UTF-8 encoding")
            return None
        text = text.lstrip("\ufeff")
        lines = text.splitlines()
        if not lines or lines[0].strip() != "---":
            self.error(1, "missing front matter: the file must start with a line '---', then "
                          "'title:' and 'date:' lines, then another '---' line")
            return None
        close = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() in ("---", "...")), None)
        if close is None:
            self.error(1, "the front matter is not closed: add a line '---' after its last key")
            return None
        # Split by hand rather than with python-frontmatter, which knows no '...' end marker:
        # the front matter starts on line 2, so a YAML mark's line + 2 is the file's line.
        self.offset = 1
        fm_text = "\n".join(lines[1:close])
        body = "\n".join(lines[close + 1:]).strip("\n")
        try:
            node = yaml.compose(fm_text, Loader=SAFE_LOADER)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = (mark.line + 1 + self.offset) if mark else 2
            problem = getattr(exc, "problem", None) or str(exc)
            self.error(line, f"malformed YAML in the front matter ({problem}): check the indentation "
                             "and quote values that contain ':' or start with a special character")
            return None
        if node is None:
            self.error(1, "the front matter is empty: it needs at least 'title:'"
                          + ("" if self.is_translation else " and 'date:'"))
            return None
        if not isinstance(node, yaml.MappingNode):
            self.error(node, "the front matter must be a list of 'key: value' lines")
            return None
        return node, body

    # -- values ---------------------------------------------------------------

    def mapping(self, node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        result = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, "a key must be a plain word")
                continue
            key = key_node.value
            if key in result:
                self.error(key_node, f"'{key}' is stated twice: keep only one")
                continue
            result[key] = (key_node, value_node)
        return result

    def text(self, node: yaml.Node, key: str, required: bool = False) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, f"'{key}' must be plain text on one line, not a list or a mapping")
            return None
        value = node.value.strip()
        if not value and required:
            self.error(node, f"'{key}' is empty: write the {key} after '{key}:'")
            return None
        return value or None

    def datetime(self, node: yaml.Node, key: str) -> datetime | None:
        if not isinstance(node, yaml.ScalarNode) or not node.value.strip():
            self.error(node, f"'{key}' must be a date and time with a UTC offset, such as {EXAMPLE_DATE}")
            return None
        raw = node.value.strip()
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            self.error(node, f"'{key}: {raw}' is not a real date and time: write it as {EXAMPLE_DATE}")
            return None
        if "T" not in raw.upper() and " " not in raw:
            self.error(node, f"'{key}: {raw}' has no time of day: write it as {EXAMPLE_DATE}")
            return None
        if value.tzinfo is None:
            self.error(node, f"'{key}: {raw}' has no UTC offset: add one such as '+01:00' "
                             f"(for example {EXAMPLE_DATE})")
            return None
        return value

    def department_map(self, node: yaml.Node, key: str, statuses: bool,
                       unstated: str | None = None) -> dict[str, str]:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"'{key}' must list one department a line, as 'emergency: "
                             + ("reduced'" if statuses else "text of the note'"))
            return {}
        result = {}
        for dept, (dept_node, value_node) in self.mapping(node).items():
            if dept not in self.site.departments:
                self.error(dept_node, f"unknown department '{dept}'{did_you_mean(dept, self.site.departments)}: "
                                      f"use one of {one_of(self.site.departments)}, or add it to mkdocs.yml")
                continue
            if statuses:
                status = value_node.value.strip() if isinstance(value_node, yaml.ScalarNode) else None
                if not status and unstated:
                    status = unstated  # a planned closure's department, status left to its default
                if status not in STATUSES:
                    self.error(value_node, f"unknown status '{status or ''}' for '{dept}'"
                                           f"{did_you_mean(status or '', STATUSES)}: use one of {one_of(STATUSES)}")
                    continue
                result[dept] = status
            else:
                note = self.text(value_node, f"notes: {dept}")
                if note:
                    result[dept] = note
        return result

    def unknown_key(self, key: str, key_node: yaml.Node) -> None:
        if self.is_translation and key in STATEMENT_KEYS:
            self.error(key_node, f"'{key}' belongs to the statement, not to a translation: remove it from "
                                 "this file and state it in the default-language file")
            return
        allowed = LANGUAGE_KEYS if self.is_translation else DEFAULT_FILE_KEYS
        self.error(key_node, f"unknown key '{key}'{did_you_mean(key, allowed)}: allowed keys are {one_of(allowed)}")


def _split_name(path: Path, site: Site) -> tuple[str, str | None, str | None]:
    """(id, language or None for the default file, problem message or None)."""
    stem = path.name[: -len(".md")]
    stmt_id, dot, lang = stem.partition(".")
    if dot:
        if lang == site.default_language:
            return stmt_id, None, (f"'{path.name}' names the default language: rename it to '{stmt_id}.md'")
        if lang not in site.languages:
            return stmt_id, lang, (f"translation for unknown language '{lang}': the site's languages are "
                                   f"{one_of(site.languages)} (mkdocs.yml, statuspress: languages)")
    if not ID_PATTERN.match(stmt_id):
        return stmt_id, lang or None, (f"'{stmt_id}' is not a valid statement id: rename the file with lower-case "
                                       "letters, digits and '-' only, such as 2026-01-13-0632-servers-offline.md")
    return stmt_id, (lang or None), None


def update_files(updates_dir: Path) -> list[Path]:
    return sorted(p for p in updates_dir.rglob("*.md")
                  if p.name.lower() not in IGNORED_NAMES and not p.name.startswith((".", "_")))


def read_updates(updates_dir: Path, site: Site) -> tuple[list[Statement], Problems]:
    """Every statement in `updates_dir`, and every problem found, all in one pass."""
    problems = Problems()
    defaults: dict[str, dict] = {}
    translations: list[tuple[str, str, Text, Path]] = []
    seen_translation: dict[tuple[str, str], Path] = {}
    default_paths: dict[str, Path] = {}  # every default-language file, even one that fails to load

    for path in update_files(updates_dir):
        stmt_id, lang, name_problem = _split_name(path, site)
        if name_problem:
            problems.add(path, 1, name_problem)
            continue
        if lang is None:
            if stmt_id in default_paths:
                problems.add(path, 1, f"the id '{stmt_id}' is already used by {default_paths[stmt_id]}: "
                                      "rename one of the files (ids must be unique across all subfolders)")
                continue
            default_paths[stmt_id] = path
        reader = _FileReader(path, problems, site, is_translation=lang is not None)
        loaded = reader.load()
        if loaded is None:
            continue
        node, body = loaded
        fields = reader.mapping(node)
        for key, (key_node, _) in fields.items():
            if key not in (LANGUAGE_KEYS if lang else DEFAULT_FILE_KEYS):
                reader.unknown_key(key, key_node)
        text = _read_text(reader, node, fields, body, lang or site.default_language)
        if lang:
            key = (stmt_id, lang)
            if key in seen_translation:
                problems.add(path, 1, f"a second '{lang}' translation of '{stmt_id}' (the first is "
                                      f"{seen_translation[key]}): keep only one")
                continue
            seen_translation[key] = path
            if text is not None:
                translations.append((stmt_id, lang, text, path))
            continue
        entry = _read_statement_fields(reader, node, fields)
        entry["path"] = path
        entry["text"] = text
        defaults[stmt_id] = entry

    texts: dict[str, dict[str, Text]] = {}
    for stmt_id, lang, text, path in translations:
        if stmt_id not in default_paths:
            problems.add(path, 1, f"translation of '{stmt_id}', but there is no update '{stmt_id}.md': "
                                  "check the file name, or write the default-language file first")
            continue
        if stmt_id in defaults:
            texts.setdefault(stmt_id, {})[lang] = text

    statements = []
    for stmt_id, entry in defaults.items():
        if entry.pop("invalid") or entry["text"] is None:
            continue
        default_text = entry.pop("text")
        statements.append(Statement(
            id=stmt_id,
            texts={site.default_language: default_text, **texts.get(stmt_id, {})},
            default_language=site.default_language,
            **entry,
        ))
    statements.sort(key=lambda s: s.sort_key)
    return statements, problems


def _read_text(reader: _FileReader, node, fields, body: str, lang: str) -> Text | None:
    if "title" not in fields:
        reader.error(node, "missing 'title': add a line 'title: ...' to the front matter")
        title = None
    elif reader.is_translation and isinstance(fields["title"][1], yaml.ScalarNode) and not fields["title"][1].value.strip():
        reader.error(fields["title"][1], "this translation is not filled in: write its title and text, or delete "
                                         "the file to publish the statement untranslated")
        title = None
    else:
        title = reader.text(fields["title"][1], "title", required=True)
    summary = reader.text(fields["summary"][1], "summary") if "summary" in fields else None
    notes = reader.department_map(fields["notes"][1], "notes", statuses=False) if "notes" in fields else {}
    if title is None:
        return None
    return Text(lang=lang, path=reader.path, title=title, body=body, summary=summary, notes=notes)


def _read_statement_fields(reader: _FileReader, node, fields) -> dict:
    before = len(reader.problems.errors)
    entry: dict = {"incident": None, "phase": None, "departments": {}, "planned": None}
    if "date" not in fields:
        reader.error(node, f"missing 'date': add a line 'date: {EXAMPLE_DATE}' (when this statement is published)")
        entry["date"] = None
    else:
        entry["date"] = reader.datetime(fields["date"][1], "date")
    if "incident" in fields:
        incident = reader.text(fields["incident"][1], "incident")
        if incident and not ID_PATTERN.match(incident):
            reader.error(fields["incident"][1], f"'incident: {incident}' is not a valid id: use lower-case "
                                                "letters, digits and '-' only, such as cyberattack-2026-01")
        entry["incident"] = incident
    if "phase" in fields:
        phase = reader.text(fields["phase"][1], "phase")
        if phase not in PHASES:
            reader.error(fields["phase"][1], f"unknown phase '{phase or ''}'{did_you_mean(phase or '', PHASES)}: "
                                             f"use one of {one_of(PHASES)}")
        entry["phase"] = phase
    if "departments" in fields:
        entry["departments"] = reader.department_map(
            fields["departments"][1], "departments", statuses=True,
            unstated="maintenance" if "planned" in fields else None)
    if "planned" in fields:
        entry["planned"] = _read_window(reader, fields["planned"][1])
    entry["lines"] = {key: key_node.start_mark.line + 1 + reader.offset for key, (key_node, _) in fields.items()}
    embargo = fields.get("embargo", (None, None))[1]
    entry["embargo"] = isinstance(embargo, yaml.ScalarNode) and embargo.value.strip().lower() == "true"
    entry["invalid"] = len(reader.problems.errors) > before or entry["date"] is None
    return entry


def _read_window(reader: _FileReader, node) -> Window | None:
    if not isinstance(node, yaml.MappingNode):
        reader.error(node, "'planned' must have two lines, 'start:' and 'end:', each a date and time")
        return None
    fields = reader.mapping(node)
    for key, (key_node, _) in fields.items():
        if key not in PLANNED_KEYS:
            reader.error(key_node, f"unknown key 'planned: {key}'{did_you_mean(key, PLANNED_KEYS)}: "
                                   "'planned' takes only 'start' and 'end'")
    missing = [k for k in PLANNED_KEYS if k not in fields]
    for key in missing:
        reader.error(node, f"'planned' has no '{key}': add '{key}: {EXAMPLE_DATE}' under it")
    if missing:
        return None
    start = reader.datetime(fields["start"][1], "start")
    end = reader.datetime(fields["end"][1], "end")
    if start is None or end is None:
        return None
    if end <= start:
        reader.error(fields["end"][1], f"the planned closure ends ({end.isoformat()}) before it starts "
                                       f"({start.isoformat()}): 'end' must be after 'start'")
        return None
    return Window(start=start, end=end)

"""Read `updates/**.md` into validated statements, locating every problem.

Parsed YAML has lost where each key stood; staff need `file:line`, so the front
matter is composed into nodes, which keep their marks, and checked node by node
(see front_matter.py). Each rule here was seen to publish a wrong status without
a word when it was missing, so each is an error with the fix in plain words.
"""
from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from ..model import ID_PATTERN, PHASES, STATUSES, Correction, Site, Statement, Text, Window
from . import front_matter
from .dates import MomentError, format_offset, parse_moment
from .files import read_bytes, statement_files
from .problems import Problems, did_you_mean, one_of

STATEMENT_KEYS = ("date", "incident", "phase", "departments", "planned", "embargo", "next_update", "expires")
LANGUAGE_KEYS = ("title", "summary", "notes", "corrected")
DEFAULT_FILE_KEYS = ("title", "date", "incident", "phase", "summary", "departments", "notes", "planned", "embargo",
                     "next_update", "expires", "corrected")
PLANNED_KEYS = ("start", "end")
CORRECTED_KEYS = ("date", "note")
EXAMPLE_DATE = "2026-01-13T06:32:00+01:00"

# The body `statuspress new` writes: published as is, it would say nothing.
TEMPLATE_BODY = "Write the statement here."

# Dates outside these years are typos, and years 1 and 9999 overflow when converted to UTC.
FIRST_YEAR, LAST_YEAR = 2000, 2100
# Further ahead of the real present than this, a statement dated without `embargo: true` is a typo (a
# statement dated tomorrow instead of today vanished until tomorrow with a green build): 15 minutes
# leave room for a clock a little fast and for writing "10:00" at 09:50 for a statement out at 10:00.
EMBARGO_MARGIN = timedelta(minutes=15)

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def is_untouched_stub(title: str | None, body: str) -> bool:
    """A translation still as `statuspress new --translate` wrote it: no title, no text outside comments."""
    return not (title or "").strip() and not _COMMENT.sub("", body).strip()


def _shown(text: str) -> str:
    """`text` with invisible characters (a newline in a file name) written as escapes."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


# The records of front matters the calls with a `cache` (the preview's) share, by file.
_RECORDS: dict = {}


@lru_cache(maxsize=None)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


class _FileReader:
    """Checks one file; records problems instead of raising."""

    def __init__(self, path: Path, problems: Problems, site: Site, is_translation: bool, record=None):
        self.path = path
        self.record = record  # front matters parsed by earlier runs (front_matter.parse)
        self.problems = problems
        self.site = site
        self.is_translation = is_translation
        self.offset = 1  # lines of the file before the front matter's text
        self.source = ""  # the file's text, to locate what is outside the front matter

    def error(self, node_or_line, message: str, severity: str = "error") -> None:
        if isinstance(node_or_line, yaml.Node):
            line = node_or_line.start_mark.line + 1 + self.offset
        else:
            line = node_or_line
        self.problems.add(self.path, line, message, severity)

    # -- splitting ------------------------------------------------------------

    def load(self):
        """(front-matter mapping node, body) or None when the file cannot be read."""
        raw = read_bytes(self.path, self.problems)
        if raw is None:
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.error(line, "this file is not UTF-8 text: save it again with the UTF-8 encoding")
            return None
        self.source = text = text.lstrip("\ufeff")
        try:
            parsed = front_matter.parse(text, self.record)
        except front_matter.FrontMatterError as exc:
            for line, message in [(exc.line, exc.message), *exc.more]:
                self.error(line, message)
            return None
        self.offset = parsed.offset
        node, body = parsed.node, parsed.body
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

    def datetime(self, node: yaml.Node, key: str, check_offset: bool = True) -> datetime | None:
        """The moment a scalar writes in the strict form (dates.py); YAML's own reading of it is never used:
        the front matter is composed untyped, so `node.value` is the text as written."""
        if not isinstance(node, yaml.ScalarNode) or not node.value.strip():
            self.error(node, f"'{key}' must be a date and time with a UTC offset, such as {EXAMPLE_DATE}")
            return None
        raw = node.value.strip()
        try:
            value = parse_moment(raw, self.site.timezone, key)
        except MomentError as exc:
            self.error(node, str(exc))
            return None
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            self.error(node, f"'{key}: {raw}' is in the year {value.year}, before {FIRST_YEAR} or after "
                             f"{LAST_YEAR}: correct the year")
            return None
        if check_offset:
            self.check_offset(node, key, value)
        return value

    def check_offset(self, node: yaml.Node, key: str, value: datetime) -> None:
        """An offset other than the site's at that instant shifts the time by hours without a word."""
        raw = node.value.strip()
        if raw.upper().endswith("Z"):
            return  # deliberate UTC
        zone = _zone(self.site.timezone)
        if value.astimezone(zone).utcoffset() == value.utcoffset():
            return
        wall = value.replace(tzinfo=None)
        right = zone.utcoffset(wall)
        if right == value.utcoffset():  # a wall time the clocks skip (spring forward): no offset fits it
            local = value.astimezone(zone)
            self.error(node, f"'{key}: {raw}' does not exist in {self.site.timezone}: the clocks skip that hour "
                             f"on {wall:%Y-%m-%d}; write {local.isoformat()} (the same moment)")
            return
        self.error(node, f"'{key}: {raw}' has the UTC offset {format_offset(value.utcoffset())}, but "
                         f"{self.site.timezone} is at {format_offset(right)} on {wall:%Y-%m-%d}: write "
                         f"{wall.replace(tzinfo=timezone(right)).isoformat()} (or end the time with 'Z' for UTC)")

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
            return stmt_id, None, (f"'{_shown(path.name)}' names the default language: rename it to "
                                   f"'{_shown(stmt_id)}.md'")
        if lang not in site.languages:
            return stmt_id, lang, (f"translation for unknown language '{_shown(lang)}': the site's languages are "
                                   f"{one_of(site.languages)} (mkdocs.yml, statuspress: languages)")
    if not ID_PATTERN.match(stmt_id):
        return stmt_id, lang or None, (f"'{_shown(stmt_id)}' is not a valid statement id: rename the file with "
                                       "lower-case letters, digits and '-' only, such as "
                                       "2026-01-13-0632-servers-offline.md")
    return stmt_id, (lang or None), None


def update_files(updates_dir: Path, problems: Problems | None = None, root: Path | None = None) -> list[Path]:
    """The statement files under `updates_dir`; what looks like one but is not read goes to `problems`."""
    return statement_files(updates_dir, root or updates_dir.parent, Problems() if problems is None else problems)


_LISTING = object()  # the key of the listing kept in a read cache (see _listed)


def _listed(updates_dir: Path, root: Path, problems: Problems, cache: dict | None,
            stamps: dict[str, tuple] | None) -> list[Path]:
    """`update_files`, kept in `cache` while `stamps` (every file and folder under the folder, as
    the caller has just seen them) show the same names and kinds, and a change only to files
    listed for their name and kind alone (a statement saved): listing 15,000 files again took
    0.15 s of CPU of a preview reload (a busy 2-core machine)."""
    if cache is None or stamps is None:
        return update_files(updates_dir, problems, root)
    kept = cache.get(_LISTING)
    if kept is not None and kept[0] == (updates_dir, root) and kept[1].keys() == stamps.keys():
        seen, plain, files, found = kept[1:]
        if all(path in plain and type(stamp[0]) is int for path, stamp in stamps.items() if seen[path] != stamp):
            problems.extend(found)
            cache[_LISTING] = ((updates_dir, root), stamps, plain, files, found)
            return files
    found, plain = Problems(), set()
    files = statement_files(updates_dir, root, found, plain)
    cache[_LISTING] = ((updates_dir, root), stamps, plain, files, found)
    problems.extend(found)
    return files


def _missing_folder(updates_dir: Path, config_file: Path | None, problems: Problems) -> None:
    from .site import config_line

    if config_file is None and (updates_dir.parent / "mkdocs.yml").is_file():
        config_file = updates_dir.parent / "mkdocs.yml"
    what = "is not a folder" if updates_dir.exists() else "does not exist"
    siblings = [p.name for p in updates_dir.parent.iterdir() if p.is_dir()] if updates_dir.parent.is_dir() else []
    message = (f"the updates folder '{updates_dir}' {what}{did_you_mean(updates_dir.name, siblings)}: create it "
               "(an empty folder is fine), or correct 'updates_dir' under statuspress in mkdocs.yml; without it "
               "every department would be shown as operating normally")
    if config_file is None:
        problems.add(updates_dir, 1, message)
    else:
        problems.add(config_file, config_line(config_file, "updates_dir") or 1, message)


def read_updates(updates_dir: Path, site: Site, *, present: datetime | None = None,
                 config_file: Path | None = None, cache: dict | None = None,
                 stamps: dict[str, tuple] | None = None) -> tuple[list[Statement], Problems]:
    """Every statement in `updates_dir`, and every problem found, all in one pass.

    `present` is the real time (now when None), not the build's SOURCE_DATE_EPOCH: a statement dated
    more than 15 minutes after it needs `embargo: true`. `config_file` (mkdocs.yml) locates a missing folder.
    `cache`, a dict kept between calls for one site (the preview's), spares parsing again a file
    that has not changed since it was read without any problem. `stamps`, with a cache: each file
    and folder under `updates_dir` as the caller has just seen it (the preview, which looks at every
    file to know whether any changed), so that the cache needs no second look at them: a regular
    file's `file_stamp`; for anything else, a tuple starting with a word, that changes with it.
    Front matters already parsed, by this run or an earlier one, are read back from a record in
    the cache folder (front_matter.py).
    """
    problems = Problems()
    present = present or datetime.now(timezone.utc)
    defaults: dict[str, dict] = {}
    translations: list[tuple[str, str, Text, Path]] = []
    seen_translation: dict[tuple[str, str], Path] = {}
    default_paths: dict[str, Path] = {}  # every default-language file, even one that fails to load

    if not updates_dir.is_dir():
        _missing_folder(updates_dir, config_file, problems)
        return [], problems
    from ..cache import ParsedRecord

    # One record a site: it is trimmed to the files read in this run (ParsedRecord.save). Kept in
    # memory beside a `cache`: the preview reads it from disk once, not at every reload (7 MB at
    # 5,000 x 3); what it holds is right for any later call, being keyed by each file's text.
    record = ParsedRecord("front-matters", front_matter.record_version() + os.fsencode(updates_dir.resolve()))
    if cache is not None:
        record = _RECORDS.setdefault(record.path, record)
    root = config_file.parent if config_file is not None else updates_dir.parent
    for path in _listed(updates_dir, root, problems, cache, stamps):
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
        read = _read_cached(path, site, lang, present, problems, cache, stamps, record)
        if read is None:
            continue
        text, entry = read
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
        defaults[stmt_id] = {**entry, "text": text}

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
    # With `cache`, files unchanged since the last call never asked the record: none is trimmed.
    record.save(trim=cache is None)
    return statements, problems


def file_stamp(stat: os.stat_result) -> tuple[int, int, int]:
    """What changes when a file is saved or replaced: (modified, size, inode)."""
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def _read_cached(path: Path, site: Site, lang: str | None, present: datetime, problems: Problems,
                 cache: dict | None, stamps: dict[str, tuple] | None = None,
                 record=None) -> tuple[Text | None, dict | None] | None:
    """`_read_file`, from `cache` when the file is as it was when read there without a problem.

    Only a file without any problem is kept: its problems need not be kept, and one that passed
    the 15-minute check at some moment passes it at any later one.
    """
    if cache is None:
        return _read_file(path, site, lang, present, problems, record)
    stamp = stamps.get(str(path)) if stamps is not None else None
    if stamp is None or type(stamp[0]) is not int:  # a regular file's only: a link's target is looked at
        try:
            stamp = file_stamp(path.stat())
        except OSError:
            stamp = None
    kept = cache.get(path)
    if stamp is not None and kept is not None and kept[0] == stamp:
        return kept[1]
    before = len(problems)
    read = _read_file(path, site, lang, present, problems, record)
    if stamp is not None and read is not None and len(problems) == before:
        cache[path] = (stamp, read)
    else:
        cache.pop(path, None)
    return read


def _read_file(path: Path, site: Site, lang: str | None, present: datetime,
               problems: Problems, record=None) -> tuple[Text | None, dict | None] | None:
    """(text, the statement's fields; None for a translation) of one file; None when it cannot be read."""
    reader = _FileReader(path, problems, site, is_translation=lang is not None, record=record)
    loaded = reader.load()
    if loaded is None:
        return None
    node, body = loaded
    errors_before = len(problems.errors)
    fields = reader.mapping(node)
    for key, (key_node, _) in fields.items():
        if key not in (LANGUAGE_KEYS if lang else DEFAULT_FILE_KEYS):
            reader.unknown_key(key, key_node)
    text = _read_text(reader, node, fields, body, lang or site.default_language)
    if lang:
        return text, None
    entry = _read_statement_fields(reader, node, fields)
    entry["embargo"] = _check_publishable(reader, fields, entry, present, text)
    if len(problems.errors) > errors_before:
        entry["invalid"] = True  # any error in its file: never publish half a statement
    entry["path"] = path
    return text, entry


def _check_publishable(reader: _FileReader, fields, entry: dict, present: datetime, text: Text | None) -> bool:
    """Rules on a whole statement that its fields alone pass; returns its `embargo`."""
    embargo = False
    if "embargo" in fields:
        node = fields["embargo"][1]
        value = node.value.strip().lower() if isinstance(node, yaml.ScalarNode) else None
        if value not in ("true", "false"):
            reader.error(node, "'embargo' must be 'true' (hold the statement back until its date) or 'false'")
        embargo = value == "true"
    date = entry.get("date")
    if date is not None and not embargo and date - present > EMBARGO_MARGIN:
        ahead = date - present
        raw = fields["date"][1].value.strip()
        reader.error(fields["date"][1], f"'date: {raw}' is {_duration(ahead)} ahead of the present: it would be held "
                                        "back until then without a word; correct the date (today's date? a typo in "
                                        "the day, month or year?), or add a line 'embargo: true' if it must wait "
                                        "until then")
    correction = text.corrected if text is not None else None
    if date is not None and correction is not None and correction.date < date:
        node = next(value for key, value in fields["corrected"][1].value if getattr(key, "value", None) == "date")
        reader.error(node, f"'corrected: date: {node.value.strip()}' is before the statement's own date "
                           f"({date.isoformat()}): write when the correction was made")
    if entry.get("phase") == "resolved" and "departments" in fields:
        departments = fields["departments"][1]
        for key_node, _ in departments.value if isinstance(departments, yaml.MappingNode) else ():
            status = entry["departments"].get(getattr(key_node, "value", None))
            if status and status != "operational":
                reader.error(key_node, f"'{key_node.value}: {status}' in a resolved statement: a resolved incident "
                                       f"leaves every department it names operational; write '{key_node.value}: "
                                       "operational', or keep the phase at 'monitoring' while it is still "
                                       f"{status}")
    return embargo


def _duration(delta: timedelta) -> str:
    if delta >= timedelta(days=2):
        return f"{delta.days} days"
    if delta >= timedelta(hours=2):
        return f"{int(delta.total_seconds() // 3600)} hours"
    return f"{int(delta.total_seconds() // 60)} minutes"


def _read_text(reader: _FileReader, node, fields, body: str, lang: str) -> Text | None:
    title_node = fields["title"][1] if "title" in fields else None
    if title_node is None:
        reader.error(node, "missing 'title': add a line 'title: ...' to the front matter")
        title = None
    elif reader.is_translation and isinstance(title_node, yaml.ScalarNode) and not title_node.value.strip():
        if is_untouched_stub(title_node.value, body):
            reader.error(title_node, f"not translated yet: this '{lang}' translation is still an empty stub, so the "
                                     f"statement is published in '{reader.site.default_language}' on the '{lang}' "
                                     "pages; write its title and text, or delete the file", "warning")
        else:
            reader.error(title_node, "this translation has a text but no title: write its title after 'title:'")
        title = None
    else:
        title = reader.text(title_node, "title", required=True)
    summary = reader.text(fields["summary"][1], "summary") if "summary" in fields else None
    if "summary" in fields and summary is None and not reader.is_translation \
            and isinstance(fields["summary"][1], yaml.ScalarNode):
        reader.error(fields["summary"][1], "'summary' is empty: write one sentence after 'summary:', or remove the "
                                           "line")
    if not reader.is_translation and body.strip() == TEMPLATE_BODY:
        reader.error(reader.source[: reader.source.rfind(TEMPLATE_BODY)].count("\n") + 1,
                     f"the body is still the template's '{TEMPLATE_BODY}': replace it with the statement itself")
    notes = reader.department_map(fields["notes"][1], "notes", statuses=False) if "notes" in fields else {}
    corrected = _read_correction(reader, *fields["corrected"]) if "corrected" in fields else None
    if title is None:
        return None
    return Text(lang=lang, path=reader.path, title=title, body=body, summary=summary, notes=notes,
                corrected=corrected)


def _read_correction(reader: _FileReader, key_node, node) -> Correction | None:
    """`corrected: {date, note}`: when a public statement was changed, and what changed, for its readers."""
    example = f"'corrected:' then '  date: {EXAMPLE_DATE}' and '  note: what was corrected' under it"
    if not isinstance(node, yaml.MappingNode):
        reader.error(node, f"'corrected' must have two lines, 'date:' and 'note:': write {example}")
        return None
    fields = reader.mapping(node)
    for key, (inner_key, _) in fields.items():
        if key not in CORRECTED_KEYS:
            reader.error(inner_key, f"unknown key 'corrected: {key}'{did_you_mean(key, CORRECTED_KEYS)}: "
                                   "'corrected' takes only 'date' and 'note'")
    for key in CORRECTED_KEYS:
        if key not in fields:
            reader.error(key_node, f"'corrected' has no '{key}': write {example}")
    date = reader.datetime(fields["date"][1], "corrected: date") if "date" in fields else None
    note = reader.text(fields["note"][1], "corrected: note", required=True) if "note" in fields else None
    if date is None or note is None:
        return None
    return Correction(date=date, note=note)


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
    for key in ("next_update", "expires"):
        # Read and checked as `date` is: a promise of "next update by 14:00" an hour off is a broken promise.
        entry[key] = reader.datetime(fields[key][1], key) if key in fields else None
        if entry[key] is not None and entry["date"] is not None and entry[key] <= entry["date"]:
            reader.error(fields[key][1], f"'{key}: {fields[key][1].value.strip()}' is not after the statement's date "
                                         f"({entry['date'].isoformat()}): give a later moment, or remove the line")
    if "expires" in fields and ({"incident", "phase", "departments", "planned"} & set(fields)):
        reader.error(fields["expires"][0], "'expires' is for notices only (statements without 'incident', 'phase', "
                                           "'departments' or 'planned'): an incident leaves the overview when it is "
                                           "resolved; remove the line")
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
    # Offsets are checked after the order, so that an end before the start is named first.
    start = reader.datetime(fields["start"][1], "start", check_offset=False)
    end = reader.datetime(fields["end"][1], "end", check_offset=False)
    if start is None or end is None:
        return None
    window = Window(start=start, end=end)
    if end <= start:
        reader.error(fields["end"][1], f"the planned closure ends ({end.isoformat()}) before it starts "
                                       f"({start.isoformat()}): 'end' must be after 'start'")
        window = None
    reader.check_offset(fields["start"][1], "start", start)
    reader.check_offset(fields["end"][1], "end", end)
    return window

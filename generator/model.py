"""What a status site is made of: the organisation's set-up and its press statements.

Plain data, no I/O and no MkDocs: the reader builds these, the compute layer
derives statuses from them, the renderers turn them into files.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

# \Z, not $: "$" also matches before a final newline, and a file name may end in one.
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*\Z")

# Mildest first. SEVERITY orders them for "worst of": a planned closure is
# milder than any unplanned trouble, so an outage during maintenance shows.
STATUSES = ("operational", "degraded", "reduced", "offline", "maintenance")
SEVERITY = {"operational": 0, "maintenance": 1, "degraded": 2, "reduced": 3, "offline": 4}

PHASES = ("investigating", "identified", "monitoring", "resolved")

# Statuspage public API v2 vocabulary.
COMPONENT_STATUS = {
    "operational": "operational",
    "degraded": "degraded_performance",
    "reduced": "partial_outage",
    "offline": "major_outage",
    "maintenance": "under_maintenance",
}
INDICATOR = {
    "operational": "none",
    "maintenance": "maintenance",
    "degraded": "minor",
    "reduced": "major",
    "offline": "critical",
}


def worst(statuses, default: str = "operational") -> str:
    """The most severe of `statuses` (``default`` when there are none)."""
    result = default
    for status in statuses:
        if SEVERITY[status] > SEVERITY[result]:
            result = status
    return result


@dataclass(frozen=True)
class Group:
    id: str
    name: dict[str, str]


@dataclass(frozen=True)
class Department:
    id: str
    name: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    group: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Advice:
    """Standing advice for patients while anything is down: whom to call, per language."""

    text: dict[str, str]
    phone: str | None = None


@dataclass(frozen=True)
class Site:
    """The organisation: what the ``statuspress`` block of mkdocs.yml says."""

    name: str
    url: str  # absolute, ends with "/"; "" when the site has no site_url
    timezone: str
    languages: tuple[str, ...]
    departments: dict[str, Department]
    groups: dict[str, Group] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # the site name per language
    organisation: dict[str, str] = field(default_factory=dict)
    advice: tuple[Advice, ...] = ()
    email_signup: dict[str, str] = field(default_factory=dict)  # URL per language
    feed_items: int = 50  # the newest statements each feed carries
    region: str | None = None  # the country phone numbers are written for (ISO 3166 code, "BE")
    notice_days: int = 7  # how long a notice without `expires` stays on the overview
    stale_after: int = 30  # minutes after which a page open in a browser says it may be out of date
    editor_bundle: str | None = None  # the browser editor's script, where the organisation hosts it

    def title(self, lang: str) -> str:
        """The site name in `lang` (the configured `site_name` when none is given)."""
        return self.localized(self.titles, lang) if self.titles else self.name

    def organisation_name(self, lang: str) -> str:
        return self.localized(self.organisation, lang) if self.organisation else self.title(lang)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def localized(self, names: dict[str, str], lang: str) -> str:
        """A name in `lang`, falling back to the default language, then to any."""
        if lang in names:
            return names[lang]
        if self.default_language in names:
            return names[self.default_language]
        return next(iter(names.values()), "")

    def department_name(self, dept: str, lang: str) -> str:
        return self.localized(self.departments[dept].name, lang)

    def prefix(self, lang: str) -> str:
        """The URL path prefix of a language: "" for the default, "<lang>/" otherwise."""
        return "" if lang == self.default_language else f"{lang}/"


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Text:
    """The language-dependent part of a statement, from one file."""

    lang: str
    path: Path
    title: str
    body: str  # Markdown, as written
    summary: str | None = None
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Statement:
    """One press statement: an update file and its translations."""

    id: str
    path: Path
    date: datetime  # timezone-aware
    texts: dict[str, Text]  # by language; always holds the default language
    default_language: str
    incident: str | None = None
    phase: str | None = None
    departments: dict[str, str] = field(default_factory=dict)
    planned: Window | None = None
    embargo: bool = False  # a date more than a day ahead is deliberate
    next_update: datetime | None = None  # when the next statement of its incident is promised
    expires: datetime | None = None  # notices only: off the overview from then on
    # key -> line of that key in the default-language file, so later checks can point at it.
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    def text(self, lang: str) -> Text:
        """The text in `lang`, or the default-language text when untranslated."""
        return self.texts.get(lang) or self.texts[self.default_language]

    def is_translated(self, lang: str) -> bool:
        return lang in self.texts

    def note(self, dept: str, lang: str) -> tuple[str, str] | None:
        """(note, language it is written in) for `dept`, falling back to the default language."""
        own = self.texts.get(lang)
        if own is not None and dept in own.notes:
            return own.notes[dept], lang
        default = self.texts[self.default_language]
        if dept in default.notes:
            return default.notes[dept], self.default_language
        return None

    @property
    def group_id(self) -> str | None:
        """The incident or planned closure this statement belongs to; None for a notice."""
        if self.incident:
            return self.incident
        if self.phase or self.departments or self.planned:
            return self.id
        return None

    @property
    def is_notice(self) -> bool:
        return self.group_id is None

    def mentions(self, dept: str) -> bool:
        return dept in self.departments or any(dept in t.notes for t in self.texts.values())

    @property
    def sort_key(self):
        return (self.date, self.id)

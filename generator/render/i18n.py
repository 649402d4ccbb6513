"""Our UI strings, status vocabulary and dates, in each language.

Strings live in gettext catalogs (generator/locale/<lang>/LC_MESSAGES/statuspress.po,
extracted with `pybabel extract -F babel.cfg`); they are compiled in memory when
first used, so a fresh checkout needs no compile step. Dates go through Babel.
"""
from __future__ import annotations

import gettext as _gettext
import io
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.lists import format_list
from babel.dates import (format_date, format_interval, format_skeleton, format_time, format_timedelta,
                         get_datetime_format, get_timezone_location)
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from markupsafe import Markup

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "statuspress"


def N_(message: str) -> str:
    """Marks a string for extraction; translated where it is shown."""
    return message


STATUS_LABELS = {
    "operational": N_("Operating normally"),
    "degraded": N_("Slower than usual"),
    "reduced": N_("Reduced capacity"),
    "offline": N_("Not operating"),
    "maintenance": N_("Planned closure"),
}
PHASE_LABELS = {
    "investigating": N_("Investigating"),
    "identified": N_("Identified"),
    "monitoring": N_("Monitoring"),
    "resolved": N_("Resolved"),
}
CLOSURE_LABELS = {
    "scheduled": N_("Scheduled"),
    "in_progress": N_("In progress"),
    "completed": N_("Completed"),
    "cancelled": N_("Cancelled"),
}
OVERALL_SENTENCES = {
    "operational": N_("All departments are operating normally."),
    "maintenance": N_("Some departments are closed for planned work; all others are operating normally."),
    "degraded": N_("Some departments are slower than usual."),
    "reduced": N_("Some departments are working at reduced capacity."),
    "offline": N_("Some departments are not operating."),
}


def catalog_languages() -> list[str]:
    return sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").exists()) \
        if LOCALE_DIR.exists() else []


def _catalog_dir(lang: str) -> Path | None:
    for candidate in (lang, lang.replace("-", "_"), lang.split("-")[0]):
        path = LOCALE_DIR / candidate / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.exists():
            return path
    return None


@lru_cache(maxsize=None)
def translations(lang: str) -> _gettext.NullTranslations:
    path = _catalog_dir(lang)
    if path is None:
        return _gettext.NullTranslations()
    with path.open("rb") as fp:
        catalog = read_po(fp, locale=lang.replace("-", "_"))
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


class Language:
    """One language of the site: its words, its dates, its direction."""

    def __init__(self, code: str, timezone: str):
        self.code = code
        self.locale = Locale.parse(code.replace("-", "_"))
        self.zone = ZoneInfo(timezone)
        self.translations = translations(code)
        self._formatted: dict[tuple, str] = {}  # Babel formatting is slow; a site shows each time often

    @cached_property
    def zone_location(self) -> str:
        """The time zone as its place ("Belgique"), for "(time: Belgium)"; asked for by every page."""
        return get_timezone_location(self.zone, locale=self.locale)

    @property
    def rtl(self) -> bool:
        return self.locale.text_direction == "rtl"

    @property
    def direction(self) -> str:
        return "rtl" if self.rtl else "ltr"

    @property
    def name(self) -> str:
        """The language's name in itself, as written in a sentence ("Nederlands", "français")."""
        return self.locale.get_display_name(self.locale) or self.code

    @property
    def menu_name(self) -> str:
        """The name as a menu item, capitalized ("Français")."""
        return self.name[:1].upper() + self.name[1:]

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def status(self, status: str) -> str:
        return self.gettext(STATUS_LABELS[status])

    def phase(self, phase: str) -> str:
        return self.gettext(PHASE_LABELS[phase])

    def closure_state(self, state: str) -> str:
        return self.gettext(CLOSURE_LABELS[state])

    def overall(self, status: str) -> str:
        return self.gettext(OVERALL_SENTENCES[status])

    def local(self, when: datetime) -> datetime:
        return when.astimezone(self.zone)

    def _combine(self, when: datetime, date_format: str, joiner: str) -> str:
        key = (when, date_format, joiner)
        if key not in self._formatted:
            local = self.local(when)
            pattern = get_datetime_format(joiner, locale=self.locale)
            self._formatted[key] = (str(pattern).replace("'", "")
                                    .replace("{0}", format_time(local, "short", locale=self.locale))
                                    .replace("{1}", format_date(local, date_format, locale=self.locale)))
        return self._formatted[key]

    def datetime(self, when: datetime) -> str:
        """A full local date and time, such as "dinsdag 13 januari 2026 om 06:32"."""
        return self._combine(when, "full", "long")

    def short_datetime(self, when: datetime) -> str:
        """A compact local date and time, such as "13 jan 2026 06:32"."""
        return self._combine(when, "medium", "medium")

    def compact_datetime(self, when: datetime, now: datetime) -> str:
        """A local date and time without the year when it is `now`'s ("13 jan. 18:30"), else the
        short form with it: what a phone's line has room for."""
        local = self.local(when)
        if local.year != self.local(now).year:
            return self.short_datetime(when)
        key = (when, "compact")
        if key not in self._formatted:
            pattern = get_datetime_format("medium", locale=self.locale)
            self._formatted[key] = (str(pattern).replace("'", "")
                                    .replace("{0}", format_time(local, "short", locale=self.locale))
                                    .replace("{1}", format_skeleton("MMMd", local, locale=self.locale)))
        return self._formatted[key]

    def date(self, when: datetime) -> str:
        return format_date(self.local(when), "long", locale=self.locale)

    def time(self, when: datetime) -> str:
        return format_time(self.local(when), "short", locale=self.locale)

    def relative(self, delta) -> str:
        return format_timedelta(delta, locale=self.locale, add_direction=True)

    def join(self, items) -> Markup:
        """Markup items as this language lists them ("A, B en C", "A، B وC"); CLDR's patterns hold
        no markup, so the items stay as they are."""
        return Markup(format_list([str(item) for item in items], locale=self.locale))

    # -- the history strip's words: its axis and its ranges of days ------------------------------

    def days_ago(self, count: int) -> str:
        """"90 days ago" with this language's plural (CLDR): in days, never rounded to months."""
        return format_timedelta(timedelta(days=-count), granularity="day", threshold=10_000,
                                add_direction=True, locale=self.locale)

    @cached_property
    def today(self) -> str:
        """"today" as CLDR writes it in this language (no catalog string to keep in 28 languages)."""
        relative = self.locale._data["date_fields"]["day"]["relative"]  # Babel has no public accessor
        return relative.get(0) or format_timedelta(timedelta(0), locale=self.locale)

    def day_range(self, first: date, last: date, year: int) -> str:
        """"13 januari" or "13–15 januari" (the year added when it is not `year`)."""
        skeleton = "MMMMd" if first.year == last.year == year else "yMMMMd"
        if first == last:
            return format_skeleton(skeleton, first, locale=self.locale)
        return format_interval(first, last, skeleton, locale=self.locale)

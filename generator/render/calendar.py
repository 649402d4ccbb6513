"""Planned closures as an iCalendar file per language (`L planned.ics`).

Staff, GPs and patients subscribe to it; their calendar apps poll it. So every
closure stays in it, also completed and cancelled ones (a cancellation must
reach those who already have the event), each with a stable UID and a SEQUENCE
that grows with every statement about it, and nothing depends on the clock.
"""
from __future__ import annotations

from datetime import date, timezone
from urllib.parse import urlparse

from icalendar import Calendar, Event

from ..compute.status import PlannedClosure, Snapshot
from . import urls
from .feeds import summary
from .i18n import N_, Language
from .text import clean, clean_line

CALENDAR_NAME = N_("Planned closures — {site}")


def files(snapshot: Snapshot, languages: dict[str, Language]) -> dict[str, bytes]:
    site = snapshot.site
    return {urls.calendar(site, code): _calendar(snapshot, languages[code]) for code in site.languages}


def uid_host(site) -> str:
    return urlparse(site.url).hostname or "statuspress"


def _calendar(snapshot: Snapshot, lang: Language) -> bytes:
    site = snapshot.site
    closures = sorted(snapshot.closures.values(), key=lambda c: (c.window.start, c.id))

    cal = Calendar()
    cal.add("prodid", f"-//statuspress//{clean_line(site.name)}//{lang.code.upper()}")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", clean_line(lang.gettext(CALENDAR_NAME).format(site=site.title(lang.code))))
    cal.add("x-wr-timezone", site.timezone)
    for closure in closures:
        cal.add_component(_event(snapshot, closure, lang))
    if closures:
        # A VTIMEZONE for our TZID, spanning only the years of the events: the default
        # (1970-2038) would add a few kilobytes of transitions to a file that is polled often.
        first = min(c.window.start for c in closures).year
        last = max(c.window.end for c in closures).year
        cal.add_missing_timezones(first_date=date(first, 1, 1), last_date=date(last + 2, 1, 1))
        # icalendar notes the span it covers in a COMMENT, which calendar apps may show to people.
        for zone in cal.walk("VTIMEZONE"):
            zone.pop("COMMENT", None)
    return cal.to_ical()


def _event(snapshot: Snapshot, closure: PlannedClosure, lang: Language):
    site = snapshot.site
    latest = closure.latest
    event = Event()
    event.add("uid", f"{closure.id}@{uid_host(site)}")
    # DTSTAMP: when this version of the event was made, i.e. its latest statement (UTC, as RFC 5545 asks).
    event.add("dtstamp", latest.date.astimezone(timezone.utc))
    event.add("created", closure.first.date.astimezone(timezone.utc))
    event.add("last-modified", latest.date.astimezone(timezone.utc))
    event.add("sequence", len(closure.statements) - 1)
    event.add("dtstart", lang.local(closure.window.start))
    # A closure ended early by a statement ends then; a cancelled one keeps its planned times.
    event.add("dtend", lang.local(closure.window.end if closure.cancelled else closure.end()))
    # RFC 5545 allows no control character in a text but tab (line breaks are escaped).
    event.add("summary", clean_line(closure.title(lang.code)))
    event.add("description", clean(_description(snapshot, closure, lang)))
    event.add("url", urls.absolute(site, urls.update(site, lang.code, closure.first.id)))
    event.add("status", "CANCELLED" if closure.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if not closure.first.is_translated(lang.code):
        event["summary"].params["language"] = closure.first.default_language
    return event


def _description(snapshot: Snapshot, closure: PlannedClosure, lang: Language) -> str:
    """Which departments close and how ("Radiology: Planned closure"), then the latest word on it."""
    site = snapshot.site
    lines = [f"{site.department_name(dept, lang.code)}: {lang.status(status)}"
             for dept, status in closure.departments.items()]
    if closure.cancelled:
        lines.append(lang.closure_state("cancelled"))
    lines += ["", summary(closure.latest, lang.code)]
    return "\n".join(lines).strip()

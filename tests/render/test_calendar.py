"""planned.ics: one VEVENT per planned closure, read back with icalendar."""
from __future__ import annotations

from datetime import datetime

import pytest
from icalendar import Calendar

from generator.render import calendar
from generator.render.i18n import Language
from helpers import ARABIC, SITE_URL, TRICKY_TITLE, build, update

MRI = "2026-01-10-0900-onderhoud-mri"
LAB = "2026-01-05-0800-onderhoud-labo"
MATERNITY = "2026-01-08-0800-verbouwing-materniteit"
PHARMACY = "2026-01-13-1200-apotheek-inventaris"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    snapshot, languages = build(tmp_path_factory.mktemp("calendar"))
    return snapshot, languages, calendar.files(snapshot, languages)


def events(data: bytes) -> dict:
    cal = Calendar.from_ical(data)
    return {str(e["UID"]).split("@")[0]: e for e in cal.walk("VEVENT")}


def test_one_calendar_per_language(built):
    _, _, files = built
    assert set(files) == {"planned.ics", "fr/planned.ics", "en/planned.ics"}
    for data in files.values():
        assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")


def test_calendar_properties(built):
    _, _, files = built
    cal = Calendar.from_ical(files["fr/planned.ics"])
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]).startswith("-//statuspress//")
    assert "AZ Voorbeeld — Status" in str(cal["X-WR-CALNAME"])
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Brussels"]


def test_every_planned_closure_is_an_event(built):
    _, _, files = built
    found = events(files["planned.ics"])
    assert set(found) == {LAB, MATERNITY, MRI, PHARMACY}  # completed and cancelled ones too
    for uid, event in found.items():
        assert str(event["UID"]) == f"{uid}@status.example.org"


def test_times_are_in_the_site_time_zone(built):
    _, _, files = built
    mri = events(files["en/planned.ics"])[MRI]
    start, end = mri.decoded("DTSTART"), mri.decoded("DTEND")
    assert mri["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert start == datetime.fromisoformat("2026-01-20T20:00:00+01:00")
    assert end == datetime.fromisoformat("2026-01-20T23:00:00+01:00")
    assert str(start.tzinfo) == "Europe/Brussels"
    assert b"DTSTART;TZID=Europe/Brussels:20260120T200000" in files["en/planned.ics"]


def test_status_sequence_and_stamp(built):
    _, _, files = built
    found = events(files["planned.ics"])
    assert str(found[MATERNITY]["STATUS"]) == "CANCELLED"
    assert {str(found[k]["STATUS"]) for k in (LAB, MRI, PHARMACY)} == {"CONFIRMED"}
    assert found[MATERNITY]["SEQUENCE"] == 1 and found[MRI]["SEQUENCE"] == 0
    # DTSTAMP is the latest statement about it (the cancellation), not the build time.
    assert found[MATERNITY].decoded("DTSTAMP") == datetime.fromisoformat("2026-01-09T08:00:00+01:00")
    # A cancelled closure keeps its planned times.
    assert found[MATERNITY].decoded("DTEND") == datetime.fromisoformat("2026-01-21T12:00:00+01:00")


def test_summary_description_and_url_are_localized(built):
    _, _, files = built
    fr = events(files["fr/planned.ics"])
    assert str(fr[MRI]["SUMMARY"]) == "Maintenance du scanner IRM"
    assert "LANGUAGE" not in fr[MRI]["SUMMARY"].params
    assert str(fr[MRI]["URL"]) == SITE_URL + f"fr/updates/{MRI}/"
    french, dutch = Language("fr", "Europe/Brussels"), Language("nl", "Europe/Brussels")
    assert f"Radiologie: {french.status('maintenance')}" in str(fr[MRI]["DESCRIPTION"])
    assert "Le scanner IRM est indisponible" in str(fr[MRI]["DESCRIPTION"])
    # Untranslated: the Dutch text, marked as Dutch.
    assert str(fr[PHARMACY]["SUMMARY"]) == "Apotheek gesloten voor inventaris"
    assert fr[PHARMACY]["SUMMARY"].params["LANGUAGE"] == "nl"
    assert f"Pharmacie: {french.status('maintenance')}" in str(fr[PHARMACY]["DESCRIPTION"])
    nl = events(files["planned.ics"])
    assert f"Materniteit: {dutch.status('reduced')}" in str(nl[MATERNITY]["DESCRIPTION"])
    assert dutch.closure_state("cancelled") in str(nl[MATERNITY]["DESCRIPTION"])


def test_escaping_emoji_and_right_to_left_text(tmp_path):
    tricky = {"2026-01-10-0900-x.md": update(f"""
        title: '{TRICKY_TITLE}'
        date: 2026-01-10T09:00:00+01:00
        summary: 'Tekst met ; komma, "quotes" en {ARABIC}'
        departments:
          lab:
        planned:
          start: 2026-01-20T20:00:00+01:00
          end: 2026-01-20T23:00:00+01:00
        """, ARABIC)}
    snapshot, languages = build(tmp_path, tricky)
    data = calendar.files(snapshot, languages)["planned.ics"]
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded by octets, as RFC 5545 asks
    event = events(data)["2026-01-10-0900-x"]
    assert str(event["SUMMARY"]) == TRICKY_TITLE
    assert f'Tekst met ; komma, "quotes" en {ARABIC}' in str(event["DESCRIPTION"])


def test_without_site_url_or_closures(tmp_path):
    snapshot, languages = build(tmp_path, site_url=None)
    found = events(calendar.files(snapshot, languages)["planned.ics"])
    assert str(found[MRI]["UID"]) == f"{MRI}@statuspress"
    assert str(found[MRI]["URL"]) == f"/updates/{MRI}/"
    empty, languages = build(tmp_path / "empty", {})
    cal = Calendar.from_ical(calendar.files(empty, languages)["planned.ics"])
    assert cal.walk("VEVENT") == []


def test_same_input_same_bytes(built, tmp_path):
    snapshot, languages, files = built
    assert calendar.files(snapshot, languages) == files
    again, again_languages = build(tmp_path)
    assert calendar.files(again, again_languages) == files

"""Issue 19: a statement goes out as meant. One test per row of the issue's table (the editor's rows
aside), each through the real `statuspress check` on real files, asserting file, line and the words
of the fix; for the advice, also that the wrong incident is not named.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpers import CYBER, CYBER_FILE, check_json as check, problems_about as about, write_statement

BRUSSELS = ZoneInfo("Europe/Brussels")

# A closure of the lab, announced on the 15th for the 20th (the checks run at 2026-01-20T12:00+01:00,
# test_checks.NOW: before it starts).
LAB_CLOSURE_FILE = "2026-01-15-1400-labo-onderhoud.md"
LAB_CLOSURE = """
---
title: Labo gesloten voor onderhoud
date: 2026-01-15T14:00:00+01:00
departments: {lab: maintenance}
planned:
  start: 2026-01-20T20:00:00+01:00
  end: 2026-01-20T23:00:00+01:00
---
Het labo is op 20 januari van 20 tot 23 uur gesloten.
"""


def one_problem(problems, name):
    (problem,) = about(problems, name)
    return problem


# --- row 1: `03.05` read as 03:00 --------------------------------------------------------------


@pytest.mark.parametrize(("written", "words", "corrected"), [
    ("2026-01-14T03.05+01:00", ["a dot between hours and minutes", "03:00 plus a fraction"],
     "2026-01-14T03:05+01:00"),
    ("2026-01-14T1330+01:00", ["no ':' between hours and minutes"], "2026-01-14T13:30+01:00"),
    ("2026-01-14T13:30:00.5+01:00", ["a fraction of a second"], "2026-01-14T13:30:00+01:00"),
    ("2026-01-14T13:30", ["no UTC offset", "'+01:00'"], "2026-01-14T13:30+01:00"),
    ("2026-W03-3T13:30+01:00", ["a week date", "2026-W03-3 is 2026-01-14"], "2026-01-14T13:30+01:00"),
    ('"2026-01-14T03.05+01:00"', ["a dot between hours and minutes"], "2026-01-14T03:05+01:00"),
], ids=["dot", "no-colon", "fraction", "no-offset", "week-date", "quoted-dot"])
def test_a_time_not_in_the_strict_form_is_an_error_with_the_corrected_form(small_site, written, words, corrected):
    root = small_site(("nl",))
    write_statement(root / "updates", "2026-01-14-0305-a.md", f"""
        ---
        title: Spoed dicht
        date: {written}
        ---
        Tekst.
        """)
    code, problems = check(root)
    assert code == 1
    problem = one_problem(problems, "2026-01-14-0305-a.md")
    assert (problem["line"], problem["severity"]) == (3, "error")
    assert f"'date: {written.strip(chr(34))}' is not in the form YYYY-MM-DDTHH:MM[:SS]+HH:MM" in problem["message"]
    for word in words:
        assert word in problem["message"]
    assert f"write {corrected}" in problem["message"]


def test_a_closure_written_13_30_to_15_45_is_refused_not_shortened(small_site):
    """The issue's `13.30–15.45` closure became 13:00–15:00; each time is now an error on its own line."""
    root = small_site(("nl",))
    write_statement(root / "updates", "2026-01-14-0900-labo.md", """
        ---
        title: Labo dicht
        date: 2026-01-14T09:00:00+01:00
        departments: {lab: maintenance}
        planned:
          start: 2026-01-22T13.30+01:00
          end: 2026-01-22T15.45+01:00
        ---
        Tekst.
        """)
    code, problems = check(root)
    assert code == 1
    found = {p["line"]: p["message"] for p in about(problems, "2026-01-14-0900-labo.md")}
    assert set(found) == {6, 7}
    assert "'start: 2026-01-22T13.30+01:00'" in found[6] and "write 2026-01-22T13:30+01:00" in found[6]
    assert "'end: 2026-01-22T15.45+01:00'" in found[7] and "write 2026-01-22T15:45+01:00" in found[7]


# --- row 2: dated tomorrow instead of today -------------------------------------------------------


def test_a_statement_dated_tomorrow_without_embargo_is_an_error_with_both_fixes(small_site):
    """Ahead of the real clock (check runs with SOURCE_DATE_EPOCH in January: the real present counts)."""
    root = small_site(("nl",))
    tomorrow = (datetime.now(BRUSSELS) + timedelta(hours=23)).replace(second=0, microsecond=0)
    write_statement(root / "updates", "2026-01-14-0900-morgen.md", f"""
        ---
        title: Spoed opnieuw open
        date: {tomorrow.isoformat()}
        ---
        Tekst.
        """)
    code, problems = check(root)
    assert code == 1
    problem = one_problem(problems, "2026-01-14-0900-morgen.md")
    assert (problem["line"], problem["severity"]) == (3, "error")
    assert "22 hours ahead of the present" in problem["message"]
    assert "correct the date" in problem["message"] and "add a line 'embargo: true'" in problem["message"]
    # Written down as an embargo, it is allowed, and held back.
    text = (root / "updates" / "2026-01-14-0900-morgen.md").read_text(encoding="utf-8")
    (root / "updates" / "2026-01-14-0900-morgen.md").write_text(
        text.replace("date:", "embargo: true\ndate:"), encoding="utf-8")
    code, problems = check(root)
    assert code == 0
    assert "held back until" in one_problem(problems, "2026-01-14-0900-morgen.md")["message"]


# --- rows 3 and 4: cancelling a planned closure without naming it --------------------------------


CANCEL = """
---
title: Onderhoud labo gaat niet door
date: 2026-01-16T10:00:00+01:00
phase: resolved
departments:
  lab: operational
---
Het labo blijft open.
"""


def test_cancelling_a_closure_without_naming_it_is_an_error_naming_the_closure(small_site):
    root = small_site(("nl",))
    write_statement(root / "updates", LAB_CLOSURE_FILE, LAB_CLOSURE)
    write_statement(root / "updates", "2026-01-16-1000-geen-onderhoud.md", CANCEL)
    code, problems = check(root)
    assert code == 1
    problem = one_problem(problems, "2026-01-16-1000-geen-onderhoud.md")
    assert (problem["line"], problem["severity"]) == (4, "error")  # the `phase` line
    message = problem["message"]
    assert "report after the fact" not in message
    assert ("the planned closure '2026-01-15-1400-labo-onderhoud' (\"Labo gesloten voor onderhoud\"; "
            "lab: maintenance)") in message
    assert "the closure would still go ahead" in message
    assert "to change or cancel it, write 'incident: 2026-01-15-1400-labo-onderhoud'" in message


def test_with_an_incident_open_elsewhere_the_advice_names_the_closure_not_the_incident(small_site):
    """The issue: `check` advised the open cyberattack incident, which shares no department; following
    that advice resolved the cyberattack and kept the closure."""
    root = small_site(("nl",))
    write_statement(root / "updates", CYBER_FILE, CYBER.replace("  lab: reduced\n", "  registration: reduced\n"))
    write_statement(root / "updates", LAB_CLOSURE_FILE, LAB_CLOSURE)
    write_statement(root / "updates", "2026-01-16-1000-geen-onderhoud.md", CANCEL)
    code, problems = check(root)
    assert code == 1
    message = one_problem(problems, "2026-01-16-1000-geen-onderhoud.md")["message"]
    assert "write 'incident: 2026-01-15-1400-labo-onderhoud'" in message
    assert "cyberaanval" not in message  # the incident that shares no department is not named at all


def test_advice_names_the_best_match_first(small_site):
    """Two candidates: the one sharing more departments comes first and is the one to write."""
    root = small_site(("nl",))
    write_statement(root / "updates", CYBER_FILE, CYBER)  # emergency and lab
    write_statement(root / "updates", LAB_CLOSURE_FILE, LAB_CLOSURE)  # lab only
    write_statement(root / "updates", "2026-01-16-1000-hersteld.md", """
        ---
        title: Spoed en labo hersteld
        date: 2026-01-16T10:00:00+01:00
        phase: resolved
        departments: {emergency: operational, lab: operational}
        ---
        Tekst.
        """)
    code, problems = check(root)
    assert code == 1
    message = one_problem(problems, "2026-01-16-1000-hersteld.md")["message"]
    first, second = message.index("'cyberaanval-2026-01'"), message.index("'2026-01-15-1400-labo-onderhoud'")
    assert first < second
    assert "the open incident 'cyberaanval-2026-01'" in message
    assert "the planned closure '2026-01-15-1400-labo-onderhoud'" in message
    assert "to follow it up, write 'incident: cyberaanval-2026-01'" in message


def test_naming_the_closure_cancels_it_without_a_word(small_site):
    root = small_site(("nl",))
    write_statement(root / "updates", LAB_CLOSURE_FILE, LAB_CLOSURE)
    write_statement(root / "updates", "2026-01-16-1000-geen-onderhoud.md",
                    CANCEL.replace("phase: resolved", "incident: 2026-01-15-1400-labo-onderhoud\nphase: resolved"))
    code, problems = check(root)
    assert code == 0, problems
    assert about(problems, "2026-01-16-1000-geen-onderhoud.md") == []


# --- row 6: a dropped digit in an incident id ----------------------------------------------------


@pytest.mark.parametrize(("open_id", "written"), [
    ("cyberattack-2026-12", "cyberattack-2026-1"),   # a digit dropped
    ("cyberattack-2026-1", "cyberattack-2026-12"),   # a digit added
    ("cyberattack-2026-01", "cyberattack-2026-10"),  # two digits swapped
])
def test_an_incident_id_a_digit_off_an_open_one_is_a_warning(small_site, open_id, written):
    root = small_site(("nl",))
    write_statement(root / "updates", CYBER_FILE, CYBER.replace("cyberaanval-2026-01", open_id))
    write_statement(root / "updates", "2026-01-14-0900-labo.md", f"""
        ---
        title: Labo nog trager
        date: 2026-01-14T09:00:00+01:00
        incident: {written}
        departments:
          lab: offline
        ---
        Tekst.
        """)
    code, problems = check(root)
    assert code == 0
    problem = one_problem(problems, "2026-01-14-0900-labo.md")
    assert (problem["line"], problem["severity"]) == (4, "warning")
    assert f"close to the open incident '{open_id}'" in problem["message"]
    assert f"(did you mean '{open_id}'?)" in problem["message"]


def test_a_numbered_second_incident_is_still_not_a_typo(small_site):
    root = small_site(("nl",))
    write_statement(root / "updates", CYBER_FILE, CYBER.replace("cyberaanval-2026-01", "cyberattack-2026-12"))
    write_statement(root / "updates", "2026-01-14-0900-tweede.md", """
        ---
        title: Tweede aanval
        date: 2026-01-14T09:00:00+01:00
        incident: cyberattack-2026-13
        phase: investigating
        departments: {registration: offline}
        ---
        Tekst.
        """)
    code, problems = check(root)
    assert code == 0
    assert about(problems, "2026-01-14-0900-tweede.md") == []


# --- `corrected`, read as strictly as the rest ---------------------------------------------------


@pytest.mark.parametrize(("corrected", "line", "words"), [
    ("corrected:\n  date: 2026-01-14T09.10+01:00\n  note: Nummer verbeterd.\n", 5,
     ["'corrected: date: 2026-01-14T09.10+01:00'", "write 2026-01-14T09:10+01:00"]),
    ("corrected:\n  date: 2026-01-14T09:10+01:00\n", 4, ["'corrected' has no 'note'"]),
    ("corrected:\n  date: 2026-01-12T09:10+01:00\n  note: Nummer verbeterd.\n", 5,
     ["is before the statement's own date", "write when the correction was made"]),
    ("corrected: vandaag\n", 4, ["'corrected' must have two lines, 'date:' and 'note:'"]),
], ids=["dot", "no-note", "before-the-statement", "not-a-mapping"])
def test_a_malformed_correction_is_an_error_at_its_line(small_site, corrected, line, words):
    root = small_site(("nl",))
    write_statement(root / "updates", "2026-01-13-0900-a.md", "---\ntitle: Spoed dicht\n"
                    "date: 2026-01-13T09:00:00+01:00\n" + corrected + "---\nTekst.\n")
    code, problems = check(root)
    assert code == 1
    found = [p for p in about(problems, "2026-01-13-0900-a.md") if p["severity"] == "error"]
    assert [p["line"] for p in found] == [line], found
    for word in words:
        assert word in found[0]["message"]

"""How the current status is computed (SPEC), rule by rule, then the example site's whole timeline."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import pytest

from generator.compute import build_time, compute
from generator.model import SEVERITY, STATUSES, worst
from generator.read import read_updates
from helpers import EXAMPLE_UPDATES, at, example_site, make_site, statement, write

SITE = make_site()


def statuses(snapshot, *depts):
    return {d: snapshot.departments[d].status for d in depts}


# --- notices and incidents ----------------------------------------------------------------------


def test_update_with_no_incident_phase_departments_or_planned_is_a_notice():
    notice = statement("2026-01-13-1300-persconferentie", "2026-01-13 13:00", notes={"lab": "Zie ook de site."})
    snapshot = compute(SITE, [notice], at("2026-01-13 14:00"))
    assert notice.is_notice
    assert snapshot.notices == [notice]
    assert snapshot.incidents == {} and snapshot.closures == {}
    assert snapshot.statements == [notice]
    assert all(d.status == "operational" and d.holders == () for d in snapshot.departments.values())
    assert snapshot.group_of(notice) is None


def test_statements_mentioning_a_department_by_status_or_note_in_any_language():
    statements = [
        statement("2026-01-13-0800-a", "2026-01-13 08:00", departments={"lab": "offline"}),
        statement("2026-01-13-0900-b", "2026-01-13 09:00", notes={"emergency": "Kom enkel bij nood."}),
        statement("2026-01-13-1000-c", "2026-01-13 10:00", incident="2026-01-13-0800-a",
                  departments={"lab": "reduced"}, notes={"lab": "Trager."}),
        statement("2026-01-13-1100-d", "2026-01-13 11:00", translations={"fr": {"emergency": "Urgences seulement."}}),
        statement("2026-01-13-1200-e", "2026-01-13 12:00"),
    ]
    snapshot = compute(SITE, statements, at("2026-01-13 14:00"))
    ids = {dept: [s.id[-1] for s in snapshot.mentioning(dept)] for dept in ("lab", "emergency", "mug")}
    assert ids == {"lab": ["a", "c"], "emergency": ["b", "d"], "mug": []}  # oldest first, each once
    for dept in SITE.departments:
        assert snapshot.mentioning(dept) == [s for s in snapshot.statements if s.mentions(dept)]
    snapshot.mentioning("lab").clear()  # a caller's list is its own
    assert len(snapshot.mentioning("lab")) == 2


@pytest.mark.parametrize("keys", [{"phase": "investigating"}, {"departments": {"lab": "degraded"}},
                                  {"phase": "identified", "departments": {"lab": "offline"}}],
                         ids=["phase", "departments", "both"])
def test_update_without_incident_forms_its_own(keys):
    own = statement("2026-01-14-1020-waterlek", "2026-01-14 10:20", **keys)
    snapshot = compute(SITE, [own], at("2026-01-14 11:00"))
    assert list(snapshot.incidents) == ["2026-01-14-1020-waterlek"]
    assert snapshot.notices == []
    incident = snapshot.incidents["2026-01-14-1020-waterlek"]
    assert incident.statements == [own]
    assert snapshot.group_of(own) is incident


def test_updates_sharing_an_incident_form_one_and_a_later_one_can_name_an_own_incident():
    first = statement("a", "2026-01-14 10:20", phase="identified", departments={"maternity": "reduced"})
    second = statement("b", "2026-01-14 19:45", incident="a", phase="resolved",
                       departments={"maternity": "operational"})
    third = statement("c", "2026-01-14 11:00", incident="cyber", departments={"lab": "offline"})
    fourth = statement("d", "2026-01-14 12:00", incident="cyber")
    snapshot = compute(SITE, [second, fourth, first, third], at("2026-01-15 00:00"))
    assert sorted(snapshot.incidents) == ["a", "cyber"]
    assert [s.id for s in snapshot.incidents["a"].statements] == ["a", "b"]
    assert [s.id for s in snapshot.incidents["cyber"].statements] == ["c", "d"]
    # published statements come out oldest first, whatever order they went in
    assert [s.id for s in snapshot.statements] == ["a", "c", "d", "b"]
    assert snapshot.last_updated == at("2026-01-14 19:45")


# --- embargo ------------------------------------------------------------------------------------


def test_statement_dated_after_now_is_embargoed():
    now = at("2026-01-13 12:00")
    published = statement("a", "2026-01-13 06:32", incident="cyber", departments={"lab": "degraded"})
    at_now = statement("b", "2026-01-13 12:00", incident="cyber", departments={"icu": "reduced"})
    later = statement("c", "2026-01-13 12:01", incident="cyber", phase="resolved",
                      departments={"lab": "offline", "mug": "offline"})
    other = statement("d", "2026-01-14 08:00", incident="new-one", departments={"maternity": "offline"})
    notice = statement("e", "2026-01-15 08:00")
    snapshot = compute(SITE, [published, at_now, later, other, notice], now)
    assert [s.id for s in snapshot.statements] == ["a", "b"]
    assert [s.id for s in snapshot.embargoed] == ["c", "d", "e"]
    # Nothing of an embargoed statement shows: no resolution, no holds, no new incident, no notice.
    assert list(snapshot.incidents) == ["cyber"]
    assert not snapshot.incidents["cyber"].resolved
    assert statuses(snapshot, "lab", "icu", "mug", "maternity") == {
        "lab": "degraded", "icu": "reduced", "mug": "operational", "maternity": "operational"}
    assert snapshot.notices == []
    assert snapshot.last_updated == at("2026-01-13 12:00")
    assert "c" not in snapshot.transitions


def test_nothing_published_yet():
    snapshot = compute(SITE, [statement("a", "2026-01-13 06:32", departments={"lab": "offline"})],
                       at("2026-01-13 06:00"))
    assert snapshot.statements == [] and snapshot.last_updated is None
    assert snapshot.overall == "operational"


# --- phase ----------------------------------------------------------------------------------------


def test_phase_is_investigating_by_default():
    s = statement("a", "2026-01-13 06:32", departments={"lab": "offline"})
    incident = compute(SITE, [s], at("2026-01-13 07:00")).incidents["a"]
    assert incident.phase == "investigating"
    assert not incident.resolved


def test_phase_is_that_of_the_latest_update_stating_one():
    updates = [
        statement("a", "2026-01-13 06:32", incident="cyber", departments={"lab": "offline"}),
        statement("b", "2026-01-13 10:00", incident="cyber", phase="identified"),
        statement("c", "2026-01-13 12:00", incident="cyber", departments={"lab": "reduced"}),  # no phase
        statement("d", "2026-01-14 12:00", incident="cyber", phase="monitoring"),
    ]
    phases = {when: compute(SITE, updates, at(when)).incidents["cyber"].phase
              for when in ("2026-01-13 07:00", "2026-01-13 11:00", "2026-01-13 13:00", "2026-01-15 00:00")}
    assert phases == {"2026-01-13 07:00": "investigating", "2026-01-13 11:00": "identified",
                      "2026-01-13 13:00": "identified", "2026-01-15 00:00": "monitoring"}


def test_resolved_incident_is_not_active():
    updates = [
        statement("a", "2026-01-13 06:32", incident="cyber", departments={"lab": "offline"}),
        statement("w", "2026-01-13 07:00", departments={"maternity": "reduced"}),
        statement("b", "2026-01-13 10:00", incident="cyber", phase="resolved"),
    ]
    snapshot = compute(SITE, updates, at("2026-01-13 11:00"))
    assert snapshot.incidents["cyber"].resolved
    assert [i.id for i in snapshot.active_incidents] == ["w"]


def test_active_incidents_most_recently_updated_first():
    updates = [
        statement("a", "2026-01-13 06:32", incident="one", departments={"lab": "offline"}),
        statement("b", "2026-01-13 07:00", incident="two", departments={"icu": "reduced"}),
        statement("c", "2026-01-13 08:00", incident="one", departments={"lab": "reduced"}),
    ]
    snapshot = compute(SITE, updates, at("2026-01-13 09:00"))
    assert [i.id for i in snapshot.active_incidents] == ["one", "two"]


# --- holds and worst-of -------------------------------------------------------------------------


def test_incident_holds_each_department_at_its_latest_update():
    updates = [
        statement("a", "2026-01-13 06:32", incident="cyber",
                  departments={"emergency": "reduced", "mug": "offline", "lab": "degraded"}),
        statement("b", "2026-01-13 10:00", incident="cyber", departments={"mug": "operational"}),
        statement("c", "2026-01-13 12:00", incident="cyber", departments={"lab": "offline"}),
    ]
    snapshot = compute(SITE, updates, at("2026-01-13 13:00"))
    # emergency: not mentioned again, still held by its first update
    assert statuses(snapshot, "emergency", "mug", "lab", "icu") == {
        "emergency": "reduced", "mug": "operational", "lab": "offline", "icu": "operational"}
    assert snapshot.incidents["cyber"].holds == {"emergency": "reduced", "mug": "operational", "lab": "offline"}
    assert snapshot.departments["icu"].holders == ()


def test_severity_order():
    assert sorted(STATUSES, key=SEVERITY.__getitem__) == [
        "operational", "maintenance", "degraded", "reduced", "offline"]


@pytest.mark.parametrize("pair", list(itertools.combinations(
    ["operational", "maintenance", "degraded", "reduced", "offline"], 2)))
def test_worst_of_two(pair):
    milder, worse = pair
    assert worst([milder, worse]) == worse
    assert worst([worse, milder]) == worse


def test_worst_of_nothing_is_operational():
    assert worst([]) == "operational"


@pytest.mark.parametrize(("one", "two", "expected"), [
    ("degraded", "reduced", "reduced"),
    ("offline", "reduced", "offline"),
    ("operational", "degraded", "degraded"),
    ("reduced", "reduced", "reduced"),
])
def test_department_shows_the_worst_hold_of_several_incidents(one, two, expected):
    updates = [statement("a", "2026-01-13 06:32", incident="one", departments={"lab": one}),
               statement("b", "2026-01-13 07:00", incident="two", departments={"lab": two})]
    snapshot = compute(SITE, updates, at("2026-01-13 08:00"))
    lab = snapshot.departments["lab"]
    assert lab.status == expected
    assert set(lab.holders) == {gid for gid, s in (("one", one), ("two", two)) if s == expected}


@pytest.mark.parametrize("resolution", [{}, {"lab": "operational"}], ids=["silent", "states-operational"])
def test_when_one_of_two_incidents_on_a_department_resolves_the_other_hold_shows(resolution):
    updates = [
        statement("a", "2026-01-13 06:32", incident="cyber", departments={"lab": "offline"},
                  notes={"lab": "Geen labo."}),
        statement("b", "2026-01-13 08:00", incident="analyser", departments={"lab": "degraded"},
                  notes={"lab": "Toestel defect; trager."}),
        statement("c", "2026-01-13 12:00", incident="cyber", phase="resolved", departments=resolution),
    ]
    before = compute(SITE, updates, at("2026-01-13 11:00"))
    assert before.departments["lab"].status == "offline"
    assert before.departments["lab"].holders == ("cyber",)
    after = compute(SITE, updates, at("2026-01-13 13:00"))
    assert after.departments["lab"].status == "degraded"
    assert after.departments["lab"].holders == ("analyser",)
    assert after.departments["lab"].note.id == "b"


def test_resolving_releases_all_holds():
    updates = [
        statement("a", "2026-01-13 06:32", incident="cyber",
                  departments={"emergency": "reduced", "mug": "offline", "lab": "degraded"},
                  notes={"emergency": "Kom enkel bij nood."}),
        statement("b", "2026-01-14 10:00", incident="cyber", phase="resolved"),
    ]
    snapshot = compute(SITE, updates, at("2026-01-14 11:00"))
    assert all(d.status == "operational" for d in snapshot.departments.values())
    assert all(d.holders == () and d.note is None for d in snapshot.departments.values())
    assert snapshot.overall == "operational"
    assert snapshot.active_incidents == []


def test_reopened_incident_holds_only_what_it_states_from_then_on():
    updates = [
        statement("a", "2026-01-13 06:32", incident="cyber", departments={"emergency": "offline", "lab": "reduced"}),
        statement("b", "2026-01-14 10:00", incident="cyber", phase="resolved",
                  departments={"emergency": "operational", "lab": "operational"}),
        statement("c", "2026-01-15 09:00", incident="cyber", phase="investigating",
                  departments={"registration": "degraded"}),
    ]
    snapshot = compute(SITE, updates, at("2026-01-15 10:00"))
    incident = snapshot.incidents["cyber"]
    assert not incident.resolved and incident.resolved_at is None
    # What the resolution released stays released: only registration is held again.
    assert incident.holds_at(snapshot.now) == {"registration": "degraded"}
    assert statuses(snapshot, "emergency", "lab", "registration") == {
        "emergency": "operational", "lab": "operational", "registration": "degraded"}
    assert snapshot.departments["emergency"].holders == ()
    assert snapshot.transitions["c"] == {"registration": ("operational", "degraded")}
    # Later statements of the reopened incident hold what they state, as before.
    later = statement("d", "2026-01-15 12:00", incident="cyber", departments={"lab": "offline"})
    snapshot = compute(SITE, [*updates, later], at("2026-01-15 13:00"))
    assert statuses(snapshot, "emergency", "lab", "registration") == {
        "emergency": "operational", "lab": "offline", "registration": "degraded"}


def test_reopened_incident_read_from_files_does_not_bring_back_released_departments(tmp_path):
    site = example_site()
    write(tmp_path, "a.md", """\
        ---
        title: Storing
        date: 2026-01-13T06:32:00+01:00
        incident: storing
        departments: {maternity: offline}
        ---
        Tekst.
        """)
    write(tmp_path, "b.md", """\
        ---
        title: Opgelost
        date: 2026-01-14T06:32:00+01:00
        incident: storing
        phase: resolved
        ---
        Tekst.
        """)
    write(tmp_path, "c.md", """\
        ---
        title: Opnieuw
        date: 2026-01-15T06:32:00+01:00
        incident: storing
        phase: identified
        departments: {lab: reduced}
        ---
        Tekst.
        """)
    statements, problems = read_updates(tmp_path, site)
    assert not problems.errors, [p.format() for p in problems]
    snapshot = compute(site, statements, at("2026-01-16 00:00"))
    assert statuses(snapshot, "maternity", "lab") == {"maternity": "operational", "lab": "reduced"}
    assert [i.id for i in snapshot.active_incidents] == ["storing"]


# --- planned closures ---------------------------------------------------------------------------


WINDOW = ("2026-01-20 20:00", "2026-01-20 23:00")


def closure(id="plan", date="2026-01-16 14:00", departments=None, notes=None, planned=WINDOW):
    return statement(id, date, departments={"lab": "maintenance"} if departments is None else departments,
                     notes=notes, planned=planned)


@pytest.mark.parametrize(("when", "state", "lab"), [
    ("2026-01-16 15:00", "scheduled", "operational"),
    ("2026-01-20 19:59", "scheduled", "operational"),
    ("2026-01-20 20:00", "in_progress", "maintenance"),
    ("2026-01-20 22:59", "in_progress", "maintenance"),
    ("2026-01-20 23:00", "completed", "operational"),
    ("2026-01-21 09:00", "completed", "operational"),
])
def test_planned_closure_state_and_hold_follow_its_window(when, state, lab):
    snapshot = compute(SITE, [closure()], at(when))
    plan = snapshot.closures["plan"]
    assert snapshot.incidents == {}, "a planned closure is not an incident"
    assert plan.state(at(when)) == state
    assert snapshot.departments["lab"].status == lab
    assert snapshot.departments["lab"].holders == (("plan",) if lab == "maintenance" else ())
    assert [c.id for c in snapshot.upcoming_closures] == (["plan"] if state != "completed" else [])


def test_planned_closure_holds_at_its_stated_status():
    snapshot = compute(SITE, [closure(departments={"lab": "reduced", "registration": "maintenance"})],
                       at("2026-01-20 21:00"))
    assert statuses(snapshot, "lab", "registration") == {"lab": "reduced", "registration": "maintenance"}


def test_planned_closure_without_stated_status_holds_maintenance(tmp_path):
    write(tmp_path / "updates", "plan.md", """\
        ---
        title: Geplande sluiting labo
        date: 2026-01-16T14:00:00+01:00
        departments:
          lab:
          registration:
        planned:
          start: 2026-01-20T20:00:00+01:00
          end: 2026-01-20T23:00:00+01:00
        ---
        Tekst.
        """)
    read, problems = read_updates(tmp_path / "updates", SITE)
    assert not problems.errors, [p.format() for p in problems]
    snapshot = compute(SITE, read, at("2026-01-20 21:00"))
    assert statuses(snapshot, "lab", "registration") == {"lab": "maintenance", "registration": "maintenance"}
    assert snapshot.overall == "maintenance"


def test_outage_during_a_planned_closure_shows_and_the_closure_shows_under_operational_holds():
    updates = [
        closure(departments={"lab": "maintenance", "registration": "maintenance"}),
        statement("cyber", "2026-01-20 20:30", departments={"lab": "offline", "registration": "operational"}),
    ]
    snapshot = compute(SITE, updates, at("2026-01-20 21:00"))
    assert statuses(snapshot, "lab", "registration") == {"lab": "offline", "registration": "maintenance"}


def test_later_update_naming_the_closure_moves_its_window():
    updates = [
        closure(),
        statement("plan-moved", "2026-01-18 10:00", incident="plan",
                  planned=("2026-01-27 20:00", "2026-01-27 23:00")),
    ]
    # Before the change is published, the old window counts.
    assert compute(SITE, updates, at("2026-01-17 12:00")).closures["plan"].window.start == at("2026-01-20 20:00")
    # After it, the old window holds nothing and the new one does.
    old = compute(SITE, updates, at("2026-01-20 21:00"))
    assert old.closures["plan"].state(at("2026-01-20 21:00")) == "scheduled"
    assert old.departments["lab"].status == "operational"
    assert [s.id for s in old.closures["plan"].statements] == ["plan", "plan-moved"]
    new = compute(SITE, updates, at("2026-01-27 21:00"))
    assert new.closures["plan"].state(at("2026-01-27 21:00")) == "in_progress"
    assert new.departments["lab"].status == "maintenance"
    assert compute(SITE, updates, at("2026-01-28 00:00")).closures["plan"].state(at("2026-01-28 00:00")) \
        == "completed"


def test_later_update_naming_the_closure_changes_its_departments():
    updates = [closure(), statement("more", "2026-01-18 10:00", incident="plan",
                                    departments={"registration": "reduced"})]
    snapshot = compute(SITE, updates, at("2026-01-20 21:00"))
    assert statuses(snapshot, "lab", "registration") == {"lab": "maintenance", "registration": "reduced"}
    assert snapshot.incidents == {}


def test_resolved_before_start_cancels_the_closure():
    updates = [closure(notes={"lab": "Enkel spoedanalyses."}),
               statement("cancel", "2026-01-19 11:00", incident="plan", phase="resolved")]
    for when in ("2026-01-19 12:00", "2026-01-20 21:00", "2026-01-21 09:00"):
        snapshot = compute(SITE, updates, at(when))
        plan = snapshot.closures["plan"]
        assert plan.state(at(when)) == "cancelled"
        assert snapshot.departments["lab"].status == "operational"
        assert snapshot.departments["lab"].note is None
        assert snapshot.upcoming_closures == []
        assert snapshot.incidents == {}
    # Before the cancellation is published it is still scheduled.
    assert compute(SITE, updates, at("2026-01-19 10:00")).closures["plan"].state(at("2026-01-19 10:00")) \
        == "scheduled"


def test_resolved_during_the_window_ends_the_closure_early():
    updates = [closure(), statement("done", "2026-01-20 21:30", incident="plan", phase="resolved")]
    assert compute(SITE, updates, at("2026-01-20 21:00")).departments["lab"].status == "maintenance"
    snapshot = compute(SITE, updates, at("2026-01-20 22:00"))
    assert snapshot.closures["plan"].state(at("2026-01-20 22:00")) == "completed"
    assert snapshot.departments["lab"].status == "operational"


def test_upcoming_closures_soonest_first():
    updates = [closure("late", planned=("2026-02-06 07:00", "2026-02-06 12:00")),
               closure("soon", date="2026-01-17 10:00"),
               closure("past", planned=("2026-01-17 07:00", "2026-01-17 08:00"))]
    snapshot = compute(SITE, updates, at("2026-01-18 00:00"))
    assert [c.id for c in snapshot.upcoming_closures] == ["soon", "late"]


# --- notes ----------------------------------------------------------------------------------------


def test_note_comes_from_the_incident_that_sets_the_status_not_the_latest_note():
    updates = [
        statement("a", "2026-01-13 06:32", incident="cyber", departments={"lab": "offline"},
                  notes={"lab": "Geen labo: cyberaanval."}),
        statement("b", "2026-01-13 08:00", incident="analyser", departments={"lab": "degraded"},
                  notes={"lab": "Toestel defect."}),
    ]
    lab = compute(SITE, updates, at("2026-01-13 09:00")).departments["lab"]
    assert (lab.status, lab.holders, lab.note.id) == ("offline", ("cyber",), "a")
    assert lab.note.note("lab", "nl") == ("Geen labo: cyberaanval.", "nl")


def test_note_is_the_latest_given_by_the_holding_incident():
    updates = [
        statement("a", "2026-01-13 06:32", incident="cyber", departments={"lab": "offline"},
                  notes={"lab": "Eerste nota."}),
        statement("b", "2026-01-13 08:00", incident="cyber", notes={"lab": "Tweede nota."}),
        statement("c", "2026-01-13 09:00", incident="cyber", departments={"lab": "reduced"}),  # no note
        statement("d", "2026-01-13 09:30", incident="other", notes={"lab": "Van een ander incident."}),
    ]
    lab = compute(SITE, updates, at("2026-01-13 10:00")).departments["lab"]
    assert lab.status == "reduced"
    assert lab.note.id == "b"


def test_note_of_two_holders_at_the_same_status_is_the_latest():
    updates = [
        statement("a", "2026-01-13 06:32", incident="one", departments={"lab": "reduced"}, notes={"lab": "Een."}),
        statement("b", "2026-01-13 08:00", incident="two", departments={"lab": "reduced"}, notes={"lab": "Twee."}),
    ]
    assert compute(SITE, updates, at("2026-01-13 09:00")).departments["lab"].note.id == "b"


def test_note_goes_when_the_hold_is_released():
    updates = [
        statement("a", "2026-01-13 06:32", incident="cyber", departments={"lab": "offline"},
                  notes={"lab": "Geen labo."}),
        statement("b", "2026-01-14 06:32", incident="cyber", phase="resolved"),
    ]
    assert compute(SITE, updates, at("2026-01-13 07:00")).departments["lab"].note.id == "a"
    lab = compute(SITE, updates, at("2026-01-14 07:00")).departments["lab"]
    assert (lab.status, lab.holders, lab.note) == ("operational", (), None)


def test_note_in_a_translation_only_counts():
    updates = [statement("a", "2026-01-13 06:32", incident="cyber", departments={"lab": "offline"},
                         translations={"fr": {"lab": "Pas de labo."}})]
    lab = compute(SITE, updates, at("2026-01-13 07:00")).departments["lab"]
    assert lab.note.id == "a"
    assert lab.note.note("lab", "fr") == ("Pas de labo.", "fr")
    assert lab.note.note("lab", "nl") is None


def test_note_of_an_in_progress_planned_closure():
    updates = [closure(notes={"lab": "Enkel spoedanalyses."})]
    assert compute(SITE, updates, at("2026-01-20 19:00")).departments["lab"].note is None
    assert compute(SITE, updates, at("2026-01-20 21:00")).departments["lab"].note.id == "plan"
    assert compute(SITE, updates, at("2026-01-20 23:30")).departments["lab"].note is None


# --- overall, transitions, time ------------------------------------------------------------------


@pytest.mark.parametrize(("holds", "overall"), [
    ({}, "operational"),
    ({"lab": "degraded"}, "degraded"),
    ({"lab": "degraded", "icu": "reduced"}, "reduced"),
    ({"lab": "degraded", "icu": "reduced", "mug": "offline"}, "offline"),
    ({"lab": "operational"}, "operational"),
])
def test_overall_is_the_worst_department(holds, overall):
    updates = [statement("a", "2026-01-13 06:32", incident="x", departments=holds)] if holds else []
    assert compute(SITE, updates, at("2026-01-13 07:00")).overall == overall


def test_overall_is_maintenance_with_only_planned_closures():
    assert compute(SITE, [closure()], at("2026-01-20 21:00")).overall == "maintenance"


def test_transitions_give_each_department_before_and_after():
    updates = [
        statement("a", "2026-01-13 06:32", incident="cyber", departments={"lab": "offline", "mug": "offline"}),
        statement("b", "2026-01-13 08:00", incident="analyser", departments={"lab": "degraded"}),
        statement("c", "2026-01-13 10:00", incident="cyber", phase="resolved",
                  departments={"lab": "operational", "mug": "operational"}),
        statement("d", "2026-01-13 11:00", incident="analyser", phase="identified"),  # states no department
    ]
    snapshot = compute(SITE, updates, at("2026-01-13 12:00"))
    assert snapshot.transitions["a"] == {"lab": ("operational", "offline"), "mug": ("operational", "offline")}
    assert snapshot.transitions["b"] == {"lab": ("offline", "offline")}
    # resolving 'cyber' brings lab back to what 'analyser' still holds, not to what 'c' states
    assert snapshot.transitions["c"] == {"lab": ("offline", "degraded"), "mug": ("offline", "operational")}
    assert "d" not in snapshot.transitions


def test_build_time_from_source_date_epoch():
    now = build_time({"SOURCE_DATE_EPOCH": "1768290720"})
    assert now == datetime(2026, 1, 13, 7, 52, tzinfo=timezone.utc)
    assert now.tzinfo is not None


def test_build_time_without_source_date_epoch_is_the_clock():
    before = datetime.now(tz=timezone.utc).replace(microsecond=0)
    now = build_time({})
    assert now.tzinfo is not None and now.microsecond == 0
    assert before <= now <= datetime.now(tz=timezone.utc) + timedelta(seconds=1)


def test_compute_is_deterministic():
    updates = [statement("a", "2026-01-13 06:32", incident="cyber", departments={"lab": "offline"}),
               closure(), statement("n", "2026-01-13 13:00")]
    one = compute(SITE, updates, at("2026-01-20 21:00"))
    two = compute(SITE, list(reversed(updates)), at("2026-01-20 21:00"))
    assert one.departments == two.departments
    assert one.transitions == two.transitions
    assert [s.id for s in one.statements] == [s.id for s in two.statements]


# --- the example site -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example():
    site = example_site()
    read, problems = read_updates(EXAMPLE_UPDATES, site)
    assert not problems.errors, [p.format() for p in problems]
    return site, read


TIMES = ["2026-01-13 07:00", "2026-01-14 12:00", "2026-01-15 18:00", "2026-01-20 21:00",
         "2026-01-21 12:00", "2026-11-27 12:00"]
TABLE = """
emergency          reduced   reduced   operational operational operational operational
mug                offline   offline   operational operational operational operational
icu                reduced   reduced   reduced     operational operational operational
radiology          reduced   reduced   degraded    operational operational operational
lab                degraded  offline   degraded    maintenance operational operational
planned-procedures offline   offline   reduced     degraded    degraded    degraded
consultations      offline   offline   offline     reduced     reduced     reduced
maternity          operational reduced operational operational operational operational
pharmacy           degraded  degraded  operational operational operational operational
registration       degraded  degraded  degraded    degraded    degraded    degraded
overall            offline   offline   offline     reduced     reduced     reduced
"""
EXPECTED = {row.split()[0]: dict(zip(TIMES, row.split()[1:])) for row in TABLE.strip().splitlines()}


@pytest.mark.parametrize("when", TIMES)
def test_example_timeline(example, when):
    site, read = example
    snapshot = compute(site, read, at(when))
    got = {dept: snapshot.departments[dept].status for dept in site.departments}
    got["overall"] = snapshot.overall
    assert got == {row: EXPECTED[row][when] for row in EXPECTED}


def test_example_every_department_in_the_table(example):
    site, _ = example
    assert set(EXPECTED) - {"overall"} == set(site.departments)


def test_example_phases(example):
    site, read = example
    phases = lambda when: {i.id: i.phase for i in compute(site, read, at(when)).incidents.values()}  # noqa: E731
    assert phases("2026-01-14 12:00") == {
        "cyberaanval-2026-01": "identified",
        "labo-analyser-2026-01": "investigating",
        "2026-01-14-1020-waterlek-materniteit": "identified",
    }
    at_15 = phases("2026-01-15 18:00")
    assert at_15["labo-analyser-2026-01"] == "resolved"
    assert at_15["2026-01-14-1020-waterlek-materniteit"] == "resolved"
    assert at_15["cyberaanval-2026-01"] == "identified"
    for when in TIMES[3:]:
        assert phases(when)["cyberaanval-2026-01"] == "monitoring"
    snapshot = compute(site, read, at("2026-01-15 18:00"))
    assert [i.id for i in snapshot.active_incidents] == ["cyberaanval-2026-01"]


def test_example_closures(example):
    site, read = example
    herstel = "2026-01-16-1400-gepland-herstel-patientendossier"
    radiologie = "2026-01-16-1500-gepland-onderhoud-radiologie"
    apotheek = "2026-01-17-1500-gepland-onderhoud-apotheek"
    when = at("2026-01-20 21:00")
    snapshot = compute(site, read, when)
    assert {cid: c.state(when) for cid, c in snapshot.closures.items()} == {
        herstel: "in_progress", radiologie: "cancelled", apotheek: "scheduled"}
    assert [c.id for c in snapshot.upcoming_closures] == [herstel, apotheek]
    assert snapshot.departments["lab"].holders == (herstel,)
    assert "2026-01-19-1100-onderhoud-radiologie-geannuleerd" in [s.id for s in snapshot.closures[radiologie].statements]
    later = at("2026-01-21 12:00")
    snapshot = compute(site, read, later)
    assert snapshot.closures[herstel].state(later) == "completed"
    assert [c.id for c in snapshot.upcoming_closures] == [apotheek]
    # Closures are not incidents.
    assert not set(snapshot.closures) & set(snapshot.incidents)


def test_example_lab_note(example):
    site, read = example
    lab = compute(site, read, at("2026-01-14 12:00")).departments["lab"]
    assert lab.holders == ("labo-analyser-2026-01",)
    assert lab.note.id == "2026-01-14-0805-labo-analyser-defect"
    assert lab.note.incident == "labo-analyser-2026-01"
    text, lang = lab.note.note("lab", "nl")
    assert (text, lang) == ("Geen bloedafnames vandaag; uw huisarts kan een afname laten doen bij een ander labo.",
                            "nl")


def test_example_notices(example):
    site, read = example
    snapshot = compute(site, read, at("2026-11-27 12:00"))
    assert [s.id for s in snapshot.notices] == ["2026-01-13-1300-persconferentie",
                                                "2026-01-14-0900-valse-telefoontjes"]
    assert snapshot.embargoed == []
    # Months later no notice is current; the overview last changed when the pharmacy's planned
    # closure ended (20 January, 23:00), after the last statement (19 January, 11:00).
    assert snapshot.current_notices == []
    assert snapshot.last_updated == at("2026-01-20 23:00")


def test_example_untranslated(example):
    site, read = example
    untranslated = {s.id: [lang for lang in site.languages[1:] if not s.is_translated(lang)] for s in read}
    assert {k: v for k, v in untranslated.items() if v} == {
        "2026-01-14-1945-materniteit-hersteld": ["fr"],
        "2026-01-17-1500-gepland-onderhoud-apotheek": ["en"],
        "2026-01-19-1100-onderhoud-radiologie-geannuleerd": ["en"],
    }

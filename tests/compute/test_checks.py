"""Rules along the timeline (README, "How the current status is computed" and "Errors and warnings"): each mistake that
published a wrong status without a word is now refused with its file, line and the fix, by
`statuspress check` and by `mkdocs build` alike.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

from click.testing import CliRunner

from helpers import epoch, mkdocs_build, tree_digest, write_statement
from generator.cli import main
from generator.compute.checks import near_ids

NOW = "2026-01-20T12:00:00+01:00"

CYBER = """
---
title: Cyberaanval op het ziekenhuis
date: 2026-01-13T06:32:00+01:00
incident: cyberaanval-2026-01
phase: investigating
departments:
  emergency: offline
  lab: reduced
---
Alle servers zijn uitgeschakeld.
"""
CYBER_FILE = "2026-01-13-0632-servers-offline.md"


def check(root, *extra):
    """`statuspress check --format json` on the site in `root`: (exit code, problems by path)."""
    result = CliRunner().invoke(main, ["check", "-f", str(root / "mkdocs.yml"), "--format", "json", *extra],
                                env={"SOURCE_DATE_EPOCH": str(epoch(NOW))}, catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def about(problems, name):
    return [p for p in problems if p["path"] == f"updates/{name}"]


def site_with_cyber(small_site, languages=("nl",)):
    """A one-language site (no untranslated warnings to wade through) with incident cyberaanval-2026-01 open."""
    root = small_site(languages)
    write_statement(root / "updates", CYBER_FILE, CYBER)
    return root


# --- a follow-up that would open a new incident, already over, beside an open one --------------


def test_resolved_follow_up_without_incident_is_an_error_naming_the_open_incident(small_site):
    root = site_with_cyber(small_site)
    write_statement(root / "updates", "2026-01-14-0900-spoed-open.md", """
        ---
        title: Spoed opnieuw open
        date: 2026-01-14T09:00:00+01:00
        phase: resolved
        departments:
          emergency: operational
        ---
        De spoed werkt opnieuw.
        """)
    code, problems = check(root)
    assert code == 1
    (problem,) = about(problems, "2026-01-14-0900-spoed-open.md")
    assert (problem["line"], problem["severity"]) == (4, "error")  # the `phase` line
    message = problem["message"]
    assert "names no 'incident'" in message and "already 'resolved'" in message
    assert "'cyberaanval-2026-01' (\"Cyberaanval op het ziekenhuis\")" in message
    assert "for emergency" in message
    assert "write 'incident: cyberaanval-2026-01'" in message


def test_typo_in_incident_id_with_resolved_is_an_error_with_did_you_mean(small_site):
    root = site_with_cyber(small_site)
    write_statement(root / "updates", "2026-01-14-0900-spoed-open.md", """
        ---
        title: Spoed opnieuw open
        date: 2026-01-14T09:00:00+01:00
        incident: cyberaanval-2026-1
        phase: resolved
        ---
        Alles werkt opnieuw.
        """)
    code, problems = check(root)
    assert code == 1
    (problem,) = about(problems, "2026-01-14-0900-spoed-open.md")
    assert (problem["line"], problem["severity"]) == (4, "error")  # the `incident` line
    assert "'incident: cyberaanval-2026-1' is used by no earlier statement" in problem["message"]
    assert "(did you mean 'cyberaanval-2026-01'?)" in problem["message"]
    assert "\"Cyberaanval op het ziekenhuis\"" in problem["message"]


def test_monitoring_opener_naming_a_department_an_open_incident_holds_is_an_error(small_site):
    root = site_with_cyber(small_site)
    write_statement(root / "updates", "2026-01-14-0900-labo.md", """
        ---
        title: Labo onder toezicht
        date: 2026-01-14T09:00:00+01:00
        phase: monitoring
        departments:
          lab: degraded
          registration: degraded
        ---
        Tekst.
        """)
    code, problems = check(root)
    assert code == 1
    (problem,) = about(problems, "2026-01-14-0900-labo.md")
    assert problem["line"] == 4
    assert "already 'monitoring'" in problem["message"] and "for lab:" in problem["message"]


def test_resolved_opener_after_the_fact_with_no_open_incident_involved_is_a_warning(small_site):
    root = site_with_cyber(small_site)
    # Registration is held by no open incident: a report after the fact, allowed.
    write_statement(root / "updates", "2026-01-14-0900-inschrijving.md", """
        ---
        title: Storing inschrijving van gisteren opgelost
        date: 2026-01-14T09:00:00+01:00
        phase: resolved
        departments:
          registration: operational
        ---
        Tekst.
        """)
    code, problems = check(root)
    assert code == 0
    (problem,) = about(problems, "2026-01-14-0900-inschrijving.md")
    assert (problem["line"], problem["severity"]) == (4, "warning")
    assert "report after the fact" in problem["message"]
    # --strict fails on it.
    assert check(root, "--strict")[0] == 1


def test_resolved_opener_naming_no_department_while_an_incident_is_open_is_an_error(small_site):
    root = site_with_cyber(small_site)
    write_statement(root / "updates", "2026-01-14-0900-opgelost.md", """
        ---
        title: Opgelost
        date: 2026-01-14T09:00:00+01:00
        phase: resolved
        ---
        Tekst.
        """)
    code, problems = check(root)
    assert code == 1
    (problem,) = about(problems, "2026-01-14-0900-opgelost.md")
    assert problem["line"] == 4 and "cyberaanval-2026-01" in problem["message"]


def test_resolved_opener_with_nothing_open_is_a_warning(small_site):
    root = small_site(("nl",))
    write_statement(root / "updates", "2026-01-14-0900-opgelost.md", """
        ---
        title: Storing van vannacht opgelost
        date: 2026-01-14T09:00:00+01:00
        phase: resolved
        ---
        Tekst.
        """)
    code, problems = check(root)
    assert code == 0
    (problem,) = about(problems, "2026-01-14-0900-opgelost.md")
    assert problem["severity"] == "warning" and "report after the fact" in problem["message"]


def test_follow_up_after_resolution_is_not_an_opener(small_site):
    root = site_with_cyber(small_site)
    write_statement(root / "updates", "2026-01-14-0900-opgelost.md", """
        ---
        title: Opgelost
        date: 2026-01-14T09:00:00+01:00
        incident: cyberaanval-2026-01
        phase: resolved
        departments: {emergency: operational, lab: operational}
        ---
        Tekst.
        """)
    write_statement(root / "updates", "2026-01-15-0900-toezicht.md", """
        ---
        title: Toch nog onder toezicht
        date: 2026-01-15T09:00:00+01:00
        incident: cyberaanval-2026-01
        phase: monitoring
        ---
        Tekst.
        """)
    code, problems = check(root)
    assert code == 0
    assert [p for p in problems if "incident" in p["message"]] == []


# --- a new incident id close to an open one ----------------------------------------------------


def test_new_incident_id_close_to_an_open_one_is_a_warning_with_did_you_mean(small_site):
    root = site_with_cyber(small_site)
    write_statement(root / "updates", "2026-01-14-0900-labo.md", """
        ---
        title: Labo nog trager
        date: 2026-01-14T09:00:00+01:00
        incident: cyberaanvall-2026-01
        departments:
          lab: offline
        ---
        Tekst.
        """)
    code, problems = check(root)
    assert code == 0
    (problem,) = about(problems, "2026-01-14-0900-labo.md")
    assert (problem["line"], problem["severity"]) == (4, "warning")
    assert "close to the open incident 'cyberaanval-2026-01'" in problem["message"]
    assert "(did you mean 'cyberaanval-2026-01'?)" in problem["message"]


def test_a_numbered_second_incident_is_not_a_typo(small_site):
    root = site_with_cyber(small_site)
    write_statement(root / "updates", "2026-01-14-0900-tweede.md", """
        ---
        title: Tweede aanval
        date: 2026-01-14T09:00:00+01:00
        incident: cyberaanval-2026-02
        phase: investigating
        departments:
          registration: offline
        ---
        Tekst.
        """)
    code, problems = check(root)
    assert code == 0
    assert about(problems, "2026-01-14-0900-tweede.md") == []


def test_near_ids():
    assert near_ids("cyberaanval-2026-1", "cyberaanval-2026-01")
    assert near_ids("cyberaanvla-2026-01", "cyberaanval-2026-01")  # swapped letters
    assert near_ids("labo-2026", "lab-2026")
    assert not near_ids("cyberaanval-2026-02", "cyberaanval-2026-01")
    assert not near_ids("2026-01-13-0632-brand", "2026-01-13-0645-brand")
    assert not near_ids("brand-2026", "storm-2026")
    assert not near_ids("same", "same")


def test_back_to_operational_as_an_incident_of_its_own_is_a_warning(small_site):
    root = site_with_cyber(small_site)
    write_statement(root / "updates", "2026-01-14-0900-spoed-open.md", """
        ---
        title: Spoed opnieuw open
        date: 2026-01-14T09:00:00+01:00
        departments:
          emergency: operational
        ---
        Tekst.
        """)
    code, problems = check(root)
    assert code == 0
    (problem,) = about(problems, "2026-01-14-0900-spoed-open.md")
    assert (problem["line"], problem["severity"]) == (4, "warning")  # the `departments` line
    assert "sets emergency 'operational'" in problem["message"]
    assert "still holds emergency at 'offline'" in problem["message"]
    assert "write 'incident: cyberaanval-2026-01'" in problem["message"]


# --- `planned` in a follow-up of an incident ----------------------------------------------------


def test_planned_in_a_follow_up_of_an_incident_is_an_error(small_site):
    root = site_with_cyber(small_site)
    write_statement(root / "updates", "2026-01-14-0900-labo-onderhoud.md", """
        ---
        title: Labo dicht voor herstel
        date: 2026-01-14T09:00:00+01:00
        incident: cyberaanval-2026-01
        departments:
          lab: maintenance
        planned:
          start: 2026-01-15T20:00:00+01:00
          end: 2026-01-15T23:00:00+01:00
        ---
        Tekst.
        """)
    code, problems = check(root)
    assert code == 1
    (problem,) = about(problems, "2026-01-14-0900-labo-onderhoud.md")
    assert problem["line"] == 7  # the `planned` line
    assert "'planned' in a follow-up of incident 'cyberaanval-2026-01'" in problem["message"]
    assert "as a statement of its own" in problem["message"]


def test_planned_in_a_follow_up_of_a_planned_closure_moves_it(small_site):
    root = small_site(("nl",))
    write_statement(root / "updates", "2026-01-14-0900-onderhoud.md", """
        ---
        title: Labo dicht
        date: 2026-01-14T09:00:00+01:00
        departments: {lab: maintenance}
        planned: {start: 2026-01-22T20:00:00+01:00, end: 2026-01-22T23:00:00+01:00}
        ---
        Tekst.
        """)
    write_statement(root / "updates", "2026-01-15-0900-verplaatst.md", """
        ---
        title: Labo een dag later dicht
        date: 2026-01-15T09:00:00+01:00
        incident: 2026-01-14-0900-onderhoud
        planned: {start: 2026-01-23T20:00:00+01:00, end: 2026-01-23T23:00:00+01:00}
        ---
        Tekst.
        """)
    code, problems = check(root)
    assert code == 0, problems


# --- the build stops on the same errors, and prints the same warnings ----------------------------


def build_with_warnings(root, out):
    """`mkdocs build` without -q, so that its warnings show."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": str(epoch(NOW))}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"), "-d", str(out)],
                          capture_output=True, text=True, env=env, cwd=root)


def test_build_stops_on_a_timeline_error_and_keeps_the_previous_site(small_site, tmp_path):
    root = site_with_cyber(small_site)
    out = tmp_path / "out"
    assert mkdocs_build(root / "mkdocs.yml", out, NOW).returncode == 0
    before = tree_digest(out)
    write_statement(root / "updates", "2026-01-14-0900-spoed-open.md", """
        ---
        title: Spoed opnieuw open
        date: 2026-01-14T09:00:00+01:00
        incident: cyberaanval-2026-1
        phase: resolved
        departments:
          emergency: operational
        ---
        Tekst.
        """)
    result = mkdocs_build(root / "mkdocs.yml", out, NOW)
    assert result.returncode != 0
    assert "updates/2026-01-14-0900-spoed-open.md:4: 'incident: cyberaanval-2026-1'" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(out) == before
    # `check` stops on exactly that.
    code, problems = check(root)
    assert code == 1
    assert [(p["path"], p["line"]) for p in problems if p["severity"] == "error"] == [
        ("updates/2026-01-14-0900-spoed-open.md", 4)]


def test_build_and_check_print_the_same_warnings_and_succeed(small_site, tmp_path):
    root = site_with_cyber(small_site, ("nl", "fr", "en"))
    write_statement(root / "updates", "2026-01-14-0900-labo.md", """
        ---
        title: Labo nog trager
        date: 2026-01-14T09:00:00+01:00
        incident: cyberaanvall-2026-01
        departments:
          lab: offline
        ---
        Tekst.
        """)
    result = build_with_warnings(root, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "index.html").exists()
    code, problems = check(root)
    assert code == 0
    for problem in problems:
        assert f"{problem['path']}:{problem['line']}: warning: {problem['message']}" in result.stderr
    assert any("(did you mean 'cyberaanval-2026-01'?)" in p["message"] for p in problems)
    assert any("not translated into fr, en yet" in p["message"] for p in problems)

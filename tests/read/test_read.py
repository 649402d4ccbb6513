"""Reading updates/ and the site set-up: every SPEC error rule, located at file:line."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.read import Problem, Problems, read_updates
from helpers import (EXAMPLE_CONFIG, EXAMPLE_UPDATES, VALID, example_site, listing, load_site, make_site,
                     problem_at, write)

SITE = make_site()


def read(tmp_path: Path, files: dict[str, str | bytes], site=SITE):
    """Write `files` (name -> text) under tmp_path/updates and read that folder."""
    updates = tmp_path / "updates"
    updates.mkdir(exist_ok=True)
    paths = {name: write(updates, name, text) for name, text in files.items()}
    statements, problems = read_updates(updates, site)
    return paths, statements, problems


# --- malformed or missing front matter ----------------------------------------------------------


@pytest.mark.parametrize(("text", "line", "keyword"), [
    # An unquoted ':' in a value (the classic mistake).
    ("---\n"                                  # 1
     "title: Spoed: tijdelijk dicht\n"         # 2
     "date: 2026-01-13T06:32:00+01:00\n"       # 3
     "---\n"
     "Tekst.\n", 2, "quote"),
    # A department indented one space too few.
    ("---\n"                                  # 1
     "title: Spoed tijdelijk dicht\n"          # 2
     "date: 2026-01-13T06:32:00+01:00\n"       # 3
     "departments:\n"                          # 4
     "  emergency: reduced\n"                  # 5
     " mug: offline\n"                         # 6
     "---\n"
     "Tekst.\n", 6, "indentation"),
    # A tab before a key.
    ("---\n"                                  # 1
     "title: Spoed tijdelijk dicht\n"          # 2
     "\tdate: 2026-01-13T06:32:00+01:00\n"     # 3
     "---\n"
     "Tekst.\n", 3, "indentation"),
], ids=["unquoted-colon", "bad-indent", "tab"])
def test_malformed_yaml(tmp_path, text, line, keyword):
    paths, statements, problems = read(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], line, "malformed YAML", keyword)
    assert statements == []


def test_missing_front_matter(tmp_path):
    paths, statements, problems = read(tmp_path, {"a.md": "# Spoed tijdelijk dicht\n\nDe tekst.\n"})
    problem_at(problems, paths["a.md"], 1, "front matter", "'---'")
    assert statements == []


def test_front_matter_not_closed(tmp_path):
    text = ("---\n"
            "title: Spoed tijdelijk dicht\n"
            "date: 2026-01-13T06:32:00+01:00\n"
            "\n"
            "De tekst.\n")
    paths, statements, problems = read(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], 1, "not closed", "add a line '---'")
    assert statements == []


def test_front_matter_closed_with_document_end_marker_is_read_or_reported(tmp_path):
    """'...' ends a YAML document; the reader accepts it as a closing line, so it must not crash.

    Whatever it does, a user expects either the statement or a `file:line` problem, never a traceback
    that hides every other problem of the run.
    """
    text = ("---\n"
            "title: Spoed tijdelijk dicht\n"
            "date: 2026-01-13T06:32:00+01:00\n"
            "...\n"
            "De tekst.\n")
    paths, statements, problems = read(tmp_path, {"a.md": text})
    assert [s.id for s in statements] == ["a"] or any(p.path == paths["a.md"] for p in problems.errors)


def test_empty_front_matter(tmp_path):
    paths, statements, problems = read(tmp_path, {"a.md": "---\n---\nDe tekst.\n"})
    problem_at(problems, paths["a.md"], (1, 2), "title", "date")
    assert statements == []


# --- title ----------------------------------------------------------------------------------------


def test_missing_title(tmp_path):
    text = ("---\n"                                # 1
            "date: 2026-01-13T06:32:00+01:00\n"    # 2
            "summary: Spoed is dicht.\n"           # 3
            "---\n"
            "De tekst.\n")
    paths, statements, problems = read(tmp_path, {"a.md": text})
    # No key to point at: the front matter's first lines.
    problem_at(problems, paths["a.md"], (1, 2), "missing 'title'", "add a line 'title:")
    assert statements == []


@pytest.mark.parametrize("value", ["", ' ""', " ''", ' "   "'])
def test_empty_title(tmp_path, value):
    text = ("---\n"                                # 1
            "date: 2026-01-13T06:32:00+01:00\n"    # 2
            f"title:{value}\n"                     # 3
            "---\n"
            "De tekst.\n")
    paths, statements, problems = read(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], 3, "title", "write the title")
    assert statements == []


# --- date -----------------------------------------------------------------------------------------


def test_missing_date(tmp_path):
    text = ("---\n"                                # 1
            "title: Spoed tijdelijk dicht\n"       # 2
            "summary: Spoed is dicht.\n"           # 3
            "---\n"
            "De tekst.\n")
    paths, statements, problems = read(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], (1, 2), "missing 'date'", "date: 2026-01-13T06:32:00+01:00")
    assert statements == []


@pytest.mark.parametrize(("value", "keywords"), [
    ("2026-02-30T10:00:00+01:00", ("not a real date", "write it as 2026-01-13T06:32:00+01:00")),
    ("2026-13-01T10:00:00+01:00", ("not a real date", "write it as")),
    ("morgen om tien uur", ("not a real date", "write it as")),
    ("2026-01-13T06:32:00", ("no UTC offset", "+01:00")),
    ("2026-01-13", ("no time", "write it as 2026-01-13T06:32:00+01:00")),
], ids=["feb-30", "month-13", "words", "no-offset", "no-time"])
def test_bad_date(tmp_path, value, keywords):
    text = ("---\n"                                # 1
            "title: Spoed tijdelijk dicht\n"       # 2
            "summary: Spoed is dicht.\n"           # 3
            f"date: {value}\n"                     # 4
            "---\n"
            "De tekst.\n")
    paths, statements, problems = read(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], 4, *keywords)
    assert statements == []


# --- keys, departments, statuses, phases ----------------------------------------------------------


def test_unknown_key_suggests_the_right_one(tmp_path):
    text = ("---\n"                                # 1
            "title: Spoed tijdelijk dicht\n"       # 2
            "date: 2026-01-13T06:32:00+01:00\n"    # 3
            "departmens:\n"                        # 4
            "  emergency: reduced\n"               # 5
            "---\n"
            "De tekst.\n")
    paths, _, problems = read(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], 4, "unknown key 'departmens'", "did you mean 'departments'")


def test_unknown_key_lists_the_allowed_keys(tmp_path):
    text = ("---\n"                                # 1
            "title: Spoed tijdelijk dicht\n"       # 2
            "auteur: Jan\n"                        # 3
            "date: 2026-01-13T06:32:00+01:00\n"    # 4
            "---\n"
            "De tekst.\n")
    paths, _, problems = read(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], 3, "unknown key 'auteur'", "'summary'", "'departments'")


def test_unknown_department_points_at_its_key(tmp_path):
    text = ("---\n"                                # 1
            "title: Spoed tijdelijk dicht\n"       # 2
            "date: 2026-01-13T06:32:00+01:00\n"    # 3
            "departments:\n"                       # 4
            "  emergency: reduced\n"               # 5
            "  mug: offline\n"                     # 6
            "  kinderafdeling: offline\n"          # 7
            "  lab: degraded\n"                    # 8
            "---\n"
            "De tekst.\n")
    paths, statements, problems = read(tmp_path, {"a.md": text})
    problem = problem_at(problems, paths["a.md"], 7, "unknown department 'kinderafdeling'", "use one of",
                         "mkdocs.yml")
    assert "'emergency'" in problem.message
    assert len(problems.errors) == 1
    assert statements == []


def test_unknown_department_typo_suggests_the_right_one(tmp_path):
    text = ("---\n"                                # 1
            "title: Spoed tijdelijk dicht\n"       # 2
            "date: 2026-01-13T06:32:00+01:00\n"    # 3
            "departments:\n"                       # 4
            "  emergency: reduced\n"               # 5
            "notes:\n"                             # 6
            "  emergancy: Kom niet.\n"             # 7
            "---\n"
            "De tekst.\n")
    paths, _, problems = read(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], 7, "unknown department 'emergancy'", "did you mean 'emergency'")


@pytest.mark.parametrize(("block", "line", "keywords"), [
    ("departments:\n"                      # 4
     "  emergency: reduced\n"              # 5
     "  lab: kapot\n",                     # 6
     6, ("unknown status 'kapot'", "'operational'", "'offline'")),
    ("departments:\n"                      # 4
     "  lab: ofline\n",                    # 5
     5, ("unknown status 'ofline'", "did you mean 'offline'")),
    ("departments:\n"                      # 4
     "  lab:\n"                            # 5
     "    kapot\n",                        # 6: the value, on its own line
     6, ("unknown status 'kapot'", "use one of")),
    ("departments:\n"                      # 4
     "  emergency: reduced\n"              # 5
     "  lab:\n",                           # 6: no status at all (not a planned closure)
     6, ("status", "use one of")),
], ids=["unknown", "typo", "value-on-next-line", "unstated"])
def test_unknown_status_points_at_its_value(tmp_path, block, line, keywords):
    text = ("---\n"                                # 1
            "title: Spoed tijdelijk dicht\n"       # 2
            "date: 2026-01-13T06:32:00+01:00\n"    # 3
            + block +
            "---\n"
            "De tekst.\n")
    paths, statements, problems = read(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], line, *keywords)
    assert statements == []


def test_unknown_phase(tmp_path):
    text = ("---\n"                                # 1
            "title: Spoed tijdelijk dicht\n"       # 2
            "date: 2026-01-13T06:32:00+01:00\n"    # 3
            "incident: cyberaanval-2026-01\n"      # 4
            "phase: opgelost\n"                    # 5
            "---\n"
            "De tekst.\n")
    paths, statements, problems = read(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], 5, "unknown phase 'opgelost'", "investigating", "resolved")
    assert statements == []


def test_unknown_phase_typo_suggests(tmp_path):
    text = ("---\n"
            "title: Spoed tijdelijk dicht\n"
            "date: 2026-01-13T06:32:00+01:00\n"
            "phase: resolve\n"                     # 4
            "---\n"
            "De tekst.\n")
    paths, _, problems = read(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], 4, "did you mean 'resolved'")


def test_duplicate_key_points_at_the_second(tmp_path):
    text = ("---\n"                                # 1
            "title: Spoed tijdelijk dicht\n"       # 2
            "date: 2026-01-13T06:32:00+01:00\n"    # 3
            "summary: Eerste.\n"                   # 4
            "title: Spoed dicht\n"                 # 5
            "---\n"
            "De tekst.\n")
    paths, _, problems = read(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], 5, "'title' is stated twice", "keep only one")


def test_duplicate_department_points_at_the_second(tmp_path):
    text = ("---\n"                                # 1
            "title: Spoed tijdelijk dicht\n"       # 2
            "date: 2026-01-13T06:32:00+01:00\n"    # 3
            "departments:\n"                       # 4
            "  lab: offline\n"                     # 5
            "  emergency: reduced\n"               # 6
            "  lab: degraded\n"                    # 7
            "---\n"
            "De tekst.\n")
    paths, _, problems = read(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], 7, "'lab' is stated twice", "keep only one")


# --- planned closures ---------------------------------------------------------------------------


@pytest.mark.parametrize("end", ["2026-01-20T19:00:00+01:00", "2026-01-20T20:00:00+01:00",
                                 "2026-01-20T19:00:00+00:00"], ids=["before", "equal", "equal-other-offset"])
def test_planned_end_not_after_start(tmp_path, end):
    text = ("---\n"                                      # 1
            "title: Geplande sluiting labo\n"            # 2
            "date: 2026-01-16T14:00:00+01:00\n"          # 3
            "departments:\n"                             # 4
            "  lab: maintenance\n"                       # 5
            "planned:\n"                                 # 6
            "  start: 2026-01-20T20:00:00+01:00\n"       # 7
            f"  end: {end}\n"                            # 8
            "---\n"
            "De tekst.\n")
    paths, statements, problems = read(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], 8, "'end' must be after 'start'")
    assert statements == []


def test_planned_missing_end(tmp_path):
    text = ("---\n"                                      # 1
            "title: Geplande sluiting labo\n"            # 2
            "date: 2026-01-16T14:00:00+01:00\n"          # 3
            "departments:\n"                             # 4
            "  lab: maintenance\n"                       # 5
            "planned:\n"                                 # 6
            "  start: 2026-01-20T20:00:00+01:00\n"       # 7
            "---\n"
            "De tekst.\n")
    paths, statements, problems = read(tmp_path, {"a.md": text})
    # The 'planned' key, or the first line of its block.
    problem_at(problems, paths["a.md"], (6, 7), "no 'end'", "add 'end:")
    assert statements == []


def test_planned_start_without_offset(tmp_path):
    text = ("---\n"                                      # 1
            "title: Geplande sluiting labo\n"            # 2
            "date: 2026-01-16T14:00:00+01:00\n"          # 3
            "planned:\n"                                 # 4
            "  start: 2026-01-20T20:00:00\n"             # 5
            "  end: 2026-01-20T23:00:00+01:00\n"         # 6
            "---\n"
            "De tekst.\n")
    paths, statements, problems = read(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], 5, "no UTC offset")
    assert statements == []


@pytest.mark.parametrize("departments", ["departments: {lab: }\n", "departments:\n  lab:\n"],
                         ids=["flow", "block"])
def test_planned_department_without_status_is_maintenance(tmp_path, departments):
    text = ("---\n"
            "title: Geplande sluiting labo\n"
            "date: 2026-01-16T14:00:00+01:00\n"
            + departments +
            "planned:\n"
            "  start: 2026-01-20T20:00:00+01:00\n"
            "  end: 2026-01-20T23:00:00+01:00\n"
            "---\n"
            "De tekst.\n")
    _, statements, problems = read(tmp_path, {"a.md": text})
    assert not problems.errors, listing(problems)
    (statement,) = statements
    assert statement.departments == {"lab": "maintenance"}
    assert statement.planned.start.isoformat() == "2026-01-20T20:00:00+01:00"
    assert statement.planned.end - statement.planned.start == timedelta(hours=3)


# --- translations -------------------------------------------------------------------------------


TRANSLATION = ("---\n"
               "title: Urgences temporairement fermées\n"
               "---\n"
               "Le texte.\n")


def test_translation_for_unknown_language(tmp_path):
    paths, statements, problems = read(tmp_path, {"a.md": VALID, "a.de.md": TRANSLATION})
    problem = problem_at(problems, paths["a.de.md"], 1, "unknown language 'de'", "'nl'", "'fr'", "'en'")
    assert "mkdocs.yml" in problem.message
    assert [p.path for p in problems.errors] == [paths["a.de.md"]]
    assert [s.id for s in statements] == ["a"]


def test_translation_for_an_update_that_does_not_exist(tmp_path):
    paths, _, problems = read(tmp_path, {"a.md": VALID, "b.fr.md": TRANSLATION})
    problem_at(problems, paths["b.fr.md"], 1, "no update 'b.md'", "check the file name")
    assert [p.path for p in problems.errors] == [paths["b.fr.md"]]


@pytest.mark.parametrize(("block", "key", "line"), [
    ("date: 2026-01-13T06:32:00+01:00\n", "date", 3),
    ("departments:\n  emergency: reduced\n", "departments", 3),
    ("incident: cyberaanval-2026-01\n", "incident", 3),
    ("phase: resolved\n", "phase", 3),
    ("planned:\n  start: 2026-01-20T20:00:00+01:00\n  end: 2026-01-20T23:00:00+01:00\n", "planned", 3),
])
def test_translation_stating_a_statement_key(tmp_path, block, key, line):
    text = ("---\n"                                          # 1
            "title: Urgences temporairement fermées\n"       # 2
            + block +                                        # 3: the offending key
            "summary: Les urgences sont fermées.\n"
            "---\n"
            "Le texte.\n")
    paths, _, problems = read(tmp_path, {"a.md": VALID, "a.fr.md": text})
    problem_at(problems, paths["a.fr.md"], line, f"'{key}' belongs to the statement", "remove it")


def test_translation_unknown_key(tmp_path):
    text = ("---\n"
            "title: Urgences temporairement fermées\n"
            "sumary: Les urgences sont fermées.\n"   # 3
            "---\n"
            "Le texte.\n")
    paths, _, problems = read(tmp_path, {"a.md": VALID, "a.fr.md": text})
    problem_at(problems, paths["a.fr.md"], 3, "unknown key 'sumary'", "did you mean 'summary'")


def test_empty_translation_stub_is_a_warning_and_the_statement_is_published_untranslated(tmp_path):
    stub = '---\ntitle: ""\nsummary: \n---\n\n'
    paths, statements, problems = read(tmp_path, {"a.md": VALID, "a.en.md": stub})
    assert problems.errors == [], listing(problems)
    (warning,) = [p for p in problems if p.path == paths["a.en.md"]]
    assert (warning.severity, warning.line) == ("warning", 2)
    assert "not translated yet" in warning.message and "delete the file" in warning.message
    assert [s.id for s in statements] == ["a"]
    assert not statements[0].is_translated("en")


def test_translation_of_a_broken_update_is_not_called_an_orphan(tmp_path):
    """a.md exists but has malformed YAML: report a.md, not 'there is no update a.md' for each translation."""
    broken = ("---\n"
              "title: Spoed: tijdelijk dicht\n"
              "date: 2026-01-13T06:32:00+01:00\n"
              "---\n"
              "De tekst.\n")
    paths, _, problems = read(tmp_path, {"a.md": broken, "a.fr.md": TRANSLATION})
    problem_at(problems, paths["a.md"], 2, "malformed YAML")
    misleading = [p.format() for p in problems if "there is no update" in p.message]
    assert misleading == [], "the update exists (it is broken); the translation is not an orphan"


# --- files ----------------------------------------------------------------------------------------


def test_same_id_in_two_subfolders(tmp_path):
    other = VALID.replace("06:32", "07:00")
    paths, _, problems = read(tmp_path, {"2025/a.md": VALID, "2026/a.md": other})
    errors = [p for p in problems.errors if "'a'" in p.message]
    assert len(errors) == 1, listing(problems)
    problem = errors[0]
    assert problem.line == 1
    assert problem.path in (paths["2025/a.md"], paths["2026/a.md"])
    other_path = paths["2026/a.md"] if problem.path == paths["2025/a.md"] else paths["2025/a.md"]
    assert str(other_path) in problem.message or other_path.parent.name in problem.message
    assert "rename" in problem.message and "unique" in problem.message


def test_same_id_is_reported_even_when_the_first_file_is_broken(tmp_path):
    """All problems in one run: fixing the YAML of 2025/a.md must not reveal a new, hidden error."""
    broken = ("---\n"
              "title: Spoed: dicht\n"
              "date: 2026-01-13T06:32:00+01:00\n"
              "---\n"
              "Tekst.\n")
    paths, _, problems = read(tmp_path, {"2025/a.md": broken, "2026/a.md": VALID})
    problem_at(problems, paths["2025/a.md"], 2, "malformed YAML")
    duplicates = [p for p in problems.errors if "unique" in p.message]
    assert len(duplicates) == 1, listing(problems)
    assert duplicates[0].line == 1


def test_same_translation_in_two_subfolders(tmp_path):
    paths, statements, problems = read(tmp_path, {"2026/a.md": VALID, "2025/a.fr.md": TRANSLATION,
                                                  "2026/a.fr.md": TRANSLATION})
    errors = problems.errors
    assert len(errors) == 1, listing(problems)
    assert errors[0].path in (paths["2025/a.fr.md"], paths["2026/a.fr.md"])
    assert errors[0].line == 1
    assert "keep only one" in errors[0].message


@pytest.mark.parametrize(("data", "line"), [
    # A Latin-1 'é' in the title.
    ("---\ntitle: Caf\xe9 gesloten\ndate: 2026-01-13T06:32:00+01:00\n---\nDe tekst.\n".encode("latin-1"), 2),
    # A Windows-1252 quote in the body, far down.
    ("---\ntitle: Cafe gesloten\ndate: 2026-01-13T06:32:00+01:00\n---\n\nEen.\n\nZe zei \u201cja\u201d.\n"
     .encode("cp1252"), 8),
], ids=["title", "body"])
def test_file_not_utf8(tmp_path, data, line):
    paths, statements, problems = read(tmp_path, {"a.md": data})
    problem_at(problems, paths["a.md"], line, "not UTF-8", "save it again")
    assert statements == []


@pytest.mark.parametrize("name", ["Bad_Name.md", "2026-01-13 spoed.md", "-spoed.md", "Spoed.fr.md"])
def test_invalid_file_name(tmp_path, name):
    paths, statements, problems = read(tmp_path, {name: VALID})
    problem_at(problems, paths[name], 1, "not a valid statement id", "rename the file", "lower-case")
    assert statements == []


def test_default_language_suffix_is_reported(tmp_path):
    paths, _, problems = read(tmp_path, {"a.nl.md": VALID})
    problem_at(problems, paths["a.nl.md"], 1, "rename it to 'a.md'")


def test_all_problems_in_one_run(tmp_path):
    files = {
        "2026/ok.md": VALID,
        "2026/a.md": "# Geen front matter\n",
        "2026/b.md": VALID.replace("06:32:00+01:00", "06:32:00"),
        "2026/c.md": VALID.replace("departments:", "departmens:"),
        "2026/d.md": VALID.replace("reduced", "kapot"),
        "2026/e.md": VALID.replace("title: Spoed tijdelijk dicht\n", ""),
        "2026/x.de.md": TRANSLATION,
    }
    paths, statements, problems = read(tmp_path, files)
    broken = [paths[name] for name in files if name != "2026/ok.md"]
    assert len(problems.errors) >= len(broken), listing(problems)
    assert {p.path for p in problems.errors} == set(broken), listing(problems)
    assert "ok" in [s.id for s in statements]


# --- a valid statement ----------------------------------------------------------------------------


def test_valid_statement_is_read_completely(tmp_path):
    default = ("---\n"
               "title: \"Cyberaanval: alle servers uitgeschakeld\"\n"
               "date: 2026-01-13T06:32:00+01:00\n"
               "incident: cyberaanval-2026-01\n"
               "phase: investigating\n"
               "summary: Spoed werkt met beperkte capaciteit.\n"
               "departments:\n"
               "  emergency: reduced\n"
               "  mug: offline\n"
               "notes:\n"
               "  emergency: Kom enkel bij levensbedreigende nood.\n"
               "  mug: Bel 112.\n"
               "---\n"
               "De **verklaring** zelf.\n")
    french = ("---\n"
              "title: \"Cyberattaque : tous les serveurs coupés\"\n"
              "summary: Les urgences fonctionnent à capacité réduite.\n"
              "notes:\n"
              "  emergency: Venez seulement en cas d'urgence vitale.\n"
              "---\n"
              "La **déclaration**.\n")
    paths, statements, problems = read(tmp_path, {"2026/2026-01-13-0632-servers-offline.md": default,
                                                  "2026/2026-01-13-0632-servers-offline.fr.md": french})
    assert list(problems) == [], listing(problems)
    (s,) = statements
    assert s.id == "2026-01-13-0632-servers-offline"
    assert s.path == paths["2026/2026-01-13-0632-servers-offline.md"]
    assert s.date.tzinfo is not None
    assert s.date.utcoffset() == timedelta(hours=1)
    assert s.date.isoformat() == "2026-01-13T06:32:00+01:00"
    assert s.incident == "cyberaanval-2026-01"
    assert s.phase == "investigating"
    assert s.departments == {"emergency": "reduced", "mug": "offline"}
    assert s.planned is None
    assert set(s.texts) == {"nl", "fr"}
    nl, fr = s.texts["nl"], s.texts["fr"]
    assert nl.title == "Cyberaanval: alle servers uitgeschakeld"
    assert nl.summary == "Spoed werkt met beperkte capaciteit."
    assert nl.notes == {"emergency": "Kom enkel bij levensbedreigende nood.", "mug": "Bel 112."}
    assert nl.body.strip() == "De **verklaring** zelf."
    assert fr.title == "Cyberattaque : tous les serveurs coupés"
    assert fr.notes == {"emergency": "Venez seulement en cas d'urgence vitale."}
    assert fr.body.strip() == "La **déclaration**."
    assert fr.path == paths["2026/2026-01-13-0632-servers-offline.fr.md"]
    # Untranslated: the default-language text, and it says so.
    assert s.is_translated("nl") and s.is_translated("fr") and not s.is_translated("en")
    assert s.text("en") is nl
    assert s.text("fr") is fr
    # Notes fall back per department to the default language.
    assert s.note("emergency", "fr") == ("Venez seulement en cas d'urgence vitale.", "fr")
    assert s.note("mug", "fr") == ("Bel 112.", "nl")
    assert s.note("lab", "fr") is None
    assert s.group_id == "cyberaanval-2026-01" and not s.is_notice


def test_statements_come_out_in_date_order_from_subfolders(tmp_path):
    files = {
        "2026/02/b.md": VALID.replace("2026-01-13T06:32", "2026-02-01T08:00"),
        "2026/01/deep/a.md": VALID,
        "c.md": VALID.replace("2026-01-13T06:32", "2026-01-20T08:00"),
        "2026/01/a.fr.md": TRANSLATION,  # a translation may sit in another subfolder
    }
    _, statements, problems = read(tmp_path, files)
    assert list(problems) == [], listing(problems)
    assert [s.id for s in statements] == ["a", "c", "b"]
    assert statements[0].is_translated("fr")


def test_crlf_and_bom_files_are_read_with_correct_lines(tmp_path):
    text = ("\ufeff---\r\n"
            "title: Spoed tijdelijk dicht\r\n"
            "date: 2026-01-13T06:32:00+01:00\r\n"
            "departments:\r\n"
            "  emergency: kapot\r\n"                # 5
            "---\r\n"
            "De tekst.\r\n")
    paths, _, problems = read(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], 5, "unknown status 'kapot'")


def test_readme_in_updates_is_not_a_statement(tmp_path):
    _, statements, problems = read(tmp_path, {"README.md": "# How to write an update\n", "a.md": VALID})
    assert list(problems) == [], listing(problems)
    assert [s.id for s in statements] == ["a"]


def test_example_updates_read_without_problems():
    statements, problems = read_updates(EXAMPLE_UPDATES, example_site())
    assert list(problems) == [], listing(problems)
    assert len(statements) == 19


# --- Problem ------------------------------------------------------------------------------------


def test_problem_format():
    problem = Problem(Path("updates/2026/a.md"), 4, "unknown key 'departmens': fix it")
    assert problem.format() == "updates/2026/a.md:4: unknown key 'departmens': fix it"
    assert problem.is_error


def test_problem_format_relative_to_root(tmp_path):
    path = tmp_path / "updates" / "a.md"
    assert Problem(path, 3, "m").format(tmp_path) == "updates/a.md:3: m"
    # A path outside the root stays as it is.
    assert Problem(Path("/elsewhere/a.md"), 3, "m").format(tmp_path) == "/elsewhere/a.md:3: m"


def test_problem_warning_is_marked_and_not_an_error():
    problems = Problems()
    problems.add("a.md", 2, "something to look at", severity="warning")
    problems.add("b.md", 1, "broken")
    assert [p.path.name for p in problems.errors] == ["b.md"]
    assert problems[0].format() == "a.md:2: warning: something to look at"


# --- the site set-up (mkdocs.yml) ----------------------------------------------------------------


BROKEN_CONFIG = """\
site_name: Test hospital
docs_dir: docs
plugins:
  - statuspress:
      timezone: Europe/Brusels
      languages: [nl, fr, en]
      groups:
        noord: {nl: Campus Noord, fr: Campus Nord}
      departments:
        emergency:
          group: noord
          name: {nl: Spoed, fr: Urgences}
        lab:
          group: zuid
          name: {nl: Labo}
        Radiology:
          name: {nl: Radiologie}
"""


@pytest.fixture
def broken_config(tmp_path):
    (tmp_path / "docs").mkdir()
    return write(tmp_path, "mkdocs.yml", BROKEN_CONFIG)


@pytest.mark.parametrize(("line", "keywords"), [
    (5, ("unknown time zone 'Europe/Brusels'", "Europe/Brussels")),
    (14, ("unknown group 'zuid'", "add it under 'groups'")),
    (16, ("department id 'Radiology'", "lower-case")),
], ids=["timezone", "unknown-group", "uppercase-id"])
def test_site_config_errors(broken_config, line, keywords):
    site, problems = load_site(broken_config)
    assert site is None
    problem_at(problems, broken_config, line, *keywords)


def test_site_config_reports_all_problems(broken_config):
    _, problems = load_site(broken_config)
    assert sorted(p.line for p in problems.errors) == [5, 14, 16], listing(problems)


def test_site_config_of_the_example():
    site, problems = load_site(EXAMPLE_CONFIG)
    assert list(problems) == [], listing(problems)
    assert site.languages == ("nl", "fr", "en")
    assert site.default_language == "nl"
    assert site.timezone == "Europe/Brussels"
    assert list(site.departments) == ["emergency", "mug", "icu", "radiology", "lab", "planned-procedures",
                                      "consultations", "maternity", "pharmacy", "registration"]
    assert site.departments["registration"].group is None
    assert site.departments["emergency"].group == "noord"
    assert site.department_name("mug", "fr") == "SMUR"
    assert site.url == "https://status.az-scheldeland.example/"


# -- the preview's cache of files read ------------------------------------------------------------

def _statement(title: str, date: str = "2026-01-13T06:32:00+01:00", extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {date}\ndepartments: {{lab: offline}}\n{extra}---\nDe tekst.\n"


def _read_both(updates: Path, cache: dict):
    """With the cache, and without: both must give the same statements and problems."""
    cached = read_updates(updates, SITE, cache=cache)
    fresh = read_updates(updates, SITE)
    assert cached[0] == fresh[0] and listing(cached[1].sorted()) == listing(fresh[1].sorted())
    return cached


def test_cache_gives_what_reading_gives_and_sees_every_change(tmp_path):
    updates = tmp_path / "updates"
    one = write(updates, "2026-01-13-0632-a.md", _statement("Eerste"))
    two = write(updates, "2026-01-13-0700-b.md", _statement("Tweede", "2026-01-13T07:00:00+01:00"))
    fr = write(updates, "2026-01-13-0632-a.fr.md", "---\ntitle: Premier\n---\nLe texte.\n")
    cache = {}
    statements, problems = _read_both(updates, cache)
    assert [s.text("fr").title for s in statements] == ["Premier", "Tweede"] and not problems
    assert set(cache) == {one, two, fr}

    one.write_text(_statement("Eerste, verbeterd"), encoding="utf-8")
    fr.write_text("---\ntitle: Premier, corrigé\n---\nLe texte.\n", encoding="utf-8")
    statements, _ = _read_both(updates, cache)
    assert [s.text("fr").title for s in statements] == ["Premier, corrigé", "Tweede"]
    assert statements[0].text("nl").title == "Eerste, verbeterd"

    # A mistake is reported at every read, never kept; once fixed the file is read again.
    two.write_text(_statement("Tweede", "2026-01-13T07:00:00", extra="departmens: {lab: offline}\n"),
                   encoding="utf-8")
    for _ in range(2):
        statements, problems = _read_both(updates, cache)
        assert [s.id for s in statements] == ["2026-01-13-0632-a"] and len(problems.errors) == 2
        assert two not in cache
    two.write_text(_statement("Tweede", "2026-01-13T07:00:00+01:00"), encoding="utf-8")
    assert len(_read_both(updates, cache)[0]) == 2

    two.unlink()
    fr.unlink()
    statements, _ = _read_both(updates, cache)
    assert [(s.id, s.text("fr").title) for s in statements] == [("2026-01-13-0632-a", "Eerste, verbeterd")]


def test_cache_spares_an_unchanged_file_and_never_keeps_a_date_too_far_ahead(tmp_path):
    updates = tmp_path / "updates"
    path = write(updates, "2026-01-13-0632-a.md", _statement("Eerste"))
    cache = {}
    read_updates(updates, SITE, cache=cache)
    # The same size, time and file: taken as unchanged, so not parsed again.
    stat = path.stat()
    path.write_text(_statement("Andere"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert read_updates(updates, SITE, cache=cache)[0][0].text("nl").title == "Eerste"
    assert read_updates(updates, SITE)[0][0].text("nl").title == "Andere"

    # Dated two days ahead without an embargo: an error at each read while it is.
    ahead = (datetime.now(timezone.utc) + timedelta(days=2)).astimezone(ZoneInfo("Europe/Brussels"))
    later = write(updates, "2026-01-13-0700-later.md", _statement("Later", ahead.isoformat(timespec="minutes")))
    for _ in range(2):
        problems = read_updates(updates, SITE, cache=cache)[1]
        assert [p.path for p in problems.errors] == [later] and later not in cache

"""Per-file rules that stop a statement publishing a wrong status without a word (README, "Errors and warnings").

Each drives the real reader over real files and asserts the file, the line and the key
words of the fix.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import yaml

from generator.read import TEMPLATE_BODY, is_untouched_stub, read_updates
from generator.read import front_matter
from helpers import VALID, listing, make_site, problem_at

PRESENT = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)  # after every date used here


def statement(date="2026-01-13T06:32:00+01:00", extra="", body="De tekst.") -> str:
    return ("---\n"                                # 1
            "title: Spoed tijdelijk dicht\n"       # 2
            f"date: {date}\n"                      # 3
            + extra +                              # 4...
            "---\n"
            f"{body}\n")


def read_at(tmp_path, files, present=PRESENT, site=None):
    updates = tmp_path / "updates"
    updates.mkdir(exist_ok=True)
    paths = {}
    for name, text in files.items():
        paths[name] = updates / name
        paths[name].write_text(text, encoding="utf-8")
    statements, problems = read_updates(updates, site or make_site(), present=present)
    return paths, statements, problems


# --- the UTC offset of the site's time zone ----------------------------------------------------


@pytest.mark.parametrize(("date", "right", "fixed"), [
    ("2026-07-14T15:00:00+01:00", "+02:00", "2026-07-14T15:00:00+02:00"),  # the July statement
    ("2026-01-13T06:32:00+02:00", "+01:00", "2026-01-13T06:32:00+01:00"),  # summer offset in winter
    ("2026-01-13T06:32:00+00:00", "+01:00", "2026-01-13T06:32:00+01:00"),  # '+00:00' is not 'Z'
], ids=["july-winter-offset", "january-summer-offset", "zero-offset"])
def test_offset_other_than_the_site_zone_names_the_right_one(tmp_path, date, right, fixed):
    paths, statements, problems = read_at(tmp_path, {"a.md": statement(date)})
    problem_at(problems, paths["a.md"], 3, "offset", "Europe/Brussels", f"is at {right}", f"write {fixed}", "'Z'")
    assert statements == []


@pytest.mark.parametrize("date", ["2026-07-14T13:00:00Z", "2026-07-14T15:00:00+02:00", "2026-01-13T06:32:00+01:00",
                                  "2026-03-29T03:30:00+02:00", "2026-10-25T02:30:00+01:00"],
                         ids=["Z", "summer", "winter", "after-spring-change", "second-02h30-in-autumn"])
def test_right_offset_or_z_is_accepted(tmp_path, date):
    _, statements, problems = read_at(tmp_path, {"a.md": statement(date)})
    assert list(problems) == [], listing(problems)
    assert [s.date for s in statements] == [datetime.fromisoformat(date)]


def test_offset_of_a_planned_window_is_checked_at_each_end(tmp_path):
    text = statement("2026-06-01T10:00:00+02:00",
                     "departments: {lab: maintenance}\n"    # 4
                     "planned:\n"                            # 5
                     "  start: 2026-06-20T20:00:00+01:00\n"  # 6
                     "  end: 2026-06-20T23:00:00Z\n")        # 7 ('Z' is fine)
    paths, statements, problems = read_at(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], 6, "'start: 2026-06-20T20:00:00+01:00'", "+02:00",
               "write 2026-06-20T20:00:00+02:00")
    assert [p.line for p in problems.errors] == [6], listing(problems)
    assert statements == []


def test_a_time_the_clocks_skip_is_refused_with_the_same_moment(tmp_path):
    paths, _, problems = read_at(tmp_path, {"a.md": statement("2026-03-29T02:30:00+01:00")})
    problem_at(problems, paths["a.md"], 3, "does not exist in Europe/Brussels", "skip",
               "write 2026-03-29T03:30:00+02:00")


def test_a_site_in_utc_accepts_plus_zero(tmp_path):
    _, statements, problems = read_at(tmp_path, {"a.md": statement("2026-07-14T15:00:00+00:00")},
                                      site=make_site(timezone="UTC"))
    assert list(problems) == [], listing(problems)
    assert len(statements) == 1


def test_missing_offset_suggests_the_offset_of_that_date(tmp_path):
    paths, _, problems = read_at(tmp_path, {"a.md": statement("2026-07-14T15:00:00")})
    problem_at(problems, paths["a.md"], 3, "no UTC offset", "'+02:00'", "2026-07-14T15:00:00+02:00")


# --- years ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("date", "planned_end", "line", "year"), [
    ("0001-01-01T00:00:00+00:00", None, 3, "1"),
    ("9999-12-31T23:59:59+01:00", None, 3, "9999"),
    ("1999-12-31T23:00:00+01:00", None, 3, "1999"),
    ("2101-01-01T10:00:00+01:00", None, 3, "2101"),
    ("2026-01-13T06:32:00+01:00", "9999-12-31T23:59:59+01:00", 7, "9999"),
    ("2026-01-13T06:32:00+01:00", "0001-01-02T00:00:00+00:00", 7, "1"),
], ids=["year-1", "year-9999", "1999", "2101", "planned-end-9999", "planned-end-1"])
def test_dates_outside_2000_to_2100_are_refused(tmp_path, date, planned_end, line, year):
    extra = ""
    if planned_end:
        extra = ("departments: {lab: maintenance}\n"      # 4
                 "planned:\n"                              # 5
                 "  start: 2026-01-20T20:00:00+01:00\n"    # 6
                 f"  end: {planned_end}\n")                # 7
    paths, statements, problems = read_at(tmp_path, {"a.md": statement(date, extra)})
    problem_at(problems, paths["a.md"], line, f"year {year}", "before 2000 or after 2100", "correct the year")
    assert statements == []


# --- embargo ---------------------------------------------------------------------------------------


def test_a_date_more_than_a_day_ahead_needs_an_embargo(tmp_path):
    ahead = (PRESENT + timedelta(days=3)).astimezone(timezone(timedelta(hours=1)))
    paths, statements, problems = read_at(tmp_path, {"a.md": statement(ahead.isoformat())})
    problem_at(problems, paths["a.md"], 3, "3 days from now", "more than 24 hours", "typo", "'embargo: true'")
    assert statements == []


def test_an_embargo_allows_it_and_is_kept(tmp_path):
    ahead = (PRESENT + timedelta(days=30)).astimezone(timezone(timedelta(hours=1)))  # Brussels in winter
    text = statement(ahead.isoformat(), "embargo: true\n")
    _, statements, problems = read_at(tmp_path, {"a.md": text})
    assert list(problems) == [], listing(problems)
    assert [s.embargo for s in statements] == [True]


def test_less_than_a_day_ahead_needs_no_embargo(tmp_path):
    ahead = (PRESENT + timedelta(hours=23)).astimezone(timezone(timedelta(hours=1)))
    _, statements, problems = read_at(tmp_path, {"a.md": statement(ahead.isoformat())})
    assert list(problems) == [], listing(problems)
    assert [s.embargo for s in statements] == [False]


def test_embargo_must_be_true_or_false(tmp_path):
    paths, _, problems = read_at(tmp_path, {"a.md": statement(extra="embargo: morgen\n")})
    problem_at(problems, paths["a.md"], 4, "'embargo' must be 'true'", "'false'")


def test_embargo_in_a_translation_belongs_to_the_statement(tmp_path):
    translation = "---\ntitle: Urgences fermées\nembargo: true\n---\nTexte.\n"
    paths, _, problems = read_at(tmp_path, {"a.md": VALID, "a.fr.md": translation})
    problem_at(problems, paths["a.fr.md"], 3, "'embargo' belongs to the statement")


def test_the_present_is_the_real_clock_not_source_date_epoch(tmp_path, monkeypatch):
    """A replay of last week (SOURCE_DATE_EPOCH) must not trip on last week's later statements,
    and must not let a statement dated a year ahead of today through."""
    real_now = datetime.now(timezone.utc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int((real_now - timedelta(days=7)).timestamp())))
    # In UTC ('Z'), whatever the season of the real clock.
    yesterday = (real_now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    next_year = (real_now + timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
    paths, statements, problems = read_at(tmp_path, {"a.md": statement(yesterday),
                                                     "b.md": statement(next_year)}, present=None)
    assert [p.path for p in problems.errors] == [paths["b.md"]], listing(problems)
    problem_at(problems, paths["b.md"], 3, "days from now", "'embargo: true'")
    assert [s.id for s in statements] == ["a"]


# --- a resolved statement gives its departments back -------------------------------------------


def test_resolved_statement_stating_another_status_is_refused_at_the_department(tmp_path):
    text = statement(extra="incident: cyberaanval-2026-01\n"   # 4
                           "phase: resolved\n"                 # 5
                           "departments:\n"                    # 6
                           "  emergency: operational\n"        # 7
                           "  maternity: offline\n")           # 8
    paths, statements, problems = read_at(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], 8, "'maternity: offline' in a resolved statement",
               "write 'maternity: operational'", "'monitoring'")
    assert [p.line for p in problems.errors] == [8], listing(problems)
    assert statements == []


def test_resolved_statement_with_every_department_operational_is_fine(tmp_path):
    text = statement(extra="incident: cyberaanval-2026-01\nphase: resolved\ndepartments: {emergency: operational}\n")
    _, statements, problems = read_at(tmp_path, {"a.md": text})
    assert list(problems) == [], listing(problems)
    assert statements[0].departments == {"emergency": "operational"}


# --- what `statuspress new` writes, left as written -------------------------------------------


def test_template_body_left_as_written_is_an_error(tmp_path):
    text = statement(extra="summary: Spoed is dicht.\n", body=f"\n{TEMPLATE_BODY}")   # body on line 7
    paths, statements, problems = read_at(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], 7, "still the template", TEMPLATE_BODY, "replace it")
    assert statements == []


def test_template_sentence_inside_a_real_statement_is_fine(tmp_path):
    text = statement(body=f"Spoed is dicht.\n\n{TEMPLATE_BODY}")
    _, statements, problems = read_at(tmp_path, {"a.md": text})
    assert list(problems) == [], listing(problems)


@pytest.mark.parametrize("value", ["", ' ""', " ''"], ids=["bare", "double-quoted", "single-quoted"])
def test_empty_summary_in_the_default_file_is_an_error(tmp_path, value):
    paths, statements, problems = read_at(tmp_path, {"a.md": statement(extra=f"summary:{value}\n")})
    problem_at(problems, paths["a.md"], 4, "'summary' is empty", "write one sentence", "remove the line")
    assert statements == []


# --- translation stubs ---------------------------------------------------------------------------

# What `statuspress new --translate fr,en` writes.
STUB = '---\ntitle: ""\nsummary: ""\n---\n<!-- Spoed tijdelijk dicht\n\nDe tekst. -->\n'


def test_untouched_stub_is_a_warning_and_the_statement_is_published_untranslated(tmp_path):
    paths, statements, problems = read_at(tmp_path, {"a.md": VALID, "a.fr.md": STUB, "a.en.md": STUB})
    assert problems.errors == [], listing(problems)
    warnings = sorted((p.path.name, p.line, p.severity) for p in problems)
    assert warnings == [("a.en.md", 2, "warning"), ("a.fr.md", 2, "warning")]
    assert all("not translated yet" in p.message and "'nl'" in p.message for p in problems)
    (s,) = statements
    assert not s.is_translated("fr") and not s.is_translated("en")
    assert s.text("fr").lang == "nl"


def test_translation_with_a_text_but_no_title_is_an_error(tmp_path):
    text = '---\ntitle: ""\n---\nLe texte traduit.\n'
    paths, statements, problems = read_at(tmp_path, {"a.md": VALID, "a.fr.md": text})
    problem_at(problems, paths["a.fr.md"], 2, "no title", "write its title")


def test_is_untouched_stub():
    assert is_untouched_stub("", "<!-- à traduire -->\n")
    assert is_untouched_stub(None, "")
    assert is_untouched_stub("  ", "<!-- a -->\n\n<!-- b\n c -->")
    assert not is_untouched_stub("", "<!-- a --> Texte.")
    assert not is_untouched_stub("Titre", "")


# --- tabs and invisible characters in the front matter -------------------------------------------


@pytest.mark.parametrize(("text", "line", "column"), [
    ("---\ntitle:\tSpoed dicht\ndate: 2026-01-13T06:32:00+01:00\n---\nTekst.\n", 2, 7),
    ("---\ntitle: Spoed dicht\ndate: 2026-01-13T06:32:00+01:00\ndepartments:\n\temergency: reduced\n---\nT.\n", 5, 1),
    ("---\ntitle: Spoed dicht\ndate: 2026-01-13T06:32:00+01:00\nsummary: \"a\tb\"\n---\nT.\n", 4, 12),
], ids=["after-key", "indentation", "inside-quotes"])
def test_tab_is_named_with_its_line_and_column(tmp_path, text, line, column):
    paths, statements, problems = read_at(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], line, "tab character", f"column {column}", "spaces")
    assert statements == []


@pytest.mark.parametrize(("char", "name"), [
    ("\x00", "NUL"), ("\u2028", "U+2028"), ("\x0c", "form feed"), ("\x85", "U+0085"), ("\u2029", "U+2029"),
    ("\x1b", "U+001B"),
], ids=["nul", "line-separator", "form-feed", "next-line", "paragraph-separator", "escape"])
def test_invisible_characters_do_not_shift_line_numbers(tmp_path, char, name):
    text = ("---\n"                                      # 1
            f"title: Spoed{char} dicht\n"                # 2: the invisible character
            "date: 2026-01-13T06:32:00+01:00\n"          # 3
            f"summary: Een{char} zin.\n"                 # 4: and again
            "---\n"
            "Tekst.\n")
    paths, statements, problems = read_at(tmp_path, {"a.md": text})
    assert sorted(p.line for p in problems.errors) == [2, 4], listing(problems)
    problem_at(problems, paths["a.md"], 2, name, "column 13", "delete it")
    assert statements == []


@pytest.mark.parametrize("char", ["\u2028", "\x0c", "\x85"], ids=["line-separator", "form-feed", "next-line"])
def test_invisible_characters_in_the_body_do_not_move_front_matter_errors(tmp_path, char):
    text = ("---\n"
            "title: Spoed dicht\n"
            "date: 2026-01-13T06:32:00+01:00\n"
            "departments:\n"
            "  emergency: kapot\n"                       # 5
            "---\n"
            f"Een{char}twee{char}drie.\n")
    paths, _, problems = read_at(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], 5, "unknown status 'kapot'")


def test_lone_carriage_return_is_reported_on_its_line(tmp_path):
    text = "---\ntitle: Spoed\rdicht\ndate: 2026-01-13T06:32:00+01:00\n---\nTekst.\n"
    paths, _, problems = read_at(tmp_path, {"a.md": text})
    problem_at(problems, paths["a.md"], 2, "carriage return")


# --- deep nesting ----------------------------------------------------------------------------------


@pytest.mark.parametrize("loader", ["libyaml", "pure-python"])
@pytest.mark.parametrize("style", ["flow", "block"])
def test_deeply_nested_front_matter_is_a_located_error(tmp_path, monkeypatch, loader, style):
    if loader == "pure-python":
        monkeypatch.setattr(front_matter, "SAFE_LOADER", yaml.SafeLoader)
    elif not yaml.__with_libyaml__:
        pytest.skip("PyYAML without libyaml here: the pure-python case covers it")
    depth = 3000 if style == "flow" else 1200  # block style grows as depth squared
    if style == "flow":
        nested = "notes: " + "[" * depth + "]" * depth + "\n"   # line 4
    else:
        nested = "notes:\n" + "".join(" " * i + "- \n" for i in range(1, depth))
    text = statement(extra=nested)
    paths, statements, problems = read_at(tmp_path, {"a.md": text})
    problem = problem_at(problems, paths["a.md"], tuple(range(4, depth + 6)), "nested too deeply")
    assert problem.line < 4 + front_matter.MAX_DEPTH + 2 or loader == "libyaml", problem.format()
    assert statements == []


def _nested(style: str, depth: int) -> str:
    """Front matter whose deepest value sits `depth` levels below the top, written as tersely as YAML allows."""
    inner = depth - 1  # lists or mappings under 'notes'
    return "title: x\nnotes: " + {
        "flow list": "[" * inner + "x" + "]" * inner,
        "flow mapping": "{a: " * inner + "x" + "}" * inner,
        "compact list": "\n" + "- " * inner + "x",
        "block mapping": "\n" + "".join(" " * level + "k:\n" for level in range(1, inner)) + " " * inner + "k: x",
    }[style] + "\n"


@pytest.mark.parametrize("loader", ["libyaml", "pure-python"])
@pytest.mark.parametrize("style", ["flow list", "flow mapping", "compact list", "block mapping"])
def test_one_level_too_deep_is_found_however_tersely_written(monkeypatch, loader, style):
    # The depth is measured only when the text has room for it: this is the least room it takes.
    if loader == "pure-python":
        monkeypatch.setattr(front_matter, "SAFE_LOADER", yaml.SafeLoader)
    elif not yaml.__with_libyaml__:
        pytest.skip("PyYAML without libyaml here: the pure-python case covers it")
    deepest = front_matter.MAX_DEPTH
    assert front_matter.parse(f"---\n{_nested(style, deepest)}---\nTekst.\n").node is not None
    with pytest.raises(front_matter.FrontMatterError, match="nested too deeply"):
        front_matter.parse(f"---\n{_nested(style, deepest + 1)}---\nTekst.\n")

"""Property tests over generated statements (README, "Errors and warnings": never a traceback); bounded to run in CI in under a minute.

Generated front matter, bodies and file names go through the real reader, the compute layer
and every renderer; a few through `statuspress check` and `mkdocs build` together.
"""
from __future__ import annotations

import contextlib
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import lxml.etree
import lxml.html
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from helpers import SMALL_CONFIG, mkdocs_build
from generator.compute import compute
from generator.model import PHASES, STATUSES, Statement, Text, Window
from generator.read import read_updates
from generator.render.i18n import Language
from generator.build.outputs import render_outputs
from generator.render.pages import render_pages
from helpers import make_site

SITE = make_site(departments=("emergency", "lab", "icu"), languages=("nl", "fr"), groups=("north",))
LANGUAGES = {code: Language(code, SITE.timezone) for code in SITE.languages}
NOW = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
FAST = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any character, the odd ones more often than chance would give them.
ODD = st.sampled_from(["\x00", "\x1b", "\x0c", "\x85", "\u2028", "\ufffe", "\u202e", "\u2066", "\ud800",
                       "<", ">", "&", "[", "]", "*", "_", "`", "#", "\n", "\t", "\\", "\"", "'", ":", "-",
                       "---", "<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "[^1]", "\u0627"])
TEXT = st.lists(st.one_of(st.text(max_size=8), ODD), max_size=30).map("".join)
DATES = st.one_of(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1),
                 timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=2)),
                                            timezone(timedelta(hours=-5, minutes=-30))])).map(datetime.isoformat),
    TEXT,
)
FRONT_VALUES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), TEXT, DATES),
                            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                            max_leaves=6)
FRONT = st.fixed_dictionaries(
    {},
    optional={
        "title": st.one_of(TEXT, FRONT_VALUES), "date": DATES, "summary": TEXT,
        "incident": st.one_of(st.sampled_from(["attack", "Bad Id", ""]), TEXT),
        "phase": st.one_of(st.sampled_from(PHASES), TEXT),
        "departments": st.dictionaries(st.sampled_from(["emergency", "lab", "icu", "nope"]),
                                       st.one_of(st.sampled_from(STATUSES), TEXT), max_size=3),
        "notes": st.dictionaries(st.sampled_from(["emergency", "lab"]), TEXT, max_size=2),
        "planned": st.fixed_dictionaries({"start": DATES, "end": DATES}),
        "extra": FRONT_VALUES,
    })
NAMES = st.one_of(
    st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,20}(\.(fr|en|xx))?\Z"),
    st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1, max_size=20),
).map(lambda name: name + ".md")


def _file(front, body: str, raw_front: str | None) -> str:
    header = raw_front if raw_front is not None else yaml.safe_dump(front, allow_unicode=True)
    return f"---\n{header}---\n{body}\n"


@FAST
@given(files=st.lists(st.tuples(NAMES, FRONT, TEXT, st.one_of(st.none(), TEXT)), min_size=1, max_size=4))
def test_reader_returns_statements_or_located_problems(files):
    with tempfile.TemporaryDirectory() as folder:
        updates = Path(folder) / "updates"
        updates.mkdir()
        for name, front, body, raw in files:
            try:
                (updates / name).write_text(_file(front, body, raw), encoding="utf-8", errors="surrogatepass")
            except OSError:
                continue  # a name this file system refuses
        statements, problems = read_updates(updates, SITE)
        for problem in problems:
            assert problem.line >= 1 and problem.message.strip()
            assert Path(problem.path).name in {p.name for p in updates.iterdir()} or problem.path == updates
        if statements:
            compute(SITE, statements, NOW)


def _statement(index: int, day: int, minute: int, departments: dict, phase, title: str, body: str,
               incident: str | None, planned: bool) -> Statement:
    date = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(days=day, minutes=minute)
    text = Text(lang="nl", path=Path(f"updates/s{index}.md"), title=title or "x", body=body,
                summary=None, notes={d: title for d in list(departments)[:1]})
    window = Window(date + timedelta(days=1), date + timedelta(days=2)) if planned else None
    return Statement(id=f"s{index}", path=text.path, date=date, texts={"nl": text}, default_language="nl",
                     incident=incident, phase=phase, departments=departments,
                     planned=window)


STATEMENT_ARGS = st.tuples(
    st.integers(0, 60), st.integers(0, 1439),
    st.dictionaries(st.sampled_from(["emergency", "lab", "icu"]), st.sampled_from(STATUSES), max_size=3),
    st.one_of(st.none(), st.sampled_from(PHASES)), TEXT, TEXT,
    st.sampled_from([None, "attack", "flood"]), st.booleans())


def _statements(args) -> list[Statement]:
    made = []
    for i, (day, minute, departments, phase, title, body, incident, planned) in enumerate(args):
        if planned:
            departments = {d: "maintenance" for d in departments} or {"lab": "maintenance"}
            incident = None
        made.append(_statement(i, day, minute, departments, phase, title, body, incident, planned))
    return made


@FAST
@given(args=st.lists(STATEMENT_ARGS, min_size=1, max_size=6), seed=st.integers(0, 1000))
def test_status_does_not_depend_on_file_order(args, seed):
    statements = _statements(args)
    shuffled = statements[:]
    random.Random(seed).shuffle(shuffled)
    first, second = compute(SITE, statements, NOW), compute(SITE, shuffled, NOW)
    assert first.overall == second.overall
    assert {d: s.status for d, s in first.departments.items()} == {d: s.status for d, s in second.departments.items()}
    assert sorted(first.incidents) == sorted(second.incidents)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(args=st.lists(STATEMENT_ARGS, min_size=1, max_size=4))
def test_every_output_parses(args):
    snapshot = compute(SITE, _statements(args), NOW)
    for path, content in render_outputs(snapshot, LANGUAGES).items():
        if path.endswith((".xml", ".svg")):
            lxml.etree.fromstring(content)
        elif path.endswith(".json"):
            json.loads(content)
        elif path.endswith(".ics"):
            Calendar.from_ical(content)
        text = content.decode("utf-8")
        assert "\x00" not in text and "\u202e" not in text and "\ufffe" not in text, path
    for page in render_pages(snapshot, LANGUAGES):
        tree = lxml.html.fragment_fromstring(page.html, create_parent="div")
        assert not tree.xpath("//script | //*[@onerror] | //img[starts-with(@src,'http')]"), page.path
        assert "\x00" not in page.html and "\u202e" not in page.html and "\x1b" not in page.title


CONFIG = SMALL_CONFIG.format(languages="[nl, fr]")


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front=FRONT, body=TEXT)
def test_check_and_build_agree(front, body):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "docs").mkdir()
        (root / "updates").mkdir()
        (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
        (root / "updates" / "2026-01-13-0632-x.md").write_text(_file(front, body, None), encoding="utf-8",
                                                                 errors="surrogatepass")
        checked = subprocess.run([sys.executable, "-m", "generator.cli", "check"], cwd=root,
                                 capture_output=True, text=True)
        built = mkdocs_build(root / "mkdocs.yml", root / "site", "2026-03-01T12:00:00+01:00")
        assert "Traceback" not in checked.stderr + built.stderr, checked.stderr + built.stderr
        assert (checked.returncode == 0) == (built.returncode == 0), (checked.stdout, checked.stderr, built.stderr)
        assert (root / "site" / "index.html").exists() == (built.returncode == 0)


# -- issue 21: YAML written by hand, or by an attacker ------------------------------------------
# Anchors and aliases (bombs among them), tags, escapes that decode into controls, deep nesting:
# each example ends, within a bound, in statements or located problems.

ANCHOR = st.sampled_from(["a", "b", "lol", "x1"])
ESCAPE = st.sampled_from(["\\a", "\\x07", "\\x1b", "\\e", "\\r", "\\n", "\\L", "\\P", "\\N", "\\0", "\\t",
                          "\\u202e", "\\uFFFE", "\\x85", "\\_", "\\\\", "\\\""])
WORD = st.text(st.characters(whitelist_categories=("L", "N"), whitelist_characters=" -"), max_size=6)
QUOTED = st.lists(st.one_of(WORD, ESCAPE), max_size=6).map(lambda parts: '"' + "".join(parts) + '"')
TAG = st.sampled_from(["!x ", "!!str ", "!!binary ", "!!python/object/apply:os.system ", "!<tag:yaml.org,2002:map> ",
                       "!!set ", "!!omap "])
SCALAR = st.one_of(WORD.map(lambda w: w.strip() or "w"), QUOTED, ANCHOR.map(lambda a: f"*{a}"),
                   st.tuples(TAG, WORD).map("".join))
YAML_VALUE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(WORD.map(lambda w: w.strip() or "k"), inner), max_size=3).map(
            lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"),
        st.tuples(ANCHOR, inner).map(lambda pair: f"&{pair[0]} {pair[1]}"),
        st.tuples(TAG, inner).map("".join)),
    max_leaves=12)
DEEP = st.integers(0, 400).map(lambda depth: "[" * depth + "]" * depth)


def _bomb(levels: int) -> list[str]:
    return (["b0: &b0 [x, x, x, x, x, x, x, x, x, x]"]
            + [f"b{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * 10) + "]" for i in range(1, levels)])


HOSTILE_FRONT = st.tuples(
    st.one_of(YAML_VALUE, QUOTED), st.one_of(st.just("2026-01-13T06:32:00+01:00"), YAML_VALUE),
    st.dictionaries(st.sampled_from(["emergency", "lab", "*a", "&a x"]), YAML_VALUE, max_size=3),
    st.one_of(st.none(), YAML_VALUE, DEEP), st.integers(0, 30),
).map(lambda parts: "\n".join([f"title: {parts[0]}", f"date: {parts[1]}",
                                "departments: {" + ", ".join(f"{k}: {v}" for k, v in parts[2].items()) + "}",
                                *([f"extra: {parts[3]}"] if parts[3] is not None else []),
                                *(_bomb(parts[4]) if parts[4] else [])]))


@contextlib.contextmanager
def _time_limit(seconds: int):
    """A hang becomes a failure of this example, not a stuck test run."""
    def expired(signum, frame):
        raise AssertionError(f"still reading after {seconds} s")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fronts=st.lists(HOSTILE_FRONT, min_size=1, max_size=3))
def test_hostile_yaml_ends_in_statements_or_located_problems_within_a_bound(fronts):
    with tempfile.TemporaryDirectory() as folder:
        updates = Path(folder) / "updates"
        updates.mkdir()
        names = []
        for i, front in enumerate(fronts):
            name = f"2026-01-13-06{i:02d}-x.md"
            (updates / name).write_text(f"---\n{front}\n---\nTekst.\n", encoding="utf-8")
            names.append(name)
        started = time.monotonic()
        with _time_limit(20):
            statements, problems = read_updates(updates, SITE, present=NOW)
            if statements:
                compute(SITE, statements, NOW)
        assert time.monotonic() - started < 5
        for problem in problems:
            assert problem.path.name in names and problem.message.strip()
            front_lines = fronts[names.index(problem.path.name)].count("\n") + 3
            assert 1 <= problem.line <= front_lines + 1, (problem, fronts)
        bad = {p.path.name for p in problems.errors}
        for statement in statements:
            assert statement.path.name not in bad
            for text in statement.texts.values():
                for value in (text.title, text.summary or "", *text.notes.values()):
                    assert not any(ord(c) < 0x20 or 0x7f <= ord(c) < 0xa0 or c in "\u2028\u2029" for c in value)

"""The `statuspress` command: `check` and `new`, through click's runner and the installed script."""
from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.read import TEMPLATE_BODY, read_updates
from helpers import REPO, copy_example, example_site, write

BRUSSELS = ZoneInfo("Europe/Brussels")
EPOCH_NOV_27 = int(datetime(2026, 11, 27, 12, 0, tzinfo=BRUSSELS).timestamp())
UNTRANSLATED = {
    "updates/2026/2026-01-14-1945-materniteit-hersteld.md": "fr",
    "updates/2026/2026-01-17-1500-gepland-onderhoud-apotheek.md": "en",
    "updates/2026/2026-01-19-1100-onderhoud-radiologie-geannuleerd.md": "en",
}
PROBLEM_LINE = re.compile(r"^(?P<path>[^\s:][^:]*\.(md|yml)):(?P<line>\d+): (?P<message>.+)$")


@pytest.fixture
def site_copy(tmp_path) -> Path:
    """A copy of the example site; returns its folder."""
    return copy_example(tmp_path / "site").parent


def invoke(*args, epoch: int | None = EPOCH_NOV_27):
    env = {"SOURCE_DATE_EPOCH": str(epoch)} if epoch is not None else {"SOURCE_DATE_EPOCH": None}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def run_script(*args, cwd: Path, epoch: int | None = EPOCH_NOV_27) -> subprocess.CompletedProcess:
    """The installed console script, in a real process."""
    script = shutil.which("statuspress")
    assert script, "the statuspress console script is not installed (pip install -e .)"
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    return subprocess.run([script, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def section(output: str, header: str) -> list[str]:
    """The indented lines after the line starting with `header`."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    result = []
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        result.append(line.strip())
    return result


# --- check --------------------------------------------------------------------------------------


def warnings(output: str) -> dict[str, str]:
    """path -> message of each `path:line: warning: message` line."""
    found = {}
    for line in output.splitlines():
        match = PROBLEM_LINE.match(line)
        if match and match["message"].startswith("warning: "):
            found[match["path"]] = match["message"][len("warning: "):]
    return found


def test_check_example_passes_and_lists_untranslated(site_copy):
    result = invoke("check", "-f", str(site_copy / "mkdocs.yml"))
    assert result.exit_code == 0, result.output
    listed = warnings(result.stdout)
    assert listed == {path: f"not translated into {lang} yet: those pages show the 'nl' text, marked as such"
                      for path, lang in UNTRANSLATED.items()}
    assert "held back" not in result.output
    assert "19 statement(s), 19 published" in result.stdout
    assert "overall: reduced" in result.stdout
    # The open incidents, with the ids a follow-up names.
    assert section(result.stdout, "Open incidents") == ['cyberaanval-2026-01: "Cyberaanval: alle servers '
                                                       'uitgeschakeld" (monitoring)']
    assert result.stderr == ""


def test_installed_script_checks_the_site_in_the_current_folder(site_copy):
    result = run_script("check", cwd=site_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(warnings(result.stdout)) == sorted(UNTRANSLATED)


def test_check_the_repository_itself():
    repo = REPO
    result = run_script("check", "-f", str(repo / "mkdocs.yml"), cwd=repo.parent)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_without_mkdocs_yml_says_where_to_run_it(tmp_path):
    result = run_script("check", cwd=tmp_path)
    assert result.returncode != 0
    assert "mkdocs.yml" in result.stderr and "-f" in result.stderr


BROKEN = ("---\n"                                  # 1
          "title: Spoed dicht\n"                   # 2
          "date: 2026-01-22T08:00:00\n"            # 3: no offset
          "departmens:\n"                          # 4: typo
          "  emergency: reduced\n"                 # 5
          "phase: opgelost\n"                      # 6: unknown phase
          "---\n"
          "Tekst.\n")


def test_check_broken_copy_prints_every_problem_and_fails(site_copy):
    write(site_copy / "updates" / "2026", "2026-01-22-0800-spoed-dicht.md", BROKEN)
    write(site_copy / "updates" / "2026", "2026-01-13-0632-servers-offline.de.md", "---\ntitle: Cyberangriff\n---\n")
    write(site_copy / "updates" / "2026", "2026-01-22-0900-latin.md",
          "---\ntitle: Caf\xe9\ndate: 2026-01-22T09:00:00+01:00\n---\n".encode("latin-1"))

    result = run_script("check", cwd=site_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    printed = [line for line in result.stderr.splitlines() if PROBLEM_LINE.match(line)]
    prefixes = {line.split(": ", 1)[0] for line in printed}
    assert {
        "updates/2026/2026-01-22-0800-spoed-dicht.md:3",
        "updates/2026/2026-01-22-0800-spoed-dicht.md:4",
        "updates/2026/2026-01-22-0800-spoed-dicht.md:6",
        "updates/2026/2026-01-13-0632-servers-offline.de.md:1",
        "updates/2026/2026-01-22-0900-latin.md:2",
    } <= prefixes, result.stderr
    # Exactly the problems the reader finds, each on its own line, as path:line: message.
    site = example_site()
    _, problems = read_updates(site_copy / "updates", site)
    expected = sorted(p.format(site_copy) for p in problems)
    assert sorted(printed) == expected
    assert len(printed) == 5
    assert "5 error(s)" in result.stderr
    assert "OK:" not in result.stdout


def test_check_broken_copy_through_the_runner(site_copy):
    write(site_copy / "updates" / "2026", "2026-01-22-0800-spoed-dicht.md", BROKEN)
    result = invoke("check", "-f", str(site_copy / "mkdocs.yml"))
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if PROBLEM_LINE.match(line)]
    assert [line.split(": ", 1)[0] for line in lines] == [
        "updates/2026/2026-01-22-0800-spoed-dicht.md:3",
        "updates/2026/2026-01-22-0800-spoed-dicht.md:4",
        "updates/2026/2026-01-22-0800-spoed-dicht.md:6",
    ]
    assert "did you mean 'departments'" in result.stderr


def test_check_reports_site_config_problems_with_lines(site_copy):
    config = site_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("timezone: Europe/Brussels", "timezone: Europe/Brusel"), encoding="utf-8")
    line = next(i for i, row in enumerate(config.read_text(encoding="utf-8").splitlines(), 1)
                if "timezone:" in row)
    result = run_script("check", cwd=site_copy)
    assert result.returncode == 1
    assert f"mkdocs.yml:{line}: unknown time zone 'Europe/Brusel'" in result.stderr


def test_check_lists_embargoed_statement_with_its_release_time(site_copy):
    # Replayed at an earlier moment (SOURCE_DATE_EPOCH), a statement dated after it is held back; dated in
    # the real clock's past, it needs no `embargo: true`.
    write(site_copy / "updates" / "2026", "2026-01-25-0900-nieuwe-campus.md", """\
        ---
        title: Nieuwe campus open
        date: 2026-01-25T09:00:00+01:00
        ---
        Tekst.
        """)
    before = int(datetime(2026, 1, 21, 12, 0, tzinfo=BRUSSELS).timestamp())
    result = run_script("check", cwd=site_copy, epoch=before)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "updates/2026/2026-01-25-0900-nieuwe-campus.md:3: warning: held back until 2026-01-25 09:00 " \
           "(2026-01-25T09:00:00+01:00)" in result.stdout
    assert "20 statement(s), 19 published" in result.stdout
    assert run_script("check", "--strict", cwd=site_copy, epoch=before).returncode == 1
    # Once that time has come, it is published.
    after = int(datetime(2026, 1, 25, 9, 0, tzinfo=BRUSSELS).timestamp())
    result = run_script("check", cwd=site_copy, epoch=after)
    assert "held back" not in result.stdout
    assert "20 statement(s), 20 published" in result.stdout


# --- check --format -----------------------------------------------------------------------------


def test_check_json_lists_every_problem_with_path_line_severity_message(site_copy):
    write(site_copy / "updates" / "2026", "2026-01-22-0800-spoed-dicht.md", BROKEN)
    result = invoke("check", "-f", str(site_copy / "mkdocs.yml"), "--format", "json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert all(set(p) == {"path", "line", "severity", "message"} for p in problems)
    errors = [(p["path"], p["line"]) for p in problems if p["severity"] == "error"]
    assert errors == [("updates/2026/2026-01-22-0800-spoed-dicht.md", 3),
                      ("updates/2026/2026-01-22-0800-spoed-dicht.md", 4),
                      ("updates/2026/2026-01-22-0800-spoed-dicht.md", 6)]
    (typo,) = [p for p in problems if p["line"] == 4]
    assert typo["message"].startswith("unknown key 'departmens' (did you mean 'departments'?)")


def test_check_json_of_a_clean_site_has_only_warnings_and_strict_fails_on_them(site_copy):
    result = invoke("check", "-f", str(site_copy / "mkdocs.yml"), "--format", "json")
    assert result.exit_code == 0
    problems = json.loads(result.stdout)
    assert {(p["path"], p["line"], p["severity"]) for p in problems} == {
        (path, 1, "warning") for path in UNTRANSLATED}
    assert invoke("check", "-f", str(site_copy / "mkdocs.yml"), "--format", "json", "--strict").exit_code == 1


def test_check_github_prints_workflow_annotations(site_copy):
    write(site_copy / "updates" / "2026", "2026-01-22-0800-spoed-dicht.md", BROKEN)
    result = run_script("check", "--format", "github", cwd=site_copy)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "::error file=updates/2026/2026-01-22-0800-spoed-dicht.md,line=4::unknown key 'departmens' " \
           "(did you mean 'departments'?): allowed keys are " in "\n".join(lines)
    assert sum(line.startswith("::error file=updates/2026/2026-01-22-0800-spoed-dicht.md,line=") for line in lines) == 3
    for path, lang in UNTRANSLATED.items():
        assert f"::warning file={path},line=1::not translated into {lang} yet" in result.stdout
    assert all(line.startswith(("::error ", "::warning ")) for line in lines), lines


def test_check_github_encodes_what_would_break_an_annotation(site_copy):
    # A comma would end the `file=` property early and a '%' starts an escape: GitHub wants both encoded.
    write(site_copy / "updates" / "2026", "spoed,dicht.md", "---\ntitle: x\n---\n")
    write(site_copy / "updates" / "2026", "2026-01-22-0800-procent.md", """\
        ---
        title: Half open
        date: 2026-01-22T08:00:00+01:00
        50%: open
        ---
        Tekst.
        """)
    result = run_script("check", "--format", "github", cwd=site_copy)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("::error file=updates/2026/spoed%2Cdicht.md,line=1::'spoed,dicht' is not a valid "
                               "statement id") for line in lines), lines
    assert any(line.startswith("::error file=updates/2026/2026-01-22-0800-procent.md,line=4::unknown key '50%25'")
               for line in lines), lines


def test_check_text_strict_fails_on_warnings_only(site_copy):
    result = invoke("check", "-f", str(site_copy / "mkdocs.yml"), "--strict")
    assert result.exit_code == 1
    assert "3 warning(s), and --strict fails on warnings" in result.stderr
    assert invoke("check", "-f", str(site_copy / "mkdocs.yml")).exit_code == 0


# --- new ----------------------------------------------------------------------------------------

TITLE = 'Spoed: "tijdelijk" dicht'
NEW_AT = datetime(2026, 1, 21, 10, 15, 37, tzinfo=BRUSSELS)
NEW_EPOCH = int(NEW_AT.timestamp())


def created(output: str) -> list[Path]:
    return [Path(m) for m in re.findall(r"^created (\S+)", output, flags=re.M)]


def fill_in(path: Path, summary: str = "Spoed is dicht.", body: str = "De spoed is tijdelijk dicht.") -> None:
    """What staff do after `new`: write the summary and the text."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('summary: ""', f"summary: {summary}").replace(TEMPLATE_BODY, body),
                    encoding="utf-8")


def test_new_writes_a_valid_dated_statement(site_copy):
    result = run_script("new", TITLE, cwd=site_copy, epoch=NEW_EPOCH)
    assert result.returncode == 0, result.stdout + result.stderr
    (path,) = created(result.stdout)
    path = (site_copy / path) if not path.is_absolute() else path
    assert path.exists()
    assert path.parent == site_copy / "updates" / "2026"
    assert path.name == "2026-01-21-1015-spoed-tijdelijk-dicht.md"

    raw = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert raw["title"] == TITLE
    date_line = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("date:"))
    date = datetime.fromisoformat(date_line.split(":", 1)[1].strip())
    assert date.utcoffset() == timedelta(hours=1)
    assert date == NEW_AT.replace(second=0)
    assert date.isoformat() == "2026-01-21T10:15:00+01:00"
    assert path.read_text(encoding="utf-8").rstrip().endswith("\n" + TEMPLATE_BODY)

    # Left as written, the placeholder is refused: `check` fails until it is replaced.
    check = run_script("check", cwd=site_copy, epoch=NEW_EPOCH)
    assert check.returncode == 1
    assert "updates/2026/2026-01-21-1015-spoed-tijdelijk-dicht.md:" in check.stderr

    fill_in(path)
    site = example_site()
    read, problems = read_updates(site_copy / "updates", site)
    assert [p.format() for p in problems if p.path == path] == []
    (new,) = [s for s in read if s.id == "2026-01-21-1015-spoed-tijdelijk-dicht"]
    assert new.texts["nl"].title == TITLE

    check = run_script("check", cwd=site_copy, epoch=NEW_EPOCH)
    assert check.returncode == 0, check.stdout + check.stderr
    assert warnings(check.stdout)["updates/2026/2026-01-21-1015-spoed-tijdelijk-dicht.md"].startswith(
        "not translated into fr, en yet")


def test_new_in_summer_time_has_the_summer_offset(site_copy):
    summer = datetime(2026, 7, 1, 9, 5, tzinfo=BRUSSELS)
    result = invoke("new", "Zomer", "-f", str(site_copy / "mkdocs.yml"), epoch=int(summer.timestamp()))
    assert result.exit_code == 0, result.output
    (path,) = created(result.stdout)
    assert "date: 2026-07-01T09:05:00+02:00" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("given", "written"), [
    ("2026-07-01T09:05", "2026-07-01T09:05:00+02:00"),              # the zone's offset on that date
    ("2026-07-01T09:05:00+01:00", "2026-07-01T10:05:00+02:00"),     # the same instant, offset corrected
    ("2026-03-29T03:30", "2026-03-29T03:30:00+02:00"),              # the night the clocks go forward
    ("2026-10-25T12:00:00Z", "2026-10-25T13:00:00+01:00"),          # back to winter time that morning
])
def test_new_with_a_date_writes_the_zones_offset_at_that_date(site_copy, given, written):
    result = invoke("new", "Later", "-f", str(site_copy / "mkdocs.yml"), "--date", given, epoch=NEW_EPOCH)
    assert result.exit_code == 0, result.output
    (path,) = created(result.stdout)
    assert f"date: {written}\n" in path.read_text(encoding="utf-8")


def test_new_with_incident_phase_and_departments(site_copy):
    result = invoke("new", "Labo opnieuw open", "-f", str(site_copy / "mkdocs.yml"), "--incident",
                    "cyberaanval-2026-01", "--phase", "monitoring", "--set", "lab=operational",
                    "--set", "emergency=degraded", epoch=NEW_EPOCH)
    assert result.exit_code == 0, result.output
    (path,) = created(result.stdout)
    fill_in(path)
    read, problems = read_updates(site_copy / "updates", example_site())
    assert not problems.errors, [p.format() for p in problems]
    (new,) = [s for s in read if s.path == path]
    assert (new.incident, new.phase) == ("cyberaanval-2026-01", "monitoring")
    assert new.departments == {"lab": "operational", "emergency": "degraded"}


def test_new_follows_up_a_resolved_incident_too(site_copy):
    result = invoke("new", "Labo weer stuk", "-f", str(site_copy / "mkdocs.yml"), "--incident",
                    "labo-analyser-2026-01", "--phase", "investigating", epoch=NEW_EPOCH)
    assert result.exit_code == 0, result.output


def refused(site_copy, *args) -> str:
    """Runs `new` expecting a refusal; checks that nothing was written; returns the message."""
    before = sorted(p.name for p in (site_copy / "updates").rglob("*"))
    result = invoke("new", "Spoed dicht", "-f", str(site_copy / "mkdocs.yml"), *args, epoch=NEW_EPOCH)
    assert result.exit_code == 2 or result.exit_code == 1, result.output
    assert sorted(p.name for p in (site_copy / "updates").rglob("*")) == before
    assert "Traceback" not in result.output
    return " ".join(result.output.split())


def test_new_refuses_an_unknown_incident_listing_the_open_ones(site_copy):
    message = refused(site_copy, "--incident", "cyberaanval-2026-1")
    assert "no incident or planned closure 'cyberaanval-2026-1' (did you mean 'cyberaanval-2026-01'?)" in message
    assert 'Open incidents: cyberaanval-2026-01 ("Cyberaanval: alle servers uitgeschakeld")' in message


def test_new_refuses_an_unknown_department_naming_the_valid_ones(site_copy):
    message = refused(site_copy, "--set", "emergncy=offline")
    assert "unknown department 'emergncy' (did you mean 'emergency'?)" in message
    assert "'emergency', 'mug', 'icu'" in message


def test_new_refuses_an_unknown_status_naming_the_valid_ones(site_copy):
    message = refused(site_copy, "--set", "emergency=closed")
    assert "unknown status 'closed' for 'emergency'" in message
    assert "'operational', 'degraded', 'reduced', 'offline', 'maintenance'" in message


def test_new_refuses_a_set_without_a_status(site_copy):
    assert "'emergency' must be department=status, such as emergency=reduced" in refused(site_copy, "--set",
                                                                                         "emergency")


def test_new_refuses_an_unknown_phase(site_copy):
    assert "'opgelost' is not one of 'investigating', 'identified', 'monitoring', 'resolved'" in refused(
        site_copy, "--phase", "opgelost")


def test_new_refuses_a_translation_into_an_unknown_language(site_copy):
    message = refused(site_copy, "--translate", "fr,de")
    assert "'de' is not one of the site's languages: use 'fr', 'en'" in message


def test_new_refuses_a_translation_into_the_default_language(site_copy):
    assert "'nl' is the default language" in refused(site_copy, "--translate", "nl")


def test_new_refuses_an_unreadable_date(site_copy):
    assert "'gisteren' is not a date and time" in refused(site_copy, "--date", "gisteren")


def test_new_twice_at_the_same_minute_refuses_to_overwrite(site_copy):
    first = invoke("new", TITLE, "-f", str(site_copy / "mkdocs.yml"), epoch=NEW_EPOCH)
    assert first.exit_code == 0
    (path,) = created(first.stdout)
    path.write_text(path.read_text(encoding="utf-8") + "Mijn tekst.\n", encoding="utf-8")
    second = invoke("new", TITLE, "-f", str(site_copy / "mkdocs.yml"), epoch=NEW_EPOCH)
    assert second.exit_code != 0
    assert "exists already" in second.output
    assert "Mijn tekst." in path.read_text(encoding="utf-8")


def test_new_refuses_when_only_a_translation_exists_and_writes_nothing(site_copy):
    stub = write(site_copy / "updates" / "2026", "2026-01-21-1015-spoed-dicht.fr.md", "---\ntitle: Le mien\n---\n")
    message = refused(site_copy, "--translate", "fr")
    assert "2026-01-21-1015-spoed-dicht.fr.md exists already" in message
    assert stub.read_text(encoding="utf-8") == "---\ntitle: Le mien\n---\n"


def test_new_translate_writes_stubs_with_the_text_to_translate(site_copy):
    result = invoke("new", TITLE, "--translate", "fr", "-f", str(site_copy / "mkdocs.yml"), epoch=NEW_EPOCH)
    assert result.exit_code == 0, result.output
    paths = created(result.stdout)
    assert sorted(p.name for p in paths) == ["2026-01-21-1015-spoed-tijdelijk-dicht.fr.md",
                                              "2026-01-21-1015-spoed-tijdelijk-dicht.md"]
    stub = next(p for p in paths if p.name.endswith(".fr.md")).read_text(encoding="utf-8")
    front, body = stub.split("---\n")[1:]
    assert yaml.safe_load(front) == {"title": "", "summary": ""}
    assert body.startswith("<!--") and body.rstrip().endswith("-->")
    assert f"title: {TITLE}" in body and TEMPLATE_BODY in body


def test_new_with_translations_creates_stubs_that_check_reports(site_copy):
    result = invoke("new", TITLE, "--translations", "-f", str(site_copy / "mkdocs.yml"), epoch=NEW_EPOCH)
    assert result.exit_code == 0, result.output
    paths = created(result.stdout)
    names = sorted(p.name for p in paths)
    assert names == ["2026-01-21-1015-spoed-tijdelijk-dicht.en.md", "2026-01-21-1015-spoed-tijdelijk-dicht.fr.md",
                     "2026-01-21-1015-spoed-tijdelijk-dicht.md"]
    assert all(p.exists() for p in paths)
    fill_in(next(p for p in paths if p.name.endswith("dicht.md")))

    # Untouched, each stub is reported (not translated yet), and --strict fails on it.
    check = invoke("check", "-f", str(site_copy / "mkdocs.yml"), "--format", "json", "--strict", epoch=NEW_EPOCH)
    assert check.exit_code == 1
    reported = {p["path"] for p in json.loads(check.stdout)}
    for lang in ("fr", "en"):
        assert f"updates/2026/2026-01-21-1015-spoed-tijdelijk-dicht.{lang}.md" in reported

    # Filling them in makes them pass.
    for path in paths:
        if path.name.endswith((".fr.md", ".en.md")):
            path.write_text('---\ntitle: "Urgences : fermées"\n---\nTexte.\n', encoding="utf-8")
    check = invoke("check", "-f", str(site_copy / "mkdocs.yml"), "--format", "json", epoch=NEW_EPOCH)
    assert check.exit_code == 0
    assert not [p for p in json.loads(check.stdout) if "spoed-tijdelijk-dicht" in p["path"]]


def test_new_in_a_terminal_offers_the_open_incidents(site_copy):
    """A real terminal (a pty): `new` lists the open incidents and follows up the one chosen."""
    script = shutil.which("statuspress")
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["SOURCE_DATE_EPOCH"] = str(NEW_EPOCH)
    controller, terminal = pty.openpty()
    process = subprocess.Popen([script, "new", "Stand van zaken"], cwd=site_copy, env=env,
                               stdin=terminal, stdout=terminal, stderr=terminal, close_fds=True)
    os.close(terminal)
    seen = b""
    answered = False
    try:
        while True:
            ready, _, _ = select.select([controller], [], [], 60)
            assert ready, f"no output from `new` for 60 s: {seen!r}"
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed: the process is done
                break
            if not chunk:
                break
            seen += chunk
            if not answered and b"Follow up which one?" in seen:
                os.write(controller, b"1\n")
                answered = True
    finally:
        os.close(controller)
        process.wait(timeout=60)
    output = seen.decode("utf-8", "replace")
    assert process.returncode == 0, output
    assert '1) cyberaanval-2026-01: "Cyberaanval: alle servers uitgeschakeld" (monitoring)' in output
    assert "0) none" in output
    path = site_copy / "updates" / "2026" / "2026-01-21-1015-stand-van-zaken.md"
    assert "incident: cyberaanval-2026-01\n" in path.read_text(encoding="utf-8")

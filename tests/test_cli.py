"""The `statuspress` command: `check` and `new`, through click's runner and the installed script."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import frontmatter
import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.read import TEMPLATE_BODY, read_updates
from statements import copy_example, example_site, write

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


def test_check_example_passes_and_lists_untranslated(site_copy):
    result = invoke("check", "-f", str(site_copy / "mkdocs.yml"))
    assert result.exit_code == 0, result.output
    listed = section(result.stdout, "Untranslated")
    assert sorted(listed) == sorted(f"{path}: {lang}" for path, lang in UNTRANSLATED.items())
    assert "Embargoed" not in result.output
    assert "19 statement(s), 19 published" in result.stdout
    assert "overall: reduced" in result.stdout
    assert result.stderr == ""


def test_installed_script_checks_the_site_in_the_current_folder(site_copy):
    result = run_script("check", cwd=site_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(section(result.stdout, "Untranslated")) == sorted(
        f"{path}: {lang}" for path, lang in UNTRANSLATED.items())


def test_check_the_repository_itself():
    repo = Path(__file__).resolve().parent.parent
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
    write(site_copy / "updates" / "2026", "2026-12-01-0900-nieuwe-campus.md", """\
        ---
        title: Nieuwe campus open
        date: 2026-12-01T09:00:00+01:00
        embargo: true
        ---
        Tekst.
        """)
    result = run_script("check", cwd=site_copy, epoch=EPOCH_NOV_27)
    assert result.returncode == 0, result.stdout + result.stderr
    (line,) = section(result.stdout, "Embargoed")
    assert line.startswith("updates/2026/2026-12-01-0900-nieuwe-campus.md: 2026-12-01T09:00:00+01:00")
    assert "09:00" in line.split("+01:00", 1)[1]  # the release time, also in local words
    assert "20 statement(s), 19 published" in result.stdout
    # Once that time has come, it is published.
    after = int(datetime(2026, 12, 1, 9, 0, tzinfo=BRUSSELS).timestamp())
    result = run_script("check", cwd=site_copy, epoch=after)
    assert "Embargoed" not in result.stdout
    assert "20 statement(s), 20 published" in result.stdout


# --- new ----------------------------------------------------------------------------------------

TITLE = 'Spoed: "tijdelijk" dicht'
NEW_AT = datetime(2026, 1, 21, 10, 15, 37, tzinfo=BRUSSELS)
NEW_EPOCH = int(NEW_AT.timestamp())


def created(output: str) -> list[Path]:
    return [Path(m) for m in re.findall(r"^created (\S+)", output, flags=re.M)]


def fill_in(path: Path) -> None:
    """What staff do after `new`: write the summary and the statement (left as written, both are errors)."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("summary: \n", "summary: Een zin.\n")
                    .replace(TEMPLATE_BODY, "De verklaring."), encoding="utf-8")


def test_new_writes_a_valid_dated_statement(site_copy):
    result = run_script("new", TITLE, cwd=site_copy, epoch=NEW_EPOCH)
    assert result.returncode == 0, result.stdout + result.stderr
    (path,) = created(result.stdout)
    path = (site_copy / path) if not path.is_absolute() else path
    assert path.exists()
    assert path.parent == site_copy / "updates" / "2026"
    assert path.name == "2026-01-21-1015-spoed-tijdelijk-dicht.md"

    post = frontmatter.load(path)
    assert post["title"] == TITLE
    raw = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert raw["title"] == TITLE
    date_line = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("date:"))
    date = datetime.fromisoformat(date_line.split(":", 1)[1].strip())
    assert date.utcoffset() == timedelta(hours=1)
    assert date == NEW_AT.replace(second=0)
    assert date.isoformat() == "2026-01-21T10:15:00+01:00"

    site = example_site()
    _, problems = read_updates(site_copy / "updates", site)
    untouched = [p.message for p in problems if p.path == path]
    assert len(untouched) == 2 and "'summary' is empty" in untouched[0] and TEMPLATE_BODY in untouched[1], untouched
    fill_in(path)
    read, problems = read_updates(site_copy / "updates", site)
    assert [p.format() for p in problems if p.path == path] == []
    (new,) = [s for s in read if s.id == "2026-01-21-1015-spoed-tijdelijk-dicht"]
    assert new.texts["nl"].title == TITLE

    check = run_script("check", cwd=site_copy, epoch=NEW_EPOCH)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "updates/2026/2026-01-21-1015-spoed-tijdelijk-dicht.md: fr, en" in check.stdout


def test_new_in_summer_time_has_the_summer_offset(site_copy):
    summer = datetime(2026, 7, 1, 9, 5, tzinfo=BRUSSELS)
    result = invoke("new", "Zomer", "-f", str(site_copy / "mkdocs.yml"), epoch=int(summer.timestamp()))
    assert result.exit_code == 0, result.output
    (path,) = created(result.stdout)
    assert "date: 2026-07-01T09:05:00+02:00" in path.read_text(encoding="utf-8")


def test_new_with_incident_and_phase(site_copy):
    result = invoke("new", "Labo opnieuw open", "-f", str(site_copy / "mkdocs.yml"), "--incident",
                    "labo-analyser-2026-01", "--phase", "resolved", epoch=NEW_EPOCH)
    assert result.exit_code == 0, result.output
    (path,) = created(result.stdout)
    fill_in(path)
    read, problems = read_updates(site_copy / "updates", example_site())
    assert not problems.errors, [p.format() for p in problems]
    (new,) = [s for s in read if s.path == path]
    assert (new.incident, new.phase) == ("labo-analyser-2026-01", "resolved")


def test_new_twice_at_the_same_minute_refuses_to_overwrite(site_copy):
    first = invoke("new", TITLE, "-f", str(site_copy / "mkdocs.yml"), epoch=NEW_EPOCH)
    assert first.exit_code == 0
    (path,) = created(first.stdout)
    path.write_text(path.read_text(encoding="utf-8") + "Mijn tekst.\n", encoding="utf-8")
    second = invoke("new", TITLE, "-f", str(site_copy / "mkdocs.yml"), epoch=NEW_EPOCH)
    assert second.exit_code != 0
    assert "exists already" in second.output
    assert "Mijn tekst." in path.read_text(encoding="utf-8")


def test_new_with_translations_creates_stubs_that_check_reports(site_copy):
    result = invoke("new", TITLE, "--translations", "-f", str(site_copy / "mkdocs.yml"), epoch=NEW_EPOCH)
    assert result.exit_code == 0, result.output
    paths = created(result.stdout)
    names = sorted(p.name for p in paths)
    assert names == ["2026-01-21-1015-spoed-tijdelijk-dicht.en.md", "2026-01-21-1015-spoed-tijdelijk-dicht.fr.md",
                     "2026-01-21-1015-spoed-tijdelijk-dicht.md"]
    assert all(p.exists() for p in paths)

    fill_in(next(p for p in paths if p.name.endswith("dicht.md")))
    # Untouched stubs are "not translated yet": warned about, never a reason to hold the statement back.
    check = invoke("check", "-f", str(site_copy / "mkdocs.yml"), epoch=NEW_EPOCH)
    assert check.exit_code == 0, check.output
    printed = [line for line in check.stdout.splitlines() if PROBLEM_LINE.match(line)]
    assert len(printed) == 2, check.stdout
    for lang in ("fr", "en"):
        (line,) = [row for row in printed
                   if row.startswith(f"updates/2026/2026-01-21-1015-spoed-tijdelijk-dicht.{lang}.md:2: ")]
        assert "warning: not translated yet" in line

    # Filling them in makes the site pass again.
    for path in paths:
        if path.name.endswith((".fr.md", ".en.md")):
            path.write_text('---\ntitle: "Urgences : fermées"\n---\nTexte.\n', encoding="utf-8")
    assert invoke("check", "-f", str(site_copy / "mkdocs.yml"), epoch=NEW_EPOCH).exit_code == 0

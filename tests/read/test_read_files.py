"""Odd files in the updates folder, a missing folder, and the set-up around it (README, "Errors and warnings").

Whatever is in the folder, the reader returns statements and located problems: never a
traceback, never a hang, and nothing that looks like a statement is skipped without a word.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import SMALL_CONFIG, mkdocs_build, tree_digest
from generator.read import read_updates
from generator.read.files import MAX_BYTES
from helpers import TESTS, VALID, fetch, free_port, listing, load_site, make_site, problem_at, wait_for, write

SITE = make_site()


def read_folder(updates: Path, **kwargs):
    return read_updates(updates, SITE, **kwargs)


@pytest.fixture
def updates(tmp_path) -> Path:
    folder = tmp_path / "repo" / "updates"
    folder.mkdir(parents=True)
    write(folder, "ok.md", VALID)
    return folder


# --- names that look like a statement but are not read ------------------------------------------


@pytest.mark.parametrize(("name", "renamed"), [
    ("notes.MD", "notes.md"),
    ("spoed.Md", "spoed.md"),
    ("spoed.markdown", "spoed.md"),
    ("spoed.mdown", "spoed.md"),
    ("spoed.txt", "spoed.md"),
    ("statement.en.md.txt", "statement.en.md"),
    ("spoed.MARKDOWN", "spoed.md"),
])
def test_statement_like_names_are_errors_that_say_how_to_rename(updates, name, renamed):
    path = write(updates, f"2026/{name}", VALID)
    statements, problems = read_folder(updates)
    problem_at(problems, path, 1, f"'{name}' is not read", f"rename it to '{renamed}'")
    assert [s.id for s in statements] == ["ok"]


@pytest.mark.parametrize(("name", "renamed"), [("_draft.md", "draft.md"), (".x.md", "x.md"),
                                               ("_concept.markdown", "concept.md")])
def test_drafts_are_warnings(updates, name, renamed):
    path = write(updates, name, VALID)
    statements, problems = read_folder(updates)
    assert problems.errors == [], listing(problems)
    (warning,) = [p for p in problems if p.path == path]
    assert warning.severity == "warning" and warning.line == 1
    assert "draft" in warning.message and "not published" in warning.message and f"'{renamed}'" in warning.message
    assert [s.id for s in statements] == ["ok"]


def test_a_drafts_folder_is_a_warning_and_hidden_folders_are_ignored(updates):
    write(updates, "_drafts/a.md", VALID)
    write(updates, ".git/b.md", VALID)
    statements, problems = read_folder(updates)
    assert problems.errors == [], listing(problems)
    assert [(p.path.name, p.severity) for p in problems] == [("_drafts", "warning")]
    assert "drafts" in problems[0].message and "not published" in problems[0].message
    assert [s.id for s in statements] == ["ok"]


def test_other_files_are_left_alone(updates):
    write(updates, "logo.png", b"\x89PNG")
    write(updates, "README.md", "# How to write an update\n")
    write(updates, "a.md~", VALID)  # an editor's backup
    statements, problems = read_folder(updates)
    assert list(problems) == [], listing(problems)
    assert [s.id for s in statements] == ["ok"]


def test_a_newline_in_a_file_name_is_an_invalid_id(updates):
    path = write(updates, "x-nl\n.md", VALID)
    statements, problems = read_folder(updates)
    problem = problem_at(problems, path, 1, "not a valid statement id", "rename the file")
    assert "\n" not in problem.message and "x-nl\\n" in problem.message
    assert problem.format(updates).startswith("x-nl\\n.md:1: ")
    assert [s.id for s in statements] == ["ok"]


# --- links, folders and special files named *.md ------------------------------------------------


def test_odd_files_are_located_errors_all_in_one_run(updates, tmp_path):
    outside = tmp_path / "elsewhere.md"
    outside.write_text(VALID, encoding="utf-8")
    (updates / "dangling.md").symlink_to(updates / "gone.md")
    (updates / "loop.md").symlink_to(updates / "loop.md")
    (updates / "outside.md").symlink_to(outside)
    (updates / "folder.md").mkdir()
    write(updates, "folder.md/inner.md", VALID)
    inside = write(updates.parent, "shared/linked.md", VALID)  # in the repository: fine
    (updates / "linked.md").symlink_to(inside)
    statements, problems = read_folder(updates)
    problem_at(problems, updates / "dangling.md", 1, "symbolic link", "leads nowhere", "gone.md")
    problem_at(problems, updates / "loop.md", 1, "symbolic link", "loops")
    problem_at(problems, updates / "outside.md", 1, "symbolic link", "out of the repository", "copy")
    problem_at(problems, updates / "folder.md", 1, "is a folder", "rename it")
    assert len(problems.errors) == 4, listing(problems)
    assert [s.id for s in statements] == ["linked", "ok"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_named_md_is_an_error_not_a_hang(updates):
    os.mkfifo(updates / "pipe.md")
    # In a child process with a deadline: if the reader ever blocks on the FIFO again, the test fails
    # instead of hanging the suite.
    code = ("import sys; from pathlib import Path; from generator.read import read_updates; "
            "from helpers import make_site; "
            "s, p = read_updates(Path(sys.argv[1]), make_site()); "
            "print('|'.join(sorted(x.format() for x in p))); print([x.id for x in s])")
    result = subprocess.run([sys.executable, "-c", code, str(updates)], capture_output=True, text=True, timeout=60,
                            cwd=TESTS, env={**os.environ, "PYTHONPATH": str(TESTS)})
    assert result.returncode == 0, result.stderr
    problems, ids = result.stdout.splitlines()
    assert problems.startswith(f"{updates / 'pipe.md'}:1: ") and "special file" in problems, problems
    assert ids == "['ok']"


def test_a_file_over_1_mb_is_refused_and_says_so(updates):
    big = write(updates, "big.md", VALID + "x" * MAX_BYTES)
    just = write(updates, "just.md", VALID + "x" * (MAX_BYTES - len(VALID) - 1))
    statements, problems = read_folder(updates)
    problem_at(problems, big, 1, "1 MB limit")
    assert [p.path for p in problems.errors] == [big], listing(problems)
    assert [s.id for s in statements] == ["just", "ok"] and just.stat().st_size < MAX_BYTES


# --- the updates folder itself -------------------------------------------------------------------


def test_an_empty_updates_folder_is_fine(tmp_path):
    folder = tmp_path / "updates"
    folder.mkdir()
    statements, problems = read_folder(folder)
    assert (statements, list(problems)) == ([], [])


def test_a_missing_updates_folder_is_an_error_at_updates_dir(tmp_path):
    config = write(tmp_path, "mkdocs.yml", SMALL_CONFIG.format(languages="[nl, fr, en]")
                   + "      updates_dir: nieuws\n")
    (tmp_path / "news").mkdir()
    statements, problems = read_folder(tmp_path / "nieuws", config_file=config)
    line = config.read_text(encoding="utf-8").splitlines().index("      updates_dir: nieuws") + 1
    problem_at(problems, config, line, "'", "nieuws", "does not exist", "did you mean 'news'", "empty folder is fine")
    assert statements == []


def test_a_missing_default_updates_folder_is_reported_on_line_1(tmp_path):
    config = write(tmp_path, "mkdocs.yml", SMALL_CONFIG.format(languages="[nl, fr, en]"))
    _, problems = read_folder(tmp_path / "updates")  # mkdocs.yml beside it is found without being named
    problem_at(problems, config, 1, "does not exist", "updates_dir")


# --- the statuspress block of mkdocs.yml ---------------------------------------------------------


def test_unknown_key_in_the_statuspress_block_suggests_the_right_one(tmp_path):
    (tmp_path / "docs").mkdir()
    config = write(tmp_path, "mkdocs.yml", SMALL_CONFIG.format(languages="[nl, fr, en]")
                   + "      update_dir: nieuws\n      timezon: Europe/Paris\n")
    lines = config.read_text(encoding="utf-8").splitlines()
    site, problems = load_site(config)
    assert site is None
    problem_at(problems, config, lines.index("      update_dir: nieuws") + 1, "unknown key 'update_dir'",
               "did you mean 'updates_dir'", "'departments'")
    problem_at(problems, config, lines.index("      timezon: Europe/Paris") + 1, "did you mean 'timezone'")


# --- real builds and `statuspress check` ---------------------------------------------------------


def statuspress_check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", "check"], capture_output=True, text=True,
                          cwd=root, timeout=120, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def test_build_and_check_refuse_a_missing_updates_folder_and_keep_the_last_site(small_site, tmp_path):
    root = small_site()
    out = tmp_path / "out"
    assert mkdocs_build(root / "mkdocs.yml", out).returncode == 0
    before = tree_digest(out)
    (root / "updates").rename(root / "updates-old")
    result = mkdocs_build(root / "mkdocs.yml", out)
    assert result.returncode != 0
    assert "mkdocs.yml:1: the updates folder" in result.stderr and "does not exist" in result.stderr, result.stderr
    assert tree_digest(out) == before
    check = statuspress_check(root)
    assert check.returncode == 1
    assert "mkdocs.yml:1: the updates folder" in check.stderr, check.stderr


def test_build_and_check_refuse_odd_files_with_their_place(small_site, tmp_path):
    root = small_site()
    write(root / "updates", "a.md", VALID)
    write(root / "updates", "b.MD", VALID)
    (root / "updates" / "c.md").symlink_to(root / "updates" / "gone.md")
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "updates" / "d.md")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "out")],
                            capture_output=True, text=True, cwd=root, timeout=300,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "updates/b.MD:1: 'b.MD' is not read" in result.stderr, result.stderr
    assert "updates/c.md:1: 'c.md' is a symbolic link that leads nowhere" in result.stderr
    if hasattr(os, "mkfifo"):
        assert "updates/d.md:1: 'd.md' is a special file" in result.stderr
    check = statuspress_check(root)
    assert check.returncode == 1 and "Traceback" not in check.stderr
    assert "updates/b.MD:1:" in check.stderr and "updates/c.md:1:" in check.stderr


def test_build_without_site_url_is_refused_and_keeps_the_last_site(small_site, tmp_path):
    root = small_site()
    out = tmp_path / "out"
    assert mkdocs_build(root / "mkdocs.yml", out).returncode == 0
    before = tree_digest(out)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("site_url: https://status.example.org/\n", ""),
                      encoding="utf-8")
    result = mkdocs_build(config, out)
    assert result.returncode != 0
    assert "mkdocs.yml:1: no 'site_url'" in result.stderr and "site_url: https://" in result.stderr, result.stderr
    assert tree_digest(out) == before


def test_serve_needs_no_site_url(small_site):
    """`mkdocs serve` gives the preview its own address: only a build must state site_url."""

    root = small_site()
    write(root / "updates", "a.md", VALID)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("site_url: https://status.example.org/\n", ""),
                      encoding="utf-8")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-q", "-a", f"127.0.0.1:{port}"], cwd=root,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: "Spoed tijdelijk dicht" in fetch(f"http://127.0.0.1:{port}/")), \
            "the preview never came up"
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=20)
    assert "site_url" not in errors, errors

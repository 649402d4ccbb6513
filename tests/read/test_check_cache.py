"""The record of bodies known to convert, which spares `check` and the build converting every
body again at each run: written by one run, read by the next, never changing a verdict."""
from __future__ import annotations

import os
import re
import subprocess
import sys

from helpers import write_statement
from generator.cache import KnownGood

GOOD = """
    ---
    title: Spoed dicht
    date: 2026-01-13T06:32:00+01:00
    departments:
      emergency: offline
    ---
    Door een **cyberaanval** is de spoed dicht.

    - Bel 112.
    """
TOO_DEEP = """
    ---
    title: Te diep
    date: 2026-01-13T07:00:00+01:00
    ---
    """ + "".join("    " + "    " * i + "- punt\n" for i in range(20))


def check(root, cache: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "STATUSPRESS_CACHE_DIR": cache, "SOURCE_DATE_EPOCH": "1768400000"}
    return subprocess.run([sys.executable, "-m", "generator.cli", "check", "-f", str(root / "mkdocs.yml")],
                          capture_output=True, text=True, env=env, cwd=root)


def test_a_run_records_the_bodies_that_converted_and_the_next_gives_the_same_verdicts(small_site, tmp_path):
    root = small_site(("nl",))
    write_statement(root / "updates", "2026-01-13-0632-spoed.md", GOOD)
    write_statement(root / "updates", "2026-01-13-0700-diep.md", TOO_DEEP)
    cache = tmp_path / "cache"
    first = check(root, str(cache))
    assert first.returncode == 1 and "nested more than 16 levels" in first.stdout + first.stderr
    records = list(cache.glob("converts-*.txt"))
    assert len(records) == 1
    # Only the body that converted is recorded, by its digest; the refused one is not.
    recorded = records[0].read_text().split()
    assert len(recorded) == 1 and re.fullmatch("[0-9a-f]{64}", recorded[0])

    second = check(root, str(cache))
    assert (second.returncode, second.stdout, second.stderr) == (first.returncode, first.stdout, first.stderr)

    records[0].write_bytes(b"\xff\x00 not a digest\n" * 3)  # damaged: only means converting again
    third = check(root, str(cache))
    assert (third.returncode, third.stdout, third.stderr) == (first.returncode, first.stdout, first.stderr)


def test_an_empty_cache_setting_writes_nothing(small_site, tmp_path):
    root = small_site(("nl",))
    write_statement(root / "updates", "2026-01-13-0632-spoed.md", GOOD)
    home = tmp_path / "home"
    env = {**os.environ, "STATUSPRESS_CACHE_DIR": "", "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    result = subprocess.run([sys.executable, "-m", "generator.cli", "check", "-f", str(root / "mkdocs.yml")],
                            capture_output=True, text=True, env=env, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not home.exists()
    del env["STATUSPRESS_CACHE_DIR"]  # unset: the user's cache folder
    subprocess.run([sys.executable, "-m", "generator.cli", "check", "-f", str(root / "mkdocs.yml")],
                   capture_output=True, text=True, env=env, cwd=root, check=True)
    assert len(list((home / ".cache" / "statuspress").glob("converts-*.txt"))) == 1


def test_the_record_outlives_the_process_and_follows_the_code(tmp_path, monkeypatch):
    monkeypatch.setenv("STATUSPRESS_CACHE_DIR", str(tmp_path))
    source = tmp_path / "converter.py"
    source.write_text("one version", encoding="utf-8")
    first = KnownGood(source)
    assert "abc" not in first
    first.add("abc")
    assert "abc" in KnownGood(source)
    source.write_text("another version", encoding="utf-8")
    assert "abc" not in KnownGood(source)  # new code, new record


def test_compiled_templates_are_kept_and_a_damaged_record_only_means_compiling_again(small_site, tmp_path):
    """The build keeps Jinja's compiled templates between runs; garbage in the record, or a
    record that cannot be written, never changes or stops a build."""
    import os
    import shutil
    import subprocess
    import sys

    from helpers import tree_digest, write_statement

    root = small_site()
    write_statement(root / "updates", "2026-03-01-0800-a.md", """
        ---
        title: Servers offline
        date: 2026-03-01T08:00:00+01:00
        departments: {emergency: reduced}
        ---
        Text.
        """)
    cache = tmp_path / "cache"

    def build(site):
        env = {**os.environ, "STATUSPRESS_CACHE_DIR": str(cache), "NO_MKDOCS_2_WARNING": "1",
               "SOURCE_DATE_EPOCH": "1772400000"}
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"),
                                 "-d", str(site)], capture_output=True, text=True, env=env, cwd=root)
        assert result.returncode == 0, result.stderr
        return tree_digest(site)

    first = build(tmp_path / "one")
    records = list((cache / "templates").iterdir())
    assert len(records) > 10  # Material's templates and ours
    for record in records:
        record.write_bytes(b"garbage")
    assert build(tmp_path / "two") == first
    shutil.rmtree(cache / "templates")
    (cache / "templates").write_text("not a folder")  # no record can be kept at all
    assert build(tmp_path / "three") == first

"""The record of front matters already parsed, which spares `check` and the build composing every
statement file's YAML again at each run: keyed by the file's text, never changing a verdict; and
the record of phonenumbers' regions, which spares `check` importing phonenumbers."""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time

from helpers import write_statement
from generator.cache import ParsedRecord
from generator.read import front_matter

# One file of each kind of front matter: valid (statement and translation), and each problem
# parse() reports (a tab, an alias, malformed YAML, an escaped control character, too deep), and
# problems of the site's rules found on the nodes read back (an unknown department, a bad status).
FILES = {
    "2026-01-13-0632-spoed.md": """
        ---
        title: Spoed dicht
        date: 2026-01-13T06:32:00+01:00
        incident: cyber-2026-01
        phase: identified
        departments:
          emergency: offline
          lab: reduced
        notes:
          emergency: "Ga naar AZ Noord."
        summary: >
          De spoed is dicht
          door een aanval.
        ---
        Door een **cyberaanval** is de spoed dicht.
        """,
    "2026-01-13-0632-spoed.fr.md": """
        ---
        title: Urgences fermées
        notes:
          emergency: |
            Allez à AZ Noord.
        ---
        Les urgences sont fermées.
        """,
    "2026-01-13-0700-tab.md": "---\ntitle: Tab\ndate: 2026-01-13T07:00:00+01:00\ndepartments:\n\temergency: offline\n---\nx\n",
    "2026-01-13-0710-alias.md": """
        ---
        title: &t Alias
        date: 2026-01-13T07:10:00+01:00
        summary: *t
        ---
        Tekst.
        """,
    "2026-01-13-0720-malformed.md": """
        ---
        title: Kapot: echt
        date: 2026-01-13T07:20:00+01:00
        ---
        Tekst.
        """,
    "2026-01-13-0730-escape.md": """
        ---
        title: "Bel\\a nu"
        date: 2026-01-13T07:30:00+01:00
        ---
        Tekst.
        """,
    "2026-01-13-0740-deep.md": "---\ntitle: Diep\ndate: 2026-01-13T07:40:00+01:00\nx: " + "[" * 60 + "]" * 60
                               + "\n---\nTekst.\n",
    "2026-01-13-0750-unknown.md": """
        ---
        title: Onbekend
        date: 2026-01-13T07:50:00+01:00
        departments:
          radiology: offline
          lab: half
        ---
        Tekst.
        """,
}


def check(root, cache: str) -> tuple[int, str, str]:
    env = {**os.environ, "STATUSPRESS_CACHE_DIR": cache, "SOURCE_DATE_EPOCH": "1768400000"}
    result = subprocess.run([sys.executable, "-m", "generator.cli", "check", "-f", str(root / "mkdocs.yml")],
                            capture_output=True, text=True, env=env, cwd=root)
    return result.returncode, result.stdout, result.stderr


def site(small_site):
    root = small_site(("nl", "fr"))
    for name, text in FILES.items():
        write_statement(root / "updates", name, text)
    return root


def records(cache) -> list:
    return sorted(cache.glob("front-matters-*.bin"))


def test_the_verdict_is_the_same_without_the_record_with_a_new_one_and_read_from_it(small_site, tmp_path):
    root = site(small_site)
    cache = tmp_path / "cache"
    without = check(root, "")
    assert without[0] == 1
    for expected in ("tab character", "the anchor '&t'", "malformed YAML", "bell character",
                     "nested too deeply", "unknown department 'radiology'", "unknown status 'half'"):
        assert expected in without[2], expected
    written = check(root, str(cache))  # every file parsed and recorded
    assert written == without
    [record] = records(cache)
    size = record.stat().st_size
    read_back = check(root, str(cache))  # every file read back from the record: nothing appended
    assert read_back == without
    assert record.stat().st_size == size


def test_a_changed_file_is_parsed_again(small_site, tmp_path):
    root = site(small_site)
    cache = tmp_path / "cache"
    check(root, str(cache))
    [record] = records(cache)
    size = record.stat().st_size
    # The same length, one character changed: a different text, whatever its time stamps say.
    path = root / "updates" / "2026-01-13-0632-spoed.md"
    path.write_text(path.read_text(encoding="utf-8").replace("emergency: offline", "emergency: offlin"),
                    encoding="utf-8")
    changed = check(root, str(cache))
    assert "unknown status 'offlin'" in changed[2]
    assert changed == check(root, "")
    assert record.stat().st_size > size  # its new text recorded


def test_a_damaged_record_only_means_parsing_again(small_site, tmp_path):
    root = site(small_site)
    cache = tmp_path / "cache"
    without = check(root, "")
    check(root, str(cache))
    [record] = records(cache)
    whole = record.read_bytes()
    assert b"offline" in whole
    damages = [
        # A value changed that still reads as a value: the frame's checksum refuses it.
        whole.replace(b"offline", b"offlime", 1),
        whole[: len(whole) // 2],  # torn in the middle of a frame
        whole[:30] + bytes([whole[30] ^ 0xFF]) + whole[31:],  # a byte changed in the first frame
        whole[:-5] + b"xxxxx",  # the last frame's text changed
        b"\xff" * 64 + whole,  # garbage before everything
        b"",
    ]
    for damaged in damages:
        record.write_bytes(damaged)
        assert check(root, str(cache)) == without
        # Parsed again and the record written anew: the next run reads every file from it.
        size = record.stat().st_size
        assert check(root, str(cache)) == without
        assert record.stat().st_size == size


def test_the_record_keeps_what_it_was_given_and_is_trimmed_to_what_a_run_used(tmp_path, monkeypatch):
    monkeypatch.setenv("STATUSPRESS_CACHE_DIR", str(tmp_path))
    first = ParsedRecord("test", b"one version")
    for n in range(300):
        first.add(f"digest-{n}", (1, n, "body", [(0, n, f"value {n}")]))
    first.save()
    second = ParsedRecord("test", b"one version")
    assert second.get("digest-7") == (1, 7, "body", [(0, 7, "value 7")])
    assert second.get("digest-unknown") is None
    assert ParsedRecord("test", b"another version").get("digest-7") is None
    [path] = tmp_path.glob("test-*.bin")
    size = path.stat().st_size
    second.save()  # 300 frames, one used this run: trimmed to it
    assert path.stat().st_size < size / 100
    third = ParsedRecord("test", b"one version")
    assert third.get("digest-7") == (1, 7, "body", [(0, 7, "value 7")])
    assert third.get("digest-8") is None


def test_a_record_that_cannot_be_written_changes_nothing(small_site, tmp_path):
    root = site(small_site)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    assert check(root, str(blocked)) == check(root, "")


def test_a_front_matter_without_backslash_holds_no_control_character_once_composed():
    """parse() walks the nodes for control characters only when the front matter holds a '\\':
    without an escape, a value's line breaks (block, folded, quoted, plain, kept '|+' or '>+')
    are never more than the lines it spans. This holds the rule that shortcut relies on."""
    pieces = ["a: |\n  x\n\n  y\n", "b: |+\n  x\n\n\n", "c: >+\n  x\n\n\n\n", 'd: "x\n\n\n  y"\n', "e: 'x\n\n\n  y'\n",
              "f: x\n\n\n  y\n", "g: |-\n  x\n\n", "h: >\n  x\n\n  y\n\n\n", "# c\n", "\n", "i:\n  - |+\n    x\n\n\n",
              "j: [a,\n\n b]\n", "k: {a: |+\n  x\n\n}\n", 'l: "\n\n"\n', "m: '\n\n'\n", "n: |+\n\n\n\n", "o: >+\n\n\n",
              "p:\n\n\n  q\n", "? |+\n  k\n\n\n: v\n", 'r: "a\r\n\r\n b"\n', "s: |+\r\n  x\r\n\r\n\r\n"]
    chosen = random.Random(24)
    composed = 0
    for _ in range(3000):
        fm = "".join(chosen.sample(pieces, chosen.randint(1, 5)))
        try:
            node = front_matter.HANDLER.load(fm)
        except Exception:  # noqa: BLE001 - malformed: parse() reports it before any walk
            continue
        composed += 1
        assert front_matter.control_characters(node, 0) == [], repr(fm)
    assert composed > 1000
    # The walk does find what an escape decodes into.
    node = front_matter.HANDLER.load('a: "x\\ny"\nb: "\\e"\n')
    assert [line for line, _ in front_matter.control_characters(node, 0)] == [1, 2]


def recorded(version: bytes) -> None:
    record = ParsedRecord("test", version)
    record.add("digest", (1,))
    record.save()


def test_records_no_run_has_read_for_a_month_are_removed_when_a_new_one_starts(tmp_path, monkeypatch):
    monkeypatch.setenv("STATUSPRESS_CACHE_DIR", str(tmp_path))
    recorded(b"a site checked now and then")
    [used] = tmp_path.glob("test-*.bin")
    recorded(b"a site gone")
    [gone] = set(tmp_path.glob("test-*.bin")) - {used}
    unrelated = tmp_path / "converts-0123456789abcdef.txt"
    unrelated.write_text("kept\n", encoding="ascii")
    month_ago = time.time() - 40 * 86400
    for path in (used, gone, unrelated):
        os.utime(path, (month_ago, month_ago))
    assert ParsedRecord("test", b"a site checked now and then").get("digest") == (1,)  # read: in use again
    recorded(b"a new site")
    assert used.exists() and unrelated.exists()
    assert not gone.exists()
    assert len(list(tmp_path.glob("test-*.bin"))) == 2


CHECK_AND_LIST_IMPORTS = """
import contextlib, sys
from generator.cli import main
sys.argv = ["statuspress", "check", "-f", "mkdocs.yml"]
with contextlib.suppress(SystemExit):
    main()
print("phonenumbers imported:", "phonenumbers" in sys.modules)
"""


def test_the_phone_regions_are_recorded_and_the_verdict_on_a_region_is_the_same(small_site, tmp_path):
    root = small_site(("nl",))
    write_statement(root / "updates", "2026-01-13-0632-spoed.md", FILES["2026-01-13-0632-spoed.md"])
    config = root / "mkdocs.yml"
    plain = config.read_text(encoding="utf-8")
    cache = tmp_path / "cache"
    errors = {}
    for region, verdict in (("BE", 0), ("be", 0), ("Belgium", 1), ("BF ", 0), ("XK", 0), ("BEL", 1)):
        config.write_text(plain.replace("      timezone:", f"      region: '{region}'\n      timezone:"),
                          encoding="utf-8")
        without = check(root, "")
        assert without[0] == verdict, (region, without)
        assert check(root, str(cache)) == without  # the regions recorded (the first time), or read back
        assert check(root, str(cache)) == without
        errors[region] = without[2]
    assert "'region: Belgium' is not a country code" in errors["Belgium"]
    assert "'region: BEL' is not a country code" in errors["BEL"] and "(did you mean 'B" in errors["BEL"]
    assert len(list(cache.glob("phone-regions-*.bin"))) == 1
    env = {**os.environ, "STATUSPRESS_CACHE_DIR": str(cache), "SOURCE_DATE_EPOCH": "1768400000"}
    run = subprocess.run([sys.executable, "-c", CHECK_AND_LIST_IMPORTS], capture_output=True, text=True, env=env,
                         cwd=root)
    assert "phonenumbers imported: False" in run.stdout, run.stdout + run.stderr
    env["STATUSPRESS_CACHE_DIR"] = ""
    run = subprocess.run([sys.executable, "-c", CHECK_AND_LIST_IMPORTS], capture_output=True, text=True, env=env,
                         cwd=root)
    assert "phonenumbers imported: True" in run.stdout, run.stdout + run.stderr

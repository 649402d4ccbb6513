"""Publishing into site_dir: builds take turns, the last good site survives crashes, strict
mode, symlinks and mount points; a bad SOURCE_DATE_EPOCH is an error; no orphaned worker.

Every test runs real `mkdocs build` processes on a real site_dir. Crashes are injected with
the test-only hook STATUSPRESS_TEST_CRASH_AT (generator/build/publish.py), which ends the
process between two steps of publishing as a kill -9 would.
"""
from __future__ import annotations

import fcntl
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import SMALL_CONFIG, epoch, tree_digest, write_statement

WHEN = "2026-01-14T12:00:00+01:00"
CRASHED = 70  # publish.CRASH_EXIT_CODE

STATEMENT = """
---
title: {title}
date: 2026-01-13T06:32:00+01:00
incident: {incident}
departments:
  emergency: reduced
---
{title}: the emergency department works at reduced capacity.
"""

BROKEN = """
---
title: Broken
date: 2026-01-13T07:00:00+01:00
departmens:
  emergency: offline
---
Text.
"""


def make_source(folder: Path, title: str, incident: str, *, docs: dict[str, str] | None = None,
                options: str = "", broken: bool = False, earlier: int = 0) -> Path:
    """A site source folder with one incident (and `earlier` resolved ones); returns its mkdocs.yml."""
    (folder / "docs").mkdir(parents=True)
    config = SMALL_CONFIG.format(languages="[nl, en]")
    if options:
        config = config.replace("      timezone:", f"      {options}\n      timezone:")
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    write_statement(folder / "updates", f"2026-01-13-0632-{incident}.md",
                    STATEMENT.format(title=title, incident=incident))
    for number in range(earlier):
        write_statement(folder / "updates", f"2026-01-12-{number:04d}-{incident}.md", STATEMENT.format(
            title=f"{title} {number}", incident=f"{incident}-{number}",
        ).replace("2026-01-13T06:32", f"2026-01-12T{number // 60:02d}:{number % 60:02d}").replace(
            "emergency: reduced", "emergency: operational\nphase: resolved"))
    if broken:
        write_statement(folder / "updates", "2026-01-13-0700-broken.md", BROKEN)
    for name, text in (docs or {}).items():
        (folder / "docs" / name).write_text(text, encoding="utf-8")
    return folder / "mkdocs.yml"


def start_build(config: Path, site_dir: Path, *args: str, output=subprocess.PIPE, **env: str) -> subprocess.Popen:
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": str(epoch(WHEN)), **env}
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site_dir), *args],
        stdout=output, stderr=output, text=True, env=environment, cwd=config.parent)


def build(config: Path, site_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    process = start_build(config, site_dir, *args, **env)
    stdout, stderr = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def ok(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr


def assert_complete(site: Path, title: str) -> None:
    for path in ("index.html", "assets/stylesheets/statuspress.css", "rss.xml", "api/v2/summary.json"):
        assert (site / path).is_file(), f"{path} missing from the published site"
    assert any((site / "incidents").iterdir()), "incidents/ is empty"
    assert title in (site / "index.html").read_text(encoding="utf-8")


def leftovers(site: Path) -> list[str]:
    """Whatever publishing left beside site_dir."""
    return sorted(p.name for p in site.parent.iterdir() if p.name.startswith(site.name + "."))


def test_concurrent_builds_take_turns_and_publish_one_whole_site(tmp_path):
    # Enough statements for a build to outlast the gap between the two starts.
    a = make_source(tmp_path / "a", "Attack", "attack", earlier=40)
    b = make_source(tmp_path / "b", "Flood", "flood", earlier=40)
    ok(build(a, tmp_path / "ref-a"))
    ok(build(b, tmp_path / "ref-b"))
    digests = {"a": tree_digest(tmp_path / "ref-a"), "b": tree_digest(tmp_path / "ref-b")}
    assert digests["a"] != digests["b"]
    site = tmp_path / "site"
    randomly = random.Random(9)
    for run in range(5):
        first, second = (a, b) if run % 2 == 0 else (b, a)
        one = start_build(first, site)
        time.sleep(randomly.uniform(0.3, 1.3))  # a push-triggered build overlapping a scheduled one
        two = start_build(second, site)
        for process in (one, two):
            _, stderr = process.communicate(timeout=300)
            assert process.returncode == 0, stderr
        assert_complete(site, "Attack" if tree_digest(site) == digests["a"] else "Flood")
        published = tree_digest(site)
        assert published in digests.values(), f"run {run}: the published site mixes both builds"
        assert leftovers(site) == []


def test_a_second_build_waits_for_the_lock_or_fails_clearly_after_the_timeout(tmp_path):
    config = make_source(tmp_path / "src", "Attack", "attack", options="publish_lock_timeout: 2")
    site = tmp_path / "site"
    ok(build(config, site))
    before = tree_digest(site)
    lock = os.open(f"{site}.statuspress-lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        os.write(lock, b"424242\n")
        result = build(config, site)
        assert result.returncode != 0
        assert "process 424242" in result.stderr and "publish_lock_timeout" in result.stderr
        assert "Traceback" not in result.stderr
        assert tree_digest(site) == before

        # Released while the build waits: the build goes on and publishes.
        other = make_source(tmp_path / "other", "Flood", "flood", options="publish_lock_timeout: 600")
        waiting = start_build(other, site)
        for line in waiting.stderr:
            if "waiting for it" in line:
                break
        else:
            pytest.fail("the second build did not say that it waits")
    finally:
        os.close(lock)  # releases the flock
    _, stderr = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, stderr
    assert_complete(site, "Flood")
    assert leftovers(site) == []


@pytest.mark.parametrize("swap, step, survivor", [
    ("exchange", "staged", "Attack"),  # the new build is complete, nothing swapped yet
    ("exchange", "exchanged", "Flood"),  # swapped; the previous site not yet removed
    ("rename", "moved-aside", "Attack"),  # fallback: between the two renames, no site_dir
    ("rename", "renamed", "Flood"),  # fallback: both renames done, previous site not removed
])
def test_a_crash_while_publishing_keeps_the_last_good_site(tmp_path, swap, step, survivor):
    a = make_source(tmp_path / "a", "Attack", "attack")
    b = make_source(tmp_path / "b", "Flood", "flood")
    broken = make_source(tmp_path / "broken", "Storm", "storm", broken=True)
    site = tmp_path / "site"
    ok(build(a, site))
    attack = tree_digest(site)

    crash = build(b, site, STATUSPRESS_TEST_CRASH_AT=step,
                  **({"STATUSPRESS_TEST_SWAP": "rename"} if swap == "rename" else {}))
    assert crash.returncode == CRASHED, crash.stderr
    if swap == "exchange":  # the atomic swap: site_dir is never missing, not even after a crash
        assert_complete(site, survivor)

    failing = build(broken, site)
    assert failing.returncode != 0 and "unknown key 'departmens'" in failing.stderr
    assert_complete(site, survivor)
    if survivor == "Attack":
        assert tree_digest(site) == attack
    survived = tree_digest(site)
    assert leftovers(site) == []

    ok(build(b, site))
    assert_complete(site, "Flood")
    if survivor == "Flood":
        assert tree_digest(site) == survived, "the site restored after the crash is the whole new build"
    assert leftovers(site) == []


def test_strict_build_with_a_warning_publishes_nothing(tmp_path):
    good = make_source(tmp_path / "good", "Attack", "attack")
    warned = make_source(tmp_path / "warned", "Flood", "flood", docs={"extra.md": "[a link](missing.md)\n"})
    site = tmp_path / "site"
    ok(build(good, site))
    before = tree_digest(site)
    result = build(warned, site, "--strict")
    assert result.returncode == 1
    assert "missing.md" in result.stderr and "strict mode" in result.stderr
    assert tree_digest(site) == before
    assert leftovers(site) == []
    ok(build(warned, site))  # the same build without --strict publishes
    assert_complete(site, "Flood")


@pytest.mark.parametrize("target_exists", [True, False], ids=["web-root", "dangling"])
def test_site_dir_symlink_is_kept_and_its_folder_replaced(tmp_path, target_exists):
    a = make_source(tmp_path / "a", "Attack", "attack")
    b = make_source(tmp_path / "b", "Flood", "flood")
    webroot = tmp_path / "www" / "status"
    if target_exists:
        webroot.mkdir(parents=True)
        (webroot / "stale.html").write_text("from before", encoding="utf-8")
    site = tmp_path / "site"
    site.symlink_to(webroot, target_is_directory=True)

    for config, title in ((a, "Attack"), (b, "Flood")):
        ok(build(config, site))
        assert site.is_symlink() and Path(os.readlink(site)) == webroot
        assert webroot.is_dir() and not webroot.is_symlink()
        assert_complete(webroot, title)
        assert not (webroot / "stale.html").exists()
        assert leftovers(site) == [] and leftovers(webroot) == []
    assert tree_digest(site) == tree_digest(webroot)


@pytest.fixture(params=["tmpfs", "bind"])
def mount_point(request, tmp_path):
    """site_dir as a container volume: a tmpfs, or a folder of the same file system bind-mounted
    (which os.path.ismount does not see: publishing meets EBUSY instead)."""
    site = tmp_path / "site"
    site.mkdir()
    if request.param == "tmpfs":
        command = ["mount", "-t", "tmpfs", "statuspress-test", str(site)]
    else:
        (tmp_path / "volume").mkdir()
        command = ["mount", "--bind", str(tmp_path / "volume"), str(site)]
    mounted = subprocess.run(command, capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount here (needs root or CAP_SYS_ADMIN): {mounted.stderr.strip()}")
    try:
        yield site
    finally:
        subprocess.run(["umount", str(site)], check=True)


def test_site_dir_mount_point_is_synced_and_an_interrupted_sync_finished(tmp_path, mount_point):
    site = mount_point
    a = make_source(tmp_path / "a", "Attack", "attack", docs={"extra.md": "# Extra\n"})
    b = make_source(tmp_path / "b", "Flood", "flood")
    broken = make_source(tmp_path / "broken", "Storm", "storm", broken=True)
    device = os.stat(site).st_dev, os.stat(site).st_ino
    ok(build(a, site))
    assert (os.stat(site).st_dev, os.stat(site).st_ino) == device, "still the mounted folder"
    assert_complete(site, "Attack")
    assert (site / "extra" / "index.html").exists()

    crash = build(b, site, STATUSPRESS_TEST_CRASH_AT="syncing")
    assert crash.returncode == CRASHED, crash.stderr
    failing = build(broken, site)
    assert failing.returncode != 0
    # The next build, failing or not, finishes the interrupted sync from the complete build.
    assert (os.stat(site).st_dev, os.stat(site).st_ino) == device
    assert_complete(site, "Flood")
    assert not (site / "extra").exists(), "files of the previous site are removed"
    synced = tree_digest(site)
    assert not [p for p in site.rglob("*") if p.name.endswith(".statuspress-tmp")]
    assert leftovers(site) == []

    ok(build(b, site))
    assert (os.stat(site).st_dev, os.stat(site).st_ino) == device
    assert tree_digest(site) == synced
    assert leftovers(site) == []


def test_invalid_source_date_epoch_is_a_clear_error(tmp_path):
    config = make_source(tmp_path / "src", "Attack", "attack")
    site = tmp_path / "site"
    ok(build(config, site))
    before = tree_digest(site)
    result = build(config, site, SOURCE_DATE_EPOCH="abc")
    assert result.returncode != 0
    assert "SOURCE_DATE_EPOCH='abc'" in result.stderr and "Traceback" not in result.stderr
    assert tree_digest(site) == before

    script = shutil.which("statuspress")
    assert script, "the statuspress console script is not installed (pip install -e .)"
    check = subprocess.run([script, "check", "-f", str(config)], capture_output=True, text=True, timeout=120,
                           env={**os.environ, "SOURCE_DATE_EPOCH": "abc"})
    assert check.returncode == 1
    assert "SOURCE_DATE_EPOCH='abc'" in check.stderr and "Traceback" not in check.stderr


def _children(parents: set[int]) -> set[int]:
    """Live processes whose parent is one of `parents`."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            state, ppid = stat.rsplit(")", 1)[1].split()[:2]
            if int(ppid) in parents and state != "Z":
                found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds processes through Linux's /proc")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="with one CPU the outputs are made without a worker")
def test_killed_build_leaves_no_worker_behind(tmp_path):
    config = make_source(tmp_path / "src", "Attack", "attack")
    # Output to a file: an orphan would hold a pipe open, and reading it would never end.
    with open(tmp_path / "build.log", "w") as log:
        main = start_build(config, tmp_path / "site", output=log, STATUSPRESS_WORKER_FROM="0")  # a small site
    descendants: set[int] = set()
    try:
        worker = None
        deadline = time.monotonic() + 120
        while worker is None and main.poll() is None and time.monotonic() < deadline:
            descendants |= _children({main.pid})
            worker = next((pid for pid in descendants if "generator.build.writer" in _cmdline(pid)), None)
            time.sleep(0.01)
        assert worker is not None, "the build ended before its feed worker could be seen: " + (
            tmp_path / "build.log").read_text()
        descendants |= _children(descendants)
        main.send_signal(signal.SIGKILL)
        main.wait()
        deadline = time.monotonic() + 20
        while any(_alive(pid) for pid in descendants) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = {pid: _cmdline(pid) for pid in descendants if _alive(pid)}
        assert left == {}, "processes of the killed build still run"
    finally:
        for pid in descendants:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        if main.poll() is None:
            main.kill()
            main.wait()

"""`statuspress doctor`: three live copies on local servers, as a deploy leaves them.

One serves the build just made with the `_headers` rules applied (as Netlify would), one an
older build of the same site, one the current build from a plain server that sets no header
(as GitHub Pages sets no CSP): the report and the exit code say which is which.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from helpers import mkdocs_build, serve_with_headers, write_statement
from helpers import serve as serve_plain


def doctor(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "generator.cli", "doctor", *args],
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """(current site_dir, older site_dir): the same site built now and three hours ago."""
    root = tmp_path_factory.mktemp("doctor")
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text("site_name: Test\nsite_url: https://status.example.org/\ntheme:\n"
                                     "  name: material\n  font: false\nplugins:\n  - statuspress:\n"
                                     "      timezone: Europe/Brussels\n      languages: [en]\n"
                                     "      departments:\n        emergency: {name: {en: Emergency}}\n",
                                     encoding="utf-8")
    write_statement(root / "updates", "2026-01-13-0632-outage.md", """
        ---
        title: Outage
        date: 2026-01-13T06:32:00+01:00
        departments: {emergency: reduced}
        ---
        Reduced capacity.
        """)
    older_moment = (datetime.now(timezone.utc) - timedelta(hours=3)).replace(microsecond=0).isoformat()
    older = mkdocs_build(root / "mkdocs.yml", root / "older", older_moment)
    assert older.returncode == 0, older.stderr
    current = mkdocs_build(root / "mkdocs.yml", root / "current")
    assert current.returncode == 0, current.stderr
    return root / "current", root / "older"


def test_doctor_tells_current_older_and_headerless_copies_apart(builds):
    current, older = builds
    with serve_with_headers(current) as good, serve_with_headers(older) as old, serve_plain(current) as bare:
        good, old = good + "/", old + "/"
        result = doctor("--expect", str(current), good, old, bare)
        assert result.returncode == 1, result.stdout + result.stderr
        lines = result.stdout.splitlines()
        assert f"{good}: CURRENT: same build" in result.stdout
        assert any(line.startswith(f"{old}: STALE: serves an older build") and "3 h 00 min ago" in line
                   for line in lines), result.stdout
        assert f"{bare}: CURRENT: same build" in result.stdout
        # Headers actually served, per copy: the one behind a plain server misses them.
        good_part = result.stdout.split(good)[1].split("http://")[0]
        bare_part = result.stdout.split(bare)[1]
        assert "Access-Control-Allow-Origin (api/v2/summary.json): *" in good_part
        assert "Content-Security-Policy (pages): default-src 'self'" in good_part and "warning" not in good_part
        assert "Content-Security-Policy (pages): MISSING" in bare_part
        assert "warning: not served: Cache-Control (pages), Content-Security-Policy (pages)" in bare_part
        assert f"{old} (stale)" in result.stderr and good not in result.stderr and bare not in result.stderr

        assert doctor("--expect", str(current), good).returncode == 0
        # Missing headers are a warning (GitHub Pages sends no CSP), a failure with --strict.
        assert doctor("--expect", str(current), bare).returncode == 0
        strict = doctor("--strict", "--expect", str(current), bare)
        assert strict.returncode == 1 and "headers missing" in strict.stderr
        # Without a build to expect, the age decides: three hours is stale against 30 minutes.
        assert doctor(old).returncode == 1 and doctor(good).returncode == 0
        assert doctor("--max-age", "240", old).returncode == 0


def test_doctor_waits_until_the_new_build_is_served(builds, tmp_path):
    current, older = builds
    served = tmp_path / "served"
    shutil.copytree(older, served)
    with serve_with_headers(served) as url:
        def deploy_later():
            time.sleep(3)
            # As a host switches to the new upload: the files are replaced.
            for path in sorted(current.rglob("*")):
                target = served / path.relative_to(current)
                if path.is_dir():
                    target.mkdir(exist_ok=True)
                else:
                    shutil.copyfile(path, target)
        deployer = threading.Thread(target=deploy_later)
        deployer.start()
        started = time.monotonic()
        result = doctor("--expect", str(current), "--wait", "60", url)
        deployer.join()
        assert result.returncode == 0, result.stdout + result.stderr
        assert "CURRENT: same build" in result.stdout and time.monotonic() - started < 45
    no_wait = doctor("--expect", str(current), "--wait", "0", "http://127.0.0.1:9/")
    assert no_wait.returncode == 1 and "UNREACHABLE: no answer" in no_wait.stdout and "Traceback" not in no_wait.stderr

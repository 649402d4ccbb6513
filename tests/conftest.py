"""The tests' fixtures (their helpers are in helpers.py), and CI's rule that a skip fails."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

# Also importable from here, for tests written before helpers.py: import them from helpers.
from helpers import REPO, SMALL_CONFIG, epoch, mkdocs_build, tree_digest, write_statement  # noqa: F401

VNU_CACHE = REPO / "tests" / ".cache" / "vnu"


@pytest.fixture
def small_site(tmp_path):
    """A tiny site folder (mkdocs.yml, docs/, updates/) to fill with statements."""
    def make(languages=("nl", "fr", "en")) -> Path:
        root = tmp_path / "site-src"
        (root / "docs").mkdir(parents=True, exist_ok=True)
        (root / "updates").mkdir(exist_ok=True)
        (root / "mkdocs.yml").write_text(SMALL_CONFIG.format(languages="[" + ", ".join(languages) + "]"),
                                         encoding="utf-8")
        return root
    return make


@pytest.fixture(scope="module")
def vnu() -> Path:
    """The Nu HTML checker's jar: vnu-jar from npm (the current checker, run offline with the
    installed Java), installed once into tests/.cache/vnu/, which git ignores."""
    jar = VNU_CACHE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not jar.exists():
        if not shutil.which("npm"):
            pytest.skip("the Nu HTML checker is installed with npm, which is not here")
        VNU_CACHE.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix",
                                 str(VNU_CACHE), "vnu-jar"], capture_output=True, text=True, timeout=600)
        assert result.returncode == 0 and jar.exists(), result.stderr
    if not shutil.which("java"):
        pytest.skip("the Nu HTML checker needs Java")
    return jar


# -- in CI, a skipped test is a failed check ----------------------------------------------------
# Tests skip when a tool (Chromium, Java, npm) is missing on a developer's machine. CI installs
# them all (.ci/run), so a skip there means a check silently did not run: fail the run instead.

def _skipped(config) -> list:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    return reporter.stats.get("skipped", []) if reporter is not None else []


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if os.environ.get("CI") and _skipped(config):
        terminalreporter.write_line(f"CI: {len(_skipped(config))} test(s) skipped; every tool the tests need "
                                    "must be installed here, so the run fails", red=True)


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("CI") and exitstatus == 0 and _skipped(session.config):
        session.exitstatus = 1

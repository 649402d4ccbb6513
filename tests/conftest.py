"""Shared test helpers: build real sites with the real `mkdocs` command and read them back."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def epoch(iso: str) -> int:
    """SOURCE_DATE_EPOCH for an ISO 8601 moment with offset."""
    return int(datetime.fromisoformat(iso).timestamp())


def mkdocs_build(config_file: Path, site_dir: Path, when: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)
    if when:
        env["SOURCE_DATE_EPOCH"] = str(epoch(when))
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config_file), "-d", str(site_dir)],
        capture_output=True, text=True, env=env, cwd=config_file.parent,
    )


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under `root` with the hash of its bytes."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


SMALL_CONFIG = """\
site_name: Test Hospital
site_url: https://status.example.org/
theme:
  name: material
  font: false
plugins:
  - statuspress:
      timezone: Europe/Brussels
      languages: {languages}
      groups:
        north: {{nl: Noord, fr: Nord, en: North}}
      departments:
        emergency:
          group: north
          name: {{nl: Spoed, fr: Urgences, en: Emergency}}
          phone: "+32 3 000 00 00"
        lab:
          group: north
          name: {{nl: Labo, fr: Labo, en: Lab}}
        registration:
          name: {{nl: Inschrijving, fr: Inscription, en: Registration}}
"""


def copy_example(folder: Path, add_languages: tuple[str, ...] = ()) -> Path:
    """The example site (mkdocs.yml, docs/, updates/) copied into `folder`, with languages added
    (Arabic, for right-to-left pages); returns its mkdocs.yml."""
    import re
    import shutil
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    if add_languages:
        text, count = re.subn(r"(\n\s+languages:\s*\[)([^\]]*)\]",
                              lambda m: f"{m[1]}{m[2]}, {', '.join(add_languages)}]", text, count=1)
        assert count == 1, "no `languages: [...]` in mkdocs.yml"
    (folder / "mkdocs.yml").write_text(text, encoding="utf-8")
    for name in ("docs", "updates"):
        shutil.copytree(REPO / name, folder / name)
    return folder / "mkdocs.yml"


def write_statement(updates: Path, name: str, text: str) -> Path:
    path = updates / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


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

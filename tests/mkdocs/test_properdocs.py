"""The engine hedge (README, "Engines and theme versions"): the example site built with
ProperDocs, the maintained fork of MkDocs 1.6, in a virtual environment of its own with no
MkDocs in it, is the MkDocs build byte for byte, but for the generator meta tag naming the engine.

The environment has ProperDocs from PyPI, this package (editable, from this repository) and
every other package at the version this test's environment has, MkDocs uninstalled: what a
site that switched engines runs. It is kept in tests/.cache/ (git-ignored) under a key of
everything that went into it, so that it is made once per set of versions, not on every run.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EXAMPLE_CONFIG, REPO, epoch, mkdocs_build

CACHE = REPO / "tests" / ".cache" / "properdocs"
WHEN = "2026-01-14T15:13:00+01:00"  # during the crisis: every kind of block is on the pages
# Material prints "mkdocs-<engine version>, mkdocs-material-<version>": ProperDocs gives its own name there.
GENERATOR_META = re.compile(rb'<meta name="generator" content="mkdocs-([^",]*), mkdocs-material-([^"]*)">')


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    return subprocess.run(args, capture_output=True, text=True, env={**env, "PIP_DISABLE_PIP_VERSION_CHECK": "1",
                                                                     **kwargs.pop("env", {})}, **kwargs)


def _constraints() -> str:
    """This environment's packages as pip constraints: the other environment gets the same versions."""
    frozen = _run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"], check=True).stdout
    return "".join(f"{line}\n" for line in frozen.splitlines()
                   if line and not line.startswith(("-", "#")) and " @ " not in line
                   and not line.lower().startswith(("statuspress==", "properdocs==")))


@pytest.fixture(scope="module")
def properdocs_python() -> Path:
    """The Python of an environment with ProperDocs and this package, and no MkDocs."""
    constraints = _constraints()
    key = hashlib.sha256(b"\0".join([constraints.encode(), (REPO / "pyproject.toml").read_bytes(),
                                     str(REPO).encode(), sys.version.encode()])).hexdigest()[:16]
    venv = CACHE / key
    python = venv / "bin" / "python"
    if (venv / "ready").exists():
        return python
    CACHE.mkdir(parents=True, exist_ok=True)
    building = CACHE / f"{key}.{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(building)], check=True)
    (building / "constraints.txt").write_text(constraints, encoding="utf-8")
    pip = [str(building / "bin" / "python"), "-m", "pip"]
    installed = _run([*pip, "install", "-q", "-c", str(building / "constraints.txt"), "properdocs", "-e", str(REPO)],
                     timeout=1200)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    # Material and this package require MkDocs; a site that switched engines need not keep it.
    removed = _run([*pip, "uninstall", "-y", "-q", "mkdocs"], timeout=300)
    assert removed.returncode == 0, removed.stdout + removed.stderr
    (building / "ready").write_text("", encoding="utf-8")
    try:
        building.rename(venv)  # (a venv's own python finds its environment wherever the folder is)
    except OSError:  # made meanwhile by another run
        shutil.rmtree(building, ignore_errors=True)
    return python


def test_the_example_site_builds_the_same_with_properdocs(properdocs_python, tmp_path):
    listed = _run([str(properdocs_python), "-m", "pip", "list", "--format=freeze"], check=True).stdout.lower()
    assert "properdocs==" in listed and "\nmkdocs==" not in f"\n{listed}", listed

    with_properdocs = tmp_path / "properdocs"
    built = _run([str(properdocs_python), "-m", "properdocs", "build", "-q", "-f", str(EXAMPLE_CONFIG),
                  "-d", str(with_properdocs)], cwd=EXAMPLE_CONFIG.parent,
                 env={"SOURCE_DATE_EPOCH": str(epoch(WHEN))}, timeout=900)
    assert built.returncode == 0, built.stdout + built.stderr
    with_mkdocs = tmp_path / "mkdocs"
    built = mkdocs_build(EXAMPLE_CONFIG, with_mkdocs, WHEN)
    assert built.returncode == 0, built.stdout + built.stderr

    files = sorted(str(p.relative_to(with_mkdocs)) for p in with_mkdocs.rglob("*") if p.is_file())
    assert len(files) > 100
    assert sorted(str(p.relative_to(with_properdocs)) for p in with_properdocs.rglob("*") if p.is_file()) == files
    engines = set()
    different = []
    for name in files:
        theirs, ours = (with_properdocs / name).read_bytes(), (with_mkdocs / name).read_bytes()
        engines.update(match[0] for match in GENERATOR_META.findall(theirs))
        if GENERATOR_META.sub(b"", theirs) != GENERATOR_META.sub(b"", ours):
            different.append(name)
    assert not different, f"{len(different)} file(s) differ beyond the generator meta: {different[:10]}"
    # The pages really were made by ProperDocs, which names itself in the meta tag.
    assert engines and all(engine.startswith(b"ProperDocs ") for engine in engines), engines

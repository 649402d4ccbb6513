"""`statuspress init`: a new organisation's site that builds at once, in a fresh environment.

statuspress is installed (not editable) from a clean copy of the repository into a new
virtual environment, as a newcomer would; the new site is built with the real `mkdocs`, and
the publishing workflows it ships are run step by step.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest
import yaml

from helpers import REPO, write_statement
from helpers import copy_repo, fresh_env, load_workflow, run_github_job, run_gitlab_job, run_shell


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    target = tmp_path / "site"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "generator.cli", "init", str(target)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert "is not an empty folder" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_init_rejects_an_unknown_time_zone(tmp_path):
    result = subprocess.run([sys.executable, "-m", "generator.cli", "init", str(tmp_path / "s"),
                             "--timezone", "Europe/Brussel"], capture_output=True, text=True)
    assert result.returncode == 2 and "IANA time zone" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "s").exists()


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(env, repository copy, wheel): the wheel built from a clean copy, installed into a new venv
    with nothing else (its dependencies from the index, through pip's usual cache)."""
    root = tmp_path_factory.mktemp("init")
    env = fresh_env(root / "venv")
    clone = copy_repo(root / "statuspress")
    built = run_shell("python -m pip wheel -q --no-deps -w dist .", clone, env)
    assert built.returncode == 0, built.stderr
    wheel, = (clone / "dist").glob("statuspress-*.whl")
    install = run_shell(f"python -m pip install -q {wheel}", root, env)
    assert install.returncode == 0, install.stderr
    return env, clone, wheel


def test_init_from_the_wheel_pins_what_was_installed(installed, tmp_path):
    """`init` from an installed wheel: the site builds, and requirements.txt names that version,
    with the wheel's own sha256 beside it, not a bare name anyone could register."""
    env, _, wheel = installed
    site = tmp_path / "site"
    result = run_shell(f"statuspress init {site}", tmp_path, env)
    assert result.returncode == 0, result.stderr
    version = wheel.name.split("-")[1]
    lines = (site / "requirements.txt").read_text(encoding="utf-8").splitlines()
    requirements = [line for line in lines if line and not line.startswith("#")]
    assert requirements == [f"statuspress=={version}"]
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    assert any(wheel.name in line and digest in line for line in lines), lines
    assert f"statuspress=={version}" in result.stdout and "cannot reach" in result.stdout + result.stderr
    # The package is the wheel's, not this source tree's: templates, theme and catalogs all shipped.
    where = run_shell("python -c 'import generator, sys; print(generator.__file__)'", tmp_path, env)
    assert "site-packages" in where.stdout, where.stdout
    build = run_shell("mkdocs build", site, {**env, "NO_MKDOCS_2_WARNING": "1"})
    assert build.returncode == 0, build.stderr
    assert (site / "site" / "index.html").is_file() and (site / "site" / "_headers").is_file()


@pytest.fixture(scope="module")
def newsite(installed, tmp_path_factory):
    """(env, repository copy, new site) with statuspress installed from the wheel in a new venv."""
    env, clone, _ = installed
    root = tmp_path_factory.mktemp("newsite")
    site = root / "newsite"
    result = run_shell(f"statuspress init {site} --name 'Hôpital Exemple' --languages fr,nl,en "
                       f"--timezone Europe/Brussels --requirement {clone}", root, env)
    assert result.returncode == 0, result.stderr
    return env, clone, site


def test_new_site_builds_at_once(newsite):
    env, _, site = newsite
    for name in ("mkdocs.yml", "requirements.txt", ".github/workflows/publish.yml", ".gitlab-ci.yml",
                 ".pre-commit-config.yaml", ".gitignore", "docs/about.md", "docs/nl/about.md", "docs/en/about.md"):
        assert (site / name).is_file(), name
    assert (site / "updates").is_dir() and not list((site / "updates").glob("*.md"))
    assert not (site / "site").exists()
    result = run_shell("mkdocs build", site, {**env, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr
    built = site / "site"
    for name in ("index.html", "nl/index.html", "en/index.html", "about/index.html", "_headers",
                 "admin/index.html", "admin/config.yml", "api/v2/summary.json", "rss.xml", "badges/status.svg"):
        assert (built / name).is_file(), name
    summary = json.loads((built / "api/v2/summary.json").read_text(encoding="utf-8"))
    assert summary["status"]["indicator"] == "none"
    assert {c["id"] for c in summary["components"]} == {"emergency", "consultations", "registration"}
    assert 'lang="fr"' in (built / "index.html").read_text(encoding="utf-8")
    config = yaml.safe_load((built / "admin/config.yml").read_text(encoding="utf-8"))
    assert [c["name"] for c in config["collections"]] == ["statements", "translations-nl", "translations-en"]
    check = run_shell("statuspress check", site, env)
    assert check.returncode == 0, check.stdout + check.stderr


def test_new_site_publishes_a_first_statement(newsite):
    env, _, site = newsite
    write_statement(site / "updates", "2026-01-13-0632-panne.md", """
        ---
        title: Panne informatique
        date: 2026-01-13T06:32:00+01:00
        departments: {emergency: reduced}
        ---
        Les urgences fonctionnent à capacité réduite.
        """)
    result = run_shell("statuspress check && mkdocs build", site, {**env, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((site / "site/api/v2/summary.json").read_text(encoding="utf-8"))
    assert summary["status"]["indicator"] == "major"
    (site / "updates" / "2026-01-13-0632-panne.md").unlink()


def test_new_site_workflows_run(newsite):
    env, _, site = newsite
    workflow = load_workflow(site / ".github/workflows/publish.yml")
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert {"cron": "7-59/10 * * * *"} in workflow["on"]["schedule"]
    ran = run_github_job(workflow, "build", site, env)
    assert ran[0] == "python -m pip install -r requirements.txt"
    assert (site / "site" / "_headers").is_file()
    run_gitlab_job(yaml.safe_load((site / ".gitlab-ci.yml").read_text(encoding="utf-8")), "pages", site, env)
    assert (site / "public" / "index.html").is_file()


def test_scaffold_workflow_matches_the_repository_s_own():
    """One workflow to maintain: the repository's differs only in how it installs statuspress."""
    ours = (REPO / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    template = (REPO / "generator/scaffold/template/dot-github/workflows/publish.yml").read_text(encoding="utf-8")
    differing = [(a, b) for a, b in zip(ours.splitlines(), template.splitlines()) if a != b]
    assert len(ours.splitlines()) == len(template.splitlines())
    assert all("install" in a.lower() and "install" in b.lower() for a, b in differing), differing


def _clone(folder, remote=None):
    """A real git clone with one commit, and `remote` as its origin."""
    folder.mkdir()
    git = ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git[:3], "init", "-q"], check=True)
    (folder / "README").write_text("x", encoding="utf-8")
    subprocess.run([*git, "add", "README"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "one"], check=True)
    if remote:
        subprocess.run([*git[:3], "remote", "add", "origin", remote], check=True)
    return subprocess.run([*git[:3], "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()


def test_an_editable_clone_is_pinned_at_its_remote_and_commit(tmp_path):
    from generator.scaffold.requirement import pinned_requirement

    commit = _clone(tmp_path / "statuspress", "git@github.com:my-org/statuspress.git")
    record = {"url": (tmp_path / "statuspress").as_uri(), "dir_info": {"editable": True}}
    pinned = pinned_requirement(record, "0.1.0")
    # CI fetches without an SSH key: the scp-style remote becomes its https address.
    assert pinned.line == f"statuspress @ git+https://github.com/my-org/statuspress.git@{commit}"
    assert commit in pinned.advice and "push that commit" in pinned.advice


def test_a_clone_without_remote_still_makes_the_site_and_says_which_requirement(tmp_path):
    from generator.scaffold.requirement import pinned_requirement

    commit = _clone(tmp_path / "statuspress")
    pinned = pinned_requirement({"url": (tmp_path / "statuspress").as_uri(), "dir_info": {}}, "0.1.0")
    assert pinned.line == ""
    assert f'"statuspress @ git+https://<host>/<owner>/statuspress.git@{commit}"' in pinned.advice
    assert "--requirement" in pinned.advice and "no git remote" in pinned.advice


def test_vcs_and_index_installs_are_pinned():
    from generator.scaffold.requirement import pinned_requirement

    # PEP 610's record of `pip install git+https://...@main`: the commit pip checked out.
    record = {"url": "https://github.com/my-org/statuspress.git",
              "vcs_info": {"vcs": "git", "requested_revision": "main", "commit_id": "a" * 40}}
    assert pinned_requirement(record, "0.1.0").line == \
        f"statuspress @ git+https://github.com/my-org/statuspress.git@{'a' * 40}"
    assert pinned_requirement(None, "0.2.0").line == "statuspress==0.2.0"

"""The repository's publishing workflows, run for real.

Each `run:` step of the GitHub Actions workflow and each `script:` line of the GitLab CI job
runs in a clean copy of the repository, in a new virtual environment (so `pip install .`
really installs); `uses:` steps are GitHub's own actions and are only checked by name.
"""
from __future__ import annotations

import json
import re
import shlex
import shutil

import pytest
import yaml

from helpers import (REPO, copy_repo, fresh_env, has_check_format, load_workflow, run_github_job,
                              run_gitlab_job, run_shell)

WORKFLOW = REPO / ".github" / "workflows" / "publish.yml"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return fresh_env(tmp_path_factory.mktemp("venv") / "venv")


def test_github_workflow_is_scheduled_and_never_overlaps():
    workflow = load_workflow(WORKFLOW)
    assert "push" in workflow["on"]
    assert {"cron": "7-59/10 * * * *"} in workflow["on"]["schedule"]
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    uses = [step.get("uses", "").split("@")[0] for job in workflow["jobs"].values() for step in job["steps"]]
    assert "actions/upload-pages-artifact" in uses and "actions/deploy-pages" in uses
    runs = [step["run"] for step in workflow["jobs"]["build"]["steps"] if "run" in step]
    assert "statuspress check --format github" in runs
    # The check comes before the build: a wrong statement stops the deploy.
    assert runs.index("statuspress check --format github") < next(i for i, r in enumerate(runs) if "mkdocs build" in r)


def test_github_workflow_steps_run(tmp_path, env):
    workflow = load_workflow(WORKFLOW)
    clone = copy_repo(tmp_path / "clone")
    ran = run_github_job(workflow, "build", clone, env)
    assert any("pip install" in command for command in ran)
    upload = next(s for s in workflow["jobs"]["build"]["steps"] if s.get("uses", "").startswith("actions/upload-pages"))
    # One moment for the whole run: every copy of this build carries the same generation time.
    assert ran[1] == 'echo "SOURCE_DATE_EPOCH=$(date +%s)" >> "$GITHUB_ENV"'
    site = clone / upload["with"]["path"]
    assert (site / "index.html").is_file() and (site / "_headers").is_file()
    assert (site / "admin" / "index.html").is_file() and (site / "api" / "v2" / "summary.json").is_file()
    if has_check_format(env, clone):
        # GitHub reads ::error file=...,line=...:: lines as annotations on the commit.
        (clone / "updates" / "2026-11-01-0000-broken.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
        result = run_shell("statuspress check --format github", clone, env)
        assert result.returncode == 1 and "::error file=" in result.stdout + result.stderr


def test_gitlab_pages_job_runs(tmp_path, env):
    config = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert config["pages"]["artifacts"]["paths"] == ["public"] and config["pages"]["resource_group"] == "pages"
    clone = copy_repo(tmp_path / "clone")
    # GitLab's own address, as GitLab sets CI_PAGES_URL: the copy's feeds and API name it.
    run_gitlab_job(config, "pages", clone, {**env, "CI_PAGES_URL": "https://my-org.gitlab.io/status"})
    assert (clone / "public" / "index.html").is_file() and (clone / "public" / "_headers").is_file()
    summary = json.loads((clone / "public/api/v2/summary.json").read_text(encoding="utf-8"))
    assert summary["page"]["url"] == "https://my-org.gitlab.io/status/"
    assert '<link rel="canonical" href="https://my-org.gitlab.io/status/">' in \
        (clone / "public/index.html").read_text(encoding="utf-8")
    assert "status.az-scheldeland.example" not in (clone / "public/rss.xml").read_text(encoding="utf-8")


def test_pre_commit_hook_runs_statuspress_check(tmp_path, env):
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "statuspress-check")
    assert hook["language"] == "python" and hook["pass_filenames"] is False and hook["files"] == "^updates/"
    clone = copy_repo(tmp_path / "clone")
    assert run_shell("python -m pip install -q .", clone, env).returncode == 0
    assert run_shell(hook["entry"], clone, env).returncode == 0
    (clone / "updates" / "2026-11-01-0000-broken.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    failed = run_shell(hook["entry"], clone, env)
    assert failed.returncode == 1 and "2026-11-01-0000-broken.md" in failed.stdout + failed.stderr



# -- every workflow: least privilege, pinned actions, schedules that hold, commands that exist ---

WORKFLOWS = [REPO / ".github/workflows/publish.yml", REPO / ".github/workflows/release.yml",
             REPO / "generator/scaffold/template/dot-github/workflows/publish.yml"]
GITLAB = [REPO / ".gitlab-ci.yml", REPO / "generator/scaffold/template/dot-gitlab-ci.yml"]
PINNED = re.compile(r"^\s*(?:- )?uses: ([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+(?:\.\d+)*\s*$")
# Preinstalled on GitHub's ubuntu-latest runner (actions/runner-images, Ubuntu 24.04 readme):
# the GitHub CLI, the AWS CLI, Node.js with npx.
RUNNER_TOOLS = {"gh", "aws", "npx"}
SHELL_WORDS = {"cd", "echo", "test", "[", "export"}


def _jobs(path):
    return load_workflow(path)["jobs"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: str(p.relative_to(REPO)))
def test_workflow_permissions_are_per_job(path):
    workflow = load_workflow(path)
    assert workflow["permissions"] == {}, "nothing by default: each job asks for what it needs"
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, f"job {name} states its permissions"
        granted = job["permissions"]
        writes = {scope for scope, level in granted.items() if level == "write"}
        if name == "deploy":
            assert granted == {"pages": "write", "id-token": "write"}
            assert all("run" not in step for step in job["steps"]), "the deploy job runs no code of ours"
        elif name == "publish":
            assert granted == {"id-token": "write"} and all("run" not in step for step in job["steps"])
        elif name == "keep-alive":
            assert granted == {"actions": "write"}
        else:
            assert not writes, f"job {name} may write {writes}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_action_is_pinned_by_commit(path):
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if re.match(r"^\s*(- )?uses:", line)]
    assert lines
    for line in lines:
        assert PINNED.match(line), f"not pinned by a 40-hex commit with its version in a comment: {line.strip()}"
    # The same action at the same commit everywhere (Dependabot updates them together).
    pins = {}
    for line in lines:
        action, commit = PINNED.match(line).groups()
        assert pins.setdefault(action, commit) == commit, action


def test_dependabot_keeps_the_actions_current():
    for path in (REPO / ".github/dependabot.yml", REPO / "generator/scaffold/template/dot-github/dependabot.yml"):
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert {"package-ecosystem": "github-actions", "directory": "/", "schedule": {"interval": "weekly"}} \
            in config["updates"], path


@pytest.mark.parametrize("path", [WORKFLOWS[0], WORKFLOWS[2]], ids=["repository", "scaffold"])
def test_schedule_avoids_the_full_hour_and_is_kept_alive(path):
    workflow = load_workflow(path)
    crons = [entry["cron"] for entry in workflow["on"]["schedule"]]
    for cron in crons:
        minute = cron.split()[0]
        assert not re.fullmatch(r"(\*|0)(/\d+)?|0(,.*)?", minute), f"{cron}: fires at minute 0"
    assert "7-59/10 * * * *" in crons
    keep_alive = workflow["jobs"]["keep-alive"]
    monthly = [c for c in crons if c != "7-59/10 * * * *"]
    assert keep_alive["if"] == f"github.event.schedule == '{monthly[0]}'"
    # More often than GitHub's 60 days: the first of each month.
    assert monthly[0].split()[2:] == ["1", "*", "*"]
    run = keep_alive["steps"][0]["run"]
    assert shlex.split(run)[:4] == ["gh", "api", "--method", "PUT"]
    assert run.endswith(f"actions/workflows/{path.name}/enable\"")


def _commands(script: str) -> list[list[str]]:
    words = []
    for line in script.splitlines():
        for part in re.split(r"&&|\|\||;|\|", line):
            tokens = shlex.split(part.strip(), comments=True)
            while tokens and re.match(r"^[A-Z_]+=", tokens[0]):
                tokens = tokens[1:]
            if tokens:
                words.append(tokens)
    return words


def _statuspress_commands(env):
    result = run_shell("statuspress --help", REPO, env)
    return set(re.findall(r"^  (\w+)", result.stdout.split("Commands:")[1], re.M))


@pytest.fixture(scope="module")
def installed_env(env, tmp_path_factory):
    clone = copy_repo(tmp_path_factory.mktemp("installed") / "clone")
    installed = run_shell("python -m pip install -q .", clone, env)
    assert installed.returncode == 0, installed.stderr
    return env


@pytest.mark.parametrize("path", WORKFLOWS + GITLAB, ids=lambda p: str(p.relative_to(REPO)))
def test_every_command_exists(path, installed_env):
    """Each program a `run:` step or a `script:` line calls is there: in the virtual environment
    with statuspress installed, on the runner, or a shell built-in; statuspress's subcommands and
    their options exist."""
    env = installed_env
    if path.suffix == ".yml" and path.parent.name == "workflows":
        scripts = [step["run"] for job in _jobs(path).values() for step in job["steps"] if "run" in step]
    else:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        scripts = [line for job in config.values() if isinstance(job, dict) and "script" in job
                   for line in job["script"]]
    subcommands = _statuspress_commands(env)
    for script in scripts:
        for words in _commands(script):
            program = words[0]
            if program in SHELL_WORDS or program in RUNNER_TOOLS:
                continue
            located = program if "/" in program else shutil.which(program, path=env["PATH"])
            if program.startswith("/tmp/clean/bin/"):  # the release's clean venv: the same programs
                located = shutil.which(program.rsplit("/", 1)[1], path=env["PATH"])
                program = program.rsplit("/", 1)[1]
            assert located, f"{path.name}: {program!r} not found ({script!r})"
            if program == "statuspress":
                assert words[1] in subcommands, words
                options = [w.split("=")[0] for w in words[2:] if w.startswith("--")]
                helptext = run_shell(f"statuspress {words[1]} --help", REPO, env).stdout
                for option in options:
                    assert option in helptext, f"statuspress {words[1]} has no {option}"


def test_s3_upload_is_what_statuspress_headers_prints():
    """The workflow's S3 upload sets the Cache-Control that `statuspress headers --format s3` gives."""
    from generator.render.headers import server_rules

    printed = [line for line in server_rules("s3").splitlines() if line.startswith("aws s3 sync")]
    for path in (WORKFLOWS[0], WORKFLOWS[2]):
        run = next(step["run"] for step in _jobs(path)["s3"]["steps"] if "run" in step)
        assert run.strip().splitlines() == printed


def test_mirrors_are_optional_and_built_at_their_own_address():
    for path in (WORKFLOWS[0], WORKFLOWS[2]):
        jobs = _jobs(path)
        for mirror, variable in (("cloudflare", "CLOUDFLARE_SITE_URL"), ("netlify", "NETLIFY_SITE_URL"),
                                 ("s3", "S3_SITE_URL")):
            assert jobs[mirror]["if"] == f"vars.{variable} != ''" and jobs[mirror]["permissions"] == {}
            build = next(s for s in jobs["build"]["steps"] if s.get("env", {}).get("STATUSPRESS_SITE_URL")
                         == f"${{{{ vars.{variable} }}}}")
            assert build["if"] == f"vars.{variable} != ''" and f"--site-dir site-{mirror}" in build["run"]
            # The secret is in the mirror's job only, never in the build job that runs statement text.
            assert "secrets." not in json.dumps(jobs["build"])
        verify = jobs["verify"]
        assert set(verify["needs"]) == {"deploy", "cloudflare", "netlify", "s3"}
        doctors = [s["run"] for s in verify["steps"] if "statuspress doctor" in s.get("run", "")]
        assert len(doctors) == 4 and all("--expect expected --wait 300" in d for d in doctors)


def test_gitlab_image_has_git_and_its_own_address():
    for path in GITLAB:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert re.fullmatch(r"python:3\.\d+-(bookworm|trixie)", config["image"]), "a Debian image with git"
        assert config["pages"]["variables"]["STATUSPRESS_SITE_URL"] == "$CI_PAGES_URL"
        assert any("statuspress doctor --expect public" in line for line in config["verify"]["script"])

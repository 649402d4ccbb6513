"""The repository's publishing workflows, run for real.

Each `run:` step of the GitHub Actions workflow and each `script:` line of the GitLab CI job
runs in a clean copy of the repository, in a new virtual environment (so `pip install .`
really installs); `uses:` steps are GitHub's own actions and are only checked by name.
"""
from __future__ import annotations

import json
import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml

from workflow_helpers import (REPO, copy_repo, fresh_env, has_check_format, load_workflow, run_github_job,
                              run_gitlab_job, run_shell)

WORKFLOW = REPO / ".github" / "workflows" / "publish.yml"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return fresh_env(tmp_path_factory.mktemp("venv") / "venv")


def test_github_workflow_is_scheduled_and_never_overlaps():
    workflow = load_workflow(WORKFLOW)
    assert "push" in workflow["on"]
    assert {"cron": "*/10 * * * *"} in workflow["on"]["schedule"]
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert workflow["permissions"]["pages"] == "write" and workflow["permissions"]["id-token"] == "write"
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
    assert config["pages"]["artifacts"]["paths"] == ["public", "announce"]
    assert config["pages"]["resource_group"] == "pages"
    # Announcing comes after the deploy, takes turns with it, never fails the pipeline, and is off
    # unless switched on (the GitHub workflow announces already: one host only).
    assert config["announce"]["stage"] == ".post" and config["announce"]["resource_group"] == "pages"
    assert config["announce"]["allow_failure"] is True
    assert '$STATUSPRESS_ANNOUNCE == "yes"' in config["announce"]["rules"][0]["if"]
    clone = copy_repo(tmp_path / "clone")
    run_gitlab_job(config, "pages", clone, env)
    assert (clone / "public" / "index.html").is_file() and (clone / "public" / "_headers").is_file()


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


class LiveSite:
    """The deployed site on a local server (GET), which is also a channel's endpoint (POST)."""

    def __init__(self, folder):
        self.posts: list[tuple[str, dict]] = []
        live = self

        class Handler(SimpleHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                live.posts.append((self.path, json.loads(body)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(folder)))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_github_workflow_announces_each_new_statement_after_the_deploy(tmp_path, env):
    workflow = load_workflow(WORKFLOW)
    jobs = workflow["jobs"]
    assert jobs["announce"]["needs"] == "deploy" and jobs["announce"]["continue-on-error"] is True
    clone = copy_repo(tmp_path / "clone")
    live = LiveSite(tmp_path / "live")
    try:
        config = clone / "mkdocs.yml"
        text = re.sub(r"(?m)^site_url: .*$", f"site_url: {live.url}", config.read_text(encoding="utf-8"))
        config.write_text(text.replace("  - statuspress:\n", "  - statuspress:\n      announce:\n"
                                       "        partners: {env: MASTODON_URL, languages: [nl, en]}\n", 1),
                          encoding="utf-8")
        # What the live site published: this very build, less its newest statement.
        ran = run_github_job(workflow, "build", clone, env)
        assert "statuspress announce --save-since announce/previous.json" in ran
        built = json.loads((clone / "announce" / "published.json").read_text(encoding="utf-8"))["statements"]
        newest = max(built, key=lambda e: (e["date"], e["id"]))["id"]
        (tmp_path / "live" / "statuspress").mkdir(parents=True)
        (tmp_path / "live" / "statuspress" / "published.json").write_text(
            json.dumps({"statements": [e for e in built if e["id"] != newest]}), encoding="utf-8")
        run_github_job(workflow, "build", clone, env)  # the run that deploys it

        step = next(s for s in jobs["announce"]["steps"] if "statuspress announce" in s.get("run", ""))
        assert step["env"]["MASTODON_URL"] == "${{ secrets.MASTODON_URL }}"
        step["env"]["MASTODON_URL"] = f"json://{live.url[len('http://'):]}partners"  # the secret, in GitHub
        run_github_job(workflow, "announce", clone, env)
        assert [(path, post["message"].rsplit("\n", 1)[1]) for path, post in live.posts] == [
            ("/partners", f"{live.url}updates/{newest}/"), ("/partners", f"{live.url}en/updates/{newest}/")]
    finally:
        live.close()

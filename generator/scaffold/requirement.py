"""What a new site's `requirements.txt` names: the statuspress that made it, pinned.

The publishing workflows run `pip install -r requirements.txt` in a job that deploys the
site (and a mirror job holds the mirror's secret): a bare `statuspress` would install
whatever carries that name on the package index that day. So `init` pins exactly what
is installed, read from the installation's PEP 610 record (`direct_url.json`):

- installed from a git URL: that URL at the commit pip checked out;
- installed from a local folder (`pip install -e .` or `pip install .` of a clone): the
  clone's git remote at its current commit; without a remote nothing CI can reach names it,
  so `init` says which `--requirement` to give;
- installed from a local wheel or sdist file: CI cannot reach that file; the same version
  from the package index, with the file's sha256 in a comment;
- installed from the package index (no record): `statuspress==<version>`.
"""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

NAME = "statuspress"


@dataclass(frozen=True)
class Pinned:
    line: str  # the requirement line; "" when nothing CI could install names this installation
    comment: str = ""  # written above it in requirements.txt
    advice: str = ""  # printed by `init`: what the user must do before the first push


def _git(folder: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else None


def https_remote(remote: str) -> str:
    """A remote as CI can fetch it without a key: `git@host:owner/repo.git` becomes https."""
    scp = re.match(r"^[\w.-]+@([\w.-]+):(?!/)(.+)$", remote)
    if scp:
        return f"https://{scp.group(1)}/{scp.group(2)}"
    ssh = re.match(r"^ssh://[\w.-]+@([\w.-]+)(?::\d+)?/(.+)$", remote)
    if ssh:
        return f"https://{ssh.group(1)}/{ssh.group(2)}"
    return remote


def _from_clone(folder: Path, version: str) -> Pinned:
    commit = _git(folder, "rev-parse", "HEAD")
    if commit is None:
        return Pinned("", f"# statuspress {version} was installed from {folder}, which is not a git clone.",
                      f"statuspress was installed from the folder {folder}, which the publishing workflows "
                      "cannot reach and which is not a git clone: before the first push, put "
                      f"`{NAME} @ git+https://<host>/<owner>/statuspress.git@<commit>` (a commit of a repository "
                      f"CI can fetch) or `{NAME}==<version>` in requirements.txt, or run init again with "
                      "--requirement and that line.")
    remotes = (_git(folder, "remote") or "").split()
    remote_name = "origin" if "origin" in remotes else (remotes[0] if remotes else None)
    remote = _git(folder, "remote", "get-url", remote_name) if remote_name else None
    dirty = _git(folder, "status", "--porcelain", "--untracked-files=no")
    note = (f" Its working tree has uncommitted changes, which this commit does not hold." if dirty else "")
    if remote is None:
        line = f"{NAME} @ git+https://<host>/<owner>/statuspress.git@{commit}"
        return Pinned("", f"# statuspress was installed from the clone {folder} (commit {commit}), which has no\n"
                          "# git remote: replace this comment with the line init printed.",
                      f"statuspress was installed from the clone {folder}, which has no git remote, so "
                      "requirements.txt names no statuspress the publishing workflows can install. Push that "
                      f"clone (commit {commit}) to a repository CI can fetch, then before the first push of this "
                      f"site write in requirements.txt (or give init --requirement) exactly: \"{line}\", with "
                      f"<host>/<owner> where you pushed it.{note}")
    url = https_remote(remote)
    return Pinned(f"{NAME} @ git+{url}@{commit}",
                  f"# statuspress {version}, from the clone it was installed from ({folder}), at its commit.",
                  (f"requirements.txt pins statuspress at commit {commit} of {url}: push that commit there "
                   f"before the first push of this site.{note}"))


def pinned_requirement(direct_url: dict | None, version: str) -> Pinned:
    """The requirement line for an installation described by its PEP 610 record (None: from an index)."""
    if direct_url is None:
        return Pinned(f"{NAME}=={version}", f"# statuspress {version}, as installed from the package index.")
    url = direct_url.get("url", "")
    vcs = direct_url.get("vcs_info")
    if vcs:
        commit = vcs.get("commit_id", "")
        return Pinned(f"{NAME} @ {vcs.get('vcs', 'git')}+{url}@{commit}",
                      f"# statuspress {version}, from {url} at the commit it was installed from.")
    parts = urlsplit(url)
    local = Path(unquote(parts.path)) if parts.scheme == "file" else None
    if "dir_info" in direct_url and local is not None:
        return _from_clone(local, version)
    if "archive_info" in direct_url:
        recorded = (direct_url["archive_info"].get("hashes") or {}).get("sha256")
        if recorded is None and direct_url["archive_info"].get("hash", "").startswith("sha256="):
            recorded = direct_url["archive_info"]["hash"][len("sha256="):]
        if recorded is None and local is not None and local.is_file():
            recorded = hashlib.sha256(local.read_bytes()).hexdigest()
        name = Path(parts.path).name
        if local is None:  # an archive at an address CI can fetch too
            line = f"{NAME} @ {url}" + (f"#sha256={recorded}" if recorded else "")
            return Pinned(line, f"# statuspress {version}, from {url}.")
        return Pinned(f"{NAME}=={version}",
                      f"# statuspress {version} was installed from the file {name}"
                      + (f" (sha256 {recorded})" if recorded else "") + ",\n"
                      f"# which CI cannot reach: the workflows install version {version} from the package index.",
                      f"statuspress was installed from the file {local}, which the publishing workflows cannot "
                      f"reach: requirements.txt names version {version} from the package index instead. If that "
                      "version is not on the index, give init --requirement "
                      f"\"{NAME} @ git+https://<host>/<owner>/statuspress.git@<commit>\" instead.")
    return Pinned(f"{NAME} @ {url}", f"# statuspress {version}, from {url}.")


def installed_requirement() -> Pinned:
    """The pin for the statuspress running now (see the module's documentation)."""
    try:
        dist = metadata.distribution(NAME)
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return _from_clone(Path(__file__).resolve().parents[2], "(not installed)")
    text = dist.read_text("direct_url.json")
    try:
        direct_url = json.loads(text) if text else None
    except ValueError:
        direct_url = None
    return pinned_requirement(direct_url, dist.version)

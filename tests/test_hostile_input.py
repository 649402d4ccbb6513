"""Hostile input cannot hang, delete, inject or leak (issue 21): one test per probe.

Each test runs the real commands in processes with a time limit: a hang is a failure, not a
stuck test run.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import epoch, mkdocs_build, tree_digest, write_statement

WHEN = "2026-03-02T12:00:00+01:00"
STATEMENT = """
    ---
    title: Servers offline
    date: 2026-03-01T08:00:00+01:00
    departments: {emergency: reduced}
    ---
    Kom enkel bij nood.
    """


def _env(**more) -> dict:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": str(epoch(WHEN)), **more}
    return env


def check(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", "check", *args], capture_output=True, text=True,
                          cwd=root, env=_env(), timeout=timeout)


def build(root: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`mkdocs build` in `root`, not quiet: its whole log is what a CI job shows."""
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", *args], capture_output=True, text=True,
                          cwd=root, env=_env(), timeout=timeout)


# -- row 1: an alias bomb ---------------------------------------------------------------------

def alias_bomb(levels: int, width: int = 10) -> str:
    """A front matter whose tree has width ** levels leaves, in a few hundred bytes."""
    lines = ["---", "title: Bomb", "date: 2026-03-01T08:00:00+01:00",
             "a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "\n".join([*lines, "---", "Tekst.", ""])


@pytest.mark.parametrize("levels", [8, 10, 40])
def test_alias_bomb_is_refused_at_once_by_check_and_build(small_site, levels):
    root = small_site()
    (root / "updates" / "2026-03-01-0800-bomb.md").write_text(alias_bomb(levels), encoding="utf-8")
    started = time.monotonic()
    checked = check(root, timeout=120)  # 10 levels ran past 600 s
    took = time.monotonic() - started
    assert checked.returncode == 1
    assert "updates/2026-03-01-0800-bomb.md:4: the anchor '&a0' in the front matter" in checked.stderr
    if levels <= 10:
        assert f"updates/2026-03-01-0800-bomb.md:{levels + 3}: the anchor '&a{levels - 1}'" in checked.stderr
    else:
        assert f"updates/2026-03-01-0800-bomb.md:14: {levels - 10} more lines of the front matter" in checked.stderr
    assert "Traceback" not in checked.stderr and took < 60, took
    built = build(root, "-q", "-d", str(root / "out"), timeout=300)
    assert built.returncode == 1 and ":4: the anchor '&a0'" in built.stderr
    assert not (root / "out").exists()


def _expired(signum, frame):
    raise AssertionError("still reading after 10 s")


def test_reading_an_alias_bomb_takes_milliseconds():
    from generator.read import front_matter

    for levels in (10, 100):
        started = time.perf_counter()
        previous = signal.signal(signal.SIGALRM, _expired)  # a hang fails the test instead of the run
        signal.alarm(10)
        try:
            with pytest.raises(front_matter.FrontMatterError) as refused:
                front_matter.parse(alias_bomb(levels))
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        assert time.perf_counter() - started < 0.5
        assert refused.value.line == 4 and len(refused.value.more) == min(levels, 11) - 1  # a problem a line


# -- row 2: a site_dir over the statements ----------------------------------------------------

LAYOUTS = {
    "site-dir-is-updates": ([], ["--site-dir", "updates"], "is the updates folder"),
    "site-dir-inside-updates": ([], ["--site-dir", "updates/site"], "lies inside the updates folder"),
    "updates-inside-site-dir": (["      updates_dir: site/updates"], [], "contains the updates folder"),
    "site-dir-inside-git": ([], ["--site-dir", ".git/site"], "lies inside the repository's .git"),
    "site-dir-is-git": ([], ["--site-dir", ".git"], "is the repository's .git"),
    "site-dir-is-the-repository": ([], ["--site-dir", "."], None),  # MkDocs refuses: it holds docs/
    "site-dir-inside-docs": ([], ["--site-dir", "docs/site"], None),  # MkDocs refuses it
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_site_dir_over_updates_docs_or_git_is_refused_before_anything_is_written(small_site, layout):
    extra, args, message = LAYOUTS[layout]
    root = small_site()
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "".join(f"{line}\n" for line in extra), encoding="utf-8")
    updates = root / ("site/updates" if extra else "updates")
    if extra:
        (root / "updates").rmdir()
    write_statement(updates, "2026-03-01-0800-a.md", STATEMENT)
    write_statement(updates, "2026-03-05-0800-later.md", """
        ---
        title: Later
        date: 2026-03-05T08:00:00+01:00
        embargo: true
        ---
        Nog niet publiek.
        """)
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    before = tree_digest(root)
    built = build(root, *args, timeout=300)
    assert built.returncode == 1, built.stderr
    assert "Traceback" not in built.stderr
    if message:
        assert message in built.stderr and "nothing was written" in built.stderr
    assert tree_digest(root) == before  # every statement, the embargoed one too, as it was
    assert sorted(os.listdir(root)) == sorted([".git", "docs", "mkdocs.yml", "site" if extra else "updates"])
    if message:  # `statuspress check` stops what a build stops
        config.write_text(config.read_text(encoding="utf-8").replace(
            "site_url:", f"site_dir: {args[1] if args else 'site'}\nsite_url:"), encoding="utf-8")
        checked = check(root)
        assert checked.returncode == 1 and "mkdocs.yml:2: the site folder" in checked.stderr
        assert message in checked.stderr


# -- row 3: a workflow command through the build's log ----------------------------------------

INJECTED = "::error file=evil.yml,line=1::INJECTED"


def _workflow_commands(output: str) -> list[str]:
    """The lines a GitHub Actions runner would read as commands (it splits on CR and LF, and
    ignores leading spaces)."""
    return [line for line in output.replace("\r", "\n").split("\n") if line.lstrip().startswith("::")]


def test_no_line_of_the_build_or_check_starts_a_workflow_command(small_site, tmp_path):
    root = small_site()
    write_statement(root / "updates", "2026-03-01-0800-a.md", f"""
        ---
        title: "Telefoon\\n{INJECTED}"
        date: 2026-03-01T08:00:00+01:00
        ---
        Tekst.
        """)
    write_statement(root / "updates", "2026-03-01-0900-b.md", f"""
        ---
        title: Tweede
        date: 2026-03-01T09:00:00+01:00
        notes: {{emergency: "a\\r{INJECTED}"}}
        ---
        Tekst.
        """)
    built = build(root, "-d", str(root / "out"))
    checked = check(root)
    assert built.returncode == checked.returncode == 1
    for output in (built.stdout + built.stderr, checked.stdout + checked.stderr):
        assert not _workflow_commands(output), output
    for output in (built.stderr, checked.stderr):
        assert "updates/2026-03-01-0800-a.md:2: the value of 'title' holds a line break (U+000A)" in output
        assert "updates/2026-03-01-0900-b.md:4: the value of 'emergency' holds a carriage return (U+000D)" \
            in output
    # A build that succeeds, with warnings quoting user text: a draft's file name, an unknown key.
    (root / "updates" / "2026-03-01-0800-a.md").unlink()
    (root / "updates" / "2026-03-01-0900-b.md").unlink()
    write_statement(root / "updates", f"_draft\n{INJECTED}.md", STATEMENT)
    write_statement(root / "updates", "2026-03-01-1000-c.md", STATEMENT)
    built = build(root, "-d", str(root / "out"))
    checked = check(root)
    assert built.returncode == checked.returncode == 0, built.stderr
    for output in (built.stdout + built.stderr, checked.stdout + checked.stderr):
        assert "\\n::error file=evil.yml,line=1::INJECTED.md' starts with '_'" in output  # quoted, escaped
        assert not _workflow_commands(output), output


# -- row 4: control characters in a title ----------------------------------------------------

def test_control_characters_in_front_matter_values_are_errors_naming_the_code_point(small_site):
    root = small_site()
    write_statement(root / "updates", "2026-03-01-0800-a.md", r"""
        ---
        title: "Bel\a lijn\L terug\r"
        date: 2026-03-01T08:00:00+01:00
        summary: |
          Een samenvatting
          over twee regels.
        ---
        Tekst.
        """)
    write_statement(root / "updates", "2026-03-01-0900-b.md", r"""
        ---
        title: Gewoon
        date: 2026-03-01T09:00:00+01:00
        departments: {emergency: "reduced\x1b[31m"}
        ---
        Tekst.
        """)
    checked = check(root)
    assert checked.returncode == 1
    assert "updates/2026-03-01-0800-a.md:2: the value of 'title' holds a bell character (U+0007)" in checked.stderr
    assert "updates/2026-03-01-0900-b.md:4: the value of 'emergency' holds an escape character (U+001B)" \
        in checked.stderr
    assert "summary" not in checked.stderr  # a block's own line breaks are text
    # Nothing raw reaches the terminal: it would ring, overwrite the line or colour it.
    for char in "\a\r\x1b\u2028":
        assert char not in checked.stdout + checked.stderr
    built = build(root, "-q", "-d", str(root / "out"))
    assert built.returncode == 1 and "(U+0007)" in built.stderr and not (root / "out").exists()


# -- rows 5 to 9: the preview -----------------------------------------------------------------

def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(port: int, path: str, host: str | None = None, timeout: float = 30) -> tuple[int, bytes]:
    """A GET sent as is (no normalisation of '..'), with the Host header given."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host or f"127.0.0.1:{port}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@contextlib.contextmanager
def serving(root: Path, tmp: Path, address: str = "127.0.0.1"):
    """`statuspress serve` with its temporary folder in `tmp`: (process, port) once it answers."""
    port = _port()
    server = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "-a", f"{address}:{port}"],
                              cwd=root, env=_env(TMPDIR=str(tmp)), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError):
                if _request(port, "/", timeout=5)[0] == 200:
                    break
            assert server.poll() is None and time.monotonic() < deadline, server.communicate()
            time.sleep(0.2)
        yield server, port
    finally:
        if server.poll() is None:
            server.terminate()
            server.communicate(timeout=30)


@pytest.fixture
def preview(small_site, tmp_path):
    root = small_site()
    write_statement(root / "updates", "2026-03-01-0800-a.md", STATEMENT)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    with serving(root, tmp) as (server, port):
        yield server, port, tmp


def test_preview_serves_nothing_outside_its_folder(preview):
    _, port, tmp = preview
    [folder] = tmp.glob("statuspress-preview-*")
    # A sibling whose name starts with the preview folder's: a string-prefix test let it through.
    sibling = tmp / f"{folder.name}-x"
    sibling.mkdir()
    (sibling / "secret.txt").write_text("drafts and keys", encoding="utf-8")
    for path in (f"/../{sibling.name}/secret.txt", f"/%2e%2e/{sibling.name}/secret.txt",
                 f"/..%2f{sibling.name}%2fsecret.txt"):
        status, body = _request(port, path)
        assert status == 404 and b"drafts and keys" not in body, path


def test_preview_answers_only_its_own_host_names(preview):
    _, port, _ = preview
    for host in ("attacker.example", f"attacker.example:{port}", "127.0.0.1.attacker.example"):
        status, body = _request(port, "/", host=host)
        assert status in (400, 421) and b"Servers offline" not in body, host
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", f"[::1]:{port}"):
        assert _request(port, "/", host=host)[0] == 200, host


def test_preview_answers_a_malformed_path_with_400_and_no_traceback(preview):
    _, port, _ = preview
    for path in ("/%00", "/a%00b/", "/%ff%fe", "/%0d%0aX-Injected:%201"):
        status, body = _request(port, path)
        assert status == 400, path
        assert b"Traceback" not in body and b"site-packages" not in body and b"/generator/" not in body, path


def _threads(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("Threads:")))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc to count threads")
def test_preview_holds_many_connections_with_a_bounded_pool(preview):
    server, port, _ = preview
    threads_before = _threads(server.pid) + 16  # a pool may grow, to a bound (8 threads now)
    # 400 connections that send nothing: each held a thread of its own, and the server grew to 401.
    idle = []
    try:
        for _ in range(400):
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=10))
        time.sleep(1)
        assert _threads(server.pid) <= threads_before + 2
        started = time.monotonic()
        assert _request(port, "/", timeout=20)[0] == 200  # a real request is not stuck behind them
        assert time.monotonic() - started < 10
        # 200 requests at once: none may time out (with a backlog of 5, 14 to 90 of 200 did).
        with concurrent.futures.ThreadPoolExecutor(200) as pool:
            statuses = list(pool.map(lambda _: _request(port, "/.statuspress/version", timeout=30)[0], range(200)))
        assert statuses == [200] * 200
        assert _threads(server.pid) <= threads_before + 2
    finally:
        for sock in idle:
            sock.close()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_preview_removes_its_temporary_folder_when_stopped(small_site, tmp_path, stop):
    root = small_site()
    write_statement(root / "updates", "2026-03-01-0800-a.md", STATEMENT)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    with serving(root, tmp) as (server, _):
        assert list(tmp.glob("statuspress-preview-*"))
        server.send_signal(stop)
        _, err = server.communicate(timeout=30)
        assert b"Traceback" not in err
    assert not list(tmp.iterdir())


def test_preview_warns_when_bound_beyond_this_machine(small_site, tmp_path):
    root = small_site()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    with serving(root, tmp, address="0.0.0.0") as (server, port):
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert b"warning: previewing on 0.0.0.0" in err and b"drafts and embargoed statements" in err
    with serving(root, tmp) as (server, port):
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert b"warning" not in err


# -- row 10, 11: init ---------------------------------------------------------------------------

def init(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", "init", *args], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)


@pytest.mark.parametrize("languages", ["en,../../escaped", "en,{absolute}", "en,fr/../..", "en,xx", "en,.",
                                       "en,en"])
def test_init_refuses_a_language_that_is_not_a_known_tag_and_writes_nothing(tmp_path, languages):
    absolute = tmp_path / "elsewhere"
    absolute.mkdir()
    (absolute / "about.md").write_text("mine", encoding="utf-8")
    work = tmp_path / "work" / "here"
    work.mkdir(parents=True)
    result = init(work, "site", "--languages", languages.format(absolute=absolute))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "--languages:" in result.stderr
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == \
        ["elsewhere", "elsewhere/about.md", "work", "work/here"]
    assert (absolute / "about.md").read_text(encoding="utf-8") == "mine"


def test_init_over_a_dangling_symlink_says_so(tmp_path):
    (tmp_path / "site").symlink_to(tmp_path / "nowhere")
    result = init(tmp_path, "site")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "symbolic link that leads nowhere" in result.stderr
    assert not (tmp_path / "nowhere").exists()


def test_init_never_writes_through_a_symlink_inside_the_target(tmp_path):
    from generator.scaffold import InitError, init_site

    target, outside = tmp_path / "site", tmp_path / "outside"
    outside.mkdir()
    target.mkdir()
    # A folder that appears as a link between the emptiness check and the writes (a race, or a hook).
    import generator.scaffold as scaffold
    original = scaffold._write_new

    def planting(root, path, content):
        docs = target / "docs"
        if not docs.exists():
            docs.symlink_to(outside)
        original(root, path, content)

    scaffold._write_new = planting
    try:
        with pytest.raises(InitError, match="leads outside"):
            init_site(target, languages=["en", "fr"])
    finally:
        scaffold._write_new = original
    assert not list(outside.iterdir())


# -- row 12: updates/index.md and readme.md -------------------------------------------------------

@pytest.mark.parametrize("name", ["index.md", "README.md", "readme.md"])
def test_index_or_readme_in_the_updates_folder_is_refused_not_skipped(small_site, name):
    root = small_site()
    write_statement(root / "updates", "2026-03-01-0800-a.md", STATEMENT)
    write_statement(root / "updates", name, STATEMENT)
    checked = check(root)
    assert checked.returncode == 1
    assert f"updates/{name}:1: '{name}' is not read" in checked.stderr
    assert "rename it after its date and subject" in checked.stderr


# -- row 13: _headers past 100 rules ----------------------------------------------------------

def test_headers_past_cloudflare_s_limit_are_warned_with_the_editor_and_cors_rules_first(small_site):
    def rule_count(headers: bytes) -> int:
        return sum(1 for line in headers.splitlines() if line.startswith(b"/"))

    MAX_RULES = 100  # noqa: N806 (Cloudflare Pages reads no more)
    root = small_site(languages=("nl",))
    for i in range(100):
        (root / "docs" / f"page-{i:03d}.md").write_text(f"# Page {i}\n", encoding="utf-8")
    built = build(root, "-d", str(root / "out"))
    assert built.returncode == 0, built.stderr
    headers = (root / "out" / "_headers").read_bytes()
    assert rule_count(headers) > MAX_RULES
    assert f"_headers holds {rule_count(headers)} rules, over the 100 that Cloudflare Pages reads" in built.stderr
    # What a host that reads only the first 100 rules keeps: the editor's policy and the feeds' CORS.
    first = [line for line in headers.decode().splitlines() if line.startswith("/")][:MAX_RULES]
    assert {"/admin/*", "/rss.xml", "/api/*", "/:lang/departments/:dept/rss.xml"} <= set(first)


# -- row 14: sizes in messages ------------------------------------------------------------------

def test_a_50_mb_statement_is_refused_at_once_with_its_size(small_site):
    root = small_site()
    path = root / "updates" / "2026-03-01-0800-big.md"
    with open(path, "wb") as file:
        file.write(b"---\ntitle: Big\ndate: 2026-03-01T08:00:00+01:00\n---\n")
        file.truncate(50_000_000)  # sparse: 50 MB on the reader's side, nothing on the disk
    started = time.monotonic()
    checked = check(root, timeout=60)
    assert checked.returncode == 1 and time.monotonic() - started < 30
    assert "'2026-03-01-0800-big.md' is 50 MB, over the 1 MB limit" in checked.stderr


def test_log_guard_keeps_any_mkdocs_message_from_starting_a_line_with_a_workflow_command():
    """Messages that are not ours (MkDocs', another plugin's) may quote a file too."""
    import io
    import logging

    from generator.mkdocs.plugin import NoWorkflowCommands

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(NoWorkflowCommands())
    logger = logging.getLogger("mkdocs.test-hostile")
    logger.addHandler(handler)
    try:
        logger.warning("Doc file 'a.md' links to '%s'", f"x\n  {INJECTED}\r{INJECTED}")
        logger.warning(INJECTED)
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue().count("INJECTED") == 3
    assert not _workflow_commands(stream.getvalue()), stream.getvalue()

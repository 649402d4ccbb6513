"""statuspress beside its floor: the same corpus built by bare MkDocs + Material, in one run.

    python3 bench/compare.py                          # N = 100, 1000, 5000; L = 1, 3, 10
    python3 bench/compare.py --sizes 1000 --languages 3
    python3 bench/compare.py --sizes 1000 --languages 3 --runs 3 --no-preview

For every N statements x L languages it prints, for our build and for the floor ("bare":
MkDocs + Material building the same N x L statements' text as plain pages out of the
navigation, no plugin: `same_text`): wall time, CPU time (all processes), peak memory (sum of the resident memory of every
process of the build at once) and output size; then the ratios (CPU twice: of the best runs,
and "turn", the median of each turn's ratio, ours against the bare build run just before it),
the time `statuspress check` takes, and the preview reload time: how long `statuspress serve`
takes to serve a statement's page with a change after its file was saved (with --mkdocs-serve,
`mkdocs serve`'s too).

After each size it prints whether each target is met (TARGETS; the tests never assert
timings, this does not fail either):

- CPU ≤ 1.2x bare Material at every size (the turn median);
- wall: 1,000 x 3 ≤ 6 s; 5,000 x 3 ≤ 30 s and ≤ 300 MiB peak memory;
- preview reload ≤ 1 s at 5,000 x 3; `check` ≤ 0.5 s at 1,000 x 3;
- a statement page ≤ 1.1x the bytes of a bare Material page of the same text (median over
  the default language's statements: the bare build makes only those pages, so the whole
  output's ratio, printed as "out", is no measure of weight);
- the whole site within common static hosts' limits (HOSTS: file count and total size).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import frontmatter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import START, STEP, generate  # noqa: E402  (the build benchmark's corpus)

LANGUAGES = ["nl", "fr", "en", "de", "es", "it", "pt", "pl", "sv", "da"]
# Python as it is by default: it keeps the compiled form of the modules it imports. Some machines
# turn that off (PYTHONDONTWRITEBYTECODE), which would compile statuspress (an editable install,
# never compiled ahead) at every build, and MkDocs and Material (compiled when installed) never.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
ENV["NO_MKDOCS_2_WARNING"] = "1"


# Published limits of common static hosts, each with its source (read 2026-12). Sizes in bytes.
HOSTS = [
    # "Published GitHub Pages sites may be no larger than 1 GB." No file count is given.
    ("GitHub Pages", None, 10**9,
     "https://docs.github.com/en/pages/getting-started-with-github-pages/github-pages-limits"),
    # 20,000 files per site on the Free plan (100,000 on paid plans since 2026-01); 25 MiB per file.
    ("Cloudflare Pages (Free)", 20_000, None, "https://developers.cloudflare.com/pages/platform/limits/"),
    ("Cloudflare Pages (paid)", 100_000, None,
     "https://developers.cloudflare.com/changelog/post/2026-01-23-pages-file-limit-increase/"),
    # gitlab.com: 1 GB per site (the artifacts' limit, uncompressed), 200,000 file entries.
    ("GitLab Pages (gitlab.com)", 200_000, 10**9, "https://docs.gitlab.com/user/gitlab_com/#gitlab-pages"),
    # Netlify publishes no file-count or site-size limit for deploys (only per-file upload and
    # function limits); listed so that the table says so.
    ("Netlify", None, None, "https://docs.netlify.com/deploy/deploy-overview/"),
]
TARGETS = {"cpu": 1.2, "wall_1000": 6.0, "wall_5000": 30.0, "mem_5000": 300, "reload_5000": 1.0,
           "check_1000": 0.5, "statement_page": 1.1}


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mib: float
    output_mib: float


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, now."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            todo += _children(current)
    return total


def measured(command: list[str], cwd: Path, env: dict) -> Run:
    """Run `command`; wall and CPU time, peak memory of the whole process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss_kib(process.pid))
        time.sleep(0.02)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{process.stderr.read().decode()[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, peak / 1024, 0.0)


def size_mib(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def site_files(folder: Path) -> tuple[int, int]:
    """(files, bytes) of a built site, as a host counts them."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def statement_page_ratio(ours: Path, bare: Path) -> float:
    """The median, over the default language's statements, of our statement page's bytes over
    the bare Material page of the same text."""
    ratios = []
    for page in (bare / "site" / "default").glob("*/index.html"):
        mine = ours / "site" / "updates" / page.parent.name / "index.html"
        if mine.exists():
            ratios.append(mine.stat().st_size / page.stat().st_size)
    return statistics.median(ratios) if ratios else float("nan")


def targets(n: int, languages: int, ours: Run, paired: float, check: Run, reload: float | None,
            page_ratio: float, files: int, size: int) -> None:
    """Each target of the README that this size measures: met or NOT MET."""
    def line(what: str, met: bool) -> None:
        print(f"{'':>10}   {'met    ' if met else 'NOT MET'} {what}")

    line(f"CPU {paired:.2f}x bare (turn median) <= {TARGETS['cpu']}x", paired <= TARGETS["cpu"])
    if (n, languages) == (1000, 3):
        line(f"wall {ours.wall:.1f} s <= {TARGETS['wall_1000']:.0f} s", ours.wall <= TARGETS["wall_1000"])
        line(f"check {check.wall:.2f} s <= {TARGETS['check_1000']} s", check.wall <= TARGETS["check_1000"])
    if (n, languages) == (5000, 3):
        line(f"wall {ours.wall:.1f} s <= {TARGETS['wall_5000']:.0f} s", ours.wall <= TARGETS["wall_5000"])
        line(f"peak memory {ours.peak_mib:.0f} MiB <= {TARGETS['mem_5000']} MiB", ours.peak_mib <= TARGETS["mem_5000"])
        if reload is not None:
            line(f"preview reload {reload:.2f} s <= {TARGETS['reload_5000']} s", reload <= TARGETS["reload_5000"])
    line(f"statement page {page_ratio:.2f}x a bare Material page of the same text <= {TARGETS['statement_page']}x",
         page_ratio <= TARGETS["statement_page"])
    for host, max_files, max_bytes, source in HOSTS:
        within = (max_files is None or files <= max_files) and (max_bytes is None or size <= max_bytes)
        limits = ", ".join([f"{max_files:,} files" for _ in [0] if max_files] +
                           [f"{max_bytes / 10**9:g} GB" for _ in [0] if max_bytes]) or "no published limit"
        line(f"{host}: {files:,} files, {size / 10**6:,.0f} MB; limit {limits} ({source})", within)


def same_text(statement: str) -> str:
    """A statement file as a plain Markdown page of the same text: its body, after what its front
    matter says that a statement page shows as text too (the summary, each department's new
    status, the notes). Without them the floor's page held a third less text than ours."""
    post = frontmatter.loads(statement)
    lines = [f"**{post['summary']}**", ""] if post.get("summary") else []
    lines += [f"- {department}: {status}" for department, status in (post.get("departments") or {}).items()]
    lines += [""] + [f"- **{department}**: {note}" for department, note in (post.get("notes") or {}).items()]
    head = re.match(r"---\n.*?\n---\n", statement, re.S)
    head = head[0] if head else ""
    return head + "\n".join(lines) + "\n\n" + post.content


def make_bare(ours: Path, bare: Path) -> None:
    """The floor: every statement file as a plain Markdown page of the same text (`same_text`),
    out of the navigation."""
    docs = bare / "docs"
    for path in (ours / "updates").glob("*.md"):
        stem, _, lang = path.stem.partition(".")
        target = docs / (lang or "default") / f"{stem}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(same_text(path.read_text(encoding="utf-8")), encoding="utf-8")
    (docs / "index.md").write_text("# Status\n", encoding="utf-8")
    (bare / "mkdocs.yml").write_text(
        "site_name: Bare\nsite_url: https://bare.example/\ntheme:\n  name: material\n  font: false\n"
        "nav:\n  - index.md\nnot_in_nav: |\n  /default/\n" + "".join(f"  /{lang}/\n" for lang in LANGUAGES)
        + "plugins: []\n", encoding="utf-8")


def build_env(n: int) -> dict:
    # "Now" just after the last statement: everything is published.
    return {**ENV, "SOURCE_DATE_EPOCH": str(int((START + STEP * n).timestamp()))}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    with contextlib.suppress(OSError):
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8", "replace")
    return None


PREVIEWS = {
    "statuspress": [sys.executable, "-m", "generator.cli", "serve", "-f", "mkdocs.yml", "-a"],
    "mkdocs": [sys.executable, "-m", "mkdocs", "serve", "-f", "mkdocs.yml", "-a"],
}


def preview_reload(root: Path, n: int, server_kind: str = "statuspress") -> float | None:
    """Seconds from saving a statement to the preview server (`statuspress serve`, or
    `mkdocs serve`) serving its page with the change."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen(PREVIEWS[server_kind] + [f"127.0.0.1:{port}"], cwd=root, env=build_env(n),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Drain the server's log so that it never blocks on a full pipe.
    threading.Thread(target=server.stderr.read, daemon=True).start()
    try:
        deadline = time.monotonic() + 600
        while fetch(url) is None:
            if server.poll() is not None or time.monotonic() > deadline:
                return None
            time.sleep(0.2)
        # A default-language file (a translation's title would not show on the page fetched).
        statements = [p for p in sorted((root / "updates").glob("*-statement-*.md")) if "." not in p.stem]
        path = statements[len(statements) // 2]
        page = f"{url}updates/{path.stem.partition('.')[0]}/"
        marker = f"Preview marker {time.time_ns()}"
        text = path.read_text(encoding="utf-8")
        saved = time.perf_counter()
        path.write_text(re.sub(r"^title: .*$", f"title: {marker}", text, count=1, flags=re.M), encoding="utf-8")
        while time.perf_counter() - saved < 600:
            body = fetch(page)
            if body and marker in body:
                return time.perf_counter() - saved
            time.sleep(0.02)
        return None
    finally:
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(10)
        if server.poll() is None:
            server.kill()


def best(runs: list[Run]) -> Run:
    """Each figure's best over the runs: the least disturbed by whatever else the machine did."""
    return Run(min(r.wall for r in runs), min(r.cpu for r in runs), min(r.peak_mib for r in runs), 0.0)


def warm_up() -> None:
    """A small build of each kind, not measured, so that Python has compiled both tools' modules."""
    with tempfile.TemporaryDirectory() as tmp:
        ours, bare = Path(tmp) / "ours", Path(tmp) / "bare"
        ours.mkdir()
        bare.mkdir()
        generate(ours, 20, LANGUAGES[:2])
        make_bare(ours, bare)
        for root in (ours, bare):
            measured([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"),
                      "-d", str(root / "site")], root, build_env(20))


def compare(n: int, languages: int, runs: int, preview: bool, mkdocs_serve: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ours, bare = Path(tmp) / "ours", Path(tmp) / "bare"
        ours.mkdir()
        bare.mkdir()
        generate(ours, n, LANGUAGES[:languages])
        make_bare(ours, bare)
        mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q", "-f"]
        results = {}
        # In turns (bare, ours, bare, ours...): whatever else the machine does meanwhile weighs on both.
        measured_runs = {"bare": [], "ours": []}
        for _ in range(runs):
            for name, root in (("bare", bare), ("ours", ours)):
                shutil.rmtree(root / "site", ignore_errors=True)
                measured_runs[name].append(measured(mkdocs + [str(root / "mkdocs.yml"), "-d", str(root / "site")],
                                                    root, build_env(n)))
        for name, root in (("bare", bare), ("ours", ours)):
            results[name] = best(measured_runs[name])
            results[name].output_mib = size_mib(root / "site")
        page_ratio = statement_page_ratio(ours, bare)
        files, size = site_files(ours / "site")
        # After the builds, as a writer's check after a first one: the bodies known to convert and the
        # front matters already parsed are in the cache folder (generator/cache.py).
        check = best([measured([sys.executable, "-m", "generator.cli", "check", "-f", str(ours / "mkdocs.yml")],
                               ours, build_env(n)) for _ in range(3)])
        reload = preview_reload(ours, n) if preview else None
        mkdocs_reload = preview_reload(ours, n, "mkdocs") if mkdocs_serve else None
    o, b = results["ours"], results["bare"]
    # Each turn's CPU ratio, ours against the bare build just before it, whose machine was the
    # same: steadier than the ratio of bests when the system time of writing files swings.
    paired = statistics.median(mine.cpu / floor.cpu for mine, floor in zip(measured_runs["ours"],
                                                                            measured_runs["bare"]))
    reload_text = "-" if reload is None else f"{reload:.2f}"
    if mkdocs_serve:
        reload_text += " / " + ("-" if mkdocs_reload is None else f"{mkdocs_reload:.2f}")
    print(f"{n:>6} {languages:>3} | {o.wall:>7.2f} {o.cpu:>7.2f} {o.peak_mib:>7.0f} {o.output_mib:>7.1f} | "
          f"{b.wall:>7.2f} {b.cpu:>7.2f} {b.peak_mib:>7.0f} {b.output_mib:>7.1f} | "
          f"{o.wall / b.wall:>5.2f} {o.cpu / b.cpu:>5.2f} {paired:>5.2f} {o.peak_mib / b.peak_mib:>5.2f} "
          f"{o.output_mib / b.output_mib:>5.2f} | {check.wall:>6.2f} {reload_text:>7}", flush=True)
    targets(n, languages, o, paired, check, reload, page_ratio, files, size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", type=int, default=[100, 1000, 5000])
    parser.add_argument("--languages", nargs="+", type=int, default=[1, 3, 10], choices=range(1, 11))
    parser.add_argument("--runs", type=int, default=1, help="builds of each kind; each figure's best is kept")
    parser.add_argument("--no-preview", action="store_true", help="skip the preview reload time")
    parser.add_argument("--mkdocs-serve", action="store_true",
                        help="also time `mkdocs serve`, which rebuilds everything on each save")
    args = parser.parse_args()
    print(f"{'':>10} | {'statuspress':^31} | {'bare MkDocs + Material':^31} | {'ours / bare':^29} |")
    print(f"{'N':>6} {'L':>3} | {'wall s':>7} {'CPU s':>7} {'MiB':>7} {'out MiB':>7} | "
          f"{'wall s':>7} {'CPU s':>7} {'MiB':>7} {'out MiB':>7} | {'wall':>5} {'CPU':>5} {'turn':>5} {'mem':>5} {'out':>5} | "
          f"{'check':>6} {'reload':>7}")
    warm_up()
    for n in args.sizes:
        for languages in args.languages:
            compare(n, languages, args.runs, not args.no_preview, args.mkdocs_serve)


if __name__ == "__main__":
    main()

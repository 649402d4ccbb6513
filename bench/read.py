"""Reader benchmark: `read_updates` alone on the build benchmark's corpus (N statements x L languages).

    python3 bench/read.py                  # N = 1000, 3 languages, best of 5 runs
    python3 bench/read.py 1000 2000 --runs 7

Prints the best and median wall time of `read_updates` over the corpus (files already in
the page cache after the first run), its best CPU time (steadier than wall time on a shared
machine) and the CPU time per file, so that a change to the reader can be compared with
the figures before it (the target: no more than 10 % slower).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build import REPO, generate  # noqa: E402  (the same corpus as the build benchmark)

from generator.read import read_site, read_updates  # noqa: E402


def load_site(config_file: Path):
    from mkdocs.config import load_config

    config = load_config(str(config_file))
    plugin = config.plugins["statuspress"]
    site, problems = read_site(dict(plugin.config), site_name=config.site_name, site_url=config.site_url,
                               config_file=config_file)
    assert site is not None, [p.format() for p in problems]
    return site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[1000])
    parser.add_argument("--languages", nargs="+", default=["nl", "fr", "en"])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"{'statements':>10} {'files':>6} {'best s':>7} {'median s':>9} {'cpu s':>6} {'cpu ms/file':>11}"
          f"  (repository {REPO.name})")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            generate(root, n, args.languages)
            site = load_site(root / "mkdocs.yml")
            files = sum(1 for _ in (root / "updates").rglob("*.md"))
            times, cpu = [], []
            for _ in range(args.runs):
                start, start_cpu = time.perf_counter(), time.process_time()
                statements, problems = read_updates(root / "updates", site)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
                assert len(statements) == n and not problems.errors, [p.format() for p in problems.errors][:5]
            print(f"{n:>10} {files:>6} {min(times):>7.3f} {statistics.median(times):>9.3f} {min(cpu):>6.3f} "
                  f"{1000 * min(cpu) / files:>11.3f}", flush=True)


if __name__ == "__main__":
    main()

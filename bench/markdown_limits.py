"""Markdown's worst cases, before and after the limits of generator/render/markdown.py.

    python3 bench/markdown_limits.py            # every case; "before" capped at 120 s each
    python3 bench/markdown_limits.py --cap 20

"before": Python-Markdown converting the body as the renderer did (a child process, killed at
the cap). "after": `body_problems` (what check and the build run) plus `render_markdown` (what
a page gets when a body reaches the renderer regardless). Also one build-sized case at each
limit, to show what the limits still allow.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.render import markdown as md  # noqa: E402

CASES = {
    "16,000 '['": "[" * 16000,
    "list nested 500 deep": "\n".join("    " * i + "- a" for i in range(500)),
    "list nested 500 deep (2 spaces)": "\n".join("  " * i + "- a" for i in range(500)),
    "20 MB body": ("word " * 20 + "\n\n") * 200_000,
    "4,000 '[x]['": "[x][" * 4000,
    "4,000 '<a '": "<a " * 4000,
    "5,000 definitions in a row": "a\n: b\n" * 5000,
    "8,000 setext headings in a row": "a\n=\n" * 8000,
    "2,000 abbreviations": "".join(f"*[A{i}]: x\n" for i in range(2000)) + "A1 A2 " * 2000,
    # What the limits let through, at their edge.
    "at the limits: '[' budget": ("[x](y) " * 40 + "\n\n") * 160,
    "at the limits: longest blocks of headings": ("# a\n" * md.MAX_BLOCK_LINES + "\n") * 60,
    "at the limits: longest blocks of setext headings": ("a\n=\n" * (md.MAX_BLOCK_LINES // 2) + "\n") * 60,
    "at the limits: deepest nesting": "\n".join("    " * i + "- a" for i in range(md.MAX_NESTING + 1)),
}

BEFORE = """
import sys, markdown
body = sys.stdin.read()
markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html").convert(body)
"""


def before(body: str, cap: float) -> str:
    start = time.perf_counter()
    try:
        run = subprocess.run([sys.executable, "-c", BEFORE], input=body, text=True, capture_output=True,
                             timeout=cap)
    except subprocess.TimeoutExpired:
        return f"> {cap:.0f} s (killed)"
    took = time.perf_counter() - start
    outcome = "RecursionError" if "RecursionError" in run.stderr else ("ok" if run.returncode == 0 else "error")
    return f"{took:6.2f} s {outcome}"


def after(body: str) -> str:
    md._formatted.cache_clear()
    start = time.perf_counter()
    problems = md.body_problems(body)
    checked = time.perf_counter() - start
    md._formatted.cache_clear()
    start = time.perf_counter()
    out = md.render_markdown(body)
    rendered = time.perf_counter() - start
    verdict = f"refused: {problems[0][:70]}" if problems else "accepted"
    return f"check {checked:5.2f} s, render {rendered:5.2f} s ({len(out):,} chars), {verdict}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cap", type=float, default=120)
    args = parser.parse_args()
    for name, body in CASES.items():
        print(f"{name} ({len(body):,} chars)\n  before: {before(body, args.cap)}\n  after:  {after(body)}",
              flush=True)


if __name__ == "__main__":
    main()

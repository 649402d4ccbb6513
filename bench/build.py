"""Build-time benchmark: N statements x L languages through a real `mkdocs build`.

    python3 bench/build.py                 # N = 100 and 1000, 3 languages
    python3 bench/build.py 100 1000 2000 --languages nl fr en

Prints wall time and peak memory (the largest process: the build, or its worker
for feeds and API) of each build, and time per statement, so that linear growth
can be read off. Target: 1,000 x 3 in <= 15 s on 2 cores.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]

PARAGRAPHS = [
    "Door een cyberaanval zijn alle servers van het ziekenhuis uit voorzorg uitgeschakeld. "
    "Onze teams werken met papieren dossiers; de zorg voor opgenomen patiënten gaat door.",
    "Kom enkel naar de spoedgevallen bij **levensbedreigende nood**. Ambulances worden naar "
    "andere ziekenhuizen in de regio gestuurd. Bel bij twijfel uw huisarts of de huisartsenwachtpost.",
    "Wie een afspraak had, hoeft niet te bellen: we nemen zelf contact op om een nieuwe datum te "
    "plannen. Breng bij een bezoek uw identiteitskaart en een lijst van uw medicatie mee.",
    "- Bezoekuren blijven ongewijzigd.\n- De parking is gratis.\n- Meer info: [112.be](https://www.112.be).",
    "We geven een nieuwe stand van zaken zodra er meer nieuws is, uiterlijk morgen om 10 uur.",
]
STATUSES = ["operational", "degraded", "reduced", "offline"]


def departments_of(config: str) -> list[str]:
    block = config.split("departments:", 1)[1]
    return re.findall(r"^        ([a-z0-9-]+):\s*$", block, flags=re.M)


START = datetime(2026, 1, 13, 6, 32, tzinfo=timezone(timedelta(hours=1)))
STEP = timedelta(minutes=37)
ZONE = ZoneInfo("Europe/Brussels")  # the zone of the repository's mkdocs.yml, which the corpus uses


def generate(root: Path, n: int, languages: list[str]) -> None:
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"languages: \[[^\]]*\]", f"languages: [{', '.join(languages)}]", config)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    (root / "docs").mkdir()
    updates = root / "updates"
    updates.mkdir()
    depts = departments_of(config)
    rng = random.Random(n)
    for i in range(n):
        # In the site's zone, offset and all: the reader refuses an offset the zone does not have
        # at that date (5,000 statements cross a change to summer time).
        date = (START + STEP * i).astimezone(ZONE)
        stmt_id = f"{date:%Y-%m-%d-%H%M}-statement-{i}"
        incident = f"incident-{i // 6}"
        changed = rng.sample(depts, 3)
        resolved = i % 6 == 5
        lines = ["---", f"title: Stand van zaken {i}", f"date: {date.isoformat()}", f"incident: {incident}",
                 f"phase: {'resolved' if resolved else 'identified'}", f"summary: Korte samenvatting {i}.",
                 "departments:"]
        # A resolved statement gives every department it names back (the reader refuses anything else).
        statuses = [rng.choice(STATUSES) for _ in changed]
        lines += [f"  {d}: {'operational' if resolved else s}" for d, s in zip(changed, statuses)]
        lines += ["notes:"] + [f"  {d}: Ga naar campus Zuid; breng uw identiteitskaart mee." for d in changed[:2]]
        # Every body is different, as real statements are (no cache can make them free).
        body = f"Bericht {i} van {date:%d/%m %H:%M}.\n\n" + "\n\n".join(rng.sample(PARAGRAPHS, 3))
        (updates / f"{stmt_id}.md").write_text("\n".join(lines + ["---", "", body, ""]), encoding="utf-8")
        for lang in languages[1:]:
            translation = ["---", f"title: Update {i} ({lang})", f"summary: Summary {i} ({lang}).", "notes:"]
            translation += [f"  {d}: Go to the south campus; bring your ID card ({lang})." for d in changed[:2]]
            (updates / f"{stmt_id}.{lang}.md").write_text(
                "\n".join(translation + ["---", "", body, ""]), encoding="utf-8")


def build(root: Path, n: int) -> tuple[float, float]:
    # "Now" just after the last statement, so that every statement is published.
    now = int((START + STEP * n).timestamp())
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": str(now)}
    code = ("import resource, sys, time\n"
            "from mkdocs.__main__ import cli\n"
            "t = time.perf_counter()\n"
            "try:\n    cli(['build', '-q', '-f', sys.argv[1], '-d', sys.argv[2]])\n"
            "except SystemExit as e:\n    assert not e.code, e.code\n"
            "print(time.perf_counter() - t, max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,\n"
            "      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n")
    result = subprocess.run([sys.executable, "-c", code, str(root / "mkdocs.yml"), str(root / "site")],
                            capture_output=True, text=True, env=env)
    if result.returncode:
        sys.exit(result.stderr)
    seconds, max_rss_kb = result.stdout.split()[-2:]
    return float(seconds), int(max_rss_kb) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--languages", nargs="+", default=["nl", "fr", "en"])
    args = parser.parse_args()
    print(f"{'statements':>10} {'languages':>9} {'pages':>7} {'build s':>8} {'ms/statement':>12} {'peak MiB':>9}")
    previous = None
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            generate(root, n, args.languages)
            wall = time.perf_counter()
            seconds, peak = build(root, n)
            wall = time.perf_counter() - wall
            pages = sum(1 for _ in (root / "site").rglob("index.html"))
            # The marginal cost per statement shows whether time grows linearly with N.
            marginal = "" if previous is None else \
                f", {1000 * (seconds - previous[1]) / (n - previous[0]):.2f} ms per added statement"
            previous = (n, seconds)
            print(f"{n:>10} {len(args.languages):>9} {pages:>7} {seconds:>8.2f} {1000 * seconds / n:>12.2f} "
                  f"{peak:>9.0f}   (process wall {wall:.2f} s{marginal})", flush=True)


if __name__ == "__main__":
    main()

"""`statuspress doctor URL...`: is each live copy of the site serving the build just made?

A deploy that "succeeded" can still leave a mirror on an old build (a CDN that keeps its
copy, a host whose upload failed quietly, a schedule that stopped). For each address this
fetches the overview page (its "Page generated" time), `api/v2/summary.json` and, when the
site has it, `statuspress/published.json`, and reads the headers actually served. A copy is

- unreachable: no answer, or not a status site;
- stale: it serves a build older than the expected one (`--expect SITE_DIR`: the build just
  made), or, without one, a page generated longer ago than `--max-age`;
- diverging: same generation time as the expected build but other published statements;
- current otherwise. Missing cache, CORS or security headers are reported beside the verdict
  (warnings; `--strict` fails on them too): GitHub Pages, for one, sets no CSP at all.

`--wait SECONDS` polls the copies that are not current yet until they are, or the time is up:
a deploy takes a minute or two to reach a CDN's edge.
"""
from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin

SUMMARY = "api/v2/summary.json"
PUBLISHED = "statuspress/published.json"
MAX_BYTES = 20 * 1024 * 1024
TIMEOUT = 15
# The overview's "Page generated: <time datetime=...>" (render/templates/_macros.html).
_GENERATED = re.compile(r'class="sp-generated"[^>]*>.*?<time datetime="([^"]+)"', re.S)

# What a page and the API should carry (render/headers.py writes them into `_headers`).
PAGE_HEADERS = ("Cache-Control", "Content-Security-Policy", "X-Content-Type-Options")
API_HEADERS = ("Cache-Control", "Access-Control-Allow-Origin")


@dataclass
class Build:
    """What identifies one build: its generation time, and its published statements' digest."""
    generated: datetime | None
    published: object = None  # the parsed statuspress/published.json, when the site has one


@dataclass
class Copy:
    url: str
    error: str = ""
    build: Build | None = None
    updated_at: str | None = None
    page_headers: dict[str, str] = field(default_factory=dict)
    api_headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Verdict:
    copy: Copy
    state: str  # current | stale | diverging | unreachable
    reason: str
    missing: list[str]

    def failed(self, strict: bool) -> bool:
        return self.state != "current" or (strict and bool(self.missing))


def generated_time(page: str) -> datetime | None:
    found = _GENERATED.search(page)
    if not found:
        return None
    try:
        return datetime.fromisoformat(found.group(1))
    except ValueError:
        return None


def local_build(site_dir: Path) -> Build:
    """The build in a local site_dir, as the copies should serve it."""
    index = site_dir / "index.html"
    if not index.is_file():
        raise FileNotFoundError(f"{index} not found: --expect takes the site_dir of a build (such as site)")
    published = site_dir / PUBLISHED
    return Build(generated_time(index.read_text(encoding="utf-8")),
                 json.loads(published.read_text(encoding="utf-8")) if published.is_file() else None)


def _get(url: str) -> tuple[bytes, dict[str, str]]:
    # no-cache asks caches on the way to fetch the copy again rather than answer from theirs.
    request = urllib.request.Request(url, headers={"User-Agent": "statuspress-doctor",
                                                   "Cache-Control": "no-cache"})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return response.read(MAX_BYTES), {k.title(): v for k, v in response.headers.items()}


def fetch(url: str) -> Copy:
    base = url if url.endswith("/") else url + "/"
    copy = Copy(base)
    try:
        page, copy.page_headers = _get(base)
        summary, copy.api_headers = _get(urljoin(base, SUMMARY))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        copy.error = f"no answer: {getattr(exc, 'reason', None) or exc}"
        return copy
    try:
        copy.updated_at = json.loads(summary)["page"]["updated_at"]
    except (ValueError, KeyError, TypeError):
        copy.error = f"{SUMMARY} is not a status page summary"
        return copy
    published = None
    try:
        published = json.loads(_get(urljoin(base, PUBLISHED))[0])
    except (urllib.error.URLError, OSError, ValueError):
        pass  # sites built before statuspress published it
    copy.build = Build(generated_time(page.decode("utf-8", "replace")), published)
    return copy


def _ago(moment: datetime, now: datetime) -> str:
    minutes = int((now - moment).total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min ago"
    return f"{minutes // 60} h {minutes % 60:02d} min ago"


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def judge(copy: Copy, expected: Build | None, now: datetime, max_age_minutes: float) -> Verdict:
    missing = [f"{name} (pages)" for name in PAGE_HEADERS if name not in copy.page_headers]
    missing += [f"{name} ({SUMMARY})" for name in API_HEADERS if name not in copy.api_headers]
    if copy.error:
        return Verdict(copy, "unreachable", copy.error, [])
    served = copy.build
    if served.generated is None:
        return Verdict(copy, "unreachable", "the page carries no generation time: not a statuspress site?", missing)
    age = f"generated {_utc(served.generated)}, {_ago(served.generated, now)}"
    if expected is not None and expected.generated is not None:
        if served.generated < expected.generated:
            return Verdict(copy, "stale", f"serves an older build ({age}); the build just made was generated "
                                          f"{_utc(expected.generated)}", missing)
        if served.generated == expected.generated:
            if expected.published is not None and served.published is not None \
                    and expected.published != served.published:
                return Verdict(copy, "diverging", f"same generation time but other published statements "
                                                  f"than the build just made ({age})", missing)
            return Verdict(copy, "current", f"same build ({age})", missing)
        return Verdict(copy, "current", f"a newer build than the expected one ({age})", missing)
    if (now - served.generated).total_seconds() > max_age_minutes * 60:
        return Verdict(copy, "stale", f"{age}: older than {max_age_minutes:g} minutes, the site is not "
                                      "being rebuilt or not deployed", missing)
    return Verdict(copy, "current", age, missing)


def diverging(verdicts: list[Verdict], max_age_minutes: float) -> None:
    """Without an expected build: copies more than --max-age behind the newest one diverge."""
    times = [v.copy.build.generated for v in verdicts if v.state == "current"]
    if len(times) < 2:
        return
    newest = max(times)
    for verdict in verdicts:
        if verdict.state == "current" and (newest - verdict.copy.build.generated).total_seconds() > max_age_minutes * 60:
            verdict.state = "diverging"
            verdict.reason += f"; another copy serves a build generated {_utc(newest)}"


def check(urls: list[str], expected: Build | None, wait: float, max_age_minutes: float,
          now=lambda: datetime.now(timezone.utc), sleep=time.sleep, clock=time.monotonic) -> list[Verdict]:
    """A verdict per address; copies not current are fetched again until `wait` seconds have passed."""
    deadline = clock() + wait
    verdicts = {url: judge(fetch(url), expected, now(), max_age_minutes) for url in urls}
    while clock() < deadline and any(v.state != "current" for v in verdicts.values()):
        sleep(max(0.0, min(5.0, deadline - clock())))
        for url, verdict in verdicts.items():
            if verdict.state != "current":
                verdicts[url] = judge(fetch(url), expected, now(), max_age_minutes)
    result = list(verdicts.values())
    if expected is None:
        diverging(result, max_age_minutes)
    return result


def report(verdict: Verdict) -> str:
    copy = verdict.copy
    lines = [f"{copy.url}: {verdict.state.upper()}: {verdict.reason}"]
    if not copy.error:
        if copy.updated_at:
            lines.append(f"  last updated (api): {copy.updated_at}")
        lines.append("  published.json: " + ("served" if copy.build and copy.build.published is not None
                                             else "not served (a build before statuspress wrote it)"))
        for name in PAGE_HEADERS:
            lines.append(f"  {name} (pages): {copy.page_headers.get(name, 'MISSING')}")
        for name in API_HEADERS:
            lines.append(f"  {name} ({SUMMARY}): {copy.api_headers.get(name, 'MISSING')}")
        if verdict.missing:
            lines.append("  warning: not served: " + ", ".join(verdict.missing)
                         + " (GitHub Pages sets no CSP; elsewhere see `statuspress headers`)")
    return "\n".join(lines)

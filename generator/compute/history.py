"""Each department's recent days at a glance: the worst status of every day.

Pure: statements + now -> strips. Days are calendar days in the site's time zone,
so a day is 23 or 25 hours long when the clocks change. A status counts for a
day when it held for any moment of it (an offline hour makes an offline day),
up to `now` for today.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from ..model import Site, Statement, worst
from .status import Replay, _department_statuses


@dataclass(frozen=True)
class Day:
    day: date  # the calendar day, in the site's time zone
    start: datetime  # its local midnight
    status: str  # the worst status at any moment of it
    holders: tuple[str, ...]  # the incidents / closures that set that status, first one first


@dataclass(frozen=True)
class _Segment:
    start: datetime
    end: datetime
    statuses: dict[str, tuple[str, tuple[str, ...]]]  # dept -> (status, holder ids)


def _change_moments(statements: list[Statement], now: datetime) -> list[datetime]:
    """Every moment a status may change: statements, and the edges of planned windows."""
    moments = {s.date for s in statements}
    for statement in statements:
        if statement.planned:
            moments.update((statement.planned.start, statement.planned.end))
    return sorted(m for m in moments if m <= now)


def _segments(site: Site, statements: list[Statement], since: datetime, now: datetime) -> list[_Segment]:
    """Spans of time with constant department statuses, from `since` (or the first statement) to `now`."""
    ordered = sorted((s for s in statements if s.date <= now), key=lambda s: s.sort_key)
    moments = _change_moments(ordered, now)
    replay = Replay()
    segments = []
    applied = 0
    for i, moment in enumerate(moments):
        while applied < len(ordered) and ordered[applied].date <= moment:
            replay.apply(ordered[applied])
            applied += 1
        end = moments[i + 1] if i + 1 < len(moments) else now
        if end <= since:
            continue  # over before the strip begins
        statuses = _department_statuses(site, replay.holding_groups(), moment, with_notes=False)
        segments.append(_Segment(moment, end, {d: (s.status, s.holders) for d, s in statuses.items()}))
    return segments


def day_starts(zone: ZoneInfo, first: date, count: int) -> list[datetime]:
    """Local midnights of `count` days from `first`, and of the day after: DST-correct day edges."""
    return [datetime.combine(first + timedelta(days=n), time(0), tzinfo=zone) for n in range(count + 1)]


def strips(site: Site, statements: list[Statement], now: datetime, days: int) -> dict[str, list[Day]]:
    """For each department, its last `days` days (today included, oldest first) with their worst status."""
    zone = ZoneInfo(site.timezone)
    today = now.astimezone(zone).date()
    edges = day_starts(zone, today - timedelta(days=days - 1), days)
    # Compared in UTC: Python compares two times of the same zone by wall clock, which is
    # off by an hour across a DST change.
    utc_edges = [edge.astimezone(timezone.utc) for edge in edges]
    segments = _segments(site, statements, utc_edges[0], now)
    # Segments follow each other in time: each day's are found by bisection, once for all departments.
    starts = [seg.start for seg in segments]
    days_segments = []
    for start, end in zip(utc_edges, utc_edges[1:]):
        end = min(end, now)
        first = max(bisect_right(starts, start) - 1, 0)
        days_segments.append([seg for seg in segments[first:bisect_left(starts, end)]
                              if seg.start < end and seg.end > start])
    result: dict[str, list[Day]] = {}
    for dept in site.departments:
        strip = []
        for local, day_segments in zip(edges, days_segments):
            found: list[tuple[str, tuple[str, ...]]] = [seg.statuses[dept] for seg in day_segments]
            status = worst(s for s, _ in found)
            holders: dict[str, None] = {}
            for value, ids in found:
                if value == status:
                    holders.update(dict.fromkeys(ids))
            strip.append(Day(local.date(), local, status, tuple(holders)))
        result[dept] = strip
    return result

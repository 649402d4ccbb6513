"""Statements + now -> incidents, planned closures, holds and department statuses.

Pure functions over the model: no files, no MkDocs. Statements are replayed in
date order; each incident or planned closure keeps its own state, and a
department's status at any moment is the worst hold that is in force.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime, timedelta, timezone

from ..model import SEVERITY, Site, Statement, Window, worst


class BuildTimeError(ValueError):
    """SOURCE_DATE_EPOCH is set to something that is not a moment; the message says how to fix it."""


def build_time(environ=os.environ) -> datetime:
    """"Now": SOURCE_DATE_EPOCH when set (reproducible builds), else the clock."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        # The reproducible-builds definition: decimal digits only (int() would also take
        # "+5", " 5" or "1_000", which other tools reading the same variable reject).
        moment = None
        if epoch.isascii() and epoch.isdigit():
            try:
                moment = datetime.fromtimestamp(int(epoch), tz=timezone.utc)
            except (OverflowError, OSError, ValueError):
                pass
        if moment is None:
            raise BuildTimeError(f"SOURCE_DATE_EPOCH={epoch!r} is not a moment: set it to a whole number of "
                                 "seconds since 1970-01-01 UTC (such as 1768290720, `date +%s`), or unset it "
                                 "to use the clock")
        return moment
    return datetime.now(tz=timezone.utc).replace(microsecond=0)


class _StatementGroup:
    """What an incident and a planned closure share: statements in date order, titled by the first."""

    statements: list[Statement]

    def _note(self, statement: Statement) -> None:
        """Remembers the latest statement of this group that gives each department a note."""
        for text in statement.texts.values():
            for dept in text.notes:
                self.noted[dept] = statement

    @property
    def first(self) -> Statement:
        return self.statements[0]

    @property
    def latest(self) -> Statement:
        return self.statements[-1]

    @property
    def updated_at(self) -> datetime:
        return self.latest.date

    def title(self, lang: str) -> str:
        return self.first.text(lang).title


@dataclass
class Incident(_StatementGroup):
    """Unplanned trouble: the statements that share an incident id."""

    id: str
    statements: list[Statement] = field(default_factory=list)
    phase: str = "investigating"
    holds: dict[str, str] = field(default_factory=dict)  # dept -> latest status given
    worst_status: str = "operational"  # the worst status it ever gave: its impact
    monitoring_at: datetime | None = None
    resolved_at: datetime | None = None
    noted: dict[str, Statement] = field(default_factory=dict)  # dept -> its latest statement with a note for it

    kind = "incident"

    @property
    def resolved(self) -> bool:
        return self.phase == "resolved"

    @property
    def started_at(self) -> datetime:
        return self.first.date

    @property
    def departments(self) -> list[str]:
        """Every department it ever named, in the order first named."""
        seen: dict[str, None] = {}
        for statement in self.statements:
            seen.update(dict.fromkeys(statement.departments))
        return list(seen)

    def apply(self, statement: Statement) -> None:
        self.statements.append(statement)
        self._note(statement)
        if self.resolved and statement.phase and statement.phase != "resolved":
            # Reopened: its resolution released every hold, and what it released stays released;
            # it holds only what its statements state from now on.
            self.holds = {}
            self.monitoring_at = None
        if statement.phase:
            self.phase = statement.phase
            if statement.phase == "monitoring" and self.monitoring_at is None:
                self.monitoring_at = statement.date
        self.holds.update(statement.departments)
        self.worst_status = worst([self.worst_status, *statement.departments.values()])
        self.resolved_at = statement.date if self.resolved else None

    def holds_at(self, when: datetime) -> dict[str, str]:
        return {} if self.resolved else self.holds


@dataclass
class PlannedClosure(_StatementGroup):
    """A planned closure: its first statement states `planned`; later ones may change or cancel it."""

    id: str
    window: Window
    statements: list[Statement] = field(default_factory=list)
    departments: dict[str, str] = field(default_factory=dict)
    ended_at: datetime | None = None  # when a `phase: resolved` statement ended or cancelled it
    noted: dict[str, Statement] = field(default_factory=dict)  # dept -> its latest statement with a note for it

    kind = "planned"

    @property
    def cancelled(self) -> bool:
        return self.ended_at is not None and self.ended_at < self.window.start

    def apply(self, statement: Statement) -> None:
        self.statements.append(statement)
        self._note(statement)
        if statement.planned:
            self.window = statement.planned
        self.departments.update(statement.departments)
        if statement.phase == "resolved":
            self.ended_at = statement.date
        elif statement.phase:
            self.ended_at = None  # re-opened

    def end(self) -> datetime:
        """When its holds are released: the end of the window, or earlier when ended by a statement."""
        if self.ended_at is not None:
            return min(self.window.end, self.ended_at)
        return self.window.end

    def state(self, when: datetime) -> str:
        """scheduled | in_progress | completed | cancelled, at `when`."""
        if self.cancelled:
            return "cancelled"
        if when < self.window.start:
            return "scheduled"
        if when < self.end():
            return "in_progress"
        return "completed"

    def holds_at(self, when: datetime) -> dict[str, str]:
        return self.departments if self.state(when) == "in_progress" else {}


@dataclass(frozen=True)
class DepartmentStatus:
    id: str
    status: str
    holders: tuple[str, ...]  # ids of the incidents / closures holding it at this status
    note: Statement | None  # the statement whose note for this department is current


@dataclass
class Snapshot:
    """The state of everything at one moment: what a build publishes."""

    site: Site
    now: datetime
    statements: list[Statement]  # published, oldest first
    embargoed: list[Statement]
    incidents: dict[str, Incident]
    closures: dict[str, PlannedClosure]
    departments: dict[str, DepartmentStatus]
    transitions: dict[str, dict[str, tuple[str, str]]]  # statement id -> dept -> (before, after)
    # dept -> the last moment its status or its note changed (absent: never since the first statement)
    department_changed: dict[str, datetime] = field(default_factory=dict)

    @property
    def notices(self) -> list[Statement]:
        return [s for s in self.statements if s.is_notice]

    @property
    def current_notices(self) -> list[Statement]:
        """Notices the overview still shows, newest first: until their `expires`, or for
        `notice_days` after their date (history, feeds and permalinks keep them all)."""
        return [s for s in reversed(self.notices) if self.now < notice_end(s, self.site)]

    @property
    def recently_resolved(self) -> list[Incident]:
        """Incidents resolved in the last RECENT_DAYS days, the most recently resolved first: once
        all is well, the overview still says what happened this week."""
        since = self.now - timedelta(days=RECENT_DAYS)
        return sorted((i for i in self.incidents.values() if i.resolved and i.resolved_at and i.resolved_at >= since),
                      key=lambda i: i.resolved_at, reverse=True)

    @property
    def overall(self) -> str:
        return worst(d.status for d in self.departments.values())

    @property
    def last_updated(self) -> datetime | None:
        """The latest moment what the overview shows changed: a statement going out (an embargo's
        release is its date), a planned closure starting or ending."""
        moments = [self.statements[-1].date] if self.statements else []
        for closure in self.closures.values():
            if closure.cancelled:
                continue
            moments += [m for m in (closure.window.start, closure.end()) if m <= self.now]
        return max(moments, default=None)

    @property
    def active_incidents(self) -> list[Incident]:
        """Unresolved incidents, the most recently updated first."""
        return sorted((i for i in self.incidents.values() if not i.resolved),
                      key=lambda i: i.updated_at, reverse=True)

    @property
    def upcoming_closures(self) -> list[PlannedClosure]:
        """Scheduled or in-progress closures, soonest first."""
        return sorted((c for c in self.closures.values() if c.state(self.now) in ("scheduled", "in_progress")),
                      key=lambda c: c.window.start)

    def group_of(self, statement: Statement) -> Incident | PlannedClosure | None:
        gid = statement.group_id
        return self.incidents.get(gid) or self.closures.get(gid)

    def mentioning(self, dept: str) -> list[Statement]:
        """Published statements that name `dept`, oldest first."""
        return list(self._mentioning.get(dept, ()))

    @cached_property
    def _mentioning(self) -> dict[str, list[Statement]]:
        # One pass for every department: each department page and feed, in every language, asks.
        index: dict[str, list[Statement]] = {}
        for statement in self.statements:
            named = set(statement.departments).union(*(text.notes for text in statement.texts.values()))
            for dept in named:
                index.setdefault(dept, []).append(statement)
        return index


RECENT_DAYS = 7


def notice_end(notice: Statement, site: Site) -> datetime:
    """When a notice leaves the overview."""
    return notice.expires or notice.date + timedelta(days=site.notice_days)


def _department_statuses(site: Site, groups, when: datetime, with_notes: bool = True,
                         only=None) -> dict[str, DepartmentStatus]:
    held: dict[str, list[tuple[str, str, object]]] = {d: [] for d in (site.departments if only is None else only)}
    for group in groups:
        for dept, status in group.holds_at(when).items():
            if dept in held:
                held[dept].append((status, group.id, group))
    result = {}
    for dept, holds in held.items():
        status = worst(s for s, _, _ in holds)
        holders = [g for s, _, g in holds if s == status]
        note = None
        for group in (holders if with_notes else ()):
            for statement in reversed(group.statements):
                if statement.date > when:
                    continue
                if any(dept in t.notes for t in statement.texts.values()):
                    if note is None or statement.sort_key > note.sort_key:
                        note = statement
                    break
        result[dept] = DepartmentStatus(dept, status, tuple(g.id for g in holders), note)
    return result


class Replay:
    """Statements applied one by one in date order, and the incidents and closures they form.

    The one place that decides which group a statement opens or follows up: the snapshot, the
    history strips and the timeline checks all replay through it.
    """

    def __init__(self):
        self.incidents: dict[str, Incident] = {}
        self.closures: dict[str, PlannedClosure] = {}
        # Only unresolved incidents can hold anything: replaying against them alone keeps a long
        # crisis linear in its number of statements. Closures hold by time, so all stay in.
        self.unresolved: dict[str, Incident] = {}

    def group(self, gid: str | None) -> Incident | PlannedClosure | None:
        return self.incidents.get(gid) or self.closures.get(gid)

    def apply(self, statement: Statement) -> Incident | PlannedClosure | None:
        """The group `statement` joins (opened by it if new); None for a notice."""
        gid = statement.group_id
        if gid is None:
            return None
        group = self.group(gid)
        if group is None:
            if statement.planned:
                group = self.closures[gid] = PlannedClosure(id=gid, window=statement.planned)
            else:
                group = self.incidents[gid] = Incident(id=gid)
        group.apply(statement)
        if isinstance(group, Incident):
            if group.resolved:
                self.unresolved.pop(gid, None)
            else:
                self.unresolved[gid] = group
        return group

    def holding_groups(self) -> list:
        return [*self.unresolved.values(), *self.closures.values()]


def compute(site: Site, statements: list[Statement], now: datetime) -> Snapshot:
    """Everything the site shows, as it stands at `now`."""
    ordered = sorted(statements, key=lambda s: s.sort_key)
    published = [s for s in ordered if s.date <= now]
    embargoed = [s for s in ordered if s.date > now]

    replay = Replay()
    transitions: dict[str, dict[str, tuple[str, str]]] = {}
    changed: dict[str, datetime] = {}
    # Planned closures start and end by the clock: those moments change their departments too.
    boundaries = sorted(_closure_boundaries(published, now))
    for statement in published:
        if statement.group_id is None:
            continue
        while boundaries and boundaries[0][0] <= statement.date:
            _mark_changes(site, replay, boundaries.pop(0), changed)
        group = replay.group(statement.group_id)
        touched = _touched(statement, group)
        before = _shown_states(site, replay.holding_groups(), statement.date, touched)
        replay.apply(statement)
        after = _shown_states(site, replay.holding_groups(), statement.date, touched)
        for dept in touched:
            if before[dept] != after[dept]:
                changed[dept] = statement.date
        if statement.departments:
            transitions[statement.id] = {d: (before[d][0], after[d][0]) for d in statement.departments}
    for boundary in boundaries:
        _mark_changes(site, replay, boundary, changed)

    return Snapshot(
        site=site,
        now=now,
        statements=published,
        embargoed=embargoed,
        incidents=replay.incidents,
        closures=replay.closures,
        departments=_department_statuses(site, replay.holding_groups(), now),
        transitions=transitions,
        department_changed=changed,
    )


def _shown_states(site: Site, groups, when: datetime, depts) -> dict[str, tuple[str, str | None]]:
    """dept -> (status, id of the statement whose note shows) for `depts`: what a department page
    shows of each. As `_department_statuses`, but from each group's index of its latest notes,
    which holds while the replay has applied nothing after `when`: a long incident is not walked
    back statement by statement for each department at each statement."""
    held: dict[str, list] = {d: [] for d in depts}
    for group in groups:
        for dept, status in group.holds_at(when).items():
            if dept in held:
                held[dept].append((status, group))
    result = {}
    for dept, holds in held.items():
        status = worst(s for s, _ in holds)
        notes = [g.noted[dept] for s, g in holds if s == status and dept in g.noted]
        result[dept] = (status, max(notes, key=lambda n: n.sort_key).id if notes else None)
    return result


def _touched(statement: Statement, group) -> set[str]:
    """Departments whose state `statement` may change: those it names or notes, and all its group
    holds (a resolution releases them, a reopening forgets them)."""
    touched = set(statement.departments).union(*(text.notes for text in statement.texts.values()))
    if group is not None and statement.phase:
        touched |= set(getattr(group, "holds", None) or group.departments)
    return touched


def _closure_boundaries(published: list[Statement], now: datetime) -> list[tuple[datetime, str]]:
    """(moment, closure id) of every start and end of a planned closure up to `now`, as finally planned."""
    # Only the closures' statements replayed (a group is a closure when its first statement plans
    # one, and a closure's state is its own statements'): all of them took 0.03-0.05 s of CPU of
    # each build and preview reload at 5,000 statements.
    opens_closure: dict[str, bool] = {}
    for statement in published:
        gid = statement.group_id
        if gid is not None and gid not in opens_closure:
            opens_closure[gid] = bool(statement.planned)
    replay = Replay()
    for statement in published:
        if opens_closure.get(statement.group_id):
            replay.apply(statement)
    found = []
    for closure in replay.closures.values():
        if closure.cancelled:
            continue
        found += [(m, closure.id) for m in (closure.window.start, closure.end()) if m <= now]
    return found


def _mark_changes(site: Site, replay: Replay, boundary: tuple[datetime, str], changed: dict) -> None:
    when, closure_id = boundary
    closure = replay.closures.get(closure_id)
    if closure is None:
        return
    depts = set(closure.departments)
    before = _shown_states(site, replay.holding_groups(), when - timedelta(microseconds=1), depts)
    after = _shown_states(site, replay.holding_groups(), when, depts)
    for dept in depts:
        if before[dept] != after[dept]:
            changed[dept] = when


def severity(status: str) -> int:
    return SEVERITY[status]


def next_changes(snapshot: Snapshot) -> list[tuple[datetime, str, str]]:
    """What will change the site without anyone writing a word: (when, what, id), soonest first.

    An embargoed statement going out, a planned closure starting or ending.
    """
    changes = [(s.date, "release", s.id) for s in snapshot.embargoed]
    for closure in snapshot.closures.values():
        if closure.cancelled:
            continue
        if closure.window.start > snapshot.now:
            changes.append((closure.window.start, "start", closure.id))
        if closure.end() > snapshot.now:
            changes.append((closure.end(), "end", closure.id))
    return sorted(changes)

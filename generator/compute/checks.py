"""Rules that look at statements together, along the timeline, rather than one file at a time.

Each was seen to publish a wrong status without a word: a follow-up that forgot (or mistyped)
its `incident` and so opened a new incident, resolved at birth, while the real one stayed open;
a `planned` window silently dropped from a follow-up. Pure: statements in, problems out.
"""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from ..model import Site, Statement
from ..read.problems import Problems
from .status import Incident, PlannedClosure, Replay, Snapshot

LATE_PHASES = ("monitoring", "resolved")


def timeline_problems(site: Site, statements: list[Statement]) -> Problems:
    """Errors and warnings about how statements follow each other, replayed in date order.

    Every statement counts, embargoed ones too: they will be published as they stand.
    """
    problems = Problems()
    lang = site.default_language
    replay = Replay()
    for statement in sorted(statements, key=lambda s: s.sort_key):
        gid = statement.group_id
        if gid is None:
            continue
        group = replay.group(gid)
        if group is None and not statement.planned:
            open_incidents = [i for i in replay.incidents.values() if not i.resolved]
            # Closures not yet over at this statement's date: a late statement about one meant to change it.
            closures = [c for c in replay.closures.values()
                        if c.state(statement.date) in ("scheduled", "in_progress")]
            _check_opening(problems, statement, open_incidents, closures, lang)
        elif statement.planned and isinstance(group, Incident):
            problems.add(statement.path, _line(statement, "planned"),
                         f"'planned' in a follow-up of incident '{gid}' ({_quoted(group, lang)}): the window "
                         "would be ignored and the closure would show at once; announce the planned closure "
                         "as a statement of its own (without 'incident:'), or remove 'planned'")
        replay.apply(statement)
    return problems


def _held(group: Incident | PlannedClosure) -> dict[str, str]:
    """The departments an open incident or a coming closure holds (or will), with their statuses."""
    return dict(group.departments) if isinstance(group, PlannedClosure) else dict(group.holds)


def candidates(statement: Statement, open_incidents: list[Incident],
               closures: list[PlannedClosure]) -> list[Incident | PlannedClosure]:
    """What a statement that opens a new incident may have meant to follow up, best match first.

    Only groups that hold a department it names (every open one when it names none): advice naming an
    incident that shares no department with it was followed, and resolved the wrong incident. Best is
    the most shared departments, then the nearest id, then the latest updated.
    """
    named = set(statement.departments)
    groups = [*open_incidents, *closures]
    if named:
        groups = [g for g in groups if named & set(_held(g))]
    gid = statement.group_id or statement.id
    return sorted(groups, key=lambda g: (-len(named & set(_held(g))), _edit_distance(gid, g.id),
                                         -g.updated_at.timestamp(), g.id))


def describe(group: Incident | PlannedClosure, lang: str) -> str:
    """`the open incident 'id' ("title"; dept: status, ...)`: enough to tell the right group from the wrong one."""
    kind = "the planned closure" if isinstance(group, PlannedClosure) else "the open incident"
    held = ", ".join(f"{dept}: {status}" for dept, status in _held(group).items())
    return f"{kind} '{group.id}' ({_quoted(group, lang)}{'; ' + held if held else ''})"


def _check_opening(problems: Problems, statement: Statement, open_incidents: list[Incident],
                   closures: list[PlannedClosure], lang: str) -> None:
    """A statement that opens an incident: did it rather mean to follow up an open one, or a closure?"""
    gid = statement.group_id
    near = [g for g in [*open_incidents, *closures] if statement.incident and near_ids(gid, g.id)]
    did_you_mean = f" (did you mean '{near[0].id}'?)" if near else ""
    opened = (f"'incident: {gid}' is used by no earlier statement{did_you_mean}, so this statement"
              if statement.incident else "this statement names no 'incident', so it")
    named = set(statement.departments)
    if statement.phase in LATE_PHASES:
        # Without departments, only open incidents make it an error (SPEC); advice then lists every open group.
        involved = candidates(statement, open_incidents, closures)
        if not named and not open_incidents:
            involved = []
        if involved:
            best = next((g for g in involved if any(g is n for n in near)), involved[0])
            shared = sorted(named & {d for g in involved for d in _held(g)})
            held_by = (f", while {', '.join(shared)} {'is' if len(shared) == 1 else 'are'} held by"
                       if shared else ", while these are still open:")
            listed = "; ".join(describe(g, lang) for g in involved)
            goes_ahead = (" (the closure would still go ahead)"
                          if all(isinstance(g, PlannedClosure) for g in involved) else "")
            action = "change or cancel it" if isinstance(best, PlannedClosure) else "follow it up"
            problems.add(statement.path, _line(statement, "incident" if statement.incident else "phase"),
                         f"{opened} would open a new incident already '{statement.phase}'{held_by} {listed}"
                         f"{goes_ahead}; to {action}, write 'incident: {best.id}'; to report a new incident, "
                         "start it with 'phase: investigating' or 'phase: identified'")
        else:
            problems.add(statement.path, _line(statement, "phase"),
                         f"{opened} opens a new incident already '{statement.phase}': published as a report "
                         "after the fact (no open incident or planned closure holds its departments); if it "
                         "follows up an earlier incident, write its id in 'incident:'", "warning")
        return
    if near:
        problems.add(statement.path, _line(statement, "incident"),
                     f"'incident: {gid}' opens a new incident, but its id is close to {describe(near[0], lang)}"
                     f"{did_you_mean}: correct the id to follow that up; if this is a different incident, "
                     "choose a more distinct id", "warning")
        return
    # "Back to normal" as an incident of its own changes nothing while the open one holds worse.
    if named and all(status == "operational" for status in statement.departments.values()):
        for incident in open_incidents:
            worse = {d: s for d, s in incident.holds.items() if d in named and s != "operational"}
            if worse:
                dept, status = next(iter(worse.items()))
                problems.add(statement.path, _line(statement, "departments"),
                             f"{opened} opens a new incident that sets {', '.join(sorted(worse))} 'operational', "
                             f"but the open incident '{incident.id}' ({_quoted(incident, lang)}) still holds "
                             f"{dept} at '{status}', so the site keeps showing '{status}': to follow that "
                             f"incident up, write 'incident: {incident.id}'", "warning")
                return


def publication_warnings(snapshot: Snapshot) -> Problems:
    """What a build publishes differently from what is written: held back, or untranslated."""
    problems = Problems()
    site = snapshot.site
    for statement in snapshot.embargoed:
        problems.add(statement.path, _line(statement, "date"),
                     f"held back until {_local(statement.date, site)} (dated after now): the first build "
                     "after that time publishes it", "warning")
    for statement in snapshot.statements + snapshot.embargoed:
        missing = [lang for lang in site.languages[1:] if not statement.is_translated(lang)]
        if missing:
            problems.add(statement.path, 1,
                         f"not translated into {', '.join(missing)} yet: those pages show the "
                         f"'{site.default_language}' text, marked as such", "warning")
    return problems


def _local(when: datetime, site: Site) -> str:
    local = when.astimezone(ZoneInfo(site.timezone))
    return f"{local:%Y-%m-%d %H:%M} ({local.isoformat()})"


def _line(statement: Statement, key: str) -> int:
    return statement.lines.get(key) or 1


def _quoted(group, lang: str) -> str:
    return f"\"{group.title(lang)}\""


_NUMBER = re.compile(r"\d+")


def near_ids(a: str, b: str) -> bool:
    """True when `a` looks like a typo of `b`: `cyberaanval-2026-1` for `cyberaanval-2026-01` or
    `cyberaanval-2026-12` (a digit dropped or added), `-10` for `-01` (digits swapped).

    Ids differing only by one digit's value (`-01` and `-02`) are told apart on purpose:
    numbering incidents is how a second one is named.
    """
    if a == b:
        return False
    normalized = [_NUMBER.sub(lambda m: str(int(m.group())), x.replace("_", "-")) for x in (a, b)]
    if normalized[0] == normalized[1]:
        return True
    if _NUMBER.sub("#", a) == _NUMBER.sub("#", b):
        # The same words with other numbers: near only when one number differs by a dropped, added or
        # swapped digit, never by a digit's value.
        differing = [(x, y) for x, y in zip(_NUMBER.findall(a), _NUMBER.findall(b)) if x != y]
        if len(differing) != 1:
            return False
        x, y = differing[0]
        if len(x) == len(y):
            return sorted(x) == sorted(y) and _edit_distance(x, y) == 1  # a swapped pair
        return _edit_distance(x, y) == 1  # one digit dropped or added
    return _edit_distance(a, b) <= (1 if min(len(a), len(b)) < 8 else 2)


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent transpositions (a swapped pair of letters is one typo)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return previous[-1]

"""What the site shows at one moment, as plain terminal text (`statuspress status`).

Staff read it to see the effect of a statement before publishing it, so it names every id
they would write in `incident:`. Times are in the site's time zone, with their offset.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from .compute.status import Snapshot, next_changes

CLOSURE_STATES = {"scheduled": "scheduled", "in_progress": "in progress", "completed": "completed",
                  "cancelled": "cancelled"}
CHANGES = {"release": "statement {id} goes out", "start": "planned closure {id} starts",
           "end": "planned closure {id} ends"}


def status_report(snapshot: Snapshot) -> str:
    site = snapshot.site
    lang = site.default_language
    zone = ZoneInfo(site.timezone)

    def when(moment: datetime) -> str:
        local = moment.astimezone(zone)
        return f"{local:%Y-%m-%d %H:%M}{local.isoformat()[-6:]}"  # the offset, as statements write it

    out = [f"Status at {when(snapshot.now)}, {site.timezone}. Overall: {snapshot.overall}", "", "Departments"]
    groups = [(site.localized(g.name, lang), [d for d in site.departments.values() if d.group == g.id])
              for g in site.groups.values()]
    groups.append(("(no group)" if site.groups else None,
                   [d for d in site.departments.values() if d.group is None]))
    width = max((len(d) for d in site.departments), default=0)
    for name, depts in groups:
        if not depts:
            continue
        indent = "  "
        if name:
            out.append(f"  {name}")
            indent = "    "
        for dept in depts:
            state = snapshot.departments[dept.id]
            held = f"  held by {', '.join(state.holders)}" if state.status != "operational" else ""
            out.append(f"{indent}{dept.id:<{width}}  {state.status:<11}  {site.department_name(dept.id, lang)}{held}")
            found = state.note.note(dept.id, lang) if state.note else None
            if found:
                out.append(f"{indent}{'':<{width}}  note: {found[0]}")

    out += ["", "Open incidents (write the id in 'incident:' to follow one up)"]
    for incident in snapshot.active_incidents:
        latest = incident.latest
        out.append(f"  {incident.id}  {incident.phase}  \"{incident.title(lang)}\", since {when(incident.started_at)}")
        out.append(f"    latest: {when(latest.date)}  {latest.id}  \"{latest.text(lang).title}\"")
    if not snapshot.active_incidents:
        out.append("  none")

    out += ["", "Planned closures"]
    closures = sorted((c for c in snapshot.closures.values() if c.state(snapshot.now) in ("scheduled", "in_progress")),
                      key=lambda c: c.window.start)
    for closure in closures:
        depts = ", ".join(f"{d}: {s}" for d, s in closure.departments.items())
        out.append(f"  {closure.id}  {CLOSURE_STATES[closure.state(snapshot.now)]}  \"{closure.title(lang)}\"")
        out.append(f"    from {when(closure.window.start)} to {when(closure.end())}  {depts}")
    if not closures:
        out.append("  none")

    out += ["", "Held back (embargo)"]
    for statement in snapshot.embargoed:
        out.append(f"  {statement.id}  goes out {when(statement.date)}  \"{statement.text(lang).title}\"")
    if not snapshot.embargoed:
        out.append("  none")

    out.append("")
    changes = next_changes(snapshot)
    if changes:
        moment, what, gid = changes[0]
        same = [CHANGES[w].format(id=i) for m, w, i in changes if m == moment]
        out.append(f"Next change by itself: {when(moment)}: {'; '.join(same)}")
    else:
        out.append("Next change by itself: none (only a new statement changes the site)")
    return "\n".join(out) + "\n"

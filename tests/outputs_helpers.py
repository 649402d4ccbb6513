"""A small hospital with real update files, for the tests of feeds, API, calendar and badges.

`build()` writes the files into a temporary `updates/` folder and runs the real
reader and compute steps, so the renderers are tested on what a build gives them.

The story at NOW (14 January 2026, 10:00 Brussels time):
- a lift incident on 2 January: investigating, monitoring, resolved;
- planned closures: the lab (6 January, completed), maternity (21 January, cancelled),
  radiology (20 January, scheduled, translated), the pharmacy (today, in progress);
- the cyberattack incident: first statement translated, the second only in Dutch;
- an emergency-department incident whose title and text are full of characters to escape;
- a notice; and an embargoed statement dated after NOW, which nothing may show.
"""
from __future__ import annotations

import textwrap
from datetime import datetime
from pathlib import Path

from generator.compute.status import compute
from generator.read import read_site, read_updates
from generator.render.i18n import Language

# Real Statuspage API v2 responses (see fixtures/statuspage/README.md).
REFERENCE = Path(__file__).resolve().parent / "fixtures" / "statuspage"

SITE_URL = "https://status.example.org/"
SITE_NAME = "AZ Voorbeeld — Status"
NOW = datetime.fromisoformat("2026-01-14T10:00:00+01:00")
TRICKY_TITLE = 'Spoed "tijdelijk" <dicht> & co 🚑'
ARABIC = "مرحبا"

OPTIONS = {
    "timezone": "Europe/Brussels",
    "languages": ["nl", "fr", "en"],
    "groups": {
        "noord": {"nl": "Campus Noord", "fr": "Campus Nord", "en": "North campus"},
        "zuid": {"nl": "Campus Zuid", "fr": "Campus Sud", "en": "South campus"},
    },
    "departments": {
        "emergency": {"group": "noord", "name": {"nl": "Spoedgevallen", "fr": "Urgences", "en": "Emergency department"},
                      "description": {"nl": "Dag en nacht open.", "fr": "Ouvert jour et nuit.",
                                      "en": "Open day and night."}},
        "mug": {"group": "noord", "name": {"nl": "MUG-team", "fr": "SMUR", "en": "Mobile emergency team"}},
        "radiology": {"group": "noord", "name": {"nl": "Radiologie", "fr": "Radiologie", "en": "Radiology"}},
        "lab": {"group": "noord", "name": {"nl": "Labo", "fr": "Laboratoire", "en": "Laboratory"}},
        "planned-procedures": {"group": "zuid", "name": {"nl": "Geplande ingrepen", "fr": "Interventions programmées",
                                                         "en": "Planned procedures"}},
        "consultations": {"group": "zuid", "name": {"nl": "Raadplegingen", "fr": "Consultations",
                                                    "en": "Outpatient consultations"}},
        "maternity": {"group": "zuid", "name": {"nl": "Materniteit", "fr": "Maternité", "en": "Maternity"}},
        "pharmacy": {"group": "zuid", "name": {"nl": "Apotheek", "fr": "Pharmacie", "en": "Pharmacy"}},
        "registration": {"name": {"nl": "Inschrijving", "fr": "Inscription", "en": "Registration"}},
    },
}


def update(front: str, body: str = "") -> str:
    return "---\n" + textwrap.dedent(front).strip() + "\n---\n" + textwrap.dedent(body).strip() + "\n"


UPDATES = {
    # A resolved incident, with a monitoring phase.
    "2026-01-02-0900-lift-defect.md": update("""
        title: Lift defect, raadplegingen trager
        date: 2026-01-02T09:00:00+01:00
        phase: investigating
        departments:
          consultations: degraded
        """, "De lift in blok B is defect."),
    "2026-01-02-1200-lift-monitoring.md": update("""
        title: Lift hersteld, we volgen op
        date: 2026-01-02T12:00:00+01:00
        incident: 2026-01-02-0900-lift-defect
        phase: monitoring
        """, "De technieker heeft de lift hersteld."),
    "2026-01-02-1500-lift-opgelost.md": update("""
        title: Lift werkt opnieuw
        date: 2026-01-02T15:00:00+01:00
        incident: 2026-01-02-0900-lift-defect
        phase: resolved
        departments:
          consultations: operational
        """, "Alles werkt opnieuw normaal."),
    # Planned closures: completed, cancelled, scheduled (translated), in progress.
    "2026-01-05-0800-onderhoud-labo.md": update("""
        title: Onderhoud labo-toestellen
        date: 2026-01-05T08:00:00+01:00
        departments:
          lab: maintenance
        planned:
          start: 2026-01-06T20:00:00+01:00
          end: 2026-01-06T23:00:00+01:00
        """, "Het labo sluit voor onderhoud."),
    "2026-01-08-0800-verbouwing-materniteit.md": update("""
        title: Verbouwing verloskamers
        date: 2026-01-08T08:00:00+01:00
        summary: Twee verloskamers sluiten op 21 januari.
        departments:
          maternity: reduced
        planned:
          start: 2026-01-21T08:00:00+01:00
          end: 2026-01-21T12:00:00+01:00
        """, "De verloskamers worden verbouwd."),
    "2026-01-09-0800-verbouwing-geannuleerd.md": update("""
        title: Verbouwing verloskamers uitgesteld
        date: 2026-01-09T08:00:00+01:00
        incident: 2026-01-08-0800-verbouwing-materniteit
        phase: resolved
        summary: De verbouwing gaat niet door op 21 januari.
        """, "We stellen de verbouwing uit."),
    "2026-01-10-0900-onderhoud-mri.md": update("""
        title: Onderhoud MRI-scanner
        date: 2026-01-10T09:00:00+01:00
        summary: De MRI-scanner is op 20 januari 's avonds buiten gebruik.
        departments:
          radiology:
        planned:
          start: 2026-01-20T20:00:00+01:00
          end: 2026-01-20T23:00:00+01:00
        """, "Tijdens het onderhoud kunnen we geen MRI-onderzoeken doen."),
    "2026-01-10-0900-onderhoud-mri.fr.md": update("""
        title: Maintenance du scanner IRM
        summary: Le scanner IRM est indisponible le soir du 20 janvier.
        """, "Aucun examen IRM pendant la maintenance."),
    "2026-01-10-0900-onderhoud-mri.en.md": update("""
        title: MRI scanner maintenance
        summary: The MRI scanner is out of use on the evening of 20 January.
        """, "No MRI scans during the maintenance."),
    "2026-01-13-1200-apotheek-inventaris.md": update("""
        title: Apotheek gesloten voor inventaris
        date: 2026-01-13T12:00:00+01:00
        departments:
          pharmacy: maintenance
        planned:
          start: 2026-01-14T08:00:00+01:00
          end: 2026-01-14T18:00:00+01:00
        """, "De apotheek telt vandaag haar voorraad."),
    # The cyberattack: the first statement in three languages, the second only in Dutch.
    "2026-01-13-0632-servers-offline.md": update("""
        title: Cyberaanval — alle servers uitgeschakeld
        date: 2026-01-13T06:32:00+01:00
        incident: cyberaanval-2026-01
        phase: investigating
        summary: Spoed werkt met beperkte capaciteit.
        departments:
          emergency: reduced
          mug: offline
          planned-procedures: offline
        notes:
          emergency: Kom enkel bij levensbedreigende nood.
        """, """
        Door een cyberaanval zijn al onze servers uitgeschakeld.

        Geplande ingrepen gaan niet door.
        """),
    "2026-01-13-0632-servers-offline.fr.md": update("""
        title: Cyberattaque — tous les serveurs arrêtés
        summary: Les urgences fonctionnent à capacité réduite.
        notes:
          emergency: Venez uniquement en cas d'urgence vitale.
        """, "Une cyberattaque a mis tous nos serveurs hors service."),
    "2026-01-13-0632-servers-offline.en.md": update("""
        title: Cyberattack — all servers shut down
        summary: The emergency department works at reduced capacity.
        """, "A cyberattack has taken all our servers offline."),
    "2026-01-13-1015-inschrijving-op-papier.md": update("""
        title: Inschrijving op papier
        date: 2026-01-13T10:15:00+01:00
        incident: cyberaanval-2026-01
        phase: identified
        departments:
          registration: degraded
        """, """
        Inschrijven duurt langer: we werken op papier. [Vorig bericht](../2026-01-13-0632-servers-offline/)
        en ![plan](plan.png) en [kaart](/kaart/).

        <script>alert("x")</script><a href="javascript:alert(1)" onclick="x()">klik</a>
        """),
    # Everything that must be escaped, and right-to-left text.
    "2026-01-14-0700-spoed-dicht.md": update(f"""
        title: '{TRICKY_TITLE.replace("'", "''")}'
        date: 2026-01-14T07:00:00+01:00
        phase: investigating
        departments:
          emergency: offline
        notes:
          emergency: 'Bel "112" & <wacht>'
        """, f"""
        Patiënten & bezoekers: "dicht" <b>nu</b> & 5 < 6.

        {ARABIC} — نص عربي للزوار.
        """),
    "2026-01-14-0900-persconferentie.md": update("""
        title: Persconferentie om 14 uur
        date: 2026-01-14T09:00:00+01:00
        """, "De directie geeft om 14 uur een persconferentie."),
    # Embargoed: after NOW.
    "2026-01-20-0900-embargo.md": update("""
        title: Nog niet publiceren
        date: 2026-01-20T09:00:00+01:00
        phase: resolved
        incident: cyberaanval-2026-01
        """, "Geheim."),
}

PUBLISHED = 12  # UPDATES without translations and without the embargoed one


def write_updates(folder: Path, updates: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in updates.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def build(tmp_path: Path, updates: dict[str, str] | None = None, *, site_url: str | None = SITE_URL,
          options: dict | None = None, now: datetime = NOW):
    """(snapshot, languages) for `updates` (default: UPDATES), as a build would compute them."""
    site, problems = read_site(options or OPTIONS, site_name=SITE_NAME, site_url=site_url, config_file=None)
    assert site is not None, [p.format() for p in problems]
    statements, problems = read_updates(write_updates(tmp_path / "updates", UPDATES if updates is None else updates),
                                        site)
    assert not problems.errors, [p.format() for p in problems.errors]
    snapshot = compute(site, statements, now)
    languages = {code: Language(code, site.timezone) for code in site.languages}
    return snapshot, languages


def permalink(lang: str, statement_id: str, base: str = SITE_URL) -> str:
    prefix = "" if lang == "nl" else f"{lang}/"
    return f"{base}{prefix}updates/{statement_id}/"


def published_ids(updates: dict[str, str] | None = None) -> list[str]:
    """Ids of the default-language files dated up to NOW, oldest first (each id starts with its date)."""
    ids = sorted(name[:-3] for name in (updates or UPDATES) if name.count(".") == 1)
    return [i for i in ids if i[:15] <= NOW.strftime("%Y-%m-%d-%H%M")]

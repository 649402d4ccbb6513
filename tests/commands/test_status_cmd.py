"""`statuspress status [--at TIME]`: what the site shows at a moment, in the terminal; and the incident
page, which must say the same thing when two incidents hold one department."""
from __future__ import annotations

from urllib.parse import urljoin

import lxml.html
import pytest
from click.testing import CliRunner

from helpers import epoch, mkdocs_build, write_statement
from generator.cli import main
from helpers import copy_example


def status(config_file, *args, now="2026-11-27T12:00:00+01:00"):
    return CliRunner().invoke(main, ["status", "-f", str(config_file), *args],
                              env={"SOURCE_DATE_EPOCH": str(epoch(now))}, catch_exceptions=False)


def block(output: str, header: str) -> list[str]:
    """The lines under `header`, up to the next blank line, stripped."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    result = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        result.append(" ".join(line.split()))
    return result


@pytest.fixture
def example(tmp_path):
    return copy_example(tmp_path / "site")


def test_status_now_is_the_build_time(example):
    result = status(example, now="2026-01-13T12:00:00+01:00")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Status at 2026-01-13 12:00+01:00, Europe/Brussels. Overall: offline\n")
    departments = block(out, "Departments")
    assert "emergency reduced Spoedgevallen held by cyberaanval-2026-01" in departments
    assert ("note: Ambulances rijden naar andere ziekenhuizen; kom enkel bij levensbedreigende nood."
            in departments)
    assert "mug offline MUG-team held by cyberaanval-2026-01" in departments
    assert "maternity operational Materniteit" in departments
    assert block(out, "Open incidents") == [
        'cyberaanval-2026-01 investigating "Cyberaanval: alle servers uitgeschakeld", since 2026-01-13 06:32+01:00',
        'latest: 2026-01-13 10:15+01:00 2026-01-13-1015-patienten-overgebracht '
        '"Zeven patiënten van intensieve zorg overgebracht"',
    ]
    assert block(out, "Planned closures") == ["none"]
    held = block(out, "Held back")
    assert held[0] == ('2026-01-13-1300-persconferentie goes out 2026-01-13 13:00+01:00 '
                       '"Persconferentie vandaag om 16 uur"')
    assert len(held) == 17  # every later statement of the example (19, 2 published)
    assert out.rstrip().endswith("Next change by itself: 2026-01-13 13:00+01:00: statement "
                                 "2026-01-13-1300-persconferentie goes out")
    # Without --at, "now" is the build time; --at with the same moment shows the same.
    assert status(example, "--at", "2026-01-13T12:00", now="2026-01-30T00:00:00+01:00").stdout == out


def test_status_at_a_moment_inside_a_planned_closure(example):
    result = status(example, "--at", "2026-01-20T21:00")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Status at 2026-01-20 21:00+01:00, Europe/Brussels. Overall: reduced\n")
    departments = block(out, "Departments")
    assert "lab maintenance Labo en bloedafname held by 2026-01-16-1400-gepland-herstel-patientendossier" in departments
    # Registration is in the closure too, but the cyberattack holds it at worse.
    assert "registration degraded Inschrijving en onthaal held by cyberaanval-2026-01" in departments
    assert block(out, "Planned closures")[:2] == [
        '2026-01-16-1400-gepland-herstel-patientendossier in progress "Geplande sluiting: inschrijving en labo '
        'op 20 januari van 20 tot 23 uur"',
        "from 2026-01-20 20:00+01:00 to 2026-01-20 23:00+01:00 registration: maintenance, lab: maintenance",
    ]
    assert "2026-01-17-1500-gepland-onderhoud-apotheek scheduled" in block(out, "Planned closures")[2]
    assert block(out, "Held back") == ["none"]
    assert out.rstrip().endswith("Next change by itself: 2026-01-20 23:00+01:00: planned closure "
                                 "2026-01-16-1400-gepland-herstel-patientendossier ends")
    # An offset or UTC may be given instead of the site's zone.
    assert status(example, "--at", "2026-01-20T20:00:00Z").stdout == out


def test_status_of_an_embargoed_statement_says_when_it_goes_out(example):
    write_statement(example.parent / "updates", "2026-01-25-0900-campus.md", """
        ---
        title: Nieuwe campus open
        date: 2026-01-25T09:00:00+01:00
        ---
        Tekst.
        """)
    out = status(example, now="2026-01-21T12:00:00+01:00").stdout
    assert block(out, "Held back") == ['2026-01-25-0900-campus goes out 2026-01-25 09:00+01:00 "Nieuwe campus open"']
    assert "Next change by itself: 2026-01-25 09:00+01:00: statement 2026-01-25-0900-campus goes out" in out


def test_status_with_nothing_ahead(small_site):
    root = small_site(("nl",))
    out = status(root / "mkdocs.yml").stdout
    assert "Overall: operational" in out
    assert block(out, "Open incidents") == ["none"]
    assert "Next change by itself: none" in out


def test_status_refuses_an_unreadable_time(example):
    result = status(example, "--at", "volgende week")
    assert result.exit_code == 2
    assert "'volgende week' is not a date and time" in result.output


def test_status_of_a_site_with_errors_lists_them(example):
    write_statement(example.parent / "updates", "2026-01-22-0800-x.md", """
        ---
        title: Kapot
        date: 2026-01-22T08:00:00+01:00
        departmens: {lab: offline}
        ---
        """)
    result = status(example)
    assert result.exit_code == 1
    assert "updates/2026-01-22-0800-x.md:4: unknown key 'departmens'" in result.stderr


# --- two incidents holding one department ---------------------------------------------------------

BRAND = """
---
title: Brand in de keuken
date: 2026-01-13T06:32:00+01:00
incident: brand
departments:
  emergency: offline
  lab: reduced
---
Tekst.
"""
STORING = """
---
title: Storing telefooncentrale
date: 2026-01-13T08:00:00+01:00
incident: storing
departments:
  emergency: reduced
  registration: degraded
---
Tekst.
"""
NOW = "2026-01-13T12:00:00+01:00"


@pytest.fixture
def overlapping(small_site):
    root = small_site(("nl", "fr"))
    write_statement(root / "updates", "2026-01-13-0632-brand.md", BRAND)
    write_statement(root / "updates", "2026-01-13-0800-storing.md", STORING)
    return root


def test_status_with_two_overlapping_incidents(overlapping):
    out = status(overlapping / "mkdocs.yml", now=NOW).stdout
    departments = block(out, "Departments")
    assert "emergency offline Spoed held by brand" in departments
    assert "lab reduced Labo held by brand" in departments
    assert "registration degraded Inschrijving held by storing" in departments
    opened = block(out, "Open incidents")
    assert opened == [
        'storing investigating "Storing telefooncentrale", since 2026-01-13 08:00+01:00',
        'latest: 2026-01-13 08:00+01:00 2026-01-13-0800-storing "Storing telefooncentrale"',
        'brand investigating "Brand in de keuken", since 2026-01-13 06:32+01:00',
        'latest: 2026-01-13 06:32+01:00 2026-01-13-0632-brand "Brand in de keuken"',
    ]


def affected(page: lxml.html.HtmlElement) -> dict[str, tuple[str, str]]:
    """Department name -> (status this incident gives it, the sentence about its current status)."""
    items = page.cssselect("#affected + ul > li")
    return {li.cssselect("a")[0].text_content(): (
        li.cssselect(".sp-status__text")[0].text_content(),
        " ".join(" ".join(p.text_content() for p in li.cssselect(".sp-held-elsewhere")).split()))
        for li in items}


def test_incident_page_gives_its_own_status_and_says_why_the_current_one_differs(overlapping, tmp_path):
    out = tmp_path / "out"
    result = mkdocs_build(overlapping / "mkdocs.yml", out, NOW)
    assert result.returncode == 0, result.stderr
    storing = lxml.html.parse(str(out / "incidents" / "storing" / "index.html")).getroot()
    assert affected(storing) == {
        "Spoed": ("Beperkte capaciteit", "De huidige status is Buiten werking, door Brand in de keuken."),
        "Inschrijving": ("Trager dan normaal", ""),
    }
    link = storing.cssselect(".sp-held-elsewhere a")[0]
    assert urljoin("https://status.example.org/incidents/storing/", link.get("href")) == \
        "https://status.example.org/incidents/brand/"
    assert link.get("lang") is None  # the site's own language: the title is in it
    # The incident that sets the status says nothing more.
    brand = lxml.html.parse(str(out / "incidents" / "brand" / "index.html")).getroot()
    assert affected(brand) == {"Spoed": ("Buiten werking", ""), "Labo": ("Beperkte capaciteit", "")}
    # In French, with the sentence translated.
    storing_fr = lxml.html.parse(str(out / "fr" / "incidents" / "storing" / "index.html")).getroot()
    assert affected(storing_fr)["Urgences"][1] == ("Son statut actuel est Hors service, en raison de "
                                                  "Brand in de keuken.")
    assert storing_fr.cssselect(".sp-held-elsewhere a")[0].get("lang") == "nl"  # an untranslated title

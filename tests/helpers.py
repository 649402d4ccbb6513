"""The tests' helpers, in one place: statement files, small sites, real builds, problems,
a quiet static server, and CI definitions run for real.

Not a test module (no `test_` prefix): tests import it as `helpers` (conftest.py holds the
fixtures). Sections:

- statement files and sites built directly (`write`, `write_statement`, `statement_file`,
  `make_site`, `statement`, `at`, the example site);
- the outputs' hospital (`UPDATES`, `build`): a small site with real update files, for the
  tests of feeds, API, calendar and badges;
- real builds (`mkdocs_build`, `epoch`, `tree_digest`, `SMALL_CONFIG`);
- problems (`problem_at`, `listing`);
- serving a built site (`serve`, `serve_with_headers`), `free_port`, `fetch`, `wait_for`;
- Chromium (`CHROMIUM`, `CHROMIUM_ARGS`);
- CI definitions run for real (`fresh_env`, `run_github_job`, ...).
"""
from __future__ import annotations

import json

import contextlib
import functools
import gzip
import hashlib
import http.server
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from generator.compute.status import compute
from generator.model import Department, Group, Site, Statement, Text, Window
from generator.read import Problem, read_site, read_updates
from generator.render.i18n import Language

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent


# -- statement files and sites built directly ----------------------------------------------------

EXAMPLE_CONFIG = REPO / "mkdocs.yml"
EXAMPLE_UPDATES = REPO / "updates"

DEPARTMENTS = ("emergency", "mug", "icu", "lab", "maternity", "registration")
DEFAULT_OFFSET = "+01:00"


def make_site(departments=DEPARTMENTS, languages=("nl", "fr", "en"), timezone="Europe/Brussels",
              groups=None) -> Site:
    """A small site built directly, without mkdocs.yml."""
    return Site(
        name="Test hospital",
        url="https://status.example/",
        timezone=timezone,
        languages=tuple(languages),
        departments={d: Department(id=d, name={languages[0]: d.capitalize()}) for d in departments},
        groups={g: Group(id=g, name={languages[0]: g}) for g in (groups or ())},
    )


def write(folder: Path, name: str, text: str | bytes) -> Path:
    """Write `text` to folder/name (subfolders created). Text is dedented; bytes are written as is."""
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# A valid default-language file, the same in every reading test.
VALID = ("---\n"
         "title: Spoed tijdelijk dicht\n"
         "date: 2026-01-13T06:32:00+01:00\n"
         "departments:\n"
         "  emergency: reduced\n"
         "---\n"
         "De tekst.\n")


def statement_file(title: str = "Spoed tijdelijk dicht", date: str = "2026-01-13T06:32:00+01:00",
                   extra: str = "", body: str = "De tekst.") -> str:
    """A minimal valid default-language file; `extra` is inserted after `date` (line 4 on)."""
    lines = ["---", f"title: {title}", f"date: {date}"]
    if extra:
        lines += textwrap.dedent(extra).strip("\n").splitlines()
    lines += ["---", body, ""]
    return "\n".join(lines)


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line of `path` that contains `needle`."""
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def at(value: str) -> datetime:
    """'2026-01-13 07:00' (Brussels winter time, +01:00, unless an offset is given) -> aware datetime."""
    value = value.replace(" ", "T")
    if not (value.endswith("Z") or "+" in value[10:] or "-" in value[10:]):
        value += DEFAULT_OFFSET
    return datetime.fromisoformat(value)


def statement(id: str, date: str, *, incident: str | None = None, phase: str | None = None,
              departments: dict | None = None, notes: dict | None = None,
              planned: tuple[str, str] | None = None, title: str | None = None,
              translations: dict | None = None, default_language: str = "nl") -> Statement:
    """A Statement built directly. `translations` maps a language to its notes dict (or None)."""
    path = Path("updates") / f"{id}.md"
    texts = {default_language: Text(lang=default_language, path=path, title=title or id, body="",
                                    notes=dict(notes or {}))}
    for lang, lang_notes in (translations or {}).items():
        texts[lang] = Text(lang=lang, path=Path("updates") / f"{id}.{lang}.md", title=f"{title or id} ({lang})",
                           body="", notes=dict(lang_notes or {}))
    return Statement(
        id=id,
        path=path,
        date=at(date),
        texts=texts,
        default_language=default_language,
        incident=incident,
        phase=phase,
        departments=dict(departments or {}),
        planned=Window(at(planned[0]), at(planned[1])) if planned else None,
    )


def load_site(config_file: Path):
    """(site, problems) from a real mkdocs.yml, the way the CLI and the plugin read it."""
    from mkdocs.config import load_config

    config = load_config(str(config_file))
    plugin = config.plugins["statuspress"]
    return read_site(dict(plugin.config), site_name=config.site_name, site_url=config.site_url,
                     config_file=Path(config_file))


def example_site() -> Site:
    site, problems = load_site(EXAMPLE_CONFIG)
    assert site is not None, [p.format() for p in problems]
    return site


def copy_example(dest: Path, add_languages: tuple[str, ...] = ()) -> Path:
    """A copy of the example site (mkdocs.yml, updates/, docs/) in `dest`, with `add_languages`
    added to its languages (Arabic, for right-to-left pages); returns its mkdocs.yml."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(EXAMPLE_CONFIG, dest / "mkdocs.yml")
    if add_languages:
        text, count = re.subn(r"(\n\s+languages:\s*\[)([^\]]*)\]",
                              lambda m: f"{m[1]}{m[2]}, {', '.join(add_languages)}]",
                              (dest / "mkdocs.yml").read_text(encoding="utf-8"), count=1)
        assert count == 1, "no `languages: [...]` in mkdocs.yml"
        (dest / "mkdocs.yml").write_text(text, encoding="utf-8")
    shutil.copytree(REPO / "updates", dest / "updates")
    shutil.copytree(REPO / "docs", dest / "docs")
    return dest / "mkdocs.yml"


def write_statement(updates: Path, name: str, text: str) -> Path:
    """`text`, dedented and without its leading blank lines, as updates/name."""
    return write(updates, name, textwrap.dedent(text).lstrip("\n"))


# -- the outputs' hospital -----------------------------------------------------------------------
#A small hospital with real update files, for the tests of feeds, API, calendar and badges.
#
# `build()` writes the files into a temporary `updates/` folder and runs the real
# reader and compute steps, so the renderers are tested on what a build gives them.
#
# The story at NOW (14 January 2026, 10:00 Brussels time):
# - a lift incident on 2 January: investigating, monitoring, resolved;
# - planned closures: the lab (6 January, completed), maternity (21 January, cancelled),
#   radiology (20 January, scheduled, translated), the pharmacy (today, in progress);
# - the cyberattack incident: first statement translated, the second only in Dutch;
# - an emergency-department incident whose title and text are full of characters to escape;
# - a notice; and an embargoed statement dated after NOW, which nothing may show.

# Real Statuspage API v2 responses (see fixtures/statuspage/README.md).
REFERENCE = TESTS / "fixtures" / "statuspage"

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
    """Every file of `updates` (name -> text, written as it is) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in updates.items():
        write(folder, name, text.encode("utf-8"))
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


# -- real builds --------------------------------------------------------------------------------

def epoch(iso: str) -> int:
    """SOURCE_DATE_EPOCH for an ISO 8601 moment with offset."""
    return int(datetime.fromisoformat(iso).timestamp())


def mkdocs_build(config_file: Path, site_dir: Path, when: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)
    if when:
        env["SOURCE_DATE_EPOCH"] = str(epoch(when))
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config_file), "-d", str(site_dir)],
        capture_output=True, text=True, env=env, cwd=config_file.parent,
    )


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under `root` with the hash of its bytes."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


SMALL_CONFIG = """\
site_name: Test Hospital
site_url: https://status.example.org/
theme:
  name: material
  font: false
plugins:
  - statuspress:
      timezone: Europe/Brussels
      languages: {languages}
      groups:
        north: {{nl: Noord, fr: Nord, en: North}}
      departments:
        emergency:
          group: north
          name: {{nl: Spoed, fr: Urgences, en: Emergency}}
          phone: "+32 3 000 00 00"
        lab:
          group: north
          name: {{nl: Labo, fr: Labo, en: Lab}}
        registration:
          name: {{nl: Inschrijving, fr: Inscription, en: Registration}}
"""


# -- problems -----------------------------------------------------------------------------------

# -- `statuspress check` on a small site, along the timeline -------------------------------------

CHECK_NOW = "2026-01-20T12:00:00+01:00"  # after every statement of the timeline tests
CYBER = """
---
title: Cyberaanval op het ziekenhuis
date: 2026-01-13T06:32:00+01:00
incident: cyberaanval-2026-01
phase: investigating
departments:
  emergency: offline
  lab: reduced
---
Alle servers zijn uitgeschakeld.
"""
CYBER_FILE = "2026-01-13-0632-servers-offline.md"


def check_json(root: Path, *extra: str, now: str = CHECK_NOW) -> tuple[int, list[dict]]:
    """`statuspress check --format json` on the site in `root`: (exit code, problems)."""
    from click.testing import CliRunner

    from generator.cli import main

    result = CliRunner().invoke(main, ["check", "-f", str(root / "mkdocs.yml"), "--format", "json", *extra],
                                env={"SOURCE_DATE_EPOCH": str(epoch(now))}, catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def problems_about(problems: list[dict], name: str) -> list[dict]:
    """The problems of `check_json` in the file `updates/<name>`."""
    return [p for p in problems if p["path"] == f"updates/{name}"]


def listing(problems) -> str:
    return "\n".join(p.format() for p in problems) or "(no problems)"


def problem_at(problems, path: Path, line: int | tuple[int, ...], *keywords: str) -> Problem:
    """The one error at `path` on `line` (or one of the lines); its message must hold every keyword."""
    lines = (line,) if isinstance(line, int) else line
    found = [p for p in problems if p.path == path and p.is_error]
    assert found, f"no error for {path}; got:\n{listing(problems)}"
    on_line = [p for p in found if p.line in lines]
    assert on_line, f"no error for {path} on line {line}; got:\n{listing(problems)}"
    problem = on_line[0]
    for keyword in keywords:
        assert keyword.lower() in problem.message.lower(), (
            f"{keyword!r} not in the message {problem.format()!r}")
    return problem


# -- serving a built site -----------------------------------------------------------------------
#Serve a built site as Netlify and Cloudflare Pages would: with the rules of its `_headers`.
#
# Matching as those hosts document it: a rule path is matched against the request's path;
# `*` (splat) matches any characters, `/:name` one path segment, a trailing `/*` also the
# folder itself; every matching rule applies, in file order, and the values of a header named
# by several rules are joined with ", ".

def parse_headers(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not raw[0].isspace():
            rules.append((line, []))
            continue
        name, _, value = line.partition(":")
        assert rules and _, f"header line outside a rule or without ':': {raw!r}"
        rules[-1][1].append((name.strip(), value.strip()))
    return rules


def rule_regex(path: str) -> re.Pattern:
    tail = ""
    if path.endswith("/*") and len(path) > 2:
        path, tail = path[:-2], "(?:/.*)?"
    pattern = ""
    for token in re.split(r"(\*|:[A-Za-z_][A-Za-z0-9_]*)", path):
        if token == "*":
            pattern += ".*"
        elif token.startswith(":") and len(token) > 1:
            pattern += "[^/]+"
        else:
            pattern += re.escape(token)
    return re.compile(f"^{pattern}{tail}$")


def headers_for(rules, url_path: str) -> dict[str, str]:
    combined: dict[str, str] = {}
    names: dict[str, str] = {}
    for path, headers in rules:
        if rule_regex(path).match(url_path):
            for name, value in headers:
                key = name.lower()
                if key in combined:
                    combined[key] += ", " + value
                else:
                    combined[key], names[key] = value, name
    return {names[key]: value for key, value in combined.items()}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class HeadersHandler(QuietHandler):
    rules: list = []

    def end_headers(self):
        for name, value in headers_for(self.rules, urlsplit(self.path).path).items():
            self.send_header(name, value)
        super().end_headers()


class GzipHandler(QuietHandler):
    """Files as a static host sends them: text compressed with gzip (level 6, zlib's default and
    Apache's) when the browser accepts it."""

    COMPRESSED = (".html", ".css", ".js", ".svg", ".xml", ".json")

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not (path.is_file() and path.suffix in self.COMPRESSED
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serve_gzipped(directory: Path):
    """Base URL (with a trailing slash) of `directory`, served with gzip (GzipHandler)."""
    with _serving(directory, GzipHandler) as base:
        yield base + "/"


@contextlib.contextmanager
def _serving(directory: Path, handler: type):
    """Base URL (no trailing slash) of `directory`, served on 127.0.0.1 by `handler` in a thread."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextlib.contextmanager
def serve(directory: Path):
    """Base URL (with a trailing slash) of `directory`, served as files are, quietly."""
    with _serving(directory, QuietHandler) as base:
        yield base + "/"


@contextlib.contextmanager
def serve_with_headers(site_dir: Path):
    """Base URL (no trailing slash) of `site_dir`, served with its `_headers` applied."""
    rules = parse_headers((site_dir / "_headers").read_text(encoding="utf-8"))
    with _serving(site_dir, type("Handler", (HeadersHandler,), {"rules": rules})) as base:
        yield base


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


# -- Chromium -----------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-quic"]


# -- CI definitions run for real: a fresh virtual environment, a clean copy of a tree, and the
# shell commands of GitHub Actions `run:` steps and GitLab CI `script:` lines --------------------

def copy_repo(target: Path) -> Path:
    """The repository as a user's clone has it: the files git tracks (as they are now, changes
    not yet committed included) and the new ones it does not ignore; no virtual environment,
    built site or cache (by name, a pattern such as "build" also left out generator/build/)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        if (REPO / name).is_file():  # (not a file deleted and not yet committed)
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)
    return target


def fresh_env(venv: Path) -> dict[str, str]:
    """Environment of a new, empty virtual environment (pip only), first on PATH."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "SOURCE_DATE_EPOCH", "PYTHONHOME")}
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


class _Loader(yaml.SafeLoader):
    """YAML 1.1 reads the key `on` as True; a workflow means the word."""


_Loader.yaml_implicit_resolvers = {k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
                                   for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
# Only true and false are booleans, as in YAML 1.2 (which GitHub reads).
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


def load_workflow(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def github_value(value: str) -> str:
    """`${{ secrets.X }}` and friends: empty, as in a fork or a repository without that secret."""
    return EXPRESSION.sub("", str(value))


def run_shell(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-eo", "pipefail", "-c", command], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)


def has_check_format(env: dict[str, str], cwd: Path) -> bool:
    result = subprocess.run(["statuspress", "check", "--help"], cwd=cwd, env=env, capture_output=True, text=True)
    return "--format" in result.stdout


def run_github_job(workflow: dict, job: str, cwd: Path, env: dict[str, str]) -> list[str]:
    """Run every `run:` step of `job` in order (`uses:` steps are GitHub's own); the commands run.

    As in a repository that sets no variable and no secret: a step whose `if:` names one is
    skipped (the optional mirrors). `$GITHUB_ENV` works as on GitHub: what a step appends to
    it is in the environment of the steps after it.
    """
    base = {**env, **{k: github_value(v) for k, v in (workflow.get("env") or {}).items()}}
    github_env = cwd / ".github-env"
    github_env.write_text("", encoding="utf-8")
    ran = []
    for step in workflow["jobs"][job]["steps"]:
        if "run" not in step:
            assert "uses" in step, step
            continue
        condition = str(step.get("if", ""))
        if re.search(r"\b(vars|secrets)\.", condition):
            assert re.fullmatch(r"\s*vars\.[A-Z0-9_]+ != ''\s*", condition), condition
            continue
        command = step["run"]
        if "statuspress check --format github" in command and not has_check_format(base, cwd):
            # `--format` is added by another change; until it lands, check without it.
            command = command.replace(" --format github", "")
        step_env = {**base, **{k: github_value(v) for k, v in (step.get("env") or {}).items()},
                    "GITHUB_ENV": str(github_env)}
        result = run_shell(command, cwd, step_env)
        assert result.returncode == 0, f"step {step.get('name', command)!r} failed:\n{result.stdout}\n{result.stderr}"
        for line in github_env.read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition("=")
            base[name] = value
        ran.append(command)
    github_env.unlink()
    return ran


def run_gitlab_job(config: dict, job: str, cwd: Path, env: dict[str, str]) -> list[str]:
    variables = {k: str(v).replace("$CI_PROJECT_DIR", str(cwd)) for k, v in (config.get("variables") or {}).items()}
    job_env = {**env, **variables, "CI_PROJECT_DIR": str(cwd)}
    # A job's own variables, with $NAME expanded from the others as GitLab does.
    for name, value in (config[job].get("variables") or {}).items():
        job_env[name] = re.sub(r"\$\{?(\w+)\}?", lambda m: job_env.get(m.group(1), ""), str(value))
    for command in config[job]["script"]:
        result = run_shell(command, cwd, job_env)
        assert result.returncode == 0, f"{command!r} failed:\n{result.stdout}\n{result.stderr}"
    return list(config[job]["script"])

"""Helpers for the tests: write statement files into a tmp dir, build sites and statements.

Not a test module (no `test_` prefix): tests import it as `statements`.
"""
from __future__ import annotations

import shutil
import textwrap
from datetime import datetime
from pathlib import Path

from generator.model import Department, Group, Site, Statement, Text, Window
from generator.read import read_site

REPO = Path(__file__).resolve().parent.parent
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


def copy_example(dest: Path) -> Path:
    """A copy of the example site (mkdocs.yml, updates/, docs/) in `dest`; returns its mkdocs.yml."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(EXAMPLE_CONFIG, dest / "mkdocs.yml")
    shutil.copytree(REPO / "updates", dest / "updates")
    shutil.copytree(REPO / "docs", dest / "docs")
    return dest / "mkdocs.yml"

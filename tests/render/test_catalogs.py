"""The gettext catalogs: every UI string, translated in every language, usable at run time.

The template is extracted afresh from the code with the documented pybabel command,
so a string added to a module or template fails here until every catalog has it
(run `python3 tools/update_catalogs.py`, then translate what it lists).
"""
from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from generator.render.i18n import STATUS_LABELS, Language, catalog_languages
from helpers import REPO

LOCALE_DIR = REPO / "generator" / "locale"
DOMAIN = "statuspress"
ZONE = "Europe/Brussels"
REQUIRED = {
    # The EU's 24 official languages ...
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr",
    "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
    # ... and the languages of large communities in the EU.
    "ar", "tr", "uk",
}
# %(name)s for templates (`| format(...)`), {name} for str.format in the modules.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr%]|\{\w*\}")

LANGUAGES = sorted(p.name for p in LOCALE_DIR.iterdir()
                   if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()) if LOCALE_DIR.is_dir() else []


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Catalog:
    """Our strings, extracted now, exactly as the documented command does."""
    output = tmp_path_factory.mktemp("pot") / f"{DOMAIN}.pot"
    result = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "N_", "-k", "gettext", "-k", "ngettext:1,2", "-o", str(output), "generator/"],
        cwd=REPO, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    with output.open("rb") as fp:
        return read_po(fp)


def load(lang: str) -> Catalog:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as fp:
        return read_po(fp, locale=lang, domain=DOMAIN)


def msgids(catalog: Catalog) -> list:
    return [message.id for message in catalog if message.id]


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_extraction_finds_the_template_and_module_strings(template):
    ids = set(msgids(template))
    # Templates (jinja2 extractor), with and without `| format` placeholders ...
    assert {"Departments", "Last updated: %(time)s", "From %(start)s to %(end)s"} <= ids
    # ... and Python modules: N_() constants and lang.gettext() calls.
    assert {"Operating normally", "Slower than usual", "Reduced capacity", "Not operating",
            "Planned closure", "Printed on", "History"} <= ids


def test_the_committed_template_is_current(template):
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("rb") as fp:
        committed = read_po(fp)
    assert set(msgids(committed)) == set(msgids(template)), \
        "generator/locale/statuspress.pot is stale: run python3 tools/update_catalogs.py"


def test_at_least_the_27_languages():
    assert len(LANGUAGES) >= 27
    assert REQUIRED <= set(LANGUAGES), f"missing catalogs: {sorted(REQUIRED - set(LANGUAGES))}"
    assert set(catalog_languages()) == set(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_is_translated(lang, template):
    catalog = load(lang)
    assert not catalog.fuzzy, f"{lang}: the header is marked fuzzy"
    problems = []
    for msgid in msgids(template):
        message = catalog.get(msgid)
        if message is None:
            problems.append(f"missing: {msgid!r}")
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        if isinstance(msgid, (list, tuple)) and len(strings) != catalog.num_plurals:
            problems.append(f"{len(strings)} plural forms, not {catalog.num_plurals}: {msgid!r}")
        if not all(s and s.strip() for s in strings):
            problems.append(f"untranslated: {msgid!r}")
    assert not problems, f"{lang} (run python3 tools/update_catalogs.py):\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_kept(lang):
    catalog = load(lang)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        expected = placeholders(ids[0]) | placeholders(ids[-1])
        for string in strings:
            if string and placeholders(string) != expected:
                problems.append(f"{message.id!r}: {sorted(placeholders(string))} != {sorted(expected)}")
    problems += [f"{message.id!r}: {error}" for message, errors in catalog.check() for error in errors]
    assert not problems, f"{lang}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalog_compiles_and_is_used(lang, template):
    catalog = load(lang)
    write_mo(io.BytesIO(), catalog, use_fuzzy=False)
    language = Language(lang, ZONE)
    for msgid in msgids(template):
        message = catalog.get(msgid)
        if isinstance(msgid, str) and message is not None and message.string and not message.fuzzy:
            assert language.gettext(msgid) == message.string, msgid


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang.split("_")[0] != "en"])
def test_status_words_are_translated(lang):
    language = Language(lang, ZONE)
    assert language.status("offline") != "Not operating"
    assert language.status("offline") == load(lang).get("Not operating").string
    for status, english in STATUS_LABELS.items():
        assert language.status(status) != english, f"{lang}: {status}"


def test_arabic_is_right_to_left():
    assert Language("ar", ZONE).rtl
    assert Language("ar", ZONE).direction == "rtl"
    assert not Language("fr", ZONE).rtl


def test_french_puts_a_narrow_no_break_space_before_high_punctuation():
    """French typography: `:` `;` `!` `?` follow a narrow no-break space (U+202F), never a plain
    space or nothing, so that they are neither glued to the word nor left alone at a line's start."""
    wrong = []
    for message in load("fr"):
        if not message.id:
            continue
        for text in (message.string if isinstance(message.string, tuple) else (message.string,)):
            # A colon inside a URL or a time (13:30) is no punctuation.
            for match in re.finditer(r"(.)([:;!?])(?=\s|$)", text or ""):
                if match[1] != "\u202f":
                    wrong.append(f"{message.id!r}: {text!r}")
    assert not wrong, "\n".join(wrong)

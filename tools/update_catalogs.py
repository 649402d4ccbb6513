#!/usr/bin/env python3
"""Re-extract statuspress's UI strings and bring every language's catalog up to date.

    python3 tools/update_catalogs.py              # extract, update every catalog, report
    python3 tools/update_catalogs.py --init xx    # also start a catalog for a new language
    python3 tools/update_catalogs.py --check      # exit 1 if a string misses a translation

Extraction is exactly the documented command, run from the repository root:

    pybabel extract -F babel.cfg -k N_ -k gettext -k ngettext:1,2 \\
        -o generator/locale/statuspress.pot generator/

Then every `generator/locale/<lang>/LC_MESSAGES/statuspress.po` is merged with the
template (like `pybabel update`): new strings appear untranslated, changed ones as
fuzzy (the runtime ignores fuzzy entries, so they count as missing), removed ones
are dropped. Locations are kept without line numbers, and a file is rewritten only
when its messages change, so unrelated edits to the code leave the catalogs alone.
Translate the missing strings in the .po files; nothing needs compiling.
"""
from __future__ import annotations

import argparse
import io
import os
import re
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parents[1]
LOCALE_DIR = REPO / "generator" / "locale"
DOMAIN = "statuspress"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
KEYWORDS = ("N_", "gettext", "ngettext:1,2")
# Header lines that change on every run without any message changing.
VOLATILE = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date|Generated-By): .*\\n"\n', re.MULTILINE)


def extract_command(output: Path | str) -> list[str]:
    """The pybabel arguments that extract our strings; run from the repository root."""
    args = ["pybabel", "-q", "extract", "-F", "babel.cfg"]
    for keyword in KEYWORDS:
        args += ["-k", keyword]
    args += ["--add-location=file", "--project=statuspress", "--copyright-holder=statuspress contributors",
             "-o", str(output), "generator/"]
    return args


def extract() -> bytes:
    """A fresh .pot of every marked string in the Python modules and the templates."""
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / f"{DOMAIN}.pot"
        cwd = os.getcwd()
        os.chdir(REPO)
        try:
            CommandLineInterface().run(extract_command(output))
        finally:
            os.chdir(cwd)
        return output.read_bytes()


def serialize(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, include_lineno=False, ignore_obsolete=True)
    return buffer.getvalue()


def save(path: Path, content: bytes) -> bool:
    """Writes `content` unless only the volatile header lines differ; True when written."""
    if path.exists() and VOLATILE.sub(b"", path.read_bytes()) == VOLATILE.sub(b"", content):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return True


def languages() -> list[str]:
    return sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def missing(catalog: Catalog) -> list[str]:
    """The msgids of `catalog` without a usable translation (empty or fuzzy)."""
    result = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy or not all(strings):
            result.append(message.id[0] if isinstance(message.id, (list, tuple)) else message.id)
    return result


def init(lang: str, template_bytes: bytes) -> None:
    Locale.parse(lang)  # refuse codes Babel does not know: dates and plurals come from it
    catalog = read_po(io.BytesIO(template_bytes), locale=lang, domain=DOMAIN)
    catalog.revision_date = datetime.now(timezone.utc)
    catalog.fuzzy = False
    catalog_path(lang).parent.mkdir(parents=True, exist_ok=True)
    catalog_path(lang).write_bytes(serialize(catalog))


def update(lang: str, template: Catalog) -> Catalog:
    path = catalog_path(lang)
    with path.open("rb") as fp:
        catalog = read_po(fp, locale=lang, domain=DOMAIN)
    catalog.update(template, keep_user_comments=True)
    save(path, serialize(catalog))
    return catalog


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--init", nargs="+", default=[], metavar="LANG",
                        help="start catalogs for these languages (Babel codes such as pt or pt_BR)")
    parser.add_argument("--check", action="store_true", help="exit 1 if any string misses a translation")
    options = parser.parse_args(argv)

    template_bytes = extract()
    wrote = save(TEMPLATE, template_bytes)
    template = read_po(io.BytesIO(template_bytes))
    count = sum(1 for message in template if message.id)
    print(f"{TEMPLATE.relative_to(REPO)}: {count} strings{' (updated)' if wrote else ''}")

    for lang in options.init:
        if catalog_path(lang).exists():
            print(f"{lang}: already exists, updated instead")
        else:
            init(lang, template_bytes)

    total = 0
    for lang in languages():
        lacking = missing(update(lang, template))
        total += len(lacking)
        print(f"{lang:6} {len(lacking):3} missing" + (": " + "; ".join(map(repr, lacking[:5])) if lacking else "")
              + (" ..." if len(lacking) > 5 else ""))
    print(f"{len(languages())} languages, {total} missing translations in all")
    return 1 if options.check and total else 0


if __name__ == "__main__":
    sys.exit(main())

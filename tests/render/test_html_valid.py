"""Every page type in every language, right-to-left included, is valid HTML for the Nu HTML checker.

The checker is the `vnu` fixture (conftest.py): vnu-jar from npm, run offline with Java.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from helpers import copy_example, mkdocs_build

WHEN = "2026-01-14T15:13:00+01:00"  # during the crisis: every kind of block is on the pages


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The example site with Arabic added, so that right-to-left pages are checked too."""
    folder = tmp_path_factory.mktemp("valid")
    result = mkdocs_build(copy_example(folder, ("ar",)), folder / "site", WHEN)
    assert result.returncode == 0, result.stderr
    return folder / "site"


def page_of_each_kind(site: Path) -> list[Path]:
    pages = []
    for prefix in ("", "fr/", "en/", "ar/"):
        root = site / prefix
        pages += [root / "index.html", root / "history" / "index.html", root / "subscribe" / "index.html",
                  root / "404.html"]
        if prefix != "ar/":  # hand-written pages exist in nl, fr and en only
            pages.append(root / "about" / "index.html")
        for folder in ("incidents", "updates", "departments"):
            found = sorted((root / folder).glob("*/index.html"))
            assert found, f"no page under /{prefix}{folder}/"
            pages.append(max(found, key=lambda p: p.stat().st_size))  # the most markup
    missing = [str(p) for p in pages if not p.exists()]
    assert not missing, missing
    return pages


def test_no_errors_from_the_nu_html_checker(vnu, built):
    pages = page_of_each_kind(built)
    result = subprocess.run(["java", "-jar", str(vnu), "--errors-only", "--format", "json", *map(str, pages)],
                            capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [f"{Path(m.get('url', '')).as_posix().split('/site/')[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    assert not errors, f"{len(errors)} errors in {len(pages)} pages:\n" + "\n".join(errors[:40])
    assert result.returncode == 0


def test_right_to_left_is_on_the_html_element(built):
    head = (built / "ar" / "index.html").read_text(encoding="utf-8")[:400]
    assert re.search(r'<html lang="ar" dir="rtl"', head), head
    assert re.search(r'<html lang="nl" dir="ltr"', (built / "index.html").read_text(encoding="utf-8")[:400])

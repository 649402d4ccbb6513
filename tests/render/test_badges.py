"""SVG badges: parsed back as XML; words, accessibility, and nothing loaded from elsewhere."""
from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET

import pytest

from generator.render import badges
from generator.render.i18n import STATUS_LABELS, Language
from helpers import ARABIC, OPTIONS, SITE_NAME, build

DUTCH = Language("nl", "Europe/Brussels")

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    snapshot, languages = build(tmp_path_factory.mktemp("badges"))
    return snapshot, languages, badges.files(snapshot, languages)


def parse(data: bytes) -> ET.Element:
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    return root


def test_a_badge_per_department_and_one_overall(built):
    _, _, files = built
    assert set(files) == {f"badges/{dept}.svg" for dept in OPTIONS["departments"]} | {"badges/status.svg"}


@pytest.mark.parametrize("dept, name, status", [
    ("emergency", "Spoedgevallen", "offline"),
    ("registration", "Inschrijving", "degraded"),
    ("pharmacy", "Apotheek", "maintenance"),
    ("radiology", "Radiologie", "operational"),
])
def test_badge_says_the_status_in_words(built, dept, name, status):
    _, _, files = built
    words = f"{name}: {DUTCH.status(status)}"  # badges speak the default language
    assert DUTCH.status(status) != STATUS_LABELS[status], "the Dutch catalog translates it"
    root = parse(files[f"badges/{dept}.svg"])
    assert root.get("role") == "img"
    assert root.get("aria-label") == words
    assert root.findtext(f"{SVG}title") == words
    drawn = [t.text for t in root.iter(f"{SVG}text")]
    assert words.split(": ")[0] in drawn and words.split(": ")[1] in drawn


def test_colour_follows_the_status(built):
    _, _, files = built
    fills = {dept: {r.get("fill") for r in parse(files[f"badges/{dept}.svg"]).iter(f"{SVG}rect")}
             for dept in ("emergency", "radiology", "pharmacy")}
    assert badges.COLOURS["offline"] in fills["emergency"]
    assert badges.COLOURS["operational"] in fills["radiology"]
    assert badges.COLOURS["maintenance"] in fills["pharmacy"]


def test_overall_badge(built):
    _, _, files = built
    root = parse(files["badges/status.svg"])
    assert root.findtext(f"{SVG}title") == f"{SITE_NAME}: {DUTCH.gettext(badges.OVERALL_MESSAGES['offline'])}"


def test_self_contained(built):
    _, _, files = built
    for path, data in files.items():
        text = data.decode("utf-8")
        assert re.findall(r"https?://[^\"' ]+", text) == ["http://www.w3.org/2000/svg"], path
        assert "href" not in text and "@import" not in text and "@font-face" not in text and "<image" not in text
        assert 'font-family="Verdana,DejaVu Sans,sans-serif"' in text


def test_width_leaves_room_for_the_words(built):
    _, _, files = built
    root = parse(files["badges/emergency.svg"])
    label, message = root.findtext(f"{SVG}title").split(": ")
    assert int(root.get("width")) >= 7 * (len(label) + len(message))


def test_escaping_and_right_to_left_names(tmp_path):
    options = copy.deepcopy(OPTIONS)
    options["departments"]["lab"]["name"]["nl"] = f'Labo "A" <B> & C 🧪 {ARABIC}'
    snapshot, languages = build(tmp_path, options=options)
    root = parse(badges.files(snapshot, languages)["badges/lab.svg"])
    assert root.findtext(f"{SVG}title") == f'Labo "A" <B> & C 🧪 {ARABIC}: {DUTCH.status("operational")}'
    assert root.get("aria-label") == root.findtext(f"{SVG}title")


def test_same_input_same_bytes(built):
    snapshot, languages, files = built
    assert badges.files(snapshot, languages) == files

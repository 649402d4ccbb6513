"""Status badges: `badges/<dept>.svg` per department and `badges/status.svg`, default language.

A shields.io-style flat badge ("Emergency department | Reduced capacity") that
other sites embed with <img>. The words carry the meaning (the colour only
repeats it), it is self-contained (no fonts, images or links to other hosts),
and every text is escaped by ElementTree, never pasted into markup.
"""
from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET

from ..compute.status import Snapshot
from . import urls
from .text import clean_line
from .i18n import N_, Language

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "Verdana,DejaVu Sans,sans-serif"
LABEL_COLOUR = "#555"
# Each keeps white text above WCAG's 4.5:1 contrast.
COLOURS = {
    "operational": "#2e7d32",
    "degraded": "#8d6e00",
    "reduced": "#b5460f",
    "offline": "#b71c1c",
    "maintenance": "#1565c0",
}
# The overall badge speaks of the site, not of one department.
OVERALL_MESSAGES = {
    "operational": N_("All operating normally"),
    "maintenance": N_("Planned closures"),
    "degraded": N_("Some slower than usual"),
    "reduced": N_("Some at reduced capacity"),
    "offline": N_("Some not operating"),
}


def files(snapshot: Snapshot, languages: dict[str, Language]) -> dict[str, bytes]:
    site = snapshot.site
    lang = languages[site.default_language]
    result = {}
    for dept, state in snapshot.departments.items():
        label = site.department_name(dept, lang.code)
        result[urls.badge(dept)] = badge(label, lang.status(state.status), COLOURS[state.status])
    overall = snapshot.overall
    result[urls.badge()] = badge(site.name, lang.gettext(OVERALL_MESSAGES[overall]), COLOURS[overall])
    return result


def text_width(text: str) -> int:
    """An estimate of `text`'s width in pixels at 11px Verdana: no font metrics to hand, and none needed."""
    return sum(12 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 7
               for c in text)


def badge(label: str, message: str, colour: str) -> bytes:
    label, message = clean_line(label), clean_line(message)
    label_width = text_width(label) + 10
    message_width = text_width(message) + 10
    width = label_width + message_width
    spoken = f"{label}: {message}"

    svg = ET.Element("svg", {"xmlns": SVG_NS, "width": str(width), "height": "20",
                             "viewBox": f"0 0 {width} 20", "role": "img", "aria-label": spoken})
    ET.SubElement(svg, "title").text = spoken
    gradient = ET.SubElement(svg, "linearGradient", {"id": "s", "x2": "0", "y2": "100%"})
    ET.SubElement(gradient, "stop", {"offset": "0", "stop-color": "#bbb", "stop-opacity": ".1"})
    ET.SubElement(gradient, "stop", {"offset": "1", "stop-opacity": ".1"})
    clip = ET.SubElement(svg, "clipPath", {"id": "r"})
    ET.SubElement(clip, "rect", {"width": str(width), "height": "20", "rx": "3", "fill": "#fff"})
    shapes = ET.SubElement(svg, "g", {"clip-path": "url(#r)"})
    ET.SubElement(shapes, "rect", {"width": str(label_width), "height": "20", "fill": LABEL_COLOUR})
    ET.SubElement(shapes, "rect", {"x": str(label_width), "width": str(message_width), "height": "20",
                                   "fill": colour})
    ET.SubElement(shapes, "rect", {"width": str(width), "height": "20", "fill": "url(#s)"})
    # The words are in <title>/aria-label already: screen readers skip the drawn text.
    words = ET.SubElement(svg, "g", {"fill": "#fff", "text-anchor": "middle", "font-family": FONT,
                                     "font-size": "11", "aria-hidden": "true"})
    for centre, text in ((label_width / 2, label), (label_width + message_width / 2, message)):
        x = f"{centre:g}"
        ET.SubElement(words, "text", {"x": x, "y": "15", "fill": "#010101", "fill-opacity": ".3"}).text = text
        ET.SubElement(words, "text", {"x": x, "y": "14"}).text = text
    return ET.tostring(svg, encoding="unicode").encode("utf-8")

"""Status shapes (Material Design Icons, Apache-2.0), so status is never told by colour alone.

The shapes are drawn once, in one file of symbols (`SPRITE`) that a browser caches; each use
in a page is a reference to its symbol. A department page shows a hundred statuses and an
incident page dozens: the shapes inline were a fifth of their weight.
"""
from __future__ import annotations

from html import escape

SPRITE = "assets/statuspress-icons.svg"

_PATHS = {
    "operational": "M12 2C6.5 2 2 6.5 2 12s4.5 10 10 10 10-4.5 10-10S17.5 2 12 2m-2 15-5-5 1.41-1.41L10 14.17l7.59-7.59L19 8z",
    "degraded": "M13 14h-2V9h2m0 9h-2v-2h2M1 21h22L12 2z",
    "reduced": "M17 13H7v-2h10m-5-9A10 10 0 0 0 2 12a10 10 0 0 0 10 10 10 10 0 0 0 10-10A10 10 0 0 0 12 2",
    "offline": "M8.27 3 3 8.27v7.46L8.27 21h7.46L21 15.73V8.27L15.73 3M8.41 7 12 10.59 15.59 7 17 8.41 13.41 12 17 15.59 15.59 17 12 13.41 8.41 17 7 15.59 10.59 12 7 8.41",
    "maintenance": "M19 19H5V8h14m-3-7v2H8V1H6v2H5c-1.11 0-2 .89-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2h-1V1m-1 11h-5v5h5z",
    "rss": "M6.18 15.64a2.18 2.18 0 0 1 2.18 2.18C8.36 19 7.38 20 6.18 20 5 20 4 19 4 17.82a2.18 2.18 0 0 1 2.18-2.18M4 4.44A15.56 15.56 0 0 1 19.56 20h-2.83A12.73 12.73 0 0 0 4 7.27zm0 5.66a9.9 9.9 0 0 1 9.9 9.9h-2.83A7.07 7.07 0 0 0 4 12.93z",
    "phone": "M6.62 10.79c1.44 2.83 3.76 5.15 6.59 6.59l2.2-2.2c.28-.28.67-.36 1.02-.25 1.12.37 2.32.57 3.57.57a1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57.11.35.03.74-.25 1.02z",
}


def icon(name: str, sprite_url: str) -> str:
    """An SVG drawing the symbol `name` of the sprite at `sprite_url` (relative to the page),
    hidden from screen readers: the words next to it carry the meaning."""
    return (f'<svg class="sp-icon" width="20" height="20" aria-hidden="true">'
            f'<use href="{escape(sprite_url)}#{name}"/></svg>')


def files(snapshot=None, languages=None) -> dict[str, bytes]:
    """The sprite: one symbol per shape."""
    symbols = "".join(f'<symbol id="{name}" viewBox="0 0 24 24"><path d="{path}"/></symbol>'
                      for name, path in _PATHS.items())
    return {SPRITE: f'<svg xmlns="http://www.w3.org/2000/svg">{symbols}</svg>\n'.encode()}

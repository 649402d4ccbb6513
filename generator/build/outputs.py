"""Every non-page output (feeds, API, calendar, badges, the digest of what is published), as site path -> bytes."""
from __future__ import annotations

from ..compute import Snapshot
from ..render import api, badges, calendar, cap, feeds, icons, published
from ..render.i18n import Language

RENDERERS = (feeds, api, calendar, badges, icons, cap, published)


def render_outputs(snapshot: Snapshot, languages: dict[str, Language]) -> dict[str, bytes]:
    produced: dict[str, bytes] = {}
    for renderer in RENDERERS:
        produced.update(renderer.files(snapshot, languages))
    return produced

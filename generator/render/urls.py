"""Where each output lives, per language. One place, so pages, feeds and API agree."""
from __future__ import annotations

from ..model import Site


def overview(site: Site, lang: str) -> str:
    return site.prefix(lang)


def incident(site: Site, lang: str, incident_id: str) -> str:
    return f"{site.prefix(lang)}incidents/{incident_id}/"


def update(site: Site, lang: str, statement_id: str) -> str:
    return f"{site.prefix(lang)}updates/{statement_id}/"


def department(site: Site, lang: str, dept: str) -> str:
    return f"{site.prefix(lang)}departments/{dept}/"


def history(site: Site, lang: str) -> str:
    return f"{site.prefix(lang)}history/"


def history_month(site: Site, lang: str, month: str) -> str:
    """The page listing what began in `month` ("YYYY-MM", site time zone) and is older than history shows."""
    return f"{site.prefix(lang)}history/{month}/"


def feed(site: Site, lang: str, kind: str = "rss", dept: str | None = None) -> str:
    base = department(site, lang, dept) if dept else site.prefix(lang)
    return f"{base}{kind}.xml"


def calendar(site: Site, lang: str) -> str:
    return f"{site.prefix(lang)}planned.ics"


def badge(dept: str | None = None) -> str:
    return f"badges/{dept or 'status'}.svg"


def absolute(site: Site, path: str) -> str:
    """An absolute URL for a site path; the path itself (root-relative) when the site has no URL."""
    return f"{site.url}{path}" if site.url else f"/{path}"


def relative(from_path: str, to_path: str) -> str:
    """A link from the page at directory URL `from_path` to `to_path` (both site-relative)."""
    depth = from_path.count("/")
    return "../" * depth + to_path if (depth or to_path) else "./"


def subscribe(site: Site, lang: str) -> str:
    return f"{site.prefix(lang)}subscribe/"

"""The HTML content of every status page, in every language.

Produces each page's main content only; the MkDocs glue places it inside the
Material theme. Links between our pages are relative, so the site works from
any host, path or CDN.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
from babel.dates import get_timezone_location
from markupsafe import Markup

from ..compute import Snapshot
from ..model import Site
from . import urls
from .i18n import Language
from .icons import icon
from .markdown import render_markdown
from .text import clean, clean_line

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=None)
def _language_name(code: str) -> str:
    return Language(code, "UTC").name


@dataclass(frozen=True)
class RenderedPage:
    path: str  # site-relative directory URL, such as "fr/incidents/x/" ("" for the default overview)
    lang: str
    kind: str  # overview | incident | update | department | history
    key: str  # what the page is about, the same in every language (an id, or the kind)
    title: str  # plain text
    html: str

    @property
    def src_uri(self) -> str:
        """The Markdown file MkDocs is told this page comes from."""
        return f"{self.path}index.md"


def _printable(value):
    """What a template prints, without controls, noncharacters or bidi overrides (see text.py);
    markup stays markup, so it is not escaped a second time."""
    if isinstance(value, Markup):
        return Markup(clean(str(value)))
    return clean(value) if isinstance(value, str) else value


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        finalize=_printable,
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
    )
    return env


class PageRenderer:
    """Renders the pages of one language."""

    def __init__(self, snapshot: Snapshot, lang: Language, env: jinja2.Environment):
        self.snapshot = snapshot
        self.site: Site = snapshot.site
        self.lang = lang
        self.env = env

    def _render(self, template: str, path: str, kind: str, key: str, title: str, **context) -> RenderedPage:
        self.env.install_gettext_translations(self.lang.translations, newstyle=False)
        html = self.env.get_template(template).render(
            site=self.site,
            snapshot=self.snapshot,
            lang=self.lang,
            urls=urls,
            icon=icon,
            markdown=render_markdown,
            language_name=_language_name,
            url=lambda target: urls.relative(path, target),
            title=title,
            **context,
        )
        return RenderedPage(path=path, lang=self.lang.code, kind=kind, key=key, title=clean_line(title), html=html)

    def overview(self) -> RenderedPage:
        site, snapshot = self.site, self.snapshot
        grouped = [(group, [d for d in site.departments.values() if d.group == group.id])
                   for group in site.groups.values()]
        grouped = [(g, depts) for g, depts in grouped if depts]
        ungrouped = [d for d in site.departments.values() if d.group is None]
        if ungrouped:
            grouped.append((None, ungrouped))
        notices = [s for s in reversed(snapshot.notices)][:3]
        return self._render("overview.html", urls.overview(site, self.lang.code), "overview", "overview",
                            site.name, grouped_departments=grouped, notices=notices,
                            zone_name=get_timezone_location(self.lang.zone, locale=self.lang.locale))

    def incidents(self):
        for group in [*self.snapshot.incidents.values(), *self.snapshot.closures.values()]:
            holds = group.holds_at(self.snapshot.now)
            yield self._render("incident.html", urls.incident(self.site, self.lang.code, group.id), "incident",
                               group.id, group.title(self.lang.code), group=group, holds=holds)

    def updates(self):
        for statement in self.snapshot.statements:
            text = statement.text(self.lang.code)
            notes = list(dict.fromkeys([*statement.texts[statement.default_language].notes, *text.notes]))
            yield self._render("update.html", urls.update(self.site, self.lang.code, statement.id), "update",
                               statement.id, text.title, statement=statement,
                               group=self.snapshot.group_of(statement), notes=notes)

    def departments(self):
        for dept in self.site.departments.values():
            history = list(reversed(self.snapshot.mentioning(dept.id)))
            yield self._render("department.html", urls.department(self.site, self.lang.code, dept.id),
                               "department", dept.id, self.site.department_name(dept.id, self.lang.code),
                               dept=dept, history=history)

    def history(self) -> RenderedPage:
        groups = sorted([*self.snapshot.incidents.values(), *self.snapshot.closures.values()],
                        key=lambda g: g.first.sort_key, reverse=True)
        notices = list(reversed(self.snapshot.notices))
        return self._render("history.html", urls.history(self.site, self.lang.code), "history", "history",
                            self.lang.gettext("History"), groups=groups, notices=notices)

    def all(self) -> list[RenderedPage]:
        return [self.overview(), self.history(), *self.incidents(), *self.updates(), *self.departments()]


def render_pages(snapshot: Snapshot, languages: dict[str, Language]) -> list[RenderedPage]:
    """Every status page in every language."""
    env = _environment()
    pages = []
    for code in snapshot.site.languages:
        pages.extend(PageRenderer(snapshot, languages[code], env).all())
    return pages

"""The HTML content of every status page, in every language.

Produces each page's main content only; the MkDocs glue places it inside the
Material theme. Links between our pages are relative, so the site works from
any host, path or CDN.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, lru_cache, partial
from pathlib import Path

import jinja2
from babel.dates import format_skeleton, get_timezone_location
from markupsafe import Markup

from ..compute import Snapshot
from ..compute.history import Day, strips
from ..model import Site
from . import urls
from .i18n import Language
from .icons import icon
from .markdown import render_markdown
from .text import clean, clean_line

TEMPLATES = Path(__file__).resolve().parent / "templates"


OVERVIEW_DAYS = 30
DEPARTMENT_DAYS = 90
# Statements listed one by one on a department page; older ones are counted per month, so that
# the page stays readable (and the site's size linear) however long the history grows.
DEPARTMENT_STATEMENTS = 50


@lru_cache(maxsize=None)
def _language_name(code: str) -> str:
    return Language(code, "UTC").name


@lru_cache(maxsize=None)
def _direction(code: str) -> str:
    return Language(code, "UTC").direction


@dataclass(frozen=True)
class RenderedPage:
    path: str  # site-relative directory URL, such as "fr/incidents/x/" ("" for the default overview)
    lang: str
    kind: str  # overview | incident | update | department | history
    key: str  # what the page is about, the same in every language (an id, or the kind)
    title: str  # plain text
    html: str
    description: str = ""  # plain text: what a shared link says about the page
    jsonld: str = ""  # schema.org data for search engines, JSON (incident and statement pages)

    @property
    def src_uri(self) -> str:
        """The Markdown file MkDocs is told this page comes from."""
        return f"{self.path}index.md"


@lru_cache(maxsize=16384)
def _clean_short(text: str) -> str:
    return clean(text)


def _printable(value):
    """What a template prints, without controls, noncharacters or bidi overrides (see text.py);
    markup stays markup, so it is not escaped a second time."""
    if type(value) is str:
        # Names, dates and labels: the same few thousand strings, printed hundreds of thousands
        # of times in a large build.
        return _clean_short(value) if len(value) < 200 else clean(value)
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


@dataclass(frozen=True)
class PlannedPage:
    """A page's address and metadata (its `html` empty), and how to render its HTML when needed:
    a build holds every page's metadata, but only the page it is writing's HTML."""

    page: RenderedPage
    render: Callable[[], str]
    jsonld: Callable[[], str] = str  # made with the HTML: thousands of them need not wait in memory


class PageRenderer:
    """Renders the pages of one language."""

    def __init__(self, snapshot: Snapshot, lang: Language, env: jinja2.Environment,
                 history: dict[str, list[Day]] | Callable[[], dict[str, list[Day]]] | None = None):
        self.snapshot = snapshot
        self._strips = history if history is not None else {}
        self.site: Site = snapshot.site
        self.lang = lang
        self.env = env

    @property
    def strips(self) -> dict[str, list[Day]]:
        # Made on first use only: planning the pages does not need them.
        if callable(self._strips):
            self._strips = self._strips()
        return self._strips

    def _render(self, template: str, path: str, kind: str, key: str, title: str, description: str = "",
                jsonld: Callable[[], str] = str, **context) -> PlannedPage:
        page = RenderedPage(path=path, lang=self.lang.code, kind=kind, key=key, title=clean_line(title), html="",
                            description=clean_line(description or self.status_sentence()))
        return PlannedPage(page, partial(self._html, template, path, title, context), jsonld)

    def _html(self, template: str, path: str, title: str, context: dict) -> str:
        self.env.install_gettext_translations(self.lang.translations, newstyle=False)
        return self.env.get_template(template).render(
            site=self.site,
            snapshot=self.snapshot,
            lang=self.lang,
            urls=urls,
            icon=icon,
            markdown=render_markdown,
            language_name=_language_name,
            direction_of=_direction,
            days_of=self.strip,
            generated=self.snapshot.now,
            url=lambda target: urls.relative(path, target),
            title=title,
            **context,
        )

    def status_sentence(self) -> str:
        return self.lang.overall(self.snapshot.overall)

    def strip(self, dept: str, days: int) -> list[Day]:
        return self.strips.get(dept, [])[-days:]

    def announcement(self, path: str, name: str, text: str, posted, modified, departments) -> str:
        """schema.org SpecialAnnouncement: the vocabulary search engines read for closures of facilities."""
        site = self.site
        data = {
            "@context": "https://schema.org",
            "@type": "SpecialAnnouncement",
            "name": clean_line(name),
            "text": clean(text),
            "datePosted": posted.isoformat(),
            "dateModified": modified.isoformat(),
            "inLanguage": self.lang.code,
            "url": urls.absolute(site, path),
            "publisher": {"@type": "Organization", "name": site.organisation_name(self.lang.code)},
            "announcementLocation": [
                {"@type": "Hospital", "name": f"{site.organisation_name(self.lang.code)}: "
                                              f"{site.department_name(d, self.lang.code)}",
                 "url": urls.absolute(site, urls.department(site, self.lang.code, d))}
                for d in departments if d in site.departments],
        }
        # No "<" at all inside the <script> element the JSON sits in: neither "</script>" nor
        # "<!--" from a statement's title can then change how the page is parsed.
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

    def overview(self) -> PlannedPage:
        site, snapshot = self.site, self.snapshot
        grouped = [(group, [d for d in site.departments.values() if d.group == group.id])
                   for group in site.groups.values()]
        grouped = [(g, depts) for g, depts in grouped if depts]
        ungrouped = [d for d in site.departments.values() if d.group is None]
        if ungrouped:
            grouped.append((None, ungrouped))
        # Within each group the departments that are not operating normally come first.
        grouped = [(g, sorted(depts, key=lambda d: snapshot.departments[d.id].status == "operational"))
                   for g, depts in grouped]
        notices = [s for s in reversed(snapshot.notices)][:3]
        return self._render("overview.html", urls.overview(site, self.lang.code), "overview", "overview",
                            self.lang.gettext("Current status"), grouped_departments=grouped, notices=notices,
                            zone_name=self.zone_name(), days=OVERVIEW_DAYS)

    def zone_name(self) -> str:
        return get_timezone_location(self.lang.zone, locale=self.lang.locale)

    def subscribe(self) -> PlannedPage:
        return self._render("subscribe.html", urls.subscribe(self.site, self.lang.code), "subscribe", "subscribe",
                            self.lang.gettext("Subscribe"),
                            signup=self.site.localized(self.site.email_signup, self.lang.code)
                            if self.site.email_signup else None)

    def incidents(self):
        for group in [*self.snapshot.incidents.values(), *self.snapshot.closures.values()]:
            holds = group.holds_at(self.snapshot.now)
            path = urls.incident(self.site, self.lang.code, group.id)
            latest = group.latest.text(self.lang.code)
            text = latest.summary or latest.title
            jsonld = partial(self.announcement, path, group.title(self.lang.code), text, group.first.date,
                             group.latest.date, list(group.departments))
            yield self._render("incident.html", path, "incident", group.id, group.title(self.lang.code),
                               description=text, jsonld=jsonld, group=group, holds=holds)

    def updates(self):
        for statement in self.snapshot.statements:
            text = statement.text(self.lang.code)
            notes = list(dict.fromkeys([*statement.texts[statement.default_language].notes, *text.notes]))
            path = urls.update(self.site, self.lang.code, statement.id)
            jsonld = partial(self.announcement, path, text.title, text.summary or text.title, statement.date,
                             statement.date, list(statement.departments))
            yield self._render("update.html", path, "update",
                               statement.id, text.title, description=text.summary or text.title, jsonld=jsonld,
                               statement=statement,
                               group=self.snapshot.group_of(statement), notes=notes)

    def departments(self):
        for dept in self.site.departments.values():
            history = list(reversed(self.snapshot.mentioning(dept.id)))
            history, earlier = history[:DEPARTMENT_STATEMENTS], self.by_month(history[DEPARTMENT_STATEMENTS:])
            name = self.site.department_name(dept.id, self.lang.code)
            state = self.snapshot.departments[dept.id].status
            yield self._render("department.html", urls.department(self.site, self.lang.code, dept.id),
                               "department", dept.id, name, description=f"{name}: {self.lang.status(state)}",
                               dept=dept, history=history, earlier=earlier, days=DEPARTMENT_DAYS,
                               zone_name=self.zone_name())

    def by_month(self, statements) -> list[tuple[str, str, int]]:
        """(YYYY-MM, the month in words, how many) of statements given newest first."""
        months: dict[str, list] = {}
        for statement in statements:
            local = self.lang.local(statement.date)
            months.setdefault(f"{local:%Y-%m}", [local, 0])[1] += 1
        return [(key, format_skeleton("yMMMM", local, locale=self.lang.locale), count)
                for key, (local, count) in months.items()]

    def history(self) -> PlannedPage:
        groups = sorted([*self.snapshot.incidents.values(), *self.snapshot.closures.values()],
                        key=lambda g: g.first.sort_key, reverse=True)
        notices = list(reversed(self.snapshot.notices))
        return self._render("history.html", urls.history(self.site, self.lang.code), "history", "history",
                            self.lang.gettext("History"), groups=groups, notices=notices)

    def all(self) -> list[PlannedPage]:
        return [self.overview(), self.history(), self.subscribe(), *self.incidents(), *self.updates(),
                *self.departments()]


def plan_pages(snapshot: Snapshot, languages: dict[str, Language]) -> list[PlannedPage]:
    """Every status page in every language, in a fixed order, its HTML rendered on demand."""
    env = _environment()
    history = cache(lambda: strips(snapshot.site, snapshot.statements, snapshot.now,
                                   max(OVERVIEW_DAYS, DEPARTMENT_DAYS)))
    pages = []
    for code in snapshot.site.languages:
        pages.extend(PageRenderer(snapshot, languages[code], env, history).all())
    return pages


def render_pages(snapshot: Snapshot, languages: dict[str, Language]) -> list[RenderedPage]:
    """Every status page in every language, with its HTML."""
    return [replace(planned.page, html=planned.render(), jsonld=planned.jsonld())
            for planned in plan_pages(snapshot, languages)]

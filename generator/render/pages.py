"""The HTML content of every status page, in every language.

Produces each page's main content only; the MkDocs glue places it inside the
Material theme. Links between our pages are relative, so the site works from
any host, path or CDN.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache, cached_property, lru_cache, partial
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
from babel import Locale
from babel.dates import format_skeleton
from babel.lists import format_list
from markupsafe import Markup, escape

from ..compute import Snapshot
from ..compute.status import RECENT_DAYS
from ..compute.history import Day, strips
from ..model import SEVERITY, Site
from . import urls
from ..cache import template_cache
from .i18n import Language
from .icons import SPRITE, icon
from .markdown import render_markdown
from .phones import link_phones, link_phones_in_html
from .text import clean, clean_line, is_clean

TEMPLATES = Path(__file__).resolve().parent / "templates"


OVERVIEW_DAYS = 30
DEPARTMENT_DAYS = 90
# Statements listed one by one on a department page; older ones are counted per month, so that
# the page stays readable (and the site's size linear) however long the history grows.
DEPARTMENT_STATEMENTS = 50
# Incidents and planned closures listed on the history page, newest first, with the notices of the
# same span (at most as many); older ones are listed on a page per month, so that no history page
# grows with the whole history.
HISTORY_GROUPS = 30
HISTORY_NOTICES = 30


def information_line(site: Site):
    """The first advice item whose phone is not an emergency or short number (112, 1733).
    Asked by every page's stale-page notice: each number is judged once (phones.py; judging them
    again on each page was 1.4 s of 36 profiled at 1,000 statements x 3 languages)."""
    from .phones import is_phone_number

    for item in site.advice:
        if item.phone and is_phone_number(item.phone, site.region):
            return item
    return None


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
    kind: str  # overview | incident | update | department | history | history-month | subscribe
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
        # A macro's output is printed again by the template that calls it: once clean, it is
        # returned as it is, not copied twice over.
        text = str(value)  # a plain copy, whose size tells at once whether to look for astral characters
        return value if is_clean(text) else Markup(clean(text))
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
        # Templates are files of the package: no need to look at their dates for each of
        # thousands of renders.
        auto_reload=False,
        bytecode_cache=template_cache(),
    )
    return env


@dataclass(frozen=True)
class PlannedPage:
    """A page's address and metadata (its `html` empty), and how to render its HTML when needed:
    a build holds every page's metadata, but only the page it is writing's HTML."""

    page: RenderedPage
    render: Callable[[], str]
    jsonld: Callable[[], str] = str  # made with the HTML: thousands of them need not wait in memory


@dataclass(frozen=True)
class Archive:
    """Which history page lists each incident, planned closure and notice: the history page the
    newest, a page per month the older ones (the month an incident began, in the site's time
    zone). Language-independent, so every language has the same month pages."""

    groups: list  # on the history page, newest first
    notices: list
    months: dict[str, tuple[list, list]]  # "YYYY-MM" -> (groups, notices): newest month first, each newest first
    placed: dict[str, str]  # statement id -> the month whose page lists it; absent: the history page

    def month_of(self, statement) -> str | None:
        return self.placed.get(statement.id)


def archive(snapshot: Snapshot, groups_shown: int = HISTORY_GROUPS, notices_shown: int = HISTORY_NOTICES) -> Archive:
    groups = sorted([*snapshot.incidents.values(), *snapshot.closures.values()],
                    key=lambda g: g.first.sort_key, reverse=True)
    notices = sorted(snapshot.notices, key=lambda s: s.sort_key, reverse=True)
    # The span history shows starts at its oldest group or its oldest notice, whichever is newer:
    # neither list can outgrow its bound.
    bounds = []
    if len(groups) > groups_shown:
        bounds.append(groups[groups_shown - 1].first.sort_key)
    if len(notices) > notices_shown:
        bounds.append(notices[notices_shown - 1].sort_key)
    start = max(bounds, default=None)
    if start is None:
        return Archive(groups, notices, {}, {})
    zone = ZoneInfo(snapshot.site.timezone)
    months: dict[str, tuple[list, list]] = {}
    placed: dict[str, str] = {}
    for group in groups:
        if group.first.sort_key < start:
            key = f"{group.first.date.astimezone(zone):%Y-%m}"
            months.setdefault(key, ([], []))[0].append(group)
            placed.update(dict.fromkeys((s.id for s in group.statements), key))
    for notice in notices:
        if notice.sort_key < start:
            key = f"{notice.date.astimezone(zone):%Y-%m}"
            months.setdefault(key, ([], []))[1].append(notice)
            placed[notice.id] = key
    return Archive([g for g in groups if g.first.sort_key >= start], [n for n in notices if n.sort_key >= start],
                   dict(sorted(months.items(), reverse=True)), placed)


class PageRenderer:
    """Renders the pages of one language."""

    def __init__(self, snapshot: Snapshot, lang: Language, env: jinja2.Environment,
                 history: dict[str, list[Day]] | Callable[[], dict[str, list[Day]]] | None = None,
                 archived: Archive | None = None):
        self.snapshot = snapshot
        self.archive = archived if archived is not None else archive(snapshot)
        self._strips = history if history is not None else {}
        self.site: Site = snapshot.site
        self.lang = lang
        self.env = env
        self._statuses: dict[tuple[str, str, str], Markup] = {}
        self._times: dict[tuple, Markup] = {}

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
            icon=partial(icon, sprite_url=urls.relative(path, SPRITE)),
            status_html=partial(self.status_html, urls.relative(path, SPRITE)),
            time_html=self.time_html,
            moment_html=self.moment_html,
            short_html=self.short_html,
            markdown=self.markdown,
            phones=self.phones,
            info_phone=self.info_phone,
            language_name=_language_name,
            direction_of=_direction,
            days_of=self.strip,
            join=self.lang.join,
            ranges_of=self.bad_ranges,
            generated=self.snapshot.now,
            url=lambda target: urls.relative(path, target),
            title=title,
            **context,
        )

    def markdown(self, text: str) -> str:
        """A statement's body as page HTML: sanitized, its phone numbers as tel: links."""
        return link_phones_in_html(render_markdown(text), self.site.region)

    def phones(self, text: str) -> Markup:
        return link_phones(text, self.site.region)

    @property
    def info_phone(self):
        """The advice line a patient calls for information (not an emergency number such as 112),
        for the notice of a page that has stopped updating; None when the site has none."""
        return information_line(self.site)

    def status_html(self, sprite_url: str, value: str, tag: str = "span") -> Markup:
        """A status in words and shape: the same few on thousands of pages, made once each."""
        key = (sprite_url, value, tag)
        found = self._statuses.get(key)
        if found is None:
            found = self._statuses[key] = Markup(
                f'<{tag} class="sp-status sp-status--{escape(value)}">{icon(value, sprite_url)}'
                f'<span class="sp-status__text">{escape(self.lang.status(value))}</span></{tag}>')
        return found

    def time_html(self, when: datetime) -> Markup:
        """A moment as `<time>`, in words of this language: a function, not a template macro,
        because pages print thousands of them, many the same (a macro call costs more than
        formatting)."""
        key = (when, when.utcoffset())  # equal moments in other zones are written otherwise
        found = self._times.get(key)
        if found is None:
            found = self._times[key] = Markup('<time datetime="{}">{}</time>').format(
                clean(when.isoformat()), clean(self.lang.datetime(when)))
        return found

    def moment_html(self, when: datetime) -> Markup:
        """A moment as `<time>`, short: the time alone on the day of the build ("14:00"), else a
        short date and time."""
        same_day = self.lang.local(when).date() == self.lang.local(self.snapshot.now).date()
        text = self.lang.time(when) if same_day else self.lang.short_datetime(when)
        return Markup('<time datetime="{}">{}</time>').format(clean(when.isoformat()), clean(text))

    def short_html(self, when: datetime) -> Markup:
        """A moment as `<time>`, with a short date ("14 jan. 15:13", the year when not the build's):
        always with its date, as a page read the next day must not pass yesterday's time for today's."""
        return Markup('<time datetime="{}">{}</time>').format(
            clean(when.isoformat()), clean(self.lang.compact_datetime(when, self.snapshot.now)))

    def status_sentence(self) -> str:
        return self.lang.overall(self.snapshot.overall)

    def strip(self, dept: str, days: int) -> list[Day]:
        return self.strips.get(dept, [])[-days:]

    def bad_ranges(self, dept: str, days: int) -> list[tuple[str, str, str, tuple[str, ...]]]:
        """A department's days with trouble as ranges, newest first: (the days in words, the first
        day's ISO date, the status, the incidents behind it), consecutive days with the same status and
        incidents forming one range ("13–15 januari"), so that 39 bad days are a few lines, not 39."""
        found = self.strip(dept, days)
        runs: list[list[Day]] = []
        for day in found:
            if day.status == "operational":
                continue
            last = runs[-1][-1] if runs else None
            if last and (day.day - last.day).days == 1 and (day.status, day.holders) == (last.status, last.holders):
                runs[-1].append(day)
            else:
                runs.append([day])
        year = found[-1].day.year if found else 0
        return [(self.lang.day_range(run[0].day, run[-1].day, year), run[0].day.isoformat(), run[0].status,
                 run[0].holders) for run in reversed(runs)]

    def announcement(self, path: str, name: str, text: str, posted, modified, departments) -> str:
        """schema.org SpecialAnnouncement: the vocabulary search engines read for closures of facilities."""
        site = self.site
        data = {
            "@context": "https://schema.org",
            "@type": "SpecialAnnouncement",
            "name": clean_line(name),
            "text": clean(text),
            "datePosted": posted.isoformat(),
            # Only a correction's: the same date twice was 48 bytes on each of thousands of pages.
            **({"dateModified": modified.isoformat()} if modified != posted else {}),
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

    def keys(self) -> list[tuple[str, str]]:
        """(kind, key) of every page of this language, in `all`'s order; the same in every language."""
        snapshot = self.snapshot
        return [("overview", "overview"), ("history", "history"),
                *(("history-month", month) for month in self.archive.months), ("subscribe", "subscribe"),
                *(("incident", gid) for gid in [*snapshot.incidents, *snapshot.closures]),
                *(("update", statement.id) for statement in snapshot.statements),
                *(("department", dept) for dept in self.site.departments)]

    def path_of(self, kind: str, key: str) -> str:
        """The address of the page of `kind` about `key` in this language."""
        site, code = self.site, self.lang.code
        if kind in ("overview", "history", "subscribe"):
            return getattr(urls, kind)(site, code)
        if kind == "history-month":
            return urls.history_month(site, code, key)
        return {"incident": urls.incident, "update": urls.update, "department": urls.department}[kind](site, code, key)

    def plan(self, kind: str, key: str) -> PlannedPage:
        """The page of `kind` about `key` (one of `keys`), alone: a preview plans the page it serves."""
        if kind in ("overview", "history", "subscribe"):
            return getattr(self, kind)()
        if kind == "history-month":
            return self.history_month(key)
        if kind == "incident":
            groups = self.snapshot.incidents if key in self.snapshot.incidents else self.snapshot.closures
            return self.incident(groups[key])
        if kind == "update":
            return self.update(self._statement_by_id[key])
        return self.department(self.site.departments[key])

    @cached_property
    def _statement_by_id(self) -> dict:
        return {statement.id: statement for statement in self.snapshot.statements}

    @cached_property
    def _month_keys(self) -> dict[str, int]:
        return {key: i for i, key in enumerate(self.archive.months)}  # newest first

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
        # Not expired, newest first; a bound keeps the first page light (history lists them all).
        notices = snapshot.current_notices[:10]
        # What the band names: every department not operating normally, by status, the worst first,
        # each status once ("Not operating: MUG, Planned procedures and Consultations"): one line per
        # department would push the advice off a 320 px phone's first screen on day 1 (nine named).
        affected: dict[str, list[str]] = {}
        for dept in site.departments.values():
            status = snapshot.departments[dept.id].status
            if status != "operational":
                affected.setdefault(status, []).append(dept.id)
        affected = sorted(affected.items(), key=lambda item: -SEVERITY[item[0]])
        return self._render("overview.html", self.path_of("overview", "overview"), "overview", "overview",
                            self.lang.gettext("Current status"), grouped_departments=grouped, notices=notices,
                            affected=affected,
                            zone_name=self.zone_name(), days=OVERVIEW_DAYS, recent_days=RECENT_DAYS)

    def zone_name(self) -> str:
        return self.lang.zone_location

    def subscribe(self) -> PlannedPage:
        return self._render("subscribe.html", self.path_of("subscribe", "subscribe"), "subscribe", "subscribe",
                            self.lang.gettext("Subscribe"),
                            signup=self.site.localized(self.site.email_signup, self.lang.code)
                            if self.site.email_signup else None, channels=self.channels())

    def channels(self) -> list[dict]:
        """The announce channels people can follow (those with a `follow` address), in words."""
        result = []
        for channel in self.site.announce:
            if not channel.follow:
                continue  # a private list (partner hospitals' webhooks): nothing to follow
            names = [Locale.parse(code.replace("-", "_")).get_display_name(self.lang.locale) or code
                     for code in channel.languages]
            result.append({"names": channel.name or {self.site.default_language: channel.id},
                           "url": self.site.localized(channel.follow, self.lang.code),
                           "languages": format_list(names, locale=self.lang.locale) if names else ""})
        return result

    def incident(self, group) -> PlannedPage:
        holds = group.holds_at(self.snapshot.now)
        affected = {dept: status for dept, status in holds.items() if status != "operational"}
        # A closure not yet begun has returned nothing to normal.
        back_to_normal = [] if group.kind == "planned" and group.state(self.snapshot.now) == "scheduled" \
            else [dept for dept in group.departments if dept not in affected]
        path = self.path_of("incident", group.id)
        latest = group.latest.text(self.lang.code)
        text = latest.summary or latest.title
        jsonld = partial(self.announcement, path, group.title(self.lang.code), text, group.first.date,
                         group.latest.date, list(group.departments))
        return self._render("incident.html", path, "incident", group.id, group.title(self.lang.code),
                            description=text, jsonld=jsonld, group=group, affected=affected,
                            back_to_normal=back_to_normal)

    def update(self, statement) -> PlannedPage:
        text = statement.text(self.lang.code)
        notes = list(dict.fromkeys([*statement.texts[statement.default_language].notes, *text.notes]))
        path = self.path_of("update", statement.id)
        jsonld = partial(self.announcement, path, text.title, text.summary or text.title, statement.date,
                         statement.date, list(statement.departments))
        return self._render("update.html", path, "update",
                            statement.id, text.title, description=text.summary or text.title, jsonld=jsonld,
                            statement=statement,
                            group=self.snapshot.group_of(statement), notes=notes)

    def department(self, dept) -> PlannedPage:
        history = list(reversed(self.snapshot.mentioning(dept.id)))
        history, earlier = history[:DEPARTMENT_STATEMENTS], self.by_month(history[DEPARTMENT_STATEMENTS:])
        name = self.site.department_name(dept.id, self.lang.code)
        state = self.snapshot.departments[dept.id].status
        return self._render("department.html", self.path_of("department", dept.id),
                            "department", dept.id, name, description=f"{name}: {self.lang.status(state)}",
                            dept=dept, history=history, earlier=earlier, days=DEPARTMENT_DAYS,
                            zone_name=self.zone_name())

    def by_month(self, statements) -> list[tuple[str, str, int, str]]:
        """(YYYY-MM, the month in words, how many, the history page listing them) of statements given
        newest first."""
        months: dict[str, list] = {}
        for statement in statements:
            months.setdefault(f"{self.lang.local(statement.date):%Y-%m}", []).append(statement)
        return [(key, self.month_name(key), len(listed), self.listing(key, listed)) for key, listed in months.items()]

    def listing(self, key: str, statements) -> str:
        """The history page that lists statements of month `key` (given newest first): that month's
        page when it lists any of them, else the one listing the newest (an incident is listed
        under the month it began, and the newest incidents on the history page itself)."""
        months = [self.archive.month_of(s) for s in statements]
        month = key if key in months else months[0]
        code = self.lang.code
        return urls.history_month(self.site, code, month) if month else urls.history(self.site, code)

    def month_name(self, key: str) -> str:
        """"2025-03" as the page's language writes a month on its own ("March 2025", "maart 2025")."""
        year, month = key.split("-")
        return format_skeleton("yMMMM", date(int(year), int(month), 1), locale=self.lang.locale)

    def history(self) -> PlannedPage:
        months = [(key, self.month_name(key), len(groups) + len(notices))
                  for key, (groups, notices) in self.archive.months.items()]
        return self._render("history.html", self.path_of("history", "history"), "history", "history",
                            self.lang.gettext("History"), groups=self.archive.groups, notices=self.archive.notices,
                            months=months)

    def history_month(self, key: str) -> PlannedPage:
        keys = list(self.archive.months)  # newest first
        i = self._month_keys[key]
        groups, notices = self.archive.months[key]
        newer = (keys[i - 1], self.month_name(keys[i - 1])) if i else None
        older = (keys[i + 1], self.month_name(keys[i + 1])) if i + 1 < len(keys) else None
        return self._render("history_month.html", self.path_of("history-month", key),
                            "history-month", key,
                            self.lang.gettext("History: %(month)s") % {"month": self.month_name(key)},
                            month=key, groups=groups, notices=notices, newer=newer, older=older)

    def all(self) -> list[PlannedPage]:
        return [self.plan(kind, key) for kind, key in self.keys()]


class SitePlan:
    """Every status page in every language (`plan_pages`), each planned only when asked for.

    A build plans them all; the preview plans the page it serves, and its other languages' (for
    their links): planning all 17,500 pages' metadata after each save took 1.5 s of a 3.7 s reload
    at 5,000 statements x 3 languages (measured with the stages timed apart)."""

    def __init__(self, snapshot: Snapshot, languages: dict[str, Language], env: jinja2.Environment | None = None):
        # `env`: a previous plan's (the preview's), whose templates are loaded already.
        self.env = env = env or _environment()
        history = cache(lambda: strips(snapshot.site, snapshot.statements, snapshot.now,
                                       max(OVERVIEW_DAYS, DEPARTMENT_DAYS)))
        archived = archive(snapshot)
        self.renderers = {code: PageRenderer(snapshot, languages[code], env, history, archived)
                          for code in snapshot.site.languages}

    def all(self) -> list[PlannedPage]:
        """Every page, in a fixed order: each language's pages in turn."""
        return [page for renderer in self.renderers.values() for page in renderer.all()]

    @cached_property
    def paths(self) -> dict[str, tuple[str, str, str]]:
        """Every page's address -> (language, kind, key)."""
        found = {}
        for code, renderer in self.renderers.items():
            for kind, key in renderer.keys():
                found[renderer.path_of(kind, key)] = (code, kind, key)
        return found

    def plan(self, code: str, kind: str, key: str) -> PlannedPage:
        return self.renderers[code].plan(kind, key)


def plan_pages(snapshot: Snapshot, languages: dict[str, Language]) -> list[PlannedPage]:
    """Every status page in every language, in a fixed order, its HTML rendered on demand."""
    return SitePlan(snapshot, languages).all()


def render_pages(snapshot: Snapshot, languages: dict[str, Language]) -> list[RenderedPage]:
    """Every status page in every language, with its HTML."""
    return [replace(planned.page, html=planned.render(), jsonld=planned.jsonld())
            for planned in plan_pages(snapshot, languages)]

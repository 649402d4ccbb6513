"""RSS 2.0 and Atom feeds: one item per published statement, newest first, per language;
the newest `feed_items` (50 unless configured) only, so that no feed grows with the history.

Journalists quote from these, so an item carries the whole statement with only
absolute links, its permalink as guid/id, and exact times with a numeric offset.
The choices below follow the W3C Feed Validation Service's checks; the reasons
are given where feedgen's defaults would trip one of them.
"""
from __future__ import annotations

import html
import re
from datetime import datetime, timezone

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.entry import FeedEntry
from feedgen.ext.dc import DcEntryExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from ..compute.status import Snapshot
from ..model import Statement
from . import urls
from .i18n import N_, Language
from .limits import MAX_SUMMARY
from .markdown import render_markdown, text_content
from .text import clean, truncate

MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

SITE_FEED = N_("Press statements of {site}, newest first.")
DEPARTMENT_FEED = N_("Press statements of {site} about {department}, newest first.")
PLANNED_WINDOW = N_("Planned closure from {start} to {end}.")
CORRECTED = N_("Corrected on %(date)s: %(note)s")


def xml_text(text: str) -> str:
    """`text` without the characters an XML document may not contain (lxml refuses them), nor
    C1 controls, which the validator flags: a stray one pasted in must not stop a build."""
    return clean(text)


def files(snapshot: Snapshot, languages: dict[str, Language]) -> dict[str, bytes]:
    """Every feed of the site: per language, the whole site's in RSS and Atom, and each
    department's in RSS. Every feed reader reads RSS; a second format of each department's feed
    doubled the weight of a multilingual site's feeds for no reader that needs it."""
    site = snapshot.site
    result = {}
    for code in site.languages:
        lang = languages[code]
        entries = _Entries(snapshot, lang)
        scopes = [(None, snapshot.statements)]
        scopes += [(dept, snapshot.mentioning(dept)) for dept in site.departments]
        for dept, statements in scopes:
            for kind in ("rss", "atom") if dept is None else ("rss",):
                result[urls.feed(site, code, kind, dept)] = _feed(snapshot, lang, kind, statements, dept, entries)
    return result


class _Entries:
    """Each statement's feed entry in one language, made once and shared by every feed it is in
    (the site's and its departments', RSS and Atom): feedgen writes an entry in either format."""

    def __init__(self, snapshot: Snapshot, lang: Language):
        self.snapshot, self.lang = snapshot, lang
        self._made: dict[str, tuple[FeedEntry, str]] = {}

    def __call__(self, statement: Statement, kind: str) -> FeedEntry:
        made = self._made.get(statement.id)
        if made is None:
            made = self._made[statement.id] = _make_entry(self.snapshot, self.lang, statement)
        entry, content = made
        # The full text as it is in RSS's <content:encoded>, in a CDATA section: HTML escaped as XML
        # text took a third more bytes, in every item of every feed. Atom's <content> must declare
        # type="html", so it keeps the escaped text. A feed is written before the next one sets
        # this again (entries are written out by rss_str()/atom_str(), not when added).
        cdata = kind == "rss" and "]]>" not in content  # (lxml refuses it there; our HTML escapes ">")
        entry.content(content, type="CDATA" if cdata else "html")
        return entry


def identifier(site, path: str) -> str:
    """A permanent id for a site path: its absolute URL, or a URN when the site has no URL.

    Atom ids and guids must be full IRIs; a root-relative path is not one.
    """
    if site.url:
        return urls.absolute(site, path)
    return "urn:statuspress:" + (path.strip("/").replace("/", ":") or "home")


def feed_time(when: datetime, lang: Language) -> datetime:
    """`when` in the site's time zone, or UTC where its offset is not whole or half hours
    (RFC 822 dates with such an offset, +0545 for one, are flagged by validators)."""
    local = lang.local(when)
    offset = local.utcoffset()
    if offset is not None and (offset.total_seconds() // 60) % 30:
        return when.astimezone(timezone.utc)
    return local


class _Language(BaseEntryExtension):
    """xml:lang on the RSS channel (feedgen writes only <language>, which readers do not
    carry down to items), and on an entry whose text is in another language than its feed
    (an untranslated statement). xml:lang is allowed on any element of both formats."""

    def __init__(self):
        self.code = None

    def extend_atom(self, element):
        if self.code:
            element.attrib[XML_LANG] = self.code
        return element

    def extend_rss(self, element):
        self.extend_atom(element.find("channel") if element.tag == "rss" else element)
        return element


class _Hub(BaseExtension):
    """RSS's <atom:link rel="hub">: feedgen writes only the self link into an RSS channel. WebSub
    subscribers look for the hub beside the self link, in either format."""

    def __init__(self):
        self.href = None

    def extend_ns(self):
        return {"atom": "http://www.w3.org/2005/Atom"}

    def extend_rss(self, rss_feed):
        if self.href:
            channel = rss_feed.find("channel")
            link = etree.SubElement(channel, "{http://www.w3.org/2005/Atom}link", href=self.href, rel="hub")
            # Beside the self link, where readers and validators look for it.
            channel.remove(link)
            self_link = channel.find("{http://www.w3.org/2005/Atom}link")
            channel.insert(list(channel).index(self_link) + 1 if self_link is not None else len(channel), link)
        return rss_feed

    def extend_atom(self, atom_feed):
        return atom_feed


def _feed(snapshot: Snapshot, lang: Language, kind: str, statements: list[Statement],
          dept: str | None, entries: _Entries) -> bytes:
    site = snapshot.site
    path = urls.feed(site, lang.code, kind, dept)
    page = urls.department(site, lang.code, dept) if dept else urls.overview(site, lang.code)
    # A correction changes the feed as a new statement does.
    newest = (max(s.updated_at(lang.code) for s in statements) if statements
              else (snapshot.last_updated or snapshot.now))

    # One generator per format: a generator holds a single self link.
    fg = FeedGenerator()
    fg.id(identifier(site, path))
    if dept:
        department = site.department_name(dept, lang.code)
        fg.title(xml_text(f"{department} — {site.title(lang.code)}"))
        description = lang.gettext(DEPARTMENT_FEED).format(site=site.organisation_name(lang.code),
                                                           department=department)
    else:
        fg.title(xml_text(site.title(lang.code)))
        description = lang.gettext(SITE_FEED).format(site=site.organisation_name(lang.code))
    # An RSS <description> is read as HTML: names from mkdocs.yml are text, so they are escaped.
    # (Atom's <subtitle> is declared plain text.)
    fg.description(xml_text(html.escape(description, quote=False) if kind == "rss" else description))
    # RSS <link> is the *last* link added: self first, the HTML page last.
    fg.link(href=urls.absolute(site, path), rel="self", type=MEDIA_TYPES[kind])
    if site.websub_hub:  # WebSub: subscribers are told of a new statement by the hub (announce pings it)
        if kind == "rss":
            fg.register_extension("websub", _Hub, BaseEntryExtension, atom=False, rss=True)
            fg.websub.href = site.websub_hub
        else:
            fg.link(href=site.websub_hub, rel="hub")
    fg.link(href=urls.absolute(site, page), rel="alternate", type="text/html", hreflang=lang.code)
    fg.language(lang.code)
    # A name only: RSS <managingEditor>/<author> need an e-mail address, which we do not have.
    fg.author(name=xml_text(site.organisation_name(lang.code)))
    fg.generator("statuspress")
    fg.register_extension("xml_lang", _Language, _Language)
    fg.xml_lang.code = lang.code
    # Not the clock: the feed changes when a statement does, and builds are reproducible.
    fg.updated(feed_time(newest, lang))
    if kind == "rss":
        fg.load_extension("dc", atom=False, rss=True)

    for statement in reversed(statements[-site.feed_items:]):  # newest first
        fg.add_entry(entries(statement, kind), order="append")  # 'prepend', the default, would reverse them

    if kind == "rss":
        return _rss_profile(fg.rss_str(pretty=True))
    return fg.atom_str(pretty=True)


def _make_entry(snapshot: Snapshot, lang: Language, statement: Statement) -> tuple[FeedEntry, str]:
    """The entry, and its full text (set per format by _Entries)."""
    site = snapshot.site
    page = urls.update(site, lang.code, statement.id)
    permalink = urls.absolute(site, page)

    entry = FeedEntry()
    entry.register_extension("xml_lang", _Language)
    entry.register_extension("dc", DcEntryExtension, atom=False, rss=True)
    # A title of nothing but control characters is empty once cleaned; feeds require one.
    entry.title(xml_text(item_title(snapshot, statement, lang.code)).strip() or statement.id)
    entry.guid(identifier(site, page), permalink=bool(site.url))  # isPermaLink only for a real URL
    entry.link(href=permalink, rel="alternate", type="text/html", hreflang=lang.code)
    entry.published(feed_time(statement.date, lang))
    # A corrected statement's item carries the correction's time (Atom <updated>; RSS has no such element,
    # and keeps its guid, so that readers show it again as changed, not as a new statement).
    entry.updated(feed_time(statement.updated_at(lang.code), lang))  # feedgen's default is the clock
    # summary() before content(): RSS gets <description> = summary, <content:encoded> = full text.
    # The summary is plain text, escaped, because RSS descriptions are read as HTML.
    entry.summary(xml_text(html.escape(summary(statement, lang.code), quote=False)), type="html")
    content = xml_text(content_html(snapshot, statement, lang))
    for dept in statement.departments:
        # term: the id, the same in every language; label (RSS's text): the localized name.
        entry.category(term=dept, label=xml_text(site.department_name(dept, lang.code)))
    entry.dc.dc_creator(xml_text(site.organisation_name(lang.code)))
    entry.xml_lang.code = None if statement.is_translated(lang.code) else statement.default_language
    return entry, content


def item_title(snapshot: Snapshot, statement: Statement, lang: str) -> str:
    """"<incident title>: <statement title>"; a notice, or an incident's first statement, has just its own."""
    own = statement.text(lang).title
    group = snapshot.group_of(statement)
    if group is None or group.title(lang) == own:
        return own
    incident = group.title(lang)
    # "Cyberattack: servers offline: Patients moved" reads badly; a dash keeps the parts apart.
    return f"{incident} — {own}" if ":" in incident else f"{incident}: {own}"


def summary(statement: Statement, lang: str) -> str:
    """The statement's `summary`, else its first paragraph, as plain text."""
    text = statement.text(lang)
    if text.summary:
        return truncate(clean(text.summary), MAX_SUMMARY)
    match = re.search(r"<p>(.*?)</p>", render_markdown(text.body), re.S)
    return truncate(" ".join(text_content(match.group(1)).split()), MAX_SUMMARY) if match else text.title


def content_html(snapshot: Snapshot, statement: Statement, lang: Language) -> str:
    """What changes (departments and their new status in words, with notes), then the statement.

    Every URL is absolute: feed readers resolve relative ones against the wrong page.
    """
    site = snapshot.site
    parts = []
    correction = statement.correction(lang.code)
    if correction:
        note = html.escape(correction[0].note)
        if correction[1] != lang.code:
            note = f'<span lang="{html.escape(correction[1])}">{note}</span>'
        parts.append("<p><strong>" + lang.gettext(CORRECTED) % {
            "date": html.escape(lang.datetime(correction[0].date)), "note": note} + "</strong></p>")
    notes = {dept: statement.note(dept, lang.code) for dept in site.departments}
    listed = [*statement.departments, *(d for d, n in notes.items() if n and d not in statement.departments)]
    if listed:
        items = []
        for dept in listed:
            href = urls.absolute(site, urls.department(site, lang.code, dept))
            line = f'<a href="{html.escape(href)}">{html.escape(site.department_name(dept, lang.code))}</a>'
            if dept in statement.departments:
                line += f": {html.escape(lang.status(statement.departments[dept]))}"
            if notes[dept]:
                words, written_in = notes[dept]
                words = html.escape(words)
                if written_in != lang.code:  # an untranslated note: say which language it is in
                    words = f'<span lang="{html.escape(written_in)}">{words}</span>'
                line += f" — {words}"
            items.append(f"<li>{line}</li>")
        parts.append("<ul>" + "".join(items) + "</ul>")
    if statement.planned:
        window = lang.gettext(PLANNED_WINDOW).format(start=lang.datetime(statement.planned.start),
                                                     end=lang.datetime(statement.planned.end))
        parts.append(f"<p>{html.escape(window)}</p>")
    base = urls.absolute(site, urls.update(site, lang.code, statement.id))
    parts.append(render_markdown(statement.text(lang.code).body, base_url=base))
    return "\n".join(p for p in parts if p)


_CDATA = re.compile(rb"(<!\[CDATA\[.*?\]\]>)", re.S)


def _rss_profile(xml: bytes) -> bytes:
    """Writes '<' and '&' in text as hexadecimal character references.

    The RSS Best Practices Profile, which the W3C validator applies, asks for this so
    that a plain-text title such as 'A <b> & C' cannot be mistaken for HTML. Both forms
    mean the same to any XML parser. A CDATA section (an item's HTML) holds no references:
    it is left as it is.
    """
    return b"".join(part if part.startswith(b"<![CDATA[") else
                    part.replace(b"&lt;", b"&#x3C;").replace(b"&amp;", b"&#x26;") for part in _CDATA.split(xml))

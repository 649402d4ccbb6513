"""RSS and Atom feeds: parsed back with feedparser, and held to the W3C Feed Validation Service's rules.

The validator itself is a web service; `feed_problems()` below re-implements the
checks of it that our feeds can trip (its source: w3c/feedvalidator,
src/feedvalidator/{validators,item,base}.py), so a regression fails here, offline.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

import feedparser
import pytest
from babel import Locale

from generator.render import feeds
from helpers import (ARABIC, NOW, OPTIONS, PUBLISHED, SITE_URL, TRICKY_TITLE, UPDATES, build,
                             permalink, published_ids)

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    snapshot, languages = build(tmp_path_factory.mktemp("feeds"))
    return snapshot, languages, feeds.files(snapshot, languages)


def parse(data: bytes):
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


# -- the validator's rules -------------------------------------------------------------------

# validators.py: rfc2396_full, rfc2822_re, rfc3339; HTMLValidator's allow-lists; absUrlMixin.
FULL_URI = re.compile(r"[a-zA-Z][0-9a-zA-Z+\-.]*:(//)?[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,#]+$")
RFC2822 = re.compile(r"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d\d? (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                     r"\d\d\d\d \d\d:\d\d(:\d\d)? ([+-]?\d\d[03]0|UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|Z)$")
RFC3339 = re.compile(r"^\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*)?(Z|[+-]\d\d:\d\d)$")
SAFE_ELEMENTS = set("""a abbr acronym address area article aside audio b bdi big blockquote br button canvas caption
center cite code col colgroup command data datagrid datalist dd del details dfn dialog dir div dl dt em eventsource
fieldset figcaption figure footer font form header h1 h2 h3 h4 h5 h6 hgroup hr i img input ins keygen kbd label legend
li m main map mark menu meter multicol nav nextid ol output optgroup option p picture pre progress q rp rt ruby s samp
section select small sound source spacer span strike strong sub summary sup table tbody td template textarea time tfoot
th thead tr track tt u ul var video noscript wbr""".split())
SAFE_ATTRIBUTES = {"abbr", "align", "alt", "cite", "class", "colspan", "datetime", "dir", "height", "href", "hreflang",
                   "id", "lang", "rel", "rowspan", "scope", "src", "start", "title", "type", "width"}
RELATIVE_REF = [re.compile(r"<a\s+href=(?:\"(.*?)\"|'(.*?)'|([\w-]+))[\s>]", re.I),
                re.compile(r"<img\s+[^>]*src=(?:\"(.*?)\"|'(.*?)'|([\w-]+))[\s>]", re.I)]


class _HtmlCheck(HTMLParser):
    def __init__(self, problems, where):
        super().__init__(convert_charrefs=True)
        self.problems, self.where = problems, where

    def handle_starttag(self, tag, attrs):
        if tag not in SAFE_ELEMENTS:
            self.problems.append(f"{self.where}: unsafe element <{tag}>")
        for name, value in attrs:
            if name not in SAFE_ATTRIBUTES:
                self.problems.append(f"{self.where}: unsafe attribute {name} on <{tag}>")
            if name in ("href", "src") and (value or "").strip().lower().startswith(("javascript:", "data:")):
                self.problems.append(f"{self.where}: script URL {value}")


def html_problems(html: str | None, where: str) -> list[str]:
    problems: list[str] = []
    if not html:
        return problems
    _HtmlCheck(problems, where).feed(html)
    for pattern in RELATIVE_REF:
        for groups in pattern.findall(html):
            ref = next((g for g in groups if g), "")
            if not re.match(r"\w+:", ref):
                problems.append(f"{where}: relative URL {ref!r}")
    return problems


def date_problems(value: str | None, pattern, where: str, now: datetime) -> list[str]:
    if not value or not pattern.match(value):
        return [f"{where}: bad date {value!r}"]
    when = parsedate_to_datetime(value) if pattern is RFC2822 else datetime.fromisoformat(value)
    problems = []
    if pattern is RFC2822 and "," in value and when.strftime("%a") != value[:3]:
        problems.append(f"{where}: wrong day of the week in {value!r}")
    if when > now + timedelta(minutes=10):
        problems.append(f"{where}: implausible (future) date {value!r}")
    return problems


def language_problems(code: str | None, where: str) -> list[str]:
    try:
        Locale.parse((code or "").replace("-", "_"))
    except Exception:
        return [f"{where}: unknown language {code!r}"]
    return []


def rss_problems(data: bytes, self_url: str, now: datetime) -> list[str]:
    problems = []
    root = ET.fromstring(data)
    channel = root.find("channel")
    if root.tag != "rss" or root.get("version") != "2.0" or channel is None:
        return ["not an RSS 2.0 document"]
    for name in ("title", "link", "description"):
        if not (channel.findtext(name) or "").strip():
            problems.append(f"channel: missing {name}")
    if not FULL_URI.match(channel.findtext("link") or ""):
        problems.append("channel: link is not a full URL")
    problems += language_problems(channel.findtext("language"), "channel language")
    selves = [link for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
    if len(selves) != 1 or selves[0].get("href") != self_url or selves[0].get("type") != "application/rss+xml":
        problems.append(f"channel: self link {[s.attrib for s in selves]} is not {self_url}")
    problems += date_problems(channel.findtext("lastBuildDate"), RFC2822, "lastBuildDate", now)
    # RSS Best Practices Profile: '<' and '&' in plain text written as hexadecimal references
    # (a CDATA section is HTML, not plain text).
    text = re.sub(rb"<!\[CDATA\[.*?\]\]>", b"", data, flags=re.S)
    if b"&lt;" in text or b"&amp;" in text:
        problems.append("plain text encodes '<' or '&' with a named entity, not '&#x3C;' / '&#x26;'")
    guids = []
    for n, item in enumerate(channel.findall("item")):
        where = f"item {n}"
        children = [child.tag for child in item]
        if not (item.findtext("title") or "").strip():
            problems.append(f"{where}: no title")
        if re.search(r"</(\w+)>", item.findtext("title") or ""):
            problems.append(f"{where}: title contains HTML")
        guid = item.find("guid")
        if guid is None or not guid.text:
            problems.append(f"{where}: no guid")
        else:
            guids.append(guid.text)
            if guid.get("isPermaLink") not in ("true", "false"):
                problems.append(f"{where}: isPermaLink must be true or false")
            if guid.get("isPermaLink") == "true" and not FULL_URI.match(guid.text):
                problems.append(f"{where}: permalink guid is not a full URL")
        if not FULL_URI.match(item.findtext("link") or ""):
            problems.append(f"{where}: link is not a full URL")
        problems += date_problems(item.findtext("pubDate"), RFC2822, f"{where} pubDate", now)
        if f"{CONTENT}encoded" in children and ("description" not in children or
                                                children.index("description") > children.index(f"{CONTENT}encoded")):
            problems.append(f"{where}: content:encoded without a description before it")
        if "author" in children:
            problems.append(f"{where}: RSS <author> needs an e-mail address")
        if item.get(XML_LANG):
            problems += language_problems(item.get(XML_LANG), f"{where} xml:lang")
        problems += html_problems(item.findtext("description"), f"{where} description")
        problems += html_problems(item.findtext(f"{CONTENT}encoded"), f"{where} content:encoded")
    if len(set(guids)) != len(guids):
        problems.append("duplicate guids")
    return problems


def atom_problems(data: bytes, self_url: str, now: datetime) -> list[str]:
    problems = []
    feed = ET.fromstring(data)
    if feed.tag != f"{ATOM}feed":
        return ["not an Atom document"]
    problems += language_problems(feed.get(XML_LANG), "feed xml:lang")
    for name in ("id", "title", "updated"):
        if not (feed.findtext(f"{ATOM}{name}") or "").strip():
            problems.append(f"feed: missing {name}")
    if not FULL_URI.match(feed.findtext(f"{ATOM}id") or ""):
        problems.append("feed: id is not a full IRI")
    problems += date_problems(feed.findtext(f"{ATOM}updated"), RFC3339, "feed updated", now)
    if not (feed.findtext(f"{ATOM}author/{ATOM}name") or "").strip():
        problems.append("feed: no author name (and entries have none)")
    links = {link.get("rel", "alternate"): link for link in feed.findall(f"{ATOM}link")}
    if "self" not in links or links["self"].get("href") != self_url:
        problems.append(f"feed: self link is not {self_url}")
    if "alternate" not in links or not FULL_URI.match(links["alternate"].get("href", "")):
        problems.append("feed: no absolute alternate link")
    ids = []
    for n, entry in enumerate(feed.findall(f"{ATOM}entry")):
        where = f"entry {n}"
        ids.append(entry.findtext(f"{ATOM}id"))
        if not FULL_URI.match(ids[-1] or ""):
            problems.append(f"{where}: id is not a full IRI")
        if not (entry.findtext(f"{ATOM}title") or "").strip():
            problems.append(f"{where}: no title")
        problems += date_problems(entry.findtext(f"{ATOM}updated"), RFC3339, f"{where} updated", now)
        problems += date_problems(entry.findtext(f"{ATOM}published"), RFC3339, f"{where} published", now)
        if entry.get(XML_LANG):
            problems += language_problems(entry.get(XML_LANG), f"{where} xml:lang")
        for name in ("content", "summary"):
            element = entry.find(f"{ATOM}{name}")
            if element is None or element.get("type") != "html":
                problems.append(f"{where}: {name} must be type='html'")
            else:
                problems += html_problems(element.text, f"{where} {name}")
    if len(set(ids)) != len(ids):
        problems.append("duplicate entry ids")
    return problems


def feed_problems(path: str, data: bytes, now: datetime, base: str = SITE_URL) -> list[str]:
    check = rss_problems if path.endswith("rss.xml") else atom_problems
    return [f"{path}: {p}" for p in check(data, base + path, now)]


# -- the tests ---------------------------------------------------------------------------------

def test_every_feed_is_there_and_parses(built):
    snapshot, _, files = built
    expected = set()
    for prefix in ("", "fr/", "en/"):
        expected |= {f"{prefix}rss.xml", f"{prefix}atom.xml"}
        expected |= {f"{prefix}departments/{dept}/rss.xml" for dept in OPTIONS["departments"]}
    assert set(files) == expected
    for path, data in files.items():
        assert parse(data).version == ("rss20" if path.endswith("rss.xml") else "atom10"), path


def test_no_validator_errors_or_warnings(built):
    snapshot, _, files = built
    problems = [p for path, data in sorted(files.items()) for p in feed_problems(path, data, snapshot.now)]
    assert problems == []


def test_the_checks_catch_what_they_are_for():
    bad = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>/</link>'
           b'<description>d</description><lastBuildDate>2026-01-13 06:32</lastBuildDate>'
           b'<item><title>A &amp; B</title><guid isPermaLink="true">/x/</guid><link>/x/</link>'
           b'<pubDate>Mon, 13 Jan 2026 06:32:00 +0100</pubDate>'
           b'<description>&lt;a href="../y/"&gt;y&lt;/a&gt;&lt;script&gt;&lt;/script&gt;</description></item>'
           b'</channel></rss>')
    problems = " | ".join(rss_problems(bad, SITE_URL + "rss.xml", NOW))
    for expected in ("link is not a full URL", "self link", "bad date", "named entity", "permalink guid",
                     "wrong day", "relative URL", "unsafe element <script>"):
        assert expected in problems


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_one_item_per_published_statement_newest_first(built, lang, kind):
    _, _, files = built
    prefix = "" if lang == "nl" else f"{lang}/"
    entries = parse(files[f"{prefix}{kind}.xml"]).entries
    assert len(entries) == PUBLISHED
    assert [e.id for e in entries] == [permalink(lang, i) for i in reversed(published_ids())]
    assert [e.link for e in entries] == [e.id for e in entries]
    assert not any("embargo" in e.id for e in entries)
    dates = [e.published_parsed for e in entries]
    assert dates == sorted(dates, reverse=True)


def test_guid_is_the_absolute_permalink(built):
    _, _, files = built
    root = ET.fromstring(files["fr/rss.xml"])
    for item in root.iter("item"):
        guid = item.find("guid")
        assert guid.get("isPermaLink") == "true"
        assert guid.text.startswith(SITE_URL + "fr/updates/") and guid.text == item.findtext("link")


@pytest.mark.parametrize("path, page", [
    ("rss.xml", ""), ("atom.xml", ""), ("fr/rss.xml", "fr/"), ("en/atom.xml", "en/"),
    ("departments/emergency/rss.xml", "departments/emergency/"),
    ("fr/departments/lab/rss.xml", "fr/departments/lab/"),
])
def test_self_link_is_where_the_feed_is_published_and_link_is_the_page(built, path, page):
    _, _, files = built
    links = {link.rel: link.href for link in parse(files[path]).feed.links}
    assert links["self"] == SITE_URL + path
    assert links["alternate"] == SITE_URL + page
    if path.endswith("rss.xml"):  # RSS <link> is the page, never the feed itself
        assert ET.fromstring(files[path]).find("channel").findtext("link") == SITE_URL + page


def test_language_and_untranslated_items(built):
    _, _, files = built
    for kind in ("rss", "atom"):
        parsed = parse(files[f"fr/{kind}.xml"])
        assert parsed.feed.language == "fr"
        by_id = {e.id: e for e in parsed.entries}
        translated = by_id[permalink("fr", "2026-01-13-0632-servers-offline")]
        assert translated.title == "Cyberattaque — tous les serveurs arrêtés"
        assert translated.content[0].language == "fr"
        assert "Une cyberattaque" in translated.content[0].value
        untranslated = by_id[permalink("fr", "2026-01-13-1015-inschrijving-op-papier")]
        assert untranslated.title.endswith("Inschrijving op papier")  # the Dutch text, marked as Dutch
        assert untranslated.content[0].language == "nl"
        assert untranslated.summary_detail.language == "nl"
    assert parse(files["rss.xml"]).feed.language == "nl"
    assert ET.fromstring(files["en/atom.xml"]).get(XML_LANG) == "en"


def test_item_title_names_the_incident(built):
    _, _, files = built
    titles = [e.title for e in parse(files["rss.xml"]).entries]
    assert "Cyberaanval — alle servers uitgeschakeld: Inschrijving op papier" in titles
    assert "Cyberaanval — alle servers uitgeschakeld" in titles  # the incident's first statement
    assert "Persconferentie om 14 uur" in titles  # a notice: its own title only
    assert "Onderhoud MRI-scanner" in titles


def test_dates_carry_a_numeric_offset_and_the_feed_date_is_the_newest_statement(built):
    _, _, files = built
    rss = ET.fromstring(files["rss.xml"]).find("channel")
    assert rss.findtext("lastBuildDate") == "Wed, 14 Jan 2026 09:00:00 +0100"
    assert rss.find("item").findtext("pubDate") == "Wed, 14 Jan 2026 09:00:00 +0100"
    atom = ET.fromstring(files["atom.xml"])
    assert atom.findtext(f"{ATOM}updated") == "2026-01-14T09:00:00+01:00"
    assert atom.find(f"{ATOM}entry").findtext(f"{ATOM}published") == "2026-01-14T09:00:00+01:00"
    # A department feed is as new as its own newest statement.
    lab = ET.fromstring(files["departments/lab/rss.xml"]).find("channel")
    assert lab.findtext("lastBuildDate") == "Mon, 05 Jan 2026 08:00:00 +0100"


def test_content_opens_with_the_departments_and_their_status_in_words(built):
    _, _, files = built
    entry = {e.id: e for e in parse(files["en/atom.xml"]).entries}[permalink("en", "2026-01-13-0632-servers-offline")]
    html = entry.content[0].value
    assert html.startswith("<ul><li>")
    assert ">Emergency department</a>: Reduced capacity" in html
    assert ">Mobile emergency team</a>: Not operating" in html
    assert html.index("</ul>") < html.index("A cyberattack")
    assert f'href="{SITE_URL}en/departments/emergency/"' in html
    assert entry.summary == "The emergency department works at reduced capacity."
    assert [t.term for t in entry.tags] == ["emergency", "mug", "planned-procedures"]
    assert [t.label for t in entry.tags] == ["Emergency department", "Mobile emergency team", "Planned procedures"]
    rss_entry = {e.id: e for e in parse(files["fr/rss.xml"]).entries}[permalink("fr", "2026-01-13-0632-servers-offline")]
    assert [t.term for t in rss_entry.tags] == ["Urgences", "SMUR", "Interventions programmées"]
    assert rss_entry.author == "AZ Voorbeeld — Status"


def test_summary_falls_back_to_the_first_paragraph_and_links_become_absolute(built):
    _, _, files = built
    entry = {e.id: e for e in parse(files["atom.xml"]).entries}[permalink("nl", "2026-01-13-1015-inschrijving-op-papier")]
    assert entry.summary.startswith("Inschrijven duurt langer: we werken op papier. Vorig bericht en")
    html = entry.content[0].value
    assert f'href="{SITE_URL}updates/2026-01-13-0632-servers-offline/"' in html
    assert f'src="{SITE_URL}updates/2026-01-13-1015-inschrijving-op-papier/plan.png"' in html
    assert f'href="{SITE_URL}kaart/"' in html
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html


def test_escaping_quotes_markup_emoji_and_right_to_left_text(built):
    _, _, files = built
    for path in ("rss.xml", "atom.xml", "departments/emergency/rss.xml", "fr/atom.xml"):
        lang = "fr" if path.startswith("fr/") else "nl"
        entry = {e.id: e for e in parse(files[path]).entries}[permalink(lang, "2026-01-14-0700-spoed-dicht")]
        assert entry.title == TRICKY_TITLE
        assert ARABIC in entry.content[0].value
        html = entry.content[0].value
        assert '"dicht" <b>nu</b> &amp; 5 &lt; 6.' in html  # allowed markup kept, the rest escaped
        assert "Bel &quot;112&quot; &amp; &lt;wacht&gt;" in html  # a note is plain text


def test_department_feed_holds_only_statements_that_mention_it(built):
    _, _, files = built
    parsed = parse(files["fr/departments/emergency/rss.xml"])
    assert parsed.feed.title == "Urgences — AZ Voorbeeld — Status"
    assert [e.id for e in parsed.entries] == [permalink("fr", i) for i in
                                              ("2026-01-14-0700-spoed-dicht", "2026-01-13-0632-servers-offline")]
    assert [e.id for e in parse(files["departments/pharmacy/rss.xml"]).entries] == \
        [permalink("nl", "2026-01-13-1200-apotheek-inventaris")]


def test_rss_carries_the_full_text_as_cdata_and_atom_as_escaped_html(built):
    """The same HTML in both formats; RSS's in a CDATA section, a third lighter than escaped."""
    _, _, files = built
    for prefix in ("", "fr/"):
        rss = ET.fromstring(files[f"{prefix}rss.xml"]).find("channel")
        atom = ET.fromstring(files[f"{prefix}atom.xml"])
        atom_content = {e.findtext(f"{ATOM}id"): e.findtext(f"{ATOM}content") for e in atom.iter(f"{ATOM}entry")}
        items = rss.findall("item")
        assert items
        for item in items:
            assert item.findtext(f"{CONTENT}encoded") == atom_content[item.findtext("guid")]
        raw = files[f"{prefix}rss.xml"].decode("utf-8")
        assert raw.count("<content:encoded><![CDATA[<") == len(items)
        assert "&#x3C;li&gt;" not in raw  # no escaped markup left
    dept = files["departments/lab/rss.xml"].decode("utf-8")
    assert "<content:encoded><![CDATA[<ul><li>" in dept


def test_same_input_same_bytes(built, tmp_path):
    snapshot, languages, files = built
    assert feeds.files(snapshot, languages) == files
    again, again_languages = build(tmp_path)
    assert feeds.files(again, again_languages) == files


def test_a_site_without_url_still_gets_feeds(tmp_path):
    snapshot, languages = build(tmp_path, site_url=None)
    files = feeds.files(snapshot, languages)
    parsed = parse(files["fr/rss.xml"])
    assert parsed.feed.link == "/fr/"
    assert parsed.entries[0].link == "/fr/updates/2026-01-14-0900-persconferentie/"
    root = ET.fromstring(files["fr/rss.xml"])
    guid = root.find("channel/item/guid")
    assert guid.get("isPermaLink") == "false" and guid.text == "urn:statuspress:fr:updates:2026-01-14-0900-persconferentie"
    atom = ET.fromstring(files["atom.xml"])
    assert atom.findtext(f"{ATOM}id") == "urn:statuspress:atom.xml"
    assert 'href="/updates/2026-01-13-0632-servers-offline/"' in files["atom.xml"].decode()


def test_a_site_without_statements_still_gets_valid_feeds(tmp_path):
    snapshot, languages = build(tmp_path, {})
    files = feeds.files(snapshot, languages)
    for path, data in files.items():
        assert parse(data).entries == []
        assert feed_problems(path, data, snapshot.now) == []


def test_entries_are_in_order_even_with_equal_dates(tmp_path):
    same_time = {f"2026-01-14-0800-{name}.md": UPDATES["2026-01-14-0900-persconferentie.md"]
                 .replace("2026-01-14T09:00", "2026-01-14T08:00") for name in ("a", "b", "c")}
    snapshot, languages = build(tmp_path, same_time)
    entries = parse(feeds.files(snapshot, languages)["atom.xml"]).entries
    assert [e.id.rsplit("-", 1)[-1] for e in entries] == ["c/", "b/", "a/"]


def test_feeds_name_the_websub_hub_beside_their_self_link_and_still_pass(tmp_path):
    hub = "https://hub.example.net/"
    snapshot, languages = build(tmp_path, options={**OPTIONS, "websub_hub": hub})
    files = feeds.files(snapshot, languages)
    for path, data in files.items():
        assert feed_problems(path, data, snapshot.now) == []
        links = {link.rel: link.href for link in parse(data).feed.links}
        assert links["hub"] == hub and links["self"] == SITE_URL + path, path
        # Beside the self link, in both formats (WebSub: the hub and the topic, each a link element).
        root = ET.fromstring(data)
        channel = root.find("channel") if root.tag == "rss" else root
        atom_links = [(link.get("rel"), link.get("href")) for link in channel.findall(f"{ATOM}link")]
        assert atom_links[:2] == [("self", SITE_URL + path), ("hub", hub)], path

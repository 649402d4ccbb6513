"""Statement Markdown -> safe HTML.

Staff are trusted, but an account can be compromised: every statement is
rendered, then cleaned by nh3 against an allow-list, so no script, style,
iframe, form, event handler or javascript: link reaches a page or a feed.
Images from other hosts become links: a status page asks no other host for
anything (the reader's privacy; the page must load when the rest is down).

Python-Markdown has inputs that take quadratic time or exhaust the stack
(thousands of unmatched '[' or '<', lists nested hundreds deep). A body is
checked against limits measured in bench/markdown_limits.py before it is
converted; `body_problems` reports what breaks them so `check` and the build
refuse the statement, and a body that reaches the renderer anyway is shown as
escaped plain text instead of being converted.
"""
from __future__ import annotations

import hashlib
import html
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin

import nh3

from ..cache import KnownGood, digest
from .text import clean

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "time", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "time": {"datetime"},
    "ol": {"start"},
    # Footnotes: the reference and the note link to each other by id (see _footnote_ids).
    "sup": {"id"},
    "li": {"id"},
}
# Every element a statement's body can hold (ALLOWED_TAGS), nested as Markdown nests them: the
# status pages' style sheet keeps the rules that any statement could need (render/css_subset.py).
SPECIMEN = (
    '<h2>h</h2><h3>h</h3><h4>h</h4><h5>h</h5><h6>h</h6>'
    '<p><a href="#a" title="t" hreflang="en">a</a> <abbr title="t">t</abbr> <b>b</b> <br> <code>c</code> '
    '<del>d</del> <em>e</em> <i>i</i> <img src="i.png" alt="a" title="t" width="1" height="1"> <ins>i</ins> '
    '<kbd>k</kbd> <mark>m</mark> <q>q</q> <s>s</s> <small>s</small> <strong>s</strong> <sub>s</sub> '
    '<sup id="fnref:1"><a href="#fn:1">1</a></sup> <time datetime="2026-01-01">t</time> <u>u</u></p>'
    '<blockquote><p>q</p><blockquote><p>q</p></blockquote><ul><li>l</li></ul></blockquote>'
    '<ul><li><p>l</p><ul><li>l<ol><li>l</li></ol></li></ul></li><li>l</li></ul>'
    '<ol start="2"><li><p>l</p><ol><li>l<ul><li>l</li></ul></li></ol></li><li>l</li></ol>'
    '<dl><dt>t</dt><dd><p>d</p></dd></dl><hr><pre><code>c</code></pre>'
    '<table><caption>c</caption><thead><tr><th align="left" scope="col">h</th><th align="center">h</th>'
    '<th align="right">h</th></tr></thead><tbody><tr><td align="left" colspan="1" rowspan="1">d</td>'
    '<td align="center">d</td><td align="right">d</td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot></table>'
    '<ol><li id="fn:1"><p>n <a href="#fnref:1">r</a></p></li></ol>'
)
URL_SCHEMES = {"http", "https", "mailto", "tel", "sms"}
URL_ATTRIBUTES = {"href", "src"}

# Limits; bench/markdown_limits.py measures the time they allow (about a second at worst).
MAX_BODY = 50_000  # characters: some ten pages of text
MAX_NESTING = 16  # levels of lists and quotes
BRACKET_BUDGET = 2_000_000  # per paragraph, '[' count x paragraph length, summed
TAG_BUDGET = 10_000_000  # '<' before a letter, '/', '!' or '?', x body length
MAX_ABBREVIATIONS = 50
MAX_FOOTNOTES = 100
MAX_BLOCK_LINES = 200  # lines without a blank one between: headings, rules, definitions in a row
MAX_DEFINITIONS = 100  # definition-list items in a row (each one nests Markdown's parser deeper)

_FOOTNOTE_ID = re.compile(r"fn(?:ref\d*)?-[0-9a-f]{8}-\S+\Z")
_FOOTNOTE_TARGET = re.compile(r'(\b(?:id|href)="#?)(fn|fnref\d*):')
_IMG = re.compile(r'<img((?:\s+[^\s"=>/]+(?:="[^"]*")?)*)\s*/?>')
_ATTRIBUTE = re.compile(r'\s([^\s"=>/]+)(?:="([^"]*)")?')
_EXTERNAL = re.compile(r"(?i)(?:[a-z][a-z0-9+.-]*:|//)")
_TAG_START = re.compile(r"<[A-Za-z/!?]")
_BLOCK_START = re.compile(r"\s*(?:[-*+]\s|\d+[.)]\s|#|\||>|:\s)")
_ABBREVIATION = re.compile(r"^\s*\*\[", re.M)
_FOOTNOTE_DEFINITION = re.compile(r"^\s*\[\^", re.M)
_DEFINITION = re.compile(r"^\s*:", re.M)


@lru_cache(maxsize=None)
def _converter():
    # Loaded on first use: `check` converts only the bodies it has not seen convert before.
    import markdown

    return markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")


_CONVERTS = KnownGood(Path(__file__))


# -- limits ------------------------------------------------------------------------

def _nesting(line: str) -> int:
    """Levels of quote and indentation before a line's text (a tab counts as four spaces)."""
    depth, columns = 0, 0
    for char in line:
        if char == ">":
            depth += 1
        elif char == " ":
            columns += 1
        elif char == "\t":
            columns += 4
        else:
            break
    return depth + columns // 4


def _paragraphs(body: str):
    """(first line number, text) of each run of lines Markdown may read as one inline text."""
    start, lines = 1, []
    for number, line in enumerate(body.split("\n"), 1):
        if not line.strip() or _BLOCK_START.match(line):
            if lines:
                yield start, "\n".join(lines)
            start, lines = number, ([line] if line.strip() else [])
            if not lines:
                start = number + 1
        else:
            if not lines:
                start = number
            lines.append(line)
    if lines:
        yield start, "\n".join(lines)


def _limit_problems(body: str) -> list[tuple[int, str]]:
    """(body line, message) for each limit `body` breaks, measured without converting it."""
    found = []
    if len(body) > MAX_BODY:
        found.append((1, f"the text is {len(body):,} characters long; at most {MAX_BODY:,} are published: "
                         "shorten it, or publish the details as a document and link to it"))
        body = body[:MAX_BODY]
    for number, line in enumerate(body.split("\n"), 1):
        if _nesting(line) > MAX_NESTING:
            found.append((number, f"lists or quotes are nested more than {MAX_NESTING} levels deep here: "
                                  "flatten them (indent less, or fewer '>')"))
            break
    spent = 0
    for number, paragraph in _paragraphs(body):
        spent += paragraph.count("[") * len(paragraph)
        if spent > BRACKET_BUDGET:
            found.append((number, f"too many '[' for Markdown to format in time ({paragraph.count('[')} in a "
                                  f"paragraph of {len(paragraph):,} characters): split long paragraphs or "
                                  "write the brackets as \\[ and \\]"))
            break
    tags = len(_TAG_START.findall(body))
    if tags * len(body) > TAG_BUDGET:
        found.append((1, f"too many '<' for Markdown to format in time ({tags} in {len(body):,} characters): "
                         "use fewer HTML tags, and write a lone '<' as &lt;"))
    line = 1
    for block in body.split("\n\n"):
        lines = block.count("\n") + 1
        if lines > MAX_BLOCK_LINES or len(_DEFINITION.findall(block)) > MAX_DEFINITIONS:
            found.append((line, f"{lines} lines without an empty line between them: Markdown cannot format "
                                "that many in time; add empty lines between paragraphs, headings and items"))
            break
        line += lines + 1
    footnotes = len(_FOOTNOTE_DEFINITION.findall(body))
    if footnotes > MAX_FOOTNOTES:
        found.append((1, f"{footnotes} footnotes; at most {MAX_FOOTNOTES}"))
    abbreviations = len(_ABBREVIATION.findall(body))
    if abbreviations > MAX_ABBREVIATIONS:
        found.append((1, f"{abbreviations} abbreviation definitions ('*[...]:'); at most {MAX_ABBREVIATIONS}"))
    return found


def located_body_problems(body: str) -> list[tuple[int, str]]:
    """(line within the body, message) for each reason `body` cannot be published as written."""
    body_digest = digest(body)
    # Recorded only once it kept within the limits and converted, by this same code: both hold again.
    if body_digest in _CONVERTS:
        return []
    found = _limit_problems(body)
    if found:
        return found
    if _formatted(body)[1]:
        return [(1, "Markdown cannot format this text: something in it is nested too deeply "
                    "(lists, quotes or definitions inside each other); flatten it")]
    _CONVERTS.add(body_digest)
    return found


def body_problems(body: str) -> list[str]:
    """Each reason a statement body cannot be published as written, with its line in the body."""
    return [f"line {line} of the text: {message}" if line > 1 else message
            for line, message in located_body_problems(body or "")]


# -- conversion --------------------------------------------------------------------

def _escaped_paragraphs(text: str) -> str:
    text = text[:MAX_BODY]
    return "".join(f"<p>{html.escape(p.strip(), quote=False)}</p>" for p in re.split(r"\n\s*\n", text) if p.strip())


def _footnote_ids(converted: str, text: str) -> str:
    """Footnote ids unique to this text: several statements share a page, each with its own [^1],
    and an id must not clash with the page's own ("statement", "history")."""
    prefix = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return _FOOTNOTE_TARGET.sub(lambda m: f"{m.group(1)}{m.group(2)}-{prefix}-", converted)


def _images_as_links(cleaned: str) -> str:
    """An image on another host becomes a link to it (its alt text, else its address)."""
    def replace(match):
        attributes = {name: value or "" for name, value in _ATTRIBUTE.findall(match.group(1))}
        src = attributes.get("src", "")
        if not _EXTERNAL.match(html.unescape(src)):
            return match.group(0)
        label = html.unescape(attributes.get("alt", "")).strip() or html.unescape(src)
        return f'<a href="{src}" rel="noopener noreferrer">{html.escape(label, quote=False)}</a>'
    return _IMG.sub(replace, cleaned)


def _sanitize(html_text: str, base_url: str | None) -> str:
    def attribute(tag, name, value):
        if name == "id":
            return value if _FOOTNOTE_ID.match(value) else None
        if base_url and name in URL_ATTRIBUTES:
            return urljoin(base_url, value)
        return value

    return nh3.clean(
        html_text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=attribute,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


@lru_cache(maxsize=2048)
def _formatted(text: str) -> tuple[str, bool]:
    """(sanitized HTML, whether it had to be defused): Markdown is the slow step, so a body is
    converted once, then used by pages, feeds and the API. The pages that show a statement are
    written one after the other (build/writer.py), so a few thousand bodies are enough to
    remember: all of a large site's would cost tens of MB in each process."""
    text = clean((text or "")[:MAX_BODY + 1])
    if _limit_problems(text):
        return _escaped_paragraphs(text), True
    md = _converter()
    try:
        converted = md.reset().convert(text)
    except RecursionError:
        md.reset()
        return _escaped_paragraphs(text), True
    converted = _footnote_ids(converted, text)
    # A statement's own headings sit below the page's title: shift h1 down so the page keeps one h1.
    converted = converted.replace("<h1", "<h2").replace("</h1>", "</h2>")
    return clean(_images_as_links(_sanitize(converted, None))), False


def render_markdown(text: str, base_url: str | None = None) -> str:
    """Sanitized HTML of a statement body; relative URLs made absolute when `base_url` is given."""
    safe = _formatted(text)[0]
    return _sanitize(safe, base_url) if base_url else safe


def text_content(html_text: str) -> str:
    """Sanitized HTML as plain text: paragraphs apart, list items as "- ", no markup, no entities.

    For outputs that escape what they print (a feed's summary, a calendar's description).
    Going through the sanitizer first means a statement's raw HTML (a <script>, say) is
    dropped, not passed on as source.
    """
    html_text = re.sub(r"</(p|h[2-6]|blockquote|pre|table)>", "\\g<0>\n", html_text)
    html_text = re.sub(r"<li\b[^>]*>", "- ", re.sub(r"<br\s*/?>", "\n", html_text))
    text = html.unescape(nh3.clean(html_text, tags=set()))
    return clean(re.sub(r"\n{3,}", "\n\n", text).strip())


def plain_text(html_text: str) -> str:
    """`text_content`, but with '<', '>' and '&' still escaped: text that stays inert when a
    consumer pastes it into HTML (the API's bodies: dashboards and widgets do just that)."""
    return html.escape(text_content(html_text), quote=False)

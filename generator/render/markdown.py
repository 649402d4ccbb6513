"""Statement Markdown -> safe HTML.

Staff are trusted, but an account can be compromised: every statement is
rendered, then cleaned by nh3 against an allow-list, so no script, style,
iframe, form, event handler or javascript: link reaches a page or a feed.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import urljoin

import markdown
import nh3

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
}
URL_SCHEMES = {"http", "https", "mailto", "tel", "sms"}
URL_ATTRIBUTES = {"href", "src"}


def _converter() -> markdown.Markdown:
    return markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")


_md = _converter()


def _clean(html: str, base_url: str | None) -> str:
    def absolute(tag, attribute, value):
        if base_url and attribute in URL_ATTRIBUTES:
            return urljoin(base_url, value)
        return value

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=absolute if base_url else None,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


@lru_cache(maxsize=16384)
def _convert(text: str) -> str:
    # Markdown is the slow step: a body is converted once, then cleaned for pages and for feeds.
    html = _md.reset().convert(text or "")
    # A statement's own headings sit below the page's title: shift h1 down so the page keeps one h1.
    return html.replace("<h1", "<h2").replace("</h1>", "</h2>")


def render_markdown(text: str, base_url: str | None = None) -> str:
    """Sanitized HTML of a statement body; relative URLs made absolute when `base_url` is given."""
    return _clean(_convert(text), base_url)


def plain_text(html_text: str) -> str:
    """Sanitized HTML as plain text: paragraphs apart, list items as "- ", no markup, no entities.

    For fields read as plain text (summaries, the API's bodies). Going through the sanitizer
    first means a statement's raw HTML (a <script>, say) is dropped, not passed on as source.
    """
    html_text = re.sub(r"</(p|h[2-6]|blockquote|pre|table)>", "\\g<0>\n", html_text)
    html_text = re.sub(r"<li>", "- ", re.sub(r"<br\s*/?>", "\n", html_text))
    text = html.unescape(nh3.clean(html_text, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", text).strip()

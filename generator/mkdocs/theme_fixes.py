"""What our theme cannot override by template blocks: Material's page skeleton, and 404 pages per language.

Material's base.html writes `<html>` and its two toggle checkboxes outside any block. The Nu
HTML checker rejects `autocomplete` on a checkbox, and the W3C asks for `dir` on `<html>` (not
only on `<body>`) so that the whole document, title included, reads in the right direction.
Rather than copy the 260-line template (and miss Material's fixes), its source is amended as it
is loaded; tests/test_html_valid.py fails if a Material release changes the text matched here.
"""
from __future__ import annotations

import html
import re
from datetime import datetime
from urllib.parse import urlsplit

import jinja2
from babel.dates import get_timezone_location
from mkdocs.utils import normalize_url

LANGUAGE_404 = "{lang}/404.html"
_LANGUAGE_404 = re.compile(r"^([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)/404\.html$")
_HTML_TAG = re.compile(r'<html lang="\{\{ lang\.t\(\'language\'\) \}\}"')
_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input\b[^>]*\btype="checkbox"[^>]*?)\s+autocomplete="off"')


def patch_base(source: str) -> str:
    source = _HTML_TAG.sub(lambda m: m[0] + ' dir="{{ config.theme.direction or lang.t(\'direction\') }}"',
                           source, count=1)
    return _CHECKBOX_AUTOCOMPLETE.sub(r"\1", source)


class PatchedLoader(jinja2.BaseLoader):
    """The theme's loader, with Material's base.html amended and `<lang>/404.html` served by 404.html."""

    def __init__(self, inner: jinja2.BaseLoader):
        self.inner = inner

    def get_source(self, environment, template):
        if _LANGUAGE_404.match(template):
            return self.inner.get_source(environment, "404.html")
        source, filename, uptodate = self.inner.get_source(environment, template)
        if template == "base.html":
            source = patch_base(source)
        return source, filename, uptodate

    def list_templates(self):
        return self.inner.list_templates()


def not_found_context(template_name: str, site, languages, config) -> dict | None:
    """The statuspress context of a 404 page (None for other templates): its language and links."""
    if template_name == "404.html":
        code = site.default_language
    else:
        match = _LANGUAGE_404.match(template_name)
        if not match or match[1] not in site.languages[1:]:
            return None
        code = match[1]
    language = languages[code]
    # A 404 page is served at any missing address: its links must not be relative to where it is.
    base = urlsplit(config.site_url or "/").path
    base = base if base.endswith("/") else base + "/"
    config.extra["alternate"] = [{"name": lang.menu_name, "lang": other, "link": base + site.prefix(other)}
                                 for other, lang in languages.items()]
    return {
        "lang": code,
        "direction": language.direction,
        "status_page": True,
        "not_found": True,
        "base_url": base,
        "extra_css": [normalize_url(path, None, base) for path in config.extra_css],
        "title": language.gettext("Page not found"),
        "message": language.gettext("This page does not exist. The current status of every department is on "
                                    "the overview."),
        "overview": base + site.prefix(code),
        "overview_label": language.gettext("Current status"),
        "others": [{"name": languages[other].menu_name, "lang": other, "link": base + site.prefix(other),
                    "direction": languages[other].direction}
                   for other in site.languages if other != code],
        "feeds": [],
        "organisation": site.organisation_name(code),
        "share": {"title": language.gettext("Page not found"), "description": "", "locale": code.replace("-", "_")},
        "jsonld": "",
    }


def generated_html(language, now: datetime) -> str:
    """ "Page generated: <time>" with the zone, for the footer of every page: a site whose
    rebuilds stopped must not look like a quiet one."""
    moment = f'<time datetime="{now.isoformat()}">{html.escape(language.datetime(now))}</time>'
    zone = html.escape(get_timezone_location(language.zone, locale=language.locale))
    return f'{language.gettext("Page generated: %(time)s") % {"time": moment}} ({zone})'

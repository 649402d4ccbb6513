"""What our theme cannot override by template blocks: Material's page skeleton, and 404 pages per language.

Material's base.html writes `<html>` and its two toggle checkboxes outside any block. The Nu
HTML checker rejects `autocomplete` on a checkbox, and the W3C asks for `dir` on `<html>` (not
only on `<body>`) so that the whole document, title included, reads in the right direction.
Rather than copy the 260-line template (and miss Material's fixes), its source is amended as it
is loaded; tests/test_theme_fixes.py fails if a Material release changes the text matched here.
"""
from __future__ import annotations

import html
import os
import re
from datetime import datetime
from urllib.parse import urlsplit

import jinja2
from mkdocs.utils import normalize_url

LANGUAGE_404 = "{lang}/404.html"
_LANGUAGE_404 = re.compile(r"^([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)/404\.html$")
_HTML_TAG = re.compile(r'<html lang="\{\{ lang\.t\(\'language\'\) \}\}"')
_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input\b[^>]*\btype="checkbox"[^>]*?)\s+autocomplete="off"')


# The template test that a page is one of our status pages (the 404 pages included).
_ON_STATUS_PAGE = "(statuspress and statuspress.status_page)"
# Material's inline helpers serve its bundle (storage, the palette toggle) and its content tabs.
# Status pages load neither the bundle nor tabs: thousands of pages need not carry 1.2 KB of
# script that never runs (nor the policy hashes that allow it).
_WITH_BUNDLE = f"statuspress_material_js and not {_ON_STATUS_PAGE}"
_ONLY_IF = {
    "partials/javascripts/base.html": _WITH_BUNDLE,
    "partials/javascripts/palette.html": _WITH_BUNDLE,
    "partials/javascripts/content.html": f"not {_ON_STATUS_PAGE}",
}


# The theme's icons in the header and the navigation drawer (logo, languages) are inline SVG,
# the logo twice: about 900 bytes on each of thousands of status pages. There they refer to
# one cached file of symbols instead, as our status shapes do (render/icons.py).
THEME_SPRITE = "assets/statuspress-theme.svg"
_SVG = re.compile(r"\A\s*(?:\{#.*?#\}\s*)?<svg\b([^>]*)>(.*)</svg>\s*\Z", re.S)
_VIEW_BOX = re.compile(r'\bviewBox="([^"]+)"')


def theme_icons(theme) -> list[str]:
    """The icons Material draws on every page, by name (`material/menu`)."""
    icon = theme.get("icon") or {}
    names = [icon.get("alternate") or "material/translate"]  # (the menu's is shorter than a reference)
    if not theme.get("logo"):
        names.append(icon.get("logo") or "material/library")
    return names


# On a status page the table of contents is hidden (it would hold only the title) and nothing
# opens Material's dialog: neither is written, rather than written hidden on every page.
_TOC_SIDEBAR = '{% if "toc.integrate" not in features %}'
_DIALOG = re.compile(r'<div class="md-dialog" data-md-component="dialog">\s*'
                     r'<div class="md-dialog__inner md-typeset"></div>\s*</div>')


# Hooks and parts that only Material's bundle uses: `data-md-component` names what its scripts
# attach to (its style sheet never reads them), and the header's second topic (the page title)
# stays invisible until a script shows it on scrolling. A status page, which never loads the
# bundle, carries none of them: half a kilobyte on each of thousands of pages.
_BUNDLE_ONLY = {"base.html", "partials/header.html", "partials/nav.html", "partials/nav-item.html"}
_HOOK = re.compile(r'\s+data-md-component="[^"{]*"(?:\s+data-md-type="(?:navigation|toc)")?|\s+data-md-scrollfix\b')
_HEADER_TOPIC = re.compile(r'<div class="md-header__topic" data-md-component="header-topic">.*?</div>', re.S)


def without_bundle_hooks(source: str) -> str:
    """`source` with what only Material's bundle uses left out on status pages."""
    source = _HEADER_TOPIC.sub(lambda m: f"{{% if not {_ON_STATUS_PAGE} %}}{m[0]}{{% endif %}}", source, count=1)
    return _HOOK.sub(lambda m: f"{{% if not {_ON_STATUS_PAGE} %}}{m[0]}{{% endif %}}", source)


# Material labels the header's and the footer's navigation with its own strings, which say "Header"
# and "Footer" in English on Dutch (and other) pages: ours say them in the page's language.
_LANDMARK_LABELS = {"partials/header.html": "header", "partials/footer.html": "footer"}


def landmark_label(key: str) -> str:
    return f'aria-label="{{{{ lang.t(\'{key}\') }}}}"'


def patch_landmark_label(template: str, source: str) -> str:
    key = _LANDMARK_LABELS[template]
    return source.replace(landmark_label(key), f'aria-label="{{{{ statuspress.{key}_label if statuspress and '
                                               f'statuspress.{key}_label else lang.t(\'{key}\') }}}}"', 1)


def patch_base(source: str) -> str:
    source = _HTML_TAG.sub(lambda m: m[0] + ' dir="{{ config.theme.direction or lang.t(\'direction\') }}"',
                           source, count=1)
    source = source.replace(_TOC_SIDEBAR, '{% if "toc.integrate" not in features and not ('
                            f'{_ON_STATUS_PAGE} and page.meta and "toc" in (page.meta.hide or [])) %}}', 1)
    source = _DIALOG.sub(lambda m: f"{{% if not {_ON_STATUS_PAGE} %}}{m[0]}{{% endif %}}", source, count=1)
    return _CHECKBOX_AUTOCOMPLETE.sub(r"\1", source)


class PatchedLoader(jinja2.BaseLoader):
    """The theme's loader, with Material's base.html amended, its inline scripts only where they
    run, and `<lang>/404.html` served by 404.html."""

    def __init__(self, inner: jinja2.BaseLoader, icons=()):
        self.inner = inner
        self.icons = {f".icons/{name}.svg": re.sub(r"[^A-Za-z0-9-]", "-", name) for name in icons}
        self.symbols = {}  # of the icons loaded: id -> <symbol>, for THEME_SPRITE

    def get_source(self, environment, template):
        if _LANGUAGE_404.match(template):
            return self.inner.get_source(environment, "404.html")
        source, filename, uptodate = self.inner.get_source(environment, template)
        if template == "base.html":
            source = patch_base(source)
        if template in _LANDMARK_LABELS:
            source = patch_landmark_label(template, source)
        if template in _BUNDLE_ONLY:  # base.html among them
            source = without_bundle_hooks(source)
        if template in _ONLY_IF:
            source = f"{{% if {_ONLY_IF[template]} %}}{source}{{% endif %}}"
        elif template in self.icons:
            source = self._icon(template, source)
        return source, filename, uptodate

    def _icon(self, template: str, source: str) -> str:
        svg, view_box = _SVG.match(source), _VIEW_BOX.search(source)
        if not svg or not view_box or "{" in svg[2]:
            return source  # not a plain drawing: left inline
        name = self.icons[template]
        self.symbols[name] = f'<symbol id="{name}" viewBox="{view_box[1]}">{svg[2].strip()}</symbol>'
        use = (f'<svg viewBox="{view_box[1]}">'
               f'<use href="{{{{ \'{THEME_SPRITE}\' | url }}}}#{name}"/></svg>')
        return f"{{% if {_ON_STATUS_PAGE} %}}{use}{{% else %}}{source}{{% endif %}}"

    def sprite(self) -> bytes:
        symbols = "".join(self.symbols[name] for name in sorted(self.symbols))
        return f'<svg xmlns="http://www.w3.org/2000/svg">{symbols}</svg>\n'.encode()

    def list_templates(self):
        """The theme's files, without those in hidden folders (Material's 14,000 `.icons`):
        MkDocs lists them only to skip every hidden path (add_files_from_theme)."""
        if not isinstance(self.inner, jinja2.FileSystemLoader):
            return self.inner.list_templates()
        found = set()
        for top in self.inner.searchpath:
            for folder, subfolders, names in os.walk(top, followlinks=self.inner.followlinks):
                subfolders[:] = [name for name in subfolders if not name.startswith(".")]
                relative = os.path.relpath(folder, top).replace(os.sep, "/")
                prefix = "" if relative == "." else relative + "/"
                found.update(prefix + name for name in names)
        return sorted(found)


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
        "header_label": language.gettext("Page header"),
        "footer_label": language.gettext("Page footer"),
        "share": {"title": language.gettext("Page not found"), "description": "", "locale": code.replace("-", "_")},
        "jsonld": "",
    }


def generated_html(language, now: datetime) -> str:
    """ "Page generated: <time>" with the zone, for the footer of every page: a site whose
    rebuilds stopped must not look like a quiet one."""
    moment = f'<time datetime="{now.isoformat()}">{html.escape(language.datetime(now))}</time>'
    zone = html.escape(language.zone_location)
    return f'{language.gettext("Page generated: %(time)s") % {"time": moment}} ({zone})'

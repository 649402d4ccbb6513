"""Everything statuspress knows about Material for MkDocs, in one file to port when the theme changes.

- Where our theme goes (`add_theme`): before Material's folder (found by its `base.html`),
  with language partials for the languages Material has no strings for.
- Its JavaScript bundle (`uses_bundle`, `without_bundle`): needed only by search and the
  theme's optional features; status pages never load it.
- The per-page language set-up (`page_config`): Material reads the page's language, the
  site name and the language menu from the configuration, not from the page.
- What a status page tells Material (`set_page_meta`, `ANCHORS`): its title, description, a
  hidden one-entry table of contents that gives the "skip to content" link its target.
- The amendments to Material's templates as they are loaded (`PatchedLoader`). Material's
  base.html writes `<html>` and its two toggle checkboxes outside any block. The Nu HTML
  checker rejects `autocomplete` on a checkbox, and the W3C asks for `dir` on `<html>` (not
  only on `<body>`) so that the whole document, title included, reads in the right direction.
  Rather than copy the 260-line template (and miss Material's fixes), its source is amended as
  it is loaded.
- Its style sheets (`stylesheets`): status pages link, instead of them and our own sheet,
  one sheet of only the rules they use (`STATUS_CSS`, made by render/css_subset.py).
- The 404 page per language (`not_found_context`) and the footer's generation time.
- The content slot of a slotted page (`build/shell.py`'s `CONTENT`) is an `<h1>` because
  Material's `partials/content.html` prints its own `<h1>` only when the content has none.

The tripwire tests (tests/mkdocs/test_material.py) fail if a Material release changes any of
the text or behaviour relied on here.
"""
from __future__ import annotations

import html
import os
import re
import tempfile
from collections.abc import Mapping
from copy import copy
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from mkdocs.structure.nav import Navigation
from mkdocs.structure.toc import get_toc
from mkdocs.utils import normalize_url

THEME_DIR = Path(__file__).resolve().parent / "theme"
CSS = "assets/stylesheets/statuspress.css"
# What status pages link instead of Material's sheets and ours: the rules they use, made at
# the end of every build (a patient's phone waits for every render-blocking byte).
STATUS_CSS = "assets/stylesheets/statuspress-status.css"
_MATERIAL_SHEET = re.compile(r"'(assets/stylesheets/(main|palette)\.[0-9a-f]+\.min\.css)'")

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


# Not on a status page, which is thousands of times the same: the generator tag (the versions
# of MkDocs and Material, for nobody a patient knows) and the search toggle, which only
# Material's search reads (its button is in the header only when the page's configuration
# has search): 150 bytes of each statement page.
_GENERATOR = re.compile(r'<meta name="generator" content="[^"]*">')
_SEARCH_TOGGLE = re.compile(r'<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search"[^>]*>')


def patch_base(source: str) -> str:
    source = _HTML_TAG.sub(lambda m: m[0] + ' dir="{{ config.theme.direction or lang.t(\'direction\') }}"',
                           source, count=1)
    source = source.replace(_TOC_SIDEBAR, '{% if "toc.integrate" not in features and not ('
                            f'{_ON_STATUS_PAGE} and page.meta and "toc" in (page.meta.hide or [])) %}}', 1)
    source = _DIALOG.sub(lambda m: f"{{% if not {_ON_STATUS_PAGE} %}}{m[0]}{{% endif %}}", source, count=1)
    source = _GENERATOR.sub(lambda m: f"{{% if not {_ON_STATUS_PAGE} %}}{m[0]}{{% endif %}}", source, count=1)
    source = _SEARCH_TOGGLE.sub(lambda m: f'{{% if not {_ON_STATUS_PAGE} or "material/search" in config.plugins %}}'
                                f"{m[0]}{{% endif %}}", source, count=1)
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
    """The statuspress context of a 404 page (None for other templates): its language and links,
    and under "alternates" its language menu."""
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
    return {
        # The language menu (see page_config), taken out by the plugin.
        "alternates": [{"name": lang.menu_name, "lang": other, "link": base + site.prefix(other)}
                       for other, lang in languages.items()],
        "lang": code,
        "direction": language.direction,
        "status_page": True,
        "not_found": True,
        "base_url": base,
        "extra_css": [normalize_url(path, None, base) for path in config.extra_css if path != CSS],
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


def add_theme(config, directions: dict[str, str]) -> str | None:
    """Our theme folder (`THEME_DIR`) just before Material's, and language partials for the
    languages in `directions` (code -> text direction) that Material has no strings for. The
    folder of those partials, to remove after the build (None when none was needed)."""
    dirs = config.theme.dirs
    material = next((i for i, d in enumerate(dirs) if (Path(d) / "base.html").exists()), len(dirs))
    dirs.insert(material, str(THEME_DIR))
    # Material ships UI strings for most languages; for the others give it at least the
    # right `lang` and direction, with English UI strings as its own fallback does.
    missing = [code for code in directions
               if not any((Path(d) / "partials" / "languages" / f"{code}.html").exists() for d in dirs)]
    if not missing:
        return None
    fallback_dir = tempfile.mkdtemp(prefix="statuspress-theme-")
    target = Path(fallback_dir) / "partials" / "languages"
    target.mkdir(parents=True)
    for code in missing:
        (target / f"{code}.html").write_text(
            '{% import "partials/languages/en.html" as fallback %}'
            '{% macro t(key) %}{{ {"language": "' + code + '", "direction": "'
            + directions[code] + '"}[key] or fallback.t(key) }}{% endmacro %}',
            encoding="utf-8")
    dirs.append(fallback_dir)
    return fallback_dir


def stylesheets(config) -> list[Path]:
    """The files of the style sheets Material's base.html links (its `styles` block): the main
    one, and the palette's when the site sets a palette."""
    base = next((Path(d) / "base.html" for d in config.theme.dirs if (Path(d) / "base.html").exists()), None)
    if base is None:
        return []
    found = []
    for match in _MATERIAL_SHEET.finditer(base.read_text(encoding="utf-8")):
        if match[2] == "palette" and not config.theme.get("palette"):
            continue
        file = base.parent / match[1]
        if file.exists() and file not in found:
            found.append(file)
    return found


def uses_bundle(config) -> bool:
    """Whether any page needs Material's JavaScript bundle: it serves search and the theme's
    optional features; without them no page needs it (and it can fall back to fetching
    polyfills from a third-party CDN)."""
    return bool({"search", "material/search"} & set(config.plugins)) or bool(config.theme.get("features"))


def without_bundle(files) -> None:
    """The site's files without Material's bundle (`assets/javascripts/`)."""
    for file in [f for f in files if f.src_uri.startswith("assets/javascripts/")]:
        files.remove(file)


class _PageTheme(Mapping):
    """The theme's settings as one page sees them: the site's, in the page's language. Reads as
    MkDocs' `Theme` does (attributes, then keys), which keeps its keys in a private dict that a
    copy would share."""

    def __init__(self, theme, language: str):
        self._theme = theme
        self._language = language

    def __getitem__(self, key: str):
        return self._language if key == "language" else self._theme[key]

    def __iter__(self):
        return iter(dict.fromkeys([*self._theme, "language"]))

    def __len__(self) -> int:
        return len(dict.fromkeys([*self._theme, "language"]))

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._theme, name)


def page_config(config, code: str, site_name_html: str, alternates: list[dict], status_page: bool = False):
    """The configuration as the theme sees it on one page, in language `code`. Material takes
    the page's language (its `partials/languages/<code>.html` strings and direction), the site
    name and the language menu (`extra.alternate`: name, lang, link) from the configuration, not
    from the page: each page gets a copy made as Material's blog plugin makes one for its
    excerpts (a shallow copy, and a copy of each part changed), so the site's configuration
    itself is never changed from page to page. A status page's extra style sheets leave ours
    out: it is part of `STATUS_CSS`."""
    result = copy(config)
    if status_page:
        result.extra_css = [path for path in config.extra_css if path != CSS]
    result.theme = _PageTheme(config.theme, code)
    result.site_name = site_name_html
    result.extra = copy(config.extra)
    result.extra["alternate"] = alternates
    return result


def navigation(items: list) -> Navigation:
    """A navigation of `items` (pages, in order): one per language, so that each page links
    only its own language's pages."""
    for i, page in enumerate(items):
        page.parent = None
        page.previous_page = items[i - 1] if i else None
        page.next_page = items[i + 1] if i + 1 < len(items) else None
    result = Navigation(items, items)
    result.homepage = items[0]
    return result


# The target of Material's "skip to content" link on each kind of page: a one-entry table of
# contents gives it one.
ANCHORS = {"overview": "status", "history": "history", "history-month": "history", "incident": "incident",
           "update": "statement", "department": "department", "subscribe": "subscribe"}


def set_page_meta(page, kind: str, title_html: str, description_html: str) -> None:
    """What MkDocs would read from a status page's Markdown: title (printed unescaped by MkDocs
    themes, so HTML already), description, and no table of contents (Material's `hide: [toc]`)."""
    page.meta["title"] = title_html
    page.meta["hide"] = ["toc"]
    page.meta["description"] = description_html
    page.toc = get_toc([{"level": 1, "id": ANCHORS.get(kind, "content"), "name": title_html, "children": []}])

"""The theme's page around a status page, rendered the way MkDocs renders a page.

`slotted_page` renders, once per language and kind, a page whose changing values are slots
(render/shell.py); the build fills it for each statement and incident. It builds the context
as MkDocs' own `_build_page` does (`get_context`, our `on_page_context`, the theme's template,
our `on_post_page` finishing), but for the plugin's own events only: a slotted page is not a
real page for other plugins to index or rewrite.
"""
from __future__ import annotations

import html

from mkdocs.commands.build import get_context
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from ..render import shell

# The target of Material's "skip to content" link on each kind of page: a one-entry table of
# contents gives it one.
ANCHORS = {"overview": "status", "history": "history", "history-month": "history", "incident": "incident",
           "update": "statement", "department": "department", "subscribe": "subscribe"}


def set_page_meta(page: Page, kind: str, title_html: str, description_html: str) -> None:
    """What MkDocs would read from a status page's Markdown: title (printed unescaped by MkDocs
    themes, so HTML already), description, no table of contents."""
    page.meta["title"] = title_html
    page.meta["hide"] = ["toc"]
    page.meta["description"] = description_html
    page.toc = get_toc([{"level": 1, "id": ANCHORS.get(kind, "content"), "name": title_html, "children": []}])


def _in_theme(plugin, page: Page, config, env, files, nav) -> str:
    """`page` through the theme's template, as MkDocs' `_build_page` does it, with our events only."""
    page.active = True
    config._current_page = page
    try:
        context = get_context(nav, files, config, page)
        context = plugin.on_page_context(context, page, config, nav)
        return env.get_template("main.html").render(context)
    finally:
        page.active = False
        config._current_page = None


def slotted_page(plugin, sample, config, env, files, nav) -> shell.Slotted:
    """The theme page of `sample`'s language and kind, with slots (`sample` is a RenderedPage
    whose key, title and description are the slots, registered with the plugin)."""
    file = File.generated(config, sample.src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV)
    page = Page(shell.TITLE, file, config)
    set_page_meta(page, sample.kind, shell.TITLE, shell.DESCRIPTION)
    page.content = shell.CONTENT
    return shell.Slotted.of(plugin.finished_status_page(_in_theme(plugin, page, config, env, files, nav)))


def rendered_page(plugin, rendered, config, env, files, nav) -> str:
    """One status page in the theme, as the build writes it through MkDocs (the plugin must
    have it planned): for a preview that renders pages when they are asked for."""
    # A page in the navigation is that page (it links the previous and next ones); others are new.
    page = next((p for p in nav.pages if p.file.src_uri == rendered.src_uri), None)
    if page is None:
        file = File.generated(config, rendered.src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV)
        page = Page(html.escape(rendered.title), file, config)
    set_page_meta(page, rendered.kind, html.escape(rendered.title), html.escape(rendered.description))
    page.content = ""
    return plugin.on_post_page(_in_theme(plugin, page, config, env, files, nav), page, config)

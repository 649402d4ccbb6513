"""The theme's page around a status page, rendered the way MkDocs renders a page.

`slotted_page` renders, once per language and kind, a page whose changing values are slots
(build/shell.py); the build fills it for each statement and incident. It builds the context
as MkDocs' `_build_page` does (`get_context`, our `on_page_context`, the theme's template,
our `on_post_page` finishing), but for the plugin's own events only: a slotted page is not a
real page for other plugins to index or rewrite. What it needs of the build comes in one
`ThemeSetup`, made by the plugin once MkDocs has set up the theme (on_env).
"""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

import jinja2
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..build import shell
from .material import set_page_meta


class StatusPage(Page):
    """A status page as MkDocs sees it: its Markdown is empty, so MkDocs' own rendering (a new
    Markdown instance with every extension, per page) would only produce emptiness, slowly.
    Its table of contents and title come with its meta (`set_page_meta`); its HTML is rendered
    just before it is written."""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = ""
        self.present_anchor_ids = set()
        self.links_to_anchors = {}


@dataclass
class ThemeSetup:
    """What renders a status page in the theme as the build set it up, handed explicitly to
    this module's functions and to the preview (mkdocs/preview.py)."""

    config: MkDocsConfig
    env: jinja2.Environment
    files: Files
    navs: dict[str, Navigation]  # one per language (see the plugin's on_nav)
    # The plugin's page events: the context of a page (on_page_context) and the finishing of a
    # page's output (on_post_page), and of a slotted page's theme markup (finished and compacted).
    page_context: Callable[[dict, Page, MkDocsConfig, Navigation], dict]
    post_page: Callable[[str, Page, MkDocsConfig], str]
    finish_slotted: Callable[[str], str]
    shells: dict[tuple[str, str], shell.Slotted] = field(default_factory=dict)  # (lang, kind) -> slotted page

    def new_page(self, title_html: str | None, src_uri: str) -> StatusPage:
        file = File.generated(self.config, src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV)
        return StatusPage(title_html, file, self.config)

    def in_theme(self, page: Page, lang: str) -> str:
        """`page` through the theme's template, as MkDocs' `_build_page` does it, with our events only."""
        nav = self.navs[lang]
        page.active = True
        try:
            context = get_context(nav, self.files, self.config, page)
            context = self.page_context(context, page, self.config, nav)
            return self.env.get_template("main.html").render(context)
        finally:
            page.active = False


def slotted_page(theme: ThemeSetup, sample) -> shell.Slotted:
    """The theme page of `sample`'s language and kind, with slots (`sample` is a RenderedPage
    whose key, title and description are the slots, registered with the plugin)."""
    page = theme.new_page(shell.TITLE, sample.src_uri)
    set_page_meta(page, sample.kind, shell.TITLE, shell.DESCRIPTION)
    page.content = shell.CONTENT
    return shell.Slotted.of(theme.finish_slotted(theme.in_theme(page, sample.lang)))


def rendered_page(theme: ThemeSetup, rendered) -> str:
    """One status page in the theme, as the build writes it through MkDocs (the plugin must
    have it planned): for a preview that renders pages when they are asked for."""
    # A page in the navigation is that page (it links the previous and next ones); others are new.
    nav = theme.navs[rendered.lang]
    page = next((p for p in nav.pages if p.file.src_uri == rendered.src_uri), None)
    if page is None:
        page = theme.new_page(html.escape(rendered.title), rendered.src_uri)
    set_page_meta(page, rendered.kind, html.escape(rendered.title), html.escape(rendered.description))
    page.content = ""
    return theme.post_page(theme.in_theme(page, rendered.lang), page, theme.config)

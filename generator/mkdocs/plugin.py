"""The `statuspress` MkDocs plugin: MkDocs' events, calling the pipeline.

read (on_config) -> compute (on_config) -> plan the pages (on_files) -> place them in
Material: the few in the navigation, and the departments', as MkDocs pages (on_nav,
on_page_*); the thousands of statement and incident pages from one slotted theme page per
language and kind (on_env, see wrap.py), written by both cores (on_post_build, see
build/writer.py). Every language is built in this one MkDocs run: each page gets its
language's Material strings, navigation and alternates just before it is rendered. What is
known about Material is in material.py; the building and publishing in generator/build/.
"""
from __future__ import annotations

import html
import logging
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.utils import CountHandler, get_build_date

from ..compute import build_time, compute
from ..compute.checks import publication_warnings
from ..read import Problems, site_dir_problems
from ..read.problems import escaped
from ..read.site import SiteUrlError, site_url_from_environment
from ..build import shell
from ..render import csp, css_subset, inline_css, urls
from ..render.admin import admin_files, admin_policy, bundle_address, github_repository
from ..cache import remembered, template_cache
from ..render.headers import headers_file, too_many_rules
from ..compute.status import BuildTimeError
from ..render.i18n import Language
from ..render.markdown import SPECIMEN
from ..render.pages import RenderedPage, plan_pages
from ..render.text import clean
from ..build.files import write_file, write_files
from ..build.publish import Publication, PublishError
from ..build.writer import SLOTTED_KINDS, PageWriter, slotted_pages
from ..validate import load_site
from . import material
from .broken import problem_showing
from .config import StatuspressConfig
from .material import (LANGUAGE_404, THEME_SPRITE, PatchedLoader, generated_html, not_found_context,
                       set_page_meta, theme_icons)
from .wrap import StatusPage, ThemeSetup, slotted_page

log = logging.getLogger("mkdocs.plugins.statuspress")


class NoWorkflowCommands(logging.Filter):
    """Keeps any line MkDocs prints from starting with '::' (leading spaces aside, as a GitHub Actions
    runner reads it): such a line is a workflow command ('::error file=...::', '::add-mask::'), and a
    title or a file name quoted in a message must not issue one. Our own problems escape their line
    breaks already (Problem.format); this also covers MkDocs' and other plugins' messages."""

    _LINE = re.compile(r"(\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029])")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "::" in message:
            parts = self._LINE.split(message)
            guarded = "".join(escaped(part) if i % 2 == 0 and part.lstrip().startswith("::") else part
                              for i, part in enumerate(parts))
            if guarded != message:
                record.msg, record.args = guarded, ()
        return True


def guard_log() -> None:
    """NoWorkflowCommands on every handler that prints MkDocs' log (its own, and the root's)."""
    for logger in (logging.getLogger("mkdocs"), logging.getLogger()):
        for handler in logger.handlers:
            if not any(isinstance(f, NoWorkflowCommands) for f in handler.filters):
                handler.addFilter(NoWorkflowCommands())



class StatuspressPlugin(BasePlugin[StatuspressConfig]):
    """The build's state between MkDocs' events. The preview (preview.py) reads `theme` (the
    theme as the build set it up), `snapshot`, `site`, `languages` and `updates_dir`, and
    re-plans the pages with `use_plan`."""

    supports_multiple_instances = False

    def __init__(self):
        self.pages = {}  # src_uri -> RenderedPage
        self.by_key = {}  # (kind, key, lang) -> RenderedPage
        self.navs = {}
        self.site = None
        self.snapshot = None
        self.languages = {}
        self.final_site_dir = None
        self.theme_fallback_dir = None
        self.planned = {}  # src_uri -> PlannedPage, of the pages MkDocs renders
        self.writer = None  # writes the slotted pages, and makes feeds, API, calendar, badges
        self.slotted = []  # (lang, kind) of the slotted theme pages to make
        self.pending = None  # (HTML, JSON-LD) of the status page MkDocs is rendering
        self.theme = None  # a ThemeSetup, from on_env on; its `shells` are the slotted theme pages
        self.loader = None  # the theme's, which knows the icons the pages refer to
        self.script_hashes = set()  # of every page's inline scripts, for the _headers policy
        self.publication = None
        # The largest page of each (direction, kind) made: what the status pages' sheet is cut to.
        self.css_samples = {}
        self.slotted_samples = {}  # (direction, kind) -> the PlannedPage sampled, of a slotted kind
        # The pages MkDocs writes that get the sheet inside them (render/inline_css.py), by path in
        # the site, and the hash sources of the <style> so put.
        self.inline_css_pages = set()
        self.style_hashes = set()

    # -- read and compute ------------------------------------------------------

    def on_startup(self, *, command, dirty):
        self.command = command

    def on_config(self, config):
        guard_log()
        config_file = Path(config.config_file_path) if config.config_file_path else None
        root = config_file.parent if config_file else Path.cwd()
        # Before anything is written: a site_dir over the statements would be swapped away with them.
        misplaced = site_dir_problems(config.site_dir, updates_dir=root / self.config.updates_dir,
                                      docs_dir=config.docs_dir, config_file=config_file)
        if misplaced:
            for problem in misplaced:
                log.error(problem.format(root))
            raise PluginError("statuspress: the site folder would replace the statements' or the repository's "
                              "own files; nothing was written. Choose another site_dir and build again.")
        # A mirror's build publishes at its own address (STATUSPRESS_SITE_URL); the preview
        # serves at its own and keeps it.
        if getattr(self, "command", None) != "serve":
            try:
                config.site_url = site_url_from_environment(config.site_url)
            except SiteUrlError as exc:
                raise PluginError(f"statuspress: {exc}") from None
        # First of all, even for a build that will fail: wait for our turn at site_dir and
        # repair what an interrupted build may have left there.
        self.publication = Publication(config.site_dir, self.config.publish_lock_timeout)
        try:
            staging = self.publication.begin()
        except (PublishError, OSError) as exc:
            self.publication = None
            raise PluginError(f"statuspress: {exc}") from exc
        loaded = load_site(dict(self.config), site_name=config.site_name, site_url=config.site_url,
                           config_file=config_file)
        site, statements, problems = loaded.site, loaded.statements, loaded.problems
        self.updates_dir = loaded.updates_dir
        errors = problems.errors
        if errors:
            for problem in problems.sorted():
                if problem.is_error:
                    log.error(problem.format(root))
            raise PluginError(f"statuspress: {len(errors)} problem(s) in the statements or mkdocs.yml; nothing "
                              "was published and the previous site is unchanged. Fix them and build again "
                              "(`statuspress check` lists them too).")
        self.site = site
        self.script_hashes = set()
        # The theme prints these unescaped; our renderers took them as text already (read_site).
        config.site_name = theme_text(site.name)
        if config.site_description:
            config.site_description = theme_text(config.site_description)
        try:
            now = build_time()
        except BuildTimeError as exc:
            raise PluginError(f"statuspress: {exc}; nothing was published") from None
        self.snapshot = compute(site, statements, now)
        for problem in Problems([*problems, *publication_warnings(self.snapshot)]).sorted():
            log.warning(problem.format(root))
        self.languages = {code: Language(code, site.timezone) for code in site.languages}
        self.theme_fallback_dir = material.add_theme(
            config, {code: language.direction for code, language in self.languages.items()})
        config.extra_css.append(material.CSS)
        self.material_js = material.uses_bundle(config)
        # Build into the staging folder and publish it at the very end: a build that fails
        # half-way leaves the previous site exactly as it was.
        self.final_site_dir = config.site_dir
        config.site_dir = staging
        log.info(f"statuspress: {self.final_site_dir} is replaced only once the whole build has succeeded")
        return config

    def on_serve(self, server, config, builder):
        server.watch(str(self.updates_dir))
        # MkDocs' server holds every request until a rebuild succeeds: a statement the build
        # refuses would hang the preview, and with it the editor that could fix it.
        server.builder = problem_showing(server.builder, Path(config.config_file_path), server.root)
        return server

    # -- render ----------------------------------------------------------------

    def on_files(self, files, config):
        # Only the pages' metadata here; each page's HTML is rendered as it is written.
        planned = plan_pages(self.snapshot, self.languages)
        rendered = [p.page for p in planned]
        to_slot = slotted_pages(planned, self.snapshot)
        slotted = {p.page.src_uri for p in to_slot}
        self.use_plan(self.snapshot, planned, slotted)
        self.slotted = sorted({(p.page.lang, p.page.kind) for p in to_slot})
        self.css_samples = {}
        self.slotted_samples = {}
        self.inline_css_pages = set()
        self.style_hashes = set()
        # Of the kinds that may be slotted, the first page of each direction is sampled, whichever
        # way it is written: the sheet does not depend on how pages are made (test_shell.py).
        for planned_page in planned:
            if planned_page.page.kind in SLOTTED_KINDS:
                key = (self.languages[planned_page.page.lang].direction, planned_page.page.kind)
                self.slotted_samples.setdefault(key, planned_page)
        self.sitemap = [urls.absolute(self.site, p.page.path) for p in to_slot]
        for page in rendered:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                log.warning(f"docs/{page.src_uri} is replaced by the generated status page at the same address")
                files.remove(existing)
            if page.src_uri not in slotted:
                file = File.generated(config, page.src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV)
                files.append(file)
                StatusPage(None, file, config)  # (MkDocs makes a plain Page of a file without one)
        if not self.material_js:
            material.without_bundle(files)
        self._close_writer()
        # Feeds, API, calendar and badges are made on the other core meanwhile; then both write pages.
        self.writer = PageWriter(self.snapshot, config.site_dir, to_slot)
        return files

    def use_plan(self, snapshot, planned, slotted=frozenset()) -> None:
        """The status pages of `snapshot`: every page's metadata, for titles and language
        links; how to render those not in `slotted`, which go through MkDocs' page events."""
        self.snapshot = snapshot
        self.pages = {p.page.src_uri: p.page for p in planned}
        self.by_key = {(p.page.kind, p.page.key, p.page.lang): p.page for p in planned}
        self.planned = {p.page.src_uri: p for p in planned if p.page.src_uri not in slotted}

    def on_env(self, env, config, files):
        # A global, not page context: the 404 page is rendered without a page context.
        env.globals["statuspress_material_js"] = self.material_js
        env.globals["statuspress_status_css"] = material.STATUS_CSS
        env.loader = self.loader = PatchedLoader(env.loader, theme_icons(config.theme))
        env.bytecode_cache = env.bytecode_cache or template_cache()
        # A 404 page per language; hosts serve the root one, in the default language, for every miss.
        for code in self.site.languages[1:]:
            config.theme.static_templates.add(LANGUAGE_404.format(lang=code))
        # Written by us, not MkDocs: the sitemap template lists them from here.
        env.globals["statuspress_sitemap"] = {"pages": self.sitemap, "lastmod": get_build_date()}
        # Also for `statuspress serve`, which renders pages on request.
        self.theme = ThemeSetup(config=config, env=env, files=files, navs=self.navs,
                                page_context=self.on_page_context, post_page=self.on_post_page,
                                finish_slotted=self.finished_status_page)
        self.theme.shells = self._slotted_pages()
        self.writer.start(self.theme.shells)
        return env

    def _slotted_pages(self) -> dict:
        """The theme page of each language and kind of the slotted pages, with slots."""
        kinds = {"update": urls.update, "incident": urls.incident}
        samples = {}
        # Every language's slotted page first: each links to the others.
        for code, kind in self.slotted:
            sample = RenderedPage(path=kinds[kind](self.site, code, shell.KEY), lang=code, kind=kind,
                                  key=shell.KEY, title=shell.TITLE_ESCAPED, html="",
                                  description=shell.DESCRIPTION_ESCAPED)
            self.pages[sample.src_uri] = self.by_key[(kind, shell.KEY, code)] = samples[(code, kind)] = sample
        try:
            return {slot: slotted_page(self.theme, sample) for slot, sample in samples.items()}
        finally:
            for (code, kind), sample in samples.items():
                del self.pages[sample.src_uri], self.by_key[(kind, shell.KEY, code)]

    def on_template_context(self, context, template_name, config):
        found = not_found_context(template_name, self.site, self.languages, config)
        if found is not None:
            context["config"] = material.page_config(config, found["lang"], theme_text(self.site.title(found["lang"])),
                                                     found.pop("alternates"), status_page=True)
            context.update(base_url=found["base_url"], extra_css=found["extra_css"], nav=self.navs[found["lang"]])
            context["statuspress"] = found
        return context

    def page_language(self, src_uri: str) -> str:
        first = src_uri.split("/", 1)[0]
        return first if first in self.site.languages[1:] else self.site.default_language

    def on_nav(self, nav, config, files):
        """One navigation per language: its overview, its history, subscribing, then its hand-written pages."""
        handwritten = {code: [] for code in self.site.languages}
        for page in nav.pages:
            if page.file.src_uri not in self.pages:
                handwritten[self.page_language(page.file.src_uri)].append(page)
        for code in self.site.languages:
            items = []
            for kind in ("overview", "history", "subscribe"):
                rendered = self.by_key[(kind, kind, code)]
                file = files.get_file_from_path(rendered.src_uri)
                items.append(file.page or StatusPage(html.escape(rendered.title), file, config))
            items.extend(handwritten[code])
            self.navs[code] = material.navigation(items)
        self.handwritten = {page.file.src_uri: page for pages in handwritten.values() for page in pages}
        return self.navs[self.site.default_language]

    def on_page_markdown(self, markdown, page, config, files):
        rendered = self.pages.get(page.file.src_uri)
        if rendered is None:
            return markdown
        # Page titles are printed unescaped by MkDocs themes: they must be HTML already.
        set_page_meta(page, rendered.kind, html.escape(rendered.title), html.escape(rendered.description))
        return ""

    def on_page_content(self, content, page, config, files):
        if page.file.src_uri not in self.pages:
            return content
        # The table of contents was set with the page's meta (on_page_markdown); the HTML
        # itself is rendered just before the page is written (on_page_context).
        return ""

    @event_priority(100)  # first: other plugins (search) read the page's content here
    def on_page_context(self, context, page, config, nav):
        src_uri = page.file.src_uri
        jsonld = ""
        if src_uri in self.planned:
            # The theme gets slots for the content and JSON-LD: its own markup is compacted
            # before they are filled in (on_post_page), as in a slotted page.
            planned = self.planned[src_uri]
            self.pending = (planned.render(), planned.jsonld())
            page.content = shell.CONTENT
            jsonld = shell.JSONLD if self.pending[1] else ""
        elif src_uri in self.pages:  # a slotted page being made (wrap.py)
            jsonld = shell.JSONLD
        code = self.page_language(src_uri)
        rendered = self.pages.get(src_uri)
        context["config"] = material.page_config(config, code, theme_text(self.site.title(code)), [
            {"name": language.menu_name, "lang": other, "link": self._counterpart(src_uri, rendered, other)}
            for other, language in self.languages.items()
        ], status_page=rendered is not None)
        context["nav"] = self.navs[code]
        language = self.languages[code]
        feeds = [
            {"type": "application/rss+xml", "href": f"{self.site.prefix(code)}rss.xml",
             "title": f"{self.site.title(code)} (RSS)"},
            {"type": "application/atom+xml", "href": f"{self.site.prefix(code)}atom.xml",
             "title": f"{self.site.title(code)} (Atom)"},
        ]
        if rendered is not None and rendered.kind == "department":
            base = f"{self.site.prefix(code)}departments/{rendered.key}/"
            name = self.site.department_name(rendered.key, code)
            feeds.append({"type": "application/rss+xml", "href": f"{base}rss.xml", "title": f"{name} (RSS)"})
        context["statuspress"] = {
            "status_page": rendered is not None,
            "lang": code,
            "direction": language.direction,
            "feeds": feeds,
            "printed_label": language.gettext("Printed on"),
            "header_label": language.gettext("Page header"),
            "footer_label": language.gettext("Page footer"),
            "organisation": self.site.organisation_name(code),
            "generated": generated_html(language, self.snapshot.now),
            "share": {
                "title": rendered.title if rendered is not None else page.title,
                "description": rendered.description if rendered is not None else "",
                "locale": code.replace("-", "_"),
            },
            "jsonld": jsonld,
        }
        return context

    def _counterpart(self, src_uri: str, rendered, other: str) -> str:
        """The same page in language `other`; its overview when that page does not exist."""
        if rendered is not None:
            target = self.by_key.get((rendered.kind, rendered.key, other))
            if target is not None:
                return target.path or "./"
        else:
            code = self.page_language(src_uri)
            bare = src_uri[len(self.site.prefix(code)):]
            candidate = self.site.prefix(other) + bare
            page = self.handwritten.get(candidate)
            if page is not None:
                return page.url or "./"
        return self.site.prefix(other) or "./"

    # -- finish ----------------------------------------------------------------

    def on_post_page(self, output, page, config):
        if page.file.src_uri not in self.planned:
            return self._finished_page(output)
        page.content = ""  # written: its HTML need not be kept
        content, jsonld = self.pending
        self.pending = None
        filled = shell.values("", "", "", content, jsonld)
        finished = shell.Slotted.of(self.finished_status_page(output)).fill(
            {slot: filled[slot] for slot in (shell.CONTENT, shell.JSONLD)})
        rendered = self.pages[page.file.src_uri]
        self._css_sample(rendered.lang, rendered.kind, finished, page.file.src_uri)
        if rendered.kind not in SLOTTED_KINDS:  # a statement or incident page links it, however made
            self.inline_css_pages.add(page.file.dest_path)
        return finished

    def _css_sample(self, code: str, kind: str, page: str, src_uri: str = "") -> None:
        key = (self.languages[code].direction, kind)
        if kind in SLOTTED_KINDS:
            sampled = self.slotted_samples.get(key)
            if sampled is not None and sampled.page.src_uri == src_uri:
                self.css_samples[key] = page
        elif len(page) > len(self.css_samples.get(key, "")):
            self.css_samples[key] = page

    def finished_status_page(self, output: str) -> str:
        """A status page's theme markup, finished (`_finished_page`) and compacted."""
        return shell.compact(self._finished_page(output))

    def on_post_template(self, output_content, template_name, config):
        if not template_name.endswith(".html"):
            return output_content
        finished = self._finished_page(output_content)
        found = not_found_context(template_name, self.site, self.languages, config)
        if found is not None:
            self._css_sample(found["lang"], "404", finished)
            self.inline_css_pages.add(template_name)
        return finished

    def _finished_page(self, output: str) -> str:
        """A page as published: no control or bidi character from any source (the theme prints
        config strings and titles as they are), and a CSP allowing its own inline scripts only."""
        page = clean(output)
        self.script_hashes.update(csp.script_hashes(page))
        return csp.with_policy(page)

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, config):
        staging = config.site_dir
        # Made while the worker writes pages on the other core.
        status_css = self._status_css(config)
        write_file(staging, material.STATUS_CSS, status_css.encode("utf-8"))
        self._inline_status_css(staging, status_css)
        self.writer.finish()  # this process's share of the slotted pages, and the worker's
        write_files(staging, self.writer.outputs())
        self._close_writer()
        write_files(staging, {THEME_SPRITE: self.loader.sprite()})
        self._write_publishing_files(config, staging)
        if _strict_warnings(config):
            # MkDocs raises its strict-mode Abort only after this event: stay unpublished, and
            # let on_build_error drop the staging folder.
            log.info(f"statuspress: strict mode and warnings: {self.final_site_dir} is left as it was")
            return
        config.site_dir = self.final_site_dir
        try:
            self.publication.publish()
        except (PublishError, OSError) as exc:
            raise PluginError(f"statuspress: could not publish to {self.final_site_dir}: {exc}") from exc
        self.publication = None
        self._cleanup()

    def _inline_status_css(self, staging: str, status_css: str) -> None:
        """The sheet put inside the status pages MkDocs wrote (render/inline_css.py); the
        statement and incident pages keep their link."""
        if not inline_css.can_inline(status_css):
            log.warning("statuspress: the status pages' sheet holds a relative url() or '</style': "
                        "it stays a linked file on every page")
            return
        for path in sorted(self.inline_css_pages):
            file = Path(staging) / path
            page = file.read_text(encoding="utf-8")
            with_sheet = inline_css.inlined(page, material.STATUS_CSS, status_css)
            if with_sheet != page:
                write_file(staging, path, with_sheet.encode("utf-8"))
                self.style_hashes.add(csp.style_hash(inline_css.carried(status_css)))

    def _status_css(self, config) -> str:
        """The status pages' style sheet: the rules of Material's sheets that the status pages
        made use, then ours whole (every rule of it is for them). Matched against, for each text
        direction, the largest page of each kind (the first of the statement and incident pages)
        and a page's content holding every element a statement may hold (SPECIMEN): the theme's
        markup is the same on every page of a kind, and statements' own markup is limited to
        those elements. Kept in the cache under the
        digest of the sheets and the sampled pages' structure (`css_subset.structure`): a new
        statement adds cards of known shapes, and the next build reads the same sheet."""
        pages = list(self.css_samples.values())
        for (direction, kind), planned in self.slotted_samples.items():
            sample = planned.page
            if (direction, kind) not in self.css_samples:  # slotted: not made by MkDocs
                pages.append(self.theme.shells[(sample.lang, kind)].fill(
                    shell.values(sample.key, sample.title, sample.description, planned.render(), planned.jsonld())))
        for direction in sorted({language.direction for language in self.languages.values()}):
            pages.append(f'<html dir="{direction}"><body><div class="md-container"><main class="md-main">'
                         f'<div class="md-content"><article class="md-content__inner md-typeset">{SPECIMEN}'
                         '</article></div></main></div></body></html>')
        sheets = [path.read_text(encoding="utf-8") for path in material.stylesheets(config)]
        ours = (material.THEME_DIR / material.CSS).read_text(encoding="utf-8")
        named = css_subset.classes_named(sheets)
        inputs = [css_subset.fingerprint(), *(sheet.encode() for sheet in sheets), ours.encode(),
                  *sorted({line.encode() for page in pages for line in css_subset.structure(page, named)})]
        subset = remembered("status-css", inputs, lambda: css_subset.subset(sheets, pages, ours))
        return subset + "\n" + css_subset.minify(ours)

    def _write_publishing_files(self, config, staging: str) -> None:
        """The browser editor (admin/) and the hosts' header rules (_headers), last: the rules
        cover every file of the finished tree."""
        repo = github_repository(config.repo_url)
        root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        # The writer's guide, when the site has one (docs/guide.md: the example's, kept out of the menu).
        guide = urls.absolute(self.site, "guide/") if (Path(config.docs_dir) / "guide.md").is_file() else None
        write_files(staging, admin_files(self.site, repo, updates_dir=self.config.updates_dir,
                                         snapshot=self.snapshot, root=root, local_backend=_serving(config),
                                         guide=guide))
        # The header allows every page's inline scripts (a meta tag narrows it per page), and
        # adds what only a header can carry.
        headers = headers_file(csp.policy(self.script_hashes, self.style_hashes) + "; frame-ancestors 'self'", staging,
                               admin_csp=admin_policy(bundle_address(self.site)))
        write_file(staging, "_headers", headers)
        warning = too_many_rules(headers)
        if warning:
            log.warning(f"statuspress: {warning}")

    def on_build_error(self, error):
        if self.publication is not None:
            self.publication.abandon()
            self.publication = None
        self._close_writer()
        self._cleanup()

    def _cleanup(self):
        if self.theme_fallback_dir:
            shutil.rmtree(self.theme_fallback_dir, ignore_errors=True)
            self.theme_fallback_dir = None

    def _close_writer(self):
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def _serving(config) -> bool:
    """Whether this is `mkdocs serve`: it sets site_url to its own address (dev_addr)."""
    host, port = config.dev_addr
    return urlsplit(config.site_url or "").netloc == f"{host}:{port}"


def theme_text(text: str) -> str:
    """A config string as the theme prints it: Material writes site_name and the like unescaped."""
    return html.escape(clean(text))


def _strict_warnings(config) -> int:
    """How many warnings MkDocs' strict mode has counted so far (it aborts on any)."""
    if not config.strict:
        return 0
    return sum(count for handler in logging.getLogger("mkdocs").handlers if isinstance(handler, CountHandler)
               for _, count in handler.get_counts())

"""What statuspress knows about Material (generator/mkdocs/material.py) still holds for the
installed Material: the text its template amendments match, where its folder and language
partials are, how it reads the page's language and prints a page's `<h1>`; and a status page
carries none of what only Material's bundle uses (README, "For developers")."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import lxml.etree
import lxml.html
import material
import pytest

from generator.build import shell
from generator.mkdocs import material as theme_fixes
from helpers import EXAMPLE_CONFIG
from helpers import REPO as ROOT

MATERIAL = Path(material.__file__).parent / "templates"
SVG = "{http://www.w3.org/2000/svg}"


def test_every_amendment_still_matches_materials_base_template():
    source = (MATERIAL / "base.html").read_text(encoding="utf-8")
    patched = theme_fixes.patch_base(source)
    assert 'class="no-js"' in patched and "<html lang=\"{{ lang.t('language') }}\" dir=" in patched
    assert 'autocomplete="off"' in source and 'autocomplete="off"' not in patched
    assert patched.count('"toc" in (page.meta.hide or [])') == 1
    assert re.search(r'\{% if not \(statuspress and statuspress.status_page\) %\}<div class="md-dialog"', patched)
    assert re.search(r'\{% if not \(statuspress and statuspress.status_page\) %\}<meta name="generator"', patched)
    assert re.search(r'\{% if not \(statuspress and statuspress.status_page\) or "material/search" in config.plugins %\}'
                     r'<input class="md-toggle" data-md-toggle="search"', patched)
    jinja2.Environment().parse(patched)  # still a template


@pytest.mark.parametrize("name", sorted(theme_fixes._BUNDLE_ONLY))
def test_bundle_hooks_are_found_in_materials_templates(name):
    """Each template amended still carries hooks for the bundle, and every one is made conditional."""
    source = (MATERIAL / name).read_text(encoding="utf-8")
    patched = theme_fixes.without_bundle_hooks(source)
    hooks = re.findall(r'data-md-component="[^"{]*"|data-md-scrollfix', source)
    assert hooks
    conditional = re.findall(r'\{% if not \(statuspress and statuspress.status_page\) %\}\s*'
                             r'(data-md-component="[^"{]*"|data-md-scrollfix)', patched)
    assert len(conditional) == len(hooks), name
    if name == "partials/header.html":
        assert re.search(r'\{% if not \(statuspress and statuspress.status_page\) %\}'
                         r'<div class="md-header__topic"[^>]*header-topic', patched)
    jinja2.Environment().parse(patched)


@pytest.mark.parametrize("name", ["partials/javascripts/base.html", "partials/javascripts/palette.html",
                                  "partials/javascripts/content.html"])
def test_inline_scripts_are_wrapped_in_a_condition(name):
    loader = theme_fixes.PatchedLoader(jinja2.FileSystemLoader(str(MATERIAL)))
    source, _, _ = loader.get_source(jinja2.Environment(), name)
    assert source.startswith("{% if ") and source.endswith("{% endif %}") and "<script>" in source


def test_theme_icons_become_references_and_symbols():
    names = theme_fixes.theme_icons({"icon": {"logo": "material/hospital-building"}})
    assert names == ["material/translate", "material/hospital-building"]
    assert theme_fixes.theme_icons({"logo": "images/logo.png"}) == ["material/translate"]  # an image stays
    loader = theme_fixes.PatchedLoader(jinja2.FileSystemLoader(str(MATERIAL)), names)
    env = jinja2.Environment(loader=loader)
    source, _, _ = loader.get_source(env, ".icons/material/hospital-building.svg")
    assert "statuspress-theme.svg" in source and "{% else %}<svg" in source
    sprite = lxml.etree.fromstring(loader.sprite())
    symbols = {s.get("id"): s for s in sprite.iter(f"{SVG}symbol")}
    assert list(symbols) == ["material-hospital-building"]
    assert symbols["material-hospital-building"].get("viewBox") == "0 0 24 24"
    assert symbols["material-hospital-building"].find(f"{SVG}path") is not None


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site = tmp_path_factory.mktemp("theme") / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(ROOT / "mkdocs.yml"),
                             "-d", str(site)], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "SOURCE_DATE_EPOCH": "1768471200",
                                 "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr
    return site


def _status_pages(site: Path) -> list[Path]:
    pages = [site / "index.html", site / "fr" / "history" / "index.html"]
    for folder in ("updates", "incidents", "departments"):
        pages.append(next((site / "en" / folder).glob("*/index.html")))
    return pages


def test_status_pages_carry_only_what_runs(built):
    sprite = lxml.etree.fromstring((built / theme_fixes.THEME_SPRITE).read_bytes())
    symbols = {s.get("id") for s in sprite.iter(f"{SVG}symbol")}
    assert {"material-translate", "material-hospital-building"} <= symbols
    for path in _status_pages(built):
        text = path.read_text(encoding="utf-8")
        doc = lxml.html.fromstring(text)
        scripts = doc.xpath("//script[not(@src)]")
        assert [s.get("type") for s in scripts] == ["application/ld+json"] * len(scripts), path
        assert "script-src 'self';" in doc.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')[0]
        assert not doc.cssselect(".md-dialog, .md-sidebar--secondary"), path
        # No generator tag, and no search toggle where the header has no search button.
        assert not doc.xpath('//meta[@name="generator"]'), path
        assert bool(doc.xpath('//input[@id="__search"]')) == bool(doc.xpath('//label[@for="__search"]')), path
        # Nothing only Material's scripts read: no component hooks, no hidden second header title.
        assert not doc.xpath("//*[@data-md-component or @data-md-scrollfix]"), path
        assert len(doc.cssselect(".md-header__topic")) == 1, path
        header = doc.cssselect(".md-header")[0]
        for use in header.cssselect("svg use"):
            href, _, symbol = use.get("href").partition("#")
            assert href.endswith("assets/statuspress-theme.svg") and symbol in symbols, path
            assert (path.parent / href).resolve() == (built / theme_fixes.THEME_SPRITE).resolve()
        assert len(header.cssselect("svg use")) == 2, path  # the logo, the language button
        assert not header.xpath(".//svg/path[string-length(@d) > 150]"), path  # no long inline drawing


def test_hand_written_pages_keep_materials_page(built):
    """A page of docs/ is Material's own: its dialog and table of contents stay."""
    doc = lxml.html.fromstring((built / "about" / "index.html").read_bytes())
    assert doc.cssselect(".md-dialog") and doc.cssselect(".md-sidebar--secondary")
    assert doc.xpath('//meta[@name="generator"]')
    assert doc.xpath('//*[@data-md-component="header-topic"]') and doc.xpath('//*[@data-md-component="content"]')


def test_theme_files_listed_without_hidden_folders():
    """MkDocs copies every theme file but hidden ones: the listing skips Material's `.icons`
    folder (14,000 files) and gives MkDocs the same files as the plain loader."""
    import fnmatch

    from mkdocs.utils import markdown_extensions

    inner = jinja2.FileSystemLoader([str(MATERIAL), str(ROOT / "generator" / "mkdocs" / "theme")])
    ours = theme_fixes.PatchedLoader(inner).list_templates()
    skipped = [".*", "*/.*", "*.py", "*.pyc", "*.html", "*readme*", "mkdocs_theme.yml", "locales/*",
               *(f"*{x}" for x in markdown_extensions)]

    def copied(names):
        return [n for n in names if not any(fnmatch.fnmatch(n.lower(), p) for p in skipped)]

    assert copied(ours) == copied(inner.list_templates())
    assert "assets/statuspress.js" in ours and "base.html" in ours
    assert not [n for n in ours if n.startswith(".icons/")]


def test_materials_content_prints_its_own_h1_only_without_one_in_the_content():
    """A slotted page's content slot is an `<h1>` (build/shell.py), so that the theme leaves the
    heading to the content, as on every page MkDocs renders."""
    source = (MATERIAL / "partials" / "content.html").read_text(encoding="utf-8")
    assert '{% if "\\u003ch1" not in page.content %}' in source
    assert shell.CONTENT.startswith("<h1>")


def test_our_theme_goes_before_materials_with_partials_for_languages_it_lacks():
    from mkdocs.config import load_config

    config = load_config(str(EXAMPLE_CONFIG))
    dirs = list(config.theme.dirs)
    material_dir = next(d for d in dirs if (Path(d) / "base.html").exists())
    fallback = theme_fixes.add_theme(config, {"nl": "ltr", "ga": "ltr", "mt": "ltr"})
    try:
        assert fallback is not None and config.theme.dirs[-1] == fallback
        at = config.theme.dirs.index(str(theme_fixes.THEME_DIR))
        assert config.theme.dirs[at + 1] == material_dir
        made = sorted(p.name for p in (Path(fallback) / "partials" / "languages").iterdir())
        assert made == ["ga.html", "mt.html"]  # Material has Dutch, not Irish nor Maltese
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(config.theme.dirs))
        language = env.get_template("partials/languages/ga.html").module
        english = env.get_template("partials/languages/en.html").module
        assert language.t("language") == "ga" and language.t("direction") == "ltr"
        assert language.t("search.placeholder") == english.t("search.placeholder") != ""
    finally:
        shutil.rmtree(fallback, ignore_errors=True)


def test_each_page_sees_its_language_on_a_copy_of_the_configuration():
    from mkdocs.config import load_config

    config = load_config(str(EXAMPLE_CONFIG))
    language, site_name, extra = config.theme["language"], config.site_name, dict(config.extra)
    alternates = [{"name": "Français", "lang": "fr", "link": "fr/"}]
    page = theme_fixes.page_config(config, "fr", "Hôpital", alternates)
    assert (config.theme["language"], config.site_name, dict(config.extra)) == (language, site_name, extra)
    assert page.theme["language"] == "fr" and page.site_name == "Hôpital" and page.extra["alternate"] == alternates
    # Material reads it as a template does: attributes, then keys.
    env = jinja2.Environment()
    assert env.from_string("{{ config.theme.language }} {{ config.theme.name }} {{ config.theme.features | length }}"
                           ).render(config=page) == f"fr material {len(config.theme.get('features') or [])}"
    assert page.theme.dirs == config.theme.dirs and page.theme.locale == config.theme.locale


def test_materials_style_sheets_are_found_and_status_pages_drop_ours_from_extra_css():
    """The sheets the status pages' sheet is cut from are the ones Material's base.html links."""
    from mkdocs.config import load_config

    config = load_config(str(EXAMPLE_CONFIG))
    sheets = theme_fixes.stylesheets(config)
    base = (Path(material.__file__).parent / "templates" / "base.html").read_text(encoding="utf-8")
    assert [s.name for s in sheets] == re.findall(r"'assets/stylesheets/(main\.[0-9a-f]+\.min\.css)'", base)
    assert all(s.exists() and s.stat().st_size > 50_000 for s in sheets), sheets
    config.extra_css.append(theme_fixes.CSS)
    status = theme_fixes.page_config(config, "fr", "Hôpital", [], status_page=True)
    other = theme_fixes.page_config(config, "fr", "Hôpital", [])
    assert theme_fixes.CSS not in status.extra_css and theme_fixes.CSS in other.extra_css
    assert theme_fixes.CSS in config.extra_css


@pytest.mark.parametrize("name", sorted(theme_fixes._LANDMARK_LABELS))
def test_landmark_label_amendments_match_materials_templates(name):
    source = (MATERIAL / name).read_text(encoding="utf-8")
    key = theme_fixes._LANDMARK_LABELS[name]
    assert theme_fixes.landmark_label(key) in source, f"Material's {key} label changed: update theme_fixes"
    patched = theme_fixes.patch_landmark_label(name, source)
    assert theme_fixes.landmark_label(key) not in patched and f"statuspress.{key}_label" in patched
    jinja2.Environment().parse(patched)

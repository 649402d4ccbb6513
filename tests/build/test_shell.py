"""Statement and incident pages written from one slotted theme page per language and kind
(build/shell.py) are, byte for byte, the pages MkDocs renders one by one."""
from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

from helpers import epoch, tree_digest, write_statement

from generator.build.shell import Slotted, compact, values

WHEN = "2026-03-02T12:00:00+01:00"

# Titles and summaries the theme prints in several ways (escaped by us, by Jinja, in URLs, in
# <title>): markup characters, quotes, the site's own name, a word that looks like a slot.
STATEMENTS = {
    "2026-03-01-0800-a.md": """
        ---
        title: Servers <b>off</b> & "quotes" 'too'
        date: 2026-03-01T08:00:00+01:00
        incident: cyber-1
        summary: Spoed <i>werkt</i> & "beperkt" — 'so'
        departments: {emergency: reduced}
        ---
        A body with a `<script>` and a [link](https://example.org/?a=1&b=2).

            code, whose next line
              keeps its indentation
        """,
    "2026-03-01-0800-a.fr.md": """
        ---
        title: Serveurs « coupés » & <tout>
        summary: Les urgences fonctionnent.
        ---
        Texte.
        """,
    "2026-03-01-0900-b.md": """
        ---
        title: Test Hospital
        date: 2026-03-01T09:00:00+01:00
        incident: cyber-1
        ---
        Titled as the site itself.
        """,
    "2026-03-01-1000-c.md": """
        ---
        title: spslot9key spslot9title9html spslot9jsonld
        date: 2026-03-01T10:00:00+01:00
        phase: identified
        departments: {lab: offline}
        notes: {lab: "Ga naar <campus> Zuid & bel"}
        ---
        Plain.
        """,
    "2026-03-01-1100-notice.md": """
        ---
        title: A notice with no incident
        date: 2026-03-01T11:00:00+01:00
        ---
        Nothing holds.
        """,
}


def _build(root: Path, site: Path, slots: bool) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": str(epoch(WHEN))}
    env.pop("STATUSPRESS_TEST_NO_SLOTS", None)
    env["STATUSPRESS_WORKER_FROM"] = "0"  # both processes write, as for a large site
    if not slots:
        env["STATUSPRESS_TEST_NO_SLOTS"] = "1"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"),
                             "-d", str(site)], capture_output=True, text=True, env=env, cwd=root)
    assert result.returncode == 0, result.stderr


def _sitemap(site: Path) -> set[tuple[str, str]]:
    text = gzip.decompress((site / "sitemap.xml.gz").read_bytes()).decode()
    assert text == (site / "sitemap.xml").read_text(encoding="utf-8")
    return set(re.findall(r"<loc>([^<]*)</loc>\s*<lastmod>([^<]*)</lastmod>", text))


def test_slotted_pages_equal_pages_rendered_one_by_one(small_site, tmp_path):
    root = small_site()
    config = root / "mkdocs.yml"
    # An edit link per page puts the page's source path in the theme's markup too.
    config.write_text(config.read_text(encoding="utf-8").replace(
        "theme:", "repo_url: https://github.com/example/status\nedit_uri: edit/main/docs/\ntheme:"),
        encoding="utf-8")
    for name, text in STATEMENTS.items():
        write_statement(root / "updates", name, text)
    slotted, one_by_one = tmp_path / "slotted", tmp_path / "one-by-one"
    _build(root, slotted, slots=True)
    _build(root, one_by_one, slots=False)

    a, b = tree_digest(slotted), tree_digest(one_by_one)
    assert a.keys() == b.keys()
    differ = sorted(path for path in a if a[path] != b[path])
    # The sitemap lists the same pages, in another order (MkDocs' pages first).
    assert differ == ["sitemap.xml", "sitemap.xml.gz"]
    assert _sitemap(slotted) == _sitemap(one_by_one)
    locs = {loc for loc, _ in _sitemap(slotted)}
    assert "https://status.example.org/fr/updates/2026-03-01-0800-a/" in locs
    assert "https://status.example.org/incidents/cyber-1/" in locs

    # The tricky values reached the pages as the theme prints them.
    page = (slotted / "updates" / "2026-03-01-0800-a" / "index.html").read_text(encoding="utf-8")
    assert "<title>Servers &lt;b&gt;off&lt;/b&gt; &amp; &quot;quotes&quot; &#x27;too&#x27; - Test Hospital</title>" in page
    assert 'content="Servers &lt;b&gt;off&lt;/b&gt; &amp; &#34;quotes&#34; &#39;too&#39;"' in page
    assert "code, whose next line\n  keeps its indentation" in page  # the content is not compacted
    assert 'href="../../fr/updates/2026-03-01-0800-a/" hreflang="fr"' in page
    assert "spslot9" not in page
    same_name = (slotted / "updates" / "2026-03-01-0900-b" / "index.html").read_text(encoding="utf-8")
    assert "<title>Test Hospital</title>" in same_name
    looks_like_slots = (slotted / "updates" / "2026-03-01-1000-c" / "index.html").read_text(encoding="utf-8")
    assert "spslot9key spslot9title9html spslot9jsonld" in looks_like_slots


def test_the_slotted_pages_are_made_from_the_plan(small_site):
    """The build above would pass trivially if no page were slotted: check that some are."""
    from mkdocs.config import load_config

    from generator.compute import compute
    from generator.render.i18n import Language
    from generator.render.pages import plan_pages
    from generator.build.writer import slotted_pages
    from generator.validate import load_site

    root = small_site()
    for name, text in STATEMENTS.items():
        write_statement(root / "updates", name, text)
    config = load_config(str(root / "mkdocs.yml"))
    loaded = load_site(dict(config.plugins["statuspress"].config), site_name=config.site_name,
                       site_url=config.site_url, config_file=root / "mkdocs.yml")
    from datetime import datetime
    snapshot = compute(loaded.site, loaded.statements, datetime.fromisoformat(WHEN))
    languages = {code: Language(code, loaded.site.timezone) for code in loaded.site.languages}
    slotted = {(p.page.kind, p.page.key, p.page.lang) for p in slotted_pages(plan_pages(snapshot, languages),
                                                                               snapshot)}
    assert ("update", "2026-03-01-0800-a", "fr") in slotted
    assert ("incident", "cyber-1", "nl") in slotted
    assert ("update", "2026-03-01-0900-b", "nl") not in slotted  # titled as the site: one by one
    assert not any(kind in ("overview", "history", "department") for kind, _, _ in slotted)


def test_compact_keeps_lines_and_filling_is_single_pass():
    assert compact("<a>\n    \n\n   <b>\n\tx\n</b>") == "<a>\n<b>\nx\n</b>"
    shell = Slotted.of(compact("<p>\n   spslot9title9html\n</p><i>spslot9key</i>"))
    filled = shell.fill(values("spslot9title9html", "x & y", "d", "", ""))
    assert filled == "<p>\nx &amp; y\n</p><i>spslot9title9html</i>"

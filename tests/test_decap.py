"""The browser editor (/admin/, Decap CMS): its configuration, and a statement written in it.

The end-to-end test is the real thing: Decap's own bundle and its local backend
(`decap-server`, from npm into tests/.npm/), the built admin page served with the site's
`_headers` (so its security policy must let the editor work), a statement typed into the
form in Chromium, and `statuspress check` on the file that lands in `updates/`.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from generator.model import PHASES, STATUSES
from generator.render.admin import DECAP_INTEGRITY, DECAP_VERSION
from helpers import SMALL_CONFIG, TESTS, copy_example, mkdocs_build, serve_with_headers, write_statement

NPM_DIR = TESTS / ".npm"  # git-ignored
CHROMIUM = Path("/usr/bin/chromium")
WHEN = "2026-01-14T12:00:00+01:00"


def _site(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "updates").mkdir()
    (root / "mkdocs.yml").write_text(SMALL_CONFIG.format(languages="[nl, fr, en]"), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = _site(tmp_path_factory.mktemp("decap") / "src")
    write_statement(root / "updates", "2026-01-13-0632-offline.md", """
        ---
        title: Servers uit
        date: 2026-01-13T06:32:00+01:00
        departments: {emergency: reduced}
        ---
        Tekst.
        """)
    result = mkdocs_build(root / "mkdocs.yml", root / "site", when=WHEN)
    assert result.returncode == 0, result.stderr
    return root / "site"


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def _editor_data(site: Path) -> dict:
    page = (site / "admin" / "index.html").read_text(encoding="utf-8")
    return json.loads(re.search(r'<script type="application/json" id="statuspress-editor">(.*?)</script>',
                                page, re.S).group(1))


def test_config_mirrors_the_statuspress_block(built):
    config = yaml.safe_load((built / "admin" / "config.yml").read_text(encoding="utf-8"))
    # Published: no switch to a local backend, no path of the machine that built it.
    assert "local_backend" not in config
    assert not [s for s in _strings(config) if s.startswith("/") or str(built.parent) in s]
    assert config["locale"] == "nl"  # Decap's own words in the site's first language
    statements = config["collections"][0]
    assert statements["name"] == "statements" and statements["folder"] == "updates" and statements["create"]
    assert "path" not in statements  # no year folders here: new files go where `new` puts them
    fields = {f["name"]: f for f in statements["fields"]}
    assert fields["title"]["required"] is True and fields["title"]["widget"] == "string"
    assert fields["date"]["widget"] == "datetime" and fields["date"]["required"] is True
    assert fields["summary"]["required"] is True
    assert fields["incident"]["widget"] == "statuspress-incident"
    assert fields["phase"]["widget"] == "select"
    assert [o["value"] for o in fields["phase"]["options"]] == list(PHASES)
    assert fields["phase"]["options"][0]["label"] == "Wordt onderzocht (investigating)"
    departments = {f["name"]: f for f in fields["departments"]["fields"]}
    assert list(departments) == ["emergency", "lab", "registration"]
    assert all(f["widget"] == "select" and [o["value"] for o in f["options"]] == list(STATUSES)
               for f in departments.values())
    assert departments["emergency"]["label"] == "Spoed (emergency)"
    assert [f["name"] for f in fields["notes"]["fields"]] == ["emergency", "lab", "registration"]
    assert [f["name"] for f in fields["planned"]["fields"]] == ["start", "end"]
    assert fields["body"]["widget"] == "markdown"
    # Every key the reader accepts in a statement, and no other.
    from generator.read.updates import DEFAULT_FILE_KEYS
    assert set(fields) - {"body"} == set(DEFAULT_FILE_KEYS)
    translations = {c["name"]: c for c in config["collections"][1:]}
    assert list(translations) == ["translations-fr", "translations-en"]
    assert translations["translations-fr"]["extension"] == "fr.md"
    assert [f["name"] for f in translations["translations-en"]["fields"]] == ["title", "summary", "notes", "body"]


def test_the_editor_offers_the_incidents_and_the_zone_s_offsets(built):
    data = _editor_data(built)
    assert data["timezone"] == "Europe/Brussels"
    assert [(c["id"], c["kind"], c["open"], c["holds"]) for c in data["choices"]] == [
        ("2026-01-13-0632-offline", "incident", True, ["emergency"])]
    assert data["words"]["new_incident"] == "Nieuw incident"
    # The offsets around the build time, as zoneinfo gives them: +01:00 in winter, +02:00 in summer.
    offsets = data["offsets"]
    zone = ZoneInfo("Europe/Brussels")
    assert offsets[0][0] <= datetime(2026, 1, 14).timestamp() <= offsets[-1][0]
    for (moment, offset), (following, _) in zip(offsets, offsets[1:]):
        for probe in (moment, (moment + following) // 2, following - 1):
            assert datetime.fromtimestamp(probe, zone).utcoffset() == timedelta(minutes=offset)
    assert datetime.fromtimestamp(1774746000 - 1, timezone.utc).isoformat() == "2026-03-29T00:59:59+00:00"
    assert [1774746000, 120] in offsets and [1792890000, 60] in offsets


def test_a_site_with_year_folders_gets_them_in_the_editor(tmp_path):
    root = _site(tmp_path / "src")
    write_statement(root / "updates" / "2026", "2026-01-13-0632-offline.md", """
        ---
        title: Servers uit
        date: 2026-01-13T06:32:00+01:00
        departments: {emergency: reduced}
        ---
        Tekst.
        """)
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(text.replace("timezone: Europe/Brussels", "timezone: Europe/Brussels\n"
                                                  "      editor_bundle: https://cdn.example.org/decap/decap-cms.js"),
                                     encoding="utf-8")
    result = mkdocs_build(root / "mkdocs.yml", root / "site", when=WHEN)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load((root / "site" / "admin" / "config.yml").read_text(encoding="utf-8"))
    assert config["collections"][0]["path"] == "{{year}}/{{slug}}"
    # The organisation's own copy of the bundle, allowed by both policies; unpkg no longer.
    page = (root / "site" / "admin" / "index.html").read_text(encoding="utf-8")
    assert '<script src="https://cdn.example.org/decap/decap-cms.js"></script>' in page
    assert "unpkg" not in page
    headers = (root / "site" / "_headers").read_text(encoding="utf-8")
    admin_policy = re.search(r"^/admin/\*\n(?:  .*\n)*?  Content-Security-Policy: (.*)$", headers, re.M).group(1)
    assert "script-src 'self' 'unsafe-eval' https://cdn.example.org;" in admin_policy and "unpkg" not in admin_policy


def test_editor_bundle_must_be_a_script_address(tmp_path):
    root = _site(tmp_path / "src")
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(text.replace("timezone: Europe/Brussels", "timezone: Europe/Brussels\n"
                                                  "      editor_bundle: http://cdn.example.org/decap-cms.js"),
                                     encoding="utf-8")
    check = subprocess.run([sys.executable, "-m", "generator.cli", "check"], cwd=root, capture_output=True, text=True)
    assert check.returncode == 1
    assert re.search(r"mkdocs\.yml:\d+: 'editor_bundle' is 'http://cdn\.example\.org/decap-cms\.js', not the "
                     r"address of a script: give an https:// address", check.stdout + check.stderr)


def test_only_the_editor_loads_decap(built):
    admin = (built / "admin" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<script src="https://unpkg\.com/decap-cms@[0-9.]+/dist/decap-cms\.js" integrity="sha384-', admin)
    for page in built.rglob("*.html"):
        if page.parts[-2] != "admin":
            text = page.read_text(encoding="utf-8")
            assert "decap" not in text.lower() and "unpkg" not in text, page


# -- end to end ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def decap():
    """node_modules with decap-server and decap-cms, installed once into tests/.npm/."""
    npm = shutil.which("npm")
    if npm is None or not CHROMIUM.exists():
        pytest.skip("the editor's end-to-end test needs npm and Chromium (/usr/bin/chromium)")
    modules = NPM_DIR / "node_modules"
    package = modules / "decap-cms" / "package.json"
    installed = json.loads(package.read_text(encoding="utf-8"))["version"] if package.is_file() else None
    if installed != DECAP_VERSION or not (modules / "decap-server").is_dir():
        NPM_DIR.mkdir(exist_ok=True)
        result = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error",
                                 "decap-server@^3", f"decap-cms@{DECAP_VERSION}"], cwd=NPM_DIR, capture_output=True, text=True,
                                timeout=900)
        assert result.returncode == 0, result.stderr
    return modules


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"decap-server did not listen on {port}:\n{log.read_text()}")


def _with_local_backend(site: Path, port: int) -> None:
    """What a preview serves (`local_backend`), pointed at this test's decap-server port."""
    config_file = site / "admin" / "config.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    assert "local_backend" not in config  # the published one never has it
    config["local_backend"] = {"url": f"http://localhost:{port}/api/v1"}
    config_file.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


@contextmanager
def _editor(root: Path, site: Path, decap: Path, log: Path, bundle: bool = True):
    """A Chromium page on the built site's /admin/, its clock in UTC, with decap-server writing
    into `root`; Decap's bundle from the npm package (or, with bundle=False, never arriving)."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    _with_local_backend(site, port)
    dist = decap / "decap-cms" / "dist"

    def local_bundle(route):
        if not bundle:
            return route.abort()
        name = route.request.url.split("/dist/", 1)[1].split("?")[0]
        # A script with `integrity` is fetched in CORS mode, as unpkg answers it.
        route.fulfill(path=str(dist / name), content_type="application/javascript",
                      headers={"Access-Control-Allow-Origin": "*"})

    with open(log, "w") as out:
        server = subprocess.Popen(["node", str(decap / "decap-server" / "dist" / "index.js")], cwd=root,
                                  env={**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1"},
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, server, log)
        with serve_with_headers(site) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                 args=["--headless", "--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_context(timezone_id="UTC").new_page()
                page.errors = []
                # Leaving a refused statement: Decap asks whether to drop the unsaved changes.
                page.on("dialog", lambda dialog: dialog.accept())
                page.on("pageerror", lambda error: page.errors.append(str(error)))
                page.on("console", lambda m: page.errors.append(m.text)
                        if "Content Security Policy" in m.text else None)
                # Nothing but this machine: any other host would be the internet.
                page.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), lambda route: route.abort())
                page.route("https://unpkg.com/decap-cms@*/dist/*", local_bundle)
                page.goto(base + "/admin/")
                yield page
            finally:
                browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def _example_site(root: Path) -> Path:
    return copy_example(root).parent


def _new_files(root: Path, before: set[Path], page, wait: float = 60) -> list[Path]:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        new = sorted(set((root / "updates").rglob("*.md")) - before)
        if new:
            page.wait_for_timeout(500)  # written whole
            return new
        page.wait_for_timeout(200)
    return []


def _check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", "check"], cwd=root, capture_output=True,
                          text=True, timeout=300)


def test_the_editor_on_the_example_site(tmp_path, decap):
    """Lists updates/2026/; a follow-up of the open incident made with the editor's choices is
    named and dated in Brussels time with the browser's clock in UTC, and builds; a statement
    the build would refuse is not saved, with the reason."""
    root = _example_site(tmp_path / "repo")
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode == 0, result.stderr
    before = set((root / "updates").rglob("*.md"))
    brussels = ZoneInfo("Europe/Brussels")
    with _editor(root, root / "site", decap, tmp_path / "decap-server.log") as page:
        page.get_by_role("button", name="Inloggen").click()  # Decap's interface in Dutch
        # The statements in updates/2026/ are listed.
        listed = page.locator("a[href*='collections/statements/entries/2026/']")
        listed.first.wait_for(timeout=60000)
        assert listed.count() > 5

        page.locator("a[href$='collections/statements/new']").click()
        page.get_by_label("Title").fill("Raadplegingen opnieuw normaal")
        opened = datetime.now(brussels)
        page.get_by_role("button", name="Nu", exact=True).first.click()
        incident = page.locator("select[id^=incident-field]")
        options = incident.locator("option").all_inner_texts()
        assert options[0] == "Nieuw incident"
        # The open incident, with its title and what it holds; planned closures beside it.
        assert any(o.startswith("cyberaanval-2026-01 — Cyberaanval") and "Raadplegingen" in o for o in options)
        assert any(o.startswith("2026-01-17-1500-gepland-onderhoud-apotheek — ") for o in options)
        incident.select_option("cyberaanval-2026-01")
        page.get_by_role("combobox", name=re.compile(r"^Phase")).click()
        page.get_by_role("option", name="Wordt opgevolgd (monitoring)", exact=True).click()
        page.get_by_label(re.compile(r"^Summary")).fill("Alle raadplegingen gaan opnieuw door.")
        page.get_by_role("combobox", name=re.compile(r"^Raadplegingen \(consultations\)")).click()
        page.get_by_role("option", name=re.compile(r"\(operational\)$")).click()
        page.locator("[data-slate-editor]").click()
        page.keyboard.type("Alle raadplegingen gaan vanaf nu opnieuw door.")
        page.get_by_role("button", name="Publiceer", exact=True).click()
        page.get_by_text("Publiceer nu").click()
        written = _new_files(root, before, page)
        assert len(written) == 1, (tmp_path / "decap-server.log").read_text()
        followup = written[0]
        text = followup.read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("---")[1])
        # Named and dated as `statuspress new` does, in Brussels time, though the browser is in UTC.
        date = re.search(r"^date: (\S+)$", text, re.M).group(1)
        local = datetime.fromisoformat(date)
        assert local.utcoffset() == local.astimezone(brussels).utcoffset()
        assert abs(local - opened) < timedelta(minutes=3)
        assert followup.parent == root / "updates" / f"{local:%Y}"
        assert followup.name == f"{local:%Y-%m-%d-%H%M}-raadplegingen-opnieuw-normaal.md"
        assert front["incident"] == "cyberaanval-2026-01" and front["phase"] == "monitoring"
        assert front["departments"] == {"consultations": "operational"}
        check = _check(root)
        assert check.returncode == 0, check.stdout + check.stderr
        assert not page.errors, page.errors

        # A statement the build refuses: "monitoring" with no incident beside the open one.
        before = set((root / "updates").rglob("*.md"))
        page.goto(page.url.split("#")[0] + "#/collections/statements")
        page.locator("a[href$='collections/statements/new']").click()
        title = page.get_by_label("Title")
        title.fill("Registratie opnieuw normaal")
        page.get_by_role("button", name="Nu", exact=True).first.click()
        page.get_by_role("combobox", name=re.compile(r"^Phase")).click()
        page.get_by_role("option", name="Wordt opgevolgd (monitoring)", exact=True).click()
        page.get_by_label(re.compile(r"^Summary")).fill("Inschrijven gaat opnieuw vlot.")
        page.get_by_role("combobox", name=re.compile(r"^Inschrijving en onthaal \(registration\)")).click()
        page.get_by_role("option", name=re.compile(r"\(operational\)$")).click()
        page.locator("[data-slate-editor]").click()
        page.keyboard.type("Inschrijven gaat opnieuw vlot.")
        assert title.input_value() == "Registratie opnieuw normaal"
        page.get_by_role("button", name="Publiceer", exact=True).click()
        page.get_by_text("Publiceer nu").click()
        refusal = page.get_by_text(re.compile(r"Kan item niet opslaan"))
        refusal.wait_for(timeout=30000)
        assert "cyberaanval-2026-01" in refusal.inner_text() and "nothing was saved" in refusal.inner_text()
        assert not _new_files(root, before, page, wait=3)
        # Decap leaves the refused save's promise unhandled: its rejection, and nothing else.
        assert set(page.errors) <= {"Object"}, page.errors

        # A time typed for a summer day next year: the site's summer offset, and an embargo needed.
        year = opened.year + 1
        page.goto(page.url.split("#")[0] + "#/collections/statements")
        page.locator("a[href$='collections/statements/new']").click()
        title = page.get_by_label("Title")
        title.fill("Lift buiten dienst")
        page.locator("input[type=date]").first.fill(f"{year}-07-01")
        page.locator("input[type=time]").first.fill("10:00")
        page.get_by_label(re.compile(r"^Summary")).fill("De lift aan de hoofdingang werkt niet.")
        page.locator("[data-slate-editor]").click()
        page.keyboard.type("Gebruik de lift aan de spoedingang.")
        assert title.input_value() == "Lift buiten dienst"
        page.get_by_role("button", name="Publiceer", exact=True).click()
        page.get_by_text("Publiceer nu").click()
        refusal = page.get_by_text(re.compile(rf"{year}-07-01T10:00:00\+02:00 is in the future"))
        refusal.wait_for(timeout=30000)
        assert "Embargo" in refusal.inner_text()
        assert not _new_files(root, before, page, wait=2)
        page.locator("[id^=embargo-field]").click()
        page.get_by_role("button", name="Publiceer", exact=True).click()
        page.get_by_text("Publiceer nu").click()
        written = _new_files(root, before, page)
        assert [p.relative_to(root / "updates").as_posix() for p in written] == [
            f"{year}/{year}-07-01-1000-lift-buiten-dienst.md"]
        text = written[0].read_text(encoding="utf-8")
        assert re.search(rf"^date: {year}-07-01T10:00:00\+02:00$", text, re.M) and "embargo: true" in text
        assert "incident:" not in text and "phase:" not in text  # nothing chosen, nothing written
    check = _check(root)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_editor_says_when_its_bundle_cannot_load(tmp_path, decap):
    root = _example_site(tmp_path / "repo")
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode == 0, result.stderr
    with _editor(root, root / "site", decap, tmp_path / "decap-server.log", bundle=False) as page:
        message = page.locator("#statuspress-no-editor")
        message.wait_for(state="visible", timeout=30000)
        # In the site's language, with the way to publish without it.
        assert "De editor kan niet laden" in message.inner_text()
        assert "statuspress new" in message.inner_text() and "git" in message.inner_text()


def test_the_pinned_bundle_hash_is_the_release_s_own(decap):
    """The admin page's integrity hash is that of the pinned release as npm ships it."""
    bundle = (decap / "decap-cms" / "dist" / "decap-cms.js").read_bytes()
    assert DECAP_INTEGRITY == "sha384-" + base64.b64encode(hashlib.sha384(bundle).digest()).decode()


def test_statement_titles_stay_text_in_the_editor_page(tmp_path):
    """The page carries the incidents' titles for its choices: a title is never markup there."""
    root = _site(tmp_path / "src")
    hostile = 'Servers </script><script>alert(1)</script> & <img src=x onerror=alert(2)>'
    write_statement(root / "updates", "2026-01-13-0632-offline.md", f"""
        ---
        title: '{hostile}'
        date: 2026-01-13T06:32:00+01:00
        departments: {{emergency: reduced}}
        ---
        Tekst.
        """)
    result = mkdocs_build(root / "mkdocs.yml", root / "site", when=WHEN)
    assert result.returncode == 0, result.stderr
    page = (root / "site" / "admin" / "index.html").read_text(encoding="utf-8")
    import lxml.html
    tree = lxml.html.fromstring(page)
    # The page's own scripts only: the data block, the frame guard, the editor, Decap's bundle.
    assert [s.get("src") for s in tree.iter("script") if s.get("src")][:2] == ["frame-guard.js", "editor.js"]
    assert len(tree.xpath("//script")) == 4 and not tree.xpath("//img")
    assert _editor_data(root / "site")["choices"][0]["title"] == hostile


def test_the_writer_s_guide_is_for_staff(tmp_path):
    """As the example site does it: the guide is out of the menu (`not_in_nav`), the sitemap and
    search engines (`robots: noindex`), and linked from the editor."""
    root = _site(tmp_path / "src")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "not_in_nav: |\n  guide.md\n", encoding="utf-8")
    (root / "docs" / "about.md").write_text("# Over ons\n\nTekst.\n", encoding="utf-8")
    (root / "docs" / "guide.md").write_text("---\nrobots: noindex\nsearch:\n  exclude: true\n---\n# Schrijfgids\n\n"
                                            "Tekst.\n", encoding="utf-8")
    result = mkdocs_build(config, root / "site", when=WHEN)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    editor = yaml.safe_load((site / "admin" / "config.yml").read_text(encoding="utf-8"))
    assert "Writer's guide: https://status.example.org/guide/" in editor["collections"][0]["description"]
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/about/" in sitemap and "/guide/" not in sitemap
    assert '<meta name="robots" content="noindex">' in (site / "guide" / "index.html").read_text(encoding="utf-8")
    assert 'name="robots"' not in (site / "about" / "index.html").read_text(encoding="utf-8")
    overview = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="about/"' in overview and 'href="guide/"' not in overview

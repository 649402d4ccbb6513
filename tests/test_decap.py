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
from pathlib import Path

import pytest
import yaml

from helpers import SMALL_CONFIG, mkdocs_build, write_statement
from generator.model import PHASES, STATUSES
from generator.render.admin import DECAP_INTEGRITY, DECAP_VERSION
from helpers import TESTS, serve_with_headers

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


def test_config_mirrors_the_statuspress_block(built):
    config = yaml.safe_load((built / "admin" / "config.yml").read_text(encoding="utf-8"))
    assert config["local_backend"] is True
    statements = config["collections"][0]
    assert statements["name"] == "statements" and statements["folder"] == "updates" and statements["create"]
    fields = {f["name"]: f for f in statements["fields"]}
    assert fields["title"]["required"] is True and fields["title"]["widget"] == "string"
    assert fields["date"]["widget"] == "datetime" and fields["date"]["format"] == "YYYY-MM-DDTHH:mm:ssZ"
    assert fields["date"]["required"] is True
    assert fields["phase"]["widget"] == "select" and fields["phase"]["options"] == list(PHASES)
    departments = {f["name"]: f for f in fields["departments"]["fields"]}
    assert list(departments) == ["emergency", "lab", "registration"]
    assert all(f["widget"] == "select" and f["options"] == list(STATUSES) for f in departments.values())
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


def test_a_statement_written_in_the_editor_is_published(tmp_path, decap):
    from playwright.sync_api import sync_playwright

    root = _site(tmp_path / "repo")
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode == 0, result.stderr
    site = root / "site"
    port = _free_port()
    # The generated config points at decap-server's usual port; this test's one is free, not fixed.
    config_file = site / "admin" / "config.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config["local_backend"] = {"url": f"http://localhost:{port}/api/v1"}
    config_file.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")

    log = tmp_path / "decap-server.log"
    with open(log, "w") as out:
        server = subprocess.Popen(["node", str(decap / "decap-server" / "dist" / "index.js")], cwd=root,
                                  env={**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1"},
                                  stdout=out, stderr=subprocess.STDOUT)
    dist = decap / "decap-cms" / "dist"

    def local_bundle(route):
        name = route.request.url.split("/dist/", 1)[1].split("?")[0]
        # A script with `integrity` is fetched in CORS mode, as unpkg answers it.
        route.fulfill(path=str(dist / name), content_type="application/javascript",
                      headers={"Access-Control-Allow-Origin": "*"})

    errors = []
    try:
        _wait_for_port(port, server, log)
        with serve_with_headers(site) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                 args=["--headless", "--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page(timezone_id="Europe/Brussels")
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
                page.route("https://unpkg.com/decap-cms@*/dist/*", local_bundle)
                page.goto(base + "/admin/")
                page.get_by_role("button", name="Login").click()
                page.locator("a[href$='collections/statements/new']").click()
                page.get_by_label("Title").fill("Spoed met beperkte capaciteit")
                page.get_by_role("button", name="Set date to now").click()
                page.get_by_role("combobox", name=re.compile(r"^Phase")).click()
                page.get_by_role("option", name="investigating", exact=True).click()
                page.get_by_label(re.compile(r"^Summary")).fill("Kom enkel bij levensbedreigende nood.")
                page.get_by_role("combobox", name=re.compile(r"^Spoed \(emergency\)")).click()
                page.get_by_role("option", name="reduced", exact=True).click()
                page.locator("[data-slate-editor]").click()
                page.keyboard.type("Spoed werkt met beperkte capaciteit.")
                page.get_by_role("button", name="Publish").click()
                page.get_by_text("Publish now").click()
                deadline = time.monotonic() + 60
                while not list((root / "updates").glob("*.md")) and time.monotonic() < deadline:
                    page.wait_for_timeout(200)
            finally:
                browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)

    written = list((root / "updates").glob("*.md"))
    assert len(written) == 1, log.read_text()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d-\d{4}-spoed-met-beperkte-capaciteit\.md", written[0].name)
    front = yaml.safe_load(written[0].read_text(encoding="utf-8").split("---")[1])
    assert front["title"] == "Spoed met beperkte capaciteit"
    assert front["departments"] == {"emergency": "reduced"} and front["phase"] == "investigating"
    assert re.search(r"^date: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", written[0].read_text(), re.M)
    assert not errors, errors
    check = subprocess.run([sys.executable, "-m", "generator.cli", "check"], cwd=root, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "overall: reduced" in check.stdout


def test_the_pinned_bundle_hash_is_the_release_s_own(decap):
    """The admin page's integrity hash is that of the pinned release as npm ships it."""
    bundle = (decap / "decap-cms" / "dist" / "decap-cms.js").read_bytes()
    assert DECAP_INTEGRITY == "sha384-" + base64.b64encode(hashlib.sha384(bundle).digest()).decode()

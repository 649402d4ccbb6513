"""`statuspress serve` answers at / and at site_url's path (a GitHub Pages project site lives
under /<repository>/: the preview must not be a 404 at the address it prints)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from helpers import SMALL_CONFIG, fetch, free_port, wait_for


def test_serve_answers_at_the_root_and_at_site_url_path(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "updates").mkdir()
    config = SMALL_CONFIG.format(languages="[en]").replace("https://status.example.org/",
                                                           "https://my-org.github.io/status/")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{port}"],
                              cwd=tmp_path, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: "sp-department" in fetch(base + "/status/"), 120), "the preview never came up"
        assert "sp-department" in fetch(base + "/")
        for prefix in ("/status/", "/"):
            summary = json.loads(fetch(base + prefix + "api/v2/summary.json"))
            assert {c["id"] for c in summary["components"]} >= {"emergency", "lab"}
    finally:
        server.terminate()
        server.wait(timeout=20)

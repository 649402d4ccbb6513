"""`mkdocs serve` previews the site and rebuilds when a statement changes."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from helpers import REPO, fetch, free_port, wait_for


def test_serve_reloads_when_a_statement_is_added(tmp_path):
    for name in ("mkdocs.yml", "docs", "updates"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-q",
                               "-a", f"127.0.0.1:{port}"], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for(lambda: "sp-department" in fetch(url)), "the preview never came up"
        assert "Brand in de keuken" not in fetch(url)
        (tmp_path / "updates" / "2026" / "2026-01-20-1000-brand-in-de-keuken.md").write_text(
            "---\ntitle: Brand in de keuken\ndate: 2026-01-20T10:00:00+01:00\n"
            "departments:\n  maternity: offline\n---\nDe materniteit is ontruimd.\n", encoding="utf-8")
        assert wait_for(lambda: "Brand in de keuken" in fetch(url)), "the new statement never appeared"
        assert wait_for(lambda: "Brand in de keuken" in fetch(url + "fr/")), "nor in the other languages"
    finally:
        server.terminate()
        server.wait(timeout=20)

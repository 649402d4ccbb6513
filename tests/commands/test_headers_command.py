"""`statuspress headers`: the rules of `_headers` for other servers, from one source.

README's snippets are the command's output; the regular expressions the snippets use select
the same paths as the `_headers` rules they stand for."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from helpers import REPO, headers_for, parse_headers


def headers_command(*args):
    return subprocess.run([sys.executable, "-m", "generator.cli", "headers", *args],
                          capture_output=True, text=True, cwd=REPO)


@pytest.mark.parametrize("output", ["nginx", "apache", "caddy", "s3"])
def test_readme_snippet_is_the_command_output(output):
    readme = REPO.joinpath("README.md").read_text(encoding="utf-8")
    found = re.search(r"\(`statuspress headers --format " + output + r"`[^\n]*\n(?:[^\n]*\n)*?\n```\w*\n(.*?)```",
                      readme, re.S)
    assert found, f"README has no snippet for {output}"
    printed = headers_command("--format", output)
    assert printed.returncode == 0, printed.stderr
    assert found.group(1) == printed.stdout


def test_server_rules_select_the_paths_of_headers_rules():
    from generator.render.headers import CORS_REGEX, FINGERPRINTED_REGEX, headers_file

    rules = parse_headers(headers_file().decode("utf-8"))
    paths = ["/api/v2/summary.json", "/badges/status.svg", "/rss.xml", "/fr/atom.xml", "/en/planned.ics",
             "/departments/emergency/rss.xml", "/fr/departments/emergency/rss.xml", "/index.html",
             "/fr/", "/departments/emergency/", "/assets/stylesheets/main.1a2b3c4d.min.css", "/fr/rss.xml.bak"]
    for path in paths:
        cors = "Access-Control-Allow-Origin" in headers_for(rules, path)
        assert bool(re.search(CORS_REGEX, path)) == cors, path
    assert re.search(FINGERPRINTED_REGEX, "/assets/javascripts/bundle.f55a23d4.min.js")
    assert not re.search(FINGERPRINTED_REGEX, "/assets/statuspress.js")


def test_site_dir_gives_the_build_s_policies(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "_headers").write_text("/*\n  X-Content-Type-Options: nosniff\n\n/\n  Cache-Control: x\n"
                                   "  Content-Security-Policy: default-src 'self'; script-src 'self' 'sha256-abc'\n\n"
                                   "/admin/*\n  Content-Security-Policy: default-src 'none'\n", encoding="utf-8")
    printed = headers_command("--format", "nginx", "--site-dir", str(site))
    assert "script-src 'self' 'sha256-abc'" in printed.stdout and "default-src 'none'" in printed.stdout
    assert "allows no inline script" not in printed.stdout
    missing = headers_command("--format", "nginx", "--site-dir", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and "build the site first" in missing.stderr and "Traceback" not in missing.stderr

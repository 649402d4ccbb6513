"""`check` reads mkdocs.yml without loading MkDocs, its theme and every plugin (issue 12: check
within half a second). What it reads must be exactly what MkDocs gives the plugin; whatever it
cannot read that way goes to MkDocs as before."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from mkdocs.config import load_config

from conftest import SMALL_CONFIG, write_statement
from generator.mkdocs.config import StatuspressConfig
from generator.read.mkdocs_yml import OPTIONS, read_config

STATEMENT = """
    ---
    title: Spoed dicht
    date: 2026-01-13T06:32:00+01:00
    departments:
      emergency: offline
    ---
    De spoed is dicht.
    """
# Imported by `check` only if it loaded MkDocs' configuration, the plugin or the renderer.
HEAVY = ("feedgen", "jinja2", "mkdocs", "icalendar", "lxml", "material")


def config(languages=("nl",)) -> str:
    return SMALL_CONFIG.format(languages="[" + ", ".join(languages) + "]")


def as_mkdocs_gives_it(path) -> tuple[dict, str, str | None]:
    loaded = load_config(str(path))
    return dict(loaded.plugins["statuspress"].config), loaded.site_name, loaded.site_url


def as_read(path) -> tuple[dict, str, str | None] | None:
    found = read_config(path)
    return None if found is None else (found.options, found.site_name, found.site_url)


def test_the_options_are_the_plugins_options_with_its_defaults():
    schema = dict(StatuspressConfig._schema)
    assert list(OPTIONS) == list(schema)
    assert {name: default for name, (_, default) in OPTIONS.items()} == \
        {name: option.default for name, option in schema.items()}


@pytest.mark.parametrize("name, value", [
    (name, value) for name in OPTIONS
    for value in ("Europe/Brussels", ["nl", "fr"], {"a": "b"}, 7, True, [{"text": "x"}], ["nl", 3], [])])
def test_a_value_read_as_it_stands_is_one_mkdocs_takes_as_it_stands(name, value):
    accepts, _ = OPTIONS[name]
    if not accepts(value):
        return  # left to MkDocs: nothing to compare
    plugin_config = StatuspressConfig()
    plugin_config.load_dict({name: value})
    errors, warnings = plugin_config.validate()
    assert (errors, warnings) == ([], [])
    assert plugin_config[name] == value


@pytest.mark.parametrize("variant", [
    "plain",
    "site_url without a trailing slash",
    "site_url from the environment",
    "site_url from an unset variable, with a default",
    "plugins as a mapping",
    "a python tag in markdown_extensions",
    "a relative tag in markdown_extensions",
    "other plugins around it",
])
def test_what_is_read_is_what_mkdocs_gives_the_plugin(tmp_path, monkeypatch, variant):
    text = config(("nl", "fr"))
    if variant == "site_url without a trailing slash":
        text = text.replace("site_url: https://status.example.org/", "site_url: https://example.org/status")
    elif variant.startswith("site_url from"):
        text = text.replace("site_url: https://status.example.org/",
                            "site_url: !ENV [STATUSPRESS_TEST_URL, 'https://fallback.example.org/']")
        if variant == "site_url from the environment":
            monkeypatch.setenv("STATUSPRESS_TEST_URL", "https://env.example.org/status")
        else:
            monkeypatch.delenv("STATUSPRESS_TEST_URL", raising=False)
    elif variant == "plugins as a mapping":
        text = text.replace("plugins:\n  - statuspress:\n", "plugins:\n  statuspress:\n")
    elif variant == "a python tag in markdown_extensions":
        text += ("markdown_extensions:\n  - pymdownx.emoji:\n"
                 "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
                 "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n")
    elif variant == "a relative tag in markdown_extensions":
        text += "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: !relative $config_dir\n"
    elif variant == "other plugins around it":
        text = text.replace("plugins:\n", "plugins:\n  - search\n") + "  - tags\n"
    (tmp_path / "docs").mkdir()
    path = tmp_path / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    read = as_read(path)
    assert read is not None
    assert read == as_mkdocs_gives_it(path)


@pytest.mark.parametrize("change", [
    ("", "INHERIT: base.yml\n"),  # MkDocs merges another file
    ("      timezone: Europe/Brussels\n", "      timezone: Europe/Brussels\n      tiemzone: UTC\n"),
    ("      timezone: Europe/Brussels\n", "      timezone: Europe/Brussels\n      enabled: false\n"),
    ("      timezone: Europe/Brussels\n", "      timezone: !!python/name:os.sep\n"),
    ("      timezone: Europe/Brussels\n", "      timezone:\n"),
    ("      languages: [nl]\n", "      languages: nl\n"),
    ("site_url: https://status.example.org/\n", "site_url: status.example.org\n"),
    ("site_name: Test Hospital\n", ""),
    ("  - statuspress:\n", "  - statuspress: {}\n  - statuspress:\n"),
])
def test_anything_else_is_left_to_mkdocs(tmp_path, change):
    old, new = change
    text = config()
    path = tmp_path / "mkdocs.yml"
    path.write_text(new + text if not old else text.replace(old, new), encoding="utf-8")
    assert read_config(path) is None


def run_check(root, cache, *, env=()) -> subprocess.CompletedProcess:
    # Reports what `check` imported: a module imported only to be validated is time for nothing.
    script = ("import atexit, json, pathlib, runpy, sys\n"
              "atexit.register(lambda: pathlib.Path('modules.json').write_text(json.dumps(sorted(sys.modules))))\n"
              "sys.argv = ['statuspress', 'check', '--format', 'json']\n"
              "runpy.run_module('generator.cli', run_name='__main__')\n")
    environment = {**os.environ, "STATUSPRESS_CACHE_DIR": str(cache), "SOURCE_DATE_EPOCH": "1768400000",
                   "NO_MKDOCS_2_WARNING": "1", **dict(env)}
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=environment,
                          cwd=root)


def errors(result) -> list[tuple[int, str]]:
    return [(p["line"], p["message"]) for p in json.loads(result.stdout) if p["severity"] == "error"]


def top_level_imports(root) -> set[str]:
    return {name.split(".")[0] for name in json.loads((root / "modules.json").read_text())}


def test_check_loads_neither_mkdocs_nor_the_renderer_and_markdown_only_for_new_texts(small_site, tmp_path):
    root = small_site(("nl",))
    with open(root / "mkdocs.yml", "a", encoding="utf-8") as file:  # a tag MkDocs resolves by importing
        file.write("markdown_extensions:\n  - pymdownx.emoji:\n"
                   "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n")
    write_statement(root / "updates", "2026-01-13-0632-spoed.md", STATEMENT)
    first = run_check(root, tmp_path / "cache")
    assert first.returncode == 0, first.stderr
    assert errors(first) == []
    assert not top_level_imports(root) & set(HEAVY)
    assert "markdown" in top_level_imports(root)  # a text not seen before is converted once

    second = run_check(root, tmp_path / "cache")
    assert (second.returncode, second.stdout) == (0, first.stdout)
    assert not top_level_imports(root) & {*HEAVY, "markdown"}


def test_a_site_url_from_an_unset_variable_is_a_missing_site_url(small_site, tmp_path):
    root = small_site(("nl",))
    path = root / "mkdocs.yml"
    path.write_text(path.read_text().replace("site_url: https://status.example.org/",
                                             "site_url: !ENV STATUSPRESS_TEST_URL"), encoding="utf-8")
    write_statement(root / "updates", "2026-01-13-0632-spoed.md", STATEMENT)
    unset = run_check(root, tmp_path / "cache", env={"STATUSPRESS_TEST_URL": ""})
    assert unset.returncode == 1
    assert [(line, message[:15]) for line, message in errors(unset)] == [(2, "no 'site_url' i")]
    given = run_check(root, tmp_path / "cache", env={"STATUSPRESS_TEST_URL": "https://status.example.org"})
    assert (given.returncode, errors(given)) == (0, [])


def test_a_config_only_mkdocs_can_read_is_checked_as_before(small_site, tmp_path):
    root = small_site(("nl",))
    (root / "base.yml").write_text("site_url: https://status.example.org/\n", encoding="utf-8")
    path = root / "mkdocs.yml"
    path.write_text("INHERIT: base.yml\n" + path.read_text().replace("site_url: https://status.example.org/\n", "")
                    .replace("      timezone: Europe/Brussels\n", "      timezone: Europe/Brussels\n      tiemzone: x\n"),
                    encoding="utf-8")
    write_statement(root / "updates", "2026-01-13-0632-spoed.md", STATEMENT)
    result = run_check(root, tmp_path / "cache")
    assert result.returncode == 1
    assert [message[:40] for _, message in errors(result)] == ["unknown key 'tiemzone' in the statuspres"]
    assert "Unrecognised configuration name: tiemzone" in result.stderr  # MkDocs' own warning, as before
    assert "mkdocs" in top_level_imports(root)

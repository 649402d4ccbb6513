"""`check` reads the statuspress block of mkdocs.yml without loading the plugin (and the whole
renderer with it), and lets MkDocs judge the rest of the file (README, "Check before you publish"). What it reads must be exactly what MkDocs gives the plugin; whatever it cannot read
that way goes to MkDocs as before."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from mkdocs.config import load_config

from helpers import SMALL_CONFIG, write_statement
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
# What MkDocs would import to validate our block: the plugin, and with it the renderer.
RENDERER = ("generator.mkdocs.plugin", "generator.render.feeds", "generator.render.calendar",
            "generator.render.pages", "generator.render.stream")


def config(languages=("nl",)) -> str:
    return SMALL_CONFIG.format(languages="[" + ", ".join(languages) + "]")


def as_mkdocs_gives_it(path) -> dict:
    return dict(load_config(str(path)).plugins["statuspress"].config)


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
    "an option from the environment",
    "an option from an unset variable, with a default",
    "plugins as a mapping",
    "a python tag in markdown_extensions",
    "a relative tag in markdown_extensions",
    "other plugins around it",
])
def test_the_block_read_is_what_mkdocs_gives_the_plugin_and_the_other_plugins_stay(tmp_path, monkeypatch, variant):
    text = config(("nl", "fr"))
    if variant.startswith("an option from"):
        text = text.replace("timezone: Europe/Brussels", "timezone: !ENV [STATUSPRESS_TEST_TZ, Europe/Paris]")
        if variant == "an option from the environment":
            monkeypatch.setenv("STATUSPRESS_TEST_TZ", "Europe/Brussels")
        else:
            monkeypatch.delenv("STATUSPRESS_TEST_TZ", raising=False)
    elif variant == "plugins as a mapping":
        text = text.replace("plugins:\n  - statuspress:\n", "plugins:\n  statuspress:\n")
    elif variant == "a python tag in markdown_extensions":
        text += ("markdown_extensions:\n  - pymdownx.emoji:\n"
                 "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
                 "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n")
    elif variant == "a relative tag in markdown_extensions":
        text += "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: !relative $config_dir\n"
    elif variant == "other plugins around it":
        text = text.replace("plugins:\n", "plugins:\n  - search:\n      lang: nl\n") + "  - tags\n"
    (tmp_path / "docs").mkdir()
    path = tmp_path / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    read = read_config(path)
    assert read is not None
    assert read.options == as_mkdocs_gives_it(path)
    expected_others = {"other plugins around it": [{"search": {"lang": "nl"}}, "tags"],
                       "plugins as a mapping": {}}.get(variant, [])
    assert read.others == expected_others


@pytest.mark.parametrize("change", [
    ("", "INHERIT: base.yml\n"),  # MkDocs merges another file
    ("      timezone: Europe/Brussels\n", "      timezone: Europe/Brussels\n      tiemzone: UTC\n"),
    ("      timezone: Europe/Brussels\n", "      timezone: Europe/Brussels\n      enabled: false\n"),
    ("      timezone: Europe/Brussels\n", "      timezone: !!python/name:os.sep\n"),
    ("      timezone: Europe/Brussels\n", "      timezone:\n"),
    ("      languages: [nl]\n", "      languages: nl\n"),
    ("  - statuspress:\n", "  - statuspress: {}\n  - statuspress:\n"),
    ("  - statuspress:\n", "  - search:\n      separator: !!python/name:os.sep\n  - statuspress:\n"),
    ("  - statuspress:\n", "  - statuspresss:\n"),
])
def test_anything_else_is_left_to_mkdocs(tmp_path, change):
    old, new = change
    text = config()
    path = tmp_path / "mkdocs.yml"
    path.write_text(new + text if not old else text.replace(old, new), encoding="utf-8")
    assert read_config(path) is None


def run_check(root, *, env=()) -> subprocess.CompletedProcess:
    # Also reports what `check` imported: a module imported only to validate one block is time for nothing.
    script = ("import atexit, json, pathlib, runpy, sys\n"
              "atexit.register(lambda: pathlib.Path('modules.json').write_text(json.dumps(sorted(sys.modules))))\n"
              "sys.argv = ['statuspress', 'check', '--format', 'json']\n"
              "runpy.run_module('generator.cli', run_name='__main__')\n")
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1768400000", "NO_MKDOCS_2_WARNING": "1", **dict(env)}
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=environment,
                          cwd=root)


def errors(result) -> list[tuple[int, str]]:
    return [(p["line"], p["message"]) for p in json.loads(result.stdout) if p["severity"] == "error"]


def imported(root) -> set[str]:
    return set(json.loads((root / "modules.json").read_text()))


def test_check_loads_neither_the_plugin_nor_the_renderer(small_site):
    root = small_site(("nl",))
    write_statement(root / "updates", "2026-01-13-0632-spoed.md", STATEMENT)
    result = run_check(root)
    assert (result.returncode, errors(result)) == (0, []), result.stderr
    assert not imported(root) & set(RENDERER)
    assert not {name.split(".")[0] for name in imported(root)} & {"feedgen", "icalendar", "lxml"}


def test_an_option_from_an_unset_variable_takes_its_default(small_site):
    root = small_site(("nl",))
    path = root / "mkdocs.yml"
    path.write_text(path.read_text().replace("timezone: Europe/Brussels", "timezone: !ENV STATUSPRESS_TEST_TZ"),
                    encoding="utf-8")
    write_statement(root / "updates", "2026-01-13-0632-spoed.md", STATEMENT)
    # UTC (the default) is not the statement's +01:00 in January: the offset is reported.
    unset = run_check(root, env={"STATUSPRESS_TEST_TZ": ""})
    assert [message[:40] for _, message in errors(unset)] == ["'date: 2026-01-13T06:32:00+01:00' has th"]
    given = run_check(root, env={"STATUSPRESS_TEST_TZ": "Europe/Brussels"})
    assert (given.returncode, errors(given)) == (0, [])


def test_mkdocs_still_judges_the_rest_of_the_file(small_site):
    root = small_site(("nl",))
    path = root / "mkdocs.yml"
    path.write_text("extra_key: 1\n" + path.read_text(), encoding="utf-8")
    write_statement(root / "updates", "2026-01-13-0632-spoed.md", STATEMENT)
    warned = run_check(root)
    assert warned.returncode == 0
    assert "Config value 'extra_key': Unrecognised configuration name: extra_key" in warned.stderr
    path.write_text(path.read_text().replace("name: material", "name: materiall"), encoding="utf-8")
    refused = run_check(root)
    assert refused.returncode == 1
    assert "Unrecognised theme name: 'materiall'" in refused.stderr
    assert "Aborted with a configuration error!" in refused.stderr + refused.stdout


def test_a_config_only_mkdocs_can_read_is_checked_as_before(small_site):
    root = small_site(("nl",))
    (root / "base.yml").write_text("site_url: https://status.example.org/\n", encoding="utf-8")
    path = root / "mkdocs.yml"
    path.write_text("INHERIT: base.yml\n" + path.read_text().replace("site_url: https://status.example.org/\n", "")
                    .replace("      timezone: Europe/Brussels\n", "      timezone: Europe/Brussels\n      tiemzone: x\n"),
                    encoding="utf-8")
    write_statement(root / "updates", "2026-01-13-0632-spoed.md", STATEMENT)
    result = run_check(root)
    assert result.returncode == 1
    assert [message[:40] for _, message in errors(result)] == ["unknown key 'tiemzone' in the statuspres"]
    assert "Unrecognised configuration name: tiemzone" in result.stderr  # MkDocs' own warning, as before
    assert "generator.mkdocs.plugin" in imported(root)

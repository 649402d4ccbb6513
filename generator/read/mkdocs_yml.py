"""The statuspress block of mkdocs.yml, read as MkDocs would give it to the plugin, without the plugin.

To validate the block, MkDocs imports and instantiates the plugin, which brings the whole
renderer (feeds, calendar, templates): some 60 ms of the 0.65 s `check` took at 1,000 statements.
`check` reads the block here and lets MkDocs judge the rest of the file (theme, other plugins,
extensions, site_url) with our plugin left out. Whenever this reader meets anything it does not
take exactly as MkDocs does (INHERIT, a YAML tag other than !ENV in a plugin's options, a value
MkDocs might refuse or replace, an unknown option, the plugin switched off or listed twice), it
answers None and the caller lets MkDocs load the plugin as before: the message is then MkDocs'.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from mkdocs.utils.yaml import get_yaml_loader


def _is(*types):
    return lambda value: isinstance(value, types)


def _strings(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, str) for item in value)


# generator/mkdocs/config.py's StatuspressConfig, option by option: (what MkDocs accepts as it
# stands, the default). tests/read/test_check_config.py holds the two together.
OPTIONS = {
    "timezone": (_is(str), "UTC"),
    "languages": (_strings, ["en"]),
    "groups": (_is(dict), {}),
    "departments": (_is(dict), {}),
    "updates_dir": (_is(str), "updates"),
    "site_name": (_is(str, dict), None),
    "organisation": (_is(str, dict), None),
    "advice": (_is(list), []),
    "email_signup": (_is(str, dict), None),
    "feed_items": (_is(int), 50),
    "editor_bundle": (_is(str), None),
    "publish_lock_timeout": (_is(int), 600),
    "region": (_is(str), None),
    "notice_days": (_is(int), 7),
    "stale_after": (_is(int), 30),
}


class _Unknown:
    """A value behind a tag that MkDocs resolves by importing code (!!python/name:...), or by
    knowing the page being built (!relative): MkDocs resolves those itself, in the rest of the file."""


# MkDocs' YAML reading (its !ENV), every other tag left unresolved; libyaml's parser when there is
# one: MkDocs parses the whole file again with its own, and reports what that refuses.
_Loader = get_yaml_loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader))
_Loader.add_multi_constructor("", lambda loader, suffix, node: _Unknown())


@dataclass
class PluginsConfig:
    options: dict  # the statuspress block, defaults filled in, as the plugin's config holds it
    others: list | dict  # mkdocs.yml's `plugins` without statuspress, in the same form


def read_config(config_file: Path) -> PluginsConfig | None:
    """The statuspress block and the other plugins, or None when only MkDocs can say (see above)."""
    try:
        data = yaml.load(config_file.read_bytes(), Loader=_Loader)
    except Exception:  # noqa: BLE001 - whatever it is, MkDocs reports it in its own words
        return None
    if not isinstance(data, dict) or "INHERIT" in data:
        return None
    split = _split_plugins(data.get("plugins"))
    if split is None or _has_unknown(split):
        return None
    block, others = split
    options = {}
    for name, (accepts, default) in OPTIONS.items():
        if name not in block:
            options[name] = list(default) if isinstance(default, list) else \
                dict(default) if isinstance(default, dict) else default
        elif accepts(block[name]):
            options[name] = block[name]
        else:
            return None  # None, or another type: MkDocs decides (a default, or its own error)
    if set(block) - set(OPTIONS):
        return None  # MkDocs warns about an unknown option in its own words
    return PluginsConfig(options=options, others=others)


def _split_plugins(plugins) -> tuple[dict, list | dict] | None:
    """(statuspress's options, the other plugins) when it is listed once, plainly, and not switched off."""
    if isinstance(plugins, dict):
        entries = list(plugins.items())
        others = {name: options for name, options in entries if name != "statuspress"}
    elif isinstance(plugins, list):
        entries, others = [], []
        for item in plugins:
            if isinstance(item, dict):
                if len(item) != 1:
                    return None
                entries += item.items()
            else:
                entries.append((item, {}))
            if entries[-1][0] != "statuspress":
                others.append(item)
    else:
        return None
    if not all(isinstance(name, str) for name, _ in entries):
        return None
    found = [options for name, options in entries if name == "statuspress"]
    if len(found) != 1:
        return None
    block = found[0] if found[0] is not None else {}
    if not isinstance(block, dict) or "enabled" in block:
        return None
    return block, others


def _has_unknown(value) -> bool:
    """Whether `value` holds an _Unknown anywhere (YAML aliases may make it hold itself)."""
    todo, seen = [value], set()
    while todo:
        item = todo.pop()
        if isinstance(item, _Unknown):
            return True
        if isinstance(item, (dict, list, tuple)) and id(item) not in seen:
            seen.add(id(item))
            todo += [*item.keys(), *item.values()] if isinstance(item, dict) else item
    return False

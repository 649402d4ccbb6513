"""mkdocs.yml as `statuspress check` needs it, read without MkDocs.

MkDocs' own loading imports and instantiates every listed plugin (ours brings the whole
renderer: feeds, calendar, templates) and the theme: a third of what `check` spent at 1,000
statements. `check` needs only `site_name`, `site_url` and the statuspress block, taken as
MkDocs would take them. Whenever this reader meets anything it does not take exactly as MkDocs
does (INHERIT, a YAML tag other than !ENV in those values, a value MkDocs might refuse or
rewrite, an unknown option, the plugin switched off or listed twice), it answers None and the
caller loads the file with MkDocs: the result, the message and the exit code are then MkDocs'.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml


def _is(*types):
    return lambda value: isinstance(value, types)


def _strings(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, str) for item in value)


# generator/mkdocs/config.py's StatuspressConfig, option by option: (what MkDocs accepts as it
# stands, the default). tests/test_check_speed.py holds the two together.
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
    "publish_lock_timeout": (_is(int), 600),
}


class _Unknown:
    """A value behind a tag that MkDocs resolves by importing code (!!python/name:...), or by
    knowing the page being built (!relative): never needed by check, unless it is one of ours."""


class _Loader(yaml.SafeLoader):
    """MkDocs' YAML reading (the same pure-Python parser, !ENV), with every other tag left unresolved."""


def _env_tag(loader, node):
    import yaml_env_tag  # MkDocs' own !ENV, loaded only when a file uses it

    return yaml_env_tag.construct_env_tag(loader, node)


_Loader.add_constructor("!ENV", _env_tag)
_Loader.add_multi_constructor("", lambda loader, suffix, node: _Unknown())


@dataclass
class SiteConfig:
    options: dict  # the statuspress block, defaults filled in, as the plugin's config holds it
    site_name: str
    site_url: str | None


def read_config(config_file: Path) -> SiteConfig | None:
    """What `check` needs of `config_file`, or None when only MkDocs can say (see the module's doc)."""
    try:
        data = yaml.load(config_file.read_bytes(), Loader=_Loader)
    except Exception:  # noqa: BLE001 - whatever it is, MkDocs reports it in its own words
        return None
    if not isinstance(data, dict) or "INHERIT" in data:
        return None
    block = _statuspress_block(data.get("plugins"))
    site_name, site_url = data.get("site_name"), _site_url(data.get("site_url"))
    if block is None or not isinstance(site_name, str) or not site_name or site_url is False:
        return None
    if _has_unknown([block, site_name, site_url]):
        return None
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
    return SiteConfig(options=options, site_name=site_name, site_url=site_url)


def _statuspress_block(plugins) -> dict | None:
    """The statuspress plugin's options, when it is listed once, plainly, and not switched off."""
    if isinstance(plugins, dict):
        entries = list(plugins.items())
    elif isinstance(plugins, list):
        entries = []
        for item in plugins:
            if isinstance(item, dict):
                if len(item) != 1:
                    return None
                entries += item.items()
            else:
                entries.append((item, {}))
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
    return block


def _site_url(value) -> str | None | bool:
    """`site_url` as MkDocs normalizes it (a folder: ending in '/'); False when MkDocs should judge it."""
    if value is None:
        return None
    if not isinstance(value, str):
        return False
    if value == "":
        return value
    try:
        parts = urlsplit(value)
        if not (parts.scheme and parts.netloc):
            return False
        if not parts.path.endswith("/"):
            parts = parts._replace(path=f"{parts.path}/")
        return urlunsplit(parts)
    except ValueError:
        return False


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

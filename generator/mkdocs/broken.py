"""What a preview shows while the site does not build: the problems, on every page, and the
browser editor, so that the writer can fix what the editor wrote.

Both previews use it: `statuspress serve` (preview.py) and `mkdocs serve`, whose server holds
every request until a rebuild succeeds ("The server will appear stuck until build errors are
resolved"): a statement the build refuses would lock the writer out of the very editor that
wrote it. There, the failed build is replaced by these files instead.
"""
from __future__ import annotations

import html
import logging
import os
import shutil
from pathlib import Path

from ..compute import build_time, compute
from ..render.admin import admin_files
from ..validate import Loaded, load_site

log = logging.getLogger("mkdocs.plugins.statuspress")


def load(config_file: Path) -> tuple[str, Loaded | None, dict]:
    """(the errors as `file:line: message` lines, what was read, the statuspress options) of the
    site as it is on disk; errors "" when it would build as far as statuspress can tell."""
    from mkdocs.config import load_config

    root = config_file.parent
    try:
        config = load_config(str(config_file))
        plugin = config.plugins["statuspress"]
    except KeyError:
        return f"{config_file.name}: the statuspress plugin is not listed under 'plugins'", None, {}
    except BaseException as exc:  # noqa: BLE001 - a broken mkdocs.yml, whatever MkDocs raises for it
        if isinstance(exc, KeyboardInterrupt):
            raise
        return f"{config_file.name}: {exc}", None, {}
    options = dict(plugin.config)
    loaded = load_site(options, site_name=config.site_name, site_url=config.site_url or "http://preview/",
                       config_file=config_file)
    errors = "\n".join(p.format(root) for p in loaded.problems.sorted() if p.is_error)
    return errors, loaded, options


def problem_page(problems: str) -> bytes:
    return ("<!doctype html><html lang=en><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width, initial-scale=1'>"
            "<title>statuspress: problems</title>"
            "<h1>The site would not build</h1><p>Fix these and save: this page reloads by itself. "
            "Nothing is published while they remain. The editor is still at <a href='admin/'>admin/</a> "
            "(from a page deeper in the site: /admin/).</p>"
            f"<pre style='white-space:pre-wrap'>{html.escape(problems)}</pre></html>").encode("utf-8")


def editor_files(config_file: Path, loaded: Loaded | None, options: dict) -> dict[str, bytes]:
    """The editor as a preview serves it (writing to the clone through decap-server), from the
    statements that could be read; {} when mkdocs.yml itself does not read."""
    if loaded is None or loaded.site is None:
        return {}
    try:
        snapshot = compute(loaded.site, loaded.statements, build_time())
    except Exception:  # noqa: BLE001 - the choices are a help; the editor works without them
        snapshot = None
    return admin_files(loaded.site, updates_dir=options.get("updates_dir", "updates"), snapshot=snapshot,
                       root=config_file.parent, local_backend=True)


def problem_showing(builder, config_file: Path, site_dir: str):
    """`builder`, which on failure leaves in `site_dir` the problems (as its index and 404 pages)
    and the editor, instead of raising: MkDocs' server then answers again."""
    def build_or_show_problems(*args, **kwargs):
        try:
            builder(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - whatever stopped it, the preview must answer
            errors, loaded, options = load(config_file)
            files = {"index.html": problem_page(errors or str(exc)), "404.html": problem_page(errors or str(exc))}
            files.update(editor_files(config_file, loaded, options))
            _replace_contents(site_dir, files)
            log.error("statuspress: the preview shows the problems until they are fixed (the editor stays at /admin/)")
    return build_or_show_problems


def _replace_contents(site_dir: str, files: dict[str, bytes]) -> None:
    """Nothing of the previous site stays: it would show an old status without a word."""
    os.makedirs(site_dir, exist_ok=True)
    for entry in os.scandir(site_dir):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            os.unlink(entry.path)
    for path, content in files.items():
        target = Path(site_dir, *path.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)

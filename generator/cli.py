"""The `statuspress` command: check statements before publishing, start a new one."""
from __future__ import annotations

import re
import sys
import unicodedata
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from .compute import build_time, compute
from .compute.status import BuildTimeError
from .read import Problems, read_site, read_updates
from .render.i18n import Language


def _load(config_file: Path):
    """(site, statements, problems, updates_dir) from a mkdocs.yml, without building anything."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    try:
        config = load_config(str(config_file))
    except ConfigurationError as exc:
        raise click.ClickException(f"{config_file}: {exc}")
    plugin = config.plugins.get("statuspress")
    if plugin is None:
        raise click.ClickException(f"{config_file}: the 'statuspress' plugin is not listed under 'plugins'")
    site, problems = read_site(dict(plugin.config), site_name=config.site_name, site_url=config.site_url,
                               config_file=config_file)
    updates_dir = config_file.parent / plugin.config.updates_dir
    statements = []
    if site is not None:
        statements, more = read_updates(updates_dir, site)
        problems.extend(more)
    return site, statements, problems, updates_dir


@click.group()
def main():
    """statuspress: a public status site from press statements in updates/."""


@main.command()
@click.option("-f", "--config-file", type=click.Path(path_type=Path), default=Path("mkdocs.yml"),
              show_default=True, help="The site's mkdocs.yml.")
def check(config_file: Path):
    """Validate every statement and print all problems; exit 1 if any is an error."""
    if not config_file.exists():
        raise click.ClickException(f"{config_file} not found: run this in the site's folder or pass -f")
    root = config_file.resolve().parent
    site, statements, problems, updates_dir = _load(config_file.resolve())
    for problem in Problems(problems).sorted():
        click.echo(problem.format(root), err=problem.is_error)
    if site is None or problems.errors:
        click.echo(f"\n{len(problems.errors)} error(s): nothing can be published until they are fixed.", err=True)
        sys.exit(1)

    now = _now()
    snapshot = compute(site, statements, now)
    default = Language(site.default_language, site.timezone)
    untranslated = [(s, [lang for lang in site.languages[1:] if not s.is_translated(lang)]) for s in statements]
    untranslated = [(s, langs) for s, langs in untranslated if langs]
    if untranslated:
        click.echo("Untranslated (the default-language text is shown, marked as such):")
        for statement, langs in untranslated:
            click.echo(f"  {_relative(statement.path, root)}: {', '.join(langs)}")
    if snapshot.embargoed:
        click.echo("Embargoed (dated in the future; published by the first build after that time):")
        for statement in snapshot.embargoed:
            click.echo(f"  {_relative(statement.path, root)}: {statement.date.isoformat()} "
                       f"({default.datetime(statement.date)})")
    click.echo(f"OK: {len(statements)} statement(s), {len(snapshot.statements)} published, "
               f"{len(snapshot.incidents)} incident(s), {len(snapshot.closures)} planned closure(s); "
               f"overall: {snapshot.overall}.")


def _now() -> datetime:
    try:
        return build_time()
    except BuildTimeError as exc:
        raise click.ClickException(str(exc)) from None


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)


def slugify(title: str, limit: int = 40) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:limit].rstrip("-") or "update"


def _yaml_text(value: str) -> str:
    """A YAML double-quoted scalar: safe for any title."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


@main.command()
@click.argument("title")
@click.option("-f", "--config-file", type=click.Path(path_type=Path), default=Path("mkdocs.yml"),
              show_default=True, help="The site's mkdocs.yml.")
@click.option("--incident", help="The incident this statement belongs to.")
@click.option("--phase", type=click.Choice(["investigating", "identified", "monitoring", "resolved"]))
@click.option("--date", "when", help="Publication time (ISO 8601 with offset); default: now.")
@click.option("--translations", is_flag=True, help="Also create an empty file for every other language.")
def new(title: str, config_file: Path, incident: str | None, phase: str | None, when: str | None,
        translations: bool):
    """Create a new statement file, correctly dated, ready to edit."""
    site, _, problems, updates_dir = _load(config_file.resolve())
    if site is None:
        for problem in problems.sorted():
            click.echo(problem.format(config_file.resolve().parent), err=True)
        sys.exit(1)
    zone = ZoneInfo(site.timezone)
    if when:
        try:
            date = datetime.fromisoformat(when)
        except ValueError:
            raise click.BadParameter(f"'{when}' is not a date and time such as 2026-01-13T06:32:00+01:00",
                                     param_hint="--date")
        if date.tzinfo is None:
            date = date.replace(tzinfo=zone)
    else:
        date = _now().astimezone(zone).replace(second=0, microsecond=0)
    stmt_id = f"{date:%Y-%m-%d-%H%M}-{slugify(title)}"
    folder = updates_dir / f"{date:%Y}" if (updates_dir / f"{date:%Y}").is_dir() else updates_dir
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stmt_id}.md"
    if path.exists() or any(updates_dir.rglob(f"{stmt_id}.md")):
        raise click.ClickException(f"{stmt_id}.md exists already: choose another title or time")
    lines = ["---", f"title: {_yaml_text(title)}", f"date: {date.isoformat()}"]
    if incident:
        lines.append(f"incident: {incident}")
    if phase:
        lines.append(f"phase: {phase}")
    lines += ["summary: ", "# departments:", "#   emergency: reduced", "# notes:",
              "#   emergency: Where to go instead, what to bring.", "---", "", "Write the statement here.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    click.echo(f"created {path}")
    if translations:
        for lang in site.languages[1:]:
            stub = folder / f"{stmt_id}.{lang}.md"
            stub.write_text('---\ntitle: ""\nsummary: \n---\n\n', encoding="utf-8")
            click.echo(f"created {stub} (fill in the title and text, or delete it to publish untranslated)")


if __name__ == "__main__":
    main()

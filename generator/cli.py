"""The `statuspress` command: check statements before publishing, start a new one."""
from __future__ import annotations

import json
import re
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from .compute import build_time, compute
from .compute.checks import publication_warnings
from .compute.status import BuildTimeError
from .model import PHASES, STATUSES
from .read import Problems
from .read.format import slugify, statement_text, stub_text
from .read.problems import did_you_mean, one_of
from .terminal import status_report
from .validate import load_site



def _load(config_file: Path):
    """(site, statements, problems, updates_dir) from a mkdocs.yml, validated exactly as a build does."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    from .read.mkdocs_yml import read_config

    if not config_file.exists():
        raise click.ClickException(f"{config_file} not found: run this in the site's folder or pass -f")
    plain = read_config(config_file)  # our plugin's block, when it reads exactly as MkDocs would read it
    try:
        # MkDocs judges the rest of the file as a build does. Our plugin, which it would import whole
        # (renderer, feeds, calendar) to check one block, is left out when that block is read already.
        config = load_config(str(config_file), **({"plugins": plain.others} if plain else {}))
    except ConfigurationError as exc:
        raise click.ClickException(f"{config_file}: {exc}")
    if plain is not None:
        options = plain.options
    else:
        plugin = config.plugins.get("statuspress")
        if plugin is None:
            raise click.ClickException(f"{config_file}: the 'statuspress' plugin is not listed under 'plugins'")
        options = dict(plugin.config)
    from .read.site import SiteUrlError, site_url_from_environment

    try:
        site_url = site_url_from_environment(config.site_url)
    except SiteUrlError as exc:
        raise click.ClickException(str(exc)) from None
    loaded = load_site(options, site_name=config.site_name, site_url=site_url, config_file=config_file,
                       site_dir=config.site_dir, docs_dir=config.docs_dir)
    return loaded.site, loaded.statements, loaded.problems, loaded.updates_dir


def _load_or_exit(config_file: Path):
    """Like _load, but stops with every error when the site cannot be used as it stands."""
    site, statements, problems, updates_dir = _load(config_file.resolve())
    if site is None or problems.errors:
        root = config_file.resolve().parent
        for problem in Problems(problems.errors).sorted():
            click.echo(problem.format(root), err=True)
        click.echo(f"\n{len(problems.errors)} error(s): fix them first (`statuspress check` lists them).", err=True)
        sys.exit(1)
    return site, statements, updates_dir


CONFIG_OPTION = click.option("-f", "--config-file", type=click.Path(path_type=Path), default=Path("mkdocs.yml"),
                             show_default=True, help="The site's mkdocs.yml.")


@click.group()
def main():
    """statuspress: a public status site from press statements in updates/."""


@main.command()
@CONFIG_OPTION
@click.option("--format", "output", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="text for people, json for tools, github for GitHub Actions annotations.")
@click.option("--strict", is_flag=True, help="Fail on warnings too (untranslated, embargoed, near ids...).")
def check(config_file: Path, output: str, strict: bool):
    """Validate every statement and print all problems; exit 1 if any is an error."""
    root = config_file.resolve().parent
    site, statements, problems, _ = _load(config_file.resolve())
    snapshot = None
    if site is not None:  # the warnings of the statements that are valid, even beside errors: all in one run
        snapshot = compute(site, statements, _now())
        problems = Problems([*problems, *publication_warnings(snapshot)])
    problems = Problems(problems).sorted()
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    failed = bool(errors) or site is None or (strict and bool(warnings))

    if output == "json":
        click.echo(json.dumps([{"path": _relative(p.path, root), "line": p.line, "severity": p.severity,
                                "message": p.message} for p in problems], ensure_ascii=False, indent=2))
    elif output == "github":
        for p in problems:
            kind = "error" if p.is_error else ("warning" if p.severity == "warning" else "notice")
            click.echo(f"::{kind} file={_escape_property(_relative(p.path, root))},line={p.line}::"
                       f"{_escape_data(p.message)}")
    else:
        for problem in problems:
            click.echo(problem.format(root), err=problem.is_error)
        if errors or site is None:
            click.echo(f"\n{len(errors)} error(s): nothing can be published until they are fixed.", err=True)
        else:
            click.echo(_check_summary(snapshot, statements))
            if strict and warnings:
                click.echo(f"{len(warnings)} warning(s), and --strict fails on warnings.", err=True)
    sys.exit(1 if failed else 0)


def _check_summary(snapshot, statements) -> str:
    lines = []
    if snapshot.active_incidents:
        lang = snapshot.site.default_language
        lines.append("Open incidents (write the id in 'incident:' to follow one up):")
        lines += [f"  {i.id}: \"{i.title(lang)}\" ({i.phase})" for i in snapshot.active_incidents]
    lines.append(f"OK: {len(statements)} statement(s), {len(snapshot.statements)} published, "
                 f"{len(snapshot.incidents)} incident(s), {len(snapshot.closures)} planned closure(s); "
                 f"overall: {snapshot.overall}.")
    return "\n".join(lines)


def _escape_data(text: str) -> str:
    """A GitHub Actions workflow command's message: %, CR and LF are encoded."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


@main.command()
@CONFIG_OPTION
@click.option("--at", "at", metavar="TIME",
              help="The moment to show, such as 2026-01-20T21:00 (site time zone unless an offset is given); "
                   "default: now.")
def status(config_file: Path, at: str | None):
    """Print what the site shows at a moment: departments, open incidents, closures, held-back statements."""
    site, statements, _ = _load_or_exit(config_file)
    moment = _parse_time(at, ZoneInfo(site.timezone), "--at") if at else _now()
    click.echo(status_report(compute(site, statements, moment)), nl=False)


def _parse_time(value: str, zone: ZoneInfo, option: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date and time such as 2026-01-13T06:32 or "
                                 "2026-01-13T06:32:00+01:00", param_hint=option)
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


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


@main.command()
@click.argument("title")
@CONFIG_OPTION
@click.option("--incident", metavar="ID", help="Follow up this incident or planned closure (its id, as "
              "`statuspress status` lists it).")
@click.option("--set", "sets", metavar="DEPT=STATUS", multiple=True,
              help="A department's status from this statement on, such as emergency=reduced; repeatable.")
@click.option("--phase", type=click.Choice(PHASES))
@click.option("--date", "when", help="Publication time (ISO 8601; site time zone unless an offset is given); "
              "default: now.")
@click.option("--translate", metavar="LANGS", help="Create translation stubs for these languages, such as fr,en.")
@click.option("--translations", is_flag=True, help="Create translation stubs for every other language.")
def new(title: str, config_file: Path, incident: str | None, sets: tuple[str, ...], phase: str | None,
        when: str | None, translate: str | None, translations: bool):
    """Create a new statement file, correctly dated, ready to edit; never overwrites a file."""
    site, statements, problems, updates_dir = _load(config_file.resolve())
    if site is None:
        for problem in problems.sorted():
            click.echo(problem.format(config_file.resolve().parent), err=True)
        sys.exit(1)
    departments = _parse_sets(sets, site)
    languages = list(site.languages[1:]) if translations else _parse_languages(translate, site)
    zone = ZoneInfo(site.timezone)
    # The offset is the zone's at that very date: a July statement gets summer time.
    date = (_parse_time(when, zone, "--date") if when
            else _now().replace(second=0, microsecond=0)).astimezone(zone)

    snapshot = compute(site, statements, _now())
    lang = site.default_language
    open_incidents = snapshot.active_incidents
    listed = "; ".join(f"{i.id} (\"{i.title(lang)}\")" for i in open_incidents) or "none"
    if incident is not None:
        known = {s.group_id for s in statements if s.group_id}
        if incident not in known:
            raise click.BadParameter(
                f"there is no incident or planned closure '{incident}'{did_you_mean(incident, known)}. "
                f"Open incidents: {listed}. To start a new incident, leave out --incident.",
                param_hint="--incident")
    elif open_incidents and sys.stdin.isatty():
        click.echo("Open incidents:")
        for number, open_incident in enumerate(open_incidents, 1):
            click.echo(f"  {number}) {open_incident.id}: \"{open_incident.title(lang)}\" ({open_incident.phase})")
        click.echo("  0) none: a new incident, or a notice")
        choice = click.prompt("Follow up which one?", type=click.IntRange(0, len(open_incidents)), default=0)
        if choice:
            incident = open_incidents[choice - 1].id

    stmt_id = f"{date:%Y-%m-%d-%H%M}-{slugify(title)}"
    folder = updates_dir / f"{date:%Y}" if (updates_dir / f"{date:%Y}").is_dir() else updates_dir
    files = {folder / f"{stmt_id}.md": statement_text(title, date, incident, phase, departments, site)}
    for code in languages:
        files[folder / f"{stmt_id}.{code}.md"] = stub_text(title, lang, code)
    for path in files:
        if path.exists() or (updates_dir.is_dir() and any(updates_dir.rglob(path.name))):
            raise click.ClickException(f"{path.name} exists already: choose another title or time "
                                       "(statuspress new never overwrites a file)")
    folder.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        with path.open("x", encoding="utf-8") as fp:  # "x": never overwrite, even in a race
            fp.write(text)
        click.echo(f"created {path}")
    click.echo("Write the text and the summary, then run `statuspress status` to see what the site will show.")


def _parse_sets(sets: tuple[str, ...], site) -> dict[str, str]:
    departments = {}
    for item in sets:
        dept, equals, status = (part.strip() for part in item.partition("="))
        if not equals or not dept or not status:
            raise click.BadParameter(f"'{item}' must be department=status, such as "
                                     f"{next(iter(site.departments))}=reduced", param_hint="--set")
        if dept not in site.departments:
            raise click.BadParameter(f"unknown department '{dept}'{did_you_mean(dept, site.departments)}: "
                                     f"use one of {one_of(site.departments)}", param_hint="--set")
        if status not in STATUSES:
            raise click.BadParameter(f"unknown status '{status}' for '{dept}'{did_you_mean(status, STATUSES)}: "
                                     f"use one of {one_of(STATUSES)}", param_hint="--set")
        departments[dept] = status
    return departments


def _parse_languages(value: str | None, site) -> list[str]:
    codes = [code.strip() for code in (value or "").split(",") if code.strip()]
    for code in codes:
        if code == site.default_language:
            raise click.BadParameter(f"'{code}' is the default language: the statement itself is written in it; "
                                     f"translate into {one_of(site.languages[1:]) or 'no other language'}",
                                     param_hint="--translate")
        if code not in site.languages:
            raise click.BadParameter(f"'{code}' is not one of the site's languages"
                                     f"{did_you_mean(code, site.languages[1:])}: use {one_of(site.languages[1:])}",
                                     param_hint="--translate")
    return list(dict.fromkeys(codes))


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--name", "site_name", default="Status", show_default=True, help="The site's name (site_name).")
@click.option("--languages", default="en", show_default=True,
              help="Comma-separated language tags; the first is the default language.")
@click.option("--timezone", default="UTC", show_default=True, help="IANA time zone, such as Europe/Brussels.")
@click.option("--site-url", default=None, help="Where the site will be published (a placeholder by default).")
@click.option("--requirement", default=None,
              help="What the publishing workflows pip-install to get statuspress (default: the statuspress "
                   "running init, pinned: a git URL at its commit, or statuspress==VERSION).")
def init(directory: Path, site_name: str, languages: str, timezone: str, site_url: str | None,
         requirement: str | None):
    """Start a new, empty status site in DIRECTORY (which must not exist or be empty)."""
    from .scaffold import PLACEHOLDER_URL, InitError, init_site
    from .scaffold.requirement import installed_requirement

    codes = [code.strip() for code in languages.split(",") if code.strip()]
    try:
        ZoneInfo(timezone)
    except (KeyError, ValueError):
        raise click.BadParameter(f"'{timezone}' is not an IANA time zone such as Europe/Brussels",
                                 param_hint="--timezone")
    pinned = None if requirement else installed_requirement()
    text = requirement if requirement else "\n".join(filter(None, [pinned.comment, pinned.line]))
    try:
        init_site(directory, site_name=site_name, languages=codes, timezone=timezone,
                  site_url=site_url or PLACEHOLDER_URL, requirement=text)
    except InitError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"created a new status site in {directory}")
    if pinned is not None:
        click.echo(f"requirements.txt: {pinned.line or '(no installable statuspress: see below)'}")
        if pinned.advice:
            click.echo(("before the first push: " if not pinned.line else "note: ") + pinned.advice,
                       err=not pinned.line)
    click.echo(f"next: cd {directory} && statuspress serve   (then edit mkdocs.yml: site_url, departments)")


@main.command()
@CONFIG_OPTION
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="IP:PORT",
              help="Where to serve the preview.")
def serve(config_file: Path, dev_addr: str):
    """Preview the site: a saved statement shows within a second, however many there are.

    Status pages are rendered when the browser asks for them, from the files as they are then;
    the rest comes from one full build, redone when mkdocs.yml or docs/ change. Pages reload
    themselves. `mkdocs build` is what publishes.
    """
    from .mkdocs.preview import serve as run

    host, _, port = dev_addr.rpartition(":")
    if not host or not port.isdigit():
        raise click.BadParameter("give an address such as 127.0.0.1:8000", param_hint="--dev-addr")
    run(config_file, host, int(port))


@main.command()
@click.option("--format", "output", type=click.Choice(["netlify", "nginx", "apache", "caddy", "s3"]),
              required=True, help="netlify (also Cloudflare Pages: the _headers file), nginx, apache "
                                  "(.htaccess), caddy (Caddyfile) or s3 (aws CLI and CloudFront policies).")
@click.option("--site-dir", type=click.Path(path_type=Path), default=None,
              help="A built site: its own policies (with its script hashes) and, for netlify, its tree.")
def headers(output: str, site_dir: Path | None):
    """Print the cache, CORS and security headers of `_headers` for another server."""
    from .render.headers import server_rules

    try:
        click.echo(server_rules(output, site_dir), nl=False)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option("--expect", "site_dir", type=click.Path(path_type=Path), default=None,
              help="The site_dir of the build just made: each copy must serve that build (or a newer one).")
@click.option("--wait", type=click.FloatRange(0, 3600), default=0, show_default=True, metavar="SECONDS",
              help="Keep asking a copy that is not current yet, up to this long (a deploy takes a while to "
                   "reach a CDN).")
@click.option("--max-age", type=click.FloatRange(1), default=30, show_default=True, metavar="MINUTES",
              help="Without --expect: a copy whose page was generated longer ago than this is stale.")
@click.option("--strict", is_flag=True, help="Fail on missing cache, CORS or security headers too.")
def doctor(urls: tuple[str, ...], site_dir: Path | None, wait: float, max_age: float, strict: bool):
    """Check each live copy of the site: reachable, same build, how old, headers served; exit 1 if any
    copy is unreachable, stale or diverging."""
    from . import doctor as checks

    expected = None
    if site_dir is not None:
        try:
            expected = checks.local_build(site_dir)
        except (FileNotFoundError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
    for url in urls:
        if not re.match(r"^https?://", url):
            raise click.BadParameter(f"'{url}' is not an address such as https://status.example.org/",
                                     param_hint="URL")
    verdicts = checks.check(list(urls), expected, wait, max_age)
    for verdict in verdicts:
        click.echo(checks.report(verdict))
    failed = [v for v in verdicts if v.failed(strict)]
    if failed:
        click.echo(f"\n{len(failed)} of {len(verdicts)} copies not as they should be: "
                   + ", ".join(f"{v.copy.url} ({v.state if v.state != 'current' else 'headers missing'})"
                               for v in failed), err=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

"""`statuspress announce`: post each statement that just became public to the configured channels.

Runs after the deploy, so it can never hold publishing back. The record of what was announced is
the live site's statuspress/published.json as it was before the deploy (`--since`) against the
deployed build's (`--current`): what is in the second and not in the first goes out, once per
channel and language. A channel that fails is retried with backoff, reported, and the others go on.

Channels are Apprise URLs read from environment variables named in mkdocs.yml: the URLs hold
passwords and tokens, so nothing here ever prints or writes one (Apprise's own log is kept quiet
for the same reason: some services' messages quote the URL).
"""
from __future__ import annotations

import json
import logging
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .compute.status import Snapshot
from .model import Channel, Site
from .render import urls
from .render.announcement import Message, News, cut_at_word, message, news
from .render.i18n import Language
from .render.published import PATH as PUBLISHED_PATH

TIMEOUT = 20  # seconds for one request: a hung service must not hold the run for ever


class RecordError(Exception):
    """The previous record cannot be read: the message says why, without a secret."""


def read_record(source: str, timeout: float = TIMEOUT) -> list[dict]:
    """The entries of a published.json: a file, a URL of one, or a site's address."""
    return parse_record(*fetch_record(source, timeout))


def fetch_record(source: str, timeout: float = TIMEOUT) -> tuple[bytes, str]:
    """(the bytes of a published.json, where they came from); RecordError when they cannot be had."""
    if "://" in source:
        url = source if source.endswith(".json") else source.rstrip("/") + "/" + PUBLISHED_PATH
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers={"Cache-Control": "no-cache"}),
                                        timeout=timeout) as response:
                data = response.read()
        except urllib.error.HTTPError as exc:
            raise RecordError(f"{url} answered {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise RecordError(f"{url} could not be reached ({getattr(exc, 'reason', exc)})") from None
        where = url
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise RecordError(f"{source} could not be read ({exc.strerror or exc})") from None
        where = source
    return data, where


def parse_record(data: bytes, where: str) -> list[dict]:
    try:
        document = json.loads(data)
        entries = document["statements"]
        if not all(isinstance(e, dict) and {"id", "language", "sha256"} <= set(e) for e in entries):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise RecordError(f"{where} is not a statuspress/published.json") from None
    return entries


def channel_url(channel: Channel, environ=os.environ) -> str | None:
    """The channel's Apprise URL from its environment variable; None when it is unset or empty."""
    value = environ.get(channel.env)
    return value.strip() if isinstance(value, str) and value.strip() else None


@dataclass
class Target:
    """A channel as Apprise knows it: its service's name and limits (None: not set up here)."""

    channel: Channel
    plugin: object | None = None
    problem: str | None = None

    @property
    def service(self) -> str:
        return str(getattr(self.plugin, "service_name", "")) or "?"

    @property
    def separate_title(self) -> bool:
        """Whether the service shows a title apart (e-mail's subject); else the title opens the text."""
        return bool(getattr(self.plugin, "title_maxlen", 0))

    @property
    def limit(self) -> int | None:
        return getattr(self.plugin, "body_maxlen", None) if self.plugin is not None else None


def targets(site: Site, environ=os.environ) -> list[Target]:
    result = []
    quiet_apprise()
    for channel in site.announce:
        url = channel_url(channel, environ)
        if url is None:
            result.append(Target(channel, problem=f"the environment variable {channel.env} is not set here"))
            continue
        import apprise

        plugin = apprise.Apprise.instantiate(url)
        if not plugin:
            result.append(Target(channel, problem=f"{channel.env} does not hold an Apprise URL that Apprise "
                                                  "can use (see https://github.com/caronc/apprise/wiki)"))
        else:
            result.append(Target(channel, plugin=plugin))
    return result


def quiet_apprise() -> None:
    logger = logging.getLogger("apprise")
    logger.handlers[:] = [logging.NullHandler()]
    logger.propagate = False


@dataclass
class Outcome:
    sent: list[tuple[str, str, str]] = field(default_factory=list)  # (channel, statement, language)
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # channels not set up here
    pinged: list[str] = field(default_factory=list)
    ping_failed: list[str] = field(default_factory=list)


class Report:
    """Lines for people, and GitHub annotations when running under Actions."""

    def __init__(self, echo: Callable[[str], None], github: bool):
        self.echo, self.github = echo, github

    def info(self, text: str) -> None:
        self.echo(text)

    def warning(self, text: str) -> None:
        self.echo(f"::warning title=statuspress announce::{_escape(text)}" if self.github else f"warning: {text}")

    def error(self, text: str) -> None:
        self.echo(f"::error title=statuspress announce::{_escape(text)}" if self.github else f"error: {text}")


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def messages_for(snapshot: Snapshot, items: list[News], languages: dict[str, Language],
                 channel: Channel) -> list[Message]:
    return [message(snapshot, item, languages[code]) for item in items for code in channel.languages]


def changed_feeds(snapshot: Snapshot, items: list[News]) -> list[str]:
    """The absolute address of every feed a new or corrected statement is in, once each."""
    site, found = snapshot.site, {}
    for item in items:
        statement = item.statement
        named = set(statement.departments).union(*(t.notes for t in statement.texts.values()))
        for code in site.languages:
            for kind in ("rss", "atom"):
                found[urls.feed(site, code, kind)] = None
            for dept in site.departments:
                if dept in named:
                    found[urls.feed(site, code, "rss", dept)] = None
        group = snapshot.group_of(statement)
        if group is not None and group.kind == "incident":
            found["cap/index.atom"] = None
    return [urls.absolute(site, path) for path in found]


def ping_hub(hub: str, feed: str, timeout: float = TIMEOUT) -> None:
    """WebSub's publish notification: POST hub.mode=publish, hub.url=<feed>. Raises OSError on failure."""
    body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": feed}).encode("ascii")
    request = urllib.request.Request(hub, data=body, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        if response.status >= 300:
            raise OSError(f"the hub answered {response.status}")


def announce(snapshot: Snapshot, languages: dict[str, Language], previous: list[dict], current: list[dict], *,
             send: bool, report: Report, environ=os.environ, attempts: int = 3, backoff: float = 5.0,
             sleep=time.sleep) -> Outcome:
    """Every new or corrected statement to every channel in each of its languages; `send` False
    only prints what would go where. Then the WebSub hub, for each feed that changed."""
    outcome = Outcome()
    site = snapshot.site
    items = news(snapshot, previous, current)
    if not items:
        report.info("Nothing new since the previous deploy: nothing to announce.")
        return outcome
    report.info(f"{len(items)} statement(s) to announce: " + ", ".join(
        f"{i.statement.id}{' (correction)' if i.correction else ''}" for i in items))
    for target in targets(site, environ):
        channel = target.channel
        if target.plugin is None:
            outcome.skipped.append(channel.id)
            if not send:
                report.warning(f"channel '{channel.id}': {target.problem}")
            else:
                # Statements that will never reach it: an error, with the fix (the workflow maps each
                # secret to its variable by name).
                report.error(f"channel '{channel.id}': {target.problem}; nothing sent to it. Create the secret "
                             f"{channel.env} and, in the workflow's announce step, the line "
                             f"'{channel.env}: ${{{{ secrets.{channel.env} }}}}'")
                continue
        for msg in messages_for(snapshot, items, languages, channel):
            limit = target.limit
            title = msg.title if target.separate_title else ""
            if title and len(title) > target.plugin.title_maxlen:  # e-mail subjects: 250 in Apprise
                title = cut_at_word(title, target.plugin.title_maxlen)
            if title and getattr(target.plugin, "overflow_amalgamate_title", False) and limit:
                limit -= len(title)
            body = msg.text(limit, with_title=not target.separate_title)
            if not send:
                where = f"{channel.id} ({target.service}, {channel.env})" if target.plugin else \
                    f"{channel.id} ({channel.env} not set here)"
                report.info(f"\n--- would send to {where}, {msg.lang}, {len(body)}"
                            f"{f' of at most {limit}' if limit else ''} characters:")
                if title:
                    report.info(f"title: {title}")
                report.info(body)
                continue
            if _send(target, title, body, attempts, backoff, sleep, report, msg):
                outcome.sent.append((channel.id, msg.statement_id, msg.lang))
                report.info(f"sent {msg.statement_id} ({msg.lang}) to {channel.id}")
            else:
                outcome.failed.append((channel.id, msg.statement_id, msg.lang))
                report.error(f"channel '{channel.id}' ({target.service}): {msg.statement_id} ({msg.lang}) could "
                             f"not be sent after {attempts} attempt(s); the other channels went on. Post it by "
                             f"hand: {msg.link}")
    if site.websub_hub:
        for feed in changed_feeds(snapshot, items):
            if not send:
                report.info(f"would ping the WebSub hub {site.websub_hub} for {feed}")
                continue
            try:
                ping_hub(site.websub_hub, feed)
                outcome.pinged.append(feed)
            except (OSError, urllib.error.URLError) as exc:
                outcome.ping_failed.append(feed)
                report.warning(f"the WebSub hub {site.websub_hub} was not told about {feed} ({exc}); readers "
                               "get it at their next poll")
    if send:
        report.info(f"announced: {len(outcome.sent)} message(s) sent, {len(outcome.failed)} failed"
                    + (f", {len(outcome.pinged)} feed(s) pinged at the hub" if site.websub_hub else ""))
    return outcome


def _send(target: Target, title: str, body: str, attempts: int, backoff: float, sleep, report: Report,
          msg: Message) -> bool:
    from apprise import NotifyFormat

    for attempt in range(1, attempts + 1):
        try:
            if target.plugin.notify(body=body, title=title, body_format=NotifyFormat.TEXT):
                return True
        except Exception:  # noqa: BLE001 - a service's failure, whatever it is, must not stop the others
            pass
        if attempt < attempts:
            delay = backoff * 2 ** (attempt - 1)
            report.warning(f"channel '{target.channel.id}' ({target.service}) refused {msg.statement_id} "
                           f"({msg.lang}), attempt {attempt} of {attempts}; trying again in {delay:g} s")
            sleep(delay)
    return False

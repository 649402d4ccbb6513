"""`statuspress announce`, end to end and offline: real builds, the real command, real Apprise,
delivering to a local HTTP endpoint (Apprise's json://) and a local SMTP server (aiosmtpd).

The story: the live site (build 0) shows one old statement. Build 1 publishes a new one and holds
an embargoed one back; build 2, a scheduled run after the embargo's time (SOURCE_DATE_EPOCH),
releases it. Each announce compares the build with the live site before it, as the workflows do.
"""
from __future__ import annotations

import email
import email.policy
import json
import os
import subprocess
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from helpers import epoch, free_port, mkdocs_build, write_statement

from generator.render.announcement import Message, cut_at_word

JSON_SECRET = "json-s3cr3t-token"
SMTP_SECRET = "smtp-s3cr3t-password"
T0 = "2026-01-13T06:00:00+01:00"  # the live site's build
T1 = "2026-01-13T07:00:00+01:00"  # the push that publishes the new statement
T3 = "2026-01-13T09:10:00+01:00"  # the scheduled run after the embargo's time (09:00)


class Endpoint:
    """A local HTTP server: records every POST by path; /fail answers 500."""

    def __init__(self):
        self.received: list[tuple[str, bytes]] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                endpoint.received.append((self.path, body))
                self.send_response(500 if self.path.startswith("/fail") else 200)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def posts(self, prefix: str) -> list[bytes]:
        return [body for path, body in self.received if path.startswith(prefix)]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 OK"


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.password.decode() == SMTP_SECRET
    return AuthResult(success=ok)


@pytest.fixture
def services():
    endpoint = Endpoint()
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port(), authenticator=_authenticate,
                      auth_require_tls=False)
    smtp.start()
    yield endpoint, mailbox, smtp.port
    smtp.stop()
    endpoint.close()


ANNOUNCE = """\
      websub_hub: http://127.0.0.1:{port}/hub
      area: {{nl: Antwerpen, fr: Anvers, en: Antwerp}}
      announce:
        broken:
          env: BROKEN_URL
          languages: [en]
        partners:
          env: PARTNERS_URL
          languages: [nl, fr]
          name: Partner hospitals
        press:
          env: PRESS_MAIL_URL
          languages: [en]
"""

OLD = """\
---
title: Labo trager
date: 2026-01-12T10:00:00+01:00
departments: {lab: degraded}
---
Het labo werkt trager.
"""
NEW = """\
---
title: Spoed met beperkte capaciteit
date: 2026-01-13T06:32:00+01:00
incident: cyber
departments: {emergency: reduced}
summary: Kom enkel bij levensbedreigende nood.
---
Alle servers zijn uitgeschakeld na een cyberaanval.
"""
NEW_FR = """\
---
title: Urgences à capacité réduite
summary: Ne venez qu'en cas d'urgence vitale.
---
Tous les serveurs sont coupés après une cyberattaque.
"""
NEW_EN = """\
---
title: Emergency department at reduced capacity
summary: Come only in a life-threatening emergency.
---
All servers are switched off after a cyberattack.
"""
EMBARGOED = """\
---
title: Persconferentie om 10 uur
date: 2026-01-13T09:00:00+01:00
incident: cyber
embargo: true
summary: De directie licht de toestand toe.
---
De directie geeft om 10 uur een persconferentie.
"""


@pytest.fixture
def site(small_site, services):
    endpoint, _, _ = services
    root = small_site()
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + ANNOUNCE.format(port=endpoint.port), encoding="utf-8")
    write_statement(root / "updates", "2026-01-12-1000-labo.md", OLD)
    return root


def environment(services, when: str, **extra) -> dict:
    endpoint, _, smtp_port = services
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": str(epoch(when)), "GITHUB_ACTIONS": "true",
           "BROKEN_URL": f"json://127.0.0.1:{endpoint.port}/fail",
           "PARTNERS_URL": f"json://partner:{JSON_SECRET}@127.0.0.1:{endpoint.port}/partners",
           "PRESS_MAIL_URL": f"mailto://press:{SMTP_SECRET}@example.org:{smtp_port}?smtp=127.0.0.1&mode=insecure"
                             "&from=press@example.org&to=list@example.org"}
    env.update(extra)
    return env


def announce(root: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", "announce", "--backoff", "0", *args],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)


def build(root: Path, name: str, when: str) -> Path:
    site_dir = root.parent / name
    result = mkdocs_build(root / "mkdocs.yml", site_dir, when)
    assert result.returncode == 0, result.stderr
    return site_dir / "statuspress" / "published.json"


def json_messages(endpoint: Endpoint, prefix: str = "/partners") -> list[dict]:
    return [json.loads(body) for body in endpoint.posts(prefix)]


def mail_text(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_each_new_statement_goes_once_to_each_channel_and_language(site, services, tmp_path):
    endpoint, mailbox, _ = services
    live = build(site, "site0", T0)  # what the live site showed before this push
    write_statement(site / "updates", "2026-01-13-0632-spoed.md", NEW)
    write_statement(site / "updates", "2026-01-13-0632-spoed.fr.md", NEW_FR)
    write_statement(site / "updates", "2026-01-13-0632-spoed.en.md", NEW_EN)
    write_statement(site / "updates", "2026-01-13-0900-persconferentie.md", EMBARGOED)
    deployed = build(site, "site1", T1)
    env = environment(services, T1)

    # A dry run prints what would go where, and sends nothing.
    dry = announce(site, env, "--since", str(live), "--current", str(deployed))
    assert dry.returncode == 0, dry.stderr
    assert endpoint.received == [] and mailbox.messages == []
    assert "would send to partners (JSON, PARTNERS_URL), fr" in dry.stdout
    assert "Urgences: capacité réduite" in dry.stdout
    assert "would ping the WebSub hub" in dry.stdout

    sent = announce(site, env, "--since", str(live), "--current", str(deployed), "--send")
    # The broken channel comes first in mkdocs.yml: it is tried 3 times, reported, and the others go on.
    assert sent.returncode == 1
    assert len(endpoint.posts("/fail")) == 3
    assert "::warning title=statuspress announce::channel 'broken' (JSON) refused 2026-01-13-0632-spoed (en), " \
           "attempt 1 of 3" in sent.stdout
    assert "::error title=statuspress announce::channel 'broken' (JSON): 2026-01-13-0632-spoed (en) could not " \
           "be sent after 3 attempt(s)" in sent.stdout

    partners = json_messages(endpoint)
    assert [m["title"] for m in partners] == ["Spoed met beperkte capaciteit", "Urgences à capacité réduite"]
    nl, fr = (m["message"] for m in partners)
    assert nl == ("Spoed: beperkte capaciteit\nKom enkel bij levensbedreigende nood.\n"
                  "https://status.example.org/updates/2026-01-13-0632-spoed/")
    assert fr.endswith("\nhttps://status.example.org/fr/updates/2026-01-13-0632-spoed/")
    assert "Urgences: capacité réduite" in fr and "Ne venez qu'en cas d'urgence vitale." in fr

    assert len(mailbox.messages) == 1
    mail = mailbox.messages[0]
    assert mail["Subject"] == "Emergency department at reduced capacity"
    assert mailbox.envelopes[0].rcpt_tos == ["list@example.org"]
    assert "Emergency: reduced capacity" in mail_text(mail)
    assert "https://status.example.org/en/updates/2026-01-13-0632-spoed/" in mail_text(mail)

    # The hub hears of every feed the statement is in, and of the CAP index.
    pings = [urllib.parse.parse_qs(body.decode()) for body in endpoint.posts("/hub")]
    assert all(p["hub.mode"] == ["publish"] for p in pings)
    pinged = {p["hub.url"][0] for p in pings}
    assert {"https://status.example.org/rss.xml", "https://status.example.org/fr/atom.xml",
            "https://status.example.org/en/departments/emergency/rss.xml",
            "https://status.example.org/cap/index.atom"} <= pinged
    assert "https://status.example.org/departments/lab/rss.xml" not in pinged
    assert len(pinged) == len(pings)

    # The next run compares with what is live now: nothing new, nothing sent.
    before = (len(endpoint.received), len(mailbox.messages))
    again = announce(site, env, "--since", str(deployed), "--current", str(deployed), "--send")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "nothing to announce" in again.stdout
    assert (len(endpoint.received), len(mailbox.messages)) == before

    # The scheduled run after 09:00 releases the embargo; its announce posts it, once.
    released = build(site, "site2", T3)
    later = announce(site, environment(services, T3), "--since", str(deployed), "--current", str(released),
                     "--send")
    assert later.returncode == 1  # the broken channel again
    partners = json_messages(endpoint)[2:]
    assert [m["title"] for m in partners] == ["Spoed met beperkte capaciteit: Persconferentie om 10 uur",
                                              "Urgences à capacité réduite: Persconferentie om 10 uur"]
    assert partners[1]["message"].endswith("/fr/updates/2026-01-13-0900-persconferentie/")
    assert len(mailbox.messages) == 2
    assert "/en/updates/2026-01-13-0900-persconferentie/" in mail_text(mailbox.messages[1])

    # No secret in anything printed or written.
    printed = "".join(r.stdout + r.stderr for r in (dry, sent, again, later))
    written = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    for secret in (JSON_SECRET, SMTP_SECRET):
        assert secret not in printed
        assert secret.encode() not in written


def test_announce_without_a_record_of_the_previous_deploy_sends_nothing(site, services):
    endpoint, mailbox, _ = services
    deployed = build(site, "site1", T1)
    result = announce(site, environment(services, T1), "--since", str(site / "missing.json"), "--current",
                      str(deployed), "--send")
    assert result.returncode == 0
    assert "no record of the previous deploy" in result.stdout
    assert endpoint.received == [] and mailbox.messages == []


def test_save_since_keeps_the_live_record_for_after_the_deploy(site, services, tmp_path):
    live = build(site, "site0", T0)
    saved = tmp_path / "record" / "previous.json"
    result = announce(site, environment(services, T1), "--since", str(live), "--save-since", str(saved))
    assert result.returncode == 0, result.stderr
    assert json.loads(saved.read_text()) == json.loads(live.read_text())


def test_a_literal_apprise_url_in_mkdocs_yml_is_refused(small_site):
    from generator.cli import main
    from click.testing import CliRunner

    root = small_site()
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "      announce:\n        mastodon:\n"
                      "          env: mastodon://token@mastodon.social\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "-f", str(config)], env={"SOURCE_DATE_EPOCH": str(epoch(T1))})
    assert result.exit_code == 1
    assert "mastodon://token" not in result.output  # the secret is not repeated where logs keep it
    assert "mkdocs.yml:24: channel 'mastodon': 'env' must be the NAME of an environment variable" in result.output


@pytest.mark.parametrize("limit", range(40, 140, 7))
def test_a_message_is_cut_at_a_word_and_keeps_its_link(limit):
    link = "https://status.example.org/en/updates/2026-01-13-0632-emergency-department/"
    message = Message("x", "en", "Emergency department at reduced capacity",
                      ("Emergency: reduced capacity", "Come only in a life-threatening emergency."), link)
    text = message.text(limit + len(link))
    assert len(text) <= limit + len(link)
    assert text.endswith("\n" + link)
    words = text[:-len(link) - 1]
    full = "Emergency department at reduced capacity\nEmergency: reduced capacity\n" \
           "Come only in a life-threatening emergency."
    assert full.startswith(words.rstrip("…"))  # a prefix of the text...
    kept = words.rstrip("…")
    assert kept == full or full[len(kept)] in " \n"  # ...that ends at a whole word


def test_cut_at_word_never_returns_more_than_asked():
    assert cut_at_word("Spoedgevallen beperkte capaciteit", 20) == "Spoedgevallen…"
    assert len(cut_at_word("Spoedgevallenbeperktecapaciteit", 10)) <= 10


def test_a_dry_run_fits_each_message_to_its_service(small_site):
    """Mastodon: 500 characters with the title in the text (Apprise's body_maxlen and title_maxlen)."""
    root = small_site()
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "      announce:\n        mastodon:\n"
                      "          env: MASTODON_URL\n          languages: [en]\n", encoding="utf-8")
    live = build(root, "site0", T0)
    long_summary = "Come only in a life-threatening emergency; " * 20
    write_statement(root / "updates", "2026-01-13-0632-spoed.md", NEW)
    write_statement(root / "updates", "2026-01-13-0632-spoed.en.md",
                    NEW_EN.replace("Come only in a life-threatening emergency.", long_summary.strip()))
    deployed = build(root, "site1", T1)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch(T1)), "MASTODON_URL": "mastodon://s3cr3t@mastodon.example"}
    result = announce(root, env, "--since", str(live), "--current", str(deployed))
    assert result.returncode == 0, result.stderr
    head, _, text = result.stdout.partition("--- would send to mastodon (Mastodon, MASTODON_URL), en, ")
    count, _, text = text.partition(" characters:\n")
    text = text.rstrip("\n")
    assert count == f"{len(text)} of at most 500" and len(text) <= 500
    assert text.startswith("Emergency department at reduced capacity\nEmergency: reduced capacity\nCome only")
    assert text.endswith("…\nhttps://status.example.org/en/updates/2026-01-13-0632-spoed/")
    last_word = text.partition("…")[0].split()[-1]
    assert last_word in long_summary.split()  # whole, not cut inside
    assert "s3cr3t" not in result.stdout + result.stderr


def test_every_mistake_in_the_announce_set_up_is_reported_with_its_line(small_site):
    from click.testing import CliRunner

    from generator.cli import main

    root = small_site()
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + """\
      websub_hub: hub.example.org
      announce:
        mastodon:
          env: MASTODON_URL
          languages: [nl, de]
          follow: mastodon.social/@hospital
          lang: [fr]
        telegram: {}
""", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "-f", str(config)], env={"SOURCE_DATE_EPOCH": str(epoch(T1))})
    assert result.exit_code == 1
    lines = [line.split("mkdocs.yml:", 1)[1] for line in result.output.splitlines() if "mkdocs.yml:" in line]
    assert [line.split(":", 1)[0] for line in lines] == ["22", "26", "27", "28", "29"]
    assert "'websub_hub' is 'hub.example.org', not a web address" in lines[0]
    assert "channel 'mastodon' has the language 'de', which is not one of the site's languages" in lines[1]
    assert "'follow' for 'nl' is 'mastodon.social/@hospital', not an address people can open" in lines[2]
    assert "unknown key 'lang' in channel 'mastodon' (did you mean 'languages'?)" in lines[3]
    assert "channel 'telegram' needs 'env:', the name of the environment variable" in lines[4]


def test_a_channel_whose_secret_is_missing_is_an_error_that_says_how_to_fix_it(site, services):
    endpoint, mailbox, _ = services
    live = build(site, "site0", T0)
    write_statement(site / "updates", "2026-01-13-0632-spoed.md", NEW)
    deployed = build(site, "site1", T1)
    env = environment(services, T1)
    del env["PRESS_MAIL_URL"]
    result = announce(site, env, "--since", str(live), "--current", str(deployed), "--send", "--attempts", "1")
    assert result.returncode == 1
    assert "::error title=statuspress announce::channel 'press': the environment variable PRESS_MAIL_URL is not " \
           "set here; nothing sent to it. Create the secret PRESS_MAIL_URL and, in the workflow's announce step, " \
           "the line 'PRESS_MAIL_URL: ${{ secrets.PRESS_MAIL_URL }}'" in result.stdout
    assert len(json_messages(endpoint)) == 2 and mailbox.messages == []  # the others went on

"""The browser editor at /admin/: Decap CMS, configured from the statuspress block and the
statements.

Staff without git or a terminal write statements in a form; Decap commits the file to the
site's repository (or, with `decap-server` running beside a clone, writes it to disk), and
the scheduled build publishes it. The form offers only what the reader accepts: the incident
is chosen among the existing incidents and planned closures (or a new one), departments,
statuses and phases are choices, the summary is required, and dates are written in the site's
time zone with its offset, whatever the browser's zone (admin/editor.js, fed by the table of
that zone's offset changes computed here). Only this page loads Decap's bundle; status pages
never do.
"""
from __future__ import annotations

import html
import json
import os
import re
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import yaml

from ..model import PHASES, STATUSES, Site
from ..read.updates import DEFAULT_FILE_KEYS, LANGUAGE_KEYS
from .i18n import N_, Language
from .text import clean_line

# The editor can write to the repository: its code is pinned to one release and checked by the
# browser against this hash (Subresource Integrity), so a changed file on the CDN never runs.
DECAP_VERSION = "3.16.3"
DECAP_BUNDLE = f"https://unpkg.com/decap-cms@{DECAP_VERSION}/dist/decap-cms.js"
DECAP_INTEGRITY = "sha384-A/Gdn928CNLufmnGWGs9RM4Q9o8bSNLeJERqBFrBjwzL7FRpoLT3MPF8Tl0+Wd2p"
# The interface languages the pinned release registers (decap-cms-locales), by our language tag
# where the two differ (Decap names Greek "gr").
DECAP_LOCALES = {
    "bg": "bg", "ca": "ca", "cs": "cs", "da": "da", "de": "de", "el": "gr", "en": "en", "es": "es",
    "fa": "fa", "fr": "fr", "he": "he", "hr": "hr", "hu": "hu", "it": "it", "ja": "ja", "ko": "ko",
    "lt": "lt", "mk": "mk", "nb": "nb_no", "nl": "nl", "nn": "nn_no", "pl": "pl", "pt": "pt",
    "ro": "ro", "ru": "ru", "sk": "sk", "sl": "sl", "sr-Cyrl": "sr_Cyrl", "sv": "sv", "th": "th",
    "tr": "tr", "uk": "uk", "vi": "vi", "zh-Hans": "zh_Hans", "zh-Hant": "zh_Hant",
}
# Its script beside index.html: registers the widgets and the checks before a save.
EDITOR_SCRIPT = "editor.js"
# The widgets and checks that admin/editor.js registers; config.yml names them.
INCIDENT_WIDGET = "statuspress-incident"
# Closed incidents offered beside the open ones, newest first: a follow-up of an older one is
# rare, and each choice is a line of every editor's page.
CLOSED_CHOICES = 100

# Words of the admin page and of our widgets, in the site's default language.
NO_EDITOR = N_("The editor cannot load: its script did not arrive (no network, or blocked by the "
               "browser or a firewall). You can still publish a statement without it: run "
               "“statuspress new” in a terminal in the site's repository, complete the file it "
               "writes, then commit and push it with git.")
NOW = N_("Now")
NEW_INCIDENT = N_("New incident")
NEW_INCIDENT_ID = N_("Id of the new incident (optional; without it, this statement's own id)")


def bundle_address(site: Site) -> str:
    return site.editor_bundle or DECAP_BUNDLE


def _script_origin(address: str) -> str:
    """What the policy must allow for the bundle: its origin, or nothing for a file of this site."""
    parts = urlsplit(address)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def admin_policy(bundle: str = DECAP_BUNDLE) -> str:
    """The editor's Content-Security-Policy: its bundle (from unpkg, or where `editor_bundle`
    says), inline styles, and calls to the git host's API (GitHub, GitLab) or to decap-server on
    the writer's own machine."""
    origin = _script_origin(bundle)
    extra = f" {origin}" if origin else ""
    return ("default-src 'self'; "
            f"script-src 'self' 'unsafe-eval'{extra}; "
            f"style-src 'self' 'unsafe-inline'{extra}; "
            "img-src 'self' data: blob: https:; media-src 'self' blob: https:; "
            "connect-src 'self' blob: https://api.github.com https://github.com https://gitlab.com "
            f"https://*.githubusercontent.com{extra} http://localhost:* http://127.0.0.1:*; "
            "frame-src 'self' https://github.com https://gitlab.com; font-src 'self' data: https:; "
            "object-src 'none'; base-uri 'self'; frame-ancestors 'none'")


ADMIN_CSP = admin_policy()


def meta_policy(policy: str) -> str:
    """A <meta> policy cannot carry frame-ancestors; hosts that ignore _headers (GitHub Pages)
    still get the rest."""
    return "; ".join(d for d in policy.split("; ") if not d.startswith("frame-ancestors"))


ADMIN_META_CSP = meta_policy(ADMIN_CSP)

# Moment.js tokens of Decap's own date widget, kept for readers of config.yml: admin/editor.js
# replaces that widget and writes exactly the reader's form, 2026-01-13T06:32:00+01:00.
DATE_FORMAT = "YYYY-MM-DDTHH:mm:ssZ"


def zone_transitions(zone_name: str, around: datetime, years: int = 3) -> list[list[int]]:
    """[[UTC seconds, offset in minutes from then on], ...] for `years` years either side of
    `around`: the first entry is the offset at the start. The browser has no table of other zones'
    rules it can be asked for a given moment reliably, so the editor takes this one."""
    zone = ZoneInfo(zone_name)
    start = datetime(around.year - years, 1, 1, tzinfo=timezone.utc)
    end = datetime(around.year + years + 1, 1, 1, tzinfo=timezone.utc)

    def offset(moment: datetime) -> int:
        return int(moment.astimezone(zone).utcoffset().total_seconds() // 60)

    table = [[int(start.timestamp()), offset(start)]]
    step = timedelta(hours=6)  # no zone changes its offset twice within six hours
    moment = start
    while moment < end:
        following = moment + step
        if offset(following) != table[-1][1]:
            low, high = moment, following  # the change lies in (low, high]: find its second
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if offset(middle) == table[-1][1]:
                    low = middle
                else:
                    high = middle
            high = high.replace(microsecond=0)
            table.append([int(high.timestamp()), offset(high)])
        moment = following
    return table


def _choices(snapshot, lang: str) -> list[dict]:
    """The incidents and planned closures a statement may follow up: open incidents and
    scheduled or in-progress closures first (each with the departments it holds, for the check
    before a save), then the others, newest first."""
    if snapshot is None:
        return []
    language = Language(lang, snapshot.site.timezone)
    site, now = snapshot.site, snapshot.now

    def names(depts) -> list[str]:
        return [clean_line(site.department_name(d, lang)) for d in depts if d in site.departments]

    open_ones, closed = [], []
    for incident in snapshot.incidents.values():
        choice = {"id": incident.id, "kind": "incident", "title": clean_line(incident.title(lang)),
                  "state": language.phase(incident.phase), "open": not incident.resolved,
                  "holds": sorted(incident.holds) if not incident.resolved else [],
                  "names": names(incident.holds if not incident.resolved else incident.departments),
                  "updated": incident.updated_at.isoformat()}
        (open_ones if choice["open"] else closed).append(choice)
    for closure in snapshot.closures.values():
        state = closure.state(now)
        active = state in ("scheduled", "in_progress")
        choice = {"id": closure.id, "kind": "planned", "title": clean_line(closure.title(lang)),
                  "state": language.closure_state(state), "open": active,
                  "holds": sorted(closure.departments) if active else [],
                  "names": names(closure.departments), "updated": closure.updated_at.isoformat()}
        (open_ones if active else closed).append(choice)
    open_ones.sort(key=lambda c: c["updated"], reverse=True)
    closed.sort(key=lambda c: c["updated"], reverse=True)
    return open_ones + closed[:CLOSED_CHOICES]


def _datetime(name: str, label: str, required: bool, hint: str = "") -> dict:
    field = {"label": label, "name": name, "widget": "datetime", "format": DATE_FORMAT,
             "required": required}
    if hint:
        field["hint"] = hint
    return field


def _statement_fields(site: Site, lang: str) -> dict[str, dict]:
    """Every key a default-language statement may state, as a Decap field."""
    language = Language(lang, site.timezone)
    departments = list(site.departments)
    names = {dept: f"{clean_line(site.department_name(dept, lang))} ({dept})" for dept in departments}
    statuses = [{"label": f"{language.status(s)} ({s})", "value": s} for s in STATUSES]
    return {
        "title": {"label": "Title", "name": "title", "widget": "string", "required": True},
        "date": _datetime("date", "Date", True,
                          f"Publication time in {site.timezone}; more than 15 minutes ahead needs Embargo."),
        "incident": {"label": "Incident", "name": "incident", "widget": INCIDENT_WIDGET, "required": False,
                     "hint": "The incident or planned closure this statement follows up, or a new incident."},
        "phase": {"label": "Phase", "name": "phase", "widget": "select", "required": False,
                  "options": [{"label": f"{language.phase(p)} ({p})", "value": p} for p in PHASES]},
        "summary": {"label": "Summary", "name": "summary", "widget": "string", "required": True,
                    "hint": "One sentence, plain text."},
        "departments": {"label": "Departments", "name": "departments", "widget": "object", "required": False,
                        "collapsed": False, "hint": "The status of each department from this moment.",
                        "fields": [{"label": names[d], "name": d, "widget": "select", "options": statuses,
                                    "required": False} for d in departments]},
        "notes": _notes(departments, names),
        "planned": {"label": "Planned closure", "name": "planned", "widget": "object", "required": False,
                    "collapsed": True,
                    "fields": [_datetime("start", "Start", False), _datetime("end", "End", False)]},
        "embargo": {"label": "Embargo", "name": "embargo", "widget": "boolean", "required": False,
                    "hint": "Allows a date more than 15 minutes ahead: the statement goes out then."},
        # Offered once the reader takes them (SPEC: next update, expiry of a notice, corrections).
        "next_update": _datetime("next_update", "Next update", False,
                                 "“Next update by …” on the incident, until its next statement."),
        "expires": _datetime("expires", "Expires", False, "Notices only: off the overview after this."),
        "corrected": {"label": "Corrected", "name": "corrected", "widget": "object", "required": False,
                      "collapsed": True,
                      "hint": "Required once a public statement is changed: when, and a one-line note.",
                      "fields": [_datetime("date", "Date of the correction", False),
                                 {"label": "Note", "name": "note", "widget": "string", "required": False}]},
    }


def _notes(departments, names) -> dict:
    return {"label": "Notes", "name": "notes", "widget": "object", "required": False, "collapsed": True,
            "hint": "One line per department for patients: where to go instead, what to bring.",
            "fields": [{"label": names[d], "name": d, "widget": "string", "required": False}
                       for d in departments]}


BODY = {"label": "Statement", "name": "body", "widget": "markdown", "required": True}


def _relative(updates_dir: str | Path, root: Path | None) -> str:
    """The updates folder as Decap needs it: relative to the repository, with slashes."""
    path = Path(updates_dir)
    if path.is_absolute() and root is not None:
        try:
            path = path.relative_to(root)
        except ValueError:
            path = Path(os.path.relpath(path, root))
    return path.as_posix()


def uses_year_folders(updates_dir: Path | None) -> bool:
    """Whether `statuspress new` writes into updates/<year>/ (it does when such a folder exists)."""
    return updates_dir is not None and updates_dir.is_dir() and any(
        p.is_dir() and re.fullmatch(r"\d{4}", p.name) for p in updates_dir.iterdir())


def decap_config(site: Site, repo: str | None = None, branch: str = "main", updates_dir: str = "updates",
                 year_folders: bool = False, local_backend: bool = False, guide: str | None = None) -> dict:
    """Decap CMS's configuration; `guide`: the writer's guide's address, named in the statements'
    description (the guide is kept out of the public menu: the editor is where writers are)."""
    lang = site.default_language
    fields = _statement_fields(site, lang)
    statement_fields = [fields[key] for key in fields if key in DEFAULT_FILE_KEYS] + [BODY]
    translation_fields = [{**fields[key], "required": False} if key == "summary" else fields[key]
                          for key in fields if key in LANGUAGE_KEYS] + [BODY]
    statements = {
        "name": "statements", "label": "Statements", "label_singular": "Statement",
        "description": "Press statements in the default language. Files named <id>.<language>.md are "
                       "translations: edit those in the translation collections."
                       + (f" Writer's guide: {guide}" if guide else ""),
        "folder": updates_dir, "extension": "md", "format": "frontmatter", "create": True,
        # As `statuspress new` names them; the date and time are the statement's own, in the
        # site's time zone (admin/editor.js hands Decap that wall time for the name).
        "slug": "{{year}}-{{month}}-{{day}}-{{hour}}{{minute}}-{{slug}}",
        "identifier_field": "title", "summary": "{{date}} — {{title}}",
        "sortable_fields": ["date", "title"],
        "fields": statement_fields,
    }
    if year_folders:
        # Lists updates/*.md and updates/<year>/*.md, and writes new ones into their year.
        statements["path"] = "{{year}}/{{slug}}"
    collections = [statements]
    for other in site.languages[1:]:
        collections.append({
            "name": f"translations-{other}", "label": f"Translations ({other})",
            "label_singular": f"Translation ({other})",
            "description": f"Files <statement id>.{other}.md next to each statement. Start one with "
                           f"`statuspress new --translate {other}`; a file with another name is refused by the build.",
            "folder": updates_dir, "extension": f"{other}.md", "format": "frontmatter", "create": False,
            "identifier_field": "title", "fields": translation_fields,
            **({"path": "{{year}}/{{slug}}"} if year_folders else {}),
        })
    config = {
        "backend": {"name": "github", "repo": repo or "OWNER/REPOSITORY", "branch": branch,
                    "commit_messages": {"create": "Statement “{{slug}}” (browser editor)",
                                        "update": "Statement “{{slug}}” updated (browser editor)"}},
    }
    if local_backend:
        # Only in a preview: with `npx decap-server` running in the clone, the editor on
        # localhost writes to that clone instead of GitHub.
        config["local_backend"] = True
    config.update({
        "publish_mode": "simple",
        "site_url": site.url or None,
        "locale": DECAP_LOCALES.get(lang, DECAP_LOCALES.get(lang.split("-")[0], "en")),
        "media_folder": "docs/assets/uploads",
        # An address, not a path: a statement's image shows on its pages and in the feeds.
        "public_folder": f"{site.url}assets/uploads" if site.url else "assets/uploads",
        "collections": collections,
    })
    return config


class _PlainDumper(yaml.SafeDumper):
    """Writes a field used twice (the body) out twice: Decap reads no YAML anchors."""

    def ignore_aliases(self, data):
        return True


def github_repository(repo_url: str | None) -> str | None:
    """owner/name for Decap's GitHub backend: from mkdocs.yml's repo_url, else from the
    GitHub Actions run that builds the site."""
    match = re.match(r"https?://github\.com/([^/\s]+/[^/\s]+?)(?:\.git)?/?$", repo_url or "")
    if match:
        return match.group(1)
    return os.environ.get("GITHUB_REPOSITORY") or None


def editor_data(site: Site, snapshot=None, now: datetime | None = None) -> dict:
    """What admin/editor.js needs: the zone's offsets, the choices, our words."""
    lang = site.default_language
    language = Language(lang, site.timezone)
    moment = now or (snapshot.now if snapshot is not None else datetime.now(timezone.utc))
    return {
        "timezone": site.timezone,
        "offsets": zone_transitions(site.timezone, moment),
        "choices": _choices(snapshot, lang),
        "departments": list(site.departments),
        "words": {"now": language.gettext(NOW), "new_incident": language.gettext(NEW_INCIDENT),
                  "new_incident_id": language.gettext(NEW_INCIDENT_ID)},
    }


def _json_in_html(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def admin_files(site: Site, repo: str | None = None, branch: str = "main", updates_dir: str | Path = "updates",
                snapshot=None, root: Path | None = None, local_backend: bool = False,
                guide: str | None = None) -> dict[str, bytes]:
    """`admin/index.html`, `admin/editor.js` and `admin/config.yml`, by path in the built site.

    `updates_dir` as configured (relative to `root`, the folder of mkdocs.yml); `snapshot` the
    computed statements, for the incidents offered; `local_backend` only for a preview; `guide` the
    writer's guide's address."""
    folder = Path(updates_dir) if Path(updates_dir).is_absolute() or root is None else root / updates_dir
    config = decap_config(site, repo, branch, _relative(updates_dir, root),
                          year_folders=uses_year_folders(folder), local_backend=local_backend, guide=guide)
    config = {k: v for k, v in config.items() if v is not None}
    text = ("# Written by statuspress from mkdocs.yml at every build; edit mkdocs.yml, not this file.\n"
            + yaml.dump(config, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False, width=120))
    lang = site.default_language
    language = Language(lang, site.timezone)
    bundle = bundle_address(site)
    pinned = bundle == DECAP_BUNDLE
    # The hash is that of the pinned release: a bundle hosted elsewhere is the organisation's.
    check = f' integrity="{DECAP_INTEGRITY}" crossorigin="anonymous"' if pinned else ""
    message = html.escape(language.gettext(NO_EDITOR))
    page = f"""<!doctype html>
<html lang="{html.escape(lang)}" dir="{language.direction}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta http-equiv="Content-Security-Policy" content="{html.escape(meta_policy(admin_policy(bundle)))}">
  <meta name="robots" content="noindex">
  <title>{html.escape(clean_line(site.title(lang)))} — editor</title>
  <script type="application/json" id="statuspress-editor">{_json_in_html(editor_data(site, snapshot))}</script>
  <style id="sp-frame-guard">body {{ display: none !important; }}</style>
  <script src="frame-guard.js"></script>
</head>
<body>
  <div id="statuspress-no-editor" role="alert" hidden style="max-width:40em;margin:2em auto;font:1.1em/1.5 sans-serif">
    <p>{message}</p>
  </div>
  <noscript><p style="max-width:40em;margin:2em auto;font:1.1em/1.5 sans-serif">{message}</p></noscript>
  <script src="{EDITOR_SCRIPT}"></script>
  <script src="{html.escape(bundle)}"{check}></script>
</body>
</html>
"""
    script = resources.files("generator.render").joinpath("templates/admin/editor.js").read_bytes()
    return {"admin/index.html": page.encode("utf-8"), f"admin/{EDITOR_SCRIPT}": script,
            "admin/config.yml": text.encode("utf-8"),
            "admin/frame-guard.js": FRAME_GUARD.encode("utf-8")}


# Hosts that ignore `_headers` (GitHub Pages) send no frame-ancestors, and a <meta> policy cannot
# carry it: the editor shows itself only when it is the top window, so a page that frames it to
# trick a logged-in writer into clicks (clickjacking) shows nothing. A file, not inline: the
# editor's policy allows scripts from the site only.
FRAME_GUARD = """if (window.top === window.self) {
  document.getElementById("sp-frame-guard").remove();
} else {
  try { window.top.location = window.self.location.href; } catch (e) { /* cross-origin: stays hidden */ }
}
"""

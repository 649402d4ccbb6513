"""The browser editor at /admin/: Decap CMS, configured from the statuspress block.

Staff without git or a terminal write statements in a form; Decap commits the file to the
site's repository (or, with `decap-server` running beside a clone, writes it to disk), and
the scheduled build publishes it. The form mirrors what the reader accepts: the fields are
the statement keys, departments and statuses are choices taken from the configuration, the
date carries its UTC offset. Only this page loads Decap's bundle; status pages never do.
"""
from __future__ import annotations

import html
import os
import re

import yaml

from ..model import PHASES, STATUSES, Site
from ..read.updates import DEFAULT_FILE_KEYS, LANGUAGE_KEYS

# The editor can write to the repository: its code is pinned to one release and checked by the
# browser against this hash (Subresource Integrity), so a changed file on the CDN never runs.
DECAP_VERSION = "3.16.3"
DECAP_BUNDLE = f"https://unpkg.com/decap-cms@{DECAP_VERSION}/dist/decap-cms.js"
DECAP_INTEGRITY = "sha384-A/Gdn928CNLufmnGWGs9RM4Q9o8bSNLeJERqBFrBjwzL7FRpoLT3MPF8Tl0+Wd2p"
# The browser editor runs Decap CMS: its bundle from unpkg, inline styles, and calls to the
# git host's API (GitHub, GitLab) or to decap-server on the writer's own machine.
ADMIN_CSP = ("default-src 'self'; script-src 'self' 'unsafe-eval' https://unpkg.com; "
             "style-src 'self' 'unsafe-inline' https://unpkg.com; "
             "img-src 'self' data: blob: https:; media-src 'self' blob: https:; "
             "connect-src 'self' blob: https://api.github.com https://github.com https://gitlab.com "
             "https://*.githubusercontent.com https://unpkg.com http://localhost:* http://127.0.0.1:*; "
             "frame-src 'self' https://github.com https://gitlab.com; font-src 'self' data: https:; "
             "object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
# A <meta> policy cannot carry frame-ancestors; hosts that ignore _headers (GitHub Pages) still
# get the rest.
ADMIN_META_CSP = "; ".join(d for d in ADMIN_CSP.split("; ") if not d.startswith("frame-ancestors"))

# Moment.js tokens: "Z" writes the offset as +01:00, as the reader requires.
DATE_FORMAT = "YYYY-MM-DDTHH:mm:ssZ"


def _datetime(name: str, label: str, required: bool, hint: str = "") -> dict:
    field = {"label": label, "name": name, "widget": "datetime", "format": DATE_FORMAT,
             "date_format": "YYYY-MM-DD", "time_format": "HH:mm", "required": required}
    if hint:
        field["hint"] = hint
    return field


def _statement_fields(site: Site, lang: str) -> dict[str, dict]:
    """Every key a default-language statement may state, as a Decap field."""
    departments = list(site.departments)
    names = {dept: f"{site.department_name(dept, lang)} ({dept})" for dept in departments}
    return {
        "title": {"label": "Title", "name": "title", "widget": "string", "required": True},
        "date": _datetime("date", "Date", True,
                          f"Publication time in {site.timezone}; a time in the future is held back until then."),
        "incident": {"label": "Incident", "name": "incident", "widget": "string", "required": False,
                     "pattern": ["^[a-z0-9][a-z0-9-]*$", "lower-case letters, digits and dashes only"],
                     "hint": "The id of the incident this statement follows up; empty for a new one."},
        "phase": {"label": "Phase", "name": "phase", "widget": "select", "options": list(PHASES),
                  "required": False},
        "summary": {"label": "Summary", "name": "summary", "widget": "string", "required": False,
                    "hint": "One sentence, plain text."},
        "departments": {"label": "Departments", "name": "departments", "widget": "object", "required": False,
                        "collapsed": False, "hint": "The status of each department from this moment.",
                        "fields": [{"label": names[d], "name": d, "widget": "select", "options": list(STATUSES),
                                    "required": False} for d in departments]},
        "notes": _notes(departments, names),
        "planned": {"label": "Planned closure", "name": "planned", "widget": "object", "required": False,
                    "collapsed": True,
                    "fields": [_datetime("start", "Start", False), _datetime("end", "End", False)]},
        "embargo": {"label": "Embargo", "name": "embargo", "widget": "boolean", "required": False,
                    "hint": "Allows a date more than 24 hours ahead."},
        "next_update": _datetime("next_update", "Next update by", False,
                                 "When the incident's next statement is promised; shown until then, and as late "
                                 "after it."),
        "expires": _datetime("expires", "Expires", False,
                             "Notices only: when the notice leaves the overview (default: 7 days after its date)."),
    }


def _notes(departments, names) -> dict:
    return {"label": "Notes", "name": "notes", "widget": "object", "required": False, "collapsed": True,
            "hint": "One line per department for patients: where to go instead, what to bring.",
            "fields": [{"label": names[d], "name": d, "widget": "string", "required": False}
                       for d in departments]}


BODY = {"label": "Statement", "name": "body", "widget": "markdown", "required": True}


def decap_config(site: Site, repo: str | None = None, branch: str = "main",
                 updates_dir: str = "updates") -> dict:
    lang = site.default_language
    fields = _statement_fields(site, lang)
    statement_fields = [fields[key] for key in fields if key in DEFAULT_FILE_KEYS] + [BODY]
    translation_fields = [fields[key] for key in ("title", "summary") if key in LANGUAGE_KEYS]
    if "notes" in LANGUAGE_KEYS:
        translation_fields.append(fields["notes"])
    translation_fields.append(BODY)
    collections = [{
        "name": "statements", "label": "Statements", "label_singular": "Statement",
        "description": "Press statements in the default language. Files named <id>.<language>.md are "
                       "translations: edit those in the translation collections.",
        "folder": updates_dir, "extension": "md", "format": "frontmatter", "create": True,
        "slug": "{{year}}-{{month}}-{{day}}-{{hour}}{{minute}}-{{slug}}",
        "identifier_field": "title", "summary": "{{date}} — {{title}}",
        "sortable_fields": ["date", "title"],
        "fields": statement_fields,
    }]
    for other in site.languages[1:]:
        collections.append({
            "name": f"translations-{other}", "label": f"Translations ({other})",
            "label_singular": f"Translation ({other})",
            "description": f"Files <statement id>.{other}.md next to each statement. Start one with "
                           f"`statuspress new --translations`; a file with another name is refused by the build.",
            "folder": updates_dir, "extension": f"{other}.md", "format": "frontmatter", "create": False,
            "identifier_field": "title", "fields": translation_fields,
        })
    return {
        "backend": {"name": "github", "repo": repo or "OWNER/REPOSITORY", "branch": branch,
                    "commit_messages": {"create": "Statement “{{slug}}” (browser editor)",
                                        "update": "Statement “{{slug}}” updated (browser editor)"}},
        # With `npx decap-server` running in a clone, the editor on localhost writes to that
        # clone instead of GitHub (no account needed; review and push as usual).
        "local_backend": True,
        "publish_mode": "simple",
        "site_url": site.url or None,
        "locale": "en",
        "media_folder": "docs/assets/uploads",
        "public_folder": "/assets/uploads",
        "collections": collections,
    }


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


def admin_files(site: Site, repo: str | None = None, branch: str = "main",
                updates_dir: str = "updates") -> dict[str, bytes]:
    """`admin/index.html` and `admin/config.yml`, by path in the built site."""
    config = decap_config(site, repo, branch, updates_dir)
    config = {k: v for k, v in config.items() if v is not None}
    text = ("# Written by statuspress from mkdocs.yml at every build; edit mkdocs.yml, not this file.\n"
            + yaml.dump(config, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False, width=120))
    page = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta http-equiv="Content-Security-Policy" content="{ADMIN_META_CSP}">
  <meta name="robots" content="noindex">
  <title>{html.escape(site.name)} — editor</title>
</head>
<body>
  <script src="{DECAP_BUNDLE}" integrity="{DECAP_INTEGRITY}" crossorigin="anonymous"></script>
</body>
</html>
"""
    return {"admin/index.html": page.encode("utf-8"), "admin/config.yml": text.encode("utf-8")}

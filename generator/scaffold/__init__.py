"""`statuspress init`: a new organisation's site, ready to build and publish.

Rule: it writes only into the folder it is given, which must be new or empty: never over a file.

The files are those in `template/`: `dot-` names become dot files (packaging tools skip
dot files), `*.tmpl` files are filled in with `string.Template`; the rest is copied as is.
The result builds at once: placeholder departments, an empty `updates/`, an about page
per language, the publishing workflows, the browser editor and a pre-commit hook.
"""
from __future__ import annotations

import os
from pathlib import Path
from string import Template

from ..read.site import language_problem

TEMPLATE = Path(__file__).resolve().parent / "template"
PLACEHOLDER_URL = "https://status.example.org/"

def N_(message: str) -> str:
    """Marks a string for the catalogs (generator/locale): `init` writes it in each chosen language."""
    return message


# Placeholder departments and the about page, in each chosen language from statuspress's own
# catalogs (where every interface string is translated): a site set up in Arabic starts with
# Arabic placeholders, not English ones to find and replace.
DEPARTMENTS = {
    "emergency": N_("Emergency department"),
    "consultations": N_("Outpatient consultations"),
    "registration": N_("Registration and reception"),
}
ABOUT_TITLE = N_("About this site")
ABOUT_PARAGRAPHS = (
    N_("This is the official status site of %(site_name)s. It says which services work right now, which do "
       "not, and where to go instead."),
    N_("It is hosted outside our own infrastructure, so that it stays up when our own systems are down."),
    N_("In a life-threatening emergency, always call **112**."),
)


def _gettext(lang: str):
    from ..render.i18n import translations

    return translations(lang).gettext


class InitError(Exception):
    """A site cannot be created where asked; the message says why and what to do."""


def _yaml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _departments(languages: list[str]) -> str:
    lines = []
    for dept, name in DEPARTMENTS.items():
        named = {lang: _gettext(lang)(name) for lang in languages}
        lines.append(f"        {dept}:")
        lines.append("          name: {" + ", ".join(f"{lang}: {_yaml_string(name)}"
                                               for lang, name in named.items()) + "}")
        if dept == "emergency":
            lines.append('          # phone: "+00 0 000 00 00"')
    return "\n".join(lines)


def _about(lang: str, site_name: str) -> str:
    gettext = _gettext(lang)
    body = "\n\n".join(gettext(paragraph) for paragraph in ABOUT_PARAGRAPHS) % {"site_name": site_name}
    return f"# {gettext(ABOUT_TITLE)}\n\n{body}\n"


def init_site(target: Path, site_name: str = "Status", languages: list[str] | None = None,
              timezone: str = "UTC", site_url: str = PLACEHOLDER_URL,
              requirement: str = "") -> list[Path]:
    """Write a new site into `target` (missing or empty); the files written, in order.

    `requirement` is the text of requirements.txt after its heading: the statuspress to install,
    pinned (see scaffold/requirement.py), with its comment.
    """
    languages = list(languages or ["en"])
    # Each language names a folder (docs/<lang>/about.md): '../../x' or '/etc' wrote outside the site.
    for lang in languages:
        problem = language_problem(lang, require_catalog=True)
        if problem:
            raise InitError(f"--languages: {problem}")
    if len(set(languages)) != len(languages):
        raise InitError("--languages: a language is listed twice")
    if os.path.islink(target) and not target.exists():
        raise InitError(f"{target} is a symbolic link that leads nowhere (to '{os.readlink(target)}'): delete it "
                        "or choose a new folder name")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InitError(f"{target} is not an empty folder: choose a new folder name "
                        "(statuspress init never overwrites anything)")
    values = {
        "site_name": _yaml_string(site_name),
        "site_url": site_url if site_url.endswith("/") else site_url + "/",
        "default_language": languages[0],
        "timezone": timezone,
        "languages": ", ".join(languages),
        "departments": _departments(languages),
        "requirement": requirement,
    }
    target.mkdir(parents=True, exist_ok=True)
    root = target.resolve()
    written = []
    for source in sorted(TEMPLATE.rglob("*")):
        if source.is_dir() or source.name == "__pycache__" or source.suffix == ".pyc":
            continue
        relative = Path(*[part.replace("dot-", ".", 1) if part.startswith("dot-") else part
                          for part in source.relative_to(TEMPLATE).parts])
        destination = target / relative
        if source.suffix == ".tmpl":
            destination = destination.with_suffix("")
            _write_new(root, destination, Template(source.read_text(encoding="utf-8")).substitute(values).encode())
        else:
            _write_new(root, destination, source.read_bytes())
        written.append(destination)
    for i, lang in enumerate(languages):
        page = target / "docs" / ("" if i == 0 else lang) / "about.md"
        _write_new(root, page, _about(lang, site_name).encode())
        written.append(page)
    # git keeps no empty folder; a file whose name starts with "." is never read as a statement.
    updates = target / "updates"
    _write_new(root, updates / ".gitkeep", b"")
    written.append(updates / ".gitkeep")
    return written


def _write_new(root: Path, path: Path, content: bytes) -> None:
    """Write a new file at `path`, inside `root` (resolved): never through a symbolic link, never
    over an existing file, never outside the new site."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.parent.resolve().is_relative_to(root):
        raise InitError(f"{path.parent} leads outside {root} (a symbolic link?): statuspress init writes only "
                        "inside the new site's folder")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except FileExistsError:
        raise InitError(f"{path} exists already: statuspress init never overwrites anything") from None
    with os.fdopen(fd, "wb") as file:
        file.write(content)

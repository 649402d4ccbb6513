"""Issue 19 / SPEC "Corrections": a public statement changed in silence is stopped by
`statuspress check --published` against the previous build's `statuspress/published.json`; with
`corrected:` it goes out, and the correction is shown on its pages, in its feed items and in the API.

Real builds of the example site (`mkdocs build` in a subprocess), read back with lxml, feedparser and
json; the previous build is also served over HTTP on this machine, as the live site would be.
"""
from __future__ import annotations

import json
import socket
import subprocess
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from lxml import html

from helpers import REPO, check_json, copy_example, mkdocs_build, serve

BUILT_AT = "2026-01-21T10:00:00+01:00"
STATEMENT = "2026-01-13-1015-patienten-overgebracht"
FILE = f"updates/2026/{STATEMENT}.md"
CORRECTION = "corrected:\n  date: 2026-01-21T09:30:00+01:00\n  note: Het waren zes patiënten, niet zeven.\n"


def check(root: Path, *args: str):
    return check_json(root, *args, now=BUILT_AT)


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    """The example site, built as it stood: (source folder, site folder)."""
    root = copy_example(tmp_path_factory.mktemp("corrections") / "src").parent
    site = root.parent / "site-before"
    result = mkdocs_build(root / "mkdocs.yml", site, when=BUILT_AT)
    assert result.returncode == 0, result.stderr
    return root, site


@pytest.fixture(autouse=True)
def restored(request):
    """Each test edits the built source; it is put back as it was afterwards."""
    if "previous" not in request.fixturenames:
        yield
        return
    root, _ = request.getfixturevalue("previous")
    kept = {path: path.read_bytes() for path in (root / FILE, root / "mkdocs.yml")}
    yield
    for path, data in kept.items():
        path.write_bytes(data)


def edit(root: Path, *, corrected: bool) -> None:
    """Seven becomes six in the title and the text; with `corrected`, the correction is written down."""
    path = root / FILE
    text = path.read_text(encoding="utf-8").replace("Zeven patiënten", "Zes patiënten")
    text = text.replace("**zeven kritieke patiënten**", "**zes kritieke patiënten**")
    if corrected:
        text = text.replace("\nnotes:", "\n" + CORRECTION + "notes:", 1)
    path.write_text(text, encoding="utf-8")


def test_published_json_lists_every_public_statement_and_language(previous):
    _, site = previous
    data = json.loads((site / "statuspress" / "published.json").read_text(encoding="utf-8"))
    entries = {(e["id"], e["language"]): e for e in data["statements"]}
    entry = entries[(STATEMENT, "nl")]
    assert entry["date"] == "2026-01-13T10:15:00+01:00" and entry["corrected"] is None
    assert len(entry["sha256"]) == 64
    assert set(entry["fields"]) == {"title", "summary", "notes", "body", "date", "incident", "phase",
                                    "departments", "planned"}
    assert set(entries[(STATEMENT, "fr")]["fields"]) == {"title", "summary", "notes", "body"}
    # Untranslated languages have no entry of their own.
    assert ("2026-01-17-1500-gepland-onderhoud-apotheek", "en") not in entries
    # An unchanged site passes against its own digest.
    root, _ = previous
    code, problems = check(root, "--published", str(site / "statuspress" / "published.json"))
    assert code == 0, problems


def test_a_changed_public_statement_is_refused_without_corrected_and_shown_with_it(previous, tmp_path):
    root, before = previous
    digest = str(before / "statuspress" / "published.json")

    edit(root, corrected=False)
    code, problems = check(root, "--published", digest)
    assert code == 1
    (problem,) = [p for p in problems if p["severity"] == "error"]
    assert problem["path"] == FILE
    assert problem["line"] == 2  # the first changed key, `title`
    message = problem["message"]
    assert f"'{STATEMENT}' (nl) is public since 2026-01-13T10:15:00+01:00" in message
    assert "title, notes, body changed since it was published" in message
    assert "summary" not in message.split("changed since")[0]  # only what changed is named
    assert "add 'corrected:' with 'date:'" in message and "'note:'" in message

    edit(root, corrected=True)
    code, problems = check(root, "--published", digest)
    assert code == 0, problems

    after = tmp_path / "site-after"
    result = mkdocs_build(root / "mkdocs.yml", after, when=BUILT_AT)
    assert result.returncode == 0, result.stderr

    note = "Het waren zes patiënten, niet zeven."
    # The statement's page, and the incident's, in Dutch; in French, the Dutch note, marked as Dutch.
    for page, words in ((f"updates/{STATEMENT}/index.html", "Verbeterd op"),
                        ("incidents/cyberaanval-2026-01/index.html", "Verbeterd op"),
                        (f"fr/updates/{STATEMENT}/index.html", "Corrigé le")):
        tree = html.parse(str(after / page))
        (line,) = [p for p in tree.iter("p") if "sp-correction" in (p.get("class") or "")
                   and note in p.text_content()] or [None]
        assert line is not None, page
        assert line.text_content().startswith(words), line.text_content()
        assert line.find(".//time") is not None
        if page.startswith("fr/"):
            assert line.find(".//bdi").get("lang") == "nl"

    # The feed item: Atom's updated is the correction's time, its id unchanged; the note is in its content.
    old_atom, new_atom = (feedparser.parse(str(site / "atom.xml")) for site in (before, after))
    old_item = next(e for e in old_atom.entries if STATEMENT in e.id)
    item = next(e for e in new_atom.entries if STATEMENT in e.id)
    assert item.id == old_item.id
    assert datetime(*item.updated_parsed[:6]) == datetime(2026, 1, 21, 8, 30)  # 09:30+01:00 in UTC
    assert datetime(*item.published_parsed[:6]) == datetime(2026, 1, 13, 9, 15)
    assert note in item.content[0].value and "Verbeterd op" in item.content[0].value
    # RSS keeps its guid.
    old_rss, new_rss = (feedparser.parse(str(site / "rss.xml")) for site in (before, after))
    assert next(e for e in new_rss.entries if STATEMENT in e.id).id == \
        next(e for e in old_rss.entries if STATEMENT in e.id).id
    assert note in next(e for e in new_rss.entries if STATEMENT in e.id).content[0].value

    # The API: the update's updated_at is the correction's time, its body says what was corrected.
    incidents = json.loads((after / "api/v2/incidents.json").read_text(encoding="utf-8"))["incidents"]
    incident = next(i for i in incidents if i["id"] == "cyberaanval-2026-01")
    update = next(u for u in incident["incident_updates"] if u["id"] == STATEMENT)
    assert update["created_at"] == "2026-01-13T10:15:00.000+01:00"
    assert update["updated_at"] == "2026-01-21T09:30:00.000+01:00"
    assert update["body"].startswith("Verbeterd op") and note in update["body"]
    assert incident["updated_at"] >= "2026-01-21T09:30:00.000+01:00"

    # The new digest carries the correction: the next change needs a newer one.
    data = json.loads((after / "statuspress" / "published.json").read_text(encoding="utf-8"))
    entry = next(e for e in data["statements"] if (e["id"], e["language"]) == (STATEMENT, "nl"))
    assert entry["corrected"] == "2026-01-21T09:30:00+01:00"


def test_a_correction_not_newer_than_the_published_one_is_refused(previous, tmp_path):
    root, _ = previous
    edit(root, corrected=True)
    after = tmp_path / "site-after"
    assert mkdocs_build(root / "mkdocs.yml", after, when=BUILT_AT).returncode == 0
    path = root / FILE
    path.write_text(path.read_text(encoding="utf-8").replace("Alle transporten", "Alle zes transporten"),
                    encoding="utf-8")
    code, problems = check(root, "--published", str(after / "statuspress" / "published.json"))
    assert code == 1
    (problem,) = [p for p in problems if p["severity"] == "error"]
    assert problem["line"] == 9  # the `corrected` key
    assert "body changed" in problem["message"] and "is not newer than the published one" in problem["message"]


@pytest.fixture
def served(previous):
    """The previous build served over HTTP on this machine, as the live site; yields its base URL."""
    _, site = previous
    with serve(site) as base:
        yield base


def test_check_published_reads_the_live_site_and_warns_when_it_is_unreachable(previous, served):
    root, _ = previous
    edit(root, corrected=False)
    config = root / "mkdocs.yml"
    original = config.read_text(encoding="utf-8")
    code, problems = check(root, "--published", served + "statuspress/published.json")
    assert code == 1 and any("title, notes, body changed" in p["message"] for p in problems)
    # 'live': the copy at site_url.
    config.write_text(original.replace("https://status.az-scheldeland.example/", served), encoding="utf-8")
    assert served in config.read_text(encoding="utf-8")
    code, problems = check(root, "--published", "live")
    assert code == 1 and any("title, notes, body changed" in p["message"] for p in problems)
    # Unreachable: a warning, and the check goes on.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    code, problems = check(root, "--published", f"http://127.0.0.1:{closed}/statuspress/published.json")
    assert code == 0
    (warning,) = [p for p in problems if "--published" in p["message"]]
    assert warning["severity"] == "warning" and "cannot be read" in warning["message"]
    assert "were not checked" in warning["message"]


WORKFLOWS = {
    ".github/workflows/publish.yml": "github",
    ".gitlab-ci.yml": "gitlab",
    "generator/scaffold/template/dot-github/workflows/publish.yml": "github",
    "generator/scaffold/template/dot-gitlab-ci.yml": "gitlab",
}


@pytest.mark.parametrize("name", list(WORKFLOWS))
def test_publishing_workflows_compare_with_the_live_site_before_building(name):
    import yaml

    config = yaml.safe_load((REPO / name).read_text(encoding="utf-8"))
    if WORKFLOWS[name] == "github":
        commands = [step["run"] for step in config["jobs"]["build"]["steps"] if "run" in step]
    else:
        commands = list(config["pages"]["script"])
    published = next(i for i, c in enumerate(commands) if "statuspress check --published live" in c)
    assert published < next(i for i, c in enumerate(commands) if "mkdocs build" in c)


def test_live_with_a_placeholder_site_url_is_a_warning_without_a_request(previous):
    """The example's site_url is a reserved .example name: nothing is live there, nothing is asked."""
    root, _ = previous
    code, problems = check(root, "--published", "live")
    assert code == 0
    (warning,) = [p for p in problems if "--published" in p["message"]]
    assert warning["severity"] == "warning" and "is a placeholder" in warning["message"]


def test_the_correction_line_is_valid_html(vnu, previous, tmp_path):
    """The Nu HTML checker on every kind of page that shows a corrected statement, Dutch and French."""
    root, _ = previous
    edit(root, corrected=True)
    after = tmp_path / "site-after"
    assert mkdocs_build(root / "mkdocs.yml", after, when=BUILT_AT).returncode == 0
    pages = [after / prefix / page for prefix in ("", "fr") for page in
             (f"updates/{STATEMENT}/index.html", "incidents/cyberaanval-2026-01/index.html")]
    result = subprocess.run(["java", "-jar", str(vnu), "--errors-only", "--format", "json", *map(str, pages)],
                            capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    assert not [m for m in messages if m.get("type") == "error"], messages
    assert all("sp-correction" in page.read_text(encoding="utf-8") for page in pages)

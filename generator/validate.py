"""Read and validate a whole site: the one function both `mkdocs build` and `statuspress check` call.

Whatever stops a build must stop `check`, and nothing else may: so there is a single list of
steps, here, and neither caller adds rules of its own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .compute.checks import timeline_problems
from .model import Site, Statement
from .read import Problems, missing_site_url, read_site, read_updates, site_dir_problems
from .render.checks import body_problems_of


@dataclass
class Loaded:
    site: Site | None  # None when mkdocs.yml's statuspress block has errors
    statements: list[Statement] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    updates_dir: Path | None = None


def load_site(options: dict, *, site_name: str, site_url: str | None, config_file: Path | None,
              cache: dict | None = None, site_dir: str | None = None, docs_dir: str | None = None,
              stamps: dict | None = None) -> Loaded:
    """The site, its valid statements, and every problem: per file, then along the timeline.
    `cache`, `stamps`: see `read_updates` (for one site's repeated reads, as the preview does). `site_dir`
    and `docs_dir` (MkDocs' own, absolute): see `site_dir_problems` (the preview builds elsewhere)."""
    site, problems = read_site(options, site_name=site_name, site_url=site_url, config_file=config_file)
    # `mkdocs serve` sets site_url to its own address before this runs: only a build can lack it.
    problems.extend(missing_site_url(site_url, config_file))
    root = config_file.parent if config_file else Path.cwd()
    updates_dir = root / options.get("updates_dir", "updates")
    loaded = Loaded(site=site, problems=problems, updates_dir=updates_dir)
    if site_dir is not None:
        problems.extend(site_dir_problems(site_dir, updates_dir=updates_dir, docs_dir=docs_dir,
                                          config_file=config_file))
    if site is not None:
        loaded.statements, more = read_updates(updates_dir, site, config_file=config_file, cache=cache,
                                                  stamps=stamps)
        problems.extend(more)
        for path, line, message in body_problems_of(loaded.statements):
            problems.add(path, line, message)
        problems.extend(timeline_problems(site, loaded.statements))
    return loaded

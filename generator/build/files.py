"""The one way the build writes a file into the site folder."""
from __future__ import annotations

import os


def write_file(site_dir: str, path: str, content: bytes) -> None:
    """`content` at site path `path` (slash-separated) under `site_dir`, folders made as needed."""
    target = os.path.join(site_dir, *path.split("/"))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as fp:
        fp.write(content)


def write_files(site_dir: str, files: dict[str, bytes]) -> None:
    """`files` (site path -> bytes) under `site_dir`."""
    for path, content in files.items():
        write_file(site_dir, path, content)

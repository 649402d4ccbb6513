"""Which files of the updates folder are statements, and reading each of them safely.

A statement that is not read is not published, so anything that looks like one and
is not read is reported. Nothing here may hang or raise: a FIFO named `x.md` would
block a plain open() forever, a symlink loop raises on stat(), a folder on read().
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .problems import Problems

MAX_BYTES = 1_000_000  # 1 MB: hundreds of times a long statement; bounds memory and build time

# Names of a page or a note for the team, never statements: such a file without front matter is
# left alone; one with front matter is a statement under the wrong name, refused. Skipped without
# a word, 'index.md' written as a statement was never published ("OK: 7 statement(s)" from 8 files).
RESERVED_NAMES = {"readme.md", "index.md"}

# Endings of files that staff meant as statements but that are not read (only `*.md` is).
STATEMENT_LIKE = (".md", ".markdown", ".mdown", ".mkdn", ".mkd", ".mdwn", ".mdtxt", ".mdtext", ".txt", ".text")


def _looks_like_statement(name: str) -> bool:
    return name.lower().endswith(STATEMENT_LIKE)


def _renamed(name: str) -> str:
    """`name` with its statement-like endings replaced by one '.md': 'a.en.md.txt' -> 'a.en.md'."""
    base = name
    while base.lower().endswith(STATEMENT_LIKE):
        base = base[: base.rfind(".")]
    return f"{base}.md"


def _inside(path: str, root: str) -> bool:
    return os.path.commonpath([path, root]) == root


def statement_files(updates_dir: Path, root: Path, problems: Problems, plain: set[str] | None = None) -> list[Path]:
    """Every regular `*.md` file to read under `updates_dir`, sorted; a problem for each odd one.
    `plain` (a set to fill): the files listed for their name and kind alone, without a look
    inside them or at what they lead to; what is said of any other file may change with it."""
    found = []
    real_root = os.path.realpath(root)
    folders = [str(updates_dir)]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            problems.add(Path(folder), 1, f"this folder cannot be read ({exc.strerror}): check its permissions")
            continue
        for entry in entries:
            name, path = entry.name, Path(entry.path)
            # Not followed: a linked folder could loop or lead out of the repository.
            if entry.is_dir(follow_symlinks=False):
                if name.startswith("."):
                    continue  # .git and the like: never statements
                if name.startswith("_"):
                    problems.add(path, 1, f"the folder '{name}' starts with '_', so its files are drafts and are "
                                          "not published: rename the folder to publish them", "warning")
                elif name.lower().endswith(STATEMENT_LIKE):
                    problems.add(path, 1, f"'{name}' is a folder, not a statement file: rename it, or move its "
                                          "files into the updates folder")
                else:
                    folders.append(entry.path)
                continue
            if name.startswith((".", "_")):
                if _looks_like_statement(name):
                    problems.add(path, 1, f"'{name}' starts with '{name[0]}', so it is a draft and is not "
                                          f"published: rename it to '{_renamed(name.lstrip('._'))}' to publish it",
                                 "warning")
                continue
            if name.lower() in RESERVED_NAMES:
                if _has_front_matter(path, real_root, problems):
                    problems.add(path, 1, f"'{name}' is not read: it has a statement's front matter, but "
                                          f"'{name}' names a page or a note for the team, never a statement; "
                                          "rename it after its date and subject (such as "
                                          "'2026-01-13-0632-servers-offline.md'), or, if it is a note, remove "
                                          "its front matter or move it out of the updates folder")
                continue
            if not name.endswith(".md"):
                if _looks_like_statement(name):
                    problems.add(path, 1, f"'{name}' is not read: only files ending in '.md' are statements; "
                                          f"rename it to '{_renamed(name)}' (or move it out of the updates folder)")
                continue
            # A plain regular file needs no stat() here: read_bytes() checks it once it is open.
            if entry.is_file(follow_symlinks=False):
                found.append(path)
                if plain is not None:
                    plain.add(entry.path)
            elif _is_readable(path, real_root, problems):
                found.append(path)
    return sorted(found)


def _has_front_matter(path: Path, real_root: str, problems: Problems) -> bool:
    """Whether the file at `path` starts with a front matter line ('---'), read as safely as a statement."""
    if not (os.path.isfile(path) and not os.path.islink(path)) and not _is_readable(path, real_root, problems):
        return False
    data = read_bytes(path, problems)
    return data is not None and data.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].rstrip() == b"---"


def _is_readable(path: Path, real_root: str, problems: Problems) -> bool:
    """Whether `path` is a regular file of at most MAX_BYTES inside the repository; else a problem."""
    is_link = os.path.islink(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            problems.add(path, 1, f"'{path.name}' is a symbolic link that loops back on itself: replace it with "
                                  "the statement file")
        elif is_link:
            problems.add(path, 1, f"'{path.name}' is a symbolic link that leads nowhere (to "
                                  f"'{os.readlink(path)}', which does not exist): delete it or point it at a file")
        else:
            problems.add(path, 1, f"'{path.name}' cannot be read ({exc.strerror}): check its permissions")
        return False
    if is_link and not _inside(os.path.realpath(path), real_root):
        problems.add(path, 1, f"'{path.name}' is a symbolic link that leads out of the repository (to "
                              f"'{os.path.realpath(path)}'): copy the statement into the updates folder instead")
        return False
    if stat.S_ISDIR(info.st_mode):
        problems.add(path, 1, f"'{path.name}' is a folder, not a statement file: rename it, or move its files "
                              "into the updates folder")
        return False
    if not stat.S_ISREG(info.st_mode):
        problems.add(path, 1, f"'{path.name}' is a special file (a pipe, socket or device), not a statement: "
                              "delete it and write the statement as an ordinary file")
        return False
    if info.st_size > MAX_BYTES:
        problems.add(path, 1, _too_large(path, info.st_size))
        return False
    return True


def _too_large(path: Path, size: int) -> str:
    # In bytes near the limit: "1.0 MB, over the 1 MB limit" read as a contradiction.
    shown = f"{size:,} bytes" if size < 10_000_000 else f"{size / 1_000_000:.0f} MB"
    return (f"'{path.name}' is {shown}, over the 1 MB limit for a statement: keep the "
            "statement short and put large material (documents, images) in docs/, linked from it")


def read_bytes(path: Path, problems: Problems) -> bytes | None:
    """The bytes of a regular file, opened once and never blocking; None (with a problem) otherwise."""
    try:
        # O_NONBLOCK: a file swapped for a FIFO since it was listed must not block the build.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        problems.add(path, 1, f"'{path.name}' cannot be read ({exc.strerror}): check that it is an ordinary file "
                              "that you may read")
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            problems.add(path, 1, f"'{path.name}' is not an ordinary file: write the statement as one")
            return None
        # Sized by the file, not by the limit: a 1 MB buffer per file would triple the read time.
        chunks, size, first = [], 0, min(info.st_size, MAX_BYTES) + 1
        while size <= MAX_BYTES:
            chunk = os.read(fd, first if not chunks else MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        problems.add(path, 1, f"'{path.name}' cannot be read ({exc.strerror}): check that it is an ordinary file")
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        # The file's size, not what was read of it (the limit and a byte): a 50 MB file read "1.0 MB".
        problems.add(path, 1, _too_large(path, max(info.st_size, len(data))))
        return None
    return data

"""Bodies already known to convert, kept between runs: `check` and the build stop any body that
Markdown cannot format in time, which means converting every body once per run (most of what
`check` does). A body that converted once converts again with the same code, so its digest is
remembered and the conversion skipped from then on.

The record is keyed by everything the verdict depends on (our converter's source, the Markdown
libraries' versions, Python's recursion limit); another version starts a new record. It lives in the user's cache
folder ($XDG_CACHE_HOME, else ~/.cache; STATUSPRESS_CACHE_DIR overrides, "" turns it off). A
missing, unwritable or damaged record only means converting again: never a different verdict.
"""
from __future__ import annotations

import hashlib
import os
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def _folder() -> Path | None:
    chosen = os.environ.get("STATUSPRESS_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "statuspress"


def _key(source: Path) -> str:
    # Deep text converts or not depending on how deep Python may recurse: that limit is part of it.
    parts = [source.read_bytes(), str(sys.getrecursionlimit()).encode()]
    for package in ("markdown", "pymdown-extensions", "nh3"):
        try:
            parts.append(f"{package}={version(package)}".encode())
        except PackageNotFoundError:
            parts.append(package.encode())
    return hashlib.sha256(b"\0".join(parts)).hexdigest()[:16]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class KnownGood:
    """A set of text digests that survives the process, appended to as texts prove good."""

    def __init__(self, source: Path):
        self._source = source
        self._path: Path | None = None
        self._known: set[str] | None = None

    def _load(self) -> set[str]:
        if self._known is None:
            self._known = set()
            folder = _folder()
            if folder is not None:
                self._path = folder / f"converts-{_key(self._source)}.txt"
                try:
                    self._known = set(self._path.read_text(encoding="ascii", errors="replace").split())
                except OSError:
                    pass
        return self._known

    def __contains__(self, text_digest: str) -> bool:
        return text_digest in self._load()

    def add(self, text_digest: str) -> None:
        known = self._load()
        if text_digest in known:
            return
        known.add(text_digest)
        if self._path is None:
            return
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            # One short line in append mode: runs at the same time never interleave within it.
            with open(self._path, "a", encoding="ascii") as record:
                record.write(text_digest + "\n")
        except OSError:
            self._path = None  # read-only home, full disk: carry on without the record


def template_cache():
    """Jinja's compiled templates, kept between builds (a build compiles some forty templates,
    a large part of a small site's build). Keyed by each template's source and Jinja's and
    Python's versions, so a change recompiles; None when no cache folder can be used. A
    record that cannot be read or written only means compiling again."""
    import jinja2

    class TolerantCache(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket):
            try:
                super().load_bytecode(bucket)
            except Exception:  # damaged or unreadable: compile
                bucket.reset()

        def dump_bytecode(self, bucket):
            try:
                super().dump_bytecode(bucket)
            except OSError:  # read-only or full: the next build compiles again
                pass

    folder = _folder()
    if folder is None:
        return None
    try:
        (folder / "templates").mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return TolerantCache(str(folder / "templates"))


def remembered(kind: str, inputs: list[bytes], make) -> str:
    """`make()`, a text that depends only on `inputs`, kept between runs in the cache folder
    under the digest of those inputs: the next build with the same inputs reads it instead.
    Without a usable cache folder, or with a damaged record, it is made again."""
    key = hashlib.sha256(b"\0".join(inputs)).hexdigest()[:32]
    folder = _folder()
    path = folder / f"{kind}-{key}.txt" if folder is not None else None
    if path is not None:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            pass
    text = make()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f"{path.name}.{os.getpid()}.part")
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, path)  # whole or not at all, even with builds running side by side
        except OSError:
            pass
    return text

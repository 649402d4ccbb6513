"""What `check` and the build worked out once and need not work out again, kept between runs.

Bodies already known to convert, kept between runs: `check` and the build stop any body that
Markdown cannot format in time, which means converting every body once per run (most of what
`check` does). A body that converted once converts again with the same code, so its digest is
remembered and the conversion skipped from then on.

The record is keyed by everything the verdict depends on (our converter's source, the Markdown
libraries' versions, Python's recursion limit); another version starts a new record. It lives in the user's cache
folder ($XDG_CACHE_HOME, else ~/.cache; STATUSPRESS_CACHE_DIR overrides, "" turns it off). A
missing, unwritable or damaged record only means converting again: never a different verdict.

Statement files already parsed (`ParsedRecord`): composing each file's front matter was half of
`check` at 1,000 statements x 3 languages; the result depends only on the file's text and the
parser's code, so it is kept under the text's digest (see read/front_matter.py).
"""
from __future__ import annotations

import hashlib
import marshal
import os
import sys
import time
from pathlib import Path


def _folder() -> Path | None:
    chosen = os.environ.get("STATUSPRESS_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "statuspress"


def _key(source: Path) -> str:
    # Imported here: importlib.metadata took 0.05 s of every `check`, which reads this record only
    # once a body is to be formatted.
    from importlib.metadata import PackageNotFoundError, version

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


class ParsedRecord:
    """Values by text digest, kept between runs in one file of the cache folder named after
    `version` (everything the values depend on besides the text): another version, another file.

    The file is a series of frames (length, checksum, the marshal data of a dict of values):
    save() appends one frame of the values a run added, in a single write, so runs at the same
    time never interleave within one; trimmed, the record is one frame. A frame whose checksum
    fails (a torn write, a damaged disk) ends the reading there: what follows is worked out
    again, and the record written anew. Values are plain data that `marshal` writes (tuples,
    lists, strings, numbers): 3,000 front matters' nodes, 1.5 MB, read in 0.03-0.04 s of CPU."""

    _HEAD = 24  # 8 bytes of length, 16 of blake2b checksum
    FORMAT = b"frames of dicts\0"  # another layout, another file
    # A record no run has read for this long belongs to a site or a version gone (a test's
    # temporary site, an older statuspress): removed when a new record of its kind is started.
    UNUSED_DAYS = 30

    def __init__(self, kind: str, version: bytes):
        folder = _folder()
        self._kind = kind
        name = f"{kind}-{hashlib.sha256(self.FORMAT + version).hexdigest()[:16]}.bin"
        self._path = folder / name if folder is not None else None
        self._values: dict | None = None
        self._used: set[str] = set()
        self._frames = 0
        self._damaged = False
        self._new: dict = {}  # values to append

    @property
    def path(self) -> Path | None:
        """The record's file; None without a cache folder."""
        return self._path

    def _load(self) -> dict:
        if self._values is None:
            self._values = {}
            if self._path is not None:
                try:
                    data = self._path.read_bytes()
                    if time.time() - self._path.stat().st_mtime > 86400:
                        os.utime(self._path)  # in use: not to be removed as unused
                except OSError:
                    data = b""
                self._read_frames(data)
        return self._values

    def _remove_unused(self) -> None:
        """Remove the records of this kind that no run has read for UNUSED_DAYS."""
        for other in self._path.parent.glob(f"{self._kind}-*.bin"):
            try:
                if time.time() - other.stat().st_mtime > self.UNUSED_DAYS * 86400:
                    other.unlink()
            except OSError:
                pass

    def _read_frames(self, data: bytes) -> None:
        at, head = 0, self._HEAD
        while at < len(data):
            size = int.from_bytes(data[at: at + 8], "little")
            frame = data[at + head: at + head + size]
            if len(frame) != size or hashlib.blake2b(frame, digest_size=16).digest() != data[at + 8: at + head]:
                self._damaged = True  # torn or damaged: the rest is worked out again
                return
            try:
                values = marshal.loads(frame)
            except (EOFError, ValueError, TypeError):
                values = None
            if not isinstance(values, dict):
                self._damaged = True
                return
            self._values.update(values)
            self._frames += 1
            at += head + size

    @classmethod
    def _frame(cls, values: dict) -> bytes:
        data = marshal.dumps(values)
        return len(data).to_bytes(8, "little") + hashlib.blake2b(data, digest_size=16).digest() + data

    def get(self, text_digest: str):
        """The value kept for `text_digest`, or None."""
        value = self._load().get(text_digest)
        if value is not None:
            self._used.add(text_digest)
        return value

    def add(self, text_digest: str, value) -> None:
        values = self._load()
        self._used.add(text_digest)
        if text_digest not in values:
            self._new[text_digest] = value
        values[text_digest] = value

    def save(self, trim: bool = True) -> None:
        """Append the values added in this run. With `trim` (every text was asked for in this
        run), keep only the values used, when most of the record is of texts since changed (each
        edit of a statement adds a value): the record stays the size of the site. A damaged
        record is written anew: otherwise every run would stop reading at the same damage."""
        if self._path is None or self._values is None:
            return
        new, self._new = self._new, {}
        if self._damaged or (trim and len(self._values) > 2 * len(self._used) + 100):
            kept = {key: self._values[key] for key in sorted(self._used)} if trim else self._values
            partial = self._path.with_name(f"{self._path.name}.{os.getpid()}.part")
            try:
                partial.parent.mkdir(parents=True, exist_ok=True)
                partial.write_bytes(self._frame(kept))
                os.replace(partial, self._path)  # whole or not at all
                self._frames, self._damaged = 1, False
            except OSError:
                pass
            return
        if not new:
            return
        try:
            if not self._frames and not self._path.exists():
                self._path.parent.mkdir(parents=True, exist_ok=True)
                self._remove_unused()
            with open(self._path, "ab", buffering=0) as record:  # one write() for the run's values
                record.write(self._frame(new))
            self._frames += 1
        except OSError:
            self._path = None  # read-only home, full disk: carry on without the record

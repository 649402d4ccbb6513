"""Publishing a finished build into `site_dir`: one build at a time, all or nothing.

Pure filesystem, no MkDocs. A build takes an exclusive lock beside `site_dir`, repairs
whatever an interrupted build left, builds into its own staging folder beside the folder
it will replace, and puts it in place in one step:

- a folder (or nothing yet): the staging folder and `site_dir` are swapped with Linux's
  `renameat2(RENAME_EXCHANGE)`, so `site_dir` never stops existing. Where that call is
  missing (not Linux, or a file system without it) the fallback is two renames
  (`site_dir -> site_dir.statuspress-old`, staging -> `site_dir`): `site_dir` is absent for
  the instant between them, and an interruption there is repaired by the next build;
- a symlink: the folder it leads to is replaced as above, and the symlink is kept, so a web
  server pointed at either path serves the new site;
- a mount point (a container volume; renaming it fails with EBUSY or EXDEV): the new files
  are synced into it. Each file is replaced atomically, but the site as a whole is not: a
  mount point cannot be renamed over, so for the moment of the copy a visitor can get a new
  page beside an old one. Assets are copied before pages to keep that moment harmless, and
  the complete build is kept until the sync is done, so an interrupted sync is finished by
  the next build.

The last good site is never deleted before the new one is in place.
"""
from __future__ import annotations

import ctypes
import errno
import logging
import os
import shutil
import stat
import sys
import tempfile
import time

try:
    import fcntl
except ImportError:  # Windows: no flock; msvcrt locks a byte range instead (not tested here)
    fcntl = None
    import msvcrt

log = logging.getLogger("mkdocs.plugins.statuspress")

LOCK_SUFFIX = ".statuspress-lock"
STAGING_SUFFIX = ".statuspress-new"  # + a unique part per build
OLD_SUFFIX = ".statuspress-old"  # the previous site, for the instant of the fallback swap
SYNC_SUFFIX = ".statuspress-sync"  # a complete build being synced into a mount point

DEFAULT_LOCK_TIMEOUT = 600  # seconds

# Tests only: fail the process between two steps, as a crash or kill -9 would.
CRASH_ENV = "STATUSPRESS_TEST_CRASH_AT"
# Tests only: use the fallback two-rename swap even where RENAME_EXCHANGE works.
SWAP_ENV = "STATUSPRESS_TEST_SWAP"
CRASH_EXIT_CODE = 70


class PublishError(Exception):
    """A build cannot be published; the message says why and what to do."""


def _crash_point(step: str) -> None:
    if os.environ.get(CRASH_ENV) == step:
        os._exit(CRASH_EXIT_CODE)


class _ExchangeUnsupported(Exception):
    pass


def _exchange(a: str, b: str) -> None:
    """Swap two paths in one step; _ExchangeUnsupported where the system cannot."""
    if os.environ.get(SWAP_ENV) == "rename" or not sys.platform.startswith("linux"):
        raise _ExchangeUnsupported()
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2  # glibc >= 2.28
    except (AttributeError, OSError):
        raise _ExchangeUnsupported() from None
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        raise _ExchangeUnsupported()
    raise OSError(code, os.strerror(code), a, None, b)


class SiteLock:
    """An exclusive `flock` on `<site_dir>.statuspress-lock`, removed again on release.

    The file is removed by its holder before unlocking; a waiter that then gets the lock on
    the removed file notices (the path no longer names the file it locked) and tries again,
    so two builds never both believe they hold it.
    """

    def __init__(self, path: str, timeout: float):
        self.path = path
        self.timeout = timeout
        self.fd: int | None = None

    def acquire(self) -> None:
        deadline = time.monotonic() + self.timeout
        announced = False
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                while not _try_lock(fd):
                    if time.monotonic() >= deadline:
                        raise PublishError(
                            f"another build ({self._holder(fd)}) has held {self.path} for more than "
                            f"{self.timeout:g} s; nothing was published. Let it finish (or stop it if it "
                            "hangs) and build again, or raise the plugin's 'publish_lock_timeout'.")
                    if not announced:
                        log.info(f"statuspress: another build ({self._holder(fd)}) is publishing to the "
                                 f"same site_dir; waiting for it (at most {self.timeout:g} s)")
                        announced = True
                    time.sleep(0.2)
                try:
                    current = os.stat(self.path)
                except FileNotFoundError:
                    current = None
                locked = os.fstat(fd)
                if current is not None and (current.st_dev, current.st_ino) == (locked.st_dev, locked.st_ino):
                    os.ftruncate(fd, 0)
                    os.write(fd, f"{os.getpid()}\n".encode())
                    self.fd, fd = fd, None
                    return
            finally:
                if fd is not None:
                    os.close(fd)

    @staticmethod
    def _holder(fd: int) -> str:
        try:
            pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        except (OSError, AttributeError):  # no pread on Windows, where the locked byte cannot be read
            pid = ""
        return f"process {pid}" if pid.isdigit() else "another process"

    def release(self) -> None:
        if self.fd is None:
            return
        if fcntl is None:  # Windows cannot remove an open file; a waiter keeps it open anyway
            os.close(self.fd)
            self.fd = None
            return
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        os.close(self.fd)
        self.fd = None


def _try_lock(fd: int) -> bool:
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


class Publication:
    """One build's turn at `site_dir`: lock, repair, staging folder, then publish or abandon."""

    def __init__(self, site_dir: str, timeout: float = DEFAULT_LOCK_TIMEOUT):
        self.site_dir = os.path.abspath(site_dir)
        # A symlink is kept: the folder it leads to is what gets replaced.
        self.target = os.path.realpath(self.site_dir)
        self.parent, self.name = os.path.split(self.target)
        # Beside the folder that changes, so that every path leading to it shares one lock.
        self.lock = SiteLock(self.target + LOCK_SUFFIX, timeout)
        self.staging: str | None = None

    def _beside(self, suffix: str) -> str:
        return os.path.join(self.parent, self.name + suffix)

    def begin(self) -> str:
        """Wait for our turn, repair an interrupted build, and return a fresh staging folder."""
        os.makedirs(self.parent, exist_ok=True)
        self.lock.acquire()
        try:
            self.recover()
            self.staging = tempfile.mkdtemp(dir=self.parent, prefix=self.name + STAGING_SUFFIX + "-")
            # mkdtemp's 0700 would hide the site from a web server: keep the mode site_dir has.
            mode = stat.S_IMODE(os.stat(self.target).st_mode) if os.path.isdir(self.target) else 0o755
            os.chmod(self.staging, mode)
        except BaseException:
            self.lock.release()
            raise
        return self.staging

    def recover(self) -> None:
        """Put the last good site back in place after a build was interrupted. Needs the lock."""
        old = self._beside(OLD_SUFFIX)
        if os.path.lexists(old):
            if os.path.lexists(self.target):
                shutil.rmtree(old, ignore_errors=True)  # the new site made it into place: outdated
            else:
                os.rename(old, self.target)
                log.info(f"statuspress: restored the last good site in {self.site_dir} (a build was "
                         "interrupted while publishing)")
        sync = self._beside(SYNC_SUFFIX)
        if os.path.lexists(sync):
            log.info(f"statuspress: finishing the interrupted update of {self.site_dir}")
            _sync_into(sync, self.target)
            shutil.rmtree(sync)
        # Every staging folder is from a build that no longer runs (we hold the lock): an
        # unfinished build, or the previous site swapped out just before a crash.
        prefix = self.name + STAGING_SUFFIX
        for entry in os.listdir(self.parent):
            if entry.startswith(prefix) and entry != self.name:
                path = os.path.join(self.parent, entry)
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path, ignore_errors=True)

    def publish(self) -> None:
        """Put the staging folder in place of the site, and end our turn."""
        staging, target = self.staging, self.target
        try:
            _crash_point("staged")
            if not os.path.lexists(target):
                os.rename(staging, target)
            elif not os.path.isdir(target):
                raise PublishError(f"{self.site_dir} is not a folder: remove it or choose another site_dir; "
                                   "nothing was published")
            elif os.path.ismount(target):
                self._sync(staging)
            else:
                try:
                    self._swap(staging, target)
                except OSError as exc:
                    # A bind mount on the same file system is not seen by ismount().
                    if exc.errno not in (errno.EBUSY, errno.EXDEV):
                        raise
                    self._sync(staging)
            self.staging = None
        finally:
            self.end()

    def _swap(self, staging: str, target: str) -> None:
        try:
            _exchange(staging, target)
        except _ExchangeUnsupported:
            old = self._beside(OLD_SUFFIX)
            os.rename(target, old)
            _crash_point("moved-aside")
            try:
                os.rename(staging, target)
            except BaseException:
                os.rename(old, target)
                raise
            _crash_point("renamed")
            shutil.rmtree(old, ignore_errors=True)  # published already; the next build retries
            return
        _crash_point("exchanged")
        shutil.rmtree(staging, ignore_errors=True)  # the previous site now; the next build retries

    def _sync(self, staging: str) -> None:
        sync = self._beside(SYNC_SUFFIX)
        os.rename(staging, sync)
        _sync_into(sync, self.target)
        shutil.rmtree(sync)

    def abandon(self) -> None:
        """The build failed: drop its staging folder; the site stays as it was."""
        if self.staging:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None
        self.end()

    def end(self) -> None:
        self.lock.release()


def _sync_into(source: str, target: str) -> None:
    """Make the contents of `target` those of `source`, one atomic file replacement at a time."""
    wanted: set[str] = set()
    files: list[str] = []
    for folder, dirs, names in os.walk(source):
        rel = os.path.relpath(folder, source)
        rel = "" if rel == "." else rel
        for name in dirs:
            path = os.path.join(rel, name)
            wanted.add(path)
            there = os.path.join(target, path)
            if os.path.lexists(there) and (os.path.islink(there) or not os.path.isdir(there)):
                os.unlink(there)
            os.makedirs(there, exist_ok=True)
        for name in names:
            path = os.path.join(rel, name)
            wanted.add(path)
            files.append(path)
    # Assets before pages: a new page should not be served before the files it refers to.
    files.sort(key=lambda path: (path.endswith(".html"), path))
    for number, path in enumerate(files):
        if number == len(files) // 2:
            _crash_point("syncing")
        _copy_if_changed(os.path.join(source, path), os.path.join(target, path))
    for folder, dirs, names in os.walk(target, topdown=False):
        rel = os.path.relpath(folder, target)
        rel = "" if rel == "." else rel
        for name in names + dirs:
            path = os.path.join(rel, name)
            if path in wanted:
                continue
            there = os.path.join(target, path)
            if os.path.isdir(there) and not os.path.islink(there):
                shutil.rmtree(there)
            else:
                os.unlink(there)


def _copy_if_changed(source: str, there: str) -> None:
    if os.path.lexists(there) and not os.path.islink(there) and os.path.isdir(there):
        shutil.rmtree(there)
    elif os.path.isfile(there) and os.path.getsize(there) == os.path.getsize(source):
        with open(source, "rb") as a, open(there, "rb") as b:
            if a.read() == b.read():
                return
    folder, name = os.path.split(there)
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".statuspress-tmp")
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out)
        shutil.copymode(source, temporary)
        os.replace(temporary, there)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise

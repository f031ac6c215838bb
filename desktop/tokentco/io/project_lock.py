"""A lock beside an open project, so two writers cannot silently clobber each other.

Like Office and LibreOffice, the lock is a small file next to the project
(``.~lock.NAME#``) that says who holds it, on which machine, in which process and since
when, so the second writer can be told ("open in TokenTCO by alice on ws-12 since 09:02")
and refuse or wait. The file alone would be racy and would outlive a crash, so the holder
also keeps an OS lock on it (``flock``/``LockFileEx``): a dead process's OS lock is gone,
which is how a stale lock is recognised and broken on this machine. A lock written on
another machine (a shared folder) cannot be checked that way and is respected until
someone removes it, as LibreOffice does.

The GUI/app session and every CLI command that rewrites a project use this module:
``acquire(path) -> ProjectLock`` (a context manager), ``ProjectLock.release()``,
``holder(path)``; ``project_file.changed_on_disk`` tells whether the file moved under us.
"""

import errno
import getpass
import json
import math
import os
import socket
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO

from tokentco.io.errors import InputError, Location
from tokentco.io.project_file import hex_digest, pid_alive, short_name

_POLL_S = 0.05
_MAX_NAME_BYTES = 255
_SETTLE_S = 0.5
_WINDOWS_LOCK_OFFSET = 1 << 20
"""Windows locks are mandatory for the bytes they cover: lock a byte far past the JSON so
others can still read who holds it."""


@dataclass(frozen=True)
class LockInfo:
    """Who holds a project: user, host, process id, since when (UTC, ISO 8601)."""

    user: str
    host: str
    pid: int
    since: str
    app: str = "TokenTCO"

    def describe(self) -> str:
        when = self.since.replace("T", " ")[:16]
        where = "this computer" if self.host == _hostname() else self.host
        return f"{self.app} by {self.user} on {where} (pid {self.pid}) since {when} UTC"

    @property
    def local(self) -> bool:
        return self.host == _hostname()


class ProjectLocked(InputError):
    """Someone else holds the project's lock (the CLI prints one line and exits 2)."""

    def __init__(self, project: Path, info: LockInfo | None, lock_path: Path) -> None:
        who = info.describe() if info else "another TokenTCO (the lock is being written)"
        hint = "close it there, or wait (--wait SECONDS)"
        if info is not None and not info.local:
            hint += f"; if that session is gone, delete {lock_path.name}"
        super().__init__(f"is open in {who}: {hint}", Location(file=str(project)))
        self.info = info
        self.lock_path = lock_path


def lock_path_for(path: Path) -> Path:
    """``/dir/NAME`` → ``/dir/.~lock.NAME#`` (the LibreOffice convention, for familiarity).

    Beside the real file: a project opened through a symlink and through its target is
    one project, so both must meet the same lock."""
    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    name = path.name
    if len(f".~lock.{name}#".encode("utf-8", "surrogateescape")) > _MAX_NAME_BYTES:
        digest = hex_digest("sha1", name.encode("utf-8", "surrogateescape"))[:8]
        name = f"{short_name(name, _MAX_NAME_BYTES - 20)}~{digest}"
    return path.with_name(f".~lock.{name}#")


def _hostname() -> str:
    return socket.gethostname() or "unknown-host"


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name (containers, services)
        return "unknown-user"


def _read_info(handle: IO[bytes]) -> LockInfo | None:
    handle.seek(0)
    raw = handle.read(4096)
    try:
        body = json.loads(raw.decode("utf-8"))
        return LockInfo(
            user=str(body["user"]),
            host=str(body["host"]),
            pid=int(body["pid"]),
            since=str(body["since"]),
            app=str(body.get("app", "TokenTCO")),
        )
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError):  # garbage
        return None


def _try_os_lock(handle: IO[bytes]) -> bool:
    """Take the OS lock without blocking; False if another open file holds it."""
    if os.name == "nt":
        import msvcrt

        handle.seek(_WINDOWS_LOCK_OFFSET)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _same_file(handle: IO[bytes], path: Path) -> bool:
    """Whether ``handle`` is still the file at ``path`` (the holder may have removed it
    between our open and our lock; locking a removed file would lock nothing)."""
    try:
        on_disk = path.lstat()
    except FileNotFoundError:
        return False
    mine = os.fstat(handle.fileno())
    return (on_disk.st_dev, on_disk.st_ino) == (mine.st_dev, mine.st_ino)


class ProjectLock:
    """A held project lock; release it (or leave the ``with`` block) when the project closes."""

    def __init__(self, project: Path, lock_path: Path, handle: IO[bytes], info: LockInfo):
        self.project = project
        self.path = lock_path
        self.info = info
        self._handle: IO[bytes] | None = handle

    @property
    def held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        """Remove the lock file and drop the OS lock (idempotent)."""
        handle, self._handle = self._handle, None
        if handle is None:
            return
        if os.name == "nt":  # Windows cannot remove an open file
            handle.close()
            self.path.unlink(missing_ok=True)
            return
        try:
            if _same_file(handle, self.path):
                self.path.unlink()
        except OSError:
            pass
        finally:
            handle.close()  # drops the flock: a waiter that opened the old file retries

    def __enter__(self) -> "ProjectLock":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def __del__(self) -> None:  # a forgotten lock must not outlive its object
        self.release()


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def _symlinked_lock(project: Path, lock_path: Path) -> InputError:
    return InputError(
        f"the lock file {lock_path.name} is a symbolic link, which TokenTCO never creates: "
        "refusing to write through it (its target is left untouched); remove the link "
        "itself and retry",
        Location(file=str(project)),
    )


def _open_lock_file(project: Path, lock_path: Path) -> IO[bytes]:
    """The lock file opened for reading and writing, never through a symbolic link: a new
    one is created with O_CREAT|O_EXCL|O_NOFOLLOW, an existing one (a stale lock to take
    over, or the holder's) is opened with O_NOFOLLOW. A symlink in its place is refused
    (``InputError``): writing the lock JSON through it would overwrite whatever it names."""
    if lock_path.is_symlink():
        raise _symlinked_lock(project, lock_path)
    flags = os.O_RDWR | _NOFOLLOW | _BINARY
    for _ in range(3):  # the holder may remove its lock between our two opens
        try:
            fd = os.open(lock_path, flags | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            try:
                fd = os.open(lock_path, flags)
            except FileNotFoundError:
                continue
        return _fdopen_checked(project, lock_path, fd)
    fd = os.open(lock_path, flags | os.O_CREAT | os.O_EXCL, 0o644)
    return _fdopen_checked(project, lock_path, fd)


def _fdopen_checked(project: Path, lock_path: Path, fd: int) -> IO[bytes]:
    import stat

    if not stat.S_ISREG(os.fstat(fd).st_mode):  # a fifo or device named like a lock
        os.close(fd)
        raise InputError(
            f"the lock file {lock_path.name} is not a regular file: remove it and retry",
            Location(file=str(project)),
        )
    return os.fdopen(fd, "r+b")


def _attempt(project: Path, lock_path: Path) -> ProjectLock | LockInfo | None:
    """One try: the lock, or the holder's info (None when it is being written)."""
    try:
        handle = _open_lock_file(project, lock_path)
    except InputError:
        raise
    except FileNotFoundError as exc:
        raise InputError("folder does not exist", Location(file=str(project))) from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # became a symlink between the check and the open
            raise _symlinked_lock(project, lock_path) from exc
        raise InputError(
            f"cannot create the lock file {lock_path.name}: {exc.strerror or exc}",
            Location(file=str(project)),
        ) from exc
    try:
        if not _try_os_lock(handle):
            return _read_info(handle)
        if not _same_file(handle, lock_path):  # the holder just released and removed it
            handle.close()
            return None
        previous = _read_info(handle)
        if previous is not None and not previous.local:
            # another machine wrote it: its OS lock is invisible to us, so respect it
            handle.close()
            return previous
        info = LockInfo(
            user=_user(),
            host=_hostname(),
            pid=os.getpid(),
            since=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(asdict(info)).encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())
        return ProjectLock(project, lock_path, handle, info)
    except BaseException:
        if not handle.closed:
            handle.close()
        raise


def acquire(path: Path, wait_s: float = 0.0) -> ProjectLock:
    """Lock ``path`` for writing, waiting up to ``wait_s`` seconds for its holder.

    A lock left by a process that died on this machine is broken silently. Raises
    ``ProjectLocked`` (an ``InputError``) naming the holder when the wait runs out.
    """
    project = Path(path)
    if not math.isfinite(wait_s) or wait_s < 0:
        raise InputError(f"--wait {wait_s}: give a number of seconds ≥ 0")
    lock_path = lock_path_for(project)
    start = time.monotonic()
    deadline = start + wait_s
    while True:
        got = _attempt(project, lock_path)
        if isinstance(got, ProjectLock):
            return got
        now = time.monotonic()
        # a lock half-written, or one whose holder just died or is being probed by
        # holder(), settles within moments: never refuse on such a transient state
        transient = got is None or (got.local and not pid_alive(got.pid))
        if now >= deadline and not (transient and now - start < _SETTLE_S):
            raise ProjectLocked(project, got, lock_path)
        time.sleep(_POLL_S)


def holder(path: Path) -> LockInfo | None:
    """Who holds ``path`` now, or None when nobody does (no lock, or a stale one)."""
    lock_path = lock_path_for(Path(path))
    try:
        handle = os.fdopen(os.open(lock_path, os.O_RDONLY | _NOFOLLOW | _BINARY), "rb")
    except OSError:
        return None
    with handle:
        info = _read_info(handle)
        if info is not None and not info.local:
            return info
        if os.name == "nt":
            return info if info is not None and pid_alive(info.pid) else None
        import fcntl

        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return info or LockInfo("?", _hostname(), 0, "")
        return None  # nobody holds the OS lock: stale (or being released)

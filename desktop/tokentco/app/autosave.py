"""Autosave and crash recovery, Qt-free.

A running session writes its unsaved work to ``<autosave dir>/session-<id>.tokentco``
(atomically, with a ``.json`` beside it naming the original file and the time) and holds
``session-<id>.lock`` while it runs. After a crash the lock's process is gone, so the next
start finds the autosave *orphaned* and offers it (:func:`orphans`); autosaves of sessions
still running are never offered. A clean close deletes the autosave.

The lock is a small file holding the owner's pid and host, created exclusively; it is
stale when that process no longer runs on this host (the way ``QLockFile`` decides, kept
here so the session works without Qt).
"""

import contextlib
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tokentco.domain import Project
from tokentco.io.project_file import (
    SUFFIX,
    atomic_write_bytes,
    load_project,
    pid_alive,
    project_to_json,
)


class SessionLock:
    """An exclusive lock file owned by this process while it holds it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.held = False

    def owner(self) -> tuple[int, str] | None:
        """(pid, host) written in the lock file, or None when there is no readable lock."""
        try:
            pid_text, host = self.path.read_text(encoding="utf-8").split("\n")[:2]
            return int(pid_text), host
        except (OSError, ValueError):
            return None

    def is_stale(self) -> bool:
        """The lock names a process that is gone (a crash), or cannot be read."""
        owner = self.owner()
        if owner is None:
            return True
        pid, host = owner
        return host == socket.gethostname() and not pid_alive(pid)

    def try_acquire(self) -> bool:
        """Take the lock (replacing a stale one); False when a live process holds it."""
        if self.held:
            return True
        for _attempt in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if self.is_stale():
                    self.path.unlink(missing_ok=True)
                    continue
                return False
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(f"{os.getpid()}\n{socket.gethostname()}\n")
            self.held = True
            return True
        return False

    def release(self) -> None:
        if self.held:
            self.path.unlink(missing_ok=True)
            self.held = False


@dataclass(frozen=True)
class Orphan:
    """An autosave left by a session that did not close properly."""

    path: Path
    original: str
    saved_at: str

    @property
    def when(self) -> str:
        """When it was written, for a sentence ("2026-12-01 09:12:03")."""
        return self.saved_at.replace("T", " ")

    def load(self) -> Project:
        """The autosaved project (InputError, located, when the file is damaged)."""
        return load_project(self.path)

    def delete(self) -> None:
        for p in (self.path, self.path.with_suffix(".json"), self.path.with_suffix(".lock")):
            p.unlink(missing_ok=True)


class Autosaver:
    """Writes one session's unsaved work and finds the orphans of crashed sessions."""

    def __init__(self, directory: Path, session_id: str) -> None:
        self.directory = directory
        self.session_id = session_id
        self.path = directory / f"session-{session_id}{SUFFIX}"
        self.lock = SessionLock(self.path.with_suffix(".lock"))
        self._written: Project | None = None

    def write(self, project: Project, original: Path | None) -> Path:
        """Write ``project`` (atomic) unless this very snapshot was written last (projects
        are immutable, so identity means "nothing changed since").

        Raises OSError when the folder cannot be written (the caller says so).
        """
        if project is self._written and self.path.exists():
            return self.path
        self.directory.mkdir(parents=True, exist_ok=True)
        self.lock.try_acquire()
        atomic_write_bytes(self.path, project_to_json(project).encode("utf-8"))
        meta = {
            "path": str(original or ""),
            "saved_at": datetime.now().isoformat(timespec="seconds"),
            "pid": os.getpid(),
        }
        atomic_write_bytes(self.path.with_suffix(".json"), json.dumps(meta).encode("utf-8"))
        self._written = project
        return self.path

    def clear(self) -> None:
        """Nothing unsaved any more: remove the autosave (keep the lock while running)."""
        for p in (self.path, self.path.with_suffix(".json")):
            p.unlink(missing_ok=True)
        self._written = None

    def discard(self) -> None:
        """Clean close: remove the autosave and release the lock."""
        self.clear()
        self.lock.release()

    def orphans(self) -> list[Orphan]:
        """Autosaves of sessions that are not running, newest first (own one excluded)."""
        found: list[Orphan] = []
        candidates = sorted(
            self.directory.glob(f"session-*{SUFFIX}"),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for candidate in candidates:
            if candidate == self.path:
                continue
            lock = SessionLock(candidate.with_suffix(".lock"))
            if lock.path.exists() and not lock.is_stale():
                continue  # another TokenTCO window is running with it
            meta: dict[str, object] = {}
            with contextlib.suppress(OSError, ValueError):
                meta = json.loads(candidate.with_suffix(".json").read_text(encoding="utf-8"))
            saved_at = str(
                meta.get("saved_at")
                or datetime.fromtimestamp(candidate.stat().st_mtime).isoformat(timespec="seconds")
            )
            found.append(Orphan(candidate, str(meta.get("path") or ""), saved_at))
        return found


__all__ = ["Autosaver", "Orphan", "SessionLock"]

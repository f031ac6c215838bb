"""Autosave and crash recovery, Qt-free.

A running session writes its unsaved work to ``<autosave dir>/session-<id>.tokentco``
(atomically, with a ``.json`` beside it naming the original file and the time) and holds
that file's project lock (``io.project_lock``, the same lock an open project has) while it
runs. After a crash the lock's process is gone, so the next start finds the autosave
*orphaned* and offers it (:meth:`Autosaver.orphans`); autosaves of sessions still running
are never offered, and a window offering one claims it so two windows never both do. A
clean close deletes the autosave.
"""

import contextlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tokentco.domain import Project
from tokentco.io.project_file import (
    SUFFIX,
    atomic_write_bytes,
    load_project,
    project_to_json,
)
from tokentco.io.project_lock import ProjectLock, acquire, holder


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

    def claim(self) -> ProjectLock:
        """Hold it while the user is asked (``ProjectLocked`` if another window does)."""
        return acquire(self.path)

    def load(self) -> Project:
        """The autosaved project (InputError, located, when the file is damaged)."""
        return load_project(self.path)

    def delete(self) -> None:
        for p in (self.path, self.path.with_suffix(".json")):
            p.unlink(missing_ok=True)


class Autosaver:
    """Writes one session's unsaved work and finds the orphans of crashed sessions."""

    def __init__(self, directory: Path, session_id: str) -> None:
        self.directory = directory
        self.session_id = session_id
        self.path = directory / f"session-{session_id}{SUFFIX}"
        self.lock: ProjectLock | None = None
        self._written: Project | None = None

    def write(self, project: Project, original: Path | None) -> Path:
        """Write ``project`` (atomic) unless this very snapshot was written last (projects
        are immutable, so identity means "nothing changed since").

        Raises OSError when the folder cannot be written (the caller says so).
        """
        if project is self._written and self.path.exists():
            return self.path
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.lock is None:  # held from the first write until the session closes
            self.lock = acquire(self.path)
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
        if self.lock is not None:
            self.lock.release()
            self.lock = None

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
            if holder(candidate) is not None:
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


__all__ = ["Autosaver", "Orphan"]

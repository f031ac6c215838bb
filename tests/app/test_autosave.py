"""Autosave and crash recovery without Qt: running sessions are never offered."""

import os
import socket
import subprocess
import sys
from pathlib import Path

from tokentco.app.autosave import Autosaver, SessionLock
from tokentco.domain import Project
from tokentco.io.project_file import load_project


def test_autosave_round_trip_and_clean_close(project: Project, tmp_path: Path) -> None:
    saver = Autosaver(tmp_path, "one")
    path = saver.write(project, Path("/somewhere/orig.tokentco"))
    assert load_project(path) == project
    assert saver.lock.held and saver.lock.path.exists()
    mtime = path.stat().st_mtime_ns
    assert saver.write(project, None) == path and path.stat().st_mtime_ns == mtime
    edited = project.model_copy(update={"name": "edited"})
    assert load_project(saver.write(edited, None)) == edited
    saver.discard()
    assert not path.exists() and not saver.lock.path.exists()


def test_only_crashed_sessions_are_offered(project: Project, tmp_path: Path) -> None:
    running = Autosaver(tmp_path, "running")
    running.write(project, None)
    crashed = Autosaver(tmp_path, "crashed")
    crashed.write(project, Path("orig.tokentco"))
    # a crash: the lock names a process that has exited
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    crashed.lock.path.write_text(f"{dead.stdout.strip()}\n{socket.gethostname()}\n")
    fresh = Autosaver(tmp_path, "fresh")
    orphans = fresh.orphans()
    assert [o.path for o in orphans] == [crashed.path]
    assert orphans[0].original == "orig.tokentco" and orphans[0].load() == project
    orphans[0].delete()
    assert fresh.orphans() == []
    assert running.path.exists()


def test_a_live_lock_is_not_taken(tmp_path: Path) -> None:
    lock = SessionLock(tmp_path / "x.lock")
    lock.path.write_text(f"{os.getppid()}\n{socket.gethostname()}\n")  # our parent is alive
    assert not lock.is_stale() and not lock.try_acquire()
    lock.path.write_text(f"{os.getpid()}\n{socket.gethostname()}\n")  # another window of ours
    assert not lock.try_acquire()
    lock.path.write_text("garbage")
    assert lock.try_acquire() and lock.owner() == (os.getpid(), socket.gethostname())
    lock.release()
    assert not lock.path.exists()

"""Autosave and crash recovery without Qt: running sessions are never offered."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tokentco.app.autosave import Autosaver
from tokentco.domain import Project
from tokentco.io.project_file import load_project
from tokentco.io.project_lock import ProjectLocked, holder


def test_autosave_round_trip_and_clean_close(project: Project, tmp_path: Path) -> None:
    saver = Autosaver(tmp_path, "one")
    path = saver.write(project, Path("/somewhere/orig.tokentco"))
    assert load_project(path) == project
    assert saver.lock is not None and saver.lock.held and holder(path) is not None
    mtime = path.stat().st_mtime_ns
    assert saver.write(project, None) == path and path.stat().st_mtime_ns == mtime
    edited = project.model_copy(update={"name": "edited"})
    assert load_project(saver.write(edited, None)) == edited
    lock_file = saver.lock.path
    saver.discard()
    assert not path.exists() and not lock_file.exists() and holder(path) is None


def test_only_crashed_sessions_are_offered(project: Project, tmp_path: Path) -> None:
    running = Autosaver(tmp_path, "running")
    running.write(project, None)
    # a crash: the autosave stays, the lock went with the process (its OS lock is gone;
    # a leftover lock file of a dead process is broken by io.project_lock)
    crashed = Autosaver(tmp_path, "crashed")
    crashed.write(project, Path("orig.tokentco"))
    assert crashed.lock is not None
    crashed.lock.release()
    fresh = Autosaver(tmp_path, "fresh")
    orphans = fresh.orphans()
    assert [o.path for o in orphans] == [crashed.path]
    assert orphans[0].original == "orig.tokentco" and orphans[0].load() == project
    claim = orphans[0].claim()  # while one window asks, no other window offers it
    assert Autosaver(tmp_path, "third").orphans() == []
    with pytest.raises(ProjectLocked):
        orphans[0].claim()
    claim.release()
    orphans[0].delete()
    assert fresh.orphans() == []
    assert running.path.exists() and holder(running.path) is not None


def test_a_crashed_sessions_lock_file_does_not_hide_its_autosave(
    project: Project, tmp_path: Path
) -> None:
    crashed = Autosaver(tmp_path, "crashed")
    crashed.write(project, None)
    assert crashed.lock is not None
    lock_file = crashed.lock.path
    text = lock_file.read_bytes()
    crashed.lock.release()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    # the lock file left behind names a process that has exited
    lock_file.write_bytes(text.replace(str(os.getpid()).encode(), dead.stdout.strip().encode()))
    assert [o.path for o in Autosaver(tmp_path, "fresh").orphans()] == [crashed.path]

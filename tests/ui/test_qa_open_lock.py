"""QA defect: a project opened from the command line is opened like File ▸ Open — its
lock is held while the window has it, and a file another writer holds is refused."""

import subprocess
import sys
from pathlib import Path

from tokentco.domain import Project
from tokentco.io.project_file import save_project
from tokentco.io.project_lock import acquire, lock_path_for
from tokentco.ui.app import build_window

ROOT = Path(__file__).resolve().parents[2]


def test_command_line_open_holds_the_lock(qtbot, app, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "S.tokentco"
    save_project(project, path)
    window, error = build_window(str(path), persist=False)
    qtbot.addWidget(window)
    assert error == ""
    assert window.doc.path == path
    assert lock_path_for(path).exists()
    # `tokentco import` refuses to write it meanwhile: one located line, exit 2
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tokentco",
            "import",
            str(ROOT / "samples" / "cloud_price_list.csv"),
            "--project",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "is open in" in done.stderr and "Traceback" not in done.stderr
    window.close()  # closing the window lets others write it
    assert not lock_path_for(path).exists()


def test_command_line_open_of_a_locked_file_says_who_holds_it(
    qtbot, app, project: Project, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "S.tokentco"
    save_project(project, path)
    holder = acquire(path)
    try:
        window, error = build_window(str(path), persist=False)
        qtbot.addWidget(window)
        assert "is open in" in error and str(path) in error
        assert window.doc.path is None  # the default comparison instead
        assert window.doc.session.lock is None
    finally:
        holder.release()

"""Save, reopen, corrupt files, autosave + crash recovery, recent files, the screenshot CLI."""

import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from tests.ui.conftest import computed

from tokentco.io.project_file import load_project
from tokentco.io.project_lock import holder
from tokentco.ui import settings


def test_save_and_reopen(make_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.knobs.isl.setValue(3000)
    window.knobs.utilization.slider.setValue(55)
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    assert window.isWindowModified()
    path = tmp_path / "r1.tokentco"
    assert window.save_to(path)
    assert not window.isWindowModified()
    assert load_project(path) == window.doc.project
    assert str(path.resolve()) in settings.recent_files()
    saved = window.doc.project
    other = make_window()
    # while the first window has it open, the file is locked: a message, nothing changes
    before = other.doc.project
    assert not other.open_path(path)
    assert "is open in TokenTCO" in other.last_error and other.doc.project == before
    window.close()  # releases the lock
    assert other.open_path(path)
    qtbot.waitUntil(lambda: computed(other), timeout=10000)
    assert other.doc.project == saved
    assert other.knobs.isl.value() == 3000
    assert other.knobs.utilization.value() == 55
    assert other.doc.path == path
    assert "r1.tokentco" in other.windowTitle()
    assert other.doc.undo_stack.count() == 0


def test_saving_over_a_file_changed_on_disk_asks_first(make_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tokentco.io.project_file import save_project

    window = make_window()
    path = tmp_path / "shared.tokentco"
    assert window.save_to(path)
    theirs = window.doc.project.model_copy(update={"name": "edited by a colleague"})
    save_project(theirs, path)  # a sync client brings someone else's version
    window.knobs.osl.setValue(1500)
    asked: list[str] = []

    def refuse(problem: str) -> QMessageBox.StandardButton:
        asked.append(problem)
        return QMessageBox.StandardButton.Cancel

    window.ask_overwrite_changed = refuse  # type: ignore[method-assign]
    assert not window.save_to(path)
    assert asked and "changed on disk" in asked[0] and str(path) in asked[0]
    assert load_project(path) == theirs and window.isWindowModified()
    window.ask_overwrite_changed = lambda _p: QMessageBox.StandardButton.Save  # type: ignore[method-assign]
    assert window.save_to(path)
    assert load_project(path).workload.osl_tokens == 1500
    assert not window.isWindowModified()


def test_corrupt_project_shows_a_message_and_keeps_the_work(make_window, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.knobs.osl.setValue(777)
    before = window.doc.project
    bad = tmp_path / "broken.tokentco"
    bad.write_text('{"format": "tokentco-project", "schema_version": 1, "project": {"options": 5}}')
    assert not window.open_path(bad, ask=False)
    assert "broken.tokentco" in window.last_error
    assert "unchanged" in window.last_error
    assert window.doc.project == before  # nothing lost
    garbage = tmp_path / "garbage.tokentco"
    garbage.write_bytes(b"\x00\x01 not json")
    assert not window.open_path(garbage, ask=False)
    assert "not a TokenTCO project" in window.last_error
    window.knobs.osl.setValue(900)  # still alive and computing
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    assert window.doc.project.workload.osl_tokens == 900


def test_autosave_and_crash_recovery(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    crashed = make_window()
    crashed.knobs.isl.setValue(5555)
    qtbot.waitUntil(lambda: computed(crashed), timeout=10000)
    autosaved = crashed.autosave()
    assert autosaved is not None and autosaved.exists()
    assert load_project(autosaved) == crashed.doc.project
    assert autosaved.parent == settings.autosave_dir()
    # simulate a crash: the session's lock goes away with the process, the autosave stays
    assert crashed.files.autosaver.lock is not None
    crashed.files.autosaver.lock.release()
    crashed.persist = False  # its close must not tidy up, as a crash would not
    unsaved = crashed.doc.project

    fresh = make_window()
    asked = []

    def ask(when: str, original: str) -> QMessageBox.StandardButton:
        asked.append(when)
        return QMessageBox.StandardButton.Yes

    fresh.ask_recovery = ask  # type: ignore[method-assign]
    assert fresh.offer_recovery()
    assert asked
    assert fresh.doc.project == unsaved
    assert fresh.doc.dirty  # recovered work is not yet saved anywhere
    assert not autosaved.exists()  # offered once, then removed
    qtbot.waitUntil(lambda: computed(fresh), timeout=10000)
    assert fresh.knobs.isl.value() == 5555


def test_running_sessions_are_not_offered_for_recovery(make_window) -> None:  # type: ignore[no-untyped-def]
    running = make_window()
    running.knobs.isl.setValue(4444)
    path = running.autosave()
    assert path is not None
    other = make_window()
    other.ask_recovery = lambda *_: QMessageBox.StandardButton.Yes  # type: ignore[method-assign]
    assert not other.offer_recovery()
    assert path.exists()
    assert holder(path) is not None  # still held by the running window


def test_clean_close_removes_the_autosave(make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.knobs.isl.setValue(1234)
    path = window.autosave()
    assert path is not None and path.exists()
    window.close()  # ask_save_changes answers Discard in tests
    assert not path.exists()


def test_window_layout_is_remembered(make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.details_dock.hide()
    window.tabs.setCurrentIndex(1)
    window.close()
    again = make_window()
    assert not again.details_dock.isVisible()
    assert again.tabs.currentIndex() == 1
    again.reset_layout()
    assert again.details_dock.isVisible()


def test_screenshot_cli(tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    sample = (
        Path(__file__).resolve().parents[2] / "samples" / "deepseek-r1-owned-vs-rented.tokentco"
    )
    args = [sys.executable, "-m", "tokentco", "--screenshot", str(out)]
    if sample.exists():
        args.append(str(sample))
    env = {"QT_QPA_PLATFORM": "offscreen", "TOKENTCO_DATA_DIR": str(tmp_path / "data")}
    import os

    result = subprocess.run(
        args, capture_output=True, text=True, timeout=120, env={**os.environ, **env}
    )
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 50_000  # a real picture of the window, not an empty frame


def test_screenshot_cli_bad_project_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tokentco"
    bad.write_text("nope")
    out = tmp_path / "shot.png"
    import os

    result = subprocess.run(
        [sys.executable, "-m", "tokentco", "--screenshot", str(out), str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 2
    assert "bad.tokentco" in result.stderr and "Traceback" not in result.stderr


def test_export_scorecard_report_and_preview(make_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    workbook = tmp_path / "committee.xlsx"
    window.export_scorecard(workbook)
    qtbot.waitUntil(lambda: window.ops.is_idle() and workbook.exists(), timeout=30000)
    assert workbook.read_bytes()[:2] == b"PK"  # an xlsx (zip) file
    pdf = tmp_path / "report.pdf"
    assert window.export_report(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    window.print_preview()
    dialog = window.preview_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=10000)
    assert window.doc.project.name in dialog.windowTitle()
    dialog.close()


def test_save_import_template_from_the_menu(make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """File ▸ Save import template writes the same workbook the CLI does, and it imports."""
    from openpyxl import load_workbook

    from tokentco.domain import ExchangeRates
    from tokentco.io.importer import import_files

    window = make_window()
    assert "Save import template…" in [
        a.text().replace("&", "") for a in window.menuBar().actions()[0].menu().actions()
    ]
    path = tmp_path / "offers.xlsx"
    assert window.save_template("offers", path)
    headers = [c.value for c in load_workbook(path).worksheets[0][1] if c.value]
    assert any("price" in str(h).lower() for h in headers)
    result = import_files([path], ExchangeRates())  # the example row imports cleanly
    assert result.rows_loaded == 1 and not result.problems


def test_macos_file_open_event_opens_the_project(make_window, app, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A double-clicked .tokentco reaches the app as a QFileOpenEvent (macOS), not argv."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QFileOpenEvent

    from tokentco.io.project_file import save_project
    from tokentco.ui.fileopen import FileOpenRouter

    window = make_window()
    wanted = window.doc.project.model_copy(
        update={
            "name": "Opened by the Finder",
            "workload": window.doc.project.workload.model_copy(update={"isl_tokens": 7168}),
        }
    )
    path = tmp_path / "finder.tokentco"
    save_project(wanted, path)
    router = FileOpenRouter(app)
    try:
        early = tmp_path / "early.tokentco"  # arrives before the window is attached
        save_project(wanted.model_copy(update={"name": "Early"}), early)
        QCoreApplication.sendEvent(app, QFileOpenEvent(str(early)))
        assert router.pending == [early]
        router.attach(window)
        assert window.doc.path == early
        assert window.doc.project.name == "Early"

        QCoreApplication.postEvent(app, QFileOpenEvent(str(path)))
        qtbot.waitUntil(lambda: window.doc.path == path, timeout=5000)
        qtbot.waitUntil(lambda: computed(window), timeout=10000)
        assert window.doc.project == load_project(path)
        assert window.knobs.isl.value() == 7168
        assert window.comparison_project.workload.isl_tokens == 7168

        messages: list[str] = []
        window.notify = lambda title, text: messages.append(text)  # type: ignore[method-assign]
        sheet = tmp_path / "prices.xlsx"
        sheet.write_bytes(b"not a project")
        QCoreApplication.postEvent(app, QFileOpenEvent(str(sheet)))
        qtbot.waitUntil(lambda: bool(messages), timeout=5000)
        assert "not a TokenTCO project" in messages[0]
        assert window.doc.path == path
    finally:
        app.removeEventFilter(router)
        router.deleteLater()

"""The Qt-light building blocks: field paths, the background helper, the undo document."""

import threading

import pytest

from tokentco.app.fieldpath import FieldError, get_path, set_path
from tokentco.domain import Project, ServingOptions
from tokentco.ui.background import BackgroundOps
from tokentco.ui.document import ProjectDocument


def test_set_path_validates_and_rebuilds_parents(project: Project) -> None:
    new = set_path(project, "serving.speculative.acceptance_rate", 0.9)
    assert new.serving.speculative.acceptance_rate == 0.9
    assert project.serving.speculative.acceptance_rate != 0.9  # the original is untouched
    assert get_path(new, "workload") is project.workload  # unchanged parts are shared
    with pytest.raises(FieldError) as info:
        set_path(project, "serving.utilization", 1.5)
    assert "less than or equal to 1" in str(info.value)
    assert "\n" not in str(info.value)


def test_background_coalesces_to_the_latest(qtbot) -> None:  # type: ignore[no-untyped-def]
    ops = BackgroundOps(live_interval_s=10.0)
    gate = threading.Event()
    computed: list[int] = []
    shown: list[int] = []

    def job(n: int):  # type: ignore[no-untyped-def]
        # job 0 blocks until every other request has been queued behind it
        def run() -> int:
            if n == 0:
                gate.wait(5)
            computed.append(n)
            return n

        return run

    ops.submit_latest("c", lambda: -1, shown.append, pytest.fail)  # something is on screen
    qtbot.waitUntil(ops.is_idle, timeout=5000)
    for n in range(6):
        ops.submit_latest("c", job(n), shown.append, pytest.fail)
    gate.set()
    qtbot.waitUntil(ops.is_idle, timeout=5000)
    assert computed == [0, 5]  # 1..4 were replaced before they started
    assert shown == [-1, 5]  # the stale result of job 0 was dropped
    assert ops.dropped >= 4


def test_background_reports_failures_and_progress(qtbot) -> None:  # type: ignore[no-untyped-def]
    ops = BackgroundOps()
    errors: list[str] = []
    ops.submit_latest("c", lambda: 1 / 0, pytest.fail, errors.append)
    progress: list[float] = []
    results: list[str] = []

    def work(report, cancelled):  # type: ignore[no-untyped-def]
        for i in range(3):
            report((i + 1) / 3, f"step {i}")
        return "done"

    ops.run(work, results.append, errors.append, lambda f, _m: progress.append(f))
    qtbot.waitUntil(lambda: ops.is_idle() and bool(results), timeout=5000)
    assert errors and errors[0].startswith("ZeroDivisionError")
    assert results == ["done"]
    assert progress[-1] == pytest.approx(1.0)


def test_document_undo_covers_option_scoped_edits(qapp, catalogue, project: Project) -> None:  # type: ignore[no-untyped-def]
    doc = ProjectDocument(catalogue, project)
    option = next(o for o in project.options if o.serving is None)
    doc.set_field("serving.utilization", 0.4, option_id=option.id)
    assert doc.project.option(option.id).serving == ServingOptions.model_validate(
        {**dict(project.serving), "utilization": 0.4}
    )
    assert doc.project.serving == project.serving
    doc.undo_stack.undo()
    assert doc.project == project


def test_qt_void_calls_keep_none_alive(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Regression guard for the PySide6 6.12 / CPython 3.11 bug (void calls dropping a
    reference to None), the reason PySide6 is pinned below 6.12."""
    import sys

    from PySide6.QtGui import QColor, QImage, QPainter

    image = QImage(32, 32, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    before = sys.getrefcount(None)
    for _ in range(2000):
        painter.setPen(QColor("red"))
        painter.drawLine(0, 0, 10, 10)
    after = sys.getrefcount(None)
    painter.end()
    assert after >= before - 50, f"None lost {before - after} references"


def test_garbage_is_collected_on_the_gui_thread_only(make_window) -> None:  # type: ignore[no-untyped-def]
    """Workers must never run the cyclic GC (it can destroy Qt objects off the GUI thread)."""
    import gc

    make_window()
    assert not gc.isenabled()

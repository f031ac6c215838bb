"""The Qt-light building blocks: field paths, the background helper, the undo document."""

import threading

import pytest

from tokentco.app.fieldpath import FieldError, get_path, set_path
from tokentco.domain import Project, ServingOptions
from tokentco.io.errors import InputError, Location
from tokentco.ui.background import BackgroundOps, Cancelled, Progress, describe_exception
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
    errors: list[Exception] = []
    ops.submit_latest("c", lambda: 1 / 0, pytest.fail, errors.append)
    progress: list[float] = []
    results: list[str] = []

    def work(report: Progress, cancelled: Cancelled) -> str:
        for i in range(3):
            report((i + 1) / 3, f"step {i}")
        return "done"

    ops.run(work, results.append, errors.append, lambda f, _m: progress.append(f))
    qtbot.waitUntil(lambda: ops.is_idle() and bool(results), timeout=5000)
    assert len(errors) == 1 and isinstance(errors[0], ZeroDivisionError)
    assert describe_exception(errors[0]).startswith("ZeroDivisionError")
    assert results == ["done"]
    assert progress[-1] == pytest.approx(1.0)


def test_a_located_input_error_reaches_the_failure_callback_intact(qtbot) -> None:  # type: ignore[no-untyped-def]
    ops = BackgroundOps()
    errors: list[Exception] = []
    where = Location(file="offers.xlsx", sheet="Quotes", row=7, column="Price")

    def bad(_report: Progress, _cancelled: Cancelled) -> int:
        raise InputError("expected a number, got 'n/a'", where)

    ops.run(bad, pytest.fail, errors.append)
    qtbot.waitUntil(ops.is_idle, timeout=5000)
    (exc,) = errors
    assert isinstance(exc, InputError) and exc.location == where
    assert describe_exception(exc) == str(exc)  # no type prefix on a sentence for the user


def test_none_is_a_result_and_base_exceptions_are_not_swallowed(qtbot) -> None:  # type: ignore[no-untyped-def]
    class Abort(BaseException):
        pass

    ops = BackgroundOps()
    done: list[object] = []
    ops.submit_latest("n", lambda: None, done.append, pytest.fail)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert done == [None]

    def abort() -> int:
        raise Abort

    called: list[object] = []
    with qtbot.capture_exceptions() as raised:
        ops.submit_latest("a", abort, called.append, called.append)
        qtbot.waitUntil(ops.is_idle, timeout=5000)  # bookkeeping tidied, nothing stuck
        qtbot.wait(50)
    assert called == []  # neither callback: a BaseException is not a failure to report
    assert not ops.is_busy("a")
    assert [type(info[1]) for info in raised] == [Abort]  # re-raised, not swallowed


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


def test_the_qt_undo_stack_mirrors_the_session_history(qapp, catalogue, project: Project) -> None:  # type: ignore[no-untyped-def]
    """Random drags, edits, undos, redos and saves: QUndoStack and the Qt-free history stay
    one for one (index, count, clean mark, the project on screen)."""
    import random
    from pathlib import Path

    rng = random.Random(11)
    doc = ProjectDocument(catalogue, project)
    stack, history = doc.undo_stack, doc.session.history
    seen: list[Project] = []
    doc.projectChanged.connect(seen.append)
    for step in range(300):
        move = rng.random()
        if move < 0.45:
            path, value = rng.choice(
                [
                    ("serving.utilization", rng.choice([0.3, 0.4, 0.5, 0.6, 0.7])),
                    ("workload.isl_tokens", rng.choice([512, 1024, 2048, 4096])),
                    ("demand.term_years", rng.choice([1.0, 2.0, 3.0])),
                ]
            )
            doc.set_field(path, value)
        elif move < 0.6:
            doc.close_merge()
        elif move < 0.75:
            stack.undo()
        elif move < 0.9:
            stack.redo()
        elif move < 0.95:
            doc.mark_saved(Path(f"/tmp/never-written-{step}.tokentco"))
        else:
            doc.use_project_serving_for_all()
        assert stack.index() == history.index, step
        assert stack.count() == len(history.steps), step
        assert stack.isClean() == (not doc.dirty), step
        if seen:
            assert seen[-1] is doc.project
    while stack.canUndo():
        stack.undo()
    assert doc.project == project

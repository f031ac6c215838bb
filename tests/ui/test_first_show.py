"""A new window is shown with its first comparison already delivered (ui/app.py
``await_first_comparison``): its first paint is the comparison, not empty charts; a project
whose first comparison takes longer is shown at once, computing."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

from tokentco.ui.app import await_first_comparison, build_window, wait_for_first_paint


def test_window_is_built_with_its_first_comparison(qtbot: Any) -> None:
    window, error = build_window(None, persist=False)
    qtbot.addWidget(window)
    assert error == ""
    assert not window.isVisible()  # nothing was painted while it waited
    assert window.comparison is not None
    assert window.comparison_project == window.doc.project
    assert window.results_model.rowCount() == len(window.doc.project.options)
    window.show()
    assert wait_for_first_paint(window, tornado=False)
    window.close()


def test_no_wait_past_the_limit(qtbot: Any) -> None:
    window, _ = build_window(None, persist=False)
    qtbot.addWidget(window)
    window.comparison = None
    window.recompute()
    assert await_first_comparison(window, limit_s=0.0) is False  # shown "Computing…"
    assert await_first_comparison(window, limit_s=30.0) is True
    window.close()


def test_first_comparison_is_queued_before_the_widgets(qtbot: Any, monkeypatch: Any) -> None:
    """The first comparison is submitted before the charts are built (so that it computes
    on a free core meanwhile), exactly once, and is delivered into the built window."""
    from tokentco.ui.mainwindow import MainWindow

    seen: list[bool] = []
    build = MainWindow._build_central

    def recording(self: Any) -> None:
        seen.append("comparison" in self.ops._channels)
        build(self)

    window, calls = _built_with(qtbot, monkeypatch, recording)
    assert seen == [True]
    assert calls == 1  # not queued a second time at the end of __init__
    assert window.comparison is not None
    assert window.comparison_project == window.doc.project
    assert window.results_model.rowCount() == len(window.doc.project.options)
    window.close()


def test_a_selection_made_while_building_is_recomputed(qtbot: Any, monkeypatch: Any) -> None:
    """If what was queued first is no longer the document's state once the window is built,
    the window queues the current state again."""
    from tokentco.ui.mainwindow import MainWindow

    build = MainWindow._build_central

    def selecting(self: Any) -> None:
        build(self)
        others = [o.id for o in self.doc.project.options if o.id != self.doc.selected_option_id]
        assert self.doc.session.select_option(others[0])

    window, calls = _built_with(qtbot, monkeypatch, selecting)
    assert calls == 2
    assert wait_for_first_paint(window, tornado=False)
    assert window.comparison_project == window.doc.project
    window.close()


def _built_with(qtbot: Any, monkeypatch: Any, build_central: Any) -> tuple[Any, int]:
    """A window built with ``build_central`` in place of ``_build_central``, and how many
    times it queued a comparison while it was built."""
    from tokentco.ui.mainwindow import MainWindow

    calls: list[int] = []
    recompute = MainWindow.recompute
    monkeypatch.setattr(MainWindow, "_build_central", build_central)

    def counted(self: Any) -> None:
        calls.append(1)
        recompute(self)

    monkeypatch.setattr(MainWindow, "recompute", counted)
    window, _ = build_window(None, persist=False)
    qtbot.addWidget(window)
    return window, len(calls)

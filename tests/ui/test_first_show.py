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

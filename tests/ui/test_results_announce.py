"""The results table announces only the cells that changed: a cell whose text or sort key
changed for every role, one whose tooltip alone changed for the tooltip role, which the
results views do not repaint (a tooltip changes no pixel)."""

from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from tests.ui.conftest import EventCounter

from tokentco.domain import Catalogue, Project
from tokentco.engine.evaluate import evaluate
from tokentco.ui.frozen_table import TipAwareTable
from tokentco.ui.tables import SORT_ROLE, Changes, ResultsModel

TIP = Qt.ItemDataRole.ToolTipRole
SHOWN = (Qt.ItemDataRole.DisplayRole, SORT_ROLE, Qt.ItemDataRole.FontRole)


def _longer_input(project: Project) -> Project:
    return project.model_copy(
        update={"workload": project.workload.model_copy(update={"isl_tokens": 4096})}
    )


def _snapshot(
    model: ResultsModel, roles: tuple[Any, ...]
) -> dict[tuple[int, int], tuple[Any, ...]]:
    return {
        (row, column): tuple(model.index(row, column).data(role) for role in roles)
        for row in range(model.rowCount())
        for column in range(model.columnCount())
    }


def _covered(announced: list[tuple[int, int, int, int]], cell: tuple[int, int]) -> bool:
    row, column = cell
    return any(t <= row <= b and left <= column <= right for t, left, b, right in announced)


def test_an_input_length_move_announces_the_changed_cells_only(
    app: Any, catalogue: Catalogue, project: Project
) -> None:
    model = ResultsModel()
    colours = {o.id: i for i, o in enumerate(project.options)}
    model.set_comparison(evaluate(project, catalogue), colours)
    shown_before, tips_before = _snapshot(model, SHOWN), _snapshot(model, (TIP,))
    everything: list[tuple[int, int, int, int]] = []
    tips_only: list[tuple[int, int, int, int]] = []

    def note(top_left: Any, bottom_right: Any, roles: Any = ()) -> None:
        rect = (top_left.row(), top_left.column(), bottom_right.row(), bottom_right.column())
        (tips_only if list(roles) == [TIP] else everything).append(rect)

    model.dataChanged.connect(note)
    model.set_comparison(evaluate(_longer_input(project), catalogue), colours)
    shown_after, tips_after = _snapshot(model, SHOWN), _snapshot(model, (TIP,))

    shown = {cell for cell in shown_after if shown_after[cell] != shown_before[cell]}
    tips = {cell for cell in tips_after if tips_after[cell] != tips_before[cell]} - shown
    assert shown and tips  # the move changes figures, and tooltips of unchanged texts
    assert all(_covered(everything, cell) for cell in shown)
    assert all(_covered(tips_only, cell) or _covered(everything, cell) for cell in tips)
    # a column none of whose texts or sort keys changed is not repainted
    still = {c for c in range(model.columnCount())} - {column for _, column in shown}
    assert still
    assert not any(_covered(everything, (row, c)) for c in still for row in range(model.rowCount()))
    assert len(everything) + len(tips_only) < model.columnCount()  # a few rectangles


def test_neighbouring_columns_with_the_same_rows_share_one_rectangle(app: Any) -> None:
    """A restyled row (a new cheapest: every cell of it changed) is one signal."""
    model = ResultsModel()
    seen: list[tuple[int, int, int, int]] = []
    model.setRowCount(3)
    model.dataChanged.connect(
        lambda a, b, roles=(): seen.append((a.row(), a.column(), b.row(), b.column()))
    )
    columns = model.columnCount()
    shown: list[list[int]] = [[1] for _ in range(columns)]
    tips: list[list[int]] = [[] for _ in range(columns)]
    tips[2] = [0, 2]
    model._announce(Changes(shown, tips))
    assert seen == [(1, 0, 1, columns - 1), (0, 2, 2, 2)]


@pytest.mark.parametrize(("roles", "repaints"), [([TIP], False), ([], True)])
def test_the_results_view_repaints_for_what_shows_only(
    app: Any, qtbot: Any, roles: list[Any], repaints: bool
) -> None:
    model = QStandardItemModel(4, 3)
    for row in range(4):
        for column in range(3):
            model.setItem(row, column, QStandardItem(f"{row}, {column}"))
    view = TipAwareTable()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(400, 200)
    view.show()
    qtbot.waitExposed(view)
    app.processEvents()
    paints = EventCounter(QEvent.Type.Paint)
    view.viewport().installEventFilter(paints)
    blocked = model.blockSignals(True)
    model.item(1, 1).setToolTip("new tip")
    model.blockSignals(blocked)
    model.dataChanged.emit(model.index(1, 1), model.index(2, 2), roles)
    app.processEvents()
    assert (paints.count > 0) is repaints
    assert model.index(1, 1).data(TIP) == "new tip"  # read when the tooltip shows

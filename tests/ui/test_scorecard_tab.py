"""The Scorecard tab, driven like an analyst: weights, analyst criteria, rubrics, undo, files."""

import numpy as np
import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QAbstractSpinBox, QComboBox, QLineEdit, QWidget
from tests.ui.conftest import computed, expected

from tokentco.engine.scoring import score
from tokentco.io.project_file import load_project
from tokentco.io.scorecard_xlsx import write_scorecard
from tokentco.ui.scorecard import INPUT_TIPS, LOCK_IN_KEYS, ScorecardTab


def _open(window, qtbot) -> ScorecardTab:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentIndex(2)
    tab = window.scorecard
    _settle(window, qtbot)
    return tab


def _settle(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Results and the ranking describe exactly the project being edited."""
    qtbot.waitUntil(
        lambda: (
            computed(window)
            and window.scorecard.card_project == window.doc.project
            and window.scorecard.card_comparison is window.comparison
        ),
        timeout=15000,
    )


def _truth(window):  # type: ignore[no-untyped-def]
    return score(window.doc.project, expected(window))


def _shown_ranking(tab: ScorecardTab) -> list[tuple[str, str, str]]:
    """(rank, option label, total) as the ranking table shows them, top row first."""
    m = tab.ranking_model
    return [
        (m.index(r, 0).data(), m.index(r, 1).data().removeprefix("★ "), m.index(r, 2).data())
        for r in range(m.rowCount())
    ]


def _expected_ranking(card) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(f"{card.ranks[k]}", card.labels[k], f"{card.totals[k]:.1f}") for k in card.order]


def _edit(view, row: int, column: int, text: str, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Type into a cell like a user: select it, type, press Enter."""
    index = view.model().index(row, column)
    view.setFocus()
    view.setCurrentIndex(index)
    view.edit(index)
    editors = [
        w
        for w in view.viewport().findChildren(QWidget)
        if w.isVisible()
        and w.parent() is view.viewport()
        and isinstance(w, QLineEdit | QAbstractSpinBox | QComboBox)
    ]
    assert len(editors) == 1, editors
    editor = editors[0]
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # the delegate commits on Return through a queued call
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState, timeout=2000)


def test_weight_change_moves_totals_as_the_engine_predicts(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    tab = _open(window, qtbot)
    assert _shown_ranking(tab) == _expected_ranking(_truth(window))
    assert tab.sentence.text() == _truth(window).sentence
    before = tab.card.totals.copy()
    row = [c.id for c in window.doc.project.criteria].index("lead_time")
    _edit(tab.criteria_view, row, 3, "45", qtbot)
    assert window.doc.project.criteria[row].weight_pct == 45
    _settle(window, qtbot)
    truth = _truth(window)
    assert not np.allclose(tab.card.totals, before)
    assert _shown_ranking(tab) == _expected_ranking(truth)
    assert tab.sentence.text() == truth.sentence
    # the winner row is highlighted
    top = tab.ranking_model.index(0, 1)
    assert top.data().startswith("★ ")
    assert top.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert tab.ranking_model.index(1, 1).data(Qt.ItemDataRole.BackgroundRole) is None


def test_weights_not_100_show_a_warning_and_normalise_fixes_it(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    tab = _open(window, qtbot)
    assert tab.weights_ok and "add up to 100 %" in tab.weights_label.text()
    assert "⚠" not in tab.weights_label.text()
    _edit(tab.criteria_view, 0, 3, "50", qtbot)  # 35 → 50: sum 115
    assert not tab.weights_ok
    assert "⚠" in tab.weights_label.text() and "115 %" in tab.weights_label.text()
    assert tab.normalise_button.isEnabled()
    qtbot.mouseClick(tab.normalise_button, Qt.MouseButton.LeftButton)
    weights = [c.weight_pct for c in window.doc.project.criteria]
    assert sum(weights) == pytest.approx(100.0, abs=1e-9)
    assert weights[0] == pytest.approx(50 / 1.15, abs=0.05)
    assert tab.weights_ok and "⚠" not in tab.weights_label.text()


def test_bad_weight_is_rejected_inline_with_the_reason(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    tab = _open(window, qtbot)
    project = window.doc.project
    model = tab.criteria_model
    for bad in ("abc", "150", "-3", ""):
        assert not model.setData(model.index(0, 3), bad)
        assert window.doc.project == project
        tip = model.index(0, 3).data(Qt.ItemDataRole.ToolTipRole)
        assert tip.startswith("Not accepted")
        assert "Not accepted" in window.last_message
    assert "not a number" in str(
        model.setData(model.index(0, 3), "abc") or model.errors[("usd_per_mtok", "weight_pct")]
    )
    assert not model.setData(model.index(0, 0), "   ")  # a criterion needs a name
    # a good value clears the mark
    assert model.setData(model.index(0, 3), "30")
    assert model.index(0, 3).data(Qt.ItemDataRole.ToolTipRole) is None
    # the per-option inputs reject bad numbers the same way
    inputs = tab.inputs_model
    lead = inputs.column_of("lead_time")
    assert not inputs.setData(inputs.index(0, lead), "soon")
    assert not inputs.setData(inputs.index(0, lead), "-2")
    software = inputs.column_of("software")
    assert not inputs.setData(inputs.index(0, software), "7")
    assert not inputs.setData(inputs.index(0, software), "2.5")
    assert "software" in inputs.index(0, software).data(Qt.ItemDataRole.ToolTipRole)


def test_analyst_criterion_with_values_per_option_is_scored(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    tab = _open(window, qtbot)
    dialog = tab.open_add_dialog()
    qtbot.keyClicks(dialog.name, "Support quality")
    qtbot.keyClicks(dialog.unit, "days")
    dialog.direction.setCurrentIndex(dialog.direction.findData("lower"))
    dialog.weight.setValue(20)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    criterion = window.doc.project.criteria[-1]
    assert (criterion.name, criterion.unit, criterion.metric) == ("Support quality", "days", "")
    assert criterion.weight_pct == 20
    column = tab.inputs_model.column_of(f"manual:{criterion.id}")
    assert "Support quality" in tab.inputs_model.headerData(
        column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    ids = [o.id for o in window.doc.project.options]
    days = [5, 1, 30, 3, 10][: len(ids)]
    for row, value in enumerate(days):
        _edit(tab.inputs_view, row, column, str(value), qtbot)
    assert [o.manual_values[criterion.id] for o in window.doc.project.options] == days
    _settle(window, qtbot)
    truth = _truth(window)
    i = [c.id for c in truth.criteria].index(criterion.id)
    assert list(truth.values[i]) == pytest.approx(days)
    assert truth.scores[i][ids.index(ids[days.index(min(days))])] == 100
    assert [c.id for c in tab.card.criteria] == [c.id for c in truth.criteria]
    assert _shown_ranking(tab) == _expected_ranking(truth)
    # the criterion has a score column in the ranking table
    headers = [
        tab.ranking_model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(tab.ranking_model.columnCount())
    ]
    assert "Support quality" in headers
    # removing it drops its column and its values
    tab.criteria_view.selectRow(len(window.doc.project.criteria) - 1)
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    assert criterion.id not in [c.id for c in window.doc.project.criteria]
    assert all(criterion.id not in o.manual_values for o in window.doc.project.options)
    window.doc.undo_stack.undo()
    assert window.doc.project.criteria[-1] == criterion


def test_lock_in_sub_score_updates_average_and_ranking(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    tab = _open(window, qtbot)
    inputs = tab.inputs_model
    card = tab.card
    winner = card.winner_id
    row = [o.id for o in window.doc.project.options].index(winner)
    lock_in = window.doc.project.options[row].lock_in
    assert inputs.index(row, inputs.column_of("lock_in")).data() == f"{lock_in.score:.2f}"
    # the rubric text from docs/scorecard.md is the tooltip
    software = inputs.column_of("software")
    tip = inputs.headerData(software, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "Software portability" in tip and "1 = open standards" in tip
    # worded once in present.names, so the tab asks what the workbook and the report ask
    from tokentco.present.names import LOCK_IN_QUESTIONS

    question = next(q for key, _, q in LOCK_IN_QUESTIONS if key == "interconnect")
    assert "scale-up fabric" in question and question in INPUT_TIPS["interconnect"]
    before = card.total_of(winner)
    changed = sum(getattr(lock_in, key) != 5 for key in LOCK_IN_KEYS)
    for key in LOCK_IN_KEYS:
        _edit(tab.inputs_view, row, inputs.column_of(key), "5", qtbot)
    assert window.doc.project.options[row].lock_in.score == 5.0
    assert inputs.index(row, inputs.column_of("lock_in")).data() == "5.00"
    _settle(window, qtbot)
    truth = _truth(window)
    assert tab.card.total_of(winner) < before
    assert tab.card.total_of(winner) == pytest.approx(truth.total_of(winner))
    assert _shown_ranking(tab) == _expected_ranking(truth)
    assert window.doc.undo_stack.count() == changed  # one undo step per edit


def test_accuracy_validated_changes_the_accuracy_risk(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    tab = _open(window, qtbot)
    inputs = tab.inputs_model
    validated = inputs.column_of("validated")
    risk = inputs.column_of("accuracy_risk")
    row = next(
        r
        for r, o in enumerate(window.doc.project.options)
        if tab.card_comparison.by_id(o.id).accuracy_risk > 1
    )
    option_id = window.doc.project.options[row].id
    was = window.doc.project.options[row].accuracy_validated
    shown_before = inputs.index(row, risk).data()
    # tick the check box like a keyboard user would: focus the cell, press Space
    index = inputs.index(row, validated)
    tab.inputs_view.scrollTo(index)
    tab.inputs_view.setCurrentIndex(index)
    tab.inputs_view.setFocus()
    qtbot.keyClick(tab.inputs_view, Qt.Key.Key_Space)
    assert window.doc.project.option(option_id).accuracy_validated is (not was)
    _settle(window, qtbot)
    now = _truth(window)
    new_risk = expected(window).by_id(option_id).accuracy_risk
    assert inputs.index(row, risk).data() == str(new_risk) != shown_before
    assert int(shown_before) - new_risk == (1 if not was else -1)
    assert _shown_ranking(tab) == _expected_ranking(now)
    # evidence text is stored as typed
    _edit(tab.inputs_view, row, inputs.column_of("evidence"), "https://example.org/eval", qtbot)
    assert window.doc.project.option(option_id).accuracy_evidence == "https://example.org/eval"


def test_undo_redo_restores_scorecard_edits(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    tab = _open(window, qtbot)
    original = window.doc.project
    _edit(tab.criteria_view, 1, 3, "25", qtbot)
    _edit(tab.inputs_view, 0, tab.inputs_model.column_of("lead_time"), "8", qtbot)
    tab.add_criterion("Roadmap fit", "rubric 1-5", "lower", "rubric", 5)
    tab.reset_defaults()
    edited = window.doc.project
    assert window.doc.undo_stack.count() == 4
    for _ in range(4):
        window.act_undo.trigger()
    assert window.doc.project == original
    assert "⚠" not in tab.weights_label.text()
    _settle(window, qtbot)
    assert _shown_ranking(tab) == _expected_ranking(_truth(window))
    for _ in range(4):
        window.act_redo.trigger()
    assert window.doc.project == edited
    window.act_undo.trigger()  # before the reset: the analyst criterion and weight 25
    assert window.doc.project.criteria[1].weight_pct == 25
    assert window.doc.project.criteria[-1].name == "Roadmap fit"
    assert tab.inputs_model.columnCount() == tab.inputs_model.column_of("manual:roadmap_fit") + 1
    assert window.doc.project.options[0].lead_time_weeks == 8


def test_save_reopen_and_workbook_keep_criteria_and_rubrics(window, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    tab = _open(window, qtbot)
    cid = tab.add_criterion("Support quality", "days", "lower", "ratio", 10)
    assert cid
    inputs = tab.inputs_model
    for row in range(inputs.rowCount()):
        assert inputs.setData(inputs.index(row, inputs.column_of(f"manual:{cid}")), str(row + 2))
    assert inputs.setData(inputs.index(0, inputs.column_of("contract")), 5)
    assert inputs.setData(
        inputs.index(0, inputs.column_of("evidence")), "=HYPERLINK(evil) vendor report"
    )
    tab.normalise_weights()
    path = tmp_path / "rfp.tokentco"
    assert window.save_to(path)
    saved = window.doc.project
    reopened = load_project(path)
    assert reopened.criteria == saved.criteria
    assert [o.lock_in for o in reopened.options] == [o.lock_in for o in saved.options]
    assert [o.manual_values for o in reopened.options] == [o.manual_values for o in saved.options]
    assert reopened.options[0].accuracy_evidence == "=HYPERLINK(evil) vendor report"
    # reopening in the window shows the same criteria and rubric inputs
    tab.reset_defaults()
    assert window.open_path(path, ask=False)
    assert window.doc.project.criteria == saved.criteria
    assert inputs.index(0, inputs.column_of("contract")).data() == 5
    assert inputs.index(1, inputs.column_of(f"manual:{cid}")).data() == "3"
    # the exported workbook carries the analyst criterion and its values
    _settle(window, qtbot)
    out = write_scorecard(saved, window.comparison, tmp_path / "rfp.xlsx")
    book = openpyxl.load_workbook(out)
    cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert any("Support quality" in c for c in cells)

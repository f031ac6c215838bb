"""The Workload tab in the real main window, driven like a user: presets and typing build a
mix and a demand profile; the results table then shows the blend, the cost chart splits
each bar by class, Details words the mix, the agent's turns and the plan — each figure
checked against the engine called directly on the edited project — and every edit is
one undo step that restores the project before it."""

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit
from tests.ui.conftest import computed

from tokentco.domain import Project
from tokentco.engine.mix import blended_comparison
from tokentco.engine.plan import plan_capacity
from tokentco.present.mix_text import mix_lines, plan_lines, session_lines
from tokentco.ui.charts import fmt_money
from tokentco.ui.tables import RESULT_COLUMNS
from tokentco.ui.workload_tab import COLUMNS, WorkloadTab

USD_COLUMN = next(i for i, c in enumerate(RESULT_COLUMNS) if c.header == "$/Mtok")


def _settled(window: Any) -> bool:
    """The window computed the project being edited and every view shows it."""
    tab = window.workload._tab
    return computed(window) and (
        tab is None or (tab.project == window.doc.project and tab.summary.text() != "Planning…")
    )


def _open_tab(window: Any, qtbot: Any) -> WorkloadTab:
    """Click the Workload tab in the tab bar."""
    bar = window.tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == "Workload")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert window.tabs.currentIndex() == index
    tab: WorkloadTab = window.workload.tab
    assert tab.isVisible()
    return tab


def _type_into_cell(tab: WorkloadTab, qtbot: Any, row: int, field: str, text: str) -> None:
    """Select a cell, open its editor (F2) and type ``text`` then Enter."""
    column = next(i for i, (name, _) in enumerate(COLUMNS) if name == field)
    index = tab.model.index(row, column)
    tab.table.setFocus()
    tab.table.setCurrentIndex(index)
    qtbot.keyClick(tab.table, Qt.Key.Key_F2)
    # the open editor (a closed one lingers hidden until it is deleted)
    editors = [e for e in tab.table.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1, "F2 opens the cell editor"
    editor = editors[0]
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # the delegate commits and closes the editor in the next pass of the event loop
    qtbot.waitUntil(lambda: tab.table.state() != QAbstractItemView.State.EditingState)


def _type_into_spin(box: Any, qtbot: Any, text: str) -> None:
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def _row_of(window: Any, option_id: str) -> int:
    proxy = window.results_proxy
    for row in range(proxy.rowCount()):
        source = proxy.mapToSource(proxy.index(row, 0))
        if window.results_model.result(source.row()).option_id == option_id:
            return row
    raise AssertionError(f"{option_id} is not in the results table")


def test_mix_and_profile_built_in_the_workload_tab_reach_table_chart_and_details(
    make_window: Any, qtbot: Any, app: QApplication
) -> None:
    window = make_window()
    start = window.doc.project
    steps = window.doc.undo_stack.count()
    plain_header = window.results_model.horizontalHeaderItem(USD_COLUMN).text()
    assert plain_header == "$/Mtok" and window.cost_chart.class_names == ()

    tab = _open_tab(window, qtbot)
    history: list[Project] = [start]

    # presets: chat, rag, agentic — one undo step each, named after the class
    for preset in ("chat", "rag", "agentic"):
        tab.preset.setCurrentText(preset)
        qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
        assert window.doc.undo_stack.undoText() == f"Add workload class {preset}"
        history.append(window.doc.project)
    assert window.doc.undo_stack.count() == steps + 3
    assert [c.name for c in window.doc.project.workload_classes] == ["chat", "rag", "agentic"]

    # typing: chat takes 60 % of output tokens, the others make room
    _type_into_cell(tab, qtbot, 0, "share", "60")
    shares = [c.share for c in window.doc.project.workload_classes]
    assert shares[0] == pytest.approx(0.6) and sum(shares) == pytest.approx(1.0)
    assert window.doc.undo_stack.undoText() == "Edit workload mix"
    history.append(window.doc.project)

    # a rejected value changes nothing and is said in the status bar
    before = window.doc.project
    _type_into_cell(tab, qtbot, 1, "osl_tokens", "0")
    assert window.doc.project is before
    assert "OSL" in window.last_message

    # the profile: the business-hours preset picked with the keyboard, a typed peak
    tab.profile_preset.setFocus()
    while tab.profile_preset.currentText() != "business hours":
        qtbot.keyClick(tab.profile_preset, Qt.Key.Key_Down)
    assert window.doc.undo_stack.undoText() == "Add demand profile"
    history.append(window.doc.project)
    _type_into_spin(tab.peak, qtbot, "40000")
    profile = window.doc.project.demand_profile
    assert profile is not None and profile.peak_tokens_per_s == pytest.approx(40_000.0)
    assert window.doc.undo_stack.undoText() == "Edit demand profile"
    history.append(window.doc.project)
    assert window.doc.undo_stack.count() == steps + 6

    qtbot.waitUntil(lambda: _settled(window), timeout=30000)
    project = window.doc.project
    catalogue = window.doc.catalogue
    truth, mix = blended_comparison(project, catalogue, window.calibration)
    plans = plan_capacity(project, catalogue, window.calibration)

    # the results table: the $/Mtok column is the blend, and its header says so
    header = window.results_model.horizontalHeaderItem(USD_COLUMN)
    assert header.text() == "Blend $/Mtok" and "blend" in header.toolTip()
    for result in truth.options:
        cell = window.results_proxy.index(_row_of(window, result.option_id), USD_COLUMN)
        assert cell.data() == fmt_money(result.usd_per_mtok)
    feasible = [m for m in mix.options if m.feasible]
    assert feasible
    for m in feasible:  # a blend lies between its classes
        costs = [c.usd_per_mtok for c in m.pool.classes]
        assert min(costs) - 1e-9 <= m.usd_per_mtok <= max(costs) + 1e-9

    # the cost chart: each bar split into its classes, the segments adding up to the blend
    chart = window.cost_chart
    assert chart.class_names == ("chat", "rag", "agentic")
    assert "chat" in str(chart.plot.getAxis("bottom").labelText)
    for i, result in enumerate(window.comparison.options):
        expected = mix.by_id(result.option_id)
        if expected.feasible:
            assert sum(chart.segment_widths[i]) == pytest.approx(expected.usd_per_mtok)
            assert len(chart.segment_widths[i]) == 3

    # Details of the selected option: the mix, the agent's turns and the plan year by year
    selected = window.doc.selected_option_id
    text = window.details.toPlainText()
    chosen = mix.by_id(selected)
    for line in mix_lines(chosen):
        assert line.strip() in text
    agent = next(c for c in chosen.pool.classes if c.name == "agentic")
    assert agent.session is not None and len(agent.session.turns) > 1
    for line in session_lines(agent.session):
        assert line.strip() in text
    plan = next(p for p in plans if p.option_id == selected)
    for line in plan_lines(plan):
        assert line.strip() in text
    assert "NPV at" in text and "all on demand" in text and "all base" in text
    # the headline says its $/Mtok is the mix's blend, on which token basis
    n = len(window.doc.project.workload_classes)
    assert f"output tokens, blended over the workload mix ({n} classes" in text

    # another option selected in the table: Details and the tab's plan follow it
    other = next(m for m in feasible if m.option_id != selected)
    window.results.selectRow(_row_of(window, other.option_id))
    qtbot.waitUntil(lambda: window.doc.selected_option_id == other.option_id, timeout=5000)
    assert mix_lines(other)[0] in window.details.toPlainText()
    ids = [o.id for o in project.options]
    assert tab.current_plan() is not None
    assert tab.current_plan().option_id == other.option_id  # type: ignore[union-attr]
    # and the other way: an option picked in the tab is selected in the window
    assert other.option_id != ids[0]
    tab.option.setFocus()
    qtbot.keyClick(tab.option, Qt.Key.Key_Home)
    assert window.doc.selected_option_id == ids[0]
    assert mix_lines(mix.by_id(ids[0]))[0] in window.details.toPlainText()

    # undo: each step restores the project before it, and every view follows
    for previous in reversed(history[:-1]):
        window.act_undo.trigger()
        assert window.doc.project == previous
        assert tab.project == previous
        assert tab.model.rowCount() == len(previous.workload_classes)
    assert window.doc.project == start
    qtbot.waitUntil(lambda: _settled(window), timeout=30000)
    assert window.results_model.horizontalHeaderItem(USD_COLUMN).text() == "$/Mtok"
    assert window.cost_chart.class_names == ()
    assert "Workload mix" not in window.details.toPlainText()
    assert "blended over the workload mix" not in window.details.toPlainText()
    assert tab.profile_preset.currentText() == "(none)"

    # redo brings the first class back into the tab and the blend into the table
    window.act_redo.trigger()
    assert window.doc.project == history[1] and tab.model.rowCount() == 1
    qtbot.waitUntil(lambda: _settled(window), timeout=30000)
    assert window.results_model.horizontalHeaderItem(USD_COLUMN).text() == "Blend $/Mtok"


def test_opening_a_file_shows_its_mix_in_the_tab(
    make_window: Any, qtbot: Any, tmp_path: Any
) -> None:
    from tokentco.domain.mix import PRESETS, business_hours
    from tokentco.io.project_file import save_project

    window = make_window()
    tab = _open_tab(window, qtbot)
    saved = window.doc.project.model_copy(
        update={
            "workload_classes": (PRESETS["code"].model_copy(update={"share": 1.0}),),
            "demand_profile": business_hours(20_000.0),
        }
    )
    path = tmp_path / "mix.tokentco"
    save_project(saved, path)
    assert window.open_path(path, ask=False)
    assert [c.name for c in tab.project.workload_classes] == ["code"]
    assert tab.profile_preset.currentText() == "business hours"
    qtbot.waitUntil(lambda: _settled(window), timeout=30000)
    assert tab.plans and tab.summary.text().startswith(tab.plans[tab.option.currentIndex()].label)
    assert window.cost_chart.class_names == ("code",)
    assert "Capacity plan." in window.details.toPlainText()


def test_the_tab_computes_nothing_on_the_gui_thread(make_window: Any, qtbot: Any) -> None:
    """In the window the tab's planner hands work to the window's background job."""
    window = make_window()
    tab = _open_tab(window, qtbot)
    assert tab.planner is not None
    calls: list[Any] = []
    window.ops.submit_latest = _recording(window.ops.submit_latest, calls)
    tab.preset.setCurrentText("batch")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert [c[0] for c in calls] == ["comparison"]  # one job: the comparison, mix and plan
    qtbot.waitUntil(lambda: _settled(window), timeout=30000)
    assert tab.mix is not None and tab.mix.options[0].pool.classes[0].name == "batch"


def _recording(submit: Any, calls: list[Any]) -> Any:
    def wrapper(channel: str, *args: Any, **kwargs: Any) -> Any:
        calls.append((channel,))
        return submit(channel, *args, **kwargs)

    return wrapper

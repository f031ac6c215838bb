"""Drive the main window like an analyst: sliders, typed values, per-option settings, undo."""

import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from tests.ui.conftest import computed, expected

from tokentco import MODEL_VERSION
from tokentco.domain import PricingModel
from tokentco.present import formats as fmt
from tokentco.ui.knobs import choose_pricing_model
from tokentco.ui.tables import RESULT_COLUMNS


def _costs(window) -> list[float]:  # type: ignore[no-untyped-def]
    return list(window.cost_chart.values)


def _engine_costs(window) -> list[float]:  # type: ignore[no-untyped-def]
    return [
        r.usd_per_mtok if r.point.feasible and math.isfinite(r.usd_per_mtok) else 0.0
        for r in expected(window).options
    ]


def test_opens_on_a_useful_comparison(window) -> None:  # type: ignore[no-untyped-def]
    project = window.doc.project
    assert project.model_id == "deepseek-r1"
    assert 3 <= len(project.options) <= 5
    truth = expected(window)
    assert _costs(window) == pytest.approx(_engine_costs(window))
    assert window.cost_chart.cheapest_id == truth.cheapest.option_id
    assert window.results_model.rowCount() == len(project.options)
    # the details panel explains the selected option's binding resource in words
    selected = truth.by_id(window.doc.selected_option_id)
    text = window.details.toPlainText()
    if selected.point.feasible:
        assert selected.point.binding.label in text
    else:
        assert "Cannot meet" in text
    # estimated figures say so, with the model version, in the table's provenance column
    column = next(i for i, c in enumerate(RESULT_COLUMNS) if c.header == "Provenance")
    provenance = [window.results_model.index(r, column).data() for r in range(len(project.options))]
    assert any(MODEL_VERSION in p or p.startswith("measured") for p in provenance)


def test_utilization_slider_moves_every_chart(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    before = _costs(window)
    global_ids = [o.id for o in window.doc.project.options if o.serving is None]
    window.knobs.utilization.slider.setValue(35)
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    assert window.doc.project.serving.utilization == pytest.approx(0.35)
    after = _costs(window)
    assert after == pytest.approx(_engine_costs(window))
    for i, option in enumerate(window.doc.project.options):
        if option.id in global_ids and before[i] > 0:
            assert after[i] == pytest.approx(before[i] * 0.70 / 0.35, rel=1e-6)
    # the table shows the same numbers as the chart
    table = {
        window.results_model.result(r).option_id: window.results_model.result(r).usd_per_mtok
        for r in range(window.results_model.rowCount())
    }
    for r in expected(window).options:
        assert table[r.option_id] == pytest.approx(r.usd_per_mtok)


def test_keyboard_moves_the_slider(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    slider = window.knobs.utilization.slider
    slider.setFocus()
    start = slider.value()
    qtbot.keyClick(slider, Qt.Key.Key_Left)
    qtbot.keyClick(slider, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    assert window.doc.project.serving.utilization == pytest.approx((start - 10) / 100)
    assert _costs(window) == pytest.approx(_engine_costs(window))


def test_typing_output_length_recomputes(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    box = window.knobs.osl
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "4096")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    assert window.doc.project.workload.osl_tokens == 4096
    assert _costs(window) == pytest.approx(_engine_costs(window))


def test_latency_target_line_and_operating_points(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.knobs.min_speed.setValue(40)
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    frontier = window.frontier_chart
    assert frontier.target.value() == pytest.approx(40)
    assert frontier.target.isVisible()
    truth = expected(window)
    drawn = sorted(frontier.operating_points)
    want = sorted(
        (r.point.tokens_per_s_per_user, r.point.output_tokens_per_s_per_gpu)
        for r in truth.options
        if r.point.feasible
    )
    assert [v for p in drawn for v in p] == pytest.approx([v for p in want for v in p], rel=1e-9)
    assert all(x >= 40 - 1e-6 for x, _ in drawn)
    # "No target" (the spin box minimum) removes the line
    window.knobs.min_speed.setValue(0)
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    assert window.doc.project.workload.min_tokens_per_s_per_user is None
    assert not frontier.target.isVisible()


def test_per_option_settings_leave_the_others_alone(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    options = window.doc.project.options
    target = next(o for o in options if o.serving is None)
    others = {o.id: o.serving for o in options if o.id != target.id}
    window.doc.select_option(target.id)
    window.knobs.scope.setCurrentIndex(1)  # "Only <option>"
    assert window.knobs.serving_scope() == target.id
    window.knobs.spec_on.click()
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    project = window.doc.project
    assert project.option(target.id).serving is not None
    assert project.option(target.id).serving.speculative.enabled
    assert not project.serving.speculative.enabled
    assert {o.id: o.serving for o in project.options if o.id != target.id} == others
    assert _costs(window) == pytest.approx(_engine_costs(window))
    # "Use global" drops the option's own settings again (one undoable step)
    window.knobs.reset_scope.click()
    assert window.doc.project.option(target.id).serving is None


def test_undo_and_redo_every_edit(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    original = window.doc.project
    original_costs = _costs(window)
    window.knobs.isl.setValue(8192)
    window.knobs.isl.editingFinished.emit()
    window.knobs.weights.setCurrentIndex(window.knobs.weights.findData("fp4"))
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    assert window.doc.project.workload.isl_tokens == 8192
    assert window.doc.undo_stack.count() == 2
    window.act_undo.trigger()
    window.act_undo.trigger()
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    assert window.doc.project == original
    assert window.knobs.isl.value() == original.workload.isl_tokens
    assert _costs(window) == pytest.approx(original_costs)
    window.act_redo.trigger()
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    assert window.doc.project.workload.isl_tokens == 8192
    assert window.knobs.isl.value() == 8192


def test_a_slider_drag_is_one_undo_step(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    slider = window.knobs.utilization.slider
    slider.setSliderDown(True)
    for value in (65, 60, 55, 50):
        slider.setValue(value)
    slider.setSliderDown(False)  # emits sliderReleased: the drag ends
    slider.setValue(45)  # a new edit after the drag
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    assert window.doc.undo_stack.count() == 2
    window.act_undo.trigger()
    assert window.doc.project.serving.utilization == pytest.approx(0.50)
    window.act_undo.trigger()
    assert window.doc.project.serving.utilization == pytest.approx(0.70)


def test_rapid_moves_are_coalesced(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    slider = window.knobs.utilization.slider
    for value in range(20, 100, 2):
        slider.setValue(value)
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    assert window.ops.dropped > 0  # intermediate states were never computed
    assert window.doc.project.serving.utilization == pytest.approx(0.98)
    assert _costs(window) == pytest.approx(_engine_costs(window))


def test_owned_pricing_shows_capex_and_energy(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    option_id = window.doc.selected_option_id
    assert choose_pricing_model(window.doc, option_id, PricingModel.OWNED) == ""
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    assert window.knobs.capex.isVisible() and not window.knobs.price.isVisible()
    window.knobs.capex.setValue(50_000)
    window.knobs.power_price.setValue(0.15)
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    offer = window.doc.catalogue.offers[window.doc.project.option(option_id).offer_id]
    assert offer.pricing_model is PricingModel.OWNED
    assert offer.owned.capex_per_gpu == 50_000
    assert offer.owned.usd_per_kwh == pytest.approx(0.15)
    result = expected(window).by_id(option_id)
    index = [o.id for o in window.doc.project.options].index(option_id)
    stacks = window.breakdown_chart.stacks
    assert stacks["capex"].opts["width"][index] == pytest.approx(result.cost.capex_usd)
    assert stacks["energy"].opts["width"][index] == pytest.approx(result.cost.energy_usd)
    assert result.cost.capex_usd > 0 and result.cost.energy_usd > 0


def test_demand_sizes_the_fleet(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.knobs.tokens_day.setValue(80)  # billion tokens per day
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    assert window.doc.project.demand.tokens_per_day == pytest.approx(80e9)
    truth = expected(window)
    gpus_col = next(i for i, c in enumerate(RESULT_COLUMNS) if c.header == "GPUs")
    for row in range(window.results_model.rowCount()):
        result = window.results_model.result(row)
        fleet = truth.by_id(result.option_id).fleet
        shown = window.results_model.index(row, gpus_col).data()
        assert shown == ("—" if fleet is None else f"{fleet.gpus:,}")


def test_waterfall_and_tornado_follow_the_selection(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    options = window.doc.project.options
    window.doc.select_option(options[1].id)
    qtbot.waitUntil(lambda: window.tornado_for == options[1].id, timeout=15000)
    truth = expected(window).by_id(options[1].id)
    steps = window.waterfall_chart.steps
    assert [s[0] for s in steps[: len(truth.waterfall)]] == [f for f, _ in truth.waterfall]
    assert steps[-1][2] == pytest.approx(truth.usd_per_mtok)
    assert len(window.tornado_chart.bars) > 0
    assert window.tornado_chart.bars[0].base_usd_per_mtok == pytest.approx(truth.usd_per_mtok)
    text = window.tornado_chart.show_hover(0, 0)
    assert window.tornado_chart.bars[0].label in text


def test_hover_shows_exact_values(window) -> None:  # type: ignore[no-untyped-def]
    truth = expected(window)
    first = truth.options[0]
    text = window.cost_chart.show_hover(0.1, 0)
    assert first.label in text
    if first.point.feasible:
        # the figure as the table and the report print it (present.formats)
        tok_s = fmt.tokens_per_s(first.point.output_tokens_per_s_per_gpu, unit="tok/s/GPU")
        assert tok_s in text
    assert window.cost_chart.show_hover(0.1, 99) == ""
    assert "tok/s per MW" in window.energy_chart.show_hover(0, 0)
    assert "/GPU-h" in window.breakdown_chart.show_hover(0, 0)


def test_every_chart_exports_png_and_svg(window, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for chart in window.charts:
        png = chart.export(tmp_path / f"{chart.objectName()}.png")
        svg = chart.export(tmp_path / f"{chart.objectName()}.svg")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert b"<svg" in svg.read_bytes()[:2000]


def test_failed_computation_is_reported_and_app_keeps_running(window, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise ValueError("engine exploded")

    monkeypatch.setattr(window.recomputer, "update", broken)
    with qtbot.waitSignal(window.computeFailed, timeout=10000) as blocker:
        window.knobs.isl.setValue(2048)
    assert "engine exploded" in blocker.args[0]
    assert "could not be computed" in window.details.toPlainText()
    assert window.doc.project.workload.isl_tokens == 2048  # the edit is kept
    monkeypatch.undo()
    window.knobs.isl.setValue(3000)
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    assert _costs(window) == pytest.approx(_engine_costs(window))


def test_controls_are_keyboard_reachable(window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    for knob in window.knobs.binder.knobs:
        widget = knob.widget.focusProxy() or knob.widget
        assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus, knob.path
    buddies = {lab.buddy() for lab in window.knobs.findChildren(QLabel) if lab.buddy()}
    labelled = [k.widget for k in window.knobs.binder.knobs if k.widget in buddies]
    assert len(labelled) >= len(window.knobs.binder.knobs) - 6  # checkboxes carry their own text
    shortcuts = {a.shortcut().toString() for a in window.actions() if not a.shortcut().isEmpty()}
    for keys in ("Ctrl+Z", "Ctrl+S", "Ctrl+O", "Ctrl+I", "Ctrl+E", "Ctrl+K", "F5"):
        assert keys in shortcuts


def _mnemonic(text: str) -> str:
    import re

    found = re.search(r"&([^&])", text)
    return found.group(1).lower() if found else ""


def test_alt_letters_are_unique_within_each_settings_group(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel

    window_letters = {_mnemonic(a.text()) for a in window.menuBar().actions()} | {
        _mnemonic(window.tabs.tabText(i)) for i in range(window.tabs.count())
    }
    window_letters.discard("")
    groups = window.knobs.findChildren(QGroupBox)
    assert len(groups) >= 5
    for group in groups:
        texts = [lab.text() for lab in group.findChildren(QLabel)]
        texts += [b.text() for b in group.findChildren(QAbstractButton)]
        letters = [m for m in map(_mnemonic, texts) if m]
        assert len(letters) >= 4, group.title()
        assert len(letters) == len(set(letters)), (group.title(), sorted(letters))
        assert not set(letters) & window_letters, (group.title(), set(letters) & window_letters)
    # a letter used once in the whole panel jumps straight to its control
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.knobs.osl.hasFocus(), timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.knobs.kv.hasFocus(), timeout=5000)


def test_about_names_the_version(window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tokentco import __version__

    shown = {}
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, title, text: shown.update(text=text))
    window.act_about.trigger()
    assert __version__ in shown["text"]


def test_results_table_sorts_numerically_and_marks_the_cheapest(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from tokentco.ui.tables import RESULT_COLUMNS

    proxy, model = window.results_proxy, window.results_model
    gpu_hour = next(i for i, c in enumerate(RESULT_COLUMNS) if c.header == "$/GPU-h")
    window.results.sortByColumn(gpu_hour, Qt.SortOrder.DescendingOrder)
    shown = [
        model.result(proxy.mapToSource(proxy.index(r, 0)).row()).cost.usd_per_gpu_hour
        for r in range(proxy.rowCount())
    ]
    assert shown == sorted(shown, reverse=True)  # by value, not by text ("$5.50" < "$6.00")
    cheapest = window.comparison.cheapest.option_id
    for row in range(model.rowCount()):
        font = model.index(row, 0).data(Qt.ItemDataRole.FontRole)
        assert font.bold() == (model.result(row).option_id == cheapest)
        assert model.index(row, 0).data(Qt.ItemDataRole.DecorationRole) is not None
    # a new comparison rewrites only what changed and keeps the order by value
    window.knobs.isl.setValue(6000)
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    shown = [
        model.result(proxy.mapToSource(proxy.index(r, 0)).row()).cost.usd_per_gpu_hour
        for r in range(proxy.rowCount())
    ]
    assert shown == sorted(shown, reverse=True)
    mtok = next(i for i, c in enumerate(RESULT_COLUMNS) if c.header == "$/Mtok")
    for row in range(model.rowCount()):
        result = model.result(row)
        if result.point.feasible:
            assert model.index(row, mtok).data() == RESULT_COLUMNS[mtok].text(
                RESULT_COLUMNS[mtok].value(result)
            )


def test_the_window_recomputes_incrementally(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """A utilization move re-sweeps nothing (economics only) and still matches a full
    evaluation; selecting another option sweeps its waterfall variants only."""
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    window.knobs.utilization.slider.setValue(45)
    qtbot.waitUntil(
        lambda: (
            computed(window)
            and window.comparison_project.serving.utilization == pytest.approx(0.45)
        ),
        timeout=10000,
    )
    plan = window.recomputer.last_plan
    assert plan is not None and plan.kind == "economics" and not plan.sweep
    assert _costs(window) == pytest.approx(_engine_costs(window))
    other = next(o.id for o in window.doc.project.options if o.id != window.doc.selected_option_id)
    window.doc.select_option(other)
    qtbot.waitUntil(lambda: window.comparison_has_waterfall(other), timeout=10000)
    assert window.recomputer.last_plan.variants_for == other

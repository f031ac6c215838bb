"""Painting only what is visible: a chart on a hidden tab keeps the newest data and draws it
when shown (never stale data); charts reuse their plot items and show the new data in them;
the results table updates rows in place when the options are the same."""

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.ui.conftest import computed, expected

from tokentco.engine.results import Comparison
from tokentco.present import formats as fmt
from tokentco.ui.tables import RESULT_COLUMNS

DASHBOARD, CATALOGUE = 0, 1
TEXT_WAIT_MS = 300
"""Past the window's text refresh (120 ms) and its busy note (250 ms)."""


def _wait(window: Any, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: computed(window), timeout=15000)


def _costs(truth: Comparison) -> list[float]:
    return [
        r.usd_per_mtok if r.point.feasible and math.isfinite(r.usd_per_mtok) else 0.0
        for r in truth.options
    ]


def _edit(window: Any, qtbot: Any, utilization: int, isl: int) -> None:
    window.knobs.utilization.slider.setValue(utilization)
    _wait(window, qtbot)
    window.knobs.isl.setValue(isl)
    _wait(window, qtbot)


def _points(truth: Comparison) -> list[float]:
    """(tok/s/user, tok/s/GPU) of every feasible operating point, flattened."""
    return [
        v
        for r in truth.options
        if r.point.feasible
        for v in (r.point.tokens_per_s_per_user, r.point.output_tokens_per_s_per_gpu)
    ]


def _drawn_points(chart: Any) -> list[float]:
    return [v for point in chart.operating_points for v in point]


def _bar_widths(item: Any) -> list[float]:
    return [float(v) for v in np.asarray(item.opts["width"], dtype=float)]


def test_charts_on_a_hidden_tab_draw_the_current_data_when_shown(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    first = list(window.cost_chart.values)
    window.tabs.setCurrentIndex(CATALOGUE)
    qtbot.waitUntil(lambda: not window.cost_chart.isVisible(), timeout=5000)
    for utilization, isl in ((35, 2048), (80, 512), (55, 4096)):  # several edits while hidden
        _edit(window, qtbot, utilization, isl)
    truth = expected(window)
    assert _costs(truth) != pytest.approx(first)  # the edits did move the costs
    # hidden: nothing was drawn, the newest data waits (the table, in a dock, is current)
    assert all(chart.pending for chart in window.charts if chart is not window.tornado_chart)
    assert _bar_widths(window.cost_chart.bars) == pytest.approx(first)  # not drawn yet
    assert window.results_model.comparison is window.comparison

    window.tabs.setCurrentIndex(DASHBOARD)
    qtbot.waitUntil(lambda: window.cost_chart.isVisible(), timeout=5000)
    assert not any(chart.pending for chart in window.charts)
    assert window.cost_chart.values == pytest.approx(_costs(truth))
    assert _bar_widths(window.cost_chart.bars) == pytest.approx(_costs(truth))
    assert _drawn_points(window.frontier_chart) == pytest.approx(_points(truth), rel=1e-9)
    assert window.energy_chart.kwh_values == pytest.approx(
        [r.kwh_per_mtok or 0.0 if r.point.feasible else 0.0 for r in truth.options]
    )
    assert window.breakdown_chart.totals == pytest.approx(
        [r.cost.usd_per_gpu_hour for r in truth.options]
    )
    selected = truth.by_id(window.doc.selected_option_id)
    if selected.point.feasible:
        assert window.waterfall_chart.steps[-1][2] == pytest.approx(selected.usd_per_mtok)
    # what is drawn is what hover reads: the data behind the bars is the newest comparison
    assert window.cost_chart._data.comparison is window.comparison


def test_reading_a_hidden_charts_figures_gives_the_current_ones(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentIndex(CATALOGUE)
    qtbot.waitUntil(lambda: not window.cost_chart.isVisible(), timeout=5000)
    _edit(window, qtbot, 40, 1500)
    truth = expected(window)
    assert window.energy_chart.pending
    # a read-out draws the kept data first: no reader sees what the chart showed before
    assert window.energy_chart.kwh_values == pytest.approx(
        [r.kwh_per_mtok or 0.0 if r.point.feasible else 0.0 for r in truth.options]
    )
    assert not window.energy_chart.pending
    assert _bar_widths(window.energy_chart.kwh_bars) == pytest.approx(
        window.energy_chart.kwh_values
    )
    assert window.cost_chart.pending  # the others still wait
    text = window.cost_chart.show_hover(0.0, 0.0)  # hovering reads the current figures too
    assert not window.cost_chart.pending
    assert window.cost_chart.values == pytest.approx(_costs(truth))
    first = truth.options[0]
    if first.point.feasible:
        assert fmt.usd_per_mtok(first.usd_per_mtok, unit=True) in text


def test_a_hidden_chart_exports_the_current_data(window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentIndex(CATALOGUE)
    qtbot.waitUntil(lambda: not window.cost_chart.isVisible(), timeout=5000)
    _edit(window, qtbot, 30, 3000)
    assert window.cost_chart.pending
    out = window.cost_chart.export(tmp_path / "cost.png")
    assert out.exists() and out.stat().st_size > 0
    assert not window.cost_chart.pending
    assert window.cost_chart.values == pytest.approx(_costs(expected(window)))


def test_a_chart_kept_hidden_draws_once_when_shown(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = window.cost_chart
    drawn: list[Any] = []
    update = chart.update_plot

    def counting(data: Any) -> None:
        drawn.append(data)
        update(data)

    chart.update_plot = counting  # type: ignore[method-assign]
    window.tabs.setCurrentIndex(CATALOGUE)
    for utilization in (30, 45, 60, 75):
        window.knobs.utilization.slider.setValue(utilization)
        _wait(window, qtbot)
    assert drawn == []  # four comparisons, none drawn while hidden
    window.tabs.setCurrentIndex(DASHBOARD)
    qtbot.waitUntil(lambda: not chart.pending, timeout=5000)
    assert len(drawn) == 1 and drawn[0].comparison is window.comparison


def test_charts_reuse_their_items_and_show_the_new_data(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    cost, frontier, energy = window.cost_chart, window.frontier_chart, window.energy_chart
    items = {
        "cost bars": cost.bars,
        "cost whiskers": cost.whiskers,
        "cost labels": cost.labels,
        "cost legend": cost.legend,
        "frontier points": frontier.points,
        "frontier curves": frontier.curves,
        "frontier legend": frontier.legend,
        "energy bars": energy.mw_bars,
        "kwh bars": energy.kwh_bars,
    }
    scene_items = {
        name: len(chart.view.scene().items())
        for name, chart in (("cost", cost), ("frontier", frontier), ("energy", energy))
    }
    legend_entries = [id(sample) for sample, _ in frontier.legend.items]
    _edit(window, qtbot, 33, 3072)
    truth = expected(window)
    # the same items, holding the new data
    assert cost.bars is items["cost bars"] and cost.whiskers is items["cost whiskers"]
    assert cost.labels is items["cost labels"] and cost.legend is items["cost legend"]
    assert frontier.points is items["frontier points"]
    assert frontier.curves is items["frontier curves"]
    assert frontier.legend is items["frontier legend"]
    assert energy.mw_bars is items["energy bars"] and energy.kwh_bars is items["kwh bars"]
    assert _bar_widths(cost.bars) == pytest.approx(_costs(truth))
    assert _bar_widths(energy.kwh_bars) == pytest.approx(
        [r.kwh_per_mtok or 0.0 if r.point.feasible else 0.0 for r in truth.options]
    )
    assert _drawn_points(frontier) == pytest.approx(_points(truth), rel=1e-9)
    assert len(frontier.curves.paths) == len(truth.options)
    # labels did not change: the legend keeps its entries, no item was added to a scene
    assert [id(sample) for sample, _ in frontier.legend.items] == legend_entries
    assert {
        name: len(chart.view.scene().items())
        for name, chart in (("cost", cost), ("frontier", frontier), ("energy", energy))
    } == scene_items
    # the value labels name the new figures
    texts = cost.labels.texts()
    cheapest = truth.cheapest
    assert cheapest is not None
    row = [r.option_id for r in truth.options].index(cheapest.option_id)
    assert "cheapest" in texts[row]


def test_renaming_an_option_rebuilds_only_the_legend_it_names(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    frontier = window.frontier_chart
    before = [label.text for _, label in frontier.legend.items]
    option = window.doc.project.options[0]
    window.doc.set_option_field(option.id, "label", "Renamed rig", "Rename option")
    _wait(window, qtbot)
    after = [label.text for _, label in frontier.legend.items]
    assert after != before
    assert any("Renamed rig" in text for text in after)


def test_the_table_updates_rows_in_place_for_the_same_options(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    model = window.results_model
    resets: list[int] = []
    changed: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), b.row())))
    window.knobs.utilization.slider.setValue(31)
    _wait(window, qtbot)
    assert resets == [] and changed  # one ranged dataChanged, no reset
    truth = expected(window)
    mtok = next(i for i, c in enumerate(RESULT_COLUMNS) if c.header == "$/Mtok")
    column = RESULT_COLUMNS[mtok]
    rows = [model.result(r) for r in range(model.rowCount())]
    assert [r.option_id for r in rows] == [r.option_id for r in truth.options]
    assert [r.usd_per_mtok for r in rows] == pytest.approx([r.usd_per_mtok for r in truth.options])
    want = column.texts([column.value(r) for r in rows])
    assert [model.index(r, mtok).data() for r in range(model.rowCount())] == want
    # a removed option does reset the rows (the rows are different options)
    window.doc.remove_option(window.doc.project.options[-1].id)
    _wait(window, qtbot)
    assert resets
    assert model.rowCount() == len(window.doc.project.options)


def test_the_status_line_follows_each_comparison_once(window, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    status = window.status
    texts: list[str] = []
    status.setText = lambda text, set_text=status.setText: (texts.append(text), set_text(text))  # type: ignore[method-assign]
    window.knobs.utilization.slider.setValue(44)
    _wait(window, qtbot)
    qtbot.wait(TEXT_WAIT_MS)
    # one new line for the new comparison (no "Updating…" flash for a quick computation)
    assert texts == [status.text()]
    assert f"{len(window.comparison.options)} options · computed in" in texts[0]
    assert window.calibration_label() in texts[0]

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise ValueError("engine exploded")

    monkeypatch.setattr(window.recomputer, "update", broken)
    with qtbot.waitSignal(window.computeFailed, timeout=10000):
        window.knobs.isl.setValue(2048)
    assert status.text() == "Computation failed — see Details"
    window.apply_theme()  # the charts, table and details redraw the old comparison …
    qtbot.wait(TEXT_WAIT_MS)
    assert status.text() == "Computation failed — see Details"  # … the failure stays said
    monkeypatch.undo()
    window.knobs.isl.setValue(3000)
    _wait(window, qtbot)
    qtbot.wait(TEXT_WAIT_MS)
    assert "options · computed in" in status.text()

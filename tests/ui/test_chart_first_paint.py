"""Charts size their left axes for new tick labels before painting (Chart.fit_axes): the
first paint of new data does not widen an axis (which made pyqtgraph lay the plot out
again and paint the whole chart twice), and the settled picture is pixel for pixel the one
drawn without the early sizing."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from tokentco.domain import Catalogue, Project
from tokentco.engine.evaluate import evaluate
from tokentco.ui.charts import (
    BreakdownChart,
    Chart,
    ChartData,
    CostChart,
    EnergyChart,
    FrontierChart,
    WaterfallChart,
)
from tokentco.ui.charts.mix_cost import MixCostChart

CHARTS = [MixCostChart, CostChart, FrontierChart, BreakdownChart, EnergyChart, WaterfallChart]


def _shown(qtbot: Any, chart_type: type[Chart]) -> Chart:
    chart = chart_type()
    qtbot.addWidget(chart)
    chart.resize(560, 380)
    chart.show()
    qtbot.waitExposed(chart)
    for _ in range(3):
        QApplication.processEvents()
    return chart


def _left_widths(chart: Chart) -> list[float]:
    return [plot.getAxis("left").minimumWidth() for plot in chart.plots()]


def _settled(chart: Chart) -> Any:
    for _ in range(5):
        QApplication.processEvents()
    return chart.grab().toImage()


@pytest.mark.parametrize("chart_type", CHARTS, ids=lambda t: t.__name__)
def test_first_paint_keeps_the_axis_width(
    qtbot: Any, catalogue: Catalogue, project: Project, chart_type: type[Chart]
) -> None:
    comparison = evaluate(project, catalogue)
    chart = _shown(qtbot, chart_type)
    chart.show_data(ChartData(comparison, project, "", catalogue=catalogue))
    before = _left_widths(chart)
    chart.view.viewport().repaint()  # the paint: it would widen an axis sized too narrow
    assert _left_widths(chart) == before


@pytest.mark.parametrize("chart_type", CHARTS, ids=lambda t: t.__name__)
def test_the_picture_is_the_one_drawn_without_early_sizing(
    qtbot: Any,
    catalogue: Catalogue,
    project: Project,
    chart_type: type[Chart],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    comparison = evaluate(project, catalogue)
    data = ChartData(comparison, project, project.options[0].id, catalogue=catalogue)
    early = _shown(qtbot, chart_type)
    early.show_data(data)
    fitted = _settled(early)
    monkeypatch.setattr(Chart, "fit_axes", lambda self: None)
    late = _shown(qtbot, chart_type)
    late.show_data(data)
    assert _settled(late) == fitted

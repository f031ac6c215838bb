"""QA defects: every chart draws empty data (no options, all infeasible, one option) and an
infeasible option's sensitivity says it cannot meet the workload (no non-finite range)."""

import math

import pytest

from tokentco.domain import Catalogue, Project
from tokentco.engine.evaluate import evaluate
from tokentco.ui.charts import (
    BreakdownChart,
    ChartData,
    CostChart,
    EnergyChart,
    FrontierChart,
    TornadoChart,
    WaterfallChart,
)
from tokentco.ui.charts.mix_cost import MixCostChart

CHARTS = (
    CostChart,
    BreakdownChart,
    EnergyChart,
    FrontierChart,
    TornadoChart,
    WaterfallChart,
    MixCostChart,
)


def _infeasible(project: Project) -> Project:
    workload = project.workload.model_copy(
        update={"max_ttft_ms": 1.0, "min_tokens_per_s_per_user": 5000.0}
    )
    return project.model_copy(update={"workload": workload})


def _cases(project: Project) -> dict[str, Project]:
    return {
        "no options": project.model_copy(update={"options": ()}),
        "one option": project.model_copy(update={"options": project.options[:1]}),
        "all infeasible": _infeasible(project),
    }


def _finite_view(chart: object) -> None:
    for plot in chart.view.ci.items:  # type: ignore[attr-defined]
        vb = getattr(plot, "vb", None)
        if vb is None:
            continue
        for low, high in vb.viewRange():
            assert math.isfinite(low) and math.isfinite(high)


@pytest.mark.parametrize("case", ["no options", "one option", "all infeasible"])
@pytest.mark.parametrize("chart_type", CHARTS, ids=lambda c: c.__name__)
def test_chart_draws_degenerate_data(
    qtbot, catalogue: Catalogue, project: Project, case: str, chart_type: type
) -> None:  # type: ignore[no-untyped-def]
    shown = _cases(project)[case]
    comparison = evaluate(shown, catalogue)
    selected = comparison.options[0].option_id if comparison.options else ""
    chart = chart_type()
    qtbot.addWidget(chart)
    chart.show_data(ChartData(comparison, shown, selected, catalogue=catalogue))
    chart.flush()
    chart.grab()  # paints every item
    _finite_view(chart)
    # and back to the full project: hidden bars come back
    full = evaluate(project, catalogue)
    chart.show_data(ChartData(full, project, full.options[0].option_id, catalogue=catalogue))
    chart.flush()
    chart.grab()
    bars = getattr(chart, "bars", None)
    if chart_type in (CostChart, MixCostChart):
        assert bars is not None and bars.isVisible()


def test_infeasible_tornado_says_the_option_cannot_meet_the_workload(
    qtbot, catalogue: Catalogue, project: Project
) -> None:  # type: ignore[no-untyped-def]
    from tokentco.engine.sensitivity import tornado

    shown = _infeasible(project)
    comparison = evaluate(shown, catalogue)
    option = comparison.options[0]
    assert not option.point.feasible
    bars = tornado(shown, catalogue, option.option_id)
    chart = TornadoChart()
    qtbot.addWidget(chart)
    chart.show_data(
        ChartData(
            comparison,
            shown,
            option.option_id,
            tornado=bars,
            tornado_for=option.option_id,
            catalogue=catalogue,
        )
    )
    chart.flush()
    _finite_view(chart)
    assert chart.bars == []
    assert chart.axis._labels == []
    text = chart.message.textItem.toPlainText()
    # wrapped to fit the plot: no line is wider than the chart's room for it
    assert all(len(line) <= 48 for line in text.splitlines())
    words = " ".join(text.split())
    assert "cannot meet the workload" in words
    assert " ".join(option.point.reason.split()) in words


def test_empty_charts_show_no_made_up_categories(
    qtbot, catalogue: Catalogue, project: Project
) -> None:  # type: ignore[no-untyped-def]
    """No options: no -0.5/0/0.5 ticks on the category axes, the cost breakdown's legend is
    not greyed out (its stacks stay visible) and the tornado says why it is empty."""
    shown = project.model_copy(update={"options": ()})
    data = ChartData(evaluate(shown, catalogue), shown, "", catalogue=catalogue)
    for chart_type in (CostChart, BreakdownChart, EnergyChart, WaterfallChart, TornadoChart):
        chart = chart_type()
        qtbot.addWidget(chart)
        chart.show_data(data)
        chart.flush()
        # pyqtgraph draws the levels set (none) instead of its own numeric ticks
        levels = chart.axis._tickLevels
        assert levels is not None and not any(levels), chart_type.__name__
    breakdown = BreakdownChart()
    qtbot.addWidget(breakdown)
    breakdown.show_data(data)
    assert all(s.isVisible() for s in breakdown.stacks.values())
    tornado = TornadoChart()
    qtbot.addWidget(tornado)
    tornado.show_data(data)
    tornado.flush()
    assert "No options" in tornado.message.textItem.toPlainText()

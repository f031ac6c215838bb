"""The charts' plots build pyqtgraph's "Plot Options" panel on first use
(ui/charts/lazy_plot.py), and a lazy plot is, once asked, the plot pyqtgraph would have
built: the same attributes, the same saved state, the same menu and behaviour."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import pyqtgraph as pg
from PySide6.QtWidgets import QWidgetAction

from tokentco.ui.charts import CostChart, EnergyChart, FrontierChart
from tokentco.ui.charts.base import LazyMenuViewBox
from tokentco.ui.charts.lazy_plot import LazyMenuPlotItem


def _pair() -> tuple[Any, Any]:
    axes = {"bottom": pg.AxisItem("bottom")}
    plain = pg.PlotItem(viewBox=LazyMenuViewBox(), axisItems=axes)
    lazy = LazyMenuPlotItem(viewBox=LazyMenuViewBox(), axisItems={"bottom": pg.AxisItem("bottom")})
    return plain, lazy


def _menu(plot: Any) -> list[tuple[str, list[str]]]:
    out = []
    for action in plot.ctrlMenu.actions():
        sub = action.menu()
        inner = [type(a.defaultWidget()).__name__ for a in sub.actions()] if sub else []
        assert all(isinstance(a, QWidgetAction) for a in (sub.actions() if sub else []))
        out.append((action.text(), inner))
    return out


def test_the_charts_build_no_options_panel(qtbot) -> None:  # type: ignore[no-untyped-def]
    for chart in (CostChart(), EnergyChart()):
        qtbot.addWidget(chart)
        for plot in chart.plots():
            assert isinstance(plot, LazyMenuPlotItem)
            assert "ctrl" not in vars(plot)
            assert plot.menuEnabled()


def test_log_mode_builds_it_and_applies(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = FrontierChart()  # log y: the panel's check box is the log mode
    qtbot.addWidget(chart)
    plot = chart.plots()[0]
    assert "ctrl" in vars(plot)
    assert plot.ctrl.logYCheck.isChecked() and not plot.ctrl.logXCheck.isChecked()
    assert plot.getAxis("left").logMode and not plot.getAxis("bottom").logMode


def test_once_asked_it_is_the_plain_plot(qtbot) -> None:  # type: ignore[no-untyped-def]
    plain, lazy = _pair()
    assert "ctrl" not in vars(lazy)
    assert lazy.getMenu() is lazy.ctrlMenu  # the first read builds ctrl, ctrlMenu, stateGroup
    assert set(vars(lazy)) == set(vars(plain))
    assert lazy.saveState() == plain.saveState()
    assert _menu(lazy) == _menu(plain)
    assert lazy.ctrlMenu.title() == plain.ctrlMenu.title()


def test_options_act_as_in_pyqtgraph(qtbot) -> None:  # type: ignore[no-untyped-def]
    plain, lazy = _pair()
    for plot in (plain, lazy):
        plot.setLogMode(x=True, y=False)
        plot.showGrid(x=True, alpha=0.5)
        plot.ctrl.alphaGroup.setChecked(True)
        plot.ctrl.alphaSlider.setValue(400)
        data = pg.PlotDataItem([1, 2, 3], [4, 5, 6])
        plot.addItem(data)
        assert data.opts["logMode"] == [True, False]
        assert data.opts["alphaHint"] == 0.4
    assert lazy.saveState() == plain.saveState()
    assert (
        lazy.getAxis("bottom").logMode
        and lazy.getAxis("bottom").grid == plain.getAxis("bottom").grid
    )


def test_a_data_item_builds_it_with_defaults(qtbot) -> None:  # type: ignore[no-untyped-def]
    plain, lazy = _pair()
    for plot in (plain, lazy):
        plot.addItem(pg.PlotDataItem([1, 2], [3, 4]))
    assert "ctrl" in vars(lazy)
    assert lazy.saveState() == plain.saveState()


def test_close_without_a_panel(qtbot) -> None:  # type: ignore[no-untyped-def]
    _, lazy = _pair()
    scene = pg.GraphicsScene()
    scene.addItem(lazy)
    lazy.close()
    assert lazy.ctrlMenu is None and lazy.vb is None

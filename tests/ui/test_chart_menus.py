"""Chart context menus are built on first use: none exists after the charts are built, and
the first right click gets the menu pyqtgraph would have built up front (View All, the axis
panels, the plot options and the chart's Export actions)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from types import SimpleNamespace
from typing import Any

from pyqtgraph.graphicsItems.ViewBox.ViewBoxMenu import ViewBoxMenu
from PySide6.QtCore import Qt

from tokentco.ui.charts import CostChart, EnergyChart
from tokentco.ui.charts.base import LazyMenuViewBox


def _texts(actions: Any) -> list[str]:
    return [a.text() for a in actions]


def test_no_view_box_menu_until_asked(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = EnergyChart()
    qtbot.addWidget(chart)
    plots = chart.plots()
    assert len(plots) == 2
    for plot in plots:
        assert isinstance(plot.vb, LazyMenuViewBox)
        assert plot.vb.menu is None
        assert plot.vb.menuEnabled()


def test_first_right_click_gets_the_full_menu(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = CostChart()
    qtbot.addWidget(chart)
    vb = chart.plots()[0].vb
    menu = vb.getMenu(None)
    assert isinstance(menu, ViewBoxMenu)
    assert vb.getMenu(None) is menu  # built once
    assert "View All" in _texts(menu.actions())
    assert menu.view() is vb
    # what pyqtgraph adds from the items around the box: the plot's options, the scene's
    # export actions (the chart's own PNG/SVG first)
    menu = vb.scene().addParentContextMenus(vb, menu, SimpleNamespace(acceptedItem=vb))
    texts = _texts(menu.actions())
    assert "Plot Options" in texts
    assert any(t.startswith("Export “") and t.endswith("PNG…") for t in texts)
    assert any(t.startswith("Export “") and t.endswith("SVG…") for t in texts)


def test_a_right_click_on_the_plot_opens_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = CostChart()
    qtbot.addWidget(chart)
    chart.resize(600, 400)
    chart.show()
    qtbot.waitExposed(chart)
    vb = chart.plots()[0].vb
    centre = chart.view.mapFromScene(vb.sceneBoundingRect().center())
    qtbot.mouseClick(chart.view.viewport(), Qt.MouseButton.RightButton, pos=centre)
    assert isinstance(vb.menu, ViewBoxMenu)
    qtbot.waitUntil(vb.menu.isVisible)
    vb.menu.close()


def test_a_disabled_menu_stays_off(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = CostChart()
    qtbot.addWidget(chart)
    vb = chart.plots()[0].vb
    vb.getMenu(None)
    vb.setMenuEnabled(False)
    assert vb.menu is None
    assert vb.getMenu(None) is None
    assert vb.getContextMenus(None) == []
    vb.setMenuEnabled(True)
    assert isinstance(vb.getMenu(None), ViewBoxMenu)

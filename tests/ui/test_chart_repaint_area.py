"""A chart whose data moves inside its plot repaints the plot area, not the whole view: the
frontier's whisker item, emptied each frame when no option had a p10–p90 range, made Qt
repaint the axes, the title and all (most of an input-length move's paint)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtWidgets import QApplication

from tokentco.domain import Catalogue, Project
from tokentco.engine.evaluate import evaluate
from tokentco.ui.charts import ChartData, FrontierChart
from tokentco.ui.charts.overlays import Whiskers


class PaintedArea(QObject):
    """The union of the paint events' rectangles a widget receives."""

    def __init__(self) -> None:
        super().__init__()
        self.area = QRect()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.area = self.area.united(event.rect())  # type: ignore[attr-defined]
        return False


def _longer_inputs(project: Project) -> Project:
    workload = project.workload.model_copy(update={"isl_tokens": project.workload.isl_tokens * 4})
    return project.model_copy(update={"workload": workload})


def _above_one_token(project: Project) -> Project:
    """A model whose frontiers stay above 1 tok/s/GPU: the plot's log axis starts above 0,
    so the point an empty item sits at (0, 0) is outside the plot, as it is in the app's
    usual comparisons."""
    return project.model_copy(update={"model_id": "llama-3.3-70b"})


def test_a_new_frontier_repaints_only_its_plot_area(
    qtbot: Any, catalogue: Catalogue, project: Project
) -> None:
    chart = FrontierChart()
    qtbot.addWidget(chart)
    chart.resize(560, 380)
    chart.show()
    qtbot.waitExposed(chart)
    project = _above_one_token(project)
    other = _longer_inputs(project)
    datas = [
        ChartData(evaluate(p, catalogue), p, project.options[0].id, catalogue=catalogue)
        for p in (project, other, project)
    ]
    for data in datas[:2]:
        chart.show_data(data)
        for _ in range(3):
            QApplication.processEvents()
    painted = PaintedArea()
    chart.view.viewport().installEventFilter(painted)
    chart.show_data(datas[2])
    for _ in range(3):
        QApplication.processEvents()
    vb = chart.plot.vb
    plot_area = chart.view.mapFromScene(vb.sceneBoundingRect()).boundingRect()
    assert vb.viewRange()[1][0] > 0  # (0, 0) is below the plot
    assert not painted.area.isEmpty()  # the curves moved: something was painted
    assert plot_area.adjusted(-3, -3, 3, 3).contains(painted.area)


def test_emptied_whiskers_are_not_emptied_again(qtbot: Any) -> None:
    whiskers = Whiskers()
    calls: list[dict[str, Any]] = []
    original = whiskers.setData
    whiskers.setData = lambda **opts: (calls.append(opts), original(**opts))  # type: ignore[method-assign]
    whiskers.clear()
    whiskers.clear()
    assert len(calls) == 1 and not whiskers.isVisible() and whiskers.cleared
    whiskers.setData(x=[1.0], y=[1.0], top=[0.1], bottom=[0.1])
    assert not whiskers.cleared

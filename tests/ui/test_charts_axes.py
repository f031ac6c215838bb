"""Axis tick pictures are kept per range: a range drawn a moment ago is replayed, not
recorded again, and the replay is pixel for pixel what a fresh recording draws."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QImage

from tokentco.ui.charts.axes import PICTURES_KEPT, NumberAxis


def _plot(qtbot: Any) -> tuple[pg.GraphicsLayoutWidget, pg.PlotItem, NumberAxis]:
    view = pg.GraphicsLayoutWidget()
    qtbot.addWidget(view)
    axis = NumberAxis("bottom", money=True)
    plot = view.addPlot(axisItems={"bottom": axis})
    view.resize(420, 240)
    view.show()
    qtbot.waitExposed(view)
    return view, plot, axis


def _image(view: pg.GraphicsLayoutWidget) -> QImage:
    return view.grab().toImage()


def _counting(axis: NumberAxis) -> list[int]:
    calls: list[int] = []
    generate = axis.generateDrawSpecs

    def counted(painter: Any) -> Any:
        calls.append(1)
        return generate(painter)

    axis.generateDrawSpecs = counted  # type: ignore[method-assign]
    return calls


def test_a_range_drawn_before_is_replayed_identically(qtbot) -> None:  # type: ignore[no-untyped-def]
    view, plot, axis = _plot(qtbot)
    plot.setXRange(0, 10, padding=0)
    first = _image(view)
    plot.setXRange(0, 25, padding=0)
    other = _image(view)
    assert other != first  # another range, other ticks
    calls = _counting(axis)
    plot.setXRange(0, 10, padding=0)
    again = _image(view)
    assert calls == []  # replayed, not recorded again
    assert again == first
    # a fresh recording of that range draws the same pixels
    axis.__dict__.pop("_pictures")
    axis.picture = None
    axis.update()
    assert _image(view) == first
    assert calls  # this time it was recorded


def test_pen_and_size_changes_record_new_ticks(qtbot) -> None:  # type: ignore[no-untyped-def]
    view, plot, axis = _plot(qtbot)
    plot.setXRange(0, 10, padding=0)
    first = _image(view)
    calls = _counting(axis)
    axis.setTextPen(pg.mkPen("#D55E00"))  # a palette change: the same range, new colours
    recoloured = _image(view)
    assert calls and recoloured != first
    calls.clear()
    view.resize(300, 240)  # narrower: fewer ticks fit
    qtbot.waitUntil(lambda: view.width() == 300, timeout=5000)
    _image(view)
    assert calls


def test_only_a_few_pictures_are_kept(qtbot) -> None:  # type: ignore[no-untyped-def]
    view, plot, axis = _plot(qtbot)
    for top in range(1, PICTURES_KEPT + 4):
        plot.setXRange(0, top * 10, padding=0)
        _image(view)
    assert len(axis.__dict__["_pictures"]) == PICTURES_KEPT


def test_style_and_font_changes_record_new_ticks(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QFont

    view, plot, axis = _plot(qtbot)
    plot.setXRange(0, 10, padding=0)
    first = _image(view)
    calls = _counting(axis)
    axis.setStyle(tickLength=-12)  # the style part of the key is kept between paints
    longer = _image(view)
    assert calls and longer != first
    calls.clear()
    font = QFont()
    font.setPointSizeF(14)
    axis.setTickFont(font)
    assert _image(view) != longer
    assert calls

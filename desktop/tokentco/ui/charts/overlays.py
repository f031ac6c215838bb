"""Custom-painted overlays (grid, value labels, many curves in one item) and the cached
pens and brushes: drawing 100 options as one item is what keeps a repaint in budget."""

import functools
import math
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPen,
    QStaticText,
    QTransform,
)

from tokentco.engine.results import OptionResult
from tokentco.ui import theme
from tokentco.ui.charts.axes import PICTURES_KEPT, Axis

if TYPE_CHECKING:
    from tokentco.ui.charts.base import ChartData


ANTIALIASING = QPainter.RenderHint.Antialiasing
"""Looked up once: a PySide6 enum member costs an attribute walk on every access."""


class Overlay(pg.GraphicsObject):
    """An item that covers its plot's visible area and paints in device pixels."""

    def __init__(self, plot: pg.PlotItem, z: float) -> None:
        super().__init__()
        plot.addItem(self, ignoreBounds=True)
        self.setZValue(z)
        plot.vb.sigRangeChanged.connect(self._range_changed)
        self._rect = QRectF()

    def _range_changed(self, *_: object) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF()

    def boundingRect(self) -> QRectF:
        if self._rect.isNull():
            vb = self.getViewBox()
            self._rect = vb.viewRect() if vb is not None else QRectF()
        return self._rect


class Grid(Overlay):
    """The plot's grid lines at the axes' ticks, one-pixel and unantialiased.

    Replaces pyqtgraph's axis grid, which each axis records and replays with its tick
    labels across the whole plot on every rescale (about 2 ms per axis in software
    rendering); these few lines cost microseconds.
    """

    ALPHA = 0.15

    def __init__(self, plot: pg.PlotItem) -> None:
        super().__init__(plot, -100)
        self.plot = plot
        self._pen = QPen()
        self._pen.setCosmetic(True)
        self._pen.setWidth(1)
        self._cache: OrderedDict[Any, list[tuple[float, list[QLineF]]]] = OrderedDict()
        self._colour_of: tuple[Any, QColor] = (None, QColor())
        """The bottom axis' pen and the grid colour taken from it."""
        self._drawn: tuple[Any, list[tuple[float, list[QLineF]]]] | None = None
        """The lines of the last paint and what they were drawn for (see :meth:`_lines`)."""
        plot.vb.sigResized.connect(self._moved)

    def _range_changed(self, *_: object) -> None:
        super()._range_changed()
        self._moved()

    def _moved(self, *_: object) -> None:
        self._drawn = None

    def _axes(self) -> tuple[tuple[pg.AxisItem, bool], tuple[pg.AxisItem, bool]]:
        """(axis, vertical lines?) for the bottom and left axes."""
        axes = self.plot.axes
        return (axes["bottom"]["item"], True), (axes["left"]["item"], False)

    def _levels(
        self, axis: pg.AxisItem, low: float, high: float, pixels: float
    ) -> list[list[float]]:
        fixed = getattr(axis, "_tickLevels", None)
        if fixed is not None:  # category axes: ticks set explicitly as (position, text)
            return [[float(v) for v, _ in level] for level in fixed]
        return [list(values) for _, values in axis.tickValues(low, high, pixels)]

    def _lines(self, vb: pg.ViewBox, transform: QTransform) -> list[tuple[float, list[QLineF]]]:
        """(alpha, device-pixel lines) per tick level, recomputed only when the view moves
        to a range not among the last few (a drag back and forth across a range step
        computes none).

        The lines of the last paint are reused as they are while the view has neither a
        new range nor a new size (the signals clear them), the plot sits at the same
        device position and the axes keep their explicit ticks: most paints of a plot are
        of its bars or labels, and finding the lines again took longer than drawing them.
        """
        at = (transform.m11(), transform.m22(), transform.dx(), transform.dy())
        ticks = tuple(getattr(axis, "tick_positions", None) for axis, _ in self._axes())
        drawn = self._drawn
        if (
            drawn is not None
            and drawn[0][0] == at
            and all(a is b for a, b in zip(drawn[0][1], ticks, strict=True))
        ):
            return drawn[1]
        lines = self._find_lines(vb, transform, at)
        if all(isinstance(axis, Axis) for axis, _ in self._axes()):
            self._drawn = ((at, ticks), lines)
        return lines

    def _find_lines(
        self, vb: pg.ViewBox, transform: QTransform, at: tuple[float, float, float, float]
    ) -> list[tuple[float, list[QLineF]]]:
        """The lines for ``transform`` (``at``: its m11, m22, dx and dy, as the caller has
        them), from the cache of the last few ranges or computed."""
        rect = vb.viewRect()
        spans = []
        for axis, vertical in self._axes():
            if isinstance(axis, Axis):
                low, high, pixels = axis.tick_span()
            elif vertical:
                low, high, pixels = rect.left(), rect.right(), vb.width()
            else:
                low, high, pixels = rect.top(), rect.bottom(), vb.height()
            spans.append((axis, vertical, min(low, high), max(low, high), pixels))
        key = (
            rect.getRect(),
            at,
            tuple(s[2:] for s in spans),
            tuple(_fixed_ticks(s[0]) for s in spans),
        )
        kept = self._cache.get(key)
        if kept is not None:
            self._cache.move_to_end(key)
            return kept
        out: list[tuple[float, list[QLineF]]] = []
        for axis, vertical, low, high, pixels in spans:
            if not pixels or high <= low:
                continue
            for level, values in enumerate(self._levels(axis, low, high, pixels)[:2]):
                inside = [v for v in values if low <= v <= high]
                if vertical:
                    ends = [(QPointF(v, rect.top()), QPointF(v, rect.bottom())) for v in inside]
                else:
                    ends = [(QPointF(rect.left(), v), QPointF(rect.right(), v)) for v in inside]
                lines = [QLineF(transform.map(a), transform.map(b)) for a, b in ends]
                out.append((self.ALPHA / (1 + level), lines))
        self._cache[key] = out
        while len(self._cache) > PICTURES_KEPT:  # as the axes keep their tick pictures
            self._cache.popitem(last=False)
        return out

    def _colour(self) -> QColor:
        """The bottom axis' line colour (it follows the theme), read again only when the
        axis gets a new pen (``AxisItem.pen()`` makes a new QPen on every call)."""
        axis = self.plot.axes["bottom"]["item"]
        source = getattr(axis, "_pen", None)
        if source is None or source is not self._colour_of[0]:
            self._colour_of = (source, QColor(axis.pen().color()))
        return QColor(self._colour_of[1])

    def paint(self, painter: QPainter, *_: Any) -> None:
        vb = self.getViewBox()
        if vb is None:
            return
        lines = self._lines(vb, painter.transform())
        colour = self._colour()
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(ANTIALIASING, False)
        for alpha, level in lines:
            colour.setAlphaF(alpha)
            self._pen.setColor(colour)
            painter.setPen(self._pen)
            painter.drawLines(level)
        painter.restore()


def _fixed_ticks(axis: pg.AxisItem) -> tuple[tuple[float, ...], ...] | None:
    """The positions of an axis' explicitly set ticks (category axes), None for automatic
    ones: by value, so a grid kept for other categories is never taken for these."""
    if isinstance(axis, Axis):
        return axis.tick_positions
    fixed = getattr(axis, "_tickLevels", None)
    if fixed is None:
        return None
    return tuple(tuple(float(v) for v, _ in level) for level in fixed)


LABEL_BOX_PX = 18
"""Height of the box a value label is centred in, on its bar's centre line."""
STATIC_TEXT_NUDGE = 6.5 / 64
"""Laid-out text (QStaticText) moves to the next pixel row 6.5/64 px later than
``drawText`` does; nudged by this, a label falls on exactly the pixels
``drawText(rect, AlignVCenter)`` drew (measured for the label font at 1×, 1.5× and 2×
device pixel ratios)."""
LAID_OUT_KEPT = 64
"""Laid-out label texts a plot keeps at least (more with more bars)."""


class Labels(Overlay):
    """Every value label of one plot in a single item, drawn as text in device pixels.

    One item repaints far faster than a TextItem per bar (each TextItem relayouts a
    QTextDocument whenever its text changes), and each text is laid out once (a
    QStaticText, kept while it is shown or was a moment ago): a repaint only places glyphs.
    """

    def __init__(self, plot: pg.PlotItem) -> None:
        super().__init__(plot, 50)
        self.entries: list[tuple[float, float, str]] = []
        self._colour = QColor()
        self._font = QFont()
        self._font.setPointSizeF(8.5)
        self._laid_out: OrderedDict[str, QStaticText] = OrderedDict()
        """Each text laid out once (a drag back and forth shows the same few again)."""

    def set_entries(self, entries: list[tuple[float, float, str]], colour: QColor) -> None:
        if entries == self.entries and colour == self._colour:
            return
        self.entries, self._colour = list(entries), QColor(colour)
        self.update()

    def texts(self) -> list[str]:
        return [t.strip() for _, _, t in self.entries]

    def paint(self, painter: QPainter, *_: Any) -> None:
        if not self.entries:
            return
        transform = painter.transform()
        painter.save()
        painter.resetTransform()
        painter.setFont(self._font)
        painter.setPen(self._colour)
        for x, y, text in self.entries:
            at = transform.map(QPointF(x, y))
            laid = self._layout(text)
            # centred on the bar as drawText(rect, AlignVCenter) centres it in 18 px
            top = (
                at.y()
                - LABEL_BOX_PX / 2
                + (LABEL_BOX_PX - laid.size().height()) / 2
                + STATIC_TEXT_NUDGE
            )
            painter.drawStaticText(QPointF(at.x() + 2, top), laid)
        painter.restore()

    def _layout(self, text: str) -> QStaticText:
        """``text`` laid out in the label font, kept: drawing laid-out text skips the
        shaping and line layout ``drawText`` does on every call."""
        laid = self._laid_out.get(text)
        if laid is not None:
            self._laid_out.move_to_end(text)
            return laid
        laid = QStaticText(text)
        laid.setTextFormat(Qt.TextFormat.PlainText)
        laid.prepare(QTransform(), self._font)
        self._laid_out[text] = laid
        while len(self._laid_out) > max(LAID_OUT_KEPT, PICTURES_KEPT * len(self.entries)):
            self._laid_out.popitem(last=False)
        return laid


class Curves(Overlay):
    """Every frontier curve of one plot in a single item: one ``drawPath`` per option.

    A PlotCurveItem per option costs bounds checks and path bookkeeping per curve on every
    paint (about 0.1 ms each, 10 ms with 100 options); here the paths are built once per
    data change and a repaint only strokes them.
    """

    def __init__(self, plot: pg.PlotItem) -> None:
        super().__init__(plot, 10)
        self.paths: list[tuple[QPainterPath, QPen]] = []

    def set_paths(self, paths: list[tuple[QPainterPath, QPen]]) -> None:
        self.paths = paths
        self.update()

    def paint(self, painter: QPainter, *_: Any) -> None:
        painter.setRenderHint(ANTIALIASING, True)
        for path, pen in self.paths:
            painter.setPen(pen)
            painter.drawPath(path)


class Bars(pg.BarGraphItem):
    """pyqtgraph's bars (same options, same drawing calls), cheaper to repaint.

    ``BarGraphItem`` with a pen or brush per bar records its bars into a QPicture on each
    data change and replays it on every paint, and recomputes its bounding rect (two
    pixel vectors through the view transform) each time the scene asks for it, several
    times a frame. Here the bars are drawn straight from their rectangles, a pen or brush
    set only when it differs from the previous bar's (the per-bar pens and brushes are
    shared, cached objects), and the bounding rect is kept until the data or the view
    transform changes."""

    def __init__(self, **opts: Any) -> None:
        self._bounds: QRectF | None = None
        self.cleared = False
        """Whether :func:`set_bars` emptied and hid the item (and nothing was set since)."""
        super().__init__(**opts)

    def setOpts(self, **opts: Any) -> None:
        self._bounds = None
        self.cleared = False
        super().setOpts(**opts)

    def viewTransformChanged(self) -> None:
        # the pen's padding is in pixels: a new scale moves the bounds
        self._bounds = None
        self.prepareGeometryChange()
        super().viewTransformChanged()

    def boundingRect(self) -> QRectF:
        if self._bounds is None:
            self._bounds = QRectF(super().boundingRect())
        return self._bounds

    def paint(self, painter: QPainter, *args: Any) -> None:
        if self._singleColor:
            super().paint(painter, *args)
            return
        rects = self._rectarray.instances()
        pens, brushes = self._pens, self._brushes
        if pens is None and brushes is not None and self._sharedPen.style() == Qt.PenStyle.NoPen:
            for rect, brush in zip(rects, brushes, strict=False):
                painter.fillRect(rect, brush)
            return
        if pens is None:
            painter.setPen(self._sharedPen)
        if brushes is None:
            painter.setBrush(self._sharedBrush)
        pen = brush = None
        for i, rect in enumerate(rects):
            if pens is not None and pens[i] is not pen:
                pen = pens[i]
                painter.setPen(pen)
            if brushes is not None and brushes[i] is not brush:
                brush = brushes[i]
                painter.setBrush(brush)
            painter.drawRect(rect)


class Markers(pg.ScatterPlotItem):
    """pyqtgraph's scatter plot (same data, same drawing), whose bounding rect is kept.

    ``ScatterPlotItem.boundingRect`` finds the data bounds and the pixel padding (two
    vectors through the device transform) each time the scene asks, four times a frame
    for the frontier's operating points. Every change that moves them gives the item a
    new ``bounds`` list (new data, new spot sizes, a new view transform), so the rect is
    kept for as long as that list is the item's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._kept: tuple[object, QRectF] | None = None
        super().__init__(*args, **kwargs)

    def boundingRect(self) -> QRectF:
        bounds = self.bounds
        kept = self._kept
        if kept is None or kept[0] is not bounds:
            kept = (bounds, QRectF(super().boundingRect()))
            self._kept = kept
        return QRectF(kept[1])


@functools.lru_cache(maxsize=256)
def cached_pen(rgba: int, width: float) -> QPen:
    pen: QPen = pg.mkPen(QColor.fromRgba(rgba), width=width)
    return pen


@functools.lru_cache(maxsize=256)
def option_brush(index: int, measured: bool) -> QBrush:
    return theme.option_brush(index, measured)


def bar_pens(
    results: Sequence[OptionResult], data: "ChartData", cheapest_id: str = ""
) -> list[QPen]:
    """Each bar outlined in its option colour; the cheapest in the text colour, thick."""
    outline = theme.highlight_outline().rgba()
    return [
        cached_pen(outline, 3)
        if r.option_id == cheapest_id
        else cached_pen(theme.option_colour(data.colour_index(r.option_id)).rgba(), 1.5)
        for r in results
    ]


ANCHORED_ALPHA = 150
"""Fill of a bar whose throughput is anchored to a measurement: between measured (solid)
and estimated (pale), so the three bases differ in lightness, not hue."""


@functools.lru_cache(maxsize=256)
def basis_brush(index: int, provenance: str) -> QBrush:
    """The option's colour, solid when measured, half-filled when anchored, pale when
    estimated."""
    if provenance == "anchored":
        colour = theme.option_colour(index)
        colour.setAlpha(ANCHORED_ALPHA)
        return QBrush(colour)
    return option_brush(index, provenance == "measured")


def bar_brushes(results: Sequence[OptionResult], data: "ChartData") -> list[QBrush]:
    """Solid for measured throughput, half-filled for anchored, pale for estimated, in the
    option's colour."""
    return [basis_brush(data.colour_index(r.option_id), r.point.provenance) for r in results]


class Whiskers(pg.ErrorBarItem):
    """pyqtgraph's error bars, which know when they are emptied (:meth:`clear`)."""

    def __init__(self, **opts: Any) -> None:
        self.cleared = False
        """Whether :meth:`clear` emptied and hid the item (and nothing was set since)."""
        super().__init__(**opts)

    def setData(self, **opts: Any) -> None:
        self.cleared = False
        super().setData(**opts)

    def clear(self) -> None:
        """Empty and hide the whiskers, once: emptied already, they are left alone.

        Emptying an ErrorBarItem gives it a null path whose bounding rect Qt cannot place
        in the view box: each time, the whole chart view was repainted (axes, title and
        all) instead of the plot area its data changed in."""
        if self.cleared:
            return  # no ranges again this frame: nothing to empty
        self.setData(x=np.empty(0), y=np.empty(0), left=np.empty(0), right=np.empty(0))
        self.hide()
        self.cleared = True


def error_bars(
    bars: Whiskers,
    values: Sequence[float],
    ranges: Sequence[tuple[float, float] | None],
) -> list[tuple[float, float] | None]:
    """Show the p10–p90 ``ranges`` of horizontal bars as whiskers (one item for every bar;
    a bar without a range gets none). Returns the ranges drawn, for hover and tests."""
    kept = [
        (i, rng)
        for i, rng in enumerate(ranges)
        if rng is not None and values[i] > 0 and all(map(_finite, rng)) and rng[0] < rng[1]
    ]
    drawn: list[tuple[float, float] | None] = [None] * len(ranges)
    for i, rng in kept:
        drawn[i] = rng
    if not kept:
        bars.clear()
        return drawn
    x = np.asarray([values[i] for i, _ in kept], dtype=float)
    low = np.asarray([rng[0] for _, rng in kept], dtype=float)
    high = np.asarray([rng[1] for _, rng in kept], dtype=float)
    bars.setData(
        x=x,
        y=np.asarray([i for i, _ in kept], dtype=float),
        left=np.maximum(x - low, 0.0),
        right=np.maximum(high - x, 0.0),
        beam=0.3,
        pen=cached_pen(theme.chart_foreground().rgba(), 1.2),  # follows a palette change
    )
    bars.show()
    return drawn


def _finite(value: float) -> bool:
    return math.isfinite(value)


def set_bars(
    item: pg.BarGraphItem,
    x0: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    width: Sequence[float] | np.ndarray,
    height: float,
    brushes: Sequence[QBrush] | None = None,
    pens: Sequence[QPen] | None = None,
    **opts: Any,
) -> None:
    """Give ``item`` its bars, or hide it when there are none.

    pyqtgraph's BarGraphItem fails on empty ``brushes``/``pens`` lists (an unset pen in
    ``_updateColors``), so no bars clears the lists (its single pen and brush apply) and
    hides the item; the next data shows it again."""
    empty = len(y) == 0
    if empty and isinstance(item, Bars) and item.cleared:
        return  # emptied already (a chart without a workload mix, every frame)
    colours: dict[str, Any] = {}
    if brushes is not None or empty:
        colours["brushes"] = None if empty else list(brushes or [])
    if pens is not None or empty:
        colours["pens"] = None if empty else list(pens or [])
    item.setOpts(
        x0=np.asarray(x0, dtype=float),
        y=np.asarray(y, dtype=float),
        width=np.asarray(width, dtype=float),
        height=height,
        **colours,
        **opts,
    )
    item.setVisible(not empty)
    if isinstance(item, Bars):
        item.cleared = empty

"""pyqtgraph charts of a :class:`~tokentco.engine.results.Comparison`.

Each chart keeps its graphics items and only swaps their data on :meth:`Chart.show`, so a
repaint while a slider moves costs a few milliseconds even with 100 options. Colours are
Okabe–Ito per option (same colour in every chart and in the options list); measured
throughput is drawn solid and estimated throughput hatched, so the distinction never
relies on colour alone. Hovering shows exact values; every chart exports to PNG or SVG
(right-click ▸ Export, or File ▸ Export chart).
"""

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph import exporters
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPen,
    QTransform,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QGraphicsItem, QVBoxLayout, QWidget

from tokentco import MODEL_VERSION
from tokentco.domain import Project
from tokentco.engine.results import Comparison, OptionResult
from tokentco.ui import theme

MAX_BAR_LABELS = 24
"""Value labels are drawn on bars up to this many options; above it, hover shows values."""
LABEL_CHARS = 24


@dataclass(frozen=True, eq=False)
class ChartData:
    """What every chart is drawn from: results plus the project they were computed for."""

    comparison: Comparison
    project: Project
    selected_id: str = ""
    tornado: Sequence[Any] | None = None
    tornado_for: str = ""

    def colour_index(self, option_id: str) -> int:
        """Position of the option in the project: its colour in every chart and list."""
        return self._colours.get(option_id, 0)

    @cached_property
    def _colours(self) -> dict[str, int]:
        return {option.id: index for index, option in enumerate(self.project.options)}


def elide(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fmt_money(value: float) -> str:
    if not math.isfinite(value):
        return "—"
    if value >= 100:
        return f"${value:,.0f}"
    if value >= 1:
        return f"${value:,.2f}"
    return f"${value:.3f}"


def fmt_number(value: float | None, unit: str = "") -> str:
    if value is None or not math.isfinite(value):
        return "—"
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:,.2f}{suffix}{unit}"
    return f"{value:,.3g}{unit}" if abs(value) < 10 else f"{value:,.0f}{unit}"


def provenance_text(result: OptionResult) -> str:
    point = result.point
    if point.provenance == "measured":
        return f"measured ({point.source})" if point.source else "measured"
    return f"estimated ({MODEL_VERSION})"


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5, 5 × 10^k at or above ``value`` (1 for nothing to show)."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    unit = 10.0 ** math.floor(math.log10(value))
    return next(m * unit for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * unit >= value * (1 - 1e-12))


def stable_range(current: tuple[float, float], low: float, high: float) -> tuple[float, float]:
    """An axis range that shows ``[low, high]`` and stays put while it can.

    A slider drag moves the data a little each frame; rescaling the axis every frame hides
    the change (the bars keep their length) and repaints every tick label. The range is
    kept while the data fills between half and all of it, otherwise it jumps to a round
    number.
    """
    span = high - low
    c_low, c_high = current
    c_span = c_high - c_low
    if c_low <= low and high <= c_high and span >= 0.5 * c_span and c_span > 0:
        return current
    top = low + nice_ceiling(span) if low else nice_ceiling(high)
    return low, top


def set_value_range(plot: pg.PlotItem, low: float, high: float, rows: int | None = None) -> None:
    """Show ``[low, high]`` on the value (x) axis and, for bars, ``rows`` categories."""
    vb = plot.vb
    x = stable_range(tuple(vb.viewRange()[0]), low, high)
    if rows is None:
        vb.setXRange(*x, padding=0)
    else:
        vb.setRange(xRange=x, yRange=(-0.6, max(rows, 1) - 0.4), padding=0)


class Axis(pg.AxisItem):
    """An axis that remembers its last tick values, so the grid drawn at the same ticks
    does not compute them again."""

    _memo: tuple[Any, Any] = (None, None)

    def tickValues(self, minVal: float, maxVal: float, size: float) -> Any:
        key = (min(minVal, maxVal), max(minVal, maxVal), round(size, 6), self.logMode)
        if self._memo[0] != key:
            self._memo = (key, super().tickValues(minVal, maxVal, size))
        return self._memo[1]

    def _updateLabel(self) -> None:
        # pyqtgraph re-sets the axis title's HTML on every range change (a text relayout
        # and a repaint of the title); only do that when the text really changes
        html = self.labelString()
        if html != getattr(self, "_label_html", None):
            self._label_html = html
            super()._updateLabel()
        else:
            self.picture = None
            self.update()

    def tick_span(self) -> tuple[float, float, float]:
        """(low, high, pixels) as the axis passes them to :meth:`tickValues` when painting."""
        low, high = sorted(self.range)
        rect = self.geometry()
        pixels = (rect.width() if self.orientation in ("top", "bottom") else rect.height()) + 2
        return low, high, pixels


class CategoryAxis(Axis):
    """An axis whose ticks are category names at integer positions."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self._labels: list[str] = []
        self.setStyle(autoExpandTextSpace=True, tickTextOffset=6)

    def set_categories(self, labels: list[str]) -> None:
        if labels != self._labels:
            self._labels = list(labels)
            self.setTicks([[(i, elide(t)) for i, t in enumerate(labels)], []])


def compact(value: float) -> str:
    """Tick text such as 500k, 1M, 1.5M (no trailing zeros)."""
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.2f}".rstrip("0").rstrip(".") + suffix
    return f"{value:g}"


class NumberAxis(Axis):
    """A value axis with compact tick labels (1.5M, 250k, 0.12) and no "(x1e6)" scale."""

    def __init__(self, orientation: str, money: bool = False) -> None:
        super().__init__(orientation)
        self.money = money
        self.enableAutoSIPrefix(False)
        # two tick levels (labelled and minor): pyqtgraph's third level adds dozens of tiny
        # ticks whose geometry is computed in Python on every rescale
        self.setStyle(maxTickLevel=1, maxTextLevel=1)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        out = []
        for v in values:
            if abs(v) >= 1000:
                text = compact(v)
            elif spacing >= 1:
                text = f"{v:,.0f}"
            else:
                digits = max(0, min(4, -math.floor(math.log10(spacing)))) if spacing > 0 else 2
                text = f"{v:.{digits}f}"
            out.append(("$" + text) if self.money and not text.startswith("-") else text)
        return out


def set_title(plot: pg.PlotItem, text: str) -> None:
    """A bold title that never widens the chart (pyqtgraph sizes a plot to fit its title)."""
    label = plot.titleLabel
    if getattr(label, "_last", None) == text:
        return  # re-setting a title relayouts the whole plot
    label._last = text
    if not getattr(label, "_narrow", False):
        original = label.updateMin

        def update_min() -> None:
            original()
            label.setMinimumWidth(0)

        label.updateMin = update_min
        label._narrow = True
    plot.setTitle(text, size="10.5pt", bold=True)


def row_at(y: float, rows: Sequence[Any]) -> Any:
    """The row drawn at height ``y`` (one per integer position), or None."""
    i = round(y)
    return rows[i] if 0 <= i < len(rows) else None


class Chart(QWidget):
    """Base: a titled pyqtgraph plot with hover read-out and PNG/SVG export."""

    title = "Chart"
    exported = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(type(self).__name__)
        self.view = pg.GraphicsLayoutWidget()
        self.view.setAntialiasing(True)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.setMinimumSize(280, 200)
        self.view.ci.setContentsMargins(6, 4, 10, 6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.setAccessibleName(self.title)
        self.hover_text = ""
        self._last_key: Any = None
        self._hover = pg.TextItem(
            anchor=(0, 1),
            fill=pg.mkBrush(theme.chart_background()),
            border=pg.mkPen(theme.muted_foreground()),
        )
        self._hover.setZValue(1000)
        self._hover.hide()
        self._data: ChartData | None = None
        self.view.scene().sigMouseMoved.connect(self._mouse_moved)
        for fmt in ("png", "svg"):
            action = QAction(f"Export “{self.title}” as {fmt.upper()}…", self)
            action.triggered.connect(lambda _=False, f=fmt: self.export_dialog(f))
            self.view.scene().contextMenu.append(action)

    # --- plot setup helpers -----------------------------------------------------------------
    def _plot(
        self,
        row: int = 0,
        col: int = 0,
        left: pg.AxisItem | None = None,
        bottom: pg.AxisItem | None = None,
        title: str = "",
    ) -> pg.PlotItem:
        axes = {}
        if left is not None:
            axes["left"] = left
        if bottom is not None:
            axes["bottom"] = bottom
        plot = self.view.addPlot(row=row, col=col, axisItems=axes)
        set_title(plot, title or self.title)
        _Grid(plot)
        plot.setMenuEnabled(True)
        plot.hideButtons()
        font = QFont()
        font.setPointSizeF(8.5)
        for name in ("left", "bottom"):
            plot.getAxis(name).setTickFont(font)
            plot.getAxis(name).label.setFont(font)
        for name in ("left", "bottom", "right", "top"):
            # pyqtgraph replays each axis' QPicture (slow text) on every repaint of the view;
            # a device-pixel cache turns an unchanged axis into one blit
            plot.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        plot.titleLabel.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        return plot

    def _legend(self, row: int, col: int, columns: int) -> pg.LegendItem:
        """A legend in its own row under the plot, so it never hides data."""
        legend = pg.LegendItem(colCount=columns, labelTextSize="8pt", verSpacing=-4, horSpacing=14)
        legend.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.view.addItem(legend, row=row, col=col)
        return legend

    def _attach_hover(self, plot: pg.PlotItem) -> None:
        self._hover_plot = plot
        plot.addItem(self._hover, ignoreBounds=True)

    def _bar_plot(
        self,
        unit: str,
        money: bool = True,
        row: int = 0,
        col: int = 0,
        title: str = "",
    ) -> tuple[CategoryAxis, pg.PlotItem]:
        """A horizontal bar plot: categories down the left (first on top), values along x."""
        axis = CategoryAxis("left")
        plot = self._plot(
            row, col, left=axis, bottom=NumberAxis("bottom", money=money), title=title
        )
        plot.invertY(True)
        plot.setLabel("bottom", unit)
        return axis, plot

    def _result_at(self, y: float) -> OptionResult | None:
        """The option whose bar is at height ``y`` (bars are drawn one per option)."""
        if self._data is None:
            return None
        return row_at(y, self._data.comparison.options)

    def apply_theme(self) -> None:
        """Follow the application palette (light or dark)."""
        self._last_key = None  # colours changed: the next data must be drawn
        self.view.setBackground(theme.chart_background())
        fg = theme.chart_foreground()
        for item in self.view.ci.items:
            if isinstance(item, pg.PlotItem):
                for name in ("left", "bottom", "right", "top"):
                    axis = item.getAxis(name)
                    axis.setPen(pg.mkPen(theme.muted_foreground()))
                    axis.setTextPen(pg.mkPen(fg))
                item.titleLabel.setAttr("color", fg)
                set_title(item, item.titleLabel.text)
            elif isinstance(item, pg.LegendItem):
                item.setLabelTextColor(fg)
        self._hover.fill = pg.mkBrush(theme.chart_background())
        self._hover.setColor(fg)

    # --- data --------------------------------------------------------------------------------
    def show_data(self, data: ChartData) -> None:
        """Draw ``data``; skipped when nothing this chart shows has changed (a utilization
        drag leaves $/GPU-hour, energy and the frontier as they were)."""
        self._data = data
        key = self.data_key(data)
        if key is not None and key == self._last_key:
            return
        self._last_key = key
        self.update_plot(data)
        for item in self.view.ci.items:
            if isinstance(item, pg.PlotItem):
                # apply the new ranges now: pyqtgraph defers the view transform to the paint,
                # where changing it marks every item dirty again and the view paints twice
                item.vb.updateMatrix()

    def data_key(self, data: ChartData) -> Any:
        """A cheap value equal for two inputs that draw the same picture (None: always draw)."""
        return None

    @staticmethod
    def _ids(data: ChartData) -> tuple[Any, ...]:
        return tuple(
            (r.option_id, r.label, data.colour_index(r.option_id), r.point.provenance)
            for r in data.comparison.options
        )

    def update_plot(self, data: ChartData) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def hover_at(self, x: float, y: float) -> str:
        """Exact values under a point in data coordinates ("" when nothing is there)."""
        return ""

    def _mouse_moved(self, pos: QPointF) -> None:
        plot = getattr(self, "_hover_plot", None)
        if plot is None or self._data is None:
            return
        if not plot.sceneBoundingRect().contains(pos):
            self._hover.hide()
            return
        point = plot.vb.mapSceneToView(pos)
        self.show_hover(point.x(), point.y())

    def show_hover(self, x: float, y: float) -> str:
        """Show the read-out at data point (x, y); returns its text (used by tests)."""
        text = self.hover_at(x, y)
        self.hover_text = text
        if not text:
            self._hover.hide()
            return ""
        self._hover.setText(text)
        self._hover.setPos(x, y)
        self._hover.show()
        return text

    # --- export ------------------------------------------------------------------------------
    def export(self, path: Path | str) -> Path:
        """Write the chart as PNG (2× for high-DPI) or SVG, chosen by the file suffix."""
        path = Path(path)
        self._hover.hide()
        if path.suffix.lower() == ".svg":
            self._export_svg(path)
        else:
            if path.suffix.lower() != ".png":
                path = path.with_suffix(".png")
            exporter = exporters.ImageExporter(self.view.scene())
            exporter.parameters()["width"] = max(800, int(self.view.width() * 2))
            exporter.export(str(path))
        self.exported.emit(str(path))
        return path

    def _export_svg(self, path: Path) -> None:
        """Vector export through QSvgGenerator (pyqtgraph's SVG post-processing cannot parse
        the path syntax recent Qt versions write)."""
        source = (
            self.view.sceneRect()
            if not self.view.sceneRect().isEmpty()
            else QRectF(self.view.rect())
        )
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(source.size().toSize())
        generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
        generator.setTitle(self.title)
        generator.setDescription(f"TokenTCO chart — {self.title}")
        painter = QPainter(generator)
        try:
            painter.fillRect(
                QRectF(0, 0, source.width(), source.height()), theme.chart_background()
            )
            self.view.scene().render(painter, QRectF(0, 0, source.width(), source.height()), source)
        finally:
            painter.end()

    def export_dialog(self, fmt: str = "png") -> None:
        name = self.title.lower().replace(" ", "-").replace("/", "-").replace("$", "usd")
        filters = "PNG image (*.png)" if fmt == "png" else "SVG drawing (*.svg)"
        path, _ = QFileDialog.getSaveFileName(
            self, f"Export {self.title}", f"{name}.{fmt}", filters
        )
        if path:
            self.export(path)


class _Overlay(pg.GraphicsObject):
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


class _Grid(_Overlay):
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
        self._cache: tuple[Any, list[tuple[float, list[QLineF]]]] | None = None

    def _levels(self, name: str, low: float, high: float, pixels: float) -> list[list[float]]:
        axis = self.plot.getAxis(name)
        fixed = getattr(axis, "_tickLevels", None)
        if fixed is not None:  # category axes: ticks set explicitly as (position, text)
            return [[float(v) for v, _ in level] for level in fixed]
        return [list(values) for _, values in axis.tickValues(low, high, pixels)]

    def _lines(self, vb: pg.ViewBox, transform: QTransform) -> list[tuple[float, list[QLineF]]]:
        """(alpha, device-pixel lines) per tick level, recomputed only when the view moves."""
        rect = vb.viewRect()
        spans = []
        for name, vertical in (("bottom", True), ("left", False)):
            axis = self.plot.getAxis(name)
            if isinstance(axis, Axis):
                low, high, pixels = axis.tick_span()
            elif vertical:
                low, high, pixels = rect.left(), rect.right(), vb.width()
            else:
                low, high, pixels = rect.top(), rect.bottom(), vb.height()
            spans.append((name, vertical, min(low, high), max(low, high), pixels))
        key = (
            rect.getRect(),
            (transform.m11(), transform.m22(), transform.dx(), transform.dy()),
            tuple(s[2:] for s in spans),
            tuple(id(getattr(self.plot.getAxis(s[0]), "_tickLevels", None)) for s in spans),
        )
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        out: list[tuple[float, list[QLineF]]] = []
        for name, vertical, low, high, pixels in spans:
            if not pixels or high <= low:
                continue
            for level, values in enumerate(self._levels(name, low, high, pixels)[:2]):
                inside = [v for v in values if low <= v <= high]
                if vertical:
                    ends = [(QPointF(v, rect.top()), QPointF(v, rect.bottom())) for v in inside]
                else:
                    ends = [(QPointF(rect.left(), v), QPointF(rect.right(), v)) for v in inside]
                lines = [QLineF(transform.map(a), transform.map(b)) for a, b in ends]
                out.append((self.ALPHA / (1 + level), lines))
        self._cache = (key, out)
        return out

    def paint(self, painter: QPainter, *_: Any) -> None:
        vb = self.getViewBox()
        if vb is None:
            return
        lines = self._lines(vb, painter.transform())
        colour = QColor(self.plot.getAxis("bottom").pen().color())
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for alpha, level in lines:
            colour.setAlphaF(alpha)
            self._pen.setColor(colour)
            painter.setPen(self._pen)
            painter.drawLines(level)
        painter.restore()


class _Labels(_Overlay):
    """Every value label of one plot in a single item, drawn as text in device pixels.

    One item with a handful of ``drawText`` calls repaints far faster than a TextItem per
    bar (each TextItem relayouts a QTextDocument whenever its text changes).
    """

    def __init__(self, plot: pg.PlotItem) -> None:
        super().__init__(plot, 50)
        self.entries: list[tuple[float, float, str]] = []
        self._colour = QColor()
        self._font = QFont()
        self._font.setPointSizeF(8.5)

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
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for x, y, text in self.entries:
            at = transform.map(QPointF(x, y))
            painter.drawText(QRectF(at.x() + 2, at.y() - 9, 400, 18), flags, text)
        painter.restore()


class _Curves(_Overlay):
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
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for path, pen in self.paths:
            painter.setPen(pen)
            painter.drawPath(path)


@functools.lru_cache(maxsize=256)
def _cached_pen(rgba: int, width: float) -> QPen:
    return pg.mkPen(QColor.fromRgba(rgba), width=width)


@functools.lru_cache(maxsize=256)
def _option_brush(index: int, measured: bool) -> QBrush:
    return theme.option_brush(index, measured)


def _bar_pens(
    results: Sequence[OptionResult], data: "ChartData", cheapest_id: str = ""
) -> list[QPen]:
    """Each bar outlined in its option colour; the cheapest in the text colour, thick."""
    outline = theme.highlight_outline().rgba()
    return [
        _cached_pen(outline, 3)
        if r.option_id == cheapest_id
        else _cached_pen(theme.option_colour(data.colour_index(r.option_id)).rgba(), 1.5)
        for r in results
    ]


def _bar_brushes(results: Sequence[OptionResult], data: "ChartData") -> list[QBrush]:
    """Solid for measured throughput, pale for estimated, in the option's colour."""
    return [
        _option_brush(data.colour_index(r.option_id), r.point.provenance == "measured")
        for r in results
    ]


class CostChart(Chart):
    """$/Mtok per option at its operating point; cheapest outlined and labelled."""

    title = "Cost per million tokens"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.axis, self.plot = self._bar_plot("$ per million tokens at the operating point")
        self.bars = pg.BarGraphItem(x0=[], y=[], height=0.7, width=[])
        self.plot.addItem(self.bars)
        self.labels = _Labels(self.plot)
        legend = self._legend(1, 0, 3)
        grey = QColor("#888888")
        legend.addItem(pg.BarGraphItem(x=[], height=[], width=0, brush=QBrush(grey)), "measured")
        legend.addItem(
            pg.BarGraphItem(
                x=[],
                height=[],
                width=0,
                brush=QBrush(theme.pale(grey)),
                pen=pg.mkPen(grey, width=1.5),
            ),
            f"estimated ({MODEL_VERSION})",
        )
        legend.setMinimumWidth(0)
        legend.addItem(
            pg.BarGraphItem(
                x=[],
                height=[],
                width=0,
                pen=pg.mkPen(theme.chart_foreground(), width=3),
                brush=QBrush(Qt.BrushStyle.NoBrush),
            ),
            "cheapest",
        )
        self.legend = legend
        self._attach_hover(self.plot)
        self.values: list[float] = []
        self.cheapest_id = ""

    def data_key(self, data: ChartData) -> Any:
        return self._ids(data), tuple(r.usd_per_mtok for r in data.comparison.options)

    def update_plot(self, data: ChartData) -> None:
        results = data.comparison.options
        cheapest = data.comparison.cheapest
        self.cheapest_id = cheapest.option_id if cheapest else ""
        values = [
            r.usd_per_mtok if r.point.feasible and math.isfinite(r.usd_per_mtok) else 0.0
            for r in results
        ]
        self.values = values
        brushes = _bar_brushes(results, data)
        self.bars.setOpts(
            x0=np.zeros(len(values)),
            y=np.arange(len(values)),
            height=0.7,
            width=np.asarray(values),
            brushes=brushes,
            pens=_bar_pens(results, data, self.cheapest_id),
        )
        self.axis.set_categories([r.label or r.option_id for r in results])
        entries = []
        if len(results) <= MAX_BAR_LABELS:
            for i, r in enumerate(results):
                if not r.point.feasible:
                    text = "infeasible"
                else:
                    text = fmt_money(r.usd_per_mtok)
                    if r.option_id == self.cheapest_id:
                        text += "  ★ cheapest"
                entries.append((values[i], float(i), "  " + text))
        self.labels.set_entries(entries, theme.chart_foreground())
        top = max(values, default=1.0) or 1.0
        set_value_range(self.plot, 0, top * 1.35, len(values))

    def hover_at(self, x: float, y: float) -> str:
        r = self._result_at(y)
        if r is None:
            return ""
        if not r.point.feasible:
            return f"{r.label}\ninfeasible: {r.point.reason}"
        return (
            f"{r.label}\n{fmt_money(r.usd_per_mtok)} per Mtok\n"
            f"{fmt_money(r.cost.usd_per_gpu_hour)}/GPU-h at {r.utilization:.0%} utilization\n"
            f"{r.point.output_tokens_per_s_per_gpu:,.0f} tok/s/GPU — {provenance_text(r)}"
        )


class FrontierChart(Chart):
    """Tokens/s/GPU against tokens/s/user per option, the target line and operating points."""

    title = "Throughput vs interactivity"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = self._plot(left=Axis("left"), bottom=NumberAxis("bottom"))
        self.plot.setLogMode(x=False, y=True)
        # ranges are set from the data once per update: autorange would re-scan every
        # curve after each of the n setData calls (quadratic with 100 options)
        self.plot.vb.disableAutoRange()
        self.plot.setLabel("bottom", "tokens/s per user (interactivity)")
        self.plot.setLabel("left", "output tokens/s per GPU")
        self.curves = _Curves(self.plot)
        self._paths: dict[str, tuple[Any, QPainterPath]] = {}
        self._samples: list[pg.PlotDataItem] = []  # legend swatches (never drawn in the plot)
        self.points = pg.ScatterPlotItem(size=13, pxMode=True)
        self.points.setZValue(20)
        self.plot.addItem(self.points)
        self.region = pg.LinearRegionItem(
            values=(0, 0), movable=False, brush=pg.mkBrush(213, 94, 0, 28), pen=pg.mkPen(None)
        )
        self.region.setZValue(-10)
        self.plot.addItem(self.region, ignoreBounds=True)
        self.target = pg.InfiniteLine(
            angle=90,
            movable=False,
            pen=pg.mkPen(theme.TARGET, width=2, style=Qt.PenStyle.DashLine),
            label="target",
            labelOpts={"position": 0.92, "color": theme.TARGET},
        )
        self.plot.addItem(self.target, ignoreBounds=True)
        self.legend = self._legend(1, 0, 2)
        self._attach_hover(self.plot)
        self._xs = np.empty(0)
        self._ys = np.empty(0)
        self._owner = np.empty(0, dtype=np.int64)
        self._conc = np.empty(0)
        self._pens: dict[tuple[int, bool], QPen] = {}
        self._brushes: dict[int, QBrush] = {}
        self._outline = pg.mkPen(theme.chart_foreground(), width=1.5)

    def data_key(self, data: ChartData) -> Any:
        points = tuple(
            (
                r.point.feasible,
                r.point.tokens_per_s_per_user,
                r.point.output_tokens_per_s_per_gpu,
                len(r.frontier.tokens_per_s_per_user),
                float(np.nansum(r.frontier.tokens_per_s_per_user)),
                float(np.nansum(r.frontier.output_tokens_per_s_per_gpu)),
            )
            for r in data.comparison.options
        )
        target = data.project.workload.min_tokens_per_s_per_user
        return self._ids(data), points, data.selected_id, target

    def update_plot(self, data: ChartData) -> None:
        results = data.comparison.options
        show_legend = len(results) <= 10
        legend_key = (
            [(r.option_id, r.label, data.colour_index(r.option_id)) for r in results]
            if show_legend
            else []
        )
        rebuild = legend_key != getattr(self, "_legend_key", None)
        if rebuild:
            self.legend.clear()
            self._samples.clear()
            self._legend_key = legend_key
        paths: list[tuple[QPainterPath, QPen]] = []
        xs, ys, owner, conc = [], [], [], []
        px, py, brushes, symbols, sizes = [], [], [], [], []
        for i, r in enumerate(results):
            index = data.colour_index(r.option_id)
            f = r.frontier
            x = np.asarray(f.tokens_per_s_per_user, dtype=float)
            y = np.asarray(f.output_tokens_per_s_per_gpu, dtype=float)
            ok = (y > 0) & np.isfinite(x) & np.isfinite(y)
            x, y = x[ok], y[ok]
            state = (index, r.option_id == data.selected_id)
            pen = self._pen(*state)
            known = self._paths.get(r.option_id)
            if known is None or not (
                np.array_equal(known[0][0], x) and np.array_equal(known[0][1], y)
            ):  # utilization and prices do not move the frontier: keep unchanged paths
                path = pg.arrayToQPath(x, np.log10(y)) if x.size else QPainterPath()
                known = ((x, y), path)
                self._paths[r.option_id] = known
            paths.append((known[1], pen))
            if show_legend and rebuild:
                sample = pg.PlotDataItem(pen=self._pen(index, False))
                self._samples.append(sample)
                self.legend.addItem(sample, elide(r.label or r.option_id, 22))
            xs.append(x)
            ys.append(y)
            owner.append(np.full(len(x), i))
            conc.append(np.asarray(f.concurrency, dtype=float)[ok])
            p = r.point
            if p.feasible and p.output_tokens_per_s_per_gpu > 0:
                measured = p.provenance == "measured"
                px.append(p.tokens_per_s_per_user)
                py.append(math.log10(p.output_tokens_per_s_per_gpu))
                brushes.append(self._brush(index))
                symbols.append("star" if measured else "o")
                sizes.append(16 if measured else 12)
        if rebuild:
            self.legend.setMinimumWidth(0)
        # the selected curve last, on top of the others
        selected = [i for i, r in enumerate(results) if r.option_id == data.selected_id]
        order = [i for i in range(len(results)) if i not in selected] + selected
        self.curves.set_paths([paths[i] for i in order])
        alive = {r.option_id for r in results}
        self._paths = {k: v for k, v in self._paths.items() if k in alive}
        self.points.setData(
            x=px, y=py, brush=brushes, symbol=symbols, size=sizes, pen=self._outline
        )
        self._xs = np.concatenate(xs) if xs else np.empty(0)
        self._ys = np.concatenate(ys) if ys else np.empty(0)
        self._owner = np.concatenate(owner) if owner else np.empty(0, dtype=np.int64)
        self._conc = np.concatenate(conc) if conc else np.empty(0)
        if self._xs.size:
            min_speed = data.project.workload.min_tokens_per_s_per_user or 0.0
            logs = np.log10(self._ys)
            x_max = max(float(self._xs.max()), min_speed) * 1.05
            (x_range, y_range) = self.plot.vb.viewRange()
            self.plot.vb.setRange(
                xRange=stable_range(tuple(x_range), 0.0, x_max),
                yRange=stable_range(
                    tuple(y_range), float(logs.min()) - 0.15, float(logs.max()) + 0.25
                ),
                padding=0,
            )
        target = data.project.workload.min_tokens_per_s_per_user
        if target == getattr(self, "_target", -1.0):
            pass
        elif target:
            self._target = target
            self.target.setValue(target)
            self.target.label.setFormat(f"≥ {target:g} tok/s/user")
            self.target.show()
            self.region.setRegion((0, target))
            self.region.show()
        else:
            self._target = -1.0
            self.target.hide()
            self.region.hide()

    def _pen(self, index: int, selected: bool) -> QPen:
        key = (index, selected)
        if key not in self._pens:
            self._pens[key] = pg.mkPen(theme.option_colour(index), width=3 if selected else 1.6)
        return self._pens[key]

    def _brush(self, index: int) -> QBrush:
        if index not in self._brushes:
            self._brushes[index] = pg.mkBrush(theme.option_colour(index))
        return self._brushes[index]

    @property
    def operating_points(self) -> list[tuple[float, float]]:
        """(tokens/s/user, tokens/s/GPU) of the drawn operating points (for tests)."""
        return [(float(s.pos().x()), float(10 ** s.pos().y())) for s in self.points.points()]

    def hover_at(self, x: float, y: float) -> str:
        if self._data is None or not self._xs.size:
            return ""
        vb = self.plot.vb
        # distances in screen pixels (y is drawn in log10 space)
        rect = vb.viewRect()
        w = max(vb.width(), 1.0)
        h = max(vb.height(), 1.0)
        dx = (self._xs - x) / max(rect.width(), 1e-9) * w
        dy = (np.log10(np.maximum(self._ys, 1e-12)) - y) / max(abs(rect.height()), 1e-9) * h
        d = np.hypot(dx, dy)
        k = int(np.argmin(d))
        if d[k] > 30:
            return ""
        r = self._data.comparison.options[int(self._owner[k])]
        return (
            f"{r.label}\n{self._ys[k]:,.0f} tok/s/GPU at {self._xs[k]:,.1f} tok/s/user\n"
            f"concurrency {self._conc[k]:,.0f}"
        )


class EnergyChart(Chart):
    """Tokens/s per MW of facility power and kWh per million tokens, side by side."""

    title = "Energy"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.axis, self.mw = self._bar_plot(
            "output tok/s per facility MW", money=False, title="Tok/s per MW"
        )
        self.kwh = self._plot(
            0, 1, left=CategoryAxis("left"), bottom=NumberAxis("bottom"), title="kWh/Mtok"
        )
        self.kwh.invertY(True)
        self.kwh.setYLink(self.mw)
        self.kwh.hideAxis("left")
        self.kwh.setLabel("bottom", "kWh/Mtok")
        self.view.ci.layout.setColumnStretchFactor(0, 3)
        self.view.ci.layout.setColumnStretchFactor(1, 2)
        self.mw_bars = pg.BarGraphItem(x0=[], y=[], height=0.7, width=[])
        self.kwh_bars = pg.BarGraphItem(x0=[], y=[], height=0.7, width=[])
        self.mw.addItem(self.mw_bars)
        self.kwh.addItem(self.kwh_bars)
        self.mw_labels = _Labels(self.mw)
        self.kwh_labels = _Labels(self.kwh)
        self._attach_hover(self.mw)
        self.mw_values: list[float] = []
        self.kwh_values: list[float] = []

    def data_key(self, data: ChartData) -> Any:
        values = tuple(
            (r.point.feasible, r.tokens_per_s_per_mw, r.kwh_per_mtok)
            for r in data.comparison.options
        )
        return self._ids(data), values

    def update_plot(self, data: ChartData) -> None:
        results = data.comparison.options
        mw = [r.tokens_per_s_per_mw or 0.0 if r.point.feasible else 0.0 for r in results]
        kwh = [r.kwh_per_mtok or 0.0 if r.point.feasible else 0.0 for r in results]
        mw = [v if math.isfinite(v) else 0.0 for v in mw]
        kwh = [v if math.isfinite(v) else 0.0 for v in kwh]
        self.mw_values, self.kwh_values = mw, kwh
        brushes = _bar_brushes(results, data)
        pens = _bar_pens(results, data)
        y = np.arange(len(results))
        self.mw_bars.setOpts(
            x0=np.zeros(len(y)), y=y, height=0.7, width=np.asarray(mw), brushes=brushes, pens=pens
        )
        self.kwh_bars.setOpts(
            x0=np.zeros(len(y)), y=y, height=0.7, width=np.asarray(kwh), brushes=brushes, pens=pens
        )
        self.axis.set_categories([r.label or r.option_id for r in results])
        fg = theme.chart_foreground()
        few = len(results) <= MAX_BAR_LABELS
        self.mw_labels.set_entries(
            [(v, float(i), " " + fmt_number(v)) for i, v in enumerate(mw)] if few else [], fg
        )
        self.kwh_labels.set_entries(
            [(v, float(i), f" {v:.3g}") for i, v in enumerate(kwh)] if few else [], fg
        )
        set_value_range(self.mw, 0, (max(mw, default=1.0) or 1.0) * 1.45, len(results))
        set_value_range(self.kwh, 0, (max(kwh, default=1.0) or 1.0) * 1.7)

    def hover_at(self, x: float, y: float) -> str:
        r = self._result_at(y)
        if r is None:
            return ""
        watts = (
            f"{r.watts_per_gpu_all_in:,.0f} W/GPU all-in × PUE {r.pue:g}"
            if r.watts_per_gpu_all_in
            else "power unknown"
        )
        return (
            f"{r.label}\n{fmt_number(r.tokens_per_s_per_mw)} tok/s per MW\n"
            f"{r.kwh_per_mtok or 0:.3f} kWh per Mtok\n{watts}"
        )


COMPONENTS = (("rental", "rental"), ("capex", "capex"), ("energy", "energy"), ("opex", "opex"))


class BreakdownChart(Chart):
    """$/GPU-hour per option, stacked: rental or capex + energy + opex."""

    title = "Cost per GPU-hour"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.axis, self.plot = self._bar_plot("$ per GPU-hour, all-in")
        self.legend = self._legend(1, 0, 4)
        self.stacks: dict[str, pg.BarGraphItem] = {}
        for key, name in COMPONENTS:
            bars = pg.BarGraphItem(
                x0=[],
                y=[],
                height=0.7,
                width=[],
                brush=pg.mkBrush(theme.COMPONENT_COLOURS[key]),
                pen=pg.mkPen(theme.chart_background(), width=1),
            )
            self.plot.addItem(bars)
            self.legend.addItem(bars, name)
            self.stacks[key] = bars
        self.labels = _Labels(self.plot)
        self._attach_hover(self.plot)
        self.totals: list[float] = []

    def data_key(self, data: ChartData) -> Any:
        return self._ids(data), tuple(r.cost for r in data.comparison.options)

    def update_plot(self, data: ChartData) -> None:
        results = data.comparison.options
        n = len(results)
        y = np.arange(n)
        left = np.zeros(n)
        for key, _ in COMPONENTS:
            width = np.array([float(getattr(r.cost, f"{key}_usd")) for r in results])
            self.stacks[key].setOpts(x0=left.copy(), y=y, height=0.7, width=width)
            left += width
        self.totals = [r.cost.usd_per_gpu_hour for r in results]
        self.axis.set_categories([r.label or r.option_id for r in results])
        few = n <= MAX_BAR_LABELS
        self.labels.set_entries(
            [(t, float(i), " " + fmt_money(t)) for i, t in enumerate(self.totals)] if few else [],
            theme.chart_foreground(),
        )
        set_value_range(self.plot, 0, (max(self.totals, default=1.0) or 1.0) * 1.3, n)

    def hover_at(self, x: float, y: float) -> str:
        r = self._result_at(y)
        if r is None:
            return ""
        c = r.cost
        parts = [
            f"{name} {fmt_money(getattr(c, f'{key}_usd'))}"
            for key, name in COMPONENTS
            if getattr(c, f"{key}_usd")
        ]
        return (
            f"{r.label}\n{fmt_money(c.usd_per_gpu_hour)}/GPU-h = "
            + " + ".join(parts)
            + f"\n{c.basis}"
        )


class WaterfallChart(Chart):
    """What each serving feature contributes to the selected option's $/Mtok."""

    title = "What each feature saves"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.axis, self.plot = self._bar_plot("$ per million tokens")
        self.bars = pg.BarGraphItem(x0=[], y=[], height=0.65, width=[])
        self.plot.addItem(self.bars)
        self.labels = _Labels(self.plot)
        self._attach_hover(self.plot)
        self.steps: list[tuple[str, float, float]] = []  # (label, before, after)

    def data_key(self, data: ChartData) -> Any:
        try:
            r = data.comparison.by_id(data.selected_id)
        except StopIteration:
            return None
        return r.option_id, r.label, r.waterfall, r.usd_per_mtok, r.point.feasible

    def update_plot(self, data: ChartData) -> None:
        result: OptionResult | None
        try:
            result = data.comparison.by_id(data.selected_id)
        except StopIteration:
            result = data.comparison.options[0] if data.comparison.options else None
        steps: list[tuple[str, float, float]] = []
        if result is not None and result.waterfall:
            previous = None
            for label, value in result.waterfall:
                if not math.isfinite(value):
                    continue
                if previous is None:
                    steps.append((label, 0.0, value))
                else:
                    steps.append((label, previous, value))
                previous = value
            if (
                previous is not None
                and result.point.feasible
                and math.isfinite(result.usd_per_mtok)
            ):
                if abs(result.usd_per_mtok - previous) > 1e-12 * max(previous, 1):
                    steps.append(("utilization & basis", previous, result.usd_per_mtok))
                steps.append(("at the operating point", 0.0, result.usd_per_mtok))
        self.steps = steps
        n = len(steps)
        x0 = [min(a, b) for _, a, b in steps]
        widths = [abs(b - a) for _, a, b in steps]
        brushes = []
        for i, (_, a, b) in enumerate(steps):
            if i == 0 or i == n - 1:
                brushes.append(pg.mkBrush(theme.OKABE_ITO[0]))
            elif b < a:
                brushes.append(pg.mkBrush(theme.DECREASE))
            else:
                brushes.append(pg.mkBrush(theme.INCREASE))
        self.bars.setOpts(
            x0=np.asarray(x0),
            y=np.arange(n),
            height=0.65,
            width=np.asarray(widths),
            brushes=brushes,
            pens=[pg.mkPen(theme.muted_foreground())] * n,
        )
        self.axis.set_categories([label for label, _, _ in steps])
        entries = []
        for i, (_, a, b) in enumerate(steps):
            text = (
                fmt_money(b)
                if i in (0, n - 1) or not a
                else f"{(b - a) / a:+.0%}".replace("-", "−")
            )
            entries.append((max(a, b), float(i), " " + text))
        self.labels.set_entries(entries, theme.chart_foreground())
        name = result.label if result is not None else ""
        set_title(self.plot, f"Waterfall — {elide(name, 20)}")
        top = max((max(a, b) for _, a, b in steps), default=1.0) or 1.0
        set_value_range(self.plot, 0, top * 1.45, n)

    def hover_at(self, x: float, y: float) -> str:
        step = row_at(y, self.steps)
        if step is None:
            return ""
        label, a, b = step
        if a == 0.0:
            return f"{label}: {fmt_money(b)} per Mtok"
        return f"{label}: {fmt_money(a)} → {fmt_money(b)} per Mtok ({b - a:+.4f})"


class TornadoChart(Chart):
    """Which inputs move the selected option's $/Mtok most (± the sensitivity fraction)."""

    title = "Sensitivity"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.axis, self.plot = self._bar_plot("$ per million tokens")
        self.low = pg.BarGraphItem(
            x0=[], y=[], height=0.65, width=[], brush=pg.mkBrush(theme.OKABE_ITO[4])
        )
        self.high = pg.BarGraphItem(
            x0=[], y=[], height=0.65, width=[], brush=pg.mkBrush(theme.OKABE_ITO[1])
        )
        self.plot.addItem(self.low)
        self.plot.addItem(self.high)
        self.base = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen(theme.chart_foreground(), width=1.5)
        )
        self.plot.addItem(self.base, ignoreBounds=True)
        legend = self._legend(1, 0, 2)
        legend.addItem(self.low, "input lowered 20 %")
        legend.addItem(self.high, "input raised 20 %")
        self.message = pg.TextItem("", anchor=(0.5, 0.5), color=theme.muted_foreground())
        self.plot.addItem(self.message, ignoreBounds=True)
        self._attach_hover(self.plot)
        self.bars: list[Any] = []
        self.empty_text = "computing…"

    def data_key(self, data: ChartData) -> Any:
        try:
            label = data.comparison.by_id(data.selected_id).label
        except StopIteration:
            label = ""
        return id(data.tornado), data.tornado_for, data.selected_id, label, self.empty_text

    def update_plot(self, data: ChartData) -> None:
        bars = list(data.tornado or []) if data.tornado_for == data.selected_id else []
        self.bars = bars
        n = len(bars)
        base = float(bars[0].base_usd_per_mtok) if bars else 0.0
        finite = [
            v for b in bars for v in (b.usd_per_mtok_low, b.usd_per_mtok_high) if math.isfinite(v)
        ]
        lo = min([*finite, base]) if bars else 0.0
        hi = max([*finite, base]) if bars else 1.0
        span = max(hi - lo, abs(base) * 0.05, 1e-9)
        cap = hi + span * 0.25  # an infeasible end (target missed) is drawn to the edge

        def clip(v: float) -> float:
            return v if math.isfinite(v) else cap

        lows = [clip(b.usd_per_mtok_low) for b in bars]
        highs = [clip(b.usd_per_mtok_high) for b in bars]
        y = np.arange(n)
        self.low.setOpts(
            x0=np.asarray([min(base, v) for v in lows]),
            y=y,
            height=0.65,
            width=np.asarray([abs(v - base) for v in lows]),
        )
        self.high.setOpts(
            x0=np.asarray([min(base, v) for v in highs]),
            y=y,
            height=0.65,
            width=np.asarray([abs(v - base) for v in highs]),
        )
        self.axis.set_categories([b.label for b in bars])
        self.base.setValue(base)
        self.base.setVisible(bool(bars))
        try:
            name = data.comparison.by_id(data.selected_id).label
        except StopIteration:
            name = ""
        set_title(self.plot, f"Sensitivity — {elide(name, 20)}")
        if bars:
            self.message.hide()
            self.plot.setXRange(lo - span * 0.08, cap + span * 0.05, padding=0)
            self.plot.setYRange(-0.6, n - 0.4, padding=0)
        else:
            self.message.setText(self.empty_text)
            self.plot.setXRange(0, 1, padding=0)
            self.plot.setYRange(-0.6, 0.6, padding=0)
            self.message.setPos(0.5, 0)
            self.message.show()

    def hover_at(self, x: float, y: float) -> str:
        b = row_at(y, self.bars)
        if b is None:
            return ""

        def cost(v: float) -> str:
            return fmt_money(v) if math.isfinite(v) else "target missed"

        return (
            f"{b.label} (base {b.base_value:.4g} {b.unit})\n"
            f"at {b.low_value:.4g}: {cost(b.usd_per_mtok_low)} per Mtok\n"
            f"at {b.high_value:.4g}: {cost(b.usd_per_mtok_high)} per Mtok\n"
            f"base {fmt_money(b.base_usd_per_mtok)} per Mtok"
        )


ALL_CHARTS: tuple[type[Chart], ...] = (
    CostChart,
    FrontierChart,
    EnergyChart,
    BreakdownChart,
    WaterfallChart,
    TornadoChart,
)

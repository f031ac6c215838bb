"""What every chart shares: the data a chart shows (:class:`ChartData`, with the options'
unique labels from :mod:`tokentco.present.labels`), number formats (all from
:mod:`tokentco.present.formats`), axes and the :class:`Chart` widget base (hover, export,
theme, titles and legends that fit the chart's width)."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

import pyqtgraph as pg
from pyqtgraph.graphicsItems.ViewBox.ViewBoxMenu import ViewBoxMenu
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QFont,
    QPainter,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QFileDialog,
    QGraphicsItem,
    QGraphicsView,
    QGraphicsWidget,
    QVBoxLayout,
    QWidget,
)

from tokentco.domain import Catalogue, Project
from tokentco.engine.results import Comparison, OptionResult
from tokentco.present import formats, sentences
from tokentco.present.labels import LabelParts, OptionLabel, comparison_labels, unique_labels
from tokentco.ui import theme
from tokentco.ui.charts.axes import (
    TITLE_PT,
    Axis,
    CategoryAxis,
    NumberAxis,
    fit_title,
    row_at,
    set_title,
)
from tokentco.ui.charts.lazy_plot import LazyMenuPlotItem
from tokentco.ui.charts.overlays import Grid

QWIDGETSIZE_MAX = (1 << 24) - 1
MAX_BAR_LABELS = 24
"""Value labels are drawn on bars up to this many options; above it, hover shows values."""


@dataclass(frozen=True, eq=False)
class ChartData:
    """What every chart is drawn from: results plus the project they were computed for."""

    comparison: Comparison
    project: Project
    selected_id: str = ""
    tornado: Sequence[Any] | None = None
    tornado_for: str = ""
    catalogue: Catalogue | None = None
    """The catalogue the options were priced from: their labels are disambiguated by its
    hardware, provider, region and term (without it, by their own names only)."""
    known_labels: dict[str, OptionLabel] | None = None
    """The options' labels when the caller has them already (they depend on the options and
    the catalogue, not on the figures: a slider drag keeps them)."""

    @cached_property
    def labels(self) -> dict[str, OptionLabel]:
        """Unique labels of the compared options: ``short`` on charts, ``full`` in tables."""
        if self.known_labels is not None:
            return self.known_labels
        if self.catalogue is not None:
            return comparison_labels(self.comparison, self.project, self.catalogue)
        return unique_labels(
            [LabelParts(r.option_id, r.label or r.option_id) for r in self.comparison.options]
        )

    def short_label(self, option_id: str) -> str:
        """The option's name on a chart (unique, about :data:`SHORT_CHARS` characters)."""
        label = self.labels.get(option_id)
        return label.short if label is not None else option_id

    def full_label(self, option_id: str) -> str:
        """The option's full unique name (hover read-outs, tables)."""
        label = self.labels.get(option_id)
        return label.full if label is not None else option_id

    def colour_index(self, option_id: str) -> int:
        """Position of the option in the project: its colour in every chart and list."""
        return self._colours.get(option_id, 0)

    @cached_property
    def _colours(self) -> dict[str, int]:
        return {option.id: index for index, option in enumerate(self.project.options)}


def fmt_money(value: float | None) -> str:
    """Dollars as everywhere else (:func:`tokentco.present.formats.money`): ``$12.1``,
    ``$0.180``, ``$1.92M``."""
    return formats.money(value)


def fmt_number(value: float | None, unit: str = "") -> str:
    """A figure as everywhere else (:func:`tokentco.present.formats.number`): ``27.9k``,
    ``2.39M``, ``0.116``; ``unit`` is appended as given."""
    text = formats.number(value)
    return text if text == formats.MISSING else text + unit


def shared_scale(values: Sequence[float | None], formatter: formats.Formatter) -> list[str]:
    """``values`` printed by ``formatter`` (a scaled formatter of
    :mod:`tokentco.present.formats`) on the one scale (k, M, B) the largest needs, each
    keeping its own three significant figures — a table column or a chart's bar labels.

    :func:`tokentco.present.formats.column` also shares the largest value's decimals; in a
    results table that prints the cheapest option's $0.170/Mtok as "$0.2" beside $10.9 (and
    31,100 tok/s/MW as "0.03M" beside 2.39M): the figure the committee compares most would
    lose its digits. So only the scale is shared: "$582k" never stands beside "$1.92M",
    and each figure reads as in the report, which prints
    :data:`~tokentco.present.formats.FIGURES` significant figures."""
    scale = formats.common_scale(values)
    return [formatter(v, scale=scale) for v in values]


def provenance_text(result: OptionResult) -> str:
    """Measured (with source), anchored (factor and source) or estimated (model version):
    the wording the report and the CLI use too (:func:`tokentco.present.sentences.basis`)."""
    return sentences.basis(result)


T = TypeVar("T")


class Drawn(Generic[T]):
    """A figure a chart read out while drawing (its bar values, its steps …), current even
    while the chart is hidden: reading it first draws the data the hidden chart kept
    (:meth:`Chart.flush`), so no reader ever sees what the chart showed before."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_drawn_" + name

    @overload
    def __get__(self, chart: None, owner: type) -> "Drawn[T]": ...
    @overload
    def __get__(self, chart: "Chart", owner: type) -> T: ...
    def __get__(self, chart: "Chart | None", owner: type) -> "T | Drawn[T]":
        if chart is None:
            return self
        chart.flush()
        value: T = chart.__dict__[self.slot]
        return value

    def __set__(self, chart: "Chart", value: T) -> None:
        chart.__dict__[self.slot] = value


class LazyMenuViewBox(pg.ViewBox):
    """A view box whose right-click menu (View All, the axis and mouse-mode panels) is built
    when it is first asked for, not with the box: pyqtgraph builds one for every plot at
    construction, about a tenth of building the window, and most are never opened.

    The menu is the same: enabled by default, shown on a right click and listed when an
    item inside the box raises its own context menu."""

    menu: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        enabled = kwargs.pop("enableMenu", True)
        super().__init__(*args, enableMenu=False, **kwargs)
        self.state["enableMenu"] = enabled

    def _applyMenuEnabled(self) -> None:
        if not self.menuEnabled() and self.menu is not None:
            super()._applyMenuEnabled()  # disabling drops a built menu, as pyqtgraph does

    def getMenu(self, ev: Any) -> Any:
        if self.menu is None and self.menuEnabled():
            self.menu = ViewBoxMenu(self)
            self.updateViewLists()
        return self.menu

    def getContextMenus(self, event: Any) -> Any:
        menu = self.getMenu(event)
        return menu.actions() if menu is not None else []


def cache_text(item: QGraphicsItem) -> None:
    """Keep ``item``'s text (a title, an axis title, a legend entry) as device pixels.

    The text of a pyqtgraph label is a QGraphicsTextItem child, which a cache on the label
    itself does not cover: each repaint of the area under it lays out and draws its
    QTextDocument again (a chart whose layout moves repaints all of them). Cached, an
    unchanged text is one blit. The cache is drawn again whenever the text or any widget
    around it moves (Qt would shift a kept picture by whole pixels only), so the text
    lands on exactly the pixels it would be drawn on; call it once ``item`` is in the
    chart's layout."""
    item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    holder = item.parentItem()
    while holder is not None:
        if isinstance(holder, QGraphicsWidget):
            holder.geometryChanged.connect(item.update)
        holder = holder.parentItem()


class CachedLegend(pg.LegendItem):
    """A legend whose entries' texts are cached as device pixels (:func:`cache_text`)."""

    def addItem(self, item: Any, name: str) -> None:
        super().addItem(item, name)
        cache_text(self.items[-1][1].item)


LEGEND_SPACING_PX = 14
LEGEND_MARGIN_PX = 24
"""The chart's side margins and the legend's own."""


class Chart(QWidget):
    """Base: a titled pyqtgraph plot with hover read-out and PNG/SVG export."""

    title = "Chart"
    """The short title drawn above the plot (fits a 1366×768 dashboard)."""
    description = ""
    """The chart's full wording: the title's tooltip and the accessible description."""
    exported = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(type(self).__name__)
        self.view = pg.GraphicsLayoutWidget()
        self.view.setAntialiasing(True)
        # one rectangle around what changed is repainted: pyqtgraph's "minimal" update
        # paints a region of many small rectangles, each clipping every item again (a
        # data change dirties most of the plot anyway)
        self.view.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.setMinimumSize(280, 200)
        self.view.ci.setContentsMargins(6, 4, 10, 6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.setAccessibleName(self.title)
        self.setAccessibleDescription(self.description or self.title)
        self.hover_text = ""
        self.legend_hidden = False
        self._last_key: Any = None
        self._hover = pg.TextItem(
            anchor=(0, 1),
            fill=pg.mkBrush(theme.chart_background()),
            border=pg.mkPen(theme.muted_foreground()),
        )
        self._hover.setZValue(1000)
        self._hover.hide()
        self._data: ChartData | None = None
        self._pending: ChartData | None = None
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
        plot = LazyMenuPlotItem(viewBox=LazyMenuViewBox(), axisItems=axes)
        self.view.addItem(plot, row=row, col=col)
        set_title(plot, title or self.title, self.description)
        Grid(plot)
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
        for name in ("right", "top"):
            # hidden, unlabelled: without this each range change re-sets their (empty)
            # title's HTML and resizes them
            plot.getAxis(name).enableAutoSIPrefix(False)
        plot.titleLabel.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        cache_text(plot.titleLabel.item)
        for name in ("left", "bottom"):
            cache_text(plot.getAxis(name).label)
        # a narrower plot (a smaller screen, a dragged splitter) elides its title anew
        plot.geometryChanged.connect(lambda p=plot: fit_title(p))
        return plot

    def _legend(self, row: int, col: int, columns: int, max_rows: int = 2) -> pg.LegendItem:
        """A legend in its own row under the plot, so it never hides data; at most
        ``columns`` entries a line, fewer when the chart is too narrow for them
        (:meth:`fit_legends`), so no entry is cut at the chart's edge. A legend that
        would need more than ``max_rows`` lines (the plot would be squeezed flat) is
        hidden (``legend_hidden``); the chart's description says where else the key is."""
        legend = CachedLegend(
            colCount=columns, labelTextSize="8pt", verSpacing=-4, horSpacing=LEGEND_SPACING_PX
        )
        legend.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        legend._most_columns = columns
        legend._max_rows = max_rows
        self.view.addItem(legend, row=row, col=col)
        return legend

    def _heading(self, row: int, colspan: int) -> pg.LabelItem:
        """The chart's title over several plots side by side (their own titles hidden)."""
        heading = pg.LabelItem(
            self.title, size=f"{TITLE_PT}pt", bold=True, color=theme.chart_foreground()
        )
        heading.setToolTip(self.description)
        self.view.addItem(heading, row=row, col=0, colspan=colspan)
        cache_text(heading.item)
        return heading

    def legends(self) -> list[pg.LegendItem]:
        return [item for item in self.view.ci.items if isinstance(item, pg.LegendItem)]

    def plots(self) -> list[pg.PlotItem]:
        return [item for item in self.view.ci.items if isinstance(item, pg.PlotItem)]

    def fit_to_width(self) -> None:
        """Titles elided to their plots and legends wrapped to the chart's width."""
        self.fit_legends()
        for plot in self.plots():
            fit_title(plot)
        # and laid out now: left to the request it posts, the layout would come after the
        # window's first paint, and the chart would be painted, laid out and painted again
        self.view.ci.layout.activate()

    def fit_legends(self) -> None:
        width = self.view.width() - LEGEND_MARGIN_PX
        if width <= 0:
            return
        changed = False
        for legend in self.legends():
            before = legend.columnCount
            columns = self._fit_columns(legend, width)
            changed = changed or columns != before
            fits = -(-len(legend.items) // columns) <= getattr(legend, "_max_rows", 2)
            if fits != legend.isVisible():
                legend.setVisible(fits)
                legend.setMaximumHeight(QWIDGETSIZE_MAX if fits else 0)
                changed = True
            self.legend_hidden = not fits and bool(legend.items)
        if changed:
            # the layout was sized while the legend was wider than the chart (its minimum
            # width): give it the view's width again, or the right edge stays cut off
            self.view.ci.setGeometry(QRectF(0, 0, self.view.width(), self.view.height()))

    @staticmethod
    def _fit_columns(legend: pg.LegendItem, width: float) -> int:
        """The most entries a line (up to the legend's own count) whose laid-out legend is
        no wider than ``width``: measured, since pyqtgraph's spacing and margins vary."""
        most = max(1, min(getattr(legend, "_most_columns", legend.columnCount), len(legend.items)))
        for columns in range(most, 0, -1):
            if columns != legend.columnCount:
                legend.setColumnCount(columns)
            needed = legend.layout.effectiveSizeHint(Qt.SizeHint.PreferredSize).width()
            if needed <= width:
                break
        return int(legend.columnCount)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # the plots are laid out in the next pass of the view; fit once they are
        QTimer.singleShot(0, self.fit_to_width)

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
                item.titleLabel._last = None  # redraw the title in the new colour
                fit_title(item)
            elif isinstance(item, pg.LegendItem):
                item.setLabelTextColor(fg)
            elif isinstance(item, pg.LabelItem):  # a heading over several plots
                item.setText(item.text, color=fg)
        self._hover.fill = pg.mkBrush(theme.chart_background())
        self._hover.setColor(fg)

    # --- data --------------------------------------------------------------------------------
    def show_data(self, data: ChartData, lazy: bool = False) -> None:
        """Draw ``data``; skipped when nothing this chart shows has changed (a utilization
        drag leaves $/GPU-hour, energy and the frontier as they were).

        ``lazy``: a chart hidden in its window (its tab not shown) only keeps ``data`` and
        draws it when it is shown (or exported), so edits made elsewhere cost it nothing."""
        if lazy and not self.isVisibleTo(self.window()):
            self._pending = data
            return
        self._pending = None
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
        self.fit_axes()

    def fit_axes(self) -> None:
        """Left and right axes sized for the new tick labels before the paint
        (:meth:`Axis.fit_text_room`), and the plots whose axes changed laid out again now:
        otherwise the first paint of new labels resizes the axis and the chart paints twice."""
        for plot in self.plots():
            changed = False
            for side in ("left", "right"):
                axis = plot.getAxis(side)
                if isinstance(axis, Axis) and axis.fit_text_room():
                    changed = True
            if changed:
                plot.layout.activate()

    @property
    def pending(self) -> bool:
        """Whether data waits to be drawn until the chart is shown."""
        return self._pending is not None

    def flush(self) -> None:
        """Draw the data kept while the chart was hidden (if any)."""
        if self._pending is not None:
            self.show_data(self._pending)

    def showEvent(self, event: QShowEvent) -> None:
        self.flush()  # before the first paint: the chart never shows stale data
        super().showEvent(event)

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
        self.flush()
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
        self.flush()  # a hidden chart exports the current data, not what it last drew
        self._hover.hide()
        if path.suffix.lower() == ".svg":
            self._export_svg(path)
        else:
            if path.suffix.lower() != ".png":
                path = path.with_suffix(".png")
            # on use: pyqtgraph's exporters import its parameter trees (~40 ms of a start)
            from pyqtgraph import exporters

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

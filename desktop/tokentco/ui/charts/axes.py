"""Axes for the charts: category axes that elide long option names, number axes whose
tick labels are printed by :mod:`tokentco.present.formats` on one scale, stable value ranges
(no jumping while a slider moves), and titles that fit their plot (elided, with the full
wording in the tooltip, rather than cut at the edge)."""

import html
import math
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, TypeVar

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPicture

from tokentco.present import formats
from tokentco.present.labels import SHORT_CHARS

LABEL_CHARS = SHORT_CHARS
"""Category names longer than a short option label are elided (hover shows them whole)."""

TITLE_PT = 10.5
MIN_TICK_PX = 34.0
"""Least room between two labelled ticks of a value axis."""

T = TypeVar("T")


def elide(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        low, high = 0.0, 1.0  # nothing finite to show (no options, all infeasible)
    current = tuple(vb.viewRange()[0])
    if not all(map(math.isfinite, current)):
        current = (0.0, 0.0)
    x = stable_range(current, low, high)
    if rows is None:
        set_view_range(vb, x)
    else:
        set_view_range(vb, x, (-0.6, max(rows, 1) - 0.4))


def set_view_range(
    vb: pg.ViewBox, x: tuple[float, float], y: tuple[float, float] | None = None
) -> None:
    """``vb.setRange(xRange=x, yRange=y, padding=0)``, skipped when the view already shows
    exactly that (no auto-range to switch off): pyqtgraph would recompute the same range
    and announce a state change anyway, and a drag keeps its stable range most frames.

    Auto-range already off is not switched off again: pyqtgraph would announce a state
    change per axis for it (Python slots each), on top of the one for the new range."""
    state = vb.state
    wanted = {0: x} if y is None else {0: x, 1: y}
    auto_off = all(a is False for a in state["autoRange"])
    unchanged = auto_off and all(
        low < high and state["targetRange"][axis] == [low, high]
        for axis, (low, high) in wanted.items()
    )
    if unchanged:
        return
    if y is None:
        vb.setRange(xRange=x, padding=0, disableAutoRange=not auto_off)
    else:
        vb.setRange(xRange=x, yRange=y, padding=0, disableAutoRange=not auto_off)


PICTURES_KEPT = 4
"""Tick pictures an axis keeps: a drag back and forth across a range step redraws none."""


class Axis(pg.AxisItem):
    """An axis that remembers its last tick values, so the grid drawn at the same ticks
    does not compute them again, and its last few tick pictures: pyqtgraph records the
    ticks and their texts anew (about a millisecond in Python) whenever the range moves,
    even back to a range it drew a moment ago."""

    _memo: tuple[Any, Any] = (None, None)
    picture: QPicture | None

    def _picture_key(self) -> tuple[Any, ...]:
        """Everything the recorded ticks depend on (the title is a separate item)."""
        style = self.__dict__.get("_style_key")
        if style is None:  # made again only after setStyle / setTickFont
            style = tuple(
                (name, value.toString() if isinstance(value, QFont) else repr(value))
                for name, value in sorted(self.style.items())
            )
            self.__dict__["_style_key"] = style
        levels = getattr(self, "_tickLevels", None)
        return (
            tuple(self.range),
            self.geometry().size().toTuple(),
            self.orientation,
            self.logMode,
            self.scale,
            self.autoSIPrefixScale,
            self._tickSpacing,
            self._tickDensity,
            None if levels is None else tuple(tuple(level) for level in levels),
            *self._pens_key(),
            style,
        )

    def boundingRect(self) -> QRectF:
        """``AxisItem.boundingRect``, kept while the axis' geometry, tick length and
        label overlap style are those it was found for: the scene asks for it dozens of
        times a frame. An axis drawing pyqtgraph's grid (none here: :class:`Grid` draws
        it) is asked as pyqtgraph does (its rect follows the linked view)."""
        if self.grid is not False:
            return super().boundingRect()  # type: ignore[no-any-return]
        key = (
            self.geometry(),
            self.style["tickLength"],
            self.style["hideOverlappingLabels"],
            self.orientation,
        )
        kept = self.__dict__.get("_bounds")
        if kept is None or kept[0] != key:
            kept = (key, QRectF(super().boundingRect()))
            self.__dict__["_bounds"] = kept
        return QRectF(kept[1])

    def _pens_key(self) -> tuple[int, float, int]:
        """The line colour, line width and text colour the ticks are drawn with: from the
        pens set on the axis (``pen()`` and ``textPen()`` copy them on every call)."""
        pen = self._pen if self._pen is not None else self.pen()
        text = self._textPen if self._textPen is not None else self.textPen()
        return pen.color().rgba(), pen.widthF(), text.color().rgba()

    def paint(self, p: QPainter, opt: Any, widget: Any) -> None:
        if self.picture is None:
            self.picture = self._current_picture()
        self.picture.play(p)

    def _current_picture(self) -> QPicture:
        """The ticks as drawn at the current range, size and style: a kept picture (its
        text-room bookkeeping replayed) or a new recording, as ``AxisItem.paint`` records
        it (the tick font on the painter, :meth:`generateDrawSpecs`, :meth:`drawPicture`)."""
        pictures: OrderedDict[Any, tuple[QPicture, list[int]]] = self.__dict__.setdefault(
            "_pictures", OrderedDict()
        )
        key = self._picture_key()
        kept = pictures.get(key)
        if kept is not None:
            pictures.move_to_end(key)
            picture, kept_sizes = kept
            for size in kept_sizes:  # the text-room bookkeeping drawing the ticks would do
                self._updateMaxTextSize(size)  # (it drops self.picture)
            return picture
        sizes: list[int] = []
        record = self._updateMaxTextSize

        def recording(size: int) -> None:
            sizes.append(size)
            record(size)

        picture = QPicture()
        painter = QPainter(picture)
        self.__dict__["_updateMaxTextSize"] = recording  # for this drawing only
        try:
            if self.style["tickFont"]:
                painter.setFont(self.style["tickFont"])
            specs = self.generateDrawSpecs(painter)
            if specs is not None:
                self.drawPicture(painter, *specs)
        finally:
            painter.end()
            del self.__dict__["_updateMaxTextSize"]
        pictures[key] = (picture, sizes)
        while len(pictures) > PICTURES_KEPT:
            pictures.popitem(last=False)
        return picture

    def setStyle(self, **kwargs: Any) -> None:
        self.__dict__["_style_key"] = None  # the style part of the picture key
        super().setStyle(**kwargs)

    def setTickFont(self, font: QFont | None) -> None:
        self.__dict__["_style_key"] = None
        super().setTickFont(font)

    tick_positions: tuple[tuple[float, ...], ...] | None = None
    """The positions of the explicitly set ticks (:meth:`setTicks`), None for automatic
    ones: kept by value when they are set, not rebuilt by the grid on every paint."""

    def setTicks(self, ticks: Any) -> None:
        self.tick_positions = (
            None if ticks is None else tuple(tuple(float(v) for v, _ in level) for level in ticks)
        )
        super().setTicks(ticks)

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

    def fit_text_room(self) -> bool:
        """Size a left or right axis for its tick labels now; returns whether its width
        changed.

        pyqtgraph learns the labels' width only while painting them, then widens (or
        narrows) the axis, lays the plot out again and paints the whole chart a second
        time. Here the ticks are recorded before the paint (:meth:`_current_picture`, the
        very picture the paint would record, kept for it), so a plot whose axis changed is
        laid out once more before its first paint, and an unchanged one paints the kept
        picture (no extra drawing)."""
        if self.orientation not in ("left", "right") or not self.style["autoExpandTextSpace"]:
            return False
        if not self.isVisible() or self.geometry().height() <= 0:
            return False
        before = self.minimumWidth()
        self._current_picture()
        return bool(self.minimumWidth() != before)

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
        self.setTicks([[], []])  # no categories: no ticks (not pyqtgraph's -0.5, 0, 0.5)
        self.setStyle(autoExpandTextSpace=True, tickTextOffset=6)

    def set_categories(self, labels: list[str]) -> None:
        if labels != self._labels:
            self._labels = list(labels)
            self.setTicks([[(i, elide(t)) for i, t in enumerate(labels)], []])


def tick_texts(values: Sequence[float], spacing: float, money: bool = False) -> list[str]:
    """Tick labels on one scale (``0``, ``500k``, ``1.0M``, ``1.5M``; ``$0.50``, ``$1.00``):
    the suffix the largest tick needs (:func:`tokentco.present.formats.common_scale`) and the
    decimals the tick spacing needs at that scale, printed by the quantity's formatter."""
    scale = formats.common_scale(list(values))
    step = spacing / scale.factor if spacing > 0 else 0.0
    # the fewest decimals that print the step exactly (2.5 → 1, 0.25 → 2, 20 → 0)
    decimals = next(
        (d for d in range(5) if abs(step * 10**d - round(step * 10**d)) < 1e-6 * 10**d), 4
    )
    formatter = formats.money if money else formats.number
    # zero needs no suffix ("0", not "0M")
    return [formatter(v, scale=scale if v else formats.ONE, decimals=decimals) for v in values]


class NumberAxis(Axis):
    """A value axis with one-scale tick labels (1.5M, 250k, 0.12) and no "(x1e6)" scale."""

    def __init__(self, orientation: str, money: bool = False) -> None:
        super().__init__(orientation)
        self.money = money
        self.enableAutoSIPrefix(False)
        # two tick levels (labelled and minor): pyqtgraph's third level adds dozens of tiny
        # ticks whose geometry is computed in Python on every rescale
        self.setStyle(maxTickLevel=1, maxTextLevel=1)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return tick_texts(values, spacing, money=self.money)

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> Any:
        """pyqtgraph's spacing, widened until labelled ticks are :data:`MIN_TICK_PX` apart
        (a 60 px plot of a 1366×768 dashboard otherwise prints "2M4M6M8M")."""
        levels = super().tickSpacing(minVal, maxVal, size)
        span = abs(maxVal - minVal)
        if not levels or size <= 0 or span <= 0 or self.orientation not in ("top", "bottom"):
            return levels
        major = float(levels[0][0])
        widened = major
        while span / widened * MIN_TICK_PX > size:
            widened = nice_ceiling(widened * 1.0001)
        if widened == major:
            return levels
        return [(widened, 0), (widened / 2, 0)]


def title_font() -> QFont:
    font = QFont()
    font.setPointSizeF(TITLE_PT)
    font.setBold(True)
    return font


def elide_to(text: str, width_px: float, font: QFont | None = None) -> str:
    """``text`` as it fits in ``width_px`` at ``font`` (the title font): whole, or cut at
    the right with "…" (the whole text then goes in the tooltip)."""
    if width_px <= 0:
        return text
    metrics = QFontMetricsF(font or title_font())
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width_px)


def set_title(plot: pg.PlotItem, text: str, tip: str = "") -> None:
    """A bold title that never widens the chart (pyqtgraph sizes a plot to fit its title)
    and is never cut at the plot's edge: :func:`fit_title` elides it to the plot's width.
    The tooltip gives ``tip`` (the chart's full wording), and the whole title if elided."""
    label = plot.titleLabel
    if getattr(label, "_set", None) == (text, tip):
        return  # as it is (a repaint during a drag sets the same title): fitted already
    label._set = (text, tip)
    if not getattr(label, "_narrow", False):
        original = label.updateMin

        def update_min() -> None:
            original()
            label.setMinimumWidth(0)

        label.updateMin = update_min
        label._narrow = True
        # the view box narrows when longer category names widen the left axis
        plot.vb.sigResized.connect(lambda *_: fit_title(plot))
    label._full = text
    if tip:
        label._tip = tip
    fit_title(plot)


def untitled(plot: pg.PlotItem) -> None:
    """No title row over ``plot`` (the chart has one title over several plots)."""
    plot.titleLabel._full = ""
    plot.titleLabel._set = None
    plot.setTitle(None)


def fit_title(plot: pg.PlotItem) -> None:
    """Show the plot's title elided to the plot's current width (no-op until laid out)."""
    label = plot.titleLabel
    full = getattr(label, "_full", "")
    if not full:
        return
    # the title sits above the view box only (the left axis column is not its to use)
    width = plot.vb.geometry().width() - 6
    shown = elide_to(full, width) if width > 0 else full
    tip = getattr(label, "_tip", "")
    label.setToolTip("\n".join(t for t in (full if shown != full else "", tip) if t))
    label._shown = shown
    if getattr(label, "_last", None) == shown:
        return  # re-setting a title relayouts the whole plot
    label._last = shown
    plot.setTitle(html.escape(shown), size=f"{TITLE_PT}pt", bold=True)


AXIS_LABEL_PT = 8.5


def set_axis_label(plot: pg.PlotItem, side: str, variants: Sequence[str]) -> None:
    """Label the ``side`` axis with the first of ``variants`` (longest first) that fits the
    axis' length, chosen again whenever the plot is resized; the longest is the tooltip."""
    axis = plot.getAxis(side)
    axis._variants = tuple(variants)
    axis.setToolTip(variants[0])
    if not getattr(axis, "_fits_label", False):
        axis._fits_label = True
        plot.vb.sigResized.connect(lambda *_: fit_axis_label(plot, side))
    fit_axis_label(plot, side)


def fit_axis_label(plot: pg.PlotItem, side: str) -> str:
    """Apply the longest label variant that fits; returns it (tests)."""
    axis = plot.getAxis(side)
    variants: tuple[str, ...] = getattr(axis, "_variants", ())
    if not variants:
        return str(axis.labelText)
    font = QFont()
    font.setPointSizeF(AXIS_LABEL_PT)
    metrics = QFontMetricsF(font)
    length = plot.vb.width() if side in ("top", "bottom") else plot.vb.height()
    # pyqtgraph centres the label on the axis item, whose right end is the chart's edge,
    # and symbols (★ ◆ ●) may come from a wider fallback font: keep a tenth in hand
    room = length * 0.9
    chosen = next((v for v in variants if metrics.horizontalAdvance(v) <= room), variants[-1])
    if chosen != axis.labelText:
        plot.setLabel(side, chosen)
        axis.resizeEvent(None)  # pyqtgraph centres the label only when the axis resizes
    return chosen


def title_of(plot: pg.PlotItem) -> tuple[str, str]:
    """(the title as set, as shown) — the shown one may be elided (tests)."""
    label = plot.titleLabel
    return getattr(label, "_full", ""), getattr(label, "_shown", "")


def row_at(y: float, rows: Sequence[T]) -> T | None:
    """The row drawn at height ``y`` (one per integer position), or None."""
    i = round(y)
    return rows[i] if 0 <= i < len(rows) else None

"""Axes for the charts: category axes that elide long option names, number axes with
compact tick labels, stable value ranges (no jumping while a slider moves), titles."""

import math
from collections.abc import Sequence
from typing import Any, TypeVar

import pyqtgraph as pg

LABEL_CHARS = 24

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


def row_at(y: float, rows: Sequence[T]) -> T | None:
    """The row drawn at height ``y`` (one per integer position), or None."""
    i = round(y)
    return rows[i] if 0 <= i < len(rows) else None

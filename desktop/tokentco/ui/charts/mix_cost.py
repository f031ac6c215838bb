"""The cost chart for a workload mix: each option's blended $/Mtok bar split by class.

With workload classes the results are the blend (``app.workload.restate``), so the
:class:`~tokentco.ui.charts.cost.CostChart` bar of an option already has the blended
length. This chart fills that bar with one segment per class, as wide as the class's
contribution to the blend (its weight × its own $/Mtok), so the segments add up to the
bar exactly and show which class drives the cost of each option. The bar keeps its
option-coloured outline (the cheapest thick), its p10–p90 whisker and its value label;
each segment is the class's colour, solid, half-filled or pale by the basis of *that
class's* throughput (measured, anchored, estimated) — the lightness code of every other
bar. The axis title becomes the legend of the classes (a coloured square before each
name: one line under the plot, where a second legend row would squeeze the bars out of a
1366×768 dashboard); hovering a bar lists each class's own $/Mtok, its share of output and
what it adds to the blend. Without classes the chart is the plain cost chart, unchanged.
"""

import html
import math
from typing import TYPE_CHECKING, Any

import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QWidget

from tokentco.present import formats as fmt
from tokentco.ui import theme
from tokentco.ui.charts.base import ChartData, Drawn
from tokentco.ui.charts.cost import CostChart
from tokentco.ui.charts.overlays import ANCHORED_ALPHA, Bars, set_bars

if TYPE_CHECKING:  # the mix engine loads with the first mix, not at start-up
    from tokentco.engine.mix import MixComparison, MixResult

CLASS_COLOURS: tuple[str, ...] = (
    "#332288",  # indigo
    "#DDCC77",  # sand
    "#44AA99",  # teal
    "#CC6677",  # rose
    "#88CCEE",  # cyan
    "#999933",  # olive
    "#882255",  # wine
    "#117733",  # green
    "#AA4499",  # purple
)
"""Paul Tol's colour-blind-safe "muted" set, ordered so neighbouring segments contrast."""

SEGMENT_Z = 5
"""Above the (emptied) option bar, below its whisker (30) and labels."""


def class_colour(index: int, provenance: str = "measured") -> QColor:
    """The class's colour, with the lightness of the basis of its throughput."""
    colour = QColor(CLASS_COLOURS[index % len(CLASS_COLOURS)])
    if provenance == "anchored":
        colour.setAlpha(ANCHORED_ALPHA)
    elif provenance != "measured":
        colour.setAlpha(theme.ESTIMATED_ALPHA)
    return colour


def contributions(result: "MixResult") -> list[float]:
    """Each class's part of the blend ($/Mtok): weight × the class's $/Mtok; they add up
    to ``result.usd_per_mtok`` (empty when the chosen pool cannot serve the mix)."""
    pool = result.pool
    if not pool.feasible:
        return []
    return [w * c.usd_per_mtok for w, c in zip(pool.weights, pool.classes, strict=True)]


class MixCostChart(CostChart):
    """$/Mtok per option; with a mix each bar is split into its classes' contributions."""

    class_names = Drawn[tuple[str, ...]]()
    segment_widths = Drawn[list[list[float]]]()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mix: MixComparison | None = None
        """The mix of the comparison shown next (set by the window with the comparison)."""
        self.segments = Bars(x0=[], y=[], height=0.7, width=[])
        self.segments.setZValue(SEGMENT_Z)
        self.plot.addItem(self.segments)
        self.class_names = ()
        """The classes named under the plot (empty: no mix shown)."""
        self._plain_label = ""
        """The axis title of the plain chart, restored when the mix goes."""
        self.segment_widths = []
        """Per bar (comparison order), the class segments drawn, left to right."""

    def data_key(self, data: ChartData) -> Any:
        return super().data_key(data), self._mix_key(data)

    def _mix_key(self, data: ChartData) -> Any:
        if self.mix is None:
            return None
        return tuple(
            (tuple(contributions(m)), tuple(c.provenance for c in m.pool.classes))
            for m in self._mix_rows(data)
            if m is not None
        )

    def _mix_rows(self, data: ChartData) -> "list[MixResult | None]":
        """The mix result of each bar, in the comparison's order (None: not in the mix)."""
        if self.mix is None:
            return [None] * len(data.comparison.options)
        by_id = {m.option_id: m for m in self.mix.options}
        return [by_id.get(r.option_id) for r in data.comparison.options]

    def update_plot(self, data: ChartData) -> None:
        super().update_plot(data)
        rows = self._mix_rows(data)
        names = next((tuple(c.name for c in m.pool.classes) for m in rows if m is not None), ())
        self._set_legend(names)
        self.class_names = names
        x0: list[float] = []
        y: list[float] = []
        widths: list[float] = []
        brushes: list[QBrush] = []
        self.segment_widths = []
        for row, m in enumerate(rows):
            parts = contributions(m) if m is not None else []
            self.segment_widths.append(parts)
            left = 0.0
            assert m is not None or not parts
            for k, part in enumerate(parts):
                if not math.isfinite(part) or part <= 0:
                    continue
                assert m is not None
                x0.append(left)
                y.append(float(row))
                widths.append(part)
                brushes.append(QBrush(class_colour(k, m.pool.classes[k].provenance)))
                left += part
        if not names:
            set_bars(self.segments, [], [], [], 0.7)
            return
        # the option bar keeps its outline (option colour, cheapest thick); its fill would
        # show through the paler segments, so it is emptied
        clear = QBrush(QColor(0, 0, 0, 0))
        if data.comparison.options:
            self.bars.setOpts(brushes=[clear] * len(data.comparison.options))
        separator = pg.mkPen(theme.chart_background(), width=1)
        set_bars(self.segments, x0, y, widths, 0.7, brushes=brushes, pen=separator)

    def _set_legend(self, names: tuple[str, ...]) -> None:
        """Name the classes in the axis title (the plain title back when the mix goes)."""
        axis = self.plot.getAxis("bottom")
        current = str(axis.labelText)
        if LEGEND_START not in current:
            self._plain_label = current
        text = legend_html(names) if names else self._plain_label
        if text != current:
            axis.setLabel(text)

    def hover_at(self, x: float, y: float) -> str:
        from tokentco.present.mix_text import mix_why

        text = super().hover_at(x, y)
        r = self._result_at(y)
        if not text or r is None or self.mix is None:
            return text
        m = next((o for o in self.mix.options if o.option_id == r.option_id), None)
        if m is None or not m.pool.feasible:
            return text
        lines = [text, f"Blend of {len(m.pool.classes)} classes — {mix_why(m)}:"]
        for c, part in zip(m.pool.classes, contributions(m), strict=True):
            lines.append(
                f"  {c.name} ({fmt.percent(c.share)} of output): "
                f"{fmt.usd_per_mtok(c.usd_per_mtok, unit=True)}, adds "
                f"{fmt.usd_per_mtok(part, unit=True)}"
            )
        return "\n".join(lines)


LEGEND_START = "blended $/Mtok by class"
PER_LINE = 3
"""Class names per line of the axis title (a dashboard chart is about 330 px wide): up to
three classes keep the plain chart's single line, so the bars keep their height."""


def legend_html(names: tuple[str, ...]) -> str:
    """The axis title naming each class after a square of its colour, a few per line."""
    swatches = [
        f"<span style='color:{CLASS_COLOURS[k % len(CLASS_COLOURS)]}'>■</span>&nbsp;"
        f"{html.escape(name)}"
        for k, name in enumerate(names)
    ]
    lines = [" ".join(swatches[i : i + PER_LINE]) for i in range(0, len(swatches), PER_LINE)]
    return f"<span title='{LEGEND_START}'>{'<br>'.join(lines)}</span>"


__all__ = ["CLASS_COLOURS", "MixCostChart", "class_colour", "contributions", "legend_html"]

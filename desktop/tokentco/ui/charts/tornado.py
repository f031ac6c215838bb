"""Sensitivity of the selected option's $/Mtok to each input moved ±20 %."""

import math
import textwrap
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from tokentco.present import formats as fmt
from tokentco.ui import theme
from tokentco.ui.charts.axes import (
    row_at,
    set_title,
)
from tokentco.ui.charts.base import (
    Chart,
    ChartData,
    Drawn,
)
from tokentco.ui.charts.overlays import Bars

MESSAGE_CHARS = 40
"""Characters per line of the message shown instead of bars."""


class TornadoChart(Chart):
    """Which inputs move the selected option's $/Mtok most (± the sensitivity fraction)."""

    title = "Sensitivity"
    description = (
        "How much the selected option's $/Mtok moves when each input is lowered or raised "
        "by 20 % (the largest first)"
    )

    bars = Drawn[list[Any]]()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.axis, self.plot = self._bar_plot("$ per million tokens")
        self.low = Bars(x0=[], y=[], height=0.65, width=[], brush=pg.mkBrush(theme.OKABE_ITO[4]))
        self.high = Bars(x0=[], y=[], height=0.65, width=[], brush=pg.mkBrush(theme.OKABE_ITO[1]))
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
        self.bars = []
        self.empty_text = "computing…"

    def data_key(self, data: ChartData) -> Any:
        try:
            r = data.comparison.by_id(data.selected_id)
            label, feasible, reason = r.label, r.point.feasible, r.point.reason
        except StopIteration:
            label, feasible, reason = "", True, ""
        return (
            id(data.tornado),
            data.tornado_for,
            data.selected_id,
            label,
            feasible,
            reason,
            self.empty_text,
        )

    def update_plot(self, data: ChartData) -> None:
        bars = list(data.tornado or []) if data.tornado_for == data.selected_id else []
        message = self.empty_text
        infeasible = self._infeasible(data, bars)
        if infeasible:
            # no cost to move: every bar would run from a missed target to a missed target
            bars, message = [], infeasible
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
        known = {r.option_id for r in data.comparison.options}
        name = data.short_label(data.selected_id) if data.selected_id in known else ""
        # elided to the plot's width if need be; the tooltip names the option in full
        set_title(
            self.plot,
            f"Sensitivity · {name}" if name else "Sensitivity",
            self.description + (f"\n{data.full_label(data.selected_id)}" if name else ""),
        )
        if bars:
            self.message.hide()
            self.plot.setXRange(lo - span * 0.08, cap + span * 0.05, padding=0)
            self.plot.setYRange(-0.6, n - 0.4, padding=0)
        else:
            # wrapped to the plot's width (a dashboard chart is about 330 px wide)
            self.message.setText(
                "\n".join(
                    textwrap.wrap(
                        message, MESSAGE_CHARS, break_long_words=False, break_on_hyphens=False
                    )
                )
            )
            self.plot.setXRange(0, 1, padding=0)
            self.plot.setYRange(-0.6, 0.6, padding=0)
            self.message.setPos(0.5, 0)
            self.message.show()

    @staticmethod
    def _infeasible(data: ChartData, bars: list[Any]) -> str:
        """Why the selected option has no sensitivity to draw ("" when it has one)."""
        try:
            result = data.comparison.by_id(data.selected_id)
        except StopIteration:
            result = None
        base_finite = all(math.isfinite(b.base_usd_per_mtok) for b in bars)
        if result is None:
            if not data.comparison.options:
                return "No options yet: add one to see what moves its cost"
            return "" if base_finite else "No cost to vary: the option cannot be priced"
        if result.point.feasible and math.isfinite(result.usd_per_mtok) and base_finite:
            return ""
        reason = result.point.reason or "no operating point"
        return (
            f"{data.short_label(result.option_id)} cannot meet the workload "
            f"({reason}): no cost to vary"
        )

    def hover_at(self, x: float, y: float) -> str:
        b = row_at(y, self.bars)
        if b is None:
            return ""

        def cost(v: float) -> str:
            return fmt.usd_per_mtok(v, unit=True) if math.isfinite(v) else "target missed"

        return (
            f"{b.label} (base {fmt.number(b.base_value)} {b.unit})\n"
            f"at {fmt.number(b.low_value)}: {cost(b.usd_per_mtok_low)}\n"
            f"at {fmt.number(b.high_value)}: {cost(b.usd_per_mtok_high)}\n"
            f"base {cost(b.base_usd_per_mtok)}"
        )

"""Tokens per MW and kWh per million tokens, one bar pair per option."""

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from tokentco.present import formats as fmt
from tokentco.ui import theme
from tokentco.ui.charts.axes import (
    CategoryAxis,
    NumberAxis,
    set_value_range,
    untitled,
)
from tokentco.ui.charts.base import (
    MAX_BAR_LABELS,
    Chart,
    ChartData,
    Drawn,
    shared_scale,
)
from tokentco.ui.charts.overlays import (
    Bars,
    Labels,
    Whiskers,
    bar_brushes,
    bar_pens,
    error_bars,
    set_bars,
)


class EnergyChart(Chart):
    """Tokens/s per MW of facility power and kWh per million tokens, side by side."""

    title = "Energy"
    description = (
        "Output tokens per second per MW of facility power (whiskers: p10–p90) and facility "
        "energy per million tokens, per option"
    )

    mw_values = Drawn[list[float]]()
    kwh_values = Drawn[list[float]]()
    mw_ranges = Drawn[list[tuple[float, float] | None]]()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # one title over both plots (they share a dashboard cell, about 200 + 90 px at
        # 1366×768, too narrow for a title each); the axis labels name the two figures
        self.heading = self._heading(row=0, colspan=2)
        self.axis, self.mw = self._bar_plot("tok/s per MW", money=False, row=1, col=0)
        self.kwh = self._plot(1, 1, left=CategoryAxis("left"), bottom=NumberAxis("bottom"))
        for plot in (self.mw, self.kwh):
            untitled(plot)
        self.kwh.invertY(True)
        self.kwh.setYLink(self.mw)
        self.kwh.hideAxis("left")
        self.kwh.setLabel("bottom", "kWh per Mtok")
        self.view.ci.layout.setColumnStretchFactor(0, 3)
        self.view.ci.layout.setColumnStretchFactor(1, 2)
        self.mw_bars = Bars(x0=[], y=[], height=0.7, width=[])
        self.mw_whiskers = Whiskers(pen=pg.mkPen(theme.chart_foreground(), width=1.2))
        self.mw_whiskers.setZValue(30)
        self.kwh_bars = Bars(x0=[], y=[], height=0.7, width=[])
        self.mw.addItem(self.mw_bars)
        self.mw.addItem(self.mw_whiskers)
        self.kwh.addItem(self.kwh_bars)
        self.mw_labels = Labels(self.mw)
        self.kwh_labels = Labels(self.kwh)
        self._attach_hover(self.mw)
        self.mw_values = []
        self.kwh_values = []
        self.mw_ranges = []
        """The p10–p90 whiskers of tok/s per MW drawn, per bar (None: no range)."""

    def data_key(self, data: ChartData) -> Any:
        values = tuple(
            (
                r.point.feasible,
                r.tokens_per_s_per_mw,
                r.kwh_per_mtok,
                r.uncertainty.tokens_per_s_per_mw if r.uncertainty else None,
            )
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
        brushes = bar_brushes(results, data)
        pens = bar_pens(results, data)
        y = np.arange(len(results))
        set_bars(self.mw_bars, np.zeros(len(y)), y, mw, 0.7, brushes=brushes, pens=pens)
        set_bars(self.kwh_bars, np.zeros(len(y)), y, kwh, 0.7, brushes=brushes, pens=pens)
        self.mw_ranges = error_bars(
            self.mw_whiskers,
            mw,
            [
                (rng.p10, rng.p90)
                if r.uncertainty is not None
                and r.point.feasible
                and (rng := r.uncertainty.tokens_per_s_per_mw) is not None
                else None
                for r in results
            ],
        )
        self.axis.set_categories([data.short_label(r.option_id) for r in results])
        fg = theme.chart_foreground()
        few = len(results) <= MAX_BAR_LABELS
        ends = [max(v, rng[1] if rng else 0.0) for v, rng in zip(mw, self.mw_ranges, strict=True)]
        mw_text = shared_scale(mw, fmt.tokens_per_s)
        kwh_text = [fmt.kwh_per_mtok(v) for v in kwh]
        self.mw_labels.set_entries(
            [(ends[i], float(i), " " + mw_text[i]) for i in range(len(mw))] if few else [], fg
        )
        self.kwh_labels.set_entries(
            [(v, float(i), " " + kwh_text[i]) for i, v in enumerate(kwh)] if few else [], fg
        )
        # room for the value label past the longest bar (or whisker)
        set_value_range(self.mw, 0, (max(ends, default=1.0) or 1.0) * 1.6, len(results))
        set_value_range(self.kwh, 0, (max(kwh, default=1.0) or 1.0) * 1.7)

    def hover_at(self, x: float, y: float) -> str:
        r = self._result_at(y)
        if r is None or self._data is None:
            return ""
        watts = (
            f"{fmt.power_watts(r.watts_per_gpu_all_in)}/GPU all-in × PUE {fmt.number(r.pue)}"
            if r.watts_per_gpu_all_in
            else "power unknown"
        )
        spread = ""
        if r.uncertainty is not None and r.uncertainty.tokens_per_s_per_mw is not None:
            rng = r.uncertainty.tokens_per_s_per_mw
            spread = f" (p10–p90 {fmt.value_range(rng.p10, rng.p90)})"
        return (
            f"{self._data.full_label(r.option_id)}\n"
            f"{fmt.tokens_per_s_per_mw(r.tokens_per_s_per_mw)} tok/s per MW{spread}\n"
            f"{fmt.kwh_per_mtok(r.kwh_per_mtok, unit=True)}\n{watts}"
        )

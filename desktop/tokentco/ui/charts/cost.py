"""Cost per million tokens: one bar per option, the cheapest starred."""

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
)
from PySide6.QtWidgets import QWidget

from tokentco import MODEL_VERSION
from tokentco.present import formats as fmt
from tokentco.ui import theme
from tokentco.ui.charts.axes import (
    set_value_range,
)
from tokentco.ui.charts.base import (
    MAX_BAR_LABELS,
    Chart,
    ChartData,
    Drawn,
    provenance_text,
    shared_scale,
)
from tokentco.ui.charts.overlays import (
    ANCHORED_ALPHA,
    Bars,
    Labels,
    Whiskers,
    bar_brushes,
    bar_pens,
    error_bars,
    set_bars,
)


class CostChart(Chart):
    """$/Mtok per option at its operating point; cheapest outlined and labelled."""

    title = "$/Mtok"
    description = (
        "Cost per million tokens at each option's operating point, all-in "
        "(whiskers: p10–p90; cheapest outlined)"
    )

    values = Drawn[list[float]]()
    ranges = Drawn[list[tuple[float, float] | None]]()
    cheapest_id = Drawn[str]()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.axis, self.plot = self._bar_plot("$/Mtok · whiskers: p10–p90")
        self.bars = Bars(x0=[], y=[], height=0.7, width=[])
        self.plot.addItem(self.bars)
        self.whiskers = Whiskers(pen=pg.mkPen(theme.chart_foreground(), width=1.2))
        self.whiskers.setZValue(30)
        self.plot.addItem(self.whiskers)
        self.labels = Labels(self.plot)
        legend = self._legend(1, 0, 4)
        grey = QColor("#888888")
        legend.addItem(pg.BarGraphItem(x=[], height=[], width=0, brush=QBrush(grey)), "measured")
        half = QColor(grey)
        half.setAlpha(ANCHORED_ALPHA)
        legend.addItem(pg.BarGraphItem(x=[], height=[], width=0, brush=QBrush(half)), "anchored")
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
        self.values = []
        self.ranges = []
        """The p10–p90 whiskers drawn, per bar (None: no range)."""
        self.cheapest_id = ""

    def data_key(self, data: ChartData) -> Any:
        return self._ids(data), tuple(
            (r.usd_per_mtok, r.uncertainty.usd_per_mtok if r.uncertainty else None)
            for r in data.comparison.options
        )

    def update_plot(self, data: ChartData) -> None:
        results = data.comparison.options
        cheapest = data.comparison.cheapest
        self.cheapest_id = cheapest.option_id if cheapest else ""
        values = [
            r.usd_per_mtok if r.point.feasible and math.isfinite(r.usd_per_mtok) else 0.0
            for r in results
        ]
        self.values = values
        brushes = bar_brushes(results, data)
        set_bars(
            self.bars,
            x0=np.zeros(len(values)),
            y=np.arange(len(values)),
            width=values,
            height=0.7,
            brushes=brushes,
            pens=bar_pens(results, data, self.cheapest_id),
        )
        self.ranges = error_bars(
            self.whiskers,
            values,
            [
                (r.uncertainty.usd_per_mtok.p10, r.uncertainty.usd_per_mtok.p90)
                if r.uncertainty is not None and r.point.feasible
                else None
                for r in results
            ],
        )
        self.axis.set_categories([data.short_label(r.option_id) for r in results])
        entries = []
        if len(results) <= MAX_BAR_LABELS:
            shown = shared_scale(
                [r.usd_per_mtok if r.point.feasible else None for r in results],
                fmt.usd_per_mtok,
            )
            for i, r in enumerate(results):
                if not r.point.feasible:
                    text = "infeasible"
                else:
                    text = shown[i]
                    if r.option_id == self.cheapest_id:
                        text += "  ★ cheapest"
                # the label starts past the whisker, so the two never overlap
                drawn = self.ranges[i]
                end = max(values[i], drawn[1] if drawn is not None else 0.0)
                entries.append((end, float(i), "  " + text))
        self.labels.set_entries(entries, theme.chart_foreground())
        top = max([*values, *(rng[1] for rng in self.ranges if rng)], default=1.0) or 1.0
        set_value_range(self.plot, 0, top * 1.35, len(values))

    def hover_at(self, x: float, y: float) -> str:
        r = self._result_at(y)
        if r is None or self._data is None:
            return ""
        name = self._data.full_label(r.option_id)
        if not r.point.feasible:
            return f"{name}\ninfeasible: {r.point.reason}"
        spread = ""
        if r.uncertainty is not None:
            rng = r.uncertainty.usd_per_mtok
            spread = f" (p10–p90 {fmt.value_range(rng.p10, rng.p90, fmt.usd_per_mtok)})"
        return (
            f"{name}\n{fmt.usd_per_mtok(r.usd_per_mtok, unit=True)}{spread}\n"
            f"{fmt.usd_per_gpu_hour(r.cost.usd_per_gpu_hour, unit=True)} at "
            f"{fmt.percent(r.utilization)} utilization\n"
            f"{fmt.tokens_per_s(r.point.output_tokens_per_s_per_gpu, unit='tok/s/GPU')} — "
            f"{provenance_text(r)}"
        )

"""The selected option's $/Mtok from a plain baseline through each serving feature."""

import functools
import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QWidget

from tokentco.engine.results import OptionResult
from tokentco.present import formats as fmt
from tokentco.ui import theme
from tokentco.ui.charts.axes import (
    row_at,
    set_title,
    set_value_range,
)
from tokentco.ui.charts.base import (
    Chart,
    ChartData,
    Drawn,
    shared_scale,
)
from tokentco.ui.charts.overlays import (
    Bars,
    Labels,
    cached_pen,
    set_bars,
)


class WaterfallChart(Chart):
    """What each serving feature contributes to the selected option's $/Mtok."""

    title = "What each feature saves"
    description = (
        "The selected option's $/Mtok from a plain baseline (FP16, no serving features) "
        "through each feature to its operating point"
    )

    steps = Drawn[list[tuple[str, float, float]]]()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.axis, self.plot = self._bar_plot("$ per million tokens")
        self.bars = Bars(x0=[], y=[], height=0.65, width=[])
        self.plot.addItem(self.bars)
        self.labels = Labels(self.plot)
        self._attach_hover(self.plot)
        self.steps = []  # (label, before, after)

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
                brushes.append(_brush(theme.OKABE_ITO[0]))
            elif b < a:
                brushes.append(_brush(theme.DECREASE))
            else:
                brushes.append(_brush(theme.INCREASE))
        # no steps (the option misses the target, or its waterfall is not computed yet):
        # the bars are hidden
        set_bars(
            self.bars,
            x0,
            np.arange(n),
            widths,
            0.65,
            brushes=brushes,
            pens=[cached_pen(theme.muted_foreground().rgba(), 1)] * n,
        )
        self.axis.set_categories([label for label, _, _ in steps])
        entries = []
        costs = shared_scale([b for _, _, b in steps], fmt.usd_per_mtok)
        for i, (_, a, b) in enumerate(steps):
            text = costs[i] if i in (0, n - 1) or not a else _change(a, b)
            entries.append((max(a, b), float(i), " " + text))
        self.labels.set_entries(entries, theme.chart_foreground())
        name = data.short_label(result.option_id) if result is not None else ""
        # elided to the plot's width if need be; the tooltip names the option in full
        set_title(
            self.plot,
            f"Waterfall · {name}" if name else "Waterfall",
            self.description
            + (f"\n{data.full_label(result.option_id)}" if result is not None else ""),
        )
        top = max((max(a, b) for _, a, b in steps), default=1.0) or 1.0
        set_value_range(self.plot, 0, top * 1.45, n)

    def hover_at(self, x: float, y: float) -> str:
        step = row_at(y, self.steps)
        if step is None:
            return ""
        label, a, b = step
        if a == 0.0:
            return f"{label}: {fmt.usd_per_mtok(b, unit=True)}"
        return (
            f"{label}: {fmt.usd_per_mtok(a)} → {fmt.usd_per_mtok(b, unit=True)} ({_change(a, b)})"
        )


@functools.lru_cache(maxsize=16)
def _brush(colour: str) -> QBrush:
    """The step colours' brushes, made once (pyqtgraph compares them by identity first)."""
    brush: QBrush = pg.mkBrush(colour)
    return brush


def _change(before: float, after: float) -> str:
    """A step's relative change, signed with a true minus: ``−82%``, ``+5%``."""
    change = (after - before) / before
    sign = "+" if change > 0 else "−" if change < 0 else ""
    return sign + fmt.percent(abs(change))

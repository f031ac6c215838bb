"""Cost per GPU-hour split into rental, capex, energy and opex."""

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

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
    shared_scale,
)
from tokentco.ui.charts.overlays import (
    Bars,
    Labels,
)

COMPONENTS = (("rental", "rental"), ("capex", "capex"), ("energy", "energy"), ("opex", "opex"))


class BreakdownChart(Chart):
    """$/GPU-hour per option, stacked: rental or capex + energy + opex."""

    title = "$/GPU-hour"
    description = (
        "All-in cost of one GPU-hour per option, stacked: rental or capex, energy and opex"
    )

    totals = Drawn[list[float]]()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.axis, self.plot = self._bar_plot("$ per GPU-hour, all-in")
        self.legend = self._legend(1, 0, 4)
        self.stacks: dict[str, Bars] = {}
        for key, name in COMPONENTS:
            bars = Bars(
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
        self.labels = Labels(self.plot)
        self._attach_hover(self.plot)
        self.totals = []

    def data_key(self, data: ChartData) -> Any:
        return self._ids(data), tuple(r.cost for r in data.comparison.options)

    def update_plot(self, data: ChartData) -> None:
        results = data.comparison.options
        n = len(results)
        y = np.arange(n)
        left = np.zeros(n)
        for key, _ in COMPONENTS:
            width = np.array([float(getattr(r.cost, f"{key}_usd")) for r in results])
            # one shared pen and brush per stack: no options is fine (and the stack stays
            # visible, or its legend entry would be greyed out)
            self.stacks[key].setOpts(x0=left.copy(), y=y, height=0.7, width=width)
            left += width
        self.totals = [r.cost.usd_per_gpu_hour for r in results]
        self.axis.set_categories([data.short_label(r.option_id) for r in results])
        few = n <= MAX_BAR_LABELS
        shown = shared_scale(self.totals, fmt.money)
        self.labels.set_entries(
            [(t, float(i), " " + shown[i]) for i, t in enumerate(self.totals)] if few else [],
            theme.chart_foreground(),
        )
        set_value_range(self.plot, 0, (max(self.totals, default=1.0) or 1.0) * 1.4, n)

    def hover_at(self, x: float, y: float) -> str:
        r = self._result_at(y)
        if r is None or self._data is None:
            return ""
        c = r.cost
        parts = [
            f"{name} {fmt.money(getattr(c, f'{key}_usd'))}"
            for key, name in COMPONENTS
            if getattr(c, f"{key}_usd")
        ]
        return (
            f"{self._data.full_label(r.option_id)}\n"
            f"{fmt.usd_per_gpu_hour(c.usd_per_gpu_hour, unit=True)} = "
            + " + ".join(parts)
            + f"\n{c.basis}"
        )

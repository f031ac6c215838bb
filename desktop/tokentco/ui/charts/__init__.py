"""pyqtgraph charts of a :class:`~tokentco.engine.results.Comparison`, one module per chart
on a shared base (:mod:`.base`: data, formats, axes, the :class:`Chart` widget;
:mod:`.overlays`: custom-painted grid, labels and curves).

Each chart keeps its graphics items and only swaps their data on :meth:`Chart.show_data`,
so a repaint while a slider moves costs a few milliseconds even with 100 options. Colours
are Okabe–Ito per option (same colour in every chart and in the options list); measured
throughput is drawn solid and estimated throughput hatched, so the distinction never
relies on colour alone. Hovering shows exact values; every chart exports to PNG or SVG
(right-click ▸ Export, or File ▸ Export chart).
"""

from tokentco.ui.charts.base import (
    Chart,
    ChartData,
    fmt_money,
    fmt_number,
    provenance_text,
)
from tokentco.ui.charts.breakdown import BreakdownChart
from tokentco.ui.charts.cost import CostChart
from tokentco.ui.charts.energy import EnergyChart
from tokentco.ui.charts.frontier import FrontierChart
from tokentco.ui.charts.tornado import TornadoChart
from tokentco.ui.charts.waterfall import WaterfallChart

__all__ = [
    "BreakdownChart",
    "Chart",
    "ChartData",
    "CostChart",
    "EnergyChart",
    "FrontierChart",
    "TornadoChart",
    "WaterfallChart",
    "fmt_money",
    "fmt_number",
    "provenance_text",
]

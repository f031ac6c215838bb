"""Throughput vs interactivity: each option's frontier curve and its operating point.

The operating point's marker says what its throughput rests on — a star when measured, a
diamond when anchored to a measurement, a circle when estimated — and a vertical whisker
spans its p10–p90 range, so the basis and the uncertainty never rely on colour alone."""

import math
from collections import OrderedDict
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QBrush,
    QPainterPath,
    QPen,
)
from PySide6.QtWidgets import QWidget

from tokentco.engine.results import Frontier
from tokentco.present import formats as fmt
from tokentco.ui import theme
from tokentco.ui.charts.axes import (
    PICTURES_KEPT,
    Axis,
    NumberAxis,
    set_axis_label,
    set_view_range,
    stable_range,
)
from tokentco.ui.charts.base import (
    Chart,
    ChartData,
    Drawn,
)
from tokentco.ui.charts.overlays import (
    Curves,
    Markers,
    Whiskers,
    cached_pen,
)

BASIS_SYMBOLS: dict[str, tuple[str, int]] = {
    "measured": ("star", 16),
    "anchored": ("d", 14),
    "estimated": ("o", 12),
}
"""Marker (pyqtgraph symbol, size in px) of an operating point by the basis of its figure."""

BASIS_NOTE = "★ measured ◆ anchored ● estimated"
"""The key to the markers, under the plot (a legend entry each would squeeze the curves)."""


class FrontierChart(Chart):
    """Tokens/s/GPU against tokens/s/user per option, the target line and operating points."""

    title = "Throughput vs interactivity"
    description = (
        "Output tokens/s per GPU (log scale) against tokens/s each user sees, per option: "
        "its frontier, its operating point and the latency target (colours as in the "
        "options list; on a narrow screen the legend gives way to the plot)"
    )

    ranges = Drawn[list[tuple[float, float]]]()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = self._plot(left=Axis("left"), bottom=NumberAxis("bottom"))
        self.plot.setLogMode(x=False, y=True)
        # ranges are set from the data once per update: autorange would re-scan every
        # curve after each of the n setData calls (quadratic with 100 options)
        self.plot.vb.disableAutoRange()
        set_axis_label(
            self.plot,
            "bottom",
            (
                f"tok/s per user · {BASIS_NOTE}",
                f"tok/s/user · {BASIS_NOTE}",
                "tok/s/user · ★ meas. ◆ anch. ● est.",
            ),
        )
        self.plot.setLabel("left", "tok/s/GPU (log)")
        self.curves = Curves(self.plot)
        self._paths: dict[str, OrderedDict[tuple[bytes, bytes], QPainterPath]] = {}
        """Per option, the paths of its last few curves by their exact values."""
        self._samples: list[pg.PlotDataItem] = []  # legend swatches (never drawn in the plot)
        self.points = Markers(size=13, pxMode=True)
        self.points.setZValue(20)
        self.plot.addItem(self.points)
        self.whiskers = Whiskers(pen=pg.mkPen(theme.chart_foreground(), width=1.2))
        self.whiskers.setZValue(19)
        self.plot.addItem(self.whiskers)
        self.ranges = []
        """p10–p90 tok/s/GPU of each drawn operating point that has one (for tests)."""
        self.region = pg.LinearRegionItem(
            values=(0, 0), movable=False, brush=pg.mkBrush(213, 94, 0, 28), pen=pg.mkPen(None)
        )
        self.region.setZValue(-10)
        self.plot.addItem(self.region, ignoreBounds=True)
        self.target = pg.InfiniteLine(
            angle=90,
            movable=False,
            pen=pg.mkPen(theme.TARGET, width=2, style=Qt.PenStyle.DashLine),
            label="target",
            labelOpts={"position": 0.92, "color": theme.TARGET},
        )
        self.plot.addItem(self.target, ignoreBounds=True)
        self.legend = self._legend(1, 0, 3, max_rows=3)
        self._attach_hover(self.plot)
        self._xs = np.empty(0)
        self._ys = np.empty(0)
        self._owner = np.empty(0, dtype=np.int64)
        self._conc = np.empty(0)
        self._pens: dict[tuple[int, bool], QPen] = {}
        self._brushes: dict[int, QBrush] = {}
        self._outline = pg.mkPen(theme.chart_foreground(), width=1.5)

    def data_key(self, data: ChartData) -> Any:
        points = tuple(
            (
                r.point.feasible,
                r.point.tokens_per_s_per_user,
                r.point.output_tokens_per_s_per_gpu,
                r.uncertainty.tokens_per_s_per_gpu if r.uncertainty else None,
                _curve_key(r.frontier),
            )
            for r in data.comparison.options
        )
        target = data.project.workload.min_tokens_per_s_per_user
        return self._ids(data), points, data.selected_id, target

    def update_plot(self, data: ChartData) -> None:
        results = data.comparison.options
        show_legend = len(results) <= 10
        legend_key = (
            [
                (r.option_id, data.short_label(r.option_id), data.colour_index(r.option_id))
                for r in results
            ]
            if show_legend
            else []
        )
        rebuild = legend_key != getattr(self, "_legend_key", None)
        if rebuild:
            self.legend.clear()
            self._samples.clear()
            self._legend_key = legend_key
        paths: list[tuple[QPainterPath, QPen]] = []
        xs, ys, owner, conc = [], [], [], []
        px, py, brushes, symbols, sizes = [], [], [], [], []
        wx, wy, w_low, w_high = [], [], [], []
        self.ranges = []
        for i, r in enumerate(results):
            index = data.colour_index(r.option_id)
            f = r.frontier
            x = np.asarray(f.tokens_per_s_per_user, dtype=float)
            y = np.asarray(f.output_tokens_per_s_per_gpu, dtype=float)
            ok = (y > 0) & np.isfinite(x) & np.isfinite(y)
            x, y = x[ok], y[ok]
            state = (index, r.option_id == data.selected_id)
            pen = self._pen(*state)
            # utilization and prices do not move the frontier, and a drag back and forth
            # returns to curves drawn a moment ago: their paths are kept
            kept = self._paths.setdefault(r.option_id, OrderedDict())
            curve = (x.tobytes(), y.tobytes())
            path = kept.get(curve)
            if path is None:
                path = pg.arrayToQPath(x, np.log10(y)) if x.size else QPainterPath()
                kept[curve] = path
                while len(kept) > PICTURES_KEPT:
                    kept.popitem(last=False)
            else:
                kept.move_to_end(curve)
            paths.append((path, pen))
            if show_legend and rebuild:
                sample = pg.PlotDataItem(pen=self._pen(index, False))
                self._samples.append(sample)
                self.legend.addItem(sample, data.short_label(r.option_id))
            xs.append(x)
            ys.append(y)
            owner.append(np.full(len(x), i))
            conc.append(np.asarray(f.concurrency, dtype=float)[ok])
            p = r.point
            if p.feasible and p.output_tokens_per_s_per_gpu > 0:
                symbol, size = BASIS_SYMBOLS.get(p.provenance, BASIS_SYMBOLS["estimated"])
                log_y = math.log10(p.output_tokens_per_s_per_gpu)
                px.append(p.tokens_per_s_per_user)
                py.append(log_y)
                brushes.append(self._brush(index))
                symbols.append(symbol)
                sizes.append(size)
                u = r.uncertainty
                if u is not None and 0 < u.tokens_per_s_per_gpu.p10 < u.tokens_per_s_per_gpu.p90:
                    rng = u.tokens_per_s_per_gpu
                    self.ranges.append((rng.p10, rng.p90))
                    wx.append(p.tokens_per_s_per_user)
                    wy.append(log_y)
                    w_low.append(max(log_y - math.log10(rng.p10), 0.0))
                    w_high.append(max(math.log10(rng.p90) - log_y, 0.0))
        if rebuild:
            self.legend.setMinimumWidth(0)
            self.fit_legends()
        # the selected curve last, on top of the others
        selected = [i for i, r in enumerate(results) if r.option_id == data.selected_id]
        order = [i for i in range(len(results)) if i not in selected] + selected
        self.curves.set_paths([paths[i] for i in order])
        alive = {r.option_id for r in results}
        self._paths = {k: v for k, v in self._paths.items() if k in alive}
        self.points.setData(
            x=px, y=py, brush=brushes, symbol=symbols, size=sizes, pen=self._outline
        )
        self._set_whiskers(wx, wy, w_low, w_high)
        self._xs = np.concatenate(xs) if xs else np.empty(0)
        self._ys = np.concatenate(ys) if ys else np.empty(0)
        self._owner = np.concatenate(owner) if owner else np.empty(0, dtype=np.int64)
        self._conc = np.concatenate(conc) if conc else np.empty(0)
        if self._xs.size:
            min_speed = data.project.workload.min_tokens_per_s_per_user or 0.0
            logs = np.log10(self._ys)
            x_max = max(float(self._xs.max()), min_speed) * 1.05
            (x_range, y_range) = self.plot.vb.viewRange()
            set_view_range(
                self.plot.vb,
                stable_range(tuple(x_range), 0.0, x_max),
                stable_range(tuple(y_range), float(logs.min()) - 0.15, float(logs.max()) + 0.25),
            )
        target = data.project.workload.min_tokens_per_s_per_user
        if target == getattr(self, "_target", -1.0):
            pass
        elif target:
            self._target = target
            self.target.setValue(target)
            self.target.label.setFormat(f"≥ {fmt.tokens_per_s(target, unit='tok/s/user')}")
            self.target.show()
            self.region.setRegion((0, target))
            self.region.show()
        else:
            self._target = -1.0
            self.target.hide()
            self.region.hide()

    def _set_whiskers(
        self, x: list[float], y: list[float], low: list[float], high: list[float]
    ) -> None:
        """The p10–p90 whiskers (log10 lengths below and above each point), or none: an
        emptied whisker item is not emptied again each frame (:meth:`Whiskers.clear`)."""
        if not x:
            self.whiskers.clear()
            return
        self.whiskers.setData(
            x=np.asarray(x, dtype=float),
            y=np.asarray(y, dtype=float),
            top=np.asarray(high, dtype=float),
            bottom=np.asarray(low, dtype=float),
            beam=0.0,
            pen=cached_pen(theme.chart_foreground().rgba(), 1.2),  # follows a palette change
        )
        self.whiskers.show()

    def _pen(self, index: int, selected: bool) -> QPen:
        key = (index, selected)
        if key not in self._pens:
            self._pens[key] = pg.mkPen(theme.option_colour(index), width=3 if selected else 1.6)
        return self._pens[key]

    def _brush(self, index: int) -> QBrush:
        if index not in self._brushes:
            self._brushes[index] = pg.mkBrush(theme.option_colour(index))
        return self._brushes[index]

    @property
    def operating_points(self) -> list[tuple[float, float]]:
        """(tokens/s/user, tokens/s/GPU) of the drawn operating points (for tests)."""
        self.flush()
        return [(float(s.pos().x()), float(10 ** s.pos().y())) for s in self.points.points()]

    def hover_at(self, x: float, y: float) -> str:
        if self._data is None or not self._xs.size:
            return ""
        vb = self.plot.vb
        # distances in screen pixels (y is drawn in log10 space)
        rect = vb.viewRect()
        w = max(vb.width(), 1.0)
        h = max(vb.height(), 1.0)
        dx = (self._xs - x) / max(rect.width(), 1e-9) * w
        dy = (np.log10(np.maximum(self._ys, 1e-12)) - y) / max(abs(rect.height()), 1e-9) * h
        d = np.hypot(dx, dy)
        k = int(np.argmin(d))
        if d[k] > 30:
            return ""
        r = self._data.comparison.options[int(self._owner[k])]
        return (
            f"{self._data.full_label(r.option_id)}\n"
            f"{fmt.tokens_per_s(float(self._ys[k]), unit='tok/s/GPU')} at "
            f"{fmt.tokens_per_s(float(self._xs[k]), unit='tok/s/user')}\n"
            f"concurrency {fmt.integer(float(self._conc[k]))}"
        )


def _curve_key(frontier: Frontier) -> tuple[bytes, bytes, bytes]:
    """The curve's exact values (and the concurrencies hover reads out), as bytes: an
    exact test, and cheaper than summing the arrays (which two curves could share)."""
    return (
        np.asarray(frontier.tokens_per_s_per_user, dtype=float).tobytes(),
        np.asarray(frontier.output_tokens_per_s_per_gpu, dtype=float).tobytes(),
        np.asarray(frontier.concurrency, dtype=float).tobytes(),
    )

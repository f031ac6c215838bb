"""The report's charts, painted from the report model: cost and energy bars with p10–p90
whiskers, the frontier with operating points, and the winner's tornado.

Charts print short labels (the model guarantees they are unique); the legend key under the
comparison maps them to full names. The winner is marked with a dark outline and a star,
never with a colour another option's bars could have.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath

from tokentco.present.axes import nice_max
from tokentco.present.report_plan import PlanChart
from tokentco.present.report_types import Bars, FrontierChart, TornadoChart
from tokentco.ui.report.page import BAD, GRID, MIN_POINTS, MUTED, NAVY, TEXT, Page

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#F0E442")
WINNER_MARK = QColor("#111111")
LOW, HIGH = QColor("#56B4E9"), QColor("#E69F00")
_RIGHT_MID = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTRE_TOP = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
BAR_SLOT = 13.0
"""Points per bar: the label stays at 7 pt and every bar keeps its row."""


def colour(i: int) -> QColor:
    return QColor(PALETTE[i % len(PALETTE)])


def bar_chart_height(page: Page, bars: Bars, w: float) -> float:
    """Height of ``bar_chart`` at width ``w``: the (wrapped) title, a slot per bar, ticks."""
    title_h = page.text_height(bars.title, page.font(9, bold=True), w)
    return title_h + 30.0 + BAR_SLOT * max(1, len(bars.labels))


def bar_chart(page: Page, bars: Bars, x: float, y: float, w: float) -> float:
    """Horizontal bars with value labels and whiskers; returns the height used."""
    title = page.font(9, bold=True)
    title_h = page.text_height(bars.title, title, w)
    h = bar_chart_height(page, bars, w)
    page.draw_text(x, y, w, title_h + 2, bars.title, title, NAVY, int(Qt.TextFlag.TextWordWrap))
    top = y + title_h + 4
    font = page.font(MIN_POINTS)
    label_w = min(w * 0.45, max((page.advance(t, font) for t in bars.labels), default=0) + 8)
    value_w = max((page.advance(t, font) for t in bars.value_texts), default=0) + 8
    plot_w = max(w - label_w - value_w - 6, 20.0)
    vmax = bars.ticks[-1][0] if bars.ticks else 1.0
    n = max(1, len(bars.labels))
    bottom = top + BAR_SLOT * n
    if any(v is not None for v in bars.values):  # no axis to read when nothing is plotted
        _bar_grid(page, bars, x + label_w, plot_w, vmax, top, bottom)
    for i, label in enumerate(bars.labels):
        cy = top + BAR_SLOT * i + 2
        bh = BAR_SLOT - 4
        page.draw_text(x, cy - 1, label_w - 4, bh + 2, label, font, TEXT, _RIGHT_MID)
        value = bars.values[i]
        if value is None:
            page.draw_text(
                x + label_w + 4,
                cy,
                plot_w,
                bh,
                bars.missing_text,
                page.font(MIN_POINTS, italic=True),
                BAD,
            )
            continue
        bw = plot_w * value / vmax
        page.p.fillRect(page.rect(x + label_w, cy, max(bw, 0.5), bh), colour(i))
        _whisker(page, bars, i, x + label_w, plot_w, vmax, cy, bh)
        end = max(bw, plot_w * (bars.highs[i] or 0) / vmax)
        mark = " ★" if i in bars.winners else ""
        if mark:
            page.p.setPen(page.pen(WINNER_MARK, 1.4))
            page.p.setBrush(Qt.BrushStyle.NoBrush)
            page.p.drawRect(page.rect(x + label_w, cy, max(bw, 0.5), bh))
        page.draw_text(
            x + label_w + min(end, plot_w) + 3,
            cy,
            value_w + 10,
            bh,
            bars.value_texts[i] + mark,
            page.font(MIN_POINTS, bold=True),
            TEXT,
        )
    return h


def _bar_grid(
    page: Page, bars: Bars, left: float, plot_w: float, vmax: float, top: float, bottom: float
) -> None:
    small = page.font(MIN_POINTS)
    for value, text in bars.ticks:
        gx = left + plot_w * value / vmax
        page.p.setPen(page.pen(GRID, 0.4))
        page.line(gx, top, gx, bottom)
        page.draw_text(gx - 30, bottom + 2, 60, 10, text, small, MUTED, _CENTRE_TOP)


def _whisker(
    page: Page, bars: Bars, i: int, left: float, plot_w: float, vmax: float, cy: float, bh: float
) -> None:
    low, high = bars.lows[i], bars.highs[i]
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return
    a = left + plot_w * min(low, vmax) / vmax
    b = left + plot_w * min(high, vmax) / vmax
    mid = cy + bh / 2
    page.p.setPen(page.pen(TEXT, 0.7))
    page.line(a, mid, b, mid)
    page.line(a, mid - bh * 0.3, a, mid + bh * 0.3)
    page.line(b, mid - bh * 0.3, b, mid + bh * 0.3)


def frontier_chart(
    page: Page, chart: FrontierChart, x: float, y: float, w: float, h: float
) -> None:
    """Tokens/s/GPU (log) against tokens/s/user, one curve per option, dot = operating point
    with its p10–p90 whisker."""
    page.draw_text(x, y, w, 14, chart.title, page.font(9, bold=True), NAVY)
    legend_rows = _legend_rows(page, chart, w - 52)
    left, top, right = x + 44, y + 24, x + w - 8
    bottom = y + h - 26 - 10 * legend_rows
    xs = [v for c in chart.curves for v in c.xs] + [c.point[0] for c in chart.curves if c.point]
    ys = [v for c in chart.curves for v in c.ys if v > 0]
    ys += [c.point[1] for c in chart.curves if c.point]
    ys += [b for c in chart.curves if c.band for b in c.band if b > 0]
    if not xs or not ys:
        page.draw_text(left, top, w, 20, "no frontier available", page.font(8, italic=True), MUTED)
        return
    x_max = nice_max(max(xs))
    y_lo = 10 ** math.floor(math.log10(max(min(ys), max(ys) / 1e3)))
    y_hi = max(10 ** math.ceil(math.log10(max(ys))), y_lo * 10)

    def px(v: float) -> float:
        return left + (right - left) * v / x_max

    def py(v: float) -> float:
        v = max(v, y_lo)
        span = math.log10(y_hi) - math.log10(y_lo)
        return bottom - (bottom - top) * (math.log10(v) - math.log10(y_lo)) / span

    _frontier_axes(page, chart, _Axes(x, left, top, right, bottom, x_max, y_lo, y_hi, px, py))
    for i, c in enumerate(chart.curves):
        path = QPainterPath()
        pts = [(u, g) for u, g in zip(c.xs, c.ys, strict=True) if g > 0]
        for k, (u, g) in enumerate(pts):
            point = QPointF(page.u(px(u)), page.u(py(g)))
            path.moveTo(point) if k == 0 else path.lineTo(point)
        page.p.setPen(page.pen(colour(i), 1.3))
        page.p.setBrush(Qt.BrushStyle.NoBrush)
        page.p.drawPath(path)
        if c.point is not None:
            if c.band is not None:
                page.p.setPen(page.pen(colour(i), 0.8))
                page.line(px(c.point[0]), py(c.band[0]), px(c.point[0]), py(c.band[1]))
            page.p.setBrush(QBrush(colour(i)))
            page.p.setPen(page.pen("white", 0.6))
            centre = QPointF(page.u(px(c.point[0])), page.u(py(c.point[1])))
            page.p.drawEllipse(centre, page.u(3), page.u(3))
    _legend(page, chart, left, bottom + 22, right)


@dataclass(frozen=True)
class _Axes:
    """Where the frontier's plot sits and how values map onto it (points)."""

    x: float
    left: float
    top: float
    right: float
    bottom: float
    x_max: float
    y_lo: float
    y_hi: float
    px: Callable[[float], float]
    py: Callable[[float], float]


def _frontier_axes(page: Page, chart: FrontierChart, a: _Axes) -> None:
    x, left, top, right, bottom = a.x, a.left, a.top, a.right, a.bottom
    x_max, y_lo, y_hi, px, py = a.x_max, a.y_lo, a.y_hi, a.px, a.py
    small = page.font(MIN_POINTS)
    decade = y_lo
    while decade <= y_hi * 1.0001:
        page.p.setPen(page.pen(GRID, 0.4))
        page.line(left, py(decade), right, py(decade))
        page.draw_text(x, py(decade) - 5, 40, 10, f"{decade:,.0f}", small, MUTED, _RIGHT_MID)
        decade *= 10
    for k in range(6):
        v = x_max * k / 5
        page.p.setPen(page.pen(GRID, 0.4))
        page.line(px(v), top, px(v), bottom)
        page.draw_text(px(v) - 20, bottom + 2, 40, 10, f"{v:,.0f}", small, MUTED, _CENTRE_TOP)
    page.p.setPen(page.pen(TEXT, 0.6))
    page.p.setBrush(Qt.BrushStyle.NoBrush)
    page.p.drawRect(QRectF(page.u(left), page.u(top), page.u(right - left), page.u(bottom - top)))
    page.draw_text(
        left,
        bottom + 11,
        right - left,
        10,
        "tokens/s per user (interactivity)",
        small,
        MUTED,
        int(Qt.AlignmentFlag.AlignHCenter),
    )
    page.draw_text(x, top - 14, 80, 10, "tok/s per GPU", small, MUTED)
    if chart.target is not None and chart.target <= x_max:
        page.p.setPen(page.pen(BAD, 0.8, Qt.PenStyle.DashLine))
        page.line(px(chart.target), top, px(chart.target), bottom)
        page.draw_text(px(chart.target) + 2, top + 1, 100, 10, chart.target_text, small, BAD)


def _legend_rows(page: Page, chart: FrontierChart, width: float) -> int:
    small = page.font(MIN_POINTS)
    rows, lx = 1, 0.0
    for c in chart.curves:
        item = page.advance(c.label, small) + 16
        if lx + item > width and lx > 0:
            rows, lx = rows + 1, 0.0
        lx += item
    return rows


def _legend(page: Page, chart: FrontierChart, left: float, top: float, right: float) -> None:
    small = page.font(MIN_POINTS)
    lx, ly = left, top
    for i, c in enumerate(chart.curves):
        width = page.advance(c.label, small) + 12
        if lx + width > right and lx > left:
            lx, ly = left, ly + 10
        page.p.fillRect(page.rect(lx, ly + 3, 8, 5), colour(i))
        page.draw_text(lx + 10, ly, width, 10, c.label, small, TEXT)
        lx += width + 4


def frontier_height(page: Page, chart: FrontierChart, w: float) -> float:
    return 230.0 + 10 * _legend_rows(page, chart, w - 52)


def tornado_chart(page: Page, chart: TornadoChart, x: float, y: float, w: float, h: float) -> None:
    title = page.font(9, bold=True)
    page.draw_text(x, y, w, 26, chart.title, title, NAVY, int(Qt.TextFlag.TextWordWrap))
    if not chart.rows:
        page.draw_text(x, y + 28, w, 14, chart.empty_text, page.font(8, italic=True), MUTED)
        return
    base = chart.base
    ends = [v for r in chart.rows for v in (r.low, r.high) if math.isfinite(v)]
    lo, hi = min([*ends, base]), max([*ends, base])
    span = max(hi - base, base - lo, 1e-12) * 1.1
    small = page.font(MIN_POINTS)
    widest = max(page.advance(t, small) for r in chart.rows for t in (r.label, r.range_text))
    label_w = min(widest + 4, w * 0.45)
    plot_l, plot_r = x + label_w + 56, x + w - 44
    mid = (plot_l + plot_r) / 2
    top = y + 30
    slot = (h - 56) / len(chart.rows)
    bar_h = min(12.0, slot * 0.45)

    def px(v: float) -> float:
        return plot_r if not math.isfinite(v) else mid + (plot_r - plot_l) / 2 * (v - base) / span

    for i, r in enumerate(chart.rows):
        cy = top + slot * i
        page.draw_text(x, cy, label_w, 10, r.label, small, TEXT, _RIGHT_MID)
        page.draw_text(x, cy + 9, label_w, 10, r.range_text, small, MUTED, _RIGHT_MID)
        for value, text, fill in ((r.low, r.low_text, LOW), (r.high, r.high_text, HIGH)):
            a, z = sorted((px(base), px(value)))
            page.p.fillRect(page.rect(a, cy + 3, max(z - a, 0.4), bar_h), fill)
            right = px(value) >= px(base)
            flags = int(
                (Qt.AlignmentFlag.AlignLeft if right else Qt.AlignmentFlag.AlignRight)
                | Qt.AlignmentFlag.AlignVCenter
            )
            page.draw_text(z + 2 if right else a - 54, cy + 3, 52, bar_h, text, small, TEXT, flags)
    end = top + slot * len(chart.rows)
    page.p.setPen(page.pen(TEXT, 0.8))
    page.line(mid, top - 2, mid, end)
    page.draw_text(
        mid - 70,
        end + 2,
        140,
        10,
        chart.base_text,
        page.font(MIN_POINTS, bold=True),
        TEXT,
        int(Qt.AlignmentFlag.AlignHCenter),
    )
    for k, (fill, text) in enumerate(((LOW, "input −20 %"), (HIGH, "input +20 %"))):
        lx = mid - 75 + 80 * k
        page.p.fillRect(page.rect(lx, end + 16, 8, 5), fill)
        page.draw_text(lx + 10, end + 13, 70, 10, text, small, TEXT)


PLAN_CHART_HEIGHT = 170.0
BASE_FILL, BURST_FILL = QColor("#0072B2"), QColor("#E69F00")


def plan_chart(page: Page, chart: PlanChart, x: float, y: float, w: float, h: float) -> None:
    """GPUs needed each hour of the week, the base part in blue and the burst above it in
    orange, with the base level drawn across."""
    page.draw_text(x, y, w, 14, chart.title, page.font(9, bold=True), NAVY)
    small = page.font(MIN_POINTS)
    left, top, right, bottom = x + 40, y + 20, x + w - 4, y + h - 30
    top_value = chart.y_ticks[-1][0] if chart.y_ticks else 1.0
    n = len(chart.hourly_gpus)

    def py(v: float) -> float:
        return bottom - (bottom - top) * v / top_value

    for value, text in chart.y_ticks:
        page.p.setPen(page.pen(GRID, 0.4))
        page.line(left, py(value), right, py(value))
        page.draw_text(x, py(value) - 5, 36, 10, text, small, MUTED, _RIGHT_MID)
    slot = (right - left) / max(n, 1)
    for hour, gpus in enumerate(chart.hourly_gpus):
        bx = left + slot * hour
        base = min(gpus, chart.base_gpus)
        page.p.fillRect(page.rect(bx, py(base), max(slot - 0.3, 0.3), bottom - py(base)), BASE_FILL)
        if gpus > base:
            page.p.fillRect(
                page.rect(bx, py(gpus), max(slot - 0.3, 0.3), py(base) - py(gpus)), BURST_FILL
            )
    page.p.setPen(page.pen(TEXT, 0.8, Qt.PenStyle.DashLine))
    page.line(left, py(chart.base_gpus), right, py(chart.base_gpus))
    days = n // 24
    for d in range(days + 1):
        gx = left + slot * 24 * d
        page.p.setPen(page.pen(GRID, 0.4))
        page.line(gx, top, gx, bottom)
        if d < days:
            name = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[d] if days == 7 else "day"
            page.draw_text(gx, bottom + 2, slot * 24, 10, name, small, MUTED, _CENTRE_TOP)
    ly = bottom + 14
    for k, (fill, text) in enumerate(
        ((BASE_FILL, "base (owned or reserved)"), (BURST_FILL, "burst (on demand / spot)"))
    ):
        lx = left + 150 * k
        page.p.fillRect(page.rect(lx, ly + 3, 8, 5), fill)
        page.draw_text(lx + 10, ly, 140, 10, text, small, TEXT)

"""The printable comparison report, drawn with QPainter as vector graphics.

Functions for the GUI (File ▸ Export report…, File ▸ Print…, File ▸ Print preview…):

* ``write_report_pdf(project, comparison, path, catalogue=None, paper="auto") -> int`` —
  write a PDF (atomically) and return its page count.
* ``preview_report(project, comparison, parent=None, catalogue=None) -> QPrintPreviewDialog``
  — a print-preview dialog wired to render the report; call ``.exec()`` on it.
* ``print_report(project, comparison, parent=None, catalogue=None) -> bool`` — show the
  system print dialog and print; False when the user cancels.
* ``render_report(project, comparison, device, catalogue=None) -> int`` — paint onto any
  QPagedPaintDevice (QPdfWriter, QPrinter); used by the three above.

Paper is A4, or US Letter where the system locale measures in inches
(``QLocale.system().measurementSystem()``).  Contents: title block, executive summary
(winner, $/Mtok, yearly saving against the runner-up at the stated demand, sensitivity in
words), comparison table, charts (cost bars, frontier, tokens per MW, tornado),
assumptions, scorecard table, methodology and sources; every page has a footer with the
page number and the tool version.  Works headless (``QT_QPA_PLATFORM=offscreen``); a
QGuiApplication is created when none exists.
"""

import atexit
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
)
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QApplication, QWidget

import tokentco
from tokentco.domain import Catalogue, Project, ScoringRule
from tokentco.domain.text import fixed
from tokentco.engine.results import Comparison, OptionResult
from tokentco.engine.scoring import Scorecard, score
from tokentco.engine.sensitivity import TornadoBar, tornado
from tokentco.io.project_file import atomic_write_bytes

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#F0E442")
NAVY = QColor("#1F3864")
GRID = QColor("#D9D9D9")
TEXT = QColor("#202020")
MUTED = QColor("#595959")
WIN = QColor("#009E73")
BAD = QColor("#D55E00")
FAMILY = "DejaVu Sans"


def ensure_app() -> None:
    """Qt needs an application object for fonts; create one if none exists.

    The instance is shut down at exit so interpreter finalisation does not tear Qt down
    in the wrong order.
    """
    if QGuiApplication.instance() is None:
        app = QApplication([])
        atexit.register(app.shutdown)


def default_page_size() -> QPageSize:
    from PySide6.QtCore import QLocale

    if QLocale.system().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem:
        return QPageSize(QPageSize.PageSizeId.Letter)
    return QPageSize(QPageSize.PageSizeId.A4)


def _page_size(paper: str) -> QPageSize:
    if paper == "a4":
        return QPageSize(QPageSize.PageSizeId.A4)
    if paper == "letter":
        return QPageSize(QPageSize.PageSizeId.Letter)
    return default_page_size()


# --- data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportData:
    project: Project
    comparison: Comparison
    card: Scorecard
    tornado: list[TornadoBar]
    tornado_option: str
    catalogue: Catalogue
    created: datetime


def prepare(
    project: Project, comparison: Comparison, catalogue: Catalogue | None = None
) -> ReportData:
    """Score the comparison and run the winner's tornado once (both passes reuse them)."""
    if catalogue is None:
        from tokentco.io.bundled import bundled_catalogue

        catalogue = project.effective_catalogue(bundled_catalogue())
    card = score(project, comparison)
    bars: list[TornadoBar] = []
    target = card.winner_id or ""
    if target and any(o.id == target for o in project.options):
        try:
            bars = tornado(project, catalogue, target, calibration=comparison.calibration)
        except (ValueError, KeyError):
            bars = []
    return ReportData(project, comparison, card, bars, target, catalogue, datetime.now())


def _fmt_money(v: float | None, digits: int = 2) -> str:
    if v is None or not math.isfinite(v):
        return "n/a"
    if abs(v) >= 1e6:
        return f"${v / 1e6:,.2f} M"
    return f"${v:,.{digits}f}"


def _short(v: float | None, money: bool = False) -> str:
    """Compact figure: 1.13 M, 45.2 k, 0.091."""
    if v is None or not math.isfinite(v):
        return "n/a"
    sign = "$" if money else ""
    a = abs(v)
    if a >= 1e6:
        return f"{sign}{v / 1e6:,.2f} M"
    if a >= 1e4:
        return f"{sign}{v / 1e3:,.1f} k"
    if a >= 100:
        return f"{sign}{v:,.0f}"
    if a >= 10:
        return f"{sign}{v:,.1f}"
    return f"{sign}{v:,.3f}" if a < 1 else f"{sign}{v:,.2f}"


def _range(b: TornadoBar) -> str:
    if b.key == "utilization":
        return f"{b.low_value:.0%} – {b.high_value:.0%}"
    return f"{_short(b.low_value)} – {_short(b.high_value)} {b.unit}".strip()


def _basis(r: OptionResult) -> str:
    if r.point.provenance == "measured":
        return "measured"
    return f"estimated ({tokentco.MODEL_VERSION})"


# --- page painter --------------------------------------------------------------------------


class _Doc:
    """Cursor-based layout on a paged device; all sizes in points (1/72 inch)."""

    def __init__(self, device: QPagedPaintDevice, data: ReportData, total: int | None) -> None:
        self.device = device
        self.data = data
        self.total = total
        self.p = QPainter()
        if not self.p.begin(device):
            raise OSError("cannot start painting the report")
        self.p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.dpi = float(device.logicalDpiX())
        rect = device.pageLayout().paintRectPoints()
        self.width = float(rect.width())
        self.height = float(rect.height())
        self.bottom = self.height - 26.0
        self.y = 0.0
        self.page = 1

    # units
    def u(self, points: float) -> float:
        return points * self.dpi / 72.0

    def rect(self, x: float, y: float, w: float, h: float) -> QRectF:
        return QRectF(self.u(x), self.u(y), self.u(w), self.u(h))

    def font(self, size: float, bold: bool = False, italic: bool = False) -> QFont:
        f = QFont(FAMILY)
        f.setPointSizeF(size)
        f.setBold(bold)
        f.setItalic(italic)
        return f

    def metrics(self, font: QFont) -> QFontMetricsF:
        return QFontMetricsF(font, self.device)

    def pen(
        self, colour: QColor | str, width: float = 0.6, style: Qt.PenStyle = Qt.PenStyle.SolidLine
    ) -> QPen:
        pen = QPen(QColor(colour))
        pen.setWidthF(self.u(width))
        pen.setStyle(style)
        return pen

    # text
    def text_height(self, text: str, font: QFont, width: float) -> float:
        box = self.metrics(font).boundingRect(
            QRectF(0, 0, self.u(width), 1e9), int(Qt.TextFlag.TextWordWrap), text
        )
        return box.height() * 72.0 / self.dpi

    def draw_text(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        text: str,
        font: QFont,
        colour: QColor = TEXT,
        flags: int = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
    ) -> None:
        self.p.setFont(font)
        self.p.setPen(QColor(colour))
        self.p.drawText(self.rect(x, y, w, h), flags, text)

    def elide(self, text: str, font: QFont, width: float) -> str:
        return self.metrics(font).elidedText(text, Qt.TextElideMode.ElideRight, self.u(width))

    def paragraph(
        self,
        text: str,
        size: float = 9.5,
        bold: bool = False,
        italic: bool = False,
        colour: QColor = TEXT,
        gap: float = 4.0,
        indent: float = 0.0,
    ) -> None:
        font = self.font(size, bold, italic)
        h = self.text_height(text, font, self.width - indent)
        self.ensure(h)
        self.draw_text(
            indent,
            self.y,
            self.width - indent,
            h + 1,
            text,
            font,
            colour,
            int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
        )
        self.y += h + gap

    def heading(self, text: str, size: float = 13.0) -> None:
        self.ensure(size * 2.6 + 40)
        self.y += 6
        self.draw_text(0, self.y, self.width, size * 1.6, text, self.font(size, bold=True), NAVY)
        self.y += size * 1.6
        self.p.setPen(self.pen(NAVY, 0.8))
        self.p.drawLine(QPointF(0, self.u(self.y)), QPointF(self.u(self.width), self.u(self.y)))
        self.y += 6

    # pages
    def ensure(self, h: float) -> None:
        if self.y + h > self.bottom and self.y > 0:
            self.new_page()

    def new_page(self) -> None:
        self.footer()
        self.device.newPage()
        self.page += 1
        self.y = 0.0

    def footer(self) -> None:
        y = self.height - 16.0
        self.p.setPen(self.pen(GRID, 0.5))
        self.p.drawLine(QPointF(0, self.u(y - 3)), QPointF(self.u(self.width), self.u(y - 3)))
        font = self.font(7.5)
        name = self.elide(self.data.project.name, font, self.width * 0.45)
        self.draw_text(
            0,
            y,
            self.width * 0.7,
            14,
            f"TokenTCO {tokentco.__version__} · {name} · {self.data.created:%Y-%m-%d}",
            font,
            MUTED,
        )
        total = f" of {self.total}" if self.total else ""
        self.draw_text(
            self.width * 0.7,
            y,
            self.width * 0.3,
            14,
            f"Page {self.page}{total}",
            font,
            MUTED,
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
        )

    def finish(self) -> int:
        self.footer()
        self.p.end()
        return self.page

    # tables
    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        align_left: int = 1,
        size: float = 8.0,
        highlight: Callable[[int], bool] | None = None,
        wrap_header: bool = True,
    ) -> None:
        total = sum(widths)
        cols = [w / total * self.width for w in widths]
        font = self.font(size)
        bold = self.font(size, bold=True)
        pad = 3.0
        header_h = (
            max(self.text_height(h, bold, c - 2 * pad) for h, c in zip(headers, cols, strict=True))
            + 2 * pad
            if wrap_header
            else size * 1.8
        )
        row_h = size * 1.9

        def draw_header() -> None:
            self.p.fillRect(self.rect(0, self.y, self.width, header_h), NAVY)
            x = 0.0
            for text, w in zip(headers, cols, strict=True):
                flags = int(
                    Qt.TextFlag.TextWordWrap
                    | Qt.AlignmentFlag.AlignVCenter
                    | (
                        Qt.AlignmentFlag.AlignLeft
                        if x < sum(cols[:align_left]) - 1e-6
                        else Qt.AlignmentFlag.AlignRight
                    )
                )
                self.draw_text(
                    x + pad, self.y, w - 2 * pad, header_h, text, bold, QColor("white"), flags
                )
                x += w
            self.y += header_h

        self.ensure(header_h + row_h * min(3, len(rows)))
        draw_header()
        for i, row in enumerate(rows):
            if self.y + row_h > self.bottom:
                self.new_page()
                draw_header()
            if highlight is not None and highlight(i):
                self.p.fillRect(self.rect(0, self.y, self.width, row_h), QColor("#E2F0D9"))
            elif i % 2:
                self.p.fillRect(self.rect(0, self.y, self.width, row_h), QColor("#F2F2F2"))
            x = 0.0
            for j, (text, w) in enumerate(zip(row, cols, strict=True)):
                left = j < align_left
                f = bold if (highlight is not None and highlight(i) and j == 0) else font
                flags = int(
                    Qt.AlignmentFlag.AlignVCenter
                    | (Qt.AlignmentFlag.AlignLeft if left else Qt.AlignmentFlag.AlignRight)
                )
                self.draw_text(
                    x + pad,
                    self.y,
                    w - 2 * pad,
                    row_h,
                    self.elide(text, f, w - 2 * pad),
                    f,
                    TEXT,
                    flags,
                )
                x += w
            self.y += row_h
            self.p.setPen(self.pen(GRID, 0.4))
            self.p.drawLine(QPointF(0, self.u(self.y)), QPointF(self.u(self.width), self.u(self.y)))
        self.y += 8


# --- charts --------------------------------------------------------------------------------


def _nice_max(v: float) -> float:
    if v <= 0 or not math.isfinite(v):
        return 1.0
    exp = 10 ** math.floor(math.log10(v))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * exp >= v:
            return m * exp
    return 10 * exp


def _bar_chart(
    doc: _Doc,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    fmt: Callable[[float], str],
    x: float,
    y: float,
    w: float,
    h: float,
    best: str = "min",
    colours: Sequence[QColor] | None = None,
) -> None:
    """Horizontal bars with value labels; the best bar is outlined in green."""
    heading = doc.font(9, bold=True)
    doc.draw_text(x, y, w, 14, doc.elide(title, heading, w), heading, NAVY)
    top = y + 18
    label_w = w * 0.34
    plot_w = w - label_w - 58
    finite = [v for v in values if v is not None and math.isfinite(v)]
    vmax = _nice_max(max(finite) if finite else 1.0)
    n = max(1, len(labels))
    slot = (h - 30) / n
    bar_h = min(16.0, slot * 0.7)
    font = doc.font(7.5)
    best_value = (min(finite) if best == "min" else max(finite)) if finite else None
    # grid
    for k in range(5):
        gx = x + label_w + plot_w * k / 4
        doc.p.setPen(doc.pen(GRID, 0.4))
        doc.p.drawLine(QPointF(doc.u(gx), doc.u(top)), QPointF(doc.u(gx), doc.u(top + slot * n)))
        doc.draw_text(
            gx - 30,
            top + slot * n + 2,
            60,
            10,
            fmt(vmax * k / 4),
            doc.font(6.5),
            MUTED,
            int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
        )
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        cy = top + slot * i + (slot - bar_h) / 2
        doc.draw_text(
            x,
            cy - 2,
            label_w - 6,
            bar_h + 4,
            doc.elide(label, font, label_w - 6),
            font,
            TEXT,
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
        )
        if value is None or not math.isfinite(value):
            doc.draw_text(
                x + label_w + 4,
                cy,
                160,
                bar_h,
                "n/a (misses the latency target)",
                doc.font(7, italic=True),
                BAD,
            )
            continue
        bw = plot_w * value / vmax
        colour = colours[i] if colours else QColor(PALETTE[i % len(PALETTE)])
        doc.p.fillRect(doc.rect(x + label_w, cy, max(bw, 0.5), bar_h), colour)
        if best_value is not None and value == best_value:
            doc.p.setPen(doc.pen(WIN, 1.4))
            doc.p.setBrush(Qt.BrushStyle.NoBrush)
            doc.p.drawRect(doc.rect(x + label_w, cy, max(bw, 0.5), bar_h))
        doc.draw_text(
            x + label_w + bw + 3, cy, 60, bar_h, fmt(value), doc.font(7.5, bold=True), TEXT
        )


def _frontier_chart(doc: _Doc, data: ReportData, x: float, y: float, w: float, h: float) -> None:
    """Tokens/s/GPU (log) against tokens/s/user, one curve per option, dot = operating point."""
    doc.draw_text(
        x,
        y,
        w,
        14,
        "Frontier: tokens/s per GPU vs per user",
        doc.font(9, bold=True),
        NAVY,
    )
    left, top, right, bottom = x + 44, y + 24, x + w - 8, y + h - 70
    results = [r for r in data.comparison.options if len(r.frontier.tokens_per_s_per_user)]
    xs = [float(v) for r in results for v in r.frontier.tokens_per_s_per_user]
    ys = [float(v) for r in results for v in r.frontier.output_tokens_per_s_per_gpu if v > 0]
    xs += [r.point.tokens_per_s_per_user for r in results if r.point.feasible]
    ys += [
        r.point.output_tokens_per_s_per_gpu
        for r in results
        if r.point.feasible and r.point.output_tokens_per_s_per_gpu > 0
    ]
    if not xs or not ys:
        doc.draw_text(left, top, w, 20, "no frontier available", doc.font(8, italic=True), MUTED)
        return
    x_max = _nice_max(max(xs))
    y_lo = 10 ** math.floor(math.log10(max(min(ys), max(ys) / 1e3)))
    y_hi = 10 ** math.ceil(math.log10(max(ys)))
    if y_hi <= y_lo:
        y_hi = y_lo * 10

    def px(v: float) -> float:
        return left + (right - left) * v / x_max

    def py(v: float) -> float:
        v = max(v, y_lo)
        return bottom - (bottom - top) * (math.log10(v) - math.log10(y_lo)) / (
            math.log10(y_hi) - math.log10(y_lo)
        )

    small = doc.font(6.5)
    decade = y_lo
    while decade <= y_hi * 1.0001:
        doc.p.setPen(doc.pen(GRID, 0.4))
        doc.p.drawLine(
            QPointF(doc.u(left), doc.u(py(decade))), QPointF(doc.u(right), doc.u(py(decade)))
        )
        doc.draw_text(
            x,
            py(decade) - 5,
            40,
            10,
            f"{decade:,.0f}",
            small,
            MUTED,
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
        )
        decade *= 10
    for k in range(6):
        v = x_max * k / 5
        doc.p.setPen(doc.pen(GRID, 0.4))
        doc.p.drawLine(QPointF(doc.u(px(v)), doc.u(top)), QPointF(doc.u(px(v)), doc.u(bottom)))
        doc.draw_text(
            px(v) - 20,
            bottom + 2,
            40,
            10,
            f"{v:,.0f}",
            small,
            MUTED,
            int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
        )
    doc.p.setPen(doc.pen(TEXT, 0.6))
    doc.p.setBrush(Qt.BrushStyle.NoBrush)
    doc.p.drawRect(QRectF(doc.u(left), doc.u(top), doc.u(right - left), doc.u(bottom - top)))
    doc.draw_text(
        left,
        bottom + 11,
        right - left,
        10,
        "tokens/s per user (interactivity)",
        small,
        MUTED,
        int(Qt.AlignmentFlag.AlignHCenter),
    )
    target = data.project.workload.min_tokens_per_s_per_user
    if target is not None and target <= x_max:
        doc.p.setPen(doc.pen(BAD, 0.8, Qt.PenStyle.DashLine))
        doc.p.drawLine(
            QPointF(doc.u(px(target)), doc.u(top)), QPointF(doc.u(px(target)), doc.u(bottom))
        )
        doc.draw_text(px(target) + 2, top + 1, 80, 9, f"target {target:g} tok/s/user", small, BAD)
    index = {r.option_id: i for i, r in enumerate(data.comparison.options)}
    for r in results:
        colour = QColor(PALETTE[index[r.option_id] % len(PALETTE)])
        path = QPainterPath()
        pts = [
            (float(u), float(g))
            for u, g in zip(
                r.frontier.tokens_per_s_per_user,
                r.frontier.output_tokens_per_s_per_gpu,
                strict=True,
            )
            if g > 0
        ]
        for k, (u, g) in enumerate(pts):
            point = QPointF(doc.u(px(u)), doc.u(py(g)))
            if k == 0:
                path.moveTo(point)
            else:
                path.lineTo(point)
        doc.p.setPen(doc.pen(colour, 1.3))
        doc.p.setBrush(Qt.BrushStyle.NoBrush)
        doc.p.drawPath(path)
        if r.point.feasible and r.point.output_tokens_per_s_per_gpu > 0:
            doc.p.setBrush(QBrush(colour))
            doc.p.setPen(doc.pen("white", 0.6))
            c = QPointF(
                doc.u(px(r.point.tokens_per_s_per_user)),
                doc.u(py(r.point.output_tokens_per_s_per_gpu)),
            )
            doc.p.drawEllipse(c, doc.u(3), doc.u(3))
    # legend
    lx, ly = left, bottom + 24
    for r in data.comparison.options:
        colour = QColor(PALETTE[index[r.option_id] % len(PALETTE)])
        label = doc.elide(r.label or r.option_id, small, 110)
        width = doc.metrics(small).horizontalAdvance(label) * 72 / doc.dpi + 20
        if lx + width > right:
            lx, ly = left, ly + 9
        doc.p.fillRect(doc.rect(lx, ly + 2, 8, 5), colour)
        doc.draw_text(lx + 10, ly, width, 9, label, small, TEXT)
        lx += width + 6
    doc.draw_text(x, y + 9, 40, 10, "tok/s/GPU", small, MUTED)


def _tornado_chart(doc: _Doc, data: ReportData, x: float, y: float, w: float, h: float) -> None:
    name = next(
        (r.label for r in data.comparison.options if r.option_id == data.tornado_option),
        data.tornado_option,
    )
    doc.draw_text(
        x,
        y,
        w,
        14,
        doc.elide(f"Tornado, inputs ±20 %: {name}", doc.font(9, bold=True), w),
        doc.font(9, bold=True),
        NAVY,
    )
    bars = data.tornado[:9]
    if not bars:
        doc.draw_text(x, y + 20, w, 14, "not available", doc.font(8, italic=True), MUTED)
        return
    base = bars[0].base_usd_per_mtok
    ends = [v for b in bars for v in (b.usd_per_mtok_low, b.usd_per_mtok_high) if math.isfinite(v)]
    lo, hi = min([*ends, base]), max([*ends, base])
    span = max(hi - base, base - lo, 1e-12) * 1.1
    label_w = w * 0.36
    plot_l, plot_r = x + label_w + 26, x + w - 30
    mid = (plot_l + plot_r) / 2
    top = y + 20
    slot = (h - 40) / len(bars)
    bar_h = min(14.0, slot * 0.7)
    font = doc.font(7)

    def px(v: float) -> float:
        if not math.isfinite(v):
            return plot_r
        return mid + (plot_r - plot_l) / 2 * (v - base) / span

    for i, b in enumerate(bars):
        cy = top + slot * i + (slot - bar_h) / 2
        right_mid = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        doc.draw_text(
            x, cy - 4, label_w, 9, doc.elide(b.label, font, label_w), font, TEXT, right_mid
        )
        doc.draw_text(x, cy + 5, label_w, 8, _range(b), doc.font(6), MUTED, right_mid)
        for value, colour in (
            (b.usd_per_mtok_low, QColor("#56B4E9")),
            (b.usd_per_mtok_high, QColor("#E69F00")),
        ):
            a, z = sorted((px(base), px(value)))
            doc.p.fillRect(doc.rect(a, cy, max(z - a, 0.4), bar_h), colour)
            text = _fmt_money(value, 3) if math.isfinite(value) else "misses target"
            right = px(value) >= px(base)
            doc.draw_text(
                z + 2 if right else a - 52,
                cy,
                50,
                bar_h,
                text,
                doc.font(6.5),
                TEXT,
                int(
                    (Qt.AlignmentFlag.AlignLeft if right else Qt.AlignmentFlag.AlignRight)
                    | Qt.AlignmentFlag.AlignVCenter
                ),
            )
    doc.p.setPen(doc.pen(TEXT, 0.8))
    doc.p.drawLine(
        QPointF(doc.u(mid), doc.u(top - 2)), QPointF(doc.u(mid), doc.u(top + slot * len(bars)))
    )
    doc.draw_text(
        mid - 60,
        top + slot * len(bars) + 2,
        120,
        10,
        f"base {_fmt_money(base, 3)}/Mtok",
        doc.font(7, bold=True),
        TEXT,
        int(Qt.AlignmentFlag.AlignHCenter),
    )
    doc.p.fillRect(doc.rect(plot_l, top + slot * len(bars) + 14, 8, 5), QColor("#56B4E9"))
    doc.draw_text(
        plot_l + 10, top + slot * len(bars) + 12, 80, 9, "input −20 %", doc.font(6.5), TEXT
    )
    doc.p.fillRect(doc.rect(plot_l + 80, top + slot * len(bars) + 14, 8, 5), QColor("#E69F00"))
    doc.draw_text(
        plot_l + 90, top + slot * len(bars) + 12, 80, 9, "input +20 %", doc.font(6.5), TEXT
    )


# --- sections ------------------------------------------------------------------------------


def _title(doc: _Doc) -> None:
    d = doc.data
    p = d.project
    doc.p.fillRect(doc.rect(0, 0, doc.width, 4), NAVY)
    doc.y = 12
    doc.draw_text(0, doc.y, doc.width, 22, "TokenTCO comparison report", doc.font(18, True), NAVY)
    doc.y += 26
    doc.paragraph(p.name, 13, bold=True, gap=2)
    w = p.workload
    targets = []
    if w.max_ttft_ms is not None:
        targets.append(f"TTFT ≤ {w.max_ttft_ms:g} ms")
    if w.min_tokens_per_s_per_user is not None:
        targets.append(f"≥ {w.min_tokens_per_s_per_user:g} tokens/s per user")
    model = d.catalogue.models.get(d.comparison.model_id)
    demand = p.demand
    volume = (
        f"{demand.tokens_per_day / 1e9:,.1f} billion output tokens/day"
        if demand.tokens_per_day
        else f"{demand.peak_requests_per_s:g} requests/s at peak"
        if demand.peak_requests_per_s
        else "no demand stated"
    )
    doc.paragraph(
        f"Model: {model.name if model and model.name else d.comparison.model_id} · "
        f"workload ISL {w.isl_tokens:,} / OSL {w.osl_tokens:,} tokens · latency target: "
        f"{', '.join(targets) or 'none'} · demand: {volume} · $/Mtok counts "
        f"{w.token_basis.value} tokens",
        8.5,
        colour=MUTED,
        gap=2,
    )
    doc.paragraph(
        f"{len(d.comparison.options)} options · prepared {d.created:%Y-%m-%d %H:%M} "
        f"with TokenTCO {tokentco.__version__} (throughput model "
        f"{tokentco.MODEL_VERSION})",
        8.5,
        colour=MUTED,
        gap=6,
    )


def _summary(doc: _Doc) -> None:
    d = doc.data
    card = d.card
    doc.heading("Executive summary")
    by_id = {r.option_id: r for r in d.comparison.options}
    if card.winner_id is None or not card.feasible.any():
        doc.paragraph("No option meets the latency target: relax the target or add options.")
        return
    win = by_id[card.winner_id]
    lines = [
        f"Winner: {win.label} — weighted score {card.total_of(win.option_id):.1f} / 100, "
        f"{_fmt_money(win.usd_per_mtok, 3)} per million tokens at the latency target "
        f"({_basis(win)} throughput {win.point.output_tokens_per_s_per_gpu:,.0f} tokens/s "
        f"per GPU at {win.utilization:.0%} utilization, "
        f"{_fmt_money(win.cost.usd_per_gpu_hour)} per GPU-hour)."
    ]
    if card.runner_up_id is not None:
        run = by_id[card.runner_up_id]
        text = (
            f"Runner-up: {run.label} — score {card.total_of(run.option_id):.1f}, "
            f"{_fmt_money(run.usd_per_mtok, 3)}/Mtok."
        )
        if win.fleet is not None and run.fleet is not None:
            saving = run.fleet.annual_cost_usd - win.fleet.annual_cost_usd
            verb = "saves" if saving >= 0 else "costs"
            text += (
                f" At the stated demand the winner's fleet ({win.fleet.gpus:,} GPUs, "
                f"{_fmt_money(win.fleet.annual_cost_usd, 0)}/year) {verb} "
                f"{_fmt_money(abs(saving), 0)} per year against the runner-up's "
                f"({run.fleet.gpus:,} GPUs, {_fmt_money(run.fleet.annual_cost_usd, 0)}/year)"
                f"{'' if saving >= 0 else ' more'}."
            )
        lines.append(text)
    for line in lines:
        doc.paragraph(line, 10)
    doc.paragraph("Sensitivity: " + card.sentence, 9, colour=MUTED)
    if not card.weights_ok:
        doc.paragraph(
            f"Note: the criterion weights add up to {card.weights_sum_pct:.1f} %, "
            "not 100 %; totals are divided by the sum.",
            9,
            colour=BAD,
        )


def _comparison_table(doc: _Doc) -> None:
    d = doc.data
    doc.heading("Comparison")
    headers = [
        "Option",
        "Rank",
        "Score",
        "$/Mtok",
        "$/GPU-h",
        "Tok/s/GPU",
        "Basis",
        "Tok/s/user",
        "TTFT ms",
        "Tok/s/MW",
        "GPUs",
        "Annual cost",
    ]
    rows = []
    card = d.card
    for i, r in enumerate(d.comparison.options):
        rows.append(
            [
                r.label or r.option_id,
                str(int(card.ranks[i])),
                f"{card.totals[i]:.1f}",
                _fmt_money(r.usd_per_mtok, 3),
                _fmt_money(r.cost.usd_per_gpu_hour),
                fixed(r.point.output_tokens_per_s_per_gpu) if r.point.feasible else "misses target",
                "meas." if r.point.provenance == "measured" else "est.",
                fixed(r.point.tokens_per_s_per_user, 1),
                fixed(r.point.ttft_ms),
                _short(r.tokens_per_s_per_mw),
                fixed(r.fleet.gpus) if r.fleet else "n/a",
                _fmt_money(r.fleet.annual_cost_usd, 0) if r.fleet else "n/a",
            ]
        )
    winner = d.card.winner_id
    doc.table(
        headers,
        rows,
        [4.2, 0.8, 0.9, 1.1, 1.0, 1.1, 0.8, 1.0, 0.9, 1.1, 0.9, 1.3],
        highlight=lambda i: d.comparison.options[i].option_id == winner,
    )
    doc.paragraph(
        f"Basis: est. = estimated by the TokenTCO throughput model {tokentco.MODEL_VERSION}; "
        "meas. = measured (source named under Methodology and sources).",
        7.5,
        italic=True,
        colour=MUTED,
    )


def _charts(doc: _Doc) -> None:
    d = doc.data
    doc.new_page()
    doc.heading("Charts")
    labels = [r.label or r.option_id for r in d.comparison.options]
    colours = [QColor(PALETTE[i % len(PALETTE)]) for i in range(len(labels))]
    n = len(labels)
    half = (doc.width - 16) / 2
    h = max(150.0, 40 + 20 * n)
    doc.ensure(h)
    _bar_chart(
        doc,
        "$/Mtok at the latency target (lower is better)",
        labels,
        [r.usd_per_mtok for r in d.comparison.options],
        lambda v: f"${v:,.3f}" if v < 10 else f"${v:,.1f}",
        0,
        doc.y,
        half,
        h,
        colours=colours,
    )
    _bar_chart(
        doc,
        "Tokens/s per MW of facility power (higher is better)",
        labels,
        [r.tokens_per_s_per_mw for r in d.comparison.options],
        lambda v: f"{v / 1e6:,.2f} M" if v >= 1e6 else f"{v / 1e3:,.0f} k",
        half + 16,
        doc.y,
        half,
        h,
        best="max",
        colours=colours,
    )
    doc.y += h + 10
    fh = 260.0
    doc.ensure(fh)
    _frontier_chart(doc, d, 0, doc.y, half, fh)
    _tornado_chart(doc, d, half + 16, doc.y, half, fh)
    doc.y += fh + 6
    doc.paragraph(
        "Dots mark each option's operating point: the highest tokens/s per GPU that "
        "meets the latency target. Frontiers are estimated "
        f"({tokentco.MODEL_VERSION}).",
        7.5,
        italic=True,
        colour=MUTED,
    )


def _assumptions(doc: _Doc) -> None:
    d = doc.data
    p = d.project
    doc.new_page()
    doc.heading("Assumptions")
    rows = []
    for r in d.comparison.options:
        option = next((o for o in p.options if o.id == r.option_id), None)
        serving = p.serving_for(option) if option else p.serving
        offer = d.catalogue.offers.get(r.offer_id)
        acc = d.catalogue.accelerators.get(r.accelerator_id)
        if offer is None:
            price, pricing, provider = "n/a", "unknown", r.offer_id
        elif offer.owned is not None:
            price = f"capex {offer.owned.capex_per_gpu:,.0f} {offer.currency}"
            pricing, provider = "owned", offer.provider or offer.id
        else:
            price = f"{offer.price_per_gpu_hour:,.2f} {offer.currency}/h"
            pricing, provider = offer.pricing_model.value, offer.provider or offer.id
        features = [
            name
            for name, on in (
                ("spec-dec", serving.speculative.enabled),
                ("disagg", serving.disaggregated),
                ("KV-routing", serving.kv_aware_routing),
                ("KV-offload", serving.kv_offload.enabled),
            )
            if on
        ]
        rows.append(
            [
                r.label or r.option_id,
                (acc.name or acc.id) if acc else r.accelerator_id,
                provider,
                pricing,
                price,
                f"{r.utilization:.0%}",
                f"{serving.weight_precision.value}/{serving.compute_precision.value}/"
                f"{serving.kv_precision.value}",
                ", ".join(features) or "none",
                fixed(r.watts_per_gpu_all_in),
                f"{r.pue:.2f}",
            ]
        )
    labels = [r.label or r.option_id for r in d.comparison.options]
    names = [
        "Hardware",
        "Offer / provider",
        "Pricing",
        "Price",
        "Utilization",
        "Precision W/C/KV",
        "Serving features",
        "IT W per GPU",
        "PUE",
    ]
    transposed = [[name, *[row[j + 1] for row in rows]] for j, name in enumerate(names)]
    extra = [
        ["Lead time (weeks)", *[fixed(r.lead_time_weeks) for r in d.comparison.options]],
        ["Lock-in rubric (1-5)", *[f"{r.lock_in:.2f}" for r in d.comparison.options]],
        ["Accuracy risk (1-5)", *[str(r.accuracy_risk) for r in d.comparison.options]],
    ]
    n = len(labels)
    doc.table(
        ["Assumption", *labels],
        transposed + extra,
        [2.2, *([max(1.2, 9.0 / max(n, 1))] * n)],
        align_left=n + 1,
        size=7.5 if n <= 6 else 6.5,
    )
    w = p.workload
    doc.paragraph(
        f"Workload: ISL {w.isl_tokens:,}, OSL {w.osl_tokens:,} tokens, prefix-cache hit rate "
        f"{w.prefix_hit_rate:.0%}; demand peak-to-average {p.demand.peak_to_average:g}, "
        f"contract term {p.demand.term_years:g} years. Rented capacity assumes PUE 1.3 for "
        "energy metrics. Lock-in rubrics and lead times are analyst inputs.",
        8.5,
    )
    _scorecard_table(doc)


def _scorecard_table(doc: _Doc) -> None:
    d = doc.data
    card = d.card
    doc.heading("Scorecard")
    labels = [r.label or r.option_id for r in d.comparison.options]
    headers = ["Criterion", "Weight", *labels]
    rows = []
    for k, c in enumerate(card.criteria):
        cells = [
            f"{c.name} ({c.unit}{', rubric' if c.rule is ScoringRule.RUBRIC else ''})",
            f"{c.weight_pct:g} %",
        ]
        for i in range(len(labels)):
            v = float(card.values[k, i])
            value = _short(v if math.isfinite(v) else None)
            cells.append(f"{value} → {card.scores[k, i]:.0f}")
        rows.append(cells)
    rows.append(
        [
            "Weighted total (0-100)",
            f"{card.weights_sum_pct:g} %",
            *[f"{t:.1f}" for t in card.totals],
        ]
    )
    rows.append(["Rank", "", *[str(int(r)) for r in card.ranks]])
    n = len(labels)
    doc.table(
        headers,
        rows,
        [5.0, 1.1, *([max(1.2, 9.0 / max(n, 1))] * n)],
        size=7.5 if n <= 6 else 6.5,
        highlight=lambda i: i >= len(card.criteria),
    )
    doc.paragraph(
        "Each cell shows value → score (0-100). Ratio to best: 100 × best / value "
        "(lower is better) or 100 × value / best; rubrics 100 × (5 − r) / 4; a "
        "missing value scores 0; an option that misses the latency target totals 0.",
        7.5,
        italic=True,
        colour=MUTED,
    )


def _methodology(doc: _Doc) -> None:
    d = doc.data
    doc.new_page()
    doc.heading("Methodology and sources")
    for text in (
        "Cost per million tokens = all-in $/GPU-hour ÷ (tokens/s per GPU × 3600 × utilization) "
        "× 1e6. Idle hours are paid for: halving utilization doubles the cost.",
        "All-in $/GPU-hour: a rental is the offer's price converted to USD; an owned GPU is "
        "capex as an annuity over its depreciation life at the cost of capital "
        "(capex × r ÷ (1 − (1 + r)^−n) ÷ 8760), plus energy (W × PUE ÷ 1000 × $/kWh), plus "
        "yearly opex ÷ 8760.",
        "Tokens/s per GPU is read at the operating point: the highest throughput on the "
        "throughput-vs-interactivity frontier that meets the latency targets. It is a measured "
        "point when one matches the hardware, model, precision and workload, otherwise an "
        f"estimate from TokenTCO's step model {tokentco.MODEL_VERSION}, calibrated on public "
        "measurements.",
        "Energy: tokens/s per MW = tokens/s per GPU ÷ (W × PUE) × 1e6. Fleet: sized for peak "
        "demand in whole replicas and systems; annual cost = GPUs × $/GPU-hour × 8760.",
        "Scorecard: ratio-to-best normalisation by default (min-max only where chosen), "
        "rubrics 100 × (5 − r) ÷ 4, weighted total Σ w·s ÷ Σ w. Sensitivity: the smallest "
        "single-weight change (others rescaled) and the break-even utilization, price and "
        "throughput at which the winner changes.",
        "Caveats: estimated throughput carries model error — ask vendors for measured points at "
        "your workload and latency target; list prices are not negotiated prices; lock-in and "
        "lead times are analyst judgements.",
    ):
        doc.paragraph(text, 9)
    doc.heading("Sources", 11)
    for r in d.comparison.options:
        offer = d.catalogue.offers.get(r.offer_id)
        acc = d.catalogue.accelerators.get(r.accelerator_id)
        parts = [
            f"Throughput: {_basis(r)}"
            + (f" — {r.point.source}" if r.point.provenance == "measured" else "")
        ]
        if offer is not None and offer.source:
            parts.append(f"price ({offer.as_of or 'undated'}): {offer.source}")
        if acc is not None and acc.source:
            parts.append(f"hardware: {acc.source}")
        doc.paragraph(f"{r.label or r.option_id}. " + " · ".join(parts), 7.5, gap=3)
        if r.warnings:
            doc.paragraph(
                "Warnings: " + "; ".join(r.warnings), 7.5, italic=True, colour=BAD, indent=12
            )
    if d.project.notes:
        doc.heading("Project notes", 11)
        doc.paragraph(d.project.notes, 9)


def _paint(device: QPagedPaintDevice, data: ReportData, total: int | None) -> int:
    return _paint_pages(device, data, total)


def _paint_pages(device: QPagedPaintDevice, data: ReportData, total: int | None) -> int:
    doc = _Doc(device, data, total)
    _title(doc)
    _summary(doc)
    _comparison_table(doc)
    _charts(doc)
    _assumptions(doc)
    _methodology(doc)
    return doc.finish()


def _layout(size: QPageSize) -> QPageLayout:
    return QPageLayout(
        size,
        QPageLayout.Orientation.Portrait,
        QMarginsF(15, 15, 15, 12),
        QPageLayout.Unit.Millimeter,
    )


def _pdf_bytes(data: ReportData, size: QPageSize, total: int | None) -> tuple[bytes, int]:
    buffer = QByteArray()
    device = QBuffer(buffer)
    device.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(device)
    writer.setResolution(600)
    writer.setPageLayout(_layout(size))
    writer.setTitle(f"TokenTCO report: {data.project.name}")
    writer.setCreator(f"TokenTCO {tokentco.__version__}")
    pages = _paint(writer, data, total)
    del writer
    device.close()
    return bytes(buffer.data()), pages


def render_report(
    project: Project,
    comparison: Comparison,
    device: QPagedPaintDevice,
    catalogue: Catalogue | None = None,
    data: ReportData | None = None,
) -> int:
    """Paint the report on ``device`` (a QPrinter or QPdfWriter); returns the page count."""
    ensure_app()
    data = data or prepare(project, comparison, catalogue)
    size = device.pageLayout().pageSize()
    _, total = _pdf_bytes(data, size, None)  # first pass counts the pages
    return _paint(device, data, total)


def write_report_pdf(
    project: Project,
    comparison: Comparison,
    path: Path | str,
    catalogue: Catalogue | None = None,
    paper: str = "auto",
) -> int:
    """Write the report to ``path`` as PDF (atomically); returns the number of pages."""
    ensure_app()
    data = prepare(project, comparison, catalogue)
    size = _page_size(paper)
    _, total = _pdf_bytes(data, size, None)
    pdf, pages = _pdf_bytes(data, size, total)
    atomic_write_bytes(Path(path), pdf)
    return pages


def preview_report(
    project: Project,
    comparison: Comparison,
    parent: QWidget | None = None,
    catalogue: Catalogue | None = None,
    on_error: Callable[[Exception], None] | None = None,
) -> QPrintPreviewDialog:
    """A QPrintPreviewDialog showing the report (``.exec()`` or ``.open()`` it).

    The dialog only borrows its printer, so the printer is kept on the dialog for as long
    as the dialog lives. ``on_error`` receives a failure while painting (else it raises).
    """

    ensure_app()
    data = prepare(project, comparison, catalogue)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(_layout(default_page_size()))
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"Print preview — {project.name}")
    dialog.printer_keepalive = printer  # type: ignore[attr-defined]

    def paint(target: QPrinter) -> None:
        try:
            render_report(project, comparison, target, data=data)
        except Exception as exc:
            if on_error is None:
                raise
            on_error(exc)

    dialog.paintRequested.connect(paint)
    return dialog


def print_report(
    project: Project,
    comparison: Comparison,
    parent: QWidget | None = None,
    catalogue: Catalogue | None = None,
) -> bool:
    """Show the print dialog and print the report; False if the user cancels."""
    from PySide6.QtPrintSupport import QPrintDialog

    ensure_app()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(_layout(default_page_size()))
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    render_report(project, comparison, printer, catalogue)
    return True


__all__ = ["ReportData", "preview_report", "print_report", "render_report", "write_report_pdf"]

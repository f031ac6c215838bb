"""Cursor-based page layout for the printed report: paragraphs, headings and tables that
wrap and flow onto further pages, drawn with QPainter on any paged device.

Nothing is elided: a cell that does not fit its column wraps onto more lines, and a table
that does not fit the page continues on the next with its header repeated, so a committee
never reads "GB300 NVL72 (ow…".
"""

import re
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPagedPaintDevice, QPainter, QPen

from tokentco.present.report_model import ReportModel, Table

NAVY = QColor("#1F3864")
GRID = QColor("#D9D9D9")
TEXT = QColor("#202020")
MUTED = QColor("#595959")
BAD = QColor("#D55E00")
ZEBRA = QColor("#F2F2F2")
WINNER_FILL = QColor("#FFF2CC")
"""The winner's row: a pale gold no option's chart colour uses."""
FAMILY = "DejaVu Sans"
_BREAKS = re.compile(r"\s+|(?<=[–/-])")
"""Where Qt may wrap a cell: at spaces and after a dash or slash."""
NAME_SHARE = 0.2
"""The first (name) column of a table keeps at least this share of the width."""
MIN_POINTS = 7.0
"""No text on a printed page is smaller than this."""

_TOP_LEFT = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
_TOP_RIGHT = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)


class Page:
    """A cursor on a paged device; every size is in points (1/72 inch)."""

    def __init__(self, device: QPagedPaintDevice, model: ReportModel, total: int | None) -> None:
        self.device = device
        self.model = model
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

    # units and tools
    def u(self, points: float) -> float:
        return points * self.dpi / 72.0

    def rect(self, x: float, y: float, w: float, h: float) -> QRectF:
        return QRectF(self.u(x), self.u(y), self.u(w), self.u(h))

    def font(self, size: float, bold: bool = False, italic: bool = False) -> QFont:
        f = QFont(FAMILY)
        f.setPointSizeF(max(size, MIN_POINTS))
        f.setBold(bold)
        f.setItalic(italic)
        return f

    def metrics(self, font: QFont) -> QFontMetricsF:
        return QFontMetricsF(font, self.device)

    def advance(self, text: str, font: QFont) -> float:
        """Width of ``text`` in points."""
        return self.metrics(font).horizontalAdvance(text) * 72.0 / self.dpi

    def pen(
        self, colour: QColor | str, width: float = 0.6, style: Qt.PenStyle = Qt.PenStyle.SolidLine
    ) -> QPen:
        pen = QPen(QColor(colour))
        pen.setWidthF(self.u(width))
        pen.setStyle(style)
        return pen

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.p.drawLine(QPointF(self.u(x1), self.u(y1)), QPointF(self.u(x2), self.u(y2)))

    def text_height(self, text: str, font: QFont, width: float) -> float:
        box = self.metrics(font).boundingRect(
            QRectF(0, 0, self.u(max(width, 1.0)), 1e9), int(Qt.TextFlag.TextWordWrap), text
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

    # flowing text
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
        self.draw_text(indent, self.y, self.width - indent, h + 1, text, font, colour, _TOP_LEFT)
        self.y += h + gap

    def heading(self, text: str, size: float = 13.0, keep_with: float = 60.0) -> None:
        """A section heading, kept on the page with at least ``keep_with`` points after it."""
        self.ensure(size * 1.6 + 12 + keep_with)
        self.y += 6
        self.draw_text(0, self.y, self.width, size * 1.6, text, self.font(size, bold=True), NAVY)
        self.y += size * 1.6
        self.p.setPen(self.pen(NAVY, 0.8))
        self.line(0, self.y, self.width, self.y)
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
        self.line(0, y - 3, self.width, y - 3)
        font = self.font(MIN_POINTS)
        total = f" of {self.total}" if self.total else ""
        right = f"Page {self.page}{total}"
        right_w = self.advance(right, font) + 4
        left_w = self.width - right_w - 8
        left = self.model.footer
        while left and self.advance(left, font) > left_w:
            left = left[: max(len(left) - 4, 0)]
        if left != self.model.footer:
            left = left.rstrip(" ·") + "."
        self.draw_text(0, y, left_w, 14, left, font, MUTED)
        self.draw_text(
            self.width - right_w,
            y,
            right_w,
            14,
            right,
            font,
            MUTED,
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
        )

    def finish(self) -> int:
        self.footer()
        self.p.end()
        return self.page

    # tables
    def table(self, table: Table, size: float = 8.0) -> None:
        """Draw ``table`` at the cursor: cells wrap, rows flow onto new pages under a
        repeated header, the highlighted rows are filled and bold."""
        font, bold = self.font(size), self.font(size, bold=True)
        pad = 3.0
        cols = self._fit_columns(table, font, bold, pad)
        header_h = _row_height(self, table.headers, cols, bold, pad)
        heights = [_row_height(self, row, cols, font, pad) for row in table.rows]
        if table.caption:
            self.ensure(size * 2 + header_h + sum(heights[:3]))
            self.paragraph(table.caption, size + 1, bold=True, colour=NAVY, gap=2)
        self.ensure(header_h + sum(heights[:3]))
        self._table_header(table, cols, bold, header_h, pad)
        for i, (row, h) in enumerate(zip(table.rows, heights, strict=True)):
            if self.y + h > self.bottom:
                self.new_page()
                self._table_header(table, cols, bold, header_h, pad)
            strong = i in table.highlight_rows
            fill = WINNER_FILL if strong else (ZEBRA if i % 2 else None)
            if fill is not None:
                self.p.fillRect(self.rect(0, self.y, self.width, h), fill)
            self._cells(row, cols, bold if strong else font, table.left_columns, h, pad)
            self.y += h
            self.p.setPen(self.pen(GRID, 0.4))
            self.line(0, self.y, self.width, self.y)
        self.y += 4
        if table.note:
            self.paragraph(table.note, MIN_POINTS, italic=True, colour=MUTED)
        self.y += 4

    def _fit_columns(self, table: Table, font: QFont, bold: QFont, pad: float) -> list[float]:
        def widest_word(cells: Sequence[str], f: QFont) -> float:
            words = [w for cell in cells for w in _BREAKS.split(cell) if w]
            return max((self.advance(w, f) for w in words), default=0.0)

        minimums = []
        for j in range(len(table.headers)):
            column = [row[j] for row in table.rows]
            need = max(widest_word(column, bold), widest_word([table.headers[j]], bold))
            if j == 0:
                need = max(need, self.width * NAME_SHARE)
            minimums.append(need + 2 * pad + 1)
        return fit_widths(table.widths, minimums, self.width)

    def _table_header(
        self, table: Table, cols: Sequence[float], font: QFont, h: float, pad: float
    ) -> None:
        self.p.fillRect(self.rect(0, self.y, self.width, h), NAVY)
        self._cells(table.headers, cols, font, table.left_columns, h, pad, QColor("white"))
        self.y += h

    def _cells(
        self,
        cells: Sequence[str],
        cols: Sequence[float],
        font: QFont,
        left_columns: int,
        h: float,
        pad: float,
        colour: QColor = TEXT,
    ) -> None:
        x = 0.0
        for j, (text, w) in enumerate(zip(cells, cols, strict=True)):
            flags = _TOP_LEFT if j < left_columns else _TOP_RIGHT
            self.draw_text(x + pad, self.y + pad, w - 2 * pad, h - pad, text, font, colour, flags)
            x += w


def _column_widths(weights: Sequence[float], width: float) -> list[float]:
    total = sum(weights) or 1.0
    return [w / total * width for w in weights]


def fit_widths(weights: Sequence[float], minimums: Sequence[float], width: float) -> list[float]:
    """Column widths in proportion to ``weights`` but never below ``minimums`` (the widest
    word of each column, which cannot wrap): columns with room to spare give it up in
    proportion to their spare room. When even the minimums do not fit they are scaled."""
    need = sum(minimums)
    if need >= width:
        return [m * width / need for m in minimums] if need else list(minimums)
    cols = _column_widths(weights, width)
    for _ in range(len(cols)):
        short = [j for j, c in enumerate(cols) if c < minimums[j] - 1e-9]
        if not short:
            break
        deficit = sum(minimums[j] - cols[j] for j in short)
        for j in short:
            cols[j] = minimums[j]
        spare = {j: cols[j] - minimums[j] for j in range(len(cols)) if j not in short}
        room = sum(spare.values())
        for j, extra in spare.items():
            cols[j] -= deficit * extra / room if room else 0.0
    return cols


def _row_height(
    page: Page, cells: Sequence[str], cols: Sequence[float], font: QFont, pad: float
) -> float:
    tallest = max(
        (
            page.text_height(text or " ", font, w - 2 * pad)
            for text, w in zip(cells, cols, strict=True)
        ),
        default=0.0,
    )
    return tallest + 2 * pad

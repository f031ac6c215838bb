"""The Summary sheet: the ranking in rank order, the winner (a tie, or none), key figures,
charts and the sensitivity in words.

The ranking table is sorted by formulas (``SMALL`` over the Scorecard's order row, which is
the rank with the column as tie-break), so it stays in rank order when a committee edits a
weight in Excel. Only options that meet the latency target are ranked; with none there is
no winner, and options sharing first place are reported as a tie rather than as a winner
and a runner-up with equal scores.
"""

import math
from datetime import UTC, datetime

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.formatting.rule import ColorScaleRule, FormulaRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

import tokentco
from tokentco.io.scorecard.book import (
    BEST_FILL,
    BOX,
    NOTE_FONT,
    NUM0,
    NUM1,
    SECTION_FONT,
    USD,
    USD0,
    USD4,
    Book,
    fit_row,
    header_row,
    lines_needed,
    print_setup,
    put_text,
    set_widths,
    value_labels,
)
from tokentco.io.scorecard.scorecard_sheet import ScoreLayout
from tokentco.present import names, sentences

PAGE_HEIGHT_CM = 21.0
"""Sheet height one printed page holds (A4 landscape, margins, 80 % scale), in cm."""

CHART_OPTIONS = 20
"""Charts show the first 20 options by rank: more bars than that cannot be labelled
legibly on a printed page (every option stays in the table)."""

_COLUMNS = (
    ("A", "Rank", 10.0),
    ("B", "Option", 36.0),
    ("C", "Weighted score", 10.0),
    ("D", "$/Mtok", 11.0),
    ("E", "$/Mtok p10", 10.0),
    ("F", "$/Mtok p90", 10.0),
    ("G", "$/GPU-hour", 10.0),
    ("H", "Annual cost at the demand", 15.0),
    ("I", "Tokens/s per MW", 12.0),
    ("J", "Throughput basis", 12.0),
)
_POSITION = "K"
"""Hidden helper column: which Scorecard column each sorted row shows."""
_WIDTH = sum(w for _, _, w in _COLUMNS)


def _wrapped(ws: Worksheet, row: int, text: str, font: Font | None = None) -> None:
    """Text across the table's width (merged A:J), wrapped, with a row height that fits."""
    cell = put_text(ws, row, 1, text)
    if font is not None:
        cell.font = font
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(_COLUMNS))
    fit_row(ws, row, lines_needed(text, _WIDTH * 1.1), 15.0 if font is None else 13.0)


def write_summary(book: Book, layout: ScoreLayout) -> None:
    ws = book.wb["Summary"]
    p = book.project
    n = book.n
    for col, _, width in _COLUMNS:
        ws.column_dimensions[col].width = width
    set_widths(ws, {_POSITION: 6})
    ws.column_dimensions[_POSITION].hidden = True
    put_text(ws, 1, 1, "TokenTCO scorecard").font = Font(bold=True, size=16)
    put_text(ws, 2, 1, p.name).font = Font(bold=True, size=13)
    w = p.workload
    _wrapped(
        ws,
        3,
        f"Model {book.comparison.model_id or p.model_id}; ISL {w.isl_tokens:,} / "
        f"OSL {w.osl_tokens:,} tokens; latency target: {sentences.latency_target(w)}; "
        f"$/Mtok counts {names.TOKEN_BASIS[w.token_basis]}. Exported "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC by TokenTCO {tokentco.__version__}.",
        NOTE_FONT,
    )
    sc = "Scorecard"
    first = layout.first_col

    def sc_row(row: int) -> str:
        left, right = get_column_letter(first), get_column_letter(first + max(n, 1) - 1)
        return f"{sc}!${left}${row}:${right}${row}"

    def input_row(key: str) -> str:
        r = book.inputs[key].row
        return f"Inputs!$C${r}:${get_column_letter(2 + max(n, 1))}${r}"

    def cost_row(key: str) -> str:
        r = book.cost[key].row
        return f"'Cost model'!$C${r}:${get_column_letter(2 + max(n, 1))}${r}"

    ranks = sc_row(layout.rank_row)
    header = 9
    top = header + 1
    last = header + max(n, 1)
    for row, label in ((5, "Winner"), (6, "Runner-up"), (7, "Weights")):
        put_text(ws, row, 1, label).font = Font(bold=True)
    ws.merge_cells("B5:C5")
    ws.merge_cells("B6:C6")
    ws.merge_cells("B7:F7")
    single = f"AND(COUNT({ranks})>0,COUNTIF({ranks},1)=1)"
    if n:
        pair = f'IF(COUNTIF({ranks},1)=2,"tie: "&B{top}&" and "&B{top + 1},' if n > 1 else ""
        ws["B5"] = (
            f'=IF(COUNT({ranks})=0,"none: no option meets the latency target",'
            f"IF(COUNTIF({ranks},1)>1,{pair}"
            f'"tie: "&COUNTIF({ranks},1)&" options share first place"{")" if pair else ""},'
            f"B{top}))"
        )
        ws["B5"].font = Font(bold=True, size=13, color="006100")
        ws["D5"] = f'=IF(COUNT({ranks})=0,"","weighted score "&ROUND(C{top},1))'
    if n > 1:
        second = top + 1
        ws["B6"] = (
            f'=IF(COUNT({ranks})<2,"—",IF(COUNTIF({ranks},1)>1,"— (first place is tied)",'
            f'IF(COUNTIF({ranks},A{second})>1,"tie: "&COUNTIF({ranks},A{second})&'
            f'" options share rank "&A{second},B{second})))'
        )
        ws["D6"] = (
            f"=IF(AND(COUNT({ranks})>=2,COUNTIF({ranks},1)=1,COUNTIF({ranks},A{second})=1),"
            f'"weighted score "&ROUND(C{second},1),"")'
        )
    else:
        put_text(ws, 6, 2, "—")
    ws["B7"] = f"={sc}!{layout.check_cell}"
    header_row(ws, header, [title for _, title, _ in _COLUMNS])
    order = sc_row(layout.order_row)
    cells = (
        ("A", sc_row(layout.rank_row), "0"),
        ("B", sc_row(layout.label_row), None),
        ("C", sc_row(layout.total_row), NUM1),
        ("D", cost_row("usd_per_mtok"), USD4),
        ("E", input_row("usd_per_mtok_p10"), USD4),
        ("F", input_row("usd_per_mtok_p90"), USD4),
        ("G", cost_row("usd_per_gpu_hour"), USD),
        ("H", cost_row("annual_cost_usd"), USD0),
        ("I", cost_row("tokens_per_s_per_mw"), NUM0),
        ("J", input_row("basis"), None),
    )
    export_order = _export_order(book)
    for k in range(n):
        row = top + k
        ws[f"{_POSITION}{row}"] = f"=MATCH(SMALL({order},{k + 1}),{order},0)"
        for col, source, fmt in cells:
            cell = ws[f"{col}{row}"]
            pick = f"INDEX({source},1,${_POSITION}{row})"
            # an empty input cell (no p10–p90 range) would show as 0 through INDEX
            cell.value = f'=IF(ISBLANK({pick}),"",{pick})' if "Inputs!" in source else f"={pick}"
            if fmt:
                cell.number_format = fmt
            cell.border = BOX
            if col in ("A", "J"):
                cell.alignment = Alignment(horizontal="center" if col == "A" else "left")
            elif col == "B":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        # the row shows the option the formulas put there at export (rank, then column)
        # 32 of 36 characters: the winner's row is bold, which runs wider
        fit_row(ws, row, lines_needed(book.label(book.results[export_order[k]]), 32))
    if n:
        ws.conditional_formatting.add(
            f"A{top}:J{last}",
            FormulaRule(formula=[f"$A{top}=1"], fill=BEST_FILL, font=Font(bold=True)),
        )
        ws.conditional_formatting.add(
            f"D{top}:D{last}",
            ColorScaleRule(
                start_type="min", start_color="63BE7B", end_type="max", end_color="F8696B"
            ),
        )
    row = last + 2
    put_text(ws, row, 1, "Key figures").font = SECTION_FONT
    row += 1
    if n:
        figures = [
            ("Winner's $/Mtok", f'=IF({single},D{top},"—")', USD4),
            ("Winner's annual cost at the stated demand", f'=IF({single},H{top},"—")', USD0),
        ]
        if n > 1:
            figures.append(
                (
                    "Runner-up's yearly fleet cost minus the winner's (negative: the winner "
                    "costs more)",
                    f"=IF(AND({single},COUNT({ranks})>=2,COUNTIF({ranks},A{top + 1})=1,"
                    f'ISNUMBER(H{top}),ISNUMBER(H{top + 1})),H{top + 1}-H{top},"—")',
                    USD0,
                )
            )
        for label, formula, fmt in figures:
            put_text(ws, row, 2, label).alignment = Alignment(wrap_text=True, vertical="top")
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
            fit_row(ws, row, lines_needed(label, 67))
            cell = ws.cell(row, 6, formula)
            cell.number_format = fmt
            cell.alignment = Alignment(horizontal="right", vertical="top")
            row += 1
    row += 1
    put_text(ws, row, 1, "Sensitivity of the ranking (computed at export)").font = SECTION_FONT
    row += 1
    labels = {oid: label.full for oid, label in book.labels.items()}
    _wrapped(ws, row, sentences.sensitivity(book.card, book.comparison, labels))
    row += 1
    sure = sentences.cheapest_confidence(book.comparison, labels)
    if sure:
        _wrapped(ws, row, sure)
        row += 1
    row += 1
    if any(r.point.feasible for r in book.results):  # nothing to chart otherwise
        _charts(ws, header, top, min(n, CHART_OPTIONS), n, row)
    ws.freeze_panes = "A5"
    print_setup(ws, p, f"{header}:{header}")


def _export_order(book: Book) -> list[int]:
    """Option indices in the order the Summary's formulas sort them at export: feasible
    options by rank, then the rest, each in column order."""
    n = book.n

    def key(i: int) -> float:
        rank = int(book.card.ranks[i]) if book.results[i].point.feasible else n + 1
        return rank + (i + 1) / (10 * (n + 1))

    return sorted(range(n), key=key)


def _charts(ws: Worksheet, header: int, top: int, shown: int, n: int, row: int) -> None:
    """Cost and score bars of the first ``shown`` options by rank, one under the other."""
    height_cm = min(17.0, 4.0 + 0.55 * shown)
    rows = math.ceil(height_cm / 0.53) + 2
    both_fit = 2 * rows * 0.53 <= PAGE_HEIGHT_CM
    more = f" (first {shown} of {n})" if shown < n else ""
    categories = AxDataSource(strRef=StrRef(f=f"'Summary'!$B${top}:$B${top + shown - 1}"))
    for i, (col, title, number_format) in enumerate(
        (
            (4, f"$/Mtok by rank{more}", '"$"0.00'),
            (3, f"Weighted score by rank (0–100){more}", "0.0"),
        )
    ):
        chart = BarChart()
        chart.type = "bar"
        chart.style = 10 if i == 0 else 12
        chart.title = title
        chart.add_data(
            Reference(ws, min_col=col, min_row=header, max_row=top + shown - 1),
            titles_from_data=True,
        )
        chart.series[0].cat = categories
        chart.x_axis.scaling.orientation = "maxMin"  # rank 1 at the top
        chart.y_axis.numFmt = number_format
        if i == 1:
            chart.y_axis.scaling.min = 0
            chart.y_axis.scaling.max = 100
        chart.legend = None
        chart.dataLabels = value_labels()
        chart.height = height_cm
        chart.width = 24.0
        anchor = row + i * rows
        # charts start a printed page (both on one when they fit), so none is cut in two
        if i == 0 or not both_fit:
            ws.row_breaks.append(Break(id=anchor - 1))
        ws.add_chart(chart, f"A{anchor}")

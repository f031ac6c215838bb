"""The Summary sheet: the ranking in rank order, the winner (a tie, or none), key figures,
charts and the sensitivity in words.
"""

import math
from datetime import UTC, datetime

from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import ColorScaleRule, FormulaRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

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
    header_row,
    print_setup,
    provenance,
    put_text,
    set_widths,
    value_labels,
)
from tokentco.io.scorecard.scorecard_sheet import ScoreLayout


def write_summary(book: Book, layout: ScoreLayout) -> None:
    ws = book.wb["Summary"]
    p = book.project
    card = book.card
    n = book.n
    put_text(ws, 1, 1, "TokenTCO scorecard").font = Font(bold=True, size=16)
    put_text(ws, 2, 1, p.name).font = Font(bold=True, size=13)
    w = p.workload
    target = []
    if w.max_ttft_ms is not None:
        target.append(f"TTFT ≤ {w.max_ttft_ms:g} ms")
    if w.min_tokens_per_s_per_user is not None:
        target.append(f"≥ {w.min_tokens_per_s_per_user:g} tokens/s per user")
    put_text(
        ws,
        3,
        1,
        f"Model {book.comparison.model_id or p.model_id}; ISL {w.isl_tokens} / "
        f"OSL {w.osl_tokens} tokens; latency target: {', '.join(target) or 'none'}; "
        f"$/Mtok counts {w.token_basis.value} tokens. Exported "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC by TokenTCO "
        f"{tokentco.__version__}.",
    ).font = NOTE_FONT
    sc = "Scorecard"
    first = 6

    def oc(i: int) -> str:
        return get_column_letter(first + i)

    totals = f"{sc}!${oc(0)}${layout.total_row}:${oc(max(n, 1) - 1)}${layout.total_row}"
    header = 9
    labels_ref = f"$B${header + 1}:$B${header + max(n, 1)}"
    put_text(ws, 5, 1, "Winner").font = Font(bold=True)
    put_text(ws, 6, 1, "Runner-up").font = Font(bold=True)
    put_text(ws, 7, 1, "Weights").font = Font(bold=True)
    if n:
        ws["B5"] = f"=INDEX({labels_ref},MATCH(MAX({totals}),{totals},0))"
        ws["B5"].font = Font(bold=True, size=13, color="006100")
        ws["B6"] = (
            (f'=IF(COUNT({totals})>1,INDEX({labels_ref},MATCH(LARGE({totals},2),{totals},0)),"")')
            if n > 1
            else ""
        )
        ws["C5"] = f'="weighted score "&ROUND(MAX({totals}),1)'
        ws["C6"] = f'="weighted score "&ROUND(LARGE({totals},2),1)' if n > 1 else ""
    ws["B7"] = f"={sc}!{layout.check_cell}"
    header_row(
        ws,
        header,
        [
            "Rank",
            "Option",
            "Weighted score",
            "$/Mtok",
            "$/GPU-hour",
            "Annual cost at demand",
            "Tokens/s per MW",
            "Throughput basis",
        ],
    )
    for i, r in enumerate(book.results):
        row = header + 1 + i
        col = oc(i)
        ws.cell(row, 1, f"={sc}!{col}{layout.rank_row}").number_format = "0"
        put_text(ws, row, 2, r.label or r.option_id)
        ws.cell(row, 3, f"={sc}!{col}{layout.total_row}").number_format = NUM1
        ws.cell(row, 4, f"='Cost model'!{book.cost['usd_per_mtok'].cell(i)}").number_format = USD4
        ws.cell(
            row, 5, f"='Cost model'!{book.cost['usd_per_gpu_hour'].cell(i)}"
        ).number_format = USD
        ws.cell(
            row, 6, f"='Cost model'!{book.cost['annual_cost_usd'].cell(i)}"
        ).number_format = USD0
        ws.cell(
            row, 7, f"='Cost model'!{book.cost['tokens_per_s_per_mw'].cell(i)}"
        ).number_format = NUM0
        put_text(ws, row, 8, provenance(r))
        for c in range(1, 9):
            ws.cell(row, c).border = BOX
    last = header + max(n, 1)
    if n:
        ws.conditional_formatting.add(
            f"A{header + 1}:H{last}",
            FormulaRule(formula=[f"$A{header + 1}=1"], fill=BEST_FILL, font=Font(bold=True)),
        )
        ws.conditional_formatting.add(
            f"D{header + 1}:D{last}",
            ColorScaleRule(
                start_type="min", start_color="63BE7B", end_type="max", end_color="F8696B"
            ),
        )
    row = last + 2
    put_text(ws, row, 1, "Key figures").font = SECTION_FONT
    row += 1
    if n:
        figures = [
            (
                "Winner's $/Mtok",
                f"=INDEX($D${header + 1}:$D${last},MATCH(1,$A${header + 1}:$A${last},0))",
                USD4,
            ),
            (
                "Winner's annual cost at the stated demand",
                f"=INDEX($F${header + 1}:$F${last},MATCH(1,$A${header + 1}:$A${last},0))",
                USD0,
            ),
        ]
        if n > 1:
            figures.append(
                (
                    "Yearly saving of the winner vs the runner-up (fleet cost at the demand)",
                    f"=IFERROR(INDEX($F${header + 1}:$F${last},MATCH(LARGE($C${header + 1}:"
                    f"$C${last},2),$C${header + 1}:$C${last},0))-INDEX($F${header + 1}:$F${last},"
                    f'MATCH(MAX($C${header + 1}:$C${last}),$C${header + 1}:$C${last},0)),"")',
                    USD0,
                )
            )
        for label, formula, fmt in figures:
            put_text(ws, row, 1, label)
            ws.cell(row, 2, formula).number_format = fmt
            row += 1
    row += 1
    put_text(ws, row, 1, "Sensitivity of the ranking (computed at export)").font = SECTION_FONT
    row += 1
    cell = put_text(ws, row, 1, card.sentence)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
    ws.row_dimensions[row].height = 15 * max(2, math.ceil(len(card.sentence) / 150))
    row += 2
    if n:
        chart_row = row
        bars = BarChart()
        bars.type = "bar"
        bars.style = 10
        bars.title = "Cost per million tokens ($/Mtok)"
        bars.y_axis.title = "$/Mtok"
        bars.y_axis.numFmt = "0.00"
        bars.add_data(Reference(ws, min_col=4, min_row=header, max_row=last), titles_from_data=True)
        bars.set_categories(Reference(ws, min_col=2, min_row=header + 1, max_row=last))
        bars.legend = None
        bars.dataLabels = value_labels()
        bars.height = 7 + 0.5 * n
        bars.width = 16
        ws.add_chart(bars, f"A{chart_row}")
        scores = BarChart()
        scores.type = "bar"
        scores.style = 12
        scores.title = "Weighted score (0-100, higher is better)"
        scores.add_data(
            Reference(ws, min_col=3, min_row=header, max_row=last), titles_from_data=True
        )
        scores.set_categories(Reference(ws, min_col=2, min_row=header + 1, max_row=last))
        scores.legend = None
        scores.dataLabels = value_labels()
        scores.y_axis.scaling.min = 0
        scores.y_axis.scaling.max = 100
        scores.height = 7 + 0.5 * n
        scores.width = 16
        ws.add_chart(scores, f"E{chart_row}")
    ws.freeze_panes = "A5"
    set_widths(ws, {"A": 44, "B": 40, "C": 18, "D": 14, "E": 14, "F": 20, "G": 16, "H": 40})
    print_setup(ws, p, f"{header}:{header}")

"""The hidden "Frontier data" sheet: each option's throughput-vs-interactivity curve.

Dozens of rows per option are data for people who want to plot or audit the curve, not
pages for a committee; the sheet is hidden, so File ▸ Print of the workbook leaves it
out (16 of 24 printed pages used to be these tables).
"""

import tokentco
from tokentco.io.scorecard.book import (
    NOTE_FONT,
    NUM0,
    NUM1,
    Book,
    header_row,
    print_setup,
    put_text,
    set_widths,
)

TITLE = "Frontier data"


def write_frontier(book: Book) -> None:
    ws = book.wb.create_sheet(TITLE)
    ws.sheet_state = "hidden"
    put_text(ws, 1, 1, "Frontier: the best tokens/s/GPU at each interactivity (Pareto curve)")
    put_text(
        ws, 2, 1, f"Estimated by the TokenTCO model {tokentco.MODEL_VERSION}."
    ).font = NOTE_FONT
    set_widths(ws, {"A": 30, "B": 12, "C": 16, "D": 12})
    header = 4
    header_row(ws, header, ["Option", "Tok/s/user", "Output tok/s/GPU", "Concurrency"])
    row = header + 1
    for r in book.results:
        f = r.frontier
        label = book.label(r)
        if len(f.tokens_per_s_per_user) == 0:
            put_text(ws, row, 1, label)
            put_text(ws, row, 2, "no feasible layout").font = NOTE_FONT
            row += 1
            continue
        for u, g, cc in zip(
            f.tokens_per_s_per_user, f.output_tokens_per_s_per_gpu, f.concurrency, strict=True
        ):
            put_text(ws, row, 1, label)
            ws.cell(row, 2, float(u)).number_format = NUM1
            ws.cell(row, 3, float(g)).number_format = NUM1
            ws.cell(row, 4, float(cc)).number_format = NUM0
            row += 1
    ws.freeze_panes = ws.cell(header + 1, 1)
    print_setup(ws, book.project, f"{header}:{header}")

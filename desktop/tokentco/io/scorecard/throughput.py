"""The Throughput sheet: the operating point per option with its basis and p10–p90 range.

The frontier curves behind each operating point are data, not reading matter: they go on
the hidden "Frontier data" sheet (``frontier.py``), so printing the workbook does not
print pages of raw tables.
"""

from openpyxl.styles import Alignment, Font

import tokentco
from tokentco.io.scorecard.book import (
    BOX,
    NOTE_FONT,
    NUM0,
    NUM1,
    Book,
    fit_row,
    header_row,
    lines_needed,
    print_setup,
    provenance,
    put_text,
    set_widths,
)
from tokentco.present import formats as fmt
from tokentco.present import names, sentences

_COLUMNS = (
    ("Option", 30.0),
    ("Basis", 26.0),
    ("Meets target", 14.0),
    ("Batch", 7.0),
    ("TP", 4.0),
    ("EP", 4.0),
    ("PP", 4.0),
    ("Output tok/s/GPU", 10.0),
    ("p10–p90 tok/s/GPU", 14.0),
    ("Tok/s/user", 8.0),
    ("TTFT ms", 8.0),
    ("TPOT ms", 7.0),
    ("Memory GB/GPU", 8.0),
    ("Binding resource", 13.0),
)


def write_throughput(book: Book) -> None:
    ws = book.wb.create_sheet("Throughput")
    put_text(ws, 1, 1, "Throughput: the operating point per option").font = Font(bold=True, size=14)
    put_text(
        ws,
        2,
        1,
        "Measured figures name their source; anchored figures are the model scaled to a "
        f"measurement; estimated figures come from the TokenTCO model {tokentco.MODEL_VERSION}. "
        "The frontier curves are on the sheet 'Frontier data' (hidden so that it does not "
        "print; unhide it from the sheet tabs' menu).",
    ).font = NOTE_FONT
    header = 4
    set_widths(ws, {chr(65 + i): width for i, (_, width) in enumerate(_COLUMNS)})
    header_row(ws, header, [title for title, _ in _COLUMNS])
    row = header + 1
    wrap = Alignment(wrap_text=True, vertical="top")
    for r in book.results:
        pt = r.point
        label = book.label(r)
        basis = provenance(r)
        meets = "yes" if pt.feasible else sentences.infeasible(r)
        put_text(ws, row, 1, label).alignment = wrap
        put_text(ws, row, 2, basis).alignment = wrap
        put_text(ws, row, 3, meets).alignment = wrap
        band = r.uncertainty.tokens_per_s_per_gpu if r.uncertainty else None
        for j, (value, number_format) in enumerate(
            (
                (pt.concurrency, NUM0),
                (pt.tp, "0"),
                (pt.ep, "0"),
                (pt.pp, "0"),
                (pt.output_tokens_per_s_per_gpu, NUM1),
            )
        ):
            ws.cell(row, 4 + j, value).number_format = number_format
        put_text(ws, row, 9, fmt.value_range(band.p10, band.p90, fmt.tokens_per_s) if band else "—")
        for j, (value, number_format) in enumerate(
            (
                (pt.tokens_per_s_per_user, NUM1),
                (pt.ttft_ms, NUM0),
                (pt.tpot_ms, NUM1),
                (pt.memory_used_gb_per_gpu, NUM1),
            )
        ):
            ws.cell(row, 10 + j, value).number_format = number_format
        put_text(ws, row, 14, names.BINDING[pt.binding]).alignment = wrap
        for col in range(1, len(_COLUMNS) + 1):
            ws.cell(row, col).border = BOX
        fit_row(
            ws,
            row,
            max(lines_needed(label, 30), lines_needed(basis, 26), lines_needed(meets, 14)),
        )
        row += 1
    ws.freeze_panes = ws.cell(header + 1, 2)
    print_setup(ws, book.project, f"{header}:{header}", "A:A")

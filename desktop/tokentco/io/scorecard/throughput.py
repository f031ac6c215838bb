"""The Throughput sheet: the operating point per option with its basis."""

from openpyxl.styles import Font

import tokentco
from tokentco.io.scorecard.book import (
    NOTE_FONT,
    NUM0,
    NUM1,
    SECTION_FONT,
    Book,
    header_row,
    print_setup,
    provenance,
    put_text,
    set_widths,
)


def write_throughput(book: Book) -> None:
    ws = book.wb.create_sheet("Throughput")
    put_text(ws, 1, 1, "Throughput: operating point and frontier per option").font = Font(
        bold=True, size=14
    )
    put_text(
        ws,
        2,
        1,
        f"Measured figures name their source; estimated figures come from "
        f"the TokenTCO throughput model {tokentco.MODEL_VERSION}.",
    ).font = NOTE_FONT
    header = 4
    cols = [
        "Option",
        "Basis",
        "Meets target",
        "Concurrency",
        "TP",
        "EP",
        "PP",
        "Output tok/s/GPU",
        "Total tok/s/GPU",
        "Tok/s/user",
        "TTFT ms",
        "TPOT ms",
        "Memory GB/GPU",
        "Binding resource",
    ]
    header_row(ws, header, cols)
    row = header + 1
    for r in book.results:
        pt = r.point
        put_text(ws, row, 1, r.label or r.option_id)
        put_text(ws, row, 2, provenance(r))
        put_text(ws, row, 3, "yes" if pt.feasible else f"no: {pt.reason}")
        for j, (value, fmt) in enumerate(
            (
                (pt.concurrency, NUM0),
                (pt.tp, "0"),
                (pt.ep, "0"),
                (pt.pp, "0"),
                (pt.output_tokens_per_s_per_gpu, NUM1),
                (pt.total_tokens_per_s_per_gpu, NUM1),
                (pt.tokens_per_s_per_user, NUM1),
                (pt.ttft_ms, NUM0),
                (pt.tpot_ms, NUM1),
                (pt.memory_used_gb_per_gpu, NUM1),
            )
        ):
            ws.cell(row, 4 + j, value).number_format = fmt
        put_text(ws, row, 14, pt.binding.label)
        row += 1
    row += 1
    put_text(
        ws, row, 1, "Frontier: the best tokens/s/GPU at each interactivity (Pareto curve)"
    ).font = SECTION_FONT
    row += 1
    for r in book.results:
        f = r.frontier
        put_text(ws, row, 1, r.label or r.option_id).font = Font(bold=True)
        row += 1
        header_row(ws, row, ["Tok/s/user", "Output tok/s/GPU", "Concurrency", "Basis"])
        row += 1
        label = f"estimated ({tokentco.MODEL_VERSION})"
        if len(f.tokens_per_s_per_user) == 0:
            put_text(ws, row, 1, "no feasible layout").font = NOTE_FONT
            row += 1
        for u, g, cc in zip(
            f.tokens_per_s_per_user, f.output_tokens_per_s_per_gpu, f.concurrency, strict=True
        ):
            ws.cell(row, 1, float(u)).number_format = NUM1
            ws.cell(row, 2, float(g)).number_format = NUM1
            ws.cell(row, 3, float(cc)).number_format = NUM0
            put_text(ws, row, 4, label)
            row += 1
        row += 1
    ws.freeze_panes = ws.cell(header + 1, 2)
    set_widths(ws, {"A": 36, "B": 44, "C": 18, "N": 20})
    print_setup(ws, book.project, f"{header}:{header}")

"""The Cost model sheet: $/GPU-hour build-up, $/Mtok, energy and fleet sizing, all
formulas over Inputs (they mirror ``tokentco.engine.economics`` cell for cell).
"""

from collections.abc import Callable

from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font

from tokentco.io.scorecard.book import (
    BOX,
    FIRST_COL,
    NOTE_FONT,
    NUM0,
    NUM1,
    NUM2,
    OPTION_WIDTH,
    USD0,
    USD4,
    Book,
    Row,
    fit_row,
    header_row,
    lines_needed,
    opt_col,
    print_setup,
    put_note,
    put_text,
    set_widths,
)


def write_cost_model(book: Book) -> None:
    ws = book.wb.create_sheet("Cost model")
    put_text(ws, 1, 1, "Cost model: $/GPU-hour build-up and $/Mtok").font = Font(bold=True, size=14)
    put_note(ws, 2, "All cells below are formulas over the Inputs sheet.", 50 + 12)
    i_ = book.inputs
    pc = {k: f"Inputs!${v[0]}${v[1:]}" for k, v in book.project_cells.items()}
    row = 4
    peak_row = row
    put_text(ws, row, 1, "Peak output tokens/s the fleet must serve")
    put_text(ws, row, 2, "tok/s").font = NOTE_FONT
    ws.cell(
        row,
        3,
        f"=IF(ISNUMBER({pc['TokensPerDay']}),{pc['TokensPerDay']}/86400*"
        f"{pc['PeakToAverage']},IF(ISNUMBER({pc['PeakRequestsPerS']}),"
        f'{pc["PeakRequestsPerS"]}*{pc["OSL"]},""))',
    ).number_format = NUM0
    book.define("CM_PeakTokensPerS", "Cost model", f"$C${row}")
    counted_row = row + 1
    put_text(ws, counted_row, 1, "Counted tokens per output token (token basis)")
    put_text(ws, counted_row, 2, "×").font = NOTE_FONT
    ws.cell(
        counted_row,
        3,
        f'=IF({pc["TokenBasis"]}="total",1+{pc["ISL"]}/{pc["OSL"]},'
        f'IF({pc["TokenBasis"]}="blended",1+{pc["InputWeight"]}*{pc["ISL"]}/{pc["OSL"]},1))',
    ).number_format = "0.000"
    book.define("CM_CountedFactor", "Cost model", f"$C${counted_row}")
    row += 3
    header = row
    set_widths(ws, {"A": 50, "B": 12})
    for i in range(book.n):
        ws.column_dimensions[opt_col(i)].width = OPTION_WIDTH
    header_row(ws, header, ["Line", "Unit", *[book.label(r) for r in book.results]])
    row += 1

    def inp(key: str, i: int) -> str:
        return f"Inputs!{i_[key].cell(i)}"

    def add(
        key: str, label: str, unit: str, formula: Callable[[int], str], fmt: str, bold: bool = False
    ) -> None:
        nonlocal row
        label_cell = put_text(ws, row, 1, label)
        label_cell.font = Font(bold=bold)
        label_cell.alignment = Alignment(wrap_text=True, vertical="top")
        fit_row(ws, row, lines_needed(label, 50))
        put_text(ws, row, 2, unit).font = NOTE_FONT
        for i in range(book.n):
            cell = ws.cell(row, FIRST_COL + i, formula(i))
            cell.number_format = fmt
            cell.border = BOX
            if bold:
                cell.font = Font(bold=True)
        book.cost[key] = Row(row, key)
        book.define_row("CM", "Cost model", book.cost[key])
        row += 1

    def num(key: str, i: int) -> str:
        """The input as a number, 0 when blank or text: ISNUMBER is portable where N() of
        a blank is not (Gnumeric ranked differently)."""
        ref = inp(key, i)
        return f"IF(ISNUMBER({ref}),{ref},0)"

    def c(key: str, i: int) -> str:
        return book.cost[key].cell(i)

    def owned(i: int) -> str:
        return f'{inp("owned", i)}="yes"'

    add(
        "rental",
        "Rental price",
        "$/GPU-hour",
        lambda i: f"=IF({owned(i)},0,{num('price', i)}*{inp('fx', i)})",
        USD4,
    )
    add(
        "capex",
        "Capex, annuity over the life at the cost of capital",
        "$/GPU-hour",
        lambda i: (
            f"=IF({owned(i)},IF({inp('rate', i)}=0,{inp('capex', i)}*{inp('fx', i)}/"
            f"{inp('life', i)},{inp('capex', i)}*{inp('fx', i)}*{inp('rate', i)}/"
            f"(1-(1+{inp('rate', i)})^-{inp('life', i)}))/{pc['HoursPerYear']},0)"
        ),
        USD4,
    )
    add(
        "energy",
        "Energy: W × PUE / 1000 × $/kWh",
        "$/GPU-hour",
        lambda i: f"=IF({owned(i)},{num('watts', i)}*{inp('pue', i)}/1000*{inp('kwh', i)},0)",
        USD4,
    )
    add(
        "opex",
        "Opex per year / hours per year",
        "$/GPU-hour",
        lambda i: f"=IF({owned(i)},{num('opex', i)}*{inp('fx', i)}/{pc['HoursPerYear']},0)",
        USD4,
    )
    add(
        "usd_per_gpu_hour",
        "All-in cost per GPU-hour",
        "$/GPU-hour",
        lambda i: f"=SUM({c('rental', i)}:{c('opex', i)})",
        USD4,
        bold=True,
    )
    add(
        "counted_tps",
        "Counted tokens/s per GPU (token basis)",
        "tok/s/GPU",
        lambda i: f"={inp('tps', i)}*$C${counted_row}",
        NUM1,
    )
    add(
        "usd_per_mtok",
        "Cost per million tokens = $/GPU-hour / (tok/s × 3600 × utilization) × 1e6",
        "$/Mtok",
        lambda i: (
            f'=IF(AND({inp("feasible", i)}="yes",{c("counted_tps", i)}>0),'
            f"{c('usd_per_gpu_hour', i)}/({c('counted_tps', i)}*3600*"
            f'{inp("utilization", i)})*1000000,"")'
        ),
        USD4,
        bold=True,
    )
    add(
        "tokens_per_s_per_mw",
        "Tokens/s per MW of facility power",
        "tok/s/MW",
        lambda i: (
            f'=IF({num("watts", i)}>0,IF({inp("feasible", i)}="yes",'
            f'{inp("tps", i)}/({inp("watts", i)}*{inp("pue", i)})*1000000,0),"")'
        ),
        NUM0,
    )
    add(
        "kwh_per_mtok",
        "Facility energy per million output tokens",
        "kWh/Mtok",
        lambda i: (
            f'=IF(AND({num("watts", i)}>0,{inp("feasible", i)}="yes",'
            f"{inp('tps', i)}>0),{inp('watts', i)}*{inp('pue', i)}*(1000000/"
            f'{inp("tps", i)})/3600/1000,"")'
        ),
        NUM2,
    )

    def sized(i: int) -> str:
        return f'AND({inp("feasible", i)}="yes",ISNUMBER($C${peak_row}),{inp("tps", i)}>0)'

    add(
        "replicas",
        "Fleet: replicas for peak demand",
        "replicas",
        lambda i: (
            f"=IF({sized(i)},ROUNDUP($C${peak_row}/({inp('tps', i)}*"
            f'{inp("gpus_per_replica", i)}),0),"")'
        ),
        NUM0,
    )
    add(
        "systems",
        "Fleet: systems (whole servers/racks)",
        "systems",
        lambda i: (
            f"=IF({sized(i)},ROUNDUP({c('replicas', i)}*{inp('gpus_per_replica', i)}/"
            f'{inp("gpus_per_system", i)},0),"")'
        ),
        NUM0,
    )
    add(
        "gpus",
        "Fleet: GPUs",
        "GPUs",
        lambda i: f'=IF({sized(i)},{c("systems", i)}*{inp("gpus_per_system", i)},"")',
        NUM0,
    )
    add(
        "megawatts",
        "Fleet: facility power",
        "MW",
        lambda i: (
            f"=IF(AND({sized(i)},{num('watts', i)}>0),{c('gpus', i)}*"
            f'{inp("watts", i)}*{inp("pue", i)}/1000000,"")'
        ),
        "0.000",
    )
    add(
        "annual_cost_usd",
        "Fleet: annual cost (paid every hour)",
        "$/year",
        lambda i: (
            f'=IF({sized(i)},{c("gpus", i)}*{c("usd_per_gpu_hour", i)}*{pc["HoursPerYear"]},"")'
        ),
        USD0,
        bold=True,
    )
    add(
        "contract_value_usd",
        "Fleet: contract value over the term",
        "$",
        lambda i: f'=IF({sized(i)},{c("annual_cost_usd", i)}*{pc["TermYears"]},"")',
        USD0,
    )
    ws.freeze_panes = ws.cell(header + 1, FIRST_COL)
    if book.n:
        ref = (
            f"{opt_col(0)}{book.cost['usd_per_mtok'].row}:"
            f"{opt_col(book.n - 1)}{book.cost['usd_per_mtok'].row}"
        )
        ws.conditional_formatting.add(
            ref,
            ColorScaleRule(
                start_type="min",
                start_color="63BE7B",
                mid_type="percentile",
                mid_value=50,
                mid_color="FFEB84",
                end_type="max",
                end_color="F8696B",
            ),
        )
    print_setup(ws, book.project, f"{header}:{header}", "A:B")

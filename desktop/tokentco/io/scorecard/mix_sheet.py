"""The Mix sheet: per-class $/Mtok and the blend for the project's workload mix, as formulas
over the class shares (inputs) and each option's $/GPU-hour and utilization.

Written only when the project has workload classes. For each option the sheet shows the
arrangement :mod:`tokentco.engine.mix` chose (separate pools or one shared pool, and why)
and that arrangement's classes: output tokens/s per GPU at the class's target and counted
tokens per output token are TokenTCO's figures entered as inputs (Excel cannot run the
estimator); each class's $/Mtok is the core equation over the Cost model's all-in
$/GPU-hour and the Inputs sheet's utilization, and the blend is the share-weighted mean

    blend = Σ share_k · counted_k · $/Mtok_k / Σ share_k · counted_k

(shares are of output tokens, so on another counting basis each class weighs by its
counted tokens too), so editing a share, a price or a utilization moves the blend as the
engine would. Editing shares does not re-choose the arrangement: that depends on fleet
sizes the sheet does not model (the app re-chooses it).
"""

from openpyxl.styles import Alignment, Font

from tokentco.engine.mix import MixResult, evaluate_mix
from tokentco.io.scorecard.book import (
    BOX,
    FIRST_COL,
    INPUT_FILL,
    NOTE_FONT,
    NUM1,
    OPTION_WIDTH,
    PCT,
    SECTION_FONT,
    USD,
    USD4,
    Book,
    Row,
    abs_ref,
    fit_row,
    header_row,
    lines_needed,
    opt_col,
    print_setup,
    put_note,
    put_text,
    set_widths,
    validation,
)
from tokentco.present.mix_text import mix_why

TITLE = "Mix"
_LABEL_WIDTH = 44.0
_UNIT_WIDTH = 14.0
_TOP = Alignment(vertical="top")
_WRAP = Alignment(wrap_text=True, vertical="top")


def write_mix(book: Book) -> None:
    """Add the Mix sheet after Cost model (and Plan) when the project has workload classes."""
    classes = book.project.workload_classes
    if not classes:
        return
    mix = evaluate_mix(book.project, book.catalogue, book.comparison.calibration)
    by_id = {m.option_id: m for m in mix.options}
    results: list[MixResult | None] = [by_id.get(r.option_id) for r in book.results]
    names = book.wb.sheetnames
    after = "Plan" if "Plan" in names else "Cost model"
    index = names.index(after) + 1 if after in names else len(names)
    ws = book.wb.create_sheet(TITLE, index)
    set_widths(ws, {"A": _LABEL_WIDTH, "B": _UNIT_WIDTH})
    for i in range(book.n):
        ws.column_dimensions[opt_col(i)].width = OPTION_WIDTH
    put_text(ws, 1, 1, "Workload mix: per-class and blended $/Mtok").font = Font(bold=True, size=14)
    note = (
        "Yellow cells are inputs. Each class's $/Mtok = $/GPU-hour / (tok/s per GPU × counted "
        "tokens per output token × 3600 × utilization) × 1e6; the blend weighs the classes by "
        "share × counted tokens. Shares are of output tokens."
    )
    put_note(ws, 2, note, _LABEL_WIDTH + _UNIT_WIDTH)

    row = 4
    put_text(ws, row, 1, "Classes (inputs: share of output tokens)").font = SECTION_FONT
    row += 1
    first_share = row
    share_check = validation(
        book,
        ws,
        "mix_share",
        type="decimal",
        operator="between",
        formula1="0",
        formula2="1",
        errorTitle="Share",
        error="A share is between 0 and 1.",
    )
    for cls in classes:
        put_text(ws, row, 1, cls.name)
        put_text(ws, row, 2, "share").font = NOTE_FONT
        share = ws.cell(row, 3, cls.share)
        share.number_format = PCT
        share.fill = INPUT_FILL
        share.border = BOX
        share_check.add(share.coordinate)
        row += 1
    last_share = row - 1
    shares = f"$C${first_share}:$C${last_share}"
    book.define("MX_Shares", TITLE, shares)
    put_text(ws, row, 1, "Shares add up to (should be 100 %)")
    total = ws.cell(row, 3, f"=SUM({shares})")
    total.number_format = PCT
    total.border = BOX
    row += 2

    header = row
    header_row(ws, header, ["Line", "Unit", *[book.label(r) for r in book.results]])
    row += 1

    def add(
        key: str,
        label: str,
        unit: str,
        values: list[object],
        fmt: str,
        *,
        editable: bool = False,
        bold: bool = False,
    ) -> Row:
        nonlocal row
        label_cell = put_text(ws, row, 1, label)
        label_cell.alignment = _WRAP
        label_cell.font = Font(bold=bold)
        unit_cell = put_text(ws, row, 2, unit)
        unit_cell.font = NOTE_FONT
        unit_cell.alignment = _TOP
        lines = lines_needed(label, _LABEL_WIDTH)
        for i, value in enumerate(values):
            target = ws.cell(row, FIRST_COL + i)
            if isinstance(value, str) and not value.startswith("="):
                put_text(ws, row, FIRST_COL + i, value)
                target.alignment = _WRAP
                lines = max(lines, lines_needed(value, OPTION_WIDTH))
            else:
                target.value = value
                target.alignment = _TOP
            target.number_format = fmt
            target.border = BOX
            if bold:
                target.font = Font(bold=True)
            if editable and isinstance(value, float):
                target.fill = INPUT_FILL
        fit_row(ws, row, lines)
        entry = Row(row, key)
        book.define_row("MX", TITLE, entry)
        row += 1
        return entry

    def pools(m: MixResult | None) -> str:
        if m is None:
            return "not evaluated"
        return "separate pools" if m.chosen == "separate" else "one shared pool"

    add("arrangement", "Arrangement TokenTCO chose", "", [pools(m) for m in results], "@")
    add(
        "why",
        "Why",
        "",
        [mix_why(m) if m is not None else "" for m in results],
        "@",
    )
    cost = book.cost["usd_per_gpu_hour"]
    utilization = book.inputs["utilization"]
    price = add(
        "usd_per_gpu_hour",
        "All-in $/GPU-hour (Cost model)",
        "$/GPU-hour",
        [f"={abs_ref('Cost model', cost.cell(i))}" for i in range(book.n)],
        USD,
    )
    util = add(
        "utilization",
        "Serving utilization (Inputs)",
        "share",
        [f"=Inputs!{utilization.cell(i)}" for i in range(book.n)],
        PCT,
    )

    def section(title: str) -> None:
        nonlocal row
        put_text(ws, row, 1, title).font = Font(bold=True, italic=True)
        row += 1

    section("Output tokens/s per GPU at each class's target (inputs, from TokenTCO)")
    tps_rows = []
    for k, cls in enumerate(classes):
        values: list[object] = []
        for m in results:
            figures = m.pool.classes[k] if m is not None else None
            if figures is None:
                values.append("")
            elif figures.feasible:
                values.append(float(figures.output_tokens_per_s_per_gpu))
            else:
                values.append(f"misses the target: {figures.reason}")
        tps_rows.append(add(f"tps_{k + 1}", cls.name, "tok/s/GPU", values, NUM1, editable=True))
    section("Counted tokens per output token (the project's token basis)")
    counted_rows = []
    for k, cls in enumerate(classes):
        counted_rows.append(
            add(
                f"counted_{k + 1}",
                cls.name,
                "×",
                [
                    float(m.pool.classes[k].counted_per_output) if m is not None else ""
                    for m in results
                ],
                "0.000",
                editable=True,
            )
        )
    section("$/Mtok per class (formulas)")
    usd_rows = []
    for k, cls in enumerate(classes):
        tps, counted = tps_rows[k], counted_rows[k]
        usd_rows.append(
            add(
                f"usd_per_mtok_{k + 1}",
                cls.name,
                "$/Mtok",
                [
                    (
                        f"=IF(AND(ISNUMBER({tps.cell(i)}),ISNUMBER({price.cell(i)})),"
                        f"IF({tps.cell(i)}>0,{price.cell(i)}/({tps.cell(i)}*"
                        f'{counted.cell(i)}*3600*{util.cell(i)})*1000000,""),"")'
                    )
                    for i in range(book.n)
                ],
                USD4,
            )
        )
    n_classes = len(classes)

    def column(rows: list[Row], i: int) -> str:
        return f"{rows[0].cell(i)}:{rows[-1].cell(i)}"

    add(
        "blend",
        "Blended $/Mtok for the mix",
        "$/Mtok",
        [
            (
                f"=IF(COUNT({column(usd_rows, i)})={n_classes},"
                f"SUMPRODUCT({shares},{column(counted_rows, i)},{column(usd_rows, i)})/"
                f'SUMPRODUCT({shares},{column(counted_rows, i)}),"")'
            )
            for i in range(book.n)
        ],
        USD4,
        bold=True,
    )
    ws.freeze_panes = ws.cell(header + 1, FIRST_COL)
    print_setup(ws, book.project, f"{header}:{header}", "A:B")


__all__ = ["TITLE", "write_mix"]

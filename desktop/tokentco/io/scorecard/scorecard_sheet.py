"""The Scorecard sheet: criteria × options values, weights, 0–100 scores, weighted totals
and ranks, all formulas (they mirror ``tokentco.engine.scoring``).
"""

import math
from dataclasses import dataclass

from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, FormulaRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tokentco.domain import (
    Criterion,
    Direction,
    ScoringRule,
)
from tokentco.io.scorecard.book import (
    BAD_FILL,
    BEST_FILL,
    BOX,
    INPUT_FILL,
    NOTE_FONT,
    NUM0,
    NUM1,
    NUM2,
    OPTION_WIDTH,
    PCT,
    SECTION_FONT,
    USD0,
    USD4,
    Book,
    fit_row,
    header_row,
    lines_needed,
    name_part,
    print_setup,
    put_note,
    put_text,
    set_widths,
)
from tokentco.present import names

_FORMULA_METRICS = {
    "usd_per_mtok": "cost",
    "annual_cost_usd": "cost",
    "contract_value_usd": "cost",
    "tokens_per_s_per_mw": "cost",
    "kwh_per_mtok": "cost",
    "gpus": "cost",
    "megawatts": "cost",
    "usd_per_gpu_hour": "cost",
    "systems": "cost",
    "tokens_per_s_per_user": "user_tps",
    "ttft_ms": "ttft",
    "accuracy_risk": "accuracy_risk",
    "lead_time_weeks": "lead_time",
    "output_tokens_per_s_per_gpu": "tps",
    "utilization": "utilization",
}


def _value_formula(book: Book, c: Criterion, i: int, card_row: int) -> object:
    metric = c.metric
    if metric == "lock_in":
        cells = ",".join(
            f"Inputs!{book.inputs[f'lock_{k}'].cell(i)}"
            for k in ("software", "interconnect", "supply", "contract")
        )
        return f"=AVERAGE({cells})"
    kind = _FORMULA_METRICS.get(metric)
    if kind == "cost" and metric in book.cost:
        return f"='Cost model'!{book.cost[metric].cell(i)}"
    if kind is not None and kind in book.inputs:
        ref = f"Inputs!{book.inputs[kind].cell(i)}"
        return f'=IF(ISNUMBER({ref}),{ref},"")'
    key = f"manual_{c.id}"
    if key in book.inputs:
        ref = f"Inputs!{book.inputs[key].cell(i)}"
        return f'=IF(ISNUMBER({ref}),{ref},"")'
    value = float(book.card.values[card_row, i])
    return value if math.isfinite(value) else ""


def _score_formula(c: Criterion, x: str, rng: str) -> str:
    if c.rule is ScoringRule.RUBRIC:
        body = f"MAX(0,MIN(100,100*(5-{x})/4))"
    elif c.rule is ScoringRule.MIN_MAX:
        if c.direction is Direction.LOWER:
            body = (
                f"IF(MAX({rng})=MIN({rng}),100,MAX(0,MIN(100,100*((MAX({rng})-{x})/"
                f"(MAX({rng})-MIN({rng}))))))"
            )
        else:
            body = (
                f"IF(MAX({rng})=MIN({rng}),100,MAX(0,MIN(100,100*(({x}-MIN({rng}))/"
                f"(MAX({rng})-MIN({rng}))))))"
            )
    elif c.direction is Direction.LOWER:
        body = f"IF({x}=MIN({rng}),100,MAX(0,MIN(100,100*(MIN({rng})/{x}))))"
    else:
        body = f"IF({x}=MAX({rng}),100,MAX(0,MIN(100,100*({x}/MAX({rng})))))"
    return f"=IF(ISNUMBER({x}),IFERROR({body},0),0)"


@dataclass
class ScoreLayout:
    """Where the Scorecard's rows are, for the Summary's formulas."""

    values_first: int
    scores_first: int
    total_row: int
    rank_row: int
    order_row: int
    label_row: int
    weight_col: str
    check_cell: str
    first_col: int


# Columns: A criterion, B weight (A:B repeat on every printed page), C unit, D better,
# E rule, F.. options.
_WEIGHT = 2
_FIRST = 6
_WIDTHS = {"A": 44, "B": 9, "C": 11, "D": 15, "E": 15}


def write_scorecard_sheet(book: Book) -> ScoreLayout:
    ws = book.wb.create_sheet("Scorecard")
    criteria = book.card.criteria
    n, m = book.n, len(criteria)
    first = _FIRST
    w = get_column_letter(_WEIGHT)
    labels = [book.label(r) for r in book.results]

    def oc(i: int) -> str:
        return str(get_column_letter(first + i))

    put_text(ws, 1, 1, "Scorecard: criteria × options").font = Font(bold=True, size=14)
    put_note(
        ws,
        2,
        "Edit a weight (yellow) or any input on the Inputs sheet: scores, "
        "totals and ranks are formulas.",
        _WIDTHS["A"] + _WIDTHS["B"],
    )
    set_widths(ws, _WIDTHS)
    for i in range(n):
        ws.column_dimensions[oc(i)].width = OPTION_WIDTH
    header = 4
    header_row(ws, header, ["Criterion", "Weight", "Unit", "Better", "Scoring rule", *labels])
    values_first = header + 1
    weight_dv = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2="1",
        showErrorMessage=True,
        errorTitle="Weight",
        error="Weights are between 0 % and 100 %.",
    )
    ws.add_data_validation(weight_dv)
    wrap = Alignment(wrap_text=True, vertical="top")
    for k, crit in enumerate(criteria):
        r = values_first + k
        put_text(ws, r, 1, crit.name).alignment = wrap
        put_text(ws, r, 3, crit.unit).font = NOTE_FONT
        put_text(ws, r, 4, names.DIRECTION[crit.direction]).alignment = wrap
        put_text(ws, r, 5, names.SCORING_RULE[crit.rule]).alignment = wrap
        fit_row(ws, r, max(lines_needed(crit.name, _WIDTHS["A"]), 2 if len(crit.unit) > 11 else 1))
        weight = ws.cell(r, _WEIGHT, crit.weight_pct / 100.0)
        weight.number_format = PCT
        weight.fill = INPUT_FILL
        weight.border = BOX
        weight_dv.add(weight.coordinate)
        book.define(f"Weight_{name_part(crit.id)}", "Scorecard", f"${w}${r}")
        fmt = _criterion_format(crit)
        for i in range(n):
            cell = ws.cell(r, first + i, _value_formula(book, crit, i, k))
            cell.number_format = fmt
            cell.border = BOX
        if n:
            rng = f"${oc(0)}{r}:${oc(n - 1)}{r}"
            best = "MIN" if crit.direction is Direction.LOWER else "MAX"
            ws.conditional_formatting.add(
                f"{oc(0)}{r}:{oc(n - 1)}{r}",
                FormulaRule(
                    formula=[f"AND(ISNUMBER({oc(0)}{r}),{oc(0)}{r}={best}({rng}))"],
                    fill=BEST_FILL,
                    font=Font(bold=True),
                ),
            )
    last_weight = values_first + m - 1
    weights_ref = f"${w}${values_first}:${w}${last_weight}"
    book.define("Weights", "Scorecard", weights_ref)
    sum_row = last_weight + 1
    put_text(ws, sum_row, 1, "Sum of weights").font = Font(bold=True)
    ws.cell(sum_row, _WEIGHT, f"=SUM({weights_ref})").number_format = PCT
    check_row = sum_row + 1
    check = ws.cell(
        check_row,
        1,
        f"=IF(ABS(SUM({weights_ref})-1)<0.00001,"
        f'"OK: the weights add up to 100 %","WARNING: the weights add up to "'
        f'&ROUND(SUM({weights_ref})*100,1)&" %, not 100 %; totals are divided '
        f'by the sum")',
    )
    check.font = Font(bold=True)
    check.alignment = wrap
    fit_row(ws, check_row, 2)
    ws.conditional_formatting.add(
        f"A{check_row}", FormulaRule(formula=[f'LEFT($A${check_row},7)="WARNING"'], fill=BAD_FILL)
    )
    ws.conditional_formatting.add(
        f"A{check_row}", FormulaRule(formula=[f'LEFT($A${check_row},2)="OK"'], fill=BEST_FILL)
    )
    ws.conditional_formatting.add(
        f"{w}{sum_row}",
        FormulaRule(formula=[f"ABS(${w}${sum_row}-1)>=0.00001"], fill=BAD_FILL),
    )
    if n:
        book.define("SC_Values", "Scorecard", f"${oc(0)}${values_first}:${oc(n - 1)}${last_weight}")

    scores_header = check_row + 2
    put_text(ws, scores_header - 1, 1, "Normalised scores (0–100)").font = SECTION_FONT
    header_row(ws, scores_header, ["Criterion", "Weight", "", "", "", *labels])
    scores_first = scores_header + 1
    for k, crit in enumerate(criteria):
        r = scores_first + k
        vr = values_first + k
        put_text(ws, r, 1, crit.name).alignment = wrap
        fit_row(ws, r, lines_needed(crit.name, _WIDTHS["A"]))
        ws.cell(r, _WEIGHT, f"={w}{vr}").number_format = PCT
        ws.cell(r, _WEIGHT).font = NOTE_FONT
        rng = f"${oc(0)}${vr}:${oc(n - 1)}${vr}" if n else ""
        for i in range(n):
            cell = ws.cell(r, first + i, _score_formula(crit, f"{oc(i)}{vr}", rng))
            cell.number_format = NUM1
            cell.border = BOX
        if n:
            ws.conditional_formatting.add(
                f"{oc(0)}{r}:{oc(n - 1)}{r}",
                ColorScaleRule(
                    start_type="num",
                    start_value=0,
                    start_color="F8696B",
                    mid_type="num",
                    mid_value=50,
                    mid_color="FFEB84",
                    end_type="num",
                    end_value=100,
                    end_color="63BE7B",
                ),
            )
    last_score = scores_first + m - 1
    total_row = last_score + 1
    rank_row = total_row + 1
    order_row = rank_row + 1
    total_label = put_text(
        ws,
        total_row,
        1,
        "Weighted total = Σ weight × score / Σ weight (0 when the latency target cannot be met)",
    )
    total_label.font = Font(bold=True)
    total_label.alignment = wrap
    fit_row(ws, total_row, lines_needed(str(total_label.value), _WIDTHS["A"]))
    rank_label = put_text(
        ws, rank_row, 1, "Rank (1 = best; equal totals share a rank; — misses the target)"
    )
    rank_label.font = Font(bold=True)
    rank_label.alignment = wrap
    fit_row(ws, rank_row, 2)
    order_label = put_text(ws, order_row, 1, "Order on the Summary (rank, then column)")
    order_label.font = NOTE_FONT
    totals = f"${oc(0)}${total_row}:${oc(max(n, 1) - 1)}${total_row}"
    for i in range(n):
        col = oc(i)
        feasible = f'Inputs!{book.inputs["feasible"].cell(i)}="yes"'
        scores = f"{col}{scores_first}:{col}{last_score}"
        total = ws.cell(
            total_row,
            first + i,
            f"=IF({feasible},IF(SUM({weights_ref})=0,0,SUMPRODUCT({weights_ref},"
            f"{scores})/SUM({weights_ref})),0)",
        )
        total.number_format = NUM1
        total.font = Font(bold=True)
        total.border = BOX
        rank = ws.cell(
            rank_row, first + i, f'=IF({feasible},RANK({col}{total_row},{totals},0),"—")'
        )
        rank.number_format = "0"
        rank.font = Font(bold=True)
        rank.border = BOX
        rank.alignment = Alignment(horizontal="right")
        order = ws.cell(
            order_row,
            first + i,
            f"=IF(ISNUMBER({col}{rank_row}),{col}{rank_row},{n + 1})+{i + 1}/{10 * (n + 1)}",
        )
        order.number_format = "0.000"
        order.font = NOTE_FONT
    if n:
        book.define("SC_Scores", "Scorecard", f"${oc(0)}${scores_first}:${oc(n - 1)}${last_score}")
        book.define("SC_Totals", "Scorecard", f"${oc(0)}${total_row}:${oc(n - 1)}${total_row}")
        book.define("SC_Ranks", "Scorecard", f"${oc(0)}${rank_row}:${oc(n - 1)}${rank_row}")
        book.define("SC_Order", "Scorecard", f"${oc(0)}${order_row}:${oc(n - 1)}${order_row}")
        book.define("SC_Labels", "Scorecard", f"${oc(0)}${header}:${oc(n - 1)}${header}")
        ws.conditional_formatting.add(
            f"{oc(0)}{total_row}:{oc(n - 1)}{total_row}",
            ColorScaleRule(
                start_type="min", start_color="F8696B", end_type="max", end_color="63BE7B"
            ),
        )
        ws.conditional_formatting.add(
            f"{oc(0)}{rank_row}:{oc(n - 1)}{rank_row}",
            CellIsRule(operator="equal", formula=["1"], fill=BEST_FILL, font=Font(bold=True)),
        )
    ws.freeze_panes = ws.cell(header + 1, first)
    print_setup(ws, book.project, f"{header}:{header}", "A:B")
    return ScoreLayout(
        values_first,
        scores_first,
        total_row,
        rank_row,
        order_row,
        header,
        w,
        f"A{check_row}",
        first,
    )


def _criterion_format(c: Criterion) -> str:
    if c.metric in ("usd_per_mtok", "usd_per_mtok_output", "usd_per_mtok_total"):
        return USD4
    if c.metric in ("annual_cost_usd", "contract_value_usd"):
        return USD0
    if c.rule is ScoringRule.RUBRIC:
        return "0.00"
    if c.metric in ("tokens_per_s_per_mw", "ttft_ms", "gpus"):
        return NUM0
    return NUM2

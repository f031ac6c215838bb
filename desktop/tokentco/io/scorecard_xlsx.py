"""The RFP scorecard workbook: live formulas a procurement committee can edit in Excel.

``write_scorecard(project, comparison, path)`` writes six sheets:

* **Summary** — ranking, winner, key figures, native bar charts, the sensitivity in words.
* **Scorecard** — criteria × options: raw values (formulas), weights, 0–100 scores
  (formulas over the values), weighted totals (formulas over the weights) and RANK.
* **Inputs** — every assumption per option (workload, latency targets, utilization,
  prices, power, PUE, precision, serving options, rubrics); the cells committee members
  edit, with named ranges and data validation.
* **Cost model** — $/GPU-hour build-up (rental, or annuity capex + energy + opex) and
  $/Mtok, tokens/MW, kWh/Mtok and fleet sizing, all formulas over Inputs.
* **Throughput** — operating point and frontier per option, every figure labelled
  measured (with source) or estimated (with the model version).
* **Methodology** — formulas in words, sources, caveats, date and tool version.

The formulas mirror :mod:`tokentco.engine.economics` and :mod:`tokentco.engine.scoring`
cell for cell, so editing a utilization or a weight in Excel moves the ranking exactly as
the app would.  Throughput figures are engine outputs entered as inputs (Excel cannot run
the estimator); editing one is how a committee tests a vendor's claim.

Defined names (for the recalculation proof and for people writing their own formulas):
``In_<row>`` per-option input rows, ``Weights``, ``Weight_<criterion>``, ``SC_Values``,
``SC_Scores``, ``SC_Totals``, ``SC_Ranks``, ``CM_<row>`` cost-model rows.
"""

import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

import tokentco
from tokentco.domain import (
    HOURS_PER_YEAR,
    Catalogue,
    ComparisonOption,
    Criterion,
    Direction,
    Offer,
    PricingModel,
    Project,
    ScoringRule,
)
from tokentco.engine.results import (
    Comparison,
    CostBreakdown,
    FleetSizing,
    OperatingPoint,
    OptionResult,
)
from tokentco.engine.scoring import Scorecard, score
from tokentco.io.project_file import atomic_write_bytes

SHEETS = ("Summary", "Scorecard", "Inputs", "Cost model", "Throughput", "Methodology")

FIRST_COL = 3  # options start in column C on Inputs, Cost model and Scorecard
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
HEADER_FONT = Font(bold=True, color="FFFFFF")
SECTION_FONT = Font(bold=True, size=12, color="1F3864")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # editable cells
FORMULA_FONT = Font(color="000000")
NOTE_FONT = Font(italic=True, color="595959", size=9)
BEST_FILL = PatternFill("solid", fgColor="C6EFCE")
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
USD = '"$"#,##0.00'
USD4 = '"$"#,##0.0000'
USD0 = '"$"#,##0'
PCT = "0.0%"
NUM0 = "#,##0"
NUM1 = "#,##0.0"
NUM2 = "#,##0.00"

_INJECTION = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _value_labels() -> DataLabelList:
    """Bar labels showing the value only: the other parts are switched off explicitly,
    because an absent flag reads as "on" in LibreOffice and clutters every bar."""
    return DataLabelList(
        showVal=True,
        showCatName=False,
        showSerName=False,
        showLegendKey=False,
        showPercent=False,
        showBubbleSize=False,
    )


def safe_text(value: object) -> str:
    """User text without XML-illegal control characters."""
    return _CONTROL.sub("", str(value))


def put_text(ws: Worksheet, row: int, col: int, value: object) -> Any:
    """Write user-supplied text as text: never a formula (formula-injection escaping)."""
    text = safe_text(value)
    cell = ws.cell(row=row, column=col)
    cell.value = text
    if text.startswith(_INJECTION):
        cell.data_type = "s"  # stored as a string, like Excel's leading apostrophe
        cell.quotePrefix = True
    return cell


def _name(text: str) -> str:
    return re.sub(r"\W", "_", text)


def _col(index: int) -> str:
    return get_column_letter(FIRST_COL + index)


def _abs(sheet: str, ref: str) -> str:
    col, row = re.match(r"([A-Z]+)(\d+)", ref).groups()  # type: ignore[union-attr]
    return f"'{sheet}'!${col}${row}"


def _header_row(ws: Worksheet, row: int, values: Sequence[str], first: int = 1) -> None:
    for i, text in enumerate(values):
        cell = put_text(ws, row, first + i, text)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _print_setup(ws: Worksheet, project: Project, title_rows: str | None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.header = 0.3
    ws.page_margins.footer = 0.3
    if title_rows:
        ws.print_title_rows = title_rows
    name = safe_text(project.name).replace("&", "&&")[:80]
    ws.oddHeader.left.text = f"TokenTCO scorecard: {name}"
    ws.oddHeader.right.text = "&D"
    ws.oddFooter.left.text = f"&A — TokenTCO {tokentco.__version__}"
    ws.oddFooter.right.text = "Page &P of &N"


def _widths(ws: Worksheet, widths: dict[str, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[col].width = width


@dataclass
class _Row:
    """One per-option row on Inputs or Cost model: where it is and its defined name."""

    row: int
    key: str

    def cell(self, i: int) -> str:
        return f"{_col(i)}{self.row}"


class _Book:
    """Layout state shared while the sheets are written."""

    def __init__(
        self, project: Project, comparison: Comparison, card: Scorecard, catalogue: Catalogue
    ) -> None:
        self.project = project
        self.comparison = comparison
        self.card = card
        self.catalogue = catalogue
        self.results = comparison.options
        self.n = len(self.results)
        self.options: list[ComparisonOption | None] = []
        by_id = {o.id: o for o in project.options}
        for r in self.results:
            self.options.append(by_id.get(r.option_id))
        self.wb = Workbook()
        self.inputs: dict[str, _Row] = {}
        self.project_cells: dict[str, str] = {}
        self.cost: dict[str, _Row] = {}
        self.validations: dict[str, DataValidation] = {}

    # -- names ------------------------------------------------------------------------------
    def define(self, name: str, sheet: str, ref: str) -> None:
        self.wb.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!{ref}")

    def define_row(self, prefix: str, sheet: str, row: _Row) -> None:
        if self.n:
            self.define(
                f"{prefix}_{_name(row.key)}",
                sheet,
                f"${_col(0)}${row.row}:${_col(self.n - 1)}${row.row}",
            )

    def offer(self, r: OptionResult) -> Offer | None:
        return self.catalogue.offers.get(r.offer_id)


# --- Inputs ------------------------------------------------------------------------------------


def _validation(book: _Book, ws: Worksheet, key: str, **kwargs: Any) -> DataValidation:
    if key not in book.validations:
        dv = DataValidation(showErrorMessage=True, allow_blank=True, **kwargs)
        ws.add_data_validation(dv)
        book.validations[key] = dv
    return book.validations[key]


def _write_inputs(book: _Book) -> None:
    ws = book.wb.create_sheet("Inputs")
    p = book.project
    w = p.workload
    put_text(ws, 1, 1, "Inputs: every assumption behind the figures").font = Font(
        bold=True, size=14
    )
    put_text(
        ws,
        2,
        1,
        "Yellow cells are inputs: edit them and every $/Mtok, score and rank "
        "recalculates. Throughput figures come from TokenTCO (see Throughput).",
    ).font = NOTE_FONT
    row = 4
    put_text(ws, row, 1, "Project and workload").font = SECTION_FONT
    row += 1
    demand = p.demand
    project_rows: list[tuple[str, str, str, object, str | None]] = [
        ("Project", "ProjectName", "", p.name, None),
        ("Model", "ModelId", "", book.comparison.model_id or p.model_id, None),
        ("Input length (ISL)", "ISL", "tokens", w.isl_tokens, NUM0),
        ("Output length (OSL)", "OSL", "tokens", w.osl_tokens, NUM0),
        ("Prefix-cache hit rate", "PrefixHitRate", "share", w.prefix_hit_rate, PCT),
        (
            "Latency target: max time to first token",
            "MaxTTFT",
            "ms",
            w.max_ttft_ms if w.max_ttft_ms is not None else "none",
            NUM0,
        ),
        (
            "Latency target: min tokens/s per user",
            "MinTokensPerUser",
            "tok/s/user",
            w.min_tokens_per_s_per_user if w.min_tokens_per_s_per_user is not None else "none",
            NUM1,
        ),
        (
            "Tokens counted in $/Mtok",
            "TokenBasis",
            "output / total / blended",
            w.token_basis.value,
            None,
        ),
        (
            "Input-token weight in a blended price",
            "InputWeight",
            "× output",
            w.input_weight_in_blend,
            NUM2,
        ),
        (
            "Demand: output tokens per day",
            "TokensPerDay",
            "tokens/day",
            demand.tokens_per_day if demand.tokens_per_day is not None else "",
            NUM0,
        ),
        (
            "Demand: peak requests per second",
            "PeakRequestsPerS",
            "req/s",
            demand.peak_requests_per_s if demand.peak_requests_per_s is not None else "",
            NUM2,
        ),
        ("Demand: peak-to-average ratio", "PeakToAverage", "×", demand.peak_to_average, NUM2),
        ("Contract term", "TermYears", "years", demand.term_years, NUM1),
        ("Hours per year", "HoursPerYear", "h", HOURS_PER_YEAR, NUM0),
    ]
    for label, name, unit, value, fmt in project_rows:
        put_text(ws, row, 1, label)
        put_text(ws, row, 2, unit).font = NOTE_FONT
        cell = put_text(ws, row, 3, value) if isinstance(value, str) else ws.cell(row, 3, value)
        if fmt:
            cell.number_format = fmt
        if name not in ("ProjectName", "ModelId", "HoursPerYear", "MaxTTFT", "MinTokensPerUser"):
            cell.fill = INPUT_FILL
        cell.border = BOX
        book.project_cells[name] = f"C{row}"
        book.define(name, "Inputs", f"$C${row}")
        row += 1
    basis = _validation(book, ws, "basis", type="list", formula1='"output,total,blended"')
    basis.add(book.project_cells["TokenBasis"])

    row += 1
    put_text(ws, row, 1, "Per option").font = SECTION_FONT
    row += 1
    header = row
    _header_row(ws, header, ["Assumption", "Unit", *[r.label or r.option_id for r in book.results]])
    row += 1

    def add(
        key: str,
        label: str,
        unit: str,
        values: Sequence[object],
        fmt: str | None = None,
        editable: bool = False,
        validation: DataValidation | None = None,
    ) -> None:
        nonlocal row
        put_text(ws, row, 1, label)
        put_text(ws, row, 2, unit).font = NOTE_FONT
        for i, value in enumerate(values):
            if value == "":
                cell = ws.cell(row, FIRST_COL + i)
            elif isinstance(value, str):
                cell = put_text(ws, row, FIRST_COL + i, value)
            else:
                cell = ws.cell(row, FIRST_COL + i, value)
            if fmt:
                cell.number_format = fmt
            if editable:
                cell.fill = INPUT_FILL
                if validation is not None:
                    validation.add(cell.coordinate)
            cell.border = BOX
        book.inputs[key] = _Row(row, key)
        book.define_row("In", "Inputs", book.inputs[key])
        row += 1

    def section(title: str) -> None:
        nonlocal row
        put_text(ws, row, 1, title).font = Font(bold=True, italic=True)
        row += 1

    results = book.results
    offers = [book.offer(r) for r in results]
    servings = [p.serving_for(o) if o else p.serving for o in book.options]

    def offer_attr(name: str, default: object = "") -> list[object]:
        return [getattr(o, name) if o is not None else default for o in offers]

    def owned_attr(name: str) -> list[object]:
        return [
            getattr(o.owned, name) if o is not None and o.owned is not None else "" for o in offers
        ]

    def is_owned(o: Offer | None) -> bool:
        return o is not None and o.pricing_model is PricingModel.OWNED

    section("Identity and offer")
    add("option_id", "Option id", "", [r.option_id for r in results])
    add("hardware", "Hardware", "", [_hardware_name(book, r) for r in results])
    add("offer_id", "Offer", "", [r.offer_id for r in results])
    add("provider", "Provider", "", offer_attr("provider"))
    add("pricing", "Pricing model", "", [o.pricing_model.value if o else "unknown" for o in offers])
    add("price_as_of", "Price as of", "", offer_attr("as_of"))
    add("currency", "Offer currency", "", [o.currency if o else "USD" for o in offers])
    fx = [_fx(p, o) for o in offers]
    add("fx", "Exchange rate", "USD per unit", fx, "0.0000", editable=True)
    positive = _validation(
        book,
        ws,
        "positive",
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        errorTitle="Not a number",
        error="Enter a number ≥ 0.",
    )
    add(
        "price",
        "Rental price per GPU-hour",
        "offer currency/h",
        [
            ("" if is_owned(o) else (o.price_per_gpu_hour if o else r.cost.usd_per_gpu_hour))
            for o, r in zip(offers, results, strict=True)
        ],
        NUM2,
        editable=True,
        validation=positive,
    )
    section("Ownership (owned offers only)")
    add(
        "capex",
        "Capex per GPU (incl. server share)",
        "offer currency",
        owned_attr("capex_per_gpu"),
        NUM0,
        editable=True,
        validation=positive,
    )
    add(
        "life",
        "Depreciation life",
        "years",
        owned_attr("depreciation_years"),
        NUM1,
        editable=True,
        validation=positive,
    )
    add(
        "rate",
        "Cost of capital",
        "per year",
        owned_attr("cost_of_capital"),
        PCT,
        editable=True,
        validation=positive,
    )
    add(
        "kwh",
        "Power price",
        "$/kWh",
        owned_attr("usd_per_kwh"),
        "0.000",
        editable=True,
        validation=positive,
    )
    add(
        "opex",
        "Opex per GPU-year (maintenance, space, staff)",
        "offer currency/year",
        owned_attr("opex_per_gpu_year"),
        NUM0,
        editable=True,
        validation=positive,
    )
    section("Power")
    add(
        "watts",
        "All-in IT power per GPU (incl. CPU/NIC/switch share)",
        "W",
        [r.watts_per_gpu_all_in if r.watts_per_gpu_all_in is not None else "" for r in results],
        NUM0,
        editable=True,
        validation=positive,
    )
    add(
        "pue",
        "PUE (facility / IT power)",
        "×",
        [r.pue for r in results],
        NUM2,
        editable=True,
        validation=_validation(
            book,
            ws,
            "pue",
            type="decimal",
            operator="between",
            formula1="1",
            formula2="3",
            errorTitle="PUE",
            error="PUE is between 1 and 3.",
        ),
    )
    section("Operating point (from TokenTCO; see Throughput)")
    add(
        "feasible",
        "Meets the latency targets",
        "yes/no",
        ["yes" if r.point.feasible else "no" for r in results],
    )
    add("reason", "Why not (when it does not)", "", [r.point.reason for r in results])
    add(
        "tps",
        "Output tokens/s per GPU at the operating point",
        "tok/s/GPU",
        [r.point.output_tokens_per_s_per_gpu for r in results],
        NUM1,
        editable=True,
        validation=positive,
    )
    add("basis_label", "Throughput basis", "", [_provenance(r) for r in results])
    add(
        "user_tps",
        "Tokens/s per user (interactivity)",
        "tok/s/user",
        [r.point.tokens_per_s_per_user for r in results],
        NUM1,
    )
    add("ttft", "Time to first token", "ms", [r.point.ttft_ms for r in results], NUM0)
    add(
        "gpus_per_replica",
        "GPUs per replica",
        "GPUs",
        [r.point.gpus_per_replica for r in results],
        NUM0,
    )
    add(
        "gpus_per_system",
        "GPUs per system (fleet rounding)",
        "GPUs",
        [_gpus_per_system(r) for r in results],
        NUM0,
    )
    util_dv = _validation(
        book,
        ws,
        "util",
        type="decimal",
        operator="between",
        formula1="0.001",
        formula2="1",
        errorTitle="Utilization",
        error="Utilization is a share of hours between 0.1 % and 100 %.",
    )
    add(
        "utilization",
        "Utilization (share of paid hours doing useful work)",
        "%",
        [r.utilization for r in results],
        PCT,
        editable=True,
        validation=util_dv,
    )
    section("Serving stack")
    add(
        "precision",
        "Precision: weights / compute / KV",
        "",
        [
            f"{s.weight_precision.value} / {s.compute_precision.value} / {s.kv_precision.value}"
            for s in servings
        ],
    )
    add(
        "layout",
        "Parallelism at the operating point: TP / EP / PP",
        "",
        [f"{r.point.tp} / {r.point.ep} / {r.point.pp}" for r in results],
    )
    add(
        "spec",
        "Speculative decoding (draft tokens, acceptance)",
        "",
        [
            f"on ({s.speculative.draft_tokens}, {s.speculative.acceptance_rate:.0%})"
            if s.speculative.enabled
            else "off"
            for s in servings
        ],
    )
    add(
        "disagg",
        "Disaggregated prefill/decode",
        "",
        ["yes" if s.disaggregated else "no" for s in servings],
    )
    add(
        "routing", "KV-aware routing", "", ["yes" if s.kv_aware_routing else "no" for s in servings]
    )
    add(
        "offload",
        "KV-cache offload",
        "",
        [
            f"{s.kv_offload.capacity_gb_per_gpu:g} GB at "
            f"{s.kv_offload.bandwidth_gb_s_per_gpu:g} GB/s"
            if s.kv_offload.enabled
            else "off"
            for s in servings
        ],
    )
    add("engine", "Serving engine family", "", [s.engine_family or "generic" for s in servings])
    add(
        "max_conc",
        "Max concurrency per replica",
        "sequences",
        [s.max_concurrency for s in servings],
        NUM0,
    )
    section("Rubrics and supply (analyst inputs)")
    rubric = _validation(
        book,
        ws,
        "rubric",
        type="whole",
        operator="between",
        formula1="1",
        formula2="5",
        errorTitle="Rubric",
        error="Rubric scores are 1 to 5.",
    )
    add(
        "accuracy_risk",
        "Accuracy risk of the chosen precision (1 best … 5 worst)",
        "rubric 1-5",
        [r.accuracy_risk for r in results],
        NUM0,
        editable=True,
        validation=rubric,
    )
    add(
        "accuracy_validated",
        "Precision validated for this model",
        "",
        ["yes" if o is not None and o.accuracy_validated else "no" for o in book.options],
    )
    add(
        "accuracy_evidence",
        "Evidence",
        "",
        [o.accuracy_evidence if o else "" for o in book.options],
    )
    for key, label in (
        ("software", "software portability"),
        ("interconnect", "interconnect and system"),
        ("supply", "number of suppliers"),
        ("contract", "contract and exit"),
    ):
        add(
            f"lock_{key}",
            f"Lock-in: {label}",
            "rubric 1-5",
            [getattr(o.lock_in, key) if o else 3 for o in book.options],
            NUM0,
            editable=True,
            validation=rubric,
        )
    add(
        "lead_time",
        "Supply / lead time",
        "weeks",
        [r.lead_time_weeks if r.lead_time_weeks is not None else "" for r in results],
        NUM1,
        editable=True,
        validation=positive,
    )
    manual = [c for c in p.criteria if _is_manual(c)]
    if manual:
        section("Analyst-added criteria")
        for c in manual:
            add(
                f"manual_{c.id}",
                c.name,
                c.unit,
                [(o.manual_values.get(c.id, "") if o else "") for o in book.options],
                NUM2,
                editable=True,
                validation=positive,
            )
    ws.freeze_panes = ws.cell(header + 1, FIRST_COL)
    _widths(ws, {"A": 52, "B": 18})
    for i in range(book.n):
        ws.column_dimensions[_col(i)].width = 22
    _print_setup(ws, p, f"{header}:{header}")


def _hardware_name(book: _Book, r: OptionResult) -> str:
    acc = book.catalogue.accelerators.get(r.accelerator_id)
    return acc.name or acc.id if acc else r.accelerator_id


def _fx(project: Project, offer: Offer | None) -> float:
    if offer is None:
        return 1.0
    return project.exchange_rates.usd_per_unit.get(offer.currency.upper(), 1.0)


def _provenance(r: OptionResult) -> str:
    if r.point.provenance == "measured":
        return f"measured: {r.point.source}"
    return f"estimated ({tokentco.MODEL_VERSION})"


def _gpus_per_system(r: OptionResult) -> int:
    if r.fleet is not None and r.fleet.systems > 0:
        return r.fleet.gpus // r.fleet.systems
    return max(8, r.point.gpus_per_replica)


# --- Cost model --------------------------------------------------------------------------------


def _write_cost_model(book: _Book) -> None:
    ws = book.wb.create_sheet("Cost model")
    put_text(ws, 1, 1, "Cost model: $/GPU-hour build-up and $/Mtok").font = Font(bold=True, size=14)
    put_text(ws, 2, 1, "All cells below are formulas over the Inputs sheet.").font = NOTE_FONT
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
    _header_row(ws, header, ["Line", "Unit", *[r.label or r.option_id for r in book.results]])
    row += 1

    def inp(key: str, i: int) -> str:
        return f"Inputs!{i_[key].cell(i)}"

    def add(
        key: str, label: str, unit: str, formula: Callable[[int], str], fmt: str, bold: bool = False
    ) -> None:
        nonlocal row
        put_text(ws, row, 1, label).font = Font(bold=bold)
        put_text(ws, row, 2, unit).font = NOTE_FONT
        for i in range(book.n):
            cell = ws.cell(row, FIRST_COL + i, formula(i))
            cell.number_format = fmt
            cell.border = BOX
            if bold:
                cell.font = Font(bold=True)
        book.cost[key] = _Row(row, key)
        book.define_row("CM", "Cost model", book.cost[key])
        row += 1

    def c(key: str, i: int) -> str:
        return book.cost[key].cell(i)

    def owned(i: int) -> str:
        return f'{inp("pricing", i)}="owned"'

    add(
        "rental",
        "Rental price",
        "$/GPU-hour",
        lambda i: f"=IF({owned(i)},0,N({inp('price', i)})*{inp('fx', i)})",
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
        lambda i: f"=IF({owned(i)},N({inp('watts', i)})*{inp('pue', i)}/1000*{inp('kwh', i)},0)",
        USD4,
    )
    add(
        "opex",
        "Opex per year / hours per year",
        "$/GPU-hour",
        lambda i: f"=IF({owned(i)},N({inp('opex', i)})*{inp('fx', i)}/{pc['HoursPerYear']},0)",
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
            f'=IF(N({inp("watts", i)})>0,IF({inp("feasible", i)}="yes",'
            f'{inp("tps", i)}/({inp("watts", i)}*{inp("pue", i)})*1000000,0),"")'
        ),
        NUM0,
    )
    add(
        "kwh_per_mtok",
        "Facility energy per million output tokens",
        "kWh/Mtok",
        lambda i: (
            f'=IF(AND(N({inp("watts", i)})>0,{inp("feasible", i)}="yes",'
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
            f"=IF(AND({sized(i)},N({inp('watts', i)})>0),{c('gpus', i)}*"
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
    _widths(ws, {"A": 62, "B": 14})
    for i in range(book.n):
        ws.column_dimensions[_col(i)].width = 20
    if book.n:
        ref = (
            f"{_col(0)}{book.cost['usd_per_mtok'].row}:"
            f"{_col(book.n - 1)}{book.cost['usd_per_mtok'].row}"
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
    _print_setup(ws, book.project, f"{header}:{header}")


# --- Scorecard ---------------------------------------------------------------------------------

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


_ENGINE_FIELDS = frozenset(
    {
        f.name
        for cls in (OptionResult, OperatingPoint, FleetSizing, CostBreakdown)
        for f in fields(cls)
    }
)


def _is_manual(c: Criterion) -> bool:
    """True when the analyst enters the criterion's values (no engine field behind it)."""
    return not c.metric or c.metric not in _ENGINE_FIELDS


def _value_formula(book: _Book, c: Criterion, i: int, card_row: int) -> object:
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
class _ScoreLayout:
    values_first: int
    scores_first: int
    total_row: int
    rank_row: int
    weight_col: str
    check_cell: str


def _write_scorecard(book: _Book) -> _ScoreLayout:
    ws = book.wb.create_sheet("Scorecard")
    criteria = book.card.criteria
    n, m = book.n, len(criteria)
    # columns: A criterion, B unit, C better, D rule, E weight, F.. options
    first = 6
    labels = [r.label or r.option_id for r in book.results]

    def oc(i: int) -> str:
        return get_column_letter(first + i)

    put_text(ws, 1, 1, "Scorecard: criteria × options").font = Font(bold=True, size=14)
    put_text(
        ws,
        2,
        1,
        "Edit a weight (yellow) or any input on the Inputs sheet: scores, "
        "totals and ranks are formulas.",
    ).font = NOTE_FONT
    header = 4
    _header_row(ws, header, ["Criterion", "Unit", "Better", "Scoring rule", "Weight", *labels])
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
    rule_text = {
        ScoringRule.RATIO_TO_BEST: "ratio to best",
        ScoringRule.MIN_MAX: "min-max",
        ScoringRule.RUBRIC: "rubric 100·(5−r)/4",
    }
    for k, crit in enumerate(criteria):
        r = values_first + k
        put_text(ws, r, 1, crit.name)
        put_text(ws, r, 2, crit.unit).font = NOTE_FONT
        put_text(ws, r, 3, f"{crit.direction.value} is better")
        put_text(ws, r, 4, rule_text[crit.rule])
        weight = ws.cell(r, 5, crit.weight_pct / 100.0)
        weight.number_format = PCT
        weight.fill = INPUT_FILL
        weight.border = BOX
        weight_dv.add(weight.coordinate)
        book.define(f"Weight_{_name(crit.id)}", "Scorecard", f"$E${r}")
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
    weights_ref = f"$E${values_first}:$E${last_weight}"
    book.define("Weights", "Scorecard", weights_ref)
    sum_row = last_weight + 1
    put_text(ws, sum_row, 4, "Sum of weights").font = Font(bold=True)
    ws.cell(sum_row, 5, f"=SUM({weights_ref})").number_format = PCT
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
    ws.conditional_formatting.add(
        f"A{check_row}", FormulaRule(formula=[f'LEFT($A${check_row},7)="WARNING"'], fill=BAD_FILL)
    )
    ws.conditional_formatting.add(
        f"A{check_row}", FormulaRule(formula=[f'LEFT($A${check_row},2)="OK"'], fill=BEST_FILL)
    )
    ws.conditional_formatting.add(
        f"E{sum_row}", FormulaRule(formula=[f"ABS($E${sum_row}-1)>=0.00001"], fill=BAD_FILL)
    )
    if n:
        book.define("SC_Values", "Scorecard", f"${oc(0)}${values_first}:${oc(n - 1)}${last_weight}")

    scores_header = check_row + 2
    put_text(ws, scores_header - 1, 1, "Normalised scores (0-100)").font = SECTION_FONT
    _header_row(ws, scores_header, ["Criterion", "", "", "", "Weight", *labels])
    scores_first = scores_header + 1
    for k, crit in enumerate(criteria):
        r = scores_first + k
        vr = values_first + k
        put_text(ws, r, 1, crit.name)
        ws.cell(r, 5, f"=E{vr}").number_format = PCT
        ws.cell(r, 5).font = NOTE_FONT
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
    put_text(
        ws,
        total_row,
        1,
        "Weighted total = Σ weight × score / Σ weight (0 when the latency target cannot be met)",
    ).font = Font(bold=True)
    put_text(ws, rank_row, 1, "Rank (1 = best)").font = Font(bold=True)
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
        totals = f"${oc(0)}${total_row}:${oc(n - 1)}${total_row}"
        rank = ws.cell(rank_row, first + i, f"=RANK({col}{total_row},{totals},0)")
        rank.number_format = "0"
        rank.font = Font(bold=True)
        rank.border = BOX
    if n:
        book.define("SC_Scores", "Scorecard", f"${oc(0)}${scores_first}:${oc(n - 1)}${last_score}")
        book.define("SC_Totals", "Scorecard", f"${oc(0)}${total_row}:${oc(n - 1)}${total_row}")
        book.define("SC_Ranks", "Scorecard", f"${oc(0)}${rank_row}:${oc(n - 1)}${rank_row}")
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
    _widths(ws, {"A": 50, "B": 13, "C": 16, "D": 18, "E": 9})
    for i in range(n):
        ws.column_dimensions[oc(i)].width = 18
    _print_setup(ws, book.project, f"{header}:{header}")
    return _ScoreLayout(values_first, scores_first, total_row, rank_row, "E", f"A{check_row}")


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


# --- Summary -----------------------------------------------------------------------------------


def _write_summary(book: _Book, layout: _ScoreLayout) -> None:
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
    _header_row(
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
        put_text(ws, row, 8, _provenance(r))
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
        bars.dataLabels = _value_labels()
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
        scores.dataLabels = _value_labels()
        scores.y_axis.scaling.min = 0
        scores.y_axis.scaling.max = 100
        scores.height = 7 + 0.5 * n
        scores.width = 16
        ws.add_chart(scores, f"E{chart_row}")
    ws.freeze_panes = "A5"
    _widths(ws, {"A": 44, "B": 40, "C": 18, "D": 14, "E": 14, "F": 20, "G": 16, "H": 40})
    _print_setup(ws, p, f"{header}:{header}")


# --- Throughput --------------------------------------------------------------------------------


def _write_throughput(book: _Book) -> None:
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
    _header_row(ws, header, cols)
    row = header + 1
    for r in book.results:
        pt = r.point
        put_text(ws, row, 1, r.label or r.option_id)
        put_text(ws, row, 2, _provenance(r))
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
        _header_row(ws, row, ["Tok/s/user", "Output tok/s/GPU", "Concurrency", "Basis"])
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
    _widths(ws, {"A": 36, "B": 44, "C": 18, "N": 20})
    _print_setup(ws, book.project, f"{header}:{header}")


# --- Methodology -------------------------------------------------------------------------------


def _write_methodology(book: _Book) -> None:
    ws = book.wb.create_sheet("Methodology")
    p = book.project
    lines: list[tuple[str, str]] = [
        ("title", "Methodology, sources and caveats"),
        (
            "text",
            f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by TokenTCO "
            f"{tokentco.__version__} (throughput model {tokentco.MODEL_VERSION}).",
        ),
        ("head", "Cost per million tokens"),
        (
            "text",
            "$/Mtok = all-in $/GPU-hour ÷ (tokens/s per GPU × 3600 × utilization) × 1e6. "
            "Idle hours are paid for, so halving utilization doubles the cost.",
        ),
        ("text", "Rental: $/GPU-hour = the offer's price × the exchange rate to USD."),
        (
            "text",
            "Owned: capex × r ÷ (1 − (1 + r)^−n) ÷ 8760 (annuity over the depreciation "
            "life n at cost of capital r; capex ÷ n when r = 0) + W × PUE ÷ 1000 × $/kWh + "
            "opex per year ÷ 8760.",
        ),
        (
            "text",
            "Token basis: output tokens, input + output (× (1 + ISL/OSL)), or a blended "
            "price (× (1 + weight × ISL/OSL)).",
        ),
        (
            "text",
            "Energy: tokens/s per MW = tokens/s per GPU ÷ (W × PUE) × 1e6; kWh per Mtok = "
            "W × PUE × (1e6 ÷ tokens/s) ÷ 3600 ÷ 1000. Rented capacity assumes PUE 1.3.",
        ),
        (
            "text",
            "Fleet: sized for peak demand (tokens/day ÷ 86400 × peak-to-average) in whole "
            "replicas and whole systems, paid every hour of the year.",
        ),
        ("head", "Scoring"),
        (
            "text",
            "Ratio to best (default): lower is better 100 × best ÷ value; higher is better "
            "100 × value ÷ best.",
        ),
        (
            "text",
            "Min-max (only when chosen): 100 × (worst − value) ÷ (worst − best); one "
            "option or equal values score 100.",
        ),
        (
            "text",
            "Rubrics (1 best … 5 worst): 100 × (5 − r) ÷ 4. Vendor lock-in is the average "
            "of four 1-5 sub-scores: software portability, interconnect/system, number of "
            "suppliers, contract and exit terms.",
        ),
        (
            "text",
            "Accuracy risk: 1 FP16/BF16; 2 FP8 validated within 1 % for this model; 3 FP8 "
            "unvalidated or FP4 validated; 4 FP4 unvalidated; 5 below FP4 or undisclosed.",
        ),
        (
            "text",
            "A missing value scores 0 (no answer earns no points). An option that cannot "
            "meet the latency target totals 0.",
        ),
        (
            "text",
            "Weighted total = Σ weight × score ÷ Σ weight; rank 1 is best; equal totals "
            "share a rank. The Scorecard shows a warning when the weights do not add up to "
            "100 %.",
        ),
        ("head", "Throughput"),
        (
            "text",
            "Tokens/s per GPU is the highest throughput that meets the latency targets on "
            "the throughput-vs-interactivity frontier: a measured point when one matches "
            f"(source named), else the estimate of model {tokentco.MODEL_VERSION} (a roofline "
            "step model calibrated on public measurements).",
        ),
        ("head", "Caveats"),
        (
            "text",
            "Estimated throughput carries model error; ask vendors for measured points at "
            "your workload and latency target. Prices are as quoted on the dates given; "
            "list prices are not negotiated prices. Lock-in and lead times are analyst inputs.",
        ),
        (
            "text",
            "Sensitivity statements on the Summary were computed at export; after edits "
            "in Excel, re-export from TokenTCO to refresh them.",
        ),
        ("head", "Sources"),
    ]
    for r in book.results:
        offer = book.offer(r)
        acc = book.catalogue.accelerators.get(r.accelerator_id)
        parts = [f"{r.label or r.option_id}: throughput {_provenance(r)}"]
        if offer is not None and offer.source:
            parts.append(f"price: {offer.source}")
        if acc is not None and acc.source:
            parts.append(f"hardware: {acc.source}")
        lines.append(("user", "; ".join(parts)))
    if p.notes:
        lines.append(("head", "Project notes"))
        lines.append(("user", p.notes))
    row = 1
    for kind, text in lines:
        cell = put_text(ws, row, 1, text)
        if kind == "title":
            cell.font = Font(bold=True, size=14)
        elif kind == "head":
            row += 1
            cell = ws.cell(row - 1, 1)
            cell.value = None
            cell = put_text(ws, row, 1, text)
            cell.font = SECTION_FONT
        else:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[row].height = 15 * max(1, math.ceil(len(text) / 130))
        row += 1
    _widths(ws, {"A": 140})
    _print_setup(ws, p, None)


# --- entry point -------------------------------------------------------------------------------


def build_workbook(
    project: Project,
    comparison: Comparison,
    catalogue: Catalogue | None = None,
    card: Scorecard | None = None,
) -> Workbook:
    """The scorecard workbook in memory (see the module docstring for the layout)."""
    if catalogue is None:
        from tokentco.io.bundled import bundled_catalogue

        catalogue = project.effective_catalogue(bundled_catalogue())
    card = card or score(project, comparison)
    book = _Book(project, comparison, card, catalogue)
    summary = book.wb.active
    assert summary is not None
    summary.title = "Summary"
    _write_inputs(book)
    _write_cost_model(book)
    layout = _write_scorecard(book)
    _write_summary(book, layout)
    _write_throughput(book)
    _write_methodology(book)
    wb = book.wb
    wb.move_sheet("Scorecard", offset=-(wb.sheetnames.index("Scorecard") - 1))
    wb.active = 0
    wb.calculation.fullCalcOnLoad = True
    props = wb.properties
    props.title = safe_text(f"TokenTCO scorecard: {project.name}")[:200]
    props.subject = "AI inference infrastructure: cost per million delivered tokens"
    props.creator = f"TokenTCO {tokentco.__version__}"
    props.lastModifiedBy = props.creator
    props.description = safe_text(card.sentence)[:1000]
    props.keywords = "TokenTCO, RFP, scorecard, $/Mtok, inference"
    props.category = "RFP scorecard"
    props.created = props.modified = datetime.now(UTC).replace(tzinfo=None)
    return wb


def write_scorecard(
    project: Project, comparison: Comparison, path: Path | str, catalogue: Catalogue | None = None
) -> Path:
    """Write the scorecard workbook to ``path`` atomically; returns the path.

    ``catalogue`` (offers, hardware) defaults to the bundled catalogue with the project's
    imported rows merged over it.
    """
    wb = build_workbook(project, comparison, catalogue)
    buffer = io.BytesIO()
    wb.save(buffer)
    target = Path(path)
    atomic_write_bytes(target, buffer.getvalue())
    return target

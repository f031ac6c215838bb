"""Shared state and helpers of the scorecard workbook: styles, safe text, defined names,
print setup and the per-option row layout every sheet writer uses.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from openpyxl import Workbook
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

import tokentco
from tokentco.domain import (
    Catalogue,
    ComparisonOption,
    Criterion,
    Offer,
    Project,
)
from tokentco.engine.results import (
    Comparison,
    CostBreakdown,
    FleetSizing,
    OperatingPoint,
    OptionResult,
)
from tokentco.engine.scoring import Scorecard

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


def value_labels() -> DataLabelList:
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


def name_part(text: str) -> str:
    return re.sub(r"\W", "_", text)


def opt_col(index: int) -> str:
    return get_column_letter(FIRST_COL + index)


def abs_ref(sheet: str, ref: str) -> str:
    col, row = re.match(r"([A-Z]+)(\d+)", ref).groups()  # type: ignore[union-attr]
    return f"'{sheet}'!${col}${row}"


def header_row(ws: Worksheet, row: int, values: Sequence[str], first: int = 1) -> None:
    for i, text in enumerate(values):
        cell = put_text(ws, row, first + i, text)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def print_setup(ws: Worksheet, project: Project, title_rows: str | None) -> None:
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


def set_widths(ws: Worksheet, widths: dict[str, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[col].width = width


@dataclass
class Row:
    """One per-option row on Inputs or Cost model: where it is and its defined name."""

    row: int
    key: str

    def cell(self, i: int) -> str:
        return f"{opt_col(i)}{self.row}"


class Book:
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
        self.inputs: dict[str, Row] = {}
        self.project_cells: dict[str, str] = {}
        self.cost: dict[str, Row] = {}
        self.validations: dict[str, DataValidation] = {}

    # -- names ------------------------------------------------------------------------------
    def define(self, name: str, sheet: str, ref: str) -> None:
        self.wb.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!{ref}")

    def define_row(self, prefix: str, sheet: str, row: Row) -> None:
        if self.n:
            self.define(
                f"{prefix}_{name_part(row.key)}",
                sheet,
                f"${opt_col(0)}${row.row}:${opt_col(self.n - 1)}${row.row}",
            )

    def offer(self, r: OptionResult) -> Offer | None:
        return self.catalogue.offers.get(r.offer_id)


def validation(book: Book, ws: Worksheet, key: str, **kwargs: Any) -> DataValidation:
    if key not in book.validations:
        dv = DataValidation(showErrorMessage=True, allow_blank=True, **kwargs)
        ws.add_data_validation(dv)
        book.validations[key] = dv
    return book.validations[key]


def hardware_name(book: Book, r: OptionResult) -> str:
    acc = book.catalogue.accelerators.get(r.accelerator_id)
    return acc.name or acc.id if acc else r.accelerator_id


def fx_rate(project: Project, offer: Offer | None) -> float:
    if offer is None:
        return 1.0
    return project.exchange_rates.usd_per_unit.get(offer.currency.upper(), 1.0)


def provenance(r: OptionResult) -> str:
    if r.point.provenance == "measured":
        return f"measured: {r.point.source}"
    return f"estimated ({tokentco.MODEL_VERSION})"


def gpus_per_system(r: OptionResult) -> int:
    if r.fleet is not None and r.fleet.systems > 0:
        return r.fleet.gpus // r.fleet.systems
    return max(8, r.point.gpus_per_replica)


_ENGINE_FIELDS = frozenset(
    {
        f.name
        for cls in (OptionResult, OperatingPoint, FleetSizing, CostBreakdown)
        for f in fields(cls)
    }
)


def is_manual(c: Criterion) -> bool:
    """True when the analyst enters the criterion's values (no engine field behind it)."""
    return not c.metric or c.metric not in _ENGINE_FIELDS

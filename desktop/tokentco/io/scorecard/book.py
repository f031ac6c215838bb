"""Shared state and helpers of the scorecard workbook: styles, safe text, defined names,
print setup and the per-option row layout every sheet writer uses.
"""

import re
from collections.abc import Mapping, Sequence
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
from tokentco.present.citations import citation
from tokentco.present.formats import EXCEL_FORMATS, number
from tokentco.present.labels import comparison_labels

SHEETS = (
    "Summary",
    "Scorecard",
    "Inputs",
    "Cost model",
    "Throughput",
    "Methodology",
    "Frontier data",
)
"""Sheet order; the last one holds the frontier curves and is hidden, so it does not print."""

PRINT_SCALE = 80
"""Printed at 80 %: 11 pt text prints at 8.8 pt and 9 pt notes at 7.2 pt (≥ 7 pt)."""

MAX_CELL_CHARS = 32_767
"""Excel's limit on the text of one cell."""

MAX_ROW_HEIGHT_PT = 409.0
"""Excel's limit on a row's height."""

LINE_PT = 15.0
"""Height of one line of 11 pt text."""


FIRST_COL = 3  # options start in column C on Inputs, Cost model and Scorecard
OPTION_WIDTH = 20.0
"""Width (characters) of an option column on Inputs, Cost model and Scorecard."""


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


# Number formats come from the presentation layer, so the workbook shows a $/Mtok with the
# decimals the screen and the report use (cells keep full precision).
USD = EXCEL_FORMATS["usd_per_gpu_hour"]


USD4 = EXCEL_FORMATS["usd_per_mtok"]


USD0 = EXCEL_FORMATS["money"]


PCT = EXCEL_FORMATS["percent"]


NUM0 = EXCEL_FORMATS["integer"]


NUM1 = EXCEL_FORMATS["tokens_per_s_per_user"]


NUM2 = "#,##0.00"


MAX_NAME_CHARS = 255
"""Excel's limit on the length of a defined name."""

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


def safe_text(value: object, limit: int = MAX_CELL_CHARS) -> str:
    """User text without XML-illegal control characters, cut to ``limit`` characters with a
    visible note saying how much was left out (Excel would refuse or silently cut it)."""
    text = _CONTROL.sub("", str(value))
    if len(text) <= limit:
        return text
    note = " [truncated here: {:,} more characters are in the TokenTCO project]"
    keep = limit - len(note.format(len(text)))
    for _ in range(3):  # the note's own length depends on the count it prints
        keep = limit - len(note.format(len(text) - keep))
    return text[:keep] + note.format(len(text) - keep)


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
    """Text made safe inside a defined name (letters, digits and underscores)."""
    return re.sub(r"\W", "_", text)


def lines_needed(text: str, width_chars: float) -> int:
    """Lines a wrapped text takes in a column ``width_chars`` wide (a word never splits)."""
    usable = max(int(width_chars * 1.1) - 1, 1)
    total = 0
    for paragraph in str(text).split("\n"):
        line = 0
        count = 1
        for word in paragraph.split(" "):
            size = len(word) + (1 if line else 0)
            if line and line + size > usable:
                count += 1
                line = len(word)
            else:
                line += size
            while line > usable:
                count += 1
                line -= usable
        total += count
    return max(total, 1)


def put_note(ws: Worksheet, row: int, text: str, width_chars: float) -> Any:
    """A note wrapped within the row-label columns A:B, which print on every page: text
    running on into the option columns would be cut at the edge of every later page."""
    cell = put_text(ws, row, 1, text)
    cell.font = NOTE_FONT
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    fit_row(ws, row, lines_needed(text, width_chars), 12.0)
    return cell


def fit_row(ws: Worksheet, row: int, lines: int, line_pt: float = LINE_PT) -> None:
    """Give ``row`` the height of ``lines`` lines (never above Excel's 409 pt)."""
    ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT_PT, max(1, lines) * line_pt)


def opt_col(index: int) -> str:
    return str(get_column_letter(FIRST_COL + index))


def abs_ref(sheet: str, ref: str) -> str:
    col, row = re.match(r"([A-Z]+)(\d+)", ref).groups()  # type: ignore[union-attr]
    return f"'{sheet}'!${col}${row}"


def header_row(
    ws: Worksheet,
    row: int,
    values: Sequence[str],
    first: int = 1,
    widths: Sequence[float] | None = None,
) -> None:
    """A header row whose height fits its longest wrapped label, so nothing is clipped;
    ``widths`` (characters) per column, else the columns' set widths."""
    lines = 1
    for i, text in enumerate(values):
        cell = put_text(ws, row, first + i, text)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if widths is not None and i < len(widths):
            width = widths[i]
        else:
            width = ws.column_dimensions[get_column_letter(first + i)].width or 8.43
        lines = max(lines, lines_needed(text, width))
    fit_row(ws, row, lines)


def header_text(text: str, limit: int = 60) -> str:
    """Text for a page header or footer: cut first (at a word, no edge spaces), then every
    ``&`` doubled, so a cut can never split an ``&&`` into a stray control code (``&``
    starts one in Excel)."""
    cut = " ".join(safe_text(text, 10 * limit + 100).split())
    if len(cut) > limit:
        cut = cut[:limit].rsplit(" ", 1)[0] if " " in cut[:limit] else cut[:limit]
    return cut.strip().replace("&", "&&")


def print_setup(
    ws: Worksheet,
    project: Project,
    title_rows: str | None,
    title_cols: str | None = None,
) -> None:
    """Landscape A4 at ``PRINT_SCALE`` (never shrunk to one page width, which made 13
    options print at 3 pt): wide sheets run across pages in order, repeating
    ``title_cols`` (the row labels) on every page and ``title_rows`` (the headers)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.scale = PRINT_SCALE
    ws.page_setup.pageOrder = "overThenDown"
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = 0.3
    ws.page_margins.footer = 0.3
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols
    ws.oddHeader.left.text = f"TokenTCO scorecard: {header_text(project.name)}"
    ws.oddHeader.right.text = "&D"
    ws.oddFooter.left.text = f"&A — TokenTCO {header_text(tokentco.__version__, 20)}"
    ws.oddFooter.right.text = "Page &P of &N"


def set_widths(ws: Worksheet, widths: Mapping[str, float]) -> None:
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
        self.names_used: set[str] = set()
        self.labels = comparison_labels(comparison, project, catalogue)

    def label(self, r: OptionResult) -> str:
        """The option's unique full label (tables)."""
        return self.labels[r.option_id].full

    # -- names ------------------------------------------------------------------------------
    def define(self, name: str, sheet: str, ref: str) -> str:
        """Add a defined name, unique ignoring case (Excel treats ``Weight_Cost`` and
        ``Weight_cost`` as one name and repairs the file) and at most 255 characters;
        returns the name used."""
        base = name[:MAX_NAME_CHARS]
        unique = base
        n = 2
        while unique.lower() in self.names_used:
            suffix = f"_{n}"
            unique = base[: MAX_NAME_CHARS - len(suffix)] + suffix
            n += 1
        self.names_used.add(unique.lower())
        quoted = sheet.replace("'", "''")
        self.wb.defined_names[unique] = DefinedName(unique, attr_text=f"'{quoted}'!{ref}")
        return unique

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
    """The throughput basis in a few words — measured, anchored (with its factor) or
    estimated (with the model version) — and what it was measured in, as a citation title
    (the full citations are on the Methodology sheet)."""
    point = r.point
    if point.provenance == "anchored":
        head = f"anchored to a measurement (factor {number(point.anchor_factor)})"
    elif point.provenance == "measured":
        head = "measured"
    else:
        return f"estimated ({tokentco.MODEL_VERSION})"
    cited = citation(point.anchor_source or point.source)
    return f"{head}: {cited.title}" if cited else head


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

"""Blank import templates (``tokentco template``): one sheet vendors can fill in an RFP.

The data sheet has one header per importable field (unit in the header, a comment with
meaning/unit/allowed values), an example row, data validation (lists for enumerations and
yes/no, plausible numeric ranges) and a frozen header row. An "Instructions" sheet lists
the columns; the importer ignores it.
"""

from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tokentco.domain import TableKind
from tokentco.io.errors import InputError, Location
from tokentco.io.import_fields import FIELDS, FieldSpec
from tokentco.io.project_file import atomic_write_bytes

TEMPLATE_ROWS = 500
PRECISIONS = ("fp16", "bf16", "fp8", "int8", "fp4", "nvfp4", "mxfp4")


def template_fields(kind: TableKind) -> list[FieldSpec]:
    """The columns a template for ``kind`` has (helper columns like GPUs-per-node left out)."""
    return [s for s in FIELDS[kind] if not s.name.startswith("_")]


def _comment(spec: FieldSpec) -> str:
    lines = [f"{spec.label}{' (required)' if spec.required else ' (optional)'}"]
    if spec.unit:
        lines.append(f"Unit: {spec.unit}")
    if spec.choices:
        lines.append("One of: " + ", ".join(spec.choices))
    if spec.kind == "bool":
        lines.append("yes or no")
    if spec.kind == "precision":
        lines.append("One of: " + ", ".join(PRECISIONS))
    if spec.plausible and spec.kind in ("number", "int"):
        lo, hi = spec.plausible
        lines.append(f"Plausible range: {lo:g} to {hi:g}")
    if spec.help:
        lines.append(spec.help)
    lines.append(f"Field: {spec.name}")
    return "\n".join(lines)


def _validation(spec: FieldSpec, column: str) -> DataValidation | None:
    ref = f"{column}2:{column}{TEMPLATE_ROWS + 1}"
    choices: tuple[str, ...] = ()
    if spec.choices:
        choices = spec.choices
    elif spec.kind == "bool":
        choices = ("yes", "no")
    elif spec.kind == "precision":
        choices = PRECISIONS
    if choices:
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(choices) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=spec.label,
            error=f"Choose one of: {', '.join(choices)}",
        )
    elif spec.kind in ("number", "int") and spec.plausible:
        lo, hi = spec.plausible
        dv = DataValidation(
            type="whole" if spec.kind == "int" else "decimal",
            operator="between",
            formula1=f"{lo:g}",
            formula2=f"{hi:g}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=spec.label,
            error=f"Expected a number from {lo:g} to {hi:g} {spec.unit}".strip(),
        )
    else:
        return None
    dv.add(ref)
    return dv


def template_bytes(kind: TableKind) -> bytes:
    """The template workbook for ``kind`` as .xlsx bytes."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = kind.capitalize()
    specs = template_fields(kind)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    example_font = Font(italic=True, color="666666")
    for number, spec in enumerate(specs, start=1):
        column = get_column_letter(number)
        cell = sheet.cell(row=1, column=number, value=spec.header)
        cell.font = bold
        cell.fill = fill
        cell.comment = Comment(_comment(spec), "TokenTCO", width=300, height=160)
        example = spec.example
        if spec.kind == "bool" and isinstance(example, bool):
            example = "yes" if example else "no"
        if example is not None:
            sheet.cell(row=2, column=number, value=example).font = example_font
        sheet.column_dimensions[column].width = max(12, min(40, len(spec.header) + 4))
        dv = _validation(spec, column)
        if dv is not None:
            sheet.add_data_validation(dv)
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("Instructions")
    notes.append([f"TokenTCO {kind} template"])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append(
        [
            f"Fill one row per item on the '{sheet.title}' sheet. Row 2 is an example: "
            "overwrite or delete it. Units are in the headers; hover a header for help."
        ]
    )
    notes.append([])
    notes.append(["Columns (one line each, so this sheet is never mistaken for data):"])
    notes["A4"].font = bold
    for spec in specs:
        notes.append([" — ".join(line for line in _comment(spec).split("\n"))])
    notes.column_dimensions["A"].width = 160
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_template(kind: TableKind, path: Path, force: bool = False) -> None:
    """Write the template atomically; refuse to replace an existing file unless ``force``."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError(
            "templates are .xlsx workbooks: give a path ending in .xlsx", Location(file=path.name)
        )
    if path.exists() and not force:
        raise InputError(
            "exists already: choose another name or pass --force to replace it",
            Location(file=str(path)),
        )
    atomic_write_bytes(path, template_bytes(kind))

"""What the column-mapping dialog shows: a sheet's header and first rows, and each
column's first values converted the way the import would convert them.

Qt-free so the preview is the importer's own arithmetic (header and cell units, periods,
per-node division, currencies) and is tested without a window; the dialog only displays
these strings.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokentco.domain import TABLE_KINDS, ExchangeRates, TableKind
from tokentco.io.import_mapping import ColumnMapping, column_matcher, match_column
from tokentco.io.import_match import HeaderProblem, kind_score
from tokentco.io.import_units import MONEY_DIMENSIONS, cell_factor, plan_column
from tokentco.io.import_values import is_blank, parse_numbers, show, text_of

PREVIEW_ROWS = 20
_UNIT_LABEL = {
    "price": "USD/GPU-hour",
    "money": "USD",
    "money_per_year": "USD/GPU-year",
    "energy_price": "USD/kWh",
}


@dataclass(frozen=True)
class SheetPreview:
    """One sheet as the dialog shows it: where it is, its header and first data rows."""

    file: str
    sheet: str
    headers: list[str]
    rows: list[list[Any]]
    header_row: int
    """1-based row of the header in the sheet."""


def sheet_previews(path: Path | str, rows: int = PREVIEW_ROWS) -> list[SheetPreview]:
    """Header and first rows of every non-empty sheet of a file, read in the isolated
    child process like an import (InputError when the file cannot be read). The header
    is the first row with at least two text cells."""
    from tokentco.io.isolation import read_isolated

    out: list[SheetPreview] = []
    for raw in read_isolated(Path(path)):
        for index, row in enumerate(raw.rows[:200]):
            if sum(isinstance(c, str) and bool(c.strip()) for c in row) >= 2:
                body = [r for r in raw.rows[index + 1 :] if not all(is_blank(c) for c in r)]
                out.append(
                    SheetPreview(
                        raw.file, raw.name, [text_of(c) for c in row], body[:rows], index + 1
                    )
                )
                break
    return out


def sheets_to_map(result: Any) -> list[tuple[str, str]]:
    """(file, sheet) of the sheets an import could not read as a table — no header
    recognised, or a table missing required columns — i.e. the ones worth offering the
    column-mapping dialog for. ``result`` is an ``importer.ImportResult``."""
    out = []
    for report in result.sheets:
        unread = report.kind is None and "empty" not in report.notes
        rejected = report.kind is not None and "not imported: see problems" in report.notes
        if unread or rejected:
            out.append((report.file, report.sheet))
    return out


def detect_kind(headers: Sequence[str], mapping: ColumnMapping | None) -> TableKind | None:
    """The kind these headers (with this mapping) describe best, None when nothing fits."""
    if mapping is not None and mapping.kind:
        return mapping.kind
    match = column_matcher(mapping)
    texts = [h for h in headers if h]
    scores = {k: kind_score(k, texts, match) for k in TABLE_KINDS}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else None


def field_of(kind: TableKind, header: str, mapping: ColumnMapping | None) -> str | None:
    """The field a header fills (mapped or recognised), None when it is kept as a note."""
    found = match_column(kind, header, mapping)
    if found is None or isinstance(found, HeaderProblem):
        return None
    return found.spec.name


def preview_column(
    kind: TableKind,
    header: str,
    mapping: ColumnMapping | None,
    cells: Sequence[Any],
    rates: ExchangeRates | None = None,
) -> list[str]:
    """Each cell as the import would read it ("96 GiB → 103.1 GB"), or why not."""
    found = match_column(kind, header, mapping)
    if found is None:
        return ["kept as a note" for _ in cells]
    if isinstance(found, HeaderProblem):
        return [found.message for _ in cells]
    plan = plan_column(0, "A", found)
    if isinstance(plan, str):
        return [plan for _ in cells]
    spec = plan.spec
    if spec.kind not in ("number", "int"):
        return [text_of(c) for c in cells]
    unit = _UNIT_LABEL.get(spec.dimension, spec.unit)
    col = parse_numbers(list(cells), f"a number ({unit})" if unit else "a number", False)
    usd = (rates or ExchangeRates()).usd_per_unit
    out: list[str] = []
    for i, cell in enumerate(cells):
        if i in col.errors:
            out.append(f"problem: {col.errors[i]}")
            continue
        value = col.values[i]
        if value is None:
            out.append("")
            continue
        factor = plan.factor
        if i in col.units:
            converted = cell_factor(plan, col.units[i])
            if isinstance(converted, str):
                out.append(f"problem: {show(cell)} {converted}")
                continue
            factor = converted[0]
        value *= factor
        extra = ""
        if spec.dimension in MONEY_DIMENSIONS:
            code = col.currencies.get(i) or plan.info.currency or "USD"
            if code not in usd:
                out.append(f"problem: {show(cell)} is in {code}, which has no exchange rate")
                continue
            value *= usd[code]
        if plan.divide_by_gpus:
            if plan.header_node_gpus:
                value /= plan.header_node_gpus
            else:
                extra = " per node (÷ the GPUs-per-node column)"
        out.append(f"{show(cell)} → {value:.4g} {unit}{extra}".rstrip())
    return out

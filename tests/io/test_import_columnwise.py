"""The importer's column-wise paths give exactly what its row-by-row loops give.

``importer._COLUMNWISE`` switches the range checks of plainly scaled numeric columns and
the resolution of GPU/model references (each distinct text once) between the column-wise
code and the row-by-row loops that define the outcome; ``import_values._COLUMNWISE`` does
the same for the parsing of plain-text and float columns. Randomised hostile tables — wrong
and ambiguous numbers, units and currencies in cells, out-of-range values before and
after a unit factor, unknown and misspelt GPUs, rejected accelerator rows that offers
then refer to, repeated headers, short rows, Excel errors — are imported both ways and
every row (values, notes, provenance), problem line and sheet report must match. The
child process's memo-less pickling is checked for a faithful round trip.
"""

import csv
import datetime
import io
import pickle
import random
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from tokentco.domain import ExchangeRates, Provenance
from tokentco.io import import_values, importer
from tokentco.io.import_read import ExcelError, MissingValue, RawSheet
from tokentco.io.importer import ImportResult, import_files
from tokentco.io.isolation import _dumps, _Unpickler

OFFER_HEADERS = [
    "Offer ID",
    "GPU",
    "Provider",
    "Pricing model",
    "Price per GPU-hour ($)",
    "Price per GPU-month ($)",
    "Region",
    "Lead time (weeks)",
    "Lead time (days)",
    "Comment",
]
GPU_HEADERS = [
    "GPU",
    "Vendor",
    "Memory (GiB)",
    "Memory (GB)",
    "Bandwidth (GB/s)",
    "FP16 dense (TFLOPS)",
    "FP8 dense (TFLOPS)",
    "TDP (W)",
]
GPUS = ["h100-sxm", "H200 SXM", "NVIDIA GB200", "b200", "mi300x", "h100 sxm5", "gpu-x", "zz9"]
HOSTILE = [
    "",
    " ",
    "-4",
    "0",
    "1e400",
    "#N/A",
    "TBD",
    "n/a",
    "0,010",
    "1,234",
    "€5",
    "5%",
    "500 per month",
    "141 EUR",
    "3 5",
    "9" * 40,
    "99999999",
    "0.00001",
]


def _value(rng: random.Random, header: str) -> Any:
    if rng.random() < 0.25:
        return rng.choice(HOSTILE)
    if header == "GPU":
        return rng.choice([*GPUS, "my-gpu-1", "my-gpu-2"])
    if header in ("Offer ID", "Provider", "Region", "Comment", "Vendor"):
        return f"{header[:2]}-{rng.randint(0, 40)}"
    if header == "Pricing model":
        return rng.choice(["on_demand", "spot", "reserved 1y", "3-year reserved", "weekly"])
    number = f"{rng.uniform(0.001, 9000):.{rng.randint(0, 3)}f}"
    return rng.choice([number, str(rng.randint(0, 99))])


def _table(rng: random.Random, headers: list[str], rows: int) -> list[list[Any]]:
    columns = rng.sample(headers, rng.randint(3, len(headers)))
    for needed in ("GPU",):
        if needed not in columns:
            columns.insert(0, needed)
    table: list[list[Any]] = [columns]
    for _ in range(rows):
        row = [_value(rng, h) for h in columns]
        if rng.random() < 0.05:
            row = row[: rng.randint(1, len(row))]
        if rng.random() < 0.03:
            row = list(columns)
        table.append(row)
    return table


def _as_xlsx_cell(rng: random.Random, value: Any) -> Any:
    roll = rng.random()
    if roll < 0.4:
        try:
            return float(value)
        except (TypeError, ValueError):
            return value
    if roll < 0.43:
        return rng.choice([True, datetime.datetime(2026, 1, 2), -0.0])
    return value


def _files(folder: Path, seed: int) -> list[Path]:
    rng = random.Random(seed)
    files = []
    gpus = _table(rng, GPU_HEADERS, rng.choice([3, 12]))
    for row in gpus[1:]:
        if row and rng.random() < 0.5:
            row[0] = rng.choice(["my-gpu-1", "my-gpu-2"])
    offers = _table(rng, OFFER_HEADERS, rng.choice([5, 40, 150]))
    if rng.random() < 0.5:
        path = folder / f"s{seed}.xlsx"
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "GPUs"
        for row in gpus:
            sheet.append([_as_xlsx_cell(rng, v) for v in row])
        prices = book.create_sheet("Prices")
        for row in offers:
            prices.append([_as_xlsx_cell(rng, v) for v in row])
        book.save(path)
        files.append(path)
    else:
        for name, table in (("gpus", gpus), ("offers", offers)):
            path = folder / f"{name}{seed}.csv"
            with open(path, "w", newline="", encoding="utf-8") as handle:
                csv.writer(handle, delimiter=rng.choice([",", ";"])).writerows(table)
            files.append(path)
    return files


def _dump(result: ImportResult) -> dict[str, Any]:
    rows = [
        (
            kind,
            type(row.item).__name__,
            row.item.model_dump(mode="json"),
            repr(row.item),
            sorted(row.item.model_fields_set),
            row.provenance.model_dump(mode="json", exclude={"imported_at"}),
        )
        for kind, items in result.rows.items()
        for row in items
    ]
    sheets = [
        (s.describe(), s.columns, s.unknown_columns, s.notes, s.rows_loaded, s.rows_skipped)
        for s in result.sheets
    ]
    return {
        "rows": rows,
        "problems": [str(p) for p in result.problems],
        "unreadable": [str(p) for p in result.unreadable],
        "sheets": sheets,
    }


@pytest.mark.parametrize("seed", range(12))
def test_column_wise_import_matches_row_by_row(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rates = ExchangeRates(usd_per_unit={"USD": 1.0, "EUR": 1.1, "GBP": 1.25})
    files = _files(tmp_path, seed)
    result = import_files(files, rates)
    for row in (r for rows in result.rows.values() for r in rows):
        # the provenance built without re-validation is what validation would build
        validated = Provenance(**row.provenance.model_dump())
        assert row.provenance == validated
        assert row.provenance.model_fields_set == validated.model_fields_set
        assert type(row.item).model_validate(row.item.model_dump()) == row.item
    fast = _dump(result)
    monkeypatch.setattr(importer, "_COLUMNWISE", False)
    monkeypatch.setattr(import_values, "_COLUMNWISE", False)
    slow = _dump(import_files(files, rates))
    assert fast == slow
    assert fast["rows"] or fast["problems"]  # the table was read, not skipped


def test_memoless_pickle_round_trips_a_grid() -> None:
    shared = "h100-sxm"
    sheet = RawSheet(
        file="f.xlsx",
        name="S",
        rows=[[shared, 1.5, None, True], [shared, -0.0, datetime.date(2026, 1, 2)], []],
        marks={(0, 2): ExcelError("#SPILL!"), (1, 3): MissingValue("formula")},
        notes=["read as Shift-JIS (detected)"],
        cell_problems={(1, 0): "a NUL byte"},
    )
    message = ("ok", [sheet])
    back = _Unpickler(io.BytesIO(_dumps(message))).load()
    assert back == pickle.loads(pickle.dumps(message))
    assert back[1][0].rows == sheet.rows and back[1][0].marks == sheet.marks
    assert type(back[1][0].marks[(0, 2)]) is ExcelError
    assert str(back[1][0].rows[1][1]) == "-0.0"

"""Fuzzing: no cell value, header or byte soup makes the importer raise a traceback."""

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tokentco.domain import ExchangeRates
from tokentco.io.errors import InputError
from tokentco.io.importer import import_files

HEADERS = [
    "GPU",
    "Price per 8-GPU node per month (€)",
    "Pricing",
    "Currency",
    "GPUs per node",
    "Lead time (weeks)",
    "HBM (GB)",
    "Capex per GPU",
    "PUE",
    "Notes",
]

cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "#N/A",
            "#DIV/0!",
            "n/a",
            "1,234.5",
            "€2,10",
            "8%",
            "(5)",
            "h100-sxm",
            "H200",
            "spot",
            "1-year reserved",
            "owned",
            "EUR",
            "CHF",
            "",
            " ",
            "0",
        ]
    ),
)
settings_kw = {
    "max_examples": 40,
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture],
}


def _check(path: Path) -> None:
    try:
        result = import_files([path], ExchangeRates())
    except InputError:
        return
    for problem in result.problems:
        assert str(problem)
    assert result.rows_loaded >= 0


@settings(**settings_kw)
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=len(HEADERS)), max_size=8))
def test_xlsx_cells_never_crash(tmp_path_factory, rows):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for row in rows:
        clean = []
        for value in row:
            if isinstance(value, str):
                value = "".join(ch for ch in value if ch.isprintable())
            if isinstance(value, float) and value != value:
                value = None
            clean.append(value)
        sheet.append(clean)
    path = tmp_path_factory.mktemp("fuzz") / "f.xlsx"
    try:
        book.save(path)
    except (ValueError, TypeError):
        return  # openpyxl cannot write this value (e.g. inf); nothing to import
    _check(path)


@settings(**settings_kw)
@given(
    headers=st.lists(st.text(max_size=25), min_size=1, max_size=8),
    rows=st.lists(
        st.lists(cells.map(lambda v: "" if v is None else str(v)), max_size=8), max_size=6
    ),
)
def test_csv_headers_and_values_never_crash(tmp_path_factory, headers, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["GPU", "$/GPU/hr", *headers])
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("fuzz") / "f.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", errors="surrogatepass")
    _check(path)


@settings(**settings_kw)
@given(data=st.binary(max_size=400))
def test_byte_soup_never_crashes(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    for name in ("x.csv", "x.xlsx"):
        (folder / name).write_bytes(data)
        _check(folder / name)

"""Fuzzing: no cell value, header or byte soup makes the importer raise a traceback."""

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tokentco.domain import ExchangeRates
from tokentco.io.errors import InputError
from tokentco.io.import_values import number_from_text, parse_numbers
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


# --- cells with units and separators ----------------------------------------------------

_UNITS = ["", " GB", "GiB", " TB/s", " GB/s", " W", "kW", " per month", " per year", "/h", "/hr"]
_UNITS += [" EUR", " USD", "%", " /GPU-hr", " parsecs", " per node", " x"]
_PREFIXES = ["", "$", "€", "£", "¥", "US$ ", "EUR ", "(", "-", "+"]


def _cell(prefix: str, digits: list[str], seps: list[str], unit: str) -> str:
    return prefix + "".join(d + s for d, s in zip(digits, seps[: len(digits)], strict=True)) + unit


unit_cells = st.builds(
    _cell,
    st.sampled_from(_PREFIXES),
    st.lists(st.text("0123456789", min_size=1, max_size=4), min_size=1, max_size=5),
    st.lists(st.sampled_from(["", ",", ".", " ", "'", "\u00a0"]), min_size=5, max_size=5),
    st.sampled_from(_UNITS),
)


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(unit_cells, min_size=1, max_size=6), hint=st.booleans())
def test_unit_and_separator_cells_parse_or_are_one_problem(cells, hint):
    col = parse_numbers(cells, "a number (GB)", False, decimal_comma=hint)
    for i, cell in enumerate(cells):
        value = col.values[i]
        if i in col.errors:
            assert value is None and col.errors[i] and "\n" not in col.errors[i]
        elif cell.strip():
            assert value is not None and value == value and abs(value) != float("inf")


@settings(max_examples=200, deadline=None)
@given(value=st.integers(0, 10**12), cents=st.integers(0, 99))
def test_grouped_numbers_read_back_in_either_locale(value, cents):
    english = f"{value:,}.{cents:02d}"
    european = english.replace(",", " ").replace(".", ",")
    expected = value + cents / 100
    for text, comma in ((english, False), (european, True)):
        parsed = number_from_text(text, decimal_comma=comma)
        assert parsed is not None and parsed.ambiguous is None, text
        assert abs(parsed.value - expected) <= 1e-9 * max(1.0, expected), text


@settings(**{**settings_kw, "max_examples": 15})
@given(cells=st.lists(unit_cells, min_size=1, max_size=6))
def test_unit_cells_through_import_are_located(tmp_path_factory, cells):
    rows = [["Name", "Memory (GB)", "Memory bandwidth (TB/s)", "FP16 dense", "Price per GPU-hour"]]
    rows += [[f"X{i}", c, c, c, c] for i, c in enumerate(cells)]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = tmp_path_factory.mktemp("fuzz") / "units.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    result = import_files([path], ExchangeRates())
    for problem in result.problems:
        line = str(problem)
        assert line.startswith("units.csv") and "\n" not in line

"""Cell values: numbers as text, separators, currencies, percentages, Excel errors."""

import pytest

from tokentco.io.import_read import ExcelError, MissingValue
from tokentco.io.import_values import (
    number_from_text,
    parse_bools,
    parse_enums,
    parse_ints,
    parse_numbers,
)


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("3.5", 3.5, None),
        ("1,234.5", 1234.5, None),
        ("1.234,5", 1234.5, None),
        ("2,10", 2.10, None),
        ("1 234", 1234.0, None),
        ("1\u00a0234,50 €", 1234.5, "EUR"),
        ("1'234", 1234.0, None),
        ("$2.99", 2.99, "USD"),
        ("US$ 2.99", 2.99, "USD"),
        ("€1.234,50", 1234.5, "EUR"),
        ("£3", 3.0, "GBP"),
        ("¥450", 450.0, "JPY"),
        ("EUR 12", 12.0, "EUR"),
        ("12 EUR", 12.0, "EUR"),
        ("8%", 0.08, None),
        ("(5)", -5.0, None),
        ("1e3", 1000.0, None),
    ],
)
def test_numbers_written_as_text(text, value, currency):
    parsed = number_from_text(text)
    assert parsed is not None
    assert parsed.value == pytest.approx(value)
    assert parsed.currency == currency


def test_unit_suffix_in_cell():
    parsed = number_from_text("3.35 TB/s")
    assert parsed is not None and parsed.value == 3.35 and parsed.unit == "tb/s"
    parsed = number_from_text("700W")
    assert parsed is not None and parsed.unit == "w"


@pytest.mark.parametrize("text", ["call us", "TBD", "~2.5", "1.2.3.4x", "nan", "inf", "--"])
def test_not_numbers(text):
    assert number_from_text(text) is None


def test_semicolon_files_read_ambiguous_commas_as_decimals():
    assert number_from_text("1,234", decimal_comma=True).value == pytest.approx(1.234)
    assert number_from_text("1,234", decimal_comma=False).value == pytest.approx(1234)


def test_parse_numbers_reports_each_error_kind():
    cells = [
        1.5,
        "2",
        "call us",
        ExcelError("#N/A"),
        "#DIV/0!",
        MissingValue("formula"),
        "",
        None,
        True,
        "n/a",
        float("nan"),
    ]
    col = parse_numbers(cells, "a number (GB)", required=False)
    assert col.values[:2] == [1.5, 2.0]
    assert col.errors[2] == '"call us" is not a number'
    assert col.errors[3].startswith('"#N/A" is an Excel error')
    assert col.errors[4].startswith('"#DIV/0!" is an Excel error')
    assert col.errors[5].startswith("formula has no saved value")
    assert 6 not in col.errors and 7 not in col.errors and 9 not in col.errors
    assert "true/false" in col.errors[8]
    assert "finite" in col.errors[10]


def test_required_blanks_and_na_are_errors():
    col = parse_numbers(["", None, "n/a"], "a number (GB)", required=True)
    assert col.errors[0] == "missing: expected a number (GB)"
    assert col.errors[1] == "missing: expected a number (GB)"
    assert "a value is required" in col.errors[2]


def test_whole_numbers():
    col = parse_ints([8, "8", 8.5], "a whole number", required=False)
    assert col.values[:2] == [8.0, 8.0]
    assert col.errors[2] == "8.5 is not a whole number, expected a whole number"


def test_bools_and_enums():
    values, errors = parse_bools(["yes", "No", 1, True, "x", "maybe"], "yes or no", False)
    assert values[:5] == [True, False, True, True, True]
    assert errors[5] == '"maybe" is not yes/no, expected yes or no'
    choices = ("on_demand", "spot", "reserved_1y")
    values, errors = parse_enums(
        ["On-Demand", "SPOT", "1-year reserved", "ondemand", "weekly"],
        choices,
        "",
        False,
        {"1 year reserved": "reserved_1y"},
    )
    assert values[:4] == ["on_demand", "spot", "reserved_1y", "on_demand"]
    assert errors[4] == '"weekly" is not one of on_demand, spot, reserved_1y'


def test_dot_thousands_text_is_a_decimal_point_unless_the_column_writes_commas() -> None:
    """ "1.234" is 1.234 in a column that writes decimal points (or says nothing), and
    ambiguous in one that writes decimal commas: the fast path and the slow path agree."""
    point = parse_numbers(["1.234", "12.345", "2.5"], "a price", True)
    assert point.values == [1.234, 12.345, 2.5] and not point.errors
    unknown = parse_numbers(["1.234"] * 3, "a price", True)
    assert unknown.values == [1.234] * 3 and not unknown.errors
    comma = parse_numbers(["1.234", "2,5", "3,25"], "a price", True)
    assert comma.values[1:] == [2.5, 3.25] and "ambiguous" in comma.errors[0]

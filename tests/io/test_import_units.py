"""Units, periods, currencies and percents written in cells; ambiguous separators."""

import pytest

from tokentco.io.import_match import match_header
from tokentco.io.import_units import HOURS_PER_MONTH, CellUnit, cell_factor, plan_column
from tokentco.io.import_values import (
    column_locale,
    number_from_text,
    parse_numbers,
    sheet_locale,
)
from tokentco.io.importer import import_files


def _plan(kind, header):
    found = match_header(kind, header)
    plan = plan_column(0, "A", found)
    assert not isinstance(plan, str)
    return plan


def _messages(result):
    return [str(p) for p in result.problems]


@pytest.mark.parametrize(
    ("text", "value", "unit", "period", "currency", "percent"),
    [
        ("500 per month", 500.0, None, "month", None, False),
        ("3.5 per year", 3.5, None, "year", None, False),
        ("2.5/h", 2.5, None, "hour", None, False),
        ("2.5 /hr", 2.5, None, "hour", None, False),
        ("$2.65/GPU-hr", 2.65, None, "hour", "USD", False),
        ("141 EUR", 141.0, None, None, "EUR", False),
        ("€ 3", 3.0, None, None, "EUR", False),
        ("80 GiB", 80.0, "gib", None, None, False),
        ("5%", 0.05, None, None, None, True),
    ],
)
def test_cell_units_are_kept_with_the_number(text, value, unit, period, currency, percent):
    parsed = number_from_text(text)
    assert parsed is not None
    assert parsed.value == pytest.approx(value)
    assert (parsed.unit, parsed.period, parsed.currency, parsed.percent) == (
        unit,
        period,
        currency,
        percent,
    )


def test_cell_period_converts_relative_to_the_header():
    hourly = _plan("offers", "Price per GPU-hour")
    factor, note = cell_factor(hourly, CellUnit(period="month"))
    assert factor == pytest.approx(1 / HOURS_PER_MONTH)
    assert "per month" in note and "730" in note
    monthly = _plan("offers", "Price per GPU per month")
    factor, _ = cell_factor(monthly, CellUnit(period="hour"))
    assert factor == pytest.approx(1.0)


def test_cell_unit_converts_and_contradicting_units_are_messages():
    memory = _plan("accelerators", "Memory (GB)")
    factor, note = cell_factor(memory, CellUnit(unit="gib"))
    assert factor == pytest.approx(1.073741824) and "gib" in note
    assert "not money" in cell_factor(memory, CellUnit(currency="EUR"))
    assert "not a fraction" in cell_factor(memory, CellUnit(percent=True))
    assert "does not fit" in cell_factor(memory, CellUnit(unit="w"))
    assert "does not fit" in cell_factor(memory, CellUnit(period="month"))
    wacc = _plan("offers", "Cost of capital")
    factor, _ = cell_factor(wacc, CellUnit(percent=True))
    assert factor == 1.0


@pytest.mark.parametrize(
    ("cells", "hint", "locale"),
    [
        (["2,10", "0,010"], None, True),
        (["1,234.5", "0,010"], True, False),
        (["1,234,567", "1,234"], None, False),
        (["1.234,5"], False, True),
        (["0,010"], None, None),
        (["0,010"], True, True),
        (["0,010"], False, False),
        ([1.5, "12", "note: 2,5 GB per user"], None, None),
    ],
)
def test_column_locale_from_the_other_cells(cells, hint, locale):
    assert column_locale(cells, hint) is locale


def test_sheet_locale_from_the_other_columns_outranks_the_delimiter():
    rows = [["H100", "2.50", "1,234"], ["H200", "3.10", "v1.2 beta, see notes"]]
    assert sheet_locale(rows, hint=True) is False
    assert sheet_locale([["H100", "2,50"]], hint=False) is True
    assert sheet_locale([["H100", "12"]], hint=True) is True
    assert sheet_locale([["H100", "12"]], hint=False) is None


def test_import_reads_a_lone_comma_cell_by_the_sheets_other_columns(write_csv, rates):
    path = write_csv(
        "semi.csv",
        "GPU;Provider;Price per GPU-hour;Capex per GPU\nh100-sxm;A;2.50;25,000\n",
    )
    result = import_files([path], rates)
    assert [str(p) for p in result.problems] == []
    (offer,) = result.rows["offers"]
    assert offer.item.price_per_gpu_hour == 2.5 and offer.item.owned.capex_per_gpu == 25_000


def test_dotted_thousands_in_a_decimal_comma_column_are_not_read_as_decimals():
    col = parse_numbers(["2,5", "1.234"], "a number", False)
    assert col.values[0] == 2.5 and "ambiguous" in col.errors[1]


def test_ambiguous_separators_follow_the_column_or_are_problems():
    col = parse_numbers(["2,10", "0,010"], "a number", False)
    assert col.values == [pytest.approx(2.1), pytest.approx(0.01)] and not col.errors
    col = parse_numbers(["1,234.5", "1,234"], "a number", False)
    assert col.values == [pytest.approx(1234.5), pytest.approx(1234)] and not col.errors
    col = parse_numbers(["0,010"], "a number", False)
    assert col.values == [None] and "ambiguous" in col.errors[0]
    col = parse_numbers(["1,234", "0,010"], "a number", False)
    assert "ambiguous" in col.errors[0] and "ambiguous" in col.errors[1]
    col = parse_numbers(["1.234"], "a number", False, decimal_comma=True)
    assert "ambiguous" in col.errors[0]


@pytest.mark.parametrize("text", ["3 5", "12 34", "1 2345", "1'23"])
def test_spaces_only_group_thousands(text):
    assert number_from_text(text) is None


def test_space_groups_still_read():
    assert number_from_text("1 234 567").value == 1234567
    assert number_from_text("12 345,5", decimal_comma=True).value == pytest.approx(12345.5)


def test_import_converts_cell_units_with_a_note(write_csv, rates):
    path = write_csv(
        "prices.csv",
        "GPU,Provider,Price per GPU-hour,Cost of capital,Capex per GPU\n"
        "h100-sxm,A,500 per month,,\n"
        "h100-sxm,B,2.5/h,,\n"
        "h100-sxm,C,€2,,\n"
        "h200-sxm,D,,5%,30000\n",
    )
    result = import_files([path], rates)
    assert _messages(result) == []
    offers = {r.item.provider: r for r in result.rows["offers"]}
    assert offers["A"].item.price_per_gpu_hour == pytest.approx(500 / HOURS_PER_MONTH)
    assert "per month in the cell" in offers["A"].provenance.notes["import: price_per_gpu_hour"]
    assert offers["B"].item.price_per_gpu_hour == pytest.approx(2.5)
    assert offers["C"].item.price_per_gpu_hour == pytest.approx(2 * 1.1)
    assert offers["D"].item.owned.cost_of_capital == pytest.approx(0.05)


def test_import_reports_units_that_contradict_the_column(write_csv, rates):
    path = write_csv(
        "specs.csv",
        "Name,Memory (GB),Memory bandwidth (TB/s),FP16 dense (TFLOPS),TDP (W)\n"
        "X1,141 EUR,4.8,989,700\n"
        "X2,80,5%,989,700\n"
        "X3,80,4.8,989,3 5\n"
        "X4,96 GiB,4.8,989,700\n",
    )
    result = import_files([path], rates)
    text = "\n".join(_messages(result))
    assert 'R2:B "Memory (GB)": "141 EUR" is an amount in EUR, but Memory (GB) is not money' in text
    assert 'R3:C "Memory bandwidth (TB/s)": "5%" is a percentage' in text
    assert 'R4:E "TDP (W)": "3 5" is not a number' in text
    loaded = {r.item.name: r.item for r in result.rows["accelerators"]}
    assert set(loaded) == {"X4"}
    assert loaded["X4"].memory_gb == pytest.approx(96 * 1.073741824)


def test_percent_in_a_price_column_is_a_problem(write_csv, rates):
    path = write_csv("p.csv", "GPU,Provider,Price per GPU-hour\nh100-sxm,A,5%\n")
    result = import_files([path], rates)
    assert any("is a percentage" in m for m in _messages(result))
    assert result.rows_loaded == 0


def test_32000_digit_cell_is_one_located_problem(write_csv, rates):
    text = "GPU,Provider,Price per GPU-hour\nh100-sxm,A," + "9" * 32_000 + "\n"
    path = write_csv("big.csv", text)
    result = import_files([path], rates)
    (message,) = _messages(result)
    assert "R2:C" in message and "32000-digit number" in message and len(message) < 300

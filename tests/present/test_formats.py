"""Number formats by quantity: three significant figures, one scale per column or range."""

import math

import pytest

from tokentco.present import formats as f


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0912, "0.0912"),
        (0.91234, "0.912"),
        (2.454, "2.45"),
        (9.996, "10.0"),
        (12.34, "12.3"),
        (123.4, "123"),
        (1234.0, "1,234"),
        (12_345.0, "12.3k"),
        (582_310.0, "582k"),
        (1_923_000.0, "1.92M"),
        (2.5e9, "2.50B"),
        (0.0, "0"),
    ],
)
def test_number_keeps_three_significant_figures(value: float, text: str) -> None:
    assert f.number(value) == text


@pytest.mark.parametrize("missing", [None, math.inf, -math.inf, math.nan])
def test_missing_figures_print_a_dash_never_inf(missing: float | None) -> None:
    for formatter in (f.number, f.money, f.usd_per_mtok, f.tokens_per_s, f.percent, f.megawatts):
        assert formatter(missing) == f.MISSING


def test_money_and_rates_carry_their_units() -> None:
    assert f.money(2.454) == "$2.45"
    assert f.money(-3.2) == "-$3.20"
    assert f.usd_per_mtok(0.91234, unit=True) == "$0.912/Mtok"
    assert f.usd_per_gpu_hour(2.5, unit=True) == "$2.50/GPU-h"
    assert f.tokens_per_s(45_600.0, unit="tok/s/GPU") == "45.6k tok/s/GPU"
    assert f.tokens_per_s_per_mw(1.92e6, unit=True) == "1.92M tok/s/MW"
    assert f.milliseconds(1200.0) == "1,200 ms"


def test_a_column_shares_one_scale_so_k_never_stands_beside_m() -> None:
    texts = f.column([582_310.0, 1_923_000.0, None], f.money)
    assert texts == ["$0.58M", "$1.92M", f.MISSING]
    # a value far below the largest keeps its own figures instead of printing zero
    small = f.column([12.3, 0.004], f.usd_per_mtok)
    assert small[0] == "$12.3" and small[1] != "$0.0" and "4" in small[1]


def test_ranges_share_scale_and_decimals() -> None:
    assert f.value_range(0.81, 1.2, f.usd_per_mtok) == "$0.81–$1.20"
    assert f.value_range(1.2e6, 1.9e6, f.tokens_per_s) == "1.20M–1.90M"
    assert f.value_range(0.064, 0.096, f.percent) == "6.4%–9.6%"
    assert f.value_range(None, 1.0) == f.MISSING


def test_percent_power_energy_and_weeks() -> None:
    assert [f.percent(x) for x in (0.064, 0.35, 1.0, 0.0045, 0.123456)] == [
        "6.4%",
        "35%",
        "100%",
        "0.45%",
        "12.3%",
    ]
    assert f.percent_per_year(0.08) == "8%/year"
    assert f.power_watts(700.0) == "700 W"
    assert f.power_watts(1200.0) == "1.20 kW"
    assert f.megawatts(3.45) == "3.45 MW"
    assert f.energy_kwh(0.512) == "0.512 kWh"
    assert f.energy_kwh(1234.0) == "1.23 MWh"
    assert f.weeks(1.0) == "1 week"
    assert f.weeks(2.5) == "2.5 weeks"
    assert f.score(72.44) == "72.4"


def test_figures_never_use_scientific_notation() -> None:
    for exponent in range(-4, 13):
        text = f.number(3.14159 * 10.0**exponent)
        assert "e" not in text.lower(), text

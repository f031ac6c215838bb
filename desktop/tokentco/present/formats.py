"""Number formatting by quantity: one formatter per quantity, three significant figures.

The screen, the report, the workbook and the CLI all print figures through these
functions, so the same $/Mtok reads the same everywhere and a column never mixes styles
("582.31k" beside "1.92M"). Every formatter:

* keeps ``FIGURES`` significant figures (whole numbers are never rounded away: 12,345
  GPUs stay 12,345 — only decimals are dropped);
* scales large values with one SI-style suffix (k, M, B) chosen by magnitude, or by the
  caller (``scale=``) so a table column or a p10–p90 range shares one suffix;
* prints ``MISSING`` for None, NaN and infinity (an infeasible option has no cost: saying
  so beats printing "inf").

``column(values, formatter)`` formats a list with one shared scale and one number of
decimals, so the figures of a table column line up and compare at a glance.

The Excel number formats of the workbook are declared here too (``EXCEL_FORMATS``) so a
change of style shows in the workbook as well as on screen.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

FIGURES = 3
"""Significant figures of every printed quantity."""

MISSING = "—"
"""What a figure that does not exist prints as (None, NaN, infinite)."""

DASH = "–"
"""En dash between the ends of a range (p10–p90)."""


@dataclass(frozen=True)
class Scale:
    """A power of a thousand and its suffix (``k`` = 10^3)."""

    factor: float
    suffix: str


ONE = Scale(1.0, "")
THOUSAND = Scale(1e3, "k")
MILLION = Scale(1e6, "M")
BILLION = Scale(1e9, "B")


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


_AT_BILLION = BILLION.factor * (1 - 5e-4)
_AT_MILLION = MILLION.factor * (1 - 5e-4)
_AT_THOUSAND = THOUSAND.factor * (1 - 5e-4)
"""The magnitudes from which a value takes each suffix (it rounds up to 1.00 there)."""


def scale_for(value: float, *, from_thousands: bool = True) -> Scale:
    """The suffix for ``value``: k from 10,000 (a four-digit figure reads better whole), M from
    a million, B from a billion. ``from_thousands=False`` keeps values below a million whole."""
    magnitude = abs(value)
    if magnitude >= _AT_BILLION:
        return BILLION
    if magnitude >= _AT_MILLION:
        return MILLION
    if from_thousands and magnitude >= 1e4 and magnitude >= _AT_THOUSAND:
        return THOUSAND
    return ONE


def common_scale(values: Sequence[float | None], *, from_thousands: bool = True) -> Scale:
    """One scale for several values: the one the largest magnitude needs."""
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    return scale_for(max(finite), from_thousands=from_thousands) if finite else ONE


def _first_rounding_to(target: float, places: int) -> float:
    """The least float that ``round(x, places)`` makes ``target`` or more (round is
    monotonic, so every float from there on rounds to it or beyond)."""
    x = target - 0.5 * 10.0**-places
    while round(x, places) >= target:
        x = math.nextafter(x, 0.0)
    while round(x, places) < target:
        x = math.nextafter(x, math.inf)
    return x


_ROUNDS_TO_1 = _first_rounding_to(1.0, FIGURES)
_ROUNDS_TO_10 = _first_rounding_to(10.0, FIGURES - 1)
_ROUNDS_TO_100 = _first_rounding_to(100.0, FIGURES - 2)
"""Where a value printed to ``FIGURES`` significant figures gains a digit (0.9995 → 1.00)."""


def decimals_for(value: float, figures: int = FIGURES) -> int:
    """Decimals that give ``value`` (already scaled) ``figures`` significant figures."""
    magnitude = abs(value)
    if figures == FIGURES and 0.1 <= magnitude < 100.0:
        # The usual figures, without logarithms or rounding: the decimals follow from where
        # the value rounds up to a new digit (the same answer as below, to the last float;
        # tests/present/test_formats_fast.py)
        if magnitude >= 10.0:
            return 0 if magnitude >= _ROUNDS_TO_100 else 1
        if magnitude >= 1.0:
            return 1 if magnitude >= _ROUNDS_TO_10 else 2
        return 2 if magnitude >= _ROUNDS_TO_1 else 3
    if magnitude == 0 or not math.isfinite(magnitude):
        return 0
    if magnitude >= 10.0 ** (figures - 1):
        return 0  # as many digits as figures, or more: whole (rounding only adds a digit)
    # Round first so 9.996 (→ "10.0") is treated as a two-digit number.
    digits = math.floor(math.log10(magnitude)) + 1
    rounded = round(magnitude, max(figures - digits, 0))
    if rounded > 0:
        digits = math.floor(math.log10(rounded)) + 1
    return max(figures - digits, 0)


_SPECS = tuple(f",.{places}f" for places in range(16))
"""The format spec of each number of decimals, built once (a figure is printed often)."""


def _spec(places: int) -> str:
    return _SPECS[places] if 0 <= places < len(_SPECS) else f",.{places}f"


def number(
    value: float | None,
    *,
    figures: int = FIGURES,
    scale: Scale | None = None,
    decimals: int | None = None,
    from_thousands: bool = True,
) -> str:
    """A plain figure with thousands separators: ``1,234``, ``12.3``, ``0.0912``, ``1.92M``."""
    if value is None or not math.isfinite(value):
        return MISSING
    used = scale if scale is not None else scale_for(value, from_thousands=from_thousands)
    scaled = value / used.factor
    places = decimals if decimals is not None else decimals_for(scaled, figures)
    text = format(scaled, _spec(places))
    # from 1 on the text has a non-zero digit: only a smaller value can print as zero
    if -1.0 < scaled < 1.0 and not text.lstrip("-").strip("0.,"):
        if value != 0:
            # Too small for the shared decimals: give it its own rather than print 0.
            text = format(scaled, _spec(decimals_for(scaled, figures)))
        if text.startswith("-") and not text.lstrip("-").strip("0.,"):
            text = text[1:]
    return text + used.suffix


def integer(value: float | None) -> str:
    """A count (GPUs, systems, weeks): whole, with separators, never scaled."""
    if value is None or not math.isfinite(value):
        return MISSING
    return f"{round(value):,d}"


def money(usd: float | None, *, scale: Scale | None = None, decimals: int | None = None) -> str:
    """US dollars: ``$2.45``, ``$1,234``, ``$582k``, ``$1.92M``, ``$0.0912``."""
    text = number(usd, scale=scale, decimals=decimals)
    if text == MISSING:
        return text
    return "-$" + text[1:] if text.startswith("-") else "$" + text


def usd_per_mtok(
    usd: float | None,
    *,
    unit: bool = False,
    scale: Scale | None = None,
    decimals: int | None = None,
) -> str:
    """Cost per million tokens: ``$0.912`` or, with ``unit``, ``$0.912/Mtok``."""
    text = money(usd, scale=scale, decimals=decimals)
    return text + "/Mtok" if unit and text != MISSING else text


def usd_per_gpu_hour(usd: float | None, *, unit: bool = False) -> str:
    """All-in cost of one GPU-hour: ``$2.45`` or ``$2.45/GPU-h``."""
    text = money(usd)
    return text + "/GPU-h" if unit and text != MISSING else text


def tokens_per_s(
    value: float | None,
    *,
    unit: str = "",
    scale: Scale | None = None,
    decimals: int | None = None,
) -> str:
    """A token rate: ``1,234``, ``45.6k``, ``1.92M``; ``unit`` e.g. ``tok/s/GPU`` is appended
    after a space."""
    text = number(value, scale=scale, decimals=decimals)
    return f"{text} {unit}" if unit and text != MISSING else text


def milliseconds(value: float | None, *, unit: bool = True) -> str:
    """A latency: ``250 ms``, ``1,200 ms``, ``45.5 ms``."""
    text = number(value, from_thousands=False)
    return f"{text} ms" if unit and text != MISSING else text


def percent(fraction: float | None, *, decimals: int | None = None) -> str:
    """A fraction as a percentage: ``6.4%``, ``35%``, ``100%``, ``0.45%``.

    Up to three significant figures but at most one decimal above 1 % (weights and rates
    are rarely known closer)."""
    if fraction is None or not math.isfinite(fraction):
        return MISSING
    pct = fraction * 100
    most = 1 if abs(pct) >= 1 else 2
    places = decimals if decimals is not None else min(decimals_for(pct), most)
    text = f"{pct:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + "%"


def percent_per_year(fraction: float | None) -> str:
    """An annual rate (cost of capital): ``8%/year``."""
    text = percent(fraction)
    return text + "/year" if text != MISSING else text


def power_watts(watts: float | None) -> str:
    """Electrical power with the SI prefix its size needs: ``700 W``, ``1.2 kW``, ``3.45 MW``."""
    if watts is None or not math.isfinite(watts):
        return MISSING
    magnitude = abs(watts)
    for factor, unit in ((1e9, "GW"), (1e6, "MW"), (1e3, "kW")):
        if magnitude >= factor * (1 - 5e-4):
            return f"{number(watts / factor, scale=ONE)} {unit}"
    return f"{number(watts, scale=ONE)} W"


def megawatts(mw: float | None) -> str:
    """Facility power given in MW (fleet sizing)."""
    return power_watts(None if mw is None else mw * 1e6)


def energy_kwh(kwh: float | None) -> str:
    """Energy with its prefix: ``0.512 kWh``, ``1.23 MWh``, ``45.6 GWh``."""
    if kwh is None or not math.isfinite(kwh):
        return MISSING
    magnitude = abs(kwh)
    for factor, unit in ((1e6, "GWh"), (1e3, "MWh")):
        if magnitude >= factor * (1 - 5e-4):
            return f"{number(kwh / factor, scale=ONE)} {unit}"
    return f"{number(kwh, scale=ONE)} kWh"


def kwh_per_mtok(kwh: float | None, *, unit: bool = False) -> str:
    """Energy per million tokens: ``1.23`` or ``1.23 kWh/Mtok``."""
    text = number(kwh, scale=ONE)
    return f"{text} kWh/Mtok" if unit and text != MISSING else text


def tokens_per_s_per_mw(value: float | None, *, unit: bool = False) -> str:
    """Energy efficiency: ``1.92M`` or ``1.92M tok/s/MW``."""
    return tokens_per_s(value, unit="tok/s/MW" if unit else "")


def weeks(value: float | None) -> str:
    """A lead time: ``12 weeks``, ``1 week``, ``2.5 weeks``."""
    if value is None or not math.isfinite(value):
        return MISSING
    text = f"{value:,.1f}".rstrip("0").rstrip(".")
    return f"{text} week" if text == "1" else f"{text} weeks"


def score(value: float | None) -> str:
    """A 0–100 score or weighted total: one decimal (``72.4``), so ties show as ties."""
    if value is None or not math.isfinite(value):
        return MISSING
    return f"{value:.1f}"


Formatter = Callable[..., str]


def value_range(
    low: float | None,
    high: float | None,
    formatter: Formatter = number,
    *,
    suffix: str = "",
) -> str:
    """A p10–p90 range printed with one shared scale and decimals: ``$0.81–$1.20``,
    ``1.2M–1.9M``; ``MISSING`` when either end is missing."""
    if not (_finite(low) and _finite(high)):
        return MISSING
    assert low is not None and high is not None
    if formatter in _SCALED:
        scale = common_scale([low, high])
        largest = high if abs(high) >= abs(low) else low
        places = decimals_for(largest / scale.factor)
        text = f"{formatter(low, scale=scale, decimals=places)}{DASH}"
        text += formatter(high, scale=scale, decimals=places)
    else:
        text = f"{formatter(low)}{DASH}{formatter(high)}"
    return text + suffix


def column(values: Sequence[float | None], formatter: Formatter = number) -> list[str]:
    """Format a table column with one scale and one number of decimals (those of its largest
    value), so figures line up: ``$0.58M``, ``$1.92M`` rather than ``$582k``, ``$1.92M``.

    Values much smaller than the largest keep their own significant figures rather than
    print as zero. Formatters without a shared scale are applied value by value."""
    if formatter not in _SCALED:
        return [formatter(v) for v in values]
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return [MISSING for _ in values]
    scale = common_scale(finite)
    largest = max(finite, key=abs)
    places = decimals_for(largest / scale.factor)
    return [formatter(v, scale=scale, decimals=places) for v in values]


_SCALED: tuple[Formatter, ...] = (number, money, usd_per_mtok, tokens_per_s)


EXCEL_FORMATS: dict[str, str] = {
    "money": '"$"#,##0',
    "money_small": '"$"#,##0.00',
    "usd_per_mtok": '"$"#,##0.000',
    "usd_per_gpu_hour": '"$"#,##0.00',
    "tokens_per_s": "#,##0",
    "tokens_per_s_per_user": "#,##0.0",
    "milliseconds": "#,##0",
    "percent": "0.0%",
    "integer": "#,##0",
    "megawatts": "#,##0.00",
    "kwh_per_mtok": "#,##0.000",
    "score": "0.0",
    "ratio": "0.000",
    "weeks": "#,##0.#",
}
"""Excel number formats of the workbook, per quantity (a cell keeps its full precision)."""

"""The fast paths of :mod:`tokentco.present.formats` print what the plain code printed.

The oracle is the code before the fast paths (kept here only): ``scale_for`` by a loop
over the scales, ``decimals_for`` by logarithms, ``number`` by a nested f-string format
spec and a zero check on every text. Every formatter built on them is compared too, in
a second copy of the module whose core is the oracle's.
"""

import importlib.util
import math
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tokentco.present import formats as f


def _old_scale_for(value: float, *, from_thousands: bool = True) -> f.Scale:
    magnitude = abs(value)
    for scale in (f.BILLION, f.MILLION, f.THOUSAND):
        if scale is f.THOUSAND and (not from_thousands or magnitude < 1e4):
            continue
        if magnitude >= scale.factor * (1 - 5e-4):
            return scale
    return f.ONE


def _old_decimals_for(value: float, figures: int = f.FIGURES) -> int:
    magnitude = abs(value)
    if magnitude == 0 or not math.isfinite(magnitude):
        return 0
    if magnitude >= 10.0 ** (figures - 1):
        return 0
    digits = math.floor(math.log10(magnitude)) + 1
    rounded = round(magnitude, max(figures - digits, 0))
    if rounded > 0:
        digits = math.floor(math.log10(rounded)) + 1
    return max(figures - digits, 0)


def _old_number(
    value: float | None,
    *,
    figures: int = f.FIGURES,
    scale: f.Scale | None = None,
    decimals: int | None = None,
    from_thousands: bool = True,
) -> str:
    if value is None or not math.isfinite(value):
        return f.MISSING
    used = scale if scale is not None else _old_scale_for(value, from_thousands=from_thousands)
    scaled = value / used.factor
    places = decimals if decimals is not None else _old_decimals_for(scaled, figures)
    text = f"{scaled:,.{places}f}"
    if not text.lstrip("-").strip("0.,"):
        if value != 0:
            text = f"{scaled:,.{_old_decimals_for(scaled, figures)}f}"
        if text.startswith("-") and not text.lstrip("-").strip("0.,"):
            text = text[1:]
    return text + used.suffix


def _oracle_module() -> ModuleType:
    """A second copy of the formats module whose core is the old code."""
    spec = importlib.util.spec_from_file_location("_formats_oracle", f.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["_formats_oracle"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    core: dict[str, Any] = {
        "scale_for": _old_scale_for,
        "decimals_for": _old_decimals_for,
        "number": _old_number,
    }
    core["_SCALED"] = (_old_number, module.money, module.usd_per_mtok, module.tokens_per_s)
    vars(module).update(core)
    return module


OLD = _oracle_module()

EDGES = [
    0.0,
    -0.0,
    0.5,
    -0.5,
    0.05,
    0.0005,
    0.00049,
    9.995,
    9.9949,
    9.996,
    99.95,
    99.949,
    999.5,
    999.95,
    9995.0,
    9999.5,
    10_000.0,
    999_499.0,
    999_500.0,
    999_500_000.0,
    0.09995,
    0.0999,
    0.1,
    0.9995,
    0.99949,
    1.0,
    10.0,
    100.0,
    1e-300,
    5e-324,
    1e300,
    1.7976931348623157e308,
    math.nan,
    math.inf,
    -math.inf,
]
EDGES += [float(np.nextafter(p, t)) for p in (0.1, 1.0, 10.0, 100.0, 1e4) for t in (0, 1e9)]
for edge in (0.9995, 9.995, 99.95, 999.5, 999_500.0):  # where a value gains a digit
    EDGES += [math.nextafter(edge, 0.0), edge, math.nextafter(edge, math.inf)]
EDGES += [-v for v in EDGES]

VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e12, max_value=1e12),
    st.floats(min_value=-200.0, max_value=200.0),
    st.floats(min_value=-1.5, max_value=1.5),
    st.integers(min_value=-(10**6), max_value=10**6).map(lambda n: n / 1000),
    st.integers(min_value=-(10**6), max_value=10**6).map(lambda n: n / 100 + 0.005),
    st.sampled_from(EDGES),
)
SCALES = st.sampled_from([None, f.ONE, f.THOUSAND, f.MILLION, f.BILLION])
DECIMALS = st.one_of(st.none(), st.integers(min_value=0, max_value=20))


def _same_scale(new: f.Scale, old: f.Scale) -> bool:
    return new.factor == old.factor and new.suffix == old.suffix


@settings(max_examples=3000, deadline=None)
@given(VALUES, st.integers(min_value=1, max_value=6), st.booleans())
def test_core_equals_the_old_code(value: float, figures: int, from_thousands: bool) -> None:
    assert f.decimals_for(value, figures) == _old_decimals_for(value, figures)
    assert f.decimals_for(value) == _old_decimals_for(value)
    if math.isfinite(value):
        new, old = (
            f.scale_for(value, from_thousands=from_thousands),
            _old_scale_for(value, from_thousands=from_thousands),
        )
        assert _same_scale(new, old)


@settings(max_examples=3000, deadline=None)
@given(VALUES, SCALES, DECIMALS, st.integers(min_value=1, max_value=6), st.booleans())
def test_number_equals_the_old_code(
    value: float, scale: f.Scale | None, decimals: int | None, figures: int, thousands: bool
) -> None:
    kwargs: dict[str, Any] = {"scale": scale, "decimals": decimals, "from_thousands": thousands}
    assert f.number(value, figures=figures, **kwargs) == _old_number(
        value, figures=figures, **kwargs
    )
    assert f.number(value) == _old_number(value)


def test_every_edge_value_prints_as_before() -> None:
    for value in EDGES:
        for scale in (None, f.ONE, f.THOUSAND, f.MILLION):
            for decimals in (None, 0, 1, 2, 3):
                assert f.number(value, scale=scale, decimals=decimals) == _old_number(
                    value, scale=scale, decimals=decimals
                ), (value, scale, decimals)


SINGLE = [
    "money",
    "usd_per_mtok",
    "usd_per_gpu_hour",
    "tokens_per_s",
    "milliseconds",
    "percent",
    "percent_per_year",
    "power_watts",
    "megawatts",
    "energy_kwh",
    "kwh_per_mtok",
    "tokens_per_s_per_mw",
    "weeks",
    "score",
    "integer",
]


@settings(max_examples=1500, deadline=None)
@given(VALUES)
def test_every_formatter_equals_the_old_code(value: float) -> None:
    for name in SINGLE:
        new: Callable[..., str] = getattr(f, name)
        old: Callable[..., str] = getattr(OLD, name)
        if name == "integer" and math.isfinite(value) and abs(value) > 1e300:
            continue  # round() of a huge value: the same either way, but slow to print
        assert new(value) == old(value), (name, value)
    assert f.usd_per_mtok(value, unit=True) == OLD.usd_per_mtok(value, unit=True)
    assert f.tokens_per_s(value, unit="tok/s/GPU") == OLD.tokens_per_s(value, unit="tok/s/GPU")
    assert f.milliseconds(value, unit=False) == OLD.milliseconds(value, unit=False)


PAIRS = [("number", "number"), ("money", "money"), ("usd_per_mtok", "usd_per_mtok")]
PAIRS += [("tokens_per_s", "tokens_per_s"), ("percent", "percent")]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(st.none(), VALUES), max_size=12), st.sampled_from(PAIRS))
def test_columns_and_ranges_equal_the_old_code(
    values: list[float | None], names: tuple[str, str]
) -> None:
    new_formatter, old_formatter = getattr(f, names[0]), getattr(OLD, names[1])
    if names[0] == "number":
        old_formatter = _old_number
    assert f.column(values, new_formatter) == OLD.column(values, old_formatter)
    assert _same_scale(f.common_scale(values), OLD.common_scale(values))
    if len(values) >= 2:
        low, high = values[0], values[1]
        assert f.value_range(low, high, new_formatter) == OLD.value_range(low, high, old_formatter)


@example(0.0)
@example(1.0)
@given(st.floats(min_value=0.1, max_value=100.0, exclude_max=True))
@settings(max_examples=5000, deadline=None)
def test_fast_decimals_cover_their_whole_range(value: float) -> None:
    """The range the fast path of ``decimals_for`` takes, densely (and both signs)."""
    assert f.decimals_for(value) == _old_decimals_for(value)
    assert f.decimals_for(-value) == _old_decimals_for(-value)

"""import_values' column-wise parsing gives exactly what its cell-by-cell loops give.

``import_values._COLUMNWISE`` switches between C-level passes over columns of plain
``str`` or ``float`` cells (each distinct text parsed once) and the loops that define the
outcome. Random columns — repeated and unique texts, separators that need the column's
locale vote, units, currencies, percentages, blanks, Excel errors as text and as marks,
floats with -0.0, infinities and NaN, ints and bools — are parsed both ways; values
(with their types and signs), problems in order, currencies and cell units must match.
"""

import math
import random
from typing import Any

import pytest

from tokentco.io import import_values
from tokentco.io.import_read import ExcelError, MissingValue
from tokentco.io.import_values import parse_enums, parse_ints, parse_numbers, parse_texts

TEXTS = [
    "",
    " ",
    "  2.5 ",
    "1",
    "8",
    "12",
    "2,10",
    "1,234",
    "1.234",
    "1,234.5",
    "1.234,5",
    "0,010",
    "€5",
    "141 EUR",
    "500 per month",
    "80 GB",
    "5%",
    "(5)",
    "3 5",
    "1 234",
    "1e400",
    "nan",
    "inf",
    "1_000",
    "n/a",
    "TBD",
    "#N/A",
    "9" * 40,
    "spot",
    "On demand",
    "reserved 1y",
    "weekly",
    " h100-sxm ",
]
FLOATS = [0.0, -0.0, 1.0, 2.5, 8.0, 1e15, -3.0, 1e-9]
ODD: list[Any] = [math.inf, math.nan, 3, True, None, ExcelError("#N/A"), MissingValue("f")]


def _column(rng: random.Random) -> list[Any]:
    n = rng.choice([1, 5, 40, 300])
    style = rng.random()
    if style < 0.45:
        pool = rng.sample(TEXTS, rng.randint(1, len(TEXTS)))
        return [rng.choice(pool) for _ in range(n)]
    if style < 0.55:
        return [f"{rng.uniform(0, 9000):.{rng.randint(0, 3)}f}" for _ in range(n)]
    if style < 0.8:
        return [rng.choice(FLOATS) for _ in range(n)]
    return [rng.choice([*TEXTS, *FLOATS, *ODD]) for _ in range(n)]


def _shown(values: list[Any]) -> list[str]:
    return [f"{type(v).__name__}:{v!r}" for v in values]


def _both(monkeypatch: pytest.MonkeyPatch, parse: Any, *args: Any) -> tuple[Any, Any]:
    fast = parse(*args)
    monkeypatch.setattr(import_values, "_COLUMNWISE", False)
    slow = parse(*args)
    monkeypatch.setattr(import_values, "_COLUMNWISE", True)
    return fast, slow


@pytest.mark.parametrize("seed", range(40))
def test_column_wise_parsing_matches_cell_by_cell(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    for _ in range(25):
        cells = _column(rng)
        required = rng.random() < 0.5
        locale = rng.choice([None, True, False])
        for parse in (parse_numbers, parse_ints):
            fast, slow = _both(monkeypatch, parse, cells, "a number", required, locale)
            assert _shown(fast.values) == _shown(slow.values)
            assert list(fast.errors.items()) == list(slow.errors.items())
            assert list(fast.currencies.items()) == list(slow.currencies.items())
            assert list(fast.units.items()) == list(slow.units.items())
        fast, slow = _both(monkeypatch, parse_texts, cells, "a text", required)
        assert _shown(fast[0]) == _shown(slow[0])
        assert list(fast[1].items()) == list(slow[1].items())
        choices = ("on_demand", "spot", "reserved_1y")
        aliases = import_values.PRICING_ALIASES
        fast, slow = _both(monkeypatch, parse_enums, cells, choices, "a", required, aliases)
        assert _shown(fast[0]) == _shown(slow[0])
        assert list(fast[1].items()) == list(slow[1].items())

"""Units: factors from the units a header or a cell states to the domain's units.

Conventions (documented in the README):
- memory in GB (10^9 bytes; GiB × 1.073741824), bandwidth in TB/s (GB/s ÷ 1000),
  link bandwidth in GB/s (Gb/s ÷ 8), board power in W (kW × 1000), system power in kW;
- compute in dense TFLOPS; a header that says "sparse"/"sparsity" is halved;
- prices per GPU-hour; per node/server/instance prices are divided by the GPU count in
  the header ("8-GPU node", "NVL72") or in a GPUs-per-node column; per month ÷ 730 and
  per year ÷ 8760 (``HOURS_PER_YEAR``);
- money in USD after conversion with the project's exchange rates.

A unit written in a cell (``"500 per month"`` in a per-hour column, ``"80 GiB"`` in a GB
column) is converted relative to the header's unit by :func:`cell_factor`, with a note;
a unit that contradicts the column (``"141 EUR"`` in a memory column) is a problem.
"""

from dataclasses import dataclass, field

from tokentco.domain import HOURS_PER_YEAR
from tokentco.io.import_fields import FieldSpec
from tokentco.io.import_headers import HeaderInfo
from tokentco.io.import_match import ColumnMatch

HOURS_PER_MONTH = HOURS_PER_YEAR / 12.0  # 730

# factor to multiply a value stated in ``unit`` to get the field's domain unit
UNIT_FACTORS: dict[str, dict[str | None, float]] = {
    "memory": {
        None: 1.0,
        "gb": 1.0,
        "gib": 1.073741824,
        "tb": 1000.0,
        "tib": 1099.511627776,
        "mb": 1e-3,
        "mib": 1.048576e-3,
    },
    "bandwidth": {
        None: 1.0,
        "tb/s": 1.0,
        "gb/s": 1e-3,
        "gib/s": 1.073741824e-3,
        "mb/s": 1e-6,
        "gbit/s": 1.25e-4,
        "tb": 1.0,
        "gb": 1e-3,
    },
    "link_bw": {
        None: 1.0,
        "gb/s": 1.0,
        "tb/s": 1000.0,
        "gib/s": 1.073741824,
        "gbit/s": 0.125,
        "mb/s": 1e-3,
        "gb": 1.0,
    },
    "compute": {
        None: 1.0,
        "tflops": 1.0,
        "tops": 1.0,
        "pflops": 1000.0,
        "pops": 1000.0,
        "gflops": 1e-3,
    },
    "power_w": {None: 1.0, "w": 1.0, "kw": 1000.0},
    "power_kw": {None: 1.0, "kw": 1.0, "w": 1e-3},
    "time_ms": {None: 1.0, "ms": 1.0, "s": 1000.0},
    "params": {None: 1.0, "b": 1.0, "m": 1e-3, "t": 1000.0},
    "energy_price": {None: 1.0, "kwh": 1.0, "mwh": 1e-3},
}
PERIOD_FACTORS: dict[str, dict[str | None, float]] = {
    # price per GPU-hour from a price per period
    "price": {
        "hour": 1.0,
        "day": 1 / 24.0,
        "week": 1 / 168.0,
        "month": 1 / HOURS_PER_MONTH,
        "year": 1 / HOURS_PER_YEAR,
    },
    "money_per_year": {
        None: 1.0,
        "year": 1.0,
        "month": 12.0,
        "hour": HOURS_PER_YEAR,
        "day": 365.0,
        "week": 52.0,
    },
    "weeks": {None: 1.0, "week": 1.0, "day": 1 / 7.0, "month": 52.0 / 12.0, "year": 52.0},
    "years": {None: 1.0, "year": 1.0, "month": 1 / 12.0},
}
MONEY_DIMENSIONS = {"price", "money", "money_per_year", "energy_price"}


@dataclass(frozen=True)
class ColumnPlan:
    """How one sheet column becomes one field: factor, currency, division by GPUs."""

    index: int
    letter: str
    header: str
    spec: FieldSpec
    info: HeaderInfo
    factor: float = 1.0
    divide_by_gpus: bool = False
    header_node_gpus: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def plan_column(index: int, letter: str, match: ColumnMatch) -> ColumnPlan | str:
    """Conversion plan for a matched column, or a message when its unit is not understood."""
    spec, info = match.spec, match.info
    dim = spec.dimension
    factor = 1.0
    notes: list[str] = []
    if dim in UNIT_FACTORS:
        table = UNIT_FACTORS[dim]
        if info.unit not in table:
            known = ", ".join(sorted(u for u in table if u))
            return f'unit "{info.unit}" in header "{info.text}" is not understood: expected {known}'
        factor = table[info.unit]
    if dim in PERIOD_FACTORS:
        table2 = PERIOD_FACTORS[dim]
        if info.period not in table2:
            return (
                f'period "{info.period}" in header "{info.text}" is not understood for {spec.label}'
            )
        factor *= table2[info.period]
        if info.period not in (None, "hour") and dim == "price":
            notes.append(f"per {info.period} ÷ {1 / table2[info.period]:g} hours")
    if dim == "compute" and info.sparse:
        factor /= 2.0
        notes.append("sparse figure halved to dense")
    if dim == "fraction" and info.percent:
        factor /= 100.0
    divide = False
    if spec.per_gpu and info.per_node:
        divide = True
    return ColumnPlan(
        index=index,
        letter=letter,
        header=info.text,
        spec=spec,
        info=info,
        factor=factor,
        divide_by_gpus=divide,
        header_node_gpus=info.node_gpus,
        notes=tuple(notes),
    )


# --- units written in a cell --------------------------------------------------------------


@dataclass(frozen=True)
class CellUnit:
    """The unit facts one cell states next to its number ("500 per month", "80 GiB",
    "141 EUR", "5%"). Kept apart from the value so the column decides what they mean."""

    unit: str | None = None
    period: str | None = None
    currency: str | None = None
    percent: bool = False


_DIMENSION_WORDS = {
    "memory": "a memory size",
    "bandwidth": "a bandwidth",
    "link_bw": "a bandwidth",
    "compute": "a compute rate",
    "power_w": "a power",
    "power_kw": "a power",
    "time_ms": "a time",
    "params": "a parameter count",
    "energy_price": "an energy price",
    "price": "a price",
    "money": "an amount of money",
    "money_per_year": "a yearly amount",
    "weeks": "a duration",
    "years": "a duration",
    "fraction": "a fraction",
}


def _what(spec: FieldSpec) -> str:
    return f"{spec.label} ({spec.unit})" if spec.unit else spec.label


def cell_factor(plan: ColumnPlan, cell: CellUnit) -> tuple[float, str] | str:
    """The factor that turns this cell's number into the field's unit, and a note saying
    what was converted; or a message when the cell's unit contradicts the column.

    The header's own unit is already in ``plan.factor``; a cell unit replaces it (divide
    by the header's factor, multiply by the cell's), so "80 GiB" under "Memory (GB)" and
    "500 per month" under "Price per GPU-hour" both land in the domain unit."""
    spec, info = plan.spec, plan.info
    dim = spec.dimension
    factor = plan.factor
    notes: list[str] = []
    if cell.currency and dim not in MONEY_DIMENSIONS:
        return f"is an amount in {cell.currency}, but {_what(spec)} is not money"
    if cell.percent:
        if dim != "fraction":
            return f"is a percentage, but {_what(spec)} is not a fraction"
        # the parsed value is already a fraction (8% → 0.08): undo the header's ÷100
        factor = factor * (100.0 if info.percent else 1.0)
    if cell.unit:
        table = UNIT_FACTORS.get(dim)
        if table is None or cell.unit not in table:
            expected = ", ".join(sorted(u for u in table if u)) if table else "no unit"
            what = _DIMENSION_WORDS.get(dim, "a plain number")
            return f'unit "{cell.unit}" does not fit {_what(spec)}, {what}: expected {expected}'
        if cell.unit != info.unit:
            factor = factor / table[info.unit] * table[cell.unit]
            notes.append(f"{cell.unit} in the cell converted ×{table[cell.unit]:g}")
    if cell.period:
        periods = PERIOD_FACTORS.get(dim)
        if periods is None or cell.period not in periods or info.period not in periods:
            return f'"per {cell.period}" does not fit {_what(spec)}'
        if cell.period != info.period:
            factor = factor / periods[info.period] * periods[cell.period]
            if dim == "price":
                hours = 1 / periods[cell.period]
                notes.append(f"per {cell.period} in the cell ÷ {hours:g} hours")
            else:
                notes.append(f"per {cell.period} in the cell converted ×{periods[cell.period]:g}")
    return factor, ", ".join(notes)

"""The capacity plan as a table of inputs and the formula over them, for the workbook's Plan
sheet and the report page: each year's cost is recomputable from its own row.

    cost = base GPUs × base $/GPU-h × 8760 + burst GPU-hours × burst $/GPU-h
    all on demand = GPU-hours needed × burst $/GPU-h
    all base = peak GPUs (rounded up to whole systems) × base $/GPU-h × 8760
    NPV = Σ cost / (1 + cost of capital)^year

so a spreadsheet can carry the inputs as cells and the costs as live formulas."""

import math

from tokentco.domain import HOURS_PER_YEAR
from tokentco.engine.plan import CapacityPlan

PLAN_COLUMNS = (
    "year",
    "base GPUs",
    "base $/GPU-h",
    "burst GPU-hours",
    "burst $/GPU-h",
    "GPU-hours needed",
    "peak GPUs",
    "base step GPUs",
    "cost",
    "all on-demand cost",
    "all base cost",
)
"""Inputs first, then the three costs the formulas give."""
HOURS = HOURS_PER_YEAR


def plan_rows(plan: CapacityPlan) -> list[list[float]]:
    """One row per year in ``PLAN_COLUMNS`` order (missing prices as inf)."""
    rows = []
    base = plan.prices.base_usd_per_gpu_hour
    for y in plan.years:
        needed = _needed_gpu_hours(plan, y.year)
        rows.append(
            [
                float(y.year),
                float(y.base_gpus),
                base,
                y.burst_gpu_hours,
                y.burst_usd_per_gpu_hour,
                needed,
                float(y.peak_gpus),
                float(plan.base_step),
                y.cost_usd,
                y.all_on_demand_usd,
                y.all_base_usd,
            ]
        )
    return rows


def _needed_gpu_hours(plan: CapacityPlan, year: int) -> float:
    """GPU-hours the load needs in a year: all-on-demand cost over the burst price (the
    plan does not keep later years' hourly needs)."""
    row = plan.years[year - 1]
    if math.isfinite(row.burst_usd_per_gpu_hour) and row.burst_usd_per_gpu_hour > 0:
        return row.all_on_demand_usd / row.burst_usd_per_gpu_hour
    if year == 1 and plan.hourly_gpus:
        return sum(plan.hourly_gpus) * HOURS / len(plan.hourly_gpus)
    return math.nan


def formula_cost(row: list[float]) -> float:
    """The Plan sheet's cost formula on one row (what the workbook writes as a formula)."""
    base_gpus, base, burst_hours, burst = row[1], row[2], row[3], row[4]
    return (base_gpus * base * HOURS if base_gpus else 0.0) + (
        burst_hours * burst if burst_hours else 0.0
    )

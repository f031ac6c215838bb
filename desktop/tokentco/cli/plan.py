"""``tokentco plan``: base + burst capacity per option for an hourly demand profile.

``tokentco plan PROJECT --profile PROFILE.csv [--years N] [--csv]`` prints, per option,
the year-1 base GPUs, burst GPU-hours and annual cost beside all-on-demand and
all-base-at-peak, then the term's NPV. PROFILE.csv has columns ``hour,tokens_per_s``
(output tokens/s; 168 rows for a week or 24 for a day).
"""

import argparse
import csv
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .common import calibration, csv_safe, format_table, load_project_and_catalogue

if TYPE_CHECKING:
    from tokentco.engine.plan import CapacityPlan

HELP = "plan owned/reserved base + on-demand burst GPUs per option for an hourly load"

COLUMNS = (
    "option",
    "base GPUs",
    "burst GPU-hours/yr",
    "annual cost",
    "all on-demand annual cost",
    "all base annual cost",
)
"""The contract columns (year-1 figures), in order; more follow them."""
EXTRA_COLUMNS = ("peak GPUs", "NPV", "base offer", "burst offer", "why")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="a .tokentco project")
    parser.add_argument(
        "--profile",
        required=True,
        metavar="PROFILE.csv",
        help="hourly output tokens/s: columns hour,tokens_per_s, 168 rows (week) or 24 (day)",
    )
    parser.add_argument(
        "--years", type=int, help="years to plan (default: the project's contract term)"
    )
    parser.add_argument(
        "--growth",
        type=float,
        help="demand growth per year, e.g. 0.3 (default: the project's profile setting or 0)",
    )
    parser.add_argument("--csv", action="store_true", help="print CSV instead of a table")


def run(args: argparse.Namespace) -> int:
    from tokentco.engine.plan import plan_capacity
    from tokentco.io.errors import InputError
    from tokentco.io.mix_csv import read_profile
    from tokentco.present.formats import percent, tokens_per_s
    from tokentco.present.mix_text import plan_why

    if args.years is not None and not 1 <= args.years <= 30:
        raise InputError(f"--years {args.years}: expected a whole number of years from 1 to 30")
    project, catalogue = load_project_and_catalogue(args.project)
    profile = read_profile(Path(args.profile))
    kept = project.demand_profile
    settings: dict[str, object] = {}
    if kept is not None:  # the project's plan settings apply to the imported load
        settings = {
            "growth_per_year": kept.growth_per_year,
            "cost_of_capital": kept.cost_of_capital,
            "use_spot": kept.use_spot,
            "spot_preemption_share": kept.spot_preemption_share,
        }
    if args.growth is not None:
        settings["growth_per_year"] = args.growth
    try:
        profile = profile.model_validate({**profile.model_dump(), **settings})
        if not project.options:
            raise ValueError("the project has no options to plan")
        plans = plan_capacity(project, catalogue, calibration(), args.years, profile)
    except ValueError as exc:
        raise InputError(f"{args.project}: {_first_line(exc)}") from exc
    rows = [_row(plan, raw=args.csv) for plan in plans]
    if args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([*COLUMNS, *EXTRA_COLUMNS])
        writer.writerows([[csv_safe(cell) for cell in row] for row in rows])
        return 0
    years = plans[0].years if plans and plans[0].years else ()
    term = f"{len(years)} year{'s' if len(years) != 1 else ''}" if years else "the term"
    print(
        f"{project.name}: plan over {term} for {profile.name or args.profile} "
        f"(peak {tokens_per_s(profile.peak_tokens_per_s, unit='tok/s')}, growth "
        f"{percent(profile.growth_per_year)}/yr, rental prices "
        f"-{percent(project.price_erosion_per_year)}/yr); year-1 figures, USD"
    )
    print(format_table([*COLUMNS, *EXTRA_COLUMNS[:2]], [row[: len(COLUMNS) + 2] for row in rows]))
    for plan in plans:
        print(f"  {plan.label}: {plan_why(plan)}")
    return 0


def _first_line(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{where}: {first['msg']}" if where else str(first["msg"])
    return str(exc).splitlines()[0]


def _money(value: float, raw: bool) -> str:
    from tokentco.domain.text import fixed

    if not math.isfinite(value):
        return "" if raw else "n/a"
    return f"{value:.2f}" if raw else fixed(value)


def _row(plan: "CapacityPlan", raw: bool) -> list[str]:
    from tokentco.domain.text import fixed
    from tokentco.present.mix_text import plan_why

    year = plan.first
    if year is None:
        missing = "" if raw else "n/a"
        return [plan.label, *([missing] * (len(COLUMNS) + 1)), "", "", "", plan_why(plan)]
    return [
        plan.label,
        str(year.base_gpus),
        f"{year.burst_gpu_hours:.1f}" if raw else fixed(year.burst_gpu_hours),
        _money(year.cost_usd, raw),
        _money(year.all_on_demand_usd, raw),
        _money(year.all_base_usd, raw),
        str(year.peak_gpus),
        _money(plan.npv_usd, raw),
        plan.prices.base_offer_id,
        plan.prices.on_demand_offer_id,
        plan_why(plan),
    ]

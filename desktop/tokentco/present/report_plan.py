"""The report's workload-mix and capacity-plan page: what each option costs for the
project's traffic mix, and how much base to own or reserve and burst on demand over the term.

Both appear only when the project holds them (workload classes, a demand profile); the
sentences come from ``present.mix_text`` so the report, Details, the Workload tab and the CLI
say the same thing.
"""

from dataclasses import dataclass

from tokentco.domain import Catalogue, Project
from tokentco.engine.calibration import Calibration
from tokentco.engine.mix import MixComparison, evaluate_mix
from tokentco.engine.plan import CapacityPlan, plan_capacity
from tokentco.present import formats as fmt
from tokentco.present.axes import fmt_ticks
from tokentco.present.mix_text import mix_why, plan_why
from tokentco.present.report_types import Table

Labels = dict[str, str]


@dataclass(frozen=True)
class PlanChart:
    """One option's year-1 week: GPUs needed each hour, of which ``base`` are base."""

    title: str
    hourly_gpus: tuple[int, ...]
    base_gpus: int
    y_ticks: tuple[tuple[float, str], ...]


@dataclass(frozen=True)
class PlanPage:
    """The mix table and the plan table with their sentences and the chart."""

    mix: Table | None
    mix_notes: tuple[str, ...]
    plan: Table | None
    plan_notes: tuple[str, ...]
    chart: PlanChart | None


def plan_page(
    project: Project,
    catalogue: Catalogue,
    calibration: Calibration | None,
    labels: Labels,
    focus: str | None,
) -> PlanPage | None:
    """The page for ``project`` (None when it has neither a mix nor a profile); ``focus`` is
    the option whose week is charted (the winner)."""
    if not project.workload_classes and project.demand_profile is None:
        return None
    mix = evaluate_mix(project, catalogue, calibration) if project.workload_classes else None
    plans = (
        plan_capacity(project, catalogue, calibration, mix=mix)
        if project.demand_profile is not None
        else ()
    )
    return PlanPage(
        mix=_mix_table(mix, labels) if mix else None,
        mix_notes=tuple(f"{labels[r.option_id]}: {mix_why(r)}." for r in mix.options)
        if mix
        else (),
        plan=_plan_table(plans, labels) if plans else None,
        plan_notes=tuple(f"{labels[p.option_id]}: {plan_why(p)}." for p in plans),
        chart=_chart(plans, labels, focus),
    )


def _mix_table(mix: MixComparison, labels: Labels) -> Table:
    classes = [c.name for c in mix.options[0].pool.classes] if mix.options else []
    shares = [c.share for c in mix.options[0].pool.classes] if mix.options else []
    rows = []
    for r in mix.options:
        pool = r.pool
        blend = fmt.usd_per_mtok(pool.usd_per_mtok) if r.feasible else "misses target"
        rng = pool.usd_per_mtok_range
        if rng is not None and r.feasible:
            blend += "\n" + fmt.value_range(rng.p10, rng.p90, fmt.usd_per_mtok)
        per_class = [
            fmt.usd_per_mtok(c.usd_per_mtok) if c.feasible else "misses target"
            for c in pool.classes
        ]
        pool_name = "separate pools" if r.chosen == "separate" else "one shared pool"
        rows.append((labels[r.option_id], pool_name, blend, *per_class))
    headers = (
        "Option",
        "Served as",
        "Blended $/Mtok (p10–p90)",
        *[
            f"{name} ({fmt.percent(share)}) $/Mtok"
            for name, share in zip(classes, shares, strict=True)
        ],
    )
    return Table(
        headers=headers,
        rows=tuple(rows),
        widths=(3.0, 1.4, 1.6, *([1.2] * len(classes))),
        caption="Workload mix: $/Mtok by class (share of output tokens) and blended",
        note="Shares are of output tokens. Each option serves the mix either as separate pools "
        "(each class at its own latency target) or as one pool held to the strictest target, "
        "whichever costs less.",
    )


def _plan_table(plans: tuple[CapacityPlan, ...], labels: Labels) -> Table:
    rows = []
    for p in plans:
        y = p.first
        if not p.feasible or y is None:
            rows.append((labels[p.option_id], *(["—"] * 7)))
            continue
        rows.append(
            (
                labels[p.option_id],
                fmt.integer(y.base_gpus),
                fmt.integer(y.peak_gpus),
                fmt.number(y.burst_gpu_hours),
                fmt.money(y.cost_usd),
                fmt.money(y.all_on_demand_usd),
                fmt.money(y.all_base_usd),
                fmt.money(p.npv_usd),
            )
        )
    years = max((len(p.years) for p in plans), default=0)
    return Table(
        headers=(
            "Option",
            "Base GPUs",
            "Peak GPUs",
            "Burst GPU-hours/yr",
            "Year-1 cost",
            "All on demand",
            "All base at peak",
            f"NPV over {years} years",
        ),
        rows=tuple(rows),
        widths=(3.0, 0.9, 0.9, 1.2, 1.1, 1.1, 1.1, 1.2),
        caption="Capacity plan: owned or reserved base plus on-demand burst (year 1)",
        note="The base is bought or reserved in whole systems and replicas; burst hours are "
        "rented on demand (or spot, with its preempted share re-bought on demand). A plan never "
        "costs more than renting everything on demand or owning enough for the peak.",
    )


def _chart(plans: tuple[CapacityPlan, ...], labels: Labels, focus: str | None) -> PlanChart | None:
    chosen = next((p for p in plans if p.option_id == focus and p.feasible), None)
    chosen = chosen or next((p for p in plans if p.feasible and p.first is not None), None)
    if chosen is None or chosen.first is None or not chosen.hourly_gpus:
        return None
    top = max(max(chosen.hourly_gpus), chosen.first.base_gpus, 1)
    return PlanChart(
        title=f"GPUs by hour, year 1: {labels[chosen.option_id]} (base and burst)",
        hourly_gpus=tuple(int(g) for g in chosen.hourly_gpus),
        base_gpus=int(chosen.first.base_gpus),
        y_ticks=fmt_ticks([float(top)], fmt.number),
    )

"""Words for mixes, agent sessions and capacity plans: what Details, the Workload tab, the
report and the CLI print about them, worded once with the shared formatters."""

import math

from tokentco.engine.mix import MixResult, PoolFigures
from tokentco.engine.multiturn import SessionResult
from tokentco.engine.plan import CapacityPlan
from tokentco.present import formats as f


def targets(pool: PoolFigures) -> str:
    """The latency targets a shared pool is held to, in words."""
    ttft, speed = pool.workload_targets
    parts = []
    if ttft is not None:
        parts.append(f"TTFT ≤ {f.milliseconds(ttft)}")
    if speed is not None:
        parts.append(f"≥ {f.tokens_per_s(speed, unit='tok/s per user')}")
    return " and ".join(parts) or "no latency target"


def _fleet(pool: PoolFigures) -> str:
    return f"{f.integer(pool.gpus)} GPUs, {f.money(pool.annual_cost_usd)}/yr"


def mix_why(result: MixResult) -> str:
    """Which arrangement serves the mix and the comparison that decided it."""
    sep, shared = result.separate, result.shared
    held = targets(shared)
    if result.decided_by == "feasibility":
        if not sep.feasible and not shared.feasible:
            return f"no arrangement is feasible ({sep.reason})"
        if result.chosen == "separate":
            return f"separate pools: one pool held to {held} is infeasible ({shared.reason})"
        return f"one shared pool: separate pools are infeasible ({sep.reason})"
    if result.decided_by == "annual cost":
        if result.chosen == "shared":
            return (
                f"one shared pool held to {held}: {_fleet(shared)}, vs {_fleet(sep)} in "
                "separate pools (one rounding to whole systems instead of one per class)"
            )
        return f"separate pools: {_fleet(sep)}, vs {_fleet(shared)} in one pool held to {held}"
    a = f.usd_per_mtok(sep.usd_per_mtok, unit=True)
    b = f.usd_per_mtok(shared.usd_per_mtok, unit=True)
    if result.chosen == "shared":
        return f"one shared pool: holding every class to {held} costs no more ({b} vs {a})"
    return (
        f"separate pools: each class at its own target costs {a} vs {b} in one pool held to {held}"
    )


def plan_why(plan: CapacityPlan) -> str:
    """One sentence: what the plan does in year 1 and the price gap that decides it."""
    if not plan.feasible or plan.first is None:
        return f"no plan: {plan.reason}"
    year = plan.first
    base = plan.prices.base_usd_per_gpu_hour
    burst = year.burst_usd_per_gpu_hour
    base_text = f.usd_per_gpu_hour(base, unit=True)
    burst_text = f.usd_per_gpu_hour(burst, unit=True)
    if not math.isfinite(base):
        return f"all burst: no owned or reserved offer for this hardware (burst {burst_text})"
    if not math.isfinite(burst):
        return f"all base: no on-demand offer for this hardware (base {base_text})"
    if year.burst_gpu_hours == 0:
        return (
            f"all base ({f.integer(year.base_gpus)} GPUs): even for the hours only the peak "
            f"needs, a base GPU at {base_text} costs less than burst at {burst_text}"
        )
    if year.base_gpus == 0 and plan.base_step > 1 and year.peak_gpus < plan.base_step:
        step_cost = f.money(plan.base_step * base)
        need_cost = f.money(year.peak_gpus * burst)
        return (
            f"all burst: base comes in whole {f.integer(plan.base_step)}-GPU systems, and one "
            f"at {base_text} ({step_cost}/h) costs more than the {f.integer(year.peak_gpus)} "
            f"GPUs the peak needs at burst {burst_text} ({need_cost}/h)"
        )
    if year.base_gpus == 0:
        return (
            f"all burst: base at {base_text} costs more than burst at {burst_text} over the "
            f"hours a base {'GPU' if plan.base_step == 1 else 'system'} would be busy"
        )
    return (
        f"{f.integer(year.base_gpus)} base GPUs busy more than {f.percent(base / burst)} of "
        f"hours; above them {f.number(year.burst_gpu_hours)} burst GPU-hours/yr at "
        f"{burst_text} (base {base_text})"
    )


def mix_lines(result: MixResult) -> list[str]:
    """The chosen arrangement and why, then one line per class of its pool."""
    pool = result.pool
    band = pool.usd_per_mtok_range
    spread = ""
    if band is not None and band.p90 > band.p10:  # measured classes alone have no spread
        spread = f" (p10–p90 {f.value_range(band.p10, band.p90, f.usd_per_mtok)})"
    lines = [
        f"Mix on {result.label}: {f.usd_per_mtok(pool.usd_per_mtok, unit=True)} blended{spread}"
        f" — {mix_why(result)}."
    ]
    for c in pool.classes:
        if not c.feasible:
            lines.append(f"  {c.name} ({f.percent(c.share)} of output): infeasible — {c.reason}")
            continue
        lines.append(
            f"  {c.name} ({f.percent(c.share)} of output): "
            f"{f.usd_per_mtok(c.usd_per_mtok, unit=True)}, "
            f"{f.tokens_per_s(c.output_tokens_per_s_per_gpu, unit='tok/s/GPU')}, "
            f"TTFT {f.milliseconds(c.ttft_ms)}"
        )
    return lines


def session_lines(session: SessionResult) -> list[str]:
    """Per-turn prompt, cached share and TTFT, then the session's cost and its KV hold."""
    lines = []
    for t in session.turns:
        state = f"TTFT {f.milliseconds(t.ttft_ms)}" if t.feasible else f"infeasible — {t.reason}"
        lines.append(
            f"  turn {t.turn}: {f.integer(t.context_tokens)}-token prompt, "
            f"{f.percent(t.prefix_hit_rate)} cached, {state}"
        )
    if session.feasible:
        share = session.kv_hold_usd_per_session / session.usd_per_session
        lines.append(
            f"  session: {f.money(session.usd_per_session)} for "
            f"{f.integer(session.output_tokens)} output tokens "
            f"({f.usd_per_mtok(session.usd_per_mtok_output, unit=True)}); KV held during tool "
            f"waits {f.number(session.kv_held_gb_s)} GB·s, {f.percent(share)} of the cost"
        )
    return lines


def plan_summary(plan: CapacityPlan) -> str:
    """Year 1 and the term in one sentence, then why (the Workload tab's status line)."""
    year = plan.first
    if year is None:
        return f"{plan.label}: {plan_why(plan)}."
    return (
        f"{plan.label}, year 1: {f.integer(year.base_gpus)} base GPUs, "
        f"{f.number(year.burst_gpu_hours)} burst GPU-hours, {f.money(year.cost_usd)} (all on "
        f"demand {f.money(year.all_on_demand_usd)}, all base {f.money(year.all_base_usd)}); "
        f"NPV over {len(plan.years)} years {f.money(plan.npv_usd)}. {plan_why(plan)}."
    )


def plan_lines(plan: CapacityPlan) -> list[str]:
    """Year by year: base, peak, burst GPU-hours and cost against the two extremes; NPVs."""
    if not plan.feasible:
        return [f"Plan for {plan.label}: {plan_why(plan)}."]
    lines = [f"Plan for {plan.label}: {plan_why(plan)}."]
    for y in plan.years:
        lines.append(
            f"  year {y.year}: {f.integer(y.base_gpus)} base GPUs (peak {f.integer(y.peak_gpus)}), "
            f"{f.number(y.burst_gpu_hours)} burst GPU-hours at "
            f"{f.usd_per_gpu_hour(y.burst_usd_per_gpu_hour, unit=True)}: {f.money(y.cost_usd)} "
            f"vs {f.money(y.all_on_demand_usd)} all on demand, {f.money(y.all_base_usd)} all base"
        )
    lines.append(
        f"  NPV at {f.percent_per_year(plan.cost_of_capital)}: {f.money(plan.npv_usd)} "
        f"(all on demand {f.money(plan.all_on_demand_npv_usd)}, "
        f"all base {f.money(plan.all_base_npv_usd)})"
    )
    return lines

"""Words for mixes, agent sessions and capacity plans: what Details, the Workload tab, the
report and the CLI print about them, worded once with the shared formatters."""

from tokentco.engine.mix import MixResult
from tokentco.engine.multiturn import SessionResult
from tokentco.engine.plan import CapacityPlan
from tokentco.present import formats as f


def mix_lines(result: MixResult) -> list[str]:
    """The chosen arrangement and why, then one line per class of its pool."""
    pool = result.pool
    arrangement = "separate pools" if result.chosen == "separate" else "one shared pool"
    band = pool.usd_per_mtok_range
    spread = ""
    if band is not None and band.p90 > band.p10:  # measured classes alone have no spread
        spread = f" (p10–p90 {f.value_range(band.p10, band.p90, f.usd_per_mtok)})"
    lines = [
        f"Mix on {result.label}: {f.usd_per_mtok(pool.usd_per_mtok, unit=True)} blended{spread}, "
        f"{arrangement} — {result.why}."
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


def plan_lines(plan: CapacityPlan) -> list[str]:
    """Year by year: base, peak, burst GPU-hours and cost against the two extremes; NPVs."""
    if not plan.feasible:
        return [f"Plan for {plan.label}: {plan.why}."]
    lines = [f"Plan for {plan.label}: {plan.why}."]
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

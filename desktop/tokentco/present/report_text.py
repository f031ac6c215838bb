"""The report's sentences: context, executive summary (winner, ties, nothing feasible),
notes, methodology, sources and footer — worded once, Qt-free.
"""

import math
from datetime import datetime

import tokentco
from tokentco.domain import Catalogue, Project
from tokentco.engine.results import Comparison, OptionResult
from tokentco.engine.scoring import Scorecard
from tokentco.engine.sensitivity import TornadoBar
from tokentco.present import formats as fmt
from tokentco.present import names, sentences
from tokentco.present.methodology import methodology as shared_methodology
from tokentco.present.report_sources import citations_for
from tokentco.present.report_tables import Labels, basis_text
from tokentco.present.standing import Standing


def plain(value: float) -> str:
    """A figure the analyst typed (a target, a length): as typed, "20" not "20.0"."""
    text = fmt.number(value)
    return text.rstrip("0").rstrip(".") if "." in text and text[-1] == "0" else text


def latency_target(project: Project) -> str:
    return sentences.latency_target(project.workload)


def demand_text(project: Project) -> str:
    d = project.demand
    if d.tokens_per_day:
        return f"{fmt.number(d.tokens_per_day / 1e9)} billion output tokens/day"
    if d.peak_requests_per_s:
        return f"{fmt.number(d.peak_requests_per_s)} requests/s at peak"
    return "no demand stated"


def context_lines(
    project: Project, comparison: Comparison, catalogue: Catalogue, created: datetime
) -> tuple[str, ...]:
    w = project.workload
    model = catalogue.models.get(comparison.model_id)
    model_name = model.name if model and model.name else comparison.model_id
    return (
        f"Model: {model_name} · workload: {fmt.integer(w.isl_tokens)} input / "
        f"{fmt.integer(w.osl_tokens)} output tokens per request · latency target: "
        f"{latency_target(project)} · demand: {demand_text(project)} · $/Mtok counts "
        f"{names.display(w.token_basis)}",
        f"{len(comparison.options)} options · prepared {created:%Y-%m-%d %H:%M} with TokenTCO "
        f"{tokentco.__version__} (throughput model {tokentco.MODEL_VERSION})",
    )


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _figures(r: OptionResult) -> str:
    """ "$0.153 per million tokens (p10–p90 $0.12–$0.19), anchored throughput 4,687 tokens/s
    per GPU at 70% utilization, $1.81 per GPU-hour"."""
    cost = fmt.usd_per_mtok(r.usd_per_mtok)
    u = r.uncertainty
    spread = (
        f" (p10–p90 {fmt.value_range(u.usd_per_mtok.p10, u.usd_per_mtok.p90, fmt.usd_per_mtok)})"
        if u is not None
        else ""
    )
    return (
        f"{cost} per million tokens at the latency target{spread}, "
        f"{basis_text(r)} throughput {fmt.tokens_per_s(r.point.output_tokens_per_s_per_gpu)} "
        f"tokens/s per GPU at {fmt.percent(r.utilization)} utilization, "
        f"{fmt.usd_per_gpu_hour(r.cost.usd_per_gpu_hour)} per GPU-hour"
    )


def summary(
    project: Project,
    comparison: Comparison,
    card: Scorecard,
    place: Standing,
    labels: Labels,
) -> tuple[str, ...]:
    """Winner (or tie, or nothing feasible), runner-up, yearly saving, confidence,
    sensitivity."""
    by_id = {r.option_id: r for r in comparison.options}
    if not place.winners:
        return (_nothing_feasible(project, comparison, labels),)
    total = fmt.score(card.total_of(place.winners[0]))
    if place.tied:
        named = _and([labels[i].full for i in place.winners])
        lines = [f"Tie: {named} share first place with a weighted score of {total} / 100."]
        lines += [f"{labels[i].full}: {_figures(by_id[i])}." for i in place.winners]
    else:
        win = by_id[place.winners[0]]
        lines = [
            f"Winner: {labels[win.option_id].full} — weighted score {total} / 100, {_figures(win)}."
        ]
        lines += _runner_up(card, place, by_id, labels)
    lines += _confidence(comparison)
    if place.tied:
        lines.append(
            f"Sensitivity: the tied options score the same ({total}); any change of weight or "
            "input that favours one of them breaks the tie."
        )
    else:
        lines.append("Sensitivity: " + card.sentence)
    return tuple(lines)


def _nothing_feasible(project: Project, comparison: Comparison, labels: Labels) -> str:
    """No winner, and for each option (the first few) why it misses the target."""
    missed = [
        f"{labels[r.option_id].full}: {r.point.reason}"
        if r.point.reason
        else labels[r.option_id].full
        for r in comparison.options
    ]
    shown = "; ".join(missed[:MAX_REASONS])
    more = f"; and {len(missed) - MAX_REASONS} more" if len(missed) > MAX_REASONS else ""
    return (
        f"No option meets the latency target ({latency_target(project)}), so there is no "
        f"winner ({shown}{more}). Relax the target, change serving options or add options."
    )


MAX_REASONS = 4
"""Options whose reason the no-winner sentence names (the comparison table lists all)."""


def _runner_up(
    card: Scorecard, place: Standing, by_id: dict[str, OptionResult], labels: Labels
) -> list[str]:
    if not place.runners_up:
        return ["No other option meets the latency target, so there is no runner-up."]
    win = by_id[place.winners[0]]
    names_ = _and([labels[i].full for i in place.runners_up])
    run = by_id[place.runners_up[0]]
    shared = " (tied)" if len(place.runners_up) > 1 else ""
    text = (
        f"Runner-up{shared}: {names_} — score {fmt.score(card.total_of(run.option_id))}, "
        f"{fmt.usd_per_mtok(run.usd_per_mtok, unit=True)}."
    )
    if win.fleet is not None and run.fleet is not None:
        saving = run.fleet.annual_cost_usd - win.fleet.annual_cost_usd
        verb = "saves" if saving >= 0 else "costs"
        more = "" if saving >= 0 else " more"
        text += (
            f" At the stated demand the winner's fleet ({fmt.integer(win.fleet.gpus)} GPUs, "
            f"{fmt.money(win.fleet.annual_cost_usd)}/year) {verb} {fmt.money(abs(saving))}"
            f"{more} per year against the runner-up's ({fmt.integer(run.fleet.gpus)} GPUs, "
            f"{fmt.money(run.fleet.annual_cost_usd)}/year)."
        )
    return [text]


def _confidence(comparison: Comparison) -> list[str]:
    p = comparison.p_winner_cheapest
    if p is None:
        return []
    odds = "more than 99%" if p > 0.995 else "less than 1%" if p < 0.005 else fmt.percent(p)
    return [
        f"How sure: given the estimator's out-of-sample error (errors shared by options with the "
        f"same hardware and model), the cheapest option at the target is truly the cheapest with "
        f"probability {odds}."
    ]


def summary_notes(comparison: Comparison, card: Scorecard) -> tuple[str, ...]:
    notes = []
    if not card.weights_ok:
        notes.append(
            f"Note: the criterion weights add up to {fmt.percent(card.weights_sum_pct / 100)}, "
            "not 100%; totals are divided by the sum."
        )
    missed = [r for r in comparison.options if not r.point.feasible]
    if missed and len(missed) < len(comparison.options):
        notes.append(
            f"{len(missed)} of {len(comparison.options)} options miss the latency target and "
            "cannot rank; they are listed last."
        )
    return tuple(notes)


ASSUMPTION_NAMES: dict[str, str] = {
    "scale_up_gpus": "scale-up domain size",
    "scale_up_bw_gb_s_per_gpu": "scale-up bandwidth",
    "scale_out_bw_gb_s_per_gpu": "scale-out bandwidth",
    "capex_per_gpu": "capex per GPU",
    "opex_per_gpu_year": "opex per GPU-year",
    "depreciation_years": "depreciation life",
    "cost_of_capital": "cost of capital",
    "usd_per_kwh": "power price",
    "pue": "PUE",
    "watts_per_gpu_all_in": "all-in power per GPU",
    "anchor_isl_tokens": "input length of an anchor measurement",
}
"""Display names of the inputs the engine may assume (``Assumption.field``)."""


def assumption_name(field: str) -> str:
    return ASSUMPTION_NAMES.get(field, names.display(field))


def assumption_notes(project: Project, comparison: Comparison) -> tuple[str, ...]:
    w, d = project.workload, project.demand
    notes = [
        f"Workload: {fmt.integer(w.isl_tokens)} input and {fmt.integer(w.osl_tokens)} output "
        f"tokens per request, prefix-cache hit rate {fmt.percent(w.prefix_hit_rate)}; demand "
        f"peak-to-average {fmt.number(d.peak_to_average)}, contract term "
        f"{fmt.number(d.term_years)} years. Lock-in rubrics and lead times are analyst inputs."
    ]
    assumed = sorted({a.field for r in comparison.options for a in r.assumptions})
    if assumed:
        notes.append(
            "Assumed rather than read (shown per option above with the value used and where to "
            "set it): " + ", ".join(names.display(a) for a in assumed) + "."
        )
    return tuple(notes)


_PERCENT_KEYS = frozenset({"utilization", "acceptance_rate", "prefix_hit_rate"})


def tornado_range(bar: TornadoBar) -> str:
    """The input's low–high values in its own unit: "56%–84%", "6.4%–9.6%/year",
    "$2.12–$3.18 per GPU-hour", "€30.0k–€45.0k"."""
    lo, hi, unit = bar.low_value, bar.high_value, bar.unit
    if unit == "%" or bar.key in _PERCENT_KEYS:
        return fmt.value_range(lo, hi, fmt.percent)
    if unit == "%/year":
        return fmt.value_range(lo, hi, fmt.percent, suffix="/year")
    currency, _, per = unit.partition("/")
    if currency in ("USD", "$"):
        tail = {"h": " per GPU-hour", "kWh": " per kWh"}.get(per, f" per {per}" if per else "")
        return fmt.value_range(lo, hi, fmt.money, suffix=tail)
    if len(currency) == 3 and currency.isupper():
        tail = {"h": " per GPU-hour"}.get(per, f" per {per}" if per else "")
        return f"{fmt.value_range(lo, hi)} {currency}{tail}"
    return fmt.value_range(lo, hi) + (f" {unit}" if unit else "")


def frontier_note(comparison: Comparison) -> str:
    kinds = sorted({r.point.provenance for r in comparison.options if r.point.feasible})
    basis = _and(kinds) if kinds else "estimated"
    return (
        "Dots mark each option's operating point: the highest tokens/s per GPU that meets the "
        f"latency target; whiskers give its p10–p90 range. Curves are {basis} "
        f"({tokentco.MODEL_VERSION}; anchored curves are scaled to their measurement)."
    )


def methodology() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(heading, paragraphs): the same text as the workbook's Methodology sheet."""
    return shared_methodology()


def sources(
    project: Project, comparison: Comparison, catalogue: Catalogue, labels: Labels
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Per option: the citations of its throughput, price and hardware (no internal notes)."""
    out = []
    for r in comparison.options:
        out.append((labels[r.option_id].full, citations_for(r, catalogue)))
    return tuple(out)


def footer(project: Project, created: datetime) -> str:
    return f"TokenTCO {tokentco.__version__} · {project.name} · {created:%Y-%m-%d}"


def finite_or_none(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None

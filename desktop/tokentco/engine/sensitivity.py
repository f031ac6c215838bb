"""Tornado sensitivity: $/Mtok of one option with each input moved by ±X %.

Option-level inputs (utilization, price or capex, power price, PUE, speculative acceptance
…) become copies of the option — each with its own offer id where the offer changes;
workload inputs (ISL, OSL, latency targets, prefix hits) move the workload. Every end is
what ``evaluate()`` gives a project holding only that copy (or only the option, at the
moved workload), pinned to the base's anchoring — computed as its stages: one sweep of the
base option, then one estimator call for the option as it is, the ends whose serving stack
changes (speculative acceptance) and every moved workload end, then each end's economics.
An end that changes only money or utilization is priced from the option's own sweep (the
estimator never sees those), and no P(winner) Monte Carlo is run.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

from tokentco.domain import Catalogue, ComparisonOption, Offer, Project, ServingOptions, Workload
from tokentco.domain.catalogue import Provenance
from tokentco.engine import stages
from tokentco.engine.calibration import DEFAULT_CALIBRATION, Calibration
from tokentco.engine.option_eval import anchoring_of
from tokentco.engine.results import OptionResult


@dataclass(frozen=True)
class TornadoBar:
    """$/Mtok with one input at (1 − fraction) and (1 + fraction) of its value."""

    key: str
    label: str
    unit: str
    base_value: float
    low_value: float
    high_value: float
    usd_per_mtok_low: float  # at low_value (inf: the latency target cannot be met)
    usd_per_mtok_high: float
    base_usd_per_mtok: float

    @property
    def swing(self) -> float:
        """Spread of $/Mtok between the two ends (inf when one end is infeasible)."""
        return abs(self.usd_per_mtok_high - self.usd_per_mtok_low)


OptionEdit = Callable[
    [ComparisonOption, ServingOptions, Offer, float], tuple[ServingOptions, Offer]
]
WorkloadEdit = Callable[[Workload, float], Workload]


def _serving(field: str, limit: tuple[float, float]) -> OptionEdit:
    def edit(
        o: ComparisonOption, s: ServingOptions, offer: Offer, k: float
    ) -> tuple[ServingOptions, Offer]:
        value = min(max(getattr(s, field) * k, limit[0]), limit[1])
        return s.model_copy(update={field: value}), offer

    return edit


def _spec(field: str, limit: tuple[float, float]) -> OptionEdit:
    def edit(
        o: ComparisonOption, s: ServingOptions, offer: Offer, k: float
    ) -> tuple[ServingOptions, Offer]:
        value = min(max(getattr(s.speculative, field) * k, limit[0]), limit[1])
        return s.model_copy(
            update={"speculative": s.speculative.model_copy(update={field: value})}
        ), offer

    return edit


def _price(
    o: ComparisonOption, s: ServingOptions, offer: Offer, k: float
) -> tuple[ServingOptions, Offer]:
    assert offer.price_per_gpu_hour is not None
    return s, offer.model_copy(update={"price_per_gpu_hour": offer.price_per_gpu_hour * k})


def _owned(field: str, limit: tuple[float, float]) -> OptionEdit:
    def edit(
        o: ComparisonOption, s: ServingOptions, offer: Offer, k: float
    ) -> tuple[ServingOptions, Offer]:
        assert offer.owned is not None
        value = min(max(getattr(offer.owned, field) * k, limit[0]), limit[1])
        return s, offer.model_copy(update={"owned": offer.owned.model_copy(update={field: value})})

    return edit


def _read_owned(field: str) -> Callable[[ServingOptions, Offer], float]:
    def read(s: ServingOptions, o: Offer) -> float:
        return float(getattr(o.owned, field))

    return read


def _workload(
    field: str, integer: bool = False, limit: tuple[float, float] = (0, math.inf)
) -> WorkloadEdit:
    def edit(w: Workload, k: float) -> Workload:
        value = min(max(getattr(w, field) * k, limit[0]), limit[1])
        return w.model_copy(update={field: max(1, round(value)) if integer else value})

    return edit


def _option_inputs(
    serving: ServingOptions, offer: Offer
) -> list[tuple[str, str, str, Callable[[ServingOptions, Offer], float], OptionEdit]]:
    rows: list[tuple[str, str, str, Callable[[ServingOptions, Offer], float], OptionEdit]] = [
        (
            "utilization",
            "Utilization",
            "%",
            lambda s, o: s.utilization,
            _serving("utilization", (1e-3, 1.0)),
        ),
    ]
    if offer.owned is None:
        rows.append(
            (
                "price",
                "Price per GPU-hour",
                offer.currency + "/h",
                lambda s, o: o.price_per_gpu_hour or 0.0,
                _price,
            )
        )
    else:
        owned = offer.owned
        rows += [
            (
                "capex",
                "Capex per GPU",
                offer.currency,
                _read_owned("capex_per_gpu"),
                _owned("capex_per_gpu", (1e-9, math.inf)),
            ),
            (
                "usd_per_kwh",
                "Power price",
                "$/kWh",
                _read_owned("usd_per_kwh"),
                _owned("usd_per_kwh", (0.0, 2.0)),
            ),
            ("pue", "PUE", "", _read_owned("pue"), _owned("pue", (1.0, 3.0))),
            (
                "depreciation_years",
                "Depreciation life",
                "years",
                _read_owned("depreciation_years"),
                _owned("depreciation_years", (0.1, 15.0)),
            ),
        ]
        if owned.cost_of_capital > 0:
            rows.append(
                (
                    "cost_of_capital",
                    "Cost of capital",
                    "%/year",
                    _read_owned("cost_of_capital"),
                    _owned("cost_of_capital", (0.0, 0.5)),
                )
            )
        if owned.opex_per_gpu_year > 0:
            rows.append(
                (
                    "opex",
                    "Opex per GPU-year",
                    offer.currency,
                    _read_owned("opex_per_gpu_year"),
                    _owned("opex_per_gpu_year", (0.0, math.inf)),
                )
            )
    if serving.speculative.enabled:
        rows.append(
            (
                "acceptance_rate",
                "Speculative acceptance rate",
                "",
                lambda s, o: s.speculative.acceptance_rate,
                _spec("acceptance_rate", (0.0, 0.99)),
            )
        )
    return rows


def _workload_inputs(w: Workload) -> list[tuple[str, str, str, float, WorkloadEdit]]:
    rows: list[tuple[str, str, str, float, WorkloadEdit]] = [
        (
            "isl",
            "Input length (ISL)",
            "tokens",
            float(w.isl_tokens),
            _workload("isl_tokens", integer=True, limit=(1, 10_000_000)),
        ),
        (
            "osl",
            "Output length (OSL)",
            "tokens",
            float(w.osl_tokens),
            _workload("osl_tokens", integer=True, limit=(1, 1_000_000)),
        ),
    ]
    if w.max_ttft_ms is not None:
        rows.append(
            (
                "max_ttft_ms",
                "TTFT target",
                "ms",
                w.max_ttft_ms,
                _workload("max_ttft_ms", limit=(1e-3, math.inf)),
            )
        )
    if w.min_tokens_per_s_per_user is not None:
        rows.append(
            (
                "min_tokens_per_s_per_user",
                "Interactivity target",
                "tok/s/user",
                w.min_tokens_per_s_per_user,
                _workload("min_tokens_per_s_per_user", limit=(1e-3, math.inf)),
            )
        )
    if w.prefix_hit_rate > 0:
        rows.append(
            (
                "prefix_hit_rate",
                "Prefix-cache hit rate",
                "",
                w.prefix_hit_rate,
                _workload("prefix_hit_rate", limit=(0.0, 0.99)),
            )
        )
    return rows


def tornado(
    project: Project,
    catalogue: Catalogue,
    option_id: str,
    fraction: float = 0.2,
    calibration: Calibration | None = None,
) -> list[TornadoBar]:
    """$/Mtok of ``option_id`` at ±``fraction`` of each input, widest swing first.

    Inputs that do not apply (PUE of a rented GPU, acceptance rate with speculative
    decoding off, an unset latency target) are left out.  Values are clipped to their
    legal range (utilization ≤ 100 %), and the bar reports the values actually used.
    """
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction}")
    option = project.option(option_id)
    offer = catalogue.offers.get(option.offer_id)
    if offer is None:
        raise ValueError(f"unknown offer {option.offer_id!r}")
    cal = calibration or DEFAULT_CALIBRATION
    alone = project.model_copy(update={"options": (option,)})
    (first,) = stages.sweep_stage(alone, catalogue, [option], cal, [False])
    base_result = _priced(alone, catalogue, option, first, cal)
    base = base_result.usd_per_mtok
    # every end of every bar keeps the base's anchoring (same measurements, same factor),
    # so a bar never jumps between measured, anchored and estimated bases
    anchor = anchoring_of(base_result)
    serving = project.serving_for(option)
    factors = (1.0 - fraction, 1.0 + fraction)

    # option-level inputs: every end is a copy of the option (with its own offer where
    # that changes); an end whose serving stack differs from the option's only in its
    # utilization (the estimator never sees it) is priced from the option's own sweep
    variants: list[ComparisonOption] = []
    offers: list[Offer] = []
    option_rows = _option_inputs(serving, offer)
    used: list[tuple[float, float]] = []
    for key, _, _, read, edit in option_rows:
        ends = []
        for side, k in zip(("lo", "hi"), factors, strict=True):
            new_serving, new_offer = edit(option, serving, offer, k)
            if new_offer is not offer:
                new_offer = new_offer.model_copy(update={"id": f"{offer.id}~tornado~{key}~{side}"})
                offers.append(new_offer)
            variants.append(
                option.model_copy(
                    update={
                        "id": f"{option.id}~{key}~{side}",
                        "serving": new_serving,
                        "offer_id": new_offer.id,
                    }
                )
            )
            ends.append(read(new_serving, new_offer))
        used.append((ends[0], ends[1]))
    cat = catalogue
    if offers:
        cat = catalogue.merged("offers", list(offers), [Provenance(origin="user")] * len(offers))
    same = stages.without_utilization(serving)
    own_sweep = [stages.without_utilization(alone.serving_for(v)) == same for v in variants]
    workload_rows = _workload_inputs(project.workload)
    moved = [wedit(project.workload, k) for *_, wedit in workload_rows for k in factors]

    # one estimator call: the option as it is, the ends with a serving stack of their own,
    # and the option at each moved workload, every one pinned to the base's anchoring
    swept_options = [option] + [v for v, own in zip(variants, own_sweep, strict=True) if not own]
    swept_options += [option] * len(moved)
    loads = [project.workload] * (len(swept_options) - len(moved)) + moved
    pinned = {o.id: anchor for o in swept_options}
    swept = iter(
        stages.sweep_stage(
            alone, cat, swept_options, cal, [False] * len(swept_options), pinned=pinned,
            workloads=loads,
        )
    )  # fmt: skip
    as_is = next(swept)
    results = [
        _priced(alone, cat, v, as_is if own else next(swept), cal).usd_per_mtok
        for v, own in zip(variants, own_sweep, strict=True)
    ]
    bars = []
    for i, (key, label, unit, read, _) in enumerate(option_rows):
        bars.append(
            TornadoBar(
                key,
                label,
                unit,
                read(serving, offer),
                used[i][0],
                used[i][1],
                results[2 * i],
                results[2 * i + 1],
                base,
            )
        )

    ends_at = iter(moved)
    for key, label, unit, value, _ in workload_rows:
        ends_cost, ends_value = [], []
        for _ in factors:
            workload = next(ends_at)
            at = alone.model_copy(update={"workload": workload})
            ends_cost.append(_priced(at, catalogue, option, next(swept), cal).usd_per_mtok)
            ends_value.append(float(getattr(workload, _WORKLOAD_FIELD[key])))
        bars.append(
            TornadoBar(
                key,
                label,
                unit,
                value,
                ends_value[0],
                ends_value[1],
                ends_cost[0],
                ends_cost[1],
                base,
            )
        )
    return sorted(bars, key=lambda b: b.swing if math.isfinite(b.swing) else math.inf, reverse=True)


def _priced(
    project: Project,
    catalogue: Catalogue,
    option: ComparisonOption,
    swept: "stages.OptionSweep | str",
    calibration: Calibration,
) -> OptionResult:
    """What ``evaluate()`` gives ``option`` from this sweep (its waterfall aside)."""
    if isinstance(swept, str):
        return stages.unknown_result(option, swept)
    return stages.economics_stage(project, catalogue, option, swept, calibration)


_WORKLOAD_FIELD = {
    "isl": "isl_tokens",
    "osl": "osl_tokens",
    "max_ttft_ms": "max_ttft_ms",
    "min_tokens_per_s_per_user": "min_tokens_per_s_per_user",
    "prefix_hit_rate": "prefix_hit_rate",
}

"""Capacity plans: an owned or reserved base plus on-demand (or spot) burst, year by year.

Load swings by hour, so sizing every GPU for the peak pays for idle hours, and renting
every GPU on demand pays the rental premium on the steady part. The plan takes the demand
profile (hourly output tokens/s, repeated over the year, grown each year), converts it to
GPUs needed each hour at the option's operating point (whole replicas, at the latency
target), and picks the base — in whole systems, as it is bought or reserved — that
minimises each year's cost:

    cost(B) = B · base $/GPU-h · 8760 + burst $/GPU-h · Σ_hours max(0, need_h − B) · weight

``weight`` is how often each profile hour recurs in a year (8760/168 for a week). The
cost is convex and piecewise linear in B with kinks at the hourly needs, so on whole
systems the optimum is 0 or a need rounded down or up to a system: those candidates are
evaluated together in one array operation. B = 0 is all-on-demand and B = the peak
rounded up to whole systems is all-base-at-peak, so a plan never costs more than either —
every year and over the term.

Prices: the option's own offer is the base when it is owned or reserved and the burst
when it is on demand (the analyst chose that provider); the other role goes to the
cheapest offer of that kind for the same accelerator in the effective catalogue. Spot,
when allowed, is the cheapest spot offer, with the preempted share re-bought on demand.
Base prices are fixed for the term (an owner's annuity, a reservation); burst
(rental) prices fall by the project's ``price_erosion_per_year``. The base is re-chosen
each year; with growing demand and steady prices it only grows (owned GPUs are never
shed). The serving utilization knob is not applied: the hourly profile states the idle
hours explicitly, so applying it as well would count them twice.
"""

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tokentco.domain import HOURS_PER_YEAR, Catalogue, DemandProfile, Offer, PricingModel, Project
from tokentco.domain.mix import MAX_GROWN_FACTOR
from tokentco.engine.calibration import Calibration
from tokentco.engine.economics import gpu_hour_cost
from tokentco.engine.evaluate import evaluate
from tokentco.engine.mix import MixComparison, evaluate_mix
from tokentco.engine.results import Comparison

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

BASE_PRICING = frozenset(
    {
        PricingModel.OWNED,
        PricingModel.OWNER_COST,
        PricingModel.RESERVED_1Y,
        PricingModel.RESERVED_3Y,
    }
)
"""Capacity paid for every hour of the term, used or not."""
BURST_PRICING = frozenset({PricingModel.ON_DEMAND, PricingModel.CAPACITY_BLOCK})
"""Capacity paid only for the hours it runs (spot is handled apart: it can be reclaimed)."""


@dataclass(frozen=True)
class Prices:
    """What one GPU-hour costs as base and as burst for one accelerator (inf: no offer)."""

    base_usd_per_gpu_hour: float
    on_demand_usd_per_gpu_hour: float
    spot_usd_per_gpu_hour: float = math.inf
    base_offer_id: str = ""
    on_demand_offer_id: str = ""
    spot_offer_id: str = ""


def burst_price(prices: Prices, use_spot: bool, preemption_share: float) -> float:
    """$/GPU-hour of burst: on demand, or spot with the reclaimed share bought on demand."""
    od = prices.on_demand_usd_per_gpu_hour
    spot = prices.spot_usd_per_gpu_hour
    if not use_spot or not math.isfinite(spot):
        return od
    if preemption_share == 0:
        return min(od, spot)
    return min(od, (1.0 - preemption_share) * spot + preemption_share * od)


def gpus_needed(
    tokens_per_s: FloatArray, tokens_per_s_per_gpu: float, gpus_per_replica: int
) -> IntArray:
    """GPUs needed at each hour: whole replicas carrying the hour's load at the target."""
    replica = tokens_per_s_per_gpu * gpus_per_replica
    replicas = np.ceil(np.asarray(tokens_per_s, dtype=np.float64) / replica - 1e-9)
    return (np.maximum(replicas, 0.0) * gpus_per_replica).astype(np.int64)


@dataclass(frozen=True)
class YearCosts:
    """The optimum for each year and the two plans it is compared with (arrays by year)."""

    base_gpus: IntArray
    peak_gpus: IntArray
    burst_gpu_hours: FloatArray
    cost_usd: FloatArray
    all_on_demand_usd: FloatArray
    all_base_usd: FloatArray


TIE = 1e-9
"""Plan costs closer than this share are equal (float noise, not a cheaper plan)."""


def optimise_base(
    need: IntArray,
    base_usd_per_gpu_hour: float,
    burst_usd_per_gpu_hour: FloatArray,
    base_step: int = 1,
) -> YearCosts:
    """Cheapest base per year for ``need`` (years × profile hours), vectorised over every
    candidate base size. ``burst_usd_per_gpu_hour`` has one price per year; the base comes
    in whole ``base_step`` GPUs (servers or racks), burst in whatever ``need`` counts.

    On multiples of the step the optimum sits next to a kink, so the candidates are 0 and
    every hourly need rounded down and up to the step; the largest is all-base-at-peak."""
    need = np.atleast_2d(need).astype(np.int64)
    years, hours = need.shape
    step = max(1, int(base_step))
    weight = HOURS_PER_YEAR / hours
    burst = np.asarray(burst_usd_per_gpu_hour, dtype=np.float64).reshape(years)
    base = float(base_usd_per_gpu_hour)
    peak = need.max(axis=1)
    covering = -(-peak // step) * step  # the peak rounded up to whole steps
    flat = need.ravel()
    candidates = np.unique(np.concatenate([[0], flat // step * step, -(-flat // step) * step]))
    over = _hours_above(need, candidates) * weight
    with np.errstate(invalid="ignore"):  # 0 GPUs × a missing (inf) price costs nothing
        base_cost = candidates[None, :].astype(np.float64) * base * HOURS_PER_YEAR
        burst_cost = np.where(over > 0, over * burst[:, None], 0.0)
        base_cost = np.where(candidates[None, :] > 0, base_cost, 0.0)
    total = base_cost + burst_cost  # (years, candidates); inf where a price is missing
    # a candidate above a year's (rounded-up) peak only adds idle base: not for that year
    total = np.where(candidates[None, :] <= covering[:, None], total, np.inf)
    # costs equal but for float noise (a base busy exactly base/burst of the hours costs the
    # same at every size in a range): the smallest such base, so more load never picks less
    lowest = np.min(total, axis=1, keepdims=True)
    best = np.argmax(total <= lowest + TIE * np.abs(lowest), axis=1)
    rows = np.arange(years)
    chosen = candidates[best]
    with np.errstate(invalid="ignore"):
        all_od = np.where(over[:, 0] > 0, over[:, 0] * burst, 0.0)
        all_base = np.where(covering > 0, covering * base * HOURS_PER_YEAR, 0.0)
    return YearCosts(
        base_gpus=chosen.astype(np.int64),
        peak_gpus=peak.astype(np.int64),
        burst_gpu_hours=over[rows, best].astype(np.float64),
        cost_usd=total[rows, best],
        all_on_demand_usd=all_od.astype(np.float64),
        all_base_usd=all_base.astype(np.float64),
    )


def _hours_above(need: IntArray, candidates: IntArray) -> FloatArray:
    """Σ_h max(0, need[y, h] − c) for every year y and candidate c (years × candidates).

    Sorting each year's needs once turns the sum into a prefix-sum lookup, so memory stays
    years × (hours + candidates) instead of years × hours × candidates."""
    years, hours = need.shape
    ordered = np.sort(need, axis=1)
    prefix = np.concatenate([np.zeros((years, 1), np.int64), np.cumsum(ordered, axis=1)], axis=1)
    at_or_below = np.stack([np.searchsorted(row, candidates, side="right") for row in ordered])
    above_sum = prefix[:, -1:] - np.take_along_axis(prefix, at_or_below, axis=1)
    return np.asarray(above_sum - (hours - at_or_below) * candidates[None, :], dtype=np.float64)


def discount_factors(rate: float, years: int) -> FloatArray:
    """End-of-year discount factors 1/(1+r)^k for k = 1…years."""
    return np.asarray((1.0 + rate) ** -np.arange(1, years + 1, dtype=np.float64))


def yearly_load(profile: DemandProfile, years: int) -> FloatArray:
    """The profile grown each year: years × hours output tokens/s (a growth that multiplies
    the load beyond ``MAX_GROWN_FACTOR`` over the plan is refused: no fleet follows it)."""
    growth = (1.0 + profile.growth_per_year) ** np.arange(years, dtype=np.float64)
    if growth[-1] > MAX_GROWN_FACTOR:
        raise ValueError(
            f"growth of {profile.growth_per_year:.0%}/year over {years} years multiplies the "
            f"load {growth[-1]:.3g}-fold (at most {MAX_GROWN_FACTOR:.0e}): plan fewer years "
            "or less growth"
        )
    return growth[:, None] * np.asarray(profile.tokens_per_s, dtype=np.float64)[None, :]


@dataclass(frozen=True)
class YearPlan:
    """One year of an option's plan (year 1 is the first)."""

    year: int
    peak_tokens_per_s: float
    base_gpus: int
    peak_gpus: int
    burst_gpu_hours: float
    burst_usd_per_gpu_hour: float
    cost_usd: float
    all_on_demand_usd: float
    all_base_usd: float


@dataclass(frozen=True)
class CapacityPlan:
    """An option's base + burst plan over the term, and what it is compared with."""

    option_id: str
    label: str
    feasible: bool
    reason: str
    prices: Prices
    tokens_per_s_per_gpu: float
    gpus_per_replica: int
    years: tuple[YearPlan, ...]
    cost_of_capital: float
    hourly_gpus: tuple[int, ...]
    """Year-1 GPUs needed each profile hour (the plan chart stacks base and burst on it)."""
    base_step: int = 1
    """GPUs the base is bought or reserved in (whole servers or racks, whole replicas)."""

    @property
    def first(self) -> YearPlan | None:
        return self.years[0] if self.years else None

    def _npv(self, values: list[float]) -> float:
        factors = discount_factors(self.cost_of_capital, len(values))
        return float(np.sum(np.asarray(values) * factors)) if values else math.inf

    @property
    def npv_usd(self) -> float:
        return self._npv([y.cost_usd for y in self.years])

    @property
    def all_on_demand_npv_usd(self) -> float:
        return self._npv([y.all_on_demand_usd for y in self.years])

    @property
    def all_base_npv_usd(self) -> float:
        return self._npv([y.all_base_usd for y in self.years])


def offer_usd_per_gpu_hour(offer: Offer, project: Project, watts_per_gpu: float) -> float:
    """All-in $/GPU-hour of ``offer`` (owned: the owner's annuity, energy and opex, at the
    offer's own IT watts when it states them, as ``evaluate`` does)."""
    if offer.owned is not None and offer.owned.it_watts_per_gpu:
        watts_per_gpu = offer.owned.it_watts_per_gpu
    return gpu_hour_cost(offer, project.exchange_rates, watts_per_gpu).usd_per_gpu_hour


def plan_prices(
    project: Project, catalogue: Catalogue, offer_id: str, accelerator_id: str, watts: float
) -> Prices:
    """Base and burst prices for an option from the effective catalogue."""
    own = catalogue.offers.get(offer_id)
    offers = catalogue.offers_for(accelerator_id)

    def cheapest(kinds: frozenset[PricingModel] | set[PricingModel]) -> tuple[float, str]:
        priced = []
        for o in offers:
            if o.pricing_model not in kinds:
                continue
            try:
                priced.append((offer_usd_per_gpu_hour(o, project, watts), o.id))
            except ValueError:
                continue  # no exchange rate for its currency: it cannot be compared
        return min(priced, default=(math.inf, ""))

    if own is not None and own.pricing_model in BASE_PRICING:
        base = (offer_usd_per_gpu_hour(own, project, watts), own.id)
    else:
        base = cheapest(BASE_PRICING)
    if own is not None and own.pricing_model in BURST_PRICING:
        on_demand = (offer_usd_per_gpu_hour(own, project, watts), own.id)
    else:
        on_demand = cheapest(BURST_PRICING)
    spot = cheapest({PricingModel.SPOT})
    return Prices(base[0], on_demand[0], spot[0], base[1], on_demand[1], spot[1])


def base_step(
    project: Project, catalogue: Catalogue, option_id: str, base_offer_id: str, replica: int
) -> int:
    """GPUs per unit of base: a whole system (the option's, the offer's, else the first of
    that accelerator, as the fleet sizing uses; 8 when none is known), in whole replicas."""
    option = project.option(option_id)
    offer = catalogue.offers.get(base_offer_id)
    wanted = option.system_id if offer is not None and offer.id == option.offer_id else None
    wanted = wanted or (offer.system_id if offer is not None else None)
    system = catalogue.systems.get(wanted) if wanted else None
    if system is None:
        systems = catalogue.systems_for(option.accelerator_id)
        powered = [s for s in systems if s.system_power_kw is not None]
        candidates = powered or systems
        system = candidates[0] if candidates else None
    per_system = system.gpus_per_system if system is not None else max(8, replica)
    return math.lcm(per_system, max(1, replica))


def plan_capacity(
    project: Project,
    catalogue: Catalogue,
    calibration: Calibration | None = None,
    years: int | None = None,
    profile: DemandProfile | None = None,
    mix: MixComparison | None = None,
    comparison: Comparison | None = None,
) -> tuple[CapacityPlan, ...]:
    """A plan for every option of ``project`` (in option order) over ``years`` (default:
    the demand's term, rounded up) for ``profile`` (default: the project's); ``mix`` and
    ``comparison`` are the project's already evaluated mix and plain (single-workload)
    comparison, when the caller has them (they are evaluated otherwise)."""
    profile = profile or project.demand_profile
    if profile is None:
        raise ValueError("the project has no demand profile: import PROFILE.csv or pick a preset")
    n_years = years if years is not None else math.ceil(project.demand.term_years)
    if n_years < 1:
        raise ValueError(f"a plan covers at least 1 year, got {n_years}")
    load = yearly_load(profile, n_years)
    erosion = (1.0 - project.price_erosion_per_year) ** np.arange(n_years, dtype=np.float64)
    if comparison is None:
        comparison = evaluate(project, catalogue, calibration)
    if project.workload_classes and mix is None:
        mix = evaluate_mix(project, catalogue, calibration)
    if not project.workload_classes:
        mix = None
    plans = []
    for index, result in enumerate(comparison.options):
        if mix is not None:
            pool = mix.options[index].pool
            feasible, reason = pool.feasible, pool.reason
            tps = pool.output_tokens_per_s_per_gpu
            replica = max(c.gpus_per_replica for c in pool.classes)
        else:
            feasible, reason = result.point.feasible, result.point.reason
            tps = result.point.output_tokens_per_s_per_gpu
            replica = result.point.gpus_per_replica
        prices = plan_prices(
            project,
            catalogue,
            result.offer_id,
            result.accelerator_id,
            result.watts_per_gpu_all_in or 0.0,
        )
        if not feasible or tps <= 0:
            plans.append(_infeasible(result.option_id, result.label, reason, prices, profile))
            continue
        burst = burst_price(prices, profile.use_spot, profile.spot_preemption_share) * erosion
        if not (math.isfinite(prices.base_usd_per_gpu_hour) or math.isfinite(burst[0])):
            why = "no owned, reserved or on-demand offer for this hardware"
            plans.append(_infeasible(result.option_id, result.label, why, prices, profile))
            continue
        need = gpus_needed(load, tps, replica)
        step = base_step(project, catalogue, result.option_id, prices.base_offer_id, replica)
        costs = optimise_base(need, prices.base_usd_per_gpu_hour, burst, step)
        year_rows = tuple(
            YearPlan(
                year=y + 1,
                peak_tokens_per_s=float(load[y].max()),
                base_gpus=int(costs.base_gpus[y]),
                peak_gpus=int(costs.peak_gpus[y]),
                burst_gpu_hours=float(costs.burst_gpu_hours[y]),
                burst_usd_per_gpu_hour=float(burst[y]),
                cost_usd=float(costs.cost_usd[y]),
                all_on_demand_usd=float(costs.all_on_demand_usd[y]),
                all_base_usd=float(costs.all_base_usd[y]),
            )
            for y in range(n_years)
        )
        plans.append(
            CapacityPlan(
                option_id=result.option_id,
                label=result.label,
                feasible=True,
                reason="",
                prices=prices,
                tokens_per_s_per_gpu=tps,
                gpus_per_replica=replica,
                years=year_rows,
                cost_of_capital=profile.cost_of_capital,
                hourly_gpus=tuple(int(v) for v in need[0]),
                base_step=step,
            )
        )
    return tuple(plans)


def _infeasible(
    option_id: str, label: str, reason: str, prices: Prices, profile: DemandProfile
) -> CapacityPlan:
    return CapacityPlan(
        option_id,
        label,
        False,
        reason or "infeasible",
        prices,
        0.0,
        1,
        (),
        profile.cost_of_capital,
        (),
    )

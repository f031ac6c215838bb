"""Money and energy: $/GPU-hour, $/Mtok, tokens per MW, kWh per Mtok, fleet sizing.

Functions accept floats or numpy arrays alike so the UI can sweep a knob in one call.
"""

import math
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from tokentco.domain import (
    HOURS_PER_YEAR,
    Demand,
    ExchangeRates,
    Offer,
    OwnedCost,
    PricingModel,
    Workload,
)
from tokentco.domain.workload import TokenBasis
from tokentco.engine.results import CostBreakdown, FleetSizing

Num = TypeVar("Num", float, NDArray[np.float64])

SECONDS_PER_HOUR = 3600.0
TOKENS_PER_MILLION = 1e6
DEFAULT_WATTS_PER_TDP = 1.5
"""All-in IT watts per GPU when only TDP is known (CPU, NIC, switch, fan share)."""


def usd_per_mtok(usd_per_gpu_hour: Num, tokens_per_s_per_gpu: Num, utilization: Num) -> Num:
    """The core equation: cost per million delivered tokens.

    ``usd_per_gpu_hour / (tokens_per_s_per_gpu · 3600 · utilization) · 1e6``; idle hours are
    paid for, so halving utilization doubles the cost.
    """
    tokens_per_hour = tokens_per_s_per_gpu * SECONDS_PER_HOUR * utilization
    return usd_per_gpu_hour / tokens_per_hour * TOKENS_PER_MILLION


def annuity_factor(rate: float, years: float) -> float:
    """Yearly payment per dollar of capex repaid over ``years`` at ``rate`` (0 → straight line)."""
    if rate == 0:
        return 1.0 / years
    return rate / (1.0 - math.pow(1.0 + rate, -years))


def owned_cost_per_gpu_hour(
    owned: OwnedCost, watts_per_gpu: float, usd_per_unit: float
) -> CostBreakdown:
    """Owner's $/GPU-hour: amortised capex (annuity) + energy × PUE + opex, all per hour."""
    capex = (
        owned.capex_per_gpu
        * usd_per_unit
        * annuity_factor(owned.cost_of_capital, owned.depreciation_years)
        / HOURS_PER_YEAR
    )
    energy = watts_per_gpu / 1000.0 * owned.pue * owned.usd_per_kwh
    opex = owned.opex_per_gpu_year * usd_per_unit / HOURS_PER_YEAR
    return CostBreakdown(
        usd_per_gpu_hour=capex + energy + opex,
        capex_usd=capex,
        energy_usd=energy,
        opex_usd=opex,
        basis=f"owned: capex over {owned.depreciation_years:g} y at "
        f"{owned.cost_of_capital:.1%}, {watts_per_gpu:.0f} W × PUE {owned.pue:g} × "
        f"${owned.usd_per_kwh:g}/kWh, opex",
    )


def gpu_hour_cost(offer: Offer, rates: ExchangeRates, watts_per_gpu: float) -> CostBreakdown:
    """All-in cost of one GPU-hour in USD for a rental or an owned offer."""
    if offer.pricing_model is PricingModel.OWNED:
        assert offer.owned is not None
        return owned_cost_per_gpu_hour(
            offer.owned, watts_per_gpu, rates.to_usd(1.0, offer.currency)
        )
    assert offer.price_per_gpu_hour is not None
    usd = rates.to_usd(offer.price_per_gpu_hour, offer.currency)
    basis = f"{offer.pricing_model.value} price"
    if offer.currency.upper() != "USD":
        basis += f" ({offer.price_per_gpu_hour:g} {offer.currency} converted)"
    return CostBreakdown(usd_per_gpu_hour=usd, rental_usd=usd, basis=basis)


def tokens_per_s_per_mw(tokens_per_s_per_gpu: Num, watts_per_gpu: float, pue: float) -> Num:
    """Facility-level energy productivity: tokens/s per MW of facility power."""
    return tokens_per_s_per_gpu / (watts_per_gpu * pue) * 1e6


def kwh_per_mtok(tokens_per_s_per_gpu: Num, watts_per_gpu: float, pue: float) -> Num:
    """Facility energy to deliver a million tokens (at full load)."""
    seconds = TOKENS_PER_MILLION / tokens_per_s_per_gpu
    return watts_per_gpu * pue * seconds / SECONDS_PER_HOUR / 1000.0


def counted_tokens_per_s(output_tokens_per_s: Num, workload: Workload) -> Num:
    """Tokens/s on the project's counting basis (output, input+output, or blended)."""
    ratio = workload.isl_tokens / workload.osl_tokens
    if workload.token_basis is TokenBasis.TOTAL:
        return output_tokens_per_s * (1.0 + ratio)
    if workload.token_basis is TokenBasis.BLENDED:
        return output_tokens_per_s * (1.0 + workload.input_weight_in_blend * ratio)
    return output_tokens_per_s


def pflops_per_usd_hour(peak_tflops: float, usd_per_gpu_hour: float) -> float:
    """Peak dense PFLOPS bought per dollar-hour (an input metric, shown for contrast)."""
    return peak_tflops / 1000.0 / usd_per_gpu_hour


def peak_output_tokens_per_s(demand: Demand, osl_tokens: int) -> float | None:
    """Peak output tokens/s the fleet must deliver, or None when no demand is stated."""
    if demand.tokens_per_day is not None:
        return demand.tokens_per_day / 86400.0 * demand.peak_to_average
    if demand.peak_requests_per_s is not None:
        return demand.peak_requests_per_s * osl_tokens
    return None


def size_fleet(
    demand: Demand,
    osl_tokens: int,
    tokens_per_s_per_gpu: float,
    gpus_per_replica: int,
    gpus_per_system: int,
    usd_per_gpu_hour: float,
    watts_per_gpu_all_in: float | None,
    pue: float,
) -> FleetSizing | None:
    """GPUs, systems, MW, resulting utilization and money needed to serve ``demand`` at peak.

    The fleet is sized for peak load in whole replicas and whole systems and is paid for
    every hour; the resulting utilization is average load over that capacity.
    """
    peak = peak_output_tokens_per_s(demand, osl_tokens)
    if peak is None or tokens_per_s_per_gpu <= 0:
        return None
    replicas = math.ceil(peak / (tokens_per_s_per_gpu * gpus_per_replica))
    systems = math.ceil(replicas * gpus_per_replica / gpus_per_system)
    gpus = systems * gpus_per_system
    average = peak / demand.peak_to_average
    annual = gpus * usd_per_gpu_hour * HOURS_PER_YEAR
    megawatts = gpus * (watts_per_gpu_all_in or 0.0) * pue / 1e6
    return FleetSizing(
        gpus=gpus,
        systems=systems,
        megawatts=megawatts,
        utilization=average / (gpus * tokens_per_s_per_gpu),
        annual_cost_usd=annual,
        contract_value_usd=annual * demand.term_years,
        term_years=demand.term_years,
    )

"""Economics: owned vs rented $/GPU-hour, token bases, energy and fleet sizing."""

import pytest

from tokentco.domain import (
    Demand,
    ExchangeRates,
    Offer,
    OwnedCost,
    PricingModel,
    TokenBasis,
    Workload,
)
from tokentco.engine import economics


def test_annuity_matches_closed_form_and_straight_line() -> None:
    assert economics.annuity_factor(0.0, 5) == pytest.approx(0.2)
    assert economics.annuity_factor(0.08, 5) == pytest.approx(0.250456, rel=1e-5)


def test_owned_gpu_hour_is_capex_plus_energy_plus_opex() -> None:
    owned = OwnedCost(
        capex_per_gpu=40_000,
        depreciation_years=5,
        cost_of_capital=0.08,
        pue=1.3,
        usd_per_kwh=0.10,
        opex_per_gpu_year=2_000,
    )
    offer = Offer(
        id="own", accelerator_id="h200-sxm", pricing_model=PricingModel.OWNED, owned=owned
    )
    cost = economics.gpu_hour_cost(offer, ExchangeRates(), watts_per_gpu=1275.0)
    capex = 40_000 * economics.annuity_factor(0.08, 5) / 8760
    energy = 1.275 * 1.3 * 0.10
    opex = 2_000 / 8760
    assert cost.capex_usd == pytest.approx(capex)
    assert cost.energy_usd == pytest.approx(energy)
    assert cost.opex_usd == pytest.approx(opex)
    assert cost.usd_per_gpu_hour == pytest.approx(capex + energy + opex)


def test_foreign_currency_price_is_converted() -> None:
    offer = Offer(id="eu", accelerator_id="h100-sxm", price_per_gpu_hour=2.0, currency="EUR")
    cost = economics.gpu_hour_cost(offer, ExchangeRates(usd_per_unit={"USD": 1, "EUR": 1.1}), 0)
    assert cost.usd_per_gpu_hour == pytest.approx(2.2)
    assert "EUR converted" in cost.basis


def test_unknown_currency_is_a_clear_error() -> None:
    offer = Offer(id="x", accelerator_id="h100-sxm", price_per_gpu_hour=2.0, currency="CHF")
    with pytest.raises(ValueError, match="no exchange rate for 'CHF'"):
        economics.gpu_hour_cost(offer, ExchangeRates(), 0)


def test_token_bases() -> None:
    work = Workload(isl_tokens=3000, osl_tokens=1000, token_basis=TokenBasis.TOTAL)
    assert economics.counted_tokens_per_s(100.0, work) == pytest.approx(400.0)
    blended = work.model_copy(update={"token_basis": TokenBasis.BLENDED})
    assert economics.counted_tokens_per_s(100.0, blended) == pytest.approx(175.0)


def test_energy_per_million_tokens() -> None:
    # 1000 W × PUE 1.0 for 1e6/1000 s = 1000 s → 1000 W × 1000 s = 0.2778 kWh
    assert economics.kwh_per_mtok(1000.0, 1000.0, 1.0) == pytest.approx(1000 / 3600)


def test_fleet_sizing_rounds_up_to_whole_replicas_and_systems() -> None:
    demand = Demand(tokens_per_day=86_400 * 10_000, peak_to_average=2.0, term_years=3)
    fleet = economics.size_fleet(
        demand,
        1000,
        tokens_per_s_per_gpu=1000.0,
        gpus_per_replica=8,
        gpus_per_system=8,
        usd_per_gpu_hour=2.0,
        watts_per_gpu_all_in=1250.0,
        pue=1.2,
    )
    assert fleet is not None
    # peak 20,000 tok/s ÷ (1000 × 8 per replica) → 3 replicas → 24 GPUs in 3 systems
    assert (fleet.gpus, fleet.systems) == (24, 3)
    assert fleet.utilization == pytest.approx(10_000 / 24_000)
    assert fleet.annual_cost_usd == pytest.approx(24 * 2.0 * 8760)
    assert fleet.contract_value_usd == pytest.approx(3 * fleet.annual_cost_usd)
    assert fleet.megawatts == pytest.approx(24 * 1250 * 1.2 / 1e6)


def test_fleet_from_peak_requests() -> None:
    demand = Demand(peak_requests_per_s=10.0)
    fleet = economics.size_fleet(demand, 500, 1000.0, 1, 8, 1.0, None, 1.3)
    assert fleet is not None and fleet.gpus == 8  # 5,000 tok/s peak → 5 GPUs → one 8-GPU system
    assert economics.size_fleet(Demand(), 500, 1000.0, 1, 8, 1.0, None, 1.3) is None

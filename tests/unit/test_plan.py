"""Capacity plans: base + burst worked by hand, and the invariants a plan must keep."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokentco.domain import Catalogue, DemandProfile, Project
from tokentco.engine.plan import (
    Prices,
    burst_price,
    discount_factors,
    gpus_needed,
    optimise_base,
    plan_capacity,
)
from tokentco.present.mix_text import plan_why

# Two-level day: 6 busy hours at 32,000 tok/s, 18 quiet hours at 8,000 tok/s.
TWO_LEVEL = DemandProfile(tokens_per_s=(32_000.0,) * 6 + (8_000.0,) * 18, cost_of_capital=0.1)


def test_golden_two_level_profile_two_offers(golden_project: Project, catalogue: Catalogue) -> None:
    """Chat at 1000 tok/s/GPU, one GPU per replica: busy hours need 32 GPUs, quiet 8; the
    base comes in 8-GPU servers (no system known: 8). Each profile hour recurs 365 times a
    year. Base $2 (reserved), burst $5 (on demand).
    cost(B) = B·2·8760 + 5·365·Σ max(0, need − B):
      B=0:  1825·(6·32 + 18·8)      = 613,200 (all on demand)
      B=8:  140,160 + 1825·(6·24)   = 402,960  ← cheapest (GPUs above 8 are busy 6/24 h:
                                                  $1.25 of burst per hour < $2 of base)
      B=16: 280,320 + 1825·(6·16)   = 455,520
      B=32: 560,640 (all base at peak)."""
    cat = golden_project.effective_catalogue(catalogue)
    project = golden_project.model_copy(update={"demand_profile": TWO_LEVEL})
    reserved, on_demand = plan_capacity(project, cat, years=2)
    for plan in (reserved, on_demand):  # the on-demand option borrows the reservation as base
        assert plan.prices.base_offer_id == "golden-reserved"
        assert plan.prices.on_demand_offer_id == "golden-od"
        assert plan.base_step == 8
        year = plan.years[0]
        assert (year.base_gpus, year.peak_gpus) == (8, 32)
        assert year.burst_gpu_hours == pytest.approx(6 * 24 * 365)
        assert year.cost_usd == pytest.approx(402_960)
        assert year.all_on_demand_usd == pytest.approx(613_200)
        assert year.all_base_usd == pytest.approx(560_640)
        # two equal years discounted at 10%
        assert plan.npv_usd == pytest.approx(402_960 / 1.1 + 402_960 / 1.21)
        assert plan.hourly_gpus == (32,) * 6 + (8,) * 18
    assert "8 base GPUs" in plan_why(reserved) and "$5.00/GPU-h" in plan_why(reserved)


def test_golden_growth_and_erosion(golden_project: Project, catalogue: Catalogue) -> None:
    """Year 2 doubles the load (64 and 16 GPUs) and burst falls 20% to $4 (1460/slot-year):
    B=16: 280,320 + 1460·(6·48) = 700,800; B=8: 140,160 + 1460·480 = 840,960;
    B=24: 420,480 + 1460·240 = 770,880; B=0: 1460·672 = 981,120; B=64: 1,121,280."""
    cat = golden_project.effective_catalogue(catalogue)
    profile = TWO_LEVEL.model_copy(update={"growth_per_year": 1.0})
    project = golden_project.model_copy(
        update={"demand_profile": profile, "price_erosion_per_year": 0.2}
    )
    year2 = plan_capacity(project, cat, years=2)[0].years[1]
    assert (year2.base_gpus, year2.peak_gpus) == (16, 64)
    assert year2.burst_usd_per_gpu_hour == pytest.approx(4.0)
    assert year2.cost_usd == pytest.approx(700_800)
    assert year2.all_base_usd == pytest.approx(1_121_280)
    assert year2.all_on_demand_usd == pytest.approx(981_120)


def test_base_comes_in_whole_systems(golden_project: Project, catalogue: Catalogue) -> None:
    """3 GPUs of flat load: a base of one 8-GPU server ($140,160/yr) costs more than
    renting the 3 GPUs all year ($131,400), so the plan bursts; at 8 GPUs of load the
    server is full and the whole base wins with no burst."""
    cat = golden_project.effective_catalogue(catalogue)
    small = DemandProfile(tokens_per_s=(2500.0,) * 168)
    plan = plan_capacity(golden_project.model_copy(update={"demand_profile": small}), cat)[0]
    assert plan.years[0].base_gpus == 0
    assert plan.years[0].cost_usd == pytest.approx(3 * 5.0 * 8760)
    assert plan.years[0].all_base_usd == pytest.approx(8 * 2.0 * 8760)


def test_flat_profile_needs_no_burst_when_base_is_cheaper(
    golden_project: Project, catalogue: Catalogue
) -> None:
    cat = golden_project.effective_catalogue(catalogue)
    flat = DemandProfile(tokens_per_s=(8000.0,) * 168)
    plan = plan_capacity(golden_project.model_copy(update={"demand_profile": flat}), cat)[0]
    assert all(y.burst_gpu_hours == 0 and y.base_gpus == 8 for y in plan.years)
    assert len(plan.years) == 3  # the demand's 3-year term
    assert "all base" in plan_why(plan)


def test_spot_burst_covers_preemption_on_demand() -> None:
    prices = Prices(2.0, 5.0, 1.0)
    assert burst_price(prices, use_spot=False, preemption_share=0.1) == 5.0
    assert burst_price(prices, use_spot=True, preemption_share=0.1) == pytest.approx(0.9 + 0.5)
    assert burst_price(prices, use_spot=True, preemption_share=1.0) == 5.0
    no_od = Prices(2.0, float("inf"), 1.0)
    assert burst_price(no_od, use_spot=True, preemption_share=0.1) == float("inf")
    assert burst_price(no_od, use_spot=True, preemption_share=0.0) == 1.0


def test_missing_prices_fall_back_to_one_side() -> None:
    need = np.array([[3, 1, 1, 1]])
    only_burst = optimise_base(need, float("inf"), np.array([4.0]))
    assert only_burst.base_gpus[0] == 0 and np.isfinite(only_burst.cost_usd[0])
    only_base = optimise_base(need, 2.0, np.array([float("inf")]))
    assert only_base.base_gpus[0] == 3 and only_base.burst_gpu_hours[0] == 0


def test_no_profile_is_a_clear_error(golden_project: Project, catalogue: Catalogue) -> None:
    with pytest.raises(ValueError, match="no demand profile"):
        plan_capacity(golden_project, golden_project.effective_catalogue(catalogue))


def test_gpus_needed_rounds_to_whole_replicas() -> None:
    need = gpus_needed(np.array([0.0, 1.0, 400.0, 401.0, 1200.0]), 100.0, 4)
    assert need.tolist() == [0, 4, 4, 8, 12]
    assert discount_factors(0.1, 2) == pytest.approx([1 / 1.1, 1 / 1.21])


hours = st.lists(st.floats(0, 5e4), min_size=24, max_size=24).filter(lambda v: max(v) > 0)
price = st.floats(0.1, 20.0)


@settings(max_examples=150, deadline=None)
@given(load=hours, base=price, burst=price, factor=st.floats(1.0, 5.0))
def test_more_demand_never_needs_fewer_gpus(
    load: list[float], base: float, burst: float, factor: float
) -> None:
    small = optimise_base(gpus_needed(np.array([load]), 900.0, 2), base, np.array([burst]))
    large = optimise_base(gpus_needed(np.array([load]) * factor, 900.0, 2), base, np.array([burst]))
    assert large.peak_gpus[0] >= small.peak_gpus[0]
    assert large.base_gpus[0] >= small.base_gpus[0]
    assert large.cost_usd[0] >= small.cost_usd[0] - 1e-6


@settings(max_examples=150, deadline=None)
@given(
    load=hours, base=price, burst=price, cut=st.floats(0.0, 0.99), step=st.sampled_from([1, 8, 72])
)
def test_cheaper_burst_never_raises_cost_and_plan_beats_both_extremes(
    load: list[float], base: float, burst: float, cut: float, step: int
) -> None:
    need = gpus_needed(np.array([load]), 700.0, 1)
    dear = optimise_base(need, base, np.array([burst]), step)
    cheap = optimise_base(need, base, np.array([burst * (1 - cut)]), step)
    assert dear.base_gpus[0] % step == 0
    assert cheap.cost_usd[0] <= dear.cost_usd[0] + 1e-6
    for plan in (dear, cheap):
        assert plan.cost_usd[0] <= plan.all_on_demand_usd[0] + 1e-6
        assert plan.cost_usd[0] <= plan.all_base_usd[0] + 1e-6
    # the optimum on whole steps is the best of every multiple of the step (brute force)
    sizes = np.arange(0, need.max() + step, step)
    over = np.maximum(need[0][None, :] - sizes[:, None], 0).sum(axis=1) * 8760 / 24
    brute = (sizes * base * 8760 + over * burst).min()
    assert dear.cost_usd[0] == pytest.approx(brute, rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(load=hours, base=price, burst=price, growth=st.floats(0.0, 2.0), more=st.floats(0, 1))
def test_growth_never_shrinks_the_fleet(
    load: list[float], base: float, burst: float, growth: float, more: float
) -> None:
    def plan(g: float) -> tuple[np.ndarray, np.ndarray]:
        years = (1 + g) ** np.arange(4)[:, None] * np.array([load])
        costs = optimise_base(gpus_needed(years, 800.0, 1), base, np.full(4, burst))
        return costs.base_gpus, costs.peak_gpus

    base_gpus, peak = plan(growth)
    assert np.all(np.diff(base_gpus) >= 0) and np.all(np.diff(peak) >= 0)
    faster_base, faster_peak = plan(growth + more)
    assert np.all(faster_base >= base_gpus) and np.all(faster_peak >= peak)


@settings(max_examples=100, deadline=None)
@given(
    need=st.lists(st.integers(0, 40), min_size=24, max_size=24),
    candidates=st.lists(st.integers(0, 50), min_size=1, max_size=10, unique=True),
)
def test_hours_above_matches_the_direct_sum(need: list[int], candidates: list[int]) -> None:
    from tokentco.engine.plan import _hours_above

    grid = np.array([need, need[::-1]])
    cands = np.array(sorted(candidates))
    direct = np.maximum(grid[:, None, :] - cands[None, :, None], 0).sum(axis=2)
    assert _hours_above(grid, cands).tolist() == direct.tolist()


def test_base_and_burst_offers_come_from_the_effective_catalogue(
    golden_project: Project, catalogue: Catalogue
) -> None:
    """An imported owned offer (RFP answer) becomes the base when it is cheaper; an offer in
    a currency without a rate is skipped, not fatal."""
    from tokentco.domain import Offer, OwnedCost, PricingModel
    from tokentco.domain.catalogue import Provenance
    from tokentco.engine.plan import plan_prices

    owned = Offer(
        id="golden-owned",
        accelerator_id="golden-gpu",
        pricing_model=PricingModel.OWNED,
        owned=OwnedCost(
            capex_per_gpu=20_000,
            depreciation_years=5,
            cost_of_capital=0.0,
            it_watts_per_gpu=1000,
            pue=1.0,
            usd_per_kwh=0.1,
        ),
    )
    odd = Offer(
        id="golden-xyz",
        accelerator_id="golden-gpu",
        pricing_model=PricingModel.RESERVED_3Y,
        price_per_gpu_hour=0.01,
        currency="XYZ",
    )
    imported = golden_project.imported.merged(
        "offers", [owned, odd], [Provenance(origin="imported")] * 2
    )
    project = golden_project.model_copy(update={"imported": imported})
    cat = project.effective_catalogue(catalogue)
    prices = plan_prices(project, cat, "golden-od", "golden-gpu", 700.0)
    # 20,000 / 5 / 8760 + 1 kW × $0.1 = $0.5566/GPU-h, cheaper than the $2 reservation
    assert prices.base_offer_id == "golden-owned"
    assert prices.base_usd_per_gpu_hour == pytest.approx(20_000 / 5 / 8760 + 0.1)
    assert prices.on_demand_offer_id == "golden-od"


@settings(max_examples=15, deadline=None)
@given(load=hours, factor=st.floats(1.0, 4.0), growth=st.floats(0.0, 1.0))
def test_plans_of_a_project_keep_the_invariants(
    catalogue: Catalogue, load: list[float], factor: float, growth: float
) -> None:
    """End to end through evaluate: scaling the profile up never lowers base or peak GPUs,
    growth never shrinks them year on year, and every year beats both extremes."""
    from tokentco.io.defaults import default_project

    project = default_project(catalogue)
    profile = DemandProfile(tokens_per_s=tuple(load), growth_per_year=growth)
    small = plan_capacity(project.model_copy(update={"demand_profile": profile}), catalogue)
    large = plan_capacity(
        project.model_copy(update={"demand_profile": profile.scaled(factor)}), catalogue
    )
    for a, b in zip(small, large, strict=True):
        if not a.feasible:
            continue
        for ya, yb in zip(a.years, b.years, strict=True):
            assert yb.base_gpus >= ya.base_gpus and yb.peak_gpus >= ya.peak_gpus
            assert ya.cost_usd <= min(ya.all_on_demand_usd, ya.all_base_usd) + 1e-6
        bases = [y.base_gpus for y in a.years]
        assert bases == sorted(bases)


def test_an_absurd_hour_or_growth_is_refused_not_turned_into_negative_gpus(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from tokentco.domain.mix import DemandProfile
    from tokentco.engine.plan import yearly_load
    from tokentco.io.errors import InputError
    from tokentco.io.mix_csv import read_profile

    csv = tmp_path / "huge.csv"
    csv.write_text(
        "hour,tokens_per_s\n" + "".join(f"{h},{1e300 if h == 5 else 1000}\n" for h in range(24))
    )
    with pytest.raises(InputError, match="beyond any fleet") as err:
        read_profile(csv)
    assert "R7" in str(err.value)
    with pytest.raises(ValueError, match="beyond any fleet"):
        DemandProfile(tokens_per_s=(1000.0,) * 23 + (1e300,))
    flat = DemandProfile(tokens_per_s=(1000.0,) * 24, growth_per_year=10.0)
    with pytest.raises(ValueError, match="fold"):
        yearly_load(flat, 30)
    assert yearly_load(flat, 3).max() == pytest.approx(1000.0 * 11**2)

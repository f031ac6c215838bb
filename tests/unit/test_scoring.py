"""Scorecard rules from docs/scorecard.md: normalisation, weighted totals, ranks, sensitivity."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokentco.domain import (
    DEFAULT_CRITERIA,
    ComparisonOption,
    Criterion,
    Direction,
    LockInRubric,
    Project,
    ScoringRule,
)
from tokentco.engine.results import (
    Binding,
    Comparison,
    CostBreakdown,
    FleetSizing,
    Frontier,
    OperatingPoint,
    OptionResult,
)
from tokentco.engine.scoring import normalise, ranks, score, weighted_totals


def result(
    option_id: str,
    *,
    usd_per_gpu_hour: float = 2.0,
    tps: float = 1000.0,
    util: float = 0.7,
    user: float = 50.0,
    ttft: float = 300.0,
    per_mw: float | None = 5e5,
    risk: int = 2,
    lock: float = 3.0,
    lead: float | None = 4.0,
    feasible: bool = True,
    annual: float | None = None,
) -> OptionResult:
    mtok = usd_per_gpu_hour / (tps * 3600 * util) * 1e6 if feasible else math.inf
    fleet = None
    if annual is not None or feasible:
        yearly = annual if annual is not None else mtok * 3650.0
        fleet = FleetSizing(
            gpus=10,
            systems=2,
            megawatts=0.02,
            utilization=util,
            annual_cost_usd=yearly,
            contract_value_usd=3 * yearly,
            term_years=3,
        )
    point = OperatingPoint(
        feasible=feasible,
        reason="" if feasible else "TTFT target",
        provenance="estimated",
        source="estimator-1",
        concurrency=64,
        tp=8,
        ep=1,
        output_tokens_per_s_per_gpu=tps,
        total_tokens_per_s_per_gpu=2 * tps,
        tokens_per_s_per_user=user,
        ttft_ms=ttft,
        tpot_ms=1000 / user,
        memory_used_gb_per_gpu=60,
        binding=Binding.MEMORY_BANDWIDTH,
    )
    return OptionResult(
        option_id=option_id,
        label=option_id.upper(),
        accelerator_id="h100-sxm",
        offer_id="x",
        point=point,
        cost=CostBreakdown(usd_per_gpu_hour, rental_usd=usd_per_gpu_hour),
        utilization=util,
        usd_per_mtok=mtok,
        usd_per_mtok_output=mtok,
        usd_per_mtok_total=mtok / 2,
        watts_per_gpu_all_in=1200.0,
        pue=1.3,
        tokens_per_s_per_mw=per_mw,
        kwh_per_mtok=0.5,
        pflops_per_usd_hour=1.0,
        fleet=fleet,
        frontier=Frontier(
            np.array([10.0, 50.0]), np.array([2000.0, 1000.0]), np.array([256.0, 64.0])
        ),
        accuracy_risk=risk,
        lock_in=lock,
        lead_time_weeks=lead,
    )


def project_for(
    results: list[OptionResult],
    criteria: tuple[Criterion, ...] = DEFAULT_CRITERIA,
    manual: dict[str, dict[str, float]] | None = None,
) -> Project:
    manual = manual or {}
    return Project(
        criteria=criteria,
        options=tuple(
            ComparisonOption(
                id=r.option_id,
                accelerator_id="h100-sxm",
                offer_id="x",
                manual_values=manual.get(r.option_id, {}),
                lock_in=LockInRubric(),
            )
            for r in results
        ),
    )


# --- normalisation -------------------------------------------------------------------------


def test_ratio_to_best_lower_keeps_proportions() -> None:
    s = normalise(np.array([1.0, 2.0, 4.0]), Direction.LOWER, ScoringRule.RATIO_TO_BEST)
    assert s.tolist() == pytest.approx([100.0, 50.0, 25.0])


def test_ratio_to_best_higher() -> None:
    s = normalise(np.array([10.0, 40.0, 20.0]), Direction.HIGHER, ScoringRule.RATIO_TO_BEST)
    assert s.tolist() == pytest.approx([25.0, 100.0, 50.0])


def test_ratio_with_zero_best_lower_is_better() -> None:
    # a lead time of 0 weeks is the best possible; the others score 100·0/v = 0
    s = normalise(np.array([0.0, 4.0]), Direction.LOWER, ScoringRule.RATIO_TO_BEST)
    assert s.tolist() == [100.0, 0.0]


def test_min_max_spreads_small_gaps() -> None:
    s = normalise(np.array([1.0, 1.1, 1.2]), Direction.LOWER, ScoringRule.MIN_MAX)
    assert s.tolist() == pytest.approx([100.0, 50.0, 0.0])
    s = normalise(np.array([5.0, 15.0]), Direction.HIGHER, ScoringRule.MIN_MAX)
    assert s.tolist() == pytest.approx([0.0, 100.0])


@pytest.mark.parametrize("rule", [ScoringRule.MIN_MAX, ScoringRule.RATIO_TO_BEST])
@pytest.mark.parametrize("direction", list(Direction))
def test_one_option_or_equal_values_score_100(rule: ScoringRule, direction: Direction) -> None:
    assert normalise(np.array([3.0]), direction, rule).tolist() == [100.0]
    assert normalise(np.array([7.0, 7.0, 7.0]), direction, rule).tolist() == [100.0] * 3


def test_rubric_maps_1_to_100_and_5_to_0() -> None:
    s = normalise(np.array([1.0, 2.0, 3.0, 4.0, 5.0, 2.5]), Direction.LOWER, ScoringRule.RUBRIC)
    assert s.tolist() == pytest.approx([100.0, 75.0, 50.0, 25.0, 0.0, 62.5])


def test_missing_values_score_zero_and_do_not_set_the_best() -> None:
    s = normalise(np.array([np.nan, 2.0, 4.0]), Direction.LOWER, ScoringRule.RATIO_TO_BEST)
    assert s.tolist() == pytest.approx([0.0, 100.0, 50.0])
    assert normalise(np.array([np.nan, np.nan]), Direction.LOWER, ScoringRule.MIN_MAX).tolist() == [
        0.0,
        0.0,
    ]


# --- totals and ranks ----------------------------------------------------------------------


def test_weighted_total_divides_by_the_weight_sum_even_when_not_100() -> None:
    scores = np.array([[100.0, 50.0], [0.0, 100.0]])
    feasible = np.array([True, True])
    a = weighted_totals(scores, np.array([30.0, 10.0]), feasible)
    b = weighted_totals(scores, np.array([75.0, 25.0]), feasible)
    assert a.tolist() == pytest.approx([75.0, 62.5])
    assert a.tolist() == pytest.approx(b.tolist())
    assert weighted_totals(scores, np.zeros(2), feasible).tolist() == [0.0, 0.0]


def test_infeasible_option_totals_zero() -> None:
    scores = np.array([[100.0, 100.0]])
    assert weighted_totals(scores, np.array([1.0]), np.array([True, False])).tolist() == [100, 0]


def test_ranks_share_ties_like_excel() -> None:
    assert ranks(np.array([50.0, 80.0, 50.0, 10.0])).tolist() == [2, 1, 2, 4]


def test_score_reads_results_rubrics_and_manual_values() -> None:
    extra = Criterion(
        id="support",
        name="Support quality",
        unit="points",
        direction=Direction.HIGHER,
        weight_pct=5,
    )
    rs = [result("a", risk=1, lock=2.0), result("b", usd_per_gpu_hour=4.0, risk=4, lead=None)]
    project = project_for(
        rs, (*DEFAULT_CRITERIA, extra), {"a": {"support": 3}, "b": {"support": 6}}
    )
    card = score(project, Comparison("deepseek-r1", tuple(rs)))
    row = {c.id: i for i, c in enumerate(card.criteria)}
    assert card.values[row["usd_per_mtok"]].tolist() == pytest.approx(
        [rs[0].usd_per_mtok, rs[1].usd_per_mtok]
    )
    assert card.scores[row["usd_per_mtok"]].tolist() == pytest.approx([100.0, 50.0])
    assert card.scores[row["accuracy_risk"]].tolist() == pytest.approx([100.0, 25.0])
    assert card.scores[row["lock_in"]].tolist() == pytest.approx([75.0, 50.0])
    assert card.scores[row["lead_time"]].tolist() == [100.0, 0.0]  # b has no lead time
    assert card.scores[row["support"]].tolist() == pytest.approx([50.0, 100.0])
    expected = (card.weights_pct @ card.scores) / card.weights_pct.sum()
    assert card.totals.tolist() == pytest.approx(expected.tolist())
    assert card.weights_sum_pct == pytest.approx(105.0) and not card.weights_ok
    assert card.winner_id == "a" and card.rank_of("a") == 1


def test_infeasible_option_ranks_last_even_if_cheap_elsewhere() -> None:
    rs = [result("a", usd_per_gpu_hour=9.0), result("b", feasible=False, risk=1, lock=1)]
    card = score(project_for(rs), Comparison("m", tuple(rs)))
    assert card.winner_id == "a" and card.ranks.tolist() == [1, 2]
    assert math.isnan(card.values[0, 1])


# --- sensitivity ---------------------------------------------------------------------------


def two_way() -> tuple[Project, Comparison]:
    # a: cheaper; b: much more open (lock-in 1 vs 5)
    rs = [result("a", usd_per_gpu_hour=2.0, lock=4.0), result("b", usd_per_gpu_hour=2.4, lock=2.0)]
    return project_for(rs), Comparison("m", tuple(rs))


def test_weight_flip_is_exact() -> None:
    project, comparison = two_way()
    card = score(project, comparison)
    assert card.winner_id == "a"
    flip = card.closest_weight_flip
    assert flip is not None and flip.challenger_id == "b"
    # apply the flip (others rescaled to keep the sum) just past the crossing: b must win
    i = [c.id for c in card.criteria].index(flip.criterion_id)
    for past, winner in ((1e-3, "b"), (-1e-3, "a")):
        target = flip.flip_weight_pct + np.sign(flip.change_pct_points) * past
        w = card.weights_pct.copy()
        others = np.arange(len(w)) != i
        w[others] *= (w.sum() - target) / w[others].sum()
        w[i] = target
        crit = tuple(
            c.model_copy(update={"weight_pct": float(x)})
            for c, x in zip(card.criteria, w, strict=True)
        )
        again = score(project.model_copy(update={"criteria": crit}), comparison)
        assert again.winner_id == winner, (past, flip)


def test_break_even_utilization_flips_the_ranking() -> None:
    project, comparison = two_way()
    card = score(project, comparison)
    even = next(e for e in card.break_evens if e.option_id == "a" and e.input == "utilization")
    assert even.holds and even.break_even is not None and even.break_even < even.current
    assert even.new_winner_id == "b"
    for factor, winner in ((1.01, "a"), (0.99, "b")):
        u = even.break_even * factor
        a = comparison.options[0]
        # utilization changes $/Mtok only: the fleet is sized for peak demand
        moved = OptionResult(
            **{**a.__dict__, "utilization": u, "usd_per_mtok": a.usd_per_mtok * a.utilization / u}
        )
        again = score(project, Comparison("m", (moved, comparison.options[1])))
        assert again.winner_id == winner
    price = next(
        e for e in card.break_evens if e.option_id == "b" and e.input == "usd_per_gpu_hour"
    )
    assert not price.holds and price.break_even is not None and price.break_even < 2.4


def test_sentence_names_winner_weight_and_break_even() -> None:
    project, comparison = two_way()
    text = score(project, comparison).sentence
    assert text.startswith("A ranks first")
    assert "Vendor lock-in" in text or "weight" in text
    assert "utilization falls below" in text
    assert "B would win if" in text


def test_single_option_and_no_options() -> None:
    rs = [result("a")]
    card = score(project_for(rs), Comparison("m", tuple(rs)))
    assert card.winner_id == "a" and card.rank_of("a") == 1
    rubric = [i for i, c in enumerate(card.criteria) if c.rule is ScoringRule.RUBRIC]
    others = [i for i in range(len(card.criteria)) if i not in rubric]
    assert card.scores[others, 0].tolist() == [100.0] * len(others)
    assert card.weight_flips == () and card.break_evens == ()
    empty = score(Project(), Comparison("m", ()))
    assert empty.winner_id is None and empty.sentence == "No options to compare."


# --- properties ----------------------------------------------------------------------------

values = st.lists(st.floats(0.01, 1e6), min_size=1, max_size=10)


@settings(max_examples=80, deadline=None)
@given(
    values,
    st.sampled_from(list(Direction)),
    st.sampled_from([ScoringRule.RATIO_TO_BEST, ScoringRule.MIN_MAX]),
)
def test_scores_bounded_best_is_100_and_order_preserved(
    v: list[float], direction: Direction, rule: ScoringRule
) -> None:
    arr = np.array(v)
    s = normalise(arr, direction, rule)
    assert ((s >= 0) & (s <= 100)).all()
    best = arr.min() if direction is Direction.LOWER else arr.max()
    assert (s[arr == best] == 100).all()
    key = arr if direction is Direction.LOWER else -arr
    order = np.argsort(key, kind="stable")
    assert (np.diff(s[order]) <= 1e-9).all()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0.5, 20), min_size=2, max_size=6), st.floats(0.1, 10))
def test_scaling_all_weights_never_changes_the_ranking(prices: list[float], k: float) -> None:
    rs = [result(f"o{i}", usd_per_gpu_hour=p, lock=1 + i % 5) for i, p in enumerate(prices)]
    project = project_for(rs)
    base = score(project, Comparison("m", tuple(rs)))
    crit = tuple(
        c.model_copy(update={"weight_pct": min(100.0, c.weight_pct * k)}) for c in project.criteria
    )
    if any(c.weight_pct * k > 100 for c in project.criteria):
        return
    again = score(project.model_copy(update={"criteria": crit}), Comparison("m", tuple(rs)))
    assert again.totals.tolist() == pytest.approx(base.totals.tolist())


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0.5, 20), min_size=2, max_size=6))
def test_cheaper_option_never_loses_when_only_cost_counts(prices: list[float]) -> None:
    rs = [result(f"o{i}", usd_per_gpu_hour=p) for i, p in enumerate(prices)]
    only_cost = tuple(
        c.model_copy(update={"weight_pct": 100.0 if c.id == "usd_per_mtok" else 0.0})
        for c in DEFAULT_CRITERIA
    )
    card = score(project_for(rs, only_cost), Comparison("m", tuple(rs)))
    assert card.rank_of(f"o{int(np.argmin(prices))}") == 1

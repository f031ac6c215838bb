"""Estimator-8 physics: the open-loop slot queue (Poisson arrivals with a tail TTFT limit)
and the routed experts' activation traffic."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import one_case

from tokentco.engine.estimator import (
    _STAFFING_BETA,
    QUEUE_QUANTILE,
    _bisection,
    _expert_activation_bytes,
    _guide_table,
    _headroom,
    _std_normal_cdf,
    _wait_odds,
    sweep,
)
from tokentco.engine.point_groups import plan_points_grouped
from tokentco.engine.points import PointRequest, plan_points
from tokentco.engine.terms import ModelTerms, model_terms
from tokentco.io.bundled import bundled_catalogue

CAT = bundled_catalogue()
LEVELS = np.geomspace(1, 4096, 40)


def _wait_tail(headroom: np.ndarray, slots: np.ndarray, ratio: np.ndarray) -> np.ndarray:
    """P(wait > t) of the M/M/c queue with Halfin–Whitt's P(wait), t = S / ratio."""
    beta = headroom / np.sqrt(slots)
    phi = np.exp(-0.5 * beta * beta) / np.sqrt(2.0 * np.pi)
    p_wait = 1.0 / (1.0 + beta * _std_normal_cdf(beta) / phi)
    return np.asarray(p_wait * np.exp(-headroom / ratio))


def test_normal_cdf_matches_known_values() -> None:
    x = np.array([0.0, 1.0, 1.6448536, 2.3263479, 3.0])
    expected = np.array([0.5, 0.8413447, 0.95, 0.99, 0.9986501])
    assert np.allclose(_std_normal_cdf(x), expected, atol=2e-7)


@settings(max_examples=50, deadline=None)
@given(slots=st.floats(4.0, 20000.0), ratio=st.floats(0.5, 5000.0))
def test_headroom_holds_the_wait_quantile(slots: float, ratio: float) -> None:
    c, r = np.array([slots]), np.array([ratio])
    h = _headroom(c, r)
    assert 0.0 <= h[0] <= ratio * np.log(1.0 / (1.0 - QUEUE_QUANTILE)) + 1e-9
    # the root: the wait exceeds the budget with probability 1 − q, no more and no less
    assert _wait_tail(h, c, r)[0] == pytest.approx(1.0 - QUEUE_QUANTILE, rel=1e-3)


def test_headroom_is_square_root_staffing_when_the_budget_is_short() -> None:
    # a TTFT budget far shorter than a slot's service time leaves no time to drain a queue:
    # the headroom must make P(wait) itself 1 − q, β ≈ 2.37 of √c (Halfin–Whitt), however
    # many slots; a budget far longer needs almost none
    slots = np.array([100.0, 400.0, 1600.0])
    h = _headroom(slots, np.full(3, 1e7))
    beta = h / np.sqrt(slots)
    assert np.allclose(beta, beta[0], rtol=1e-3)
    assert 2.2 < beta[0] < 2.5
    assert np.all(_headroom(slots, np.full(3, 1e-3)) < 0.01)


def test_guided_bisection_gives_the_plain_bisections_floats() -> None:
    # the root-guided bisection must return the very floats of the plain one, on a wide
    # spread of caps and ratios, at the grid's levels, and on inputs it hands back to it
    rng = np.random.default_rng(14)
    slots = np.exp(rng.uniform(0.0, np.log(1e5), 200_000))
    ratio = np.exp(rng.uniform(np.log(1e-8), np.log(1e14), 200_000))
    assert np.array_equal(_headroom(slots, ratio), _bisection(slots, ratio))
    grid = np.geomspace(1.0, 4096.0, 48)[None, :]
    ratios = np.exp(rng.uniform(np.log(0.05), np.log(1e4), (500, 48)))
    assert np.array_equal(_headroom(grid, ratios), _bisection(*np.broadcast_arrays(grid, ratios)))
    odd = np.array([1.0, 1.0, 1.0, 0.0, np.inf, np.nan, 5.0, 5.0, 1e-200, 1e200])
    odd_ratio = np.array([0.0, np.inf, np.nan, 1.0, 1.0, 1.0, 1e-300, -1.0, 1.0, 1.0])
    with np.errstate(all="ignore"):
        assert np.array_equal(_headroom(odd, odd_ratio), _bisection(odd, odd_ratio), equal_nan=True)


def test_the_guides_bound_holds() -> None:
    # the guided bisection's error bound rests on d ln(1 + odds(β))/dβ ≥ 1.25 for β ≥ 0
    # (it rises from √(2π)/2 ≈ 1.2533) and on the table solving its equation
    beta = np.linspace(0.0, 3.0 * _STAFFING_BETA, 300_001)
    slope = np.diff(np.log1p(_wait_odds(beta))) / np.diff(beta)
    assert slope.min() >= 1.25
    table = _guide_table()
    u = np.linspace(0.0, 1.0, table.size)[1:]
    b = table[1:] * u
    residual = b * (1.0 - u) / u + np.log1p(_wait_odds(b)) - np.log(1.0 / (1.0 - QUEUE_QUANTILE))
    assert np.abs(residual).max() < 1e-12


def test_closed_loop_cases_are_untouched() -> None:
    case, terms = one_case()
    plain = sweep(case, terms, LEVELS)
    also = sweep(replace(case, queue_ttft_s=np.zeros(1)), terms, LEVELS)
    assert np.array_equal(plain.output_tokens_per_s_per_gpu, also.output_tokens_per_s_per_gpu)
    assert np.array_equal(plain.concurrency, also.concurrency)


@settings(max_examples=25, deadline=None)
@given(
    hardware=st.sampled_from(["h100-sxm", "h200-sxm", "b200", "mi300x", "l40s"]),
    model=st.sampled_from(["llama-3.1-8b", "llama-3.3-70b", "mixtral-8x7b"]),
    limit_s=st.floats(0.2, 20.0),
)
def test_open_loop_carries_less_than_its_cap(hardware: str, model: str, limit_s: float) -> None:
    closed_case, terms = one_case(hardware, model, (8, 8, 1, 1), 512, 512)
    open_case, _ = one_case(hardware, model, (8, 8, 1, 1), 512, 512, ttft_limit_s=limit_s)
    closed = sweep(closed_case, terms, LEVELS)
    opened = sweep(open_case, terms, LEVELS)
    ok = closed.feasible & np.isfinite(opened.ttft_ms)
    # the mean running batch sits below the cap, and so does the throughput
    assert np.array_equal(opened.concurrency, closed.concurrency)
    assert np.all(
        opened.output_tokens_per_s_per_gpu[ok] <= closed.output_tokens_per_s_per_gpu[ok] * 1.0001
    )
    # a shorter batch answers faster
    assert np.all(opened.tpot_ms[ok] <= closed.tpot_ms[ok] * 1.0001)


def test_a_tighter_ttft_limit_costs_throughput() -> None:
    out = []
    for limit in (0.3, 0.6, 2.0, 10.0):
        case, terms = one_case("h200-sxm", "llama-3.3-70b", (8, 8, 1, 1), 512, 512, limit)
        result = sweep(case, terms, np.array([64.0, 256.0, 1024.0]))
        out.append(result.output_tokens_per_s_per_gpu[0])
    table = np.array(out)
    assert np.all(np.diff(table, axis=0) >= -1e-9)
    # at a small, bandwidth-bound cap every idle slot is lost throughput
    assert table[0, 0] < 0.9 * table[-1, 0]


def test_a_limit_the_prefill_alone_breaks_is_infeasible() -> None:
    case, terms = one_case("h200-sxm", "llama-3.3-70b", (8, 8, 1, 1), 8192, 256, ttft_limit_s=0.001)
    result = sweep(case, terms, LEVELS)
    assert np.all(np.isinf(result.ttft_ms))


def test_large_caps_with_loose_limits_lose_little() -> None:
    closed_case, terms = one_case("h200-sxm", "llama-3.1-8b", (1, 1, 1, 1), 256, 256)
    open_case, _ = one_case("h200-sxm", "llama-3.1-8b", (1, 1, 1, 1), 256, 256, ttft_limit_s=60.0)
    level = np.array([1024.0])
    closed = sweep(closed_case, terms, level).output_tokens_per_s_per_gpu[0, 0]
    opened = sweep(open_case, terms, level)
    # at most the square-root-staffing headroom (≈ 2.4 √c of c slots) is idle
    assert opened.concurrency[0, 0] == 1024  # the level stays the cap
    assert opened.output_tokens_per_s_per_gpu[0, 0] >= (1 - 2.5 / np.sqrt(1024)) * closed


@pytest.mark.parametrize("grouped", [False, True])
def test_server_rows_queue_and_benchmark_rows_do_not(grouped: bool) -> None:
    # the limit belongs to the load target: a Server and an Offline row of one system share
    # a configuration (``point_groups`` plans it once) but only the Server row queues
    requests = [
        PointRequest(
            id="s",
            hardware_id="h200-sxm",
            model_id="llama-2-70b",
            num_gpus=8,
            osl=280,
            scenario="MLPerf Server",
            latency_constraint="TTFT p99<=2000ms; TPOT p99<=200ms",
            source="MLPerf Inference v5.1",
        ),
        PointRequest(
            id="o",
            hardware_id="h200-sxm",
            model_id="llama-2-70b",
            num_gpus=8,
            osl=280,
            scenario="MLPerf Offline",
            latency_constraint="none (Offline: all queries issued at once)",
            source="MLPerf Inference v5.1",
        ),
        PointRequest(
            id="b",
            hardware_id="h200-sxm",
            model_id="llama-3.3-70b",
            num_gpus=8,
            isl=1024,
            osl=1024,
            scenario="~64 concurrent requests",
            latency_constraint="iso-interactivity 30 tok/s/user",
        ),
    ]
    plan = (plan_points_grouped if grouped else plan_points)(requests, CAT)
    pairs = zip(plan.owner, plan.cases.queue_ttft_s, strict=True)
    limits = {requests[int(o)].id: float(q) for o, q in pairs}
    assert limits == {"s": 2.0, "o": 0.0, "b": 0.0}


def test_expert_activation_traffic() -> None:
    dense = model_terms(CAT.models["llama-3.3-70b"])
    moe = model_terms(CAT.models["qwen3-30b-a3b"])
    case, _ = one_case("b200", "qwen3-30b-a3b", (8, 1, 8, 1))
    c = {n: getattr(case, n)[:, None] for n in case.__dataclass_fields__}

    def of(terms: ModelTerms) -> tuple[np.ndarray, np.ndarray]:
        m = {n: np.asarray(getattr(terms, n)) for n in terms.__dataclass_fields__}
        return _expert_activation_bytes(c, m)

    assert np.all(of(dense)[0] == 0) and np.all(of(dense)[1] == 0)
    permute, streamed = of(moe)
    spec = CAT.models["qwen3-30b-a3b"]
    picks = spec.moe_layer_count * spec.experts_per_token / 8  # per token, per EP rank
    assert permute[0, 0] == pytest.approx(picks * 2 * spec.hidden_size * 1.5)
    inner = (spec.moe_intermediate_size or 0) / 1  # EP 8 over 8 GPUs: experts unsplit
    assert streamed[0, 0] == pytest.approx(picks * (2 * spec.hidden_size + 2 * inner) * 1.5)


def test_expert_activation_traffic_slows_a_large_moe_batch() -> None:
    # the decode step of an MoE model at a large batch is longer with the traffic than its
    # weights, KV and FLOPs alone give: compare against the same step with act bytes ~0
    case, terms = one_case("b200", "qwen3-30b-a3b", (1, 1, 1, 1), 1024, 1024)
    level = np.array([512.0])
    with_traffic = sweep(case, terms, level).tpot_ms[0, 0]
    without = sweep(replace(case, act_bytes=np.array([1e-9])), terms, level).tpot_ms[0, 0]
    assert with_traffic > without

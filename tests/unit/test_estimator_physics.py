"""Physics of the step model: bounds it must respect whatever the inputs."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import one_case

from tokentco.domain import Precision, ServingOptions, SpeculativeDecoding, Workload
from tokentco.engine import economics
from tokentco.engine.efficiency import DEFAULT_EFFICIENCY
from tokentco.engine.estimator import (
    USABLE_HBM_FRACTION,
    _decode_step,
    _expert_activation_bytes,
    sweep,
)
from tokentco.engine.operating import frontier
from tokentco.engine.results import Binding
from tokentco.engine.terms import CaseTerms, ModelTerms, case_row, model_terms, stack_cases
from tokentco.io.bundled import bundled_catalogue

CAT = bundled_catalogue()
LEVELS = np.geomspace(1, 4096, 40)


def _columns(case: CaseTerms, model: ModelTerms) -> tuple[dict, dict]:
    c = {n: getattr(case, n)[:, None] for n in case.__dataclass_fields__}
    m = {n: np.asarray(getattr(model, n)) for n in model.__dataclass_fields__}
    return c, m


HARDWARE = ["h100-sxm", "h200-sxm", "b200", "gb200", "mi300x", "l40s", "rtx-pro-6000-server"]
MODELS = ["llama-3.1-8b", "llama-3.3-70b", "mixtral-8x7b", "deepseek-r1", "qwen3-30b-a3b"]


@settings(max_examples=60, deadline=None)
@given(
    hardware=st.sampled_from(HARDWARE),
    model=st.sampled_from(MODELS),
    gpus=st.sampled_from([1, 2, 4, 8]),
    isl=st.integers(16, 32000),
    osl=st.integers(16, 8000),
)
def test_memory_bound_respected(hardware: str, model: str, gpus: int, isl: int, osl: int) -> None:
    spec = CAT.models[model]
    layout = (gpus, gpus, gpus if spec.moe else 1, 1)
    case, terms = one_case(hardware, model, layout, isl, osl)
    result = sweep(case, terms, LEVELS)
    usable = CAT.accelerators[hardware].memory_gb * USABLE_HBM_FRACTION
    feasible = result.feasible
    assert np.all(result.memory_used_gb_per_gpu[feasible] <= usable + 1e-6)


@settings(max_examples=40, deadline=None)
@given(model=st.sampled_from(["mixtral-8x7b", "deepseek-r1", "qwen3-30b-a3b", "gpt-oss-120b"]))
def test_moe_never_reads_more_than_all_experts(model: str) -> None:
    case, terms = one_case("gb200", model, (8, 1, 8, 1), isl=1, osl=1)
    case = replace(case, eta_mem=np.ones(1))
    c, m = _columns(case, terms)
    batch = np.geomspace(1, 1e6, 30)[None, :]
    dp = c["gpus"] / (c["tp"] * c["pp"])
    parts = _decode_step(c, m, batch, dp, np.ones_like(dp), np.full_like(dp, 1e12))[1]
    # the routed experts' activation stream (estimator-8) rides in the memory term too
    streamed = batch * _expert_activation_bytes(c, m)[1]
    memory = parts[0] - streamed / case.bw_bytes_s[:, None]
    all_weights = terms.replicated_params / 1 + terms.moe_layers * terms.routed_params_per_layer / 8
    kv = batch / dp * 1.5 * terms.kv_elements_per_token * case.kv_bytes[:, None]
    ceiling = (all_weights * case.weight_bytes[:, None] + kv) / case.bw_bytes_s[:, None]
    assert np.all(memory <= ceiling * (1 + 1e-9))
    assert memory[0, -1] == pytest.approx(ceiling[0, -1], rel=1e-3)  # a huge batch touches all
    assert np.all(np.diff(memory[0]) >= 0)


@settings(max_examples=40, deadline=None)
@given(
    hardware=st.sampled_from(HARDWARE),
    model=st.sampled_from(MODELS),
    factor=st.floats(1.0, 4.0),
)
def test_more_bandwidth_is_never_slower(hardware: str, model: str, factor: float) -> None:
    spec = CAT.models[model]
    case, terms = one_case(hardware, model, (8, 8, 8 if spec.moe else 1, 1))
    base = sweep(case, terms, LEVELS)
    faster = sweep(replace(case, bw_bytes_s=case.bw_bytes_s * factor), terms, LEVELS)
    ok = base.feasible
    assert np.all(faster.output_tokens_per_s_per_gpu[ok] >= base.output_tokens_per_s_per_gpu[ok])
    assert np.all(faster.tokens_per_s_per_user[ok] >= base.tokens_per_s_per_user[ok] * (1 - 1e-12))


@given(alpha=st.floats(0.0, 0.95), k=st.integers(1, 8))
def test_spec_decoding_tokens_per_step(alpha: float, k: int) -> None:
    spec = SpeculativeDecoding(enabled=True, acceptance_rate=alpha, draft_tokens=k)
    expected = sum(alpha**i for i in range(k + 1))  # 1 + α + … + α^k
    assert spec.tokens_per_step == pytest.approx(expected)
    assert 1.0 <= spec.tokens_per_step <= k + 1


def test_spec_decoding_speeds_up_a_small_batch() -> None:
    on = SpeculativeDecoding(enabled=True, draft_tokens=3, acceptance_rate=0.7)
    plain, terms = one_case("h200-sxm", "llama-3.3-70b")
    spec, _ = one_case("h200-sxm", "llama-3.3-70b", speculative=on)
    a, b = sweep(plain, terms, np.array([1.0])), sweep(spec, terms, np.array([1.0]))
    gain = float(b.tokens_per_s_per_user[0, 0] / a.tokens_per_s_per_user[0, 0])
    # memory-bound at batch 1: the verify step costs about one step, emits ≈2.5 tokens
    assert 1.8 < gain < on.tokens_per_step


@settings(max_examples=40, deadline=None)
@given(
    hardware=st.sampled_from(["h200-sxm", "b200", "gb200", "mi300x"]),
    model=st.sampled_from(["llama-3.3-70b", "deepseek-r1", "qwen3-30b-a3b"]),
    alpha=st.floats(0.3, 0.9),
    k=st.integers(1, 6),
    draft_cost=st.floats(0.0, 0.2),
)
def test_spec_gain_is_bounded_by_accepted_length_and_falls_with_batch(
    hardware: str, model: str, alpha: float, k: int, draft_cost: float
) -> None:
    """At the same batch, speculative decoding never loses (the engine stops drafting
    where it does not pay), never gains more than the expected accepted tokens per step
    (1 + α + … + α^k: acceptance per drafted position decays geometrically), and the
    gain falls to 1 as the batch grows into the compute-bound regime (the verify step's
    k + 1 tokens of compute and attention take over from the weight read they shared)."""
    on = SpeculativeDecoding(
        enabled=True, draft_tokens=k, acceptance_rate=alpha, draft_cost_fraction=draft_cost
    )
    layout = (8, 8, 8 if CAT.models[model].moe else 1, 1)
    plain, terms = one_case(hardware, model, layout)
    spec, _ = one_case(hardware, model, layout, speculative=on)
    batches = np.geomspace(1, 8192, 60)
    a, b = sweep(plain, terms, batches), sweep(spec, terms, batches)
    ok = a.feasible & b.feasible
    assert np.array_equal(a.concurrency, b.concurrency)
    gain = b.tokens_per_s_per_user[ok] / a.tokens_per_s_per_user[ok]
    throughput_gain = b.output_tokens_per_s_per_gpu[ok] / a.output_tokens_per_s_per_gpu[ok]
    assert np.all(gain >= 1.0 - 1e-12)
    assert np.all(gain <= on.tokens_per_step * (1 + 1e-12))
    assert np.all(throughput_gain >= 1.0 - 1e-12)
    # once compute binds the verify step costs k + 1 plain steps: drafting stops and the
    # gain is 1 (not monotone before that: where KV reads bind, at long contexts, the
    # verify tokens share one KV read and drafting pays again)
    compute_bound = b.binding[ok] == Binding.COMPUTE
    assert np.all(gain[compute_bound & (throughput_gain > 1.0)] < on.tokens_per_step)
    if a.binding[ok][-1] == Binding.COMPUTE:
        assert gain[-1] == pytest.approx(1.0)


def test_spec_gain_reaches_one_at_large_batch() -> None:
    on = SpeculativeDecoding(enabled=True, draft_tokens=3, acceptance_rate=0.7)
    plain, terms = one_case("h200-sxm", "llama-3.1-8b", (1, 1, 1, 1), 128, 128)
    spec, _ = one_case("h200-sxm", "llama-3.1-8b", (1, 1, 1, 1), 128, 128, speculative=on)
    batches = np.array([1.0, 1024.0])
    a, b = sweep(plain, terms, batches), sweep(spec, terms, batches)
    assert a.binding[0, 1] == Binding.COMPUTE
    gain = b.tokens_per_s_per_user[0] / a.tokens_per_s_per_user[0]
    assert gain[0] > 1.8
    assert gain[1] == pytest.approx(1.0)


def test_spec_draft_passes_cap_the_gain_at_high_interactivity() -> None:
    """Each of the k drafts runs one after the other at the draft head's own latency, so
    drafting more positions than acceptance sustains buys less per-user speed than the
    accepted length alone: with α = 0.5 drafting 8 instead of 2 adds only 0.24 expected
    tokens per step but six more draft passes, and the per-user speed falls."""
    plain, terms = one_case("b200", "deepseek-r1", (8, 8, 8, 1))
    speeds = []
    for k in (2, 8):
        on = SpeculativeDecoding(enabled=True, draft_tokens=k, acceptance_rate=0.5)
        spec, _ = one_case("b200", "deepseek-r1", (8, 8, 8, 1), speculative=on)
        speeds.append(float(sweep(spec, terms, np.array([1.0])).tokens_per_s_per_user[0, 0]))
    base = float(sweep(plain, terms, np.array([1.0])).tokens_per_s_per_user[0, 0])
    assert speeds[1] < speeds[0]
    assert base < speeds[0] < base * 1.75  # 1.75 emitted tokens per step at k = 2


def test_disaggregation_trades_ttft_for_tpot() -> None:
    agg, terms = one_case("h200-sxm", "llama-3.3-70b", isl=8000, osl=500)
    dis, _ = one_case("h200-sxm", "llama-3.3-70b", isl=8000, osl=500, disaggregated=True)
    a, d = sweep(agg, terms, LEVELS), sweep(dis, terms, LEVELS)
    # aggregated decode stalls behind interleaved prefill; disaggregated does not
    assert np.all(d.tpot_ms < a.tpot_ms)
    # disaggregated prefill runs without the chunked-prefill penalty → more tokens/GPU
    assert np.all(d.output_tokens_per_s_per_gpu >= a.output_tokens_per_s_per_gpu)
    # ...but the first token waits for the KV transfer to the decode pool
    c, m = _columns(dis, terms)
    transfer_ms = (
        8000
        * m["kv_elements_per_token"]
        * c["kv_bytes"]
        / (c["scaleout_bw_bytes_s"] * c["gpus"])
        * 1000
    )
    assert np.all(d.ttft_ms[:, :1] > transfer_ms)


def test_capacity_bounds_concurrency() -> None:
    case, terms = one_case("h100-sxm", "llama-3.3-70b", (2, 2, 1, 1), isl=8000, osl=8000)
    case = replace(case, max_batch_per_rank=np.array([1e9]), max_concurrency=np.array([1e9]))
    result = sweep(case, terms, np.array([1.0, 1e5]))
    assert result.concurrency[0, 1] < 1e5
    assert result.binding[0, 1] == Binding.CAPACITY
    assert result.binding[0, 0] != Binding.CAPACITY


def test_tp_outside_scaleup_domain_costs_more() -> None:
    inside, terms = one_case("h100-sxm", "llama-3.1-405b", (8, 8, 1, 1))
    outside = replace(inside, scaleup_gpus=np.array([4.0]))  # same layout spans two domains
    c_in, m = _columns(inside, terms)
    c_out, _ = _columns(outside, terms)
    batch = np.array([[1.0, 64.0, 512.0]])
    dp = np.ones((1, 1))
    comm_in = _decode_step(c_in, m, batch, dp, np.ones((1, 1)), np.full((1, 1), 1e11))[1][2]
    comm_out = _decode_step(c_out, m, batch, dp, np.ones((1, 1)), np.full((1, 1), 1e11))[1][2]
    assert np.all(comm_out > comm_in * 3)
    a, b = sweep(inside, terms, LEVELS), sweep(outside, terms, LEVELS)
    assert np.all(b.output_tokens_per_s_per_gpu <= a.output_tokens_per_s_per_gpu)


@settings(max_examples=40, deadline=None)
@given(
    hardware=st.sampled_from(HARDWARE),
    model=st.sampled_from(MODELS),
    isl=st.integers(64, 16000),
    osl=st.integers(64, 4000),
)
def test_frontier_is_monotone(hardware: str, model: str, isl: int, osl: int) -> None:
    spec = CAT.models[model]
    rows = [
        case_row(
            CAT.accelerators[hardware],
            ServingOptions(),
            Workload(isl_tokens=isl, osl_tokens=osl),
            (n, n, n if spec.moe else 1, 1),
            DEFAULT_EFFICIENCY,
        )
        for n in (1, 2, 4, 8)
    ]
    result = sweep(stack_cases(rows), model_terms(spec), LEVELS)
    curve = frontier(result)
    assert np.all(np.diff(curve.tokens_per_s_per_user) > 0)
    assert np.all(np.diff(curve.output_tokens_per_s_per_gpu) <= 0)


@given(
    price=st.floats(0.1, 20.0),
    tps=st.floats(1.0, 1e5),
    factor=st.floats(1.01, 100.0),
    util=st.floats(0.02, 1.0),
)
def test_usd_per_mtok_falls_with_throughput_and_doubles_at_half_utilization(
    price: float, tps: float, factor: float, util: float
) -> None:
    base = economics.usd_per_mtok(price, tps, util)
    assert economics.usd_per_mtok(price, tps * factor, util) < base
    assert economics.usd_per_mtok(price, tps, util / 2) == pytest.approx(2 * base)


def test_attention_runs_at_kv_precision_not_fp4() -> None:
    fp4, _ = one_case(
        "b200",
        "deepseek-r1",
        weight_precision=Precision.FP4,
        compute_precision=Precision.FP4,
        kv_precision=Precision.FP8,
    )
    b200 = CAT.accelerators["b200"]
    assert fp4.peak_flops[0] == pytest.approx(b200.peak_tflops(Precision.FP4) * 1e12)
    assert fp4.attn_peak_flops[0] == pytest.approx(b200.peak_tflops(Precision.FP8) * 1e12)


def test_pipeline_parallel_saves_capacity_not_bandwidth() -> None:
    """At batch 1 a PP=8 replica streams a full weight copy per token, like one GPU; TP=8
    splits the bytes eight ways, so its token is much faster."""
    pp_case, model = one_case(layout=(8, 1, 1, 8), tp=1, pp=8)
    tp_case, _ = one_case(layout=(8, 8, 1, 1), tp=8)
    one = np.ones((1, 1))
    pp_user = sweep(pp_case, model, one).tokens_per_s_per_user[0, 0]
    tp_user = sweep(tp_case, model, one).tokens_per_s_per_user[0, 0]
    assert tp_user > 2.5 * pp_user


def test_per_sequence_overhead_grows_with_batch_per_rank() -> None:
    """The per-sequence cost is paid per attention rank: more sequences per rank, longer
    steps, whatever the bandwidth and FLOPS."""
    case, model = one_case()
    free = replace(case, seq_overhead_s=np.zeros(1))
    costly = replace(case, seq_overhead_s=np.full(1, 50e-6))
    batch = np.array([256.0])
    slow = sweep(costly, model, batch).tpot_ms[0, 0]
    fast = sweep(free, model, batch).tpot_ms[0, 0]
    assert slow - fast == pytest.approx(256 * 50e-3, rel=0.25)


def test_emulated_fp4_weights_stream_at_the_native_element_rate() -> None:
    """FP4 weights on hardware without an FP4 tensor path (MI325X, Hopper) are dequantised
    in the kernel: they keep the FP4 capacity saving but not the bandwidth saving; hardware
    with native FP4 keeps both."""
    fp4 = {
        "weight_precision": Precision.FP4,
        "compute_precision": Precision.FP4,
        "kv_precision": Precision.FP8,
    }
    for hardware, native in (("mi325x", False), ("h200-sxm", False), ("b200", True)):
        case, _ = one_case(hardware=hardware, model="gpt-oss-120b", layout=(4, 4, 4, 1), **fp4)
        assert case.weight_bytes[0] == Precision.FP4.bytes_per_element
        expected = Precision.FP4 if native else Precision.FP8
        assert case.weight_read_bytes[0] == expected.bytes_per_element
    emulated, model = one_case(hardware="mi325x", model="gpt-oss-120b", layout=(4, 4, 4, 1), **fp4)
    native_fp8, _ = one_case(
        hardware="mi325x",
        model="gpt-oss-120b",
        layout=(4, 4, 4, 1),
        weight_precision=Precision.FP8,
        compute_precision=Precision.FP8,
        kv_precision=Precision.FP8,
    )
    small = np.array([1.0, 8.0, 32.0])
    fp4_run, fp8_run = sweep(emulated, model, small), sweep(native_fp8, model, small)
    # same decode speed at small batch, but more room for KV with FP4 storage
    np.testing.assert_allclose(fp4_run.tpot_ms, fp8_run.tpot_ms, rtol=1e-9)
    assert np.all(fp4_run.memory_used_gb_per_gpu < fp8_run.memory_used_gb_per_gpu)


def test_variable_output_lengths_lengthen_the_mean_decode_context() -> None:
    """Long requests stay in the batch longer (length-biased sampling): with cv of the output
    length > 0 a decode step reads more KV and is slower; prefill and capacity do not move."""
    fixed, model = one_case(model="llama-3.1-8b", layout=(1, 1, 1, 1), isl=512, osl=2048)
    spread = replace(fixed, osl_spread=np.array([2.0]))
    a, b = sweep(fixed, model, LEVELS), sweep(spread, model, LEVELS)
    assert np.all(b.tpot_ms > a.tpot_ms)
    np.testing.assert_array_equal(a.concurrency, b.concurrency)
    # the mean context is ISL + OSL·(1 + cv²)/2: with cv = 1 it equals ISL + OSL
    c, m = _columns(spread, model)
    c_fixed, _ = _columns(replace(fixed, osl=fixed.osl * 2.0), model)
    batch = np.array([[64.0]])
    dp = np.ones((1, 1))
    big = np.full((1, 1), 1e12)
    kv_shard = np.ones((1, 1))
    _, parts_b = _decode_step(c, m, batch, dp, kv_shard, big)
    _, parts_f = _decode_step(c_fixed, m, batch, dp, kv_shard, big)
    np.testing.assert_allclose(parts_b[0], parts_f[0])
    np.testing.assert_allclose(parts_b[1], parts_f[1])


def _expert_compute_per_token(ep: int, batches: np.ndarray) -> np.ndarray:
    case, model = one_case(model="qwen3-30b-a3b", layout=(8, 1, ep, 1))
    c, m = _columns(case, model)
    dp = c["gpus"] / (c["tp"] * c["pp"])
    big = np.full((1, 1), 1e12)
    _, parts = _decode_step(c, m, batches, dp, np.ones((1, 1)), big)
    return np.asarray((parts[1] / batches)[0])


def test_expert_parallel_step_waits_for_the_busiest_rank() -> None:
    """Routed tokens land unevenly on EP ranks: relative to the same GPUs without EP, expert
    compute per token is highest at small batch and falls toward the balanced cost as the
    batch grows."""
    batches = np.array([[4.0, 64.0, 1024.0, 16384.0]])
    imbalance = _expert_compute_per_token(8, batches) / _expert_compute_per_token(1, batches)
    assert np.all(imbalance > 1.0)
    assert np.all(np.diff(imbalance) < 0)
    assert imbalance[-1] / imbalance[0] < 0.8


def test_expert_gemms_compute_whole_row_tiles() -> None:
    """Each expert that receives tokens computes at least one 128-row tile: with few tokens
    per expert the per-token cost is higher; once every expert gets a full tile (Qwen3-30B:
    128 experts, 8 per token, so from 2,048 sequences on) it is the useful cost."""
    from tokentco.engine.estimator import EXPERT_TILE_ROWS

    batches = np.array([[4.0, 64.0, 1024.0, 4096.0, 16384.0]])
    per_token = _expert_compute_per_token(1, batches)
    assert np.all(np.diff(per_token[:4]) < 0)
    np.testing.assert_allclose(per_token[3], per_token[4], rtol=1e-9)
    assert per_token[0] > 5 * per_token[-1]
    assert EXPERT_TILE_ROWS == 128


def test_mla_prefill_runs_unabsorbed() -> None:
    """DeepSeek's prefill attention is ordinary multi-head attention over decompressed keys
    (192 wide) and values (128): 2·61·128·320 FLOPs per pair, not the absorbed decode form
    over the 576/512-wide latent; GQA models keep one figure for both."""
    from tokentco.engine.terms import model_terms
    from tokentco.io.bundled import bundled_catalogue

    catalogue = bundled_catalogue()
    mla = model_terms(catalogue.models["deepseek-r1"])
    assert float(mla.prefill_attention_flops_per_context) == 2.0 * 61 * 128 * (128 + 64 + 128)
    assert float(mla.attention_flops_per_context) / float(
        mla.prefill_attention_flops_per_context
    ) == pytest.approx(3.4, abs=0.05)
    gqa = model_terms(catalogue.models["llama-3.3-70b"])
    assert float(gqa.prefill_attention_flops_per_context) == float(gqa.attention_flops_per_context)


def test_sliding_window_raises_long_context_capacity_and_speed() -> None:
    """Windowed layers keep and read only their window, so at 32k context gpt-oss fits more
    sequences and decodes faster than the same shapes with full attention everywhere."""
    import numpy as np

    from tokentco.domain import ServingOptions, Workload
    from tokentco.engine.calibration import DEFAULT_CALIBRATION
    from tokentco.engine.estimator import sweep
    from tokentco.engine.terms import case_row, model_terms, stack_cases
    from tokentco.io.bundled import bundled_catalogue

    catalogue = bundled_catalogue()
    windowed = catalogue.models["gpt-oss-120b"]
    full = windowed.model_copy(update={"sliding_window_tokens": None, "sliding_window_layers": 0})
    h100 = catalogue.accelerators["h100-sxm"]
    work = Workload(isl_tokens=32_000, osl_tokens=1_000)
    eff = DEFAULT_CALIBRATION.lookup("h100-sxm", ServingOptions().compute_precision)
    case = stack_cases([case_row(h100, ServingOptions(), work, (4, 1, 4, 1), eff)])
    levels = np.geomspace(1, 512, 16)
    a = sweep(case, model_terms(windowed), levels)
    b = sweep(case, model_terms(full), levels)
    assert a.concurrency.max() > b.concurrency.max()
    assert a.output_tokens_per_s_per_gpu.max() > b.output_tokens_per_s_per_gpu.max()

"""Vectorised roofline-plus-overheads model of LLM serving (see docs: estimator spec).

One call evaluates every case (option variant × parallel layout) at every concurrency
level as a (cases, levels) grid. All arithmetic is numpy; nothing here allocates per point.
"""

import functools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from tokentco.engine.results import Binding, BoolArray, FloatArray, Infeasible, IntArray, Sweep
from tokentco.engine.terms import SCALEOUT_LATENCY_FACTOR, CaseTerms, ModelTerms

USABLE_HBM_FRACTION = 0.90
"""Serving engines reserve ~10 % of HBM (allocator slack, CUDA graphs, fragmentation)."""
WORKSPACE_BYTES = 3e9
"""Activations and runtime buffers per GPU outside the KV pool."""
ROOFLINE_SHARPNESS = 4  # _smooth_max squares twice; keep the two in step
"""Exponent of the smooth max between memory and compute time (∞ = hard roofline).

Real kernels do not switch abruptly from bandwidth- to compute-bound; a p-norm blends
the two near the knee, which is where most operating points sit."""
SPEC_PASS_OVERHEAD = 0.15
"""Share of a step's fixed cost (overheads and collectives) each speculative draft pass
repeats. Without it the MTP gain at very high interactivity, where fixed costs dominate
the step, came out ~2× too high (the InferenceX MTP rows: LOSO error 110 %). Chosen on
leave-one-source-out error among 0, 0.05, 0.1, 0.15, 0.2 (docs/estimator.md): 0.15 brings
the MTP rows to 18 % and keeps the overall error where 0.05–0.1 have it (a one-layer MTP
head re-running sampling, synchronisation and its layer's collectives)."""
EXPERT_TILE_ROWS = 128.0
"""Rows (tokens) of one MMA tile of the routed-expert grouped GEMMs: the M = 128 tile of
Blackwell's tcgen05 MMA and of Hopper's two-warpgroup WGMMA kernels (CUTLASS, DeepGEMM,
TensorRT-LLM's MoE GEMMs). An expert that receives t tokens computes max(t, 128) rows, so
at tens of tokens per expert (small MoE models at large batch on one GPU, wide EP) the
expert GEMMs cost up to several times their useful FLOPs. Taken from the instruction
shape, not fitted (64 and 96 were measured too: leave-one-source-out 19.9/42.7 and
18.5/43.4 % against 18.8/41.6 % for 128, see docs/estimator.md)."""
P99_OVER_MEAN_TTFT = 2.2
"""p99 / mean TTFT of a server-style run (Poisson arrivals queue behind variable-length
prefills): the median over the 60 MLPerf Server/Interactive runs in the public set that
report both (spread 1.5–5.3). ``points`` holds a mean TTFT to a p99 limit by it, and
``_open_loop`` holds the prefill part of an open-loop TTFT to it."""
QUEUE_QUANTILE = 0.99
"""Quantile of TTFT an open-loop run's TTFT limit bounds (MLPerf Server/Interactive: p99)."""
AGGREGATED_PREFILL_PENALTY = 0.8
"""Chunked prefill sharing steps with decode runs at this share of standalone efficiency."""


_PART_BINDING = np.array(
    [Binding.MEMORY_BANDWIDTH, Binding.COMPUTE, Binding.COMMUNICATION, Binding.OVERHEAD], np.int64
)


def _row(values: FloatArray) -> FloatArray:
    """Shape a per-case array (P,) as (1, P) so it broadcasts against the levels (C, P)."""
    return values[None, :] if values.ndim == 1 else values


@dataclass(frozen=True)
class _Grid:
    """Every case at every level, before a result is assembled from it (``sweep`` and
    ``sweep_figures`` share this: the same floats)."""

    c: dict[str, FloatArray]
    batch: FloatArray
    dp: FloatArray
    weights: FloatArray
    kv_per_seq: FloatArray
    free_hbm: FloatArray
    capacity_bound: BoolArray
    parts: list[FloatArray]  # the decode step's memory, compute, communication, overhead
    out_gpu: FloatArray
    tpot: FloatArray
    ttft: FloatArray
    reason: IntArray  # per case, (P, 1)


@dataclass(frozen=True)
class Figures:
    """What choosing each case's load point needs of a sweep (``sweep_figures``): every
    array but ``feasible`` has the grid's shape (P, C). The output is not zeroed where a
    case is infeasible (``Sweep``'s is); ``binding_at`` gives the binding of chosen
    points only, as ``Sweep.binding`` has it there."""

    concurrency: FloatArray
    output_tokens_per_s_per_gpu: FloatArray
    tokens_per_s_per_user: FloatArray
    ttft_ms: FloatArray
    feasible: BoolArray  # per case, (P, 1)
    memory_s: FloatArray
    compute_s: FloatArray
    communication_s: FloatArray
    overhead_s: FloatArray
    capacity_bound: BoolArray

    def binding_at(self, rows: IntArray, levels: IntArray) -> IntArray:
        """``Sweep.binding[rows, levels]``: the largest part of the decode step there,
        or the memory capacity where that bounds the batch."""
        parts = (self.memory_s, self.compute_s, self.communication_s, self.overhead_s)
        largest = np.argmax(np.stack([picked(p, rows, levels) for p in parts]), axis=0)
        bound = picked(self.capacity_bound, rows, levels)
        return np.where(bound, Binding.CAPACITY, _PART_BINDING[largest]).astype(np.int64)


def picked(values: np.ndarray, rows: IntArray, levels: IntArray) -> np.ndarray:
    """``values[rows, levels]``. The figures' (P, C) arrays are views of (C, P) ones
    (``_transposed``): taken from the flat memory as one index, the gather runs numpy's
    one-dimensional path instead of its general one (the same values)."""
    if values.flags.f_contiguous and values.ndim == 2:
        return np.asarray(values.ravel(order="F")[levels * values.shape[0] + rows])
    return np.asarray(values[rows, levels])


def sweep(case: CaseTerms, model: ModelTerms, concurrency: FloatArray) -> Sweep:
    """Estimate throughput and latency for every case at every concurrency level.

    ``concurrency`` is sequences per replica: shape (C,) for a common grid, or (P, C).
    """
    g = _grid(case, model, concurrency)
    c = g.c
    binding = _PART_BINDING[np.argmax(np.stack(g.parts), axis=0)]
    binding = np.where(g.capacity_bound, Binding.CAPACITY, binding).astype(np.int64)
    reason = g.reason
    shape = g.batch.shape
    total_gpu = g.out_gpu * (c["isl"] + c["osl"]) / c["osl"]
    memory_used = g.weights + np.minimum(g.batch / g.dp * g.kv_per_seq, np.maximum(g.free_hbm, 0.0))
    return Sweep(
        concurrency=g.batch,
        tp=np.broadcast_to(c["tp"], shape).astype(np.int64),
        ep=np.broadcast_to(c["ep"], shape).astype(np.int64),
        output_tokens_per_s_per_gpu=np.where(reason == 0, g.out_gpu, 0.0),
        total_tokens_per_s_per_gpu=np.where(reason == 0, total_gpu, 0.0),
        tokens_per_s_per_user=1.0 / g.tpot,
        ttft_ms=g.ttft * 1000.0,
        tpot_ms=g.tpot * 1000.0,
        memory_used_gb_per_gpu=np.broadcast_to(memory_used + WORKSPACE_BYTES, shape) / 1e9,
        binding=binding,
        reason=np.broadcast_to(reason, shape).astype(np.int64),
        gpus=np.broadcast_to(c["gpus"], shape).astype(np.int64),
        pp=np.broadcast_to(c["pp"], shape).astype(np.int64),
    )


def sweep_figures(case: CaseTerms, model: ModelTerms, concurrency: FloatArray) -> Figures:
    """``sweep``'s figures that choosing a load point reads (the same floats), without
    the per-point arrays it does not: layouts, memory, total tokens and the binding at
    every point (``Figures.binding_at`` gives it where asked)."""
    g = _grid(case, model, concurrency)
    shape = g.batch.shape
    memory, compute, comm, overhead = (np.broadcast_to(p, shape) for p in g.parts)
    return Figures(
        concurrency=g.batch,
        output_tokens_per_s_per_gpu=g.out_gpu,
        tokens_per_s_per_user=1.0 / g.tpot,
        ttft_ms=g.ttft * 1000.0,
        feasible=np.asarray(g.reason == Infeasible.OK),
        memory_s=memory,
        compute_s=compute,
        communication_s=comm,
        overhead_s=overhead,
        capacity_bound=np.broadcast_to(g.capacity_bound, shape),
    )


def _grid(case: CaseTerms, model: ModelTerms, concurrency: FloatArray) -> _Grid:
    """The model at every case and level (see ``sweep``), as (P, C) views of (C, P) arrays.

    The cases run along the rows' length: a per-case term (1, P) meets a grid-wide one
    (C, P) in runs of P contiguous elements, with numpy's ufunc buffer no longer than a
    run, so no step copies a per-case term out to a buffer first (laid out (P, C), every
    such step broadcast the term across C = 48 levels into a buffer: 3-4 times the
    instructions of the step itself). Elementwise, the floats are the same."""
    with np.errstate():  # restores numpy's buffer size on leaving
        if case.size >= _LONG_RUN:
            np.setbufsize(case.size // 16 * 16)  # numpy takes multiples of 16
        return _transposed(_levels_by_case(case, model, concurrency))


_LONG_RUN = 256
"""Cases from which ``_grid`` sets numpy's ufunc buffer to one run of cases (fewer, and
the buffer's copies are small next to the calls themselves)."""


def _transposed(g: _Grid) -> _Grid:
    """``g`` with every array transposed: (C, P) arrays as (P, C), rows as columns."""
    return _Grid(
        c={name: v.T for name, v in g.c.items()},
        batch=g.batch.T,
        dp=g.dp.T,
        weights=g.weights.T,
        kv_per_seq=g.kv_per_seq.T,
        free_hbm=g.free_hbm.T,
        capacity_bound=g.capacity_bound.T,
        parts=[p.T for p in g.parts],
        out_gpu=g.out_gpu.T,
        tpot=g.tpot.T,
        ttft=g.ttft.T,
        reason=g.reason.T,
    )


def _levels_by_case(case: CaseTerms, model: ModelTerms, concurrency: FloatArray) -> _Grid:
    """``_grid``'s arrays laid out (C, P): levels by cases, per-case terms as rows."""
    c = {name: _row(getattr(case, name)) for name in case.__dataclass_fields__}
    m = {name: _row(np.asarray(getattr(model, name))) for name in model.__dataclass_fields__}
    requested = np.asarray(concurrency, np.float64)
    requested = requested[:, None] if requested.ndim == 1 else np.ascontiguousarray(requested.T)
    room = _room(c, m)
    dp, kv_shard, weights, kv_per_seq, free_hbm, capacity, engine_cap = room
    batch = _batch(requested, room)
    capacity_bound = capacity < np.minimum(requested, engine_cap)

    step, parts = _decode_step(c, m, batch, dp, kv_shard, free_hbm)
    emitted = np.broadcast_to(c["spec_tokens_per_step"], step.shape)
    if np.any(c["spec_verify_tokens"] > 1.0):
        step, emitted, parts = _speculate_where_it_pays(
            c, m, batch, dp, kv_shard, free_hbm, (step, parts)
        )
    decode_tps_replica = batch * emitted / step
    prefill_gpu_s = _prefill_gpu_seconds(c, m)
    out_gpu, tpot, ttft = _serve(c, m, step, emitted, decode_tps_replica, prefill_gpu_s)
    queued = np.flatnonzero(case.queue_ttft_s > 0)
    if queued.size:
        state = (batch, dp, kv_shard, free_hbm, emitted, prefill_gpu_s)
        out_gpu, tpot, ttft = _open_loop(c, m, queued, state, (out_gpu, tpot, ttft))
    return _Grid(
        c=c,
        batch=batch,
        dp=dp,
        weights=weights,
        kv_per_seq=kv_per_seq,
        free_hbm=free_hbm,
        capacity_bound=capacity_bound,
        parts=parts,
        out_gpu=out_gpu,
        tpot=tpot,
        ttft=ttft,
        reason=_reasons(c, m, free_hbm, capacity),
    )


class _Room(NamedTuple):
    """Per case: what bounds the batch it runs (``_room``)."""

    dp: FloatArray
    kv_shard: FloatArray
    weights: FloatArray
    kv_per_seq: FloatArray
    free_hbm: FloatArray
    capacity: FloatArray  # sequences the KV pool holds per replica
    engine_cap: FloatArray  # the engine's limit on running sequences per replica


def _room(c: dict[str, FloatArray], m: dict[str, FloatArray]) -> _Room:
    """Per case: its data-parallel ranks, KV shards, weights, KV bytes per sequence, free
    HBM, the KV capacity in sequences and the engine's batch limit."""
    dp = c["gpus"] / (c["tp"] * c["pp"])
    kv_shard = np.minimum(c["tp"], m["kv_shard_limit"])
    weights = _weight_bytes_per_gpu(c, m)
    kv_per_seq = _kept(m, c["isl"] + c["osl"]) * m["kv_elements_per_token"] * c["kv_bytes"]
    kv_per_seq = kv_per_seq / kv_shard
    kv_per_seq = kv_per_seq / c["pp"]
    free_hbm = c["memory_bytes"] * USABLE_HBM_FRACTION - WORKSPACE_BYTES - weights
    capacity = dp * (np.maximum(free_hbm, 0.0) + c["offload_bytes"]) / kv_per_seq
    engine_cap = np.minimum(c["max_concurrency"], c["max_batch_per_rank"] * dp)
    return _Room(dp, kv_shard, weights, kv_per_seq, free_hbm, capacity, engine_cap)


def _batch(requested: FloatArray, room: _Room) -> FloatArray:
    """The batch run at the ``requested`` concurrency: capped by the KV capacity and the
    engine's limit, at least 1."""
    batch = np.minimum(np.minimum(requested, room.capacity), room.engine_cap)
    return np.asarray(np.maximum(batch, 1.0))


def batch_at(case: CaseTerms, model: ModelTerms, concurrency: FloatArray) -> FloatArray:
    """Per case (shape (P,)): the batch ``sweep`` runs at its one concurrency level
    ``concurrency`` (P,), the same floats as its ``concurrency`` there, without the
    decode step (the batch depends on per-case terms only)."""
    c = {name: getattr(case, name) for name in case.__dataclass_fields__}
    m = {name: np.asarray(getattr(model, name)) for name in model.__dataclass_fields__}
    return _batch(np.asarray(concurrency, np.float64), _room(c, m))


def _weight_bytes_per_gpu(c: dict[str, FloatArray], m: dict[str, FloatArray]) -> FloatArray:
    """Replicated weights split by TP; routed experts split across the EP group."""
    routed = m["moe_layers"] * m["routed_params_per_layer"] / c["ep"]
    return (m["replicated_params"] / c["tp"] + routed) * c["weight_bytes"] / c["pp"]


def _decode_step(
    c: dict[str, FloatArray],
    m: dict[str, FloatArray],
    batch: FloatArray,
    dp: FloatArray,
    kv_shard: FloatArray,
    free_hbm: FloatArray,
) -> tuple[FloatArray, list[FloatArray]]:
    """Seconds per decode step and its parts (memory, compute, communication, overhead).

    Terms that are exactly zero for every case of the call (the routed experts' of dense
    models, the draft passes' without speculation) are left out rather than added: the
    same floats, fewer passes over the grid (``_routes_nothing``)."""
    tokens = batch * c["spec_verify_tokens"]
    routed = not _routes_nothing(c, m, tokens)
    touched: FloatArray | None = None
    if routed:
        # (1 − k/E)^T as exp(T·log(1 − k/E)): one log per case, a cheap exp per point
        miss = np.log1p(-np.minimum(m["experts_per_token"] / m["num_experts"], 1.0 - 1e-12))
        touched = 1.0 - np.exp(tokens * miss)
        routed_read = m["moe_layers"] * m["routed_params_per_layer"] * touched / c["ep"]
        # Pipeline parallelism: a stage holds 1/pp of the weights but must stream them once
        # per micro-batch, and keeping pp stages busy takes pp micro-batches per decode
        # step, so a GPU still reads a full TP shard of the weights per step (PP saves
        # capacity, not bandwidth). Compute and KV traffic do split across stages.
        weight_read = (m["replicated_params"] / c["tp"] + routed_read) * c["weight_read_bytes"]
    else:  # routed_read is 0
        weight_read = m["replicated_params"] / c["tp"] * c["weight_read_bytes"]
    # Mean context of a running sequence: its prompt plus its age. With fixed output lengths
    # the age averages OSL/2; with variable lengths long requests stay in the batch longer
    # (length-biased sampling), so the mean age is E[L²]/(2·E[L]) = OSL·(1 + cv²)/2.
    context = c["isl"] + c["osl"] * c["osl_spread"] / 2.0
    kv_token_bytes = m["kv_elements_per_token"] * c["kv_bytes"] / c["pp"]
    # the grid-wide steps below write into arrays made here (out=): the same operations
    # in the same order, without a new array per step
    per_rank = batch / dp  # sequences per data-parallel rank, shared by three terms
    kv_read = per_rank * _kept(m, context)
    kv_read *= kv_token_bytes
    kv_read /= kv_shard
    resident = per_rank * _kept(m, c["isl"] + c["osl"])
    resident *= kv_token_bytes
    host_share = np.divide(np.maximum(free_hbm, 1.0) * kv_shard, resident, out=resident)
    np.subtract(1.0, host_share, out=host_share)
    np.clip(host_share, 0.0, 1.0, out=host_share)
    memory = np.subtract(1.0, host_share)
    memory *= kv_read
    memory += weight_read
    memory /= c["bw_bytes_s"] * c["eta_mem"]
    offloaded = np.multiply(kv_read, host_share, out=host_share)
    offloaded /= c["offload_bw_bytes_s"]
    memory += offloaded
    shuffle: FloatArray | None = None
    if np.any(m["moe_layers"] > 0):
        permute, streamed = _expert_activation_bytes(c, m)
        rate = c["bw_bytes_s"] * c["eta_mem"]
        memory += tokens * (streamed / rate)
        shuffle = tokens * (permute / rate)
    per_gpu = tokens / c["gpus"]
    dense = 2.0 * (m["active_params"] - m["routed_active_params"])
    gemm = dense / (c["peak_flops"] * c["eta_flops"])
    attention = m["attention_flops_per_context"] * _kept(m, context)
    attention = attention / (c["attn_peak_flops"] * c["eta_attn"])
    if touched is not None:
        compute = np.add(gemm, _expert_seconds(c, m, tokens, touched))  # a new array
        compute += attention
        compute *= per_gpu
    else:  # the experts' seconds are 0
        compute = (gemm + attention) * per_gpu
    comm = _communication(c, m, tokens, dp)
    core = _smooth_max(memory, compute)
    overhead = np.multiply(c["seq_overhead_s"], per_rank, out=per_rank)
    overhead += c["step_overhead_s"]
    if np.any(c["spec_draft_cost"] != 0.0):
        core = core * (1.0 + c["spec_draft_cost"])
    step = np.add(core, comm, out=core)  # core, a new array, has the grid's shape
    step += overhead
    # without draft passes their share, 0 × (overhead + comm), is +0 wherever the step is
    # finite (its parts are ≥ 0), and adding it would change nothing
    if np.any(c["spec_verify_tokens"] != 1.0) or not np.isfinite(step).all():
        # Each of the k draft passes of speculative decoding (an MTP head or draft model run
        # once per drafted token, one after the other) is its own small forward step: it
        # repeats the step's fixed costs — launches, sampling, synchronisation and the
        # collectives of its layer — even when its weight and FLOP cost is small.
        passes = c["spec_verify_tokens"] - 1.0
        step = step + passes * SPEC_PASS_OVERHEAD * (overhead + comm)
    if shuffle is not None:
        step += shuffle
    return step, [memory, compute, comm, overhead]


def _routes_nothing(c: dict[str, FloatArray], m: dict[str, FloatArray], tokens: FloatArray) -> bool:
    """Whether no case of the call routes tokens to experts (dense models): then the
    routed weights read and the experts' seconds are exactly +0 at every point (each is a
    product with a zero factor over finite, positive others), and adding them changes
    no float, so ``_decode_step`` leaves them out."""
    rate = c["peak_flops"] * c["eta_flops"] * c["eta_moe"]
    return bool(
        np.all(m["experts_per_token"] == 0.0)
        and np.all(m["routed_active_params"] == 0.0)
        and np.all(m["moe_layers"] * m["routed_params_per_layer"] == 0.0)
        and np.all(m["num_experts"] > 0.0)
        and np.all(c["ep"] >= 1.0)
        and np.all((rate > 0.0) & np.isfinite(rate))
        and np.isfinite(tokens).all()
    )


def _expert_seconds(
    c: dict[str, FloatArray], m: dict[str, FloatArray], tokens: FloatArray, touched: FloatArray
) -> FloatArray:
    """Seconds per token of the replica's step the routed experts' GEMMs take."""
    experts = 2.0 * m["routed_active_params"] / (c["peak_flops"] * c["eta_flops"] * c["eta_moe"])
    # Grouped-GEMM row tiles: every expert that receives tokens computes at least one tile
    # of EXPERT_TILE_ROWS rows, so a few tokens per expert cost a whole tile.
    routed_tokens = tokens * m["experts_per_token"]
    padded = m["num_experts"] * touched
    padded *= EXPERT_TILE_ROWS
    np.maximum(routed_tokens, padded, out=padded)
    experts = np.multiply(experts, padded, out=padded)
    experts /= np.maximum(routed_tokens, 1e-9)
    # Expert parallelism: the step waits for the busiest EP rank. With T·k routed tokens spread
    # at random over ep ranks (mean μ = T·k/ep each), the expected maximum load is about
    # μ + σ·sqrt(2 ln ep) with σ² = μ(1 − 1/ep).
    spread = 2.0 * np.log(np.maximum(c["ep"], 1.0)) * (1.0 - 1.0 / c["ep"])
    mean_load = np.divide(routed_tokens, c["ep"], out=routed_tokens)  # tokens · k, as above
    np.maximum(mean_load, 1.0, out=mean_load)
    if np.all(spread == 0.0) and np.isfinite(mean_load).all():
        return experts  # × (1 + √(0 / μ)) = × 1: no EP rank waits for another
    wait = np.divide(spread, mean_load, out=mean_load)
    np.sqrt(wait, out=wait)
    wait += 1.0
    experts *= wait
    return experts


def _expert_activation_bytes(
    c: dict[str, FloatArray], m: dict[str, FloatArray]
) -> tuple[FloatArray, FloatArray]:
    """HBM bytes per GPU the routed experts move besides their weights, per token of the
    replica's step: (permute/combine, grouped-GEMM activations).

    Each routed pick's hidden vector is written to its expert's contiguous buffer and read
    back (permute), and its output is read and scattered back to the token (combine):
    2 · hidden activation bytes per pick per MoE layer, by kernels of their own between
    the router, the GEMMs and the next layer, so this time adds to the step. The grouped
    GEMMs read the permuted input, write and read the SwiGLU intermediate and write the
    output, hidden + 2 · intermediate + hidden per pick (the intermediate split over the
    expert's tensor-parallel GPUs), streamed next to the weights inside the roofline's
    memory term. An EP rank handles tokens · k / ep picks. Counted from the kernels, not
    fitted; dense models have none. Decode only: charging prefill the same permute per
    prompt token was measured too (leave-one-source-out median 17.8 → 18.1 %, p90 39.6 →
    39.3 %) and left out (docs/estimator.md, estimator-8)."""
    picks = m["moe_layers"] * m["experts_per_token"] / c["ep"] * c["act_bytes"]
    intermediate = m["expert_params"] / (3.0 * m["hidden"]) / (c["gpus"] / c["ep"])
    return np.asarray(picks * 2.0 * m["hidden"]), np.asarray(
        picks * (2.0 * m["hidden"] + 2.0 * intermediate)
    )


def _speculate_where_it_pays(
    c: dict[str, FloatArray],
    m: dict[str, FloatArray],
    batch: FloatArray,
    dp: FloatArray,
    kv_shard: FloatArray,
    free_hbm: FloatArray,
    drafting_step: tuple[FloatArray, list[FloatArray]],
) -> tuple[FloatArray, FloatArray, list[FloatArray]]:
    """Step time, tokens emitted per step and the step's parts where speculative decoding
    is enabled, at each batch the better of drafting and not drafting.

    Physics of a speculative step (k drafted tokens, acceptance α per drafted position):
    position i is accepted only if all before it are, with probability α^i, so the tokens
    emitted per step, 1 + α + … + α^k, saturate at 1/(1 − α) however many are drafted; the
    verify step runs k + 1 tokens per sequence through the target (GEMM, expert and
    attention FLOPs, expert reads and all-to-all bytes ×(k + 1); the KV is read once), and
    the k draft passes run one after the other, each at least the draft head's own latency
    (a share of the step's fixed costs, ``SPEC_PASS_OVERHEAD``). Memory-bound at small
    batch the verify step costs about one plain step, so the gain approaches the emitted
    tokens per step minus the draft passes; compute-bound at large batch the verify step
    costs k + 1 plain steps and drafting would lose. Engines stop drafting where it does
    not pay (vLLM's disable-by-batch-size, the best-of configurations publishers tune per
    concurrency), so the gain over plain decoding is ≥ 1, falls toward 1 as the batch
    grows and never exceeds the emitted tokens per step."""
    drafted, drafted_parts = drafting_step
    plain_c = {
        **c,
        "spec_verify_tokens": np.ones_like(c["spec_verify_tokens"]),
        "spec_draft_cost": np.zeros_like(c["spec_draft_cost"]),
    }
    plain, plain_parts = _decode_step(plain_c, m, batch, dp, kv_shard, free_hbm)
    tokens = c["spec_tokens_per_step"]
    drafting = tokens * plain >= drafted
    step = np.where(drafting, drafted, plain)
    emitted = np.where(drafting, tokens, 1.0)
    parts = [np.where(drafting, a, b) for a, b in zip(drafted_parts, plain_parts, strict=True)]
    return step, emitted, parts


def _kept(m: dict[str, FloatArray], context: FloatArray) -> FloatArray:
    """Context tokens attended/kept, averaged over layers: sliding-window layers stop at
    their window, full-attention layers keep everything."""
    share = m["window_share"]
    return np.asarray(context * (1.0 - share) + np.minimum(context, m["window_tokens"]) * share)


def _prefill_pairs(m: dict[str, FloatArray], tokens: FloatArray) -> FloatArray:
    """(query, key) pairs prefill attends for a prompt of ``tokens``: t²/2 in full layers;
    in windowed layers w·t − w²/2 with w = min(t, window) (t²/2 up to the window, then
    the window per further token)."""
    w = np.minimum(tokens, m["window_tokens"])
    share = m["window_share"]
    return np.asarray(tokens * tokens / 2.0 * (1.0 - share) + (w * tokens - w * w / 2.0) * share)


def _smooth_max(a: FloatArray, b: FloatArray) -> FloatArray:
    """p-norm of the two times with p = ROOFLINE_SHARPNESS (4), by squaring for speed."""
    a2, b2 = a * a, b * b
    np.multiply(a2, a2, out=a2)  # in place: the same floats, two arrays fewer
    np.multiply(b2, b2, out=b2)
    a2 += b2
    np.sqrt(a2, out=a2)
    return np.sqrt(a2, out=a2)


def _communication(
    c: dict[str, FloatArray], m: dict[str, FloatArray], tokens: FloatArray, dp: FloatArray
) -> FloatArray:
    """TP all-reduces (two per layer) and EP dispatch+combine (per MoE layer); a kind of
    traffic no case of the call has is not computed (it is 0.0 at every point)."""
    # A replica beyond one scale-up domain pays the scale-out link and latency for its TP
    # traffic too (pipeline stages across servers: their activation hand-offs and
    # bubbles are not modelled separately; counting TP in-domain there made dense
    # pipelined rows worse on leave-one-source-out, docs/estimator.md).
    inside = c["gpus"] <= c["scaleup_gpus"]
    tp_link = np.where(inside, c["scaleup_bw_bytes_s"], c["scaleout_bw_bytes_s"]) * c["eta_comm"]
    tp_latency = c["comm_latency_s"] * np.where(inside, 1.0, SCALEOUT_LATENCY_FACTOR)
    tp_time: FloatArray | None = None
    if np.any(c["tp"] > 1):
        tp_share = 2.0 * (c["tp"] - 1.0) / c["tp"]
        tp_time = 2.0 * m["layers"] * tp_share * tokens  # the same steps as one expression
        tp_time /= dp
        tp_time *= m["hidden"]
        tp_time *= c["act_bytes"]
        tp_time /= tp_link
        tp_time += 2.0 * m["layers"] * tp_latency
        tp_time = _where_many(c["tp"] > 1, tp_time)
    ep_time: FloatArray | None = None
    if np.any(c["ep"] > 1):
        ep_time = 2.0 * m["moe_layers"] * tokens
        ep_time /= c["gpus"]
        ep_time *= m["experts_per_token"]
        ep_time *= m["hidden"]
        ep_time *= c["act_bytes"]
        ep_time *= _ep_seconds_per_byte(c)
        ep_time += 2.0 * m["moe_layers"] * tp_latency
        ep_time = _where_many(c["ep"] > 1, ep_time)
    # a kind of traffic no case has is 0.0 at every point, and adding it changes no float
    if tp_time is None or ep_time is None:
        alone = ep_time if tp_time is None else tp_time
        return np.zeros(tokens.shape) if alone is None else alone
    return np.asarray(tp_time + ep_time)


def _where_many(cases: BoolArray, values: FloatArray) -> FloatArray:
    """``np.where(cases, values, 0.0)`` (``cases`` per case), without its pass over the
    grid when every case has the traffic."""
    if np.all(cases):
        return values
    return np.asarray(np.where(cases, values, 0.0))


def _ep_seconds_per_byte(c: dict[str, FloatArray]) -> FloatArray:
    """Seconds per byte of a GPU's expert-parallel dispatch/combine traffic.

    A routed token's expert is on another rank with probability (ep − 1)/ep; when the EP
    group spans several scale-up domains (wide expert parallelism over InfiniBand/RoCE,
    as DeepEP-style multi-node deployments run it), a share 1 − s/ep of the picks leave
    the domain of s GPUs and cross the scale-out network at its bandwidth, the rest stays
    on the scale-up links (NVLink / Infinity Fabric); the two run one after the other."""
    ep = c["ep"]
    domain = np.minimum(c["scaleup_gpus"], ep)
    remote = 1.0 - domain / ep
    local = (domain - 1.0) / ep
    return np.asarray(
        (local / c["scaleup_bw_bytes_s"] + remote / c["scaleout_bw_bytes_s"]) / c["eta_comm"]
    )


def _prefill_gpu_seconds(c: dict[str, FloatArray], m: dict[str, FloatArray]) -> FloatArray:
    """GPU-seconds of compute one request's prefill needs (uncached tokens only)."""
    cached = c["isl"] * c["prefix_hit"]
    new_tokens = c["isl"] - cached
    pairs = _prefill_pairs(m, c["isl"]) - _prefill_pairs(m, cached)
    attention = m["prefill_attention_flops_per_context"] * pairs
    # Routed experts run as grouped GEMMs in prefill too (η_moe of the dense rate): the
    # same kernels, token permutation and expert imbalance as in decode.
    dense = m["active_params"] - m["routed_active_params"]
    linear = 2.0 * (dense + m["routed_active_params"] / c["eta_moe"]) * new_tokens
    penalty = np.where(c["disaggregated"] > 0, 1.0, AGGREGATED_PREFILL_PENALTY)
    rate = c["eta_prefill"] * penalty
    seconds = linear / (c["peak_flops"] * rate) + attention / (c["attn_peak_flops"] * rate)
    seconds = seconds + _prefill_communication(c, m, new_tokens)
    return np.asarray(seconds)


def _prefill_communication(
    c: dict[str, FloatArray], m: dict[str, FloatArray], new_tokens: FloatArray
) -> FloatArray:
    """GPU-seconds one request's prefill spends in expert-parallel traffic: the dispatch
    and combine of each prompt token's k expert activations per MoE layer (the decode
    step's all-to-all, per prefill token). It sits on the critical path between the
    router and the expert GEMMs, so it adds to the prefill time. TP all-reduces are left
    out: in prefill they are small next to the GEMMs they follow and engines overlap them
    (counting them without overlap made dense long-prompt rows 5–8 points worse on
    leave-one-source-out, see docs/estimator.md)."""
    ep_bytes = 2.0 * m["moe_layers"] * new_tokens * m["experts_per_token"] * m["hidden"]
    return np.asarray(ep_bytes * c["act_bytes"] * _ep_seconds_per_byte(c))


def _serve(
    c: dict[str, FloatArray],
    m: dict[str, FloatArray],
    step: FloatArray,
    emitted: FloatArray,
    decode_tps_replica: FloatArray,
    prefill_gpu_s: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Output tokens/s per GPU, TPOT and TTFT (seconds) for aggregated or disaggregated serving.

    Per GPU, both modes spend the same GPU-seconds on a request's prefill and decode;
    they differ in latency: aggregated decode steps stall behind interleaved prefill
    (TPOT stretches by 1/(1−ρ)), disaggregated pays a KV transfer before the first token.
    A mode no case of the call uses is not computed (``np.where`` would not pick it).
    """
    decode_gpu_s = c["osl"] * c["gpus"] / decode_tps_replica
    per_request_gpu_s = decode_gpu_s + prefill_gpu_s
    out_gpu = c["osl"] / per_request_gpu_s
    prefill_replica_s = prefill_gpu_s / c["gpus"]
    disagg = c["disaggregated"] > 0
    if not np.all(disagg):  # some cases aggregated
        rho = prefill_gpu_s / per_request_gpu_s
        tpot_agg = step / emitted / (1.0 - rho)
        ttft_agg = prefill_replica_s / (1.0 - rho) + step
        if not np.any(disagg):
            return out_gpu, tpot_agg, ttft_agg
    kv_bytes = _kept(m, c["isl"]) * m["kv_elements_per_token"] * c["kv_bytes"]
    transfer = kv_bytes / (c["scaleout_bw_bytes_s"] * c["gpus"])
    tpot_dis = step / emitted
    ttft_dis = prefill_replica_s + transfer + step
    if np.all(disagg):
        return out_gpu, np.asarray(tpot_dis), np.asarray(ttft_dis)
    return (
        out_gpu,
        np.where(disagg, tpot_dis, tpot_agg),
        np.where(disagg, ttft_dis, ttft_agg),
    )


def _open_loop(
    c: dict[str, FloatArray],
    m: dict[str, FloatArray],
    queued: IntArray,
    state: tuple[FloatArray, ...],
    figures: tuple[FloatArray, FloatArray, FloatArray],
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Output tokens/s per GPU, TPOT and TTFT of a run with Poisson arrivals and a tail
    TTFT limit (``queue_ttft_s`` > 0); other cases pass through. The sweep's concurrency
    stays the cap c (a level is read only through its batch, see ``point_groups``).

    Closed loop (a benchmark client keeping N requests in flight) the batch is the
    concurrency. Open loop (MLPerf Server/Interactive: Poisson arrivals) the concurrency
    level is the replica's batch cap c, its slots: a request that arrives while all c are
    busy waits for one to free. A slot is held for S = OSL · TPOT (TPOT of a full batch,
    the upper bound); with R sequences running on average, a busy system frees slots at
    c/S and its queue drains at (c − R)/S, so a queued request's wait is exponential at
    that rate (M/M/c; MLPerf output lengths are exponential-like). Holding the q quantile
    of TTFT within the limit L leaves t = L − P99_OVER_MEAN_TTFT · TTFT(prefill) for the
    wait:

        P(wait) · exp(−(c − R) · t / S) ≤ 1 − q,

    solved for the headroom H = c − R with P(wait) from the Halfin–Whitt approximation
    (``_headroom``): at most H ≈ 2.4 √c idle on average, a few percent of a cap of hundreds
    of slots but a large share of a small one (tens of slots). The replica carries R = c − H
    sequences on average: throughput, TPOT and TTFT are those of batch R (the mean TPOT,
    which ``points`` holds to a p99 limit by the runs' tail ratio). A cap that cannot keep
    its TTFT within the limit (t ≤ 0 or R < 1) gets an infinite TTFT. No parameter is
    fitted: q is the limit's quantile, the ratio the runs' median."""
    size = c["gpus"].shape[-1]
    every = queued.size == size  # then the queued cases are the arrays as they are

    def rows(v: FloatArray) -> FloatArray:  # the queued cases (columns) of an array
        return v[..., queued] if v.ndim and v.shape[-1] == size and not every else v

    cq, mq = {k: rows(v) for k, v in c.items()}, {k: rows(v) for k, v in m.items()}
    batch, dp, kv_shard, free_hbm, emitted, prefill_gpu_s = (rows(v) for v in state)
    tpot, ttft = rows(figures[1]), rows(figures[2])
    service = cq["osl"] * tpot
    budget = cq["queue_ttft_s"] - P99_OVER_MEAN_TTFT * ttft
    headroom = _headroom(batch, service / np.maximum(budget, 1e-9))
    running = batch - headroom
    fits = (budget > 0) & (running >= 1.0)
    running = np.clip(running, 1.0, batch)
    step, _ = _decode_step(cq, mq, running, dp, kv_shard, free_hbm)
    out_r, tpot_r, ttft_r = _serve(cq, mq, step, emitted, running * emitted / step, prefill_gpu_s)
    ttft_r = np.where(fits, ttft_r, np.inf)
    if every:
        return out_r, tpot_r, ttft_r
    out = [np.array(f, dtype=np.float64) for f in figures]
    out[0][..., queued], out[1][..., queued], out[2][..., queued] = out_r, tpot_r, ttft_r
    return out[0], out[1], out[2]


def _std_normal_cdf(x: FloatArray) -> FloatArray:
    """Φ(x) for x ≥ 0 via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7)."""
    z = x / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return np.asarray(0.5 * (2.0 - poly * np.exp(-z * z)))


def _wait_odds(beta: FloatArray) -> FloatArray:
    """β Φ(β) / φ(β): P(wait) = 1 / (1 + this) in the Halfin–Whitt approximation."""
    beta = np.minimum(beta, 30.0)
    return np.asarray(
        beta * _std_normal_cdf(beta) * np.sqrt(2.0 * np.pi) * np.exp(0.5 * beta * beta)
    )


def _bisect_beta(odds: float) -> float:
    """β with ``_wait_odds(β)`` = odds (it grows with β)."""
    low, high = 0.0, 30.0
    for _ in range(60):
        mid = 0.5 * (low + high)
        low, high = (mid, high) if float(_wait_odds(np.array(mid))) < odds else (low, mid)
    return 0.5 * (low + high)


_STAFFING_BETA = _bisect_beta(1.0 / (1.0 - QUEUE_QUANTILE) - 1.0)
"""β at which P(wait) itself is 1 − q (≈ 2.37 for q = 0.99): no headroom beyond β √c."""
_HEADROOM_STEPS = 18
"""Bisection steps of ``_headroom``: the bracket (at most β √c ≈ 150 slots at 4,096) is
cut to well under a hundredth of a slot."""
_GUIDE_POINTS = 4097
"""Points of ``_beta_guide``'s table (its error only moves how often the guided bisection
evaluates the condition itself, never its result)."""
_SQRT_2PI = float(np.sqrt(2.0 * np.pi))
_LARGEST = float(np.finfo(np.float64).max)


def _headroom(slots: FloatArray, ratio: FloatArray) -> FloatArray:
    """Idle slots H an M/M/c queue with c = ``slots`` needs so that the wait exceeds
    t only with probability 1 − q, ``ratio`` = S / t:  H / ratio = ln(P(wait) / (1 − q)).
    P(wait) = 1 / (1 + β Φ(β) / φ(β)), β = H / √c (Halfin–Whitt); the left side grows and
    the right falls with H, so the root lies in [0, min(ratio · ln(1/(1 − q)), β* √c)]
    (β*: P(wait) = 1 − q) and bisection finds it (``_bisection``). Where the inputs are
    ordinary finite numbers the same bisection is run guided by the root, computed
    apart (``_guided_bisection``): the same floats at a small part of the cost."""
    shape = np.broadcast_shapes(np.shape(slots), np.shape(ratio))
    c = np.broadcast_to(slots, shape).ravel()
    s = np.broadcast_to(ratio, shape).ravel()
    regular = (c >= 1e-100) & (c <= 1e100) & (s >= 1e-100) & (s <= 1e100)
    if regular.all():
        return _guided_bisection(c, s).reshape(shape)
    out = np.empty(c.size)
    out[regular] = _guided_bisection(c[regular], s[regular])
    out[~regular] = _bisection(c[~regular], s[~regular])
    return out.reshape(shape)


def _bracket(slots: FloatArray, ratio: FloatArray) -> tuple[float, FloatArray, FloatArray]:
    """ln(1/(1 − q)), √c and the top of the bracket the root of ``_headroom`` lies in."""
    tail = float(np.log(1.0 / (1.0 - QUEUE_QUANTILE)))
    root = np.sqrt(slots)
    return tail, root, np.minimum(ratio * tail, _STAFFING_BETA * root)


def _below(mid: FloatArray, ratio: FloatArray, root: FloatArray, tail: float) -> BoolArray:
    """Whether the headroom ``mid`` is below the root (the bisection's test)."""
    return np.asarray(mid / ratio + np.log1p(_wait_odds(mid / root)) < tail)


def _bisection(slots: FloatArray, ratio: FloatArray) -> FloatArray:
    """``_headroom`` by plain bisection of its bracket (any inputs)."""
    tail, root, high = _bracket(slots, ratio)
    low = np.zeros_like(high)
    mid = np.empty_like(high)
    for _ in range(_HEADROOM_STEPS):  # in place: the same floats as np.where, no new arrays
        np.add(low, high, out=mid)
        mid *= 0.5
        below = _below(mid, ratio, root, tail)
        np.copyto(low, mid, where=below)
        np.copyto(high, mid, where=~below)
    return np.asarray(0.5 * (low + high))


def _guided_bisection(slots: FloatArray, ratio: FloatArray) -> FloatArray:
    """``_bisection``'s result, step for step, for finite positive inputs (1-D).

    Each step's test, whether the midpoint is below the root, is answered by comparing it
    with an estimate r of the root that has a proven error bound w (``_root_estimate``).
    The test changes sign only at the root: the condition it evaluates grows with H (its
    floats are within ~1e-14 of the exact values, which w allows for), so for a midpoint
    farther than w from r the comparison is the test's own answer. Low only rises and high
    only falls, each midpoint becoming one of them, so the midpoints nearest r are the
    final bracket's ends: a point whose final bracket has an end within w of r (a few in a
    thousand) is bisected again as ``_bisection`` does. The bracket is updated as
    ``np.copyto`` would, by max/min (midpoints lie within the bracket, all are ≥ 0)."""
    tail, root, top = _bracket(slots, ratio)
    centre, width = _root_estimate(root, ratio, tail)
    low = np.zeros_like(top)
    high = np.array(top)
    work = np.empty((3, min(top.size, _BISECTION_BLOCK)))
    for start in range(0, top.size, _BISECTION_BLOCK):
        at = slice(start, start + _BISECTION_BLOCK)
        _bisect_block(low[at], high[at], centre[at], work[:, : low[at].size])
    result = np.asarray(0.5 * (low + high))
    near = np.flatnonzero(~((centre - low > width) & (high - centre > width)))
    if near.size:
        result[near] = _bisection(slots[near], ratio[near])
    return result


_BISECTION_BLOCK = 16384
"""Points ``_guided_bisection`` runs its steps on at a time: its five arrays then stay in
the core's cache through the 18 steps (a third faster than whole ~100,000-point chunks);
each point's steps are its own, so the floats are the same."""


def _bisect_block(low: FloatArray, high: FloatArray, centre: FloatArray, work: FloatArray) -> None:
    """``_guided_bisection``'s steps on one block, in place in ``low`` and ``high``
    (``work``: three scratch rows of the block's size)."""
    mid, spare, below = work  # below: 1.0 or 0.0, the test as a float, cast once per step
    for _ in range(_HEADROOM_STEPS):
        np.add(low, high, out=mid)
        mid *= 0.5
        np.less(mid, centre, out=below)
        np.multiply(mid, below, out=spare)  # mid where below, else 0
        np.maximum(low, spare, out=low)
        np.multiply(below, _LARGEST, out=spare)  # the largest float where below, else 0
        np.maximum(spare, mid, out=spare)
        np.minimum(high, spare, out=high)


def _root_estimate(
    root: FloatArray, ratio: FloatArray, tail: float
) -> tuple[FloatArray, FloatArray]:
    """The root of ``_headroom``'s condition, estimated (``_beta_guide``), and a bound on
    how far the true root and the band where the bisection's float test can disagree
    with the exact one lie from it.

    In β = H/√c and a = √c/ratio the condition is F(β) = β a + ln(1 + odds(β)) − ln(1/(1 − q))
    = 0, with F' = a + d ln(1 + odds)/dβ ≥ a + 1.25 for β ≥ 0 (the second term rises from
    √(2π)/2, ``tests/engine/test_open_loop_queue.py`` checks it), so the root lies within
    |F(β̂)| / (a + 1.25) of the estimate β̂. The floats of F and of the test are within
    ~1e-14 of their exact values; the bound adds 1e-11 for them, and doubles |F|."""
    a = root / ratio
    u = 1.0 / (1.0 + a)
    beta = _beta_guide(u) * u
    residual = np.abs(beta * a + np.log1p(_odds_estimate(beta)) - tail)
    width = root * (2.0 * residual + 1e-11) / (a + 1.25)
    return beta * root, np.asarray(width)


def _odds_estimate(beta: FloatArray) -> FloatArray:
    """``_wait_odds`` (β ≤ 30) with one exponential: φ's exp(−β²/2) serves Φ's too."""
    t = 1.0 / (1.0 + 0.3275911 * (beta / np.sqrt(2.0)))
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    decay = np.exp(-0.5 * beta * beta)
    return np.asarray(beta * (1.0 - 0.5 * poly * decay) * _SQRT_2PI / decay)


def _beta_guide(u: FloatArray) -> FloatArray:
    """w = β (1 + a) at u = 1/(1 + a) ∈ (0, 1], linearly interpolated in ``_guide_table``
    (w runs smoothly from ln(1/(1 − q)) at u → 0 to β* at u = 1)."""
    table, steps = _guide_table(), _guide_steps()
    pos = u * (table.size - 1)
    cell = pos.astype(np.intp)  # ≤ the last point (u ≤ 1), whose step is 0
    return np.asarray(table.take(cell) + (pos - np.floor(pos)) * steps.take(cell))


@functools.cache
def _guide_steps() -> FloatArray:
    """The rise of ``_guide_table`` from each point to the next (0 after the last)."""
    steps = np.append(np.diff(_guide_table()), 0.0)
    steps.setflags(write=False)
    return steps


@functools.cache
def _guide_table() -> FloatArray:
    """w at u = 0, 1/(n − 1), …, 1 (n = ``_GUIDE_POINTS``): the root of
    G(w) = w (1 − u) + ln(1 + odds(w u)) − ln(1/(1 − q)), by Newton's method from w =
    ln(1/(1 − q)), where G ≥ 0 (G is convex and rises, so the steps stay above the root).
    Computed once per process (~1 ms), read only."""
    tail = float(np.log(1.0 / (1.0 - QUEUE_QUANTILE)))
    u = np.linspace(0.0, 1.0, _GUIDE_POINTS)
    w = np.full_like(u, tail)
    for _ in range(12):
        beta = w * u
        odds = _odds_estimate(beta)
        ratio = odds / np.maximum(beta, 1e-300)  # Φ/φ, √(2π)/2 at β = 0
        ratio = np.where(beta > 0, ratio, 0.5 * _SQRT_2PI)
        slope = (ratio * (1.0 + beta * beta) + beta) / (1.0 + odds)  # d ln(1 + odds)/dβ
        w = w - (w * (1.0 - u) + np.log1p(odds) - tail) / ((1.0 - u) + u * slope)
    w.setflags(write=False)
    return w


def _reasons(
    c: dict[str, FloatArray], m: dict[str, FloatArray], free_hbm: FloatArray, capacity: FloatArray
) -> IntArray:
    too_long = (c["isl"] + c["osl"]) > m["max_context"]
    no_room = (free_hbm + c["offload_bytes"] <= 0) | (capacity < 1.0)
    bad_layout = (c["ep"] > c["gpus"]) | (c["tp"] * c["pp"] > c["gpus"])
    reason = np.where(no_room, Infeasible.DOES_NOT_FIT, Infeasible.OK)
    reason = np.where(too_long, Infeasible.CONTEXT_TOO_LONG, reason)
    return np.where(bad_layout, Infeasible.LAYOUT, reason).astype(np.int64)

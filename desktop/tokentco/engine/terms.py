"""Flatten domain objects into the numeric terms the vectorised estimator uses.

Everything is float64 arrays of one shape (one entry per *case*: an option variant ×
parallel layout), so the estimator can broadcast against a concurrency axis.
"""

from dataclasses import dataclass, fields

import numpy as np

from tokentco.domain import (
    Accelerator,
    AttentionKind,
    ModelSpec,
    Precision,
    ServingOptions,
    Workload,
)
from tokentco.engine.efficiency import Efficiency
from tokentco.engine.results import FloatArray

SCALEOUT_LATENCY_FACTOR = 4.0
"""A collective over the scale-out network costs this many times the in-domain latency."""


@dataclass(frozen=True)
class ModelTerms:
    """Model shapes the step model needs (parameter counts in elements)."""

    replicated_params: FloatArray  # attention, dense FFN, shared experts, embeddings
    routed_params_per_layer: FloatArray  # all routed experts of one MoE layer
    expert_params: FloatArray
    routed_active_params: FloatArray  # routed-expert weights one token uses (k experts)
    num_experts: FloatArray
    experts_per_token: FloatArray
    moe_layers: FloatArray
    active_params: FloatArray
    kv_elements_per_token: FloatArray
    kv_shard_limit: FloatArray  # KV heads (GQA/MHA) or 1 (MLA latent is shared by heads)
    attention_flops_per_context: FloatArray
    prefill_attention_flops_per_context: FloatArray  # MLA prefill runs un-absorbed
    hidden: FloatArray
    layers: FloatArray
    max_context: FloatArray
    window_share: FloatArray  # share of layers with sliding-window attention (0: none)
    window_tokens: FloatArray  # that window (inf: none)


def prefill_attention_flops(model: ModelSpec) -> float:
    """FLOPs per (query, key) pair of prefill attention, all layers.

    Decode runs MLA absorbed (scores over the 576-wide latent + rope, values over the
    512-wide latent, per head: cheap KV reads, many FLOPs per context token). Prefill,
    where every context token is new, runs it un-absorbed as engines do (FlashMLA decode
    kernel vs the FlashAttention prefill path of SGLang/vLLM/TensorRT-LLM): keys and values
    are decompressed per head (their projection is counted with the weights) and attention
    is ordinary multi-head attention over qk_nope + rope wide keys and v-wide values,
    about 3.4× fewer FLOPs per pair for DeepSeek-V3/R1. Other attention kinds: as decode."""
    if model.attention is AttentionKind.MLA and model.qk_nope_head_dim and model.v_head_dim:
        width = model.qk_nope_head_dim + (model.qk_rope_head_dim or 0) + model.v_head_dim
        return 2.0 * model.num_layers * model.num_attention_heads * width
    return model.attention_flops_per_token_per_context


def model_terms(model: ModelSpec) -> ModelTerms:
    routed = model.moe_layer_count * model.routed_expert_params_per_layer
    kv_limit = 1.0 if model.attention is AttentionKind.MLA else float(model.num_kv_heads)
    values = {
        "replicated_params": model.params_total - routed,
        "routed_params_per_layer": model.routed_expert_params_per_layer,
        "expert_params": model.expert_params,
        "routed_active_params": model.moe_layer_count
        * model.experts_per_token
        * model.expert_params,
        "num_experts": float(max(model.num_experts, 1)),
        "experts_per_token": float(model.experts_per_token),
        "moe_layers": float(model.moe_layer_count),
        "active_params": model.params_active,
        "kv_elements_per_token": model.kv_elements_per_token,
        "kv_shard_limit": kv_limit,
        "attention_flops_per_context": model.attention_flops_per_token_per_context,
        "prefill_attention_flops_per_context": prefill_attention_flops(model),
        "hidden": float(model.hidden_size),
        "layers": float(model.num_layers),
        "max_context": float(model.max_context),
        "window_share": model.window_layer_share,
        "window_tokens": float(model.sliding_window_tokens or np.inf),
    }
    return ModelTerms(**{k: np.asarray(v, dtype=np.float64) for k, v in values.items()})


@dataclass(frozen=True)
class CaseTerms:
    """Per-case hardware, layout, precision, serving and efficiency terms (shape (P,))."""

    memory_bytes: FloatArray
    bw_bytes_s: FloatArray
    peak_flops: FloatArray
    attn_peak_flops: FloatArray  # peak at the attention's precision (KV / activations)
    scaleup_gpus: FloatArray
    scaleup_bw_bytes_s: FloatArray
    scaleout_bw_bytes_s: FloatArray
    gpus: FloatArray  # GPUs per replica
    tp: FloatArray
    ep: FloatArray
    pp: FloatArray
    weight_bytes: FloatArray  # stored bytes per weight element (capacity)
    weight_read_bytes: FloatArray  # bytes per weight element a decode step streams at η_mem
    kv_bytes: FloatArray
    act_bytes: FloatArray
    spec_tokens_per_step: FloatArray
    spec_verify_tokens: FloatArray
    spec_draft_cost: FloatArray
    disaggregated: FloatArray  # 0/1
    prefix_hit: FloatArray  # realised share of input tokens served from cache
    offload_bytes: FloatArray
    offload_bw_bytes_s: FloatArray
    max_concurrency: FloatArray
    isl: FloatArray
    osl: FloatArray
    osl_spread: FloatArray  # 1 + squared coefficient of variation of the output length
    queue_ttft_s: FloatArray  # p99 TTFT limit of an open-loop (Poisson) run; 0: closed loop
    eta_mem: FloatArray
    eta_flops: FloatArray
    eta_prefill: FloatArray
    step_overhead_s: FloatArray
    seq_overhead_s: FloatArray
    comm_latency_s: FloatArray
    eta_attn: FloatArray
    eta_moe: FloatArray
    eta_comm: FloatArray
    max_batch_per_rank: FloatArray

    @property
    def size(self) -> int:
        return int(self.gpus.shape[0])


def realised_prefix_hit(workload: Workload, serving: ServingOptions) -> float:
    """Prefix hits actually served from cache.

    ``prefix_hit_rate`` is what cache-blind routing achieves; KV-aware routing recovers a
    share of the remaining reusable prefixes that landed on the wrong replica.
    """
    hit = workload.prefix_hit_rate
    if serving.kv_aware_routing:
        hit = hit + (1.0 - hit) * serving.routing_hit_gain * hit
    return min(hit, 0.99)


def attention_precision(serving: ServingOptions) -> Precision:
    """Attention runs at the KV-cache precision, never narrower than FP8 (FP4 weights only
    speed up the weight GEMMs; no engine runs softmax attention in FP4)."""
    if serving.kv_precision is Precision.FP16 or serving.compute_precision is Precision.FP16:
        return Precision.FP16
    return Precision.FP8


def native_weight_precision(accelerator: Accelerator, precision: Precision) -> Precision:
    """The narrowest format the hardware computes natively that can hold ``precision``.

    Weights stored in a format the hardware has no tensor path for (MXFP4/NVFP4 on Hopper
    or MI300-class GPUs) are dequantised inside the GEMM kernel to this format."""
    if accelerator.supports(precision):
        return precision
    widths = (Precision.FP8, Precision.FP16) if precision is Precision.FP4 else (Precision.FP16,)
    return next((p for p in widths if accelerator.supports(p)), Precision.FP16)


def emulated_read_bytes(accelerator: Accelerator, precision: Precision) -> float:
    """Effective bytes per weight element streamed by a decode GEMM.

    Native formats stream their stored bytes. An emulated format saves HBM traffic but its
    kernel dequantises every weight element on the vector units before the tensor cores
    see it; at decode batch sizes that per-element work, not HBM, paces the weight stream,
    so the step streams weights at the element rate of the native format it computes in.
    """
    return native_weight_precision(accelerator, precision).bytes_per_element


def case_row(
    accelerator: Accelerator,
    serving: ServingOptions,
    workload: Workload,
    layout: tuple[int, int, int, int],
    efficiency: Efficiency,
) -> dict[str, float]:
    """One case as plain numbers; ``layout`` is (GPUs per replica, TP, EP, PP)."""
    gpus, tp, ep, pp = layout
    spec = serving.speculative
    offload = serving.kv_offload
    act = 2.0 if serving.compute_precision is Precision.FP16 else 1.5
    return {
        "memory_bytes": accelerator.memory_bytes,
        "bw_bytes_s": accelerator.memory_bw_tb_s * 1e12,
        "peak_flops": accelerator.peak_tflops(serving.compute_precision) * 1e12,
        "attn_peak_flops": accelerator.peak_tflops(attention_precision(serving)) * 1e12,
        "scaleup_gpus": float(accelerator.scaleup_domain_gpus),
        "scaleup_bw_bytes_s": accelerator.scaleup_bw_gb_s_per_gpu * 1e9,
        "scaleout_bw_bytes_s": accelerator.scaleout_bw_gb_s_per_gpu * 1e9,
        "gpus": float(gpus),
        "tp": float(tp),
        "ep": float(ep),
        "pp": float(pp),
        "weight_bytes": serving.weight_precision.bytes_per_element,
        "weight_read_bytes": emulated_read_bytes(accelerator, serving.weight_precision),
        "kv_bytes": serving.kv_precision.bytes_per_element,
        "act_bytes": act,
        "spec_tokens_per_step": spec.tokens_per_step,
        "spec_verify_tokens": float(spec.draft_tokens + 1) if spec.enabled else 1.0,
        "spec_draft_cost": spec.draft_cost_fraction * spec.draft_tokens if spec.enabled else 0.0,
        "disaggregated": 1.0 if serving.disaggregated else 0.0,
        "prefix_hit": realised_prefix_hit(workload, serving),
        "offload_bytes": offload.capacity_gb_per_gpu * 1e9 if offload.enabled else 0.0,
        "offload_bw_bytes_s": offload.bandwidth_gb_s_per_gpu * 1e9,
        "max_concurrency": float(serving.max_concurrency),
        "isl": float(workload.isl_tokens),
        "osl": float(workload.osl_tokens),
        "osl_spread": 1.0,
        "queue_ttft_s": 0.0,
        "eta_mem": efficiency.eta_mem,
        "eta_flops": efficiency.eta_flops,
        "eta_prefill": efficiency.eta_prefill,
        "step_overhead_s": efficiency.step_overhead_s,
        "seq_overhead_s": efficiency.seq_overhead_s,
        "comm_latency_s": efficiency.comm_latency_s,
        "eta_attn": efficiency.eta_attn,
        "eta_moe": efficiency.eta_moe,
        "eta_comm": efficiency.eta_comm,
        "max_batch_per_rank": efficiency.max_batch_per_rank,
    }


def stack_cases(rows: list[dict[str, float]]) -> CaseTerms:
    """Column-stack case rows into arrays (one pass per field)."""
    names = [f.name for f in fields(CaseTerms)]
    return CaseTerms(**{n: np.fromiter((r[n] for r in rows), np.float64, len(rows)) for n in names})


def stack_blocks(
    blocks: list[tuple[dict[str, float], list[tuple[int, int, int, int]]]],
) -> CaseTerms:
    """Cases from (base row, layouts) blocks: every field repeats its base value per layout,
    except the layout columns; far cheaper than building one dict per case."""
    counts = np.array([len(layouts) for _, layouts in blocks])
    layout = np.array([lay for _, lays in blocks for lay in lays], np.float64).reshape(-1, 4)
    columns: dict[str, FloatArray] = {}
    for name in (f.name for f in fields(CaseTerms)):
        base = np.fromiter((row[name] for row, _ in blocks), np.float64, len(blocks))
        columns[name] = np.repeat(base, counts)
    for index, name in enumerate(("gpus", "tp", "ep", "pp")):
        columns[name] = layout[:, index]
    return CaseTerms(**columns)


def stack_models(models: list[ModelTerms]) -> ModelTerms:
    """Per-case model terms, for grids that mix models (e.g. the calibration set)."""
    names = [f.name for f in fields(ModelTerms)]
    return ModelTerms(**{n: np.array([getattr(m, n) for m in models], np.float64) for n in names})

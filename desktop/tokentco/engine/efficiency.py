"""Efficiency factors: how far real serving stacks fall short of the roofline.

Defaults are deliberately generic (they apply to hardware nobody has measured); the
calibration fit replaces them per hardware × precision (× engine family) where the
published data supports it.
"""

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Efficiency:
    """Fractions of peak achieved, and fixed costs, for one hardware × precision × engine."""

    eta_mem: float = 0.70
    """Share of HBM bandwidth a decode step achieves."""
    eta_flops: float = 0.55
    """Share of dense peak FLOPS the decode GEMMs achieve at large batch."""
    eta_prefill: float = 0.55
    """Share of dense peak FLOPS prefill achieves."""
    step_overhead_s: float = 0.0005
    """Fixed per-step cost (kernel launches and gaps, synchronisation, the scheduler's
    per-iteration work) for a whole step, whatever the batch. Engines replay decode steps
    as CUDA/HIP graphs, so launches cost tens of µs and the host's per-iteration
    scheduling a few hundred: 0.5 ms (was 2 ms). The public rows do not identify it — the
    fit leaves it at this prior centre (±1 %) — so it is an assumption, chosen among 2, 1,
    0.5 and 0.3 ms by leave-one-source-out (tests/benchmarks/bench_fit_selection.py
    overhead; docs/estimator.md, estimator-7)."""
    seq_overhead_s: float = 10e-6
    """Per-step cost of each running sequence on its attention rank (sampling, stop checks,
    detokenisation and scheduler bookkeeping, per-sequence metadata of the attention
    kernels): work that grows with the batch but is neither weight nor KV traffic."""
    comm_latency_s: float = 15e-6
    """Latency of one collective inside the scale-up domain (scale-out pays 4×)."""
    eta_attn: float = 0.40
    """Share of the attention precision's peak the attention kernels achieve (decode and
    prefill): softmax, masking and small per-head matrices keep them below GEMM rates."""
    eta_moe: float = 0.50
    """Routed-expert grouped GEMMs relative to dense GEMMs (many small matrices, routing
    imbalance, permute/unpermute)."""
    eta_comm: float = 0.50
    """Share of the link bandwidth TP all-reduces and EP all-to-alls achieve."""
    max_batch_per_rank: float = 1024.0
    """Running sequences one attention rank (a TP group) keeps in flight: engines cap
    the batch (max_batch_size / max_num_seqs) well below what KV capacity allows."""

    def with_values(self, **changes: float) -> "Efficiency":
        return replace(self, **changes)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


DEFAULT_EFFICIENCY = Efficiency()

"""Frontier and operating point over one option's sweep rows."""

import numpy as np

from tokentco.domain import Workload
from tokentco.engine.results import Binding, FloatArray, Frontier, Infeasible, OperatingPoint, Sweep

_REASON_TEXT = {
    Infeasible.DOES_NOT_FIT: "does not fit",
    Infeasible.CONTEXT_TOO_LONG: "context too long",
    Infeasible.LAYOUT: "illegal parallel layout",
}


def meets_targets(sweep: Sweep, workload: Workload) -> np.ndarray:
    ok = sweep.feasible
    if workload.max_ttft_ms is not None:
        ok = ok & (sweep.ttft_ms <= workload.max_ttft_ms)
    if workload.min_tokens_per_s_per_user is not None:
        ok = ok & (sweep.tokens_per_s_per_user >= workload.min_tokens_per_s_per_user)
    return np.asarray(ok)


def frontier(sweep: Sweep) -> Frontier:
    """Pareto curve (maximise both tokens/s/user and tokens/s/GPU) over feasible points."""
    ok = sweep.feasible.ravel()
    user = sweep.tokens_per_s_per_user.ravel()[ok]
    gpu = sweep.output_tokens_per_s_per_gpu.ravel()[ok]
    conc = sweep.concurrency.ravel()[ok]
    if user.size == 0:
        empty: FloatArray = np.zeros(0)
        return Frontier(empty, empty, empty)
    order = np.argsort(-user, kind="stable")
    best_so_far = np.maximum.accumulate(gpu[order])
    keep = np.concatenate(([True], best_so_far[1:] > best_so_far[:-1]))
    chosen = order[keep][::-1]
    return Frontier(user[chosen], gpu[chosen], conc[chosen])


def operating_point(sweep: Sweep, workload: Workload, source: str) -> OperatingPoint:
    """Highest output tokens/s/GPU meeting the latency targets, or the reason none does."""
    ok = meets_targets(sweep, workload)
    out = sweep.output_tokens_per_s_per_gpu
    if ok.any():
        index = np.unravel_index(np.argmax(np.where(ok, out, -1.0)), out.shape)
        better_exists = bool((sweep.feasible & (out > out[index] * 1.001)).any())
        binding = Binding.LATENCY_TARGET if better_exists else Binding(int(sweep.binding[index]))
        return _point(sweep, index, True, "", binding, source)
    if sweep.feasible.any():
        index = np.unravel_index(np.argmax(np.where(sweep.feasible, out, -1.0)), out.shape)
        reason = _missed_target(sweep, workload)
        return _point(sweep, index, False, reason, Binding.LATENCY_TARGET, source)
    code = Infeasible(int(np.min(sweep.reason)))
    index = np.unravel_index(0, out.shape)
    return _point(
        sweep, index, False, _REASON_TEXT.get(code, "infeasible"), Binding.CAPACITY, source
    )


def _missed_target(sweep: Sweep, workload: Workload) -> str:
    feasible = sweep.feasible
    parts = []
    if workload.max_ttft_ms is not None:
        best = float(np.min(np.where(feasible, sweep.ttft_ms, np.inf)))
        if best > workload.max_ttft_ms:
            parts.append(
                f"TTFT target {workload.max_ttft_ms:g} ms not reachable (best {best:.0f} ms)"
            )
    if workload.min_tokens_per_s_per_user is not None:
        best = float(np.max(np.where(feasible, sweep.tokens_per_s_per_user, 0.0)))
        if best < workload.min_tokens_per_s_per_user:
            parts.append(
                f"interactivity target {workload.min_tokens_per_s_per_user:g} tokens/s/user"
                f" not reachable (best {best:.0f})"
            )
    return "; ".join(parts) or "no point meets both latency targets at once"


def _point(
    sweep: Sweep,
    index: tuple[np.intp, ...],
    feasible: bool,
    reason: str,
    binding: Binding,
    source: str,
) -> OperatingPoint:
    return OperatingPoint(
        feasible=feasible,
        reason=reason,
        provenance="estimated",
        source=source,
        concurrency=float(sweep.concurrency[index]),
        tp=int(sweep.tp[index]),
        ep=int(sweep.ep[index]),
        output_tokens_per_s_per_gpu=float(sweep.output_tokens_per_s_per_gpu[index]),
        total_tokens_per_s_per_gpu=float(sweep.total_tokens_per_s_per_gpu[index]),
        tokens_per_s_per_user=float(sweep.tokens_per_s_per_user[index]),
        ttft_ms=float(sweep.ttft_ms[index]),
        tpot_ms=float(sweep.tpot_ms[index]),
        memory_used_gb_per_gpu=float(sweep.memory_used_gb_per_gpu[index]),
        binding=binding,
        gpus_per_replica=int(sweep.gpus[index]) if sweep.gpus is not None else 1,
        pp=int(sweep.pp[index]) if sweep.pp is not None else 1,
    )

"""Frontier and operating point over one option's sweep rows."""

from itertools import pairwise
from typing import Any

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


def frontiers(grid: Sweep, groups: list[slice]) -> list[Frontier]:
    """Pareto curves of several groups of rows at once (one sort for all of them).

    Points are ordered by group, then by falling tokens/s/user; a running maximum of
    tokens/s/GPU, offset per group so it restarts at each group, keeps the Pareto points.
    """
    sizes = [s.stop - s.start for s in groups]
    rows = (
        np.concatenate([np.arange(s.start, s.stop) for s in groups]) if groups else np.zeros(0, int)
    )
    group = np.repeat(np.arange(len(groups)), sizes)
    feasible = grid.feasible[rows]
    gid = np.broadcast_to(group[:, None], feasible.shape)[feasible]
    user = grid.tokens_per_s_per_user[rows][feasible]
    gpu = grid.output_tokens_per_s_per_gpu[rows][feasible]
    conc = grid.concurrency[rows][feasible]
    # one float key sorts by group, then by falling user speed (faster than lexsort)
    span_user = float(user.max()) + 1.0 if user.size else 1.0
    order = np.argsort(gid * span_user - user, kind="stable")
    gid, user, gpu, conc = gid[order], user[order], gpu[order], conc[order]
    span = float(gpu.max()) + 1.0 if gpu.size else 1.0
    running = np.maximum.accumulate(gpu + gid * span)
    first = np.concatenate(([True], gid[1:] != gid[:-1])) if gid.size else np.zeros(0, bool)
    keep = first | np.concatenate(([True], running[1:] > running[:-1]))[: gid.size]
    gid, user, gpu, conc = gid[keep], user[keep], gpu[keep], conc[keep]
    bounds = np.searchsorted(gid, np.arange(len(groups) + 1))
    return [
        Frontier(user[a:b][::-1].copy(), gpu[a:b][::-1].copy(), conc[a:b][::-1].copy())
        for a, b in pairwise(bounds)
    ]


def operating_point(sweep: Sweep, workload: Workload, source: str) -> OperatingPoint:
    """Highest output tokens/s/GPU meeting the latency targets, or the reason none does."""
    whole = slice(0, sweep.output_tokens_per_s_per_gpu.shape[0])
    return operating_points(sweep, workload, [whole], source)[0]


def operating_points(
    grid: Sweep, workload: Workload, groups: list[slice], source: str
) -> list[OperatingPoint]:
    """Operating point of each group of rows (one option variant each) in one pass.

    The masks and scores are computed once over the whole grid; each group then needs
    only an argmax over its own rows.
    """
    out = grid.output_tokens_per_s_per_gpu
    feasible = grid.feasible
    score = np.where(meets_targets(grid, workload), out, -1.0)
    fallback = np.where(feasible, out, -1.0)
    points = []
    for rows in groups:
        points.append(_choose(grid, workload, rows, score[rows], fallback[rows], source))
    return points


def _choose(
    grid: Sweep,
    workload: Workload,
    rows: slice,
    score: FloatArray,
    fallback: FloatArray,
    source: str,
) -> OperatingPoint:
    start = rows.start or 0
    best = np.unravel_index(np.argmax(score), score.shape)
    index = (best[0] + start, best[1])
    if score[best] >= 0:
        better = bool((fallback > score[best] * 1.001).any())
        binding = Binding.LATENCY_TARGET if better else Binding(int(grid.binding[index]))
        return _point(grid, index, True, "", binding, source)
    part = _rows(grid, rows)
    if fallback.max() >= 0:
        alt = np.unravel_index(np.argmax(fallback), fallback.shape)
        reason = _missed_target(part, workload)
        return _point(part, alt, False, reason, Binding.LATENCY_TARGET, source)
    code = Infeasible(int(np.min(part.reason)))
    return _point(
        part,
        (np.intp(0), np.intp(0)),
        False,
        _REASON_TEXT.get(code, "infeasible"),
        Binding.CAPACITY,
        source,
    )


def rows_of(grid: Sweep, rows: slice) -> Sweep:
    """The sweep restricted to some cases (every field sliced alike)."""
    return _rows(grid, rows)


def _rows(grid: Sweep, rows: slice) -> Sweep:
    parts: dict[str, Any] = {
        name: (None if value is None else value[rows]) for name, value in vars(grid).items()
    }
    return Sweep(**parts)


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

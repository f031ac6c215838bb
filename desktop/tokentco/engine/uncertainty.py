"""p10–p90 ranges of an option's figures and the probability that the winner is cheapest.

The ranges come from out-of-sample residuals r = ln(measured / figure) of the public set
(leave-one-source-out, ``engine/intervals.py``), pooled by group: estimated dense or MoE
models (and AMD hardware, where the data supports it), and anchored figures near or far
from their anchor. A group's p10 and p90 residuals (``Calibration.bands``) bound the
throughput: [figure · e^p10, figure · e^p90]. Costs, GPUs and annual cost move inversely,
tokens per MW proportionally. A measured figure has no model error (zero-width range).
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from tokentco.engine.calibration import Calibration
from tokentco.engine.results import Range, Uncertainty

NEAR_ANCHOR = 0.5
"""Anchors nearer than this distance form the 'anchored near' group."""
Z90 = 1.2815515655446004
"""Standard-normal 90th percentile: p10–p90 spans ±Z90 σ."""
DRAWS = 20_000
SEED = 20261201
"""Monte Carlo draws and the fixed seed: the probability is reproducible run to run."""


def group_name(provenance: str, moe: bool, vendor: str, anchor_distance: float | None) -> str:
    """The residual group a figure belongs to (names as stored in the calibration)."""
    if provenance == "measured":
        return "measured"
    if provenance == "anchored":
        near = anchor_distance is not None and anchor_distance < NEAR_ANCHOR
        return "anchored near" if near else "anchored far"
    kind = "MoE" if moe else "dense"
    if vendor.lower() == "amd":
        return f"estimated {kind} amd"
    return f"estimated {kind}"


def band_for(calibration: Calibration, group: str) -> tuple[float, float] | None:
    """(p10, p90) of ln(measured / figure) for a group, falling back to the broader group
    (vendor → estimated dense/MoE → estimated) when a group was too small to store."""
    if group == "measured":
        return (0.0, 0.0)
    bands = calibration.bands
    candidates = [group]
    if group.endswith(" amd"):
        candidates.append(group.removesuffix(" amd"))
    if group.startswith("anchored"):
        candidates.append("anchored")
    candidates.append("estimated")
    for name in candidates:
        if name in bands:
            return bands[name]
    return None


@dataclass(frozen=True)
class Central:
    """An option's central figures that the range scales."""

    tokens_per_s_per_gpu: float
    usd_per_mtok: float
    tokens_per_s_per_mw: float | None
    gpus_at: Mapping[str, float] | None = None
    """GPUs and annual cost at the p10 and p90 throughput (computed by the caller, which
    knows the fleet rules): keys 'gpus_low', 'gpus_high', 'cost_low', 'cost_high'."""


def uncertainty(central: Central, band: tuple[float, float], group: str) -> Uncertainty:
    """Ranges of every figure from the throughput band (costs move inversely)."""
    lo, hi = math.exp(band[0]), math.exp(band[1])
    tps = central.tokens_per_s_per_gpu
    mw = central.tokens_per_s_per_mw
    extra = central.gpus_at or {}
    return Uncertainty(
        tokens_per_s_per_gpu=Range(tps * lo, tps * hi),
        usd_per_mtok=Range(central.usd_per_mtok / hi, central.usd_per_mtok / lo),
        tokens_per_s_per_mw=None if mw is None else Range(mw * lo, mw * hi),
        gpus=Range(extra["gpus_low"], extra["gpus_high"]) if "gpus_low" in extra else None,
        annual_cost_usd=Range(extra["cost_low"], extra["cost_high"])
        if "cost_low" in extra
        else None,
        group=group,
    )


def p_winner_cheapest(
    costs: Sequence[float],
    bands: Sequence[tuple[float, float]],
    clusters: Sequence[str],
    draws: int = DRAWS,
    seed: int = SEED,
) -> float | None:
    """Probability that the option cheapest at the central figures is really cheapest.

    Each option's log throughput error is normal with the mean and spread of its band
    (p10–p90 = ±1.2816 σ); options in the same cluster (same hardware and model) share
    one standard-normal draw, so their errors are fully correlated and they never swap
    places because of it; different clusters draw independently. Vectorised: one
    (draws × options) array. None with fewer than two finite costs."""
    cost = np.asarray(costs, np.float64)
    ok = np.isfinite(cost) & (cost > 0)
    if int(ok.sum()) < 2:
        return None
    index = np.flatnonzero(ok)
    names = [clusters[int(i)] for i in index]
    unique = sorted(set(names))
    column = np.array([unique.index(n) for n in names])
    band = np.array([bands[int(i)] for i in index], np.float64)
    mean = (band[:, 0] + band[:, 1]) / 2.0
    sigma = (band[:, 1] - band[:, 0]) / (2.0 * Z90)
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((draws, len(unique)))[:, column]
    error = mean[None, :] + sigma[None, :] * z
    sampled = cost[index][None, :] * np.exp(-error)
    winner = int(np.argmin(cost[index]))
    return float(np.mean(np.argmin(sampled, axis=1) == winner))

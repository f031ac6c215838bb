"""Anchor an estimate to the nearest measurements of the same hardware and model.

A measurement does not replace the estimate: it corrects it. For an option asked to run
configuration R, with measurements m₁…mₙ of the same hardware and model,

    throughput(R) = model(R) × F,    ln F = Σ wᵢ ln fᵢ / (Σ wᵢ + W₀),    fᵢ = mᵢ / model(cᵢ)

where cᵢ is the configuration mᵢ was measured at (its precision, engine, lengths,
interactivity, serving features) and model(cᵢ) the estimator's figure there. Every knob
still moves model(R), so disaggregation, prefix hits, routing or a layout change keep
changing the answer, and the frontier, operating point, waterfall and tornado all scale
by the same F (one basis). At R = cᵢ (distance 0) the figure *is* the measurement.

Distance d(R, c) is a sum of documented terms (see ``DISTANCE``): a different weight
precision, engine family, speculative decoding, disaggregation, KV offload or pinned
layout each add a fixed amount; lengths and interactivity add |ln ratio|; prefix hits add
their difference; an unknown length or precision, or a maximum-throughput measurement
for a request with an interactivity target (or the reverse), adds ``UNKNOWN``. Measurements
farther than ``MAX_DISTANCE`` are not used. Weights wᵢ = (1 − dᵢ/D)² / dᵢ² (Shepard's
inverse-distance weighting, tapered to zero at the limit) make F interpolate between
measurements: it tends to each measurement's own factor as the request approaches it, so
the anchored figure passes through every measurement and moves smoothly between them.
W₀, the weight of the model's own answer (F = 1), is 0: shrinking far anchors toward
the model was tried (W₀ = 0.1–1) and gains nothing on leave-one-source-out residuals, but
it makes F change with the distance faster than the model changes with the knob, so the
anchored figure stopped being monotone in the output length. With W₀ = 0 a lone anchor
gives a constant F: the anchored curve is the model's, scaled. How far the anchor is
shows in the uncertainty instead.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from tokentco.domain import (
    Accelerator,
    MeasuredPoint,
    Precision,
    ServingOptions,
    SpeculativeDecoding,
    Workload,
)
from tokentco.engine.calibration import engine_family
from tokentco.engine.points import PointRequest, compute_precision, lengths_for, load_target
from tokentco.engine.results import AnchorCandidate
from tokentco.engine.terms import realised_prefix_hit

MAX_DISTANCE = 1.5
"""Measurements at least this far from the requested configuration are not used."""
MODEL_WEIGHT = 0.0
"""W₀: weight of the unanchored model (F = 1) in the combination (see module docstring)."""
MAX_ANCHORS = 3
"""At most this many measurements are combined (the nearest)."""
LISTED = 8
"""Candidates listed for Details (used or not), nearest first."""
UNKNOWN = 0.35
"""Distance charged for a length or interactivity the measurement does not state."""
QUOTED_PREFIX = "quoted:"
"""Id prefix of a measured point typed by the analyst for one option."""
PLAUSIBLE_FACTOR = (1 / 3, 3.0)
"""A measurement that leaves a condition unstated (its lengths, precision or interactivity)
is used only while its factor f = measured / model(its configuration) stays inside this band.
Out of sample the estimator's errors on all 284 public points lie within ×0.36–×2.2
(leave-one-source-out, ``tests/benchmarks/bench_accuracy.py``), so for such a measurement a
factor beyond ×⅓–×3 says it ran under conditions other than the ones assumed for it (an
unstated interactivity, another way of counting tokens) rather than that the model is that far
off, and anchoring to it would move every figure of the option by that much. A measurement
that states all its conditions is believed however far the model is from it: that is what
anchoring corrects. Details lists a rejected measurement with the reason."""
DISTANCE = {
    "precision": 1.0,
    "engine": 0.25,
    "speculative decoding": 0.5,
    "disaggregated serving": 0.4,
    "KV offload": 0.3,
    "layout": 0.2,
}
"""Fixed distance of each differing discrete setting."""


@dataclass(frozen=True)
class AnchorConfig:
    """The configuration a throughput figure refers to (a request or a measurement)."""

    precision: Precision | None
    engine: str  # engine family, '' = not stated
    isl: float | None
    osl: float | None
    user: float | None
    """tokens/s/user: the request's target, or the measurement's (stated, or its limit);
    None: maximum throughput (a measurement stating no interactivity is read as one)."""
    spec: bool
    disaggregated: bool
    prefix_hit: float
    offload: bool
    layout: tuple[int | None, int | None]


def request_config(serving: ServingOptions, workload: Workload) -> AnchorConfig:
    return AnchorConfig(
        precision=serving.weight_precision,
        engine=engine_family(serving.engine_family) if serving.engine_family else "",
        isl=float(workload.isl_tokens),
        osl=float(workload.osl_tokens),
        user=workload.min_tokens_per_s_per_user,
        spec=serving.speculative.enabled,
        disaggregated=serving.disaggregated,
        prefix_hit=realised_prefix_hit(workload, serving),
        offload=serving.kv_offload.enabled,
        layout=(serving.tp, serving.ep),
    )


@lru_cache(maxsize=4096)
def measured_config(point: MeasuredPoint) -> tuple[AnchorConfig, bool]:
    """The measurement's configuration and whether its input length is a dataset mean
    (cached: measurements are immutable and asked for on every evaluation)."""
    request = PointRequest.from_measured(point)
    isl, osl = lengths_for(request)
    target = load_target(point.scenario, point.latency_constraint)
    user = (
        None
        if _unconstrained(point)
        else (point.tokens_per_s_per_user or target.min_tokens_per_s_per_user)
    )
    config = AnchorConfig(
        precision=point.precision,
        engine=engine_family(point.engine) if point.engine else "",
        isl=isl,
        osl=osl,
        user=user,
        spec=point.spec_decoding,
        disaggregated=point.disaggregated,
        prefix_hit=0.0,
        offload=False,
        layout=(point.tp, point.ep),
    )
    return config, point.isl_tokens is None and isl is not None


def _unconstrained(point: MeasuredPoint) -> bool:
    """A maximum-throughput run (MLPerf Offline, trtllm-bench): no interactivity limit."""
    text = f"{point.scenario} {point.latency_constraint}".lower()
    return "offline" in text or "max throughput" in text or "max-throughput" in text


def distance(request: AnchorConfig, measured: AnchorConfig) -> tuple[float, tuple[str, ...]]:
    """How far a measurement is from the requested configuration, and why."""
    total = 0.0
    notes: list[str] = []

    def add(amount: float, note: str) -> None:
        nonlocal total
        if amount > 1e-12:
            total += amount
            notes.append(note)

    if measured.precision is None:
        add(UNKNOWN, "precision not stated")
    elif measured.precision is not request.precision:
        req = request.precision.value.upper() if request.precision else "?"
        add(DISTANCE["precision"], f"precision {measured.precision.value.upper()} vs {req}")
    if request.engine and measured.engine and request.engine != measured.engine:
        add(DISTANCE["engine"], f"engine {measured.engine} vs {request.engine}")
    for name, want, got in (
        ("ISL", request.isl, measured.isl),
        ("OSL", request.osl, measured.osl),
    ):
        if got is None or want is None:
            add(UNKNOWN, f"{name} not stated")
        else:
            add(abs(math.log(got / want)), f"{name} {got:,.0f} vs {want:,.0f}")
    if (request.user is None) != (measured.user is None):
        add(
            UNKNOWN,
            "measured at max throughput"
            if measured.user is None
            else f"measured at {measured.user:g} tok/s/user, no target asked",
        )
    elif request.user is not None and measured.user is not None:
        add(
            abs(math.log(measured.user / request.user)),
            f"{measured.user:g} vs {request.user:g} tok/s/user",
        )
    for name, want_on, got_on in (
        ("speculative decoding", request.spec, measured.spec),
        ("disaggregated serving", request.disaggregated, measured.disaggregated),
        ("KV offload", request.offload, measured.offload),
    ):
        if want_on != got_on:
            add(DISTANCE[name], f"{name} {'on' if got_on else 'off'} in the measurement")
    add(abs(request.prefix_hit - measured.prefix_hit), f"prefix hits {request.prefix_hit:.0%}")
    if request.layout != measured.layout:
        add(
            DISTANCE["layout"],
            f"layout TP/EP {_layout(measured.layout)} vs {_layout(request.layout)}",
        )
    return total, tuple(notes)


def _layout(layout: tuple[int | None, int | None]) -> str:
    return "/".join("any" if v is None else str(v) for v in layout)


def unstated(point: MeasuredPoint) -> bool:
    """True when the measurement does not say its lengths, precision or interactivity (a
    maximum-throughput run states its interactivity: there is no limit). An analyst's quote
    is taken for the workload being compared (``engine/quoted.py``), so it states them."""
    if point.id.startswith(QUOTED_PREFIX):
        return False
    target = load_target(point.scenario, point.latency_constraint)
    user_known = (
        point.tokens_per_s_per_user is not None
        or target.min_tokens_per_s_per_user is not None
        or _unconstrained(point)
    )
    lengths_known = point.isl_tokens is not None and point.osl_tokens is not None
    return point.precision is None or not lengths_known or not user_known


def implausible(factor: float, point: MeasuredPoint) -> str:
    """Why a measurement with unstated conditions is not believed ("" when it is used; see
    ``PLAUSIBLE_FACTOR``)."""
    low, high = PLAUSIBLE_FACTOR
    if low <= factor <= high or not unstated(point):
        return ""
    return (
        f"not used: it does not state all its conditions and its factor ×{factor:.3g} is "
        f"outside ×{low:.2g}–×{high:g}, beyond the model's out-of-sample error"
    )


def weight(d: float) -> float:
    """Weight of a measurement at distance ``d`` (0 beyond ``MAX_DISTANCE``)."""
    if d >= MAX_DISTANCE:
        return 0.0
    return (1.0 - d / MAX_DISTANCE) ** 2 / (d * d)


def combine(factors: Sequence[float], distances: Sequence[float]) -> tuple[float, list[float]]:
    """Combined factor F and each measurement's share of it (see module docstring)."""
    if not factors:
        return 1.0, []
    exact = [i for i, d in enumerate(distances) if d <= 1e-12]
    if exact:
        best = max(exact, key=lambda i: factors[i])
        return factors[best], [1.0 if i == best else 0.0 for i in range(len(factors))]
    weights = [weight(d) for d in distances]
    total = sum(weights) + MODEL_WEIGHT
    log_f = sum(w * math.log(f) for w, f in zip(weights, factors, strict=True)) / total
    return math.exp(log_f), [w / total for w in weights]


def candidates(
    points: Iterable[MeasuredPoint], serving: ServingOptions, workload: Workload
) -> list[AnchorCandidate]:
    """Every measurement with its distance, nearest first; the nearest within the limit
    (at most ``MAX_ANCHORS``) are marked to be used."""
    return candidates_for(points, request_config(serving, workload))


def candidates_for(points: Iterable[MeasuredPoint], wanted: AnchorConfig) -> list[AnchorCandidate]:
    """``candidates`` for a configuration given directly (the calibration's residuals
    anchor one measurement on the others)."""
    found = []
    for point in points:
        config, assumed = measured_config(point)
        d, notes = distance(wanted, config)
        found.append(
            AnchorCandidate(
                point_id=point.id,
                source=point.source,
                measured_tokens_per_s_per_gpu=point.output_tokens_per_s_per_gpu,
                distance=d,
                differences=notes,
                assumed_lengths=assumed,
            )
        )
    found.sort(key=lambda c: (c.distance, -c.measured_tokens_per_s_per_gpu, c.point_id))
    out = []
    for rank, cand in enumerate(found):
        if cand.distance >= MAX_DISTANCE:
            why = f"too far (distance {cand.distance:.2f} ≥ {MAX_DISTANCE:g})"
            out.append(_with(cand, used=False, why=why))
        elif rank >= MAX_ANCHORS:
            out.append(_with(cand, used=False, why=f"{MAX_ANCHORS} nearer measurements used"))
        else:
            out.append(_with(cand, used=True, why="used"))
    return out


def _with(c: AnchorCandidate, used: bool, why: str) -> AnchorCandidate:
    return replace(c, used=used, why=why)


def measured_serving(
    point: MeasuredPoint, accelerator: Accelerator, base: ServingOptions
) -> ServingOptions:
    """The option's serving stack switched to the measurement's configuration (its
    precision, engine, features and layout — searched where it states none; no prefix
    hits, routing or offload)."""
    precision = compute_precision(point.precision.value if point.precision else "", accelerator)
    kv = Precision.FP16 if precision is Precision.FP16 else Precision.FP8
    if point.spec_decoding and not base.speculative.enabled:
        spec = SpeculativeDecoding(enabled=True)
    else:
        spec = base.speculative.model_copy(update={"enabled": point.spec_decoding})
    return base.model_copy(
        update={
            "weight_precision": precision,
            "compute_precision": precision,
            "kv_precision": kv,
            "speculative": spec,
            "disaggregated": point.disaggregated,
            "kv_aware_routing": False,
            "kv_offload": base.kv_offload.model_copy(update={"enabled": False}),
            # a layout the measurement does not state is searched, as for any request
            "tp": point.tp,
            "ep": point.ep,
            "pp": point.pp or 1,
            "engine_family": point.engine or base.engine_family,
        }
    )


def measured_workload(point: MeasuredPoint, requested: Workload) -> Workload:
    """The load the measurement ran: its lengths (the request's where it states none) and
    its interactivity and TTFT limits; no prefix hits."""
    config, _ = measured_config(point)
    target = load_target(point.scenario, point.latency_constraint)
    return requested.model_copy(
        update={
            "isl_tokens": max(1, round(config.isl or requested.isl_tokens)),
            "osl_tokens": max(1, round(config.osl or requested.osl_tokens)),
            "prefix_hit_rate": 0.0,
            "min_tokens_per_s_per_user": config.user,
            "max_ttft_ms": target.max_ttft_ms,
        }
    )

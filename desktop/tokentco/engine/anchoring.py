"""Anchor an estimate to the nearest measurements of the same hardware and model.

A measurement does not replace the estimate: it corrects it. For an option asked to run
configuration R, with measurements m₁…mₙ of the same hardware and model,

    throughput(R) = model(R) × F,    ln F = Σ ωᵢ ln rᵢ,    rᵢ = mᵢ / model(cᵢ)

where cᵢ is the configuration mᵢ was measured at (its precision, engine, lengths,
interactivity, serving features) and model(cᵢ) the estimator's figure there. Every knob
still moves model(R), so disaggregation, prefix hits, routing or a layout change keep
changing the answer, and the frontier, operating point, waterfall and tornado all scale
by the same F (one basis). At R = cᵢ (distance 0) the figure *is* the measurement.

Distance d(R, c) is a sum of documented terms (see ``DISTANCE``): a different weight
precision, engine family, speculative decoding, disaggregation, KV offload or pinned
layout each add a fixed amount; an unknown length or precision, or a maximum-throughput
measurement for a request with an interactivity target (or the reverse), adds ``UNKNOWN``
(together the *settings* part p, which no continuous knob changes); lengths and
interactivity add |ln ratio| and prefix hits their difference (the *knob* part). The
measurements at the nearest ``MAX_ANCHORS`` measured configurations whose settings part is
below ``MAX_DISTANCE`` are used (several measurements of one configuration — other systems,
other submitters — are always equally far, so they count once and enter together).

The measurements' weights ωᵢ = H · σᵢ (their sum is at most 1; 1 − Σ ωᵢ is the model's own
answer F = 1, the prior weight W₀ of a Shepard mean), with

* shares σᵢ = wᵢ / Σ wⱼ, wᵢ = (1 − dᵢ/D)² / (|uᵢ| + pᵢ + TIE·dᵢ), where uᵢ = ln model(R) /
  model(cᵢ) is how far the *model itself* moves from the measured configuration to the
  request, pᵢ the settings part of dᵢ, and D the distance of the nearest measurement left
  out by ``MAX_ANCHORS`` (no taper when none is): a configuration overtaking the last one
  used takes over from weight 0 instead of at once. Between two measurements the shares are
  linear in the model's own coordinate ln model, so the anchored figure runs from one
  measurement to the other as the model does (monotone when the two agree with the model's
  direction) and passes through each;
* hand-over H = k(Σ σᵢ pᵢ) · s(|Σ σᵢ uᵢ| / (REACH + HANDOVER · |ln F*|)), ln F* = Σ σᵢ ln rᵢ,
  with k(p) = 1 − (p / MAX_DISTANCE)^SETTINGS_POWER the share of a correction that survives
  a settings difference (``settings_kept``) and s(t) = 1 − 3t² + 2t³ on [0, 1], 0 beyond.
  The shipped ``REACH`` is infinite, so s = 1: a correction is carried across lengths,
  interactivity, concurrency and prefix hits in full (the model moves those), and only a
  settings difference — another precision, engine, serving feature, layout or an unstated
  condition — lets it fade, to 0 at ``MAX_DISTANCE``. For one measurement ln a = ln model(R)
  + k · ln r: it moves exactly as the model does (continuous, monotone exactly where the
  model is, flat where it is flat). With a finite ``REACH`` the share-weighted model shift
  Σ σᵢ uᵢ (≈ 0 between measurements that bracket the request, growing beyond them) hands the
  correction over to the model, and |dH/du| · |ln r| ≤ 1.5/HANDOVER < 1 keeps the figure
  monotone where the model is (``tests/engine/test_anchoring_properties.py`` checks both).

Why nothing fades with the knob distance itself: a correction ×r that ends at a fixed knob
distance must fall to ×1 over it, so wherever the model changes by less than ×r across that
distance (a flat stretch) the anchored figure must turn against the model to get back to it.
So ``MAX_DISTANCE`` bounds the settings part only; the knob part ranks the measurements and
enters their shares. With several measurements whose factors disagree, F is continuous but
its monotonicity is only as good as the measurements' agreement.

How the constants were chosen: on the public set, each row is anchored on the measurements
of the same hardware and model from *other* sources, with leave-one-source-out fits (the
"anchored on other sources" figure of ``tests/benchmarks/bench_accuracy.py``). Over a small
grid (MAX_DISTANCE 1.5/2/3, SETTINGS_POWER 1/2, REACH ln-units 2/4/8/∞, MAX_ANCHORS 1–4,
DISTANCE["precision"] 0.5/1) the shipped values give the smallest mean |ln(measured /
figure)| on the 114 rows that have such measurements; ``tests/benchmarks/bench_anchoring.py``
reruns the search and scores it nested (picked without a source, scored on that source):
median error 13.6 % anchored against 19.4 % estimated on the same rows. The old hand-over
(a correction ×r gone once the model moved by r², a different precision keeping ¼) scored
about even with the plain estimate (14.3 % vs 13.9 % on the 46 rows it anchored, 19.6 % vs
19.5 % on the 114).

The basis is *measured* at distance 0, *anchored* while H > 0 (the factor and the sources
shown; F → 1 continuously as H → 0), else *estimated* with F = 1. A measurement that leaves
a condition unstated is tapered out by its factor (``PLAUSIBLE_FACTOR``,
``PLAUSIBLE_MARGIN``); quotes state all their conditions.
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

MAX_DISTANCE = 2.0
"""Measurements whose settings differ by this much (the settings part of the distance) are
not used; ``settings_kept`` reaches 0 there. Chosen on the held-out figure (see the
module docstring)."""
SETTINGS_POWER = 2.0
"""Shape of ``settings_kept`` = 1 − (p / MAX_DISTANCE)^SETTINGS_POWER: a different precision
(p = 1) keeps ¾ of a correction, a different engine (0.25) 98 %, a maximum-throughput
measurement for a request with a target (0.35) 97 %; precision and engine together 61 %."""
REACH = math.inf
"""How far (|ln| of the model's own move between the measured configuration and the
request) a correction lasts beyond ``HANDOVER`` × |ln r|: inf, never handed over by lengths,
interactivity, concurrency or prefix hits alone. A correction is mostly the software and
hardware efficiency of that hardware, model and engine, which the model does not capture and
which carries over across the knobs the model moves; held out, every finite reach tried
(ln 2 … ln 3000) did worse than none (see the module docstring)."""
HANDOVER = 2.0
"""With a finite ``REACH``, a correction ×r would also last while the model moves by
r^HANDOVER; > 1.5 keeps the anchored figure monotone where the model is (see the module
docstring)."""
TIE = 0.1
"""Share of the documented distance in the share weights (separates measurements the model
sees as equal; 0.03–1 made no difference held out)."""
MAX_ANCHORS = 2
"""At most this many measured configurations are combined (the nearest; several
measurements of one configuration count once)."""
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
PLAUSIBLE_MARGIN = math.log(1.25)
"""Outside ``PLAUSIBLE_FACTOR`` such a measurement's weight tapers to 0 over this much of
ln factor (its factor can move with the request's lengths when it states none)."""
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
    settings, knobs, notes = _terms(request, measured)
    return settings + knobs, notes


def settings_distance(request: AnchorConfig, measured: AnchorConfig) -> float:
    """The part of ``distance`` no continuous knob changes (precision, engine, features,
    layout, unstated conditions)."""
    return _terms(request, measured)[0]


def _terms(request: AnchorConfig, measured: AnchorConfig) -> tuple[float, float, tuple[str, ...]]:
    """(settings part, knob part, notes) of the distance."""
    parts = [0.0, 0.0]
    notes: list[str] = []

    def add(amount: float, note: str, knob: bool = False) -> None:
        if amount > 1e-12:
            parts[int(knob)] += amount
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
            add(abs(math.log(got / want)), f"{name} {got:,.0f} vs {want:,.0f}", knob=True)
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
            knob=True,
        )
    for name, want_on, got_on in (
        ("speculative decoding", request.spec, measured.spec),
        ("disaggregated serving", request.disaggregated, measured.disaggregated),
        ("KV offload", request.offload, measured.offload),
    ):
        if want_on != got_on:
            add(DISTANCE[name], f"{name} {'on' if got_on else 'off'} in the measurement")
    add(
        abs(request.prefix_hit - measured.prefix_hit),
        f"prefix hits {request.prefix_hit:.0%}",
        knob=True,
    )
    if request.layout != measured.layout:
        add(
            DISTANCE["layout"],
            f"layout TP/EP {_layout(measured.layout)} vs {_layout(request.layout)}",
        )
    return parts[0], parts[1], tuple(notes)


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


def plausibility(factor: float, point: MeasuredPoint) -> float:
    """How far a measurement is believed, from 1 (states all its conditions, or its factor
    lies within ``PLAUSIBLE_FACTOR``) tapering to 0 over ``PLAUSIBLE_MARGIN`` beyond it."""
    if not unstated(point):
        return 1.0
    low, high = (math.log(v) for v in PLAUSIBLE_FACTOR)
    ln_f = math.log(factor)
    beyond = max(low - ln_f, ln_f - high, 0.0)
    return _smooth(beyond / PLAUSIBLE_MARGIN)


def implausible(factor: float, point: MeasuredPoint) -> str:
    """Why a measurement with unstated conditions is not believed ("" when it is used; see
    ``PLAUSIBLE_FACTOR``)."""
    if plausibility(factor, point) > 0:
        return ""
    return implausible_text(factor)


def implausible_text(factor: float) -> str:
    low, high = PLAUSIBLE_FACTOR
    return (
        f"not used: it does not state all its conditions and its factor ×{factor:.3g} is "
        f"outside ×{low:.2g}–×{high:g}, beyond the model's out-of-sample error"
    )


def _smooth(t: float) -> float:
    """s(t) = 1 − 3t² + 2t³ on [0, 1], 1 before, 0 after (|s'| ≤ 1.5, s'(0) = s'(1) = 0)."""
    if t <= 0:
        return 1.0
    if t >= 1:
        return 0.0
    return 1.0 - t * t * (3.0 - 2.0 * t)


@dataclass(frozen=True)
class Anchor:
    """One measurement as the combination sees it."""

    factor: float
    """r = measured / model(measured configuration)."""
    distance: float
    """d(R, c), the documented distance."""
    settings: float = 0.0
    """Its settings part (``settings_distance``)."""
    shift: float = 0.0
    """u = ln model(R) / model(c): how far the model itself moves between the two."""
    plausibility: float = 1.0
    """``plausibility`` of the measurement (1 unless it leaves conditions unstated)."""


def anchor_at(
    wanted: AnchorConfig,
    point: MeasuredPoint,
    distance: float,
    model_measured: float,
    model_requested: float,
) -> Anchor:
    """The measurement as an ``Anchor`` of the request ``wanted``, from the model's figures
    at its configuration and at the request (a model that cannot run the request: no shift,
    the option is estimated anyway)."""
    factor = point.output_tokens_per_s_per_gpu / model_measured
    ok = math.isfinite(model_requested) and model_requested > 0
    return Anchor(
        factor=factor,
        distance=distance,
        settings=settings_distance(wanted, measured_config(point)[0]),
        shift=math.log(model_requested / model_measured) if ok else 0.0,
        plausibility=plausibility(factor, point),
    )


def settings_kept(settings: float) -> float:
    """Share of a correction that survives a settings difference (precision, engine,
    features, layout, unstated conditions): 1 − (p / ``MAX_DISTANCE``)^``SETTINGS_POWER``,
    from 1 at equal settings down to 0 at the limit."""
    if settings <= 0:
        return 1.0
    if settings >= MAX_DISTANCE:
        return 0.0
    return 1.0 - math.pow(settings / MAX_DISTANCE, SETTINGS_POWER)


def reach(factor: float) -> float:
    """How far (|ln| of the model's own move) a correction ×``factor`` lasts: ``REACH`` plus
    ``HANDOVER`` × |ln factor| (inf: never handed over by the model's move alone)."""
    return REACH + HANDOVER * abs(math.log(factor))


def handover(settings: float, shift: float, factor: float) -> float:
    """How much of a correction ×``factor`` still holds at the request: 1 at the measured
    configuration, ``settings_kept`` of it across a settings difference, fading to 0 as the
    model itself moves by ``shift`` towards ``reach(factor)`` (see the module docstring)."""
    kept = settings_kept(settings)
    if kept <= 0.0 or shift == 0.0:
        return kept
    span = reach(factor)
    return kept * _smooth(abs(shift) / span) if span > 0 else 0.0


def weight(anchor: Anchor, cap: float = math.inf) -> float:
    """Share weight of a measurement: 1 / (|u| + p + TIE·d), nearest in the model's own
    coordinate, tapered to 0 at ``cap`` (the distance of the nearest measurement left out by
    ``MAX_ANCHORS``)."""
    if anchor.distance >= cap:
        return 0.0
    taper = 1.0 if math.isinf(cap) else (1.0 - anchor.distance / cap) ** 2
    return taper / (abs(anchor.shift) + anchor.settings + TIE * anchor.distance)


def combine(anchors: Sequence[Anchor], cap: float = math.inf) -> tuple[float, list[float]]:
    """Combined factor F and each measurement's weight ωᵢ in ln F (see module docstring);
    1 − Σ ωᵢ is the model's own weight."""
    if not anchors:
        return 1.0, []
    exact = [i for i, a in enumerate(anchors) if a.distance <= 1e-12]
    if exact:
        best = max(exact, key=lambda i: anchors[i].factor)
        return anchors[best].factor, [1.0 if i == best else 0.0 for i in range(len(anchors))]
    raw = [weight(a, cap) for a in anchors]
    total = sum(raw)
    zero = [0.0] * len(anchors)
    if total <= 0:
        return 1.0, zero
    pairs = [(w / total, a) for w, a in zip(raw, anchors, strict=True)]
    ln_f = sum(s * a.plausibility * math.log(a.factor) for s, a in pairs)
    if ln_f == 0.0:
        return 1.0, zero
    settings = sum(s * a.settings for s, a in pairs)
    shift = sum(s * a.shift for s, a in pairs)
    held = handover(settings, shift, math.exp(ln_f))
    weights = [held * s * a.plausibility for s, a in pairs]
    if held <= 0:
        return 1.0, zero
    return math.exp(held * ln_f), weights


def rank_cap(found: Sequence[AnchorCandidate]) -> float:
    """The distance of the nearest measurement left out only because ``MAX_ANCHORS`` nearer
    ones are used (inf when none is): the Shepard weights taper to 0 there."""
    return min((c.distance for c in found if c.why == _RANKED_OUT), default=math.inf)


_RANKED_OUT = f"{MAX_ANCHORS} nearer measured configurations used"


def candidates(
    points: Iterable[MeasuredPoint], serving: ServingOptions, workload: Workload
) -> list[AnchorCandidate]:
    """Every measurement with its distance, nearest first; those whose settings differ by
    less than the limit, at the nearest ``MAX_ANCHORS`` measured configurations, are marked
    to be used (several measurements of one configuration count once)."""
    return candidates_for(points, request_config(serving, workload))


def candidates_for(points: Iterable[MeasuredPoint], wanted: AnchorConfig) -> list[AnchorCandidate]:
    """``candidates`` for a configuration given directly (the calibration's residuals
    anchor one measurement on the others)."""
    found = []
    settings: dict[str, float] = {}
    configs: dict[str, AnchorConfig] = {}
    for point in points:
        config, assumed = measured_config(point)
        fixed, knobs, notes = _terms(wanted, config)
        settings[point.id] = fixed
        configs[point.id] = config
        found.append(
            AnchorCandidate(
                point_id=point.id,
                source=point.source,
                measured_tokens_per_s_per_gpu=point.output_tokens_per_s_per_gpu,
                distance=fixed + knobs,
                differences=notes,
                assumed_lengths=assumed,
            )
        )
    found.sort(key=lambda c: (c.distance, -c.measured_tokens_per_s_per_gpu, c.point_id))
    out = []
    taken: set[AnchorConfig] = set()
    for cand in found:
        config = configs[cand.point_id]
        if settings[cand.point_id] >= MAX_DISTANCE:
            why = f"too far (settings differ by {settings[cand.point_id]:.2f} ≥ {MAX_DISTANCE:g})"
            out.append(_with(cand, used=False, why=why))
        elif config not in taken and len(taken) >= MAX_ANCHORS:
            out.append(_with(cand, used=False, why=_RANKED_OUT))
        else:
            # a configuration measured several times (other systems, other submitters) is
            # one site: its measurements are always equally far, so they enter together
            taken.add(config)
            out.append(_with(cand, used=True, why="used"))
    return out


def _with(c: AnchorCandidate, used: bool, why: str) -> AnchorCandidate:
    return replace(c, used=used, why=why)


def listed(found: Sequence[AnchorCandidate]) -> list[AnchorCandidate]:
    """The first ``LISTED`` candidates for Details, and the one ``rank_cap`` needs if later."""
    out = list(found[:LISTED])
    if not any(c.why == _RANKED_OUT for c in out):
        out.extend(c for c in found[LISTED:] if c.why == _RANKED_OUT)
        del out[LISTED + 1 :]
    return out


def weighed(cand: AnchorCandidate, omega: float, anchor: Anchor) -> AnchorCandidate:
    """The candidate with its weight ω in ln F, and why it carries none when it does not."""
    if omega > 0:
        return replace(cand, weight=omega)
    if weight(anchor) > 0 and anchor.plausibility > 0:
        why = "not used: its weight is negligible (nearer measurements or the model take over)"
    elif anchor.plausibility <= 0:
        why = implausible_text(anchor.factor)
    else:
        why = (
            f"handed over to the model: the model moves ×{math.exp(abs(anchor.shift)):.3g} "
            f"from the measured configuration, beyond its correction ×{anchor.factor:.3g}"
        )
    return replace(cand, weight=0.0, used=False, why=why)


def measured_serving(
    point: MeasuredPoint, accelerator: Accelerator, base: ServingOptions
) -> ServingOptions:
    """The option's serving stack switched to the measurement's configuration (its
    precision, engine, features and layout — searched where it states none; no prefix
    hits, routing or offload).

    Kept for the last few (point, accelerator, stack) objects: every workload edit asks
    again for the same ones, and the rows are immutable (the same answer, not rebuilt
    with three ``model_copy`` calls each time)."""
    key = (id(point), id(accelerator), id(base))
    kept = _MEASURED_SERVING.get(key)
    if kept is not None and kept[0] is point and kept[1] is accelerator and kept[2] is base:
        return kept[3]
    made = _measured_serving(point, accelerator, base)
    if len(_MEASURED_SERVING) >= 256:
        _MEASURED_SERVING.clear()
    _MEASURED_SERVING[key] = (point, accelerator, base, made)
    return made


_MEASURED_SERVING: dict[
    tuple[int, int, int], tuple[MeasuredPoint, Accelerator, ServingOptions, ServingOptions]
] = {}
"""id triple → the objects (held, so their ids are not reused while here) and the answer."""


def _measured_serving(
    point: MeasuredPoint, accelerator: Accelerator, base: ServingOptions
) -> ServingOptions:
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

"""The two stages of an evaluation, separately callable: the sweep and the economics.

``evaluate()`` answers everything at once; the workbench needs less on most edits. A
utilization, price or demand move changes nothing the estimator sees, so it needs only
the *economics* of each option; a workload or serving edit changes the *sweep* of the
options it touches, and of those only. Splitting the work this way lets
``tokentco.app.recompute`` cache each option's sweep by its inputs and rerun only the
stage an edit invalidates, while every figure still comes from the one code path the
full evaluation uses.

* :func:`sweep_stage` — options → their grid rows swept in one vectorised call, their
  operating points (one per waterfall variant when asked), their own frontier and their
  anchoring to measurements. The result of one option depends only on
  :func:`sweep_key`'s inputs: the estimator is elementwise over cases, and each option's
  operating point and frontier are reduced over its own rows only, so sweeping it alone
  or with 99 others gives the same floats (``tests/app/test_recompute.py`` checks it).
* :func:`economics_stage` — one option's sweep → its ``OptionResult``: $/GPU-hour,
  $/Mtok, energy, fleet, waterfall costs, p10–p90 ranges.
* :func:`comparison_stage` — the results → a ``Comparison`` with P(winner cheapest),
  whose Monte Carlo draws (fixed seed) are reused while the bands and hardware clusters
  stay the same (:class:`WinnerOdds`).

The per-option pieces (an option's cases, its anchoring, its assembled result) live in
``engine/option_eval.py``, so each exists once; ``evaluate()`` is these stages run for
every option at once.
"""

import math
import threading
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from tokentco.domain import (
    Accelerator,
    Catalogue,
    ComparisonOption,
    MeasuredPoint,
    ModelSpec,
    Project,
    ServingOptions,
    Workload,
)
from tokentco.engine import uncertainty
from tokentco.engine.calibration import Calibration
from tokentco.engine.estimator import sweep
from tokentco.engine.operating import operating_points
from tokentco.engine.option_eval import (
    CONCURRENCY_LEVELS,
    Anchored,
    OptionPlan,
    Priced,
    SharedWork,
    anchor_option,
    at_utilization,
    estimate_source,
    measured_index,
    plan_anchors,
    plan_option,
    price_option,
)
from tokentco.engine.option_eval import unknown_result as unknown_result
from tokentco.engine.results import (
    Comparison,
    FloatArray,
    Frontier,
    IntArray,
    OperatingPoint,
    OptionResult,
    Sweep,
    evolve,
)
from tokentco.engine.terms import model_terms, stack_blocks

Block = tuple[dict[str, float], list[tuple[int, int, int, int]]]


@dataclass(frozen=True)
class OptionSweep:
    """One option's swept figures, before any money: valid for every project whose
    :func:`sweep_key` for this option is the same."""

    plan: OptionPlan
    """The option resolved against the catalogue when it was swept (its offer and
    utilization may be stale: :func:`economics_stage` puts the current ones in)."""
    points: tuple[OperatingPoint, ...]
    """Unscaled operating points, one per waterfall variant; the last is as configured."""
    frontier: Frontier
    """Unscaled throughput-vs-interactivity curve of the configuration as served."""
    anchored: Anchored
    variants: bool
    """Whether ``points`` holds every waterfall variant (else only the last)."""
    priced: "dict[tuple[bool, str], tuple[tuple[object, ...], Priced]]" = field(
        default_factory=dict, compare=False, repr=False
    )
    """Per option using this sweep (options on the same hardware and serving stack share
    one) and ``variants`` (a copy made with ``dataclasses.replace`` shares the dict): the
    last :func:`economics_stage` answer and the inputs it read besides the utilization. A
    utilization move with the same inputs reprices it (``option_eval.at_utilization``)
    instead of assembling it again."""


def sweep_key(
    model: ModelSpec,
    accelerator: Accelerator,
    serving: ServingOptions,
    workload: Workload,
    option: ComparisonOption,
    measured: Sequence[MeasuredPoint],
    hashes: "KeyHashes | None" = None,
) -> Hashable:
    """Everything one option's sweep reads, as a hashable value (the sweep cache's key).

    Utilization and every money input are left out on purpose — the estimator never sees
    them — as are the workload's token basis (an economics choice). ``measured`` is the
    model's measurements of this hardware, which can anchor the option. ``hashes`` (the
    caller's, kept between edits) remembers the rows' hashes; without it they are hashed
    afresh."""
    hashes = hashes or KeyHashes()
    kept = hashes.without_utilization(serving)
    load = (
        workload.isl_tokens,
        workload.osl_tokens,
        workload.prefix_hit_rate,
        workload.max_ttft_ms,
        workload.min_tokens_per_s_per_user,
    )
    anchors: tuple[object, ...] = ()
    if option.use_measured:
        anchors = (tuple(measured), option.quoted)
    parts = (model, accelerator, kept, load, option.use_measured, anchors)
    # the hash of a pydantic row walks every field, and the cache hashes a key several
    # times per edit: hashed once here, each row's hash looked up by identity
    hashed = (hashes.of(model), hashes.of(accelerator), hashes.of(kept), load, anchors)
    return SweepKey(parts, hash(hashed))


class SweepKey:
    """:func:`sweep_key`'s value: its parts, compared as a tuple, and their hash, kept."""

    __slots__ = ("_hash", "parts")

    def __init__(self, parts: tuple[object, ...], hashed: int) -> None:
        self.parts = parts
        self._hash = hashed

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SweepKey):
            return NotImplemented
        return self is other or (self._hash == other._hash and self.parts == other.parts)

    def __repr__(self) -> str:
        return f"SweepKey{self.parts!r}"


class KeyHashes:
    """The hashes of the rows :func:`sweep_key` was given lately, by identity, and the last
    serving stack's tuple: the hash of a pydantic row walks every field, and a sweep cache
    hashes each option's key on every edit. Owned by one cache (not thread-safe)."""

    def __init__(self) -> None:
        self._hashes: dict[int, tuple[object, int]] = {}
        """id → (object, its hash); the object is held, so its id is not reused here."""
        self._serving: tuple[ServingOptions, tuple[object, ...]] | None = None

    def of(self, value: object) -> int:
        found = self._hashes.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        if len(self._hashes) >= 1024:
            self._hashes.clear()
        hashed = hash(value)
        self._hashes[id(value)] = (value, hashed)
        return hashed

    def without_utilization(self, serving: ServingOptions) -> tuple[object, ...]:
        """:func:`without_utilization`, the same tuple object for the same stack as the
        last call (options share one), so its hash is looked up by identity."""
        if self._serving is not None and self._serving[0] is serving:
            return self._serving[1]
        kept = without_utilization(serving)
        self._serving = (serving, kept)
        return kept


def measured_by_hardware(catalogue: Catalogue, model_id: str) -> dict[str, list[MeasuredPoint]]:
    """The model's measurements by hardware id (what :func:`sweep_key` needs per option)."""
    return measured_index(catalogue, model_id)


def sweep_stage(
    project: Project,
    catalogue: Catalogue,
    options: Sequence[ComparisonOption],
    calibration: Calibration,
    variants: Sequence[bool],
    *,
    pinned: Mapping[str, Anchored] | None = None,
    measured: Mapping[str, list[MeasuredPoint]] | None = None,
    workloads: Sequence[Workload] | None = None,
) -> list[OptionSweep | str]:
    """Sweep ``options`` of ``project`` in one estimator call (a reason string for an
    option whose hardware or offer is unknown). ``variants[i]`` asks for option ``i``'s
    waterfall variants too; ``pinned`` keeps an earlier anchoring (the tornado's).
    ``workloads[i]``, when given, is the workload option ``i`` is swept at instead of the
    project's (the tornado's moved workload ends, all in one call); each option's figures
    are still its own rows' alone."""
    model = catalogue.models.get(project.model_id)
    if model is None:
        raise ValueError(f"unknown model {project.model_id!r}")
    source = estimate_source(calibration)
    index = dict(measured) if measured is not None else measured_index(catalogue, model.id)
    loads = list(workloads) if workloads is not None else [project.workload] * len(options)
    blocks: list[Block] = []
    plans: list[OptionPlan | str] = []
    start = 0
    shared: dict[Workload, SharedWork] = {}  # the candidates depend on the workload
    for option, waterfall, load in zip(options, variants, loads, strict=True):
        at = project if load is project.workload else project.model_copy(update={"workload": load})
        plan = plan_option(at, catalogue, model, option, calibration, blocks, start, waterfall)
        if not isinstance(plan, str):
            start = plan.variants[-1][1].stop
            if pinned is not None and option.id in pinned:
                plan = evolve(plan, pinned=pinned[option.id])
            elif option.use_measured:
                plan = evolve(plan, shared=shared.setdefault(load, SharedWork()))
                start = plan_anchors(
                    at, model, plan, index, calibration, blocks, start, option.quoted
                )
        plans.append(plan)
    if not blocks:  # every option was unknown
        return [plan for plan in plans if isinstance(plan, str)]
    cases = stack_blocks(blocks)
    levels: FloatArray = np.geomspace(1.0, cases.max_concurrency, CONCURRENCY_LEVELS, axis=1)
    grid = sweep(cases, model_terms(model), levels)
    known = [(p, load) for p, load in zip(plans, loads, strict=True) if not isinstance(p, str)]
    points: list[tuple[OperatingPoint, ...]] = [()] * len(known)
    for load in dict.fromkeys(load for _, load in known):  # each workload's targets once
        members = [i for i, (_, at) in enumerate(known) if at == load]
        groups = [rows for i in members for _, rows in known[i][0].variants]
        found = iter(operating_points(grid, load, groups, source))
        for i in members:
            points[i] = tuple(next(found) for _ in known[i][0].variants)
    curves = option_frontiers(grid, [plan.variants[-1][1] for plan, _ in known])
    out: list[OptionSweep | str] = []
    done = iter(zip(known, points, curves, strict=True))
    for plan, waterfall in zip(plans, variants, strict=True):
        if isinstance(plan, str):
            out.append(plan)
            continue
        (_, load), own, curve = next(done)
        anchored = anchor_option(plan, grid, own[-1], load, source)
        out.append(OptionSweep(plan, own, curve, anchored, waterfall))
    return out


def option_frontiers(grid: Sweep, groups: Sequence[slice]) -> list[Frontier]:
    """The Pareto curve of each group of rows, each from its own rows alone.

    The same curves as ``operating.frontiers(grid, [rows])`` called once per group, in
    one pass: the groups' feasible points are laid out as the rows of one padded array,
    sorted by falling tokens/s/user within each row (stable, as there) and reduced with a
    running maximum along each row. ``operating.frontiers`` of several groups at once
    separates them by a float offset, which can round two close points together, so a
    curve could depend on which other options shared the call; here it cannot."""
    if not groups:
        return []
    levels = grid.output_tokens_per_s_per_gpu.shape[1]
    sizes = np.array([(rows.stop - rows.start) * levels for rows in groups])
    flat = np.concatenate([np.arange(r.start * levels, r.stop * levels) for r in groups])
    ok = grid.feasible.ravel()[flat]
    flat = flat[ok]
    gid = np.repeat(np.arange(len(groups)), sizes)[ok]
    counts = np.bincount(gid, minlength=len(groups))
    width = max(int(counts.max()), 1)
    pos = np.arange(gid.size) - (np.cumsum(counts) - counts)[gid]
    shape = (len(groups), width)
    user = np.full(shape, np.nan)
    gpu = np.full(shape, -np.inf)
    conc = np.zeros(shape)
    key = np.full(shape, np.nan)  # padding sorts last, after any NaN of the group's own
    user[gid, pos] = grid.tokens_per_s_per_user.ravel()[flat]
    gpu[gid, pos] = grid.output_tokens_per_s_per_gpu.ravel()[flat]
    conc[gid, pos] = grid.concurrency.ravel()[flat]
    key[gid, pos] = -user[gid, pos]
    order = np.argsort(key, axis=1, kind="stable")
    user, gpu, conc = (np.take_along_axis(a, order, axis=1) for a in (user, gpu, conc))
    running = np.maximum.accumulate(gpu, axis=1)
    keep = np.ones(shape, dtype=bool)
    keep[:, 1:] = running[:, 1:] > running[:, :-1]
    keep &= np.arange(width)[None, :] < counts[:, None]
    return [
        Frontier(
            user[g][keep[g]][::-1].copy(),
            gpu[g][keep[g]][::-1].copy(),
            conc[g][keep[g]][::-1].copy(),
        )
        for g in range(len(groups))
    ]


def economics_stage(
    project: Project,
    catalogue: Catalogue,
    option: ComparisonOption,
    swept: OptionSweep,
    calibration: Calibration,
) -> OptionResult:
    """One option's result from its sweep and the project's current money inputs.

    The waterfall is filled only when the sweep holds its variants (empty otherwise: not
    computed, which the workbench asks for only for the selected option)."""
    model = catalogue.models[project.model_id]
    offer = catalogue.offers[option.offer_id]
    serving = project.serving_for(option)
    # everything the result reads but the utilization (the sweep's own inputs are fixed)
    inputs = (
        option,
        offer,
        without_utilization(serving),
        project.workload,
        project.demand,
        project.exchange_rates,
        catalogue.systems,
        model,
        calibration,
    )
    kept = swept.priced.get((swept.variants, option.id))
    if kept is not None and kept[0] == inputs:
        return at_utilization(kept[1], project, serving.utilization)
    plan = evolve(swept.plan, option=option, offer=offer, serving=serving)
    if not swept.variants:
        plan = evolve(plan, variants=plan.variants[-1:])
    points = list(swept.points[-len(plan.variants) :])
    priced = price_option(
        project,
        catalogue,
        plan,
        points,
        swept.frontier,
        swept.anchored,
        model,
        calibration,
        waterfall=swept.variants,
    )
    swept.priced[(swept.variants, option.id)] = (inputs, priced)
    return priced.result


def without_utilization(serving: ServingOptions) -> tuple[object, ...]:
    """What the sweep reads of a serving stack: its field values but its utilization."""
    return tuple(v for k, v in serving.__dict__.items() if k != "utilization")


class WinnerOdds:
    """P(the cheapest option really is cheapest), with its random draws kept.

    ``uncertainty.p_winner_cheapest`` draws ``DRAWS`` × clusters standard normals with a
    fixed seed and turns them into per-option error factors; those depend only on the
    bands and the hardware clusters, not on the costs. A utilization or price move changes
    only the costs, so the factors are kept (for the last bands and clusters); when one
    option's band changes (an edit turned it from estimated to anchored) only its row of
    factors is recomputed, from the kept normals. Options of one cluster with one band
    share one row of factors: for each row only the cheapest of its options before the
    winner and the cheapest after it are compared (a product with a positive factor is
    monotone in the cost, so that row's minimum is the same float). The same floats as a
    fresh call; the work per call grows with the distinct (cluster, band) rows, not with
    the options."""

    def __init__(self, draws: int = uncertainty.DRAWS, seed: int = uncertainty.SEED) -> None:
        self.draws = draws
        self.seed = seed
        self._key: Hashable = None
        self._factors: FloatArray | None = None
        self._row_of: IntArray = np.zeros(0, np.int64)
        self._normals: dict[int, FloatArray] = {}
        self._rows: dict[Hashable, FloatArray] = {}

    def of(self, results: Sequence[OptionResult], calibration: Calibration) -> float | None:
        bands: list[tuple[float, float] | None] = []
        for r in results:
            band = None
            if r.point.feasible and r.uncertainty is not None:
                band = uncertainty.band_for(calibration, r.uncertainty.group)
            bands.append(band)
        if any(b is None for r, b in zip(results, bands, strict=True) if r.point.feasible):
            return None
        return self.probability(
            [r.usd_per_mtok if r.point.feasible else math.inf for r in results],
            [b or (0.0, 0.0) for b in bands],
            [r.accelerator_id for r in results],
        )

    def probability(
        self,
        costs: Sequence[float],
        bands: Sequence[tuple[float, float]],
        clusters: Sequence[str],
    ) -> float | None:
        """``uncertainty.p_winner_cheapest(costs, bands, clusters)`` with kept draws."""
        cost = np.asarray(costs, np.float64)
        ok = np.isfinite(cost) & (cost > 0)
        if int(ok.sum()) < 2:
            return None
        index = np.flatnonzero(ok)
        names = tuple(clusters[int(i)] for i in index)
        chosen = tuple(tuple(bands[int(i)]) for i in index)
        key = (names, chosen)
        if key != self._key or self._factors is None:
            self._factors, self._row_of = self._error_factors(names, chosen)
            self._key = key
        factors, row_of = self._factors, self._row_of
        kept = cost[index]
        # "the winner is the first minimum" (argmin's rule): it must be strictly below
        # every option before it and no higher than every option after it, in each draw
        winner = int(np.argmin(kept))
        mine = kept[winner] * factors[row_of[winner]]
        wins = np.ones(mine.shape, dtype=bool)
        for part, strict in ((slice(0, winner), True), (slice(winner + 1, None), False)):
            if not kept[part].size:
                continue
            cheapest = np.full(factors.shape[0], np.inf)
            np.minimum.at(cheapest, row_of[part], kept[part])
            rows = np.flatnonzero(np.isfinite(cheapest)).tolist()
            # row by row into one buffer (a rows × draws temporary cost more than the sums)
            others = factors[rows[0]] * cheapest[rows[0]]
            scratch = np.empty_like(others)
            for row in rows[1:]:
                np.multiply(factors[row], cheapest[row], out=scratch)
                np.minimum(others, scratch, out=others)
            wins &= (mine < others) if strict else (mine <= others)
        return float(np.mean(wins))

    def _error_factors(
        self, names: tuple[str, ...], bands: tuple[tuple[float, ...], ...]
    ) -> tuple[FloatArray, IntArray]:
        """Rows × draws factors exp(−error), one row per distinct (cluster, band), and each
        option's row; a row is computed once and kept while some option still uses it."""
        unique = sorted(set(names))
        normals = self._normals.get(len(unique))
        if normals is None:
            rng = np.random.default_rng(self.seed)
            # the draws of p_winner_cheapest (draws × clusters, in that order), laid out
            # clusters × draws
            normals = np.ascontiguousarray(rng.standard_normal((self.draws, len(unique))).T)
            self._normals = {len(unique): normals}
            self._rows = {}
        column = {name: i for i, name in enumerate(unique)}
        rows: dict[Hashable, FloatArray] = {}
        order: dict[Hashable, int] = {}
        row_of = []
        for name, band in zip(names, bands, strict=True):
            key = (column[name], band)
            if key not in order:
                row = self._rows.get(key)
                if row is None:
                    lo, hi = np.float64(band[0]), np.float64(band[1])
                    mean = (lo + hi) / 2.0
                    sigma = (hi - lo) / (2.0 * uncertainty.Z90)
                    row = np.exp(-(mean + sigma * normals[column[name]]))
                rows[key] = row
                order[key] = len(order)
            row_of.append(order[key])
        self._rows = rows
        factors: FloatArray = np.stack(list(rows.values()))
        return factors, np.array(row_of, np.int64)


_SHARED_ODDS = WinnerOdds()
"""The odds of calls without their own :class:`WinnerOdds` (``evaluate()``): its normals
and rows are kept between evaluations, which draw the same ones (fixed seed)."""
_SHARED_LOCK = threading.Lock()


def comparison_stage(
    model_id: str,
    results: Sequence[OptionResult],
    calibration: Calibration,
    odds: WinnerOdds | None = None,
) -> Comparison:
    """The comparison of ``results`` (in the project's option order)."""
    return Comparison(
        model_id=model_id,
        options=tuple(results),
        calibration=calibration,
        p_winner_cheapest=_shared_odds(results, calibration)
        if odds is None
        else odds.of(results, calibration),
    )


def _shared_odds(results: Sequence[OptionResult], calibration: Calibration) -> float | None:
    # evaluations may run on several background threads at once: one at a time here
    with _SHARED_LOCK:
        return _SHARED_ODDS.of(results, calibration)

"""Blended $/Mtok and fleet for a workload mix, served in separate pools or one pool.

Each class is evaluated through the one public entry point (``evaluate``) with its own
shape and targets. Shares are shares of **output tokens**, so the blended cost per output
token is the share-weighted mean of the classes' costs per output token; on another
counting basis the weights become ``share × counted-per-output`` — still a weighted mean,
so a blend always lies between its classes.

Two ways to serve a mix:
- **separate pools**: each class on its own GPUs at its own operating point; the cost is
  the blend above, the fleet the sum of per-class fleets (each rounded to whole systems);
- **one shared pool**: every class on the same GPUs, so the strictest target of any class
  (shortest TTFT, highest tokens/s per user) binds every request; throughput per GPU is
  the harmonic blend of the classes' throughputs at those targets, and the fleet is
  rounded once.
A shared pool usually has a dearer $/Mtok (stricter targets cost throughput) but can need
fewer GPUs (one rounding instead of one per class): with a demand stated the cheaper
annual cost decides, otherwise the cheaper $/Mtok; the result records which decided
(``decided_by``) and ``present.mix_text.mix_why`` words it.

p10–p90 ranges carry through when the engine supplies ``OptionResult.uncertainty``: each
class's range is taken relative to its central value and blended with the same weights
(errors on one option's hardware are treated as fully correlated across its classes).
"""

import math
from dataclasses import dataclass, replace
from typing import Literal

from tokentco.domain import Catalogue, Demand, Project, Workload, WorkloadClass
from tokentco.engine import economics
from tokentco.engine.calibration import Calibration
from tokentco.engine.evaluate import evaluate
from tokentco.engine.multiturn import SessionResult, evaluate_sessions
from tokentco.engine.results import Comparison, OptionResult, Range, Uncertainty

PoolKind = Literal["separate", "shared"]
Decision = Literal["feasibility", "annual cost", "$/Mtok"]


@dataclass(frozen=True)
class ClassFigures:
    """One class on one option, in one pool arrangement."""

    name: str
    share: float
    osl_tokens: int
    feasible: bool
    reason: str
    usd_per_mtok: float
    """On the project's counting basis."""
    usd_per_mtok_output: float
    output_tokens_per_s_per_gpu: float
    """At the operating point (before utilization); a session's includes its tool waits."""
    counted_per_output: float
    ttft_ms: float
    tokens_per_s_per_user: float
    gpus_per_replica: int
    provenance: str
    usd_range_factor: Range | None
    """p10/p90 of $/Mtok as multiples of the central value, when the engine states them."""
    result: OptionResult
    session: SessionResult | None = None


@dataclass(frozen=True)
class PoolFigures:
    """The mix on one option in one arrangement: blend, pool throughput and fleet."""

    kind: PoolKind
    classes: tuple[ClassFigures, ...]
    workload_targets: tuple[float | None, float | None]
    """(max TTFT ms, min tokens/s per user) the shared pool is held to; per class if separate."""
    gpus: int | None
    annual_cost_usd: float | None

    @property
    def feasible(self) -> bool:
        return all(c.feasible for c in self.classes)

    @property
    def reason(self) -> str:
        bad = next((c for c in self.classes if not c.feasible), None)
        return f"{bad.name}: {bad.reason}" if bad else ""

    @property
    def weights(self) -> list[float]:
        """Each class's weight in the blend on the project's counting basis."""
        raw = [c.share * c.counted_per_output for c in self.classes]
        total = sum(raw)
        return [w / total for w in raw]

    @property
    def usd_per_mtok(self) -> float:
        if not self.feasible:
            return math.inf
        return sum(w * c.usd_per_mtok for w, c in zip(self.weights, self.classes, strict=True))

    @property
    def usd_per_mtok_output(self) -> float:
        if not self.feasible:
            return math.inf
        return sum(c.share * c.usd_per_mtok_output for c in self.classes) / self.share_total

    @property
    def share_total(self) -> float:
        return sum(c.share for c in self.classes)

    @property
    def output_tokens_per_s_per_gpu(self) -> float:
        """Output tokens/s per GPU for the mix: GPU-seconds per output token add up by share."""
        if not self.feasible:
            return 0.0
        seconds = sum(c.share / c.output_tokens_per_s_per_gpu for c in self.classes)
        return self.share_total / seconds

    @property
    def tokens_per_s_per_gpu_range(self) -> Range | None:
        """p10–p90 of the pool's tokens/s per GPU: at a fixed price a class's cost moves
        inversely with its throughput, so its p90 cost is its p10 throughput."""
        if not self.feasible or any(c.usd_range_factor is None for c in self.classes):
            return None
        slow = fast = 0.0
        for c in self.classes:
            assert c.usd_range_factor is not None
            slow += c.share * c.usd_range_factor.p90 / c.output_tokens_per_s_per_gpu
            fast += c.share * c.usd_range_factor.p10 / c.output_tokens_per_s_per_gpu
        return Range(p10=self.share_total / slow, p90=self.share_total / fast)

    @property
    def usd_per_mtok_range(self) -> Range | None:
        if not self.feasible or any(c.usd_range_factor is None for c in self.classes):
            return None
        lo = hi = 0.0
        for w, c in zip(self.weights, self.classes, strict=True):
            assert c.usd_range_factor is not None
            lo += w * c.usd_per_mtok * c.usd_range_factor.p10
            hi += w * c.usd_per_mtok * c.usd_range_factor.p90
        return Range(p10=lo, p90=hi)


@dataclass(frozen=True)
class MixResult:
    """One option under the mix: both arrangements, which one was chosen and why."""

    option_id: str
    label: str
    separate: PoolFigures
    shared: PoolFigures
    chosen: PoolKind
    decided_by: Decision
    """What chose the arrangement (``present.mix_text.mix_why`` words it)."""

    @property
    def pool(self) -> PoolFigures:
        return self.separate if self.chosen == "separate" else self.shared

    @property
    def feasible(self) -> bool:
        return self.pool.feasible

    @property
    def usd_per_mtok(self) -> float:
        return self.pool.usd_per_mtok

    @property
    def usd_per_gpu_hour(self) -> float:
        return self.pool.classes[0].result.cost.usd_per_gpu_hour


@dataclass(frozen=True)
class MixComparison:
    """Every option of a project under its workload mix, in option order."""

    options: tuple[MixResult, ...]
    strictest: tuple[float | None, float | None]

    def by_id(self, option_id: str) -> MixResult:
        return next(o for o in self.options if o.option_id == option_id)


def mix_classes(project: Project) -> tuple[WorkloadClass, ...]:
    """The project's mix, or its single workload as a one-class mix."""
    if project.workload_classes:
        return project.workload_classes
    w = project.workload
    return (
        WorkloadClass(
            name="workload",
            share=1.0,
            isl_tokens=w.isl_tokens,
            osl_tokens=w.osl_tokens,
            prefix_hit_rate=w.prefix_hit_rate,
            max_ttft_ms=w.max_ttft_ms,
            min_tokens_per_s_per_user=w.min_tokens_per_s_per_user,
        ),
    )


def strictest_targets(classes: tuple[WorkloadClass, ...]) -> tuple[float | None, float | None]:
    """(shortest max TTFT, highest min tokens/s per user) over the classes; None = no class
    sets that target."""
    ttfts = [c.max_ttft_ms for c in classes if c.max_ttft_ms is not None]
    speeds = [c.min_tokens_per_s_per_user for c in classes if c.min_tokens_per_s_per_user]
    return (min(ttfts) if ttfts else None, max(speeds) if speeds else None)


def evaluate_mix(
    project: Project, catalogue: Catalogue, calibration: Calibration | None = None
) -> MixComparison:
    """Per-class figures, both pool arrangements and the cheaper one, for every option."""
    classes = mix_classes(project)
    strict = strictest_targets(classes)
    own = [_class_figures(project, catalogue, c, calibration, None) for c in classes]
    shared = [
        own[i]
        if (c.max_ttft_ms, c.min_tokens_per_s_per_user) == strict
        else _class_figures(project, catalogue, c, calibration, strict)
        for i, c in enumerate(classes)
    ]
    results = []
    for index, option in enumerate(project.options):
        separate_classes = tuple(figures[index] for figures in own)
        shared_classes = tuple(figures[index] for figures in shared)
        separate_pool = _pool(project, "separate", separate_classes, strict)
        shared_pool = _pool(project, "shared", shared_classes, strict)
        chosen, decided_by = _choose(separate_pool, shared_pool)
        results.append(
            MixResult(
                option.id, option.display_name, separate_pool, shared_pool, chosen, decided_by
            )
        )
    return MixComparison(options=tuple(results), strictest=strict)


def _class_figures(
    project: Project,
    catalogue: Catalogue,
    cls: WorkloadClass,
    calibration: Calibration | None,
    targets: tuple[float | None, float | None] | None,
) -> list[ClassFigures]:
    """``cls`` on every option, at its own targets or at ``targets`` (the shared pool's)."""
    if targets is not None:
        cls = cls.model_copy(
            update={"max_ttft_ms": targets[0], "min_tokens_per_s_per_user": targets[1]}
        )
    if cls.multi_turn is not None and cls.multi_turn.turns_per_session > 1:
        sessions = evaluate_sessions(project, catalogue, cls, calibration)
        return [_from_session(cls, s) for s in sessions]
    workload = cls.workload(project.workload)
    comparison = evaluate(project.model_copy(update={"workload": workload}), catalogue, calibration)
    return [_from_result(cls, workload, r) for r in comparison.options]


def _factor(result: OptionResult) -> Range | None:
    u = result.uncertainty
    if u is None or not result.point.feasible or not math.isfinite(result.usd_per_mtok):
        return None
    return Range(
        p10=u.usd_per_mtok.p10 / result.usd_per_mtok, p90=u.usd_per_mtok.p90 / result.usd_per_mtok
    )


def _from_result(cls: WorkloadClass, workload: Workload, r: OptionResult) -> ClassFigures:
    feasible = r.point.feasible and r.point.output_tokens_per_s_per_gpu > 0
    return ClassFigures(
        name=cls.name,
        share=cls.share,
        osl_tokens=cls.mean_osl_tokens,
        feasible=feasible,
        reason=r.point.reason if not feasible else "",
        usd_per_mtok=r.usd_per_mtok,
        usd_per_mtok_output=r.usd_per_mtok_output,
        output_tokens_per_s_per_gpu=r.point.output_tokens_per_s_per_gpu if feasible else 0.0,
        counted_per_output=float(economics.counted_tokens_per_s(1.0, workload)),
        ttft_ms=r.point.ttft_ms,
        tokens_per_s_per_user=r.point.tokens_per_s_per_user,
        gpus_per_replica=r.point.gpus_per_replica,
        provenance=r.point.provenance,
        usd_range_factor=_factor(r),
        result=r,
    )


def _from_session(cls: WorkloadClass, s: SessionResult) -> ClassFigures:
    last = s.turns[-1]
    return ClassFigures(
        name=cls.name,
        share=cls.share,
        osl_tokens=cls.mean_osl_tokens,
        feasible=s.feasible,
        reason=s.reason,
        usd_per_mtok=s.usd_per_mtok,
        usd_per_mtok_output=s.usd_per_mtok_output,
        output_tokens_per_s_per_gpu=s.output_tokens_per_s_per_gpu,
        counted_per_output=s.counted_per_output,
        ttft_ms=max(t.ttft_ms for t in s.turns),
        tokens_per_s_per_user=min(t.result.point.tokens_per_s_per_user for t in s.turns),
        gpus_per_replica=max(t.result.point.gpus_per_replica for t in s.turns),
        provenance=last.result.point.provenance,
        usd_range_factor=s.usd_range_factor,
        result=s.turns[0].result,
        session=s,
    )


def _pool(
    project: Project,
    kind: PoolKind,
    classes: tuple[ClassFigures, ...],
    strict: tuple[float | None, float | None],
) -> PoolFigures:
    """The arrangement's fleet at the project's demand (None when no demand is stated)."""
    targets = strict if kind == "shared" else (None, None)
    gpus: int | None = None
    annual: float | None = None
    feasible = all(c.feasible for c in classes)
    # output tokens per request, averaged over requests (shares are of output tokens)
    osl = max(1, round(1.0 / sum(c.share / c.osl_tokens for c in classes)))
    peak = economics.peak_output_tokens_per_s(project.demand, osl)
    if feasible and peak is not None:
        price = classes[0].result.cost.usd_per_gpu_hour
        per_system = _gpus_per_system(classes[0].result)
        if kind == "separate":
            fleets = [
                _fleet(
                    project.demand,
                    peak * c.share,
                    c.output_tokens_per_s_per_gpu,
                    c.gpus_per_replica,
                    per_system,
                    price,
                )
                for c in classes
            ]
        else:
            blended = PoolFigures(kind, classes, targets, None, None).output_tokens_per_s_per_gpu
            replica = max(c.gpus_per_replica for c in classes)
            fleets = [_fleet(project.demand, peak, blended, replica, per_system, price)]
        gpus = sum(f[0] for f in fleets)
        annual = sum(f[1] for f in fleets)
    return PoolFigures(kind, classes, targets, gpus, annual)


def _gpus_per_system(result: OptionResult) -> int:
    if result.fleet is not None and result.fleet.systems:
        return max(1, result.fleet.gpus // result.fleet.systems)
    return max(8, result.point.gpus_per_replica)


def _fleet(
    demand: Demand,
    peak_tokens_per_s: float,
    tokens_per_s_per_gpu: float,
    gpus_per_replica: int,
    gpus_per_system: int,
    usd_per_gpu_hour: float,
) -> tuple[int, float]:
    """(GPUs, annual cost) for one pool at its peak, via the economics module's sizing."""
    pool_demand = Demand(
        tokens_per_day=peak_tokens_per_s / demand.peak_to_average * 86400.0,
        peak_to_average=demand.peak_to_average,
        term_years=demand.term_years,
    )
    fleet = economics.size_fleet(
        pool_demand,
        1,
        tokens_per_s_per_gpu,
        gpus_per_replica,
        gpus_per_system,
        usd_per_gpu_hour,
        None,
        1.0,
    )
    assert fleet is not None
    return fleet.gpus, fleet.annual_cost_usd


SAME_COST = 1e-6
"""Fleets whose annual costs differ by less than this share cost the same (both rounded to
the same whole systems): the arrangement with the lower $/Mtok is chosen then."""


def _choose(separate: PoolFigures, shared: PoolFigures) -> tuple[PoolKind, Decision]:
    """The cheaper feasible arrangement: by annual cost when both fleets are sized and
    differ, else (no demand, or fleets rounded to the same whole systems) by $/Mtok; exact
    ties go to one shared pool (one pool is simpler to run)."""
    if not (separate.feasible and shared.feasible):
        return ("shared" if shared.feasible else "separate"), "feasibility"
    if separate.annual_cost_usd is not None and shared.annual_cost_usd is not None:
        a, b = shared.annual_cost_usd, separate.annual_cost_usd
        if abs(a - b) > SAME_COST * max(abs(a), abs(b)):
            return ("shared" if a < b else "separate"), "annual cost"
    return ("shared" if shared.usd_per_mtok <= separate.usd_per_mtok else "separate"), "$/Mtok"


def blended_comparison(
    project: Project, catalogue: Catalogue, calibration: Calibration | None = None
) -> tuple[Comparison, MixComparison]:
    """The project's comparison restated for its mix, so every table that prints a
    ``Comparison`` prints the mix: $/Mtok is the chosen pool's blend (with its p10–p90),
    tok/s/GPU the pool's, tok/s/user the slowest class's, TTFT the longest class's, and the
    fleet and energy figures the pool's; its uncertainty keeps only the blend's $/Mtok and
    tok/s/GPU ranges (GPU and cost ranges are not blended). P(winner cheapest) is not
    restated (it is not known for a blend); the waterfall keeps the single workload's steps
    (its labels name the features)."""
    plain = evaluate(project, catalogue, calibration)
    mix = evaluate_mix(project, catalogue, calibration)
    return restated_for_mix(plain, mix), mix


def restated_for_mix(plain: Comparison, mix: MixComparison) -> Comparison:
    """``plain`` (the project's comparison at its single workload, option for option the
    same options as ``mix``) restated for the mix as :func:`blended_comparison` describes;
    split out so a caller that already holds the plain comparison (the workbench computes
    it for its charts anyway) does not evaluate it twice."""
    options = []
    for result, mixed in zip(plain.options, mix.options, strict=True):
        pool = mixed.pool
        if not pool.feasible:
            point = replace(result.point, feasible=False, reason=pool.reason)
            # energy as a plain infeasible option words it (no delivered tokens), not
            # the single workload's figure the blend does not deliver
            mw = None if result.tokens_per_s_per_mw is None else 0.0
            options.append(
                replace(
                    result,
                    point=point,
                    usd_per_mtok=math.inf,
                    usd_per_mtok_output=math.inf,
                    tokens_per_s_per_mw=mw,
                    kwh_per_mtok=None,
                )
            )
            continue
        point = replace(
            result.point,
            feasible=True,
            reason="",
            output_tokens_per_s_per_gpu=pool.output_tokens_per_s_per_gpu,
            tokens_per_s_per_user=min(c.tokens_per_s_per_user for c in pool.classes),
            ttft_ms=max(c.ttft_ms for c in pool.classes),
            gpus_per_replica=max(c.gpus_per_replica for c in pool.classes),
        )
        fleet = result.fleet
        if fleet is not None and pool.gpus is not None and pool.annual_cost_usd is not None:
            fleet = replace(
                fleet,
                gpus=pool.gpus,
                annual_cost_usd=pool.annual_cost_usd,
                contract_value_usd=pool.annual_cost_usd * fleet.term_years,
            )
        uncertainty = result.uncertainty
        band, speed = pool.usd_per_mtok_range, pool.tokens_per_s_per_gpu_range
        if uncertainty is not None:
            uncertainty = (
                Uncertainty(
                    tokens_per_s_per_gpu=speed,
                    usd_per_mtok=band,
                    group=f"{uncertainty.group} (blend of {len(pool.classes)} classes)",
                )
                if band and speed
                else None
            )
        per_mw, kwh = _energy(result, pool.output_tokens_per_s_per_gpu)
        options.append(
            replace(
                result,
                point=point,
                usd_per_mtok=pool.usd_per_mtok,
                usd_per_mtok_output=pool.usd_per_mtok_output,
                fleet=fleet,
                uncertainty=uncertainty,
                tokens_per_s_per_mw=per_mw,
                kwh_per_mtok=kwh,
            )
        )
    return replace(plain, options=tuple(options), p_winner_cheapest=None)


def _energy(result: OptionResult, tps: float) -> tuple[float | None, float | None]:
    """Tokens/s per MW and kWh per Mtok at the pool's throughput."""
    watts = result.watts_per_gpu_all_in
    if not watts or tps <= 0:
        return None, None
    return (
        float(economics.tokens_per_s_per_mw(tps, watts, result.pue)),
        float(economics.kwh_per_mtok(tps, watts, result.pue)),
    )

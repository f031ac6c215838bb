"""One option's evaluation, piece by piece: resolve it, choose its anchors, assemble it.

These are the per-option steps both ``evaluate()`` and the workbench's incremental
recompute run (``engine/stages.py`` composes them: the sweep stage plans every option with
:func:`plan_option` and :func:`plan_anchors`, sweeps them at once and anchors each with
:func:`anchor_option`; the economics stage is :func:`assemble` then
:func:`with_uncertainty`), so a figure means the same whichever path computed it.
"""

import math
from dataclasses import dataclass, field
from typing import TypedDict

import numpy as np

from tokentco import MODEL_VERSION
from tokentco.domain import (
    Accelerator,
    Catalogue,
    ComparisonOption,
    MeasuredPoint,
    ModelSpec,
    Offer,
    Project,
    ServingOptions,
    System,
    Workload,
)
from tokentco.engine import anchoring, economics, uncertainty
from tokentco.engine.assumptions import option_assumptions
from tokentco.engine.calibration import Calibration
from tokentco.engine.features import accuracy_risk, waterfall_variants
from tokentco.engine.layouts import legal_layouts
from tokentco.engine.operating import operating_point, rows_of
from tokentco.engine.results import (
    AnchorCandidate,
    Binding,
    CostBreakdown,
    Frontier,
    OperatingPoint,
    OptionResult,
    Sweep,
    Uncertainty,
    evolve,
)
from tokentco.engine.terms import case_row

CONCURRENCY_LEVELS = 64
DEFAULT_PUE = 1.3
"""Facility overhead assumed for rented capacity when computing tokens per MW."""


@dataclass(frozen=True)
class OptionPlan:
    """One option resolved against the catalogue, with its variants' row ranges."""

    option: ComparisonOption
    accelerator: Accelerator
    offer: Offer
    serving: ServingOptions
    variants: list[tuple[str, slice]]
    anchors: list[AnchorCandidate] = field(default_factory=list)
    """Candidate measurements, nearest first (those marked used have rows below)."""
    anchor_rows: dict[str, tuple[slice, Workload]] = field(default_factory=dict)
    """Point id → the sweep rows and load of its measured configuration."""
    measured: dict[str, MeasuredPoint] = field(default_factory=dict)
    pinned: "Anchored | None" = None
    shared: "SharedWork | None" = None


@dataclass
class SharedWork:
    """Work shared by the options of one evaluation: options on the same hardware with
    the same serving stack have the same candidates and the same measured-configuration
    cases, so each is computed (and swept) once."""

    candidates: dict[object, list[AnchorCandidate]] = field(default_factory=dict)
    blocks: dict[object, tuple[slice, Workload]] = field(default_factory=dict)
    model_at: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Anchored:
    """How an option's figures are anchored: the factor every figure of it is scaled by.

    ``evaluate(..., pinned=…)`` reuses it (the tornado does, so moving an input never
    switches the basis of the figure)."""

    provenance: str  # "measured", "anchored" or "estimated"
    factor: float
    source: str
    exact: MeasuredPoint | None = None
    """The measurement the figure equals (provenance "measured")."""
    candidates: tuple[AnchorCandidate, ...] = ()


def estimate_source(calibration: Calibration) -> str:
    """Label of an estimated figure: the model and the calibration it was computed with."""
    return f"estimated ({MODEL_VERSION}, calibration {calibration.version})"


def with_uncertainty(
    result: OptionResult, plan: OptionPlan, model: ModelSpec, cal: Calibration, project: Project
) -> OptionResult:
    """The option's p10–p90 ranges from its residual group's band (None without bands)."""
    found = _band_of(result, plan, model, cal, project)
    if found is None:
        return result
    return evolve(result, uncertainty=_ranges(result, *found))


def _band_of(
    result: OptionResult, plan: OptionPlan, model: ModelSpec, cal: Calibration, project: Project
) -> tuple[tuple[float, float], str, dict[str, float]] | None:
    """The option's band, residual group and fleet at the band's ends (None when it has no
    range: infeasible, or its group has no band); none of them depends on utilization."""
    p = result.point
    if not p.feasible:
        return None
    used = [a.distance for a in result.anchors if a.weight > 0]
    group = uncertainty.group_name(
        p.provenance, model.moe, plan.accelerator.vendor, min(used) if used else None
    )
    band = uncertainty.band_for(cal, group)
    if band is None:
        return None
    gpus: dict[str, float] = {}
    if result.fleet is not None:
        for key, scale in (("low", math.exp(band[1])), ("high", math.exp(band[0]))):
            fleet = economics.size_fleet(
                project.demand,
                project.workload.osl_tokens,
                p.output_tokens_per_s_per_gpu * scale,
                p.gpus_per_replica,
                max(1, result.fleet.gpus // max(result.fleet.systems, 1)),
                result.cost.usd_per_gpu_hour,
                result.watts_per_gpu_all_in,
                result.pue,
            )
            if fleet is not None:
                gpus[f"gpus_{key}"] = float(fleet.gpus)
                gpus[f"cost_{key}"] = fleet.annual_cost_usd
    return band, group, gpus


def _ranges(
    result: OptionResult, band: tuple[float, float], group: str, gpus: dict[str, float]
) -> Uncertainty:
    p = result.point
    central = uncertainty.Central(
        p.output_tokens_per_s_per_gpu, result.usd_per_mtok, result.tokens_per_s_per_mw, gpus
    )
    return uncertainty.uncertainty(central, band, group)


@dataclass(frozen=True)
class Priced:
    """One option's result with what a new utilization needs kept beside it.

    Utilization moves only the option's $/Mtok figures (and their p10–p90 range and its
    waterfall steps); :func:`at_utilization` recomputes those, with the functions that
    made them, and copies the rest."""

    result: OptionResult
    variant_tps: tuple[float, ...]
    """Output tokens/s/GPU of each waterfall step before the last (0 where infeasible)."""
    band: tuple[tuple[float, float], str, dict[str, float]] | None
    """What :func:`_band_of` found (None: the result has no range)."""


def price_option(
    project: Project,
    catalogue: Catalogue,
    plan: OptionPlan,
    variant_points: list[OperatingPoint],
    curve: Frontier,
    anchored: Anchored,
    model: ModelSpec,
    cal: Calibration,
    waterfall: bool = True,
) -> Priced:
    """:func:`assemble` then :func:`with_uncertainty`, kept as a :class:`Priced`; without
    ``waterfall`` the result's waterfall is empty (not computed)."""
    result, variant_tps = _assembled(
        project, catalogue, plan, variant_points, curve, anchored, waterfall
    )
    found = _band_of(result, plan, model, cal, project)
    if found is not None:
        result = evolve(result, uncertainty=_ranges(result, *found))
    return Priced(result, variant_tps, found)


def at_utilization(priced: Priced, project: Project, util: float) -> OptionResult:
    """``priced``'s result at utilization ``util`` (``project`` holding the same workload
    as when it was priced): the figures :func:`price_option` would give."""
    old = priced.result
    labels = [label for label, _ in old.waterfall]
    money = _money(project, old.point, old.cost.usd_per_gpu_hour, util, labels, priced.variant_tps)
    result = evolve(old, **money)
    if priced.band is not None:
        result = evolve(result, uncertainty=_ranges(result, *priced.band))
    return result


class _Money(TypedDict):
    utilization: float
    usd_per_mtok: float
    usd_per_mtok_output: float
    usd_per_mtok_total: float
    waterfall: tuple[tuple[str, float], ...]


def _money(
    project: Project,
    point: OperatingPoint,
    usd_per_gpu_hour: float,
    util: float,
    labels: list[str],
    variant_tps: tuple[float, ...],
) -> "_Money":
    """The result's fields that depend on utilization (``labels`` empty: no waterfall)."""
    tps = point.output_tokens_per_s_per_gpu if point.feasible else 0.0
    total = point.total_tokens_per_s_per_gpu if point.feasible else 0.0
    usd_per_mtok = _cost_at(project, tps, usd_per_gpu_hour, util)
    steps = [
        (label, _cost_at(project, vt, usd_per_gpu_hour, util))
        for label, vt in zip(labels[:-1], variant_tps, strict=True)
    ]
    if labels:
        steps.append((labels[-1], usd_per_mtok))
    return _Money(
        utilization=util,
        usd_per_mtok=usd_per_mtok,
        usd_per_mtok_output=_per_mtok(usd_per_gpu_hour, tps, util),
        usd_per_mtok_total=_per_mtok(usd_per_gpu_hour, total, util),
        waterfall=tuple(steps),
    )


def anchoring_of(result: OptionResult) -> Anchored:
    """The anchoring behind an evaluated option, to pin it in a re-evaluation."""
    p = result.point
    return Anchored(
        provenance=p.provenance,
        factor=p.anchor_factor,
        source=p.anchor_source,
        exact=result.measured_point if p.provenance == "measured" else None,
        candidates=result.anchors,
    )


def _scaled(curve: Frontier, factor: float) -> Frontier:
    if factor == 1.0:
        return curve
    return Frontier(
        curve.tokens_per_s_per_user, curve.output_tokens_per_s_per_gpu * factor, curve.concurrency
    )


def measured_index(catalogue: Catalogue, model_id: str) -> dict[str, list[MeasuredPoint]]:
    """This model's measurements by hardware id (looked up once per evaluation)."""
    index: dict[str, list[MeasuredPoint]] = {}
    for point in catalogue.measured.values():
        if point.model_id == model_id:
            index.setdefault(point.hardware_id, []).append(point)
    return index


def plan_option(
    project: Project,
    catalogue: Catalogue,
    model: ModelSpec,
    option: ComparisonOption,
    cal: Calibration,
    blocks: list[tuple[dict[str, float], list[tuple[int, int, int, int]]]],
    start: int,
    waterfall: bool = True,
) -> "OptionPlan | str":
    accelerator = catalogue.accelerators.get(option.accelerator_id)
    offer = catalogue.offers.get(option.offer_id)
    if accelerator is None:
        return f"unknown hardware {option.accelerator_id!r}"
    if offer is None:
        return f"unknown offer {option.offer_id!r}"
    serving = project.serving_for(option)
    variants = []
    steps = waterfall_variants(serving) if waterfall else [("as configured", serving)]
    for label, variant in steps:
        eff = cal.lookup(accelerator.id, variant.compute_precision, variant.engine_family)
        layouts = legal_layouts(model, accelerator, variant)
        blocks.append((case_row(accelerator, variant, project.workload, layouts[0], eff), layouts))
        variants.append((label, slice(start, start + len(layouts))))
        start += len(layouts)
    return OptionPlan(option, accelerator, offer, serving, variants)


def assemble(
    project: Project,
    catalogue: Catalogue,
    plan: OptionPlan,
    variant_points: list[OperatingPoint],
    curve: Frontier,
    anchored: Anchored,
) -> OptionResult:
    """One option's result from its variants' operating points (the last is the real one);
    every figure is scaled by the option's anchor factor, so none mixes bases."""
    return _assembled(project, catalogue, plan, variant_points, curve, anchored, True)[0]


def _assembled(
    project: Project,
    catalogue: Catalogue,
    plan: OptionPlan,
    variant_points: list[OperatingPoint],
    curve: Frontier,
    anchored: Anchored,
    waterfall: bool,
) -> tuple[OptionResult, tuple[float, ...]]:
    variant_points = [_scale_point(p, anchored.factor) for p in variant_points]
    curve = _scaled(curve, anchored.factor)
    point = _labelled(variant_points[-1], anchored, project.workload)
    system = _system_for(catalogue, plan)
    watts = _watts_per_gpu(plan, system)
    pue = plan.offer.owned.pue if plan.offer.owned else DEFAULT_PUE
    cost = economics.gpu_hour_cost(plan.offer, project.exchange_rates, watts or 0.0)
    util = plan.serving.utilization
    tps = point.output_tokens_per_s_per_gpu if point.feasible else 0.0
    variant_tps = tuple(
        vp.output_tokens_per_s_per_gpu if vp.feasible else 0.0 for vp in variant_points[:-1]
    )
    labels = [label for label, _ in plan.variants] if waterfall else []
    money = _money(project, point, cost.usd_per_gpu_hour, util, labels, variant_tps)
    gpus_per_system = system.gpus_per_system if system else max(8, point.gpus_per_replica)
    result = OptionResult(
        option_id=plan.option.id,
        label=plan.option.display_name,
        accelerator_id=plan.accelerator.id,
        offer_id=plan.offer.id,
        point=point,
        cost=cost,
        utilization=util,
        usd_per_mtok=money["usd_per_mtok"],
        usd_per_mtok_output=money["usd_per_mtok_output"],
        usd_per_mtok_total=money["usd_per_mtok_total"],
        watts_per_gpu_all_in=watts,
        pue=pue,
        tokens_per_s_per_mw=economics.tokens_per_s_per_mw(tps, watts, pue) if watts else None,
        kwh_per_mtok=economics.kwh_per_mtok(tps, watts, pue) if watts and tps > 0 else None,
        pflops_per_usd_hour=economics.pflops_per_usd_hour(
            plan.accelerator.peak_tflops(plan.serving.compute_precision), cost.usd_per_gpu_hour
        ),
        fleet=economics.size_fleet(
            project.demand,
            project.workload.osl_tokens,
            tps,
            point.gpus_per_replica,
            gpus_per_system,
            cost.usd_per_gpu_hour,
            watts,
            pue,
        )
        if point.feasible
        else None,
        frontier=curve,
        accuracy_risk=accuracy_risk(plan.serving, plan.option.accuracy_validated),
        lock_in=plan.option.lock_in.score,
        lead_time_weeks=plan.option.lead_time_weeks
        if plan.option.lead_time_weeks is not None
        else plan.offer.lead_time_weeks,
        waterfall=money["waterfall"],
        warnings=_warnings(plan, watts),
        anchors=anchored.candidates,
        measured_point=anchored.exact if point.provenance == "measured" else None,
        assumptions=option_assumptions(
            plan.accelerator, plan.offer, system, watts, pue, anchored.candidates
        ),
    )
    return result, variant_tps


def _per_mtok(usd_per_gpu_hour: float, tps: float, util: float) -> float:
    return economics.usd_per_mtok(usd_per_gpu_hour, tps, util) if tps > 0 else float("inf")


def _cost_at(project: Project, output_tps: float, usd_per_gpu_hour: float, util: float) -> float:
    counted = economics.counted_tokens_per_s(output_tps, project.workload)
    return _per_mtok(usd_per_gpu_hour, counted, util)


def plan_anchors(
    project: Project,
    model: ModelSpec,
    plan: OptionPlan,
    measured: dict[str, list[MeasuredPoint]],
    cal: Calibration,
    blocks: list[tuple[dict[str, float], list[tuple[int, int, int, int]]]],
    start: int,
    quoted: MeasuredPoint | None,
) -> int:
    """Choose the option's anchor measurements and add their measured configurations to
    the sweep (one block each); returns the next free row."""
    shared = plan.shared or SharedWork()
    points = list(measured.get(plan.accelerator.id, []))
    if quoted is not None and (quoted.hardware_id, quoted.model_id) == (
        plan.accelerator.id,
        model.id,
    ):
        points.append(quoted)  # a quote for another model or GPU says nothing about this one
    key = (plan.accelerator.id, plan.serving, quoted)
    if key not in shared.candidates:
        found = anchoring.candidates(points, plan.serving, project.workload)
        shared.candidates[key] = anchoring.listed(found)
    found = shared.candidates[key]
    plan.anchors.extend(found)
    by_id = {p.id: p for p in points}
    for cand in found:
        if not cand.used:
            continue
        point = by_id[cand.point_id]
        plan.measured[cand.point_id] = point
        if cand.distance <= 1e-12:
            continue  # the requested configuration is the measured one
        block_key = (plan.accelerator.id, point, plan.serving)
        if block_key in shared.blocks:
            plan.anchor_rows[cand.point_id] = shared.blocks[block_key]
            continue
        serving = anchoring.measured_serving(point, plan.accelerator, plan.serving)
        workload = anchoring.measured_workload(point, project.workload)
        try:
            layouts = legal_layouts(model, plan.accelerator, serving)
        except ValueError:
            layouts = []
        if not layouts:
            continue
        eff = cal.lookup(plan.accelerator.id, serving.compute_precision, serving.engine_family)
        blocks.append((case_row(plan.accelerator, serving, workload, layouts[0], eff), layouts))
        plan.anchor_rows[cand.point_id] = (slice(start, start + len(layouts)), workload)
        shared.blocks[block_key] = plan.anchor_rows[cand.point_id]
        start += len(layouts)
    return start


def anchor_option(
    plan: OptionPlan,
    grid: Sweep | None,
    requested: OperatingPoint,
    workload: Workload,
    source: str,
) -> Anchored:
    """The option's anchor factor from its measurements and the model at each one's
    configuration (see ``engine/anchoring.py``)."""
    if plan.pinned is not None:
        return _repinned(plan, workload)
    anchors: list[anchoring.Anchor] = []
    listed: list[AnchorCandidate] = []
    exact: MeasuredPoint | None = None
    wanted = anchoring.request_config(plan.serving, workload)
    here = requested.output_tokens_per_s_per_gpu if requested.feasible else math.nan
    for cand in plan.anchors:
        if not cand.used:
            listed.append(cand)
            continue
        point = plan.measured[cand.point_id]
        if cand.distance <= 1e-12:
            model_tps = requested.output_tokens_per_s_per_gpu if requested.feasible else math.nan
            exact = (
                point
                if exact is None
                or point.output_tokens_per_s_per_gpu > (exact.output_tokens_per_s_per_gpu)
                else exact
            )
        elif cand.point_id in plan.anchor_rows and grid is not None:
            rows, load = plan.anchor_rows[cand.point_id]
            memo = plan.shared.model_at if plan.shared is not None else {}
            if rows.start not in memo:
                at = operating_point(rows_of(grid, rows), load, source)
                memo[rows.start] = at.output_tokens_per_s_per_gpu if at.feasible else math.nan
            model_tps = memo[rows.start]
        else:
            model_tps = math.nan
        if not math.isfinite(model_tps) or model_tps <= 0:
            if cand.distance <= 1e-12:
                listed.append(evolve(cand, why="measured at the requested configuration"))
                continue
            why = "not used: the model cannot run the measured configuration"
            listed.append(evolve(cand, used=False, why=why))
            continue
        factor = cand.measured_tokens_per_s_per_gpu / model_tps
        doubt = anchoring.implausible(factor, point) if cand.distance > 1e-12 else ""
        if doubt:
            listed.append(
                evolve(
                    cand, used=False, why=doubt, model_tokens_per_s_per_gpu=model_tps, factor=factor
                )
            )
            continue
        listed.append(evolve(cand, model_tokens_per_s_per_gpu=model_tps, factor=factor))
        anchors.append(anchoring.anchor_at(wanted, point, cand.distance, model_tps, here))
    if exact is not None:
        factor = (
            exact.output_tokens_per_s_per_gpu / requested.output_tokens_per_s_per_gpu
            if requested.feasible and requested.output_tokens_per_s_per_gpu > 0
            else 1.0
        )
        final = [
            evolve(c, weight=1.0 if c.point_id == exact.id else 0.0, factor=factor)
            if c.point_id == exact.id
            else evolve(c, weight=0.0, used=False, why="an exact measurement is used")
            if c.used
            else c
            for c in listed
        ]
        label = f"{exact.id}: {exact.source}"
        return Anchored("measured", factor, label, exact, tuple(_nearest_first(final)))
    if not anchors or not requested.feasible:
        return Anchored("estimated", 1.0, "", None, tuple(_nearest_first(listed)))
    combined, shares = anchoring.combine(anchors, anchoring.rank_cap(plan.anchors))
    share = iter(zip(shares, anchors, strict=True))
    final = [
        anchoring.weighed(c, *next(share)) if c.used and math.isfinite(c.factor) else c
        for c in listed
    ]
    used = [c for c in final if c.weight > 0]
    if not used:
        return Anchored("estimated", 1.0, "", None, tuple(_nearest_first(final)))
    label = "; ".join(f"{c.point_id}: {c.source}" for c in used)
    return Anchored("anchored", combined, label, None, tuple(_nearest_first(final)))


def _nearest_first(items: list[AnchorCandidate]) -> list[AnchorCandidate]:
    return sorted(items, key=lambda c: (c.distance, c.point_id))


def _repinned(plan: OptionPlan, workload: Workload) -> Anchored:
    """A pinned anchoring stays "measured" only while the configuration is the measured one."""
    pinned = plan.pinned
    assert pinned is not None
    if pinned.exact is not None:
        wanted = anchoring.request_config(plan.serving, workload)
        config, _ = anchoring.measured_config(pinned.exact)
        if anchoring.distance(wanted, config)[0] <= 1e-12:
            return pinned
        return evolve(pinned, provenance="anchored", exact=None)
    return pinned


def _scale_point(point: OperatingPoint, factor: float) -> OperatingPoint:
    if factor == 1.0 or not point.feasible:
        return point
    return evolve(
        point,
        output_tokens_per_s_per_gpu=point.output_tokens_per_s_per_gpu * factor,
        total_tokens_per_s_per_gpu=point.total_tokens_per_s_per_gpu * factor,
    )


def _labelled(point: OperatingPoint, anchored: Anchored, workload: Workload) -> OperatingPoint:
    """The operating point with its basis; a measured figure keeps only what was measured
    (no tokens/s per user or TTFT borrowed from the estimate)."""
    if anchored.provenance == "estimated":
        return point
    if anchored.provenance == "anchored":
        return evolve(
            point,
            provenance="anchored",
            source=f"anchored ×{anchored.factor:.3g} to {anchored.source}; model {point.source}",
            anchor_factor=anchored.factor,
            anchor_source=anchored.source,
        )
    found = anchored.exact
    assert found is not None
    isl, osl = workload.isl_tokens, workload.osl_tokens
    total = found.output_tokens_per_s_per_gpu * (isl + osl) / osl
    return evolve(
        point,
        feasible=True,
        reason="",
        provenance="measured",
        source=found.source,
        output_tokens_per_s_per_gpu=found.output_tokens_per_s_per_gpu,
        total_tokens_per_s_per_gpu=total,
        tokens_per_s_per_user=found.tokens_per_s_per_user or math.nan,
        ttft_ms=found.ttft_ms or math.nan,
        binding=point.binding if point.feasible else Binding.MEMORY_BANDWIDTH,
        anchor_factor=anchored.factor,
        anchor_source=anchored.source,
    )


def _system_for(catalogue: Catalogue, plan: OptionPlan) -> System | None:
    wanted = plan.option.system_id or plan.offer.system_id
    if wanted and wanted in catalogue.systems:
        return catalogue.systems[wanted]
    systems = catalogue.systems_for(plan.accelerator.id)
    powered = [s for s in systems if s.system_power_kw is not None]
    candidates = powered or systems
    return candidates[0] if candidates else None


def _watts_per_gpu(plan: OptionPlan, system: System | None) -> float | None:
    """All-in IT watts per GPU: the owner's figure, else the system's share, else 1.5 × TDP."""
    if plan.offer.owned and plan.offer.owned.it_watts_per_gpu:
        return plan.offer.owned.it_watts_per_gpu
    if system is not None and system.watts_per_gpu is not None:
        return float(system.watts_per_gpu)
    if plan.accelerator.tdp_w is not None:
        return plan.accelerator.tdp_w * economics.DEFAULT_WATTS_PER_TDP
    return None


def _warnings(plan: OptionPlan, watts: float | None) -> tuple[str, ...]:
    notes = []
    if watts is None:
        notes.append("power unknown for this hardware: energy metrics not available")
    if not plan.accelerator.supports(plan.serving.compute_precision):
        notes.append(
            f"{plan.accelerator.name or plan.accelerator.id} has no native "
            f"{plan.serving.compute_precision.value.upper()}: computed at a wider format"
        )
    return tuple(notes)


def unknown_result(option: ComparisonOption, reason: str) -> OptionResult:
    point = OperatingPoint(
        False, reason, "estimated", "", 0.0, 1, 1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, Binding.CAPACITY
    )
    empty = np.zeros(0)
    return OptionResult(
        option_id=option.id,
        label=option.display_name,
        accelerator_id=option.accelerator_id,
        offer_id=option.offer_id,
        point=point,
        cost=CostBreakdown(usd_per_gpu_hour=0.0),
        utilization=0.0,
        usd_per_mtok=float("inf"),
        usd_per_mtok_output=float("inf"),
        usd_per_mtok_total=float("inf"),
        watts_per_gpu_all_in=None,
        pue=DEFAULT_PUE,
        tokens_per_s_per_mw=None,
        kwh_per_mtok=None,
        pflops_per_usd_hour=0.0,
        fleet=None,
        frontier=Frontier(empty, empty, empty),
        accuracy_risk=1,
        lock_in=option.lock_in.score,
        lead_time_weeks=option.lead_time_weeks,
        warnings=(reason,),
    )

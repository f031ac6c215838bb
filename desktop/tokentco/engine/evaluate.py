"""Evaluate a whole project: one vectorised sweep for every option, then economics.

This is the single entry point the GUI, CLI, scorecard and report share, so a figure
means the same thing everywhere.
"""

from dataclasses import dataclass, replace

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
)
from tokentco.engine import economics
from tokentco.engine.calibration import DEFAULT_CALIBRATION, Calibration
from tokentco.engine.estimator import sweep
from tokentco.engine.features import accuracy_risk, waterfall_variants
from tokentco.engine.layouts import legal_layouts
from tokentco.engine.measured_match import best_measured
from tokentco.engine.operating import frontiers, operating_points
from tokentco.engine.results import (
    Binding,
    Comparison,
    CostBreakdown,
    Frontier,
    OperatingPoint,
    OptionResult,
    Sweep,
)
from tokentco.engine.terms import case_row, model_terms, stack_blocks

CONCURRENCY_LEVELS = 64
_SOURCE = f"estimated ({MODEL_VERSION})"
DEFAULT_PUE = 1.3
"""Facility overhead assumed for rented capacity when computing tokens per MW."""


@dataclass(frozen=True)
class _Plan:
    """One option resolved against the catalogue, with its variants' row ranges."""

    option: ComparisonOption
    accelerator: Accelerator
    offer: Offer
    serving: ServingOptions
    variants: list[tuple[str, slice]]


def evaluate(
    project: Project, catalogue: Catalogue, calibration: Calibration | None = None
) -> Comparison:
    """Results for every option of ``project`` (unknown ids give an infeasible result)."""
    cal = calibration or DEFAULT_CALIBRATION
    model, plans, grid = _sweep_plans(project, catalogue, cal, waterfall=True)
    known = [plan for plan in plans if not isinstance(plan, str)]
    if grid is not None:
        groups = [rows for plan in known for _, rows in plan.variants]
        points = iter(operating_points(grid, project.workload, groups, _SOURCE))
        curves = iter(frontiers(grid, [plan.variants[-1][1] for plan in known]))
        measured = _measured_index(catalogue, model.id)
    results = []
    for option, plan in zip(project.options, plans, strict=True):
        if isinstance(plan, str):
            results.append(_unknown(option, plan))
            continue
        own = [next(points) for _ in plan.variants]
        results.append(_assemble(project, catalogue, plan, own, next(curves), measured))
    return Comparison(model_id=model.id, options=tuple(results), calibration=cal)


def frontier_sweep(
    project: Project, catalogue: Catalogue, calibration: Calibration | None = None
) -> list[Frontier]:
    """Only the throughput-vs-interactivity curves (no waterfall variants, no economics):
    the cheap path for redrawing the frontier chart. Unknown options get an empty curve."""
    cal = calibration or DEFAULT_CALIBRATION
    _, plans, grid = _sweep_plans(project, catalogue, cal, waterfall=False)
    if grid is None:
        return [_EMPTY_FRONTIER for _ in plans]
    curves = iter(frontiers(grid, [p.variants[-1][1] for p in plans if not isinstance(p, str)]))
    return [_EMPTY_FRONTIER if isinstance(p, str) else next(curves) for p in plans]


def _sweep_plans(
    project: Project, catalogue: Catalogue, cal: Calibration, waterfall: bool
) -> tuple[ModelSpec, list["_Plan | str"], Sweep | None]:
    """Resolve every option (a reason string for unknown ids), then sweep all their cases
    in one call; the grid is None when no option could be resolved."""
    model = catalogue.models.get(project.model_id)
    if model is None:
        raise ValueError(f"unknown model {project.model_id!r}")
    blocks: list[tuple[dict[str, float], list[tuple[int, int, int, int]]]] = []
    plans: list[_Plan | str] = []
    start = 0
    for option in project.options:
        plan = _plan(project, catalogue, model, option, cal, blocks, start, waterfall)
        plans.append(plan)
        if not isinstance(plan, str):
            start = plan.variants[-1][1].stop
    if not blocks:
        return model, plans, None
    cases = stack_blocks(blocks)
    levels = np.geomspace(1.0, cases.max_concurrency, CONCURRENCY_LEVELS, axis=1)
    return model, plans, sweep(cases, model_terms(model), levels)


_EMPTY_FRONTIER = Frontier(np.zeros(0), np.zeros(0), np.zeros(0))


def _measured_index(catalogue: Catalogue, model_id: str) -> dict[str, list[MeasuredPoint]]:
    """This model's measurements by hardware id (looked up once per evaluation)."""
    index: dict[str, list[MeasuredPoint]] = {}
    for point in catalogue.measured.values():
        if point.model_id == model_id:
            index.setdefault(point.hardware_id, []).append(point)
    return index


def _plan(
    project: Project,
    catalogue: Catalogue,
    model: ModelSpec,
    option: ComparisonOption,
    cal: Calibration,
    blocks: list[tuple[dict[str, float], list[tuple[int, int, int, int]]]],
    start: int,
    waterfall: bool = True,
) -> "_Plan | str":
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
    return _Plan(option, accelerator, offer, serving, variants)


def _assemble(
    project: Project,
    catalogue: Catalogue,
    plan: _Plan,
    variant_points: list[OperatingPoint],
    curve: Frontier,
    measured: dict[str, list[MeasuredPoint]],
) -> OptionResult:
    """One option's result from its variants' operating points (the last is the real one)."""
    point = variant_points[-1]
    if plan.option.use_measured:
        point = _measured_or(point, measured.get(plan.accelerator.id, []), plan, project)
    system = _system_for(catalogue, plan)
    watts = _watts_per_gpu(plan, system)
    pue = plan.offer.owned.pue if plan.offer.owned else DEFAULT_PUE
    cost = economics.gpu_hour_cost(plan.offer, project.exchange_rates, watts or 0.0)
    util = plan.serving.utilization
    tps = point.output_tokens_per_s_per_gpu if point.feasible else 0.0
    steps = [
        (label, _variant_cost(project, vp, cost.usd_per_gpu_hour, util))
        for (label, _), vp in zip(plan.variants[:-1], variant_points[:-1], strict=True)
    ]
    steps.append((plan.variants[-1][0], _cost_at(project, tps, cost.usd_per_gpu_hour, util)))
    waterfall = tuple(steps)
    gpus_per_system = system.gpus_per_system if system else max(8, point.gpus_per_replica)
    return OptionResult(
        option_id=plan.option.id,
        label=plan.option.display_name,
        accelerator_id=plan.accelerator.id,
        offer_id=plan.offer.id,
        point=point,
        cost=cost,
        utilization=util,
        usd_per_mtok=_cost_at(project, tps, cost.usd_per_gpu_hour, util),
        usd_per_mtok_output=_per_mtok(cost.usd_per_gpu_hour, tps, util),
        usd_per_mtok_total=_per_mtok(
            cost.usd_per_gpu_hour, point.total_tokens_per_s_per_gpu if point.feasible else 0.0, util
        ),
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
        waterfall=waterfall,
        warnings=_warnings(plan, watts),
    )


def _per_mtok(usd_per_gpu_hour: float, tps: float, util: float) -> float:
    return economics.usd_per_mtok(usd_per_gpu_hour, tps, util) if tps > 0 else float("inf")


def _cost_at(project: Project, output_tps: float, usd_per_gpu_hour: float, util: float) -> float:
    counted = economics.counted_tokens_per_s(output_tps, project.workload)
    return _per_mtok(usd_per_gpu_hour, counted, util)


def _variant_cost(
    project: Project, point: OperatingPoint, usd_per_gpu_hour: float, util: float
) -> float:
    tps = point.output_tokens_per_s_per_gpu if point.feasible else 0.0
    return _cost_at(project, tps, usd_per_gpu_hour, util)


def _measured_or(
    point: OperatingPoint, candidates: list[MeasuredPoint], plan: _Plan, project: Project
) -> OperatingPoint:
    found = best_measured(
        candidates, plan.accelerator.id, project.model_id, plan.serving, project.workload
    )
    if found is None:
        return point
    isl, osl = project.workload.isl_tokens, project.workload.osl_tokens
    return replace(
        point,
        feasible=True,
        reason="",
        provenance="measured",
        source=found.source,
        output_tokens_per_s_per_gpu=found.output_tokens_per_s_per_gpu,
        total_tokens_per_s_per_gpu=found.output_tokens_per_s_per_gpu * (isl + osl) / osl,
        tokens_per_s_per_user=found.tokens_per_s_per_user or point.tokens_per_s_per_user,
        ttft_ms=found.ttft_ms or point.ttft_ms,
        binding=point.binding if point.feasible else Binding.MEMORY_BANDWIDTH,
    )


def _system_for(catalogue: Catalogue, plan: _Plan) -> System | None:
    wanted = plan.option.system_id or plan.offer.system_id
    if wanted and wanted in catalogue.systems:
        return catalogue.systems[wanted]
    systems = catalogue.systems_for(plan.accelerator.id)
    powered = [s for s in systems if s.system_power_kw is not None]
    candidates = powered or systems
    return candidates[0] if candidates else None


def _watts_per_gpu(plan: _Plan, system: System | None) -> float | None:
    """All-in IT watts per GPU: the owner's figure, else the system's share, else 1.5 × TDP."""
    if plan.offer.owned and plan.offer.owned.it_watts_per_gpu:
        return plan.offer.owned.it_watts_per_gpu
    if system is not None and system.watts_per_gpu is not None:
        return float(system.watts_per_gpu)
    if plan.accelerator.tdp_w is not None:
        return plan.accelerator.tdp_w * economics.DEFAULT_WATTS_PER_TDP
    return None


def _warnings(plan: _Plan, watts: float | None) -> tuple[str, ...]:
    notes = []
    if watts is None:
        notes.append("power unknown for this hardware: energy metrics not available")
    if not plan.accelerator.supports(plan.serving.compute_precision):
        notes.append(
            f"{plan.accelerator.name or plan.accelerator.id} has no native "
            f"{plan.serving.compute_precision.value.upper()}: computed at a wider format"
        )
    return tuple(notes)


def _unknown(option: ComparisonOption, reason: str) -> OptionResult:
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

"""Plan many published load points as arrays: each distinct configuration once.

``points.plan_points`` resolves every request on its own — its serving options, workload,
legal layouts, efficiency lookup and one dict per case — which is most of the time of
``tokentco estimate`` on a large file (≈ 14,000× the estimator step per row). Rows of one
file mostly share a configuration (hardware, model, precision, engine, GPUs, layout,
features) and differ in their lengths and load. So :func:`plan_points_grouped` resolves
the first request of each configuration with ``points``' own per-request code and lays
the others out as arrays: their cases repeat the representative's columns with their own
input and output lengths. The plan equals ``plan_points``'s field for field
(``tests/unit/test_point_groups.py``), so the estimates do too.
"""

from collections.abc import Hashable, Sequence
from dataclasses import fields

import numpy as np

from tokentco.domain import Catalogue, ModelSpec, Workload
from tokentco.engine.calibration import DEFAULT_CALIBRATION, Calibration
from tokentco.engine.efficiency import Efficiency
from tokentco.engine.points import (
    LoadTarget,
    PointPlan,
    PointRequest,
    _plan_request,
    is_mlperf,
    lengths_for,
    load_target,
)
from tokentco.engine.results import FloatArray
from tokentco.engine.terms import CaseTerms, ModelTerms, stack_cases, stack_models


def configuration(request: PointRequest) -> Hashable:
    """Everything ``_plan_request`` reads from a request except its lengths."""
    return (
        request.hardware_id,
        request.model_id,
        request.precision,
        request.engine,
        request.num_gpus,
        request.tp,
        request.ep,
        request.pp,
        request.disaggregated,
        request.spec_decoding,
        is_mlperf(request),
        request.problem,
        request.isl is None,
        request.osl is None,
    )


def plan_points_grouped(
    requests: Sequence[PointRequest],
    catalogue: Catalogue,
    calibration: Calibration | None = None,
    efficiency_override: Efficiency | None = None,
) -> PointPlan:
    """``points.plan_points(requests, …)``, resolving each configuration once."""
    cal = calibration or DEFAULT_CALIBRATION
    status: list[str] = []
    keys: list[tuple[str, str, str]] = []
    rows: list[dict[str, float]] = []  # the representatives' cases only
    models: list[ModelTerms] = []
    owner_of_row: list[int] = []
    terms: dict[str, ModelTerms] = {}
    planned: dict[Hashable, tuple[tuple[str, str, str], range]] = {}
    targets: dict[tuple[str, str], LoadTarget] = {}
    source_row: list[int] = []  # per case: the representative row it copies
    owner: list[int] = []
    isl: list[float] = []
    osl: list[float] = []
    case_targets: list[LoadTarget] = []
    for index, request in enumerate(requests):
        text = (request.scenario, request.latency_constraint)
        if text not in targets:
            targets[text] = load_target(*text)
        target = targets[text]
        config = configuration(request)
        workload = _workload(request, catalogue.models.get(request.model_id))
        if config in planned and workload is not None:
            key, span = planned[config]
            keys.append(key)
            status.append("")
            for row in span:
                source_row.append(row)
                owner.append(index)
                isl.append(float(workload.isl_tokens))
                osl.append(float(workload.osl_tokens))
                case_targets.append(target)
            continue
        first = len(rows)
        key, reason = _plan_request(
            index, request, catalogue, cal, efficiency_override, rows, models, owner_of_row, terms
        )
        keys.append(key)
        status.append(reason)
        span = range(first, len(rows))
        if not reason:
            planned[config] = (key, span)
        for row in span:
            source_row.append(row)
            owner.append(index)
            isl.append(rows[row]["isl"])
            osl.append(rows[row]["osl"])
            case_targets.append(target)
    if not rows:
        cases = CaseTerms(**{f.name: np.zeros(0) for f in fields(CaseTerms)})
        stacked = ModelTerms(**{f.name: np.zeros(0) for f in fields(ModelTerms)})
    else:
        pick = np.asarray(source_row, np.int64)
        base = stack_cases(rows)
        columns = {f.name: getattr(base, f.name)[pick] for f in fields(CaseTerms)}
        columns["isl"] = np.asarray(isl, np.float64)
        columns["osl"] = np.asarray(osl, np.float64)
        cases = CaseTerms(**columns)
        per_row = stack_models(models)
        stacked = ModelTerms(**{f.name: getattr(per_row, f.name)[pick] for f in fields(ModelTerms)})
    return PointPlan(
        requests=tuple(requests),
        status=tuple(s or "ok" for s in status),
        keys=tuple(keys),
        cases=cases,
        models=stacked,
        owner=np.asarray(owner, np.int64),
        max_ttft_ms=_column([t.max_ttft_ms or np.inf for t in case_targets]),
        min_tokens_per_s_per_user=_column(
            [t.min_tokens_per_s_per_user or 0.0 for t in case_targets]
        ),
        fixed_concurrency=_column([t.concurrency or 0.0 for t in case_targets]),
        read_off_curve=np.array([t.concurrency is not None for t in case_targets], dtype=bool),
    )


def _workload(request: PointRequest, model: ModelSpec | None) -> Workload | None:
    """The request's workload as ``_plan_request`` builds it (None when it cannot be)."""
    if model is None:
        return None
    isl, osl = lengths_for(request)
    if isl is None or osl is None:
        return None
    try:
        return Workload(isl_tokens=max(round(isl), 1), osl_tokens=max(int(osl), 1))
    except ValueError:
        return None


def _column(values: list[float]) -> FloatArray:
    return np.array(values, np.float64)

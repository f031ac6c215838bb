"""Estimate published measurement points (the calibration set's rows) in one sweep.

A *point request* is one row of a measured-throughput table (``measured_public.csv``
columns): hardware, model, precision, engine, GPUs, layout, lengths and the load the
publisher ran (maximum throughput, a latency constraint, or a fixed concurrency). The
measured values are never read. Every request becomes a few estimator cases (its legal
layouts) on a common concurrency grid; all cases of all requests, whatever their model,
go through a single :func:`tokentco.engine.estimator.sweep` call, and each request then
keeps its best point that honours its load semantics:

- MLPerf ``Offline`` / trtllm-bench max-throughput: highest output tokens/s/GPU, no latency
  limit, concurrency up to the engine's practical cap;
- MLPerf ``Server`` / ``Interactive``: the row's ``TTFT p99<=X ms; TPOT p99<=Y ms`` becomes
  max TTFT X and min tokens/s/user 1000/Y;
- "iso-interactivity N tok/s/user": min tokens/s/user N (the figure was read off a
  throughput-vs-interactivity curve at that x);
- "~N concurrent requests": exactly N sequences per replica; with an interactivity target
  as well, the layout that serves N users at that interactivity (or comes closest);
- InferenceX "~N concurrent requests (interpolated)" rows are read the same way (N per
  replica). Reading N as a ceiling for the whole deployment (best point at the row's
  interactivity with at most N in flight) was tried and fits worse out of sample (LOSO
  p90 ≈ 70 % vs ≈ 52 %): for the AMD and gpt-oss rows, N × tok/s/user ÷ tok/s/GPU gives
  the GPUs of one replica (≈ 8.5 and ≈ 4), so N is per replica there;
- a bare number ("64"), "64 users", "64 sequences" or "concurrency 64" in the
  ``concurrency_or_scenario`` column is the same fixed concurrency, not a description;
- any other text there (or none) is a description of the run: the row is estimated at
  maximum throughput within its ``latency_constraint``.
"""

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from tokentco.domain import (
    Accelerator,
    Catalogue,
    MeasuredPoint,
    ModelSpec,
    Precision,
    ServingOptions,
    SpeculativeDecoding,
    Workload,
)
from tokentco.domain.text import is_number
from tokentco.engine.calibration import DEFAULT_CALIBRATION, Calibration, engine_family
from tokentco.engine.efficiency import Efficiency
from tokentco.engine.estimator import P99_OVER_MEAN_TTFT, sweep
from tokentco.engine.layouts import legal_layouts
from tokentco.engine.results import Binding, BoolArray, FloatArray, IntArray
from tokentco.engine.terms import (
    CaseTerms,
    ModelTerms,
    case_row,
    model_terms,
    stack_cases,
    stack_models,
)

LEVELS = 48
"""Concurrency levels per case (geometric from 1 to the engine cap)."""
ENGINE_CONCURRENCY_CAP = 4096.0
"""Sequences per replica a max-throughput run can keep in flight (trtllm-bench queues every
request at once; the engine's batch and KV limits, modelled in the estimator, bind first)."""
MAX_REPLICA_GPUS_UNSTATED = 72
"""When a row does not state its GPU count, layouts up to one NVL72 rack are allowed."""

MLPERF_MEAN_ISL: dict[str, float] = {
    # MLPerf rows publish no input length (variable-length datasets); these are the mean
    # prompt lengths of the benchmark datasets, in tokens of each model's tokenizer.
    # llama2-70b: OpenOrca subset, 24,576 samples, ISL ≤ 1,024 (mlcommons/inference
    #   language/llama2-70b README); mean ≈ 294 (MLPerf task-force figure, approximate).
    "llama-2-70b": 294.0,
    # llama3.1-8b: CNN/DailyMail summarisation, 13,368 samples; articles average ≈ 780
    #   Llama-3 tokens (approximate, from the dataset's published article lengths).
    "llama-3.1-8b": 778.0,
    # mixtral-8x7b: 5k each of OpenOrca, GSM8K and MBXP (mlcommons/inference
    #   language/mixtral-8x7b); mean prompt ≈ 300 tokens assumed (OpenOrca-like).
    "mixtral-8x7b": 300.0,
    # llama3.1-405b: long-context mix (LongBench, RULER, GovReport…, 8,313 samples);
    #   mean input ≈ 9,400 tokens (MLCommons "LLM inference v5.0" task-force post).
    "llama-3.1-405b": 9400.0,
    # deepseek-r1: AIME/MATH500/GPQA/MMLU-Pro/LiveCodeBench mix, 4,388 samples; short
    #   prompts, mean ≈ 800 tokens (MLCommons "DeepSeek inference 5.1" post; approximate).
    "deepseek-r1": 800.0,
}
"""Approximate dataset means; only the prefill share of MLPerf rows depends on them."""


MLPERF_OSL_SPREAD = 2.0
"""1 + cv² of the output length in MLPerf datasets (natural, long-tailed output lengths,
taken as exponential-like, cv ≈ 1). Synthetic benchmarks (trtllm-bench, InferenceX) fix or
narrowly sample lengths (spread ≈ 1). Only decode's mean context depends on it."""


P99_OVER_MEAN_TPOT = 1.2
"""p99 / mean TPOT of the same runs (median of 60, spread 1.0–2.0): decode steps stretch
when prefill chunks or a fuller batch share them."""


class Status:
    OK = "ok"
    UNKNOWN_HARDWARE = "unknown hardware"
    UNKNOWN_MODEL = "unknown model"
    MISSING_LENGTHS = "missing lengths"
    DOES_NOT_FIT = "does not fit"
    BAD_VALUE = "bad value"
    TARGET_MISSED = "latency target not reachable"


_LAYOUT_NUMBERS = ("num_gpus", "tp", "ep", "pp")
"""The shared numeric cells, in the order a row's problems name them (before its lengths')."""


def read_number(key: str, raw: str) -> tuple[float | None, str]:
    """A numeric cell of a calibration-format row: (value, problem)."""
    text = raw.strip()
    if not text:
        return None, ""
    try:
        value = float(text)
    except ValueError:
        return None, f"{key} {text!r} is not a number"
    if not math.isfinite(value) or value <= 0:
        return None, f"{key} {text!r} must be positive"
    return value, ""


SHARED_CELLS = (
    "hardware", "model", "precision", "engine", "num_gpus", "tp", "ep", "pp", "disaggregated",
    "spec_decoding", "concurrency_or_scenario", "latency_constraint", "source",
)  # fmt: skip
"""The columns of a table that runs of rows share (all :meth:`PointRequest.from_row`
reads but the id and the lengths)."""
SHARED_FIELDS = (
    "hardware_id", "model_id", "precision", "engine", "num_gpus", "tp", "ep", "pp",
    "disaggregated", "spec_decoding", "scenario", "latency_constraint", "source",
)  # fmt: skip


def read_shared_cells(cells: Mapping[str, str | None]) -> dict[str, Any]:
    """How :meth:`PointRequest.from_row` reads the ``SHARED_CELLS`` of a row: its fields,
    the problems of its numbers (``before`` the lengths' in the row's problem text) and
    of its scenario (``after`` them), and its problem text when its lengths have none."""

    def text(name: str) -> str:
        return (cells[name] or "").strip()

    numbers = {name: read_number(name, cells[name] or "") for name in _LAYOUT_NUMBERS}
    before = [problem for _, problem in numbers.values() if problem]
    scenario = text("concurrency_or_scenario")
    after = scenario_problem(scenario)
    whole = {name: None if v is None else round(v) for name, (v, _) in numbers.items()}
    return {
        "hardware_id": text("hardware"),
        "model_id": text("model"),
        "precision": text("precision"),
        "engine": text("engine"),
        **whole,
        "disaggregated": text("disaggregated").lower().startswith("yes"),
        "spec_decoding": text("spec_decoding").lower() not in ("", "no", "none"),
        "scenario": scenario,
        "latency_constraint": text("latency_constraint"),
        "source": text("source"),
        "before": before,
        "after": after,
        "problem": "; ".join(filter(None, [*before, after])),
    }


@dataclass(frozen=True)
class PointRequest:
    """One published load point to estimate (measured values deliberately absent)."""

    id: str
    hardware_id: str
    model_id: str
    precision: str = ""
    engine: str = ""
    num_gpus: int | None = None
    tp: int | None = None
    ep: int | None = None
    pp: int | None = None
    isl: float | None = None
    osl: float | None = None
    scenario: str = ""
    latency_constraint: str = ""
    disaggregated: bool = False
    spec_decoding: bool = False
    source: str = ""
    problem: str = ""
    """A value that could not be read (the point gets status 'bad value: …')."""

    @classmethod
    def from_row(cls, row: Mapping[str, str | None]) -> "PointRequest":
        """A calibration-format CSV row (extra columns ignored; bad numbers → ``problem``)."""
        shared = read_shared_cells({name: row.get(name) for name in SHARED_CELLS})
        isl, isl_problem = read_number("isl", row.get("isl") or "")
        osl, osl_problem = read_number("osl", row.get("osl") or "")
        return cls(
            id=(row.get("id") or "").strip(),
            **{name: shared[name] for name in SHARED_FIELDS},
            isl=isl,
            osl=osl,
            # the layout numbers' problems, then the lengths', then the scenario's
            problem="; ".join(
                filter(None, [*shared["before"], isl_problem, osl_problem, shared["after"]])
            ),
        )

    @classmethod
    def from_measured(cls, point: MeasuredPoint) -> "PointRequest":
        source = point.source.split(": ", 1)[0]
        return cls(
            id=point.id,
            hardware_id=point.hardware_id,
            model_id=point.model_id,
            precision=point.precision.value if point.precision else "",
            engine=point.engine,
            num_gpus=point.num_gpus,
            tp=point.tp,
            ep=point.ep,
            pp=point.pp,
            isl=float(point.isl_tokens) if point.isl_tokens else None,
            osl=float(point.osl_tokens) if point.osl_tokens else None,
            scenario=point.scenario,
            latency_constraint=point.latency_constraint,
            disaggregated=point.disaggregated,
            spec_decoding=point.spec_decoding,
            source=source,
        )


@dataclass(frozen=True)
class LoadTarget:
    """What the publisher's load means for the estimate."""

    max_ttft_ms: float | None = None
    min_tokens_per_s_per_user: float | None = None
    concurrency: float | None = None  # sequences per replica, when the row fixes it
    queue_ttft_s: float = 0.0
    """A p99 TTFT limit (seconds) marks a server-style run: Poisson arrivals queue for the
    batch's slots (``estimator._open_loop``), so the mean batch sits below the cap."""


_TTFT = re.compile(r"TTFT[^<;]*<=\s*([\d.]+)\s*ms", re.IGNORECASE)
_TPOT = re.compile(r"TPOT[^<;]*<=\s*([\d.]+)\s*ms", re.IGNORECASE)
_USER = re.compile(r"([\d.]+)\s*tok(?:ens)?/s/user", re.IGNORECASE)
_CONC = re.compile(
    r"~?\s*(\d+)\s+(?:concurrent|users\b|sequences\b)"  # "~64 concurrent requests", "64 users"
    r"|^\s*~?\s*(\d+)\s*$"  # a bare number: the column's "concurrency" reading
    r"|concurrency\s*[=:]?\s*(\d+)",  # "concurrency 64", "concurrency=64"
    re.IGNORECASE,
)


def scenario_problem(scenario: str) -> str:
    """Why a ``concurrency_or_scenario`` text cannot be used ("" when it can): a fixed
    concurrency below one sequence (e.g. "0") would otherwise be read as no concurrency."""
    conc = _CONC.search(scenario)
    if conc and float(next(g for g in conc.groups() if g)) < 1:
        return f"concurrency_or_scenario {scenario!r}: a concurrency must be at least 1"
    if not conc and is_number(scenario.strip().lstrip("~")):  # "-3", "2.5", "1e3"
        return f"concurrency_or_scenario {scenario!r}: a concurrency is a whole number, at least 1"
    return ""


def load_target(scenario: str, constraint: str) -> LoadTarget:
    """Parse a row's scenario and latency-constraint text (see module docstring)."""
    ttft = _TTFT.search(constraint)
    tpot = _TPOT.search(constraint)
    user = _USER.search(constraint)
    # The estimator's TTFT and TPOT are means; a p99 limit bounds the tail, so the mean at
    # the operating point sits below it by the run's tail ratio.
    ttft_tail = P99_OVER_MEAN_TTFT if ttft and "p99" in ttft.group(0).lower() else 1.0
    tpot_tail = P99_OVER_MEAN_TPOT if tpot and "p99" in tpot.group(0).lower() else 1.0
    max_tpot = float(tpot.group(1)) / tpot_tail if tpot else 0.0
    min_user = 1000.0 / max_tpot if max_tpot > 0 else None
    if user and float(user.group(1)) > 0:
        min_user = float(user.group(1))
    conc = _CONC.search(scenario)
    concurrency = float(next(g for g in conc.groups() if g)) if conc else None
    return LoadTarget(
        max_ttft_ms=float(ttft.group(1)) / ttft_tail if ttft else None,
        min_tokens_per_s_per_user=min_user,
        concurrency=concurrency,
        queue_ttft_s=float(ttft.group(1)) / 1000.0 if ttft and ttft_tail > 1.0 else 0.0,
    )


@dataclass(frozen=True)
class PointEstimates:
    """One entry per request, in request order (NaN where the status is not 'ok')."""

    ids: tuple[str, ...]
    output_tokens_per_s_per_gpu: FloatArray
    tokens_per_s_per_user: FloatArray
    ttft_ms: FloatArray
    concurrency: FloatArray
    gpus_per_replica: FloatArray
    binding: tuple[str, ...]
    status: tuple[str, ...]

    @property
    def ok(self) -> np.ndarray:
        return np.array([s == Status.OK for s in self.status], dtype=bool)


def compute_precision(text: str, accelerator: Accelerator) -> Precision:
    """The row's precision, or FP8 where the hardware has it (MLPerf rows that omit it)."""
    if text:
        return Precision.parse(text)
    return Precision.FP8 if accelerator.fp8_dense_tflops else Precision.FP16


def serving_for(request: PointRequest, precision: Precision) -> ServingOptions:
    """Serving options implied by a row: precision, pinned layout, features."""
    kv = Precision.FP16 if precision is Precision.FP16 else Precision.FP8
    spec = SpeculativeDecoding(enabled=request.spec_decoding)
    return ServingOptions(
        weight_precision=precision,
        compute_precision=precision,
        kv_precision=kv,
        tp=request.tp,
        ep=request.ep,
        pp=request.pp or 1,
        max_concurrency=int(ENGINE_CONCURRENCY_CAP),
        speculative=spec,
        disaggregated=request.disaggregated,
        engine_family=request.engine,
    )


BEST_OF_MARKERS = ("best-of", "best of")
"""Engine text of rows whose publisher reports the best configuration found across
frameworks and serving modes (InferenceX dashboard: "best-of (SGLang/vLLM/TRT-LLM/Dynamo)",
its Pareto frontier over TP/EP/disaggregation)."""


def searches_serving_modes(request: PointRequest) -> bool:
    """Whether a row's estimate searches aggregated and disaggregated serving (as it
    searches layouts): the row reports the best of several serving modes and does not say
    which one won. A row that states disaggregation keeps it."""
    engine = request.engine.lower()
    return not request.disaggregated and any(m in engine for m in BEST_OF_MARKERS)


def is_mlperf(request: PointRequest) -> bool:
    return "mlperf" in (request.source + " " + request.scenario).lower()


def lengths_for(request: PointRequest) -> tuple[float | None, float | None]:
    """ISL/OSL, with the MLPerf dataset mean ISL where the row has none."""
    isl = request.isl
    if isl is None and is_mlperf(request):
        isl = MLPERF_MEAN_ISL.get(request.model_id)
    return isl, request.osl


@dataclass(frozen=True)
class PointPlan:
    """Requests resolved to estimator cases (one per legal layout); reusable across fits."""

    requests: tuple[PointRequest, ...]
    status: tuple[str, ...]  # 'ok' or why a request has no cases
    keys: tuple[tuple[str, str, str], ...]  # calibration key (hardware, precision, family)
    cases: CaseTerms
    models: ModelTerms
    owner: IntArray  # request index of each case
    max_ttft_ms: FloatArray  # per case
    min_tokens_per_s_per_user: FloatArray  # per case
    fixed_concurrency: FloatArray  # per case, 0 = sweep
    read_off_curve: BoolArray  # per case: a target no point meets keeps the closest point

    @property
    def size(self) -> int:
        return len(self.requests)

    def subset(self, keep: BoolArray) -> "PointPlan":
        """The plan restricted to the requests where ``keep`` is true (indices renumbered)."""
        keep = np.asarray(keep, dtype=bool)
        new_index = np.cumsum(keep) - 1
        case_mask = keep[self.owner]

        def cut(obj: Any) -> Any:
            return type(obj)(**{f.name: getattr(obj, f.name)[case_mask] for f in fields(obj)})

        chosen = np.flatnonzero(keep)
        return PointPlan(
            requests=tuple(self.requests[i] for i in chosen),
            status=tuple(self.status[i] for i in chosen),
            keys=tuple(self.keys[i] for i in chosen),
            cases=cut(self.cases),
            models=cut(self.models),
            owner=new_index[self.owner[case_mask]],
            max_ttft_ms=self.max_ttft_ms[case_mask],
            min_tokens_per_s_per_user=self.min_tokens_per_s_per_user[case_mask],
            fixed_concurrency=self.fixed_concurrency[case_mask],
            read_off_curve=self.read_off_curve[case_mask],
        )

    def with_efficiency(self, per_request: Mapping[str, FloatArray]) -> "PointPlan":
        """The plan with efficiency columns replaced by per-request values."""
        columns = {name: np.asarray(v, np.float64)[self.owner] for name, v in per_request.items()}
        return replace(self, cases=replace(self.cases, **columns))


def plan_points(
    requests: Sequence[PointRequest],
    catalogue: Catalogue,
    calibration: Calibration | None = None,
    efficiency_override: Efficiency | None = None,
) -> PointPlan:
    """Resolve every request against the catalogue and the calibration table."""
    cal = calibration or DEFAULT_CALIBRATION
    status = [Status.OK] * len(requests)
    keys: list[tuple[str, str, str]] = []
    rows: list[dict[str, float]] = []
    models: list[ModelTerms] = []
    owner: list[int] = []
    per_case_targets: list[LoadTarget] = []
    terms: dict[str, ModelTerms] = {}
    for index, request in enumerate(requests):
        target = load_target(request.scenario, request.latency_constraint)
        key, reason = _plan_request(
            index, request, catalogue, cal, efficiency_override, rows, models, owner, terms
        )
        keys.append(key)
        per_case_targets.extend([target] * (len(rows) - len(per_case_targets)))
        if reason:
            status[index] = reason
    empty_models = not models
    if empty_models:
        cases = CaseTerms(**{f.name: np.zeros(0) for f in fields(CaseTerms)})
        stacked = ModelTerms(**{f.name: np.zeros(0) for f in fields(ModelTerms)})
    else:
        cases = stack_cases(rows)
        queue = np.array([t.queue_ttft_s for t in per_case_targets], np.float64)
        cases = replace(cases, queue_ttft_s=queue)
        stacked = stack_models(models)
    return PointPlan(
        requests=tuple(requests),
        status=tuple(status),
        keys=tuple(keys),
        cases=cases,
        models=stacked,
        owner=np.asarray(owner, np.int64),
        max_ttft_ms=np.array([t.max_ttft_ms or np.inf for t in per_case_targets]),
        min_tokens_per_s_per_user=np.array(
            [t.min_tokens_per_s_per_user or 0.0 for t in per_case_targets]
        ),
        fixed_concurrency=np.array([t.concurrency or 0.0 for t in per_case_targets]),
        read_off_curve=np.array(
            [t.concurrency is not None for t in per_case_targets],
            dtype=bool,
        ),
    )


def solve_points(plan: PointPlan) -> PointEstimates:
    """One sweep over all the plan's cases; each request keeps its best qualifying point."""
    n = plan.size
    status = list(plan.status)
    out = np.full(n, np.nan)
    user = np.full(n, np.nan)
    ttft = np.full(n, np.nan)
    conc = np.full(n, np.nan)
    gpus = np.full(n, np.nan)
    binding = [""] * n
    if plan.owner.size:
        cases, owners = plan.cases, plan.owner
        fixed = plan.fixed_concurrency[:, None]
        grid = np.geomspace(
            np.ones_like(cases.max_concurrency), cases.max_concurrency, LEVELS, axis=1
        )
        grid = np.where(fixed > 0, np.minimum(fixed, cases.max_concurrency[:, None]), grid)
        result = sweep(cases, plan.models, grid)
        ok = result.feasible
        meets = (
            ok
            & (result.ttft_ms <= plan.max_ttft_ms[:, None])
            & (result.tokens_per_s_per_user >= plan.min_tokens_per_s_per_user[:, None])
        )
        # A row read off a measured curve (fixed or interpolated concurrency) that no layout
        # serves at its interactivity keeps the point closest to it: the publisher measured
        # that point, so the estimate is the model's nearest one, not "unreachable".
        curve = plan.read_off_curve
        score = np.where(meets, result.output_tokens_per_s_per_gpu, -1.0)
        fallback = np.where(ok & curve[:, None], -2.0 + 1e-6 * result.tokens_per_s_per_user, -3.0)
        score = np.where(meets, score, fallback)
        best_level = np.argmax(score, axis=1)
        rows = np.arange(score.shape[0])
        best = score[rows, best_level]
        order = np.lexsort((-best, owners))
        first = np.ones(order.size, dtype=bool)
        first[1:] = owners[order][1:] != owners[order][:-1]
        chosen = order[first]
        idx = owners[chosen]
        lev = best_level[chosen]
        good = best[chosen] > -2.5
        out[idx[good]] = result.output_tokens_per_s_per_gpu[chosen[good], lev[good]]
        user[idx[good]] = result.tokens_per_s_per_user[chosen[good], lev[good]]
        ttft[idx[good]] = result.ttft_ms[chosen[good], lev[good]]
        conc[idx[good]] = result.concurrency[chosen[good], lev[good]]
        gpus[idx[good]] = cases.gpus[chosen[good]]
        codes = result.binding[chosen, lev]
        any_ok = np.zeros(n, dtype=bool)
        np.logical_or.at(any_ok, owners, ok.any(axis=1))
        for case_index, request_index, is_good, code in zip(chosen, idx, good, codes, strict=True):
            del case_index
            if is_good:
                binding[request_index] = Binding(int(code)).label
            else:
                status[request_index] = (
                    Status.TARGET_MISSED if any_ok[request_index] else Status.DOES_NOT_FIT
                )
    return PointEstimates(
        ids=tuple(r.id for r in plan.requests),
        output_tokens_per_s_per_gpu=out,
        tokens_per_s_per_user=user,
        ttft_ms=ttft,
        concurrency=conc,
        gpus_per_replica=gpus,
        binding=tuple(binding),
        status=tuple(status),
    )


def estimate_points(
    requests: Sequence[PointRequest],
    catalogue: Catalogue,
    calibration: Calibration | None = None,
    efficiency_override: Efficiency | None = None,
) -> PointEstimates:
    """Estimate every request at once (one sweep over all their cases)."""
    return solve_points(plan_points(requests, catalogue, calibration, efficiency_override))


def _plan_request(
    index: int,
    request: PointRequest,
    catalogue: Catalogue,
    cal: Calibration,
    override: Efficiency | None,
    rows: list[dict[str, float]],
    models: list[ModelTerms],
    owner: list[int],
    terms: dict[str, ModelTerms],
) -> tuple[tuple[str, str, str], str]:
    """Append the request's cases; return its calibration key and a status reason when it
    cannot be estimated."""
    family = engine_family(request.engine)
    key = (request.hardware_id, request.precision.lower(), family)
    if request.problem:
        return key, f"{Status.BAD_VALUE}: {_capped(request.problem)}"
    accelerator = catalogue.accelerators.get(request.hardware_id)
    if accelerator is None:
        return key, Status.UNKNOWN_HARDWARE
    model: ModelSpec | None = catalogue.models.get(request.model_id)
    if model is None:
        return key, Status.UNKNOWN_MODEL
    isl, osl = lengths_for(request)
    if isl is None or osl is None:
        return key, Status.MISSING_LENGTHS
    try:
        precision = compute_precision(request.precision, accelerator)
        serving = serving_for(request, precision)
        workload = Workload(isl_tokens=max(round(isl), 1), osl_tokens=max(int(osl), 1))
    except ValueError as exc:
        return key, f"{Status.BAD_VALUE}: {_capped(_first_error(exc))}"
    key = (accelerator.id, precision.value, family)
    eff = override or cal.lookup(accelerator.id, precision, request.engine)
    limit = request.num_gpus or min(MAX_REPLICA_GPUS_UNSTATED, accelerator.scaleup_domain_gpus)
    layouts = [lay for lay in legal_layouts(model, accelerator, serving) if lay[0] <= max(limit, 1)]
    if model.moe and request.tp and request.ep is None and layouts:
        # An MoE row that states only TP (TensorRT-LLM's table) fixes the GPUs of the
        # instance, not how attention is split: engines run MoE attention tensor-parallel
        # or data-parallel (attention DP) over the same GPUs, with experts spread over all
        # of them. Both are searched, as for rows that state no layout.
        gpus, tp, ep, pp = layouts[0]
        layouts = sorted({(gpus, tp, ep, pp), (gpus, 1, ep, pp)})
    if not layouts:
        return key, Status.DOES_NOT_FIT
    if model.id not in terms:
        terms[model.id] = model_terms(model)
    base = case_row(accelerator, serving, workload, layouts[0], eff)
    if is_mlperf(request):
        base["osl_spread"] = MLPERF_OSL_SPREAD
    modes = (0.0, 1.0) if searches_serving_modes(request) else (base["disaggregated"],)
    for mode in modes:
        for gpus, tp, ep, pp in layouts:
            rows.append({**base, "gpus": gpus, "tp": tp, "ep": ep, "pp": pp, "disaggregated": mode})
            models.append(terms[model.id])
            owner.append(index)
    return key, ""


_COLUMN_OF = {"isl_tokens": "isl", "osl_tokens": "osl"}
MAX_REASON_CHARS = 200
"""A status reason quotes the bad value, not the whole cell (a 32,000-digit length)."""


def _first_error(exc: ValueError) -> str:
    """A validation error as "column: what was expected" (pydantic's first error), else the
    error's first line: the status names the CSV column, not an internal model."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        return f"{_COLUMN_OF.get(field, field)}: {first['msg']}"
    return str(exc).splitlines()[0]


def _capped(text: str) -> str:
    """One line of at most :data:`MAX_REASON_CHARS` characters."""
    flat = " ".join(text.split())
    if len(flat) <= MAX_REASON_CHARS:
        return flat
    return flat[: MAX_REASON_CHARS - 1] + "…"

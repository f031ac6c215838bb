"""Fit efficiency factors to published measurements, and report the fit honestly.

Method (numpy only): robust least squares on log(estimate / measured) output tokens/s/GPU,
solved by Levenberg–Marquardt on log-parameters with box bounds and finite-difference
Jacobians (every residual evaluation is one vectorised sweep over all the group's rows).

Hierarchy, most general first, each level regularised toward its parent so a group with
few points moves only as far as its data insists:

1. global — every factor (η_mem, η_flops, η_prefill, step and per-sequence overhead, comm
   latency, η_attn, η_moe, η_comm, batch cap per rank) on all rows, regularised toward the
   engine defaults (``GLOBAL_PRIOR_SIGMA``: overheads, latency and batch cap; the
   efficiencies only loosely, ``GLOBAL_FREE_SIGMA``);
2. vendor/generation ('nvidia:fp4', 'amd:fp8', …) and hardware — the per-chip factors
   (η_mem, η_flops, η_prefill, step overhead) toward the global fit;
3. hardware × precision, then hardware × precision × engine family — the same factors
   toward the level above, only where the group has at least ``MIN_POINTS`` rows.

No constant is tuned to an individual row: every factor is shared by a whole group.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from tokentco.domain import Accelerator, Catalogue
from tokentco.engine.calibration import Calibration
from tokentco.engine.efficiency import DEFAULT_EFFICIENCY, Efficiency
from tokentco.engine.points import PointEstimates, PointPlan, solve_points
from tokentco.engine.results import BoolArray, FloatArray

GLOBAL_PARAMS = (
    "eta_mem",
    "eta_flops",
    "eta_prefill",
    "step_overhead_s",
    "seq_overhead_s",
    "comm_latency_s",
    "eta_attn",
    "eta_moe",
    "eta_comm",
    "max_batch_per_rank",
)
LOCAL_PARAMS = ("eta_mem", "eta_flops", "eta_prefill", "step_overhead_s")
"""Factors a vendor/generation or hardware group refits. η_moe is global only: the
routed-expert kernels are the same software on every chip, and a per-chip η_moe mostly
absorbed one source's MoE rows (leave-one-source-out 18.8/41.6 % with it, 18.2/41.9 %
without; MoE p90 52.5 → 52.3 %: one free factor per group fewer for the same accuracy)."""
BOUNDS: dict[str, tuple[float, float]] = {
    "eta_mem": (0.15, 1.0),
    "eta_flops": (0.05, 1.0),
    "eta_prefill": (0.05, 1.0),
    "step_overhead_s": (2e-4, 0.05),
    "seq_overhead_s": (1e-7, 2e-4),
    "comm_latency_s": (1e-6, 3e-4),
    "eta_attn": (0.02, 1.0),
    "eta_moe": (0.05, 1.0),
    "eta_comm": (0.05, 1.0),
    "max_batch_per_rank": (64.0, 8192.0),
}
MIN_POINTS = 4
"""Smallest group that gets its own factors (fewer rows fall back to the parent)."""
PRIOR_SIGMA = 0.35
"""Prior spread of a child's factor around its parent's, in log units (≈ ×1.4)."""
GLOBAL_PRIOR_SIGMA: dict[str, float] = {
    "step_overhead_s": 0.7,
    "seq_overhead_s": 0.7,
    "comm_latency_s": 0.7,
    "max_batch_per_rank": 0.7,
}
"""Prior spread (log units) of the global factors around the engine's generic defaults.
The overheads, collective latency and batch cap get a prior: they are known to within a
factor of ~2 from engine internals, and rows that constrain them (low-latency points) are
few, so a leave-one-source-out fold without such rows would otherwise push them to a
bound. The efficiencies are left to the data."""
GLOBAL_FREE_SIGMA = 3.0
"""Prior spread of the other global factors: a tie-breaker only (a factor of 20)."""
HUBER_DELTA = 0.4
"""Log residuals beyond this count linearly (robust to the odd mislabelled row)."""
MISSING_PENALTY = 1.5
"""Log residual charged when a parameter set makes a measured point infeasible."""
ROOFLINE = Efficiency(
    eta_mem=1.0,
    eta_flops=1.0,
    eta_prefill=1.0,
    step_overhead_s=0.0,
    seq_overhead_s=0.0,
    comm_latency_s=0.0,
    eta_attn=1.0,
    eta_moe=1.0,
    eta_comm=1.0,
    max_batch_per_rank=1e9,
)
"""Pure roofline: peak bandwidth and FLOPS, no overheads (peer tools' baseline)."""


def hardware_group(accelerator: Accelerator) -> str:
    """Vendor and generation as 'vendor:widest-native-narrow-format' (e.g. 'nvidia:fp4')."""
    fmt = (
        "fp4" if accelerator.fp4_dense_tflops else "fp8" if accelerator.fp8_dense_tflops else "fp16"
    )
    return f"{(accelerator.vendor or 'other').lower()}:{fmt}"


def efficiency_columns(efficiencies: Sequence[Efficiency]) -> dict[str, FloatArray]:
    """Per-request efficiency values as columns (the plan broadcasts them to cases)."""
    names = Efficiency.names()
    return {n: np.array([getattr(e, n) for e in efficiencies], np.float64) for n in names}


def predict(plan: PointPlan, calibration: Calibration) -> PointEstimates:
    """Estimates for every request with its calibrated factors (table lookup per row)."""
    effs = [_lookup(calibration, key) for key in plan.keys]
    return solve_points(plan.with_efficiency(efficiency_columns(effs)))


def predict_with(plan: PointPlan, efficiency: Efficiency) -> PointEstimates:
    """Estimates with one efficiency for every request (roofline, defaults, a group fit)."""
    return solve_points(plan.with_efficiency(efficiency_columns([efficiency] * plan.size)))


def _lookup(calibration: Calibration, key: tuple[str, str, str]) -> Efficiency:
    from tokentco.domain import Precision

    hardware, precision, family = key
    try:
        parsed = Precision.parse(precision) if precision else Precision.FP8
    except ValueError:
        parsed = Precision.FP8
    return calibration.lookup(hardware, parsed, family)


@dataclass(frozen=True)
class FitData:
    """The rows a fit may use: a plan, the measured values and each row's grouping."""

    plan: PointPlan
    measured: FloatArray
    source: tuple[str, ...]
    groups: tuple[str, ...]  # vendor/generation of each row's hardware ('' if unknown)

    @property
    def usable(self) -> BoolArray:
        ok = np.array([s == "ok" for s in self.plan.status], dtype=bool)
        return ok & np.isfinite(self.measured) & (self.measured > 0)

    def subset(self, keep: BoolArray) -> "FitData":
        chosen = np.flatnonzero(keep)
        return FitData(
            plan=self.plan.subset(keep),
            measured=self.measured[keep],
            source=tuple(self.source[i] for i in chosen),
            groups=tuple(self.groups[i] for i in chosen),
        )


def fit_data(plan: PointPlan, measured: Iterable[float], catalogue: Catalogue) -> FitData:
    groups = tuple(
        hardware_group(catalogue.accelerators[k[0]]) if k[0] in catalogue.accelerators else ""
        for k in plan.keys
    )
    return FitData(
        plan=plan,
        measured=np.asarray(list(measured), np.float64),
        source=tuple(r.source for r in plan.requests),
        groups=groups,
    )


def _log_residuals(estimates: FloatArray, measured: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.log(estimates / measured)
    return np.where(np.isfinite(r), r, MISSING_PENALTY)


def fit_group(
    data: FitData,
    names: Sequence[str],
    start: Efficiency,
    prior: Efficiency | None = None,
    iterations: int = 12,
    sigma: float | Sequence[float] = PRIOR_SIGMA,
    delta: float = HUBER_DELTA,
) -> Efficiency:
    """Levenberg–Marquardt on log-parameters (bounded) for one group of rows; log
    residuals beyond ``delta`` count linearly (Huber)."""
    plan, measured = data.plan, data.measured
    lo = np.log([BOUNDS[n][0] for n in names])
    hi = np.log([BOUNDS[n][1] for n in names])
    x = np.clip(np.log([max(getattr(start, n), 1e-12) for n in names]), lo, hi)
    xp = None if prior is None else np.clip(np.log([getattr(prior, n) for n in names]), lo, hi)
    base = efficiency_columns([start] * plan.size)
    spread = np.broadcast_to(np.asarray(sigma, np.float64), (len(names),))

    def efficiency_at(v: FloatArray) -> Efficiency:
        return start.with_values(**{n: float(np.exp(val)) for n, val in zip(names, v, strict=True)})

    def residuals(v: FloatArray) -> FloatArray:
        columns = dict(base)
        for n, val in zip(names, v, strict=True):
            columns[n] = np.full(plan.size, float(np.exp(val)))
        est = solve_points(plan.with_efficiency(columns)).output_tokens_per_s_per_gpu
        r = _log_residuals(est, measured)
        if xp is not None:
            r = np.concatenate([r, (v - xp) / spread])
        return r

    def robust(r: FloatArray) -> FloatArray:
        weights = np.where(np.abs(r) <= delta, 1.0, delta / np.maximum(np.abs(r), 1e-12))
        return np.asarray(r * np.sqrt(weights))

    damping = 1e-2
    r = residuals(x)
    cost = float(np.sum(robust(r) ** 2))
    step = 0.03
    for _ in range(iterations):
        jac = np.empty((r.size, x.size))
        for j in range(x.size):
            probe = x.copy()
            probe[j] = probe[j] + step if probe[j] + step <= hi[j] else probe[j] - step
            jac[:, j] = (residuals(probe) - r) / (probe[j] - x[j])
        weights = np.where(np.abs(r) <= delta, 1.0, delta / np.maximum(np.abs(r), 1e-12))
        jw = jac * weights[:, None]
        gradient = jw.T @ r
        normal = jac.T @ jw
        improved = False
        for _ in range(6):
            move = -np.linalg.solve(normal + damping * np.diag(np.diag(normal) + 1e-9), gradient)
            trial = np.clip(x + move, lo, hi)
            r_trial = residuals(trial)
            trial_cost = float(np.sum(robust(r_trial) ** 2))
            if trial_cost < cost:
                x, r, cost = trial, r_trial, trial_cost
                damping = max(damping / 3.0, 1e-6)
                improved = True
                break
            damping *= 4.0
        if not improved or float(np.max(np.abs(move))) < 1e-3:
            break
    return efficiency_at(x)


@dataclass(frozen=True)
class FitSettings:
    """The fit's hyper-parameters: the prior centre of the global factors (``start``), the
    spread of each child group around its parent, the Huber threshold and the smallest
    group with its own factors. ``nested_selection`` compares candidate settings on
    held-out sources; the module constants are the shipped choice."""

    start: Efficiency = DEFAULT_EFFICIENCY
    prior_sigma: float = PRIOR_SIGMA
    huber_delta: float = HUBER_DELTA
    min_points: int = MIN_POINTS


@dataclass
class FitResult:
    """The fitted table plus the groups it was fitted on (for the report)."""

    calibration: Calibration
    group_sizes: dict[tuple[str, str, str], int] = field(default_factory=dict)


def fit_calibration(
    data: FitData,
    catalogue: Catalogue,
    start: Efficiency | None = None,
    progress: Callable[[str], None] | None = None,
    settings: FitSettings | None = None,
) -> FitResult:
    """Hierarchical fit (see module docstring) over the usable rows of ``data``, with the
    module's hyper-parameters unless ``settings`` says otherwise (``start``, when given,
    replaces the settings' prior centre)."""
    chosen = settings or FitSettings()
    if start is None:
        start = chosen.start
    use = data.usable
    work = data.subset(use)
    say = progress or (lambda _text: None)
    say(f"global fit on {work.measured.size} rows")
    glob = fit_group(
        work,
        GLOBAL_PARAMS,
        start,
        prior=start,
        iterations=15,
        sigma=[GLOBAL_PRIOR_SIGMA.get(n, GLOBAL_FREE_SIGMA) for n in GLOBAL_PARAMS],
        delta=chosen.huber_delta,
    )
    table: dict[tuple[str, str, str], Efficiency] = {}
    sizes: dict[tuple[str, str, str], int] = {("", "", ""): int(work.measured.size)}
    hardware = np.array([k[0] for k in work.plan.keys], dtype=object)
    precision = np.array([k[1] for k in work.plan.keys], dtype=object)
    family = np.array([k[2] for k in work.plan.keys], dtype=object)
    group = np.array(work.groups, dtype=object)

    def local(mask: BoolArray, parent: Efficiency, key: tuple[str, str, str]) -> Efficiency:
        count = int(mask.sum())
        if count < chosen.min_points:
            return parent
        say(f"fit {key} on {count} rows")
        fitted = fit_group(
            work.subset(mask),
            LOCAL_PARAMS,
            parent,
            prior=parent,
            sigma=chosen.prior_sigma,
            delta=chosen.huber_delta,
        )
        table[key] = fitted
        sizes[key] = count
        return fitted

    for gen in sorted(set(group) - {""}):
        local(group == gen, glob, (gen, "", ""))
    for hw in sorted(set(hardware)):
        in_hw = hardware == hw
        gen_key = (str(group[in_hw][0]), "", "")
        parent_hw = local(in_hw, table.get(gen_key, glob), (hw, "", ""))
        precisions = sorted(set(precision[in_hw]))
        for prec in precisions:
            in_hp = in_hw & (precision == prec)
            if len(precisions) == 1:
                table.setdefault((hw, prec, ""), parent_hw)
                parent_hp = parent_hw
            else:
                parent_hp = local(in_hp, parent_hw, (hw, prec, ""))
            families = sorted(set(family[in_hp]))
            if len(families) > 1:
                for fam in families:
                    if fam:
                        local(in_hp & (family == fam), parent_hp, (hw, prec, fam))
    groups = fallback_groups(catalogue, table)
    calibration = Calibration(table=table, default=glob, version="fitted", groups=groups)
    return FitResult(calibration=calibration, group_sizes=sizes)


def spec_distance(a: Accelerator, b: Accelerator) -> float:
    """How different two accelerators are as chips: summed |log ratio| of HBM bandwidth,
    HBM capacity, dense BF16 peak and scale-up domain size."""
    pairs = (
        (a.memory_bw_tb_s, b.memory_bw_tb_s),
        (a.memory_gb, b.memory_gb),
        (a.fp16_dense_tflops, b.fp16_dense_tflops),
        (float(a.scaleup_domain_gpus), float(b.scaleup_domain_gpus)),
    )
    return float(sum(abs(np.log(x / y)) for x, y in pairs))


def fallback_groups(
    catalogue: Catalogue, table: Mapping[tuple[str, str, str], Efficiency]
) -> dict[str, str]:
    """Where each accelerator without its own factors borrows them: the most similar
    accelerator of its vendor/generation that has fitted factors (GB300 → GB200, not the
    generation's pool, which mixes HBM datacenter parts with GDDR workstation cards), else
    the generation's pooled factors."""
    fitted = {hw for hw, prec, fam in table if not prec and not fam}
    out: dict[str, str] = {}
    for acc in catalogue.accelerators.values():
        group = hardware_group(acc)
        siblings = [
            other
            for other in catalogue.accelerators.values()
            if other.id in fitted and other.id != acc.id and hardware_group(other) == group
        ]
        if siblings:
            out[acc.id] = min(siblings, key=lambda o: (spec_distance(acc, o), o.id)).id
        elif (group, "", "") in table:
            out[acc.id] = group
    return out


# --- accuracy report -----------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorStats:
    count: int
    median_ape: float
    p90_ape: float


def ape(estimates: FloatArray, measured: FloatArray) -> FloatArray:
    """Absolute percentage error, %, NaN where there is no estimate."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.abs(estimates / measured - 1.0) * 100.0)


def stats(errors: FloatArray) -> ErrorStats:
    finite = errors[np.isfinite(errors)]
    if finite.size == 0:
        return ErrorStats(0, float("nan"), float("nan"))
    return ErrorStats(int(finite.size), float(np.median(finite)), float(np.percentile(finite, 90)))


@dataclass(frozen=True)
class AccuracyReport:
    """Errors of the fitted model on the usable rows (same rows in every column)."""

    rows: int
    excluded: Mapping[str, int]  # status → rows the tool could not estimate
    in_sample: FloatArray
    loso: FloatArray
    roofline: FloatArray
    defaults: FloatArray
    hardware: tuple[str, ...]
    model: tuple[str, ...]
    source: tuple[str, ...]
    ids: tuple[str, ...]


def leave_one_source_out(
    data: FitData,
    catalogue: Catalogue,
    progress: Callable[[str], None] | None = None,
    settings: FitSettings | None = None,
) -> FloatArray:
    """Estimates for each usable row from a fit that never saw the row's source."""
    use = data.usable
    out = np.full(data.measured.size, np.nan)
    say = progress or (lambda _text: None)
    for source in sorted({s for s, u in zip(data.source, use, strict=True) if u}):
        held = np.array([s == source for s in data.source]) & use
        train = use & ~held
        say(f"LOSO: hold out {source!r} ({int(held.sum())} rows)")
        fitted = fit_calibration(data.subset(train), catalogue, settings=settings).calibration
        est = predict(data.plan.subset(held), fitted).output_tokens_per_s_per_gpu
        out[np.flatnonzero(held)] = est
    return out


def selection_score(errors: FloatArray) -> float:
    """What hyper-parameter selection minimises: the mean of the median and the p90 of the
    absolute percentage errors (issue 11 judges both)."""
    st = stats(errors)
    return (st.median_ape + st.p90_ape) / 2.0


@dataclass(frozen=True)
class NestedSelection:
    """Hyper-parameters chosen without the scored source (see ``nested_selection``)."""

    names: tuple[str, ...]
    sources: tuple[str, ...]
    loso: dict[str, FloatArray]  # candidate → its plain LOSO estimates (usable rows)
    inner: dict[str, dict[str, float]]  # held-out source → candidate → inner score
    chosen: dict[str, str]  # held-out source → candidate chosen on the other sources
    nested: FloatArray  # each usable row from its fold's chosen candidate
    overall: str  # the candidate the whole set's LOSO score chooses (what to ship)


def nested_selection(
    data: FitData,
    catalogue: Catalogue,
    candidates: Mapping[str, FitSettings],
    progress: Callable[[str], None] | None = None,
) -> NestedSelection:
    """Nested leave-one-source-out selection of the fit's hyper-parameters.

    For each held-out source s, every candidate is scored by an inner LOSO over the other
    sources only (fit without s and t, predict t, for every t ≠ s); the best inner score
    picks the candidate whose outer fit (without s) predicts s. The nested estimates are
    therefore never chosen with the scored source's measurements. A fit without the pair
    {s, t} serves both s's inner fold t and t's inner fold s, so a candidate costs one fit
    per pair of sources plus one per source."""
    use = data.usable
    work = data.subset(use)
    sources = tuple(sorted(set(work.source)))
    labels = np.array(work.source, dtype=object)
    say = progress or (lambda _text: None)
    names = tuple(candidates)
    # held-out set → candidate → estimates of the held-out rows (NaN elsewhere)
    fits: dict[frozenset[str], dict[str, FloatArray]] = {}
    for name in names:
        for size in (1, 2):
            for i, a in enumerate(sources):
                for b in sources[i + 1 :] if size == 2 else (a,):
                    held_set = frozenset((a, b))
                    say(f"{name}: fit without {sorted(held_set)}")
                    held = np.isin(labels, list(held_set))
                    fitted = fit_calibration(
                        work.subset(~held), catalogue, settings=candidates[name]
                    ).calibration
                    est = np.full(work.measured.size, np.nan)
                    est[held] = predict(work.plan.subset(held), fitted).output_tokens_per_s_per_gpu
                    fits.setdefault(held_set, {})[name] = est
    loso = {
        name: np.nansum([fits[frozenset((s,))][name] for s in sources], axis=0) for name in names
    }
    inner: dict[str, dict[str, float]] = {}
    chosen: dict[str, str] = {}
    nested = np.full(work.measured.size, np.nan)
    for s in sources:
        rest = labels != s
        scores: dict[str, float] = {}
        for name in names:
            est = np.full(work.measured.size, np.nan)
            for t in sources:
                if t != s:
                    rows = labels == t
                    est[rows] = fits[frozenset((s, t))][name][rows]
            scores[name] = selection_score(ape(est[rest], work.measured[rest]))
        inner[s] = scores
        chosen[s] = min(names, key=lambda n: (scores[n], names.index(n)))
        rows = labels == s
        nested[rows] = loso[chosen[s]][rows]
    totals = {n: selection_score(ape(loso[n], work.measured)) for n in names}
    overall = min(names, key=lambda n: (totals[n], names.index(n)))
    return NestedSelection(names, sources, loso, inner, chosen, nested, overall)


def accuracy_report(
    data: FitData,
    catalogue: Catalogue,
    fitted: Calibration,
    progress: Callable[[str], None] | None = None,
    loso: FloatArray | None = None,
) -> AccuracyReport:
    """Errors in-sample, LOSO (``loso``: held-out estimates of the usable rows, computed
    here when not given), pure roofline and engine defaults."""
    use = data.usable
    sub = data.subset(use)
    measured = sub.measured
    in_sample = predict(sub.plan, fitted).output_tokens_per_s_per_gpu
    roof = predict_with(sub.plan, ROOFLINE).output_tokens_per_s_per_gpu
    defaults = predict_with(sub.plan, DEFAULT_EFFICIENCY).output_tokens_per_s_per_gpu
    if loso is None:
        loso = leave_one_source_out(data, catalogue, progress)[use]
    excluded: dict[str, int] = {}
    for status, measured_ok in zip(data.plan.status, np.isfinite(data.measured), strict=True):
        if status != "ok" and measured_ok:
            excluded[status] = excluded.get(status, 0) + 1
    return AccuracyReport(
        rows=int(use.sum()),
        excluded=excluded,
        in_sample=ape(in_sample, measured),
        loso=ape(loso, measured),
        roofline=ape(roof, measured),
        defaults=ape(defaults, measured),
        hardware=tuple(k[0] for k in sub.plan.keys),
        model=tuple(r.model_id for r in sub.plan.requests),
        source=sub.source,
        ids=tuple(r.id for r in sub.plan.requests),
    )


def format_report(report: AccuracyReport) -> str:
    """Plain-text tables: overall, per hardware and per model; in-sample, LOSO, roofline."""
    lines = [
        "Accuracy on output tokens/s/GPU (absolute percentage error, %)",
        f"rows estimated: {report.rows}"
        + (
            "; not estimable: " + ", ".join(f"{n} {s}" for s, n in sorted(report.excluded.items()))
            if report.excluded
            else ""
        ),
        "",
    ]
    columns = (
        ("in-sample", report.in_sample),
        ("LOSO", report.loso),
        ("roofline", report.roofline),
        ("defaults", report.defaults),
    )
    header = f"{'':<28}{'n':>5}" + "".join(f"{name + ' med':>15}{'p90':>8}" for name, _ in columns)
    lines.append(header)

    def row(label: str, mask: BoolArray) -> str:
        cells = ""
        count = 0
        for _, errors in columns:
            st = stats(errors[mask])
            count = max(count, st.count)
            cells += f"{st.median_ape:>15.1f}{st.p90_ape:>8.1f}"
        return f"{label:<28}{count:>5}{cells}"

    everything = np.ones(report.rows, dtype=bool)
    lines.append(row("overall", everything))
    for title, keys in (("hardware", report.hardware), ("model", report.model)):
        lines.append("")
        lines.append(f"by {title}:")
        labels = np.array(keys)
        for key in sorted(set(keys)):
            lines.append(row(f"  {key}", labels == key))
    lines.append("")
    lines.append("by source (LOSO holds each out in turn):")
    labels = np.array(report.source)
    for key in sorted(set(report.source)):
        lines.append(row(f"  {key[:26]}", labels == key))
    return "\n".join(lines)


def efficiency_to_dict(efficiency: Efficiency) -> dict[str, float]:
    return {f.name: float(getattr(efficiency, f.name)) for f in fields(efficiency)}

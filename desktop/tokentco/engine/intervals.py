"""Out-of-sample residuals of the public set, the p10–p90 bands fitted on them, and an
honest check of those bands' coverage.

1. Leave-one-source-out (LOSO): for each source, refit on the other sources and predict
   *every* row (``loso_matrix``), so a held-out row and its anchors are predicted by the
   same fit.
2. Estimated residual of a row: ln(measured / LOSO estimate).
   Anchored residual: the row anchored (``engine/anchoring.py``) on measurements of the
   same hardware and model from *other* sources, ln(measured / anchored figure). Anchors
   from the row's own source are never used, so the figure is out of sample twice over.
3. Bands: p10 and p90 of the residuals of each group (``uncertainty.group_name``) with at
   least ``MIN_BAND_ROWS`` rows, plus the pooled 'estimated' and 'anchored' groups,
   widened about the group median by a scale per pool (dense, MoE, anchored).
4. Coverage is checked nested: the rows of each source are tested against bands fitted
   on the residuals of the other sources only. Sources disagree with each other more than
   rows of one source do, so raw p10/p90 bands cover only ~60–70 % of a held-out source;
   each pool's scale is the smallest (in steps of 0.05) whose nested coverage reaches
   80 % (``calibrate_scales``). The scales are three numbers for the whole set, stored
   with the bands.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from tokentco.domain import Catalogue, MeasuredPoint
from tokentco.engine import anchoring
from tokentco.engine.calibration import Calibration
from tokentco.engine.fit import FitData, fit_calibration, predict
from tokentco.engine.results import BoolArray, FloatArray, IntArray
from tokentco.engine.uncertainty import band_for, group_name

MIN_BAND_ROWS = 15
"""Smallest group that gets its own band (smaller ones use the broader group's)."""


@dataclass(frozen=True)
class LosoMatrix:
    """LOSO predictions of every usable row under every fold's fit."""

    sources: tuple[str, ...]
    predictions: FloatArray  # (folds, usable rows)
    fold: IntArray  # fold that held each usable row out

    def held_out(self) -> FloatArray:
        """Each row predicted by the fit that never saw its source."""
        return np.asarray(self.predictions[self.fold, np.arange(self.fold.size)])


def loso_matrix(
    data: FitData, catalogue: Catalogue, progress: Callable[[str], None] | None = None
) -> LosoMatrix:
    """One refit per source over the usable rows of ``data``; each predicts every row."""
    work = data.subset(data.usable)
    say = progress or (lambda _text: None)
    sources = tuple(sorted(set(work.source)))
    labels = np.array(work.source, dtype=object)
    predictions = np.full((len(sources), work.measured.size), np.nan)
    fold = np.zeros(work.measured.size, np.int64)
    for k, source in enumerate(sources):
        held = labels == source
        say(f"LOSO: hold out {source!r} ({int(held.sum())} rows)")
        fitted = fit_calibration(work.subset(~held), catalogue).calibration
        predictions[k] = predict(work.plan, fitted).output_tokens_per_s_per_gpu
        fold[held] = k
    return LosoMatrix(sources, predictions, fold)


@dataclass(frozen=True)
class Residuals:
    """Out-of-sample log residuals ln(measured / figure) of the usable rows."""

    ids: tuple[str, ...]
    source: tuple[str, ...]
    estimated: FloatArray
    estimated_group: tuple[str, ...]
    anchored: FloatArray  # NaN where no measurement of another source is near enough
    anchor_distance: FloatArray  # nearest used anchor (NaN: none)
    moe: BoolArray

    @property
    def anchored_group(self) -> tuple[str, ...]:
        return tuple(
            group_name("anchored", False, "", float(d)) if np.isfinite(d) else ""
            for d in self.anchor_distance
        )

    def shown(self) -> tuple[FloatArray, tuple[str, ...]]:
        """The residual of the figure the app would show: anchored where it can be."""
        has = np.isfinite(self.anchored)
        values = np.where(has, self.anchored, self.estimated)
        groups = tuple(
            a if h else e
            for a, e, h in zip(self.anchored_group, self.estimated_group, has, strict=True)
        )
        return values, groups


def residuals(data: FitData, catalogue: Catalogue, matrix: LosoMatrix) -> Residuals:
    """Estimated and anchored LOSO residuals of every usable row."""
    work = data.subset(data.usable)
    ids = tuple(r.id for r in work.plan.requests)
    points: list[MeasuredPoint | None] = [catalogue.measured.get(i) for i in ids]
    measured = work.measured
    held = matrix.held_out()
    with np.errstate(divide="ignore", invalid="ignore"):
        est = np.log(measured / held)
    moe = np.array(
        [
            bool(m.moe) if (m := catalogue.models.get(r.model_id)) is not None else False
            for r in work.plan.requests
        ]
    )
    vendors = [
        (a.vendor if (a := catalogue.accelerators.get(r.hardware_id)) is not None else "")
        for r in work.plan.requests
    ]
    groups = tuple(
        group_name("estimated", bool(m), v, None) for m, v in zip(moe, vendors, strict=True)
    )
    anchored = np.full(measured.size, np.nan)
    distance = np.full(measured.size, np.nan)
    index = {i: k for k, i in enumerate(ids)}
    for p, point in enumerate(points):
        if point is None:
            continue
        others = [
            q
            for q in points
            if q is not None
            and q.hardware_id == point.hardware_id
            and q.model_id == point.model_id
            and work.source[index[q.id]] != work.source[p]
        ]
        if not others:
            continue
        wanted, _ = anchoring.measured_config(point)
        found = anchoring.candidates_for(others, wanted)
        fold = matrix.fold[p]
        anchors, distances = [], []
        for cand in (c for c in found if c.used):
            model = matrix.predictions[fold, index[cand.point_id]]
            if np.isfinite(model) and model > 0 and np.isfinite(held[p]) and held[p] > 0:
                q = catalogue.measured[cand.point_id]
                anchors.append(anchoring.anchor_at(wanted, q, cand.distance, model, held[p]))
                distances.append(cand.distance)
        if anchors:
            factor, weights = anchoring.combine(anchors, anchoring.rank_cap(found))
            if any(w > 0 for w in weights):
                anchored[p] = np.log(measured[p] / (held[p] * factor))
                distance[p] = min(d for d, w in zip(distances, weights, strict=True) if w > 0)
    return Residuals(ids, work.source, est, groups, anchored, distance, moe)


POOLS = ("dense", "MoE", "anchored")


def pool_of(group: str) -> str:
    """Which scale a group's band uses."""
    if group.startswith("anchored"):
        return "anchored"
    return "MoE" if "MoE" in group else "dense"


def fit_bands(
    values: FloatArray, groups: Sequence[str], scales: dict[str, float] | None = None
) -> dict[str, tuple[float, float]]:
    """p10/p90 of the residuals per group (≥ ``MIN_BAND_ROWS`` rows), plus pooled
    'estimated' and 'anchored' bands, each widened about its median by its pool's scale
    (the pooled 'estimated' band by the wider of the dense and MoE scales)."""
    widen = scales or {}
    labels = np.array(groups, dtype=object)
    ok = np.isfinite(values)
    out: dict[str, tuple[float, float]] = {}
    pools = {
        "estimated": np.array([str(g).startswith("estimated") for g in groups], dtype=bool),
        "anchored": np.array([str(g).startswith("anchored") for g in groups], dtype=bool),
    }
    named = {str(g): labels == g for g in sorted(set(groups)) if g}
    for name, mask in {**pools, **named}.items():
        chosen = values[mask & ok]
        if chosen.size >= MIN_BAND_ROWS:
            p10, mid, p90 = np.percentile(chosen, [10, 50, 90])
            if name == "estimated":
                scale = max(widen.get("dense", 1.0), widen.get("MoE", 1.0))
            else:
                scale = widen.get(pool_of(name), 1.0)
            out[name] = (float(mid + scale * (p10 - mid)), float(mid + scale * (p90 - mid)))
    return out


def bands_from(
    res: Residuals, scales: dict[str, float] | None = None
) -> dict[str, tuple[float, float]]:
    """The bands the app ships: estimated groups from every row's estimated residual,
    anchored groups from the rows that could be anchored."""
    values = np.concatenate([res.estimated, res.anchored])
    groups = (*res.estimated_group, *res.anchored_group)
    return fit_bands(values, groups, scales)


SCALE_STEPS = np.round(np.arange(0.5, 4.0001, 0.01), 2)
"""Widenings ``calibrate_scales`` chooses from (below 1: a pool whose raw bands over-cover)."""


def calibrate_scales(res: Residuals, target: float = 0.80) -> dict[str, float]:
    """Per pool, the smallest widening in ``SCALE_STEPS`` whose nested coverage reaches
    ``target`` both for the pool's rows whose shown figure is estimated (the rows anchoring
    can correct are the harder ones, so calibrating on every row's estimate alone would
    over-cover the figures the app shows estimated) and for all its rows (the dense / MoE
    coverage the issue's target judges); the anchored pool on its anchored rows. Coverage
    only grows with the widening (bands widen about their median), so the first step that
    qualifies is found by bisection."""
    scales = dict.fromkeys(POOLS, 1.0)
    for pool in POOLS:
        keys = (pool,) if pool == "anchored" else (pool, f"shown {pool}")

        def reaches(index: int, pool: str = pool, keys: tuple[str, ...] = keys) -> bool:
            scales[pool] = float(SCALE_STEPS[index])
            hits = _nested_hits(res, scales)
            return all(not hits[k] or float(np.mean(hits[k])) >= target for k in keys)

        low, high = 0, SCALE_STEPS.size - 1
        if not reaches(high):
            low = high
        while low < high:
            mid = (low + high) // 2
            if reaches(mid):
                high = mid
            else:
                low = mid + 1
        scales[pool] = float(SCALE_STEPS[low])
    return scales


@dataclass(frozen=True)
class Coverage:
    """Share of rows whose measured value falls inside their p10–p90 range."""

    name: str
    rows: int
    inside: float  # 0..1


def nested_coverage(res: Residuals, scales: dict[str, float] | None = None) -> list[Coverage]:
    """Coverage with bands fitted without the tested row's source: overall (the figure
    the app shows), estimated dense, estimated MoE, anchored."""
    hits = _nested_hits(res, scales)
    return [
        Coverage(name, len(flags), float(np.mean(flags)) if flags else float("nan"))
        for name, flags in hits.items()
        if not name.startswith("shown ")
    ]


def _nested_hits(res: Residuals, scales: dict[str, float] | None) -> dict[str, list[bool]]:
    """``nested_coverage``'s hits per row, plus 'shown dense' / 'shown MoE': the rows whose
    shown figure is estimated."""
    sources = np.array(res.source, dtype=object)
    shown, shown_groups = res.shown()
    hits: dict[str, list[bool]] = {
        "overall": [],
        "dense": [],
        "MoE": [],
        "anchored": [],
        "shown dense": [],
        "shown MoE": [],
    }
    for source in sorted(set(res.source)):
        train = sources != source
        sub = Residuals(
            ids=tuple(i for i, t in zip(res.ids, train, strict=True) if t),
            source=tuple(s for s, t in zip(res.source, train, strict=True) if t),
            estimated=res.estimated[train],
            estimated_group=tuple(g for g, t in zip(res.estimated_group, train, strict=True) if t),
            anchored=res.anchored[train],
            anchor_distance=res.anchor_distance[train],
            moe=res.moe[train],
        )
        cal = Calibration(bands=bands_from(sub, scales))
        for row in np.flatnonzero(~train):
            for key, value, group in (
                ("overall", shown[row], shown_groups[row]),
                ("MoE" if res.moe[row] else "dense", res.estimated[row], res.estimated_group[row]),
                ("anchored", res.anchored[row], res.anchored_group[row]),
            ):
                hit = _inside(cal, float(value), group)
                if hit is not None:
                    hits[key].append(hit)
            if not np.isfinite(res.anchored[row]):
                hit = _inside(cal, float(res.estimated[row]), res.estimated_group[row])
                if hit is not None:
                    hits["shown MoE" if res.moe[row] else "shown dense"].append(hit)
    return hits


def _inside(cal: Calibration, value: float, group: str) -> bool | None:
    band = band_for(cal, group)
    if band is None or not np.isfinite(value):
        return None
    return band[0] <= value <= band[1]


def format_bands(
    bands: dict[str, tuple[float, float]], coverage: Sequence[Coverage], res: Residuals
) -> str:
    lines = ["p10–p90 ranges (ln(measured / figure) out of sample, by group):"]
    for name, (p10, p90) in sorted(bands.items()):
        lines.append(f"  {name:<22} ×{np.exp(p10):.2f} … ×{np.exp(p90):.2f}")
    anchored = np.isfinite(res.anchored)
    if anchored.any():
        ape_a = np.abs(np.exp(-res.anchored[anchored]) - 1) * 100
        ape_e = np.abs(np.exp(-res.estimated[anchored]) - 1) * 100
        lines.append(
            f"anchored on other sources ({int(anchored.sum())} rows): median error "
            f"{np.median(ape_a):.1f} % (the same rows estimated: {np.median(ape_e):.1f} %), "
            f"p90 {np.percentile(ape_a, 90):.1f} % ({np.percentile(ape_e, 90):.1f} %)"
        )
    lines.append("coverage of p10–p90 (nested leave-one-source-out; target 80 ± 5 %):")
    for cov in coverage:
        lines.append(f"  {cov.name:<10} {cov.inside * 100:5.1f} % of {cov.rows} rows")
    return "\n".join(lines)

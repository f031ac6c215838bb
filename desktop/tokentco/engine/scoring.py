"""The RFP scorecard: criterion values, 0–100 scores, weighted totals, ranks and sensitivity.

Rules (``docs/scorecard.md``), mirrored cell for cell by the Excel workbook's formulas:

* Ratio to best (default): lower-is-better ``100·best/value``, higher-is-better
  ``100·value/best``; an option equal to the best scores 100.
* Min–max (when the analyst chooses it): ``100·(worst−value)/(worst−best)``; with one
  option or equal values every score is 100.
* Rubric (1 best … 5 worst): ``100·(5−r)/4``.
* A missing value (no fleet sizing, no published lead time, an infeasible operating
  point) scores 0 — no answer earns no points — and is left out of best/worst.
* Weighted total ``Σ w·s / Σ w``; an option whose operating point cannot meet the
  latency target totals 0, so it always ranks last.  Weights need not add up to 100 %
  (the workbook shows a warning when they do not).
* Rank 1 is best; ties share a rank (Excel ``RANK`` semantics).

Sensitivity for the winner: the smallest change of one weight (the others rescaled
proportionally so the sum is kept) that lets another option win, and the break-even
value of each key input (utilization, $/GPU-hour, tokens/s/GPU) at which the ranking
flips, as data and as a sentence.
"""

from dataclasses import dataclass

import numpy as np

from tokentco.domain import ComparisonOption, Criterion, Direction, Project, ScoringRule
from tokentco.engine.results import BoolArray, Comparison, FloatArray, IntArray, OptionResult

TIE_TOLERANCE = 1e-9

PER_TOKEN_COST = frozenset({"usd_per_mtok", "usd_per_mtok_output", "usd_per_mtok_total"})
"""∝ $/GPU-hour / (tokens/s/GPU · utilization)."""
FLEET_COST = frozenset({"annual_cost_usd", "contract_value_usd", "gpus", "systems", "megawatts"})
"""Fleet sized for peak demand: ∝ $/GPU-hour (money only) / tokens/s/GPU; not utilization."""
PER_TOKEN_ENERGY = frozenset({"kwh_per_mtok"})
THROUGHPUT_METRICS = frozenset(
    {"tokens_per_s_per_mw", "output_tokens_per_s_per_gpu", "total_tokens_per_s_per_gpu"}
)
SENSITIVE_METRICS = PER_TOKEN_COST | FLEET_COST | PER_TOKEN_ENERGY | THROUGHPUT_METRICS


def metric_value(
    result: OptionResult, option: ComparisonOption | None, criterion: Criterion
) -> float:
    """The raw value of ``criterion`` for one option; NaN when it is not known.

    ``criterion.metric`` names an :class:`OptionResult` field, or a field of its operating
    point, fleet sizing or cost breakdown; an empty metric (an analyst-added criterion)
    reads ``option.manual_values[criterion.id]``.
    """
    metric = criterion.metric
    raw: object = None
    if metric:
        for holder in (result, result.point, result.fleet, result.cost):
            if holder is not None and hasattr(holder, metric):
                raw = getattr(holder, metric)
                break
        else:
            if option is not None:
                raw = option.manual_values.get(criterion.id, option.manual_values.get(metric))
    elif option is not None:
        raw = option.manual_values.get(criterion.id)
    if metric in ("usd_per_mtok", "usd_per_mtok_output", "usd_per_mtok_total") and (
        not result.point.feasible
    ):
        raw = None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return float("nan")
    value = float(raw)
    return value if np.isfinite(value) else float("nan")


def normalise(values: FloatArray, direction: Direction, rule: ScoringRule) -> FloatArray:
    """0–100 scores for one criterion's values (NaN = missing → 0)."""
    values = np.asarray(values, dtype=np.float64)
    present = np.isfinite(values)
    scores = np.zeros_like(values)
    if not present.any():
        return scores
    v = values[present]
    if rule is ScoringRule.RUBRIC:
        scores[present] = 100.0 * (5.0 - v) / 4.0
        return np.clip(scores, 0.0, 100.0)
    lower = direction is Direction.LOWER
    best = float(v.min() if lower else v.max())
    worst = float(v.max() if lower else v.min())
    if rule is ScoringRule.MIN_MAX:
        spread = worst - best
        out = np.full_like(v, 100.0) if spread == 0 else 100.0 * ((worst - v) / spread)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            out = 100.0 * (best / v) if lower else 100.0 * (v / best)
        out = np.where(v == best, 100.0, out)
        out = np.where(np.isfinite(out), out, 0.0)
    scores[present] = np.clip(out, 0.0, 100.0)
    return scores


def weighted_totals(scores: FloatArray, weights: FloatArray, feasible: BoolArray) -> FloatArray:
    """Σ w·s / Σ w per option (``scores`` is criteria × options); infeasible options total 0."""
    total_weight = float(np.sum(weights))
    if total_weight <= 0:
        totals = np.zeros(scores.shape[1])
    else:
        totals = np.asarray(weights @ scores / total_weight, dtype=np.float64)
    return np.where(feasible, totals, 0.0)


def ranks(totals: FloatArray) -> IntArray:
    """1 = best; equal totals share a rank (like Excel's RANK)."""
    totals = np.asarray(totals, dtype=np.float64)
    greater = totals[None, :] > totals[:, None] + TIE_TOLERANCE
    return np.asarray(1 + greater.sum(axis=1), dtype=np.int64)


@dataclass(frozen=True)
class WeightFlip:
    """Setting ``criterion_id``'s weight to ``flip_weight_pct`` (others rescaled) ties the
    winner with ``challenger_id``; past it the challenger wins."""

    criterion_id: str
    criterion_name: str
    current_weight_pct: float
    flip_weight_pct: float
    challenger_id: str

    @property
    def change_pct_points(self) -> float:
        return self.flip_weight_pct - self.current_weight_pct


@dataclass(frozen=True)
class BreakEven:
    """The value of one option's input at which the first place changes hands.

    ``holds`` True: the option is the winner and keeps first place until the input
    passes ``break_even``; False: a challenger that would win once it passes it.
    ``break_even`` None: no flip within a 1000× change (or outside the input's range).
    """

    option_id: str
    input: str  # "utilization" | "usd_per_gpu_hour" | "tokens_per_s_per_gpu"
    current: float
    break_even: float | None
    holds: bool
    new_winner_id: str | None

    @property
    def label(self) -> str:
        return INPUT_LABELS[self.input]


INPUT_LABELS = {
    "utilization": "utilization",
    "usd_per_gpu_hour": "all-in $/GPU-hour",
    "tokens_per_s_per_gpu": "throughput (tokens/s/GPU)",
}


@dataclass(frozen=True)
class Scorecard:
    """Scores for every option of a comparison; arrays are criteria × options."""

    option_ids: tuple[str, ...]
    labels: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    values: FloatArray
    scores: FloatArray
    weights_pct: FloatArray
    feasible: BoolArray
    totals: FloatArray
    ranks: IntArray
    weight_flips: tuple[WeightFlip, ...]
    break_evens: tuple[BreakEven, ...]
    sentence: str

    @property
    def weights_sum_pct(self) -> float:
        return float(np.sum(self.weights_pct))

    @property
    def weights_ok(self) -> bool:
        return abs(self.weights_sum_pct - 100.0) < 1e-6

    @property
    def order(self) -> tuple[int, ...]:
        """Option indices best first (stable on ties)."""
        return tuple(int(i) for i in np.argsort(-self.totals, kind="stable"))

    @property
    def winner_id(self) -> str | None:
        return self.option_ids[self.order[0]] if self.option_ids else None

    @property
    def runner_up_id(self) -> str | None:
        return self.option_ids[self.order[1]] if len(self.option_ids) > 1 else None

    def total_of(self, option_id: str) -> float:
        return float(self.totals[self.option_ids.index(option_id)])

    def rank_of(self, option_id: str) -> int:
        return int(self.ranks[self.option_ids.index(option_id)])

    @property
    def closest_weight_flip(self) -> WeightFlip | None:
        if not self.weight_flips:
            return None
        return min(self.weight_flips, key=lambda f: abs(f.change_pct_points))


def criterion_values(project: Project, comparison: Comparison) -> FloatArray:
    """Raw values, criteria × options (NaN = unknown)."""
    options = {o.id: o for o in project.options}
    return np.array(
        [
            [metric_value(r, options.get(r.option_id), c) for r in comparison.options]
            for c in project.criteria
        ],
        dtype=np.float64,
    ).reshape(len(project.criteria), len(comparison.options))


def score_values(
    criteria: tuple[Criterion, ...],
    values: FloatArray,
    feasible: BoolArray,
    weights_pct: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """(scores criteria × options, totals) for raw values."""
    weights = (
        np.array([c.weight_pct for c in criteria], dtype=np.float64)
        if weights_pct is None
        else weights_pct
    )
    scores = np.zeros_like(values)
    for i, c in enumerate(criteria):
        scores[i] = normalise(values[i], c.direction, c.rule)
    return scores, weighted_totals(scores, weights, feasible)


def _winner(totals: FloatArray) -> int:
    return int(np.argsort(-totals, kind="stable")[0])


def _weight_flips(
    criteria: tuple[Criterion, ...],
    scores: FloatArray,
    weights: FloatArray,
    feasible: BoolArray,
    ids: tuple[str, ...],
) -> tuple[WeightFlip, ...]:
    """For each criterion, the nearest weight (others rescaled) at which someone else wins.

    With p the criterion's share of the weight sum and R_k option k's average over the
    other criteria, option k totals ``R_k + p·(s_k − R_k)``: linear in p, so each
    winner/challenger crossing has a closed form.
    """
    total_w = float(weights.sum())
    n_opt = scores.shape[1]
    if total_w <= 0 or n_opt < 2:
        return ()
    totals = weighted_totals(scores, weights, feasible)
    win = _winner(totals)
    flips: list[WeightFlip] = []
    raw = weights @ scores / total_w
    for i, crit in enumerate(criteria):
        p = weights[i] / total_w
        if p >= 1.0 - 1e-12:
            continue
        rest = (raw - p * scores[i]) / (1.0 - p)  # R_k
        slope = scores[i] - rest
        d0 = rest[win] - rest  # difference winner − k at p' = 0
        d1 = slope[win] - slope
        best: tuple[float, int] | None = None
        for k in range(n_opt):
            if k == win or not feasible[k] or abs(d1[k]) < 1e-12:
                continue
            p_cross = -d0[k] / d1[k]
            if not 0.0 <= p_cross <= 1.0:
                continue
            # just past the crossing (still a legal share) the challenger must lead
            past = p_cross + (1e-6 if p_cross > p else -1e-6)
            if not 0.0 <= past <= 1.0 or d0[k] + d1[k] * past >= 0:
                continue
            if best is None or abs(p_cross - p) < abs(best[0] - p):
                best = (float(p_cross), k)
        if best is not None:
            flips.append(
                WeightFlip(crit.id, crit.name, float(weights[i]), best[0] * total_w, ids[best[1]])
            )
    return tuple(sorted(flips, key=lambda f: abs(f.change_pct_points)))


def _scaled(
    criteria: tuple[Criterion, ...],
    values: FloatArray,
    k: int,
    price: float,
    utilization: float,
    throughput: float,
) -> FloatArray:
    """Values with option k's $/GPU-hour, utilization and tokens/s/GPU multiplied."""
    out = values.copy()
    for i, c in enumerate(criteria):
        if c.metric in PER_TOKEN_COST:
            out[i, k] *= price / (utilization * throughput)
        elif c.metric in ("annual_cost_usd", "contract_value_usd"):
            out[i, k] *= price / throughput
        elif c.metric in FLEET_COST or c.metric in PER_TOKEN_ENERGY:
            out[i, k] /= throughput
        elif c.metric in THROUGHPUT_METRICS:
            out[i, k] *= throughput
    return out


def _break_even(
    criteria: tuple[Criterion, ...],
    values: FloatArray,
    weights: FloatArray,
    feasible: BoolArray,
    k: int,
    input_name: str,
    ids: tuple[str, ...],
) -> tuple[float | None, str | None]:
    """Multiplier on option k's input at which the winner changes (bisection on log scale)."""
    base_win = _winner(score_values(criteria, values, feasible, weights)[1])
    holds = base_win == k

    def winner_at(m: float) -> int:
        factors = {
            "usd_per_gpu_hour": (m, 1.0, 1.0),
            "utilization": (1.0, m, 1.0),
            "tokens_per_s_per_gpu": (1.0, 1.0, m),
        }[input_name]
        scaled = _scaled(criteria, values, k, *factors)
        return _winner(score_values(criteria, scaled, feasible, weights)[1])

    def flipped(m: float) -> bool:
        w = winner_at(m)
        return w != k if holds else w == k

    # which direction hurts (holds) or helps (challenger) option k
    worse_up = input_name == "usd_per_gpu_hour"
    go_up = worse_up if holds else not worse_up
    lo, hi = 0.0, float(np.log(1000.0)) * (1 if go_up else -1)
    if not flipped(float(np.exp(hi))):
        return None, None
    for _ in range(40):
        mid = (lo + hi) / 2
        if flipped(float(np.exp(mid))):
            hi = mid
        else:
            lo = mid
    m = float(np.exp(hi))
    return m, ids[winner_at(m)]


def _input_breakevens(
    comparison: Comparison,
    criteria: tuple[Criterion, ...],
    values: FloatArray,
    weights: FloatArray,
    feasible: BoolArray,
    ids: tuple[str, ...],
) -> tuple[BreakEven, ...]:
    if len(ids) < 2 or not any(c.metric in SENSITIVE_METRICS for c in criteria):
        return ()
    totals = score_values(criteria, values, feasible, weights)[1]
    order = np.argsort(-totals, kind="stable")
    out: list[BreakEven] = []
    for k in (int(i) for i in order):
        if not feasible[k]:
            continue
        r = comparison.options[k]
        current = {
            "utilization": r.utilization,
            "usd_per_gpu_hour": r.cost.usd_per_gpu_hour,
            "tokens_per_s_per_gpu": _counted_throughput(r),
        }
        for name, now in current.items():
            m, new_winner = _break_even(criteria, values, weights, feasible, k, name, ids)
            value = None if m is None else now * m
            if name == "utilization" and value is not None and value > 1.0:
                value = None
            out.append(
                BreakEven(
                    ids[k],
                    name,
                    now,
                    value,
                    bool(k == order[0]),
                    new_winner if value is not None else None,
                )
            )
    return tuple(out)


def _counted_throughput(r: OptionResult) -> float:
    """Tokens/s/GPU behind the $/Mtok figure (its token basis)."""
    if r.usd_per_mtok > 0 and np.isfinite(r.usd_per_mtok) and r.utilization > 0:
        return r.cost.usd_per_gpu_hour / (r.usd_per_mtok * 3600.0 * r.utilization) * 1e6
    return r.point.output_tokens_per_s_per_gpu


def _fmt_input(name: str, value: float) -> str:
    if name == "utilization":
        return f"{value * 100:.0f} %"
    if name == "usd_per_gpu_hour":
        return f"${value:,.2f}"
    return f"{value:,.0f} tok/s/GPU"


def describe(
    card_ids: tuple[str, ...],
    labels: tuple[str, ...],
    totals: FloatArray,
    flips: tuple[WeightFlip, ...],
    evens: tuple[BreakEven, ...],
    feasible: BoolArray,
) -> str:
    """The sensitivity of the ranking in plain words."""
    if not card_ids:
        return "No options to compare."
    name = dict(zip(card_ids, labels, strict=True))
    order = [int(i) for i in np.argsort(-totals, kind="stable")]
    win = card_ids[order[0]]
    if not feasible[order[0]]:
        return "No option meets the latency target, so there is no winner."
    if len(card_ids) == 1:
        return f"{name[win]} is the only option."
    second = card_ids[order[1]]
    parts = [
        f"{name[win]} ranks first with {totals[order[0]]:.1f} points, "
        f"{totals[order[0]] - totals[order[1]]:.1f} ahead of {name[second]} "
        f"({totals[order[1]]:.1f})."
    ]
    if flips:
        f = flips[0]
        verb = "raising" if f.change_pct_points > 0 else "lowering"
        parts.append(
            f"The smallest weight change that changes the winner is {verb} "
            f"'{f.criterion_name}' from {f.current_weight_pct:.0f} % to "
            f"{f.flip_weight_pct:.1f} % (other weights rescaled), which makes "
            f"{name[f.challenger_id]} win."
        )
    else:
        parts.append("No change of a single weight makes another option win.")
    holds = [e for e in evens if e.holds and e.break_even is not None]
    if holds:
        words = _break_even_phrases(holds, ("rises above", "falls below"))
        parts.append(f"{name[win]} stays first unless " + ", or ".join(words) + ".")
    challengers = [e for e in evens if not e.holds and e.option_id == second]
    able = [e for e in challengers if e.break_even is not None]
    if able:
        words = _break_even_phrases(able, ("fell below", "rose above"))
        parts.append(f"{name[second]} would win if " + ", or if ".join(words) + ".")
    elif challengers:
        parts.append(f"{name[second]} cannot overtake on utilization, price or throughput alone.")
    return " ".join(parts)


def _break_even_phrases(items: list[BreakEven], ways: tuple[str, str]) -> list[str]:
    """'its utilization falls below 43 % (now 70 %)' for each break-even; ``ways`` gives
    the verb for a price input and for the others (a higher price hurts, higher
    utilization or throughput helps)."""
    return [
        f"its {e.label} {ways[0] if e.input == 'usd_per_gpu_hour' else ways[1]} "
        f"{_fmt_input(e.input, e.break_even or 0.0)} (now {_fmt_input(e.input, e.current)})"
        for e in items
    ]


def score(project: Project, comparison: Comparison) -> Scorecard:
    """Score every option of ``comparison`` on ``project.criteria``."""
    criteria = tuple(project.criteria)
    ids = tuple(r.option_id for r in comparison.options)
    labels = tuple(r.label or r.option_id for r in comparison.options)
    values = criterion_values(project, comparison)
    weights = np.array([c.weight_pct for c in criteria], dtype=np.float64)
    feasible = np.array([r.point.feasible for r in comparison.options], dtype=np.bool_)
    scores, totals = score_values(criteria, values, feasible, weights)
    flips = _weight_flips(criteria, scores, weights, feasible, ids)
    evens = _input_breakevens(comparison, criteria, values, weights, feasible, ids)
    return Scorecard(
        option_ids=ids,
        labels=labels,
        criteria=criteria,
        values=values,
        scores=scores,
        weights_pct=weights,
        feasible=feasible,
        totals=totals,
        ranks=ranks(totals),
        weight_flips=flips,
        break_evens=evens,
        sentence=describe(ids, labels, totals, flips, evens, feasible),
    )

"""The Scorecard tab's words and number rules, Qt-free: rubric questions, rule and
direction names, short headers, and the one parser every typed cell goes through."""

import math
import re
from typing import Any

from tokentco.domain import Project
from tokentco.domain.scorecard import Criterion, Direction, ScoringRule

RULE_TEXT = {
    ScoringRule.RATIO_TO_BEST: "ratio to best",
    ScoringRule.MIN_MAX: "min–max",
    ScoringRule.RUBRIC: "rubric 1–5",
}
RULE_TIPS = {
    ScoringRule.RATIO_TO_BEST: "lower is better: 100·best/value; higher: 100·value/best",
    ScoringRule.MIN_MAX: "100·(worst − value)/(worst − best); exaggerates small gaps",
    ScoringRule.RUBRIC: "1 best … 5 worst: 100·(5 − r)/4",
}
DIRECTION_TEXT = {Direction.LOWER: "lower is better", Direction.HIGHER: "higher is better"}

LOCK_IN_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "software",
        "Software",
        "Software portability: can the serving stack (vLLM, SGLang, TensorRT-LLM, Dynamo…) "
        "and the model artefacts move to another vendor's hardware without rework?",
    ),
    (
        "interconnect",
        "Interconnect",
        "Interconnect and system: proprietary scale-up fabric or rack design that only one "
        "vendor supplies?",
    ),
    (
        "supply",
        "Supply",
        "Supply: how many independent suppliers/clouds offer this hardware?",
    ),
    (
        "contract",
        "Contract",
        "Contract: minimum term, exit terms, egress and data-portability costs, "
        "price-change clauses.",
    ),
)
LOCK_IN_SCALE = (
    "1 = open standards, many suppliers, short terms; "
    "5 = single supplier, proprietary stack and fabric, long lock-in term."
)
ACCURACY_RUBRIC = (
    "Accuracy-risk rubric for the chosen precision:\n"
    "1 — FP16/BF16 (reference)\n"
    "2 — FP8 with published accuracy within 1 % of reference for this model\n"
    "3 — FP8 without published validation, or FP4 with published validation\n"
    "4 — FP4 without validation for this model\n"
    "5 — lower than FP4, or an undisclosed quantisation scheme\n"
    "Tick 'validated' and record the evidence (link or document) that justifies a 2 or 3."
)
SHORT_HEADERS = {
    "usd_per_mtok": "$/Mtok",
    "annual_cost": "Annual cost",
    "interactivity": "tok/s/user",
    "ttft": "TTFT",
    "energy": "tok/s/MW",
    "accuracy_risk": "Accuracy",
    "lock_in": "Lock-in",
    "lead_time": "Lead time",
}


def short_header(criterion: Criterion) -> str:
    if criterion.id in SHORT_HEADERS:
        return SHORT_HEADERS[criterion.id]
    name = criterion.name
    return name if len(name) <= 16 else name[:15] + "…"


def manual_criteria(project: Project) -> tuple[Criterion, ...]:
    """Criteria whose values the analyst types per option (``metric`` '')."""
    return tuple(c for c in project.criteria if not c.metric)


def parse_number(text: Any, what: str) -> float | None:
    """A finite float from a cell ('' → None); ``ValueError`` with a one-line reason."""
    if text is None:
        return None
    if isinstance(text, bool):
        raise ValueError(f"{what}: expected a number")
    if isinstance(text, int | float):
        value = float(text)
    else:
        raw = str(text).strip().replace(",", "").replace("_", "")
        if raw == "":
            return None
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"{what}: {str(text).strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{what}: expected a finite number")
    return value


def unique_id(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "criterion"
    new, n = base, 2
    while new in taken:
        new, n = f"{base}_{n}", n + 1
    return new


def fmt_value(value: float, unit: str = "") -> str:
    if not math.isfinite(value):
        return "—"
    if abs(value) >= 1e6:
        text = f"{value / 1e6:,.2f} M"
    elif abs(value) >= 100:
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.3g}"
    return f"{text} {unit}".strip()

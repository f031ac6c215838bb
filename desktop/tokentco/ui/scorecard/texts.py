"""The Scorecard tab's words and number rules, Qt-free: rubric questions, rule and
direction names, short headers, and the one parser every typed cell goes through."""

import math
import re
from typing import Any

from tokentco.domain import Project
from tokentco.domain.scorecard import Criterion, ScoringRule
from tokentco.present import names

RULE_TEXT = names.SCORING_RULE
RULE_TIPS = {
    ScoringRule.RATIO_TO_BEST: "lower is better: 100·best/value; higher: 100·value/best",
    ScoringRule.MIN_MAX: "100·(worst − value)/(worst − best); exaggerates small gaps",
    ScoringRule.RUBRIC: "1 best … 5 worst: 100·(5 − r)/4",
}
DIRECTION_TEXT = names.DIRECTION
# the lock-in sub-questions and the accuracy rubric are worded once, in present.names, so
# the tab, the workbook and the report ask the same questions
LOCK_IN_QUESTIONS = names.LOCK_IN_QUESTIONS
LOCK_IN_SCALE = names.LOCK_IN_SCALE
ACCURACY_RUBRIC = (
    "Accuracy-risk rubric for the chosen precision:\n"
    + "".join(f"{score} — {text}\n" for score, text in names.ACCURACY_RUBRIC)
    + "Tick 'validated' and record the evidence (link or document) that justifies a 2 or 3."
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

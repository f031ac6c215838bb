"""RFP criteria, rubrics and the weights a procurement committee argues about."""

from enum import StrEnum

from pydantic import Field

from tokentco.domain.base import Frozen


class Direction(StrEnum):
    LOWER = "lower"
    HIGHER = "higher"


class ScoringRule(StrEnum):
    RATIO_TO_BEST = "ratio"
    MIN_MAX = "minmax"
    RUBRIC = "rubric"


class Criterion(Frozen):
    """One scorecard row: where the value comes from, which way is better, its weight."""

    id: str = Field(min_length=1)
    name: str
    unit: str
    direction: Direction
    weight_pct: float = Field(ge=0, le=100)
    rule: ScoringRule = ScoringRule.RATIO_TO_BEST
    metric: str = Field(default="", description="result field the value comes from; '' = manual")


class LockInRubric(Frozen):
    """Vendor lock-in, 1 (open, many suppliers) … 5 (single supplier, proprietary)."""

    software: int = Field(default=3, ge=1, le=5)
    interconnect: int = Field(default=3, ge=1, le=5)
    supply: int = Field(default=3, ge=1, le=5)
    contract: int = Field(default=3, ge=1, le=5)

    @property
    def score(self) -> float:
        return (self.software + self.interconnect + self.supply + self.contract) / 4.0


DEFAULT_CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        id="usd_per_mtok",
        name="Cost per million output tokens at the latency target",
        unit="$/Mtok",
        direction=Direction.LOWER,
        weight_pct=35,
        metric="usd_per_mtok",
    ),
    Criterion(
        id="annual_cost",
        name="Annual cost at the stated demand",
        unit="$/year",
        direction=Direction.LOWER,
        weight_pct=10,
        metric="annual_cost_usd",
    ),
    Criterion(
        id="interactivity",
        name="Interactivity at the operating point",
        unit="tokens/s/user",
        direction=Direction.HIGHER,
        weight_pct=10,
        metric="tokens_per_s_per_user",
    ),
    Criterion(
        id="ttft",
        name="Time to first token at the operating point",
        unit="ms",
        direction=Direction.LOWER,
        weight_pct=5,
        metric="ttft_ms",
    ),
    Criterion(
        id="energy",
        name="Energy: tokens per second per MW",
        unit="tok/s/MW",
        direction=Direction.HIGHER,
        weight_pct=10,
        metric="tokens_per_s_per_mw",
    ),
    Criterion(
        id="accuracy_risk",
        name="Accuracy risk of the chosen precision",
        unit="rubric 1-5",
        direction=Direction.LOWER,
        weight_pct=10,
        rule=ScoringRule.RUBRIC,
        metric="accuracy_risk",
    ),
    Criterion(
        id="lock_in",
        name="Vendor lock-in",
        unit="rubric 1-5",
        direction=Direction.LOWER,
        weight_pct=10,
        rule=ScoringRule.RUBRIC,
        metric="lock_in",
    ),
    Criterion(
        id="lead_time",
        name="Supply / lead time",
        unit="weeks",
        direction=Direction.LOWER,
        weight_pct=10,
        metric="lead_time_weeks",
    ),
)

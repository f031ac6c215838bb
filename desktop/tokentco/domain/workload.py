"""What the model is asked to do: request shape, latency targets and demand."""

from enum import StrEnum

from pydantic import Field, model_validator

from tokentco.domain.base import Frozen

MAX_TOKENS_PER_DAY = 1e16
"""About a hundred times today's whole industry: more is a typo (or 1e300) and would size a
fleet whose GPU count overflows a float."""


class TokenBasis(StrEnum):
    """Which tokens a $/Mtok figure counts."""

    OUTPUT = "output"
    TOTAL = "total"
    BLENDED = "blended"


class Workload(Frozen):
    """Request shape and latency targets; the operating point must meet the targets."""

    isl_tokens: int = Field(default=1024, ge=1, le=10_000_000)
    osl_tokens: int = Field(default=1024, ge=1, le=1_000_000)
    prefix_hit_rate: float = Field(default=0.0, ge=0, lt=1)
    max_ttft_ms: float | None = Field(default=None, gt=0, le=3_600_000, description="≤ 1 hour")
    min_tokens_per_s_per_user: float | None = Field(default=None, gt=0, le=1_000_000)
    token_basis: TokenBasis = TokenBasis.OUTPUT
    input_weight_in_blend: float = Field(
        default=0.25, ge=0, le=1, description="price of an input token relative to an output one"
    )

    @property
    def max_tpot_ms(self) -> float | None:
        if self.min_tokens_per_s_per_user is None:
            return None
        return 1000.0 / self.min_tokens_per_s_per_user


class Demand(Frozen):
    """Volume the fleet must serve; sizes GPUs, racks, MW and the contract."""

    tokens_per_day: float | None = Field(
        default=None, gt=0, le=MAX_TOKENS_PER_DAY, description="output tokens per day"
    )
    peak_requests_per_s: float | None = Field(default=None, gt=0, le=1e9)
    peak_to_average: float = Field(default=2.0, ge=1.0, le=20.0)
    term_years: float = Field(default=3.0, gt=0, le=15)

    @model_validator(mode="after")
    def _one_measure(self) -> "Demand":
        if self.tokens_per_day is not None and self.peak_requests_per_s is not None:
            raise ValueError("give demand as tokens per day or peak requests per second, not both")
        return self

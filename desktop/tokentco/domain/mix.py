"""Workload mixes and demand profiles: what real traffic looks like, not one request shape.

A committee buys for a mix (chat, RAG, code, agents, reasoning, batch), each class with its
own request shape and latency target, and for a load that swings by hour and grows by year.
``WorkloadClass`` is one slice of the mix; ``DemandProfile`` is the hourly load the fleet
must carry. Both are plain immutable data: the engine turns them into costs and plans.
"""

import math

from pydantic import Field, field_validator, model_validator

from tokentco.domain.base import Frozen
from tokentco.domain.workload import MAX_TOKENS_PER_DAY, Workload

HOURS_PER_DAY = 24
HOURS_PER_WEEK = 168
SHARE_TOLERANCE = 1e-3
"""How far the shares of a mix may sum from 1 (rounding in a hand-typed CSV)."""


class MultiTurn(Frozen):
    """An agentic session: several turns whose context grows, separated by tool calls.

    Turn 1 sends the class's ``isl_tokens``; each later turn re-sends the whole
    conversation so far plus ``tokens_added_per_turn`` new tokens (tool output, the user's
    next message). The earlier turns are a shared prefix the cache can serve, and the KV
    of a waiting session stays held for ``tool_wait_s`` between turns.
    """

    turns_per_session: int = Field(default=6, ge=1, le=64)
    tokens_added_per_turn: int = Field(default=1500, ge=0, le=1_000_000)
    tool_wait_s: float = Field(default=5.0, ge=0, le=3600)
    cache_retention: float = Field(
        default=0.7,
        ge=0,
        le=1,
        description="share of an earlier turn's context still cached when the next turn "
        "arrives with cache-blind routing (KV-aware routing raises it)",
    )


class WorkloadClass(Frozen):
    """One class of traffic in the mix.

    ``share`` is the class's share of **output tokens** (the seeds' counting basis), so a
    blended $/Mtok is the share-weighted mean of the classes' $/Mtok on that basis.
    Lengths are means, or medians when a p90 is given beside them (see ``_lognormal_mean``).
    """

    name: str = Field(min_length=1, max_length=60)
    share: float = Field(gt=0, le=1, description="share of output tokens")
    isl_tokens: int = Field(default=1024, ge=1, le=10_000_000)
    osl_tokens: int = Field(default=1024, ge=1, le=1_000_000)
    prefix_hit_rate: float = Field(default=0.0, ge=0, lt=1)
    max_ttft_ms: float | None = Field(default=None, gt=0)
    min_tokens_per_s_per_user: float | None = Field(default=None, gt=0)
    isl_p90_tokens: int | None = Field(
        default=None, ge=1, le=10_000_000, description="with it, isl_tokens is the median"
    )
    osl_p90_tokens: int | None = Field(
        default=None, ge=1, le=1_000_000, description="with it, osl_tokens is the median"
    )
    priority: int = Field(default=0, ge=0, le=9, description="0 = normal, higher = first")
    multi_turn: MultiTurn | None = None
    assumptions: str = Field(default="", description="why these numbers (shown with presets)")

    @model_validator(mode="after")
    def _p90_above_median(self) -> "WorkloadClass":
        for name, p50, p90 in (
            ("isl", self.isl_tokens, self.isl_p90_tokens),
            ("osl", self.osl_tokens, self.osl_p90_tokens),
        ):
            if p90 is not None and p90 < p50:
                raise ValueError(f"{name} p90 {p90} is below its median {p50}")
        return self

    @property
    def mean_isl_tokens(self) -> int:
        """Mean input length: the given mean, or the lognormal mean through p50 and p90."""
        return _lognormal_mean(self.isl_tokens, self.isl_p90_tokens)

    @property
    def mean_osl_tokens(self) -> int:
        return _lognormal_mean(self.osl_tokens, self.osl_p90_tokens)

    def workload(self, base: Workload) -> Workload:
        """The project's workload with this class's shape and targets (the token basis and
        blend weighting stay the project's, so every class is counted the same way)."""
        return base.model_copy(
            update={
                "isl_tokens": self.mean_isl_tokens,
                "osl_tokens": self.mean_osl_tokens,
                "prefix_hit_rate": self.prefix_hit_rate,
                "max_ttft_ms": self.max_ttft_ms,
                "min_tokens_per_s_per_user": self.min_tokens_per_s_per_user,
            }
        )


Z_P90 = 1.2815515655446004
"""Standard normal 90th percentile: a lognormal's p90 is p50 · exp(1.2816 σ)."""


def _lognormal_mean(p50: int, p90: int | None) -> int:
    """Mean of the lognormal with median ``p50`` and 90th percentile ``p90``.

    Request lengths are right-skewed; the estimator works on mean lengths (KV read and
    prefill grow with them), so a p50/p90 pair is turned into the mean it implies:
    ``p50 · exp(σ²/2)`` with ``σ = ln(p90/p50) / 1.2816``. Without a p90 ``p50`` is taken
    as the mean itself."""
    if p90 is None or p90 <= p50:
        return p50
    sigma = math.log(p90 / p50) / Z_P90
    return max(1, round(p50 * math.exp(sigma * sigma / 2.0)))


def check_shares(classes: tuple[WorkloadClass, ...]) -> None:
    """Raise ValueError unless the classes' names are unique and shares sum to 1."""
    names = [c.name for c in classes]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"workload class names must be unique, repeated: {', '.join(dupes)}")
    total = sum(c.share for c in classes)
    if classes and abs(total - 1.0) > SHARE_TOLERANCE:
        raise ValueError(f"shares of output tokens must sum to 1, they sum to {total:.4g}")


def _preset(name: str, share: float, assumptions: str, **fields: object) -> WorkloadClass:
    return WorkloadClass(name=name, share=share, assumptions=assumptions, **fields)


PRESETS: dict[str, WorkloadClass] = {
    "chat": _preset(
        "chat",
        0.4,
        "Conversational assistant: short prompts with a system prompt shared by every "
        "request (30% prefix hits), ~500-token answers read as they stream (20 tok/s/user "
        "is faster than reading), first token within 1 s.",
        isl_tokens=1000,
        osl_tokens=500,
        prefix_hit_rate=0.3,
        max_ttft_ms=1000.0,
        min_tokens_per_s_per_user=20.0,
    ),
    "rag": _preset(
        "rag",
        0.2,
        "Retrieval-augmented answers: 8k-token prompts of retrieved passages behind a "
        "shared instruction block (20% prefix hits), ~400-token answers, TTFT within 2 s.",
        isl_tokens=8000,
        osl_tokens=400,
        prefix_hit_rate=0.2,
        max_ttft_ms=2000.0,
        min_tokens_per_s_per_user=20.0,
    ),
    "code": _preset(
        "code",
        0.15,
        "Code assistant: 4k tokens of file context, mostly the same repository between "
        "requests (50% prefix hits), short completions wanted fast (50 tok/s/user, 500 ms).",
        isl_tokens=4000,
        osl_tokens=300,
        prefix_hit_rate=0.5,
        max_ttft_ms=500.0,
        min_tokens_per_s_per_user=50.0,
    ),
    "agentic": _preset(
        "agentic",
        0.1,
        "Multi-turn agent: 3k-token first prompt, 6 turns each adding 1.5k tokens of tool "
        "output, 5 s tool waits; earlier turns are a cached prefix (70% still cached with "
        "cache-blind routing).",
        isl_tokens=3000,
        osl_tokens=400,
        prefix_hit_rate=0.1,
        max_ttft_ms=3000.0,
        min_tokens_per_s_per_user=30.0,
        multi_turn=MultiTurn(),
    ),
    "reasoning": _preset(
        "reasoning",
        0.1,
        "Reasoning model: 2k-token question, 8k tokens of thinking and answer; users wait "
        "for the end, so 30 tok/s/user and a 5 s first token are acceptable.",
        isl_tokens=2000,
        osl_tokens=8000,
        max_ttft_ms=5000.0,
        min_tokens_per_s_per_user=30.0,
    ),
    "batch": _preset(
        "batch",
        0.05,
        "Overnight batch (summaries, extraction): 2k in, 500 out, no latency target, so "
        "the largest batch that fits wins.",
        isl_tokens=2000,
        osl_tokens=500,
    ),
}
"""Starting points for the common classes; their shares sum to 1 and the text says why."""


MAX_TOKENS_PER_S = MAX_TOKENS_PER_DAY / 86_400
"""The busiest hour a profile may hold: the flat demand's ceiling (tokens/day) per second."""
MAX_GROWN_FACTOR = 1e4
"""Growth over the plan may multiply the load at most this much (e.g. ×10/year for 4 years)."""


class DemandProfile(Frozen):
    """Hourly output tokens/s for a typical week (168 values) or day (24), plus growth.

    The profile repeats over the year; year ``k`` (0 = first) carries
    ``tokens_per_s × (1 + growth_per_year)^k``. The plan settings that only make sense with
    a profile live here too: the cost of capital that discounts later years and the spot
    rules for burst capacity.
    """

    tokens_per_s: tuple[float, ...] = Field(description="output tokens/s, one value per hour")
    growth_per_year: float = Field(default=0.0, ge=-0.9, le=10.0)
    cost_of_capital: float = Field(default=0.08, ge=0, le=0.5, description="NPV discount rate")
    use_spot: bool = Field(default=False, description="let burst use spot offers")
    spot_preemption_share: float = Field(
        default=0.1, ge=0, le=1, description="share of spot hours reclaimed, re-bought on demand"
    )
    name: str = ""

    @field_validator("tokens_per_s")
    @classmethod
    def _hours(cls, values: tuple[float, ...]) -> tuple[float, ...]:
        if len(values) not in (HOURS_PER_DAY, HOURS_PER_WEEK):
            raise ValueError(
                f"a demand profile has 24 (a day) or 168 (a week) hourly values, got {len(values)}"
            )
        bad = [i for i, v in enumerate(values) if not math.isfinite(v) or v < 0]
        if bad:
            raise ValueError(f"hour {bad[0]}: tokens/s must be a finite number ≥ 0")
        huge = [i for i, v in enumerate(values) if v > MAX_TOKENS_PER_S]
        if huge:
            raise ValueError(
                f"hour {huge[0]}: {values[huge[0]]:.3g} tokens/s is beyond any fleet "
                f"(at most {MAX_TOKENS_PER_S:.0e}, the project's {MAX_TOKENS_PER_DAY:.0e} "
                "tokens/day ceiling spread over a day)"
            )
        return values

    @model_validator(mode="after")
    def _some_load(self) -> "DemandProfile":
        if max(self.tokens_per_s) <= 0:
            raise ValueError("a demand profile needs some load: every hour is 0 tokens/s")
        return self

    @property
    def hours(self) -> int:
        return len(self.tokens_per_s)

    @property
    def peak_tokens_per_s(self) -> float:
        return max(self.tokens_per_s)

    @property
    def mean_tokens_per_s(self) -> float:
        return sum(self.tokens_per_s) / len(self.tokens_per_s)

    def scaled(self, factor: float) -> "DemandProfile":
        """The same shape carrying ``factor`` times the load."""
        return self.model_copy(
            update={"tokens_per_s": tuple(v * factor for v in self.tokens_per_s)}
        )


def business_hours(peak_tokens_per_s: float, night_share: float = 0.15) -> DemandProfile:
    """Weekdays 08:00–18:00 at peak, shoulders at half, nights and weekends at ``night_share``."""
    week = []
    for hour in range(HOURS_PER_WEEK):
        day, clock = divmod(hour, HOURS_PER_DAY)
        if day >= 5:
            level = night_share
        elif 8 <= clock < 18:
            level = 1.0
        elif clock in (7, 18, 19):
            level = 0.5
        else:
            level = night_share
        week.append(peak_tokens_per_s * level)
    return DemandProfile(tokens_per_s=tuple(week), name="business hours")


def follow_the_sun(peak_tokens_per_s: float, trough_share: float = 0.6) -> DemandProfile:
    """Users on three continents: a shallow daily wave (trough ``trough_share`` of peak)."""
    week = []
    for hour in range(HOURS_PER_WEEK):
        wave = 0.5 * (1.0 + math.cos(2.0 * math.pi * ((hour % HOURS_PER_DAY) - 15) / 24))
        level = trough_share + (1.0 - trough_share) * wave
        week.append(peak_tokens_per_s * level)
    return DemandProfile(tokens_per_s=tuple(week), name="follow the sun")


def batch_at_night(
    day_tokens_per_s: float, night_tokens_per_s: float, night_start: int = 22, night_end: int = 6
) -> DemandProfile:
    """Interactive load by day, a batch job at ``night_tokens_per_s`` overnight, every day."""
    week = []
    for hour in range(HOURS_PER_WEEK):
        clock = hour % HOURS_PER_DAY
        night = clock >= night_start or clock < night_end
        week.append(night_tokens_per_s if night else day_tokens_per_s)
    return DemandProfile(tokens_per_s=tuple(week), name="batch at night")


PROFILE_PRESETS = ("business hours", "follow the sun", "batch at night")


def profile_preset(name: str, peak_tokens_per_s: float) -> DemandProfile:
    """One of ``PROFILE_PRESETS`` peaking at ``peak_tokens_per_s`` (batch at night: the
    overnight job is the peak, daytime traffic 40% of it)."""
    if name == "business hours":
        return business_hours(peak_tokens_per_s)
    if name == "follow the sun":
        return follow_the_sun(peak_tokens_per_s)
    if name == "batch at night":
        return batch_at_night(0.4 * peak_tokens_per_s, peak_tokens_per_s)
    raise ValueError(f"unknown profile preset {name!r} (known: {', '.join(PROFILE_PRESETS)})")


def _rescaled(
    classes: tuple[WorkloadClass, ...], keep: int, share: float
) -> tuple[WorkloadClass, ...]:
    """Classes with ``classes[keep]`` at ``share`` and the others scaled to fill 1 − share
    in their current proportions (equally when they are all but zero)."""
    others = [c for i, c in enumerate(classes) if i != keep]
    if not others:
        return (classes[keep].model_copy(update={"share": 1.0}),)
    share = min(max(share, 1e-4), 1.0 - 1e-4 * len(others))
    rest = sum(c.share for c in others)
    out = []
    for i, c in enumerate(classes):
        if i == keep:
            out.append(c.model_copy(update={"share": share}))
        else:
            part = c.share / rest if rest > 0 else 1.0 / len(others)
            out.append(c.model_copy(update={"share": (1.0 - share) * part}))
    return tuple(out)


def with_share(
    classes: tuple[WorkloadClass, ...], index: int, share: float
) -> tuple[WorkloadClass, ...]:
    """Edit one class's share; the others absorb the difference so the mix still sums to 1
    (an analyst types "chat 50 %" and expects the rest to make room)."""
    return _rescaled(classes, index, share)


def with_class(
    classes: tuple[WorkloadClass, ...], added: WorkloadClass
) -> tuple[WorkloadClass, ...]:
    """Add a class at its own share (the others shrink to make room); a name already in the
    mix gets a numeric suffix so names stay unique."""
    names = {c.name for c in classes}
    name, n = added.name, 2
    while name in names:
        name, n = f"{added.name} {n}", n + 1
    grown = (*classes, added.model_copy(update={"name": name}))
    return _rescaled(grown, len(grown) - 1, added.share if classes else 1.0)


def without_class(classes: tuple[WorkloadClass, ...], index: int) -> tuple[WorkloadClass, ...]:
    """Remove a class; the remaining shares are scaled back up to sum to 1."""
    rest = tuple(c for i, c in enumerate(classes) if i != index)
    total = sum(c.share for c in rest)
    return tuple(c.model_copy(update={"share": c.share / total}) for c in rest)

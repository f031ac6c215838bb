"""Serving-stack choices that change delivered tokens per GPU."""

from pydantic import Field, model_validator

from tokentco.domain.base import Frozen
from tokentco.domain.precision import Precision

MIN_UTILIZATION = 0.01
"""Below 1% of hours in use the cost per token is dominated by idle time and 1e-300 would
print a 300-digit $/Mtok: such a value is a typo, not a scenario."""


class SpeculativeDecoding(Frozen):
    """Draft k tokens, verify them in one step; α is the per-token acceptance rate."""

    enabled: bool = False
    draft_tokens: int = Field(default=3, ge=1, le=16)
    acceptance_rate: float = Field(default=0.7, ge=0, lt=1)
    draft_cost_fraction: float = Field(
        default=0.05, ge=0, le=1, description="draft work per drafted token vs one target step"
    )

    @property
    def tokens_per_step(self) -> float:
        """Expected tokens emitted per verify step: (1 − α^(k+1)) / (1 − α)."""
        if not self.enabled:
            return 1.0
        alpha, k = self.acceptance_rate, self.draft_tokens
        return (1.0 - alpha ** (k + 1)) / (1.0 - alpha)


class KvOffload(Frozen):
    """A host-memory (or SSD) tier behind HBM for KV cache."""

    enabled: bool = False
    capacity_gb_per_gpu: float = Field(default=256.0, gt=0, le=1_000_000)
    bandwidth_gb_s_per_gpu: float = Field(default=50.0, gt=0, le=1_000_000)


class ServingOptions(Frozen):
    """Precision, parallelism and features of the serving stack.

    ``tp``/``ep`` left as None let the estimator search the legal layouts and keep the
    best one; setting them pins the layout as a vendor's RFP answer would.
    """

    weight_precision: Precision = Precision.FP8
    compute_precision: Precision = Precision.FP8
    kv_precision: Precision = Precision.FP8
    tp: int | None = Field(default=None, ge=1, le=1024)
    ep: int | None = Field(default=None, ge=1, le=1024)
    pp: int = Field(default=1, ge=1, le=64)
    max_concurrency: int = Field(default=1024, ge=1, le=65536, description="per replica")
    speculative: SpeculativeDecoding = SpeculativeDecoding()
    disaggregated: bool = False
    kv_aware_routing: bool = False
    routing_hit_gain: float = Field(
        default=0.5, ge=0, le=1, description="share of prefix misses that routing turns into hits"
    )
    kv_offload: KvOffload = KvOffload()
    chunked_prefill: bool = True
    utilization: float = Field(
        default=0.7,
        ge=MIN_UTILIZATION,
        le=1,
        description="share of paid hours doing useful work (1% to 100%)",
    )
    engine_family: str = Field(default="", description="calibration key, e.g. 'trtllm', 'vllm'")

    @model_validator(mode="after")
    def _layout(self) -> "ServingOptions":
        if self.tp is not None and self.ep is not None and self.ep > self.tp * self.pp * 64:
            raise ValueError(f"ep {self.ep} is larger than the replica can hold")
        return self

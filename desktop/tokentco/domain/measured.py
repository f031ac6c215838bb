"""Published or vendor-supplied measured throughput: calibration data and overrides."""

from pydantic import Field

from tokentco.domain.base import Frozen
from tokentco.domain.precision import Precision


class MeasuredPoint(Frozen):
    """One measured load point (per GPU), as published with its source."""

    id: str = Field(min_length=1)
    hardware_id: str
    model_id: str
    precision: Precision | None = None
    engine: str = ""
    num_gpus: int = Field(default=8, ge=1)
    tp: int | None = Field(default=None, ge=1)
    ep: int | None = Field(default=None, ge=1)
    pp: int | None = Field(default=None, ge=1)
    isl_tokens: int | None = Field(default=None, ge=1)
    osl_tokens: int | None = Field(default=None, ge=1)
    scenario: str = ""
    latency_constraint: str = ""
    disaggregated: bool = False
    spec_decoding: bool = False
    output_tokens_per_s_per_gpu: float = Field(gt=0)
    tokens_per_s_per_user: float | None = Field(default=None, gt=0)
    ttft_ms: float | None = Field(default=None, gt=0)
    source: str = ""

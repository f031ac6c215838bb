"""Accelerators and the systems (servers, racks) that house them."""

from pydantic import Field, model_validator

from tokentco.domain.base import Frozen
from tokentco.domain.precision import Precision


class Accelerator(Frozen):
    """One GPU/accelerator as a vendor specifies it: peak, dense figures per precision.

    Peak figures are inputs; the estimator applies calibrated efficiencies to them.
    """

    id: str = Field(min_length=1)
    vendor: str = ""
    name: str = ""
    memory_gb: float = Field(gt=0, le=1e6, description="HBM capacity, GB (10^9 bytes)")
    memory_bw_tb_s: float = Field(gt=0, le=1e4, description="HBM bandwidth, TB/s")
    fp16_dense_tflops: float = Field(gt=0, le=1e7, description="dense BF16/FP16 tensor TFLOPS")
    fp8_dense_tflops: float | None = Field(default=None, gt=0, le=1e7)
    fp4_dense_tflops: float | None = Field(default=None, gt=0, le=1e7)
    int8_dense_tops: float | None = Field(default=None, gt=0, le=1e7)
    tdp_w: float | None = Field(
        default=None, gt=0, le=1e5, description="board power, W (None: unpublished)"
    )
    scaleup_domain_gpus: int = Field(
        default=8, ge=1, le=100_000, description="GPUs in one NVLink/IF domain"
    )
    scaleup_bw_gb_s_per_gpu: float = Field(default=64.0, gt=0, le=1e6, description="per direction")
    scaleout_bw_gb_s_per_gpu: float = Field(default=50.0, gt=0, le=1e6, description="per direction")
    release_year: int | None = None
    source: str = ""

    def peak_tflops(self, precision: Precision) -> float:
        """Dense peak for a compute precision.

        Hardware without a native format runs it at the next wider format it has (an FP4
        model on Hopper computes in FP8), which is what serving engines do in practice.
        """
        chain = {
            Precision.FP4: (self.fp4_dense_tflops, self.fp8_dense_tflops, self.fp16_dense_tflops),
            Precision.FP8: (self.fp8_dense_tflops, self.fp16_dense_tflops),
            Precision.INT8: (self.int8_dense_tops, self.fp8_dense_tflops, self.fp16_dense_tflops),
            Precision.FP16: (self.fp16_dense_tflops,),
        }[precision]
        return next(v for v in chain if v is not None)

    def supports(self, precision: Precision) -> bool:
        """True when the hardware has native tensor throughput for this precision."""
        native = {
            Precision.FP16: self.fp16_dense_tflops,
            Precision.FP8: self.fp8_dense_tflops,
            Precision.INT8: self.int8_dense_tops,
            Precision.FP4: self.fp4_dense_tflops,
        }
        return native[precision] is not None

    @property
    def memory_bytes(self) -> float:
        return self.memory_gb * 1e9


class System(Frozen):
    """A server or rack: how many accelerators share a chassis and its power budget."""

    id: str = Field(min_length=1)
    accelerator_id: str = Field(min_length=1)
    name: str = ""
    gpus_per_system: int = Field(ge=1, le=100_000)
    system_power_kw: float | None = Field(default=None, gt=0)
    list_price_usd: float | None = Field(default=None, gt=0, le=1e12)
    source: str = ""

    @model_validator(mode="after")
    def _power_is_plausible(self) -> "System":
        if self.system_power_kw is not None and self.system_power_kw > 2000:
            raise ValueError(
                f"system_power_kw {self.system_power_kw} is implausible: expected kW, not W"
            )
        return self

    @property
    def watts_per_gpu(self) -> float | None:
        """All-in IT watts per GPU (its share of CPUs, NICs, switches, fans)."""
        if self.system_power_kw is None:
            return None
        return self.system_power_kw * 1000.0 / self.gpus_per_system

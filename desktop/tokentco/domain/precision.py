"""Numeric precisions and the bytes each one costs per element."""

from enum import StrEnum


class Precision(StrEnum):
    """Number format for weights, compute or KV cache.

    FP4 covers NVFP4 and MXFP4 (4-bit values plus block scales); INT8 is kept because
    some vendors quote it and older GPUs run W8A8 instead of FP8.
    """

    FP16 = "fp16"
    FP8 = "fp8"
    INT8 = "int8"
    FP4 = "fp4"

    @property
    def bytes_per_element(self) -> float:
        """Storage per value, including block-scale overhead for FP4 (1 scale / 16 values)."""
        return _BYTES[self]

    @classmethod
    def parse(cls, text: str) -> "Precision":
        """Read the spellings found in vendor sheets and benchmark logs (BF16, NVFP4, MXFP4…)."""
        key = text.strip().lower().replace("-", "").replace("_", "")
        if key in _ALIASES:
            return _ALIASES[key]
        raise ValueError(
            f"unknown precision {text!r}: expected one of fp16, bf16, fp8, int8, fp4, nvfp4, mxfp4"
        )


_BYTES = {Precision.FP16: 2.0, Precision.FP8: 1.0, Precision.INT8: 1.0, Precision.FP4: 0.5625}

_ALIASES = {
    "fp16": Precision.FP16,
    "bf16": Precision.FP16,
    "float16": Precision.FP16,
    "bfloat16": Precision.FP16,
    "fp8": Precision.FP8,
    "e4m3": Precision.FP8,
    "int8": Precision.INT8,
    "w8a8": Precision.INT8,
    "fp4": Precision.FP4,
    "nvfp4": Precision.FP4,
    "mxfp4": Precision.FP4,
}

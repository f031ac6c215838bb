"""Calibrated efficiency factors and their lookup with sensible fallbacks.

The fitted table is data (shipped in resources/calibration and loaded by io); this module
only looks factors up, so the engine stays free of file access.
"""

from dataclasses import dataclass, field

from tokentco.domain import Precision
from tokentco.engine.efficiency import DEFAULT_EFFICIENCY, Efficiency


def engine_family(engine: str) -> str:
    """Normalise a serving-engine name to a calibration key ('trtllm', 'vllm', 'sglang', …)."""
    text = engine.lower()
    for key, needles in (
        ("trtllm", ("tensorrt", "trt")),
        ("sglang", ("sglang",)),
        ("vllm", ("vllm",)),
        ("dynamo", ("dynamo",)),
    ):
        if any(n in text for n in needles):
            return key
    return ""


@dataclass(frozen=True)
class Calibration:
    """Efficiency per (hardware, precision, engine family), most specific key first.

    Keys use '' for "any": ('h100-sxm', 'fp8', '') covers every engine on H100 at FP8.
    """

    table: dict[tuple[str, str, str], Efficiency] = field(default_factory=dict)
    default: Efficiency = DEFAULT_EFFICIENCY
    version: str = "defaults"
    groups: dict[str, str] = field(default_factory=dict)
    """Hardware id → where it borrows factors it has not got: the most similar fitted
    accelerator of its vendor/generation (e.g. 'gb300' → 'gb200'), else the generation's
    pooled key (e.g. 'nvidia:fp4'); tried before the precision/engine/global fallbacks."""
    bands: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Residual group → (p10, p90) of ln(measured / figure) out of sample: the p10–p90
    range of a figure in that group (``engine/uncertainty.py``, ``engine/intervals.py``)."""

    def lookup(self, hardware_id: str, precision: Precision, engine: str = "") -> Efficiency:
        family = engine_family(engine) if engine else ""
        group = self.groups.get(hardware_id, "")
        keys = [
            (hardware_id, precision.value, family),
            (hardware_id, precision.value, ""),
            (hardware_id, "", family),
            (hardware_id, "", ""),
        ]
        if group:
            keys += [(group, precision.value, ""), (group, "", "")]
        keys += [("", precision.value, family), ("", precision.value, ""), ("", "", family)]
        for key in keys:
            if key in self.table:
                return self.table[key]
        return self.default

    def is_calibrated(self, hardware_id: str) -> bool:
        return any(key[0] == hardware_id for key in self.table)


DEFAULT_CALIBRATION = Calibration()

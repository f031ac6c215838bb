"""Efficiency factors: how far real serving stacks fall short of the roofline.

Defaults are deliberately generic (they apply to hardware nobody has measured); the
calibration fit replaces them per hardware × precision (× engine family) where the
published data supports it.
"""

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Efficiency:
    """Fractions of peak achieved, and fixed costs, for one hardware × precision × engine."""

    eta_mem: float = 0.70
    """Share of HBM bandwidth a decode step achieves."""
    eta_flops: float = 0.55
    """Share of dense peak FLOPS the decode GEMMs achieve at large batch."""
    eta_prefill: float = 0.55
    """Share of dense peak FLOPS prefill achieves."""
    step_overhead_s: float = 0.004
    """Fixed per-step cost (scheduling, sampling, kernel launches) for a whole step."""
    comm_latency_s: float = 15e-6
    """Latency of one collective inside the scale-up domain (scale-out pays 4×)."""

    def with_values(self, **changes: float) -> "Efficiency":
        return replace(self, **changes)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


DEFAULT_EFFICIENCY = Efficiency()

"""Result types the engine returns; the UI, CLI, scorecard and report only read these.

Every throughput figure carries its provenance: ``measured`` (with its source),
``anchored`` (the model scaled to a measurement, with the source and the factor) or
``estimated`` (with the model version), so nothing downstream can show an unlabelled
number. Estimated and anchored figures carry a p10–p90 range (``Uncertainty``) and every
input the engine assumed rather than read is listed (``Assumption``).
"""

import math
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from tokentco.domain import MeasuredPoint
from tokentco.engine.calibration import Calibration

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_D = TypeVar("_D")


def evolve(obj: _D, **changes: Any) -> _D:
    """``dataclasses.replace(obj, **changes)`` for the engine's frozen dataclasses, about
    twenty times faster: a copy of ``obj``'s fields with ``changes`` put in, built without
    calling ``__init__`` (none of these classes has a ``__post_init__``, an ``init=False``
    field or ``__slots__``; ``tests/engine/test_evolve.py`` checks that, and that the result
    equals ``replace``'s). The economics of 100 options made ~560 ``replace`` calls per
    utilization move, a third of its time."""
    fields = type(obj).__dataclass_fields__  # type: ignore[attr-defined]
    assert changes.keys() <= fields.keys(), f"unknown fields {set(changes) - set(fields)}"
    new = object.__new__(type(obj))
    state = new.__dict__  # a frozen dataclass blocks setattr, not its __dict__
    state.update(obj.__dict__)
    state.update(changes)
    return new


class Binding(IntEnum):
    """Which resource limits a point; the UI explains it in plain words."""

    MEMORY_BANDWIDTH = 0
    COMPUTE = 1
    CAPACITY = 2
    COMMUNICATION = 3
    OVERHEAD = 4
    LATENCY_TARGET = 5

    @property
    def label(self) -> str:
        return _BINDING_LABEL[self]

    @property
    def explanation(self) -> str:
        return _BINDING_TEXT[self]


_BINDING_LABEL = {
    Binding.MEMORY_BANDWIDTH: "memory bandwidth",
    Binding.COMPUTE: "compute",
    Binding.CAPACITY: "memory capacity",
    Binding.COMMUNICATION: "communication",
    Binding.OVERHEAD: "step overhead",
    Binding.LATENCY_TARGET: "latency target",
}
_BINDING_TEXT = {
    Binding.MEMORY_BANDWIDTH: "Each decode step waits on reading weights and KV cache from HBM; "
    "more bandwidth, lower-precision weights or larger batches raise throughput.",
    Binding.COMPUTE: "The tensor cores are saturated; lower precision (FP8/FP4) or more GPUs help.",
    Binding.CAPACITY: "HBM is full of weights and KV cache, so no more sequences fit; "
    "more GPUs per replica, KV offload or a smaller KV precision raise the batch.",
    Binding.COMMUNICATION: "Tensor/expert-parallel traffic between GPUs dominates each step; "
    "a larger scale-up (NVLink) domain or less parallelism helps.",
    Binding.OVERHEAD: "Fixed per-step software overhead dominates at this small batch.",
    Binding.LATENCY_TARGET: "A larger batch would give more tokens per GPU but would miss the "
    "latency target; relaxing the target lowers $/Mtok.",
}


class Infeasible(IntEnum):
    """Why a point cannot run (0 = it can)."""

    OK = 0
    DOES_NOT_FIT = 1
    CONTEXT_TOO_LONG = 2
    TTFT_TARGET = 3
    INTERACTIVITY_TARGET = 4
    LAYOUT = 5


@dataclass(frozen=True)
class Sweep:
    """Estimator output over a grid; every array has the grid's shape."""

    concurrency: FloatArray
    tp: IntArray
    ep: IntArray
    output_tokens_per_s_per_gpu: FloatArray
    total_tokens_per_s_per_gpu: FloatArray
    tokens_per_s_per_user: FloatArray
    ttft_ms: FloatArray
    tpot_ms: FloatArray
    memory_used_gb_per_gpu: FloatArray
    binding: IntArray
    reason: IntArray
    gpus: IntArray | None = None
    pp: IntArray | None = None

    @property
    def feasible(self) -> BoolArray:
        return np.asarray(self.reason == Infeasible.OK)


@dataclass(frozen=True)
class Frontier:
    """Pareto curve of tokens/s/GPU against tokens/s/user (interactivity), ascending user speed."""

    tokens_per_s_per_user: FloatArray
    output_tokens_per_s_per_gpu: FloatArray
    concurrency: FloatArray


@dataclass(frozen=True)
class OperatingPoint:
    """The chosen point: highest tokens/s/GPU that meets the latency targets."""

    feasible: bool
    reason: str
    provenance: str  # "measured", "anchored" or "estimated"
    source: str
    concurrency: float
    tp: int
    ep: int
    output_tokens_per_s_per_gpu: float
    total_tokens_per_s_per_gpu: float
    tokens_per_s_per_user: float
    ttft_ms: float
    tpot_ms: float
    memory_used_gb_per_gpu: float
    binding: Binding
    gpus_per_replica: int = 1
    pp: int = 1
    anchor_factor: float = 1.0
    """measured / model(measured configuration) when ``provenance`` is "anchored"."""
    anchor_source: str = ""
    """The measurement(s) the figure is anchored to (source citation or point ids)."""


@dataclass(frozen=True)
class CostBreakdown:
    """All-in cost of one GPU-hour, USD, and how it is made up."""

    usd_per_gpu_hour: float
    rental_usd: float = 0.0
    capex_usd: float = 0.0
    energy_usd: float = 0.0
    opex_usd: float = 0.0
    basis: str = ""


@dataclass(frozen=True)
class FleetSizing:
    """What a procurement committee signs: GPUs, systems, MW and money at the demand."""

    gpus: int
    systems: int
    megawatts: float
    utilization: float
    annual_cost_usd: float
    contract_value_usd: float
    term_years: float


@dataclass(frozen=True)
class Range:
    """A p10–p90 interval of one quantity (same unit as its central value)."""

    p10: float
    p90: float


@dataclass(frozen=True)
class Uncertainty:
    """p10–p90 ranges of an option's figures, from out-of-sample (leave-one-source-out)
    residuals of the group named in ``group``; None where a quantity does not apply."""

    tokens_per_s_per_gpu: Range
    usd_per_mtok: Range
    tokens_per_s_per_mw: Range | None = None
    gpus: Range | None = None
    annual_cost_usd: Range | None = None
    group: str = ""


@dataclass(frozen=True)
class Assumption:
    """An input the engine assumed rather than read, shown wherever its figure is shown."""

    field: str
    """Machine name of the input, e.g. ``scale_up_gpus`` or ``capex_usd_per_gpu``."""
    value: str
    """The value used, worded with its unit."""
    how_to_set: str
    """Where the analyst sets it for real."""


@dataclass(frozen=True)
class AnchorCandidate:
    """One measurement of the option's hardware and model, and what anchoring made of it."""

    point_id: str
    source: str
    measured_tokens_per_s_per_gpu: float
    distance: float
    differences: tuple[str, ...]
    """What differs from the requested configuration (the terms of the distance)."""
    used: bool = False
    why: str = ""
    """Why it was (or was not) used, in words."""
    model_tokens_per_s_per_gpu: float = math.nan
    """The estimator's figure at the measured configuration (NaN when not computed)."""
    factor: float = math.nan
    """measured / model(measured configuration)."""
    weight: float = 0.0
    """Share of this measurement in the combined log factor (0 when unused)."""
    assumed_lengths: bool = False
    """The measurement states no input length; a dataset mean was used."""


@dataclass(frozen=True)
class OptionResult:
    """Everything known about one option at the operating point."""

    option_id: str
    label: str
    accelerator_id: str
    offer_id: str
    point: OperatingPoint
    cost: CostBreakdown
    utilization: float
    usd_per_mtok: float  # on the project's token basis; inf when infeasible
    usd_per_mtok_output: float
    usd_per_mtok_total: float
    watts_per_gpu_all_in: float | None
    pue: float
    tokens_per_s_per_mw: float | None
    kwh_per_mtok: float | None
    pflops_per_usd_hour: float
    fleet: FleetSizing | None
    frontier: Frontier
    accuracy_risk: int
    lock_in: float
    lead_time_weeks: float | None
    waterfall: tuple[tuple[str, float], ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())
    uncertainty: Uncertainty | None = None
    assumptions: tuple[Assumption, ...] = field(default=())
    anchors: tuple[AnchorCandidate, ...] = field(default=())
    """The nearest measurements of this hardware and model, used or not, nearest first."""
    measured_point: MeasuredPoint | None = None
    """The measurement the figure equals when ``point.provenance`` is "measured"."""


@dataclass(frozen=True)
class Comparison:
    """Results for every option of a project, in the project's option order."""

    model_id: str
    options: tuple[OptionResult, ...]
    calibration: "Calibration | None" = None
    """The efficiency factors the figures were computed with; anything that re-evaluates
    (sensitivity, break-even) must reuse them so its numbers agree with these."""
    p_winner_cheapest: float | None = None
    """Probability that the cheapest option at the target really is the cheapest, given the
    correlated estimate errors; None when it cannot be stated (fewer than two feasible)."""

    @property
    def cheapest(self) -> OptionResult | None:
        ok = [o for o in self.options if o.point.feasible]
        return min(ok, key=lambda o: o.usd_per_mtok) if ok else None

    def by_id(self, option_id: str) -> OptionResult:
        return next(o for o in self.options if o.option_id == option_id)

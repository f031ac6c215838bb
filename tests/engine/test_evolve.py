"""``results.evolve`` is ``dataclasses.replace`` without ``__init__``: valid only for
dataclasses with no ``__post_init__``, no ``init=False`` field and no ``__slots__``. Every
class it is used on is checked for that here, and its copies against ``replace``'s."""

import dataclasses
import math

import pytest

from tokentco.engine.option_eval import Anchored, OptionPlan
from tokentco.engine.results import (
    AnchorCandidate,
    Binding,
    OperatingPoint,
    OptionResult,
    evolve,
)
from tokentco.engine.stages import OptionSweep

USED_ON = (OptionResult, OperatingPoint, AnchorCandidate, Anchored, OptionPlan, OptionSweep)


@pytest.mark.parametrize("cls", USED_ON)
def test_classes_it_copies_have_nothing_init_would_do(cls: type) -> None:
    assert dataclasses.is_dataclass(cls)
    assert not hasattr(cls, "__post_init__")
    assert not hasattr(cls, "__slots__")
    assert all(f.init for f in dataclasses.fields(cls))


def test_evolve_equals_replace() -> None:
    point = OperatingPoint(
        True, "", "estimated", "model", 8.0, 2, 1, 100.0, 130.0, 40.0, 200.0, 25.0, 60.0,
        Binding.COMPUTE,
    )  # fmt: skip
    moved = evolve(point, output_tokens_per_s_per_gpu=90.0, provenance="anchored")
    assert moved == dataclasses.replace(
        point, output_tokens_per_s_per_gpu=90.0, provenance="anchored"
    )
    assert type(moved) is OperatingPoint
    assert point.output_tokens_per_s_per_gpu == 100.0  # the original is untouched
    with pytest.raises(dataclasses.FrozenInstanceError):
        moved.tp = 3  # type: ignore[misc]
    cand = AnchorCandidate("p1", "src", 50.0, 0.2, ("isl",))
    assert evolve(cand, weight=0.5) == dataclasses.replace(cand, weight=0.5)
    assert math.isnan(evolve(cand, used=True).factor)


def test_evolve_refuses_an_unknown_field() -> None:
    cand = AnchorCandidate("p1", "src", 50.0, 0.2, ("isl",))
    with pytest.raises(AssertionError):
        evolve(cand, wieght=0.5)

"""``tokentco estimate`` lets two threads share the sweep only when a core is spare: on a
busy machine the second thread only hands the GIL back and forth."""

import pytest

from tokentco.cli import estimate


@pytest.mark.parametrize(
    ("cores", "load", "threads"), [(1, 0.0, 1), (2, 0.5, 2), (2, 1.2, 1), (8, 3.0, 2)]
)
def test_the_command_shares_the_sweep_only_with_a_spare_core(
    monkeypatch: pytest.MonkeyPatch, cores: int, load: float, threads: int
) -> None:
    monkeypatch.setattr(estimate.os, "cpu_count", lambda: cores)
    monkeypatch.setattr(estimate.os, "getloadavg", lambda: (load, load, load))
    assert estimate.sweep_threads() == threads


def test_without_a_load_average_two_cores_are_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> tuple[float, float, float]:
        raise OSError("no load average")

    monkeypatch.setattr(estimate.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(estimate.os, "getloadavg", missing)
    assert estimate.sweep_threads() == 2

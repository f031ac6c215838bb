"""``tokentco estimate`` lets two threads share the sweep only when a core is spare: on a
busy machine the second thread only hands the GIL back and forth."""

from pathlib import Path

import pytest

from tokentco.cli import estimate


@pytest.mark.parametrize(
    ("cores", "others", "threads"),
    [(1, 0.0, 1), (2, 0.0, 2), (2, 0.5, 2), (2, 1.0, 1), (2, 1.2, 1), (8, 3.0, 2), (2, None, 2)],
)
def test_the_command_shares_the_sweep_only_with_a_spare_core(
    monkeypatch: pytest.MonkeyPatch, cores: int, others: float | None, threads: int
) -> None:
    monkeypatch.setattr(estimate.os, "cpu_count", lambda: cores)
    monkeypatch.setattr(estimate, "_other_tasks_running", lambda: others)
    assert estimate.sweep_threads() == threads


def test_the_running_tasks_exclude_this_one() -> None:
    others = estimate._other_tasks_running()
    assert others is None or others >= 0


def test_without_a_count_the_load_average_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def unreadable(self: Path, encoding: str | None = None) -> str:
        raise OSError("no /proc")

    monkeypatch.setattr(estimate.Path, "read_text", unreadable)
    monkeypatch.setattr(estimate.os, "getloadavg", lambda: (1.5, 1.0, 1.0))
    assert estimate._other_tasks_running() == 1.5

    def missing() -> tuple[float, float, float]:
        raise OSError("no load average")

    monkeypatch.setattr(estimate.os, "getloadavg", missing)
    assert estimate._other_tasks_running() is None

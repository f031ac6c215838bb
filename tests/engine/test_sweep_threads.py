"""Two threads sweeping the chunks give the serial sweep's estimates, and fail as it fails.

``point_groups`` shares a big file's chunks between two threads (numpy releases the GIL
inside its loops); only the scheduling changes, so the estimates must be the same floats
and the first failing chunk's exception must reach the caller as in the serial loop.
"""

import threading

import numpy as np
import pytest

from tokentco.engine import point_groups
from tokentco.engine.point_groups import GroupedPlan, PointColumns, plan_columns, solve_grouped
from tokentco.engine.points import PointEstimates
from tokentco.io.bundled import bundled_catalogue, resource_path
from tokentco.io.calibration_file import load_calibration
from tokentco.io.estimate_table import read_points_table


@pytest.fixture(scope="module")
def public_plan() -> GroupedPlan:
    """The public calibration set's plan (many kinds, so many chunks)."""
    table = read_points_table(resource_path("calibration", "measured_public.csv"))
    columns = PointColumns.from_cells(table.column, len(table))
    return plan_columns(columns, bundled_catalogue(), load_calibration())


def _solved(plan: GroupedPlan, monkeypatch: pytest.MonkeyPatch, threads: bool) -> PointEstimates:
    """The plan solved with small chunks, by two threads or serially."""
    with monkeypatch.context() as patch:
        patch.setattr(point_groups, "CHUNK_POINTS", 16 * point_groups.LEVELS)
        patch.setattr(point_groups, "PARALLEL_CASES", 0)
        return solve_grouped(plan, 2 if threads else 1)


def test_threads_give_the_serial_estimates(
    public_plan: GroupedPlan, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = _solved(public_plan, monkeypatch, threads=False)
    _same(serial, _solved(public_plan, monkeypatch, threads=True))
    _same(serial, solve_grouped(public_plan))  # the usual chunks: a case's floats alike


def _same(a: PointEstimates, b: PointEstimates) -> None:
    for name in ("output_tokens_per_s_per_gpu", "tokens_per_s_per_user", "ttft_ms"):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name
    for name in ("concurrency", "gpus_per_replica"):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name
    assert (a.ids, a.binding, a.status) == (b.ids, b.binding, b.status)


def test_threads_are_used_only_for_many_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: set[str] = set()

    def work(at: slice) -> int:
        seen.add(threading.current_thread().name)
        return at.start

    parts = [slice(i, i + 10) for i in range(0, 100, 10)]
    starts = list(range(0, 100, 10))
    assert point_groups._mapped_in_order(work, parts, 2) == starts
    assert seen == {threading.current_thread().name}  # 100 cases: serial
    monkeypatch.setattr(point_groups, "PARALLEL_CASES", 50)
    seen.clear()
    assert point_groups._mapped_in_order(work, parts, 2) == starts
    assert seen and all(name.startswith("tokentco-sweep") for name in seen)
    seen.clear()
    assert point_groups._mapped_in_order(work, parts, 1) == starts
    assert seen == {threading.current_thread().name}  # one thread allowed: serial


@pytest.mark.parametrize("threads", [1, 2])
def test_a_failing_chunk_raises_its_own_exception(
    monkeypatch: pytest.MonkeyPatch, threads: int
) -> None:
    def work(at: slice) -> int:
        if at.start >= 30:
            raise ValueError(f"chunk at {at.start} failed")
        return at.start

    monkeypatch.setattr(point_groups, "PARALLEL_CASES", 0)
    parts = [slice(i, i + 10) for i in range(0, 100, 10)]
    with pytest.raises(ValueError, match=r"^chunk at 30 failed$"):
        point_groups._mapped_in_order(work, parts, threads)

"""How a row's ``concurrency_or_scenario`` text is read (estimate and calibration rows).

A number written in the column is a fixed concurrency (the column's name says so), not a
description that silently becomes a maximum-throughput run."""

import pytest

from tokentco.engine.point_groups import PointColumns
from tokentco.engine.points import PointRequest, load_target, scenario_problem


@pytest.mark.parametrize(
    ("text", "concurrency"),
    [
        ("~64 concurrent requests (interpolated)", 64.0),
        ("64", 64.0),
        (" ~ 8 ", 8.0),
        ("64 users", 64.0),
        ("32 sequences", 32.0),
        ("concurrency=32", 32.0),
        ("Concurrency: 16", 16.0),
        ("MLPerf Server", None),
        (
            "max-throughput offline (trtllm-bench throughput; all 3000 requests queued at once)",
            None,
        ),
        ("prefill throughput, 4 nodes EP32", None),
        ("banana", None),
        ("", None),
    ],
)
def test_a_written_concurrency_is_read_and_a_description_is_not(
    text: str, concurrency: float | None
) -> None:
    assert load_target(text, "").concurrency == concurrency
    assert scenario_problem(text) == ""


def test_a_concurrency_below_one_is_a_problem_on_both_paths() -> None:
    row = {"id": "r1", "hardware": "h100-sxm", "model": "llama-3.1-8b", "isl": "1000",
           "osl": "100", "concurrency_or_scenario": "0"}  # fmt: skip
    by_row = PointRequest.from_row(row)
    by_column = PointColumns.from_cells(lambda name: [row.get(name)], 1).request(0)
    assert "concurrency_or_scenario '0': a concurrency must be at least 1" in by_row.problem
    assert by_column == by_row


@pytest.mark.parametrize("text", ["-3", "2.5", "1e3", "~-1", "nan", "0"])
def test_a_number_that_is_not_a_whole_concurrency_is_a_problem(text: str) -> None:
    assert "concurrency_or_scenario" in scenario_problem(text)

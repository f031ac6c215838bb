"""A carriage return inside a cell never splits a row of a CSV output.

Python's csv writer (line ends "\\n") quotes a field holding "\\n" but not one holding a
lone "\\r", which every reader takes for the end of the row; ``csv_safe`` writes a CR as
LF so the writer quotes it."""

import csv
from pathlib import Path

import pytest

from tokentco.cli import main
from tokentco.cli.common import csv_safe
from tokentco.io.bundled import resource_path


@pytest.mark.parametrize(
    ("cell", "written"),
    [("\rCR", "'\nCR"), ("a\rb", "a\nb"), ("a\r\nb", "a\nb"), ("=1\r2", "'=1\n2"), ("ok", "ok")],
)
def test_csv_safe_writes_carriage_returns_as_line_feeds(cell: str, written: str) -> None:
    assert csv_safe(cell) == written


def test_estimate_output_keeps_one_row_per_input_row(tmp_path: Path) -> None:
    public = resource_path("calibration", "measured_public.csv")
    with open(public, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:6]
    header = list(rows[0])
    notes = ["\rCR", "a\rb", "line1\nline2", "x\r\ny", "=1\r2", "plain"]
    for row, note in zip(rows, notes, strict=True):
        row["notes"] = note
    points = tmp_path / "cr.csv"
    with points.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "out.csv"
    assert main(["estimate", "--points", str(points), "--out", str(out)]) == 0
    with out.open(newline="", encoding="utf-8") as handle:
        back = list(csv.DictReader(handle))
    assert [r["id"] for r in back] == [r["id"] for r in rows]
    written = ["'\nCR", "a\nb", "line1\nline2", "x\ny", "'=1\n2", "plain"]
    assert [r["notes"] for r in back] == written

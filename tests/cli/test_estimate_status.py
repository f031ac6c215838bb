"""``tokentco estimate``'s status names the CSV column and quotes a bad value briefly."""

import csv
from pathlib import Path

from tokentco.cli import main
from tokentco.engine.points import MAX_REASON_CHARS
from tokentco.io.bundled import resource_path


def test_bad_lengths_give_short_readable_statuses(tmp_path: Path) -> None:
    public = resource_path("calibration", "measured_public.csv")
    with open(public, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))[:3]
    rows[0]["isl"], rows[1]["isl"], rows[2]["isl"] = "9" * 32_000, "1e9", "Infinity"
    points = tmp_path / "bad.csv"
    with points.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "out.csv"
    assert main(["estimate", "--points", str(points), "--out", str(out)]) == 0
    with out.open(newline="", encoding="utf-8") as f:
        status = [r["status"] for r in csv.DictReader(f)]
    assert all(s.startswith("bad value: isl") for s in status), status
    assert all(len(s) <= len("bad value: ") + MAX_REASON_CHARS for s in status)
    assert status[1] == "bad value: isl: Input should be less than or equal to 10000000"
    assert "Workload" not in " ".join(status)

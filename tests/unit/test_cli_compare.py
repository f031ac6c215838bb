"""`tokentco compare`: table, CSV, errors with the closest ids, exit code 2."""

import csv
import io
import subprocess
import sys

import pytest

from tokentco.cli import main


def test_compare_table(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "compare",
            "--model",
            "deepseek-r1",
            "--hardware",
            "h200-sxm,b200",
            "--min-tok-s-per-user",
            "20",
            "--demand-tokens-per-day",
            "1e10",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "$/Mtok" in out and "h200-sxm" in out and "b200" in out


def test_compare_csv_has_one_row_per_offer(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "compare",
            "--model",
            "llama-3.3-70b",
            "--offer",
            "nebius-h100-od-eun1,nebius-h200-od-eun1",
            "--csv",
            "--precision",
            "fp8",
        ]
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert code == 0 and len(rows) == 2
    h100, h200 = rows
    assert float(h100["$/GPU-h"]) == pytest.approx(2.95)
    assert float(h200["tok/s/GPU"]) > 0
    assert h200["provenance"] in ("measured", "anchored", "estimated")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["compare", "--model", "deepseek-r2"], "closest: deepseek-r1"),
        (["compare", "--model", "deepseek-r1", "--hardware", "h100"], "closest: h100-sxm"),
        (["compare", "--model", "deepseek-r1", "--utilization", "2"], "utilization"),
        (["compare", "--model", "deepseek-r1", "--precision", "fp3"], "unknown precision"),
        (["compare"], "--model"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(argv: list[str], message: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tokentco", *argv], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) <= 2


def test_scorecard_applies_a_saved_scenario(tmp_path, project, capsys) -> None:
    from openpyxl import load_workbook

    from tokentco.io.project_file import save_project

    path = tmp_path / "p.tokentco"
    subset = project.model_copy(update={"options": project.options[:2]})
    save_project(
        project.model_copy(update={"scenarios": subset.save_scenario("two").scenarios}), path
    )
    out = tmp_path / "two.xlsx"
    assert main(["scorecard", str(path), "--out", str(out), "--scenario", "two"]) == 0
    header = [c.value for c in load_workbook(out)["Scorecard"][4]][5:]
    assert [h for h in header if h] == [o.display_name for o in project.options[:2]]
    assert main(["scorecard", str(path), "--out", str(out), "--scenario", "nope", "--force"]) == 2
    assert "unknown scenario 'nope'" in capsys.readouterr().err


CONTRACT = [
    "compare",
    "--model",
    "deepseek-r1",
    "--hardware",
    "gb200",
    "--isl",
    "8192",
    "--osl",
    "1024",
    "--min-tok-s-per-user",
    "75",
    "--precision",
    "fp8",
    "--csv",
]


@pytest.mark.parametrize(
    "extra",
    [["--spec-decoding"], ["--disaggregated"], ["--kv-aware-routing", "--prefix-hit", "0.5"]],
)
def test_issue_11_contract_stays_anchored_and_moves(
    capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    """Issue 11: a bundled measurement answers the base case; each serving feature keeps
    it measured/anchored and moves its throughput; the range columns are filled."""
    assert main(CONTRACT) == 0
    (base,) = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert base["basis"] == "measured" and float(base["tok/s/GPU"]) == pytest.approx(643.3)
    assert base["TTFT ms"] == ""  # not measured, and not borrowed from the estimate
    assert main([*CONTRACT, *extra]) == 0
    (moved,) = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert moved["basis"] in ("measured", "anchored")
    assert float(moved["tok/s/GPU"]) != pytest.approx(float(base["tok/s/GPU"]), rel=1e-3)
    assert "calibration" in moved["source"] and "420" in moved["source"]
    low, high = float(moved["tok/s/GPU p10"]), float(moved["tok/s/GPU p90"])
    assert low < float(moved["tok/s/GPU"]) < high
    assert float(moved["$/Mtok p10"]) < float(moved["$/Mtok"]) < float(moved["$/Mtok p90"])

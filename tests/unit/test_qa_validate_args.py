"""``tokentco validate`` checks its benchmark and mapping options as ``import`` does."""

from pathlib import Path

import pytest

from tokentco.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "io" / "bench_samples" / "vllm_bench_serve.json"


def test_unknown_precision_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(SAMPLE), "--precision", "fp3"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--precision: unknown precision 'fp3'" in err and "\n" not in err
    assert main(["validate", str(SAMPLE), "--precision", "fp8"]) == 0


def test_map_for_a_missing_header_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "m.csv"
    sheet.write_text("GPU,Price per GPU-hour\nh100-sxm,2.5\n", encoding="utf-8")
    assert main(["validate", str(sheet), "--map", "Nope=name"]) == 0
    out = capsys.readouterr().out
    assert "# warning: --map \"Nope=name\": no column 'Nope' in m.csv" in out

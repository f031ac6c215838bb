"""``tokentco scorecard`` and ``tokentco report``: outputs, --force, one-line errors."""

import os
from pathlib import Path

import openpyxl
import pytest

from tokentco.cli import main
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.defaults import default_project
from tokentco.io.project_file import save_project


@pytest.fixture()
def project_file(tmp_path: Path) -> Path:
    path = tmp_path / "p.tokentco"
    save_project(default_project(bundled_catalogue()), path)
    return path


def test_scorecard_writes_and_refuses_to_overwrite(
    project_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "card.xlsx"
    assert main(["scorecard", str(project_file), "--out", str(out)]) == 0
    assert "Scorecard" in openpyxl.load_workbook(out).sheetnames
    assert main(["scorecard", str(project_file), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--force" in err and len(err.strip().splitlines()) == 1
    assert main(["scorecard", str(project_file), "--out", str(out), "--force"]) == 0


def test_scorecard_bad_input_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.tokentco"
    bad.write_text("{not json")
    assert main(["scorecard", str(bad), "--out", str(tmp_path / "x.xlsx")]) == 2
    assert (
        main(["scorecard", str(tmp_path / "missing.tokentco"), "--out", str(tmp_path / "x.xlsx")])
        == 2
    )
    assert main(["scorecard", str(bad), "--out", str(tmp_path / "x.csv")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("tokentco: ") for line in lines)


@pytest.mark.slow
def test_report_command_writes_pdf(project_file: Path, tmp_path: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = tmp_path / "r.pdf"
    assert main(["report", str(project_file), "--out", str(out), "--paper", "a4"]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert main(["report", str(project_file), "--out", str(out)]) == 2

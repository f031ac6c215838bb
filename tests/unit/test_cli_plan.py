"""``tokentco plan``: the contract columns, year-1 figures and one-line errors."""

import csv
import io
from pathlib import Path

import pytest

from tokentco.cli import main
from tokentco.cli.plan import COLUMNS
from tokentco.domain import Catalogue, Project, WorkloadClass
from tokentco.io.project_file import save_project


def _profile(tmp_path: Path, values: list[float]) -> Path:
    path = tmp_path / "PROFILE.csv"
    path.write_text(
        "hour,tokens_per_s\n" + "".join(f"{h},{v}\n" for h, v in enumerate(values)),
        encoding="utf-8",
    )
    return path


def test_plan_csv_has_the_contract_columns_and_hand_worked_figures(
    golden_project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The golden two-level day (see test_plan.py): base 8, 52,560 burst GPU-hours, $402,960
    against $613,200 all on demand and $560,640 all base."""
    project_path = tmp_path / "golden.tokentco"
    save_project(golden_project, project_path)
    profile = _profile(tmp_path, [32_000.0] * 6 + [8_000.0] * 18)
    code = main(["plan", str(project_path), "--profile", str(profile), "--years", "2", "--csv"])
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0])[: len(COLUMNS)] == list(COLUMNS)
    assert [r["option"] for r in rows] == ["golden-reserved", "golden-od"]
    for row in rows:
        assert row["base GPUs"] == "8"
        assert float(row["burst GPU-hours/yr"]) == pytest.approx(52_560)
        assert float(row["annual cost"]) == pytest.approx(402_960)
        assert float(row["all on-demand annual cost"]) == pytest.approx(613_200)
        assert float(row["all base annual cost"]) == pytest.approx(560_640)
        assert float(row["NPV"]) == pytest.approx(402_960 / 1.08 + 402_960 / 1.08**2)


def test_plan_table_on_the_default_project(
    project: Project, catalogue: Catalogue, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project_path = tmp_path / "default.tokentco"
    save_project(project, project_path)
    week = [20_000.0 if 8 <= h % 24 < 18 else 4_000.0 for h in range(168)]
    assert main(["plan", str(project_path), "--profile", str(_profile(tmp_path, week))]) == 0
    out = capsys.readouterr().out
    assert all(column in out for column in COLUMNS)
    assert "3 years" in out
    for option in project.options:
        assert option.display_name in out


@pytest.mark.parametrize(
    ("values", "says"),
    [([1.0] * 23, "23 hourly rows; expected 168"), ([0.0] * 24, "every hour is 0")],
)
def test_bad_profile_is_one_line_and_exit_2(
    golden_project: Project,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    values: list[float],
    says: str,
) -> None:
    project_path = tmp_path / "golden.tokentco"
    save_project(golden_project, project_path)
    assert main(["plan", str(project_path), "--profile", str(_profile(tmp_path, values))]) == 2
    err = capsys.readouterr().err.strip()
    assert says in err and "\n" not in err and "Traceback" not in err


def test_bad_years_is_one_line(
    golden_project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project_path = tmp_path / "golden.tokentco"
    save_project(golden_project, project_path)
    profile = _profile(tmp_path, [1000.0] * 24)
    assert main(["plan", str(project_path), "--profile", str(profile), "--years", "0"]) == 2
    assert "--years 0" in capsys.readouterr().err


def test_plan_uses_the_projects_mix(
    golden_project: Project,
    golden_classes: tuple[WorkloadClass, ...],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With the golden mix (chat 75 % at 1000 tok/s/GPU, batch 25 % at 3000) the pool
    carries 1 / (0.75/1000 + 0.25/3000) = 1200 tok/s per GPU: 32,000 tok/s needs 27 GPUs."""
    project_path = tmp_path / "mix.tokentco"
    save_project(
        golden_project.model_copy(update={"workload_classes": golden_classes}), project_path
    )
    profile = _profile(tmp_path, [32_000.0] * 6 + [8_000.0] * 18)
    assert main(["plan", str(project_path), "--profile", str(profile), "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["peak GPUs"] for r in rows} == {"27"}

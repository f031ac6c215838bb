"""QA: an option's lead time and manual criterion values are bounded, and a project file
that breaks a bound is one located line naming the field (exit 2), not a scorecard."""

import json
from pathlib import Path

import pytest

from tokentco.cli import main
from tokentco.domain import Project
from tokentco.io.errors import InputError
from tokentco.io.project_file import load_project, save_project


def _with_first_option(tmp_path: Path, project: Project, **changes: object) -> Path:
    path = tmp_path / "p.tokentco"
    save_project(project, path)
    body = json.loads(path.read_text())
    body["project"]["options"][0].update(changes)
    path.write_text(json.dumps(body))
    return path


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lead_time_weeks": 1e9}, "options.0.lead_time_weeks"),
        ({"lead_time_weeks": 521}, "options.0.lead_time_weeks"),
        ({"manual_values": {"support": 1e300}}, "options.0.manual_values.support"),
        ({"manual_values": {"support": -1e13}}, "options.0.manual_values.support"),
    ],
)
def test_out_of_range_option_values_are_refused_naming_the_field(
    tmp_path: Path,
    project: Project,
    capsys: pytest.CaptureFixture[str],
    changes: dict[str, object],
    field: str,
) -> None:
    path = _with_first_option(tmp_path, project, **changes)
    with pytest.raises(InputError, match=rf"p\.tokentco: invalid project: {field}: "):
        load_project(path)
    out = tmp_path / "s.xlsx"
    assert main(["scorecard", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and field in err[0]
    assert not out.exists()


def test_values_inside_the_bounds_still_load(tmp_path: Path, project: Project) -> None:
    path = _with_first_option(
        tmp_path, project, lead_time_weeks=520, manual_values={"support": -3.5e11}
    )
    option = load_project(path).options[0]
    assert option.lead_time_weeks == 520 and option.manual_values == {"support": -3.5e11}

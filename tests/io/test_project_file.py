"""Project files: versioned JSON, atomic saves, clear errors for corrupt files."""

import json
from pathlib import Path

import pytest

from tokentco.domain import Project
from tokentco.io.errors import InputError
from tokentco.io.project_file import load_project, project_to_json, save_project


def test_round_trip(tmp_path: Path, project: Project) -> None:
    path = tmp_path / "p.tokentco"
    save_project(project, path)
    assert load_project(path) == project
    body = json.loads(path.read_text())
    assert body["format"] == "tokentco-project" and body["schema_version"] == 1


def test_save_is_atomic_and_leaves_no_temp(tmp_path: Path, project: Project) -> None:
    path = tmp_path / "p.tokentco"
    path.write_text("previous")
    save_project(project, path)
    assert [p.name for p in tmp_path.iterdir()] == ["p.tokentco"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "invalid JSON at line 1"),
        ('{"hello": 1}', "missing format tag"),
        ('{"format": "tokentco-project", "schema_version": 99, "project": {}}', "update TokenTCO"),
        (
            '{"format": "tokentco-project", "schema_version": 1, "project": {"workload": '
            '{"isl_tokens": -1}}}',
            "workload.isl_tokens",
        ),
    ],
)
def test_corrupt_files_give_located_messages(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.tokentco"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as err:
        load_project(path)
    assert "bad.tokentco" in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_project(tmp_path / "nope.tokentco")


def test_json_is_stable(project: Project) -> None:
    assert project_to_json(project) == project_to_json(project.model_copy())

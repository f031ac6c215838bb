"""QA: the GUI's positional must be a project file (decided before Qt), and every problem
line the dispatcher prints is one capped line, whatever the command."""

from pathlib import Path

import pytest

from tokentco.cli import MAX_PROBLEM_CHARS, check_project_argument, main
from tokentco.domain import Project
from tokentco.io.errors import InputError
from tokentco.io.project_file import save_project

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.parametrize("name", ["cloud_price_list.csv", "rfp_responses.xlsx"])
def test_an_existing_non_project_file_is_an_error_not_a_window(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import tokentco.cli as cli

    def no_window(args: object) -> int:
        raise AssertionError("the GUI was started")

    monkeypatch.setattr(cli, "_launch_gui", no_window)
    assert main([str(SAMPLES / name)]) == 2
    line = _one_line(capsys)
    assert f"{name}: not a TokenTCO project" in line and "tokentco import" in line


def test_project_files_are_still_accepted(tmp_path: Path, project: Project) -> None:
    check_project_argument(str(SAMPLES / "deepseek-r1-owned-vs-rented.tokentco"))
    renamed = tmp_path / "backup.json"  # a project saved under another name
    save_project(project, renamed)
    check_project_argument(str(renamed))
    odd = tmp_path / "notes.json"
    odd.write_text('{"format": "something-else"}')
    with pytest.raises(InputError, match="not a TokenTCO project"):
        check_project_argument(str(odd))


@pytest.mark.parametrize(
    "argv",
    [
        ["compare", "--isl", "9" * 5000],  # argparse's own error
        ["scorecard", "x" * 5000 + ".tokentco", "--out", "o.xlsx"],  # an InputError
        ["a\x1b[31m\n" * 800 + ".tokentco"],  # control characters, a missing project
        ["n" * 5000 + "/p.tokentco"],  # the GUI's positional
    ],
)
def test_every_problem_line_is_capped_and_escaped(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse exits by itself
        code = exc.code
    assert code == 2
    line = _one_line(capsys)
    assert len(line) <= MAX_PROBLEM_CHARS and "…" in line
    assert line.startswith("tokentco") and "\x1b" not in line

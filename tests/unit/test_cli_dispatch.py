"""The dispatcher and the output files of every command.

A mistyped command must never open the GUI (or abort Qt with no display); a command
imports only its own module; outputs are never overwritten without --force, never create
folders, and a failure to write is one located line; CSV cells cannot run as formulas.
"""

import csv
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tokentco.cli import COMMAND_HELP, COMMANDS, main
from tokentco.cli.common import csv_safe
from tokentco.domain import Project
from tokentco.io.project_file import save_project


def _run_python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# --------------------------------------------------------------------------- dispatch


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("estmate", "unknown command 'estmate' — did you mean estimate?"),
        ("scorcard", "unknown command 'scorcard' — did you mean scorecard?"),
        ("imprt", "unknown command 'imprt' — did you mean import?"),
        ("frobnicate", "unknown command 'frobnicate'; commands: estimate, compare"),
    ],
)
def test_unknown_command_names_the_closest(
    word: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([word, "--points", "x.csv"]) == 2
    assert _one_line(capsys.readouterr().err).startswith(f"tokentco: {expected}")


def test_missing_project_file_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "nope.tokentco")]) == 2
    assert _one_line(capsys.readouterr().err).endswith("nope.tokentco: file not found")
    assert main([str(tmp_path)]) == 2
    assert "is a folder" in _one_line(capsys.readouterr().err)


def test_mistyped_command_never_loads_qt() -> None:
    done = _run_python(
        "import sys; from tokentco.cli import main; rc = main(['estmate']); "
        "print(rc, 'PySide6' in sys.modules)"
    )
    assert done.stdout.split() == ["2", "False"]
    assert "did you mean estimate?" in _one_line(done.stderr)


def test_no_display_is_one_line_before_qt() -> None:
    env = {k: v for k, v in os.environ.items()}
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)
    done = _run_python(
        "import sys; from tokentco.cli import main; rc = main([]); "
        "print(rc, 'PySide6' in sys.modules)",
        env=env,
    )
    if sys.platform in ("win32", "darwin"):
        return  # always a display there
    assert done.stdout.split() == ["2", "False"]
    assert "no display" in _one_line(done.stderr)


def test_version_imports_no_command_module() -> None:
    done = _run_python(
        "import sys\n"
        "from tokentco.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit as e:\n    print(e.code)\n"
        "heavy = [m for m in sys.modules if m.startswith(('tokentco.cli.', 'tokentco.engine',"
        " 'tokentco.domain', 'openpyxl', 'numpy', 'PySide6', 'pydantic'))]\n"
        "print(heavy)\n"
    )
    assert done.stdout.splitlines() == ["TokenTCO " + _version(), "0", "[]"], done.stderr


def _version() -> str:
    from tokentco import __version__

    return __version__


def test_a_command_imports_only_its_own_module() -> None:
    done = _run_python(
        "import sys\n"
        "from tokentco.cli import main\n"
        "try:\n    main(['template', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('tokentco.cli.')))\n"
    )
    assert done.stdout.splitlines()[-1] == "['tokentco.cli.common', 'tokentco.cli.template']"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_strings_match_the_modules(name: str) -> None:
    assert COMMAND_HELP[name] == importlib.import_module(COMMANDS[name]).HELP


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(f"  {name} " in out for name in COMMANDS)


def test_bad_flag_of_a_command_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["template", "--kind", "offers"])
    assert exit_.value.code == 2
    assert "--out" in _one_line(capsys.readouterr().err)


# --------------------------------------------------------------------------- outputs


POINTS = (
    "id,hardware,model,precision,isl,osl,source\n"
    '1,h200-sxm,llama-3.3-70b,fp8,1024,1024,"=HYPERLINK(""http://evil"",""x"")"\n'
    "2,h200-sxm,llama-3.3-70b,fp8,1024,1024,@SUM(A1:A9)\n"
    "3,h200-sxm,llama-3.3-70b,fp8,1024,1024,-2+3\n"
    "4,h200-sxm,llama-3.3-70b,fp8,1024,1024,-12.5\n"
)


@pytest.fixture()
def points(tmp_path: Path) -> Path:
    path = tmp_path / "points.csv"
    path.write_text(POINTS)
    return path


def test_estimate_escapes_formula_cells(points: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert main(["estimate", "--points", str(points), "--out", str(out)]) == 0
    with open(out, newline="") as handle:
        sources = [row["source"] for row in csv.DictReader(handle)]
    assert sources == ['\'=HYPERLINK("http://evil","x")', "'@SUM(A1:A9)", "'-2+3", "-12.5"]


def test_estimate_never_overwrites_without_force(
    points: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.csv"
    out.write_text("precious")
    assert main(["estimate", "--points", str(points), "--out", str(out)]) == 2
    assert _one_line(capsys.readouterr().err).endswith("exists; pass --force to overwrite it")
    assert out.read_text() == "precious"
    assert main(["estimate", "--points", str(points), "--out", str(out), "--force"]) == 0
    assert out.read_text().startswith("id,hardware")


@pytest.mark.parametrize(
    "argv",
    [
        ["estimate", "--points", "{points}", "--out", "{out}.csv"],
        ["template", "--kind", "offers", "--out", "{out}.xlsx"],
        ["scorecard", "{project}", "--out", "{out}.xlsx"],
        ["report", "{project}", "--out", "{out}.pdf"],
        ["import", "{points}", "--project", "{out}.tokentco"],
    ],
    ids=["estimate", "template", "scorecard", "report", "import"],
)
def test_missing_folder_is_located_and_never_created(
    argv: list[str],
    points: Path,
    tmp_path: Path,
    project: Project,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project_path = tmp_path / "p.tokentco"
    save_project(project, project_path)
    missing = tmp_path / "no" / "such"
    filled = [a.format(points=points, project=project_path, out=missing / "o") for a in argv]
    assert main(filled) == 2
    line = _one_line(capsys.readouterr().err)
    assert f"folder {missing} does not exist" in line or "folder does not exist" in line
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["template", "--kind", "offers", "--out", "{out}.xlsx"],
        ["scorecard", "{project}", "--out", "{out}.xlsx"],
        ["report", "{project}", "--out", "{out}.pdf"],
    ],
    ids=["template", "scorecard", "report"],
)
def test_existing_outputs_need_force(
    argv: list[str], tmp_path: Path, project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project_path = tmp_path / "p.tokentco"
    save_project(project, project_path)
    out = tmp_path / "o"
    filled = [a.format(project=project_path, out=out) for a in argv]
    target = Path(filled[-1])
    target.write_bytes(b"precious")
    assert main(filled) == 2
    assert "pass --force" in _one_line(capsys.readouterr().err)
    assert target.read_bytes() == b"precious"


@pytest.fixture()
def unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot create files in (as root, chmod does not stop us:
    use sysfs, which refuses new files to everyone)."""
    if os.name == "nt":
        pytest.skip("no portable unwritable folder on Windows")
    if os.geteuid() != 0:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o500)
        return folder
    sysfs = Path("/sys/kernel")
    if not sysfs.is_dir():
        pytest.skip("running as root without /sys: no folder refuses us")
    return sysfs


@pytest.mark.parametrize(
    "argv",
    [
        ["estimate", "--points", "{points}", "--out", "{out}.csv"],
        ["template", "--kind", "offers", "--out", "{out}.xlsx"],
        ["scorecard", "{project}", "--out", "{out}.xlsx"],
        ["report", "{project}", "--out", "{out}.pdf"],
        ["import", "{points}", "--project", "{out}.tokentco"],
    ],
    ids=["estimate", "template", "scorecard", "report", "import"],
)
def test_unwritable_folder_is_one_line(
    argv: list[str],
    points: Path,
    tmp_path: Path,
    project: Project,
    unwritable_folder: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project_path = tmp_path / "p.tokentco"
    save_project(project, project_path)
    out = unwritable_folder / "tokentco-test-output"
    filled = [a.format(points=points, project=project_path, out=out) for a in argv]
    assert main(filled) == 2
    line = _one_line(capsys.readouterr().err)
    assert "cannot" in line and str(unwritable_folder) in line


def test_csv_safe_follows_owasp() -> None:
    for hostile in ("=1+2", "+1+2", "-1+2", "@SUM(A1)", "\tTAB", "=cmd|' /C calc'!A0"):
        assert csv_safe(hostile) == "'" + hostile
    assert csv_safe("\rCR") == "'\nCR"  # escaped, and the CR written as LF (test_estimate_cr)
    for plain in ("", "h200", "12.5", "-3", "-1e-3", "a=b", None):
        assert csv_safe(plain) == ("" if plain is None else plain)


def test_compare_csv_cells_cannot_run_as_formulas(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--model", "llama-3.3-70b", "--hardware", "h100-sxm", "--csv"]) == 0
    rows = list(csv.reader(capsys.readouterr().out.splitlines()))
    assert len(rows) >= 2
    for cell in (c for row in rows for c in row):
        assert csv_safe(cell) == cell  # already escaped (or a plain number)


def test_a_file_name_the_system_refuses_is_one_line_exit_2(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from tokentco.cli import main

    long_name = str(tmp_path / ("a" * 300 + ".tokentco"))
    assert main([long_name]) == 2
    assert (
        main(["template", "--kind", "offers", "--out", str(tmp_path / ("b" * 300 + ".xlsx"))]) == 2
    )
    lines = [line for line in capsys.readouterr().err.splitlines() if line]
    assert len(lines) == 2 and all("File name too long" in line for line in lines)
    assert all(len(line) < 200 for line in lines)


def test_repeated_ids_compare_once(capsys) -> None:  # type: ignore[no-untyped-def]
    from tokentco.cli import main

    assert main(["compare", "--model", "deepseek-r1", "--hardware", "b200,b200", "--csv"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("b200")]
    assert len(rows) == 1

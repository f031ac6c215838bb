"""One version, written in tokentco/_version.py (pyproject.toml reads it), everywhere."""

import ast
import tomllib
from importlib.metadata import version
from pathlib import Path

import tokentco
from tokentco.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _pyproject_version() -> str:
    """The version setuptools gives the package: pyproject's own, or the attribute its
    ``[tool.setuptools.dynamic]`` names (read from the source, as setuptools reads it)."""
    with open(ROOT / "pyproject.toml", "rb") as handle:
        config = tomllib.load(handle)
    if "version" in config["project"]:
        return str(config["project"]["version"])
    assert "version" in config["project"].get("dynamic", [])
    module, _, name = config["tool"]["setuptools"]["dynamic"]["version"]["attr"].rpartition(".")
    source = ROOT / "desktop" / Path(*module.split(".")).with_suffix(".py")
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return str(ast.literal_eval(node.value))
    raise AssertionError(f"{name} not found in {source}")


def test_package_version_is_the_pyproject_version() -> None:
    assert tokentco.__version__ == _pyproject_version()


def test_installed_metadata_has_the_same_version() -> None:
    # what the PyInstaller spec and the installers' file names read
    assert version("tokentco") == tokentco.__version__


def test_version_flag_prints_it(capsys) -> None:
    try:
        main(["--version"])
    except SystemExit as stop:
        assert stop.code == 0
    assert capsys.readouterr().out.strip() == f"TokenTCO {_pyproject_version()}"


def test_changelog_has_release_notes_for_this_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {_pyproject_version()}" in changelog

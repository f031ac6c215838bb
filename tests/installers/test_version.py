"""One version, from pyproject.toml, everywhere."""

import tomllib
from pathlib import Path

import tokentco
from tokentco.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _pyproject_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def test_package_version_is_the_pyproject_version() -> None:
    assert tokentco.__version__ == _pyproject_version()


def test_version_flag_prints_it(capsys) -> None:
    try:
        main(["--version"])
    except SystemExit as stop:
        assert stop.code == 0
    assert capsys.readouterr().out.strip() == f"TokenTCO {_pyproject_version()}"


def test_changelog_has_release_notes_for_this_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {_pyproject_version()}" in changelog

"""``tokentco scorecard PROJECT --out F.xlsx``: the RFP scorecard workbook with live formulas."""

import argparse
from pathlib import Path

from tokentco.domain import Catalogue, Project
from tokentco.engine.calibration import Calibration
from tokentco.engine.evaluate import evaluate
from tokentco.engine.results import Comparison
from tokentco.io.errors import InputError

from .common import calibration, check_output, load_project_and_catalogue

HELP = "export the RFP scorecard workbook (.xlsx, live formulas) for a project"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="a .tokentco project file")
    parser.add_argument("--out", required=True, metavar="F.xlsx", help="workbook to write")
    parser.add_argument("--force", action="store_true", help="overwrite --out if it exists")


def shipped_calibration() -> Calibration | None:
    """The shipped calibration, or None (engine defaults) while it is not installed."""
    try:
        return calibration()
    except ModuleNotFoundError:
        return None


def evaluate_project(path: str) -> tuple[Project, Catalogue, Comparison]:
    """Load a project and evaluate it; bad projects become one-line InputErrors."""
    project, catalogue = load_project_and_catalogue(path)
    if not project.options:
        raise InputError(f"{path}: the project has no options to compare")
    try:
        comparison = evaluate(project, catalogue, shipped_calibration())
    except ValueError as exc:
        raise InputError(f"{path}: {exc}") from exc
    return project, catalogue, comparison


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise InputError(f"--out {out}: the scorecard is an Excel workbook, use a .xlsx name")
    check_output(out, args.force)
    project, catalogue, comparison = evaluate_project(args.project)
    from tokentco.io.scorecard_xlsx import write_scorecard

    write_scorecard(project, comparison, out, catalogue=catalogue)
    print(f"wrote {out}")
    return 0

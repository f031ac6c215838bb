"""``tokentco scorecard PROJECT --out F.xlsx``: the RFP scorecard workbook with live formulas."""

import argparse
from pathlib import Path

from tokentco.io.errors import InputError

from .common import evaluate_project, writing

HELP = "export the RFP scorecard workbook (.xlsx, live formulas) for a project"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="a .tokentco project file")
    parser.add_argument("--out", required=True, metavar="F.xlsx", help="workbook to write")
    parser.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    parser.add_argument("--scenario", help="apply a scenario saved in the project first")


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise InputError(f"--out {out}: the scorecard is an Excel workbook, use a .xlsx name")
    with writing(out, args.force):
        project, catalogue, comparison = evaluate_project(args.project, args.scenario)
        from tokentco.io.scorecard_xlsx import write_scorecard

        write_scorecard(project, comparison, out, catalogue=catalogue)
    print(f"wrote {out}")
    return 0

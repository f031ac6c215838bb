"""``tokentco report PROJECT --out F.pdf``: the printable comparison report."""

import argparse
import os
from pathlib import Path

from tokentco.io.errors import InputError

from .common import evaluate_project, writing

HELP = "write the printable comparison report (PDF) for a project"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="a .tokentco project file")
    parser.add_argument("--out", required=True, metavar="F.pdf", help="PDF to write")
    parser.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    parser.add_argument("--scenario", help="apply a scenario saved in the project first")
    parser.add_argument(
        "--paper",
        choices=("auto", "a4", "letter"),
        default="auto",
        help="paper size (auto: from the system locale)",
    )


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise InputError(f"--out {out}: the report is a PDF, use a .pdf name")
    with writing(out, args.force):
        project, catalogue, comparison = evaluate_project(args.project, args.scenario)
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from tokentco.ui.report import write_report_pdf

        write_report_pdf(project, comparison, out, catalogue=catalogue, paper=args.paper)
    print(f"wrote {out}")
    return 0

"""``tokentco calibrate --report | --write``: accuracy of the fitted factors, or a refit."""

import argparse
import sys

from tokentco.engine.fit import format_report
from tokentco.engine.intervals import format_bands
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.calibration_file import (
    fit_uncertainty,
    refit,
    shipped_accuracy,
    shipped_uncertainty,
    write_calibration,
)
from tokentco.io.errors import InputError

HELP = "report the estimator's accuracy on the public measured set, or refit (--write)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--report",
        action="store_true",
        help="print median/p90 error per hardware and model: in-sample, leave-one-source-out, "
        "pure roofline and engine defaults",
    )
    parser.add_argument(
        "--write",
        action="store_true",
        help="refit the factors and the p10-p90 bands on the public set and rewrite "
        "resources/calibration/fitted.json",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")


def run(args: argparse.Namespace) -> int:
    if not (args.report or args.write):
        raise InputError("give --report and/or --write")

    def progress(text: str) -> None:
        if not args.quiet:
            print(f"  {text}", file=sys.stderr)

    spread = None
    if args.write:
        data, result = refit(progress)
        spread = fit_uncertainty(data, bundled_catalogue(), progress)
        path = write_calibration(result, data, spread=spread)
        print(
            f"wrote {path} ({len(result.calibration.table)} groups, {data.usable.sum()} rows, "
            f"{len(spread.bands)} uncertainty bands)"
        )
    if args.report:
        spread = spread or shipped_uncertainty(progress)
        print(format_report(shipped_accuracy(progress, spread)))
        print()
        print(format_bands(spread.bands, spread.coverage, spread.residuals))
    return 0

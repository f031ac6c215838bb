"""``tokentco import FILE... --project P.tokentco``: add good rows to a project file.

The project is created when absent (an import that fails creates nothing); otherwise only
its imported catalogue changes (rows with the same id are replaced, so re-importing a file
is idempotent). The file is written
atomically, under the project's lock (``io.project_lock``) from reading it to saving it, so
two imports at once never lose one; a project open elsewhere is refused (exit 2) unless
``--wait`` gives its holder time. Problems are printed like ``tokentco validate``; exit
codes are the same.
"""

import argparse
from pathlib import Path

from tokentco.app.edits import apply_import
from tokentco.cli.bench_args import add_bench_arguments, bench_from_args
from tokentco.cli.mapping_args import (
    add_mapping_arguments,
    mapping_from_args,
    unmatched_map_warnings,
)
from tokentco.cli.validate import exit_code, print_result
from tokentco.domain import TABLE_KINDS, Precision, Project
from tokentco.io.errors import InputError, one_line
from tokentco.io.importer import import_files
from tokentco.io.project_file import load_project, save_project
from tokentco.io.project_lock import acquire

from .common import writing

HELP = "import .xlsx/.csv rows into a .tokentco project file (created if absent)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help=".xlsx or .csv files, or benchmark results (vLLM/SGLang/GenAI-Perf/AIPerf JSON, "
        "MLPerf mlperf_log_summary.txt with its system JSON)",
    )
    parser.add_argument(
        "--project",
        required=True,
        type=Path,
        metavar="P.tokentco",
        help="project file to add the rows to",
    )
    parser.add_argument("--kind", choices=TABLE_KINDS, help="table kind (default: detect)")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="also describe how each sheet was read"
    )
    parser.add_argument(
        "--add-options",
        action="store_true",
        help="also compare every imported offer (one option per offer, ids kept)",
    )
    add_mapping_arguments(parser)
    add_bench_arguments(parser)
    parser.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="if the project is open elsewhere, wait this long for it (default: refuse)",
    )


def _check_precision(text: str | None) -> None:
    """``--precision`` must be one we know: an unknown one is bad input (exit 2), as in
    ``compare``, not a note that leaves the precision unset."""
    if text is None:
        return
    try:
        Precision.parse(text)
    except ValueError as exc:
        raise InputError(f"--precision: {exc}") from exc


def run(args: argparse.Namespace) -> int:
    _check_precision(getattr(args, "precision", None))
    mapping = mapping_from_args(args)
    path: Path = args.project
    with writing(path, force=True), acquire(path, wait_s=args.wait):
        project = load_project(path) if path.exists() else Project()
        result = import_files(
            args.files,
            project.exchange_rates,
            kind=args.kind,
            mapping=mapping,
            bench=bench_from_args(args),
        )
        print_result(result, args.verbose)
        for warning in unmatched_map_warnings(args, result):
            print(one_line(warning))
        if result.rows_loaded:
            merged = apply_import(project, result, add_offer_options=args.add_options)
            save_project(merged, path)
            print(f"saved {result.rows_loaded} imported rows to {path}")
        elif not path.exists() and exit_code(result) == 0:  # a failed import creates nothing
            save_project(project, path)
            print(f"created {path} (no rows imported)")
    return exit_code(result)

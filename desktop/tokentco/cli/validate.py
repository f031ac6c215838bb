"""``tokentco validate FILE...``: check spreadsheets before importing them.

Prints every problem as ``file:sheet:R14:C "Header": message``, then
``N rows loaded, M problems``. Exit 0: every row loaded; 1: some rows (or sheets) had
problems; 2: a file could not be read at all.
"""

import argparse

from tokentco.cli.bench_args import add_bench_arguments, bench_from_args
from tokentco.cli.mapping_args import (
    add_mapping_arguments,
    mapping_from_args,
    unmatched_map_warnings,
)
from tokentco.domain import TABLE_KINDS, ExchangeRates
from tokentco.io.errors import one_line
from tokentco.io.importer import ImportResult, import_files

HELP = "check .xlsx/.csv files for import and list every problem with its location"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help=".xlsx or .csv files, or benchmark results (vLLM/SGLang/GenAI-Perf/AIPerf JSON, "
        "MLPerf mlperf_log_summary.txt with its system JSON)",
    )
    parser.add_argument("--kind", choices=TABLE_KINDS, help="table kind (default: detect)")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="also describe how each sheet was read"
    )
    add_mapping_arguments(parser)
    add_bench_arguments(parser)


def exit_code(result: ImportResult) -> int:
    if result.unreadable:
        return 2
    return 1 if result.problems else 0


def print_result(result: ImportResult, verbose: bool = False) -> None:
    """Problems, then the count; a reading the importer doubts (an uncertain encoding) is
    printed as a warning even without ``--verbose``, so mis-decoded text is never silent."""
    if verbose:
        for sheet in result.sheets:
            print(f"# {sheet.describe()}")
    else:
        for sheet in result.sheets:
            where = ":".join(p for p in (sheet.file, sheet.sheet) if p)
            for note in sheet.notes:
                if "uncertain" in note:
                    print(f"# warning: {where}: {note}")
    for problem in result.problems:
        print(problem)
    print(f"{result.rows_loaded} rows loaded, {len(result.problems)} problems")


def run(args: argparse.Namespace) -> int:
    mapping = mapping_from_args(args)
    bench = bench_from_args(args)
    result = import_files(args.files, ExchangeRates(), kind=args.kind, mapping=mapping, bench=bench)
    print_result(result, args.verbose)
    for warning in unmatched_map_warnings(args, result):  # --map for a header not in the file
        print(one_line(warning))
    return exit_code(result)

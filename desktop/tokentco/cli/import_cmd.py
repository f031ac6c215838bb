"""``tokentco import FILE... --project P.tokentco``: add good rows to a project file.

The project is created when absent; otherwise only its imported catalogue changes (rows
with the same id are replaced, so re-importing a file is idempotent). The file is written
atomically. Problems are printed like ``tokentco validate``; exit codes are the same.
"""

import argparse
from pathlib import Path

from tokentco.cli.validate import exit_code, print_result
from tokentco.domain import TABLE_KINDS, Project
from tokentco.io.importer import import_files
from tokentco.io.project_file import load_project, save_project

HELP = "import .xlsx/.csv rows into a .tokentco project file (created if absent)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help=".xlsx or .csv files")
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


def run(args: argparse.Namespace) -> int:
    path: Path = args.project
    project = load_project(path) if path.exists() else Project()
    result = import_files(args.files, project.exchange_rates, kind=args.kind)
    print_result(result, args.verbose)
    if result.rows_loaded:
        save_project(result.merge_into(project), path)
        print(f"saved {result.rows_loaded} imported rows to {path}")
    elif not path.exists():
        save_project(project, path)
        print(f"created {path} (no rows imported)")
    return exit_code(result)

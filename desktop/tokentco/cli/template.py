"""``tokentco template --kind offers --out F.xlsx``: a blank import template for an RFP."""

import argparse
from pathlib import Path

from tokentco.domain import TABLE_KINDS
from tokentco.io.errors import InputError

from .common import write_output

HELP = "write a blank .xlsx import template (headers, units, validation, example row)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", required=True, choices=TABLE_KINDS, help="table kind")
    parser.add_argument("--out", required=True, type=Path, metavar="F.xlsx", help="output file")
    parser.add_argument("--force", action="store_true", help="replace an existing file")


def run(args: argparse.Namespace) -> int:
    if args.out.suffix.lower() != ".xlsx":
        raise InputError(f"--out {args.out}: templates are .xlsx workbooks, use a .xlsx name")
    from tokentco.io.import_template import template_bytes

    write_output(args.out, template_bytes(args.kind), args.force)
    print(f"wrote {args.kind} template to {args.out}")
    return 0

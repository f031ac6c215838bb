"""``--map "Header=field[:unit]"`` and ``--mapping FILE``: the column-mapping options that
``validate`` and ``import`` share (one definition, so both spell and check them alike)."""

import argparse

from tokentco.io.import_mapping import ColumnMapping, mapping_from_options


def add_mapping_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=field[:unit]",
        help='map a column the importer does not recognise, e.g. --map "Speicher=memory_gb:GiB" '
        '(repeatable; field names as in the templates; "ignore" keeps a column as a note)',
    )
    parser.add_argument(
        "--mapping",
        metavar="FILE.json",
        help="a column-mapping file (as saved by the GUI's mapping dialog); --map wins",
    )


def mapping_from_args(args: argparse.Namespace) -> ColumnMapping | None:
    """The mapping the options describe (None without any); InputError when malformed."""
    return mapping_from_options(
        getattr(args, "map", None) or [],
        getattr(args, "mapping", None),
        getattr(args, "kind", None),
    )

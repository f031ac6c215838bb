"""``--map "Header=field[:unit]"`` and ``--mapping FILE``: the column-mapping options that
``validate`` and ``import`` share (one definition, so both spell and check them alike)."""

import argparse
from typing import TYPE_CHECKING

from tokentco.io.import_mapping import ColumnMapping, mapping_from_options, normalise_header

if TYPE_CHECKING:
    from tokentco.io.importer import ImportResult

_SHOWN_HEADERS = 12


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


def unmatched_map_warnings(args: argparse.Namespace, result: "ImportResult") -> list[str]:
    """One warning line per ``--map`` header that no table read has as a column (a typo,
    or the wrong file), naming the headers the file has; nothing when no table was read
    (a benchmark output has no headers to map)."""
    tables = [s for s in result.sheets if s.kind is not None and s.header_row is not None]
    if not tables:
        return []
    present = {normalise_header(h) for s in tables for h in (*s.columns, *s.unknown_columns)}
    headers = list(dict.fromkeys(h for s in tables for h in (*s.columns, *s.unknown_columns)))
    shown = ", ".join(repr(h) for h in headers[:_SHOWN_HEADERS])
    if len(headers) > _SHOWN_HEADERS:
        shown += f", … ({len(headers)} in all)"
    where = ", ".join(dict.fromkeys(":".join(p for p in (s.file, s.sheet) if p) for s in tables))
    out = []
    for option in getattr(args, "map", None) or []:
        header = option.rpartition("=")[0].strip()
        if header and normalise_header(header) not in present:
            out.append(
                f'# warning: --map "{option}": no column {header!r} in {where} '
                f"(its headers: {shown or 'none'}); the option was not used"
            )
    return out

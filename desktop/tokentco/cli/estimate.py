"""``tokentco estimate --points IN.csv --out OUT.csv``: estimate published load points."""

import argparse
import gc
import math
from collections.abc import Container, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import cast

import numpy as np

from tokentco import MODEL_VERSION
from tokentco.domain import Catalogue
from tokentco.engine.calibration import Calibration
from tokentco.engine.point_groups import PointColumns, numbered, plan_columns, solve_grouped
from tokentco.engine.points import PointEstimates
from tokentco.engine.results import BoolArray, FloatArray, IntArray
from tokentco.engine.uncertainty import band_for, group_name
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.calibration_file import load_calibration
from tokentco.io.errors import InputError, Location
from tokentco.io.estimate_table import PointsTable, read_points_table

from .common import check_output, csv_safe, write_output_parts
from .estimate_csv import LEADS, QUOTED, UInt8Array, encode_column, fixed_texts, write_table

HELP = "estimate every row of a calibration-format CSV (measured values are never used)"
ADDED = (
    "est_output_tok_s_per_gpu",
    "est_output_tok_s_per_gpu_p10",
    "est_output_tok_s_per_gpu_p90",
    "est_tok_s_per_user",
    "est_ttft_ms",
    "binding",
    "status",
)
QUICK_EXIT = True
"""The command has written and closed its output when it returns: the process may end
without freeing the table's hundreds of thousands of objects one by one (cli.quick_exit)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--points", required=True, metavar="IN.csv", help="rows to estimate")
    parser.add_argument("--out", required=True, metavar="OUT.csv", help="CSV to write")
    parser.add_argument("--force", action="store_true", help="overwrite --out if it exists")


def _band(
    model_id: str, hardware_id: str, catalogue: Catalogue, calibration: Calibration
) -> tuple[float, float] | None:
    """p10/p90 log band of an (unanchored) estimate of this model on this hardware."""
    model = catalogue.models.get(model_id)
    accelerator = catalogue.accelerators.get(hardware_id)
    group = group_name(
        "estimated", bool(model and model.moe), accelerator.vendor if accelerator else "", None
    )
    return band_for(calibration, group)


def _figures(values: FloatArray, ok: Sequence[bool] | BoolArray, digits: int) -> list[str]:
    """Each value with ``digits`` decimals where ``ok`` and finite, else empty: the shown
    values formatted by one ``%`` of a template repeating ``%.Nf`` (the same formatting
    of each float as ``"%.Nf" % value``, without a Python step per value)."""
    shown = np.isfinite(values) & np.asarray(ok, bool).reshape(values.shape)
    picked = values[shown].tolist()
    texts = (f"%.{digits}f\n" * len(picked) % tuple(picked)).split("\n")[:-1]
    if len(picked) == values.size:
        return texts
    cells = np.full(values.size, "", object)
    cells[shown] = texts
    return cast(list[str], cells.tolist())


NUMBERS = ADDED[:5]
"""Added columns of formatted numbers (never formula-like, never quoted)."""
DIGITS = (1, 1, 1, 2, 1)
"""Decimals of each of ``NUMBERS``."""
_WIDEST_END = 256
"""Rows whose text cells take more UTF-8 bytes than this are written one by one."""
_BREAKS = frozenset(b"\r\n\0")
"""Bytes that a row's text cells must not hold to be written with the other rows."""


@dataclass(frozen=True, eq=False)
class AddedCells(Mapping[str, Sequence[str]]):
    """The cells ``estimate`` adds to each row, the numbers kept as floats until written:
    as columns (``added[name]``, the cells of one added column; two are equal when their
    columns are), or as each row's appended bytes (:meth:`tails`), made in numpy for all
    rows at once."""

    figures: FloatArray
    """Per row, the figures of ``NUMBERS`` (rows x 5)."""
    shown: BoolArray
    """Which of them the row shows (its cell is empty where not)."""
    binding: Sequence[str]
    status: Sequence[str]

    def __getitem__(self, name: str) -> Sequence[str]:
        if name in NUMBERS:
            j = NUMBERS.index(name)
            return _figures(self.figures[:, j], self.shown[:, j], DIGITS[j])
        if name == "binding":
            return self.binding
        if name == "status":
            return self.status
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(ADDED)

    def __len__(self) -> int:
        return len(ADDED)

    def tails(self) -> list[bytes]:
        """Each row's ",CELLS\\n" (its added cells as the csv writer writes them after its
        other fields) as UTF-8: every row's cells side by side in one byte matrix, NUL
        where a row's text is shorter (each number by ``fixed_texts``, the text cells by
        :meth:`_ends`), its other bytes taken in one pass and split at their line feeds.
        A row with a number ``fixed_texts`` leaves to ``%``, or text cells too wide or
        holding a line break or NUL, is made by ``%`` alone (:meth:`_tail`)."""
        rows = len(self.status)
        pair, ends = self._ends(rows)
        plain = [len(end) <= _WIDEST_END and not _BREAKS.intersection(end[:-1]) for end in ends]
        alone = ~np.array(plain or [True])[pair]
        pieces = []
        for j, digits in enumerate(DIGITS):
            text, written = fixed_texts(self.figures[:, j], digits)
            alone |= self.shown[:, j] & ~written
            pieces += [np.full((rows, 1), ord(","), np.uint8), text * self.shown[:, j, None]]
        kept = [end if fits else b"\n" for end, fits in zip(ends, plain, strict=True)]
        pieces.append(_byte_rows(kept)[pair])
        cells = np.concatenate(pieces, axis=1)
        tails: list[bytes] = cells[cells != 0].tobytes().splitlines(keepends=True)
        for row in np.flatnonzero(alone).tolist():
            tails[row] = self._tail(row, ends[pair[row]])
        return tails

    def _ends(self, rows: int) -> tuple[IntArray, list[bytes]]:
        """Each row's index among the distinct (binding, status) pairs, and each pair's
        ",BINDING,STATUS\\n" as the csv writer writes them (``encode_column``), in UTF-8."""
        pair, pairs = numbered(zip(self.binding, self.status, strict=True), rows)
        texts = zip(*(encode_column(cells) for cells in zip(*pairs, strict=True)), strict=True)
        return pair, [f",{binding},{status}\n".encode() for binding, status in texts]

    def _tail(self, row: int, end: bytes) -> bytes:
        """One row's tail by ``%``: its shown numbers, then ``end`` (its text cells)."""
        shown = self.shown[row].tolist()
        template = "".join(f",%.{d}f" if s else "," for s, d in zip(shown, DIGITS, strict=True))
        return (template % tuple(self.figures[row][self.shown[row]].tolist())).encode() + end


def _byte_rows(texts: Sequence[bytes]) -> UInt8Array:
    """The texts as the rows of a byte matrix as wide as the longest, NUL after each."""
    rows = np.zeros((len(texts), max(map(len, texts), default=0)), np.uint8)
    for row, text in zip(rows, texts, strict=True):
        row[: len(text)] = np.frombuffer(text, np.uint8)
    return rows


def estimated_columns(
    columns: PointColumns,
    estimates: PointEstimates,
    catalogue: Catalogue,
    calibration: Calibration,
) -> AddedCells:
    """The cells of the columns ``estimate`` adds, one per row. The p10/p90 band is the
    row's model and hardware group's (looked up once per pair); a row without a band, or
    not estimated, has empty band cells."""
    n = len(estimates.status)
    ok = np.fromiter(map("ok".__eq__, estimates.status), bool, n)
    pair, pairs = _pairs(columns.model_id, columns.hardware_id)
    bands = [_band(model, hardware, catalogue, calibration) for model, hardware in pairs]
    low = np.array([math.exp(b[0]) if b else math.nan for b in bands] or [0.0])[pair]
    high = np.array([math.exp(b[1]) if b else math.nan for b in bands] or [0.0])[pair]
    banded = ok & np.array([b is not None for b in bands] or [False], bool)[pair]
    central = estimates.output_tokens_per_s_per_gpu
    figures = [central, central * low, central * high]
    figures += [estimates.tokens_per_s_per_user, estimates.ttft_ms]
    values = np.column_stack(figures)
    shown = np.isfinite(values) & np.column_stack([ok, banded, banded, ok, ok])
    return AddedCells(values, shown, estimates.binding, estimates.status)


def _pairs(
    models: Sequence[str], hardware: Sequence[str]
) -> tuple[IntArray, list[tuple[str, str]]]:
    """Each row's index among the distinct (model, hardware) pairs, and those pairs."""
    return numbered(zip(models, hardware, strict=True), len(models))


def output_parts(table: PointsTable, added: AddedCells) -> list[bytes | memoryview]:
    """The output file, as the pieces to write one after another: the input's columns
    followed by ``ADDED`` (an input column of an added name is replaced), text cells
    formula-escaped: what ``csv.DictWriter`` writes of each row's dict (``csv_safe`` of
    its cells) updated with the added cells, as UTF-8. Where each line the table keeps is
    the file's own, the lines are views of the bytes read (:func:`_appended`)."""
    names = table.header + [c for c in ADDED if c not in table.header]
    if _lines_kept(table):
        if table.spans is not None:  # its lines are not asked for (they may be made on demand)
            return _appended(write_table(names, []), table.body, table.spans, added.tails())
        assert table.lines is not None
        extra = [added[name] if name in NUMBERS else encode_column(added[name]) for name in ADDED]
        return [write_table(names, [table.lines, *extra]).encode("utf-8")]
    columns = [
        added[name]
        if name in NUMBERS
        else encode_column(added[name] if name in added else table.column(name))
        for name in names
    ]
    return [write_table(names, columns).encode("utf-8")]


def _appended(
    header: str,
    body: bytes | memoryview,
    spans: list[slice],
    tails: Sequence[bytes | memoryview],
) -> list[bytes | memoryview]:
    """The header line, then each span of ``body`` followed by its row's tail (a comma,
    its added cells and a line feed): views of the bytes read and the tails, nothing of
    the whole file's size built in between."""
    lines = map(memoryview(body).__getitem__, spans)
    rows = cast(Iterator[bytes | memoryview], chain.from_iterable(zip(lines, tails, strict=True)))
    return [header.encode("utf-8"), *rows]


def _lines_kept(table: PointsTable) -> bool:
    """Whether each record's line as the table keeps it (its fields as the csv writer
    writes them) is its output's first columns: the file was split without the csv
    module (it has ``spans``, else ``lines``, which a table may make on demand), every
    record has the header's width, no column is named twice or after an added one, and
    ``csv_safe`` changes no cell (a first character it could escape is looked for in the
    text, then, if there is one, asked of ``csv_safe`` per column)."""
    header = table.header
    split = table.spans is not None or table.lines is not None
    if not split or not set(QUOTED) <= {",", '"', "\r", "\n"}:
        return False
    if len(set(header)) < len(header) or not set(ADDED).isdisjoint(header):
        return False
    if not table.uniform:
        return False
    leads = _leads_of(table)
    if not leads:
        return True
    return all(
        csv_safe(cell) == cell
        for name in header
        for cell in {c for c in table.column(name) if c is not None and c.startswith(tuple(leads))}
    )


def _leads_of(table: PointsTable) -> str:
    """The characters of ``LEADS`` that may start a cell of the table: those its reading
    found (``Kept.first_bytes``, where it located every comma, quote and line end), else
    those the body is searched for (:func:`_leads_at_starts`)."""
    if table.kept is not None:
        return _leads_among(table.kept.first_bytes)
    return _leads_at_starts(table.body)


def _leads_among(first_bytes: Container[int]) -> str:
    """The characters of ``LEADS`` (but CR and LF, which start no cell) among the byte
    values ``first_bytes`` (a lead is ASCII: one byte)."""
    return "".join(c for c in LEADS if c not in "\r\n" and ord(c) in first_bytes)


def _leads_at_starts(body: bytes | memoryview) -> str:
    """The characters of ``LEADS`` that may start a cell of ``body`` (a file split without
    the csv module, whose cells hold no CR or LF): those found at its start or after a
    comma, quote or line feed (a comma inside a quoted cell may add some that start none).
    Searched in its UTF-8 bytes (other characters' bytes are all >= 0x80): the byte after
    each comma, quote and line feed (a few per row; a lead such as "-" is common inside
    cells, so looking at every lead's position was slower), a block of ``_SCAN_BYTES`` at
    a time (the comparisons' masks stay in cache instead of each being as big as the
    file)."""
    text = np.frombuffer(body, np.uint8)
    if not text.size:
        return ""
    seen = np.zeros(256, np.int64)
    seen[text[0]] += 1
    for start in range(0, text.size - 1, _SCAN_BYTES):
        head = text[start : min(start + _SCAN_BYTES, text.size - 1)]
        mark = head == ord(",")
        mark |= head == ord('"')
        mark |= head == ord("\n")
        seen += np.bincount(text[start + 1 : start + 1 + head.size][mark], minlength=256)
    return _leads_among(set(np.flatnonzero(seen).tolist()))


_SCAN_BYTES = 1 << 17


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the command's work: a file's hundreds of
    thousands of cells, lists and tuples hold no reference cycles, yet building them runs
    the collector's full passes over every object the interpreter holds (about 0.1 s per
    10,000 rows in a fresh process). Reference counting still frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run(args: argparse.Namespace) -> int:
    with _cycle_collector_paused():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    source = Path(args.points)
    table = read_points_table(source)
    out_path = Path(args.out)
    if out_path.resolve() == source.resolve():
        raise InputError("--out must differ from --points", Location(file=str(out_path)))
    check_output(out_path, args.force)
    catalogue = bundled_catalogue()
    calibration = load_calibration()
    # every row parsed a column at a time, each configuration planned once and each
    # distinct case swept once (point_groups)
    columns = PointColumns.from_cells(table.column, len(table), table.rows_of)
    estimates = solve_grouped(plan_columns(columns, catalogue, calibration))
    added = estimated_columns(columns, estimates, catalogue, calibration)
    write_output_parts(out_path, output_parts(table, added), args.force)
    # released by the process's end (QUICK_EXIT), not one object at a time on return
    args.kept = (table, columns, estimates, added)
    done = estimates.status.count("ok")
    print(
        f"estimated {done} of {len(table)} rows ({MODEL_VERSION}, calibration "
        f"{calibration.version}) -> {out_path}"
    )
    return 0

"""The cells kept of a big points file of the simple form, and its header's reading.

``tokentco estimate`` reads a row's id and lengths and, for runs of rows, the cells its
configuration and load share (``SHARED_CELLS``); its output copies every line from the
bytes read. Splitting a 20,000-row file whole holds each byte four times (bytes, text,
lines, half a million cells: ~75 MB for 16 MB) and the memory's first touches (page
faults) cost as much as the splitting. ``field_scan`` instead keeps the id and length
cells and each distinct combination of the shared cells once (each row keeps its
combination's number), in a :class:`Kept`; the whole table can still be asked for.
"""

import csv
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tokentco.engine.results import IntArray
from tokentco.io.simple_csv import line_fields


@dataclass(frozen=True)
class Kept:
    """The cells kept of a big file: per record, the cells of the ``own``
    columns (by column index), and its number among the distinct combinations of the
    cells of the ``shared_at`` columns (``combos``, in first-seen order); and the bytes
    that may start a cell (``first_bytes``)."""

    own: dict[int, tuple[str, ...]]
    shared_at: tuple[int, ...]
    combos: list[tuple[str, ...]]
    combo_of: IntArray
    first_bytes: frozenset[int] = frozenset()
    """The byte values found after the header line: its first, and each one after a
    comma, quote or line end (a comma or quote inside a quoted cell may add some that
    start none): where the output looks for formula-leading characters."""

    def cells(self, where: int) -> tuple[str, ...] | None:
        """Column ``where``'s cells, one per record (None if it is not kept)."""
        if where in self.own:
            return self.own[where]
        if where not in self.shared_at:
            return None
        at = self.shared_at.index(where)
        values = np.empty(len(self.combos), object)
        values[:] = [combo[at] for combo in self.combos]
        return tuple(values[self.combo_of].tolist())

    def shared_rows(self) -> list[tuple[str, ...]]:
        """Per record, its combination of the shared cells (one tuple per combination)."""
        values = np.empty(len(self.combos), object)
        values[:] = self.combos
        return list(values[self.combo_of].tolist())


@dataclass(frozen=True)
class KeptRead:
    """What ``field_scan.scan_kept`` gives: the header, the bytes after its line, each record's
    line's place in them, and the kept cells."""

    header: list[str]
    body: memoryview
    spans: list[slice]
    kept: Kept


def indices_of(header: list[str], names: Sequence[str]) -> list[int]:
    """The header's last column of each name it has (names it lacks left out)."""
    last = {name: at for at, name in enumerate(header)}
    return [last[name] for name in dict.fromkeys(names) if name in last]


def header_fields(line: memoryview, end: str) -> list[str] | None:
    """The header's fields (the first line, with its line end), or None."""
    try:
        text = str(line, "utf-8-sig")
    except UnicodeDecodeError:
        return None
    if not text.endswith(end):
        return None
    text = text[: -len(end)]
    if "\r" in text or "\n" in text or len(text) > csv.field_size_limit():
        return None
    found = line_fields(text)
    return found[0] if found else None

"""A big points file of the simple form read in chunks, keeping only the cells used.

``tokentco estimate`` reads a row's id and lengths and, for runs of rows, the cells its
configuration and load share (``SHARED_CELLS``); its output copies every line from the
bytes read. Splitting a 20,000-row file whole holds each byte four times (bytes, text,
lines, half a million cells: ~75 MB for 16 MB) and the memory's first touches (page
faults) cost as much as the splitting. Here the file is decoded and split a chunk of
lines at a time: each line's cells live only while its chunk is read, the id and length
cells are kept, and each distinct combination of the shared cells is kept once (each
row keeps its combination's number).

A file is read so only where every line is as the csv writer writes it (see
``simple_csv``), every record has the header's width and the text is UTF-8 without NUL;
:func:`read_kept` gives None for any other file, which is then read whole
(``estimate_table``), as a file of another form always was. The cells are those the whole
reading gives (``tests/cli/test_kept_cells.py`` compares them on hostile files).
"""

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate, compress, count, repeat
from operator import add, itemgetter

import numpy as np

from tokentco.engine.results import IntArray
from tokentco.io.simple_csv import any_holds, line_fields, quoted_fields

CHUNK_BYTES = 1 << 18
"""Bytes decoded and split at a time (then cut at the next line end): the chunk's text,
lines and cells stay in cache-sized memory that the next chunk reuses."""
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Kept:
    """The cells kept of a file read in chunks: per record, the cells of the ``own``
    columns (by column index), and its number among the distinct combinations of the
    cells of the ``shared_at`` columns (``combos``, in first-seen order)."""

    own: dict[int, tuple[str, ...]]
    shared_at: tuple[int, ...]
    combos: list[tuple[str, ...]]
    combo_of: IntArray

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
    """What :func:`read_kept` gives: the header, the bytes after its line, each record's
    line's place in them, and the kept cells."""

    header: list[str]
    body: memoryview
    spans: list[slice]
    kept: Kept


@dataclass
class _Gathered:
    """The kept cells so far, chunk by chunk."""

    own: dict[int, list[str]]
    shared_at: tuple[int, ...]
    first: dict[tuple[str, ...], int]  # each combination → the first record holding it
    first_of: list[int]  # per record: its combination's first record
    spans: list[slice]


def read_kept(
    data: bytes, own: Sequence[str], shared: Sequence[str], chunk_bytes: int | None = None
) -> KeptRead | None:
    """``data`` (a whole file) read in chunks of about ``chunk_bytes`` (``CHUNK_BYTES``
    unless given), keeping the cells
    of the columns ``own`` and the combinations of those of ``shared`` that the header
    has (a name's last column, as a dict keeps it); None where the file is not of the
    simple form, is not UTF-8 or has a record of another width."""
    if b"\0" in data:
        return None
    end = "\r\n" if b"\r" in data else "\n"
    first_end = data.find(b"\n")
    if first_end < 0:
        return None
    view = memoryview(data)
    header = _header(view[: first_end + 1], end)
    if not header:
        return None
    gathered = _Gathered(
        own={at: [] for at in _indices(header, own)},
        shared_at=tuple(_indices(header, shared)),
        first={},
        first_of=[],
        spans=[],
    )
    start = first_end + 1
    while start < len(data):
        stop = _chunk_end(data, start, chunk_bytes or CHUNK_BYTES)
        if not _read_chunk(view, start, stop, first_end + 1, end, len(header), gathered):
            return None
        start = stop
    return KeptRead(header, view[first_end + 1 :], gathered.spans, _kept(gathered))


def _indices(header: list[str], names: Sequence[str]) -> list[int]:
    """The header's last column of each name it has (names it lacks left out)."""
    last = {name: at for at, name in enumerate(header)}
    return [last[name] for name in dict.fromkeys(names) if name in last]


def _header(line: memoryview, end: str) -> list[str] | None:
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


def _chunk_end(data: bytes, start: int, chunk_bytes: int) -> int:
    """Where the chunk from ``start`` ends: after the first line feed at or past
    ``chunk_bytes`` on, or at the file's end."""
    cut = start + max(chunk_bytes, 1)
    if cut >= len(data):
        return len(data)
    feed = data.find(b"\n", cut - 1)
    return len(data) if feed < 0 else feed + 1


def _read_chunk(
    view: memoryview, start: int, stop: int, body: int, end: str, width: int, into: _Gathered
) -> bool:
    """Add the records of the lines in ``view[start:stop]`` (whole lines; the last chunk
    may lack its last line end) to ``into``; False where a line is not of the simple form
    or a record not ``width`` wide."""
    try:
        text = str(view[start:stop], "utf-8")
    except UnicodeDecodeError:
        return False
    lines = text.split(end)
    if end == "\r\n" and (any_holds(lines, "\r") or any_holds(lines, "\n")):
        return False  # a CR or LF on its own
    if lines[-1] == "":
        lines.pop()
    elif stop < len(view):
        return False
    if lines and max(map(len, lines)) > csv.field_size_limit():
        return False
    sizes = list(map(len, lines) if text.isascii() else map(len, map(str.encode, lines)))
    starts = list(accumulate(map(add, sizes, repeat(len(end))), initial=start - body))
    records = _records(list(filter(None, lines)))  # blank lines are no records
    if records is None or any(len(cells) != width for cells in records):
        return False
    into.spans += compress(map(slice, starts, map(add, starts, sizes)), lines)
    _gather(records, into)
    return True


def _records(lines: list[str]) -> list[list[str]] | None:
    """Each line's fields, where every line is as the csv writer writes its fields (else
    None): a line without quotes, or whose quoted fields hold a comma each."""
    records: list[list[str]] = []
    for line in lines:
        if '"' not in line:
            records.append(line.split(","))
            continue
        pieces = line.split('"')
        if len(pieces) == 3:  # one quoted field, the common case, inline
            head, inside, tail = pieces
            if (head and head[-1] != ",") or (tail and tail[0] != ",") or "," not in inside:
                return None
            cells = head.split(",")  # its last, empty piece is the quoted field's place
            cells[-1] = inside
            if tail:
                cells += tail.split(",")[1:]
            records.append(cells)
            continue
        found = quoted_fields(pieces)
        if found is None or found[1] != line:
            return None
        records.append(found[0])
    return records


def _gather(records: list[list[str]], into: _Gathered) -> None:
    """Keep the chunk's own cells and number its records' combinations of shared cells
    (each combination hashed once per record, in a C loop)."""
    for at, cells in into.own.items():
        cells += map(itemgetter(at), records)
    combos: Iterator[tuple[str, ...]]
    if len(into.shared_at) > 1:
        combos = map(itemgetter(*into.shared_at), records)
    elif into.shared_at:
        combos = zip(map(itemgetter(into.shared_at[0]), records))
    else:
        combos = repeat((), len(records))
    into.first_of += map(into.first.setdefault, combos, count(len(into.first_of)))


def _kept(gathered: _Gathered) -> Kept:
    """The kept cells as tuples, and each record's combination's number (first-seen
    order: a combination's first record comes before the next new one's)."""
    first_of = np.array(gathered.first_of, np.int64)
    _, combo_of = np.unique(first_of, return_inverse=True)
    return Kept(
        own={at: tuple(cells) for at, cells in gathered.own.items()},
        shared_at=gathered.shared_at,
        combos=list(gathered.first),
        combo_of=combo_of.reshape(-1).astype(np.int64),
    )

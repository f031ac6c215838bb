"""A calibration-format CSV read as columns, for ``tokentco estimate``.

``calibration_file.read_points_csv`` gives one dict per row; a file of 20,000 load points
needs only some of its columns, so here the records stay the lists the csv module reads
and a column is taken from them when asked for (:meth:`PointsTable.rows_of` gives several
columns' cells row by row, in one pass). A column holds what ``csv.DictReader`` would give
for that key, row by row: the cell under the header's last column of that name, ``None``
where a short row has none. Blank lines are skipped, as ``DictReader`` skips them. The
file problems (not found, not readable, required columns missing) are the same located
messages as ``read_points_csv``'s.

The csv module reads such a file at ~100 MB/s; most files are simpler than CSV allows:
every line a record, a field either free of quotes or wholly quoted (``"…"``, the quotes
first and last, no quote, CR or NUL inside). Those lines are split with ``str.split``
(the fields the csv reader gives them), and each is kept as the csv writer writes its
fields back (:attr:`PointsTable.lines`); a file with any other line is read by the csv
module, as before. A big file of that form is read keeping only the cells the
command uses (``field_scan``, ``kept_cells``); its other cells are split out again if asked for.
"""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate, islice, repeat, zip_longest
from operator import add, eq, itemgetter
from pathlib import Path
from typing import cast

from tokentco.engine.points import SHARED_CELLS
from tokentco.io.calibration_file import require_points_columns
from tokentco.io.errors import InputError, Location
from tokentco.io.field_scan import scan_kept
from tokentco.io.kept_cells import Kept
from tokentco.io.simple_csv import any_holds, line_fields


@dataclass(frozen=True)
class PointsTable:
    """The header and records of a points file (records as read, ragged ones kept)."""

    header: list[str]
    read_records: list[list[str]] | None
    """The records (None when only some cells were kept: see ``kept``)."""
    read_lines: list[str] | None = None
    """Per record (when the file was split whole without the csv module): its fields as
    ``csv.writer`` writes them in a row of several fields, the commas between them, no
    line end."""
    body: bytes | memoryview = b""
    """The file's UTF-8 bytes after the header line (with ``lines``; else empty): a view
    of the bytes read, not a copy of the text."""
    spans: list[slice] | None = None
    """Per record, where its line (without its line end) is in ``body``, when every
    record's entry of ``lines`` is its line as the file has it (else None): the output can
    then copy the lines from the bytes read."""
    kept: Kept | None = None
    """The cells kept of a big file (``field_scan``): the other columns' cells
    are split out of ``body`` again when asked for."""
    _columns: dict[int, tuple[str | None, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __len__(self) -> int:
        return (
            len(self.spans)
            if self.kept is not None and self.spans is not None
            else len(self.records)
        )

    @cached_property
    def records(self) -> list[list[str]]:
        """Each record's fields (of a file whose cells were kept, split again from its lines)."""
        if self.read_records is not None:
            return self.read_records
        return [cast(tuple[list[str], str], line_fields(line))[0] for line in self.lines or []]

    @cached_property
    def lines(self) -> list[str] | None:
        """Per record, its fields as ``csv.writer`` writes them (see ``read_lines``; of a
        file whose cells were kept, its lines as read, decoded again from ``body``)."""
        if self.kept is None or self.spans is None:
            return self.read_lines
        return [str(self.body[span], "utf-8") for span in self.spans]

    def column(self, name: str) -> tuple[str | None, ...]:
        """The cells of column ``name`` (``()`` when the header has no such column)."""
        where = self.index_of(name)
        if where is None:
            return ()
        if where not in self._columns and self.kept is not None:
            kept = self.kept.cells(where)
            if kept is not None:
                self._columns[where] = kept
        if where not in self._columns and len(self):
            if self.uniform:  # a column at a time: the command reads few of them
                self._columns[where] = tuple(map(itemgetter(where), self.records))
            elif not self._columns:
                width = max(len(self.header), max(map(len, self.records)))
                cells = list(zip_longest(*self.records, fillvalue=None))
                self._columns.update(enumerate(cells[:width]))
        return self._columns.get(where, ())

    def rows_of(self, names: Sequence[str]) -> list[tuple[str, ...]] | None:
        """Per record, its cells of the columns ``names`` (the header's last of each name),
        when the header has them all and every record has its width (else None): one
        pass over the records, not a transposition of every column."""
        where = [self.index_of(name) for name in names]
        if None in where or not self.uniform:
            return None
        if self.kept is not None and tuple(where) == self.kept.shared_at:
            return self.kept.shared_rows()
        if self.kept is not None:
            cells = [cast(Sequence[str], self.column(name)) for name in names]
            return list(zip(*cells, strict=True))
        if len(where) == 1:
            return [(cell,) for cell in map(itemgetter(cast(int, where[0])), self.records)]
        return list(map(itemgetter(*cast(list[int], where)), self.records))

    @cached_property
    def uniform(self) -> bool:
        """Whether every record has as many fields as the header."""
        if self.kept is not None:
            return True  # cells are kept of such a file only
        return set(map(len, self.records)) <= {len(self.header)}

    def index_of(self, name: str) -> int | None:
        """Position of the header's last column called ``name`` (the one a dict keeps)."""
        for index in range(len(self.header) - 1, -1, -1):
            if self.header[index] == name:
                return index
        return None


KEPT_FROM_BYTES = 1 << 16
"""Files of this size and more are read keeping few cells where they can be (``field_scan``);
smaller ones gain nothing from it."""
OWN_COLUMNS = ("id", "isl", "osl")
"""The columns whose cells ``tokentco estimate`` reads for every row."""


def read_points_table(path: Path) -> PointsTable:
    """Header and records of a calibration-format CSV (extra columns kept)."""
    try:
        data = Path(path).read_bytes()
        table = _read_kept(data) if len(data) >= KEPT_FROM_BYTES else None
        if table is None:
            table = _read_whole(path, data)
    except FileNotFoundError as exc:
        raise InputError("file not found", Location(file=str(path))) from exc
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read CSV: {exc}", Location(file=str(path))) from exc
    require_points_columns(table.header, path)
    return table


def _read_kept(data: bytes) -> PointsTable | None:
    """The file read keeping only the cells the command uses, its fields located with
    numpy (``field_scan``); None where it is not of the simple form."""
    read = scan_kept(data, OWN_COLUMNS, SHARED_CELLS)
    if read is None:
        return None
    return PointsTable(read.header, None, None, read.body, read.spans, read.kept)


def _read_whole(path: Path, data: bytes) -> PointsTable:
    """The file split whole (without the csv module where it has the simple form)."""
    try:
        text = data.decode("utf-8-sig")  # one decode, no newline pass
    except UnicodeDecodeError:  # the csv reader's message (its decoder's positions)
        with open(path, newline="", encoding="utf-8-sig") as handle:
            text = "".join(handle)
    split = _split(text)
    if split is None:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None) or []
        records = [record for record in reader if record]
        return PointsTable(header, records)
    header, records, lines, spans = split
    return PointsTable(header, records, lines, _body(data), spans)


def _body(data: bytes) -> memoryview:
    """The bytes after the first line feed (the header line's end, "\\n" or "\\r\\n", in a
    file :func:`_split` takes): what the text after the header line encodes to."""
    end = data.find(b"\n")
    return memoryview(data)[end + 1 :] if end >= 0 else memoryview(b"")


def _split(
    text: str,
) -> tuple[list[str], list[list[str]], list[str], list[slice] | None] | None:
    """Header, records, written lines and spans (see :class:`PointsTable`) of ``text``
    split without the csv module, or None where the file is not of the simple form (see
    the module's note): its lines end all in "\\n" or all in "\\r\\n", and a line's
    fields are unquoted (no quote) or wholly quoted (no quote inside)."""
    if "\0" in text:
        return None
    end = "\r\n" if "\r" in text else "\n"
    lines = text.split(end)
    if end == "\r\n" and (any_holds(lines, "\r") or any_holds(lines, "\n")):
        return None  # a CR or LF on its own
    if lines[-1] == "":
        lines.pop()
    if lines and max(map(len, lines)) > csv.field_size_limit():
        return None  # the csv reader's "field larger than field limit" error
    records: list[list[str]] = []
    written: list[str] = []
    for line in lines or [""]:
        found = line_fields(line)
        if found is None:
            return None
        records.append(found[0])
        written.append(found[1])
    header = records[0]
    keep = [i for i in range(1, len(records)) if records[i]]
    kept = [written[i] for i in keep]
    as_read = all(map(eq, kept, map(lines.__getitem__, keep)))
    spans = _spans(lines, len(end), keep, text.isascii()) if as_read else None
    return header, [records[i] for i in keep], kept, spans


def _spans(lines: list[str], end: int, keep: list[int], ascii: bool) -> list[slice]:
    """Where each kept line (an index into ``lines``, the header line first) is in the
    UTF-8 bytes after the header line, given the length of the line end (each line's
    bytes: its characters where the text is ASCII, else its encoding's)."""
    sizes = map(len, lines) if ascii else map(len, map(str.encode, lines))
    starts = [0, *accumulate(map(add, islice(sizes, 1, None), repeat(end)))]
    return [slice(starts[i - 1], starts[i] - end) for i in keep]

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
module, as before.
"""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate, islice, repeat, zip_longest
from operator import add, contains, eq, itemgetter
from pathlib import Path
from typing import cast

from tokentco.io.calibration_file import require_points_columns
from tokentco.io.errors import InputError, Location


@dataclass(frozen=True)
class PointsTable:
    """The header and records of a points file (records as read, ragged ones kept)."""

    header: list[str]
    records: list[list[str]]
    lines: list[str] | None = None
    """Per record (when the file was split without the csv module): its fields as
    ``csv.writer`` writes them in a row of several fields, the commas between them, no
    line end. Such a file has no quote, CR or NUL in a field."""
    body: bytes | memoryview = b""
    """The file's UTF-8 bytes after the header line (with ``lines``; else empty): a view
    of the bytes read, not a copy of the text."""
    spans: list[slice] | None = None
    """Per record, where its line (without its line end) is in ``body``, when every
    record's entry of ``lines`` is its line as the file has it (else None): the output can
    then copy the lines from the bytes read."""
    _columns: dict[int, tuple[str | None, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __len__(self) -> int:
        return len(self.records)

    def column(self, name: str) -> tuple[str | None, ...]:
        """The cells of column ``name`` (``()`` when the header has no such column)."""
        where = self.index_of(name)
        if where is None:
            return ()
        if where not in self._columns and self.records:
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
        if len(where) == 1:
            return [(cell,) for cell in map(itemgetter(cast(int, where[0])), self.records)]
        return list(map(itemgetter(*cast(list[int], where)), self.records))

    @cached_property
    def uniform(self) -> bool:
        """Whether every record has as many fields as the header."""
        return set(map(len, self.records)) <= {len(self.header)}

    def index_of(self, name: str) -> int | None:
        """Position of the header's last column called ``name`` (the one a dict keeps)."""
        for index in range(len(self.header) - 1, -1, -1):
            if self.header[index] == name:
                return index
        return None


def read_points_table(path: Path) -> PointsTable:
    """Header and records of a calibration-format CSV (extra columns kept)."""
    try:
        try:
            data = Path(path).read_bytes()
            text = data.decode("utf-8-sig")  # one decode, no newline pass
        except UnicodeDecodeError:  # the csv reader's message (its decoder's positions)
            with open(path, newline="", encoding="utf-8-sig") as handle:
                text = "".join(handle)
        split = _split(text)
        if split is None:
            reader = csv.reader(io.StringIO(text, newline=""))
            header = next(reader, None) or []
            records = [record for record in reader if record]
            lines, spans = None, None
            body: bytes | memoryview = b""
        else:
            header, records, lines, spans = split
            body = _body(data)
    except FileNotFoundError as exc:
        raise InputError("file not found", Location(file=str(path))) from exc
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read CSV: {exc}", Location(file=str(path))) from exc
    require_points_columns(header, path)
    return PointsTable(header, records, lines, body, spans)


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
    if end == "\r\n" and (_any_holds(lines, "\r") or _any_holds(lines, "\n")):
        return None  # a CR or LF on its own
    if lines[-1] == "":
        lines.pop()
    if lines and max(map(len, lines)) > csv.field_size_limit():
        return None  # the csv reader's "field larger than field limit" error
    records: list[list[str]] = []
    written: list[str] = []
    for line in lines or [""]:
        if '"' not in line:
            records.append(line.split(",") if line else [])
            written.append(line)
            continue
        pieces = line.split('"')
        if len(pieces) == 3:  # one quoted field, the common case, inline
            head, inside, tail = pieces
            if (head and head[-1] != ",") or (tail and tail[0] != ","):
                return None
            cells = head.split(",")  # its last, empty piece is the quoted field's place
            cells[-1] = inside
            if tail:
                cells += tail.split(",")[1:]
            records.append(cells)
            written.append(line if "," in inside else head + inside + tail)
            continue
        found = _quoted_fields(pieces)
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


def _any_holds(lines: list[str], character: str) -> bool:
    """Whether a line holds ``character`` (a C loop of ``in``: each a memchr; counting the
    characters of the whole text instead looks at every one of its millions)."""
    return any(map(contains, lines, repeat(character)))


def _quoted_fields(pieces: list[str]) -> tuple[list[str], str] | None:
    """The fields of a line (split at its quotes) whose quoted fields are wholly quoted,
    and the line as the csv writer writes them (a quoted field stays quoted only if it
    holds a comma); None for any other line with a quote."""
    if len(pieces) % 2 == 0:
        return None
    head, tail = pieces[0], pieces[-1]
    if (head and head[-1] != ",") or (tail and tail[0] != ","):
        return None
    cells = head[:-1].split(",") if head else []
    out = [head]
    last = len(pieces) - 1
    for at in range(1, last, 2):
        inside, between = pieces[at], pieces[at + 1]
        cells.append(inside)
        out.append(f'"{inside}"' if "," in inside else inside)
        out.append(between)
        if at + 1 == last:
            if between:
                cells += between[1:].split(",")
        elif between[:1] != "," or between[-1:] != ",":
            return None  # a doubled quote, or text next to a closing quote
        elif len(between) > 1:
            cells += between[1:-1].split(",")
    return cells, "".join(out)

"""The fields of a big points file of the simple form, located in its bytes with numpy.

Splitting a file's lines (even a chunk at a time) makes every cell of every line a Python
string, if only for a moment (half a million for 20,000 rows), though the command keeps a
few per row. Here the bytes are searched once for commas, quotes and line
feeds (a block at a time, so the masks stay in cache), the simple form is checked on
those positions as arrays, and only the kept cells are cut out of the bytes: each row's
id and lengths, and per run of adjacent shared columns one piece of its line (the run's
fields with their commas), whose distinct texts are split into cells once.

The simple form is the one the whole reading splits without the csv module
(``simple_csv``): UTF-8 without NUL; line ends all "\\n" or all "\\r\\n" (no CR or
LF elsewhere); a field free of quotes, or wholly quoted with a comma
inside (as the csv writer writes it) and no quote; every record the header's width.
:func:`scan_kept` gives None for any other file; the cells are those the whole reading
gives (``tests/cli/test_kept_cells.py`` compares them on hostile files).
"""

import codecs
import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from tokentco.engine.point_groups import numbered
from tokentco.engine.results import IntArray
from tokentco.io.kept_cells import Kept, KeptRead, header_fields, indices_of
from tokentco.io.simple_csv import line_fields

SCAN_BYTES = 1 << 18
"""Bytes searched at a time for commas, quotes and line feeds."""
_COMMA, _QUOTE, _FEED, _RETURN = ord(","), ord('"'), ord("\n"), ord("\r")


def scan_kept(
    data: bytes, own: Sequence[str], shared: Sequence[str], block: int | None = None
) -> KeptRead | None:
    """``data`` (a whole file) read keeping the cells of the columns ``own`` and the
    combinations of those of ``shared`` that the header has (a name's last column, as a
    dict keeps it), searched ``block`` bytes at a time (``SCAN_BYTES`` unless given);
    None where the file is not of the simple form."""
    block = block or SCAN_BYTES
    crlf = b"\r" in data
    first_end = data.find(b"\n")
    if first_end < 0 or b"\0" in data or not _utf8(data, block):
        return None
    header = header_fields(memoryview(data)[: first_end + 1], "\r\n" if crlf else "\n")
    if not header:
        return None
    body = first_end + 1
    bytes_ = np.frombuffer(data, np.uint8)
    marks = _Marks.of(bytes_, body, block)
    if crlf and not marks.pairs_only(bytes_):
        return None
    found = _fields(bytes_, marks, body, crlf, len(header))
    if found is None:
        return None
    starts, ends = found
    shared_at = tuple(indices_of(header, shared))
    combos, combo_of = _combinations(bytes_, starts, ends, shared_at)
    own_cells = {
        at: tuple(_texts(bytes_, *_unquoted(bytes_, starts[at], ends[at])))
        for at in indices_of(header, own)
    }
    kept = Kept(own_cells, shared_at, combos, combo_of, _first_bytes(bytes_, marks, body))
    # a record's line: from its first field's start to its last field's end
    spans = list(map(slice, (starts[0] - body).tolist(), (ends[-1] - body).tolist()))
    return KeptRead(header, memoryview(data)[body:], spans, kept)


def _utf8(data: bytes, block: int) -> bool:
    """Whether ``data`` is UTF-8 (decoded a piece at a time, cut at line feeds, so no
    text of the whole file is held)."""
    if data.isascii():
        return True
    view, start = memoryview(data), 0
    while start < len(data):
        stop = data.find(b"\n", start + block)
        stop = len(data) if stop < 0 else stop + 1
        try:
            codecs.utf_8_decode(view[start:stop], "strict", True)
        except UnicodeDecodeError:
            return False
        start = stop
    return True


@dataclass(frozen=True)
class _Marks:
    """The commas, quotes, line feeds and carriage returns after the header line: their
    positions (ascending), and before each mark how many quotes, commas and line feeds
    come (counted from the body's start, the mark itself included)."""

    at: IntArray
    kind: np.ndarray
    quotes: np.ndarray
    commas: np.ndarray
    feeds: np.ndarray

    @classmethod
    def of(cls, bytes_: np.ndarray, body: int, block: int) -> "_Marks":
        parts = [np.zeros(0, np.int64)]
        for low in range(body, bytes_.size, block):
            part = bytes_[low : low + block]
            hit = part == _COMMA
            hit |= part == _QUOTE
            hit |= part == _FEED
            hit |= part == _RETURN
            parts.append(np.flatnonzero(hit).astype(np.int64) + low)
        at = np.concatenate(parts)
        kind = bytes_[at]
        # int32: a file has fewer than 2**31 marks (it is read whole into memory)
        counts = [np.cumsum(kind == mark, dtype=np.int32) for mark in (_QUOTE, _COMMA, _FEED)]
        return cls(at, kind, *counts)

    def pairs_only(self, bytes_: np.ndarray) -> bool:
        """Whether every carriage return is followed by a line feed and every line feed
        follows one (the header line's were checked with it)."""
        returns = self.at[self.kind == _RETURN]
        feeds = self.at[self.kind == _FEED]
        if returns.size != feeds.size:
            return False
        return bool(np.array_equal(returns + 1, feeds))


def _first_bytes(bytes_: np.ndarray, marks: _Marks, body: int) -> frozenset[int]:
    """The body's first byte and each byte after a mark (after a CR: its LF)."""
    if body >= bytes_.size:
        return frozenset()
    after = marks.at + 1
    where = np.concatenate([[body], after[after < bytes_.size]]).astype(np.int64)
    return frozenset(np.unique(bytes_[where]).tolist())


def _fields(
    bytes_: np.ndarray, marks: _Marks, body: int, crlf: bool, width: int
) -> tuple[list[IntArray], list[IntArray]] | None:
    """Per column, each record's field's first byte and the byte after its last (as
    written: a quoted field with its quotes); None where a line is not of the simple form
    or a record not ``width`` wide."""
    is_feed = marks.kind == _FEED
    feeds = marks.at[is_feed]
    size = bytes_.size
    line_start = np.concatenate([[body], feeds + 1]).astype(np.int64)
    line_end = np.concatenate([feeds - int(crlf), [size]]).astype(np.int64)
    if line_start[-1] == size:  # the file ends with a line end: no line after it
        line_start, line_end = line_start[:-1], line_end[:-1]
    if not _short_enough(bytes_, line_start, line_end):
        return None
    if not _quotes_simple(bytes_, marks, line_start, line_end):
        return None
    is_comma = marks.kind == _COMMA
    outside = is_comma & (marks.quotes % 2 == 0)
    separators = marks.at[outside]
    per_line = np.bincount(marks.feeds[outside], minlength=line_start.size)
    records = line_end > line_start  # blank lines are no records
    if per_line.size > line_start.size or np.any(per_line[records] != width - 1):
        return None
    first = (np.cumsum(per_line) - per_line)[records]
    starts = [line_start[records]] + [separators[first + k] + 1 for k in range(width - 1)]
    ends = [separators[first + k] for k in range(width - 1)] + [line_end[records]]
    return starts, ends


def _short_enough(bytes_: np.ndarray, line_start: IntArray, line_end: IntArray) -> bool:
    """Whether no line is longer than the csv module's field limit (in characters: a
    line with more bytes than that is decoded to count them)."""
    limit = csv.field_size_limit()
    long = np.flatnonzero(line_end - line_start > limit).tolist()
    return all(
        len(bytes_[line_start[i] : line_end[i]].tobytes().decode("utf-8")) <= limit for i in long
    )


def _quotes_simple(
    bytes_: np.ndarray, marks: _Marks, line_start: IntArray, line_end: IntArray
) -> bool:
    """Whether the quotes pair up within lines, each pair wholly quoting a field (opened
    at its line's start or after a comma, closed at its line's end or before a comma)
    that holds a comma."""
    where = np.flatnonzero(marks.kind == _QUOTE)
    if where.size % 2:
        return False
    opening, closing = where[0::2], where[1::2]
    line = marks.feeds[opening]
    if np.any(line != marks.feeds[closing]):
        return False  # a line feed inside quotes
    at_open, at_close = marks.at[opening], marks.at[closing]
    opened = (at_open == line_start[line]) | (bytes_[at_open - 1] == _COMMA)
    after = np.minimum(at_close + 1, bytes_.size - 1)
    closed = (at_close + 1 == line_end[line]) | (bytes_[after] == _COMMA)
    holds_comma = marks.commas[closing] > marks.commas[opening]
    return bool(np.all(opened & closed & holds_comma))


def _unquoted(bytes_: np.ndarray, start: IntArray, end: IntArray) -> tuple[IntArray, IntArray]:
    """The fields' spans without their quotes (a quoted field starts with one)."""
    quoted = (end > start) & (bytes_[np.minimum(start, bytes_.size - 1)] == _QUOTE)
    return start + quoted, end - quoted


def _texts(bytes_: np.ndarray, start: IntArray, end: IntArray) -> list[str]:
    """The text of each span of the file's bytes (spans hold no line feed)."""
    return [text for block in _joined(bytes_, start, end) for text in _split_text(block)]


def _pieces(bytes_: np.ndarray, start: IntArray, end: IntArray) -> list[bytes]:
    """The bytes of each span of the file's bytes (spans hold no line feed)."""
    return [piece for block in _joined(bytes_, start, end) for piece in block.split(b"\n")[:-1]]


def _split_text(block: bytes) -> list[str]:
    return str(block, "utf-8").split("\n")[:-1]


def _joined(bytes_: np.ndarray, start: IntArray, end: IntArray) -> Iterator[bytes]:
    """The spans, ``_JOIN_ROWS`` at a time, gathered into one piece of bytes each, each
    span followed by a line feed: one split of it then gives the spans' texts, one
    object each (slicing them out one by one made five objects per span)."""
    for low in range(0, start.size, _JOIN_ROWS):
        first, stop = start[low : low + _JOIN_ROWS], end[low : low + _JOIN_ROWS]
        step = stop - first + 1  # each span and its line feed
        offset = np.cumsum(step) - step
        where = np.arange(int(step.sum()), dtype=np.int64) + np.repeat(first - offset, step)
        joined = bytes_[np.minimum(where, bytes_.size - 1)]
        joined[offset + step - 1] = _FEED
        yield joined.tobytes()


_JOIN_ROWS = 4096
"""Spans gathered at a time (their index array stays small)."""


def _runs(columns: Sequence[int]) -> list[tuple[int, int]]:
    """The runs of adjacent column indices among ``columns``: (first, last) of each."""
    runs: list[tuple[int, int]] = []
    for at in sorted(set(columns)):
        if runs and runs[-1][1] == at - 1:
            runs[-1] = (runs[-1][0], at)
        else:
            runs.append((at, at))
    return runs


def _combinations(
    bytes_: np.ndarray, starts: list[IntArray], ends: list[IntArray], shared_at: tuple[int, ...]
) -> tuple[list[tuple[str, ...]], IntArray]:
    """Each record's number among the distinct combinations of its shared cells, and
    those combinations (first-seen order): the records' pieces of line over each run of
    adjacent shared columns are numbered (a piece's text is its fields' as written, one
    to one), and each distinct set of pieces is split into cells once."""
    runs = _runs(shared_at)
    size = starts[0].size
    pieces = [_pieces(bytes_, starts[a], ends[b]) for a, b in runs]
    keys: Iterator[tuple[bytes, ...]] = zip(*pieces, strict=True) if runs else repeat((), size)
    combo_of, distinct = numbered(keys, size)
    return [_cells(key, runs, shared_at) for key in distinct], combo_of


def _cells(
    key: tuple[bytes, ...], runs: list[tuple[int, int]], shared_at: tuple[int, ...]
) -> tuple[str, ...]:
    """The shared cells (in ``shared_at``'s order) of one set of pieces of line."""
    cell_of: dict[int, str] = {}
    for (low, _), piece in zip(runs, key, strict=True):
        text = str(piece, "utf-8")
        fields = line_fields(text) if text else ([""], "")  # "": one empty field
        assert fields is not None  # a piece of a simple line is simple
        cell_of.update(enumerate(fields[0], start=low))
    return tuple(cell_of[at] for at in shared_at)

"""Write ``tokentco estimate``'s output CSV a column at a time.

The command's output is what ``csv.DictWriter(..., lineterminator="\\n")`` writes of the
input rows with every text cell passed through ``common.csv_safe`` (formula-leading text
gets an apostrophe). Doing that a row at a time runs every character of a 10 MB file
through the csv writer and calls ``csv_safe`` a quarter of a million times; here each
column is scanned at C speed for what could need work — a first character ``csv_safe``
escapes, a character the csv writer quotes — and only the cells that do are changed.
Every decision is asked of ``csv_safe`` and ``csv.writer`` themselves, so the bytes are
theirs (``tests/cli/test_estimate_csv.py`` compares them on hostile tables).
"""

import csv
import io
from collections.abc import Sequence
from itertools import chain, repeat
from operator import contains
from typing import cast

import numpy as np
from numpy.typing import NDArray

from tokentco.engine.results import BoolArray, FloatArray

from .common import csv_safe

UInt8Array = NDArray[np.uint8]


def _quoting_characters() -> str:
    """The characters that make ``csv.writer`` (the default dialect, "\\n" line ends) quote
    a field, asked of the writer (it decides per character: the delimiter, the quote
    character and the line-ending characters, all ASCII)."""
    found = []
    for code in range(128):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow([f"a{chr(code)}b", "c"])
        if buffer.getvalue().startswith('"'):
            found.append(chr(code))
    return "".join(found)


def _escaped_leads() -> str:
    """The (ASCII) first characters that make ``csv_safe`` escape a text, asked of it."""
    return "".join(chr(c) for c in range(128) if csv_safe(f"{chr(c)}x") != f"{chr(c)}x")


_QUOTED = _quoting_characters()
QUOTED = _QUOTED
"""What makes the csv writer quote a field."""
LEADS = _escaped_leads()
"""What first characters make ``csv_safe`` escape a text (not a number)."""


def _escaped(cells: Sequence[str], distinct: set[str]) -> Sequence[str]:
    """``csv_safe`` of every cell; the column itself when no first character needs it and
    no cell holds a carriage return (which ``csv_safe`` writes as a line feed)."""
    leads_safe = all(csv_safe(c + "x") == c + "x" for c in {c[:1] for c in distinct})
    if leads_safe and not any("\r" in c for c in distinct):
        return cells
    memo = {c: csv_safe(c) for c in distinct}
    return list(map(memo.__getitem__, cells))


def _quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


def _quoted(cells: Sequence[str]) -> Sequence[str]:
    """The cells as ``csv.writer`` writes them in a row of several fields: quoted, inner
    quotes doubled, when they hold a delimiter, quote or line break; else as they are."""
    joined = "".join(cells)
    present = [q for q in _QUOTED if q in joined]
    if not present:
        return cells
    flags = [map(contains, cells, repeat(q)) for q in present]
    return [
        _quote(c) if quote else c
        for c, quote in zip(cells, map(any, zip(*flags, strict=True)), strict=True)
    ]


def _encoded(cell: str, escape: bool) -> str:
    """One cell, escaped (when asked) and quoted as the csv writer would."""
    text = csv_safe(cell) if escape else cell
    return _quote(text) if any(q in text for q in _QUOTED) else text


def encode_column(cells: Sequence[str | None], *, escape: bool = True) -> Sequence[str]:
    """One output column's cells, ready to join with commas: ``csv_safe`` applied (unless
    ``escape`` is off, for cells known to be plain numbers), then CSV quoting. ``None``
    is an empty cell (a short row). A column of few distinct texts encodes each once."""
    text = cast(Sequence[str], ["" if c is None else c for c in cells] if None in cells else cells)
    distinct = set(text)
    if 4 * len(distinct) <= len(text):
        memo = {c: _encoded(c, escape) for c in distinct}
        return list(map(memo.__getitem__, text))
    return _quoted(_escaped(text, distinct) if escape else text)


def write_table(names: Sequence[str], columns: Sequence[Sequence[str]]) -> str:
    """The CSV text: the header as ``csv.writer`` writes it, then one line per row of the
    encoded ``columns`` (each from :func:`encode_column`, all of one length); every line
    ends with "\\n". Rows have two or more fields (a lone empty field would be quoted).
    One join makes the text (adding the header and the last line end to it afterwards
    would copy the whole text twice more)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(names)
    if not columns or not columns[0]:
        return buffer.getvalue()
    rows = map(",".join, zip(*columns, strict=True))
    return "\n".join(chain([buffer.getvalue().removesuffix("\n")], rows, [""]))


_EXACT_BELOW = 2.0**40
"""Scaled figures below this are written by ``fixed_texts`` (a double's spacing there is at
most 2**-13, so the scaled product is within 2**-14 of the exact one)."""
_TIE_MARGIN = 2.0**-10
"""A scaled figure this close to a rounding tie (x.5) is left to ``%`` (its exact value
could be on the tie's other side)."""


def fixed_texts(values: FloatArray, digits: int) -> tuple[UInt8Array, BoolArray]:
    """``"%.Nf" % value`` (N = ``digits``) of each value, in numpy: each row of a matrix is
    a value's ASCII text with NUL bytes where the matrix is wider (before the point), and
    which values were written (the others' rows are not their texts). A value is written
    where ``%`` is sure to give the nearest multiple of 10**-N, which is what it gives of
    a value not at a tie: not negative (nor -0.0), finite, its scaled value below
    ``_EXACT_BELOW`` and farther than ``_TIE_MARGIN`` from x.5 (``%`` rounds the double's
    exact value; the scaled product is within 2**-14 of it)."""
    with np.errstate(over="ignore", invalid="ignore"):  # inf and NaN are not written
        scaled = values * 10.0**digits
        whole = np.floor(scaled)
        fraction = scaled - whole  # exact (Sterbenz)
        done = ~np.signbit(values) & (scaled < _EXACT_BELOW)
        done &= np.abs(fraction - 0.5) > _TIE_MARGIN
    number = np.where(done, whole + (fraction > 0.5), 0.0).astype(np.int64)
    units, decimals = np.divmod(number, 10**digits)
    width = len(str(int(units.max(initial=0))))
    quotient = units[:, None] // 10 ** np.arange(width - 1, -1, -1)  # most significant first
    leading = np.where(quotient > 0, quotient % 10 + ord("0"), 0)
    leading[:, -1] = units % 10 + ord("0")  # the units digit, 0 included
    after = decimals[:, None] // 10 ** np.arange(digits - 1, -1, -1) % 10 + ord("0")
    point = np.full((values.size, 1), ord("."))
    return np.concatenate([leading, point, after], axis=1).astype(np.uint8), done

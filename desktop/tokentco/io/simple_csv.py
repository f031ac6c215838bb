"""Lines of a CSV file of the simple form, split without the csv module.

Most points files are simpler than CSV allows: every line a record, a field either free of
quotes or wholly quoted (``"…"``, the quotes first and last, no quote, CR or NUL inside).
Such a line's fields are what the csv reader gives; these helpers split one line and say
how the csv writer writes its fields back. ``estimate_table`` splits the whole text
with them, and a file's header line is read with them before ``field_scan`` locates the
rest.
"""

from itertools import repeat
from operator import contains


def line_fields(line: str) -> tuple[list[str], str] | None:
    """The fields of a line and the line as the csv writer writes them (a quoted field
    stays quoted only if it holds a comma); None for a line of another form. A blank
    line has no fields."""
    if '"' not in line:
        return (line.split(",") if line else []), line
    pieces = line.split('"')
    if len(pieces) == 3:  # one quoted field, the common case
        head, inside, tail = pieces
        if (head and head[-1] != ",") or (tail and tail[0] != ","):
            return None
        cells = head.split(",")  # its last, empty piece is the quoted field's place
        cells[-1] = inside
        if tail:
            cells += tail.split(",")[1:]
        return cells, (line if "," in inside else head + inside + tail)
    return quoted_fields(pieces)


def quoted_fields(pieces: list[str]) -> tuple[list[str], str] | None:
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


def any_holds(lines: list[str], character: str) -> bool:
    """Whether a line holds ``character`` (a C loop of ``in``: each a memchr; counting the
    characters of the whole text instead looks at every one of its millions)."""
    return any(map(contains, lines, repeat(character)))

"""Located problems: every bad input names its file, sheet, row and column.

Every problem prints as ONE line: control characters (a newline in a cell, a NUL, an
escape sequence) are shown escaped, and overlong parts (a 300-character file name, a
32,000-digit cell quoted in a message) are shortened in the middle, so a hostile file can
neither forge extra output lines nor flood a terminal or the GUI's problem list.
"""

import re
from dataclasses import dataclass

MAX_PART_CHARS = 120
"""Longest file/sheet/header name printed in a location (longer ones lose their middle)."""
MAX_MESSAGE_CHARS = 400
"""Longest message printed after a location."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if char in named:
        return named[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` with control characters escaped and at most ``limit`` characters."""
    text = _CONTROL.sub(_escape, text)
    if len(text) <= limit:
        return text
    keep = max(limit - 1, 2)
    head = keep * 2 // 3
    return f"{text[:head]}…{text[len(text) - (keep - head) :]}"


@dataclass(frozen=True)
class Location:
    """Where a problem is, printed as ``file:sheet:R14:C "Price/hr"``."""

    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    header: str = ""

    def __str__(self) -> str:
        parts = [one_line(self.file, MAX_PART_CHARS) or "<input>"]
        if self.sheet:
            parts.append(one_line(self.sheet, MAX_PART_CHARS))
        if self.row is not None:
            parts.append(f"R{self.row}")
        if self.column:  # the column's letter, then its header: C "Price/hr"
            header = one_line(self.header, MAX_PART_CHARS)
            parts.append(f'{self.column} "{header}"' if header else self.column)
        return ":".join(parts)


@dataclass(frozen=True)
class Problem:
    """One located problem with a value, e.g. ``quotes.xlsx:Pricing:R14:C "Price/hr": ...``."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {one_line(self.message)}"


class InputError(Exception):
    """A file or argument the tool cannot use at all (exit code 2 in the CLI).

    ``message`` is the text without the location; ``str()`` is the whole one-line problem.
    """

    def __init__(self, message: str, location: Location | None = None) -> None:
        text = f"{location}: {one_line(message)}" if location else one_line(message)
        super().__init__(text)
        self.message = message
        self.location = location

"""Located problems: every bad input names its file, sheet, row and column."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a problem is, printed as ``file:sheet:R14:C "Price/hr"``."""
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    header: str = ""

    def __str__(self) -> str:
        parts = [self.file or "<input>"]
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(f"R{self.row}")
        if self.column:  # the column's letter, then its header: C "Price/hr"
            parts.append(f'{self.column} "{self.header}"' if self.header else self.column)
        return ":".join(parts)


@dataclass(frozen=True)
class Problem:
    """One located problem with a value, e.g. ``quotes.xlsx:Pricing:R14:C "Price/hr": ...``."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class InputError(Exception):
    """A file or argument the tool cannot use at all (exit code 2 in the CLI)."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(f"{location}: {message}" if location else message)
        self.location = location

"""A calibration-format CSV read as columns, for ``tokentco estimate``.

``calibration_file.read_points_csv`` gives one dict per row; a file of 20,000 load points
needs only its columns, so here the records stay the lists the csv module reads and are
transposed once. A column holds what ``csv.DictReader`` would give for that key, row by
row: the cell under the header's last column of that name, ``None`` where a short row has
none. Blank lines are skipped, as ``DictReader`` skips them. The file problems (not found,
not readable, required columns missing) are the same located messages as
``read_points_csv``'s.
"""

import csv
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path

from tokentco.io.calibration_file import MEASURED_NAME, REQUIRED_COLUMNS
from tokentco.io.errors import InputError, Location


@dataclass(frozen=True)
class PointsTable:
    """The header and records of a points file (records as read, ragged ones kept)."""

    header: list[str]
    records: list[list[str]]
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
        if not self._columns and self.records:
            width = max(len(self.header), max(map(len, self.records)))
            cells = list(zip_longest(*self.records, fillvalue=None))
            self._columns.update(enumerate(cells[:width]))
        return self._columns.get(where, ())

    def index_of(self, name: str) -> int | None:
        """Position of the header's last column called ``name`` (the one a dict keeps)."""
        for index in range(len(self.header) - 1, -1, -1):
            if self.header[index] == name:
                return index
        return None


def read_points_table(path: Path) -> PointsTable:
    """Header and records of a calibration-format CSV (extra columns kept)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None) or []
            records = [record for record in reader if record]
    except FileNotFoundError as exc:
        raise InputError("file not found", Location(file=str(path))) from exc
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read CSV: {exc}", Location(file=str(path))) from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)} (expected the columns of {MEASURED_NAME})",
            Location(file=path.name),
        )
    return PointsTable(header, records)

"""Read a workload mix (MIX.csv) and a demand profile (PROFILE.csv) with located errors.

Both files are typed by hand or exported from a monitoring tool, so every problem names
the file, row and column and what was expected, and never surfaces as a traceback.
"""

import csv
import math
from pathlib import Path

from pydantic import ValidationError

from tokentco.domain.mix import (
    HOURS_PER_DAY,
    HOURS_PER_WEEK,
    MAX_TOKENS_PER_S,
    DemandProfile,
    MultiTurn,
    WorkloadClass,
)
from tokentco.io.errors import InputError, Location

MIX_COLUMNS = (
    "class",
    "share",
    "isl",
    "osl",
    "min_tok_s_per_user",
    "max_ttft_ms",
    "prefix_hit",
)
"""The contract columns, in order; ``share`` is the class's share of output tokens."""
MIX_OPTIONAL_COLUMNS = (
    "isl_p90",
    "osl_p90",
    "priority",
    "turns_per_session",
    "tokens_added_per_turn",
    "tool_wait_s",
)
"""Extra columns a mix may carry: p90 lengths (then isl/osl are medians), a priority and,
for agentic classes, the session shape."""
PROFILE_COLUMNS = ("hour", "tokens_per_s")


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def _rows(
    path: Path, wanted: tuple[str, ...], optional: tuple[str, ...]
) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """Header → column index and the non-blank data rows with their 1-based row numbers."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it as UTF-8 CSV ({exc})") from exc
    table = list(csv.reader(text.splitlines()))
    if not table:
        raise InputError(
            "empty file: expected a header row " + ",".join(wanted), Location(str(path))
        )
    header = [cell.strip().lower() for cell in table[0]]
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        where = Location(str(path), row=1, column=_letter(index), header=table[0][index])
        if name not in wanted and name not in optional:
            raise InputError(f"unknown column; expected {', '.join(wanted + optional)}", where)
        if name in columns:
            raise InputError("column appears twice", where)
        columns[name] = index
    missing = [name for name in wanted if name not in columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; expected {','.join(wanted)}",
            Location(str(path), row=1),
        )
    rows = [(n, row) for n, row in enumerate(table[1:], start=2) if any(c.strip() for c in row)]
    return columns, rows


class _Cells:
    """One data row's cells, read by column name, each failure located."""

    def __init__(self, path: Path, header: dict[str, int], number: int, row: list[str]) -> None:
        self.path, self.header, self.row_number, self.row = path, header, number, row

    def where(self, name: str) -> Location:
        index = self.header[name]
        return Location(str(self.path), row=self.row_number, column=_letter(index), header=name)

    def text(self, name: str) -> str:
        index = self.header.get(name)
        if index is None or index >= len(self.row):
            return ""
        return self.row[index].strip()

    def number_or_none(self, name: str, expected: str) -> float | None:
        raw = self.text(name)
        if raw == "":
            return None
        try:
            value = float(raw.replace("_", ""))
        except ValueError:
            raise InputError(
                f"{raw!r} is not a number; expected {expected}", self.where(name)
            ) from None
        if not math.isfinite(value):
            raise InputError(f"{raw!r} is not finite; expected {expected}", self.where(name))
        return value

    def number(self, name: str, expected: str) -> float:
        value = self.number_or_none(name, expected)
        if value is None:
            raise InputError(f"empty; expected {expected}", self.where(name))
        return value

    def integer(self, name: str, expected: str) -> int | None:
        value = self.number_or_none(name, expected)
        if value is None:
            return None
        if value != int(value):
            raise InputError(
                f"{value:g} is not a whole number; expected {expected}", self.where(name)
            )
        return int(value)


_FIELD_COLUMN = {
    "name": "class",
    "share": "share",
    "isl_tokens": "isl",
    "osl_tokens": "osl",
    "min_tokens_per_s_per_user": "min_tok_s_per_user",
    "max_ttft_ms": "max_ttft_ms",
    "prefix_hit_rate": "prefix_hit",
    "isl_p90_tokens": "isl_p90",
    "osl_p90_tokens": "osl_p90",
    "priority": "priority",
    "turns_per_session": "turns_per_session",
    "tokens_added_per_turn": "tokens_added_per_turn",
    "tool_wait_s": "tool_wait_s",
}


def _validated(cells: _Cells, name: str) -> WorkloadClass:
    """One class from its row, a pydantic complaint turned into a located one-liner."""
    try:
        return _mix_row(cells, name)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][-1]) if first["loc"] else "class"
        column = _FIELD_COLUMN.get(field, "class")
        if column not in cells.header:
            column = "class"
        raise InputError(
            str(first["msg"]).removeprefix("Value error, "), cells.where(column)
        ) from None


def read_mix(path: Path) -> tuple[WorkloadClass, ...]:
    """The classes of MIX.csv; their shares of output tokens must sum to 1."""
    header, rows = _rows(path, MIX_COLUMNS, MIX_OPTIONAL_COLUMNS)
    if not rows:
        raise InputError("no classes: expected one row per workload class", Location(str(path)))
    classes: list[WorkloadClass] = []
    for number, row in rows:
        cells = _Cells(path, header, number, row)
        name = cells.text("class")
        if not name:
            raise InputError("empty; expected the class's name", cells.where("class"))
        if any(c.name == name for c in classes):
            raise InputError(f"class {name!r} appears twice", cells.where("class"))
        classes.append(_validated(cells, name))
    total = sum(c.share for c in classes)
    if abs(total - 1.0) > 1e-3:
        raise InputError(
            f"shares sum to {total:.4g}; expected the shares of output tokens to sum to 1",
            Location(str(path), column=_letter(header["share"]), header="share"),
        )
    return tuple(classes)


def _mix_row(cells: _Cells, name: str) -> WorkloadClass:
    share = cells.number("share", "the class's share of output tokens, 0 < share ≤ 1")
    isl = cells.integer("isl", "input tokens per request, a whole number ≥ 1")
    osl = cells.integer("osl", "output tokens per request, a whole number ≥ 1")
    if isl is None:
        raise InputError("empty; expected input tokens per request", cells.where("isl"))
    if osl is None:
        raise InputError("empty; expected output tokens per request", cells.where("osl"))
    for column, median in (("isl_p90", isl), ("osl_p90", osl)):
        p90 = cells.integer(column, f"the 90th-percentile length, ≥ {median}")
        if p90 is not None and p90 < median:
            raise InputError(
                f"{p90} is below the median {median}; expected a 90th percentile ≥ {median}",
                cells.where(column),
            )
    turns = cells.integer("turns_per_session", "turns per agentic session, 1–64")
    multi = None
    if turns is not None and turns > 1:
        added = cells.integer("tokens_added_per_turn", "new tokens per turn, ≥ 0")
        wait = cells.number_or_none("tool_wait_s", "seconds of tool wait between turns, ≥ 0")
        multi = MultiTurn(
            turns_per_session=turns,
            tokens_added_per_turn=added if added is not None else MultiTurn().tokens_added_per_turn,
            tool_wait_s=wait if wait is not None else MultiTurn().tool_wait_s,
        )
    return WorkloadClass(
        name=name,
        share=share,
        isl_tokens=isl,
        osl_tokens=osl,
        min_tokens_per_s_per_user=cells.number_or_none(
            "min_tok_s_per_user", "tokens/s per user > 0, or empty for no target"
        ),
        max_ttft_ms=cells.number_or_none("max_ttft_ms", "milliseconds > 0, or empty for no target"),
        prefix_hit_rate=cells.number_or_none("prefix_hit", "a prefix-cache hit rate 0 ≤ x < 1")
        or 0.0,
        isl_p90_tokens=cells.integer("isl_p90", "the 90th-percentile input length, ≥ isl"),
        osl_p90_tokens=cells.integer("osl_p90", "the 90th-percentile output length, ≥ osl"),
        priority=cells.integer("priority", "a priority 0–9") or 0,
        multi_turn=multi,
    )


def read_profile(path: Path) -> DemandProfile:
    """The hourly output tokens/s of PROFILE.csv: 168 rows (a week) or 24 (a day), hours
    0, 1, 2, … in order."""
    header, rows = _rows(path, PROFILE_COLUMNS, ())
    if len(rows) not in (HOURS_PER_DAY, HOURS_PER_WEEK):
        raise InputError(
            f"{len(rows)} hourly rows; expected 168 (a week) or 24 (a day)", Location(str(path))
        )
    values: list[float] = []
    for expected_hour, (number, row) in enumerate(rows):
        cells = _Cells(path, header, number, row)
        hour = cells.integer("hour", f"hour {expected_hour}")
        if hour != expected_hour:
            raise InputError(
                f"hour {hour}; expected {expected_hour} (hours 0, 1, 2, … in order)",
                cells.where("hour"),
            )
        value = cells.number("tokens_per_s", "output tokens per second, ≥ 0")
        if value < 0:
            raise InputError(
                f"{value:g} is negative; expected tokens/s ≥ 0", cells.where("tokens_per_s")
            )
        if value > MAX_TOKENS_PER_S:
            raise InputError(
                f"{value:.3g} tokens/s is beyond any fleet; expected at most "
                f"{MAX_TOKENS_PER_S:.0e}",
                cells.where("tokens_per_s"),
            )
        values.append(value)
    if max(values) <= 0:
        raise InputError("every hour is 0 tokens/s; expected some load", Location(str(path)))
    return DemandProfile(tokens_per_s=tuple(values), name=path.stem)


def write_profile_csv(profile: DemandProfile) -> str:
    """PROFILE.csv text for ``profile`` (what ``read_profile`` reads back)."""
    lines = [",".join(PROFILE_COLUMNS)]
    lines += [f"{hour},{value!r}" for hour, value in enumerate(profile.tokens_per_s)]
    return "\n".join(lines) + "\n"

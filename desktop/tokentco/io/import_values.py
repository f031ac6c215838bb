"""Cell values → typed column vectors, one column at a time (the lean per-row path).

Each ``parse_*`` function takes the raw cells of one column and returns the parsed values
plus ``{row_index: message}`` for the cells that are wrong. Messages name the value found
and what was expected, e.g. ``"call us" is not a number``. Numbers typed as text,
thousands separators (1,234.5 / 1.234,5 / 1 234 / 1'234), currency symbols and codes,
percentages and unit suffixes ("80 GB", "500 per month", "141 EUR") are understood;
Excel errors (#N/A) and formulas without a saved value are errors, never blanks.

A unit, period, currency or percent written in a cell is recorded per cell
(:class:`~tokentco.io.import_units.CellUnit` in ``NumberColumn.units``) for the importer
to convert or to reject against the column; it is never dropped. Separators that could
be read two ways ("1,234", "0,010") follow the column's own evidence (another cell with
"2,10" or "1,234.5") or the file's hint (``;``-separated CSV); with neither they are a
problem. Spaces and apostrophes only group thousands ("1 234"; "3 5" is a problem).

Every pattern here is linear in the cell's length (one anchored match per regex).
"""

import contextlib
import math
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, cast

from tokentco.io.import_headers import CURRENCY_SYMBOLS, analyse_header
from tokentco.io.import_read import EXCEL_ERRORS, ExcelError, MissingValue
from tokentco.io.import_units import CellUnit

NOT_APPLICABLE = frozenset({"n/a", "na", "-", "–", "—", "none", "not applicable", "null"})
"""Text meaning 'no value' — accepted only for optional columns."""

_CODES = {
    "USD": "USD",
    "US": "USD",
    "US$": "USD",
    "EUR": "EUR",
    "GBP": "GBP",
    "JPY": "JPY",
    "YEN": "JPY",
    "EURO": "EUR",
    "EUROS": "EUR",
    "DOLLARS": "USD",
}
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_LEAD_CODE = re.compile(r"^(US\$|USD|EUR|GBP|JPY|US(?=[\s\d]))\s*", re.I)
_TRAIL = re.compile(r"^(.*?\d\.?)\s*([A-Za-z€$£¥/%][A-Za-z€$£¥/%\-\s.]*)$")


def show(value: Any) -> str:
    """A cell value as quoted in messages: text in quotes, numbers plain."""
    if isinstance(value, MissingValue):
        return "formula"
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return f'"{text}"'
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def special_message(value: Any, expected: str) -> str | None:
    """Message for Excel errors and uncached formulas, else None."""
    if isinstance(value, MissingValue):
        return (
            "formula has no saved value (TokenTCO never recalculates formulas): open and "
            f"save the file in Excel, or type the value; expected {expected}"
        )
    if isinstance(value, ExcelError) or (
        isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS
    ):
        return (
            f'"{value.strip()}" is an Excel error (a broken formula or lookup), expected {expected}'
        )
    return None


def is_blank(value: Any) -> bool:
    return value is None or (type(value) is str and not value.strip())


class NumberText:
    """Result of reading a number written as text; ``ambiguous`` says why the separators
    could be read two ways (the value is then only the likelier reading)."""

    __slots__ = ("ambiguous", "currency", "percent", "period", "unit", "value")

    def __init__(
        self,
        value: float,
        currency: str | None,
        unit: str | None,
        percent: bool,
        period: str | None = None,
        ambiguous: str | None = None,
    ) -> None:
        self.value = value
        self.currency = currency
        self.unit = unit
        self.percent = percent
        self.period = period
        self.ambiguous = ambiguous

    def cell_unit(self) -> CellUnit | None:
        """The unit facts the cell stated, None for a bare number."""
        if self.unit or self.period or self.currency or self.percent:
            return CellUnit(self.unit, self.period, self.currency, self.percent)
        return None


_PER_GPU_WORDS = frozenset({"gpu", "gpus"})
_SPACE_GROUPS = re.compile(r"[+-]?\d{1,3}(?:[ '’]\d{3})+(?:[.,]\d+)?")


def number_from_text(text: str, decimal_comma: bool | None = False) -> NumberText | None:
    """Read "€1.234,50", "2,10", "3.35 TB/s", "8%", "(5)", "1 234", "500 per month",
    "$2.65/GPU-hr"; None when not a number.

    ``decimal_comma``: True when the file writes decimal commas, False when it writes
    decimal points, None when unknown (then "1,234" is flagged ``ambiguous``)."""
    s = text.strip().replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")
    if not s:
        return None
    currency = None
    percent = False
    unit = period = None
    for symbol, code in CURRENCY_SYMBOLS.items():
        if symbol in s:
            currency = code
            s = s.replace(symbol, "")
    lead = _LEAD_CODE.match(s)
    if lead:
        currency = _CODES.get(lead.group(1).upper(), currency)
        s = s[lead.end() :]
    s = s.strip()
    negative = s.startswith("(") and s.endswith(")")
    if negative:
        s = s[1:-1].strip()
    if s.endswith("%"):
        percent = True
        s = s[:-1].strip()
    trail = _TRAIL.match(s)
    if trail:
        suffix = trail.group(2).strip()
        if suffix.upper() in _CODES:
            currency = _CODES[suffix.upper()]
        else:
            info = analyse_header(suffix)
            if not set(info.words) <= _PER_GPU_WORDS or not (
                info.unit or info.period or info.currency or info.percent
            ):
                return None
            unit = info.unit
            period = info.period
            percent = percent or info.percent
            currency = currency or info.currency
        s = trail.group(1).strip()
    if " " in s or "'" in s or "’" in s:
        if not _SPACE_GROUPS.fullmatch(s):
            return None
        s = s.replace(" ", "").replace("'", "").replace("’", "")
    plain, ambiguous = _normalise_separators(s, decimal_comma)
    if plain is None or not _NUMBER.match(plain):
        return None
    value = float(plain)
    if not math.isfinite(value):
        return None
    if negative:
        value = -value
    if percent:
        value /= 100.0
    return NumberText(value, currency, unit, percent, period, ambiguous)


LOCALE_SCAN_ROWS = 1000
_NUMERIC_TEXT = re.compile(
    r"\s*[-+(]?\s*(?:US\$|[$€£¥]|[A-Z]{3}\s)?\s*\d[\d.,'’ \u00a0]{0,40}\s*"
    r"(?:[A-Za-z%/€$£¥][A-Za-z%/ \-]{0,15})?\)?\s*$"
)
"""A cell that is a number with separators and maybe a currency or unit (not a note)."""
_COMMA_GROUPS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+")
_DOT_GROUPS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+")


def _normalise_separators(s: str, decimal_comma: bool | None) -> tuple[str | None, str | None]:
    """(plain number text, why it is ambiguous or None)."""
    if "," in s and "." in s:
        if s.rfind(",") > s.rfind("."):
            return s.replace(".", "").replace(",", "."), None
        return s.replace(",", ""), None
    if "," in s:
        if _COMMA_GROUPS.fullmatch(s):
            decimal = s.replace(",", ".") if s.count(",") == 1 else None
            grouped = s.replace(",", "")
            leading_zero = s.lstrip("+-").startswith("0")
            if decimal_comma and decimal is not None:
                return decimal, None
            if decimal_comma is False and not leading_zero:
                return grouped, None
            if decimal is None:  # "1,234,567": only thousands fit
                return grouped, None
            why = (
                "a decimal comma or a thousands separator? this file does not show which"
                if decimal_comma is None
                else "a thousands group cannot start with 0, and this file writes decimal points"
            )
            return (decimal if leading_zero else grouped), why
        if s.count(",") == 1:
            return s.replace(",", "."), None
        return None, None
    if s.count(".") > 1 and _DOT_GROUPS.fullmatch(s):
        return s.replace(".", ""), None
    if decimal_comma and _DOT_GROUPS.fullmatch(s):  # "1.234" where commas are decimals
        return s, "a thousands separator or a decimal point? this file writes decimal commas"
    return s, None


def _separator_vote(text: str) -> bool | None:
    """What one text cell says about the file's decimal separator: True for a decimal
    comma ("2,10", "1.234,5"), False for a decimal point ("1,234.5", "2.10", "1,234,567"),
    None when it tells nothing ("1,234", "12")."""
    core = text.strip()
    if len(core) > 64:
        return None
    if "," in core and "." in core:
        return core.rfind(",") > core.rfind(".")
    digits = re.search(r"\d[\d,.]*", core)
    if digits is None:
        return None
    number = digits.group(0).rstrip(".,")
    if "," in number:
        if number.count(",") > 1:
            return False if _COMMA_GROUPS.fullmatch(number) else None
        return None if _COMMA_GROUPS.fullmatch(number) else True
    if "." in number:
        if number.count(".") > 1:
            return True if _DOT_GROUPS.fullmatch(number) else None
        return None if _DOT_GROUPS.fullmatch(number) else False
    return None


def _votes(cells: Iterable[Any]) -> tuple[int, int]:
    comma = point = 0
    for v in cells:
        if type(v) is str and ("," in v or "." in v) and _NUMERIC_TEXT.match(v):
            vote = _separator_vote(v)
            if vote is True:
                comma += 1
            elif vote is False:
                point += 1
    return comma, point


def column_locale(cells: Sequence[Any], decimal_comma: bool | None) -> bool | None:
    """The decimal separator a column's numeric text cells show (majority of the
    unambiguous ones), else ``decimal_comma`` (the sheet's locale: True, False or None
    for unknown)."""
    comma, point = _votes(cells)
    if comma != point:
        return comma > point
    return decimal_comma


def sheet_locale(rows: Sequence[Sequence[Any]], hint: bool) -> bool | None:
    """The decimal separator a sheet's numeric text cells show (first
    :data:`LOCALE_SCAN_ROWS` rows), else True when the file hints at decimal commas
    (``;``-separated CSV), else None. A ``;`` CSV whose cells write "2.5" is read with
    decimal points: the cells outrank the delimiter."""
    comma, point = _votes(c for row in rows[:LOCALE_SCAN_ROWS] for c in row)
    if comma != point:
        return comma > point
    return True if hint else None


class NumberColumn:
    """Parsed numeric column: values, per-cell currency/unit facts, errors."""

    __slots__ = ("currencies", "errors", "units", "values")

    def __init__(self, n: int) -> None:
        self.values: list[float | None] = [None] * n
        self.currencies: dict[int, str] = {}
        self.units: dict[int, CellUnit] = {}
        self.errors: dict[int, str] = {}


_COLUMNWISE = True
"""Columns whose cells are all plain ``str`` (a CSV) or all ``float`` (numbers in a
workbook) are parsed column-wise: C-level maps, each distinct text parsed once. False:
the cell-by-cell loops, which define the outcome (tests/io/test_import_values_columnwise.py
compares both)."""


def _only(cells: Sequence[Any], kind: type) -> bool:
    """True when every cell is exactly a ``kind`` (not a subclass: ExcelError and
    MissingValue are str subclasses, bool an int subclass)."""
    return len(cells) > 0 and set(map(type, cells)) == {kind}


def parse_numbers(
    cells: Sequence[Any], expected: str, required: bool, decimal_comma: bool | None = None
) -> NumberColumn:
    """Numbers with a fast path for real numbers and plain numeric text.

    ``decimal_comma`` is the sheet's locale (:func:`sheet_locale`; None: unknown); the
    column's own cells decide first (:func:`column_locale`). They are scanned only when a
    cell needs it (a comma, or "1.234" that a decimal-comma file would mean as 1234).

    Column-wise (the outcome of :func:`_numbers_by_cell`, which defines it): a column of
    finite floats is taken as it is; in a column of plain texts each distinct text is read
    once and its outcome given to every cell holding it (an outcome depends only on the
    text and the column's locale, which is voted over the whole column either way)."""
    if _COLUMNWISE and _only(cells, float) and all(map(math.isfinite, cells)):
        out = NumberColumn(0)
        out.values = list(cells)
        return out
    if _COLUMNWISE and _only(cells, str):
        distinct = list(dict.fromkeys(cells))
        if len(distinct) < len(cells):
            parsed = _numbers_by_cell(distinct, expected, required, decimal_comma, cells)
            return _spread(parsed, distinct, cells)
    return _numbers_by_cell(cells, expected, required, decimal_comma, cells)


def _spread(parsed: NumberColumn, distinct: list[str], cells: Sequence[str]) -> NumberColumn:
    """The column of ``cells`` from ``parsed``, the outcome of its ``distinct`` texts."""
    out = NumberColumn(0)
    value_of = dict(zip(distinct, parsed.values, strict=True))
    out.values = list(map(value_of.__getitem__, cells))
    # the texts with a problem, a currency or a unit: their cells are found in one pass
    position = {distinct[j]: j for j in (*parsed.errors, *parsed.currencies, *parsed.units)}
    if not position:
        return out
    for i, text in enumerate(cells):
        j = position.get(text)
        if j is None:
            continue
        if j in parsed.errors:
            out.errors[i] = parsed.errors[j]
        if j in parsed.currencies:
            out.currencies[i] = parsed.currencies[j]
        if j in parsed.units:
            out.units[i] = parsed.units[j]
    return out


def _numbers_by_cell(
    cells: Sequence[Any],
    expected: str,
    required: bool,
    decimal_comma: bool | None,
    column: Sequence[Any],
) -> NumberColumn:
    """:func:`parse_numbers` cell by cell; ``column`` is the whole column, whose cells
    vote on the locale (``cells`` may be only its distinct texts)."""
    out = NumberColumn(len(cells))
    values = out.values
    locale: bool | None = None
    locale_known = False
    # numeric texts that took the fast path (the locale, once known, is fixed per column)
    fast: dict[str, float] = {}
    for i, v in enumerate(cells):
        t = type(v)
        if t is float or t is int:
            if math.isfinite(v):
                values[i] = float(v)
                continue
            out.errors[i] = f"{show(v)} is not a finite number, expected {expected}"
            continue
        if t is str:
            if not v:
                if required:
                    out.errors[i] = f"missing: expected {expected}"
                continue
            known = fast.get(v)
            if known is not None:
                values[i] = known
                continue
            if not decimal_comma:
                try:
                    f = float(v)
                    if math.isfinite(f) and "_" not in v:
                        if "." not in v or not _DOT_GROUPS.fullmatch(v.strip()):
                            values[i] = fast[v] = f
                            continue
                        # "1.234": a decimal point unless the column writes decimal
                        # commas (the slow path would say the same, 50x slower per cell)
                        if not locale_known:
                            locale, locale_known = column_locale(column, decimal_comma), True
                        if locale is not True:
                            values[i] = fast[v] = f
                            continue
                except ValueError:
                    pass
        if not locale_known:
            locale, locale_known = column_locale(column, decimal_comma), True
        _slow_number(out, i, v, expected, required, locale)
    return out


def _slow_number(
    out: NumberColumn, i: int, v: Any, expected: str, required: bool, decimal_comma: bool | None
) -> None:
    if v is None or (
        isinstance(v, str) and not isinstance(v, ExcelError | MissingValue) and not v.strip()
    ):
        if required:
            out.errors[i] = f"missing: expected {expected}"
        return
    special = special_message(v, expected)
    if special:
        out.errors[i] = special
        return
    if isinstance(v, bool):
        out.errors[i] = f"{show(v)} is a true/false value, expected {expected}"
        return
    if isinstance(v, datetime | date):
        out.errors[i] = f'"{v.isoformat()}" is a date, expected {expected}'
        return
    if not isinstance(v, str):
        out.errors[i] = f"{show(str(v))} is not a number, expected {expected}"
        return
    if v.strip().lower() in NOT_APPLICABLE:
        if required:
            out.errors[i] = f"{show(v)} is not a number: a value is required here ({expected})"
        return
    parsed = number_from_text(v, decimal_comma)
    if parsed is None:
        if len(v) > 30 and v.strip().isdigit():
            out.errors[i] = f"{show(v)} is a {len(v.strip())}-digit number, expected {expected}"
        else:
            out.errors[i] = f"{show(v)} is not a number"
        return
    if parsed.ambiguous:
        out.errors[i] = f"{show(v)} is ambiguous ({parsed.ambiguous}): write it without separators"
        return
    out.values[i] = parsed.value
    if parsed.currency:
        out.currencies[i] = parsed.currency
    cell_unit = parsed.cell_unit()
    if cell_unit is not None:
        out.units[i] = cell_unit


def parse_ints(
    cells: Sequence[Any], expected: str, required: bool, decimal_comma: bool | None = None
) -> NumberColumn:
    out = parse_numbers(cells, expected, required, decimal_comma)
    if _COLUMNWISE:  # most columns hold whole numbers only: one C-level pass says so
        distinct = set(out.values)
        distinct.discard(None)
        if all(float(v).is_integer() for v in cast(set[float], distinct)):
            return out
    for i, v in enumerate(out.values):
        if v is not None and not float(v).is_integer():
            out.errors[i] = f"{show(cells[i])} is not a whole number, expected {expected}"
            out.values[i] = None
    return out


def text_of(v: Any) -> str:
    """Cell as text: numbers without a trailing .0, dates as ISO."""
    if type(v) is str:
        return v.strip()
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return str(v).strip()


def parse_texts(
    cells: Sequence[Any], expected: str, required: bool
) -> tuple[list[str | None], dict[int, str]]:
    """Texts stripped; blanks None (a problem when ``required``), Excel errors and
    uncached formulas problems. A column of plain ``str`` cells (every CSV column) is
    stripped by one C-level map, its blanks found by ``list.index``: what the loop of
    :func:`_texts_by_cell` gives such cells (a plain str is never an Excel-error mark)."""
    if not (_COLUMNWISE and _only(cells, str)):
        return _texts_by_cell(cells, expected, required)
    values: list[str | None] = list(map(str.strip, cells))
    errors: dict[int, str] = {}
    missing = f"missing: expected {expected}"
    i = -1
    with contextlib.suppress(ValueError):  # list.index: no blank left
        while True:
            i = values.index("", i + 1)
            values[i] = None
            if required:
                errors[i] = missing
    return values, errors


def _texts_by_cell(
    cells: Sequence[Any], expected: str, required: bool
) -> tuple[list[str | None], dict[int, str]]:
    values: list[str | None] = [None] * len(cells)
    errors: dict[int, str] = {}
    for i, v in enumerate(cells):
        # exact str only: ExcelError and MissingValue (str subclasses) take the slow path
        if type(v) is str and v:
            s = v.strip()
            if s:
                values[i] = s
                continue
        special = special_message(v, expected)
        if special:
            errors[i] = special
            continue
        s = text_of(v)
        if s:
            values[i] = s
        elif required:
            errors[i] = f"missing: expected {expected}"
    return values, errors


_TRUE = frozenset({"true", "yes", "y", "1", "x", "✓", "✔", "on", "enabled", "t"})
_FALSE = frozenset({"false", "no", "n", "0", "off", "disabled", "f", "-", "none", "n/a"})


def parse_bools(
    cells: Sequence[Any], expected: str, required: bool
) -> tuple[list[bool | None], dict[int, str]]:
    values: list[bool | None] = [None] * len(cells)
    errors: dict[int, str] = {}
    for i, v in enumerate(cells):
        special = special_message(v, expected)
        if special:
            errors[i] = special
            continue
        if isinstance(v, bool):
            values[i] = v
            continue
        if isinstance(v, int | float) and v in (0, 1):
            values[i] = bool(v)
            continue
        s = text_of(v).lower()
        if not s:
            if required:
                errors[i] = f"missing: expected {expected}"
            continue
        first = s.split()[0].rstrip(",;:(") if s.split() else s
        if s in _TRUE or first in _TRUE:
            values[i] = True
        elif s in _FALSE or first in _FALSE:
            values[i] = False
        else:
            errors[i] = f"{show(v)} is not yes/no, expected {expected}"
    return values, errors


_PRICING_ALIASES = {
    "on demand": "on_demand",
    "ondemand": "on_demand",
    "od": "on_demand",
    "pay as you go": "on_demand",
    "payg": "on_demand",
    "hourly": "on_demand",
    "list": "on_demand",
    "spot": "spot",
    "preemptible": "spot",
    "interruptible": "spot",
    "spot preemptible": "spot",
    "reserved 1y": "reserved_1y",
    "reserved 1 year": "reserved_1y",
    "1 year reserved": "reserved_1y",
    "1y reserved": "reserved_1y",
    "1 yr reserved": "reserved_1y",
    "1 year": "reserved_1y",
    "1y": "reserved_1y",
    "1yr": "reserved_1y",
    "12 months": "reserved_1y",
    "1 year commit": "reserved_1y",
    "1 year commitment": "reserved_1y",
    "reserved 3y": "reserved_3y",
    "reserved 3 years": "reserved_3y",
    "3 year reserved": "reserved_3y",
    "3y reserved": "reserved_3y",
    "3 yr reserved": "reserved_3y",
    "3 year": "reserved_3y",
    "3 years": "reserved_3y",
    "3y": "reserved_3y",
    "3yr": "reserved_3y",
    "36 months": "reserved_3y",
    "3 year commit": "reserved_3y",
    "3 year commitment": "reserved_3y",
    "capacity block": "capacity_block",
    "capacity blocks": "capacity_block",
    "owner cost": "owner_cost",
    "tco": "owner_cost",
    "owned": "owned",
    "purchase": "owned",
    "buy": "owned",
    "capex": "owned",
    "on prem": "owned",
    "on premises": "owned",
}


def _enum_key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("-year", " year")))


def parse_enums(
    cells: Sequence[Any],
    choices: Sequence[str],
    expected: str,
    required: bool,
    aliases: dict[str, str] | None = None,
) -> tuple[list[str | None], dict[int, str]]:
    values: list[str | None] = [None] * len(cells)
    errors: dict[int, str] = {}
    lookup = {_enum_key(c): c for c in choices}
    lookup.update({c.replace("_", ""): c for c in choices})
    for key, target in (aliases or {}).items():
        if target in choices:
            lookup[_enum_key(key)] = target
    cache: dict[str, str | None] = {}

    def outcome(v: Any) -> tuple[str | None, str | None]:
        """(value, error) for one cell; both None: a blank cell that may stay blank."""
        special = special_message(v, expected)
        if special:
            return None, special
        s = text_of(v)
        if not s:
            return None, f"missing: expected {expected}" if required else None
        if s not in cache:
            key = _enum_key(s)
            cache[s] = lookup.get(key) or lookup.get(key.replace(" ", ""))
        found = cache[s]
        if found is None:
            return None, f"{show(v)} is not one of {', '.join(choices)}"
        return found, None

    # price lists repeat the same few texts: the outcome of a plain str cell is memoised
    seen: dict[str, tuple[str | None, str | None]] = {}
    if _COLUMNWISE and _only(cells, str):  # each distinct text once, then C-level maps
        seen = {v: outcome(v) for v in dict.fromkeys(cells)}
        value_of = {v: got[0] for v, got in seen.items()}  # None for an error (or a blank)
        failed = {v: got[1] for v, got in seen.items() if got[1] is not None}
        if failed:
            errors = {i: failed[v] for i, v in enumerate(cells) if v in failed}
        return list(map(value_of.__getitem__, cells)), errors
    for i, v in enumerate(cells):
        if type(v) is str:
            got = seen.get(v)
            if got is None:
                got = seen[v] = outcome(v)
        else:
            got = outcome(v)
        value, error = got
        if error is not None:
            errors[i] = error
        elif value is not None:
            values[i] = value
    return values, errors


PRICING_ALIASES = _PRICING_ALIASES


def parse_dates(
    cells: Sequence[Any], expected: str, required: bool
) -> tuple[list[str | None], dict[int, str]]:
    """Dates kept as text (ISO when the cell is a real date); free text allowed ("2026-04")."""
    return parse_texts(cells, expected, required)

"""Read untrusted .xlsx and .csv files into plain grids of cell values, safely.

Safety rules (see the README "Importing spreadsheets"):
- files over ``MAX_FILE_BYTES`` are refused;
- .xlsx archives are inspected before opening: too many entries, too much uncompressed
  data or an absurd compression ratio (zip bomb) are refused, as are XML parts that
  declare a DTD or entities (billion-laughs); openpyxl, when used, parses through
  defusedxml; cell values come from python-calamine, which reads *cached* values and never
  evaluates formulas;
- a formula cell without a cached value and an Excel error cell (#N/A…) are marked so the
  importer reports them at their location instead of treating them as blank;
- .xlsm/.xls/.xlsb/.ods get a clear "save as .xlsx" message; macros are never run.
The source file is only ever opened for reading.
"""

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from defusedxml import ElementTree as SafeET

from tokentco.io.errors import InputError, Location

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200.0
RATIO_CHECK_MIN_BYTES = 20 * 1024 * 1024
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
XLSX_SUFFIXES = {".xlsx"}
_OTHER_FORMATS = {
    ".xlsm": "macro-enabled workbooks are not opened (macros are never run): save it as "
    ".xlsx (Excel: File > Save As > Excel Workbook) and import that",
    ".xltm": "macro-enabled templates are not opened: save it as .xlsx and import that",
    ".xls": "the old Excel 97-2003 format is not read: save it as .xlsx "
    "(Excel: File > Save As > Excel Workbook) and import that",
    ".xlsb": "binary Excel workbooks are not read: save it as .xlsx and import that",
    ".ods": "OpenDocument spreadsheets are not read: save it as .xlsx and import that",
    ".numbers": "Numbers files are not read: export to .xlsx or .csv and import that",
}

Cell = Any
"""str | float | int | bool | date | datetime | None | ExcelError | MissingValue."""


class ExcelError(str):
    """An Excel error value (#N/A, #DIV/0!…) found in a cell."""


class MissingValue(str):
    """A formula cell saved without a cached value (TokenTCO never evaluates formulas)."""


EXCEL_ERRORS = frozenset(
    {
        "#N/A",
        "#VALUE!",
        "#REF!",
        "#DIV/0!",
        "#NUM!",
        "#NAME?",
        "#NULL!",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#BUSY!",
        "#CONNECT!",
        "#UNKNOWN!",
        "#N/A!",
    }
)


@dataclass
class RawSheet:
    """One table-like grid: rows of cell values, 0-based, as read (nothing converted)."""

    file: str
    name: str
    rows: list[list[Cell]]
    decimal_comma: bool = False
    marks: dict[tuple[int, int], Cell] = field(default_factory=dict)


Tick = Callable[[float, str], None]


def _noop(_fraction: float, _message: str) -> None:
    return None


def check_file(path: Path) -> None:
    """Refuse what must not be opened: missing, too big, or a format we do not read."""
    where = Location(file=path.name)
    suffix = path.suffix.lower()
    if suffix in _OTHER_FORMATS:
        raise InputError(_OTHER_FORMATS[suffix], where)
    if not path.exists():
        raise InputError("file not found", where)
    if not path.is_file():
        raise InputError("not a file", where)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"file is {size / 1e6:.0f} MB, over the {MAX_FILE_BYTES / 1e6:.0f} MB import limit: "
            "split it or remove unused sheets",
            where,
        )
    if suffix not in CSV_SUFFIXES | XLSX_SUFFIXES:
        raise InputError(
            f'"{suffix or path.name}" files are not read: expected .xlsx or .csv', where
        )


def read_tables(path: Path, tick: Tick = _noop) -> list[RawSheet]:
    """All sheets of an .xlsx, or the one table of a .csv, as raw grids."""
    path = Path(path)
    check_file(path)
    if path.suffix.lower() in CSV_SUFFIXES:
        return [read_csv(path)]
    return read_xlsx(path, tick)


# --- CSV --------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Excel's Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv(path: Path) -> RawSheet:
    where = Location(file=path.name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", where) from exc
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("not a text/CSV file (binary content)", where)
    text = decode_text(data)
    sample = text[:65536]
    delimiter = _sniff_delimiter(sample)
    try:
        rows: list[list[Cell]] = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(f"not a readable CSV file: {exc}", where) from exc
    return RawSheet(file=path.name, name="", rows=rows, decimal_comma=delimiter == ";")


def _sniff_delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: sum(line.count(d) for line in lines) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


# --- XLSX -------------------------------------------------------------------------------


def inspect_zip(path: Path) -> zipfile.ZipFile:
    """Open an .xlsx as a zip after checking it is not a zip bomb."""
    where = Location(file=path.name)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(
            "not an .xlsx workbook (not a zip archive); if it is a CSV file, rename it to .csv",
            where,
        ) from exc
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        archive.close()
        raise InputError(
            f"refused: the workbook archive has {len(infos)} parts (at most "
            f"{MAX_ZIP_ENTRIES} expected) — possibly a zip bomb",
            where,
        )
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        archive.close()
        raise InputError(
            f"refused: the workbook would expand to {total / 1e9:.1f} GB (at most "
            f"{MAX_UNCOMPRESSED_BYTES / 1e9:.0f} GB) — possibly a zip bomb",
            where,
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_RATIO:
            archive.close()
            raise InputError(
                f"refused: part {info.filename} expands {ratio:.0f}× (at most "
                f"{MAX_RATIO:.0f}×) — possibly a zip bomb",
                where,
            )
    if total > RATIO_CHECK_MIN_BYTES and total / max(packed, 1) > MAX_RATIO:
        archive.close()
        raise InputError(
            f"refused: the workbook expands {total / max(packed, 1):.0f}× — possibly a zip bomb",
            where,
        )
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        archive.close()
        raise InputError("not an .xlsx workbook (no xl/workbook.xml inside)", where)
    if "xl/vbaProject.bin" in names:
        archive.close()
        raise InputError(_OTHER_FORMATS[".xlsm"], where)
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            with archive.open(info) as part:
                head = part.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                archive.close()
                raise InputError(
                    f"refused: part {info.filename} declares an XML DTD/entities "
                    "(not produced by Excel; possible entity-expansion attack)",
                    where,
                )
    return archive


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → path of its XML part inside the archive."""
    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        book = SafeET.fromstring(archive.read("xl/workbook.xml"))
        rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for sheet in book.iter(f"{ns_main}sheet"):
        target = targets.get(sheet.get(f"{ns_rel}id"), "")
        if not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        out[sheet.get("name", "")] = part
    return out


_CELL_REF = rb'<c\b[^>]*?\br="([A-Z]{1,3})([0-9]+)"'
_ERROR_CELL = re.compile(_CELL_REF + rb'[^>]*?\bt="e"[^>]*>(?:(?!</c>).)*?<v>([^<]*)</v>', re.S)
_FORMULA_NO_VALUE = re.compile(
    _CELL_REF + rb"[^>]*>\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>|</c>)", re.S
)


def col_index(letters: bytes | str) -> int:
    text = letters.decode() if isinstance(letters, bytes) else letters
    value = 0
    for ch in text:
        value = value * 26 + (ord(ch) - 64)
    return value - 1


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _scan_marks(archive: zipfile.ZipFile, part: str) -> dict[tuple[int, int], Cell]:
    """Cells calamine shows as blank but that hold an Excel error or an uncached formula."""
    try:
        data = archive.read(part)
    except KeyError:
        return {}
    marks: dict[tuple[int, int], Cell] = {}
    if b't="e"' in data:
        for m in _ERROR_CELL.finditer(data):
            code = m.group(3).decode("utf-8", "replace").strip() or "#ERROR"
            marks[(int(m.group(2)) - 1, col_index(m.group(1)))] = ExcelError(code)
    if b"<f" in data:
        for m in _FORMULA_NO_VALUE.finditer(data):
            marks[(int(m.group(2)) - 1, col_index(m.group(1)))] = MissingValue("formula")
    return marks


def read_xlsx(path: Path, tick: Tick = _noop) -> list[RawSheet]:
    import python_calamine

    where = Location(file=path.name)
    archive = inspect_zip(path)
    try:
        parts = _sheet_parts(archive)
        try:
            book = python_calamine.CalamineWorkbook.from_path(str(path))
        except Exception as exc:
            raise InputError(f"not a readable .xlsx workbook: {exc}", where) from exc
        sheets: list[RawSheet] = []
        names = list(book.sheet_names)
        for number, name in enumerate(names):
            tick(number / max(len(names), 1), f"reading {path.name}:{name}")
            try:
                sheet = book.get_sheet_by_name(name)
                rows: list[list[Cell]] = sheet.to_python(skip_empty_area=False)
            except Exception as exc:
                raise InputError(
                    f"sheet cannot be read: {exc}", Location(file=path.name, sheet=name)
                ) from exc
            marks = _scan_marks(archive, parts[name]) if name in parts else {}
            sheets.append(RawSheet(file=path.name, name=name, rows=rows, marks=marks))
        book.close()
    finally:
        archive.close()
    return sheets

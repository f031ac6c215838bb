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
- .xlsm/.xls/.xlsb/.ods get a clear "save as .xlsx" message; macros are never run;
- a password-protected workbook (an OLE2 container holding ``EncryptionInfo``, or a zip
  with encrypted entries) gets "password-protected: remove the password…";
- every zip entry is decompressed once before calamine sees the archive (bad CRC, corrupt
  deflate, compression methods other than stored/deflate, duplicate entry names refused),
  and sizes calamine would trust blindly (a sharedStrings ``uniqueCount`` of 4294967295,
  a cell at XFD1048576 making a 17-billion-cell sheet) are refused;
- CSV text is decoded by BOM, then strict UTF-8, then a detector (charset-normalizer) for
  CJK encodings (Shift-JIS, GB18030…), else Excel's Windows-1252 — the choice is noted;
  NUL bytes and undecodable bytes are reported at their row and column.
The source file is only ever opened for reading. In the app this module runs inside the
child process of :mod:`tokentco.io.isolation`, which contains whatever still goes wrong.
"""

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import Any

from defusedxml import ElementTree as SafeET

from tokentco.io.errors import InputError, Location

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200.0
RATIO_CHECK_MIN_BYTES = 20 * 1024 * 1024
MAX_SHEET_CELLS = 20_000_000
"""Largest used area (rows × columns from A1) of one sheet; calamine allocates it densely."""
MAX_CSV_FIELD_CHARS = 1_000_000
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PASSWORD_MESSAGE = "password-protected: remove the password in Excel and save again"
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
        "#PYTHON!",
        "#EXTERNAL!",
        "#TIMEOUT!",
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
    notes: list[str] = field(default_factory=list)
    """How the file was read (e.g. "read as Shift-JIS (detected)"), for the sheet report."""
    cell_problems: dict[tuple[int, int], str] = field(default_factory=dict)
    """(row, column) → what is wrong with that cell as read (NUL byte, undecodable bytes)."""


Tick = Callable[[float, str], None]
RowSink = Callable[[int, list[list[Cell]]], None]
"""Takes (sheet number, its next rows) while a reader reads: the isolation child sends each
batch to the parent at once, so the parent unpickles one batch while the child reads the
next (they took turns). The sheet still keeps its rows: the child's memory limit counts the
whole grid, as when the rows came back in one piece, so the parent never receives a grid
the child could not hold."""
ROWS_PER_BATCH = 10_000
"""Rows handed to a :data:`RowSink` at a time (~0.8 MB pickled for an 8-column sheet)."""


def _noop(_fraction: float, _message: str) -> None:
    return None


def check_file(path: Path) -> None:
    """Refuse what must not be opened: missing, too big, or a format we do not read."""
    where = Location(file=path.name)
    suffix = path.suffix.lower()
    if suffix in _OTHER_FORMATS:
        raise InputError(_OTHER_FORMATS[suffix], where)
    try:
        status = path.stat()
    except FileNotFoundError:
        raise InputError("file not found", where) from None
    except OSError as exc:  # name too long, folder not readable, …
        raise InputError(f"cannot be opened: {exc.strerror or exc}", where) from None
    if path.is_dir():
        raise InputError("is a folder, not a file: give the .xlsx/.csv files inside it", where)
    if not path.is_file():
        raise InputError("not a file", where)
    size = status.st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"file is {size / 1e6:.0f} MB, over the {MAX_FILE_BYTES / 1e6:.0f} MB import limit: "
            "split it or remove unused sheets",
            where,
        )
    if suffix not in CSV_SUFFIXES | XLSX_SUFFIXES:
        raise InputError(
            f'"{suffix or path.name}" files are not read: expected .xlsx, .csv or a benchmark '
            "result (vLLM/SGLang/GenAI-Perf/AIPerf JSON, MLPerf mlperf_log_summary.txt)",
            where,
        )


def read_tables(path: Path, tick: Tick = _noop, sink: RowSink | None = None) -> list[RawSheet]:
    """All sheets of an .xlsx, or the one table of a .csv, as raw grids (their rows also
    handed to ``sink`` as they are read, when given)."""
    path = Path(path)
    check_file(path)
    if path.suffix.lower() in CSV_SUFFIXES:
        return [read_csv(path, sink)]
    return read_xlsx(path, tick, sink)


def _batches(rows: Iterable[list[Cell]]) -> Iterable[list[list[Cell]]]:
    """``rows`` in lists of :data:`ROWS_PER_BATCH`."""
    it = iter(rows)
    while batch := list(islice(it, ROWS_PER_BATCH)):
        yield batch


# --- CSV --------------------------------------------------------------------------------


_CJK_PREFIXES = (
    "cp932",
    "shift_jis",
    "euc_j",
    "iso2022",
    "gb",
    "big5",
    "cp950",
    "euc_kr",
    "cp949",
    "johab",
    "hz",
)


def decode_text(data: bytes) -> str:
    """The text of a CSV file (see :func:`decode_text_noted`)."""
    return decode_text_noted(data, Location())[0]


def decode_text_noted(data: bytes, where: Location) -> tuple[str, str]:
    """(text, note): UTF-16/UTF-8 by BOM, strict UTF-8, a detected CJK multi-byte encoding
    (charset-normalizer: Shift-JIS, GB18030…), else Excel's Windows-1252.

    Why not always trust the detector: on a short Western sheet it guesses code pages
    such as cp857 and turns "Mémoire" into mojibake; Windows-1252 is what Excel writes.
    UTF-16 with an odd byte count or a lone surrogate is refused with the byte offset.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ""
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not valid UTF-16 text at byte {exc.start} ({exc.reason}): save the file "
                "again as CSV UTF-8",
                where,
            ) from None
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = from_bytes(data[:262_144])
    best = matches.best()
    encoding = best.encoding if best is not None else ""
    if best is not None and encoding.startswith(_CJK_PREFIXES):
        text = data.decode(encoding, errors="replace")
        rivals = sorted(
            {
                m.encoding
                for m in matches
                if m.encoding != encoding
                and m.encoding.startswith(_CJK_PREFIXES)
                and m.chaos <= best.chaos + 0.01
                and data.decode(m.encoding, errors="replace") != text
            }
        )
        if rivals:  # too little text to tell (four characters fit several encodings)
            return text, (
                f"read as {encoding}, but the encoding is uncertain (also plausible: "
                f"{', '.join(rivals[:3])}): check the text, or save the file as CSV UTF-8"
            )
        return text, f"read as {encoding} (detected; not UTF-8)"
    text = data.decode("cp1252", errors="replace")
    return text, "read as Windows-1252 (not UTF-8)"


def read_csv(path: Path, sink: RowSink | None = None) -> RawSheet:
    """The file's one table; its rows also go to ``sink`` batch by batch when given."""
    where = Location(file=path.name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", where) from exc
    _refuse_binary(data, where)
    text, encoding_note = decode_text_noted(data, where)
    sample = text[:65536]
    delimiter = _sniff_delimiter(sample)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    sheet = RawSheet(file=path.name, name="", rows=[], decimal_comma=delimiter == ";")
    if encoding_note:
        sheet.notes.append(encoding_note)
    bad_characters = "\x00" in text or "\ufffd" in text
    read = 0
    # the limit is process-wide: restored after, so other CSV readers keep theirs
    previous = csv.field_size_limit(MAX_CSV_FIELD_CHARS)
    try:
        for batch in _batches(reader):  # each row is a new list already
            if bad_characters:
                _locate_bad_characters(batch, read, sheet.cell_problems)
            read += len(batch)
            sheet.rows.extend(batch)
            if sink is not None:
                sink(0, batch)
    except csv.Error as exc:
        raise InputError(
            f"not a readable CSV file: {exc}", Location(file=path.name, row=reader.line_num)
        ) from exc
    finally:
        csv.field_size_limit(previous)
    return sheet


def _refuse_binary(data: bytes, where: Location) -> None:
    """A workbook or other binary file renamed to .csv gets a message saying what it is."""
    if data.startswith(OLE2_MAGIC):
        raise InputError(_ole2_message(data) + " (it is not a CSV file)", where)
    if data.startswith(b"PK\x03\x04"):
        raise InputError("this is an .xlsx (zip) file, not a CSV: rename it to .xlsx", where)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return
    head = data[:4096]
    if head and head.count(0) > len(head) // 10:
        raise InputError("not a text/CSV file (binary content)", where)


def _locate_bad_characters(
    rows: list[list[Cell]], first: int, problems: dict[tuple[int, int], str]
) -> None:
    """Each cell with a NUL byte or an undecodable byte becomes a located cell problem in
    ``problems``; the character is removed from the value (so a header still matches).
    ``rows`` are the sheet's rows from row index ``first`` on."""
    for r, row in enumerate(rows, first):
        for c, cell in enumerate(row):
            if not isinstance(cell, str) or ("\x00" not in cell and "\ufffd" not in cell):
                continue
            what = []
            if "\x00" in cell:
                what.append("a NUL byte (\\x00)")
            if "\ufffd" in cell:
                what.append("bytes that are not valid text in this file's encoding")
            row[c] = cleaned = cell.replace("\x00", "").replace("\ufffd", "")
            problems[(r, c)] = (
                f"{' and '.join(what)} in the cell (value read as {cleaned[:40]!r}): "
                "fix the cell or save the file again as UTF-8 CSV"
            )


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
        with open(path, "rb") as handle:
            head = handle.read(8)
            if head == OLE2_MAGIC:
                handle.seek(0)
                raise InputError(_ole2_message(handle.read(MAX_FILE_BYTES)), where)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", where) from exc
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(
            "not an .xlsx workbook (not a zip archive); if it is a CSV file, rename it to .csv",
            where,
        ) from exc
    try:
        _check_entries(archive, where)
    except InputError:
        archive.close()
        raise
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
    try:
        _verify_entries(archive, where)
    except InputError:
        archive.close()
        raise
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            try:
                with archive.open(info) as part:
                    head = part.read(4096)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                archive.close()
                raise _damaged(info.filename, exc, where) from None
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                archive.close()
                raise InputError(
                    f"refused: part {info.filename} declares an XML DTD/entities "
                    "(not produced by Excel; possible entity-expansion attack)",
                    where,
                )
    try:
        _check_declared_sizes(archive, where)
    except InputError:
        archive.close()
        raise
    return archive


def _ole2_message(data: bytes) -> str:
    """An OLE2/CFB file: Office's encrypted-workbook container, or an old .xls."""
    if "EncryptionInfo".encode("utf-16-le") in data or b"EncryptedPackage" in data:
        return PASSWORD_MESSAGE
    return (
        "this is an old Excel 97-2003 (.xls) workbook with another name: save it as .xlsx "
        "(Excel: File > Save As > Excel Workbook) and import that"
    )


def _check_entries(archive: zipfile.ZipFile, where: Location) -> None:
    """Refuse what Excel never writes and readers disagree on: duplicate names (one reader
    sees one copy, another the other — a sheet silently empty), encryption, exotic methods."""
    seen: set[str] = set()
    for info in archive.infolist():
        if info.filename in seen:
            raise InputError(
                f"refused: the workbook archive holds two entries named {info.filename} "
                "(damaged or tampered with): open it in Excel and save it again",
                where,
            )
        seen.add(info.filename)
        if info.flag_bits & 0x1 or info.compress_type == 99:
            raise InputError(PASSWORD_MESSAGE, where)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InputError(
                f"refused: part {info.filename} uses zip compression method "
                f"{info.compress_type} (Excel uses only stored/deflate): open it in Excel "
                "and save it again",
                where,
            )


_SHEETS = "xl/worksheets/"


def _verify_entries(archive: zipfile.ZipFile, where: Location) -> None:
    """Decompress every entry once: a bad CRC or a corrupt deflate stream is refused here
    with its part named, instead of inside calamine. Worksheets are verified when
    :func:`read_part` reads them for the used-area check (one decompression, not two)."""
    for info in archive.infolist():
        if info.filename.startswith(_SHEETS):
            continue
        try:
            with archive.open(info) as part:
                while part.read(1 << 20):
                    pass
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise _damaged(info.filename, exc, where) from None


def _damaged(name: str, exc: Exception, where: Location) -> InputError:
    reason = "bad CRC-32" if "CRC" in str(exc) else f"corrupt data ({exc})"
    return InputError(
        f"damaged: part {name} cannot be decompressed ({reason}): open it in Excel and save "
        "it again, or ask for a new copy",
        where,
    )


def read_part(archive: zipfile.ZipFile, name: str, where: Location) -> bytes:
    """One part's bytes, CRC-checked; damage is one located problem."""
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise _damaged(name, exc, where) from None


_SST_COUNTS = re.compile(rb'\b(count|uniqueCount)="(\d+)"')


def _check_declared_sizes(archive: zipfile.ZipFile, where: Location) -> None:
    """calamine pre-allocates what the sharedStrings header declares: a uniqueCount of
    4294967295 in a 2 KB part asks for ~100 GB and aborts the process."""
    names = {info.filename: info for info in archive.infolist()}
    info = names.get("xl/sharedStrings.xml")
    if info is None:
        return
    with archive.open(info) as part:
        head = part.read(2048)
    for name, digits in _SST_COUNTS.findall(head):
        declared = int(digits)
        # each string takes ≥ 5 bytes (<si/>) in the part; each use ≥ 10 in some sheet
        bound = info.file_size // 5 if name == b"uniqueCount" else _total_size(archive) // 10
        if declared > max(bound, 1000):
            raise InputError(
                f"refused: the shared-strings part declares {declared:,} strings "
                f"({name.decode()}) but has room for at most {bound:,} (damaged or built to "
                "exhaust memory): open it in Excel and save it again",
                where,
            )


def _total_size(archive: zipfile.ZipFile) -> int:
    return sum(i.file_size for i in archive.infolist())


_LAST_ROW = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_WIDE_CELL = re.compile(rb'<c r="([A-Z]{2,3})[0-9]')


def check_used_area(data: bytes, where: Location) -> None:
    """calamine allocates a sheet densely from A1 to its last cell: one cell at XFD1048576
    is 17 billion cells (~550 GB). Refuse an area over MAX_SHEET_CELLS.

    Cheap on purpose (~0.1 s for a 40 MB sheet): the last row from the last ``<row>``
    element, the widest column from cells in columns AA and beyond. A file that lies in
    other ways is still contained by the child's memory limit."""
    last = data.rfind(b"<row ")
    match = _LAST_ROW.match(data, last) if last >= 0 else None
    rows = int(match.group(1)) if match else 0
    if rows * 16384 <= MAX_SHEET_CELLS:
        return
    width = 26
    for letters in set(_WIDE_CELL.findall(data)):
        width = max(width, col_index(letters) + 1)
    if rows * width > MAX_SHEET_CELLS:
        raise InputError(
            f"refused: its last cell is at {column_letter(width - 1)}{rows} — a used area of "
            f"{rows * width:,} cells (at most {MAX_SHEET_CELLS:,}): delete the stray cells "
            "or copy the table to a new sheet",
            where,
        )


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


def _scan_marks(data: bytes) -> dict[tuple[int, int], Cell]:
    """Cells calamine shows as blank but that hold an Excel error or an uncached formula."""
    marks: dict[tuple[int, int], Cell] = {}
    if b't="e"' in data:
        for m in _ERROR_CELL.finditer(data):
            code = m.group(3).decode("utf-8", "replace").strip() or "#ERROR"
            marks[(int(m.group(2)) - 1, col_index(m.group(1)))] = ExcelError(code)
    if b"<f" in data:
        for m in _FORMULA_NO_VALUE.finditer(data):
            marks[(int(m.group(2)) - 1, col_index(m.group(1)))] = MissingValue("formula")
    return marks


_CALAMINE_ERRORS = frozenset(
    {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#GETTING_DATA"}
)
_ERROR_VALUE = re.compile(rb'(<c\b[^>]*?\bt="e"[^>]*>(?:(?!</c>).)*?<v>)([^<]*)(</v>)', re.S)


def _neutral_errors(data: bytes) -> bytes:
    """The sheet XML with error codes calamine does not know (#SPILL!, #CALC!, #BLOCKED!…
    from Excel 365) replaced by #N/A, so the sheet reads; the real code is kept in the
    sheet's marks and reported at its cell."""

    def swap(m: re.Match[bytes]) -> bytes:
        code = m.group(2).decode("utf-8", "replace").strip()
        return m.group(0) if code in _CALAMINE_ERRORS else m.group(1) + b"#N/A" + m.group(3)

    return _ERROR_VALUE.sub(swap, data)


def _patched_book(archive: zipfile.ZipFile, parts: dict[str, str]) -> Any:
    """An in-memory copy of the workbook whose sheets carry only error codes calamine knows."""
    import python_calamine

    sheet_parts = set(parts.values())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename in sheet_parts and b't="e"' in data:
                data = _neutral_errors(data)
            copy.writestr(info.filename, data)
    buffer.seek(0)
    return python_calamine.CalamineWorkbook.from_filelike(buffer)


SheetMarks = dict[str, dict[tuple[int, int], Cell]]
"""Sheet name → its marked cells (Excel errors, formulas without a cached value)."""


def read_xlsx(path: Path, tick: Tick = _noop, sink: RowSink | None = None) -> list[RawSheet]:
    """The checks of :func:`check_xlsx`, then the cells of :func:`read_xlsx_cells`."""
    marks = check_xlsx(path)
    return with_marks(read_xlsx_cells(path, tick, sink), marks)


def with_marks(sheets: list[RawSheet], marks: SheetMarks) -> list[RawSheet]:
    """``sheets`` (as :func:`read_xlsx_cells` reads them) given their marks from
    :func:`check_xlsx`."""
    for sheet in sheets:
        sheet.marks = marks.get(sheet.name, {})
    return sheets


def check_xlsx(path: Path) -> SheetMarks:
    """Everything to refuse before calamine may see the workbook (zip structure and
    damage, declared sizes, each sheet's used area), and each sheet's marks."""
    where = Location(file=path.name)
    archive = inspect_zip(path)
    try:
        parts = _sheet_parts(archive)
        present = set(archive.namelist())
        sheet_marks: SheetMarks = {}
        for name, part in parts.items():
            if part not in present:
                continue
            data = read_part(archive, part, where)
            check_used_area(data, Location(file=path.name, sheet=name))
            sheet_marks[name] = _scan_marks(data)
            del data
    finally:
        archive.close()
    return sheet_marks


def read_xlsx_cells(path: Path, tick: Tick = _noop, sink: RowSink | None = None) -> list[RawSheet]:
    """Each sheet's cells as calamine reads them (no marks); the rows also go to ``sink``
    batch by batch when given. Only for a workbook that :func:`check_xlsx` accepts, or in a child
    process whose outcome is dropped when the checks refuse the file
    (:mod:`tokentco.io.isolation` runs both at once)."""
    import python_calamine

    where = Location(file=path.name)
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise InputError(PASSWORD_MESSAGE, where) from None
    except Exception as exc:
        raise InputError(f"not a readable .xlsx workbook: {exc}", where) from exc
    patched: Any = None
    sheets: list[RawSheet] = []
    try:
        names = list(book.sheet_names)
        for number, name in enumerate(names):
            tick(number / max(len(names), 1), f"reading {path.name}:{name}")
            located = Location(file=path.name, sheet=name)
            try:
                grid = book.get_sheet_by_name(name)
            except Exception as exc:
                if "error value" not in str(exc):
                    raise InputError(f"sheet cannot be read: {exc}", located) from exc
                if patched is None:
                    patched = _patched_copy(path, where)
                try:
                    grid = patched.get_sheet_by_name(name)
                except Exception as again:
                    raise InputError(f"sheet cannot be read: {again}", located) from again
            sheet = RawSheet(file=path.name, name=name, rows=[])
            try:
                for batch in _batches(_grid_rows(grid)):
                    sheet.rows.extend(batch)
                    if sink is not None:
                        sink(number, batch)
            except Exception as exc:
                raise InputError(f"sheet cannot be read: {exc}", located) from exc
            sheets.append(sheet)
    finally:
        book.close()
        if patched is not None:
            patched.close()
    return sheets


def _grid_rows(grid: Any) -> Iterable[list[Cell]]:
    """A calamine sheet's rows from A1, as ``to_python(skip_empty_area=False)`` gives them,
    one row at a time. ``iter_rows`` starts at row 1 but at the used area's first column:
    the empty columns before it are put back (tests/io/test_import_batches.py compares)."""
    start = grid.start
    rows: Iterable[list[Cell]] = grid.iter_rows()
    if start is not None and start[1] > 0:
        pad: list[Cell] = [""] * start[1]
        rows = (pad + row for row in rows)
    return rows


def _patched_copy(path: Path, where: Location) -> Any:
    """:func:`_patched_book` of the workbook at ``path``."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError("not an .xlsx workbook (not a zip archive)", where) from exc
    with archive:
        return _patched_book(archive, _sheet_parts(archive))

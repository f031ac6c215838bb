"""Write the hostile-file corpus: every damaged, crafted or awkward input import must survive.

Run: ``python scripts/make_hostile_corpus.py OUT_DIR`` (the tests call :func:`make_corpus`
into a temporary folder; nothing is committed). Each file is built byte by byte here —
minimal SpreadsheetML parts, zip headers patched in place, encoded CSV text — so each case
is exactly the hostile feature named, on an otherwise valid table that would import.

:data:`CASES` says, for each file, what import must do: the exit code of ``validate``
(2: the file cannot be read; 1: some rows have problems; 0: all rows load), a text the
one problem line must contain, and how many rows still load.
"""

import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_CT_BOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_CT_SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_CT_BOOK}"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT_SHEET}"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT_SST}"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
    '<sheets><sheet name="Offers" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
STRINGS = ["GPU", "Price per GPU-hour", "h100-sxm", "b200"]
GOOD_ROWS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>2.5</v></c></row>'
    '<row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3"><v>4.1</v></c></row>'
)
MODERN_ERRORS = (
    "#SPILL!",
    "#CALC!",
    "#BLOCKED!",
    "#FIELD!",
    "#BUSY!",
    "#CONNECT!",
    "#UNKNOWN!",
    "#PYTHON!",
)


def shared_strings(strings: list[str], count: int | None = None, unique: int | None = None) -> str:
    total = len(strings) if count is None else count
    distinct = len(strings) if unique is None else unique
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="{total}" '
        f'uniqueCount="{distinct}">{items}</sst>'
    )


def worksheet(rows_xml: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'
        f"{rows_xml}</sheetData></worksheet>"
    )


def parts(rows_xml: str = GOOD_ROWS, sst: str | None = None) -> list[tuple[str, str]]:
    return [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/sharedStrings.xml", sst or shared_strings(STRINGS)),
        ("xl/worksheets/sheet1.xml", worksheet(rows_xml)),
    ]


def write_zip(
    path: Path, entries: list[tuple[str, str]], method: int = zipfile.ZIP_DEFLATED
) -> Path:
    import warnings

    with warnings.catch_warnings():  # a duplicate name is the point of one case
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "w", method) as archive:
            for name, text in entries:
                archive.writestr(name, text.encode())
    return path


def _patch_headers(path: Path, member: str, method: int | None = None, flag: int = 0) -> Path:
    """Set the compression method and/or OR a flag into one member's local and central
    zip headers, in place (what a crafted or foreign-tool archive carries)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    local = info.header_offset
    assert data[local : local + 4] == b"PK\x03\x04"
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.find(b"PK\x01\x02", central + 4)
        assert central >= 0, member
    for offset, flag_at, method_at in ((local, 6, 8), (central, 8, 10)):
        (flags,) = struct.unpack_from("<H", data, offset + flag_at)
        struct.pack_into("<H", data, offset + flag_at, flags | flag)
        if method is not None:
            struct.pack_into("<H", data, offset + method_at, method)
    path.write_bytes(bytes(data))
    return path


def _lie_about_size(path: Path, member: str, size: int) -> Path:
    """Declare a smaller uncompressed size for one member (local and central headers), as
    zip bombs do to slip past size checks."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    struct.pack_into("<I", data, info.header_offset + 22, size)
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, size)
    path.write_bytes(bytes(data))
    return path


def _corrupt_member(path: Path, member: str, at: float = 0.5) -> Path:
    """Flip bytes inside one member's stored/compressed data."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    (name_len, extra_len) = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    spot = start + int(info.compress_size * at)
    for i in range(spot, min(spot + 4, start + info.compress_size)):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def _cfb(streams: list[str]) -> bytes:
    """A compound-file (OLE2) header plus directory entries naming the given streams —
    the container Office uses for password-protected workbooks (EncryptionInfo,
    EncryptedPackage) and for the old .xls format (Workbook)."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHH", header, 24, 0x3E, 3, 0xFFFE)
    struct.pack_into("<H", header, 30, 9)
    directory = bytearray()
    for name in ["Root Entry", *streams]:
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[: len(encoded)] = encoded
        struct.pack_into("<H", entry, 64, len(encoded))
        entry[66] = 5 if name == "Root Entry" else 2
        directory += entry
    return bytes(header) + bytes(directory) + b"\x00" * 512


@dataclass(frozen=True)
class Case:
    """What import must do with one corpus file."""

    exit_code: int
    says: str
    rows: int = 0


CASES: dict[str, Case] = {
    "shared_strings_count.xlsx": Case(2, "shared-strings part declares 4,294,967,295"),
    "far_cell.xlsx": Case(2, "last cell is at XFD1048576"),
    "far_cell_first.xlsx": Case(2, "could not be read: the spreadsheet reader stopped"),
    "modern_errors.xlsx": Case(1, "is an Excel error", rows=2),
    "duplicate_entry.xlsx": Case(2, "two entries named xl/worksheets/sheet1.xml"),
    "bad_crc.xlsx": Case(2, "bad CRC-32"),
    "corrupt_deflate.xlsx": Case(2, "cannot be decompressed"),
    "deflate64.xlsx": Case(2, "compression method 9"),
    "lying_size.xlsx": Case(2, "cannot be decompressed"),
    "aes.xlsx": Case(2, "password-protected: remove the password in Excel and save again"),
    "zipcrypto.xlsx": Case(2, "password-protected: remove the password in Excel and save again"),
    "encrypted_ole2.xlsx": Case(
        2, "password-protected: remove the password in Excel and save again"
    ),
    "old_xls_renamed.xlsx": Case(2, "old Excel 97-2003"),
    "xlsx_renamed.csv": Case(2, "rename it to .xlsx"),
    "not_a_zip.xlsx": Case(2, "not a zip archive"),
    "utf16_odd_byte.csv": Case(2, "not valid UTF-16 text at byte"),
    "utf16_lone_surrogate.csv": Case(2, "not valid UTF-16 text at byte"),
    "nul_byte.csv": Case(1, 'R3:B "Price per GPU-hour": a NUL byte', rows=2),
    "cr_only.csv": Case(0, "", rows=3),
    "blank_rows_before_header.csv": Case(0, "", rows=3),
    "shift_jis.csv": Case(0, "", rows=2),
    "gb18030.csv": Case(0, "", rows=2),
    "windows_1252.csv": Case(0, "", rows=2),
    "ambiguous_cjk.csv": Case(0, "", rows=2),
    "huge_field.csv": Case(2, "field larger than field limit"),
    "digits_32000.csv": Case(1, 'R3:B "Price per GPU-hour": "9999', rows=1),
    "control_characters.csv": Case(1, "\\x1b[31m", rows=1),
    "empty.csv": Case(1, "no data"),
    # benchmark results (parsed in the isolated child, like the spreadsheets)
    "bench_deep_nesting.json": Case(2, "JSON nested too deeply"),
    "bench_1e400.json": Case(1, "output_throughput is not a finite number (inf)"),
    "bench_nan.json": Case(1, "output_throughput is not a finite number (nan)"),
    "bench_digits_5000.json": Case(2, "not valid JSON: a number of more than 4300 digits"),
    "bench_huge_line.jsonl": Case(2, "bench_huge_line.jsonl:R2: not valid JSON: Unterminated"),
    "bench_huge_name.json": Case(1, "; or pass --model ID"),
    "bench_truncated.json": Case(2, "bench_truncated.json: not valid JSON: Unterminated string"),
    "bench_invalid_utf8.json": Case(2, "not UTF-8 text (byte 51): not a vLLM bench serve result"),
    "bench_many_keys.json": Case(2, "keys (a result has hundreds; at most 2,000,000)"),
    "bench_empty_objects.json": Case(2, "JSON objects and lists (at most 2,000,000)"),
    "bench_spaces_summary.txt": Case(1, "the file does not say which GPU ran it"),
    "bench_million_lines.jsonl": Case(2, "bench_million_lines.jsonl:R10001: not a benchmark"),
}

BENCH_CASES = tuple(name for name in CASES if name.startswith("bench_"))
"""The benchmark-result cases (the CLI tests run each through ``tokentco import`` too)."""


def make_corpus(folder: Path) -> dict[str, Path]:
    """Write every file of :data:`CASES` into ``folder``; name → path."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}

    def at(name: str) -> Path:
        out[name] = folder / name
        return out[name]

    write_zip(
        at("shared_strings_count.xlsx"), parts(sst=shared_strings(STRINGS, 4294967295, 4294967295))
    )
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    write_zip(at("far_cell.xlsx"), parts(GOOD_ROWS + far))
    write_zip(at("far_cell_first.xlsx"), parts(far + GOOD_ROWS))  # rows out of order
    errors = "".join(
        f'<row r="{4 + i}"><c r="A{4 + i}" t="s"><v>3</v></c>'
        f'<c r="B{4 + i}" t="e"><v>{code}</v></c></row>'
        for i, code in enumerate(MODERN_ERRORS)
    )
    write_zip(at("modern_errors.xlsx"), parts(GOOD_ROWS + errors))
    empty_sheet = ("xl/worksheets/sheet1.xml", worksheet(""))
    write_zip(at("duplicate_entry.xlsx"), [*parts(), empty_sheet])
    _corrupt_member(
        write_zip(at("bad_crc.xlsx"), parts(), zipfile.ZIP_STORED), "xl/worksheets/sheet1.xml"
    )
    big_rows = GOOD_ROWS + "".join(
        f'<row r="{r}"><c r="A{r}" t="s"><v>2</v></c><c r="B{r}"><v>{r % 7 + 1}</v></c></row>'
        for r in range(4, 400)
    )
    _corrupt_member(
        write_zip(at("corrupt_deflate.xlsx"), parts(big_rows)), "xl/worksheets/sheet1.xml", 0.3
    )
    _patch_headers(write_zip(at("deflate64.xlsx"), parts()), "xl/worksheets/sheet1.xml", 9)
    _lie_about_size(
        write_zip(at("lying_size.xlsx"), parts(big_rows)), "xl/worksheets/sheet1.xml", 64
    )
    _patch_headers(write_zip(at("aes.xlsx"), parts()), "xl/worksheets/sheet1.xml", 99)
    _patch_headers(write_zip(at("zipcrypto.xlsx"), parts()), "xl/worksheets/sheet1.xml", flag=0x1)
    at("encrypted_ole2.xlsx").write_bytes(
        _cfb(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"])
    )
    at("old_xls_renamed.xlsx").write_bytes(_cfb(["Workbook", "\x05SummaryInformation"]))
    write_zip(at("xlsx_renamed.csv"), parts())
    at("not_a_zip.xlsx").write_text("GPU,Price per GPU-hour\nh100-sxm,2.5\n")

    table = "GPU,Price per GPU-hour\nh100-sxm,2.5\nb200,4.1\n"
    at("utf16_odd_byte.csv").write_bytes(table.encode("utf-16") + b"\x41")
    at("utf16_lone_surrogate.csv").write_bytes(
        b"\xff\xfe" + table.encode("utf-16-le") + b"\x00\xd8" + "x\n".encode("utf-16-le")
    )
    at("nul_byte.csv").write_bytes(
        b"GPU,Price per GPU-hour\nh100-sxm,2.5\nb200,4\x00.1\nmi300x,2.9\n"
    )
    at("cr_only.csv").write_bytes(b"GPU,Price per GPU-hour\rh100-sxm,2.5\rb200,4.1\rmi300x,2.9\r")
    at("blank_rows_before_header.csv").write_text(
        ",,\n" * 100 + "\n" * 20 + "GPU,Price per GPU-hour,Region\n"
        "h100-sxm,2.5,eu\nb200,4.1,us\nmi300x,2.9,us\n"
    )
    regions = "GPU,Price per GPU-hour,Region,Notes\nh100-sxm,2.5,{0},{2}\nb200,4.1,{1},{3}\n"
    at("shift_jis.csv").write_bytes(
        regions.format(
            "東京", "大阪", "価格にはネットワーク料金が含まれます", "三か月前の予約が必要です"
        ).encode("shift_jis")
    )
    at("gb18030.csv").write_bytes(
        regions.format("北京", "上海", "价格包含网络和存储费用", "需要提前三个月预订").encode(
            "gb18030"
        )
    )
    at("windows_1252.csv").write_bytes(
        regions.format("Zürich", "Château", "Prix mensuel", "Réservé").encode("cp1252")
    )
    at("ambiguous_cjk.csv").write_bytes(
        "GPU,Price per GPU-hour,Region\nh100-sxm,2.5,北京\nb200,4.1,上海\n".encode("gb18030")
    )
    at("huge_field.csv").write_text(
        'GPU,Price per GPU-hour,Comment\nh100-sxm,2.5,"' + "x" * 1_100_000 + '"\n'
    )
    at("digits_32000.csv").write_text(
        "GPU,Price per GPU-hour,Region\nh100-sxm,2.5,eu\nb200," + "9" * 32_000 + ",us\n"
    )
    at("control_characters.csv").write_text(
        'GPU,Price per GPU-hour\nh100-sxm,2.5\n"h100\x1b[31m\nforged line",4.1\n'
    )
    at("empty.csv").write_text("\n\n,,\n")
    _bench_cases(at)
    return out


VLLM_RUN = (
    '"backend": "vllm", "model_id": "meta-llama/Llama-3.1-70B-Instruct", '
    '"hardware": "h100-sxm", "num_gpus": 8, "max_concurrency": 64, "completed": 100, '
    '"median_ttft_ms": 388.1, "median_tpot_ms": 48.0, "output_throughput": '
)
"""A vLLM ``bench serve`` result up to its throughput (each case supplies the rest)."""


def _bench_cases(at: Callable[[str], Path]) -> None:
    """Benchmark-result files: each is recognised as its format by its first 64 KB."""
    at("bench_deep_nesting.json").write_text(
        "{" + VLLM_RUN + '1205.3, "details": ' + "[" * 200_000 + "]" * 200_000 + "}"
    )
    at("bench_1e400.json").write_text("{" + VLLM_RUN + "1e400}")
    at("bench_nan.json").write_text("{" + VLLM_RUN + "NaN}")  # as Python's json.dump writes
    at("bench_digits_5000.json").write_text("{" + VLLM_RUN + "9" * 5000 + "}")
    sglang = '{"backend": "sglang", "max_concurrency": 8, "output_throughput": 900.5}\n'
    at("bench_huge_line.jsonl").write_text(
        sglang + '{"output_throughput": 1.0, "generated_text": "' + "x" * 20_000_000 + "\n"
    )
    # a 10 MB model name, stated last (once: a key given twice is refused as ambiguous)
    unnamed = VLLM_RUN.replace('"model_id": "meta-llama/Llama-3.1-70B-Instruct", ', "")
    at("bench_huge_name.json").write_text(
        "{" + unnamed + '1205.3, "model_id": "' + "llama" * 2_000_000 + '"}'
    )
    at("bench_truncated.json").write_text(("{" + VLLM_RUN + '1205.3, "duration": 212.4}')[:-12])
    at("bench_invalid_utf8.json").write_bytes(
        b'{"backend": "vllm", "model_id": "meta-llama/Llama-3\xff.1-70B", "output_throughput": 1.0}'
    )
    at("bench_many_keys.json").write_text(
        "{" + VLLM_RUN + "1205.3, " + ",".join(f'"k{i}":0' for i in range(2_100_000)) + "}"
    )
    at("bench_empty_objects.json").write_text(
        "{" + VLLM_RUN + '1205.3, "x": [' + ",".join(["{}"] * 2_100_000) + "]}"
    )
    at("bench_million_lines.jsonl").write_text("{}\n" * 1_000_000)  # a problem line each
    at("bench_spaces_summary.txt").write_text(
        "================================================\n"
        "MLPerf Results Summary\n"
        "================================================\n"
        "SUT name : Fictional\nScenario : Offline\nMode     : PerformanceOnly\n"
        + " " * 100_000
        + "\n"
        + "\t " * 50_000
        + "x\nResult is : VALID\nTokens per second : 1234.5\n"
    )


REGIONS = {
    "shift_jis.csv": ("東京", "大阪"),
    "gb18030.csv": ("北京", "上海"),
    "windows_1252.csv": ("Zürich", "Château"),
}
"""The Region values each encoding case must read back exactly."""


def _arguments() -> Path:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out_dir", nargs="?", default="hostile", help="folder to write into")
    return Path(parser.parse_args().out_dir)


if __name__ == "__main__":
    target = _arguments()
    for name, path in make_corpus(target).items():
        print(f"{path}  ({CASES[name].exit_code}: {CASES[name].says or 'loads'})")

"""A big points file read keeping few cells (``field_scan``) gives the whole reading's table.

Hostile files of every form — CRLF and LF line ends, a byte-order mark, blank lines, no
last line end, quoted cells with and without commas, every field quoted, ragged rows, a
lone CR or LF, a NUL, bytes that are not UTF-8, non-ASCII text, a column named twice,
shared columns missing, a header alone — are read both ways, the scan searching blocks of one byte
up to the default; where the scan takes the file, every column, row tuple,
line, record and span equals the whole reading's, and it takes every file of the
simple form. The command then writes the row path's bytes.
"""

import csv
import io
import random
from pathlib import Path

import pytest

from tokentco.cli import estimate, main
from tokentco.domain import Catalogue
from tokentco.engine.points import SHARED_CELLS
from tokentco.io import estimate_table, field_scan
from tokentco.io.estimate_table import OWN_COLUMNS, PointsTable, read_points_table

from .test_estimate_arrays import hostile_table, public, row_path_output

SCAN_BLOCKS = (1, 5, 300, 4096, 1 << 18)


def csv_bytes(header: list[str], rows: list[dict[str, str]], **options: object) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore", **options)  # type: ignore[arg-type]
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def forms(seed: int) -> dict[str, bytes]:
    """One table of hostile rows written in many forms (some of them not simple)."""
    rng = random.Random(seed)
    header, rows = hostile_table(seed, 40)
    raw = csv_bytes(header, rows)
    rows = [{k: v.replace("\n", " ").replace('"', "'") for k, v in row.items()} for row in rows]
    crlf = csv_bytes(header, rows)
    lf = csv_bytes(header, rows, lineterminator="\n")
    lines = lf.split(b"\n")
    blank = b"\n".join(line + (b"\n" if rng.random() < 0.2 else b"") for line in lines)
    unicode_rows = [dict(r, notes=r.get("notes", "") + " — ü中™", id=r["id"] + "é") for r in rows]
    ragged = lf.split(b"\n")
    ragged[3] = ragged[3] + b",x"
    twice = csv_bytes([*header, "model"], [dict(r, model="llama-3.1-8b") for r in rows])
    missing = [c for c in header if c not in ("hardware", "spec_decoding")]
    plain = [{k: v.replace(",", ";").replace('"', "'") for k, v in row.items()} for row in rows]
    return {
        "hostile-quotes": raw,
        "crlf": crlf,
        "lf": lf,
        "bom": b"\xef\xbb\xbf" + crlf,
        "blank-lines-no-last-end": blank.rstrip(b"\n"),
        "trailing-blank-lines": lf + b"\n\n\r\n"[: rng.choice((1, 2))],
        "unicode": csv_bytes(header, unicode_rows),
        "quote-all": csv_bytes(header, rows, quoting=csv.QUOTE_ALL),
        "quoted-no-comma": lf.replace(b",8,", b',"8",', 3),
        "plain": csv_bytes(header, plain, lineterminator="\n"),
        "ragged": b"\n".join(ragged),
        "lone-cr": lf.replace(b",", b",\r", 1)[:-1] + b"\n",
        "lone-lf-in-crlf": crlf.replace(b"\r\n", b"\n", 2),
        "cell-line-feed": csv_bytes(header, [dict(rows[0], notes="a\nb"), *rows[1:]]),
        "nul": lf.replace(b",", b",\0", 1),
        "not-utf8": lf + b"x,\xff\xfe\n",
        "named-twice": twice,
        "shared-missing": csv_bytes(missing, rows),
        "header-only": lf.split(b"\n")[0] + b"\n",
        "header-only-no-end": lf.split(b"\n")[0],
        "doubled-quote": lf.replace(b",8,", b',"8""",', 1),
    }


def whole(path: Path, data: bytes) -> PointsTable | None:
    try:
        return estimate_table._read_whole(path, data)
    except UnicodeDecodeError:
        return None


def scanned(data: bytes, block: int) -> PointsTable | None:
    read = field_scan.scan_kept(data, OWN_COLUMNS, SHARED_CELLS, block)
    if read is None:
        return None
    return PointsTable(read.header, None, None, read.body, read.spans, read.kept)


def assert_same_table(a: PointsTable, b: PointsTable) -> None:
    assert a.header == b.header
    assert len(a) == len(b)
    assert a.uniform == b.uniform
    for name in [*a.header, "no-such-column"]:
        assert a.column(name) == b.column(name), name
    for names in (SHARED_CELLS, OWN_COLUMNS, ("model",), ("id", "hardware", "isl")):
        assert a.rows_of(names) == b.rows_of(names), names
    assert a.lines == b.lines
    assert a.records == b.records
    assert a.spans == b.spans
    assert bytes(a.body) == bytes(b.body)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_kept_cells_equal_the_whole_reading(seed: int, tmp_path: Path) -> None:
    taken = set()
    for name, data in forms(seed).items():
        path = tmp_path / f"{name}.csv"
        path.write_bytes(data)
        reference = whole(path, data)
        simple = (
            reference is not None
            and reference.spans is not None
            and reference.uniform
            and bool(reference.header)
            and b"\n" in data
        )
        for block in SCAN_BLOCKS:
            table = scanned(data, block)
            assert (table is not None) == simple, (name, block)
            if table is not None and reference is not None:
                assert_same_table(table, reference)
                # the leads the scan found are those the body is searched for
                assert estimate._leads_of(table) == estimate._leads_at_starts(table.body)
                taken.add(name)
    assert {"crlf", "lf", "bom", "unicode", "blank-lines-no-last-end", "header-only"} <= taken
    assert not taken & {"quote-all", "ragged", "lone-cr", "nul", "not-utf8", "cell-line-feed"}


def test_a_big_file_keeps_few_cells(tmp_path: Path) -> None:
    """``read_points_table`` keeps few cells of a file of ``KEPT_FROM_BYTES`` or more: the
    records are split again only when asked for, and equal the whole reading's."""
    header, rows = public()
    rows = [dict(r, id=f"{r['id']}-{i}") for i, r in enumerate(rows * 2)]
    data = csv_bytes(header, rows)
    assert len(data) >= estimate_table.KEPT_FROM_BYTES
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    table = read_points_table(path)
    assert table.kept is not None and table.read_records is None
    assert set(table.kept.own) == {header.index(name) for name in OWN_COLUMNS}
    assert len(table.kept.combos) < len(table) // 2  # runs of rows share their cells
    reference = whole(path, data)
    assert reference is not None and reference.kept is None
    assert_same_table(table, reference)


@pytest.mark.parametrize("seed", [5, 6])
def test_the_command_writes_the_row_paths_bytes_from_kept_cells(
    seed: int, tmp_path: Path, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(estimate_table, "KEPT_FROM_BYTES", 0)
    monkeypatch.setattr(field_scan, "SCAN_BYTES", 97)
    for name, data in forms(seed).items():
        source, out = tmp_path / f"{name}.csv", tmp_path / f"{name}.out.csv"
        source.write_bytes(data)
        try:
            expected, _ = row_path_output(source, catalogue)
        except Exception:  # a file the reference cannot read: the command must refuse it
            assert main(["estimate", "--points", str(source), "--out", str(out)]) == 2
            continue
        assert main(["estimate", "--points", str(source), "--out", str(out), "--force"]) == 0
        assert out.read_bytes() == expected, name


def test_random_damage_is_read_alike_or_refused(tmp_path: Path) -> None:
    """A simple file with a few random bytes of the separators' kinds put in or taken out
    is read by the scan exactly as whole, or left to the whole reading."""
    header, rows = public()
    data = csv_bytes(header, [{k: v.replace('"', "'") for k, v in r.items()} for r in rows[:30]])
    rng = random.Random(8)
    path = tmp_path / "damaged.csv"
    for _ in range(150):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(damaged))
            if rng.random() < 0.3:
                del damaged[at]
            else:
                damaged[at:at] = rng.choice([b",", b'"', b"\r", b"\n", b"\r\n", b'","', b"\xc3"])
        path.write_bytes(bytes(damaged))
        reference = whole(path, bytes(damaged))
        simple = (
            reference is not None
            and reference.spans is not None
            and reference.uniform
            and bool(reference.header)
        )
        table = scanned(bytes(damaged), 64)
        assert (table is not None) == simple
        if table is not None and reference is not None:
            assert_same_table(table, reference)

"""``tokentco estimate``'s array path gives the row path's file, byte for byte.

The row path is the command as it was written a row at a time: ``csv.DictReader``,
``PointRequest.from_row`` per row, ``points.plan_points`` and ``solve_points`` (the code
the calibration fit runs), one ``csv_safe`` per cell and ``csv.DictWriter``. It is kept
here as the reference; the tables are randomised from the public calibration set with
hostile cells mixed in (bad numbers, formulas, lengths out of range, unknown ids, ragged
rows, duplicated and missing columns).
"""

import csv
import io
import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tokentco import MODEL_VERSION
from tokentco.cli import main
from tokentco.cli.common import csv_safe
from tokentco.cli.estimate import ADDED
from tokentco.domain import Catalogue
from tokentco.engine.point_groups import PointColumns, plan_columns, solve_grouped
from tokentco.engine.points import PointEstimates, PointRequest, plan_points, solve_points
from tokentco.engine.uncertainty import band_for, group_name
from tokentco.io.bundled import resource_path
from tokentco.io.calibration_file import MEASURED_NAME, load_calibration, read_points_csv
from tokentco.io.estimate_table import read_points_table

WEIRD = [
    "", " ", "two", "-1", "0", "inf", "nan", "1e400", " 8 ", "=1+1", "-3", "+cmd", "@SUM(A1)",
    "\tx", "8.6", "1,024", "中文", '"q"', "1e3", "NaN", "yes", "Yes please", "no", "none",
    "20000000", "0.4", "2.5", "3.5",
]  # fmt: skip


def public() -> tuple[list[str], list[dict[str, str]]]:
    with resource_path("calibration", MEASURED_NAME).open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def hostile_table(seed: int, size: int) -> tuple[list[str], list[dict[str, str]]]:
    """Rows drawn from the public set, most cells kept, some replaced by hostile text;
    lengths stretched so rows of one configuration differ in their lengths."""
    rng = random.Random(seed)
    header, base = public()
    values = {c: sorted({row[c] for row in base}) for c in header}
    rows = []
    for i in range(size):
        row = dict(rng.choice(base))
        for key in ("isl", "osl"):
            if row[key] and rng.random() < 0.5:
                row[key] = str(round(float(row[key]) * rng.choice((1.0, 1.003, 1.5, 0.5))))
        for column in header:
            roll = rng.random()
            if roll < 0.04:
                row[column] = rng.choice(WEIRD)
            elif roll < 0.08:
                row[column] = rng.choice(values[column])
        row["id"] = row["id"] if rng.random() < 0.5 else f"r{i}"
        rows.append(row)
    if seed % 2:
        header = [c for c in header if c not in ("tp", "engine")] + ["est_ttft_ms", "extra"]
        for row in rows:
            row["est_ttft_ms"], row["extra"] = "stale", rng.choice(WEIRD)
    rng.shuffle(header)
    return header, rows


def write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def row_path_output(path: Path, catalogue: Catalogue) -> tuple[bytes, PointEstimates]:
    """The command's file, computed a row at a time (the reference)."""
    header, rows = read_points_csv(path)
    calibration = load_calibration()
    requests = [PointRequest.from_row(r) for r in rows]
    estimates = solve_points(plan_points(requests, catalogue, calibration))
    columns = header + [c for c in ADDED if c not in header]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()

    def fmt(value: float, digits: int) -> str:
        return "" if not math.isfinite(value) else f"{value:.{digits}f}"

    for i, (row, request) in enumerate(zip(rows, requests, strict=True)):
        ok = estimates.status[i] == "ok"
        central = estimates.output_tokens_per_s_per_gpu[i]
        model = catalogue.models.get(request.model_id)
        accelerator = catalogue.accelerators.get(request.hardware_id)
        group = group_name(
            "estimated", bool(model and model.moe), accelerator.vendor if accelerator else "", None
        )
        band = band_for(calibration, group) if ok else None
        writer.writerow(
            {
                **{key: csv_safe(value) for key, value in row.items()},
                "est_output_tok_s_per_gpu": fmt(central, 1) if ok else "",
                "est_output_tok_s_per_gpu_p10": ""
                if band is None
                else fmt(central * math.exp(band[0]), 1),
                "est_output_tok_s_per_gpu_p90": ""
                if band is None
                else fmt(central * math.exp(band[1]), 1),
                "est_tok_s_per_user": fmt(estimates.tokens_per_s_per_user[i], 2) if ok else "",
                "est_ttft_ms": fmt(estimates.ttft_ms[i], 1) if ok else "",
                "binding": csv_safe(estimates.binding[i]),
                "status": csv_safe(estimates.status[i]),
            }
        )
    return buffer.getvalue().encode("utf-8"), estimates


def assert_same_estimates(a: PointEstimates, b: PointEstimates) -> None:
    assert a.ids == b.ids
    assert a.status == b.status
    assert a.binding == b.binding
    for name in ("output_tokens_per_s_per_gpu", "tokens_per_s_per_user", "ttft_ms"):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name
    for name in ("concurrency", "gpus_per_replica"):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_array_path_equals_row_path(seed: int, tmp_path: Path, catalogue: Catalogue) -> None:
    header, rows = hostile_table(seed, 500)
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write(source, header, rows)
    expected, by_rows = row_path_output(source, catalogue)
    # the columns parse to the very requests, and they estimate alike
    table = read_points_table(source)
    columns = PointColumns.from_cells(table.column, len(table))
    _, dict_rows = read_points_csv(source)
    assert [columns.request(i) for i in range(len(table))] == [
        PointRequest.from_row(r) for r in dict_rows
    ]
    # read by rows (as the command reads), the same columns
    by_rows_of = PointColumns.from_cells(table.column, len(table), table.rows_of)
    assert by_rows_of == columns
    assert np.array_equal(by_rows_of.kind, columns.kind)
    plan = plan_columns(columns, catalogue, load_calibration())
    assert plan.unique_cases.isl.size < plan.owner.size  # some cases were shared
    assert_same_estimates(solve_grouped(plan), by_rows)
    # and the command writes the reference's bytes
    assert main(["estimate", "--points", str(source), "--out", str(out)]) == 0
    assert out.read_bytes() == expected
    statuses = set(by_rows.status)
    assert "ok" in statuses and any(s.startswith("bad value") for s in statuses)


def test_rows_without_a_workload_are_planned_once_per_configuration(
    tmp_path: Path, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows of one configuration that fail alike (no input length, a length out of range,
    an unknown model) are planned once, and give the row path's statuses and bytes."""
    import tokentco.engine.point_groups as point_groups

    header, base = public()
    row = next(r for r in base if r["isl"] and r["osl"] and "mlperf" not in r["source"].lower())
    rows = []
    for i in range(240):
        copy = dict(row, id=f"f{i}", osl=str(100 + i))
        kind = i % 4
        if kind == 0:
            copy["isl"] = ""  # missing lengths
        elif kind == 1:
            copy["isl"] = "20000000"  # above a Workload's input length
        elif kind == 2:
            copy["model"] = "no-such-model"
        rows.append(copy)
    planned: list[int] = []
    plan_request = point_groups._plan_request

    def counted(index: int, *args: Any) -> Any:
        planned.append(index)
        return plan_request(index, *args)

    monkeypatch.setattr(point_groups, "_plan_request", counted)
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write(source, header, rows)
    expected, by_rows = row_path_output(source, catalogue)
    assert main(["estimate", "--points", str(source), "--out", str(out)]) == 0
    assert out.read_bytes() == expected
    assert sorted(planned) == [0, 1, 2, 3]
    assert len(set(by_rows.status)) == 4


def test_ragged_rows_duplicate_columns_and_blank_lines(
    tmp_path: Path, catalogue: Catalogue, capsys: pytest.CaptureFixture[str]
) -> None:
    """Short rows (cells missing), long rows (cells beyond the header), a column named
    twice (the last one counts, as in a dict), blank lines, a byte-order mark."""
    header, rows = hostile_table(4, 60)
    lines = [",".join([*header, "model"])]
    rng = random.Random(4)
    for row in rows:
        cells = [row[c].replace(",", " ").replace('"', "").replace("\n", " ") for c in header]
        cells.append(rng.choice(["deepseek-r1", "llama-3.1-8b", "nope"]))
        keep = rng.choice([len(cells), len(cells) - 3, len(cells) + 2, 2])
        lines.append(",".join([*cells, "=x", "more"][:keep]))
        if rng.random() < 0.1:
            lines.append("")
    source, out = tmp_path / "ragged.csv", tmp_path / "out.csv"
    source.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    expected, estimates = row_path_output(source, catalogue)
    assert main(["estimate", "--points", str(source), "--out", str(out)]) == 0
    assert out.read_bytes() == expected
    done = sum(s == "ok" for s in estimates.status)
    assert capsys.readouterr().out.startswith(
        f"estimated {done} of {len(estimates.status)} rows ({MODEL_VERSION}"
    )


def test_no_rows_and_only_failures(tmp_path: Path, catalogue: Catalogue) -> None:
    for name, text in (
        ("empty.csv", "id,hardware,model,isl,osl\n"),
        ("failures.csv", "id,hardware,model,isl,osl\n1,nope,deepseek-r1,5,5\n2,b200,,1,\n"),
    ):
        source, out = tmp_path / name, tmp_path / f"out-{name}"
        source.write_text(text, encoding="utf-8")
        expected, _ = row_path_output(source, catalogue)
        assert main(["estimate", "--points", str(source), "--out", str(out)]) == 0
        assert out.read_bytes() == expected


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "file not found"),
        (b"\xff\xfe\x00bad", "cannot read CSV: 'utf-8' codec can't decode byte 0xff"),
        (b"id,hardware\n1,b200\n", "missing column(s) model (expected the columns of"),
        (b"", "missing column(s) id, hardware, model"),
        (b'id,hardware,model\n"1,b200\n' + b"x" * 140_000, "cannot read CSV: field larger"),
    ],
)
def test_file_problems_are_the_row_readers_located_lines(
    content: bytes | None, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "points.csv"
    if content is not None:
        source.write_bytes(content)
    assert main(["estimate", "--points", str(source), "--out", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert message in err and "points.csv" in err
    with pytest.raises(Exception) as row_reader:
        read_points_csv(source)
    with pytest.raises(Exception) as column_reader:
        read_points_table(source)
    assert str(column_reader.value) == str(row_reader.value)


@pytest.mark.parametrize("seed", [5, 6])
def test_levels_beyond_the_saturated_batch_repeat_one_point(
    seed: int, tmp_path: Path, catalogue: Catalogue
) -> None:
    """The array path sweeps a case only up to its first level above the batch its top
    level runs at; that holds only while every later level is that same point, which is
    checked here on every output of a full sweep (so an estimator change that reads the
    level otherwise fails this test, not only the byte comparisons)."""
    from tokentco.engine.estimator import sweep
    from tokentco.engine.point_groups import _levels_needed
    from tokentco.engine.points import LEVELS

    header, rows = hostile_table(seed, 400)
    source = tmp_path / "in.csv"
    write(source, header, rows)
    table = read_points_table(source)
    plan = plan_columns(
        PointColumns.from_cells(table.column, len(table)), catalogue, load_calibration()
    )
    cases = plan.unique_cases
    grid = np.geomspace(np.ones_like(cases.max_concurrency), cases.max_concurrency, LEVELS, axis=1)
    full = sweep(cases, plan.unique_models, grid)
    needed = _levels_needed(grid, full.concurrency[:, -1])
    assert needed.min() < LEVELS and needed.max() <= LEVELS  # some levels are skipped
    for case in range(needed.size):
        kept = needed[case] - 1
        for name in full.__dataclass_fields__:
            values = getattr(full, name)
            if values is not None:
                tail = values[case, kept:]
                assert np.array_equal(tail, np.full_like(tail, tail[0]), equal_nan=True), name


@pytest.mark.parametrize("lead", ["", "-1", "=1+1", "-x"])
def test_lines_kept_as_read(lead: str, tmp_path: Path, catalogue: Catalogue) -> None:
    """A file the csv module need not read (the public set as ``csv.DictWriter`` writes
    it: CRLF line ends, quoted fields) keeps its lines as read; a cell ``csv_safe`` would
    escape sends the file down the column path; the bytes are the reference's either way."""
    from tokentco.cli.estimate import _lines_kept

    header, rows = public()
    rows = [dict(r, id=f"{r['id']}-{i}") for i, r in enumerate(rows * 3)]
    if lead:
        rows[5]["notes"] = lead
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write(source, header, rows)
    table = read_points_table(source)
    assert table.lines is not None
    assert _lines_kept(table) == (lead in ("", "-1"))
    expected, _ = row_path_output(source, catalogue)
    assert main(["estimate", "--points", str(source), "--out", str(out)]) == 0
    assert out.read_bytes() == expected


@pytest.mark.parametrize("form", ["unicode", "lf-blank-lines-no-last-end", "quote-all"])
def test_lines_copied_from_the_bytes_read(form: str, tmp_path: Path, catalogue: Catalogue) -> None:
    """A file whose lines are kept as read is written from the bytes read (``spans``):
    with characters of several UTF-8 bytes, with LF line ends, blank lines, a byte-order
    mark and no last line end; a file whose lines the csv writer writes otherwise (every
    field quoted) is written from its lines as rewritten. The bytes are the reference's."""
    header, rows = public()
    rows = [dict(r, id=f"{r['id']}-{i}") for i, r in enumerate(rows * 2)]
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    if form == "unicode":
        for i, row in enumerate(rows):
            row["notes"] = f"{row['notes']} — ü中{i}"
            row["source"] = row["source"] + "™" * (i % 3)
    write(source, header, rows)
    if form == "lf-blank-lines-no-last-end":
        lines = source.read_bytes().split(b"\r\n")
        lines = [line + (b"\n" if i % 7 == 3 else b"") for i, line in enumerate(lines)]
        source.write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines).rstrip(b"\n"))
    if form == "quote-all":
        with source.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
            writer.writerow(header)
            writer.writerows([row[c] for c in header] for row in rows)
    table = read_points_table(source)
    assert len(table) == len(rows) and table.lines is not None
    assert (table.spans is None) == (form == "quote-all")
    expected, _ = row_path_output(source, catalogue)
    assert main(["estimate", "--points", str(source), "--out", str(out)]) == 0
    assert out.read_bytes() == expected


@pytest.mark.parametrize("block", [1, 2, 5, 1 << 17])
def test_leads_found_across_scan_blocks(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan for leads at the starts of cells finds the same characters whatever its
    block size: a separator at a block's last byte and its lead in the next block count."""
    from tokentco.cli import estimate

    def starts(body: bytes) -> str:
        found = {body[:1]} | {body[i + 1 : i + 2] for i in range(len(body)) if body[i] in b',"\n'}
        return "".join(c for c in estimate.LEADS if c not in "\r\n" and c.encode() in found)

    monkeypatch.setattr(estimate, "_SCAN_BYTES", block)
    rng = random.Random(block)
    for size in (0, 1, 2, 3, 6, 40):
        for _ in range(300):
            body = "".join(rng.choice(',"\n=+-@\tab\r') for _ in range(size)).encode()
            assert estimate._leads_at_starts(memoryview(body)) == starts(body)


@pytest.mark.parametrize("cell", ["2", '"x\ny"', "ü中"])
def test_appended_rows_follow_their_lines(cell: str) -> None:
    """Each span of the bytes read is followed by its row's tail (its added cells and one
    line feed), a cell holding a line feed (quoted) and non-ASCII text included."""
    from tokentco.cli.estimate import _appended

    body = "a,b\r\n\r\nç,d\r\n".encode()
    spans = [slice(0, 3), slice(7, 11)]
    tails = [b",1,e\n", f",{cell},f\n".encode()]
    expected = f"h\na,b,1,e\nç,d,{cell},f\n".encode()
    assert b"".join(_appended("h\n", memoryview(body), spans, tails)) == expected
    assert _appended("h\n", body, [], []) == [b"h\n"]
    with pytest.raises(ValueError):
        _appended("h\n", body, spans, tails[:1])


TEXTS = [
    "ok", "memory", "bad value", "=x", "-1", "+cmd", "a,b", 'q"q', "x\ny", "x\ry", "中文", "%s",
    "n\x00ul", "v\x0bt", "l\u2028s", "z" * 300,
]  # fmt: skip
FIGURES = [0.0, -0.0, 0.25, 0.125, 0.05, -0.04, 2.675, 1e300, -1e16, math.inf, math.nan, 3.5e-7]


@pytest.mark.parametrize("seed", range(8))
def test_row_tails_are_each_rows_added_cells(seed: int) -> None:
    """Each row's tail (one pass over the rows) is ``csv.writer``'s row of its added cells:
    ``"%.Nf"`` of each number it shows, else an empty cell, and its binding and status
    through ``csv_safe``; awkward floats (ties, signs, huge, not finite) and text cells
    that need quoting, escaping or hold line breaks included."""
    from tokentco.cli.estimate import DIGITS, AddedCells

    rng = random.Random(seed)
    rows = rng.choice([1, 7, 300]) if seed else 0
    every = seed % 2 == 1  # every number shown (and finite), else some not
    pool = [f for f in FIGURES if math.isfinite(f)] if every else FIGURES

    def figure() -> float:
        return rng.choice(pool) if rng.random() < 0.2 else rng.lognormvariate(4, 3)

    figures = np.array([[figure() for _ in DIGITS] for _ in range(rows)]).reshape(rows, len(DIGITS))
    picked = np.array([[every or rng.random() < 0.8 for _ in DIGITS] for _ in range(rows)])
    shown = picked.reshape(figures.shape).astype(bool) & np.isfinite(figures)
    texts = TEXTS if seed % 4 < 2 else TEXTS[:3]
    binding = [rng.choice(texts) for _ in range(rows)]
    status = [rng.choice(texts) for _ in range(rows)]
    added = AddedCells(figures, shown, binding, status)
    expected = []
    for i in range(rows):
        numbers = [f"{figures[i, j]:.{d}f}" if shown[i, j] else "" for j, d in enumerate(DIGITS)]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(
            ["", *numbers, csv_safe(binding[i]), csv_safe(status[i])]
        )
        expected.append(buffer.getvalue().encode())
    assert added.tails() == expected
    for j, name in enumerate(ADDED[:5]):
        cells = [f"{figures[i, j]:.{DIGITS[j]}f}" if shown[i, j] else "" for i in range(rows)]
        assert list(added[name]) == cells
    assert (added["binding"], added["status"]) == (binding, status)
    assert added == AddedCells(figures.copy(), shown.copy(), list(binding), list(status))


def test_lines_are_not_asked_for_where_spans_are_written(
    tmp_path: Path, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table written from the bytes read (``spans``) is never asked for its ``lines``
    (a table may make them on demand, decoding every line again)."""
    from tokentco.cli.estimate import estimated_columns, output_parts
    from tokentco.io.estimate_table import PointsTable

    header, rows = public()
    source = tmp_path / "in.csv"
    write(source, header, [dict(r, id=f"{r['id']}-{i}") for i, r in enumerate(rows * 2)])
    expected, _ = row_path_output(source, catalogue)
    table = read_points_table(source)
    assert table.spans is not None
    columns = PointColumns.from_cells(table.column, len(table), table.rows_of)
    estimates = solve_grouped(plan_columns(columns, catalogue, load_calibration()))
    added = estimated_columns(columns, estimates, catalogue, load_calibration())
    vars(table).pop("lines", None)
    monkeypatch.setattr(PointsTable, "lines", property(lambda _: pytest.fail("lines asked")))
    assert b"".join(output_parts(table, added)) == expected

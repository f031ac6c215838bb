"""Rows sent in batches (import_read.RowSink): the grid the parent assembles from the
batches is the one a whole read gives — cells, their types, cell problems, marks."""

import random
from pathlib import Path

import pytest
import python_calamine
from openpyxl import Workbook

from tokentco.io import import_read
from tokentco.io.import_read import read_tables
from tokentco.io.isolation import read_isolated

_VALUES = ["", "x", "  padded ", "1,5", "#N/A", 3, 2.5, 0, True, False, -1e9, "é", "a\x00b"]


def _random_rows(rng: random.Random, n: int, width: int) -> list[list[object]]:
    rows: list[list[object]] = []
    for _ in range(n):
        rows.append([rng.choice(_VALUES) for _ in range(rng.randint(0, width))])
    return rows


def _write_xlsx(path: Path, rng: random.Random, sheets: int) -> None:
    book = Workbook()
    book.remove(book.active)
    for number in range(sheets):
        sheet = book.create_sheet(f"S{number}")
        top, left = rng.randint(0, 5), rng.randint(0, 3)
        for r, row in enumerate(_random_rows(rng, rng.randint(0, 40), 6)):
            for c, value in enumerate(row):
                if value != "" and not (isinstance(value, str) and "\x00" in value):
                    sheet.cell(row=top + r + 1, column=left + c + 1, value=value)
    book.save(path)


def _typed(rows: list[list[object]]) -> list[list[tuple[type, object]]]:
    return [[(type(c), c) for c in row] for row in rows]


@pytest.mark.parametrize("seed", range(8))
def test_grid_rows_are_calamines_whole_sheet(tmp_path, seed):
    rng = random.Random(seed)
    path = tmp_path / "book.xlsx"
    _write_xlsx(path, rng, 3)
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        grid = book.get_sheet_by_name(name)
        whole = grid.to_python(skip_empty_area=False)
        assert _typed(list(import_read._grid_rows(grid))) == _typed(whole)


@pytest.mark.parametrize("seed", range(6))
def test_batches_give_the_whole_read(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    csv_path = tmp_path / "table.csv"
    lines = [",".join(str(c) for c in row) for row in _random_rows(rng, rng.randint(0, 60), 5)]
    csv_path.write_text("GPU,Price\n" + "\n".join(lines) + "\n", encoding="utf-8")
    xlsx_path = tmp_path / "book.xlsx"
    _write_xlsx(xlsx_path, rng, 2)
    whole = {p: read_tables(p) for p in (csv_path, xlsx_path)}
    assert len(whole[xlsx_path]) == 2
    monkeypatch.setattr(import_read, "ROWS_PER_BATCH", rng.randint(1, 7))
    for path, expected in whole.items():
        sent: dict[int, list[list[object]]] = {}

        def sink(n: int, rows: list[list[object]], sent: dict = sent) -> None:
            sent.setdefault(n, []).extend(rows)

        sheets = read_tables(path, sink=sink)
        isolated = read_isolated(path)  # the child batches as the parent says
        for number, sheet in enumerate(expected):
            alone, child = sheets[number], isolated[number]
            assert _typed(alone.rows) == _typed(sheet.rows) == _typed(child.rows)
            assert _typed(sent.get(number, [])) == _typed(sheet.rows)
            for got in (alone, child):
                assert got.cell_problems == sheet.cell_problems
                assert got.marks == sheet.marks
                assert got.notes == sheet.notes


def test_bad_characters_are_located_across_batches(tmp_path, monkeypatch):
    path = tmp_path / "nul.csv"
    rows = ["GPU,Price"] + [f"b200,{i}" if i % 3 else f"b2\x0000,{i}" for i in range(20)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    whole = read_tables(path)[0]
    monkeypatch.setattr(import_read, "ROWS_PER_BATCH", 4)
    batched = read_isolated(path)[0]
    assert batched.rows == whole.rows
    assert batched.cell_problems == whole.cell_problems
    assert sorted(whole.cell_problems) == [(r, 0) for r in range(1, 21, 3)]


def test_malformed_batches_are_dropped():
    """What a subverted child might send instead of (sheet number, rows) is ignored."""
    from tokentco.io.import_read import RawSheet
    from tokentco.io.isolation import _Grids

    grids = _Grids()
    for junk in (None, (0,), ("0", [[1]]), (0, "rows"), (5, [[1]]), (-1, [[1]])):
        grids.add(junk)
    grids.add((0, [["a"]]))
    sheets = grids.attach([RawSheet(file="f", name="s", rows=[])])
    assert sheets[0].rows == [["a"]]
    assert grids.attach("not sheets") == "not sheets"

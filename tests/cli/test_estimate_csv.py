"""The column-at-a-time CSV writer writes what ``csv.DictWriter`` + ``csv_safe`` write."""

import csv
import io
import random

import pytest

from tokentco.cli.common import csv_safe
from tokentco.cli.estimate_csv import encode_column, write_table

PIECES = [
    "", "a", "b c", ",", '"', "\r", "\n", "\r\n", "\t", "=", "+", "-", "@", "'", ";", " ",
    "1", "-1", "+2.5", "=SUM(A1)", "-x", "@x", "1e3", "中文", "é", "\x7f", "\x01", "\\",
]  # fmt: skip


def cell(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 4)))


def reference(names: list[str], rows: list[list[str | None]]) -> str:
    """The row-at-a-time writer: every text cell through csv_safe, DictWriter, "\\n"."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({n: csv_safe(v) for n, v in zip(names, row, strict=True)})
    return buffer.getvalue()


@pytest.mark.parametrize("seed", range(6))
def test_hostile_cells_are_written_as_the_csv_module_writes_them(seed: int) -> None:
    rng = random.Random(seed)
    width = rng.randint(2, 7)
    names = [f"c{i}" for i in range(width)] + ['=header, "quoted"']
    rows: list[list[str | None]] = []
    for _ in range(rng.randint(0, 300)):
        rows.append([None if rng.random() < 0.05 else cell(rng) for _ in names])
    # some columns are plain (nothing to escape or quote): they take the fast path
    for row in rows:
        row[0] = str(rng.randint(0, 99))
    columns = [encode_column([row[i] for row in rows]) for i in range(len(names))]
    assert write_table(names, columns) == reference(names, rows)


def test_plain_number_columns_are_left_alone() -> None:
    cells = ["1.0", "-2.5", "", "30"]
    assert list(encode_column(cells, escape=False)) == cells
    assert list(encode_column(["-x", "=1", "-2.5"])) == ["'-x", "'=1", "-2.5"]


def test_no_rows_is_the_header_alone() -> None:
    assert write_table(["id", "a,b"], [[], []]) == 'id,"a,b"\n'


SPLIT_PIECES = ["a", "b", ",", '"', "\r", "\n", "\r\n", " ", '""', '"x,y"', ',"q"', "\x00", "-1"]


@pytest.mark.parametrize("seed", range(4))
def test_split_reads_what_the_csv_module_reads(seed: int) -> None:
    """``estimate_table``'s reading without the csv module gives the csv reader's header
    and records (blank lines skipped) wherever it takes a file, and each record's line as
    the csv writer writes its fields in a row of several; it gives up on anything else."""
    from tokentco.io.estimate_table import _split

    rng = random.Random(seed)
    taken = 0
    for _ in range(3000):
        text = "".join(rng.choice(SPLIT_PIECES) for _ in range(rng.randint(0, 16)))
        got = _split(text)
        if got is None:
            continue
        taken += 1
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None) or []
        records = [r for r in reader if r]
        assert (got[0], got[1]) == (header, records), repr(text)
        for record, line in zip(records, got[2], strict=True):
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerow([*record, "z"])
            assert buffer.getvalue() == line + ",z\n", repr(text)
    assert taken > 300  # the fast reading is exercised, not only the fallback


@pytest.mark.parametrize("digits", [1, 2])
def test_fixed_texts_are_the_percent_formats(digits: int) -> None:
    """``fixed_texts`` writes ``"%.Nf" % value`` of each value it takes (NUL bytes aside)
    and takes nearly all ordinary ones; values at or near a rounding tie (x.x5 as typed,
    exact binary ties such as 0.25), negative ones, -0.0, huge and not finite ones are
    left to ``%``."""
    import numpy as np

    from tokentco.cli.estimate_csv import fixed_texts

    rng = np.random.default_rng(digits)
    ordinary = rng.lognormal(3, 3, 20_000)
    ordinary = ordinary[ordinary < 1e9]
    near_ties = np.round(rng.uniform(0, 1000, 5000), digits) + 0.5 * 10.0**-digits
    edges = [0.0, 0.25, 0.125, 0.375, 2.675, 1e-300, 5e-324, 9.95, 99.995, 0.05, 1e10, 1.2e11]
    edges += [2.0**40 / 10**digits - 1, 2.0**40 / 10**digits + 1]
    left = [-0.0, -1.0, -0.04, 1e300, np.inf, -np.inf, np.nan]
    values = np.concatenate([ordinary, near_ties, edges, left])
    text, done = fixed_texts(values, digits)
    assert text.shape[0] == values.size
    for value, row, written in zip(values.tolist(), text, done.tolist(), strict=True):
        if written:
            assert bytes(row[row != 0]).decode() == f"{value:.{digits}f}", value
    assert done[: ordinary.size].mean() > 0.99
    assert not done[-len(left) :].any()
    assert not done[ordinary.size : ordinary.size + near_ties.size].any()
    by_edge = dict(zip(edges, done[ordinary.size + near_ties.size :].tolist(), strict=False))
    assert by_edge[0.0] and by_edge[1e10] and by_edge[2.0**40 / 10**digits - 1]
    assert not by_edge[2.0**40 / 10**digits + 1]
    assert by_edge[0.25] == (digits == 2)  # 2.5 is a tie, 25.0 is not

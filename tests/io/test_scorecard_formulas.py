"""The formula evaluator that gives every workbook formula its saved value: Excel
semantics for the functions the workbook uses (checked against LibreOffice and Gnumeric
in test_scorecard_recalc.py; here against hand-worked cases)."""

import pytest
from openpyxl import Workbook

from tokentco.io.scorecard.formulas import (
    DIV0,
    NA,
    Evaluator,
    ExcelError,
    UnsupportedFormula,
    evaluate_workbook,
)


@pytest.fixture()
def ev() -> Evaluator:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Data"
    columns: dict[str, list[object]] = {
        "A": [3.0, 1.0, 3.0, None],
        "B": ["x", 2.0, "", 5.0],
        "C": [1, 2, 3, 4],
    }
    for col, values in columns.items():
        for row, value in enumerate(values, start=1):
            ws[f"{col}{row}"] = value
    other = wb.create_sheet("Cost model")
    other["A1"] = 10
    other["A2"] = "=A1*2"
    other["A3"] = "=Data!A1+'Cost model'!A2"
    return Evaluator(wb)


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=1+2*3", 7.0),
        ("=(1+2)*3", 9.0),
        ("=2^3^2", 64.0),
        ("=-2^2", 4.0),
        ("=10/4", 2.5),
        ("=1/0", DIV0),
        ("=IFERROR(1/0,7)", 7.0),
        ('="a"&1&"b"', "a1b"),
        ("=A4+1", 1.0),
        ("=SUM(A1:A4)", 7.0),
        ("=SUM(B1:B4)", 7.0),
        ("=MIN(A1:A4)", 1.0),
        ("=MAX(B1:B4)", 5.0),
        ("=AVERAGE(A1:A3)", 7.0 / 3.0),
        ("=COUNT(B1:B4)", 2.0),
        ("=ISNUMBER(B1)", False),
        ("=ISNUMBER(B2)", True),
        ('=IF(ISNUMBER(A4),A4,"none")', "none"),
        ("=RANK(A1,A1:A3,0)", 1.0),
        ("=RANK(A2,A1:A3,0)", 3.0),
        ("=RANK(9,A1:A3,0)", NA),
        ("=LARGE(A1:A3,2)", 3.0),
        ("=SMALL(A1:A3,1)", 1.0),
        ("=MATCH(5,B1:B4,0)", 4.0),
        ('=MATCH("X",B1:B4,0)', 1.0),
        ("=INDEX(C1:C4,3)", 3.0),
        ("=INDEX(A1:C1,1,3)", 1.0),
        ("=SUMPRODUCT(A1:A3,C1:C3)", 3.0 + 2.0 + 9.0),
        ("=ROUND(2.5,0)", 3.0),
        ("=ROUND(-2.5,0)", -3.0),
        ("=ROUNDUP(2.01,0)", 3.0),
        ("=AND(1>0,2>1)", True),
        ("=AND(1>0,2<1)", False),
        ("=COUNTIF(A1:A3,3)", 2.0),
        ('=B3=""', True),
        ("=A4=0", True),
        ('="b">"a"', True),
        ('=1<"a"', True),
        ("='Cost model'!A3", 23.0),
        ("=ABS(-4)", 4.0),
        ('=LEFT("WARNING: x",7)', "WARNING"),
    ],
)
def test_excel_semantics(ev: Evaluator, formula: str, expected: object) -> None:
    result = ev.evaluate_formula("Data", formula)
    if isinstance(expected, float):
        assert result == pytest.approx(expected)
    else:
        assert result == expected


def test_errors_propagate_through_arithmetic(ev: Evaluator) -> None:
    result = ev.evaluate_formula("Data", "=1+1/0*2")
    assert isinstance(result, ExcelError) and result.code == "#DIV/0!"


def test_a_formula_outside_the_subset_is_refused_with_its_cell() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "=VLOOKUP(1,B1:C2,2,FALSE)"
    with pytest.raises(UnsupportedFormula, match=r"A1.*VLOOKUP"):
        evaluate_workbook(wb)


def test_every_formula_cell_gets_a_value(ev: Evaluator) -> None:
    values = evaluate_workbook(ev.wb)
    assert values == {("Cost model", "A2"): 20.0, ("Cost model", "A3"): 23.0}

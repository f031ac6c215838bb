"""Fixtures for the spreadsheet-import tests: small workbooks and CSVs written on the fly."""

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from tokentco.domain import ExchangeRates

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

WriteXlsx = Callable[..., Path]
WriteCsv = Callable[..., Path]


@pytest.fixture()
def rates() -> ExchangeRates:
    return ExchangeRates(usd_per_unit={"USD": 1.0, "EUR": 1.1, "GBP": 1.25, "JPY": 0.007})


@pytest.fixture()
def write_xlsx(tmp_path: Path) -> WriteXlsx:
    def write(name: str, sheets: dict[str, Sequence[Sequence[Any]]]) -> Path:
        book = Workbook()
        first = True
        for title, rows in sheets.items():
            sheet = book.active if first else book.create_sheet()
            assert sheet is not None
            sheet.title = title
            first = False
            for row in rows:
                sheet.append(list(row))
        path = tmp_path / name
        book.save(path)
        return path

    return write


@pytest.fixture()
def write_csv(tmp_path: Path) -> WriteCsv:
    def write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write

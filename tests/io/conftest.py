"""Fixtures for the spreadsheet-import tests: small workbooks and CSVs written on the fly."""

import shutil
import subprocess
import uuid
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


class Office:
    """The two independent spreadsheet engines the workbook tests recalculate with:
    LibreOffice (headless, recalculating on load) and Gnumeric (``ssconvert --recalc``)."""

    soffice_exe = shutil.which("soffice") or shutil.which("libreoffice")
    ssconvert_exe = shutil.which("ssconvert")

    def soffice(self, sources: list[Path], workdir: Path, to: str) -> list[Path]:
        """Convert ``sources`` with one LibreOffice run (recalculating on load) to ``to``."""
        assert self.soffice_exe, "LibreOffice (soffice) is required for the recalculation proof"
        out = workdir / f"lo-{to}-{uuid.uuid4().hex[:8]}"
        out.mkdir()
        profile = workdir / f"lo-profile-{uuid.uuid4().hex[:8]}"
        subprocess.run(
            [
                self.soffice_exe,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--calc",
                "--convert-to",
                to,
                "--outdir",
                str(out),
                *map(str, sources),
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
        results = [out / f"{src.stem}.{to}" for src in sources]
        missing = [r.name for r in results if not r.exists()]
        assert not missing, f"LibreOffice produced no {missing}"
        return results

    def gnumeric(self, src: Path, workdir: Path) -> Path:
        """Recalculate ``src`` with Gnumeric's ``ssconvert --recalc``, saved as xlsx."""
        assert self.ssconvert_exe, "Gnumeric (ssconvert) is required for the recalculation proof"
        out = workdir / f"gnumeric-{src.stem}-{uuid.uuid4().hex[:6]}.xlsx"
        subprocess.run(
            [
                self.ssconvert_exe,
                "--recalc",
                "--export-type=Gnumeric_Excel:xlsx2",
                str(src),
                str(out),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        assert out.exists(), f"Gnumeric produced no {out.name}"
        return out


@pytest.fixture(scope="session")
def office() -> Office:
    return Office()

"""The printable report: text (pdftotext), pages (pdftoppm), paper size and print helpers."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tokentco import MODEL_VERSION

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tokentco.engine.evaluate import evaluate
from tokentco.engine.scoring import score
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.defaults import default_project
from tokentco.present import formats as fmt
from tokentco.present.labels import comparison_labels
from tokentco.ui.report import preview_report, render_report, write_report_pdf

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    catalogue = bundled_catalogue()
    project = default_project(catalogue)
    comparison = evaluate(project, catalogue)
    path = tmp_path_factory.mktemp("report") / "report.pdf"
    pages = write_report_pdf(project, comparison, path, paper="a4")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return path, pages, text


def test_report_names_the_winner_and_savings(report: tuple[Path, int, str]) -> None:
    _, _, text = report
    catalogue = bundled_catalogue()
    project = default_project(catalogue)
    comparison = evaluate(project, catalogue)
    card = score(project, comparison)
    winner = next(r for r in comparison.options if r.option_id == card.winner_id)
    label = comparison_labels(comparison, project, catalogue)[winner.option_id].full
    assert f"Winner: {label}" in " ".join(text.split())
    assert fmt.usd_per_mtok(winner.usd_per_mtok) in text
    assert "per year against the runner-up" in text
    assert "Sensitivity:" in text


def test_report_has_tables_charts_and_sections(report: tuple[Path, int, str]) -> None:
    _, pages, text = report
    for heading in (
        "Executive summary",
        "Comparison",
        "Charts",
        "Assumptions",
        "Scorecard",
        "Methodology and sources",
        "Sources",
        "Weighted total",
    ):
        assert heading in text, heading
    assert "Frontier: tokens/s per GPU" in text and "Tornado" in text
    assert "Tokens/s per MW" in text
    for label in ("HGX H200 (owner cost)", "B200 on demand (Nebius)"):
        assert label in text
    assert pages >= 3
    for page in range(1, pages + 1):
        assert f"Page {page} of {pages}" in text
    assert "TokenTCO" in text and MODEL_VERSION in text


def test_report_pages_render(report: tuple[Path, int, str], tmp_path: Path) -> None:
    path, pages, _ = report
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "p")],
        check=True,
        capture_output=True,
    )
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == pages
    assert all(p.stat().st_size > 3000 for p in pngs)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert "(A4)" in info


def test_letter_paper_and_atomic_replace(tmp_path: Path) -> None:
    catalogue = bundled_catalogue()
    project = default_project(catalogue)
    target = tmp_path / "r.pdf"
    target.write_bytes(b"old")
    write_report_pdf(project, evaluate(project, catalogue), target, paper="letter")
    info = subprocess.run(
        ["pdfinfo", str(target)], check=True, capture_output=True, text=True
    ).stdout
    assert "612 x 792" in info
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


def test_print_preview_renders_on_a_printer(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtPrintSupport import QPrinter

    catalogue = bundled_catalogue()
    project = default_project(catalogue)
    comparison = evaluate(project, catalogue)
    dialog = preview_report(project, comparison)
    qtbot.addWidget(dialog)
    assert "Print preview" in dialog.windowTitle()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    pages = render_report(project, comparison, printer)
    assert pages >= 3
    assert (tmp_path / "printed.pdf").stat().st_size > 10_000
    assert shutil.which("pdftotext")

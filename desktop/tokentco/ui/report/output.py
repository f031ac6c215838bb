"""Where the report goes: a PDF file (atomically), any paged device, the print-preview
dialog or the system print dialog. Paper is A4, or US Letter where the system locale
measures in inches. Works headless (``QT_QPA_PLATFORM=offscreen``)."""

import atexit
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QLocale, QMarginsF
from PySide6.QtGui import QGuiApplication, QPagedPaintDevice, QPageLayout, QPageSize, QPdfWriter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QApplication, QWidget

import tokentco
from tokentco.domain import Catalogue, Project
from tokentco.engine.results import Comparison
from tokentco.io.project_file import atomic_write_bytes
from tokentco.present.report_model import ReportModel, build_report
from tokentco.ui.report.page import Page
from tokentco.ui.report.sections import SECTIONS


def ensure_app() -> None:
    """Qt needs an application object for fonts; create one if none exists (shut down at
    exit so interpreter finalisation does not tear Qt down in the wrong order)."""
    if QGuiApplication.instance() is None:
        app = QApplication([])
        atexit.register(app.shutdown)


def default_page_size() -> QPageSize:
    if QLocale.system().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem:
        return QPageSize(QPageSize.PageSizeId.Letter)
    return QPageSize(QPageSize.PageSizeId.A4)


def page_size(paper: str) -> QPageSize:
    if paper == "a4":
        return QPageSize(QPageSize.PageSizeId.A4)
    if paper == "letter":
        return QPageSize(QPageSize.PageSizeId.Letter)
    return default_page_size()


def model_for(
    project: Project, comparison: Comparison, catalogue: Catalogue | None = None
) -> ReportModel:
    if catalogue is None:
        from tokentco.io.bundled import bundled_catalogue

        catalogue = project.effective_catalogue(bundled_catalogue())
    return build_report(project, comparison, catalogue)


def paint(device: QPagedPaintDevice, model: ReportModel, total: int | None) -> int:
    """Lay the whole report out on ``device``; returns the page count."""
    page = Page(device, model, total)
    for section in SECTIONS:
        section(page, model)
    return page.finish()


def layout(size: QPageSize) -> QPageLayout:
    return QPageLayout(
        size,
        QPageLayout.Orientation.Portrait,
        QMarginsF(15, 15, 15, 12),
        QPageLayout.Unit.Millimeter,
    )


def _pdf_bytes(model: ReportModel, size: QPageSize, total: int | None) -> tuple[bytes, int]:
    buffer = QByteArray()
    device = QBuffer(buffer)
    device.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(device)
    writer.setResolution(600)
    writer.setPageLayout(layout(size))
    writer.setTitle(f"TokenTCO report: {model.project_name}")
    writer.setCreator(f"TokenTCO {tokentco.__version__}")
    pages = paint(writer, model, total)
    del writer
    device.close()
    return bytes(buffer.data()), pages


def render_report(
    project: Project,
    comparison: Comparison,
    device: QPagedPaintDevice,
    catalogue: Catalogue | None = None,
    model: ReportModel | None = None,
) -> int:
    """Paint the report on ``device`` (a QPrinter or QPdfWriter); returns the page count.
    A first pass on a PDF of the same paper counts the pages for "Page n of N"."""
    ensure_app()
    model = model or model_for(project, comparison, catalogue)
    _, total = _pdf_bytes(model, device.pageLayout().pageSize(), None)
    return paint(device, model, total)


def write_report_pdf(
    project: Project,
    comparison: Comparison,
    path: Path | str,
    catalogue: Catalogue | None = None,
    paper: str = "auto",
) -> int:
    """Write the report to ``path`` as PDF (atomically); returns the number of pages."""
    ensure_app()
    model = model_for(project, comparison, catalogue)
    size = page_size(paper)
    _, total = _pdf_bytes(model, size, None)
    pdf, pages = _pdf_bytes(model, size, total)
    atomic_write_bytes(Path(path), pdf)
    return pages


def preview_report(
    project: Project,
    comparison: Comparison,
    parent: QWidget | None = None,
    catalogue: Catalogue | None = None,
    on_error: Callable[[Exception], None] | None = None,
) -> QPrintPreviewDialog:
    """A QPrintPreviewDialog showing the report (``.exec()`` or ``.open()`` it).

    The dialog only borrows its printer, so the printer is kept on the dialog for as long
    as the dialog lives. ``on_error`` receives a failure while painting (else it raises).
    """
    ensure_app()
    model = model_for(project, comparison, catalogue)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(layout(default_page_size()))
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"Print preview — {project.name}")
    dialog.printer_keepalive = printer  # type: ignore[attr-defined]

    def on_paint(target: QPrinter) -> None:
        try:
            render_report(project, comparison, target, model=model)
        except Exception as exc:
            if on_error is None:
                raise
            on_error(exc)

    dialog.paintRequested.connect(on_paint)
    return dialog


def print_report(
    project: Project,
    comparison: Comparison,
    parent: QWidget | None = None,
    catalogue: Catalogue | None = None,
) -> bool:
    """Show the print dialog and print the report; False if the user cancels."""
    from PySide6.QtPrintSupport import QPrintDialog

    ensure_app()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(layout(default_page_size()))
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    render_report(project, comparison, printer, catalogue)
    return True

"""Export and print: the scorecard workbook (background), the report as PDF, print and
print preview — always for exactly the project on screen."""

from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from tokentco.domain import Project
from tokentco.engine.results import Comparison
from tokentco.ui import features
from tokentco.ui.background import Cancelled, Progress, describe_exception
from tokentco.ui.controllers.base import Controller


class ExportController(Controller):
    """File ▸ Export scorecard/report, Print, Print preview."""

    preview_dialog: QDialog | None = None

    def _current_result_job(self) -> Callable[[], tuple[Project, Comparison]]:
        project, catalogue, calibration = (
            self.window.doc.project,
            self.window.doc.catalogue,
            self.window.calibration,
        )
        evaluate = features.evaluate_fn()

        def job() -> tuple[Project, Comparison]:
            return project, evaluate(project, catalogue, calibration)

        return job

    def _export(
        self,
        what: str,
        suffix: str,
        filter_text: str,
        writer: Callable[[Project, Comparison, Path], Any],
        path: Path | None = None,
    ) -> None:
        if path is None:
            stem = (
                self.window.doc.path.stem if self.window.doc.path else "comparison"
            ) + f"-{what.split()[0].lower()}"
            chosen, _ = QFileDialog.getSaveFileName(
                self.window, f"Export {what}", str(Path.home() / f"{stem}{suffix}"), filter_text
            )
            if not chosen:
                return
            path = Path(chosen)
        if path.suffix.lower() != suffix:
            path = path.with_suffix(suffix)
        evaluate_job = self._current_result_job()
        target = path

        def job(progress: Progress, cancelled: Cancelled) -> Path:
            project, comparison = evaluate_job()
            writer(project, comparison, target)
            return target

        self.window.ops.run(
            job,
            lambda p: self.window.show_message(f"{what.capitalize()} written to {p}"),
            lambda exc: self.window.notify(
                f"Export {what}", f"Could not write {target.name}: {describe_exception(exc)}"
            ),
        )

    def export_scorecard(self, path: Path | None = None) -> None:
        """File ▸ Export scorecard: the RFP workbook, written in the background."""
        try:
            write_scorecard = features.write_scorecard_fn()
        except features.NotAvailable as exc:
            self.window.notify("Export scorecard", str(exc), QMessageBox.Icon.Information)
            return
        catalogue = self.window.doc.catalogue

        def writer(project: Project, comparison: Comparison, target: Path) -> Any:
            return write_scorecard(project, comparison, target, catalogue=catalogue)

        self._export("scorecard workbook", ".xlsx", "Excel workbook (*.xlsx)", writer, path)

    def current_comparison(self) -> Comparison:
        """Results for exactly the project on screen (computed now if still in flight)."""
        if (
            self.window.comparison is not None
            and self.window.comparison_project == self.window.doc.project
        ):
            return self.window.comparison
        return self._current_result_job()()[1]

    def _report(self, what: str) -> ModuleType | None:
        try:
            return features.report_module()
        except features.NotAvailable as exc:
            self.window.notify(what, str(exc), QMessageBox.Icon.Information)
            return None

    def export_report(self, path: Path | None = None) -> bool:
        """File ▸ Export report: the printable report as PDF (painted on the GUI thread)."""
        report = self._report("Export report")
        if report is None:
            return False
        if path is None:
            stem = (self.window.doc.path.stem if self.window.doc.path else "comparison") + "-report"
            chosen, _ = QFileDialog.getSaveFileName(
                self.window,
                "Export report",
                str(Path.home() / f"{stem}.pdf"),
                "PDF document (*.pdf)",
            )
            if not chosen:
                return False
            path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        try:
            pages = report.write_report_pdf(
                self.window.doc.project,
                self.current_comparison(),
                path,
                catalogue=self.window.doc.catalogue,
            )
        except Exception as exc:  # reported, the app keeps running
            self.window.notify("Export report", f"Could not write {path.name}: {exc}")
            return False
        self.window.show_message(f"Report written to {path} ({pages} pages)")
        return True

    def print_report(self) -> None:
        """File ▸ Print: the system print dialog, then the report."""
        report = self._report("Print")
        if report is None:
            return
        try:
            report.print_report(
                self.window.doc.project,
                self.current_comparison(),
                self.window,
                catalogue=self.window.doc.catalogue,
            )
        except Exception as exc:  # printing problems are reported, the app keeps running
            self.window.notify("Print", f"Printing failed: {exc}")

    def print_preview(self) -> None:
        """File ▸ Print preview: the report in Qt's preview dialog (non-blocking)."""
        report = self._report("Print preview")
        if report is None:
            return
        try:
            comparison = self.current_comparison()
            dialog = report.preview_report(
                self.window.doc.project,
                comparison,
                self.window,
                catalogue=self.window.doc.catalogue,
                on_error=lambda exc: self.window.notify("Print preview", f"Preview failed: {exc}"),
            )
        except Exception as exc:  # reported, the app keeps running
            self.window.notify("Print preview", f"Preview failed: {exc}")
            return
        self.preview_dialog = dialog
        dialog.open()

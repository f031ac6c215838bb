"""Import: spreadsheets in the background with progress and cancel, problems listed, the
rows applied as one undo step; and the blank import template."""

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QProgressDialog

from tokentco.ui import features
from tokentco.ui.background import Cancelled, Progress, describe_exception
from tokentco.ui.controllers.base import Controller

if TYPE_CHECKING:  # the importer loads only when an import runs
    from tokentco.io.importer import ImportResult

SPREADSHEET_FILTER = "Spreadsheets (*.xlsx *.csv *.tsv)"


def progress_args(args: tuple[Any, ...]) -> tuple[float, str]:
    """Accept progress calls shaped (fraction), (fraction, msg) or (done, total[, msg])."""
    numbers = [a for a in args if isinstance(a, int | float) and not isinstance(a, bool)]
    texts = [str(a) for a in args if isinstance(a, str)]
    fraction = 0.0
    if len(numbers) >= 2 and numbers[1]:
        fraction = float(numbers[0]) / float(numbers[1])
    elif numbers:
        fraction = float(numbers[0])
    return fraction, texts[0] if texts else ""


class ImportController(Controller):
    """File ▸ Import spreadsheets, dropped spreadsheets, File ▸ Save import template."""

    progress_dialog: QProgressDialog | None = None

    def import_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self.window,
            "Import spreadsheets",
            str(Path.home()),
            f"{SPREADSHEET_FILTER};;All files (*)",
        )
        if paths:
            self.import_paths([Path(p) for p in paths])

    def import_paths(self, paths: list[Path]) -> None:
        """Import in the background with a progress dialog; problems go to the problems list."""
        try:
            import_files = features.import_files_fn()
        except features.NotAvailable as exc:
            self.window.notify("Import", str(exc), QMessageBox.Icon.Information)
            return
        rates = self.window.doc.project.exchange_rates
        catalogue = self.window.doc.catalogue
        names = ", ".join(p.name for p in paths)
        dialog = QProgressDialog(f"Importing {names}…", "Cancel", 0, 1000, self.window)
        dialog.setWindowTitle("Import")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        self.progress_dialog = dialog

        def job(progress: Progress, cancelled: Cancelled) -> "ImportResult":
            def report(*args: Any) -> None:
                fraction, message = progress_args(args)
                progress(fraction, message)

            result: ImportResult = import_files(
                list(paths), rates, progress=report, cancel=cancelled, catalogue=catalogue
            )
            return result

        def on_progress(fraction: float, message: str) -> None:
            dialog.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
            if message:
                dialog.setLabelText(message)

        def done(result: "ImportResult") -> None:
            dialog.close()
            self._import_done(result, names)

        def failed(exc: Exception) -> None:
            dialog.close()
            from tokentco.io.importer import ImportCancelled  # loaded by the job already

            message = describe_exception(exc)
            if isinstance(exc, ImportCancelled):
                self.window.show_message(f"Import of {names} cancelled; nothing was changed.")
                self.window.importFinished.emit(None)
                return
            self.window.problems.show_problems([], f"Import of {names} failed: {message}")
            self.window.problems_dock.show()
            self.window.problems_dock.raise_()
            self.window.notify("Import failed", f"{message}\n\nNothing was changed.")
            self.window.importFinished.emit(None)

        cancel = self.window.ops.run(job, done, failed, on_progress)
        dialog.canceled.connect(cancel)

    def _import_done(self, result: "ImportResult", names: str) -> None:
        problems = result.problems
        detail = ", ".join(f"{len(rows)} {kind}" for kind, rows in result.rows.items() if rows)
        summary = f"{names}: loaded {detail or 'nothing'}; {len(problems)} problem(s)"
        self.window.problems.show_problems(problems, summary)
        if problems:
            self.window.problems_dock.show()
            self.window.problems_dock.raise_()
        if result.rows_loaded:
            try:
                self.window.doc.apply_import(result, f"Import {names}")
            except Exception as exc:  # a merge conflict is reported, never a crash
                self.window.notify("Import", f"Could not add the rows: {exc}")
        self.window.show_message(summary)
        self.window.importFinished.emit(result)

    def save_template(self, kind: str | None = None, path: Path | None = None) -> bool:
        """File ▸ Save import template: the same workbook as ``tokentco template``."""
        from tokentco.domain import TABLE_KINDS
        from tokentco.io.errors import InputError
        from tokentco.io.import_template import write_template

        if kind is None:
            kind, ok = QInputDialog.getItem(
                self.window, "Save import template", "Table kind:", list(TABLE_KINDS), 2, False
            )
            if not ok:
                return False
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self.window,
                "Save import template",
                str(Path.home() / f"tokentco-{kind}-template.xlsx"),
                "Excel workbook (*.xlsx)",
            )
            if not chosen:
                return False
            path = Path(chosen)
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        try:  # the file dialog already asked before replacing an existing file
            write_template(kind, path, force=True)  # type: ignore[arg-type]
        except (InputError, OSError) as exc:
            self.window.notify("Save import template", f"Could not write {path.name}: {exc}")
            return False
        self.window.show_message(f"Template written to {path}")
        return True

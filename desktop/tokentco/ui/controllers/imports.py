"""Import: spreadsheets and benchmark results in the background with progress and cancel,
problems listed, the rows applied as one undo step, then column mappings and benchmark
defaults asked for and the import re-run with them; and the blank import template."""

import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QProgressDialog

from tokentco.ui import features
from tokentco.ui.background import Cancelled, Progress, describe_exception
from tokentco.ui.controllers.base import Controller

if TYPE_CHECKING:  # the importer loads only when an import runs
    from tokentco.io.bench_formats import BenchDefaults
    from tokentco.io.errors import Problem
    from tokentco.io.import_mapping import ColumnMapping
    from tokentco.ui.controllers.import_steps import PassOutcome
    from tokentco.ui.dialogs.bench_defaults import BenchDefaultsDialog
    from tokentco.ui.dialogs.column_mapping import ColumnMappingDialog

SPREADSHEET_FILTER = "Spreadsheets (*.xlsx *.csv *.tsv)"
BENCH_FILTER = "Benchmark results (*.json *.jsonl *.txt *.csv)"
IMPORT_FILTER = "Spreadsheets and benchmark results (*.xlsx *.csv *.tsv *.json *.jsonl *.txt)"
MAPPING_STORE_NAME = "column-mappings.json"
PROGRESS_WIDTH_PX = 460


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


@dataclass(frozen=True)
class _Request:
    """One import as the analyst asked for it, with what later passes learned: the
    mapping and benchmark defaults to use, sheets declined, whether the benchmark
    question was asked already (each is asked at most once per import), notes to list."""

    paths: tuple[Path, ...]
    mapping: "ColumnMapping | None" = None
    bench: "BenchDefaults | None" = None
    skip: frozenset[tuple[str, str]] = frozenset()
    bench_asked: bool = False
    notes: tuple["Problem", ...] = ()

    @property
    def names(self) -> str:
        return ", ".join(p.name for p in self.paths)


class ImportController(Controller):
    """File ▸ Import…, dropped files, File ▸ Save import template.

    An import runs off the GUI thread (``ui.background``) with a progress dialog whose
    Cancel closes it at once and kills the reading child; the good rows are applied as one
    undo step and every problem is listed. Then the analyst is asked, one dialog at a
    time, for what the files did not say — a column mapping for each sheet whose headers
    were not recognised, the GPU/GPU count/model for benchmark files — and the import runs
    again with the answers (re-importing a file replaces its rows)."""

    progress_dialog: QProgressDialog | None = None
    mapping_dialog: "ColumnMappingDialog | None" = None
    bench_dialog: "BenchDefaultsDialog | None" = None
    store_path: Path | None = None
    """Where remembered column mappings live; None: the user's config folder."""

    def import_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self.window,
            "Import spreadsheets or benchmark results",
            str(Path.home()),
            f"{IMPORT_FILTER};;{SPREADSHEET_FILTER};;{BENCH_FILTER};;All files (*)",
        )
        if paths:
            self.import_paths([Path(p) for p in paths])

    def mapping_store_path(self) -> Path:
        """``column-mappings.json`` in the user's config folder (QStandardPaths
        AppConfigLocation), unless :attr:`store_path` says otherwise or
        ``TOKENTCO_DATA_DIR`` is set (the variable that isolates tests and portable runs
        from the user's folders, as for autosaves)."""
        if self.store_path is not None:
            return self.store_path
        override = os.environ.get("TOKENTCO_DATA_DIR")
        if override:
            return Path(override) / MAPPING_STORE_NAME
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppConfigLocation)
        base = Path(folder) if folder else Path.home() / ".config" / "TokenTCO"
        return base / MAPPING_STORE_NAME

    def import_paths(self, paths: list[Path]) -> None:
        """Import in the background with a progress dialog; problems go to the problems list."""
        self._start(_Request(tuple(Path(p) for p in paths)))

    def _start(self, request: _Request) -> None:
        try:
            import_files = features.import_files_fn()
        except features.NotAvailable as exc:
            self.window.notify("Import", str(exc), QMessageBox.Icon.Information)
            return
        from tokentco.io.errors import one_line
        from tokentco.io.import_mapping import MappingStore
        from tokentco.io.importer import ImportCancelled
        from tokentco.ui.controllers.import_steps import PassOutcome, run_import_pass

        rates = self.window.doc.project.exchange_rates
        catalogue = self.window.doc.catalogue
        store = MappingStore(self.mapping_store_path())
        names = request.names
        again = " again" if request.mapping or request.bench else ""
        heading = f"Importing {one_line(names, 80)}{again}…"
        dialog = QProgressDialog(f"{heading}\n", "Cancel", 0, 1000, self.window)
        dialog.setWindowTitle("Import")
        dialog.setMinimumWidth(PROGRESS_WIDTH_PX)  # steady while the step text changes
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        self.progress_dialog = dialog
        cancel_requested = threading.Event()
        finished = threading.Event()

        def close() -> None:
            finished.set()  # closing a QProgressDialog emits canceled(): not a Cancel
            dialog.close()

        def job(progress: Progress, cancelled: Cancelled) -> PassOutcome | None:
            """None when cancelled: an expected end, not an error worth a traceback."""
            try:
                return run_import_pass(
                    import_files,
                    request.paths,
                    rates,
                    catalogue=catalogue,
                    store=store,
                    mapping=request.mapping,
                    bench=request.bench,
                    skip=request.skip,
                    progress=progress,
                    cancelled=lambda: cancelled() or cancel_requested.is_set(),
                )
            except ImportCancelled:
                return None

        def on_progress(fraction: float, message: str) -> None:
            if cancel_requested.is_set():
                return
            dialog.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
            if message:  # which files stays visible above the current step
                dialog.setLabelText(f"{heading}\n{one_line(message, 70)}")

        def done(outcome: PassOutcome | None) -> None:
            close()
            if outcome is None or cancel_requested.is_set():  # a late result changes nothing
                self._cancelled(names)
                return
            outcome.notes[:0] = request.notes
            self._import_done(outcome, names)
            self._ask(request, outcome)

        def failed(exc: Exception) -> None:
            close()
            if isinstance(exc, ImportCancelled) or cancel_requested.is_set():
                self._cancelled(names)
                return
            message = describe_exception(exc)
            self.window.problems.show_problems([], f"Import of {names} failed: {message}")
            self.window.problems_dock.show()
            self.window.problems_dock.raise_()
            self.window.notify("Import failed", f"{message}\n\nNothing was changed.")
            self.window.importFinished.emit(None)

        cancel = self.window.ops.run(job, done, failed, on_progress)

        def cancel_clicked() -> None:
            if finished.is_set():
                return
            cancel_requested.set()  # the child is killed at its next poll (20 ms)
            cancel()
            dialog.hide()

        dialog.canceled.connect(cancel_clicked)

    def _cancelled(self, names: str) -> None:
        self.window.show_message(f"Import of {names} cancelled; nothing was changed.")
        self.window.importFinished.emit(None)

    def _import_done(self, outcome: "PassOutcome", names: str) -> None:
        result = outcome.result
        problems = result.problems
        listed = outcome.listed()
        detail = ", ".join(f"{len(rows)} {kind}" for kind, rows in result.rows.items() if rows)
        summary = f"{names}: loaded {detail or 'nothing'}; {len(problems)} problem(s)"
        if outcome.notes:
            summary += f", {len(outcome.notes)} note(s)"
        self.window.problems.show_problems(listed, summary)
        if listed:
            self.window.problems_dock.show()
            self.window.problems_dock.raise_()
        if result.rows_loaded:
            try:
                self.window.doc.apply_import(result, f"Import {names}")
            except Exception as exc:  # a merge conflict is reported, never a crash
                self.window.notify("Import", f"Could not add the rows: {exc}")
        self.window.show_message(summary)
        self.window.importFinished.emit(result)

    # --- asking for what the files did not say ------------------------------------------

    def _ask(self, request: _Request, outcome: "PassOutcome") -> None:
        """Column mappings first (one dialog per sheet), then benchmark defaults; then
        one re-run with every answer. Dialogs are window-modal and opened with ``open()``
        so the event loop (and the rest of the app's background work) keeps running."""
        from tokentco.io.errors import Location
        from tokentco.io.import_mapping import MappingStore
        from tokentco.ui.dialogs.column_mapping import ColumnMappingDialog

        queue = list(outcome.to_map)
        mappings: list[ColumnMapping] = []
        declined = set(request.skip)
        store = MappingStore(self.mapping_store_path())

        def next_sheet() -> None:
            if not queue:
                self.mapping_dialog = None
                ask_bench()
                return
            sheet = queue.pop(0)
            preview = sheet.preview
            dialog = ColumnMappingDialog(
                preview.headers,
                preview.rows,
                initial=outcome.mapping if outcome.mapping else None,
                rates=self.window.doc.project.exchange_rates,
                store=store,
                parent=self.window,
            )
            where = f"{preview.file}:{preview.sheet}" if preview.sheet else preview.file
            dialog.setWindowTitle(f"Map columns — {where} (headers not recognised)")
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.mapping_dialog = dialog

            def finished(code: int) -> None:
                if code == QDialog.DialogCode.Accepted:
                    mappings.append(dialog.mapping())
                else:
                    declined.add(sheet.key)
                dialog.deleteLater()
                next_sheet()

            dialog.finished.connect(finished)
            dialog.open()

        def ask_bench() -> None:
            if not outcome.bench_gaps or request.bench_asked:
                rerun(outcome.bench)
                return
            from tokentco.ui.dialogs.bench_defaults import BenchDefaultsDialog

            proposed = self._bench_proposal(outcome.bench)
            dialog = BenchDefaultsDialog(
                outcome.bench_gaps, self.window.doc.catalogue, parent=self.window, **proposed
            )
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.bench_dialog = dialog

            def finished(code: int) -> None:
                self.bench_dialog = None
                accepted = code == QDialog.DialogCode.Accepted
                dialog.deleteLater()
                if not accepted:  # the problems still say what is missing
                    summary = self.window.problems.summary
                    summary.setText(
                        f"{summary.text()} — benchmark runs need their GPU, GPU count and "
                        "model: import the files again to state them"
                    )
                rerun(dialog.defaults(outcome.bench) if accepted else outcome.bench, asked=True)

            dialog.finished.connect(finished)
            dialog.open()

        def rerun(bench: "BenchDefaults | None", asked: bool = False) -> None:
            if not mappings and bench == outcome.bench:
                return
            from tokentco.ui.controllers.import_steps import combine, note, table_sheets

            sheets = table_sheets(outcome.result)
            mapping = combine(outcome.mapping, mappings, sheets)
            notes: list[Problem] = []
            for chosen in mappings:
                if chosen.kind and (mapping is None or mapping.kind is None):
                    notes.append(
                        note(
                            Location(file=request.names),
                            f"the table kind chosen ({chosen.kind}) is detected from the mapped "
                            "headers instead, since it would apply to every sheet of this "
                            "import; import that file on its own to force it",
                        )
                    )
            self._start(
                replace(
                    request,
                    mapping=mapping,
                    bench=bench,
                    skip=frozenset(declined),
                    bench_asked=request.bench_asked or asked,
                    notes=tuple(notes),
                )
            )

        next_sheet()

    def _bench_proposal(self, bench: "BenchDefaults | None") -> dict[str, Any]:
        """Defaults for the benchmark question: what was stated before, else the selected
        option's GPU and tensor-parallel size, the project's model and compute precision."""
        project = self.window.doc.project
        option = next(
            (o for o in project.options if o.id == self.window.doc.selected_option_id), None
        )
        if option is None and project.options:
            option = project.options[0]
        serving = (option.serving if option is not None else None) or project.serving
        return {
            "hardware": (bench.hardware if bench else None)
            or (option.accelerator_id if option is not None else None),
            "num_gpus": (bench.num_gpus if bench else None) or serving.tp,
            "model": (bench.model if bench else None) or project.model_id,
            "precision": (bench.precision if bench else None) or serving.compute_precision.value,
        }

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

"""The column-mapping dialog: the analyst maps each column of a sheet to a field and unit.

Shown when an import does not recognise a sheet's headers (or on request). The top shows
the sheet as read (header and first rows); below, one line per column with the field it
fills, the unit its numbers are in, and a live preview of the first values converted
exactly as the import will convert them (``io.import_preview``). The result is a
:class:`~tokentco.io.import_mapping.ColumnMapping` the caller passes to
``import_files(..., mapping=...)``; it can be saved and shared as a file, loaded from one,
and remembered for this header layout in a :class:`~tokentco.io.import_mapping.MappingStore`
whose file the caller chooses (the dialog keeps no settings of its own).

Usage (the main window's import flow)::

    dialog = ColumnMappingDialog(preview.headers, preview.rows, store=store, parent=window)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        result = import_files(paths, rates, mapping=dialog.mapping())
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tokentco.domain import TABLE_KINDS, ExchangeRates, TableKind
from tokentco.io.errors import InputError, Location
from tokentco.io.import_fields import FIELDS
from tokentco.io.import_mapping import (
    IGNORE,
    ColumnMapping,
    MappedColumn,
    MappingStore,
    check_unit,
    load_mapping,
    save_mapping,
)
from tokentco.io.import_preview import detect_kind, field_of, preview_column
from tokentco.io.import_read import column_letter
from tokentco.io.import_values import text_of

AUTOMATIC = ""
"""Field-combo data for "as recognised" (the column is left out of the mapping)."""
PREVIEW_VALUES = 3
UNIT_SUGGESTIONS = ("GB", "GiB", "TB/s", "GB/s", "W", "kW", "TFLOPS", "PFLOPS", "ms", "s", "%")
_FILTER = "Column mapping (*.json)"


class _SheetModel(QAbstractTableModel):
    """The sheet as read: its header as the horizontal header, its first rows as data."""

    def __init__(self, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        super().__init__()
        self.headers = list(headers)
        self.rows = [list(r) for r in rows]
        self.width = max([len(self.headers), *(len(r) for r in self.rows)], default=0)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.width

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        row = self.rows[index.row()]
        return text_of(row[index.column()]) if index.column() < len(row) else ""

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            header = self.headers[section] if section < len(self.headers) else ""
            return f"{column_letter(section)}  {header}".strip()
        return str(section + 1)


class ColumnMappingDialog(QDialog):
    """Map each column of one sheet to a field and a unit, with a converted preview.

    ``headers``/``rows``: the sheet's header cells and first data rows (see
    ``io.import_preview.sheet_previews``). ``initial``: a mapping to start from (else the
    one ``store`` remembers for this layout, else the recognised headers). ``rates``: for
    previewing prices in other currencies. ``store``: where "Remember for files with
    these headers" saves the mapping on OK.
    """

    def __init__(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Any]] = (),
        *,
        kind: TableKind | None = None,
        initial: ColumnMapping | None = None,
        rates: ExchangeRates | None = None,
        store: MappingStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Map columns")
        self.headers = [str(h) for h in headers]
        self.rows = [list(r) for r in rows]
        self.rates = rates
        self.store = store
        start = initial or (store.recall(self.headers) if store else None)
        self.field_combos: list[QComboBox] = []
        self.unit_edits: list[QLineEdit] = []
        self.previews: list[QLabel] = []
        self._building = True

        intro = QLabel(
            "Choose the field each column fills and, for numbers, the unit it is written in. "
            "The preview shows the first values as they will be imported."
        )
        intro.setWordWrap(True)
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName("Table kind")
        self.kind_combo.addItem("Detect from the headers", None)
        for k in TABLE_KINDS:
            self.kind_combo.addItem(k.capitalize(), k)
        chosen = kind or (start.kind if start else None)
        if chosen:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(chosen))
        self.kind_label = QLabel()
        kind_row = QHBoxLayout()
        kind_row.addWidget(QLabel("Table kind:"))
        kind_row.addWidget(self.kind_combo)
        kind_row.addWidget(self.kind_label, 1)

        self.sheet = QTableView()
        self.sheet.setAccessibleName("Sheet preview")
        self.sheet.setModel(_SheetModel(self.headers, self.rows[:20]))
        self.sheet.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.sheet.setMaximumHeight(180)

        grid_widget = QWidget()
        grid = QGridLayout(grid_widget)
        for col, title in enumerate(("Column", "Header", "Field", "Unit", "Preview")):
            label = QLabel(f"<b>{title}</b>")
            grid.addWidget(label, 0, col)
        width = max([len(self.headers), *(len(r) for r in self.rows)], default=0)
        for index in range(width):
            header = self.headers[index] if index < len(self.headers) else ""
            combo = QComboBox()
            combo.setAccessibleName(f"Field for column {column_letter(index)}")
            unit = QLineEdit()
            unit.setAccessibleName(f"Unit for column {column_letter(index)}")
            unit.setPlaceholderText("as in the header")
            unit.setToolTip("e.g. " + ", ".join(UNIT_SUGGESTIONS) + ', "EUR per month"')
            preview = QLabel()
            preview.setWordWrap(True)
            preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(QLabel(column_letter(index)), index + 1, 0)
            grid.addWidget(QLabel(header or "(no header)"), index + 1, 1)
            grid.addWidget(combo, index + 1, 2)
            grid.addWidget(unit, index + 1, 3)
            grid.addWidget(preview, index + 1, 4)
            self.field_combos.append(combo)
            self.unit_edits.append(unit)
            self.previews.append(preview)
            combo.currentIndexChanged.connect(self._refresh)
            unit.textChanged.connect(self._refresh)
        grid.setColumnStretch(4, 1)
        grid.setRowStretch(grid.rowCount(), 1)  # few columns: rows stay together at the top
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_widget)

        self.remember = QCheckBox("Remember for files with these headers")
        self.remember.setChecked(store is not None)
        self.remember.setEnabled(store is not None)
        load = QPushButton("Load mapping…")
        save = QPushButton("Save mapping…")
        load.clicked.connect(self._load_clicked)
        save.clicked.connect(self._save_clicked)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        bottom = QHBoxLayout()
        bottom.addWidget(load)
        bottom.addWidget(save)
        bottom.addWidget(self.remember)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(kind_row)
        layout.addWidget(self.sheet)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        self.resize(900, 600)

        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self._building = False
        self._fill_fields()
        if start:
            self.set_mapping(start)
        self._refresh()

    # --- state ----------------------------------------------------------------------

    def header(self, index: int) -> str:
        return self.headers[index] if index < len(self.headers) else ""

    def chosen_kind(self) -> TableKind | None:
        """The kind picked in the combo (None: detect from the headers)."""
        data = self.kind_combo.currentData()
        return data if data in TABLE_KINDS else None

    def effective_kind(self) -> TableKind | None:
        """The chosen kind, else the kind the headers and this mapping describe."""
        return self.chosen_kind() or detect_kind(self.headers, self._mapping(kind=None))

    def mapping(self) -> ColumnMapping:
        """The mapping as set: every column given a field or "ignore" (automatic columns
        are left to the synonyms), and the kind when one was chosen."""
        return self._mapping(self.chosen_kind())

    def _mapping(self, kind: TableKind | None) -> ColumnMapping:
        columns: dict[str, MappedColumn] = {}
        for index, combo in enumerate(self.field_combos):
            name = combo.currentData()
            header = self.header(index)
            if not name or not header:
                continue
            unit = self.unit_edits[index].text().strip() if name != IGNORE else ""
            try:
                unit = check_unit(unit, Location(file="unit"))
            except InputError:
                unit = ""
            columns[header] = MappedColumn(name, unit)
        return ColumnMapping(columns=columns, kind=kind)

    def set_mapping(self, mapping: ColumnMapping) -> None:
        """Show ``mapping`` (columns it does not name go back to automatic)."""
        if mapping.kind:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(mapping.kind))
        self._building = True
        try:
            for index, combo in enumerate(self.field_combos):
                mapped = mapping.get(self.header(index)) if self.header(index) else None
                position = combo.findData(mapped.field) if mapped else 0
                if mapped and position < 0:  # a field of another kind: offer it anyway
                    combo.addItem(mapped.field, mapped.field)
                    position = combo.count() - 1
                combo.setCurrentIndex(max(position, 0))
                self.unit_edits[index].setText(mapped.unit if mapped else "")
        finally:
            self._building = False
        self._refresh()

    def unit_problems(self) -> list[str]:
        """Units typed that are not understood (OK stays disabled while there are any)."""
        problems = []
        for index, edit in enumerate(self.unit_edits):
            text = edit.text().strip()
            if text and self.field_combos[index].currentData() not in (AUTOMATIC, IGNORE):
                try:
                    check_unit(text, Location(file=f"column {column_letter(index)}"))
                except InputError as exc:
                    problems.append(str(exc))
        return problems

    # --- reactions ------------------------------------------------------------------

    def _kind_changed(self) -> None:
        current = self._mapping(None)
        self._fill_fields()
        self.set_mapping(current)

    def _fill_fields(self) -> None:
        kind = self.chosen_kind()
        kinds = (kind,) if kind else TABLE_KINDS
        specs = {s.name: s for k in kinds for s in FIELDS[k]}
        self._building = True
        try:
            for combo in self.field_combos:
                combo.clear()
                combo.addItem("(automatic)", AUTOMATIC)
                combo.addItem("ignore (keep as a note)", IGNORE)
                for name, spec in specs.items():
                    unit = f" ({spec.unit})" if spec.unit else ""
                    combo.addItem(f"{spec.label}{unit} — {name}", name)
        finally:
            self._building = False

    def _refresh(self) -> None:
        if self._building:
            return
        kind = self.effective_kind()
        mapping = self._mapping(kind)
        detected = "" if self.chosen_kind() else " (detected)"
        self.kind_label.setText(
            f"reading as {kind}{detected}" if kind else "no table kind recognised: choose one"
        )
        for index, combo in enumerate(self.field_combos):
            header = self.header(index)
            cells = [r[index] if index < len(r) else None for r in self.rows[:PREVIEW_VALUES]]
            if kind is None or not header:
                text = "choose a table kind" if header else "no header: kept as a note"
            else:
                values = preview_column(kind, header, mapping, cells, self.rates)
                text = "; ".join(v for v in values if v) or "(no values)"
                if combo.currentData() == AUTOMATIC:
                    found = field_of(kind, header, None)
                    combo.setItemText(0, f"(automatic: {found or 'not recognised'})")
            self.previews[index].setText(text)
        problems = self.unit_problems()
        self.error.setText("\n".join(problems))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not problems and kind is not None)

    def accept(self) -> None:
        if self.store is not None and self.remember.isChecked():
            try:
                self.store.remember(self.headers, self.mapping())
            except OSError as exc:
                self.error.setText(f"could not remember the mapping: {exc.strerror or exc}")
        super().accept()

    # --- files ----------------------------------------------------------------------

    def save_to(self, path: Path | str) -> None:
        """Write the mapping as a shareable file (``tokentco import --mapping FILE``)."""
        save_mapping(self.mapping(), path)

    def load_from(self, path: Path | str) -> None:
        self.set_mapping(load_mapping(path))

    def _save_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save column mapping", "", _FILTER)
        if path:
            try:
                self.save_to(path if path.endswith(".json") else f"{path}.json")
            except InputError as exc:
                QMessageBox.warning(self, "Save column mapping", str(exc))

    def _load_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load column mapping", "", _FILTER)
        if path:
            try:
                self.load_from(path)
            except InputError as exc:
                QMessageBox.warning(self, "Load column mapping", str(exc))

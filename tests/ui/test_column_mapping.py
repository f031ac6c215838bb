"""The column-mapping dialog: map unknown columns, preview conversions, save, remember."""

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from tokentco.domain import ExchangeRates
from tokentco.io.import_mapping import MappingStore, load_mapping, mapping_from_options
from tokentco.io.importer import import_files
from tokentco.ui.dialogs.column_mapping import ColumnMappingDialog

HEADERS = ["Teil", "Kapazitaet", "Durchsatz", "Rechenleistung", "Anmerkung"]
ROWS = [["X9", 96, "4800", 1000, "sample"], ["X10", "192 GiB", "8 000", 2250, ""]]


def choose(dialog, index, field, unit=""):
    combo = dialog.field_combos[index]
    position = combo.findData(field)
    assert position >= 0, field
    combo.setCurrentIndex(position)
    dialog.unit_edits[index].setText(unit)


def ok_button(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


@pytest.fixture()
def dialog(qtbot):
    widget = ColumnMappingDialog(HEADERS, ROWS)
    qtbot.addWidget(widget)
    return widget


def test_unknown_sheet_needs_a_kind_then_previews_converted_values(dialog):
    assert "no table kind recognised" in dialog.kind_label.text()
    assert not ok_button(dialog).isEnabled()
    assert dialog.sheet.model().rowCount() == 2
    header = dialog.sheet.model().headerData(
        1, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
    )
    assert header == "B  Kapazitaet"
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("accelerators"))
    choose(dialog, 0, "name")
    choose(dialog, 1, "memory_gb", "GiB")
    choose(dialog, 2, "memory_bw_tb_s", "GB/s")
    choose(dialog, 3, "fp16_dense_tflops")
    choose(dialog, 4, "ignore")
    assert ok_button(dialog).isEnabled()
    assert dialog.previews[1].text() == '96 → 103.1 GB; "192 GiB" → 206.2 GB'
    assert dialog.previews[2].text() == '"4800" → 4.8 TB/s; "8 000" → 8 TB/s'
    assert dialog.previews[4].text().startswith("kept as a note")
    mapping = dialog.mapping()
    assert mapping.kind == "accelerators"
    assert mapping.get("kapazitaet").unit == "GiB" and mapping.get("Anmerkung").field == "ignore"


def test_a_unit_that_is_not_understood_blocks_ok(dialog):
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("accelerators"))
    choose(dialog, 1, "memory_gb", "parsecs")
    assert not ok_button(dialog).isEnabled()
    assert 'unit "parsecs" is not understood' in dialog.error.text()
    dialog.unit_edits[1].setText("TB")
    assert dialog.error.text() == ""
    assert dialog.previews[1].text().startswith("96 → 9.6e+04 GB")


def test_contradicting_cell_units_show_as_problems_in_the_preview(qtbot):
    widget = ColumnMappingDialog(["Name", "Mem"], [["A", "141 EUR"]], kind="accelerators")
    qtbot.addWidget(widget)
    choose(widget, 1, "memory_gb")
    assert "problem:" in widget.previews[1].text() and "not money" in widget.previews[1].text()


def _csv(path, headers, rows):
    lines = [",".join(headers)]
    lines += [
        ",".join(f'"{c}"' if isinstance(c, str) and "," in c else str(c) for c in r) for r in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_saved_mapping_imports_the_sheet_and_loads_back(dialog, tmp_path):
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("accelerators"))
    choose(dialog, 0, "name")
    choose(dialog, 1, "memory_gb", "GiB")
    choose(dialog, 2, "memory_bw_tb_s", "GB/s")
    choose(dialog, 3, "fp16_dense_tflops")
    path = tmp_path / "vendor.json"
    dialog.save_to(path)
    assert json.loads(path.read_text(encoding="utf-8"))["kind"] == "accelerators"
    sheet = _csv(tmp_path / "specs.csv", HEADERS, ROWS)
    result = import_files([sheet], ExchangeRates(), mapping=load_mapping(path))
    assert [str(p) for p in result.problems] == []
    memory = {r.item.name: r.item.memory_gb for r in result.rows["accelerators"]}
    assert memory == {
        "X9": pytest.approx(96 * 1.073741824),
        "X10": pytest.approx(192 * 1.073741824),
    }
    fresh = ColumnMappingDialog(HEADERS, ROWS)
    fresh.load_from(path)
    assert fresh.mapping() == dialog.mapping()
    fresh.deleteLater()


def test_remembered_mapping_is_offered_for_the_same_layout(qtbot, tmp_path):
    store = MappingStore(tmp_path / "config" / "column-mappings.json")
    first = ColumnMappingDialog(HEADERS, ROWS, store=store)
    qtbot.addWidget(first)
    first.kind_combo.setCurrentIndex(first.kind_combo.findData("accelerators"))
    choose(first, 0, "name")
    choose(first, 1, "memory_gb", "GiB")
    assert first.remember.isChecked()
    first.accept()
    assert first.result() == QDialog.DialogCode.Accepted
    again = ColumnMappingDialog([h.upper() for h in HEADERS], ROWS, store=store)
    qtbot.addWidget(again)
    assert again.chosen_kind() == "accelerators"
    assert again.field_combos[1].currentData() == "memory_gb"
    assert again.unit_edits[1].text() == "GiB"
    assert again.mapping().get("teil") == first.mapping().get("Teil")
    assert again.mapping().get("kapazitaet") == mapping_from_options(["K=memory_gb:GiB"]).get("K")


def test_recognised_headers_stay_automatic(qtbot):
    widget = ColumnMappingDialog(
        ["GPU", "Price per GPU-hour", "Sales contact"], [["h100-sxm", 2.5, "x"]]
    )
    qtbot.addWidget(widget)
    assert "reading as offers (detected)" in widget.kind_label.text()
    assert widget.field_combos[1].itemText(0) == "(automatic: price_per_gpu_hour)"
    assert widget.field_combos[2].itemText(0) == "(automatic: not recognised)"
    assert widget.previews[1].text() == "2.5 → 2.5 USD/GPU-hour"
    assert widget.mapping().columns == {}

"""Catalogue browser (sort, filter, inline validation, add to comparison) and import."""

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from tests.ui.conftest import computed, expected

from tokentco.ui.tables import SORT_ROLE


def _offers_page(window):  # type: ignore[no-untyped-def]
    window.show_catalogue()
    window.catalogue.setCurrentWidget(window.catalogue.pages["offers"])
    return window.catalogue.pages["offers"]


def test_filter_sort_and_add_to_comparison(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = _offers_page(window)
    qtbot.keyClicks(page.filter, "mi355")
    rows = page.proxy.rowCount()
    assert rows > 0
    assert rows < page.model.rowCount()
    for r in range(rows):
        texts = [str(page.proxy.index(r, c).data()) for c in range(page.proxy.columnCount())]
        assert any("mi355" in t.lower() for t in texts)
    price_col = page.model.fields.index("price_per_gpu_hour")
    page.table.sortByColumn(price_col, Qt.SortOrder.AscendingOrder)
    prices = [page.proxy.index(r, price_col).data(SORT_ROLE) for r in range(rows)]
    numeric = [p for p in prices if isinstance(p, float)]
    assert numeric == sorted(numeric)
    page.table.selectRow(0)
    offer_id = page.selected_row_id()
    before = len(window.doc.project.options)
    qtbot.mouseClick(page.action, Qt.MouseButton.LeftButton)
    assert len(window.doc.project.options) == before + 1
    added = window.doc.project.options[-1]
    assert added.offer_id == offer_id
    assert window.doc.selected_option_id == added.id
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    assert window.results_model.rowCount() == before + 1
    assert window.comparison.by_id(added.id).usd_per_mtok == pytest.approx(
        expected(window).by_id(added.id).usd_per_mtok
    )


def test_inline_validation_never_raises(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = _offers_page(window)
    option = window.doc.project.options[-1]
    row = next(r for r in range(page.model.rowCount()) if page.model.row_id(r) == option.offer_id)
    col = page.model.fields.index("price_per_gpu_hour")
    index = page.model.index(row, col)
    assert not page.model.setData(index, "-3", Qt.ItemDataRole.EditRole)
    assert "greater than 0" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "Not accepted" in page.error.text()
    assert window.doc.undo_stack.count() == 0  # nothing changed
    assert page.model.setData(index, "9.99", Qt.ItemDataRole.EditRole)
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    offer = window.doc.catalogue.offers[option.offer_id]
    assert offer.price_per_gpu_hour == pytest.approx(9.99)
    assert window.doc.catalogue.provenance_of("offers", offer.id).origin == "user"
    result = window.comparison.by_id(option.id)
    assert result.cost.usd_per_gpu_hour == pytest.approx(9.99)
    assert index.data(Qt.ItemDataRole.ToolTipRole) in (None, "")  # error cleared
    window.act_undo.trigger()
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    assert window.doc.catalogue.offers[option.offer_id].price_per_gpu_hour != pytest.approx(9.99)


def test_use_model_switches_the_comparison(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.show_catalogue()
    page = window.catalogue.pages["models"]
    window.catalogue.setCurrentWidget(page)
    page.filter.setText("llama-3.3-70b")
    page.table.selectRow(0)
    page.action.click()
    assert window.doc.project.model_id == "llama-3.3-70b"
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    assert window.comparison.model_id == "llama-3.3-70b"
    assert window.knobs.model.currentData() == "llama-3.3-70b"


CSV = """Offer ID,Provider,GPU,Pricing,Price per GPU-hour (USD),Region
acme-h200-od,Acme Cloud,H200 SXM 141GB,on demand,1.99,us-east
acme-b200-od,Acme Cloud,B200,on demand,not a price,us-east
"""


def _wait_import(window, qtbot, paths):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.importFinished, timeout=20000):
        window.import_paths(paths)


def test_import_a_price_list_with_a_problem(window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "acme.csv"
    sheet.write_text(CSV)
    _wait_import(window, qtbot, [sheet])
    assert "acme-h200-od" in window.doc.catalogue.offers
    assert window.doc.catalogue.offers["acme-h200-od"].price_per_gpu_hour == pytest.approx(1.99)
    assert window.doc.catalogue.provenance_of("offers", "acme-h200-od").origin == "imported"
    assert window.problems.count() >= 1
    assert any("not a price" in m for m in window.problems.messages())
    assert window.problems_dock.isVisible()
    page = _offers_page(window)
    page.filter.setText("acme-h200")
    assert page.proxy.rowCount() == 1
    provenance = page.proxy.index(0, page.model.columnCount() - 1).data()
    assert "acme.csv" in provenance
    # the import is one undo step
    window.act_undo.trigger()
    assert "acme-h200-od" not in window.doc.catalogue.offers


def test_drop_a_spreadsheet_on_the_window(window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "dropped.csv"
    sheet.write_text(CSV)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(sheet))])
    event = QDropEvent(
        QPointF(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.importFinished, timeout=20000):
        window.dropEvent(event)
    assert "acme-h200-od" in window.doc.catalogue.offers


def test_bundled_sample_imports(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    samples = Path(__file__).resolve().parents[2] / "samples"
    _wait_import(window, qtbot, [samples / "flawed_quotes.xlsx"])
    assert window.problems.count() > 0  # the sample is deliberately flawed
    assert all(":" in m or m for m in window.problems.messages())
    summary = window.problems.summary.text()
    assert "flawed_quotes.xlsx" in summary and "problem" in summary


def test_catalogue_tables_are_built_when_first_shown(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert window._catalogue is None  # not needed for the first painted comparison
    window.act_catalogue.trigger()
    assert window._catalogue is not None
    page = window.catalogue.currentWidget()
    qtbot.waitUntil(lambda: page.table.isVisible(), timeout=5000)
    assert page.model.rowCount() > 0


def test_catalogue_headers_read_like_the_import_templates(window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    window.show_catalogue()
    page = window.catalogue.pages["accelerators"]
    model = page.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert "Memory (GB)" in headers and "Memory bandwidth (TB/s)" in headers
    column = headers.index("Memory (GB)")
    tip = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "memory_gb" in tip

"""Catalogue browser: one sortable, filterable, editable table per catalogue kind."""

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tokentco.domain import Catalogue, ComparisonOption, Offer, PricingModel, TableKind
from tokentco.ui.document import ProjectDocument
from tokentco.ui.knobs import PRICING_LABELS
from tokentco.ui.tables import KIND_TITLES, SORT_ROLE, CatalogueModel

KINDS: tuple[TableKind, ...] = ("accelerators", "offers", "models", "measured", "systems")


def cheapest_offer(
    catalogue: Catalogue, accelerator_id: str, rates_to_usd: dict[str, float]
) -> Offer | None:
    """The cheapest rental offer for the hardware (owned offers priced by capex are skipped)."""
    offers = [
        o
        for o in catalogue.offers_for(accelerator_id)
        if o.price_per_gpu_hour is not None and o.pricing_model is not PricingModel.SPOT
    ]
    offers = offers or [
        o for o in catalogue.offers_for(accelerator_id) if o.price_per_gpu_hour is not None
    ]
    if not offers:
        return None
    return min(
        offers,
        key=lambda o: (o.price_per_gpu_hour or 0) * rates_to_usd.get(o.currency.upper(), 1e9),
    )


def option_for_row(
    kind: TableKind, row_id: str, catalogue: Catalogue, rates_to_usd: dict[str, float]
) -> ComparisonOption | str:
    """A comparison option built from a catalogue row, or a message saying why not."""
    accelerator_id, offer, system_id = "", None, None
    if kind == "offers":
        offer = catalogue.offers[row_id]
        accelerator_id, system_id = offer.accelerator_id, offer.system_id
    elif kind == "accelerators":
        accelerator_id = row_id
    elif kind == "systems":
        system = catalogue.systems[row_id]
        accelerator_id, system_id = system.accelerator_id, system.id
    elif kind == "measured":
        accelerator_id = catalogue.measured[row_id].hardware_id
    else:
        return "Models are not options: use “Use this model” to switch the comparison's model."
    accelerator = catalogue.accelerators.get(accelerator_id)
    if accelerator is None:
        return (
            f"Hardware {accelerator_id!r} is not in the catalogue: add it on the Accelerators tab."
        )
    if offer is None:
        offer = cheapest_offer(catalogue, accelerator_id, rates_to_usd)
    if offer is None:
        return (
            f"No price for {accelerator.name or accelerator_id}: add an offer on the Offers tab "
            "or import a price list (File ▸ Import)."
        )
    name = accelerator.name or accelerator_id
    pricing = PRICING_LABELS.get(offer.pricing_model, "").lower()
    label = f"{name} {pricing} ({offer.provider or offer.id})"
    return ComparisonOption(
        id=offer.id,
        label=label,
        accelerator_id=accelerator_id,
        offer_id=offer.id,
        system_id=system_id,
    )


class CataloguePage(QWidget):
    """Filter box, table, and the action buttons for one kind."""

    message = Signal(str)

    def __init__(
        self, doc: ProjectDocument, kind: TableKind, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.doc, self.kind = doc, kind
        self.model = CatalogueModel(doc, kind, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(f"Filter {KIND_TITLES[kind].lower()} (any column)…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        filter_label = QLabel("&Filter:")
        filter_label.setBuddy(self.filter)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultSectionSize(110)
        header.setStretchLastSection(True)
        self.table.setAccessibleName(KIND_TITLES[kind])
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #D55E00;")
        self.model.validationFailed.connect(self._show_error)
        self.action = QPushButton("&Use this model" if kind == "models" else "&Add to comparison")
        self.action.clicked.connect(self.activate_selected)
        top = QHBoxLayout()
        top.addWidget(filter_label)
        top.addWidget(self.filter, 1)
        top.addWidget(self.action)
        hint = QLabel(
            "Double-click or start typing to edit a cell; edits are stored in the project "
            "as your own rows (undo with Ctrl+Z)."
        )
        hint.setStyleSheet("color: palette(placeholder-text);")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(hint)
        header.setResizeContentsPrecision(40)  # size columns from the first rows only
        self._sized = False

    def showEvent(self, event: QShowEvent) -> None:
        """Size the columns the first time the tab is shown (keeps start-up fast)."""
        if not self._sized:
            self._sized = True
            self.table.resizeColumnsToContents()
            for col in range(self.model.columnCount()):
                if self.table.columnWidth(col) > 260:
                    self.table.setColumnWidth(col, 260)
        super().showEvent(event)

    def _show_error(self, message: str) -> None:
        self.error.setText(f"Not accepted — {message}")
        self.message.emit(message)

    def selected_row_id(self) -> str:
        rows = self.table.selectionModel().selectedRows()
        index = rows[0] if rows else self.table.currentIndex()
        if not index.isValid():
            return ""
        return self.model.row_id(self.proxy.mapToSource(index).row())

    def activate_selected(self) -> None:
        row_id = self.selected_row_id()
        if not row_id:
            self.message.emit("Select a row first.")
            return
        if self.kind == "models":
            self.doc.set_field("model_id", row_id, text=f"Use model {row_id}")
            self.doc.close_merge()
            self.message.emit(f"The comparison now serves {row_id}.")
            return
        option = option_for_row(
            self.kind, row_id, self.doc.catalogue, self.doc.project.exchange_rates.usd_per_unit
        )
        if isinstance(option, str):
            self.message.emit(option)
            return
        self.doc.add_option(option)
        self.message.emit(f"Added {option.display_name} to the comparison.")


class CatalogueBrowser(QTabWidget):
    """The five catalogue tables as tabs."""

    message = Signal(str)

    def __init__(self, doc: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages: dict[TableKind, CataloguePage] = {}
        for kind in KINDS:
            page = CataloguePage(doc, kind, self)
            page.message.connect(self.message)
            self.pages[kind] = page
            self.addTab(page, KIND_TITLES[kind])
        self.setDocumentMode(True)

    def focus_filter(self) -> None:
        page = self.currentWidget()
        if isinstance(page, CataloguePage):
            page.filter.setFocus()
            page.filter.selectAll()

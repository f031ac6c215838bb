"""A table view whose first column stays put while the others scroll sideways.

The results table has some twenty columns; at 1366×768 five fit, and scrolling right to
read GPUs or annual cost used to scroll the option names away, so no figure could be
told apart from its neighbours. :class:`FrozenColumnTable` is Qt's "frozen column" example
(``examples/widgets/itemviews/frozencolumn``): a second, borderless ``QTableView`` laid
over the first column, sharing the model and the selection model, showing column 0 only
and scrolled vertically with the main view. Sorting, selection, fonts and colours come
from the shared model, so both views always show the same rows in the same order.
"""

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QTableView,
    QWidget,
)

AnyIndex = QModelIndex | QPersistentModelIndex
FROZEN = 0
"""The column kept in view."""
TOOLTIP_ONLY = [Qt.ItemDataRole.ToolTipRole]
"""The roles of a ``dataChanged`` for cells whose tooltip alone changed (the results model
announces them so; :class:`TipAwareTable` does not repaint them)."""


class TipAwareTable(QTableView):
    """A ``QTableView`` that does not repaint cells whose tooltip alone changed.

    Qt repaints every cell a ``dataChanged`` names, whatever its roles; a tooltip is read
    from the model when it is shown and changes no pixel. The results table's tooltips
    change on most drags (the basis sentence names the anchoring factor) in cells whose
    text stays "—"."""

    def dataChanged(
        self,
        topLeft: AnyIndex,
        bottomRight: AnyIndex,
        roles: Sequence[int] = (),
    ) -> None:
        if list(roles) == TOOLTIP_ONLY:
            return
        super().dataChanged(topLeft, bottomRight, roles)


class FrozenColumnTable(TipAwareTable):
    """A ``QTableView`` with its first column frozen (see the module docstring)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frozen = TipAwareTable(self)
        self.frozen.setObjectName("frozenColumn")
        self.frozen.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.frozen.verticalHeader().hide()
        self.frozen.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setFrameShape(QTableView.Shape.NoFrame)
        # a thin rule where the scrolling columns slide under the frozen one
        self.frozen.setStyleSheet(
            "QTableView#frozenColumn { border-right: 1px solid palette(mid); }"
        )
        self.frozen.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.viewport().stackUnder(self.frozen)
        # a right-click on the overlay opens the table's own context menu
        self.frozen.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.frozen.customContextMenuRequested.connect(self._frozen_context_menu)
        self.horizontalHeader().sectionResized.connect(self._section_resized)
        self.verticalHeader().sectionResized.connect(self._row_resized)
        self.horizontalHeader().sortIndicatorChanged.connect(self._sort_indicator_changed)
        self.frozen.horizontalHeader().sectionClicked.connect(self._frozen_header_clicked)
        self.frozen.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(self.frozen.verticalScrollBar().setValue)

    # --- model and view settings shared with the overlay ------------------------------------
    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        self.frozen.setModel(model)
        self.frozen.setSelectionModel(self.selectionModel())
        if model is not None:
            model.columnsInserted.connect(self._hide_scrolling_columns)
            model.modelReset.connect(self._hide_scrolling_columns)
            model.layoutChanged.connect(self._hide_scrolling_columns)
        self._hide_scrolling_columns()

    def setAlternatingRowColors(self, enable: bool) -> None:
        super().setAlternatingRowColors(enable)
        self.frozen.setAlternatingRowColors(enable)

    def setSelectionBehavior(self, behavior: QAbstractItemView.SelectionBehavior) -> None:
        super().setSelectionBehavior(behavior)
        self.frozen.setSelectionBehavior(behavior)

    def setSelectionMode(self, mode: QAbstractItemView.SelectionMode) -> None:
        super().setSelectionMode(mode)
        self.frozen.setSelectionMode(mode)

    def setSortingEnabled(self, enable: bool) -> None:
        super().setSortingEnabled(enable)
        # the overlay's header shows the indicator; clicks on it sort the main view
        self.frozen.horizontalHeader().setSortIndicatorShown(enable)
        self.frozen.horizontalHeader().setSectionsClickable(enable)

    def _hide_scrolling_columns(self, *_: Any) -> None:
        model = self.model()
        if model is None:
            return
        for column in range(model.columnCount()):
            self.frozen.setColumnHidden(column, column != FROZEN)
        self.frozen.setColumnWidth(FROZEN, self.columnWidth(FROZEN))
        self._place_overlay()

    # --- keeping the overlay in step -----------------------------------------------------------
    def _section_resized(self, index: int, _old: int, new: int) -> None:
        if index == FROZEN:
            self.frozen.setColumnWidth(FROZEN, new)
            self._place_overlay()

    def _row_resized(self, index: int, _old: int, new: int) -> None:
        self.frozen.setRowHeight(index, new)

    def _sort_indicator_changed(self, column: int, order: Qt.SortOrder) -> None:
        self.frozen.horizontalHeader().setSortIndicator(column, order)

    def _frozen_header_clicked(self, column: int) -> None:
        if not self.isSortingEnabled():
            return
        header = self.horizontalHeader()
        ascending = Qt.SortOrder.AscendingOrder
        descending = Qt.SortOrder.DescendingOrder
        order = (
            descending
            if header.sortIndicatorSection() == column and header.sortIndicatorOrder() == ascending
            else ascending
        )
        self.sortByColumn(column, order)

    def _frozen_context_menu(self, pos: QPoint) -> None:
        where = self.frozen.viewport().mapToGlobal(pos)
        event = QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, self.viewport().mapFromGlobal(where), where
        )
        QApplication.sendEvent(self.viewport(), event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_overlay()

    def updateGeometries(self) -> None:
        super().updateGeometries()
        self._place_overlay()

    def _place_overlay(self) -> None:
        frame = self.frameWidth()
        self.frozen.verticalHeader().setDefaultSectionSize(
            self.verticalHeader().defaultSectionSize()
        )
        self.frozen.horizontalHeader().setFixedHeight(self.horizontalHeader().height())
        self.frozen.setGeometry(
            self.verticalHeader().width() + frame,
            frame,
            self.columnWidth(FROZEN),
            self.viewport().height() + self.horizontalHeader().height(),
        )

    # --- keyboard and scrolling never leave a cell hidden under the overlay ------------------
    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        current = super().moveCursor(cursorAction, modifiers)
        if (
            cursorAction == QAbstractItemView.CursorAction.MoveLeft
            and current.isValid()
            and current.column() > FROZEN
            and self.visualRect(current).topLeft().x() < self.frozen.columnWidth(FROZEN)
        ):
            bar = self.horizontalScrollBar()
            shift = self.frozen.columnWidth(FROZEN) - self.visualRect(current).topLeft().x()
            bar.setValue(bar.value() - shift)
        return current

    def scrollTo(
        self,
        index: AnyIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        if index.column() > FROZEN:
            super().scrollTo(index, hint)
        elif index.isValid():
            # the frozen column is always in view: scroll only vertically
            self.frozen.scrollTo(index, hint)
            self.verticalScrollBar().setValue(self.frozen.verticalScrollBar().value())

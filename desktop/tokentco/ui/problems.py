"""The problems list: located messages from an import (file:sheet:row:column — message)."""

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tokentco.io.errors import one_line


class ProblemsPanel(QWidget):
    """Shows the located problems of the last import; empty means everything was read."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("No import yet.")
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Where", "Problem"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setAccessibleName("Import problems")
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)

    def show_problems(self, problems: Iterable[Any], summary: str) -> None:
        """List ``problems`` one line each (control characters escaped, length capped, as
        the CLI prints them), whoever reports them."""
        self.tree.clear()
        for problem in problems:
            location = one_line(str(getattr(problem, "location", "")))
            message = one_line(str(getattr(problem, "message", str(problem))))
            item = QTreeWidgetItem([location, message])
            item.setToolTip(1, message)
            item.setData(0, Qt.ItemDataRole.UserRole, problem)
            self.tree.addTopLevelItem(item)
        self.summary.setText(summary)

    def count(self) -> int:
        return self.tree.topLevelItemCount()

    def messages(self) -> list[str]:
        items = (self.tree.topLevelItem(i) for i in range(self.count()))
        return [item.text(1) for item in items if item is not None]

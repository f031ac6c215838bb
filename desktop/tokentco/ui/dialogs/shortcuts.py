"""Help ▸ Keyboard shortcuts: every menu action that has keys, read from the menus
themselves so the list can never drift from what the keys really do."""

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMenu, QMenuBar, QVBoxLayout


def shortcut_rows(menu_bar: QMenuBar) -> list[tuple[str, str]]:
    """(action text, keys) of every menu action with a shortcut, sorted, no duplicates."""
    rows = set()
    for menu in menu_bar.findChildren(QMenu):
        for action in menu.actions():
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if keys and action.text():
                rows.add((action.text().replace("&", ""), keys))
    return sorted(rows)


class ShortcutsDialog(QDialog):
    def __init__(self, menu_bar: QMenuBar, parent: QDialog | None = None) -> None:
        super().__init__(parent or menu_bar.window())
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        text = "".join(
            f"<tr><td>{name}</td><td style='padding-left:24px'><b>{keys}</b></td></tr>"
            for name, keys in shortcut_rows(menu_bar)
        )
        layout.addWidget(
            QLabel(
                f"<table>{text}</table><p>Alt + the underlined letter moves to a setting; "
                "Tab walks through every control.</p>"
            )
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

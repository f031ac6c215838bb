"""The two questions the workbench asks before it could lose work."""

from PySide6.QtWidgets import QMessageBox, QWidget

Button = QMessageBox.StandardButton


def ask_save_changes(parent: QWidget) -> QMessageBox.StandardButton:
    """Save / Discard / Cancel before losing unsaved work."""
    return QMessageBox.question(
        parent,
        "Unsaved changes",
        "Save the changes to this comparison first?",
        Button.Save | Button.Discard | Button.Cancel,
        Button.Save,
    )


def ask_recovery(parent: QWidget, when: str, original: str) -> QMessageBox.StandardButton:
    """Offer autosaved work from a session that did not close properly."""
    where = f" of {original}" if original else ""
    return QMessageBox.question(
        parent,
        "Recover unsaved work?",
        f"TokenTCO did not close properly. Unsaved work{where} was autosaved at {when}.\n\n"
        "Recover it? (Discard deletes the autosave; Ignore keeps it for later.)",
        Button.Yes | Button.Discard | Button.Ignore,
        Button.Yes,
    )


def ask_overwrite_changed(parent: QWidget, problem: str) -> QMessageBox.StandardButton:
    """The file changed on disk since it was opened here: overwrite it, or not."""
    return QMessageBox.warning(
        parent,
        "Changed on disk",
        f"{problem}.\n\nOverwrite it with your version?",
        Button.Save | Button.Cancel,
        Button.Cancel,
    )

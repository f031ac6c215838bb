"""File ▸ Preferences: how often unsaved work is autosaved."""

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox, QWidget

from tokentco.ui import settings


class PreferencesDialog(QDialog):
    """Edits the stored preferences when accepted (``accepted`` then tells the window)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        form = QFormLayout(self)
        self.interval = QSpinBox()
        self.interval.setRange(5, 3600)
        self.interval.setSuffix(" s")
        self.interval.setValue(settings.autosave_interval_s())
        label = QLabel("&Autosave every:")
        label.setBuddy(self.interval)
        form.addRow(label, self.interval)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        form.addRow(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.accepted.connect(self._store)

    def _store(self) -> None:
        settings.set_autosave_interval_s(self.interval.value())

    @property
    def autosave_interval_s(self) -> int:
        return int(self.interval.value())

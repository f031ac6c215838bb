"""Scorecard ▸ Add criterion: name, unit, direction, rule and starting weight of an
analyst criterion (its values are then typed per option)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from tokentco.domain.scorecard import Direction, ScoringRule
from tokentco.ui import theme
from tokentco.ui.scorecard.texts import DIRECTION_TEXT, RULE_TEXT, RULE_TIPS


class AddCriterionDialog(QDialog):
    """Name, unit, direction, rule and starting weight of an analyst criterion."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add criterion")
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Support quality")
        self.unit = QLineEdit()
        self.unit.setPlaceholderText("e.g. rubric 1-5, days, %")
        self.direction = QComboBox()
        for d in Direction:
            self.direction.addItem(DIRECTION_TEXT[d], d.value)
        self.rule = QComboBox()
        for r in ScoringRule:
            self.rule.addItem(RULE_TEXT[r], r.value)
            self.rule.setItemData(self.rule.count() - 1, RULE_TIPS[r], Qt.ItemDataRole.ToolTipRole)
        self.weight = QDoubleSpinBox()
        self.weight.setRange(0, 100)
        self.weight.setDecimals(1)
        self.weight.setSuffix(" %")
        for label, widget in (
            ("&Name:", self.name),
            ("&Unit:", self.unit),
            ("&Better:", self.direction),
            ("Scoring &rule:", self.rule),
            ("&Weight:", self.weight),
        ):
            form.addRow(label, widget)
        note = QLabel("Values are typed per option in the inputs table.")
        note.setStyleSheet("color: palette(placeholder-text);")
        form.addRow(note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.error = QLabel("")
        self.error.setStyleSheet(f"color: {theme.INCREASE};")
        form.addRow(self.error)

    def _accept(self) -> None:
        if not self.name.text().strip():
            self.error.setText("Give the criterion a name.")
            self.name.setFocus()
            return
        self.accept()

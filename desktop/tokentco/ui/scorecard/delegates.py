"""The Scorecard tables' one item delegate: the editor each cell asks for."""

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from tokentco.ui.scorecard.columns import EDITOR_ROLE


class HintDelegate(QStyledItemDelegate):
    """Spin boxes and combo boxes chosen by the model's ``EDITOR_ROLE`` hint.

    Results arriving from the background refresh the table while an editor is open; an
    editor the user has typed into keeps what was typed (Qt would otherwise reload it).
    """

    TOUCHED = "tokentcoTouched"

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Any) -> QWidget:
        editor = self._create(parent, index)
        line = editor if isinstance(editor, QLineEdit) else editor.findChild(QLineEdit)
        if line is not None:
            line.textEdited.connect(lambda *_: editor.setProperty(self.TOUCHED, True))
        if isinstance(editor, QComboBox):
            editor.activated.connect(lambda *_: editor.setProperty(self.TOUCHED, True))
        return editor

    def _create(self, parent: QWidget, index: Any) -> QWidget:
        hint = index.data(EDITOR_ROLE)
        if not hint:
            editor = QLineEdit(parent)
            editor.setFrame(False)
            return editor
        kind = hint[0]
        if kind == "int":
            spin = QSpinBox(parent)
            spin.setRange(int(hint[1]), int(hint[2]))
            spin.setAlignment(Qt.AlignmentFlag.AlignCenter)
            return spin
        if kind == "float":
            box = QDoubleSpinBox(parent)
            box.setRange(float(hint[1]), float(hint[2]))
            box.setDecimals(int(hint[3]))
            box.setSuffix(str(hint[4]))
            box.setAlignment(Qt.AlignmentFlag.AlignRight)
            return box
        combo = QComboBox(parent)
        for value, text in hint[1]:
            combo.addItem(text, value)
        return combo

    def setEditorData(self, editor: QWidget, index: Any) -> None:
        if editor.property(self.TOUCHED):
            return
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QSpinBox):
            editor.setValue(int(value))
        elif isinstance(editor, QDoubleSpinBox):
            editor.setValue(float(value))
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value)))
        elif isinstance(editor, QLineEdit):
            editor.setText("" if value is None else str(value))

    def setModelData(self, editor: QWidget, model: Any, index: Any) -> None:
        if isinstance(editor, QSpinBox | QDoubleSpinBox):
            editor.interpretText()
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

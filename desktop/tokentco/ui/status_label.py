"""A status-bar label whose new text relayouts the status bar only when it needs other room.

The status line's figures ("computed in 12 ms · painted in 3 ms") change on every refresh
of the results table during a drag; a plain QLabel asks its parent to lay out again on
every new text (QWidget::updateGeometry), although the new figures nearly always take
exactly the room of the old ones. Qt skips that request for a widget of fixed size, so
once laid out the label holds the size its layout gave it, and a new text of the same
natural size (measured on a hidden twin, which no constraint of the label's bends) is
only repainted in place. A text of another size releases the hold: the label is laid
out as a plain QLabel would be, and held again at that size on the next new text. So
the label always has the geometry, hence the pixels, of a plain label with its text.
"""

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QLabel, QWidget

_FREE = QSize(16777215, 16777215)
"""QWIDGETSIZE_MAX: a widget's maximum size when nothing limits it."""


class SteadyLabel(QLabel):
    """A QLabel held at its laid-out size while its text's natural size stays the same."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._twin = QLabel(self)  # measures a text; hidden, so it never asks for layout
        self._twin.hide()
        self._held: QSize | None = None
        """The natural size of the text when the hold began (None: laid out freely)."""

    def setText(self, text: str) -> None:
        self._twin.setFont(self.font())
        self._twin.setText(text)
        natural = self._twin.sizeHint()
        if self._held is not None and natural != self._held:
            self._release()
        elif self._held is None and self._settled(natural):
            self._held = natural  # held at its laid-out size from now on
            self.setFixedSize(self.size())
        super().setText(text)

    def changeEvent(self, event: QEvent) -> None:
        """A new font or style changes the room a text needs: lay out freely again."""
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._release()
        super().changeEvent(event)

    def _settled(self, natural: QSize) -> bool:
        """Whether the label is shown, laid out for its text (its width that text's, not
        squeezed, no layout pending) and the new text needs the same room."""
        hint = self.sizeHint()
        return self.isVisible() and natural == hint and self.width() == hint.width()

    def _release(self) -> None:
        if self._held is not None:
            self._held = None
            self.setMinimumSize(0, 0)
            self.setMaximumSize(_FREE)

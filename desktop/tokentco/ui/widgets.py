"""Small reusable controls: a slider with a linked number box, optional-value spin boxes."""

from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QSlider, QSpinBox, QWidget


class SliderField(QWidget):
    """A horizontal slider and a spin box showing the same integer value.

    Behaves like a spin box for :class:`~tokentco.ui.binding.Binder` (``value``,
    ``setValue``, ``minimum``, ``valueChanged``); keyboard focus goes to the slider, and
    the number box is one Tab further for typing an exact value.
    """

    valueChanged = Signal(int)

    def __init__(
        self,
        minimum: int,
        maximum: int,
        suffix: str = "",
        step: int = 1,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(minimum, maximum)
        self.slider.setSingleStep(step)
        self.slider.setPageStep(max(step, (maximum - minimum) // 10))
        self.spin = QSpinBox(self)
        self.spin.setRange(minimum, maximum)
        self.spin.setSuffix(suffix)
        self.spin.setSingleStep(step)
        self.spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.spin.setMinimumWidth(76)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.spin)
        self.slider.valueChanged.connect(self._from_slider)
        self.spin.valueChanged.connect(self._from_spin)
        self.setFocusProxy(self.slider)

    def _from_slider(self, value: int) -> None:
        if self.spin.value() != value:
            self.spin.blockSignals(True)
            self.spin.setValue(value)
            self.spin.blockSignals(False)
        if not self.signalsBlocked():
            self.valueChanged.emit(value)

    def _from_spin(self, value: int) -> None:
        if self.slider.value() != value:
            self.slider.setValue(value)  # emits through _from_slider

    def value(self) -> int:
        return self.slider.value()

    def setValue(self, value: int) -> None:
        self.slider.blockSignals(self.signalsBlocked())
        self.spin.blockSignals(self.signalsBlocked())
        self.slider.setValue(int(value))
        self.spin.setValue(int(value))
        self.slider.blockSignals(False)
        self.spin.blockSignals(False)

    def minimum(self) -> int:
        return self.slider.minimum()

    def maximum(self) -> int:
        return self.slider.maximum()


SpinT = TypeVar("SpinT", QSpinBox, QDoubleSpinBox)


def _spin_style(box: SpinT, suffix: str, special: str) -> SpinT:
    """What every number box here shares: right-aligned, accelerated, commits on Enter or
    focus-out (no recompute per keystroke), and an optional "not set" text at its minimum."""
    box.setSuffix(suffix)
    box.setAccelerated(True)
    box.setAlignment(Qt.AlignmentFlag.AlignRight)
    box.setKeyboardTracking(False)
    if special:
        box.setSpecialValueText(special)
    return box


def int_spin(
    minimum: int, maximum: int, suffix: str = "", special: str = "", step: int = 1
) -> QSpinBox:
    """An integer spin box; with ``special`` its minimum means "not set" (shown as the text)."""
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setSingleStep(step)
    return _spin_style(box, suffix, special)


def float_spin(
    minimum: float,
    maximum: float,
    decimals: int = 2,
    suffix: str = "",
    special: str = "",
    step: float = 1.0,
    prefix: str = "",
) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(minimum, maximum)
    box.setDecimals(decimals)
    box.setPrefix(prefix)
    box.setSingleStep(step)
    return _spin_style(box, suffix, special)

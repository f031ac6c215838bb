"""Declarative knob binding (glue's "autoconnect" idea): a table of (widget, field path).

:class:`Binder` connects each widget's change signal to an undoable document edit and
refreshes every widget from the project when it changes — no hand-written pair of slots per
knob. Field paths are rooted at:

* ``workload.*``, ``demand.*``, ``model_id`` … — the project itself;
* ``serving.*`` — the project's global serving options, or the *selected option's own*
  serving options when the panel's scope is "this option only";
* ``offer.*`` — the selected option's offer (its pricing), cloned for that option on edit.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QWidget,
)

from tokentco.app.fieldpath import FieldError, get_path
from tokentco.domain import Project
from tokentco.ui.document import ProjectDocument


@dataclass(frozen=True)
class Knob:
    """One bound control. ``scale``: widget value = model value × scale.

    ``optional``: the widget's minimum stands for None ("Auto", "No target").
    """

    widget: QWidget
    path: str
    scale: float = 1.0
    optional: bool = False
    text: str = ""


class Binder(QObject):
    """Keeps a set of :class:`Knob` widgets and the document in step, both ways."""

    error = Signal(str)
    edited = Signal(str)

    def __init__(
        self, doc: ProjectDocument, scope: Callable[[], str], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.doc = doc
        self.scope = scope  # returns the option id edited by serving.* knobs, or "" for global
        self.knobs: list[Knob] = []
        self._updating = False

    # --- wiring ----------------------------------------------------------------------------
    def bind(self, knobs: list[Knob]) -> None:
        for knob in knobs:
            self.knobs.append(knob)
            self._connect(knob)
        self.refresh()

    def _connect(self, knob: Knob) -> None:
        w = knob.widget

        def changed(*_: object) -> None:
            self._write(knob)

        if isinstance(w, QComboBox):
            w.currentIndexChanged.connect(changed)
        elif isinstance(w, QAbstractButton):
            w.toggled.connect(changed)
        elif isinstance(w, QLineEdit):
            w.editingFinished.connect(changed)
        elif hasattr(w, "valueChanged"):
            w.valueChanged.connect(changed)
        else:  # pragma: no cover - a programming error, caught by the panel's tests
            raise TypeError(f"cannot bind {type(w).__name__}")
        if isinstance(w, QAbstractSlider):
            w.sliderReleased.connect(self.doc.close_merge)
        slider = getattr(w, "slider", None)
        if isinstance(slider, QAbstractSlider):
            slider.sliderReleased.connect(self.doc.close_merge)
        if isinstance(w, QAbstractSpinBox):
            w.editingFinished.connect(self.doc.close_merge)

    # --- model → widgets -------------------------------------------------------------------
    def current(self, knob: Knob, project: Project | None = None) -> Any:
        """The model value a knob shows; raises LookupError when it does not apply."""
        project = project or self.doc.project
        root, _, rest = knob.path.partition(".")
        option_id = self.scope()
        if root == "serving" and option_id:
            option = project.option(option_id)
            return get_path(project.serving_for(option), rest)
        if root == "offer":
            option_id = self.doc.selected_option_id
            if not option_id:
                raise LookupError("no option selected")
            offer = self.doc.catalogue.offers.get(project.option(option_id).offer_id)
            if offer is None:
                raise LookupError("offer not in the catalogue")
            try:
                return get_path(offer, rest)
            except AttributeError as exc:  # e.g. owned.* on a rental offer
                raise LookupError(str(exc)) from exc
        return get_path(project, knob.path)

    def refresh(self) -> None:
        self._updating = True
        try:
            for knob in self.knobs:
                try:
                    value = self.current(knob)
                except (LookupError, AttributeError):
                    knob.widget.setEnabled(False)
                    continue
                knob.widget.setEnabled(True)
                self._show(knob, value)
                self._clear_error(knob.widget)
        finally:
            self._updating = False

    def _show(self, knob: Knob, value: Any) -> None:
        w = knob.widget
        w.blockSignals(True)
        try:
            if isinstance(w, QComboBox):
                index = w.findData(value)
                w.setCurrentIndex(max(index, 0))
            elif isinstance(w, QAbstractButton):
                w.setChecked(bool(value))
            elif isinstance(w, QLineEdit):
                text = "" if value is None else str(value)
                if w.text() != text:
                    w.setText(text)
            else:
                if value is None:
                    shown: float = w.minimum()  # type: ignore[attr-defined]
                else:
                    shown = float(value) * knob.scale
                # as the box will hold it (a double box keeps its decimals)
                shown = (
                    round(shown, w.decimals()) if isinstance(w, QDoubleSpinBox) else round(shown)
                )
                # an unchanged box is left alone: setValue rewrites (and repaints) its text
                if w.value() != shown:  # type: ignore[attr-defined]
                    w.setValue(shown)  # type: ignore[attr-defined]
        finally:
            w.blockSignals(False)

    # --- widgets → model -------------------------------------------------------------------
    def _read(self, knob: Knob) -> Any:
        w = knob.widget
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, QAbstractButton):
            return w.isChecked()
        if isinstance(w, QLineEdit):
            return w.text()
        raw = float(w.value())  # type: ignore[attr-defined]
        if knob.optional and raw <= float(w.minimum()):  # type: ignore[attr-defined]
            return None
        if knob.scale == 1.0 and not isinstance(w, QDoubleSpinBox):
            return round(raw)  # integer widgets bound to integer fields
        return raw / knob.scale

    def _write(self, knob: Knob) -> None:
        if self._updating:
            return
        value = self._read(knob)
        root, _, rest = knob.path.partition(".")
        try:
            if root == "offer":
                self.doc.set_offer_field(self.doc.selected_option_id, rest, value)
            else:
                self.doc.set_field(knob.path, value, option_id=self.scope(), text=knob.text)
        except FieldError as exc:
            self._set_error(knob.widget, exc.message)
            self.error.emit(f"{knob.text or knob.path}: {exc.message}")
            return
        except KeyError:
            return
        self._clear_error(knob.widget)
        self.edited.emit(knob.path)

    # --- inline validation state ------------------------------------------------------------
    @staticmethod
    def _set_error(widget: QWidget, message: str) -> None:
        widget.setProperty("invalid", True)
        widget.setToolTip(message)
        widget.setStyleSheet("border: 2px solid #D55E00;")

    @staticmethod
    def _clear_error(widget: QWidget) -> None:
        if widget.property("invalid"):
            widget.setProperty("invalid", False)
            widget.setStyleSheet("")
            widget.setToolTip(widget.property("helpText") or "")

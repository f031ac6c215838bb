"""The Qt view of the session: signals for the widgets and a ``QUndoStack`` that mirrors
the session's history, so Edit ▸ Undo/Redo, their menu texts and the window's "modified"
mark come from Qt while the history itself lives in the Qt-free
:class:`~tokentco.app.session.Session`.

Widgets never keep their own copy of the state. They read :attr:`ProjectDocument.project`
and call an edit method (each one delegates to the session, which computes a new immutable
``Project`` with a pure function and records it). Every recorded step becomes one
:class:`HistoryStep` on the stack — merged exactly when the session merged it — and
``projectChanged`` tells every observer (knobs, tables, charts, the recompute scheduler).
"""

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from tokentco.app.fieldpath import FieldError
from tokentco.app.session import Session
from tokentco.domain import Catalogue, ComparisonOption, Offer, Project, TableKind
from tokentco.domain.base import Frozen

if TYPE_CHECKING:  # the importer (and its column tables) loads only when used
    from tokentco.io.importer import ImportResult


class HistoryStep(QUndoCommand):
    """One step of the session's history as Qt sees it; undo/redo move the session."""

    MERGE_ID = 5150

    def __init__(self, doc: "ProjectDocument", text: str, merge_key: str, merged: bool) -> None:
        super().__init__(text)
        self.doc, self.merge_key, self.merged = doc, merge_key, merged
        self._pushed = False

    def id(self) -> int:
        return self.MERGE_ID if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        # the session already decided; Qt only asks when ids match and the step is not
        # the saved one, which are the session's conditions too
        return isinstance(other, HistoryStep) and other.merged

    def redo(self) -> None:
        if not self._pushed:  # QUndoStack.push calls redo: the session already applied it
            self._pushed = True
            return
        self.doc.session.redo()

    def undo(self) -> None:
        self.doc.session.undo()


class ProjectDocument(QObject):
    """Holds the session being edited; emits ``projectChanged`` after every change."""

    projectChanged = Signal(object)
    selectionChanged = Signal(str)
    pathChanged = Signal(object)

    def __init__(self, bundled: Catalogue, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = Session(bundled, project)
        self.undo_stack = QUndoStack(self)
        self.session.observe(self)

    # --- session observer ----------------------------------------------------------------
    def step_recorded(self, text: str, merge_key: str, merged: bool) -> None:
        self.undo_stack.push(HistoryStep(self, text, merge_key, merged))

    def project_changed(self, project: Project) -> None:
        self.projectChanged.emit(project)

    # --- reading -------------------------------------------------------------------------
    @property
    def bundled(self) -> Catalogue:
        return self.session.bundled

    @property
    def project(self) -> Project:
        return self.session.project

    @property
    def catalogue(self) -> Catalogue:
        """Bundled catalogue with the project's imported/edited rows merged over it (cached)."""
        return self.session.catalogue

    @property
    def path(self) -> Path | None:
        return self.session.path

    @path.setter
    def path(self, value: Path | None) -> None:
        self.session.path = value

    @property
    def selected_option_id(self) -> str:
        return self.session.selected_option_id

    def select_option(self, option_id: str) -> None:
        if self.session.select_option(option_id):
            self.selectionChanged.emit(option_id)

    @property
    def dirty(self) -> bool:
        return self.session.dirty

    # --- replacing the whole document -----------------------------------------------------
    def reset(self, project: Project, path: Path | None, dirty: bool = False) -> None:
        """Start over with ``project`` (open, new, recover): clears undo history."""
        selected = self.session.selected_option_id
        self.undo_stack.clear()
        self.session.reset(project, path, dirty)
        if dirty:  # recovered work: not clean until the user saves it
            self.undo_stack.resetClean()
        self.pathChanged.emit(path)
        if self.selected_option_id != selected:
            self.selectionChanged.emit(self.selected_option_id)

    def mark_saved(self, path: Path) -> None:
        self.session.mark_saved(path)
        self.undo_stack.setClean()
        self.pathChanged.emit(path)

    def open_file(self, path: Path) -> None:
        """Open and lock a project file (raises ``ProjectLocked`` or ``InputError``; the
        current project is then unchanged)."""
        selected = self.session.selected_option_id
        self.session.open_file(path)
        self.undo_stack.clear()
        self.pathChanged.emit(self.session.path)
        if self.selected_option_id != selected:
            self.selectionChanged.emit(self.selected_option_id)

    def save_file(self, path: Path, overwrite_changed: bool = False) -> None:
        """Save and lock ``path`` (raises ``ChangedOnDisk``, ``ProjectLocked`` or OSError)."""
        self.session.save_file(path, overwrite_changed)
        self.undo_stack.setClean()
        self.pathChanged.emit(self.session.path)

    # --- edits (each one undoable) --------------------------------------------------------
    def apply(self, project: Project, text: str, merge_key: str = "") -> None:
        """Make ``project`` current through the history (no-op when nothing changed)."""
        self.session.apply(project, text, merge_key)

    def close_merge(self) -> None:
        """End a slider drag: the next edit of the same knob becomes a new undo step."""
        self.session.close_merge()

    def set_field(self, path: str, value: Any, option_id: str = "", text: str = "") -> None:
        """Set a project field; ``serving.*`` without ``option_id`` applies to all options.

        Raises :class:`FieldError` (one line) when the model rejects the value.
        """
        self.session.set_field(path, value, option_id, text)

    def set_option_field(self, option_id: str, name: str, value: Any, text: str = "") -> None:
        self.session.set_option_field(option_id, name, value, text)

    def use_global_serving(self, option_id: str) -> None:
        """Drop one option's own serving settings."""
        self.session.use_project_serving([option_id])

    def use_project_serving_for_all(self) -> None:
        """Drop every option's own serving settings (one undo step)."""
        self.session.use_project_serving()

    def add_option(self, option: ComparisonOption, text: str = "") -> str:
        """Add ``option`` (its id made unique) and select it; returns the id used."""
        new_id = self.session.add_option(option, text)
        self.selectionChanged.emit(new_id)
        return new_id

    def duplicate_option(self, option_id: str) -> str:
        new_id = self.session.duplicate_option(option_id)
        self.selectionChanged.emit(new_id)
        return new_id

    def remove_option(self, option_id: str) -> None:
        self.session.remove_option(option_id)

    def put_rows(self, kind: TableKind, rows: list[Frozen], text: str) -> None:
        """Store edited/added catalogue rows in the project (user provenance), undoable."""
        self.session.put_rows(kind, rows, text)

    def set_offer_field(self, option_id: str, path: str, value: Any) -> None:
        """Edit the pricing of one option; a shared or bundled offer is cloned for it first."""
        self.session.set_offer_field(option_id, path, value)

    def set_offer(self, option_id: str, offer: Offer, text: str) -> None:
        """Point an option at ``offer`` (stored as a user row when it is not in the catalogue)."""
        self.session.set_offer(option_id, offer, text)

    def apply_import(self, result: "ImportResult", text: str) -> None:
        self.session.apply_import(result, text)


__all__ = ["FieldError", "HistoryStep", "ProjectDocument"]

"""The one evented model the UI observes: the open project, its catalogue and its undo stack.

Widgets never keep their own copy of the state. They read :attr:`ProjectDocument.project`
and call :meth:`ProjectDocument.apply` (or a helper built on it) with a *new* immutable
``Project``; every such edit is a :class:`ReplaceProject` command on the ``QUndoStack``, so
undo/redo covers every edit by construction. ``projectChanged`` then tells every observer
(knobs, tables, charts, the recompute scheduler) to refresh.
"""

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from tokentco.domain import Catalogue, ComparisonOption, Offer, Project, Provenance, TableKind
from tokentco.domain.base import Frozen
from tokentco.ui.fieldpath import FieldError, replace_field, set_path


class ReplaceProject(QUndoCommand):
    """Swap the whole immutable project; consecutive edits of one knob merge into one step."""

    MERGE_ID = 5150

    def __init__(
        self, doc: "ProjectDocument", before: Project, after: Project, text: str, merge_key: str
    ) -> None:
        super().__init__(text)
        self.doc, self.before, self.after, self.merge_key = doc, before, after, merge_key
        self.open = bool(merge_key)

    def id(self) -> int:
        return self.MERGE_ID if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, ReplaceProject) or not self.open:
            return False
        if other.merge_key != self.merge_key:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        self.doc._set_project(self.after)

    def undo(self) -> None:
        self.doc._set_project(self.before)


class ProjectDocument(QObject):
    """Holds the project being edited; emits ``projectChanged`` after every change."""

    projectChanged = Signal(object)
    selectionChanged = Signal(str)
    pathChanged = Signal(object)

    def __init__(self, bundled: Catalogue, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bundled = bundled
        self.undo_stack = QUndoStack(self)
        self.path: Path | None = None
        self._project = project
        self._catalogue_for: Catalogue | None = None
        self._catalogue = bundled
        self._selected = project.options[0].id if project.options else ""

    # --- reading -------------------------------------------------------------------------
    @property
    def project(self) -> Project:
        return self._project

    @property
    def catalogue(self) -> Catalogue:
        """Bundled catalogue with the project's imported/edited rows merged over it (cached)."""
        if self._catalogue_for is not self._project.imported:
            self._catalogue = self._project.effective_catalogue(self.bundled)
            self._catalogue_for = self._project.imported
        return self._catalogue

    @property
    def selected_option_id(self) -> str:
        ids = [o.id for o in self._project.options]
        if self._selected not in ids:
            self._selected = ids[0] if ids else ""
        return self._selected

    def select_option(self, option_id: str) -> None:
        if option_id != self._selected:
            self._selected = option_id
            self.selectionChanged.emit(option_id)

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    # --- replacing the whole document -----------------------------------------------------
    def reset(self, project: Project, path: Path | None, dirty: bool = False) -> None:
        """Start over with ``project`` (open, new, recover): clears undo history."""
        self.undo_stack.clear()
        self.path = path
        self._set_project(project)
        if dirty:  # recovered work: not clean until the user saves it
            self.undo_stack.resetClean()
        self.pathChanged.emit(path)
        self.select_option(self.selected_option_id)

    def mark_saved(self, path: Path) -> None:
        self.path = path
        self.undo_stack.setClean()
        self.pathChanged.emit(path)

    # --- edits (each one undoable) --------------------------------------------------------
    def apply(self, project: Project, text: str, merge_key: str = "") -> None:
        """Make ``project`` current through the undo stack (no-op when nothing changed)."""
        if project == self._project:
            return
        self.undo_stack.push(ReplaceProject(self, self._project, project, text, merge_key))

    def close_merge(self) -> None:
        """End a slider drag: the next edit of the same knob becomes a new undo step."""
        count = self.undo_stack.count()
        if count:
            command = self.undo_stack.command(count - 1)
            if isinstance(command, ReplaceProject):
                command.open = False

    def set_field(self, path: str, value: Any, option_id: str = "", text: str = "") -> None:
        """Set a project field, or — for ``serving.*`` with ``option_id`` — that option's own.

        Raises :class:`FieldError` (one line) when the model rejects the value.
        """
        label = text or f"Set {path.rsplit('.', 1)[-1].replace('_', ' ')}"
        if option_id and path.startswith("serving."):
            option = self._project.option(option_id)
            base = option.serving or self._project.serving
            serving = set_path(base, path.removeprefix("serving."), value)
            new_option = replace_field(option, "serving", serving, where=path)
            project = self._with_option(new_option)
            key = f"{option_id}:{path}"
        else:
            project = set_path(self._project, path, value)
            key = path
        self.apply(project, label, merge_key=key)

    def set_option_field(self, option_id: str, name: str, value: Any, text: str = "") -> None:
        option = self._project.option(option_id)
        new_option = replace_field(option, name, value, where=f"{option_id}.{name}")
        label = text or f"Set {name.replace('_', ' ')} of {option.display_name}"
        self.apply(self._with_option(new_option), label, merge_key=f"{option_id}:{name}")

    def use_global_serving(self, option_id: str) -> None:
        option = self._project.option(option_id)
        if option.serving is not None:
            new = option.model_copy(update={"serving": None})
            self.apply(self._with_option(new), f"Use global settings for {option.display_name}")

    def add_option(self, option: ComparisonOption, text: str = "") -> str:
        """Add ``option`` (its id made unique) and select it; returns the id used."""
        ids = {o.id for o in self._project.options}
        base, n, new_id = option.id, 2, option.id
        while new_id in ids:
            new_id, n = f"{base}-{n}", n + 1
        option = option.model_copy(update={"id": new_id})
        project = self._project.model_copy(update={"options": (*self._project.options, option)})
        self.apply(project, text or f"Add {option.display_name}")
        self.select_option(new_id)
        return new_id

    def remove_option(self, option_id: str) -> None:
        option = self._project.option(option_id)
        kept = tuple(o for o in self._project.options if o.id != option_id)
        self.apply(
            self._project.model_copy(update={"options": kept}), f"Remove {option.display_name}"
        )

    def put_rows(self, kind: TableKind, rows: list[Frozen], text: str) -> None:
        """Store edited/added catalogue rows in the project (user provenance), undoable."""
        prov = [Provenance(origin="user", notes={"edited": "in TokenTCO"}) for _ in rows]
        imported = self._project.imported.merged(kind, rows, prov)
        self.apply(self._project.model_copy(update={"imported": imported}), text)

    def set_offer_field(self, option_id: str, path: str, value: Any) -> None:
        """Edit the pricing of one option; a shared or bundled offer is cloned for it first."""
        option = self._project.option(option_id)
        offer = self.catalogue.offers[option.offer_id]
        new_offer = set_path(offer, path, value)
        assert isinstance(new_offer, Offer)
        self._store_offer_for(
            option,
            new_offer,
            f"Set {path.rsplit('.', 1)[-1].replace('_', ' ')}",
            merge_key=f"{option_id}:offer.{path}",
        )

    def set_offer(self, option_id: str, offer: Offer, text: str) -> None:
        """Point an option at ``offer`` (stored as a user row when it is not in the catalogue)."""
        option = self._project.option(option_id)
        known = self.catalogue.offers.get(offer.id)
        if known == offer:
            new_option = option.model_copy(update={"offer_id": offer.id})
            self.apply(self._with_option(new_option), text)
        else:
            self._store_offer_for(option, offer, text, merge_key="")

    def _store_offer_for(
        self, option: ComparisonOption, offer: Offer, text: str, merge_key: str
    ) -> None:
        own_id = f"{option.id}-pricing"
        if offer.id != own_id:
            offer = offer.model_copy(update={"id": own_id})
        prov = Provenance(origin="user", notes={"pricing_of": option.id})
        imported = self._project.imported.merged("offers", [offer], [prov])
        new_option = option.model_copy(update={"offer_id": own_id})
        project = self._project.model_copy(update={"imported": imported})
        options = tuple(new_option if o.id == option.id else o for o in project.options)
        self.apply(project.model_copy(update={"options": options}), text, merge_key=merge_key)

    # --- internals -----------------------------------------------------------------------
    def _with_option(self, new_option: ComparisonOption) -> Project:
        options = tuple(new_option if o.id == new_option.id else o for o in self._project.options)
        return self._project.model_copy(update={"options": options})

    def _set_project(self, project: Project) -> None:
        self._project = project
        self.projectChanged.emit(project)


__all__ = ["FieldError", "ProjectDocument", "ReplaceProject"]

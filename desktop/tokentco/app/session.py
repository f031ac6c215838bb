"""The session: the project being edited, where it lives, whether it is saved, which option
is selected, and its undo history — everything the workbench keeps that is not a widget.

Each edit method computes a new immutable ``Project`` with a pure function from
:mod:`tokentco.app.edits` and records it through :meth:`Session.apply`. Observers (the Qt
document adapter, a test, a script) subscribe with :meth:`Session.observe` and hear about
each recorded step and each change of the current project (napari's evented-model idea,
without Qt), so undo/redo covers every edit by construction.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from tokentco.app import edits
from tokentco.app.history import History
from tokentco.domain import Catalogue, ComparisonOption, Offer, Project, TableKind
from tokentco.domain.base import Frozen
from tokentco.io.errors import InputError, Location
from tokentco.io.project_file import (
    DiskStamp,
    changed_on_disk,
    load_project_stamped,
    save_project,
)
from tokentco.io.project_lock import ProjectLock, acquire

if TYPE_CHECKING:  # the importer (and its column tables) loads only when used
    from tokentco.io.importer import ImportResult


class ChangedOnDisk(InputError):
    """The file was changed by someone else since this session loaded or saved it."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            "changed on disk since it was opened here (another program or TokenTCO saved it): "
            "overwrite it, or save under another name",
            Location(file=str(path)),
        )
        self.path = path


def _same_file(a: Path | None, b: Path) -> bool:
    return a is not None and Path(a).resolve() == Path(b).resolve()


class SessionObserver(Protocol):
    """What a view of the session is told (all on the caller's thread)."""

    def step_recorded(self, text: str, merge_key: str, merged: bool) -> None:
        """A new undo step was recorded (``merged``: folded into the previous one)."""

    def project_changed(self, project: Project) -> None:
        """The current project is now ``project`` (edit, undo, redo, reset)."""


@dataclass
class Session:
    """One open comparison. ``bundled`` is the shipped catalogue the project builds on."""

    bundled: Catalogue
    project: Project
    path: Path | None = None
    history: History[Project] = field(default_factory=History)
    _selected: str = ""
    _observers: list[SessionObserver] = field(default_factory=list)
    _catalogue_for: Catalogue | None = None
    _catalogue: Catalogue | None = None
    lock: ProjectLock | None = None
    """Held while the project's file is open here, so another TokenTCO (or ``tokentco
    import``) does not write it at the same time."""
    stamp: DiskStamp | None = None
    """What the file looked like when last loaded or saved here ("changed on disk")."""

    def __post_init__(self) -> None:
        if not self._selected and self.project.options:
            self._selected = self.project.options[0].id

    def observe(self, observer: SessionObserver) -> None:
        self._observers.append(observer)

    # --- reading -------------------------------------------------------------------------
    @property
    def catalogue(self) -> Catalogue:
        """The bundled catalogue with the project's imported/edited rows over it (cached
        per ``imported`` catalogue, so a slider drag never rebuilds it)."""
        if self._catalogue is None or self._catalogue_for is not self.project.imported:
            self._catalogue = self.project.effective_catalogue(self.bundled)
            self._catalogue_for = self.project.imported
        return self._catalogue

    @property
    def selected_option_id(self) -> str:
        """The selected option, falling back to the first one when it was removed."""
        options = self.project.options
        if not any(o.id == self._selected for o in options):  # read on every repaint
            self._selected = options[0].id if options else ""
        return self._selected

    def select_option(self, option_id: str) -> bool:
        """Select an option; returns True when the selection changed."""
        if option_id == self._selected:
            return False
        self._selected = option_id
        return True

    @property
    def dirty(self) -> bool:
        return not self.history.is_clean

    # --- replacing the whole project -------------------------------------------------------
    def reset(self, project: Project, path: Path | None, dirty: bool = False) -> None:
        """Start over with ``project`` (new, recover): the undo history is cleared and the
        previous file's lock released; ``dirty`` marks recovered work not saved anywhere."""
        self.release_lock()
        self.stamp = None
        self.history.clear()
        self.path = path
        self._set_project(project)
        if dirty:
            self.history.reset_clean()

    def mark_saved(self, path: Path) -> None:
        self.path = path
        self.history.set_clean()

    # --- files ---------------------------------------------------------------------------
    def open_file(self, path: Path) -> None:
        """Open a project file and hold its lock while it is open here.

        Raises ``ProjectLocked`` (who has it open) or a located ``InputError`` (a damaged
        file); the current project is then unchanged.
        """
        path = Path(path)
        lock = self.lock if self.lock is not None and _same_file(self.lock.project, path) else None
        lock = lock or acquire(path)
        try:
            project, stamp = load_project_stamped(path)
        except BaseException:
            if lock is not self.lock:
                lock.release()
            raise
        if lock is self.lock:
            self.lock = None  # kept across the reset below
        self.reset(project, path)
        self.lock, self.stamp = lock, stamp

    def save_file(self, path: Path, overwrite_changed: bool = False) -> None:
        """Save (atomic) to ``path`` and keep it locked.

        Saving over this session's own file raises :class:`ChangedOnDisk` when someone
        else changed it since it was loaded or saved here, unless ``overwrite_changed``;
        another holder's lock raises ``ProjectLocked``; a folder that cannot be written
        raises ``OSError``.
        """
        path = Path(path)
        own = _same_file(self.path, path)
        if own and not overwrite_changed and changed_on_disk(path, self.stamp):
            raise ChangedOnDisk(path)
        held = self.lock is not None and _same_file(self.lock.project, path)
        lock = self.lock if held else acquire(path)
        try:
            stamp = save_project(self.project, path)
        except BaseException:
            if not held and lock is not None:
                lock.release()
            raise
        if not held:
            self.release_lock()
            self.lock = lock
        self.stamp = stamp
        self.mark_saved(path)

    def release_lock(self) -> None:
        """Let others write the file (on close, or when another project replaces it)."""
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    # --- history -------------------------------------------------------------------------
    def apply(self, project: Project, text: str, merge_key: str = "") -> bool:
        """Make ``project`` current as one undo step; False when nothing changed."""
        if project == self.project:
            return False
        merged = self.history.push(self.project, project, text, merge_key)
        self._set_project(project)
        for observer in self._observers:
            observer.step_recorded(text, merge_key, merged)
        return True

    def close_merge(self) -> None:
        self.history.close_merge()

    def undo(self) -> None:
        self._set_project(self.history.undo())

    def redo(self) -> None:
        self._set_project(self.history.redo())

    # --- edits ---------------------------------------------------------------------------
    def set_field(self, path: str, value: Any, option_id: str = "", text: str = "") -> None:
        """Set a project field. For ``serving.*``: with ``option_id`` that option's own
        setting; without, the project's *and every option's own* ("Apply to: All options").

        Raises :class:`~tokentco.app.fieldpath.FieldError` when the model rejects the value.
        """
        label = text or f"Set {path.rsplit('.', 1)[-1].replace('_', ' ')}"
        if path.startswith(edits.SERVING):
            sub = path.removeprefix(edits.SERVING)
            if option_id:
                project = edits.set_option_serving(self.project, option_id, sub, value)
                self.apply(project, label, merge_key=f"{option_id}:{path}")
                return
            self.apply(edits.set_serving_for_all(self.project, sub, value), label, path)
            return
        self.apply(edits.set_field(self.project, path, value), label, merge_key=path)

    def set_option_field(self, option_id: str, name: str, value: Any, text: str = "") -> None:
        option = self.project.option(option_id)
        label = text or f"Set {name.replace('_', ' ')} of {option.display_name}"
        project = edits.set_option_field(self.project, option_id, name, value)
        self.apply(project, label, merge_key=f"{option_id}:{name}")

    def use_project_serving(self, option_ids: list[str] | None = None) -> None:
        """Drop the own serving settings of ``option_ids`` (default: all) in one step."""
        if option_ids is not None and len(option_ids) == 1:
            text = f"Use project settings for {self.project.option(option_ids[0]).display_name}"
        else:
            text = "Use project serving settings for all options"
        self.apply(edits.use_project_serving(self.project, option_ids), text)

    def add_option(self, option: ComparisonOption, text: str = "") -> str:
        """Add ``option`` (its id made unique) and select it; returns the id used."""
        project, new_id = edits.add_option(self.project, option)
        self.apply(project, text or f"Add {option.display_name}")
        self.select_option(new_id)
        return new_id

    def duplicate_option(self, option_id: str) -> str:
        option = self.project.option(option_id)
        project, new_id = edits.duplicate_option(self.project, option_id)
        self.apply(project, f"Duplicate {option.display_name}")
        self.select_option(new_id)
        return new_id

    def remove_option(self, option_id: str) -> None:
        option = self.project.option(option_id)
        self.apply(edits.remove_option(self.project, option_id), f"Remove {option.display_name}")

    def put_rows(self, kind: TableKind, rows: list[Frozen], text: str) -> None:
        self.apply(edits.put_rows(self.project, kind, rows), text)

    def set_offer_field(self, option_id: str, path: str, value: Any) -> None:
        project = edits.set_offer_field(self.project, self.catalogue, option_id, path, value)
        label = f"Set {path.rsplit('.', 1)[-1].replace('_', ' ')}"
        self.apply(project, label, merge_key=f"{option_id}:offer.{path}")

    def set_offer(self, option_id: str, offer: Offer, text: str) -> None:
        self.apply(edits.set_offer(self.project, self.catalogue, option_id, offer), text)

    def apply_import(
        self, result: "ImportResult", text: str, add_offer_options: bool = False
    ) -> None:
        self.apply(edits.apply_import(self.project, result, add_offer_options), text)

    # --- internals -----------------------------------------------------------------------
    def _set_project(self, project: Project) -> None:
        self.project = project
        for observer in self._observers:
            observer.project_changed(project)


__all__ = ["ChangedOnDisk", "Session", "SessionObserver"]

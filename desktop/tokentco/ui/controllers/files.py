"""Session and files: new, open, save, recent files, autosave and crash recovery.

The file formats and the autosave/lock logic live in ``io`` and ``app``; this controller
only asks the user (through the window's question dialogs, which tests replace) and shows
what happened.
"""

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from tokentco.app.autosave import Autosaver
from tokentco.app.session import ChangedOnDisk
from tokentco.io.errors import InputError
from tokentco.io.project_file import SUFFIX
from tokentco.ui import settings
from tokentco.ui.controllers.base import Controller

if TYPE_CHECKING:
    from tokentco.ui.mainwindow import MainWindow

PROJECT_FILTER = f"TokenTCO project (*{SUFFIX})"


class FilesController(Controller):
    """File ▸ New/Open/Save/Save As/Open recent, autosave and recovery."""

    def __init__(self, window: "MainWindow", autosaver: Autosaver) -> None:
        super().__init__(window)
        self.autosaver = autosaver

    def maybe_save(self) -> bool:
        if not self.window.doc.dirty:
            return True
        answer = self.window.ask_save_changes()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def new_project(self) -> None:
        if not self.maybe_save():
            return
        from tokentco.io.defaults import default_project

        self.window.doc.reset(default_project(self.window.doc.bundled), None)

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        start = str(self.window.doc.path.parent) if self.window.doc.path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self.window, "Open comparison", start, PROJECT_FILTER)
        if path:
            self.open_path(Path(path), ask=False)

    def open_path(self, path: Path, ask: bool = True) -> bool:
        """Open a project file; a bad or locked file shows a message and keeps the current
        project."""
        if ask and not self.maybe_save():
            return False
        try:
            self.window.doc.open_file(Path(path))
        except InputError as exc:  # damaged, or open in another TokenTCO (ProjectLocked)
            self.window.notify(
                "Cannot open project", f"{exc}\n\nThe current comparison is unchanged."
            )
            return False
        self._add_recent(Path(path))
        self.window.show_message(f"Opened {path}")
        return True

    def save(self) -> bool:
        if self.window.doc.path is None:
            return self.save_as()
        return self.save_to(self.window.doc.path)

    def save_as(self) -> bool:
        start = (
            str(self.window.doc.path)
            if self.window.doc.path
            else str(Path.home() / f"comparison{SUFFIX}")
        )
        path, _ = QFileDialog.getSaveFileName(self.window, "Save comparison", start, PROJECT_FILTER)
        if not path:
            return False
        target = Path(path)
        if target.suffix != SUFFIX:
            target = target.with_suffix(SUFFIX)
        return self.save_to(target)

    def save_to(self, path: Path) -> bool:
        """Save (atomic, locked); asks before overwriting a file someone else changed."""
        doc = self.window.doc
        try:
            try:
                doc.save_file(path)
            except ChangedOnDisk as changed:
                if (
                    self.window.ask_overwrite_changed(str(changed))
                    != QMessageBox.StandardButton.Save
                ):
                    self.window.show_message(f"Not saved: {path} was changed on disk")
                    return False
                doc.save_file(path, overwrite_changed=True)
        except InputError as exc:  # open in another TokenTCO (ProjectLocked)
            self.window.notify(
                "Cannot save", f"{exc}\n\nYour work is still open; save it somewhere else."
            )
            return False
        except OSError as exc:
            self.window.notify(
                "Cannot save",
                f"{path}: {exc.strerror or exc}\n\nYour work is still open; "
                "save it somewhere else.",
            )
            return False
        self._add_recent(Path(path))
        self.window.show_message(f"Saved {path}")
        return True

    def _add_recent(self, path: Path) -> None:
        if self.window.persist:
            settings.add_recent_file(path)

    def fill_recent(self, menu: QMenu) -> None:
        """File ▸ Open recent, filled each time it opens."""
        menu.clear()
        files = settings.recent_files() if self.window.persist else []
        for i, name in enumerate(files):
            label = f"&{i + 1} {Path(name).name}" if i < 9 else Path(name).name
            action = menu.addAction(label)
            action.setToolTip(name)
            action.triggered.connect(lambda _=False, n=name: self.open_path(Path(n)))
        if not files:
            menu.addAction("(none)").setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear list", settings.clear_recent_files)

    def _autosave_path(self) -> Path:
        return self.autosaver.path

    def autosave(self) -> Path | None:
        """Write unsaved work to the autosave folder (atomic); nothing when already saved."""
        if not self.window.persist:
            return None
        if not self.window.doc.dirty:
            self.autosaver.clear()
            return None
        try:
            return self.autosaver.write(self.window.doc.project, self.window.doc.path)
        except (OSError, InputError) as exc:  # a full disk, an unwritable folder, its lock
            self.window.show_message(f"Autosave failed: {exc}")
            return None

    def close_session(self) -> None:
        """The window closes: let others open the file."""
        self.window.doc.session.release_lock()

    def discard_autosave(self) -> None:
        self.autosaver.discard()

    def offer_recovery(self) -> bool:
        """After a crash: offer the newest orphaned autosave; returns True if recovered."""
        if not self.window.persist:
            return False
        for orphan in self.autosaver.orphans():
            try:
                claim = orphan.claim()
            except InputError:
                continue  # another window is offering it right now
            try:
                answer = self.window.ask_recovery(orphan.when, orphan.original)
                if answer == QMessageBox.StandardButton.Ignore:
                    continue
                if answer == QMessageBox.StandardButton.Yes:
                    try:
                        project = orphan.load()
                    except InputError as exc:
                        self.window.notify("Cannot recover", f"The autosave is damaged: {exc}")
                        continue
                    original = Path(orphan.original) if orphan.original else None
                    self.window.doc.reset(project, original, dirty=True)
                    self.window.show_message("Recovered unsaved work — save it to keep it.")
                    orphan.delete()
                    return True
                orphan.delete()
            finally:
                claim.release()
        return False

"""Open the project the operating system hands over (macOS file association).

Double-clicking a ``.tokentco`` file in the Finder, or dropping one on the Dock icon, does
not pass the path on the command line: macOS sends the running application a
``QFileOpenEvent``. :class:`FileOpenRouter` catches it on the ``QApplication`` and opens
the file in the main window (asking to save unsaved changes first, like File ▸ Open). A
file that arrives before the window exists is opened as soon as it is attached.
"""

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from tokentco.io.project_file import SUFFIX


class FileOpenRouter(QObject):
    """Routes ``QEvent.Type.FileOpen`` sent to the application to ``window.open_path``."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        self.window: object | None = None
        self.pending: list[Path] = []
        app.installEventFilter(self)

    def attach(self, window: object) -> None:
        """Open files in ``window`` from now on, starting with any that arrived before it."""
        self.window = window
        pending, self.pending = self.pending, []
        for path in pending:
            self._open(path)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.app or event.type() != QEvent.Type.FileOpen:
            return False
        assert isinstance(event, QFileOpenEvent)
        name = event.file() or event.url().toLocalFile()
        if not name:
            return False
        path = Path(name)
        if self.window is None:
            self.pending.append(path)
        else:
            # not inside the event filter: opening may ask to save (a modal dialog)
            QTimer.singleShot(0, lambda: self._open(path))
        return True

    def _open(self, path: Path) -> None:
        window = self.window
        if window is None:
            self.pending.append(path)
            return
        if path.suffix.lower() != SUFFIX:
            window.notify(  # type: ignore[attr-defined]
                "Cannot open file",
                f"{path.name}: not a TokenTCO project ({SUFFIX}); "
                "use File ▸ Import for spreadsheets.",
            )
            return
        window.raise_()  # type: ignore[attr-defined]
        window.activateWindow()  # type: ignore[attr-defined]
        window.open_path(path)  # type: ignore[attr-defined]

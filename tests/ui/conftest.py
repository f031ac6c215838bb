"""GUI test fixtures: offscreen Qt, settings and autosaves isolated in tmp_path."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from tokentco.domain import Catalogue, Project
from tokentco.engine.evaluate import evaluate
from tokentco.engine.results import Comparison
from tokentco.ui import settings


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test gets its own QSettings folder and autosave folder."""
    monkeypatch.setenv("TOKENTCO_DATA_DIR", str(tmp_path / "appdata"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings")
    )
    yield tmp_path
    settings.settings().clear()


@pytest.fixture()
def app(qapp: QApplication) -> QApplication:
    qapp.setOrganizationName(settings.ORGANISATION)
    qapp.setApplicationName(settings.APPLICATION)
    return qapp


def computed(window: object) -> bool:
    """The window shows results for exactly the project being edited."""
    w = window  # type: ignore[assignment]
    return (
        w.comparison is not None  # type: ignore[attr-defined]
        and w.comparison_project == w.doc.project  # type: ignore[attr-defined]
        and not w.ops.is_busy("comparison")  # type: ignore[attr-defined]
        and w.results_model.comparison is w.comparison  # type: ignore[attr-defined]
        and w.details_for is w.comparison  # type: ignore[attr-defined]
    )


def expected(window: object) -> Comparison:
    """What the engine says for the window's current project (the truth the UI must show)."""
    doc = window.doc  # type: ignore[attr-defined]
    return evaluate(doc.project, doc.catalogue, window.calibration)  # type: ignore[attr-defined]


@pytest.fixture()
def make_window(app: QApplication, qtbot, catalogue: Catalogue, project: Project):  # type: ignore[no-untyped-def]
    from tokentco.io.calibration_file import load_calibration
    from tokentco.ui.mainwindow import MainWindow

    calibration = load_calibration()

    def make(proj: Project | None = None, persist: bool = True) -> MainWindow:
        # GUI tests run with the shipped calibration, as the app does
        window = MainWindow(catalogue, proj or project, calibration=calibration, persist=persist)
        window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
        qtbot.addWidget(window)
        window.resize(1400, 900)
        window.show()
        qtbot.waitUntil(lambda: computed(window), timeout=15000)
        return window

    return make


@pytest.fixture()
def window(make_window):  # type: ignore[no-untyped-def]
    return make_window()


def details_panel(qtbot: Any, width: int = 380, height: int = 260) -> Any:
    """A shown Details panel (by default of the size the patch tests compare pixels at)."""
    from tokentco.ui.details import DetailsPanel

    panel = DetailsPanel()
    qtbot.addWidget(panel)
    panel.resize(width, height)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def loaded_afresh(qtbot: Any, text: str) -> Any:
    """(HTML, pixels) of a Details panel that loaded ``text`` afresh."""
    fresh = details_panel(qtbot)
    fresh.setHtml(text)
    QApplication.processEvents()
    return fresh.document().toHtml(), fresh.grab().toImage()


class EventCounter(QObject):
    """Counts the events of one type an object it filters receives (paints, layout
    requests…)."""

    def __init__(self, kind: QEvent.Type) -> None:
        super().__init__()
        self.kind = kind
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == self.kind:
            self.count += 1
        return False

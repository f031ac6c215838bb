"""Preferences, recent files and where autosaves live (QSettings + QStandardPaths).

Tests isolate everything by pointing ``QSettings`` at a temporary INI directory
(``QSettings.setPath``) and setting ``TOKENTCO_DATA_DIR`` to a temporary folder.
"""

import os
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

ORGANISATION = "TokenTCO"
APPLICATION = "TokenTCO"
DOMAIN = "tokentco.app"
MAX_RECENT = 8
DEFAULT_AUTOSAVE_S = 60


def settings() -> QSettings:
    """The app's settings (organisation/application names are set on the QApplication)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION
    )


def data_dir() -> Path:
    """Per-user data folder (autosaves); ``TOKENTCO_DATA_DIR`` overrides it."""
    override = os.environ.get("TOKENTCO_DATA_DIR")
    if override:
        path = Path(override)
    else:
        location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        path = Path(location or Path.home() / ".tokentco")
    path.mkdir(parents=True, exist_ok=True)
    return path


def autosave_dir() -> Path:
    path = data_dir() / "autosave"
    path.mkdir(parents=True, exist_ok=True)
    return path


def recent_files() -> list[str]:
    value = settings().value("recentFiles", [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return []
    return [str(v) for v in value if v]


def add_recent_file(path: Path) -> list[str]:
    text = str(Path(path).resolve())
    files = [text] + [f for f in recent_files() if f != text]
    files = files[:MAX_RECENT]
    settings().setValue("recentFiles", files)
    return files


def clear_recent_files() -> None:
    settings().setValue("recentFiles", [])


def autosave_interval_s() -> int:
    try:
        return max(5, int(str(settings().value("autosaveSeconds", DEFAULT_AUTOSAVE_S))))
    except (TypeError, ValueError):
        return DEFAULT_AUTOSAVE_S


def set_autosave_interval_s(seconds: int) -> None:
    settings().setValue("autosaveSeconds", int(seconds))

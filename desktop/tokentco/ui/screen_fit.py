"""Where the main window opens: always inside the screen area the desktop leaves free.

A fixed 1600×1000 first window is taller than a 1366×768 laptop's screen (its title bar and
status bar end up off-screen), and a geometry saved on a large monitor restored on the
laptop after the monitor is unplugged does the same. So:

* a fresh start takes :data:`PREFERRED_SIZE` or, on a smaller screen, the whole available
  area less the window frame, centred (:func:`default_rect`);
* a saved geometry is restored only if the window it describes lies inside one screen's
  available area (:func:`fits`); otherwise the window opens as on a fresh start.

The arithmetic is pure (QRect/QSize values, no widgets), so it is tested with any screen
size; :func:`place_default` and :func:`restore_or_default` apply it to a window.
"""

from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

PREFERRED_SIZE = QSize(1600, 1000)
"""The first window's size on a screen with room for it."""

FRAME_ALLOWANCE = QSize(16, 40)
"""Room kept for the window manager's frame (title bar, borders) around the client area
before the window is shown and its real frame is known."""

TOLERANCE_PX = 8
"""A restored window may overhang its screen's available area by this much (frames
differ by a few pixels between window managers)."""


def default_rect(
    available: QRect,
    preferred: QSize = PREFERRED_SIZE,
    frame: QSize = FRAME_ALLOWANCE,
) -> QRect:
    """The client rectangle of a fresh window: ``preferred`` clipped to ``available`` less
    the frame, centred in ``available`` (frame included)."""
    width = max(1, min(preferred.width(), available.width() - frame.width()))
    height = max(1, min(preferred.height(), available.height() - frame.height()))
    outer = QSize(width + frame.width(), height + frame.height())
    left = available.x() + max(0, (available.width() - outer.width()) // 2)
    top = available.y() + max(0, (available.height() - outer.height()) // 2)
    # the client area starts inside the frame: half the side borders, the title bar on top
    side = frame.width() // 2
    title = frame.height() - side
    return QRect(left + side, top + title, width, height)


def fits(window: QRect, screens: Sequence[QRect], tolerance: int = TOLERANCE_PX) -> bool:
    """True when ``window`` lies inside one of the ``screens`` (available areas), give or take
    ``tolerance`` pixels — a window split across two screens or larger than any does not."""
    if window.isEmpty():
        return False
    margin = tolerance
    return any(
        screen.adjusted(-margin, -margin, margin, margin).contains(window) for screen in screens
    )


def available_screens() -> list[QRect]:
    """The available area (screen less task bars and docks) of every connected screen."""
    return [screen.availableGeometry() for screen in QGuiApplication.screens()]


def primary_available() -> QRect:
    """The available area of the primary screen (where a fresh window opens)."""
    screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 768)


def place_default(window: QWidget, available: QRect | None = None) -> QRect:
    """Size and centre ``window`` as on a fresh start; returns the client rectangle."""
    rect = default_rect(available if available is not None else primary_available())
    window.setGeometry(rect)
    return rect


def restore_or_default(
    window: QWidget,
    saved: QByteArray | bytes | None,
    screens: Sequence[QRect] | None = None,
    saved_rect: QRect | None = None,
) -> bool:
    """Restore ``saved`` (from ``saveGeometry``) if it fits the current screens; otherwise
    place the window as on a fresh start. Returns True when the saved geometry was used.

    ``saved_rect`` is the window's normal rectangle as it was saved (:func:`rect_text`):
    Qt's ``restoreGeometry`` quietly shrinks and moves a window that no longer fits, so the
    decision is taken on what was saved, and checked again on what Qt restored."""
    areas = list(screens) if screens is not None else available_screens()
    if (
        saved is not None
        and (saved_rect is None or fits(saved_rect, areas))
        and window.restoreGeometry(QByteArray(saved))
    ):
        # a maximised window is checked by the size it returns to when un-maximised
        restored = window.normalGeometry() if window.isMaximized() else window.geometry()
        if fits(restored, areas):
            return True
    # a saved maximised or full-screen state that did not fit is dropped with the geometry
    window.setWindowState(Qt.WindowState.WindowNoState)
    place_default(window, areas[0] if screens is not None and areas else None)
    return False


def rect_text(window: QWidget) -> str:
    """The window's normal (un-maximised) client rectangle as ``"x,y,width,height"``, saved
    beside ``saveGeometry`` so the next start can tell whether it still fits."""
    rect = window.normalGeometry()
    return f"{rect.x()},{rect.y()},{rect.width()},{rect.height()}"


def parse_rect(text: object) -> QRect | None:
    """The rectangle of :func:`rect_text` (None for anything else: an older settings file)."""
    try:
        x, y, width, height = (int(part) for part in str(text).split(","))
    except (TypeError, ValueError):
        return None
    return QRect(x, y, width, height)

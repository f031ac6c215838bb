"""The one thing every controller has: the window it acts for."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tokentco.ui.mainwindow import MainWindow


class Controller:
    """Acts for one :class:`~tokentco.ui.mainwindow.MainWindow` (its document, messages,
    background operations); the window owns the controller."""

    def __init__(self, window: "MainWindow") -> None:
        self.window = window

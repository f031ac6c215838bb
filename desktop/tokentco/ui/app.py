"""Start the workbench: ``tokentco [PROJECT] [--screenshot OUT.png]``.

``--screenshot`` renders the main window offscreen once the first comparison (and the
sensitivity tornado) has been computed and painted, saves it and exits 0.
"""

import os
import sys
import time
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

APP_STARTED = time.perf_counter()


def _qt_setup(offscreen: bool) -> Any:
    if offscreen and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from tokentco.ui import shiboken_files, startup

    with startup.imports_frozen():  # no collection of what the imports create
        startup.preload_core()  # before PySide6: see ui/startup.py
        shiboken_files.drop_stale()  # before PySide6: see ui/shiboken_files.py
        from PySide6.QtCore import QSettings, Qt
        from PySide6.QtGui import QGuiApplication, QIcon
        from PySide6.QtWidgets import QApplication

        startup.quicken_feature_check()  # before pyqtgraph and the window: ui/startup.py
        from tokentco import __version__
        from tokentco.io.bundled import resource_path
        from tokentco.ui import settings

        startup.single_threaded_raster()  # before the QGuiApplication: see ui/startup.py
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication.instance() or QApplication(sys.argv[:1])
        assert isinstance(app, QApplication)
        app.setOrganizationName(settings.ORGANISATION)
        app.setOrganizationDomain(settings.DOMAIN)
        app.setApplicationName(settings.APPLICATION)
        app.setApplicationDisplayName("TokenTCO")
        app.setApplicationVersion(__version__)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        icon = resource_path("icons", "tokentco.svg")
        if icon.exists():
            app.setWindowIcon(QIcon(str(icon)))
        if offscreen:
            app.setStyle("Fusion")
        pg = startup.import_pyqtgraph()  # lazy Qt mirrors: see ui/startup.py
    pg.setConfigOptions(antialias=True, foreground="k", background="w")
    return app


def _install_excepthook(window: Any) -> None:
    """Unexpected errors become a message; the app keeps running and nothing is lost."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        traceback.print_exception(kind, exc, tb)
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        try:
            window.autosave()
            window.notify(
                "Unexpected error",
                f"{kind.__name__}: {exc}\n\nYour work is autosaved; please report this.",
            )
        except Exception:  # never let the hook itself fail
            pass

    sys.excepthook = hook


def build_window(project_path: str | None, *, persist: bool = True) -> tuple[Any, str]:
    """The main window on ``project_path`` (or the default comparison) and an open error.

    The file is opened the way File ▸ Open opens it (:meth:`Session.open_file`): its lock
    is taken and held while the window has it open, so another TokenTCO or ``tokentco
    import`` does not write it meanwhile; a file open in another writer (``ProjectLocked``)
    or a damaged one is the error, and the window shows the default comparison."""
    from tokentco.ui import startup

    with startup.imports_frozen():
        from tokentco.app.session import Session
        from tokentco.io.bundled import bundled_catalogue
        from tokentco.io.defaults import default_project
        from tokentco.io.errors import InputError
        from tokentco.ui import features
        from tokentco.ui.mainwindow import MainWindow

    catalogue = bundled_catalogue()
    error, path = "", None
    project = default_project(catalogue)
    opened: Session | None = None
    if project_path:
        session = Session(catalogue, project)
        try:
            session.open_file(Path(project_path))  # lock, then load (and its disk stamp)
        except InputError as exc:  # damaged, or open in another TokenTCO (ProjectLocked)
            error = str(exc)
        else:
            opened, project, path = session, session.project, Path(project_path)
    loaded = features.load_calibration()
    window = MainWindow(
        catalogue,
        project,
        calibration=loaded.calibration,
        calibration_error=loaded.error,
        persist=persist,
        path=path,
    )
    if opened is not None:
        # the window's session holds the lock from here (released when the window closes
        # or opens another project) and knows the file as loaded ("changed on disk")
        window.doc.session.lock, window.doc.session.stamp = opened.lock, opened.stamp
        opened.lock = None
    if path is not None and persist:
        from tokentco.ui import settings

        settings.add_recent_file(path)
    await_first_comparison(window)
    return window, error


FIRST_COMPARISON_WAIT_S = 0.5
"""How long a new window waits (unshown) for its first comparison before it is shown
anyway, with "Computing…" (a large project)."""


def await_first_comparison(window: Any, limit_s: float = FIRST_COMPARISON_WAIT_S) -> bool:
    """Deliver the window's first comparison before it is shown, when it comes soon.

    Shown at once, the window would first paint every chart and table empty and then
    again with the comparison a few tens of milliseconds later: the empty paint is work
    no one sees for long (some 60 ms of a cold start). The window is not visible while
    this waits, so the events processed here paint nothing."""
    from PySide6.QtCore import QCoreApplication

    deadline = time.monotonic() + limit_s
    while window.comparison is None and not window.last_error:
        if time.monotonic() > deadline:
            return False
        QCoreApplication.processEvents()
        if window.comparison is None:
            time.sleep(0.001)
    return window.comparison is not None


def wait_for_first_paint(window: Any, timeout_s: float = 30.0, tornado: bool = True) -> bool:
    """Process events until the first comparison (and tornado) are painted."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        done = window.comparison is not None or bool(window.last_error)
        if tornado and window.doc.selected_option_id and done and window.comparison is not None:
            done = (
                window.tornado_for == window.doc.selected_option_id
                or "failed" in window.tornado_chart.empty_text
            )
        if done and window.ops.is_idle():
            for _ in range(5):
                QCoreApplication.processEvents()
            return True
        time.sleep(0.005)
    return False


def screenshot(window: Any, out: Path) -> int:
    window.resize(1600, 1000)
    window.show()
    ok = wait_for_first_paint(window)
    window.repaint()
    picture = window.grab()
    out.parent.mkdir(parents=True, exist_ok=True)
    saved = picture.save(str(out))
    window.close()
    if not saved:
        print(f"tokentco: cannot write screenshot {out}", file=sys.stderr)
        return 1
    if not ok:
        print(
            "tokentco: the comparison did not finish in time; screenshot taken anyway",
            file=sys.stderr,
        )
    if window.calibration_error:
        print(f"tokentco: calibration failed to load: {window.calibration_error}", file=sys.stderr)
    if window.last_error:
        print(f"tokentco: {window.last_error}", file=sys.stderr)
    return 0


def run(args: Any) -> int:
    """Entry point used by ``tokentco`` with no sub-command."""
    shot = getattr(args, "screenshot", None)
    project_path = getattr(args, "project", None)
    app = _qt_setup(offscreen=bool(shot))
    window, error = build_window(project_path, persist=not shot)
    if shot:
        if error:
            print(f"tokentco: {error}", file=sys.stderr)
            return 2
        return screenshot(window, Path(shot))
    _install_excepthook(window)
    if sys.platform == "darwin":
        # a double-clicked .tokentco arrives as a QFileOpenEvent, not as an argument (only
        # macOS sends it; elsewhere an application-wide event filter would only cost time)
        from tokentco.ui.fileopen import FileOpenRouter

        FileOpenRouter(app).attach(window)
    window.show()
    from PySide6.QtCore import QTimer

    def after_show() -> None:
        window.warn_calibration()
        if error:
            window.notify(
                "Cannot open project", f"{error}\n\nShowing the default comparison instead."
            )
        elif project_path is None:
            window.offer_recovery()

    QTimer.singleShot(0, after_show)
    return int(app.exec())

"""Cold-start import order (ui/startup.py): the Qt-free core before PySide6, and pyqtgraph's
lazy Qt mirrors giving the very objects its copied mirrors would.

Each check runs in a fresh interpreter: the order of first imports is what is tested."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tokentco.ui.startup import DEFERRED_PYQTGRAPH

ROOT = Path(__file__).resolve().parents[2]
DEFERRED = DEFERRED_PYQTGRAPH


def run(code: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env},
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_core_modules_load_without_qt() -> None:
    """Every preloaded module is Qt-free (one that pulled PySide6 in would undo the point)."""
    out = run(
        """
        import sys
        from tokentco.ui.startup import CORE_MODULES, preload_core
        preload_core()
        missing = [m for m in CORE_MODULES if m not in sys.modules]
        qt_roots = ("PySide6", "shiboken6", "pyqtgraph")
        qt = sorted(m for m in sys.modules if m.split(".")[0] in qt_roots)
        print("MISSING", missing)
        print("QT", qt)
        """
    )
    assert "MISSING []" in out
    assert "QT []" in out


def test_window_imports_no_qt_free_module_after_pyside() -> None:
    """The window's Qt-free modules are all in CORE_MODULES' closure: none is first imported
    after PySide6 (where PySide6 would read its source again)."""
    out = run(
        """
        import sys
        from tokentco.ui.app import _qt_setup
        _qt_setup(True)
        before = set(sys.modules)
        import tokentco.ui.mainwindow
        late = sorted(
            m for m in set(sys.modules) - before
            if m.startswith("tokentco.") and not m.startswith("tokentco.ui")
        )
        print("LATE", late)
        """
    )
    assert "LATE []" in out


def test_lazy_mirrors_hold_pyside6_objects() -> None:
    """Each name pyqtgraph's copy would hold resolves to PySide6's own object; the names
    pyqtgraph adds (QOpenGLWidget, QFileSystemModel on QtGui) are there as before."""
    out = run(
        """
        import PySide6
        from PySide6 import QtCore, QtGui, QtWidgets, QtOpenGLWidgets
        from tokentco.ui.startup import import_pyqtgraph, lazy_mirrors_active
        pg = import_pyqtgraph()
        from pyqtgraph import Qt
        print("ACTIVE", lazy_mirrors_active())
        print("REAL", PySide6.QtCore is QtCore and PySide6.QtGui is QtGui)
        bad = []
        for mirror, real in ((Qt.QtCore, QtCore), (Qt.QtGui, QtGui), (Qt.QtWidgets, QtWidgets)):
            for name in dir(real):
                if name.startswith("__") and name != "__version__":
                    continue
                if getattr(mirror, name) is not getattr(real, name):
                    bad.append(name)
            if not set(dir(real)) <= set(dir(mirror)):
                bad.append(mirror.__name__ + ": names missing")
        print("BAD", bad)
        print("ADDED", Qt.QtWidgets.QOpenGLWidget is QtOpenGLWidgets.QOpenGLWidget,
              Qt.QtGui.QFileSystemModel is QtWidgets.QFileSystemModel)
        print("VERSION", Qt.QtVersion == QtCore.__version__)
        """
    )
    assert "ACTIVE True" in out
    assert "REAL True" in out
    assert "BAD []" in out
    assert "ADDED True True" in out
    assert "VERSION True" in out


CHART_GRAB = """
import hashlib
from tokentco.ui import startup
if {plain}:
    startup._lazy_mirrors_apply = lambda: False
if {pool}:
    startup.single_threaded_raster = lambda: None
from tokentco.ui.app import _qt_setup, build_window, wait_for_first_paint
app = _qt_setup(True)
print("ACTIVE", startup.lazy_mirrors_active())
window, _ = build_window(None, persist=False)
window.resize(1600, 1000)
window.show()
assert wait_for_first_paint(window)
window.repaint()
for chart in window.charts:
    image = chart.grab().toImage()
    bits = image.constBits()
    print(chart.title, image.width(), image.height(), hashlib.sha256(bytes(bits)).hexdigest())
"""


@pytest.mark.slow
def test_charts_paint_the_same_with_lazy_mirrors() -> None:
    """The first painted dashboard is pixel for pixel the one the plain import paints."""
    lazy = run(CHART_GRAB.format(plain=False, pool=False)).splitlines()
    plain = run(CHART_GRAB.format(plain=True, pool=False)).splitlines()
    assert lazy[0] == "ACTIVE True" and plain[0] == "ACTIVE False"
    assert len(lazy) == 7
    assert lazy[1:] == plain[1:]


@pytest.mark.slow
def test_charts_paint_the_same_without_the_gui_thread_pool() -> None:
    """Filling on the GUI thread (QT_NO_GUI_THREADPOOL, set by the app) paints the very
    pixels Qt's thread pool paints."""
    alone = run(CHART_GRAB.format(plain=False, pool=False)).splitlines()
    pooled = run(CHART_GRAB.format(plain=False, pool=True)).splitlines()
    assert len(alone) == 7
    assert alone[1:] == pooled[1:]
    probe = "import os; from tokentco.ui.app import _qt_setup; _qt_setup(True); "
    probe += "print('SET', os.environ.get('QT_NO_GUI_THREADPOOL'))"
    assert "SET 1" in run(probe)
    assert "SET 0" in run(probe, QT_NO_GUI_THREADPOOL="0")  # the user's own setting kept


def test_already_imported_pyqtgraph_is_kept() -> None:
    out = run(
        """
        import pyqtgraph
        from tokentco.ui.startup import import_pyqtgraph, lazy_mirrors_active
        print("SAME", import_pyqtgraph() is pyqtgraph, lazy_mirrors_active())
        """
    )
    assert "SAME True False" in out


def test_imports_frozen_pauses_collection_and_freezes() -> None:
    """While collection is automatic: paused in the block, what it created frozen after,
    and automatic again. Once collection is off (a window's timer collects), untouched."""
    out = run(
        """
        import gc
        from tokentco.ui.startup import imports_frozen
        with imports_frozen():
            inside = gc.isenabled()
            made = [[] for _ in range(1000)]
        print("AUTO", inside, gc.isenabled(), gc.get_freeze_count() >= 1000)
        gc.unfreeze()
        gc.disable()
        with imports_frozen():
            made = [[] for _ in range(1000)]
        print("OFF", gc.isenabled(), gc.get_freeze_count())
        """
    )
    assert "AUTO False True True" in out
    assert "OFF False 0" in out


def test_importing_the_package_reads_no_distribution_metadata() -> None:
    """``tokentco.__version__`` is written in the source (tokentco/_version.py): importing
    the package scans no installed distribution's metadata (15–40 ms of every start)."""
    out = run(
        """
        import sys
        import tokentco
        from tokentco._version import __version__
        print("METADATA", "importlib.metadata" in sys.modules)
        print("SAME", tokentco.__version__ == __version__)
        """
    )
    assert "METADATA False" in out
    assert "SAME True" in out


def test_quick_feature_check_gives_pysides_answers() -> None:
    """The quick "uses PySide" check marks every module as PySide6's own check does: the
    feature table of a whole start (window, charts, pyqtgraph) is compared with one made by
    PySide6's check, and the hook really is replaced."""
    code = """
        import json, sys
        from tokentco.ui import startup
        if sys.argv[1:] == ["slow"]:
            startup.quicken_feature_check = lambda: False
        from tokentco.ui.app import _qt_setup, build_window
        app = _qt_setup(True)
        window, _ = build_window(None, persist=False)
        feature = sys.modules["shibokensupport.feature"]
        quick = feature.feature_imported.__module__ == "tokentco.ui.startup"
        print(json.dumps({"quick": quick, "table": feature.pyside_feature_dict}))
    """
    outputs = []
    for mode in ("quick", "slow"):
        result = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code), mode],
            capture_output=True,
            text=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            cwd=ROOT,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        outputs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    quick, slow = outputs
    assert quick["quick"] and not slow["quick"]
    assert quick["table"]["tokentco.ui.mainwindow"] == 0  # imports PySide6
    assert quick["table"]["pyqtgraph.colormap"] == -1  # its Qt comes from pyqtgraph.Qt
    assert quick["table"] == slow["table"]


PYQTGRAPH_NAMES = """
import json, sys
from tokentco.ui import startup
if {plain}:
    startup.DEFERRED_PYQTGRAPH = ()
from tokentco.ui.app import _qt_setup
app = _qt_setup(True)
import pyqtgraph as pg
names = {names!r} or sorted(n for n in vars(pg) if not n.startswith("_"))
def ident(obj):
    name = getattr(obj, "__qualname__", type(obj).__name__)
    return f"{{getattr(obj, '__module__', '')}}.{{name}}"
idents = {{n: ident(getattr(pg, n)) for n in names}}
print(json.dumps({{"held": len(startup.held_back_modules()), "names": idents}}))
"""


@pytest.mark.slow
def test_held_back_pyqtgraph_modules_give_every_name() -> None:
    """Every public name of a plain ``import pyqtgraph`` is, through the held-back
    modules, the same object (by module and qualified name) in the app's import."""
    plain = json.loads(run(PYQTGRAPH_NAMES.format(plain=True, names=[])).splitlines()[-1])
    names = sorted(plain["names"])
    lazy = json.loads(run(PYQTGRAPH_NAMES.format(plain=False, names=names)).splitlines()[-1])
    assert lazy["held"] == 0  # every name asked for: every held-back module loaded
    assert lazy["names"] == plain["names"]
    assert "ImageView" in names and "SpinBox" in names and "TreeWidgetItem" in names


def test_first_painted_comparison_loads_no_held_back_module() -> None:
    """The held-back modules are really not needed to show the first comparison and its
    tornado (else holding them back would only move their cost)."""
    out = run(
        """
        from tokentco.ui import startup
        from tokentco.ui.app import _qt_setup, build_window, wait_for_first_paint
        app = _qt_setup(True)
        window, _ = build_window(None, persist=False)
        window.resize(1366, 768)
        window.show()
        assert wait_for_first_paint(window, tornado=True)
        print("HELD", len(startup.held_back_modules()), len(startup.DEFERRED_PYQTGRAPH))
        """
    )
    assert f"HELD {len(DEFERRED)} {len(DEFERRED)}" in out


def test_a_name_imported_by_name_is_held_back_too() -> None:
    """``pyqtgraph.RemoteGraphicsView`` (``from .widgets.RemoteGraphicsView import
    RemoteGraphicsView`` in pyqtgraph) loads with its module when first asked for: no
    placeholder is left in ``pyqtgraph``, and the class is the module's own."""
    out = run(
        """
        import sys
        from tokentco.ui.app import _qt_setup
        _qt_setup(True)
        import pyqtgraph as pg
        print("LOADED", "multiprocessing" in sys.modules, "RemoteGraphicsView" in vars(pg))
        view = pg.RemoteGraphicsView
        from pyqtgraph.widgets.RemoteGraphicsView import RemoteGraphicsView
        print("SAME", view is RemoteGraphicsView, isinstance(view, type))
        print("BOUND", vars(pg)["RemoteGraphicsView"] is view)
        """
    )
    assert "LOADED False False" in out
    assert "SAME True True" in out
    assert "BOUND True" in out

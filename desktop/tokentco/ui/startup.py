"""Import order for a fast cold start (``tokentco`` with no sub-command).

Two costs of a fresh process are not the app's own work, and both depend only on the order
and the way modules are imported:

* Once PySide6 is loaded it replaces ``builtins.__import__`` (its ``__feature__``
  support) and reads the source of *every* module imported afterwards, looking for the
  string "PySide6". :func:`preload_core` therefore imports the Qt-free modules the first
  comparison needs (pydantic, numpy, the domain, the engine, the application layer) before
  PySide6: the same modules, imported once, just not read a second time.
* ``import pyqtgraph`` mirrors PySide6's QtCore, QtGui and QtWidgets into its own modules
  by reading every attribute of each (``pyqtgraph.Qt._copy_attrs``), which makes PySide6
  create every Qt class and enum it would otherwise create on first use — a few hundred
  milliseconds, most of them for classes the app never touches. :func:`import_pyqtgraph`
  gives pyqtgraph mirrors that look attributes up in PySide6 when first asked for (and
  keep them), so each mirror attribute is the very PySide6 object the copy would hold.
  Anything unexpected (another binding, a pyqtgraph that does not import this way)
  falls back to the plain import.

* The same hook decides whether a module "uses PySide" by ``inspect.getsource`` (linecache,
  tokenize, a list of lines) for each of the ~250 modules imported after PySide6 (pyqtgraph's
  and the window's): some 40 ms. :func:`quicken_feature_check` gives it the same answer
  — whether the module's ``.py`` file contains "PySide6" — from one read of the file's
  bytes; anything that is not a plain ``.py`` file gets PySide6's own check.

And one cost is the interpreter's: importing creates some 100,000 objects that live as long
as the process (modules, classes, functions, schemas), and the cyclic garbage collector
traversed them again and again while they were being created (~160 collections, one of them
full, about a tenth of the start). :func:`imports_frozen` pauses automatic collection
while the start-up imports run and then moves what they created to the permanent
generation (``gc.freeze``), so no later collection traverses it either.
"""

import contextlib
import gc
import importlib
import os
import sys
import types
from collections.abc import Iterator
from typing import Any

CORE_MODULES = (
    "numpy",
    "pydantic",
    "tokentco.domain",
    "tokentco.io.bundled",
    "tokentco.io.defaults",
    "tokentco.io.errors",
    "tokentco.io.project_file",
    "tokentco.io.project_lock",
    "tokentco.io.calibration_file",
    "tokentco.engine.evaluate",
    "tokentco.engine.results",
    "tokentco.engine.sensitivity",
    "tokentco.app.autosave",
    "tokentco.app.edits",
    "tokentco.app.fieldpath",
    "tokentco.app.recompute",
    "tokentco.app.session",
    "tokentco.present.formats",
    "tokentco.present.labels",
    "tokentco.present.names",
    "tokentco.present.report_tables",
    "tokentco.present.sentences",
)
"""Qt-free modules the main window imports, loaded before PySide6 (see the module text).
A name missing here is only slower to import; a module here must never import Qt
(tests/ui/test_startup.py checks both)."""

MIRRORED = ("QtCore", "QtGui", "QtWidgets")


def preload_core() -> None:
    """Import :data:`CORE_MODULES` (before PySide6, when it is not loaded yet)."""
    for name in CORE_MODULES:
        # an optional piece missing: the window reports it when used
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


@contextlib.contextmanager
def imports_frozen() -> Iterator[None]:
    """Automatic garbage collection paused for the block (start-up imports); what exists at
    its end is moved to the permanent generation and collection resumes.

    Only while collection is automatic: once a window's :class:`BackgroundOps` collects on
    its GUI-thread timer (automatic collection off), the block changes nothing — nothing
    of a later window (or test) is frozen."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


class _LazyMirror(types.ModuleType):
    """pyqtgraph's ``pyqtgraph.Qt.QtCore`` (etc.): PySide6's attribute, fetched on first use.

    Names pyqtgraph sets on the mirror (``QOpenGLWidget`` …) stay in the mirror, as they do
    in pyqtgraph's own copied mirror; PySide6's module is never changed."""

    def __init__(self, name: str, source: types.ModuleType) -> None:
        super().__init__(name, source.__doc__)
        self.__dict__["_mirrored"] = source

    def __getattr__(self, name: str) -> Any:
        if name in ("__path__", "__file__"):
            raise AttributeError(name)
        value = getattr(self.__dict__["_mirrored"], name)
        self.__dict__[name] = value
        return value

    def __dir__(self) -> list[str]:
        return sorted(set(dir(self.__dict__["_mirrored"])) | set(self.__dict__))


class _Unlisted(types.ModuleType):
    """Stands in for ``PySide6.QtCore`` (etc.) while ``pyqtgraph.Qt`` runs: lists no names,
    so ``_copy_attrs`` copies nothing; any attribute read is PySide6's own."""

    def __init__(self, source: types.ModuleType) -> None:
        super().__init__(source.__name__)
        self.__dict__["_mirrored"] = source

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["_mirrored"], name)

    def __dir__(self) -> list[str]:
        return []


def _lazy_mirrors_apply() -> bool:
    binding = os.environ.get("PYQTGRAPH_QT_LIB")
    return "pyqtgraph" not in sys.modules and binding in (None, "", "PySide6")


def import_pyqtgraph() -> types.ModuleType:
    """``import pyqtgraph``, with lazy Qt mirrors when it is imported here the first time."""
    if not _lazy_mirrors_apply():
        return importlib.import_module("pyqtgraph")
    import PySide6
    from PySide6 import QtCore, QtGui, QtWidgets

    real = {"QtCore": QtCore, "QtGui": QtGui, "QtWidgets": QtWidgets}
    mirrors = {n: _LazyMirror(f"pyqtgraph.Qt.{n}", m) for n, m in real.items()}
    try:
        for name, module in real.items():
            sys.modules[f"pyqtgraph.Qt.{name}"] = mirrors[name]
            setattr(PySide6, name, _Unlisted(module))
        try:
            import pyqtgraph.Qt as pgqt
        finally:
            for name, module in real.items():
                setattr(PySide6, name, module)
        if any(getattr(pgqt, n, None) is not mirrors[n] for n in MIRRORED) or (
            pgqt.QtCore.QObject is not QtCore.QObject
        ):
            raise ImportError("pyqtgraph did not take the lazy Qt mirrors")
        return importlib.import_module("pyqtgraph")
    except Exception:  # any surprise: forget the partial import and import it plainly
        for name in [m for m in sys.modules if m == "pyqtgraph" or m.startswith("pyqtgraph.")]:
            del sys.modules[name]
        return importlib.import_module("pyqtgraph")


def _uses_pyside(module: types.ModuleType, slow: Any) -> bool:
    """PySide6's ``_mod_uses_pyside``: whether the module's source contains "PySide6"."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return bool(slow(module))  # built-in, extension, bytecode only: PySide6's answer
    try:
        with open(path, "rb") as handle:
            return b"PySide6" in handle.read()
    except OSError:
        return bool(slow(module))


def quicken_feature_check() -> bool:
    """Replace PySide6's per-import "does this module use PySide?" check by
    :func:`_uses_pyside` (same answers; see the module text). False (nothing changed)
    when the PySide6 loaded here is not laid out as expected."""
    feature = sys.modules.get("shibokensupport.feature")
    loader = sys.modules.get("shibokensupport.signature.loader")
    table = getattr(feature, "pyside_feature_dict", None)
    slow = getattr(feature, "_mod_uses_pyside", None)
    if not isinstance(table, dict) or not callable(slow) or loader is None:
        return False
    if not callable(getattr(loader, "feature_imported", None)):
        return False

    def feature_imported(module: Any) -> None:
        name = getattr(module, "__name__", None)
        if name is not None and name not in table:
            table[name] = 0 if _uses_pyside(module, slow) else -1

    feature.feature_imported = feature_imported  # type: ignore[union-attr]
    loader.feature_imported = feature_imported  # type: ignore[attr-defined]
    return True


def lazy_mirrors_active() -> bool:
    """Whether the loaded pyqtgraph uses :class:`_LazyMirror` modules (for the tests)."""
    module = sys.modules.get("pyqtgraph.Qt.QtCore")
    return isinstance(module, _LazyMirror)


__all__ = [
    "CORE_MODULES",
    "import_pyqtgraph",
    "imports_frozen",
    "lazy_mirrors_active",
    "preload_core",
    "quicken_feature_check",
]

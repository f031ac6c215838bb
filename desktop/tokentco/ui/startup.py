"""Import order for a fast cold start (``tokentco`` with no sub-command).

Five costs of a fresh process are not the app's own work, and all depend only on the order
and the way modules are imported:

* At its first model pydantic imports the finder of its plugins, and with it
  ``importlib.metadata`` and the ``email`` package, then reads the entry points of every
  installed distribution. The workbench uses no pydantic plugin: :func:`preload_core`
  switches them off (``PYDANTIC_DISABLE_PLUGINS``, unless the user set it) and puts a
  stand-in finder in place that says "none" without those imports
  (:func:`without_pydantic_plugins`).
* Once PySide6 is loaded it replaces ``builtins.__import__`` (its ``__feature__``
  support) and reads the source of *every* module imported afterwards, looking for the
  string "PySide6". :func:`preload_core` therefore imports the Qt-free modules the first
  comparison needs (pydantic, numpy, the domain, the engine, the application layer) before
  PySide6: the same modules, imported once, just not read a second time.
* For the ~250 modules still imported after PySide6 (pyqtgraph's and the window's) that
  hook reads the source by ``inspect.getsource`` (linecache, tokenize, a list of lines):
  some 40 ms. :func:`quicken_feature_check` gives it the same answer — whether the
  module's ``.py`` file contains "PySide6" — from one read of the file's bytes; anything
  that is not a plain ``.py`` file gets PySide6's own check.
* ``import pyqtgraph`` mirrors PySide6's QtCore, QtGui and QtWidgets into its own modules
  by reading every attribute of each (``pyqtgraph.Qt._copy_attrs``), which makes PySide6
  create every Qt class and enum it would otherwise create on first use — a few hundred
  milliseconds, most of them for classes the app never touches. :func:`import_pyqtgraph`
  gives pyqtgraph mirrors that look attributes up in PySide6 when first asked for (and
  keep them), so each mirror attribute is the very PySide6 object the copy would hold.
  Anything unexpected (another binding, a pyqtgraph that does not import this way)
  falls back to the plain import.
* ``import pyqtgraph`` also imports every graphics item and widget it has (image views,
  colour bars, ROIs, parameter trees, spin boxes, tables…) for its flat namespace, about
  a third of its import. The modules in :data:`DEFERRED_PYQTGRAPH`, which the window does
  not use, are held back while pyqtgraph imports (an empty stand-in answers its
  ``from .X import *``, placeholders its ``from .X import Name`` of
  :data:`NAMED_IMPORTS`); each loads the first time a name of its is asked of
  ``pyqtgraph`` (a module ``__getattr__``) or it is imported by name.

And one cost is the interpreter's: importing creates some 100,000 objects that live as long
as the process (modules, classes, functions, schemas), and the cyclic garbage collector
traversed them again and again while they were being created (~160 collections, one of them
full, about a tenth of the start). :func:`imports_frozen` pauses automatic collection
while the start-up imports run and then moves what they created to the permanent
generation (``gc.freeze``), so no later collection traverses it either.
"""

import ast
import contextlib
import gc
import importlib
import importlib.util
import os
import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tokentco.ui import dataclass_code

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

DEFERRED_PYQTGRAPH = tuple(
    f"pyqtgraph.{name}"
    for name in (
        "graphicsItems.BoxplotItem",
        "graphicsItems.ColorBarItem",
        "graphicsItems.DateAxisItem",
        "graphicsItems.FillBetweenItem",
        "graphicsItems.GradientEditorItem",
        "graphicsItems.GradientLegend",
        "graphicsItems.GraphItem",
        "graphicsItems.HistogramLUTItem",
        "graphicsItems.IsocurveItem",
        "graphicsItems.PColorMeshItem",
        "graphicsItems.ROI",
        "graphicsItems.ScaleBar",
        "graphicsItems.TargetItem",
        "imageview",
        "widgets.BusyCursor",
        "widgets.CheckTable",
        "widgets.ColorButton",
        "widgets.ColorMapWidget",
        "widgets.DataFilterWidget",
        "widgets.DataTreeWidget",
        "widgets.DiffTreeWidget",
        "widgets.FeedbackButton",
        "widgets.GradientWidget",
        "widgets.HistogramLUTWidget",
        "widgets.JoystickButton",
        "widgets.LayoutWidget",
        "widgets.ProgressDialog",
        "widgets.RawImageWidget",
        "widgets.RemoteGraphicsView",
        "widgets.ScatterPlotWidget",
        "widgets.SpinBox",
        "widgets.TableWidget",
        "widgets.TreeWidget",
        "widgets.ValueLabel",
        "widgets.VerticalLabel",
    )
)
"""pyqtgraph modules its ``__init__`` star-imports (or takes names from:
:data:`NAMED_IMPORTS`) that the window does not use (see the module text);
tests/ui/test_startup.py checks that none of them is loaded by the first painted
comparison and that ``pyqtgraph`` still gives every name of the plain import."""


PYDANTIC_PLUGINS = "pydantic.plugin._loader"
"""The pydantic module that finds pydantic's plugins (see :func:`without_pydantic_plugins`)."""

PLUGINS_OFF = ("__all__", "1", "true")
"""The values of ``PYDANTIC_DISABLE_PLUGINS`` with which pydantic loads no plugin."""


def _pydantic_finder_as_expected() -> bool:
    """Whether pydantic's only use of :data:`PYDANTIC_PLUGINS` is ``get_plugins()`` with
    the switch :data:`PLUGINS_OFF` names (read from its source, without importing it)."""
    spec = importlib.util.find_spec("pydantic")
    if spec is None or spec.origin is None:
        return False
    folder = Path(spec.origin).parent / "plugin"
    try:
        finder = (folder / "_loader.py").read_text(encoding="utf-8")
        user = (folder / "_schema_validator.py").read_text(encoding="utf-8")
    except (OSError, UnicodeError):
        return False
    return (
        "def get_plugins()" in finder
        and "disabled_plugins in ('__all__', '1', 'true')" in finder
        and user.count("_loader") == 1
        and "from ._loader import get_plugins" in user
    )


class _NoPydanticPlugins(types.ModuleType):
    """Stands in for :data:`PYDANTIC_PLUGINS`: ``get_plugins()`` gives no plugin, as
    pydantic's own does while ``PYDANTIC_DISABLE_PLUGINS`` switches them off; should the
    variable change later, pydantic's module is imported and answers."""

    def __init__(self) -> None:
        super().__init__(PYDANTIC_PLUGINS)

    def get_plugins(self) -> Any:
        if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in PLUGINS_OFF:
            return ()
        if sys.modules.get(PYDANTIC_PLUGINS) is self:
            del sys.modules[PYDANTIC_PLUGINS]
        return importlib.import_module(PYDANTIC_PLUGINS).get_plugins()


def without_pydantic_plugins() -> bool:
    """The workbench loads no pydantic plugin (``PYDANTIC_DISABLE_PLUGINS=__all__``, unless
    the user set the variable), and pydantic does not import what finds them.

    At its first model pydantic imports the module that finds its plugins (observability
    hooks such as logfire, registered as "pydantic" entry points) and, with it,
    ``importlib.metadata`` and the ``email`` package (~30 ms), then reads the entry points
    of every installed distribution (~10 ms). The workbench uses no such plugin: with them
    switched off pydantic's finder only says "none", which :class:`_NoPydanticPlugins`
    says without those imports. False (nothing changed) when the user set the variable,
    pydantic has made a model already, or its finder is not the one expected."""
    if "PYDANTIC_DISABLE_PLUGINS" in os.environ or PYDANTIC_PLUGINS in sys.modules:
        return False
    if not _pydantic_finder_as_expected():
        return False
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    sys.modules[PYDANTIC_PLUGINS] = _NoPydanticPlugins()
    return True


NAMED_IMPORTS = {"pyqtgraph.widgets.RemoteGraphicsView": ("RemoteGraphicsView",)}
"""Held-back modules that pyqtgraph's ``__init__`` takes names from one by one (``from X
import Name``, not ``*``), with those names: while pyqtgraph imports, each is bound to a
placeholder, which is taken out of ``pyqtgraph`` afterwards, so that asking ``pyqtgraph``
for the name loads the module (``RemoteGraphicsView`` brings ``multiprocessing`` and
pyqtgraph's process tools: 11–18 ms of a cold start)."""


def preload_core() -> None:
    """Import :data:`CORE_MODULES` (before PySide6, when it is not loaded yet), without
    pydantic's plugins (:func:`without_pydantic_plugins`)."""
    without_pydantic_plugins()
    with dataclass_code.cached():  # stored dataclass methods: see ui/dataclass_code.py
        for name in CORE_MODULES:
            # an optional piece missing: the window reports it when used
            with contextlib.suppress(ImportError):
                importlib.import_module(name)


@contextlib.contextmanager
def imports_frozen() -> Iterator[None]:
    """Automatic garbage collection paused for the block (start-up imports); what exists at
    its end is moved to the permanent generation and collection resumes. Dataclasses
    created in the block use the methods compiled at installation (ui/dataclass_code.py).

    Only while collection is automatic: once a window's :class:`BackgroundOps` collects on
    its GUI-thread timer (automatic collection off), the block changes nothing — nothing
    of a later window (or test) is frozen."""
    with dataclass_code.cached():  # stored dataclass methods: see ui/dataclass_code.py
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


class _Placeholder:
    """What pyqtgraph binds, while it imports, for a name of a :data:`NAMED_IMPORTS`
    module (taken out of ``pyqtgraph`` when its import ends)."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __repr__(self) -> str:
        return f"<{self.module}.{self.name}, held back>"


class _HeldBack(types.ModuleType):
    """Stands in for a :data:`DEFERRED_PYQTGRAPH` module while pyqtgraph imports: exports
    nothing to ``from X import *`` and a :class:`_Placeholder` for each of its
    :data:`NAMED_IMPORTS`; any other use imports the real module."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__dict__["__all__"] = []
        named = NAMED_IMPORTS.get(name, ())
        self.__dict__["_named"] = {n: _Placeholder(name, n) for n in named}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        placeholder = self.__dict__["_named"].get(name)
        if placeholder is not None and sys.modules.get(self.__name__) is self:
            return placeholder  # ``from X import name`` while pyqtgraph imports
        real = self.__dict__.get("_real")
        if real is None:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            real = self.__dict__["_real"] = importlib.import_module(self.__name__)
        return getattr(real, name)


def _declared_names(package_dir: Path, name: str) -> list[str] | None:
    """The ``__all__`` list a pyqtgraph module's source declares, read without importing
    it (None when it declares none this reader can see: that module is not held back)."""
    relative = Path(*name.split(".")[1:])
    for path in (package_dir / relative.with_suffix(".py"), package_dir / relative / "__init__.py"):
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeError):
            continue
        match = re.search(r"^__all__\s*=\s*(\[[^\]]*\])", source, re.MULTILINE)
        if match is None:
            return None
        try:
            names = ast.literal_eval(match.group(1))
        except (ValueError, SyntaxError):
            return None
        return [n for n in names if isinstance(n, str)]
    return None


def _bind_names(
    pg: types.ModuleType, owners: dict[str, str], owner: str, module: types.ModuleType
) -> None:
    """Bind ``owner``'s names in ``pyqtgraph`` as its ``from X import *`` would have (a
    name pyqtgraph already has is kept) and forget them as held back."""
    for exported in [n for n, o in owners.items() if o == owner]:
        del owners[exported]
        pg.__dict__.setdefault(exported, getattr(module, exported))


def _deferred_loader(pg: types.ModuleType, owners: dict[str, str]) -> Any:
    """The ``__getattr__`` of ``pyqtgraph``: a name of a held-back module imports that
    module and binds its names (:func:`_bind_names`); any other is missing."""

    def load_held(name: str) -> Any:
        owner = owners.get(name)
        if owner is None:
            raise AttributeError(f"module 'pyqtgraph' has no attribute {name!r}")
        _bind_names(pg, owners, owner, importlib.import_module(owner))
        return getattr(pg, name)

    return load_held


@contextlib.contextmanager
def _holding_back() -> Iterator[None]:
    """Within the block, ``import pyqtgraph`` holds :data:`DEFERRED_PYQTGRAPH` back (module
    text); at its end the held-back modules are left to load when asked for."""
    spec = importlib.util.find_spec("pyqtgraph")
    origin = spec.origin if spec is not None else None
    owners: dict[str, str] = {}
    stand_ins: dict[str, _HeldBack] = {}
    for name in DEFERRED_PYQTGRAPH:
        names: list[str] | None = list(NAMED_IMPORTS.get(name, ()))
        if not names:
            names = None if origin is None else _declared_names(Path(origin).parent, name)
        if names is not None and name not in sys.modules:
            stand_ins[name] = _HeldBack(name)
            owners.update(dict.fromkeys(names, name))
    sys.modules.update(stand_ins)
    try:
        yield
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
    pg = sys.modules.get("pyqtgraph")
    if pg is None:
        return
    for name, stand_in in stand_ins.items():
        for bound, placeholder in vars(stand_in)["_named"].items():
            if pg.__dict__.get(bound) is placeholder:
                del pg.__dict__[bound]
        if "_real" in vars(stand_in):  # loaded meanwhile: bind its names now
            _bind_names(pg, owners, name, vars(stand_in)["_real"])
    if owners:
        pg.__dict__["__getattr__"] = _deferred_loader(pg, owners)


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
            with _holding_back():
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


def single_threaded_raster() -> None:
    """Ask Qt's raster engine to fill on the GUI thread (``QT_NO_GUI_THREADPOOL``), unless
    the user set the variable.

    Qt hands most fills of a paint (an axis line, a shaded band, a block of tick labels) to
    its GUI thread pool and waits for them. For the few hundred pixels a chart item covers
    the hand-off costs more than the fill — replaying an axis picture 163 → 86 µs, an axis
    line 52 → 11 µs — and when the other core is busy (the background comparison, another
    program) the waits were a quarter to a third of a utilization drag's repaint. The pixels
    are the same (tests/ui/test_startup.py). Must run before the QGuiApplication exists;
    a Qt that does not read the variable is unchanged."""
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")


def held_back_modules() -> list[str]:
    """The :data:`DEFERRED_PYQTGRAPH` modules not loaded (yet) in this process."""
    return [name for name in DEFERRED_PYQTGRAPH if name not in sys.modules]


def lazy_mirrors_active() -> bool:
    """Whether the loaded pyqtgraph uses :class:`_LazyMirror` modules (for the tests)."""
    module = sys.modules.get("pyqtgraph.Qt.QtCore")
    return isinstance(module, _LazyMirror)


__all__ = [
    "CORE_MODULES",
    "DEFERRED_PYQTGRAPH",
    "NAMED_IMPORTS",
    "held_back_modules",
    "import_pyqtgraph",
    "imports_frozen",
    "lazy_mirrors_active",
    "preload_core",
    "quicken_feature_check",
    "single_threaded_raster",
    "without_pydantic_plugins",
]

"""PySide6's support modules, unpacked once instead of compiled at every start.

shiboken6 (PySide6's binding layer) carries its Python support modules (the signature
loader, the ``__feature__`` machinery: 14 modules) inside its shared library and, at every
start, compiles them from source: 33–41 ms of CPU on the 2-core test machine, before the
first window can appear. Its documented switch ``SBK_EMBED=0`` writes them once to
``shiboken6/files.dir``, from where every later start imports them as ordinary modules with
cached bytecode. :func:`unpack` does that, as an installation step (``installers/prepare.py``,
run by the README's set-up commands); a frozen bundle is not concerned.

shiboken uses ``files.dir`` whenever it exists, and upgrading PySide6 leaves it behind (pip
removes only the files it installed). So :func:`unpack` writes beside the modules a stamp:
the bytes of the shiboken6 ``_config.py`` they came from (its version and build date), and
:func:`drop_stale`, called before PySide6 is imported, removes an unpacked copy whose stamp
no longer matches, so shiboken falls back to its embedded modules. A ``files.dir`` without
our stamp was made by someone else and is left alone.
"""

import importlib.util
import os
import shutil
import sys
from pathlib import Path

STAMP = "tokentco-unpacked-from.txt"


def shiboken_folder() -> Path | None:
    """shiboken6's package folder, found without importing it (None: not installed)."""
    spec = importlib.util.find_spec("shiboken6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _config_bytes(folder: Path) -> bytes | None:
    return _read(folder / "_config.py")


def is_current(folder: Path) -> bool:
    """True when ``files.dir`` holds modules we unpacked from this very shiboken6."""
    stamp = _read(folder / "files.dir" / STAMP)
    return stamp is not None and stamp == _config_bytes(folder)


def drop_stale() -> None:
    """Remove our unpacked copy when shiboken6 changed under it (see the module text).

    Costs a spec lookup and two small reads; any error leaves things as they are, since
    shiboken's own fallback (its embedded modules) needs nothing from us."""
    folder = shiboken_folder()
    if folder is None:
        return
    stamp = _read(folder / "files.dir" / STAMP)
    if stamp is not None and stamp != _config_bytes(folder):
        shutil.rmtree(folder / "files.dir", ignore_errors=True)


def unpack() -> str:
    """Unpack and compile shiboken6's support modules (idempotent); a line saying what."""
    folder = shiboken_folder()
    if folder is None:
        return "PySide6 is not installed: nothing to unpack"
    if is_current(folder):
        return f"PySide6's support modules already unpacked in {folder / 'files.dir'}"
    import compileall
    import subprocess  # an installation step: neither is needed to start the workbench

    shutil.rmtree(folder / "files.dir", ignore_errors=True)
    env = dict(os.environ, SBK_EMBED="0")
    subprocess.run([sys.executable, "-c", "import PySide6.QtCore"], env=env, check=True)
    target = folder / "files.dir"
    config = _config_bytes(folder)
    if not (target / "shibokensupport").is_dir() or config is None:
        return f"PySide6's support modules stay embedded ({target} could not be written)"
    compileall.compile_dir(str(target), quiet=1)
    (target / STAMP).write_bytes(config)
    return f"PySide6's support modules unpacked and compiled in {target}"

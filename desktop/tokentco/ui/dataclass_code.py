"""Dataclass methods compiled once, at installation, instead of at every start.

``@dataclass`` writes the source of each class' ``__init__``, ``__repr__``, ``__eq__``,
``__setattr__``… and compiles it when the class is created: some 580 small functions in a
cold start of the workbench (the app's ~60 dataclasses, pydantic's, annotated_types'),
60–100 ms of compiling source text that is the same at every start.

:func:`record` (an installation step, ``installers/prepare.py``) writes the compiled code of
those texts to :func:`cache_path`, keyed by the source text itself; while :func:`cached` is
active, ``dataclasses`` runs the stored code for a text it has (``exec`` of a code object
compiled from that very text, as ``exec`` of the text would compile it: the same
functions) and compiles any other text as before. The file holds the Python version
that wrote it (and its ``-O`` level); a file from another version, or one that cannot be
read, is ignored. Any Python whose ``dataclasses`` does not compile its methods this way
(3.13 batches them) gets nothing changed.
"""

import builtins
import contextlib
import dataclasses
import functools
import importlib
import marshal
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import CodeType
from typing import Any

EXPECTED_CALL = "    exec(txt, globals, ns)\n"
"""The one ``exec`` of ``dataclasses._create_fn`` (3.10–3.12): the call :func:`cached`
serves."""


def cache_path() -> Path:
    """Where :func:`record` writes the code (beside tokentco's own bytecode)."""
    tag = sys.implementation.cache_tag or "python"
    return Path(__file__).parent / "__pycache__" / f"dataclass-code.{tag}.marshal"


@functools.cache
def _dataclasses_as_expected() -> bool:
    """Whether ``dataclasses`` compiles a method by ``exec`` of its text, once, in
    ``_create_fn`` (read from its source, once per process: a start enters :func:`cached`
    a few times)."""
    try:
        source = Path(dataclasses.__file__).read_text(encoding="utf-8")
    except (OSError, UnicodeError, TypeError):
        return False
    return source.count("exec(") == 1 and EXPECTED_CALL in source and "_create_fn" in source


def _python() -> str:
    """The Python the code was compiled by (version and ``-O`` level): the file's key."""
    return f"{sys.version} -O{sys.flags.optimize}"


def _compile(text: str) -> CodeType:
    """``text`` compiled as ``exec(text, ...)`` in ``dataclasses`` compiles it (no future
    flags: that module has none)."""
    return compile(text, "<string>", "exec", dont_inherit=True)


@functools.cache
def load() -> dict[str, CodeType]:
    """The stored code by source text ({} when there is none for this Python); read once
    per process (a start enters :func:`cached` a few times)."""
    return _read()


def _read() -> dict[str, CodeType]:
    try:
        version, codes = marshal.loads(cache_path().read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if version != _python() or not isinstance(codes, dict):
        return {}
    return codes


@contextlib.contextmanager
def cached(codes: dict[str, CodeType] | None = None) -> Iterator[set[str]]:
    """``dataclasses`` runs stored code for the texts in ``codes`` (default :func:`load`)
    during the block; yields the texts it met, for :func:`record`.
    Nested or unexpected ``dataclasses``: nothing changes."""
    seen: set[str] = set()
    if "exec" in vars(dataclasses) or not _dataclasses_as_expected():
        yield seen
        return
    store = load() if codes is None else codes

    def run(text: Any, globals_: Any = None, locals_: Any = None) -> None:
        if isinstance(text, str):
            seen.add(text)
            code = store.get(text)
            if code is not None:
                builtins.exec(code, globals_, locals_)
                return
        builtins.exec(text, globals_, locals_)

    dataclasses.exec = run  # type: ignore[attr-defined]
    try:
        yield seen
    finally:
        del dataclasses.exec  # type: ignore[attr-defined]


def record(modules: tuple[str, ...]) -> str:
    """Import ``modules`` and store the code of every dataclass method they create; a
    message for the installer."""
    with cached({}) as seen:
        for name in modules:
            with contextlib.suppress(ImportError):
                importlib.import_module(name)
    if not seen:
        return "dataclass methods: nothing to store"
    codes = {text: _compile(text) for text in seen}
    path = cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_bytes(marshal.dumps((_python(), codes)))
    os.replace(partial, path)
    return f"dataclass methods: {len(codes)} stored in {path}"


def record_start() -> str:
    """:func:`record` for the modules a start of the workbench imports (run in a fresh
    process by ``installers/prepare.py``)."""
    from tokentco.ui import startup

    return record((*startup.CORE_MODULES, "pyqtgraph", "tokentco.ui.mainwindow"))

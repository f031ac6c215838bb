"""Helpers shared by the headless commands: catalogue, ids, tables and output files.

Every file a command writes goes through ``writing``/``write_output`` here, so all of them
refuse to overwrite without ``--force``, never create folders, turn an unwritable folder
into one located line, and write atomically. CSV cells go through ``csv_safe``.
Heavy modules (engine, catalogue) are imported inside the functions that need them, so a
command pays only for what it uses.
"""

import difflib
import errno
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tokentco.domain.text import is_number
from tokentco.io.errors import InputError, Location

if TYPE_CHECKING:
    from tokentco.domain import Catalogue, Project
    from tokentco.engine.calibration import Calibration
    from tokentco.engine.results import Comparison


def calibration() -> "Calibration":
    """The shipped calibration (fitted efficiency factors)."""
    from tokentco.io.calibration_file import load_calibration

    return load_calibration()


def resolve_id(kind: str, wanted: str, known: Iterable[str]) -> str:
    """``wanted`` if it is a known id; otherwise an error naming the closest known ids."""
    pool = list(known)
    if wanted in pool:
        return wanted
    close = difflib.get_close_matches(wanted, pool, n=3, cutoff=0.4)
    hint = f"; closest: {', '.join(close)}" if close else f"; known: {', '.join(sorted(pool)[:8])}…"
    raise InputError(f"unknown {kind} {wanted!r}{hint}")


def split_ids(text: str | None) -> list[str]:
    """Comma-separated ids, each once (``b200,b200`` compares one option, not two)."""
    return list(dict.fromkeys(part.strip() for part in (text or "").split(",") if part.strip()))


def load_project_and_catalogue(path: str) -> tuple["Project", "Catalogue"]:
    from tokentco.io.bundled import bundled_catalogue
    from tokentco.io.project_file import load_project

    project = load_project(Path(path))
    return project, project.effective_catalogue(bundled_catalogue())


def evaluate_project(
    path: str, scenario: str | None = None
) -> tuple["Project", "Catalogue", "Comparison"]:
    """Load a project (optionally applying a saved scenario) and evaluate it with the shipped
    calibration; a bad project becomes a one-line InputError."""
    from tokentco.engine.evaluate import evaluate

    project, catalogue = load_project_and_catalogue(path)
    try:
        if scenario:
            project = project.with_scenario(scenario)
        if not project.options:
            raise ValueError("the project has no options to compare")
        comparison = evaluate(project, catalogue, calibration())
    except ValueError as exc:
        raise InputError(f"{path}: {exc}") from exc
    return project, catalogue, comparison


def check_output(path: Path, force: bool) -> None:
    """Refuse, before any work is done, an output that cannot or must not be written: an
    existing file without ``--force``, a folder, a folder that does not exist (we never
    create folders: a typo would scatter them), a folder we may not write to."""
    path = Path(path)
    where = Location(file=str(path))
    if path.is_dir():
        raise InputError("is a folder: give a file name", where)
    if (path.exists() or path.is_symlink()) and not force:
        raise InputError("exists; pass --force to overwrite it", where)
    folder = path.parent
    if not folder.exists():
        raise InputError(f"folder {folder} does not exist (create it first)", where)
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder", where)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"cannot write: folder {folder} is not writable", where)


@contextmanager
def writing(path: Path, force: bool) -> Iterator[Path]:
    """Check ``path`` (see ``check_output``), then run the write in the block and turn an
    OS failure (permissions, full disk, a name too long) into one located line."""
    path = Path(path)
    check_output(path, force)
    try:
        yield path
    except FileExistsError as exc:
        raise InputError("exists; pass --force to overwrite it", Location(file=str(path))) from exc
    except OSError as exc:
        reason = exc.strerror or errno.errorcode.get(exc.errno or 0, "") or str(exc)
        raise InputError(f"cannot write: {reason}", Location(file=str(path))) from exc


def write_output(path: Path, data: bytes, force: bool) -> None:
    """Write a command's output file atomically, with the checks of ``writing``."""
    from tokentco.io.project_file import atomic_write_bytes

    with writing(path, force) as target:
        atomic_write_bytes(target, data, overwrite=force)


def write_output_parts(path: Path, parts: Sequence[bytes | memoryview], force: bool) -> None:
    """``write_output`` of the bytes of ``parts`` one after another, written from the parts
    (a big file is not first joined into one bytes object)."""
    from tokentco.io.project_file import atomic_write_parts

    with writing(path, force) as target:
        atomic_write_parts(target, parts, overwrite=force)


_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP "CSV injection"):
    text starting with = + - @ tab or CR gets a leading apostrophe. Plain numbers, negative
    ones included, are left alone so they stay numbers. A carriage return inside a cell is
    written as a line feed: Python's csv writer (line ends "\n") quotes a field for "\n"
    but not for a lone "\r", which a reader takes for the end of the row."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_LEADS) and not is_number(text):
        text = "'" + text
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain aligned text table (right-aligned numbers, left-aligned first column)."""
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])

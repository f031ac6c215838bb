"""Helpers shared by the headless commands: catalogue, ids, tables and output files."""

import difflib
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from tokentco.domain import Catalogue, Project
from tokentco.engine.calibration import Calibration
from tokentco.engine.evaluate import evaluate
from tokentco.engine.results import Comparison
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.errors import InputError
from tokentco.io.project_file import load_project


def calibration() -> Calibration:
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
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def load_project_and_catalogue(path: str) -> tuple[Project, Catalogue]:
    project = load_project(Path(path))
    return project, project.effective_catalogue(bundled_catalogue())


def evaluate_project(
    path: str, scenario: str | None = None
) -> tuple[Project, Catalogue, Comparison]:
    """Load a project (optionally applying a saved scenario) and evaluate it with the shipped
    calibration; a bad project becomes a one-line InputError."""
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
    """Refuse to overwrite a user's file unless asked (``--force``)."""
    if path.exists() and not force:
        raise InputError(f"{path} exists; pass --force to overwrite it")
    if not path.parent.exists():
        raise InputError(f"folder {path.parent} does not exist")


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


def print_err(message: str) -> None:
    print(message, file=sys.stderr)

"""Optional pieces written by other parts of the team, looked up when first needed.

Menu actions for a piece that is missing from this installation show "not available"
instead of failing; everything else in the app keeps working.
"""

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any


class NotAvailable(Exception):
    """Raised with a user-facing sentence when an optional module or function is missing."""


def optional(module: str, attribute: str, what: str) -> Any:
    """``module.attribute`` or :class:`NotAvailable` naming the missing feature."""
    try:
        mod: ModuleType = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            raise NotAvailable(f"{what} is not available in this build yet.") from exc
        raise
    try:
        return getattr(mod, attribute)
    except AttributeError as exc:
        raise NotAvailable(f"{what} is not available in this build yet.") from exc


def evaluate_fn() -> Any:
    return optional("tokentco.engine.evaluate", "evaluate", "The cost engine")


def tornado_fn() -> Any:
    return optional("tokentco.engine.sensitivity", "tornado", "Sensitivity analysis")


def import_files_fn() -> Any:
    return optional("tokentco.io.importer", "import_files", "Spreadsheet import")


def write_scorecard_fn() -> Any:
    return optional("tokentco.io.scorecard_xlsx", "write_scorecard", "The scorecard workbook")


def report_module() -> ModuleType:
    try:
        return importlib.import_module("tokentco.ui.report")
    except ModuleNotFoundError as exc:
        if exc.name and "tokentco.ui.report".startswith(exc.name):
            raise NotAvailable("The printable report is not available in this build yet.") from exc
        raise


@dataclass(frozen=True)
class CalibrationLoad:
    """The fitted factors, or None with the reason they could not be loaded.

    A calibration that fails to load is an error the user sees (a message and a permanent
    "uncalibrated" mark in the status bar), never a silent fallback under the same label.
    """

    calibration: Any
    error: str = ""


def load_calibration() -> CalibrationLoad:
    """The shipped calibration, or the engine's defaults with the located load error."""
    try:
        fn = optional("tokentco.io.calibration_file", "load_calibration", "Calibration")
    except NotAvailable as exc:
        return CalibrationLoad(None, str(exc))
    try:
        return CalibrationLoad(fn())
    except Exception as exc:  # shown to the user by the window; the app still starts
        return CalibrationLoad(None, str(exc).strip().splitlines()[0] if str(exc) else repr(exc))

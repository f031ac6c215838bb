"""Plain-text figures shared by the CLI, the workbook and the report (no Qt, no I/O)."""

import math

MISSING = "n/a"


def fixed(value: float | None, digits: int = 0, suffix: str = "", missing: str = MISSING) -> str:
    """``1,234.5`` style with thousands separators; ``missing`` for None, inf and NaN (an
    infeasible option has no cost, and saying so beats printing 'inf')."""
    if value is None or not math.isfinite(value):
        return missing
    return f"{value:,.{digits}f}{suffix}"


def is_number(text: str) -> bool:
    """Whether ``float`` reads ``text`` ("nan", "-3" and "1e3" included): a cell that is a
    number must not be mistaken for a formula or a description."""
    try:
        float(text)
    except ValueError:
        return False
    return True

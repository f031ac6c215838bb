"""Column specs for the Scorecard tables (as ``tables.py``'s ``RESULT_COLUMNS``): each column
says once what it shows for every Qt role, so a model's ``data()`` is a lookup, not an
if-chain per column and role.

A spec is generic over the *row context* its getters read (a ``Criterion``, an option with
its latest result, a ranked position of a scorecard).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt

from tokentco.ui import theme

R = TypeVar("R")

Role = Qt.ItemDataRole
EDITOR_ROLE = Qt.ItemDataRole.UserRole + 7
"""What editor a cell wants: ("int", lo, hi) | ("float", lo, hi, decimals, suffix) |
("choice", [(value, text), ...]) | None (a line edit)."""

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CENTER = int(Qt.AlignmentFlag.AlignCenter)


def nothing(_row: object) -> None:
    return None


@dataclass(frozen=True)
class ColumnSpec(Generic[R]):
    """One column: header, per-role getters, editor hint and whether it is editable.

    ``edit`` None means "the displayed value" (most cells edit what they show).
    """

    key: str
    title: str
    tip: str | None = None
    display: Callable[[R], Any] = nothing
    edit: Callable[[R], Any] | None = None
    tooltip: Callable[[R], Any] = nothing
    editor: tuple[Any, ...] | None = None
    align: int | None = None
    muted: Callable[[R], bool] | None = None
    decoration: Callable[[R], Any] = nothing
    checked: Callable[[R], bool] | None = None
    editable: bool = False
    bold: bool = False

    def data(self, row: R, role: int) -> Any:
        """The value for one Qt role (None when this column has nothing for it)."""
        if role == Role.DisplayRole:
            return self.display(row)
        if role == Role.EditRole:
            return (self.edit or self.display)(row)
        if role == Role.ToolTipRole:
            return self.tooltip(row)
        if role == EDITOR_ROLE:
            return self.editor
        if role == Role.TextAlignmentRole:
            return self.align
        if role == Role.ForegroundRole:
            return theme.muted_foreground() if self.muted is not None and self.muted(row) else None
        if role == Role.DecorationRole:
            return self.decoration(row)
        if role == Role.CheckStateRole and self.checked is not None:
            return Qt.CheckState.Checked if self.checked(row) else Qt.CheckState.Unchecked
        return None

    def header(self, role: int) -> Any:
        if role == Role.DisplayRole:
            return self.title
        if role == Role.ToolTipRole:
            return self.tip
        return None

    def flags(self, base: Qt.ItemFlag) -> Qt.ItemFlag:
        if self.checked is not None:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable if self.editable else base


__all__ = ["CENTER", "EDITOR_ROLE", "RIGHT", "ColumnSpec", "nothing"]

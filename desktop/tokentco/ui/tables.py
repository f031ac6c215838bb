"""Table models over domain objects (Qt item models, never QTableWidget copies).

* :class:`ResultsModel` — one row per option of the latest :class:`Comparison` (held in a
  QStandardItemModel, so painting and sorting call no Python), every key
  figure plus a provenance column (measured with source, or estimated with model version),
  the basis of the throughput (measured / anchored ×f / estimated), the p10–p90 ranges of
  $/Mtok and tok/s/GPU, and a † on options whose figures rest on assumed inputs.
* :class:`CatalogueModel` — one catalogue table (accelerators, offers, …). Editing a cell
  builds a *new* validated row (the domain objects are immutable) and stores it in the
  project as a user row through the undo stack; a rejected value leaves the row unchanged
  and marks the cell (tinted, message in its tooltip) instead of raising.
"""

import enum
import math
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel

from tokentco.app.fieldpath import validation_message
from tokentco.domain import Catalogue, TableKind
from tokentco.engine.results import Comparison, OptionResult
from tokentco.present import formats as fmt
from tokentco.present import sentences
from tokentco.present.report_tables import basis_text
from tokentco.ui import theme
from tokentco.ui.charts import provenance_text
from tokentco.ui.charts.base import shared_scale
from tokentco.ui.document import ProjectDocument
from tokentco.ui.frozen_table import TOOLTIP_ONLY

AnyIndex = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[OptionResult], Any]
    text: Callable[[Any], str]
    tip: str = ""
    align_right: bool = True
    sort: Callable[[Any], Any] | None = None
    """The sort key of a value that is not a number itself (a range sorts by its p90)."""
    shared: bool = False
    """Print the whole column on one scale (:func:`shared_scale`), so "$582k" never stands
    beside "$1.92M"; ``text`` is then a scaled formatter of :mod:`tokentco.present.formats`."""

    def texts(self, values: Sequence[Any]) -> list[str]:
        """The text of every row of this column, for the column's ``values``."""
        if self.shared:
            return shared_scale(values, self.text)
        return [self.text(v) for v in values]


def _fleet(attr: str) -> Callable[[OptionResult], Any]:
    return lambda r: getattr(r.fleet, attr) if r.fleet is not None else None


def _feasible(fn: Callable[[OptionResult], Any]) -> Callable[[OptionResult], Any]:
    return lambda r: fn(r) if r.point.feasible else None


def _range(which: str) -> Callable[[OptionResult], Any]:
    """The p10–p90 range of ``which`` ("usd_per_mtok" or "tokens_per_s_per_gpu"), or None
    when the engine gives none (or the option cannot run)."""

    def value(r: OptionResult) -> Any:
        if r.uncertainty is None or not r.point.feasible:
            return None
        rng = getattr(r.uncertainty, which)
        # a figure measured at these conditions has no model error: no range to show
        return rng if rng is not None and rng.p10 < rng.p90 else None

    return value


@dataclass(frozen=True)
class RangeColumn(Column):
    """A p10–p90 column: both ends of every row share the column's one scale (as
    :func:`shared_scale`), so no range reads "850–1.2k" beside "1.9k–2.4k"."""

    formatter: fmt.Formatter = fmt.number

    def texts(self, values: Sequence[Any]) -> list[str]:
        ends: list[float | None] = []
        for v in values:
            ends.extend((None, None) if v is None else (v.p10, v.p90))
        shown = shared_scale(ends, self.formatter)
        return [
            fmt.MISSING if v is None or fmt.MISSING in (low, high) else f"{low}{fmt.DASH}{high}"
            for v, low, high in zip(values, shown[0::2], shown[1::2], strict=True)
        ]


def _range_text(formatter: fmt.Formatter) -> Callable[[Any], str]:
    return lambda v: fmt.MISSING if v is None else fmt.value_range(v.p10, v.p90, formatter)


def _range_sort(v: Any) -> Any:
    return None if v is None else v.p90


ASSUMED_MARK = "  †"
ASSUMED_TIP = "Rests on assumed inputs (not read from your data):"


def assumed_tip(r: OptionResult) -> str:
    """The assumptions behind an option's figures, one per line, with how to set each."""
    lines = [ASSUMED_TIP, *(f"• {sentences.assumption(a)}" for a in r.assumptions)]
    return "\n".join(lines)


def basis_tip(r: OptionResult, basis: str | None = None) -> str:
    """Where the throughput comes from (source, factor, model version) and its range group;
    ``basis`` is :func:`~tokentco.present.sentences.basis` of ``r`` if the caller has it."""
    text = sentences.basis(r) if basis is None else basis
    if r.uncertainty is not None and r.uncertainty.group:
        text += f"\nRange from out-of-sample errors of: {r.uncertainty.group}"
    return text


OWN_SERVING_MARK = "  ⚙"
OWN_SERVING_TIP = (
    "Keeps its own serving settings, so it is not compared on the project's terms. "
    "Comparison ▸ Use project serving settings for all options drops them."
)

RESULT_COLUMNS: tuple[Column, ...] = (
    Column("Option", lambda r: r.label or r.option_id, str, align_right=False),
    Column(
        "$/Mtok",
        _feasible(lambda r: r.usd_per_mtok),
        fmt.usd_per_mtok,
        "all-in cost per million tokens",
        shared=True,
    ),
    RangeColumn(
        "$/Mtok p10–p90",
        _range("usd_per_mtok"),
        _range_text(fmt.usd_per_mtok),
        "80 % of outcomes fall in this range, from the estimator's out-of-sample errors",
        sort=_range_sort,
        formatter=fmt.usd_per_mtok,
    ),
    Column(
        "$/GPU-h",
        lambda r: r.cost.usd_per_gpu_hour,
        fmt.money,
        "all-in cost of one GPU-hour",
        shared=True,
    ),
    Column(
        "tok/s/GPU",
        _feasible(lambda r: r.point.output_tokens_per_s_per_gpu),
        fmt.tokens_per_s,
        "output tokens per second per GPU at the operating point",
        shared=True,
    ),
    RangeColumn(
        "tok/s/GPU p10–p90",
        _range("tokens_per_s_per_gpu"),
        _range_text(fmt.tokens_per_s),
        "p10–p90 range of the throughput, from the estimator's out-of-sample errors",
        sort=_range_sort,
        formatter=fmt.tokens_per_s,
    ),
    Column(
        "Basis",
        lambda r: basis_text(r) if r.point.feasible else None,
        lambda v: v or fmt.MISSING,
        "measured, anchored to a measurement (×factor) or estimated by the model",
        align_right=False,
    ),
    Column(
        "tok/s/user",
        _feasible(lambda r: r.point.tokens_per_s_per_user),
        fmt.tokens_per_s,
        "output tokens per second each user sees",
        shared=True,
    ),
    Column(
        "TTFT ms",
        _feasible(lambda r: r.point.ttft_ms),
        lambda v: fmt.milliseconds(v, unit=False),
        "time to first token",
    ),
    Column(
        "Batch", _feasible(lambda r: r.point.concurrency), fmt.integer, "concurrency per replica"
    ),
    Column(
        "TP×EP",
        lambda r: f"{r.point.tp}×{r.point.ep}" if r.point.feasible else None,
        lambda v: v or "—",
    ),
    Column(
        "Binding",
        lambda r: r.point.binding.label if r.point.feasible else "infeasible",
        str,
        align_right=False,
    ),
    Column("GPUs", _fleet("gpus"), fmt.integer, "GPUs needed for the stated demand"),
    Column("Systems", _fleet("systems"), fmt.integer, "servers / racks needed"),
    Column("MW", _fleet("megawatts"), fmt.number, "facility power at the demand, MW", shared=True),
    Column(
        "Annual cost",
        _fleet("annual_cost_usd"),
        fmt.money,
        "per year at the stated demand",
        shared=True,
    ),
    Column(
        "Contract",
        _fleet("contract_value_usd"),
        fmt.money,
        "total over the term",
        shared=True,
    ),
    Column(
        "tok/s/MW",
        _feasible(lambda r: r.tokens_per_s_per_mw),
        fmt.tokens_per_s,
        "output tokens per second per MW of facility power",
        shared=True,
    ),
    Column(
        "kWh/Mtok",
        _feasible(lambda r: r.kwh_per_mtok),
        fmt.kwh_per_mtok,
        "facility energy per million tokens",
    ),
    Column(
        "Provenance",
        provenance_text,
        str,
        "measured (with source) or estimated (model version)",
        align_right=False,
    ),
)


BASIS_TIPS = tuple(
    c.header in ("Provenance", "Basis") or c.header.endswith("p10–p90") for c in RESULT_COLUMNS
)
"""Per column: whether its tooltip says where the throughput comes from."""
BINDING_COLUMN = next(i for i, c in enumerate(RESULT_COLUMNS) if c.header == "Binding")
PROVENANCE_COLUMN = next(i for i, c in enumerate(RESULT_COLUMNS) if c.header == "Provenance")
assert RESULT_COLUMNS[PROVENANCE_COLUMN].value is provenance_text  # the basis sentence


@dataclass
class Changes:
    """Per column, the rows (ascending) whose cell changed in what a view shows (text,
    sort key, style) and those whose tooltip alone changed."""

    shown: list[list[int]]
    tips: list[list[int]]


class ResultsModel(QStandardItemModel):
    """Key figures of every option; raw values under ``SORT_ROLE`` for numeric sorting.

    Every cell is formatted once per comparison (``set_comparison``) and kept in Qt's own
    item store, so painting and sorting the table call no Python; only cells that changed
    are rewritten, announced in a few rectangles of changed cells (:meth:`_announce`; the
    sort proxy re-sorts once per refresh, for the one that holds its column).
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(0, len(RESULT_COLUMNS), parent)
        self.comparison: Comparison | None = None
        self.colours: dict[str, int] = {}
        self._cells: list[list[tuple[str, Any, str | None]]] = []
        self._texts_of: dict[int, tuple[list[Any], list[str]]] = {}
        """Per column, its last values and their texts."""
        self._cheapest = ""
        self._bold = QFont()
        self._bold.setBold(True)
        self._plain = QFont()
        self._align = [
            Qt.AlignmentFlag(
                (Qt.AlignmentFlag.AlignRight if c.align_right else Qt.AlignmentFlag.AlignLeft)
                | Qt.AlignmentFlag.AlignVCenter
            )
            for c in RESULT_COLUMNS
        ]
        for section, col in enumerate(RESULT_COLUMNS):
            header = QStandardItem(col.header)
            if col.tip:
                header.setToolTip(col.tip)
            self.setHorizontalHeaderItem(section, header)

    @staticmethod
    def _row(
        r: OptionResult, values: Sequence[Any], texts: Sequence[str], own_serving: bool = False
    ) -> list[tuple[str, Any, str | None]]:
        cells = []
        basis: str | None = None  # one option's basis tip, shared by four columns
        warnings = "\n".join(r.warnings) if r.warnings else None
        infeasible = None if r.point.feasible else f"Infeasible: {r.point.reason}"
        for column, col in enumerate(RESULT_COLUMNS):
            value = values[column]
            sort = col.sort(value) if col.sort is not None else value
            if value is None or (isinstance(value, float) and not math.isfinite(value)):
                sort = float("inf")
            tip: str | None = None
            if infeasible is not None:
                tip = infeasible
            elif column == BINDING_COLUMN:
                tip = r.point.binding.explanation
            elif BASIS_TIPS[column]:
                if basis is None:
                    basis = basis_tip(r, values[PROVENANCE_COLUMN])
                tip = basis
            else:
                tip = warnings
            text = texts[column]
            if column == 0 and r.assumptions:
                text += ASSUMED_MARK
                tip = "\n".join(t for t in (assumed_tip(r), tip) if t)
            if column == 0 and own_serving:
                text += OWN_SERVING_MARK
                tip = "\n".join(t for t in (OWN_SERVING_TIP, tip) if t)
            cells.append((text, sort, tip))
        return cells

    def _fill_row(
        self,
        row: int,
        cells: list[tuple[str, Any, str | None]],
        old: list[tuple[str, Any, str | None]] | None = None,
        restyle: bool = True,
        changes: Changes | None = None,
    ) -> None:
        """Write the cells of one row that differ from ``old`` (signals blocked by caller),
        noting in ``changes`` the columns whose cell changed."""
        assert self.comparison is not None
        option_id = self.comparison.options[row].option_id
        font = self._bold if option_id == self._cheapest else self._plain
        for column, cell in enumerate(cells):
            before = old[column] if old is not None else None
            if before == cell and not restyle:
                continue
            item = self.item(row, column)
            if item is None:
                item = QStandardItem()
                item.setEditable(False)
                item.setTextAlignment(self._align[column])
                self.setItem(row, column, item)
            text, sort, tip = cell
            # only the parts that changed (a new length changes the figures, rarely a tip)
            shown = restyle
            if before is None or before[0] != text:
                item.setText(text)
                shown = True
            if before is None or before[1] != sort:
                item.setData(sort, SORT_ROLE)
                shown = True
            if before is None or before[2] != tip:
                item.setToolTip(tip or "")
            if restyle:
                item.setFont(font)
                if column == 0:
                    colour = theme.option_colour(self.colours.get(option_id, row))
                    item.setData(colour, Qt.ItemDataRole.DecorationRole)
            if changes is not None:
                (changes.shown if shown else changes.tips)[column].append(row)

    def set_comparison(
        self,
        comparison: Comparison,
        colours: dict[str, int],
        own_serving: frozenset[str] = frozenset(),
        labels: Mapping[str, str] | None = None,
    ) -> None:
        """Show ``comparison``; options in ``own_serving`` keep their own serving settings
        and are marked (the comparison is not on the same terms for them). ``labels`` names
        the options (the unique full labels of :mod:`tokentco.present.labels`; by default
        each result's own label)."""
        cells = self._cells_of(comparison, own_serving, labels or {})
        cheapest = comparison.cheapest
        cheapest_id = cheapest.option_id if cheapest is not None else ""
        same_shape = self.comparison is not None and [
            o.option_id for o in self.comparison.options
        ] == [o.option_id for o in comparison.options]
        if same_shape and colours == self.colours:
            old, old_cheapest = self._cells, self._cheapest
            self.comparison, self._cells, self._cheapest = comparison, cells, cheapest_id
            restyled = {cheapest_id, old_cheapest} if cheapest_id != old_cheapest else set[str]()
            changed = [
                (row, comparison.options[row].option_id in restyled)
                for row, (before, after) in enumerate(zip(old, cells, strict=True))
                if before != after or comparison.options[row].option_id in restyled
            ]
            if changed:  # the rows rewritten silently, then announced in a few signals
                changes = Changes([[] for _ in RESULT_COLUMNS], [[] for _ in RESULT_COLUMNS])
                blocked = self.blockSignals(True)
                try:
                    for row, restyle in changed:
                        self._fill_row(row, cells[row], old[row], restyle, changes)
                finally:
                    self.blockSignals(blocked)
                self._announce(changes)
        else:
            self.beginResetModel()
            blocked = self.blockSignals(True)
            try:
                self.comparison, self.colours = comparison, colours
                self._cells, self._cheapest = cells, cheapest_id
                self.setRowCount(len(cells))
                for row, row_cells in enumerate(cells):
                    self._fill_row(row, row_cells)
            finally:
                self.blockSignals(blocked)
            self.endResetModel()

    def _announce(self, changes: Changes) -> None:
        """``dataChanged`` for the cells that changed, in a few rectangles: the views
        repaint only those cells. A cell whose text or sort key changed (or whose row was
        restyled: a new cheapest) is announced for every role; one whose tooltip alone
        changed, for the tooltip role only (``frozen_table.TOOLTIP_ONLY``), which the
        results views do not repaint (:class:`tokentco.ui.frozen_table.TipAwareTable`).
        An input-length drag changes the tooltips of the p10–p90 columns (the basis
        sentence names the anchoring factor), not their "—": repainting them and the
        unchanged $/GPU-h between was more than half of the table's paint."""
        for first, last, top, bottom in _rectangles(changes.shown):
            self.dataChanged.emit(self.index(top, first), self.index(bottom, last))
        for first, last, top, bottom in _rectangles(changes.tips):
            self.dataChanged.emit(self.index(top, first), self.index(bottom, last), TOOLTIP_ONLY)

    def _cells_of(
        self, comparison: Comparison, own_serving: frozenset[str], labels: Mapping[str, str]
    ) -> list[list[tuple[str, Any, str | None]]]:
        """Every cell's (text, sort key, tooltip); numbers are formatted column by column, so
        a column shares one scale and one number of decimals."""
        results = comparison.options
        values = [[col.value(r) for col in RESULT_COLUMNS] for r in results]
        for r, row in zip(results, values, strict=True):
            row[0] = labels.get(r.option_id, row[0])
        by_column = [
            self._column_texts(c, col, [row[c] for row in values])
            for c, col in enumerate(RESULT_COLUMNS)
        ]
        return [
            self._row(r, row, [texts[i] for texts in by_column], r.option_id in own_serving)
            for i, (r, row) in enumerate(zip(results, values, strict=True))
        ]

    def _column_texts(self, index: int, column: Column, values: list[Any]) -> list[str]:
        """The column's texts for ``values``, formatted again only when they differ from
        the column's last values (a utilization drag moves one column of twenty)."""
        kept = self._texts_of.get(index)
        if kept is not None and kept[0] == values:
            return kept[1]
        texts = column.texts(values)
        self._texts_of[index] = (values, texts)
        return texts

    def result(self, row: int) -> OptionResult:
        assert self.comparison is not None
        return self.comparison.options[row]


def _rectangles(rows_of: list[list[int]]) -> list[tuple[int, int, int, int]]:
    """(first column, last column, top row, bottom row) covering, per column, the rows
    listed for it (ascending): neighbouring columns with the same top and bottom rows
    share one rectangle, so an input-length drag is three signals, not twenty."""
    out: list[tuple[int, int, int, int]] = []
    for column, rows in enumerate(rows_of):
        if not rows:
            continue
        top, bottom = rows[0], rows[-1]
        if out and out[-1][1] == column - 1 and out[-1][2:] == (top, bottom):
            out[-1] = (out[-1][0], column, top, bottom)
        else:
            out.append((column, column, top, bottom))
    return out


# --- catalogue tables -------------------------------------------------------------------------
def _is_scalar(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return all(_is_scalar(a) for a in typing.get_args(annotation) if a is not type(None))
    if isinstance(annotation, type):
        return issubclass(annotation, str | int | float | bool | enum.Enum)
    return False


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, BaseModel):
        return ", ".join(f"{k}={_show(v)}" for k, v in value if v is not None)
    return str(value)


KIND_TITLES: dict[TableKind, str] = {
    "accelerators": "Accelerators",
    "offers": "Offers",
    "models": "Models",
    "measured": "Measured results",
    "systems": "Systems",
}


class CatalogueModel(QAbstractTableModel):
    """One catalogue table of the open project (bundled rows + imported/edited rows)."""

    validationFailed = Signal(str)

    def __init__(self, doc: ProjectDocument, kind: TableKind, parent: Any = None) -> None:
        super().__init__(parent)
        self.doc, self.kind = doc, kind
        self.errors: dict[tuple[str, str], str] = {}
        self._catalogue: Catalogue | None = None
        self.rows: list[BaseModel] = []
        self.fields: list[str] = []
        self._headers: dict[str, str] = {}
        self._reload()
        doc.projectChanged.connect(self._reload)

    def _reload(self, *_: object) -> None:
        catalogue = self.doc.catalogue
        if catalogue is self._catalogue:
            return
        self.beginResetModel()
        self._catalogue = catalogue
        table = catalogue.table(self.kind)
        self.rows = list(table.values())
        if self.rows:
            cls: type[BaseModel] = type(self.rows[0])
        else:
            from tokentco import domain

            cls = {  # type: ignore[assignment]
                "accelerators": domain.Accelerator,
                "offers": domain.Offer,
                "models": domain.ModelSpec,
                "measured": domain.MeasuredPoint,
                "systems": domain.System,
            }[self.kind]
        self.row_type = cls
        fields = list(cls.model_fields)
        fields.remove("id")
        long_text = [f for f in fields if f == "source"]
        self.fields = ["id", *[f for f in fields if f not in long_text], *long_text]
        from tokentco.io.import_columns import FIELDS  # loaded with the Catalogue tab

        # the same "Label (unit)" headers the import templates use, so a sheet and the
        # catalogue read alike
        self._headers = {spec.name: spec.header for spec in FIELDS[self.kind]}
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.fields) + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == len(self.fields):
                return "Provenance"
            return self._headers.get(self.fields[section], self.fields[section].replace("_", " "))
        if role == Qt.ItemDataRole.ToolTipRole and section < len(self.fields):
            name = self.fields[section]
            info = self.row_type.model_fields[name]
            return f"{info.description or name} (field {name})"
        return None

    def field_of(self, column: int) -> str:
        return self.fields[column] if column < len(self.fields) else ""

    def row_id(self, row: int) -> str:
        return str(getattr(self.rows[row], "id"))  # noqa: B009

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        row_id = str(getattr(row, "id"))  # noqa: B009
        if index.column() == len(self.fields):
            if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
                assert self._catalogue is not None
                return self._catalogue.provenance_of(self.kind, row_id).describe()
            return None
        name = self.fields[index.column()]
        value = getattr(row, name)
        error = self.errors.get((row_id, name))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return _show(value)
        if role == SORT_ROLE:
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
            return _show(value).lower()
        if role == Qt.ItemDataRole.ToolTipRole:
            if error:
                return f"Not accepted: {error}"
            return _show(value) if name == "source" else None
        if role == Qt.ItemDataRole.BackgroundRole and error:
            return theme.error_background()
        if (
            role == Qt.ItemDataRole.TextAlignmentRole
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        name = self.field_of(index.column())
        if name and name != "id" and _is_scalar(self.row_type.model_fields[name].annotation):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        ok, _ = self.edit_cell(index.row(), self.field_of(index.column()), value)
        return ok

    def edit_cell(self, row: int, name: str, text: Any) -> tuple[bool, str]:
        """Validate and store an edited value; returns (accepted, message)."""
        old = self.rows[row]
        row_id = str(getattr(old, "id"))  # noqa: B009
        data = dict(old)
        raw = text.strip() if isinstance(text, str) else text
        data[name] = None if raw == "" else raw
        try:
            new = type(old).model_validate(data)
        except ValidationError as exc:
            message = f"{self.kind} {row_id}: {validation_message(exc)}"
            self.errors[(row_id, name)] = message
            column = self.fields.index(name)
            self.dataChanged.emit(self.index(row, column), self.index(row, column))
            self.validationFailed.emit(message)
            return False, message
        self.errors.pop((row_id, name), None)
        if new == old:
            return True, ""
        self.doc.put_rows(self.kind, [new], f"Edit {name.replace('_', ' ')} of {row_id}")  # type: ignore[list-item]
        return True, ""

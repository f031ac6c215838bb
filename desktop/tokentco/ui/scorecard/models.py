"""The Scorecard tab's three table models over one ``ProjectDocument``.

* :class:`CriteriaModel` — ``Project.criteria`` (name, unit, direction, weight %, rule).
* :class:`OptionInputsModel` — per option: the four lock-in sub-questions (1–5, averaged),
  accuracy validated + evidence, the derived accuracy-risk rubric, lead time, and a value
  for every analyst-added (manual) criterion.
* :class:`RankingModel` — weighted totals and ranks from the scorecard, winner highlighted.

What each column shows is a :class:`~tokentco.ui.scorecard.columns.ColumnSpec` table; the
models only find the row context and the column. Every edit builds a new validated project
and goes through ``doc.apply`` as its own undo step; a rejected value leaves the project
unchanged, tints the cell and says why (tooltip and status bar).
"""

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from tokentco.app.fieldpath import validation_message
from tokentco.domain import ComparisonOption, Project
from tokentco.domain.scorecard import Criterion, Direction, LockInRubric, ScoringRule
from tokentco.engine.results import Comparison, OptionResult
from tokentco.engine.scoring import Scorecard
from tokentco.ui import theme
from tokentco.ui.document import ProjectDocument
from tokentco.ui.scorecard.columns import CENTER, RIGHT, ColumnSpec, Role
from tokentco.ui.scorecard.texts import (
    ACCURACY_RUBRIC,
    DIRECTION_TEXT,
    LOCK_IN_QUESTIONS,
    LOCK_IN_SCALE,
    RULE_TEXT,
    RULE_TIPS,
    fmt_value,
    manual_criteria,
    parse_number,
    short_header,
)

AnyIndex = QModelIndex | QPersistentModelIndex


class _EditsModel(QAbstractTableModel):
    """Shared plumbing: a document, rejected-cell messages, refresh without a reset."""

    message = Signal(str)

    def __init__(self, doc: ProjectDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.errors: dict[tuple[str, str], str] = {}
        self._shape = (0, 0)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows()

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._columns()

    def _rows(self) -> int:
        raise NotImplementedError

    def _columns(self) -> int:
        raise NotImplementedError

    def refresh(self) -> None:
        """Same shape: one dataChanged (selection and focus survive); else a reset."""
        shape = (self._rows(), self._columns())
        if shape != self._shape:
            self.beginResetModel()
            self._shape = shape
            self.endResetModel()
        elif shape[0] and shape[1]:
            self.dataChanged.emit(self.index(0, 0), self.index(shape[0] - 1, shape[1] - 1))
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, shape[1] - 1)

    def reject(self, key: tuple[str, str], index: AnyIndex, message: str) -> bool:
        self.errors[key] = message
        self.dataChanged.emit(index, index)
        self.message.emit(f"Not accepted — {message}")
        return False

    def accept(self, key: tuple[str, str], project: Project, text: str) -> bool:
        self.errors.pop(key, None)
        self.doc.apply(project, text)  # no merge key: every edit is its own undo step
        return True

    def error_data(self, key: tuple[str, str], role: int) -> Any:
        error = self.errors.get(key)
        if error and role == Role.ToolTipRole:
            return f"Not accepted: {error}"
        if error and role == Role.BackgroundRole:
            return theme.error_background()
        return None


# --- criteria ----------------------------------------------------------------------------------
CRITERIA_COLUMNS: tuple[ColumnSpec[Criterion], ...] = (
    ColumnSpec(
        "name",
        "Criterion",
        "what the committee compares",
        display=lambda c: str(c.name),
        tooltip=lambda c: f"{c.name} ({c.unit}, {DIRECTION_TEXT[c.direction]})",
        editable=True,
    ),
    ColumnSpec("unit", "Unit", "unit of the raw value", display=lambda c: c.unit, editable=True),
    ColumnSpec(
        "direction",
        "Better",
        "which way is better",
        display=lambda c: c.direction.value,
        editor=("choice", [(d.value, DIRECTION_TEXT[d]) for d in Direction]),
        editable=True,
    ),
    ColumnSpec(
        "weight_pct",
        "Weight %",
        "share of the weighted total (0–100); the weights should add up to 100 %",
        display=lambda c: f"{c.weight_pct:g}",
        edit=lambda c: c.weight_pct,
        editor=("float", 0.0, 100.0, 1, " %"),
        align=RIGHT,
        editable=True,
    ),
    ColumnSpec(
        "rule",
        "Scoring rule",
        "how raw values become 0–100 scores",
        display=lambda c: RULE_TEXT[c.rule],
        edit=lambda c: c.rule.value,
        tooltip=lambda c: RULE_TIPS[c.rule],
        editor=("choice", [(r.value, RULE_TEXT[r]) for r in ScoringRule]),
        editable=True,
    ),
    ColumnSpec(
        "metric",
        "Source",
        "engine result, or 'analyst' for values typed per option below",
        display=lambda c: "engine" if c.metric else "analyst",
        edit=lambda c: c.metric,
        tooltip=lambda c: (
            f"engine result field '{c.metric}'"
            if c.metric
            else "typed per option in the table below"
        ),
        muted=lambda _c: True,
    ),
)
CRITERIA_FIELDS = tuple(spec.key for spec in CRITERIA_COLUMNS if spec.editable)


class CriteriaModel(_EditsModel):
    """``Project.criteria`` as an editable table."""

    def _rows(self) -> int:
        return len(self.doc.project.criteria)

    def _columns(self) -> int:
        return len(CRITERIA_COLUMNS)

    def criterion(self, row: int) -> Criterion:
        return self.doc.project.criteria[row]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        return CRITERIA_COLUMNS[section].header(role)

    def data(self, index: AnyIndex, role: int = Role.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._rows():
            return None
        criterion = self.criterion(index.row())
        spec = CRITERIA_COLUMNS[index.column()]
        err = self.error_data((criterion.id, spec.key), role)
        return err if err is not None else spec.data(criterion, role)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        return CRITERIA_COLUMNS[index.column()].flags(base) if index.isValid() else base

    def setData(self, index: AnyIndex, value: Any, role: int = Role.EditRole) -> bool:
        if role != Role.EditRole or not index.isValid():
            return False
        spec = CRITERIA_COLUMNS[index.column()]
        return spec.editable and self.set_field(index.row(), spec.key, value)

    def set_field(self, row: int, field: str, value: Any) -> bool:
        """Validate and store one criterion field; False (and a message) when rejected."""
        old = self.criterion(row)
        key = (old.id, field)
        index = self.index(row, CRITERIA_FIELDS.index(field))
        if field == "weight_pct":
            try:
                number = parse_number(value, f"weight of '{old.name}'")
            except ValueError as exc:
                return self.reject(key, index, str(exc))
            if number is None:
                return self.reject(key, index, f"weight of '{old.name}': enter 0–100 %")
            value = number
        if field == "name" and not str(value).strip():
            return self.reject(key, index, "a criterion needs a name")
        data = dict(old)
        data[field] = value.strip() if isinstance(value, str) else value
        try:
            new = Criterion.model_validate(data)
        except ValidationError as exc:
            return self.reject(key, index, f"'{old.name}': {validation_message(exc)}")
        if new == old:
            self.errors.pop(key, None)
            return True
        criteria = list(self.doc.project.criteria)
        criteria[row] = new
        project = self.doc.project.model_copy(update={"criteria": tuple(criteria)})
        label = field.replace("_pct", "").replace("_", " ")
        return self.accept(key, project, f"Set {label} of '{old.name}'")


# --- per-option inputs -------------------------------------------------------------------------
@dataclass(frozen=True)
class InputRow:
    """What an inputs cell reads: the option, its row, and its latest result (if any)."""

    option: ComparisonOption
    row: int
    result: OptionResult | None
    fresh: bool  # the result was computed for exactly the project on screen


LOCK_IN_KEYS = tuple(key for key, _, _ in LOCK_IN_QUESTIONS)
INPUT_TIPS = {
    **{key: f"{name}: {question}\n{LOCK_IN_SCALE}" for key, name, question in LOCK_IN_QUESTIONS},
    "lock_in": "Vendor lock-in rubric: the average of the four sub-questions (1 best … 5 worst)",
    "validated": "Published accuracy validation for this model at the chosen precision",
    "evidence": "Link or document that justifies an accuracy-risk of 2 or 3",
    "accuracy_risk": ACCURACY_RUBRIC,
    "lead_time": "Weeks until delivery; empty = the offer's published lead time",
}


def _lock_in_column(key: str, title: str) -> ColumnSpec[InputRow]:
    return ColumnSpec(
        key,
        title,
        INPUT_TIPS[key],
        display=lambda r: int(getattr(r.option.lock_in, key)),
        tooltip=lambda _r: INPUT_TIPS[key],
        editor=("int", 1, 5),
        align=CENTER,
        editable=True,
    )


def _lead_time_text(r: InputRow) -> str:
    own = r.option.lead_time_weeks
    if own is not None:
        return f"{own:g}"
    offer = r.result.lead_time_weeks if r.result is not None else None
    return "—" if offer is None else f"{offer:g} (offer)"


FIXED_INPUT_COLUMNS: tuple[ColumnSpec[InputRow], ...] = (
    ColumnSpec(
        "option",
        "Option",
        display=lambda r: r.option.display_name,
        tooltip=lambda r: r.option.id,
        decoration=lambda r: theme.option_colour(r.row),
    ),
    *(_lock_in_column(key, title) for key, title, _ in LOCK_IN_QUESTIONS),
    ColumnSpec(
        "lock_in",
        "Lock-in avg",
        INPUT_TIPS["lock_in"],
        display=lambda r: f"{r.option.lock_in.score:.2f}",
        tooltip=lambda _r: INPUT_TIPS["lock_in"],
        align=CENTER,
        muted=lambda _r: True,
    ),
    ColumnSpec(
        "validated",
        "Validated",
        INPUT_TIPS["validated"],
        display=lambda r: "yes" if r.option.accuracy_validated else "no",
        edit=lambda _r: None,
        tooltip=lambda _r: INPUT_TIPS["validated"],
        checked=lambda r: r.option.accuracy_validated,
    ),
    ColumnSpec(
        "evidence",
        "Accuracy evidence",
        INPUT_TIPS["evidence"],
        display=lambda r: r.option.accuracy_evidence,
        tooltip=lambda r: r.option.accuracy_evidence or INPUT_TIPS["evidence"],
        editable=True,
    ),
    ColumnSpec(
        "accuracy_risk",
        "Accuracy risk",
        INPUT_TIPS["accuracy_risk"],
        display=lambda r: "…" if r.result is None else str(r.result.accuracy_risk),
        tooltip=lambda _r: ACCURACY_RUBRIC,
        align=CENTER,
        muted=lambda r: not r.fresh,
    ),
    ColumnSpec(
        "lead_time",
        "Lead time (weeks)",
        INPUT_TIPS["lead_time"],
        display=_lead_time_text,
        edit=lambda r: "" if r.option.lead_time_weeks is None else f"{r.option.lead_time_weeks:g}",
        tooltip=lambda _r: INPUT_TIPS["lead_time"],
        align=RIGHT,
        muted=lambda r: r.option.lead_time_weeks is None,
        editable=True,
    ),
)


def _manual_column(criterion: Criterion) -> ColumnSpec[InputRow]:
    """The column of an analyst criterion: its value typed per option."""

    def value(r: InputRow) -> str:
        number = r.option.manual_values.get(criterion.id)
        return "" if number is None else f"{number:g}"

    title = short_header(criterion)
    return ColumnSpec(
        "manual:" + criterion.id,
        f"{title} ({criterion.unit})" if criterion.unit else title,
        f"Analyst criterion '{criterion.name}' — value per option, {criterion.unit or 'no unit'}",
        display=value,
        tooltip=lambda _r: "Type a number; empty = no answer (scores 0)",
        align=RIGHT,
        editable=True,
    )


class OptionInputsModel(_EditsModel):
    """One row per comparison option: rubrics, evidence, lead time, analyst values."""

    def __init__(self, doc: ProjectDocument, parent: QObject | None = None) -> None:
        super().__init__(doc, parent)
        self.results: dict[str, OptionResult] = {}
        self.results_for: Project | None = None
        self._specs_for: tuple[Criterion, ...] | None = None
        self._specs: tuple[ColumnSpec[InputRow], ...] = FIXED_INPUT_COLUMNS

    @property
    def specs(self) -> tuple[ColumnSpec[InputRow], ...]:
        """The fixed columns plus one per analyst criterion (rebuilt when criteria change)."""
        criteria = self.doc.project.criteria
        if criteria is not self._specs_for:
            manual = tuple(_manual_column(c) for c in manual_criteria(self.doc.project))
            self._specs, self._specs_for = (*FIXED_INPUT_COLUMNS, *manual), criteria
        return self._specs

    def _rows(self) -> int:
        return len(self.doc.project.options)

    def _columns(self) -> int:
        return len(self.specs)

    def key_of(self, column: int) -> str:
        return self.specs[column].key

    def column_of(self, key: str) -> int:
        for column, spec in enumerate(self.specs):
            if spec.key == key:
                return column
        raise KeyError(key)

    def set_results(self, comparison: Comparison, project: Project) -> None:
        self.results = {r.option_id: r for r in comparison.options}
        self.results_for = project
        rows = self._rows()
        if rows and (rows, self._columns()) == self._shape:
            for key in ("accuracy_risk", "lead_time"):
                column = self.column_of(key)
                self.dataChanged.emit(self.index(0, column), self.index(rows - 1, column))
        else:
            self.refresh()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or section >= self._columns():
            return None
        return self.specs[section].header(role)

    def data(self, index: AnyIndex, role: int = Role.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._rows() or index.column() >= self._columns():
            return None
        option = self.doc.project.options[index.row()]
        spec = self.specs[index.column()]
        err = self.error_data((option.id, spec.key), role)
        if err is not None:
            return err
        result = self.results.get(option.id)
        fresh = result is not None and self.results_for == self.doc.project
        return spec.data(InputRow(option, index.row(), result, fresh), role)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        return self.specs[index.column()].flags(base) if index.isValid() else base

    def setData(self, index: AnyIndex, value: Any, role: int = Role.EditRole) -> bool:
        if not index.isValid():
            return False
        key = self.key_of(index.column())
        option = self.doc.project.options[index.row()]
        if key == "validated" and role == Role.CheckStateRole:
            checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
            return self.set_input(option.id, key, checked)
        if role != Role.EditRole:
            return False
        return self.set_input(option.id, key, value)

    def set_input(self, option_id: str, key: str, value: Any) -> bool:
        """Validate and store one per-option input; False (and a message) when rejected."""
        project = self.doc.project
        option = project.option(option_id)
        row = [o.id for o in project.options].index(option_id)
        index = self.index(row, self.column_of(key))
        where = option.display_name
        update: dict[str, Any]
        try:
            if key in LOCK_IN_KEYS:
                number = parse_number(value, f"{where}, lock-in {key}")
                if number is None or number != int(number):
                    raise ValueError(f"{where}, lock-in {key}: enter a whole number 1–5")
                data = dict(option.lock_in)
                data[key] = int(number)
                update = {"lock_in": LockInRubric.model_validate(data)}
                text = f"Set lock-in {key} of {where}"
            elif key == "validated":
                update = {"accuracy_validated": bool(value)}
                text = f"{'Mark' if value else 'Unmark'} accuracy validated for {where}"
            elif key == "evidence":
                update = {"accuracy_evidence": str(value or "").strip()}
                text = f"Set accuracy evidence of {where}"
            elif key == "lead_time":
                weeks = parse_number(value, f"{where}, lead time")
                if weeks is not None and weeks < 0:
                    raise ValueError(f"{where}, lead time: weeks cannot be negative")
                update = {"lead_time_weeks": weeks}
                text = f"Set lead time of {where}"
            elif key.startswith("manual:"):
                cid = key.removeprefix("manual:")
                number = parse_number(value, f"{where}, {cid}")
                values = dict(option.manual_values)
                if number is None:
                    values.pop(cid, None)
                else:
                    values[cid] = number
                update = {"manual_values": values}
                text = f"Set {cid} of {where}"
            else:
                return False
            data = dict(option)
            data.update(update)
            new = ComparisonOption.model_validate(data)
        except ValidationError as exc:
            return self.reject((option_id, key), index, f"{where}: {validation_message(exc)}")
        except ValueError as exc:
            return self.reject((option_id, key), index, str(exc))
        if new == option:
            self.errors.pop((option_id, key), None)
            return True
        options = tuple(new if o.id == option_id else o for o in project.options)
        return self.accept((option_id, key), project.model_copy(update={"options": options}), text)


# --- ranking -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class RankRow:
    """What a ranking cell reads: the scorecard and the option at this rank."""

    card: Scorecard
    k: int  # the option's position in the scorecard's arrays
    winner: bool
    colour: int


RANKING_COLUMNS: tuple[ColumnSpec[RankRow], ...] = (
    ColumnSpec("rank", "Rank", display=lambda r: f"{r.card.ranks[r.k]}", align=CENTER),
    ColumnSpec(
        "option",
        "Option",
        display=lambda r: ("★ " if r.winner else "") + r.card.labels[r.k],
        decoration=lambda r: theme.option_colour(r.colour),
        tooltip=lambda r: (
            None
            if r.card.feasible[r.k]
            else "Cannot meet the latency target: totals 0 and ranks last"
        ),
    ),
    ColumnSpec(
        "total",
        "Total",
        "Weighted total Σ weight × score / Σ weight (0–100)",
        display=lambda r: f"{r.card.totals[r.k]:.1f}",
        align=RIGHT,
        bold=True,
    ),
)


def _score_column(i: int, criterion: Criterion) -> ColumnSpec[RankRow]:
    """Criterion ``i``'s 0–100 score, with the raw value and weight in the tooltip."""
    return ColumnSpec(
        "score:" + criterion.id,
        short_header(criterion),
        f"{criterion.name} — {criterion.weight_pct:g} % weight, score 0–100 "
        f"({RULE_TEXT[criterion.rule]})",
        display=lambda r: f"{r.card.scores[i, r.k]:.0f}",
        tooltip=lambda r: (
            f"{criterion.name}: {fmt_value(float(r.card.values[i, r.k]), criterion.unit)} → "
            f"score {r.card.scores[i, r.k]:.1f} × {criterion.weight_pct:g} %"
        ),
        align=RIGHT,
    )


class RankingModel(QAbstractTableModel):
    """Options best first: rank, weighted total, then every criterion's 0–100 score."""

    FIXED = tuple(spec.title for spec in RANKING_COLUMNS)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.card: Scorecard | None = None
        self.colours: dict[str, int] = {}
        self.specs: tuple[ColumnSpec[RankRow], ...] = RANKING_COLUMNS
        self._bold = QFont()
        self._bold.setBold(True)

    def set_card(self, card: Scorecard, colours: dict[str, int]) -> None:
        self.beginResetModel()
        self.card, self.colours = card, colours
        scores = tuple(_score_column(i, c) for i, c in enumerate(card.criteria))
        self.specs = (*RANKING_COLUMNS, *scores)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.card is None else len(self.card.option_ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.specs)

    def option_at(self, row: int) -> int:
        assert self.card is not None
        return self.card.order[row]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or section >= len(self.specs):
            return None
        return self.specs[section].header(role)

    def data(self, index: AnyIndex, role: int = Role.DisplayRole) -> Any:
        if self.card is None or not index.isValid():
            return None
        card = self.card
        k = self.option_at(index.row())
        spec = self.specs[index.column()]
        winner = index.row() == 0 and bool(card.feasible[k])
        # row-wide styling first: the winner is bold on a tint, infeasible rows are muted
        if role == Role.FontRole and (winner or spec.bold):
            return self._bold
        if role == Role.BackgroundRole and winner:
            colour = QColor(theme.DECREASE)
            colour.setAlpha(60)
            return colour
        if role == Role.ForegroundRole and not card.feasible[k]:
            return theme.muted_foreground()
        row = RankRow(card, k, winner, self.colours.get(card.option_ids[k], k))
        return spec.data(row, role)


__all__ = [
    "CRITERIA_COLUMNS",
    "FIXED_INPUT_COLUMNS",
    "INPUT_TIPS",
    "LOCK_IN_KEYS",
    "RANKING_COLUMNS",
    "CriteriaModel",
    "OptionInputsModel",
    "RankingModel",
]

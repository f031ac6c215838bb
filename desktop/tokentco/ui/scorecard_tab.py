"""The Scorecard tab: the committee's criteria and weights, the per-option rubrics, the ranking.

Three views over one :class:`~tokentco.ui.document.ProjectDocument`:

* :class:`CriteriaModel` — ``Project.criteria`` (name, unit, direction, weight %, rule);
  a "weights add up to N %" line that turns into a warning when the sum is not 100 %.
* :class:`OptionInputsModel` — per option: the four vendor lock-in sub-questions (1–5,
  averaged), accuracy validated + evidence, the derived accuracy-risk rubric, lead time,
  and a value for every analyst-added (manual) criterion.
* :class:`RankingModel` — weighted totals and ranks from
  :func:`tokentco.engine.scoring.score`, winner highlighted, and the sensitivity sentence.

Every edit builds a new validated project and goes through ``doc.apply`` as its own undo
step; a rejected value leaves the project unchanged, tints the cell and says why (tooltip
and status bar). Scoring (≈0.1 s with its break-even search) runs on the window's
background helper, coalesced, and only while the tab is visible.
"""

import math
import re
from collections.abc import Callable
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
from PySide6.QtGui import QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tokentco.app.fieldpath import validation_message
from tokentco.domain import ComparisonOption, Project
from tokentco.domain.scorecard import (
    DEFAULT_CRITERIA,
    Criterion,
    Direction,
    LockInRubric,
    ScoringRule,
)
from tokentco.engine.results import Comparison, OptionResult
from tokentco.engine.scoring import Scorecard, score
from tokentco.ui import theme
from tokentco.ui.background import BackgroundOps, describe_exception
from tokentco.ui.document import ProjectDocument

AnyIndex = QModelIndex | QPersistentModelIndex
EDITOR_ROLE = Qt.ItemDataRole.UserRole + 7
"""What editor a cell wants: ("int", lo, hi) | ("float", lo, hi, decimals, suffix) |
("choice", [(value, text), ...]) | None (a line edit)."""

RULE_TEXT = {
    ScoringRule.RATIO_TO_BEST: "ratio to best",
    ScoringRule.MIN_MAX: "min–max",
    ScoringRule.RUBRIC: "rubric 1–5",
}
RULE_TIPS = {
    ScoringRule.RATIO_TO_BEST: "lower is better: 100·best/value; higher: 100·value/best",
    ScoringRule.MIN_MAX: "100·(worst − value)/(worst − best); exaggerates small gaps",
    ScoringRule.RUBRIC: "1 best … 5 worst: 100·(5 − r)/4",
}
DIRECTION_TEXT = {Direction.LOWER: "lower is better", Direction.HIGHER: "higher is better"}

LOCK_IN_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "software",
        "Software",
        "Software portability: can the serving stack (vLLM, SGLang, TensorRT-LLM, Dynamo…) "
        "and the model artefacts move to another vendor's hardware without rework?",
    ),
    (
        "interconnect",
        "Interconnect",
        "Interconnect and system: proprietary scale-up fabric or rack design that only one "
        "vendor supplies?",
    ),
    (
        "supply",
        "Supply",
        "Supply: how many independent suppliers/clouds offer this hardware?",
    ),
    (
        "contract",
        "Contract",
        "Contract: minimum term, exit terms, egress and data-portability costs, "
        "price-change clauses.",
    ),
)
LOCK_IN_SCALE = (
    "1 = open standards, many suppliers, short terms; "
    "5 = single supplier, proprietary stack and fabric, long lock-in term."
)
ACCURACY_RUBRIC = (
    "Accuracy-risk rubric for the chosen precision:\n"
    "1 — FP16/BF16 (reference)\n"
    "2 — FP8 with published accuracy within 1 % of reference for this model\n"
    "3 — FP8 without published validation, or FP4 with published validation\n"
    "4 — FP4 without validation for this model\n"
    "5 — lower than FP4, or an undisclosed quantisation scheme\n"
    "Tick 'validated' and record the evidence (link or document) that justifies a 2 or 3."
)
SHORT_HEADERS = {
    "usd_per_mtok": "$/Mtok",
    "annual_cost": "Annual cost",
    "interactivity": "tok/s/user",
    "ttft": "TTFT",
    "energy": "tok/s/MW",
    "accuracy_risk": "Accuracy",
    "lock_in": "Lock-in",
    "lead_time": "Lead time",
}


def short_header(criterion: Criterion) -> str:
    if criterion.id in SHORT_HEADERS:
        return SHORT_HEADERS[criterion.id]
    name = criterion.name
    return name if len(name) <= 16 else name[:15] + "…"


def manual_criteria(project: Project) -> tuple[Criterion, ...]:
    """Criteria whose values the analyst types per option (``metric`` '')."""
    return tuple(c for c in project.criteria if not c.metric)


def parse_number(text: Any, what: str) -> float | None:
    """A finite float from a cell ('' → None); ``ValueError`` with a one-line reason."""
    if text is None:
        return None
    if isinstance(text, bool):
        raise ValueError(f"{what}: expected a number")
    if isinstance(text, int | float):
        value = float(text)
    else:
        raw = str(text).strip().replace(",", "").replace("_", "")
        if raw == "":
            return None
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"{what}: {str(text).strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{what}: expected a finite number")
    return value


def _unique_id(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "criterion"
    new, n = base, 2
    while new in taken:
        new, n = f"{base}_{n}", n + 1
    return new


def _fmt(value: float, unit: str = "") -> str:
    if not math.isfinite(value):
        return "—"
    if abs(value) >= 1e6:
        text = f"{value / 1e6:,.2f} M"
    elif abs(value) >= 100:
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.3g}"
    return f"{text} {unit}".strip()


def _align_right() -> int:
    return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _center() -> int:
    return int(Qt.AlignmentFlag.AlignCenter)


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
        if error and role == Qt.ItemDataRole.ToolTipRole:
            return f"Not accepted: {error}"
        if error and role == Qt.ItemDataRole.BackgroundRole:
            return theme.error_background()
        return None


# --- criteria ---------------------------------------------------------------------------------
CRITERIA_COLUMNS = ("Criterion", "Unit", "Better", "Weight %", "Scoring rule", "Source")
CRITERIA_TIPS = (
    "what the committee compares",
    "unit of the raw value",
    "which way is better",
    "share of the weighted total (0–100); the weights should add up to 100 %",
    "how raw values become 0–100 scores",
    "engine result, or 'analyst' for values typed per option below",
)


class CriteriaModel(_EditsModel):
    """``Project.criteria`` as an editable table."""

    def _rows(self) -> int:
        return len(self.doc.project.criteria)

    def _columns(self) -> int:
        return len(CRITERIA_COLUMNS)

    def criterion(self, row: int) -> Criterion:
        return self.doc.project.criteria[row]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return CRITERIA_COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return CRITERIA_TIPS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._rows():
            return None
        c = self.criterion(index.row())
        col = index.column()
        field = ("name", "unit", "direction", "weight_pct", "rule", "metric")[col]
        err = self.error_data((c.id, field), role)
        if err is not None:
            return err
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 2:
                return c.direction.value
            if col == 3:
                return f"{c.weight_pct:g}"
            if col == 4:
                return RULE_TEXT[c.rule]
            if col == 5:
                return "engine" if c.metric else "analyst"
            return str(getattr(c, field))
        if role == Qt.ItemDataRole.EditRole:
            value = getattr(c, field)
            return value.value if isinstance(value, Direction | ScoringRule) else value
        if role == EDITOR_ROLE:
            if col == 2:
                return ("choice", [(d.value, DIRECTION_TEXT[d]) for d in Direction])
            if col == 3:
                return ("float", 0.0, 100.0, 1, " %")
            if col == 4:
                return ("choice", [(r.value, RULE_TEXT[r]) for r in ScoringRule])
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 0:
                return f"{c.name} ({c.unit}, {DIRECTION_TEXT[c.direction]})"
            if col == 4:
                return RULE_TIPS[c.rule]
            if col == 5:
                return (
                    f"engine result field '{c.metric}'"
                    if c.metric
                    else "typed per option in the table below"
                )
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 3:
            return _align_right()
        if role == Qt.ItemDataRole.ForegroundRole and col == 5:
            return theme.muted_foreground()
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() < 5:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() > 4:
            return False
        field = ("name", "unit", "direction", "weight_pct", "rule")[index.column()]
        return self.set_field(index.row(), field, value)

    def set_field(self, row: int, field: str, value: Any) -> bool:
        """Validate and store one criterion field; False (and a message) when rejected."""
        old = self.criterion(row)
        key = (old.id, field)
        index = self.index(row, ("name", "unit", "direction", "weight_pct", "rule").index(field))
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
FIXED_INPUTS = (
    ("option", "Option"),
    *((key, title) for key, title, _ in LOCK_IN_QUESTIONS),
    ("lock_in", "Lock-in avg"),
    ("validated", "Validated"),
    ("evidence", "Accuracy evidence"),
    ("accuracy_risk", "Accuracy risk"),
    ("lead_time", "Lead time (weeks)"),
)
LOCK_IN_KEYS = tuple(key for key, _, _ in LOCK_IN_QUESTIONS)
INPUT_TIPS = {
    **{key: f"{question}\n{LOCK_IN_SCALE}" for key, _, question in LOCK_IN_QUESTIONS},
    "lock_in": "Vendor lock-in rubric: the average of the four sub-questions (1 best … 5 worst)",
    "validated": "Published accuracy validation for this model at the chosen precision",
    "evidence": "Link or document that justifies an accuracy-risk of 2 or 3",
    "accuracy_risk": ACCURACY_RUBRIC,
    "lead_time": "Weeks until delivery; empty = the offer's published lead time",
}


class OptionInputsModel(_EditsModel):
    """One row per comparison option: rubrics, evidence, lead time, analyst values."""

    def __init__(self, doc: ProjectDocument, parent: QObject | None = None) -> None:
        super().__init__(doc, parent)
        self.results: dict[str, OptionResult] = {}
        self.results_for: Project | None = None

    def _rows(self) -> int:
        return len(self.doc.project.options)

    def _columns(self) -> int:
        return len(FIXED_INPUTS) + len(manual_criteria(self.doc.project))

    def key_of(self, column: int) -> str:
        if column < len(FIXED_INPUTS):
            return FIXED_INPUTS[column][0]
        return "manual:" + manual_criteria(self.doc.project)[column - len(FIXED_INPUTS)].id

    def column_of(self, key: str) -> int:
        for column in range(self._columns()):
            if self.key_of(column) == key:
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
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or section >= self._columns():
            return None
        key = self.key_of(section)
        if key.startswith("manual:"):
            c = manual_criteria(self.doc.project)[section - len(FIXED_INPUTS)]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{short_header(c)} ({c.unit})" if c.unit else short_header(c)
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Analyst criterion '{c.name}' — value per option, {c.unit or 'no unit'}"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return FIXED_INPUTS[section][1]
        if role == Qt.ItemDataRole.ToolTipRole:
            return INPUT_TIPS.get(key)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._rows() or index.column() >= self._columns():
            return None
        option = self.doc.project.options[index.row()]
        key = self.key_of(index.column())
        err = self.error_data((option.id, key), role)
        if err is not None:
            return err
        result = self.results.get(option.id)
        display = role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole)
        if key == "option":
            if display:
                return option.display_name
            if role == Qt.ItemDataRole.DecorationRole:
                return theme.option_colour(index.row())
            if role == Qt.ItemDataRole.ToolTipRole:
                return option.id
            return None
        if key in LOCK_IN_KEYS:
            if display:
                return int(getattr(option.lock_in, key))
            if role == EDITOR_ROLE:
                return ("int", 1, 5)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _center()
            if role == Qt.ItemDataRole.ToolTipRole:
                return INPUT_TIPS[key]
            return None
        if key == "lock_in":
            if display:
                return f"{option.lock_in.score:.2f}"
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _center()
            if role == Qt.ItemDataRole.ForegroundRole:
                return theme.muted_foreground()
            if role == Qt.ItemDataRole.ToolTipRole:
                return INPUT_TIPS["lock_in"]
            return None
        if key == "validated":
            if role == Qt.ItemDataRole.CheckStateRole:
                return (
                    Qt.CheckState.Checked if option.accuracy_validated else Qt.CheckState.Unchecked
                )
            if role == Qt.ItemDataRole.DisplayRole:
                return "yes" if option.accuracy_validated else "no"
            if role == Qt.ItemDataRole.ToolTipRole:
                return INPUT_TIPS["validated"]
            return None
        if key == "evidence":
            if display:
                return option.accuracy_evidence
            if role == Qt.ItemDataRole.ToolTipRole:
                return option.accuracy_evidence or INPUT_TIPS["evidence"]
            return None
        if key == "accuracy_risk":
            fresh = result is not None and self.results_for == self.doc.project
            if display:
                return "…" if result is None else str(result.accuracy_risk)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _center()
            if role == Qt.ItemDataRole.ForegroundRole and not fresh:
                return theme.muted_foreground()
            if role == Qt.ItemDataRole.ToolTipRole:
                return ACCURACY_RUBRIC
            return None
        if key == "lead_time":
            own = option.lead_time_weeks
            if role == Qt.ItemDataRole.DisplayRole:
                if own is not None:
                    return f"{own:g}"
                offer = result.lead_time_weeks if result is not None else None
                return "—" if offer is None else f"{offer:g} (offer)"
            if role == Qt.ItemDataRole.EditRole:
                return "" if own is None else f"{own:g}"
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _align_right()
            if role == Qt.ItemDataRole.ForegroundRole and own is None:
                return theme.muted_foreground()
            if role == Qt.ItemDataRole.ToolTipRole:
                return INPUT_TIPS["lead_time"]
            return None
        criterion_id = key.removeprefix("manual:")
        value = option.manual_values.get(criterion_id)
        if display:
            return "" if value is None else f"{value:g}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _align_right()
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Type a number; empty = no answer (scores 0)"
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if not index.isValid():
            return base
        key = self.key_of(index.column())
        if key == "validated":
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if key in ("option", "lock_in", "accuracy_risk"):
            return base
        return base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        key = self.key_of(index.column())
        option = self.doc.project.options[index.row()]
        if key == "validated" and role == Qt.ItemDataRole.CheckStateRole:
            checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
            return self.set_input(option.id, key, checked)
        if role != Qt.ItemDataRole.EditRole:
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
class RankingModel(QAbstractTableModel):
    """Options best first: rank, weighted total, then every criterion's 0–100 score."""

    FIXED = ("Rank", "Option", "Total")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.card: Scorecard | None = None
        self.colours: dict[str, int] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    def set_card(self, card: Scorecard, colours: dict[str, int]) -> None:
        self.beginResetModel()
        self.card, self.colours = card, colours
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.card is None else len(self.card.option_ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self.FIXED) + (0 if self.card is None else len(self.card.criteria))

    def option_at(self, row: int) -> int:
        assert self.card is not None
        return self.card.order[row]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if section < len(self.FIXED):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.FIXED[section]
            if role == Qt.ItemDataRole.ToolTipRole and section == 2:
                return "Weighted total Σ weight × score / Σ weight (0–100)"
            return None
        if self.card is None:
            return None
        c = self.card.criteria[section - len(self.FIXED)]
        if role == Qt.ItemDataRole.DisplayRole:
            return short_header(c)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{c.name} — {c.weight_pct:g} % weight, score 0–100 ({RULE_TEXT[c.rule]})"
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.card is None or not index.isValid():
            return None
        card = self.card
        k = self.option_at(index.row())
        col = index.column()
        winner = index.row() == 0 and bool(card.feasible[k])
        if role == Qt.ItemDataRole.FontRole and (winner or col == 2):
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole and winner:
            colour = QColor(theme.DECREASE)
            colour.setAlpha(60)
            return colour
        if role == Qt.ItemDataRole.ForegroundRole and not card.feasible[k]:
            return theme.muted_foreground()
        if col == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{card.ranks[k]}"
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _center()
            return None
        if col == 1:
            if role == Qt.ItemDataRole.DisplayRole:
                return ("★ " if winner else "") + card.labels[k]
            if role == Qt.ItemDataRole.DecorationRole:
                return theme.option_colour(self.colours.get(card.option_ids[k], k))
            if role == Qt.ItemDataRole.ToolTipRole and not card.feasible[k]:
                return "Cannot meet the latency target: totals 0 and ranks last"
            return None
        if col == 2:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{card.totals[k]:.1f}"
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _align_right()
            return None
        i = col - len(self.FIXED)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{card.scores[i, k]:.0f}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _align_right()
        if role == Qt.ItemDataRole.ToolTipRole:
            c = card.criteria[i]
            return (
                f"{c.name}: {_fmt(float(card.values[i, k]), c.unit)} → "
                f"score {card.scores[i, k]:.1f} × {c.weight_pct:g} %"
            )
        return None


# --- editors -----------------------------------------------------------------------------------
class HintDelegate(QStyledItemDelegate):
    """Spin boxes and combo boxes chosen by the model's ``EDITOR_ROLE`` hint.

    Results arriving from the background refresh the table while an editor is open; an
    editor the user has typed into keeps what was typed (Qt would otherwise reload it).
    """

    TOUCHED = "tokentcoTouched"

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Any) -> QWidget:
        editor = self._create(parent, index)
        line = editor if isinstance(editor, QLineEdit) else editor.findChild(QLineEdit)
        if line is not None:
            line.textEdited.connect(lambda *_: editor.setProperty(self.TOUCHED, True))
        if isinstance(editor, QComboBox):
            editor.activated.connect(lambda *_: editor.setProperty(self.TOUCHED, True))
        return editor

    def _create(self, parent: QWidget, index: Any) -> QWidget:
        hint = index.data(EDITOR_ROLE)
        if not hint:
            editor = QLineEdit(parent)
            editor.setFrame(False)
            return editor
        kind = hint[0]
        if kind == "int":
            spin = QSpinBox(parent)
            spin.setRange(int(hint[1]), int(hint[2]))
            spin.setAlignment(Qt.AlignmentFlag.AlignCenter)
            return spin
        if kind == "float":
            box = QDoubleSpinBox(parent)
            box.setRange(float(hint[1]), float(hint[2]))
            box.setDecimals(int(hint[3]))
            box.setSuffix(str(hint[4]))
            box.setAlignment(Qt.AlignmentFlag.AlignRight)
            return box
        combo = QComboBox(parent)
        for value, text in hint[1]:
            combo.addItem(text, value)
        return combo

    def setEditorData(self, editor: QWidget, index: Any) -> None:
        if editor.property(self.TOUCHED):
            return
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QSpinBox):
            editor.setValue(int(value))
        elif isinstance(editor, QDoubleSpinBox):
            editor.setValue(float(value))
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value)))
        elif isinstance(editor, QLineEdit):
            editor.setText("" if value is None else str(value))

    def setModelData(self, editor: QWidget, model: Any, index: Any) -> None:
        if isinstance(editor, QSpinBox | QDoubleSpinBox):
            editor.interpretText()
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


def _table(model: QAbstractTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setItemDelegate(HintDelegate(view))
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(
        QAbstractItemView.EditTrigger.DoubleClicked
        | QAbstractItemView.EditTrigger.EditKeyPressed
        | QAbstractItemView.EditTrigger.AnyKeyPressed
        | QAbstractItemView.EditTrigger.SelectedClicked
    )
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(26)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setHighlightSections(False)
    view.setAccessibleName(name)
    view.setWordWrap(False)
    return view


class AddCriterionDialog(QDialog):
    """Name, unit, direction, rule and starting weight of an analyst criterion."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add criterion")
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Support quality")
        self.unit = QLineEdit()
        self.unit.setPlaceholderText("e.g. rubric 1-5, days, %")
        self.direction = QComboBox()
        for d in Direction:
            self.direction.addItem(DIRECTION_TEXT[d], d.value)
        self.rule = QComboBox()
        for r in ScoringRule:
            self.rule.addItem(RULE_TEXT[r], r.value)
            self.rule.setItemData(self.rule.count() - 1, RULE_TIPS[r], Qt.ItemDataRole.ToolTipRole)
        self.weight = QDoubleSpinBox()
        self.weight.setRange(0, 100)
        self.weight.setDecimals(1)
        self.weight.setSuffix(" %")
        for label, widget in (
            ("&Name:", self.name),
            ("&Unit:", self.unit),
            ("&Better:", self.direction),
            ("Scoring &rule:", self.rule),
            ("&Weight:", self.weight),
        ):
            form.addRow(label, widget)
        note = QLabel("Values are typed per option in the inputs table.")
        note.setStyleSheet("color: palette(placeholder-text);")
        form.addRow(note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.error = QLabel("")
        self.error.setStyleSheet(f"color: {theme.INCREASE};")
        form.addRow(self.error)

    def _accept(self) -> None:
        if not self.name.text().strip():
            self.error.setText("Give the criterion a name.")
            self.name.setFocus()
            return
        self.accept()


# --- the tab -----------------------------------------------------------------------------------
class ScorecardTab(QWidget):
    """Criteria and weights, per-option rubric inputs and the live ranking."""

    message = Signal(str)
    scored = Signal(object)

    def __init__(
        self,
        doc: ProjectDocument,
        ops: BackgroundOps,
        latest: Callable[[], tuple[Project | None, Comparison | None]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.doc, self.ops, self.latest = doc, ops, latest
        self.card: Scorecard | None = None
        self.card_project: Project | None = None
        self.card_comparison: Comparison | None = None
        self._asked: Comparison | None = None
        self.add_dialog: AddCriterionDialog | None = None

        self.criteria_model = CriteriaModel(doc, self)
        self.inputs_model = OptionInputsModel(doc, self)
        self.ranking_model = RankingModel(self)
        for model in (self.criteria_model, self.inputs_model):
            model.message.connect(self.message)

        # criteria
        self.criteria_view = _table(self.criteria_model, "Scorecard criteria")
        header = self.criteria_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.weights_label = QLabel()
        self.weights_label.setAccessibleName("Weights total")
        self.weights_label.setTextFormat(Qt.TextFormat.RichText)
        self.add_button = QPushButton("&Add criterion…")
        self.remove_button = QPushButton("Re&move")
        self.reset_button = QPushButton("Reset to &defaults")
        self.normalise_button = QPushButton("&Normalise to 100 %")
        self.add_button.setToolTip("An analyst criterion: its values are typed per option")
        self.remove_button.setToolTip("Remove the selected criterion (Undo brings it back)")
        self.reset_button.setToolTip("The eight default criteria and weights of the RFP")
        self.normalise_button.setToolTip("Scale every weight so they add up to 100 %")
        self.add_button.clicked.connect(self.open_add_dialog)
        self.remove_button.clicked.connect(self.remove_selected)
        self.reset_button.clicked.connect(self.reset_defaults)
        self.normalise_button.clicked.connect(self.normalise_weights)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.reset_button, self.normalise_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        criteria_box = QGroupBox("Criteria and weights")
        layout = QVBoxLayout(criteria_box)
        layout.addWidget(self.criteria_view, 1)
        layout.addWidget(self.weights_label)
        layout.addLayout(buttons)

        # ranking
        self.ranking_view = _table(self.ranking_model, "Scorecard ranking")
        self.ranking_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.ranking_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.ranking_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sentence = QLabel("Scoring…")
        self.sentence.setWordWrap(True)
        self.sentence.setAccessibleName("Sensitivity of the ranking")
        self.sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sentence.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.sentence.setContentsMargins(4, 2, 4, 2)
        sentence_scroll = QScrollArea()
        sentence_scroll.setWidget(self.sentence)
        sentence_scroll.setWidgetResizable(True)
        sentence_scroll.setFrameShape(QFrame.Shape.NoFrame)
        sentence_scroll.setMinimumHeight(72)
        sentence_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        ranking_box = QGroupBox("Ranking (weighted 0–100)")
        layout = QVBoxLayout(ranking_box)
        layout.addWidget(self.ranking_view, 3)
        layout.addWidget(sentence_scroll, 2)

        # per-option inputs
        self.inputs_view = _table(self.inputs_model, "Scorecard inputs per option")
        self.inputs_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        help_text = QLabel(
            "Lock-in: four sub-questions, 1 = open standards, many suppliers, short terms … "
            "5 = single supplier, proprietary stack and fabric (hover a header for the "
            "question). Accuracy risk follows the precision and the 'validated' tick."
        )
        help_text.setWordWrap(True)
        help_text.setStyleSheet("color: palette(placeholder-text);")
        inputs_box = QGroupBox("Inputs per option")
        layout = QVBoxLayout(inputs_box)
        layout.addWidget(self.inputs_view, 1)
        layout.addWidget(help_text)

        top = self.top_splitter = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(criteria_box)
        top.addWidget(ranking_box)
        top.setStretchFactor(0, 1)
        top.setStretchFactor(1, 1)
        top.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(inputs_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([600, 400])
        self.splitter.setChildrenCollapsible(False)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.addWidget(self.splitter)

        doc.projectChanged.connect(self._project_changed)
        self._project_changed(doc.project)
        self._size_columns()

    # --- refreshing ---------------------------------------------------------------------------
    def _project_changed(self, _project: object = None) -> None:
        self.criteria_model.refresh()
        self.inputs_model.refresh()
        self._show_weights()

    def _show_weights(self) -> None:
        total = sum(c.weight_pct for c in self.doc.project.criteria)
        self.weights_ok = abs(total - 100.0) < 1e-6
        if self.weights_ok:
            self.weights_label.setText(
                f"<span style='color:{theme.DECREASE}'>✔</span> Weights add up to {total:g} %"
            )
            self.weights_label.setToolTip("")
            self.weights_label.setStyleSheet("")
        else:
            self.weights_label.setText(
                f"<b>⚠ Weights add up to {total:.4g} %, not 100 %</b> — totals are "
                "divided by the sum"
            )
            self.weights_label.setToolTip("Use 'Normalise to 100 %' or edit the weights")
            self.weights_label.setStyleSheet(
                f"background: {theme.html_colour(theme.error_background())};"
                "padding: 2px 6px; border-radius: 3px;"
            )
        self.normalise_button.setEnabled(not self.weights_ok and total > 0)

    def comparison_ready(self, *_: object) -> None:
        """The window has new results: score them (in the background) if the tab is shown."""
        if self.isVisible():
            self.rescore()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not getattr(self, "_split_done", False):
            self._split_done = True
            width = max(self.width(), 800)
            self.top_splitter.setSizes([width * 45 // 100, width * 55 // 100])
        self.rescore()

    def rescore(self) -> None:
        project, comparison = self.latest()
        if project is None or comparison is None or comparison is self._asked:
            return
        self._asked = comparison

        def job() -> tuple[Project, Comparison, Scorecard]:
            return project, comparison, score(project, comparison)

        self.ops.submit_latest("scorecard", job, self._scored, self._score_failed)

    def _scored(self, payload: tuple[Project, Comparison, Scorecard]) -> None:
        project, comparison, card = payload
        self.card, self.card_project, self.card_comparison = card, project, comparison
        colours = {o.id: i for i, o in enumerate(project.options)}
        self.ranking_model.set_card(card, colours)
        self.inputs_model.set_results(comparison, project)
        self.sentence.setText(card.sentence)
        if not getattr(self, "_ranking_sized", False):
            self.ranking_view.resizeColumnsToContents()
            self.ranking_view.setColumnWidth(1, min(self.ranking_view.columnWidth(1), 210))
            self._ranking_sized = True
        self.scored.emit(card)

    def _score_failed(self, exc: Exception) -> None:
        message = describe_exception(exc)
        self._asked = None
        self.sentence.setText(f"Scoring failed: {message}")
        self.message.emit(f"Scoring failed: {message}")

    def _size_columns(self) -> None:
        self.criteria_view.resizeColumnsToContents()
        self.criteria_view.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch
        )
        self.inputs_view.resizeColumnsToContents()
        self.inputs_view.setColumnWidth(0, max(self.inputs_view.columnWidth(0), 200))
        evidence = self.inputs_model.column_of("evidence")
        self.inputs_view.setColumnWidth(evidence, 220)

    # --- criteria commands ----------------------------------------------------------------------
    def _set_criteria(self, criteria: tuple[Criterion, ...], text: str) -> None:
        project = self.doc.project
        ids = {c.id for c in criteria}
        options = project.options
        if any(k not in ids for o in options for k in o.manual_values):
            options = tuple(
                o.model_copy(
                    update={"manual_values": {k: v for k, v in o.manual_values.items() if k in ids}}
                )
                for o in options
            )
        self.doc.apply(project.model_copy(update={"criteria": criteria, "options": options}), text)
        self._size_columns()

    def add_criterion(
        self,
        name: str,
        unit: str = "",
        direction: Direction | str = Direction.HIGHER,
        rule: ScoringRule | str = ScoringRule.RATIO_TO_BEST,
        weight_pct: float = 0.0,
    ) -> str | None:
        """Append an analyst criterion (values typed per option); returns its id."""
        criteria = self.doc.project.criteria
        try:
            new = Criterion(
                id=_unique_id(name, {c.id for c in criteria}),
                name=name.strip(),
                unit=unit.strip(),
                direction=Direction(direction),
                weight_pct=weight_pct,
                rule=ScoringRule(rule),
                metric="",
            )
        except (ValidationError, ValueError) as exc:
            text = validation_message(exc) if isinstance(exc, ValidationError) else str(exc)
            self.message.emit(f"Not accepted — new criterion: {text}")
            return None
        self._set_criteria((*criteria, new), f"Add criterion '{new.name}'")
        self.criteria_view.selectRow(len(criteria))
        return new.id

    def open_add_dialog(self) -> AddCriterionDialog:
        dialog = AddCriterionDialog(self)

        def accepted() -> None:
            self.add_criterion(
                dialog.name.text(),
                dialog.unit.text(),
                dialog.direction.currentData(),
                dialog.rule.currentData(),
                dialog.weight.value(),
            )

        dialog.accepted.connect(accepted)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.add_dialog = dialog
        dialog.open()
        return dialog

    def remove_selected(self) -> None:
        rows = self.criteria_view.selectionModel().selectedRows()
        if not rows:
            self.message.emit("Select a criterion to remove.")
            return
        self.remove_criterion(self.doc.project.criteria[rows[0].row()].id)

    def remove_criterion(self, criterion_id: str) -> None:
        criteria = self.doc.project.criteria
        gone = [c for c in criteria if c.id == criterion_id]
        if gone:
            kept = tuple(c for c in criteria if c.id != criterion_id)
            self._set_criteria(kept, f"Remove criterion '{gone[0].name}'")

    def reset_defaults(self) -> None:
        self._set_criteria(DEFAULT_CRITERIA, "Reset criteria to defaults")

    def normalise_weights(self) -> None:
        criteria = self.doc.project.criteria
        total = sum(c.weight_pct for c in criteria)
        if total <= 0:
            self.message.emit("All weights are 0: nothing to normalise.")
            return
        scaled = [round(c.weight_pct * 100.0 / total, 2) for c in criteria]
        # put the rounding remainder on the largest weight so the sum is exactly 100
        biggest = max(range(len(scaled)), key=lambda i: scaled[i])
        scaled[biggest] = round(scaled[biggest] + 100.0 - sum(scaled), 2)
        new = tuple(
            c.model_copy(update={"weight_pct": w}) for c, w in zip(criteria, scaled, strict=True)
        )
        self._set_criteria(new, "Normalise weights to 100 %")


__all__ = [
    "AddCriterionDialog",
    "CriteriaModel",
    "OptionInputsModel",
    "RankingModel",
    "ScorecardTab",
]

"""The Scorecard tab: the committee's criteria and weights, the per-option rubrics, the
ranking and the sentence that says how sure it is.

The tables are :mod:`.models` over one ``ProjectDocument``; cells are edited through the
:mod:`.delegates`; analyst criteria are added with ``ui/dialogs/add_criterion``. Scoring
(≈0.1 s with its break-even search) runs on the window's background helper, coalesced, and
only while the tab is visible.
"""

from collections.abc import Callable

from pydantic import ValidationError
from PySide6.QtCore import (
    QAbstractTableModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tokentco.app.fieldpath import validation_message
from tokentco.domain import Project
from tokentco.domain.scorecard import (
    DEFAULT_CRITERIA,
    Criterion,
    Direction,
    ScoringRule,
)
from tokentco.engine.results import Comparison
from tokentco.engine.scoring import Scorecard, score
from tokentco.ui import theme
from tokentco.ui.background import BackgroundOps, describe_exception
from tokentco.ui.dialogs.add_criterion import AddCriterionDialog
from tokentco.ui.document import ProjectDocument
from tokentco.ui.scorecard.delegates import HintDelegate
from tokentco.ui.scorecard.models import CriteriaModel, OptionInputsModel, RankingModel
from tokentco.ui.scorecard.texts import unique_id


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
                id=unique_id(name, {c.id for c in criteria}),
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


__all__ = ["ScorecardTab"]

"""The Workload tab: the traffic mix, the hourly demand profile and the capacity plan.

A self-contained widget: it takes a ``Project`` (``set_project``) and emits every edit as
a new validated ``Project`` (``project_edited``), so the main window can route the edit
through its undo history like any other. It shows

* the mix: a table of workload classes (name, share of output tokens, lengths, targets,
  prefix hits, agent turns) with presets for the common classes; shares stay summing to 1
  (editing one makes the others room, see ``domain.mix.with_share``);
* the profile: a preset shape at a chosen peak, or an imported PROFILE.csv, plus growth
  per year and rental price erosion per year; its chart draws the chosen option's base;
* the plan: for the chosen option, GPUs by hour stacked base/burst, and the cost by year
  beside all-on-demand and all-base; the plan's sentence says why.

Planning takes 10–300 ms (one evaluation per class and agent turn): given the window's
``BackgroundOps`` it runs there on a coalesced channel, otherwise on the GUI thread. In the
main window a ``planner`` replaces both: the window plans in its own comparison job (the
mix is needed for the results table anyway, so it is computed once per edit) and hands the
outcome back through ``show_outcome``.
"""

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from pydantic import ValidationError
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tokentco.app.workload import WorkloadOutcome, workload_outcome
from tokentco.domain import Catalogue, DemandProfile, MultiTurn, Project, WorkloadClass
from tokentco.domain.mix import (
    PRESETS,
    PROFILE_PRESETS,
    profile_preset,
    with_class,
    with_share,
    without_class,
)
from tokentco.engine.calibration import Calibration
from tokentco.engine.mix import MixComparison
from tokentco.engine.plan import CapacityPlan
from tokentco.io.errors import InputError
from tokentco.io.mix_csv import read_profile
from tokentco.present.mix_text import (
    mix_lines,
    plan_lines,
    plan_summary,
    plan_why,
    session_lines,
)
from tokentco.ui.background import BackgroundOps, describe_exception

_Index = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Class"),
    ("share", "Share of output %"),
    ("isl_tokens", "ISL"),
    ("osl_tokens", "OSL"),
    ("min_tokens_per_s_per_user", "Min tok/s/user"),
    ("max_ttft_ms", "Max TTFT ms"),
    ("prefix_hit_rate", "Prefix hits %"),
    ("turns", "Agent turns"),
)
BASE_COLOUR = "#3b6ea8"
BURST_COLOUR = "#e0913a"
DEMAND_COLOUR = "#7a7a7a"


def _cell(cls: WorkloadClass, field: str) -> str:
    if field == "share":
        return f"{cls.share * 100:.1f}"
    if field == "prefix_hit_rate":
        return f"{cls.prefix_hit_rate * 100:.0f}"
    if field == "turns":
        return str(cls.multi_turn.turns_per_session) if cls.multi_turn else "1"
    value = getattr(cls, field)
    if value is None:
        return "none"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _parsed(field: str, text: str) -> object:
    """The typed value of an edited cell (percent columns are shown ×100)."""
    text = text.strip().replace(",", "")
    if field == "name":
        return text
    if field in ("min_tokens_per_s_per_user", "max_ttft_ms") and text.lower() in ("", "none", "-"):
        return None
    number = float(text)
    if field in ("share", "prefix_hit_rate"):
        return number / 100.0
    if field in ("isl_tokens", "osl_tokens", "turns"):
        if number != int(number):
            raise ValueError(f"{text} is not a whole number")
        return int(number)
    return number


class MixModel(QAbstractTableModel):
    """The project's workload classes as an editable table; edits emit the new classes."""

    edited = Signal(object)  # tuple[WorkloadClass, ...]
    rejected = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.classes: tuple[WorkloadClass, ...] = ()

    def set_classes(self, classes: tuple[WorkloadClass, ...]) -> None:
        self.beginResetModel()
        self.classes = classes
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.classes)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation is Qt.Orientation.Horizontal:
            return COLUMNS[section][1]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cls = self.classes[index.row()]
        field = COLUMNS[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return _cell(cls, field)
        if role == Qt.ItemDataRole.ToolTipRole:
            return cls.assumptions or None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row, field = index.row(), COLUMNS[index.column()][0]
        try:
            typed = _parsed(field, str(value))
            classes = self._edited(row, field, typed)
        except (ValueError, ValidationError) as exc:
            self.rejected.emit(f"{COLUMNS[index.column()][1]}: {_first_message(exc)}")
            return False
        self.edited.emit(classes)
        return True

    def _edited(self, row: int, field: str, value: object) -> tuple[WorkloadClass, ...]:
        if field == "share":
            return with_share(self.classes, row, float(value))  # type: ignore[arg-type]
        cls = self.classes[row]
        if field == "turns":
            turns = int(value)  # type: ignore[call-overload]
            session = None
            if turns > 1:
                session = (cls.multi_turn or MultiTurn()).model_copy(
                    update={"turns_per_session": turns}
                )
                MultiTurn.model_validate(session.model_dump())
            changed = cls.model_copy(update={"multi_turn": session})
        else:
            changed = WorkloadClass.model_validate({**cls.model_dump(), field: value})
        if field == "name" and any(
            c.name == changed.name for i, c in enumerate(self.classes) if i != row
        ):
            raise ValueError(f"another class is already called {changed.name!r}")
        return tuple(changed if i == row else c for i, c in enumerate(self.classes))


def _first_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
    return str(exc)


def _spin(
    low: float, high: float, value: float, step: float, decimals: int, suffix: str
) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setValue(value)
    box.setSuffix(suffix)
    box.setKeyboardTracking(False)
    return box


class WorkloadTab(QWidget):
    """Classes, profile and plan for one project; emits ``project_edited`` on every edit."""

    project_edited = Signal(object)  # Project
    planned = Signal(object)  # tuple[CapacityPlan, ...]
    message = Signal(str)

    def __init__(
        self,
        catalogue: Catalogue,
        project: Project,
        calibration: Calibration | None = None,
        parent: QWidget | None = None,
        ops: BackgroundOps | None = None,
        planner: Callable[[Project], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.planner = planner
        """Asked to plan a project instead of planning here; it answers with
        ``show_outcome`` (the main window's comparison job)."""
        self.bundled = catalogue
        self.calibration = calibration
        self.project = project
        self.plans: tuple[CapacityPlan, ...] = ()
        self.mix: MixComparison | None = None
        self.plan_error = ""
        self._loading = False
        self._build()
        self.set_project(project)

    # --- layout ----------------------------------------------------------------------
    def _build(self) -> None:
        self.model = MixModel(self)
        self.model.edited.connect(self._classes_edited)
        self.model.rejected.connect(self._say)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.preset = QComboBox()
        self.preset.addItems(list(PRESETS))
        self.preset.setToolTip("A common class with its assumptions written out (hover a row)")
        self.add_button = QPushButton("Add class")
        self.add_button.clicked.connect(self._add_class)
        self.remove_button = QPushButton("Remove class")
        self.remove_button.clicked.connect(self._remove_class)
        self.single_button = QPushButton("Single workload")
        self.single_button.setToolTip("Clear the mix: compare at the project's one workload")
        self.single_button.clicked.connect(lambda: self._classes_edited(()))
        mix_buttons = QHBoxLayout()
        for w in (self.preset, self.add_button, self.remove_button, self.single_button):
            mix_buttons.addWidget(w)
        mix_buttons.addStretch(1)
        mix_box = QGroupBox("Workload mix (shares of output tokens)")
        mix_layout = QVBoxLayout(mix_box)
        mix_layout.addLayout(mix_buttons)
        mix_layout.addWidget(self.table)

        self.profile_preset = QComboBox()
        self.profile_preset.addItems(["(none)", *PROFILE_PRESETS, "imported"])
        self.profile_preset.model().item(len(PROFILE_PRESETS) + 1).setEnabled(False)  # type: ignore[attr-defined]
        self.profile_preset.activated.connect(self._profile_shape_edited)
        self.peak = _spin(1.0, 1e9, 100_000.0, 1000.0, 0, " tok/s")
        self.peak.valueChanged.connect(self._profile_shape_edited)
        self.growth = _spin(-90.0, 1000.0, 0.0, 5.0, 1, " %/yr")
        self.growth.valueChanged.connect(self._settings_edited)
        self.erosion = _spin(0.0, 99.0, 0.0, 1.0, 1, " %/yr")
        self.erosion.setToolTip("Yearly fall of rental (burst) prices; base prices are fixed")
        self.erosion.valueChanged.connect(self._settings_edited)
        self.cost_of_capital = _spin(0.0, 50.0, 8.0, 0.5, 1, " %/yr")
        self.cost_of_capital.setToolTip("Discount rate for the plan's NPV")
        self.cost_of_capital.valueChanged.connect(self._settings_edited)
        self.use_spot = QCheckBox("Burst on spot")
        self.use_spot.setToolTip("Let burst use the cheapest spot offer of the same hardware")
        self.use_spot.toggled.connect(self._settings_edited)
        self.preemption = _spin(0.0, 100.0, 10.0, 5.0, 0, " % preempted")
        self.preemption.setToolTip("Share of spot hours reclaimed; re-bought on demand")
        self.preemption.valueChanged.connect(self._settings_edited)
        self.import_button = QPushButton("Import PROFILE.csv…")
        self.import_button.clicked.connect(self._import_profile)
        self.option = QComboBox()
        self.option.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.option.setMinimumContentsLength(10)  # long option names must not widen the tab
        self.option.currentIndexChanged.connect(self._draw)
        # two label/field pairs per row: four rows instead of eight, so on a 1366×768
        # screen (with the window's Results and Details docks below) the charts keep room
        form = QGridLayout()
        form.setVerticalSpacing(4)
        pairs: tuple[tuple[QWidget | str, QWidget], ...] = (
            ("Profile", self.profile_preset),
            ("Peak output", self.peak),
            ("Growth", self.growth),
            ("Rental erosion", self.erosion),
            ("Cost of capital", self.cost_of_capital),
            (self.use_spot, self.preemption),
            ("Plan for option", self.option),
            ("", self.import_button),
        )
        for i, (label, field) in enumerate(pairs):
            row, col = divmod(i, 2)
            if isinstance(label, str):
                tag = QLabel(label)
                tag.setBuddy(field)
                form.addWidget(tag, row, col * 2)
            else:
                form.addWidget(label, row, col * 2)
            form.addWidget(field, row, col * 2 + 1)
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 1)
        profile_box = QGroupBox("Demand profile")
        profile_box.setLayout(form)

        self.profile_chart = _chart("Demand and the base it carries", "hour", "output tok/s")
        self.hourly_chart = _chart("GPUs by hour, year 1", "hour", "GPUs")
        self.hourly_chart.addLegend(offset=(10, 10), labelTextColor="#222", brush="#ffffffcc")
        self.yearly_chart = _chart("Cost by year vs the extremes", "year", "USD millions")
        self.yearly_chart.addLegend(offset=(10, 10), labelTextColor="#222", brush="#ffffffcc")
        self.class_chart = _chart(
            "$/Mtok by class, and the blend", "option (as numbered in the list)", "$/Mtok"
        )
        self.class_chart.addLegend(offset=(10, 10), labelTextColor="#222", brush="#ffffffcc")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setMaximumBlockCount(500)
        self.details.setPlaceholderText("The mix per class, agent turns and the plan by year")

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(mix_box, 3)
        top.addWidget(profile_box, 2)
        top_widget = QWidget()
        top_widget.setLayout(top)
        charts = QSplitter(Qt.Orientation.Horizontal)
        for chart in (self.class_chart, self.profile_chart, self.hourly_chart, self.yearly_chart):
            charts.addWidget(chart)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top_widget)
        splitter.addWidget(charts)
        splitter.addWidget(self.details)
        for chart in (self.class_chart, self.profile_chart, self.hourly_chart, self.yearly_chart):
            chart.setMinimumHeight(150)
        self.details.setMinimumHeight(60)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([190, 1000, 80])  # clamped to the minimums: the charts get the rest
        splitter.setStretchFactor(1, 1)  # extra height goes to the charts
        self.table.verticalHeader().setDefaultSectionSize(24)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)

    # --- project in ------------------------------------------------------------------
    def set_project(self, project: Project) -> None:
        """Show ``project`` (the main window calls this after undo/redo or a file open)."""
        self.project = project
        self._loading = True
        try:
            self.model.set_classes(project.workload_classes)
            profile = project.demand_profile
            if profile is not None:
                shape = profile.name if profile.name in PROFILE_PRESETS else "imported"
                self.profile_preset.setCurrentText(shape)
                self.peak.setValue(profile.peak_tokens_per_s)
                self.growth.setValue(profile.growth_per_year * 100.0)
                self.cost_of_capital.setValue(profile.cost_of_capital * 100.0)
                self.use_spot.setChecked(profile.use_spot)
                self.preemption.setValue(profile.spot_preemption_share * 100.0)
            else:
                self.profile_preset.setCurrentIndex(0)
            self.erosion.setValue(project.price_erosion_per_year * 100.0)
            current = self.option.currentText()
            self.option.clear()
            self.option.addItems(
                [f"{i + 1}. {o.display_name}" for i, o in enumerate(project.options)]
            )
            if current:
                self.option.setCurrentText(current)
        finally:
            self._loading = False
        self.replan()

    # --- edits out -------------------------------------------------------------------
    def _emit(self, project: Project) -> None:
        self.project = project
        self.project_edited.emit(project)
        self.replan()

    def _update(self, **fields: object) -> None:
        try:
            project = Project.model_validate({**self.project.model_dump(), **fields})
        except ValidationError as exc:
            self._say(_first_message(exc))
            return
        self._emit(project)

    def _classes_edited(self, classes: tuple[WorkloadClass, ...]) -> None:
        self.model.set_classes(classes)
        self._emit(self.project.model_copy(update={"workload_classes": classes}))

    def _add_class(self) -> None:
        preset = PRESETS[self.preset.currentText()]
        self._classes_edited(with_class(self.project.workload_classes, preset))

    def _remove_class(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows and self.project.workload_classes:
            rows = [len(self.project.workload_classes) - 1]
        classes = self.project.workload_classes
        for row in reversed(rows):
            classes = without_class(classes, row) if len(classes) > 1 else ()
        self._classes_edited(classes)

    def _profile_shape_edited(self, *_: object) -> None:
        if self._loading:
            return
        shape = self.profile_preset.currentText()
        old = self.project.demand_profile
        if shape == "(none)":
            if old is not None:
                self._update(demand_profile=None)
            return
        if shape == "imported":
            if old is not None:
                self._set_profile(old.scaled(self.peak.value() / old.peak_tokens_per_s))
            return
        self._set_profile(profile_preset(shape, self.peak.value()))

    def _settings_edited(self, *_: object) -> None:
        if self._loading:
            return
        profile = self.project.demand_profile
        fields: dict[str, object] = {"price_erosion_per_year": self.erosion.value() / 100.0}
        if profile is not None:
            fields["demand_profile"] = {
                **profile.model_dump(),
                **self._plan_settings(),
            }
        self._update(**fields)

    def _plan_settings(self) -> dict[str, object]:
        """The profile's plan settings as the form shows them."""
        return {
            "growth_per_year": self.growth.value() / 100.0,
            "cost_of_capital": self.cost_of_capital.value() / 100.0,
            "use_spot": self.use_spot.isChecked(),
            "spot_preemption_share": self.preemption.value() / 100.0,
        }

    def _set_profile(self, profile: DemandProfile) -> None:
        """Store ``profile`` with the form's plan settings (validated with the project)."""
        self._update(demand_profile={**profile.model_dump(), **self._plan_settings()})

    def _import_profile(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import demand profile", "", "CSV (*.csv)")
        if path:
            self.import_profile(Path(path))

    def import_profile(self, path: Path) -> bool:
        """Read PROFILE.csv into the project; a bad file is one located message."""
        try:
            profile = read_profile(path)
        except InputError as exc:
            self._say(str(exc))
            return False
        profile = profile.model_copy(update={"name": "imported"})
        self._loading = True
        self.profile_preset.setCurrentText("imported")
        self.peak.setValue(profile.peak_tokens_per_s)
        self._loading = False
        self._set_profile(profile)
        return True

    def _say(self, text: str) -> None:
        self.message.emit(text)
        self.summary.setText(text)

    # --- plan ------------------------------------------------------------------------
    def replan(self) -> None:
        """Recompute the mix and the plan for the current project (each missing input —
        no options, no profile — is said in the summary instead). With the window's
        ``BackgroundOps`` it runs off the GUI thread, coalesced; otherwise right here."""
        project = self.project
        if self.planner is not None:
            self.summary.setText("Planning…")
            self.planner(project)
            return
        if self.ops is None:
            self._planned(project, _compute(project, self.bundled, self.calibration))
            return
        self.summary.setText("Planning…")
        self.ops.submit_latest(
            "workload-plan",
            lambda: _compute(project, self.bundled, self.calibration),
            lambda outcome: self._planned(project, outcome),
            lambda exc: self._planned(project, (None, (), describe_exception(exc))),
        )

    def show_outcome(self, project: Project, outcome: WorkloadOutcome) -> None:
        """Show the mix and plans computed elsewhere for ``project`` (ignored unless it is
        the project shown: a newer edit is then being planned)."""
        self._planned(project, (outcome.mix, outcome.plans, outcome.plan_error))

    def _planned(self, project: Project, outcome: "_Outcome") -> None:
        if project is not self.project and project != self.project:
            return  # a newer edit is being planned
        self.mix, self.plans, self.plan_error = outcome
        self.planned.emit(self.plans)
        self._draw()

    def current_plan(self) -> CapacityPlan | None:
        index = self.option.currentIndex()
        return self.plans[index] if 0 <= index < len(self.plans) else None

    def detail_lines(self) -> list[str]:
        """What the details pane shows for the chosen option: the mix per class (and each
        agent class's turns), then the plan year by year."""
        index = self.option.currentIndex()
        lines: list[str] = []
        if self.mix is not None and 0 <= index < len(self.mix.options):
            result = self.mix.options[index]
            lines += mix_lines(result)
            for c in result.pool.classes:
                if c.session is not None:
                    lines.append(f"Agent sessions, {c.name}:")
                    lines += session_lines(c.session)
        plan = self.current_plan()
        if plan is not None:
            lines += plan_lines(plan)
        return lines

    def class_bars(self) -> list[tuple[str, list[float]]]:
        """(class name, $/Mtok per option) for the chosen pools, then ("blend", …); inf where
        infeasible. The chart draws exactly these."""
        if self.mix is None:
            return []
        names = [c.name for c in self.mix.options[0].pool.classes] if self.mix.options else []
        series = [
            (name, [o.pool.classes[i].usd_per_mtok for o in self.mix.options])
            for i, name in enumerate(names)
        ]
        return [*series, ("blend", [o.usd_per_mtok for o in self.mix.options])]

    def _draw_classes(self) -> None:
        """Grouped bars: each option's classes side by side, the blend last and darker."""
        series = self.class_bars()
        if not series or self.mix is None:
            return
        width = 0.8 / len(series)
        for k, (name, values) in enumerate(series):
            x = np.arange(len(values)) + (k - (len(series) - 1) / 2) * width
            heights = np.asarray([v if math.isfinite(v) else 0.0 for v in values])
            colour = "#222" if name == "blend" else pg.intColor(k, hues=max(len(series) - 1, 1))
            self.class_chart.addItem(
                _bars(x=x, height=heights, width=width * 0.95, brush=colour, name=name)
            )
        # option numbers (the names would overlap in a quarter-width chart); the numbers
        # follow the option list, and hovering the axis names them
        labels = [(i, str(i + 1)) for i in range(len(self.mix.options))]
        names = "\n".join(f"{i + 1}: {o.label}" for i, o in enumerate(self.mix.options))
        self.class_chart.getAxis("bottom").setToolTip(names)
        self.class_chart.getAxis("bottom").setTicks([labels])

    def _draw(self, *_: object) -> None:
        self.details.setPlainText("\n".join(self.detail_lines()))
        for chart in (self.class_chart, self.profile_chart, self.hourly_chart, self.yearly_chart):
            chart.clear()
        self._draw_classes()
        profile = self.project.demand_profile
        plan = self.current_plan()
        if profile is not None:
            hours = np.arange(profile.hours)
            self.profile_chart.addItem(
                _bars(
                    x=hours, height=np.asarray(profile.tokens_per_s), width=1.0, brush=DEMAND_COLOUR
                )
            )
            if plan is not None and plan.first is not None:
                carried = plan.first.base_gpus * plan.tokens_per_s_per_gpu
                self.profile_chart.addItem(
                    pg.InfiniteLine(pos=carried, angle=0, pen=pg.mkPen(BASE_COLOUR, width=2))
                )
        if plan is None or plan.first is None:
            self.summary.setText(self.plan_error or (plan_why(plan) if plan else ""))
            return
        need = np.asarray(plan.hourly_gpus, dtype=float)
        # the base is there every hour (idle or not); burst tops it up to the hour's need
        base = np.full_like(need, float(plan.first.base_gpus))
        burst = np.maximum(need - base, 0.0)
        hours = np.arange(need.size)
        self.hourly_chart.addItem(
            _bars(x=hours, height=base, width=1.0, brush=BASE_COLOUR, name="base")
        )
        self.hourly_chart.addItem(
            _bars(x=hours, y0=base, height=burst, width=1.0, brush=BURST_COLOUR, name="burst")
        )
        self.hourly_chart.addItem(
            pg.PlotDataItem(hours, need, pen=pg.mkPen("#222", width=1), name="needed")
        )
        years = np.arange(1, len(plan.years) + 1, dtype=float)
        self.yearly_chart.getAxis("bottom").setTicks([[(y, str(int(y))) for y in years]])
        for offset, values, colour, name in (
            (-0.27, [y.cost_usd for y in plan.years], BASE_COLOUR, "plan"),
            (0.0, [y.all_on_demand_usd for y in plan.years], BURST_COLOUR, "all on demand"),
            (0.27, [y.all_base_usd for y in plan.years], DEMAND_COLOUR, "all base"),
        ):
            heights = np.asarray([v / 1e6 if math.isfinite(v) else 0.0 for v in values])
            self.yearly_chart.addItem(
                _bars(x=years + offset, height=heights, width=0.25, brush=colour, name=name)
            )
        self.summary.setText(plan_summary(plan))


_Outcome = tuple[MixComparison | None, tuple[CapacityPlan, ...], str]


def _compute(project: Project, bundled: Catalogue, calibration: Calibration | None) -> _Outcome:
    """The mix, the plans and the reason there is no plan ("" when there is one); pure, so
    it can run on a worker thread."""
    outcome = workload_outcome(project, project.effective_catalogue(bundled), calibration)
    return outcome.mix, outcome.plans, outcome.plan_error


def _chart(title: str, bottom: str, left: str) -> pg.PlotWidget:
    """A white plot with dark axes and labels (pyqtgraph's defaults are for dark themes)."""
    chart = pg.PlotWidget(background="w")
    chart.setTitle(title, color="#222")
    for side, text in (("bottom", bottom), ("left", left)):
        axis = chart.getAxis(side)
        axis.setPen(pg.mkPen("#444"))
        axis.setTextPen(pg.mkPen("#222"))
        axis.enableAutoSIPrefix(False)
        chart.setLabel(side, text, color="#222")
    chart.getAxis("left").setWidth(72)
    chart.setMouseEnabled(x=False, y=False)
    chart.hideButtons()
    return chart


def _bars(**kwargs: Any) -> pg.BarGraphItem:
    """Bars without outlines (168 outlined bars read as hatching)."""
    return pg.BarGraphItem(pen=pg.mkPen(None), **kwargs)

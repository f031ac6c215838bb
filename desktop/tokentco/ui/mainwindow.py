"""The main window: knobs on the left, live charts in the middle, results and details below.

The window observes one :class:`~tokentco.ui.document.ProjectDocument`. Any change to the
project schedules a recomputation through the single
:class:`~tokentco.ui.background.BackgroundOps` helper (coalesced: only the newest state is
computed); the GUI thread only paints the :class:`Comparison` that comes back.
"""

import contextlib
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDockWidget,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tokentco import MODEL_VERSION
from tokentco.app.autosave import Autosaver
from tokentco.app.edits import options_with_own_serving
from tokentco.app.recompute import Recomputer, TornadoCache
from tokentco.domain import Catalogue, Project
from tokentco.engine.results import Comparison
from tokentco.io.bundled import resource_path
from tokentco.io.project_file import SUFFIX
from tokentco.present.labels import OptionLabel, comparison_labels
from tokentco.ui import features, screen_fit, settings
from tokentco.ui.background import BackgroundOps, describe_exception
from tokentco.ui.charts import (
    BreakdownChart,
    Chart,
    ChartData,
    EnergyChart,
    FrontierChart,
    TornadoChart,
    WaterfallChart,
)
from tokentco.ui.charts.mix_cost import MixCostChart
from tokentco.ui.controllers.files import FilesController
from tokentco.ui.controllers.workload import WorkloadController
from tokentco.ui.document import ProjectDocument
from tokentco.ui.frozen_table import FrozenColumnTable
from tokentco.ui.knobs import KnobPanel
from tokentco.ui.mix_details import WorkbenchDetails
from tokentco.ui.problems import ProblemsPanel
from tokentco.ui.status_label import SteadyLabel
from tokentco.ui.tables import SORT_ROLE, ResultsModel

if TYPE_CHECKING:
    from tokentco.app.workload import WorkloadOutcome
    from tokentco.ui.catalogue import CatalogueBrowser
    from tokentco.ui.controllers.exports import ExportController
    from tokentco.ui.controllers.imports import ImportController
    from tokentco.ui.scorecard import ScorecardTab

SPREADSHEET_SUFFIXES = (".xlsx", ".csv", ".tsv", ".txt", ".xlsm", ".xls", ".ods")
STATE_VERSION = 3
TEXT_DELAY_MS = 120
"""During a drag the table and details refresh at most this often; charts every frame."""
BUSY_NOTE_MS = 250
"""The status bar says "Updating…" only for a computation still running after this long."""
TORNADO_SETTLE_MS = 150
"""The sensitivity (several evaluations) starts once no new comparison has arrived for this
long: during a drag it would take the CPU (and the GIL) from every frame."""


class MainWindow(QMainWindow):
    """TokenTCO's workbench."""

    comparisonShown = Signal(object)
    tornadoShown = Signal(object)
    computeFailed = Signal(str)
    importFinished = Signal(object)

    def __init__(
        self,
        catalogue: Catalogue,
        project: Project,
        *,
        calibration: Any = None,
        calibration_error: str = "",
        persist: bool = True,
        path: Path | None = None,
    ) -> None:
        super().__init__()
        self.persist = persist  # False for screenshots/benchmarks: no settings, no autosave
        self.calibration = calibration
        self.calibration_error = calibration_error
        self.doc = ProjectDocument(catalogue, project, self)
        self.doc.path = path
        # one incremental recompute per window: an edit re-runs only the stages it invalidates
        # (app/recompute.py); both run on their own single background channel
        self.recomputer = Recomputer(self.doc.bundled, calibration)
        self.tornado_cache = TornadoCache(self.doc.bundled, calibration)
        self.ops = BackgroundOps(self)
        self.comparison: Comparison | None = None
        self.comparison_project: Project | None = None
        self.tornado_bars: list[Any] | None = None
        self.tornado_for = ""
        self.last_error = ""
        self.last_message = ""
        self.last_paint_ms = 0.0
        self.last_compute_ms = 0.0
        self._requested_at = 0.0
        self.files = FilesController(
            self, Autosaver(settings.autosave_dir(), uuid.uuid4().hex[:12])
        )
        self._imports: ImportController | None = None  # import and export: built on use
        self._exports: ExportController | None = None
        self._closing = False
        self._tornado_stale = True
        # the first comparison computes on its background channel while the window is built
        first = self._submit_first()

        self.setWindowTitle("TokenTCO")
        icon_path = resource_path("icons", "tokentco.svg")
        if icon_path.exists():
            self.setWindowIcon(QIcon(str(icon_path)))
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.TopLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)

        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_DELAY_MS)
        self._text_timer.timeout.connect(self._text_step)
        self.details_for: Comparison | None = None  # the comparison the details describe
        self._status_for: Comparison | None = None  # the comparison the status line gives
        self._labels_memo: tuple[Catalogue, object, object, dict[str, OptionLabel]] | None = None
        self._text_painted_at = 0.0
        self._tornado_timer = QTimer(self)
        self._tornado_timer.setSingleShot(True)
        self._tornado_timer.setInterval(TORNADO_SETTLE_MS)
        self._tornado_timer.timeout.connect(self._tornado_settled)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_NOTE_MS)
        self._busy_timer.timeout.connect(self._busy_note)
        self._build_central()
        self.workload = WorkloadController(self)  # the Workload tab, after Scorecard
        self._build_docks()
        self._build_actions()
        self._build_menus()
        self.status = SteadyLabel("")  # a new figure relayouts nothing if it fits as before
        self.statusBar().addPermanentWidget(self.status)
        self.calibration_status = QLabel("")
        if calibration_error:
            self.calibration_status.setText("⚠ uncalibrated")
            self.calibration_status.setToolTip(
                f"The calibration failed to load: {calibration_error}\n"
                "Estimates use the engine's uncalibrated factors."
            )
            self.calibration_status.setStyleSheet("color: #D55E00; font-weight: bold;")
            self.statusBar().addPermanentWidget(self.calibration_status)
        screen_fit.place_default(self)  # within the available screen, centred
        self.resizeDocks(
            [self.knob_dock], [self.knobs.minimumWidth() + 8], Qt.Orientation.Horizontal
        )
        self.resizeDocks([self.results_dock], [290], Qt.Orientation.Vertical)
        self.resizeDocks(
            [self.results_dock, self.details_dock], [900, 420], Qt.Orientation.Horizontal
        )
        self._default_state = self.saveState(STATE_VERSION)

        self.doc.projectChanged.connect(self._project_changed)
        self.doc.selectionChanged.connect(self._selection_changed)
        self.doc.undo_stack.cleanChanged.connect(self._update_title)
        self.doc.pathChanged.connect(self._update_title)
        self.ops.busyChanged.connect(self._busy_changed)

        if persist:
            self._restore_settings()
            self._autosave_timer = QTimer(self)
            self._autosave_timer.timeout.connect(self.autosave)
            self._autosave_timer.start(settings.autosave_interval_s() * 1000)
        self.apply_theme()
        self.act_drop_own.setEnabled(bool(options_with_own_serving(project)))
        self._update_title()
        if first != (self.doc.project, self.doc.selected_option_id):
            self.recompute()
        elif self.ops.is_busy("comparison"):
            self._busy_changed(True)  # the note's timer, as if it had started now

    def _submit_first(self) -> tuple[Project, str] | None:
        """Queue the first comparison before the widgets are built, so that on a free core
        it is computed while they are (the event loop delivers it once the window exists);
        ``None`` when the engine is unavailable (the built window says so). What was queued,
        so that ``__init__`` can tell whether it is still current."""
        try:
            features.evaluate_fn()
        except features.NotAvailable:
            return None
        self.recompute()
        return self.doc.project, self.doc.selected_option_id

    # ================================================================ layout
    def _build_central(self) -> None:
        self.cost_chart = MixCostChart()  # per-class segments when there is a mix
        self.frontier_chart = FrontierChart()
        self.energy_chart = EnergyChart()
        self.breakdown_chart = BreakdownChart()
        self.waterfall_chart = WaterfallChart()
        self.tornado_chart = TornadoChart()
        self.charts: list[Chart] = [
            self.cost_chart,
            self.frontier_chart,
            self.breakdown_chart,
            self.energy_chart,
            self.waterfall_chart,
            self.tornado_chart,
        ]
        dashboard = QWidget()
        grid = QGridLayout(dashboard)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.setSpacing(6)
        for i, chart in enumerate(self.charts):
            grid.addWidget(chart, i // 3, i % 3)
            chart.exported.connect(self._chart_exported)
        for c in range(3):
            grid.setColumnStretch(c, 1)
        # the catalogue tables are built when first shown: not needed for the first paint
        self._catalogue: CatalogueBrowser | None = None
        self._catalogue_holder = QWidget()
        holder = QVBoxLayout(self._catalogue_holder)
        holder.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(dashboard, "&Dashboard")
        self.tabs.addTab(self._catalogue_holder, "&Catalogue")
        # the scorecard tab too is built on first show; it scores only while visible
        self._scorecard: ScorecardTab | None = None
        self._scorecard_holder = QWidget()
        QVBoxLayout(self._scorecard_holder).setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(self._scorecard_holder, "Scorecard")  # Ctrl+4; every Alt letter is taken
        self.tabs.currentChanged.connect(self._tab_shown)
        self.setCentralWidget(self.tabs)

    @property
    def imports(self) -> "ImportController":
        """Spreadsheet import (loaded on first use: nothing of it is needed to start)."""
        if self._imports is None:
            from tokentco.ui.controllers.imports import ImportController

            self._imports = ImportController(self)
        return self._imports

    @property
    def exports(self) -> "ExportController":
        """Scorecard, report and print (loaded on first use)."""
        if self._exports is None:
            from tokentco.ui.controllers.exports import ExportController

            self._exports = ExportController(self)
        return self._exports

    @property
    def catalogue(self) -> "CatalogueBrowser":
        """The catalogue tables (built on first use)."""
        if self._catalogue is None:
            from tokentco.ui.catalogue import CatalogueBrowser

            self._catalogue = CatalogueBrowser(self.doc)
            self._catalogue.message.connect(self.show_message)
            layout = self._catalogue_holder.layout()
            assert layout is not None
            layout.addWidget(self._catalogue)
            self._catalogue.show()  # a child added to a visible parent starts hidden
        return self._catalogue

    @property
    def scorecard(self) -> "ScorecardTab":
        """The Scorecard tab: criteria, weights, rubrics and the live ranking (built on use)."""
        if self._scorecard is None:
            from tokentco.ui.scorecard import ScorecardTab

            self._scorecard = ScorecardTab(
                self.doc, self.ops, lambda: (self.comparison_project, self.comparison)
            )
            self._scorecard.message.connect(self.show_message)
            self.comparisonShown.connect(self._scorecard.comparison_ready)
            layout = self._scorecard_holder.layout()
            assert layout is not None
            layout.addWidget(self._scorecard)
            self._scorecard.show()
        return self._scorecard

    def _tab_shown(self, index: int) -> None:
        if self.tabs.widget(index) is self._catalogue_holder:
            self.catalogue  # noqa: B018 - builds the tables
        elif self.tabs.widget(index) is self._scorecard_holder:
            self.scorecard  # noqa: B018 - builds the scorecard tab

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        self.knobs = KnobPanel(self.doc)
        self.knobs.message.connect(self.show_message)
        self.knobs.addRequested.connect(self.show_catalogue)
        self.knob_dock = self._dock(
            "Settings", "settingsDock", self.knobs, Qt.DockWidgetArea.LeftDockWidgetArea
        )

        self.results_model = ResultsModel(self)
        self.results_proxy = QSortFilterProxyModel(self)
        self.results_proxy.setSourceModel(self.results_model)
        self.results_proxy.setSortRole(SORT_ROLE)
        self.results = FrozenColumnTable()  # the option names stay while scrolling right
        self.results.setModel(self.results_proxy)
        self.results.setSortingEnabled(True)
        self.results.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.results.setAlternatingRowColors(True)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.verticalHeader().setVisible(False)
        self.results.verticalHeader().setDefaultSectionSize(24)
        self.results.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.results.horizontalHeader().setStretchLastSection(True)
        self.results.setAccessibleName("Results table")
        self.results.selectionModel().currentRowChanged.connect(self._result_row_selected)
        self.results_dock = self._dock(
            "Results", "resultsDock", self.results, Qt.DockWidgetArea.BottomDockWidgetArea
        )

        self.details = WorkbenchDetails()  # with the mix and plan when there are any
        details_box = QWidget()
        details_layout = QVBoxLayout(details_box)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.setSpacing(2)
        details_layout.addWidget(self.details)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(4, 0, 4, 2)
        self.quote_button = QPushButton("&Quoted throughput…")
        self.quote_button.setToolTip(
            "Type a vendor's quoted or your own measured throughput for the selected option"
        )
        self.quote_button.clicked.connect(lambda *_: self.quote_throughput())
        buttons.addWidget(self.quote_button)
        buttons.addStretch(1)
        details_layout.addLayout(buttons)
        self.details_dock = self._dock(
            "Details", "detailsDock", details_box, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.splitDockWidget(self.results_dock, self.details_dock, Qt.Orientation.Horizontal)

        self.problems = ProblemsPanel()
        self.problems_dock = self._dock(
            "Import problems", "problemsDock", self.problems, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.tabifyDockWidget(self.results_dock, self.problems_dock)
        self.results_dock.raise_()
        self.problems_dock.hide()

    # ================================================================ actions & menus
    def _action(
        self, text: str, slot: Callable[..., Any], shortcut: Any = None, tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda *_: slot())
        if shortcut is not None:
            if isinstance(shortcut, list):
                action.setShortcuts(shortcut)
            else:
                action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        return action

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        self.act_new = self._action("&New comparison", self.files.new_project, K.New)
        self.act_open = self._action("&Open…", self.files.open_dialog, K.Open)
        self.act_save = self._action("&Save", self.files.save, K.Save)
        self.act_save_as = self._action("Save &As…", self.files.save_as, K.SaveAs)
        self.act_import = self._action(
            "&Import spreadsheets…",
            lambda: self.imports.import_dialog(),
            "Ctrl+I",
            "Load offers, hardware, models or measured results from .xlsx/.csv",
        )
        self.act_template = self._action(
            "Save import &template…",
            lambda: self.imports.save_template(),
            None,
            "A blank .xlsx with headers, units, validation and an example row, to send to vendors",
        )
        self.act_scorecard = self._action(
            "Export s&corecard…",
            lambda: self.exports.export_scorecard(),
            "Ctrl+E",
            "Write the RFP scorecard workbook (.xlsx)",
        )
        self.act_report = self._action(
            "Export &report (PDF)…", lambda: self.exports.export_report(), "Ctrl+Shift+E"
        )
        self.act_print = self._action("&Print…", lambda: self.exports.print_report(), K.Print)
        self.act_preview = self._action(
            "Print pre&view…", lambda: self.exports.print_preview(), "Ctrl+Shift+P"
        )
        self.act_prefs = self._action("Pre&ferences…", self.preferences, K.Preferences)
        self.act_quit = self._action("&Quit", self.close, K.Quit)
        self.act_undo = self.doc.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcuts(K.Undo)
        self.act_redo = self.doc.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence(K.Redo), QKeySequence("Ctrl+Y")])
        self.act_find = self._action("&Find in catalogue", self.find_in_catalogue, K.Find)
        self.act_add = self._action(
            "&Add option…",
            self.show_catalogue,
            "Ctrl+K",
            "Pick hardware or an offer in the catalogue",
        )
        self.act_remove = self._action("&Remove selected option", self.remove_selected, "Ctrl+Del")
        self.act_drop_own = self._action(
            "Use project &serving settings for all options",
            self.doc.use_project_serving_for_all,
            None,
            "Drop every option's own serving settings (marked ⚙) so all are compared alike",
        )
        self.act_quote = self._action(
            "&Quoted throughput…",
            self.quote_throughput,
            "Ctrl+T",
            "Type a vendor's quoted or your own measured throughput for the selected option",
        )
        self.act_next = self._action("&Next option", lambda: self.step_selection(1), "Ctrl+]")
        self.act_prev = self._action("&Previous option", lambda: self.step_selection(-1), "Ctrl+[")
        self.act_recompute = self._action("Re&compute", self.recompute, "F5")
        self.act_dashboard = self._action(
            "&Dashboard", lambda: self.tabs.setCurrentIndex(0), "Ctrl+1"
        )
        self.act_catalogue = self._action(
            "&Catalogue", lambda: self.tabs.setCurrentIndex(1), "Ctrl+2"
        )
        self.act_scorecard_tab = self._action(
            "Sco&recard", lambda: self.tabs.setCurrentIndex(2), "Ctrl+4"
        )
        self.act_settings = self._action("Focus &settings", self.focus_settings, "Ctrl+3")
        self.act_reset_layout = self._action("&Reset layout", self.reset_layout)
        self.act_about = self._action("&About TokenTCO", self.about)
        self.act_shortcuts = self._action(
            "&Keyboard shortcuts", self.show_shortcuts, K.HelpContents
        )
        for action in self.findChildren(QAction):
            self.addAction(action)  # shortcuts work even when the menu bar is hidden
        # right-click on an option in the results table: quote its throughput there
        self.results.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.results.addAction(self.act_quote)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        file.addActions([self.act_new, self.act_open])
        self.recent_menu = file.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(lambda: self.files.fill_recent(self.recent_menu))
        file.addActions([self.act_save, self.act_save_as])
        file.addSeparator()
        file.addActions([self.act_import, self.act_template])
        export = file.addMenu("Export c&hart")
        for chart in self.charts:
            sub = export.addMenu(chart.title)
            for fmt in ("png", "svg"):
                sub.addAction(
                    self._action(f"{fmt.upper()}…", lambda c=chart, f=fmt: c.export_dialog(f))
                )
        file.addActions([self.act_scorecard, self.act_report])
        file.addSeparator()
        file.addActions([self.act_preview, self.act_print])
        file.addSeparator()
        file.addAction(self.act_prefs)
        file.addSeparator()
        file.addAction(self.act_quit)
        edit = bar.addMenu("&Edit")
        edit.addActions([self.act_undo, self.act_redo])
        edit.addSeparator()
        edit.addAction(self.act_find)
        comparison = bar.addMenu("&Comparison")
        comparison.addActions([self.act_add, self.act_remove, self.act_next, self.act_prev])
        comparison.addAction(self.act_drop_own)
        comparison.addAction(self.act_quote)
        comparison.addSeparator()
        comparison.addAction(self.act_recompute)
        view = bar.addMenu("&View")
        view.addActions(
            [
                self.act_dashboard,
                self.act_catalogue,
                self.act_scorecard_tab,
                self.workload.action,
                self.act_settings,
            ]
        )
        view.addSeparator()
        for dock in (self.knob_dock, self.results_dock, self.details_dock, self.problems_dock):
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        view.addAction(self.act_reset_layout)
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.act_shortcuts, self.act_about])

    # ================================================================ computing
    def recompute(self) -> None:
        """Queue a computation of the current project (coalesced with any in flight)."""
        project = self.doc.project
        catalogue = self.doc.catalogue
        calibration = self.calibration
        selected = self.doc.selected_option_id
        recomputer = self.recomputer
        self._requested_at = time.perf_counter()
        try:
            features.evaluate_fn()
        except features.NotAvailable as exc:
            self._compute_failed(exc)
            return

        def job() -> "tuple[Project, Comparison, float, WorkloadOutcome | None]":
            start = time.perf_counter()
            # only the stages this edit invalidated, and waterfall variants for the selected
            # option only (exports and the report evaluate in full)
            comparison = recomputer.update(project, selected, want_variants=True)
            outcome = None
            if project.workload_classes or project.demand_profile is not None:
                # with workload classes the table and charts show the blend; with a demand
                # profile Details and the Workload tab show the plan — all from this job
                from tokentco.app.workload import restate

                comparison, outcome = restate(project, catalogue, calibration, comparison)
            return project, comparison, (time.perf_counter() - start) * 1000, outcome

        self.ops.submit_latest("comparison", job, self._computed, self._compute_failed)
        self._tornado_stale = True  # recomputed once the comparison settles (see _computed)

    def _recompute_tornado(self) -> None:
        self._tornado_timer.stop()
        self._tornado_stale = False
        option_id = self.doc.selected_option_id
        project = self.doc.project
        tornado_cache = self.tornado_cache
        if not option_id:
            return
        try:
            features.tornado_fn()
        except features.NotAvailable as exc:
            self.tornado_chart.empty_text = str(exc)
            return
        self.tornado_chart.empty_text = "computing…"

        def job() -> tuple[Project, str, list[Any]]:
            return (
                project,
                option_id,
                list(tornado_cache.bars(project, option_id)),
            )

        self.ops.submit_latest("tornado", job, self._tornado_done, self._tornado_failed)

    def _computed(
        self, payload: "tuple[Project, Comparison, float, WorkloadOutcome | None]"
    ) -> None:
        project, comparison, ms, outcome = payload
        self.comparison, self.comparison_project = comparison, project
        self.workload.computed(project, outcome)
        self.last_compute_ms = ms
        self.render_comparison()  # the status line follows with the table (_show_status)
        self.last_latency_ms = (time.perf_counter() - self._requested_at) * 1000
        if self._tornado_stale:
            # the tornado (several evaluations) waits until a drag settles so it never
            # competes with the live recomputation and painting for the CPU
            self._tornado_timer.start()
        self.comparisonShown.emit(comparison)

    def _tornado_settled(self) -> None:
        if self._closing or not self._tornado_stale:
            return
        if self.ops.is_busy("comparison"):
            self._tornado_timer.start()  # still dragging: wait for the next comparison
            return
        self._recompute_tornado()

    def _compute_failed(self, exc: Exception) -> None:
        message = describe_exception(exc)
        self._tornado_stale = False
        self.last_error = message
        self.details.show_error(message)
        self.status.setText("Computation failed — see Details")
        self.workload.failed(message)
        self.computeFailed.emit(message)

    def _tornado_done(self, payload: tuple[Project, str, list[Any]]) -> None:
        _project, option_id, bars = payload
        self.tornado_bars, self.tornado_for = bars, option_id
        if self.comparison is not None:
            self.tornado_chart.show_data(self._chart_data(), lazy=True)
        self.tornadoShown.emit(bars)

    def _tornado_failed(self, exc: Exception) -> None:
        message = describe_exception(exc)
        self.tornado_bars, self.tornado_for = [], ""
        self.tornado_chart.empty_text = f"Sensitivity failed: {message}"
        if self.comparison is not None:
            self.tornado_chart.show_data(self._chart_data(), lazy=True)

    def _chart_data(self) -> ChartData:
        assert self.comparison is not None
        project = self.comparison_project or self.doc.project
        return ChartData(
            self.comparison,
            project,
            self.doc.selected_option_id,
            self.tornado_bars,
            self.tornado_for,
            catalogue=self.doc.catalogue,  # labels disambiguated by provider, region, term
            known_labels=self._labels(self.comparison, project),
        )

    def _labels(self, comparison: Comparison, project: Project) -> "dict[str, OptionLabel]":
        """The options' unique labels, made again only when the options or the catalogue
        change (an edit keeps the option objects, so identity is a cheap, exact test)."""
        catalogue = self.doc.catalogue
        names = tuple(
            (r.option_id, r.label, r.offer_id, r.accelerator_id) for r in comparison.options
        )
        memo = self._labels_memo
        if (
            memo is not None
            and memo[0] is catalogue
            and memo[1] is project.options
            and memo[2] == names
        ):
            return memo[3]
        labels = comparison_labels(comparison, project, catalogue)
        self._labels_memo = (catalogue, project.options, names, labels)
        return labels

    def render_comparison(self, text_now: bool = False) -> None:
        """Paint the latest comparison into every chart now; the table and the details
        follow within ``TEXT_DELAY_MS`` (coalesced), so a slider drag repaints only charts.
        """
        if self.comparison is None:
            return
        start = time.perf_counter()
        data = self._chart_data()
        for chart in self.charts:
            chart.show_data(data, lazy=True)  # a chart on a hidden tab draws when shown
        self.last_paint_ms = (time.perf_counter() - start) * 1000
        if text_now:
            self.render_text()
        elif not self._text_timer.isActive():
            if self._text_due():
                self._text_step()
            else:
                self._text_timer.start(TEXT_DELAY_MS)

    def _text_step(self) -> None:
        """One text refresh during a drag: the results table, then (in a later pass of the
        event loop) the details, so no frame pays for both on top of the charts."""
        self._text_timer.stop()
        if self.comparison is None:
            return
        self._text_painted_at = time.perf_counter()
        self._show_status()
        if self.results_model.comparison is not self.comparison:
            self._render_table()
            if self.details_for is not self.comparison:
                self._text_timer.start(TEXT_DELAY_MS // 2)
        elif self.details_for is not self.comparison:
            self._render_details()

    def _text_due(self) -> bool:
        return time.perf_counter() - self._text_painted_at > TEXT_DELAY_MS / 1000

    def render_text(self) -> None:
        """Refresh the results table and the details panel from the latest comparison."""
        self._text_timer.stop()
        if self.comparison is None:
            return
        self._text_painted_at = time.perf_counter()
        self._show_status()
        self._render_table()
        self._render_details()

    def _render_table(self) -> None:
        assert self.comparison is not None
        project = self.comparison_project or self.doc.project
        colours = {o.id: i for i, o in enumerate(project.options)}
        own = frozenset(options_with_own_serving(project))
        labels = self._labels(self.comparison, project)
        self.results_model.set_comparison(
            self.comparison, colours, own, {k: v.full for k, v in labels.items()}
        )
        if self.results.horizontalHeader().sectionSize(0) < 60 or not getattr(
            self, "_sized", False
        ):
            self.results.resizeColumnsToContents()
            self._sized = True

    def _render_details(self) -> None:
        assert self.comparison is not None
        project = self.comparison_project or self.doc.project
        self.details.show_result(self.comparison, project, self.doc.selected_option_id)
        self.details_for = self.comparison

    def _show_status(self) -> None:
        """The status line's figures, refreshed with the table (not every frame of a drag:
        a new text relayouts and repaints the status bar)."""
        if self.comparison is None or self.ops.is_busy("comparison"):
            return  # the next comparison's refresh shows its figures
        if self._status_for is self.comparison:
            return  # shown already (a failure message stays until a new comparison)
        self._status_for = self.comparison
        text = (
            f"{len(self.comparison.options)} options · computed in {self.last_compute_ms:.0f} ms"
            f" · painted in {self.last_paint_ms:.0f} ms · {MODEL_VERSION} · "
            + self.calibration_label()
        )
        if self.status.text() != text:
            self.status.setText(text)

    def _busy_changed(self, busy: bool) -> None:
        if busy and self.ops.is_busy("comparison") and not self._busy_timer.isActive():
            self._busy_timer.start()  # "Updating…" only for a computation that takes a while

    def _busy_note(self) -> None:
        if self.ops.is_busy("comparison"):
            self.status.setText("Updating…")

    # ================================================================ document events
    def _project_changed(self, project: Project) -> None:
        self.act_drop_own.setEnabled(bool(options_with_own_serving(project)))
        self._update_title()
        self.recompute()

    def _selection_changed(self, option_id: str) -> None:
        if self.comparison is not None:
            self.render_comparison(text_now=True)
        if self.comparison is not None and not self.comparison_has_waterfall(option_id):
            self.recompute()  # sweeps the newly selected option's waterfall variants only
        self._recompute_tornado()
        self._select_result_row(option_id)

    def comparison_has_waterfall(self, option_id: str) -> bool:
        """Whether the shown comparison carries ``option_id``'s waterfall (the incremental
        recompute computes it for the selected option only)."""
        assert self.comparison is not None
        return any(r.option_id == option_id and r.waterfall for r in self.comparison.options)

    def _select_result_row(self, option_id: str) -> None:
        for row in range(self.results_proxy.rowCount()):
            source = self.results_proxy.mapToSource(self.results_proxy.index(row, 0))
            if self.results_model.result(source.row()).option_id == option_id:
                if self.results.currentIndex().row() != row:
                    self.results.blockSignals(True)
                    self.results.selectRow(row)
                    self.results.blockSignals(False)
                return

    def _result_row_selected(self, current: Any, _previous: Any) -> None:
        if current.isValid():
            row = self.results_proxy.mapToSource(current).row()
            self.doc.select_option(self.results_model.result(row).option_id)

    def step_selection(self, step: int) -> None:
        ids = [o.id for o in self.doc.project.options]
        if ids:
            i = ids.index(self.doc.selected_option_id) if self.doc.selected_option_id in ids else 0
            self.doc.select_option(ids[(i + step) % len(ids)])

    def remove_selected(self) -> None:
        if self.doc.selected_option_id:
            self.doc.remove_option(self.doc.selected_option_id)

    def _update_title(self, *_: object) -> None:
        name = self.doc.path.name if self.doc.path else self.doc.project.name
        self.setWindowTitle(f"{name}[*] — TokenTCO")
        self.setWindowModified(self.doc.dirty)

    def _chart_exported(self, path: str) -> None:
        self.show_message(f"Chart saved to {path}")

    # ================================================================ messages
    def show_message(self, text: str) -> None:
        self.last_message = text
        self.statusBar().showMessage(text, 8000)

    def notify(
        self, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Warning
    ) -> None:
        """Non-blocking message box (the app keeps running underneath)."""
        if icon in (QMessageBox.Icon.Warning, QMessageBox.Icon.Critical):
            self.last_error = text
        self.show_message(text)
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        self._last_box = box

    def calibration_label(self) -> str:
        """Which calibration the figures use: its version, or "uncalibrated" (never the
        same label for both)."""
        if self.calibration_error or self.calibration is None:
            return "uncalibrated"
        return f"calibration {getattr(self.calibration, 'version', '?')}"

    def warn_calibration(self) -> None:
        """Tell the user the calibration failed to load (once, after the window shows)."""
        if self.calibration_error:
            self.notify(
                "Calibration failed to load",
                f"{self.calibration_error}\n\nEstimates use the engine's uncalibrated "
                "factors and are marked “uncalibrated” in the status bar until this is fixed.",
            )

    def ask_save_changes(self) -> QMessageBox.StandardButton:
        """Save / Discard / Cancel before losing unsaved work (tests replace this)."""
        from tokentco.ui.dialogs import questions  # dialogs load when first needed

        return questions.ask_save_changes(self)

    def ask_recovery(self, when: str, original: str) -> QMessageBox.StandardButton:
        """Offer autosaved work from a session that did not close properly (tests replace this)."""
        from tokentco.ui.dialogs import questions

        return questions.ask_recovery(self, when, original)

    def ask_overwrite_changed(self, problem: str) -> QMessageBox.StandardButton:
        """Save over a file changed on disk since it was opened? (tests replace this)."""
        from tokentco.ui.dialogs import questions

        return questions.ask_overwrite_changed(self, problem)

    # ================================================================ files, import, export
    # (the controllers do the work; these names are the window's public API)
    def open_path(self, path: Path, ask: bool = True) -> bool:
        return self.files.open_path(path, ask)

    def save_to(self, path: Path) -> bool:
        return self.files.save_to(path)

    def autosave(self) -> Path | None:
        return self.files.autosave()

    def offer_recovery(self) -> bool:
        return self.files.offer_recovery()

    def import_paths(self, paths: list[Path]) -> None:
        self.imports.import_paths(paths)

    def save_template(self, kind: str | None = None, path: Path | None = None) -> bool:
        return self.imports.save_template(kind, path)

    def export_scorecard(self, path: Path | None = None) -> None:
        self.exports.export_scorecard(path)

    def export_report(self, path: Path | None = None) -> bool:
        return self.exports.export_report(path)

    def print_preview(self) -> None:
        self.exports.print_preview()

    @property
    def preview_dialog(self) -> QDialog | None:
        return self.exports.preview_dialog

    @property
    def import_progress(self) -> QProgressDialog | None:
        return self.imports.progress_dialog

    def current_comparison(self) -> Comparison:
        return self.exports.current_comparison()

    # ================================================================ views & dialogs
    def about(self) -> None:
        from tokentco.ui.dialogs.about import show_about

        show_about(self)

    def show_shortcuts(self) -> None:
        from tokentco.ui.dialogs.shortcuts import ShortcutsDialog

        self.shortcuts_dialog = ShortcutsDialog(self.menuBar())
        self.shortcuts_dialog.open()

    def preferences(self) -> None:
        from tokentco.ui.dialogs.preferences import PreferencesDialog

        dialog = PreferencesDialog(self)

        def accepted() -> None:
            if self.persist:
                self._autosave_timer.start(dialog.autosave_interval_s * 1000)

        dialog.accepted.connect(accepted)
        dialog.open()
        self.preferences_dialog = dialog

    def quote_throughput(self) -> None:
        """Open the quoted-throughput dialog for the selected option (OK or "Remove quote"
        is one undoable edit)."""
        option_id = self.doc.selected_option_id
        if not option_id:
            self.show_message("Add an option first: a quote belongs to one option.")
            return
        from tokentco.ui.dialogs.quoted_throughput import QuotedThroughputDialog

        dialog = QuotedThroughputDialog(self.doc.project, option_id, self.doc.apply, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.quote_dialog = dialog

    def show_catalogue(self) -> None:
        self.tabs.setCurrentIndex(1)
        self.catalogue.focus_filter()

    def find_in_catalogue(self) -> None:
        self.show_catalogue()

    def focus_settings(self) -> None:
        self.knob_dock.show()
        self.knob_dock.raise_()
        self.knobs.model.setFocus()

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, STATE_VERSION)
        self.problems_dock.hide()

    # ================================================================ theme & settings
    def apply_theme(self) -> None:
        for chart in self.charts:
            chart.apply_theme()
        if self.comparison is not None:
            self.render_comparison(text_now=True)

    def changeEvent(self, event: Any) -> None:
        if event.type() in (event.Type.PaletteChange, event.Type.ApplicationPaletteChange):
            self.apply_theme()
        super().changeEvent(event)

    def _restore_settings(self) -> None:
        store = settings.settings()
        geometry = store.value("window/geometry")
        state = store.value("window/state")
        # only a geometry that fits today's screens (a monitor may have been unplugged)
        screen_fit.restore_or_default(
            self,
            QByteArray(geometry) if isinstance(geometry, QByteArray | bytes) else None,
            saved_rect=screen_fit.parse_rect(store.value("window/rect")),
        )
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state), STATE_VERSION)
        tab = store.value("window/tab", 0)
        with contextlib.suppress(TypeError, ValueError):
            self.tabs.setCurrentIndex(int(str(tab)))

    def save_settings(self) -> None:
        if not self.persist:
            return
        store = settings.settings()
        store.setValue("window/geometry", self.saveGeometry())
        store.setValue("window/rect", screen_fit.rect_text(self))
        store.setValue("window/state", self.saveState(STATE_VERSION))
        store.setValue("window/tab", self.tabs.currentIndex())
        store.sync()

    # ================================================================ drag and drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(u.isLocalFile() for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        self.handle_dropped(paths)
        event.acceptProposedAction()

    def handle_dropped(self, paths: list[Path]) -> None:
        projects = [p for p in paths if p.suffix == SUFFIX]
        sheets = [p for p in paths if p.suffix.lower() in SPREADSHEET_SUFFIXES]
        others = [p for p in paths if p not in projects and p not in sheets]
        if projects:
            self.open_path(projects[0])
        if sheets:
            self.import_paths(sheets)
        if others:
            self.show_message("Not a spreadsheet or project: " + ", ".join(p.name for p in others))

    # ================================================================ closing
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.persist and not self.files.maybe_save():
            event.ignore()
            return
        self._closing = True
        self.save_settings()
        if self.persist and hasattr(self, "_autosave_timer"):
            self._autosave_timer.stop()
        self.ops.shutdown()
        self.files.close_session()
        if self.persist:
            self.files.discard_autosave()
        event.accept()


__all__ = ["MainWindow"]

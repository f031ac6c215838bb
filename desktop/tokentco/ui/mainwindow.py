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
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tokentco import MODEL_VERSION, __version__
from tokentco.app.autosave import Autosaver, SessionLock
from tokentco.app.edits import options_with_own_serving
from tokentco.domain import Catalogue, Project
from tokentco.engine.results import Comparison
from tokentco.io.bundled import resource_path
from tokentco.io.errors import InputError
from tokentco.io.project_file import SUFFIX, load_project, save_project
from tokentco.ui import features, settings
from tokentco.ui.background import BackgroundOps, describe_exception
from tokentco.ui.charts import (
    BreakdownChart,
    Chart,
    ChartData,
    CostChart,
    EnergyChart,
    FrontierChart,
    TornadoChart,
    WaterfallChart,
)
from tokentco.ui.details import DetailsPanel
from tokentco.ui.document import ProjectDocument
from tokentco.ui.knobs import KnobPanel
from tokentco.ui.problems import ProblemsPanel
from tokentco.ui.tables import SORT_ROLE, ResultsModel

if TYPE_CHECKING:
    from tokentco.ui.catalogue import CatalogueBrowser
    from tokentco.ui.scorecard_tab import ScorecardTab

SPREADSHEET_SUFFIXES = (".xlsx", ".csv", ".tsv", ".txt", ".xlsm", ".xls", ".ods")
PROJECT_FILTER = f"TokenTCO project (*{SUFFIX})"
SPREADSHEET_FILTER = "Spreadsheets (*.xlsx *.csv *.tsv)"
STATE_VERSION = 3
TEXT_DELAY_MS = 120
"""During a drag the table and details refresh at most this often; charts every frame."""


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
        self._autosaver = Autosaver(settings.autosave_dir(), uuid.uuid4().hex[:12])
        self._closing = False

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
        self._text_painted_at = 0.0
        self._tornado_stale = True
        self._build_central()
        self._build_docks()
        self._build_actions()
        self._build_menus()
        self.status = QLabel("")
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
        self.resize(1600, 1000)
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
        self.recompute()

    # ================================================================ layout
    def _build_central(self) -> None:
        self.cost_chart = CostChart()
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
            from tokentco.ui.scorecard_tab import ScorecardTab

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
        self.results = QTableView()
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

        self.details = DetailsPanel()
        self.details_dock = self._dock(
            "Details", "detailsDock", self.details, Qt.DockWidgetArea.BottomDockWidgetArea
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
        self.act_new = self._action("&New comparison", self.new_project, K.New)
        self.act_open = self._action("&Open…", self.open_dialog, K.Open)
        self.act_save = self._action("&Save", self.save, K.Save)
        self.act_save_as = self._action("Save &As…", self.save_as, K.SaveAs)
        self.act_import = self._action(
            "&Import spreadsheets…",
            self.import_dialog,
            "Ctrl+I",
            "Load offers, hardware, models or measured results from .xlsx/.csv",
        )
        self.act_template = self._action(
            "Save import &template…",
            self.save_template,
            None,
            "A blank .xlsx with headers, units, validation and an example row, to send to vendors",
        )
        self.act_scorecard = self._action(
            "Export s&corecard…",
            self.export_scorecard,
            "Ctrl+E",
            "Write the RFP scorecard workbook (.xlsx)",
        )
        self.act_report = self._action("Export &report (PDF)…", self.export_report, "Ctrl+Shift+E")
        self.act_print = self._action("&Print…", self.print_report, K.Print)
        self.act_preview = self._action("Print pre&view…", self.print_preview, "Ctrl+Shift+P")
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

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        file.addActions([self.act_new, self.act_open])
        self.recent_menu = file.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
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
        comparison.addSeparator()
        comparison.addAction(self.act_recompute)
        view = bar.addMenu("&View")
        view.addActions(
            [self.act_dashboard, self.act_catalogue, self.act_scorecard_tab, self.act_settings]
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
        self._requested_at = time.perf_counter()
        try:
            evaluate = features.evaluate_fn()
        except features.NotAvailable as exc:
            self._compute_failed(exc)
            return

        def job() -> tuple[Project, Comparison, float]:
            start = time.perf_counter()
            comparison = evaluate(project, catalogue, calibration)
            return project, comparison, (time.perf_counter() - start) * 1000

        self.ops.submit_latest("comparison", job, self._computed, self._compute_failed)
        self._tornado_stale = True  # recomputed once the comparison settles (see _computed)

    def _recompute_tornado(self) -> None:
        self._tornado_stale = False
        option_id = self.doc.selected_option_id
        project, catalogue, calibration = self.doc.project, self.doc.catalogue, self.calibration
        if not option_id:
            return
        try:
            tornado = features.tornado_fn()
        except features.NotAvailable as exc:
            self.tornado_chart.empty_text = str(exc)
            return
        self.tornado_chart.empty_text = "computing…"

        def job() -> tuple[Project, str, list[Any]]:
            return (
                project,
                option_id,
                list(tornado(project, catalogue, option_id, calibration=calibration)),
            )

        self.ops.submit_latest("tornado", job, self._tornado_done, self._tornado_failed)

    def _computed(self, payload: tuple[Project, Comparison, float]) -> None:
        project, comparison, ms = payload
        self.comparison, self.comparison_project = comparison, project
        self.last_compute_ms = ms
        self.render_comparison()
        latency = (time.perf_counter() - self._requested_at) * 1000
        if self.ops.is_busy("comparison"):
            self.status.setText("Updating…")
        else:
            self.status.setText(
                f"{len(comparison.options)} options · computed in {ms:.0f} ms · "
                f"painted in {self.last_paint_ms:.0f} ms · {MODEL_VERSION}"
                + (" · uncalibrated" if self.calibration_error else "")
            )
        self.last_latency_ms = latency
        if not self.ops.is_busy("comparison") and self._tornado_stale:
            # the tornado (several evaluations) waits until a drag settles so it never
            # competes with the live recomputation for the CPU
            self._recompute_tornado()
        self.comparisonShown.emit(comparison)

    def _compute_failed(self, exc: Exception) -> None:
        message = describe_exception(exc)
        self._tornado_stale = False
        self.last_error = message
        self.details.show_error(message)
        self.status.setText("Computation failed — see Details")
        self.computeFailed.emit(message)

    def _tornado_done(self, payload: tuple[Project, str, list[Any]]) -> None:
        _project, option_id, bars = payload
        self.tornado_bars, self.tornado_for = bars, option_id
        if self.comparison is not None:
            self.tornado_chart.show_data(self._chart_data())
        self.tornadoShown.emit(bars)

    def _tornado_failed(self, exc: Exception) -> None:
        message = describe_exception(exc)
        self.tornado_bars, self.tornado_for = [], ""
        self.tornado_chart.empty_text = f"Sensitivity failed: {message}"
        if self.comparison is not None:
            self.tornado_chart.show_data(self._chart_data())

    def _chart_data(self) -> ChartData:
        assert self.comparison is not None
        project = self.comparison_project or self.doc.project
        return ChartData(
            self.comparison,
            project,
            self.doc.selected_option_id,
            self.tornado_bars,
            self.tornado_for,
        )

    def render_comparison(self, text_now: bool = False) -> None:
        """Paint the latest comparison into every chart now; the table and the details
        follow within ``TEXT_DELAY_MS`` (coalesced), so a slider drag repaints only charts.
        """
        if self.comparison is None:
            return
        start = time.perf_counter()
        data = self._chart_data()
        for chart in self.charts:
            chart.show_data(data)
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
        self._render_table()
        self._render_details()

    def _render_table(self) -> None:
        assert self.comparison is not None
        project = self.comparison_project or self.doc.project
        colours = {o.id: i for i, o in enumerate(project.options)}
        own = frozenset(options_with_own_serving(project))
        self.results_model.set_comparison(self.comparison, colours, own)
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

    def _busy_changed(self, busy: bool) -> None:
        if busy and self.ops.is_busy("comparison"):
            self.status.setText("Updating…")

    # ================================================================ document events
    def _project_changed(self, project: Project) -> None:
        self.act_drop_own.setEnabled(bool(options_with_own_serving(project)))
        self._update_title()
        self.recompute()

    def _selection_changed(self, option_id: str) -> None:
        if self.comparison is not None:
            self.render_comparison(text_now=True)
        self._recompute_tornado()
        self._select_result_row(option_id)

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
        return QMessageBox.question(
            self,
            "Unsaved changes",
            "Save the changes to this comparison first?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )

    def ask_recovery(self, when: str, original: str) -> QMessageBox.StandardButton:
        """Offer autosaved work from a session that did not close properly (tests replace this)."""
        where = f" of {original}" if original else ""
        return QMessageBox.question(
            self,
            "Recover unsaved work?",
            f"TokenTCO did not close properly. Unsaved work{where} was autosaved at {when}.\n\n"
            "Recover it? (Discard deletes the autosave; Ignore keeps it for later.)",
            QMessageBox.StandardButton.Yes
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Ignore,
            QMessageBox.StandardButton.Yes,
        )

    def _maybe_save(self) -> bool:
        if not self.doc.dirty:
            return True
        answer = self.ask_save_changes()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    # ================================================================ files
    def new_project(self) -> None:
        if not self._maybe_save():
            return
        from tokentco.io.defaults import default_project

        self.doc.reset(default_project(self.doc.bundled), None)

    def open_dialog(self) -> None:
        if not self._maybe_save():
            return
        start = str(self.doc.path.parent) if self.doc.path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open comparison", start, PROJECT_FILTER)
        if path:
            self.open_path(Path(path), ask=False)

    def open_path(self, path: Path, ask: bool = True) -> bool:
        """Open a project file; a bad file shows a message and keeps the current project."""
        if ask and not self._maybe_save():
            return False
        try:
            project = load_project(path)
        except InputError as exc:
            self.notify("Cannot open project", f"{exc}\n\nThe current comparison is unchanged.")
            return False
        self.doc.reset(project, Path(path))
        self._add_recent(Path(path))
        self.show_message(f"Opened {path}")
        return True

    def save(self) -> bool:
        if self.doc.path is None:
            return self.save_as()
        return self.save_to(self.doc.path)

    def save_as(self) -> bool:
        start = str(self.doc.path) if self.doc.path else str(Path.home() / f"comparison{SUFFIX}")
        path, _ = QFileDialog.getSaveFileName(self, "Save comparison", start, PROJECT_FILTER)
        if not path:
            return False
        target = Path(path)
        if target.suffix != SUFFIX:
            target = target.with_suffix(SUFFIX)
        return self.save_to(target)

    def save_to(self, path: Path) -> bool:
        try:
            save_project(self.doc.project, path)
        except OSError as exc:
            self.notify(
                "Cannot save",
                f"{path}: {exc.strerror or exc}\n\nYour work is still open; "
                "save it somewhere else.",
            )
            return False
        self.doc.mark_saved(Path(path))
        self._add_recent(Path(path))
        self.show_message(f"Saved {path}")
        return True

    def _add_recent(self, path: Path) -> None:
        if self.persist:
            settings.add_recent_file(path)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = settings.recent_files() if self.persist else []
        for i, name in enumerate(files):
            label = f"&{i + 1} {Path(name).name}" if i < 9 else Path(name).name
            action = self.recent_menu.addAction(label)
            action.setToolTip(name)
            action.triggered.connect(lambda _=False, n=name: self.open_path(Path(n)))
        if not files:
            self.recent_menu.addAction("(none)").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", settings.clear_recent_files)

    # ================================================================ autosave & recovery
    def _autosave_path(self) -> Path:
        return self._autosaver.path

    def autosave(self) -> Path | None:
        """Write unsaved work to the autosave folder (atomic); nothing when already saved."""
        if not self.persist:
            return None
        if not self.doc.dirty:
            self._autosaver.clear()
            return None
        try:
            return self._autosaver.write(self.doc.project, self.doc.path)
        except OSError as exc:
            self.show_message(f"Autosave failed: {exc}")
            return None

    def _discard_autosave(self) -> None:
        self._autosaver.discard()

    def offer_recovery(self) -> bool:
        """After a crash: offer the newest orphaned autosave; returns True if recovered."""
        if not self.persist:
            return False
        for orphan in self._autosaver.orphans():
            claim = SessionLock(orphan.path.with_suffix(".lock"))
            if not claim.try_acquire():
                continue  # another window is offering it right now
            try:
                answer = self.ask_recovery(orphan.when, orphan.original)
                if answer == QMessageBox.StandardButton.Ignore:
                    continue
                if answer == QMessageBox.StandardButton.Yes:
                    try:
                        project = orphan.load()
                    except InputError as exc:
                        self.notify("Cannot recover", f"The autosave is damaged: {exc}")
                        continue
                    original = Path(orphan.original) if orphan.original else None
                    self.doc.reset(project, original, dirty=True)
                    self.show_message("Recovered unsaved work — save it to keep it.")
                    orphan.delete()
                    return True
                orphan.delete()
            finally:
                claim.release()
        return False

    # ================================================================ import
    def import_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import spreadsheets", str(Path.home()), f"{SPREADSHEET_FILTER};;All files (*)"
        )
        if paths:
            self.import_paths([Path(p) for p in paths])

    def import_paths(self, paths: list[Path]) -> None:
        """Import in the background with a progress dialog; problems go to the problems list."""
        try:
            import_files = features.import_files_fn()
        except features.NotAvailable as exc:
            self.notify("Import", str(exc), QMessageBox.Icon.Information)
            return
        rates = self.doc.project.exchange_rates
        catalogue = self.doc.catalogue
        names = ", ".join(p.name for p in paths)
        dialog = QProgressDialog(f"Importing {names}…", "Cancel", 0, 1000, self)
        dialog.setWindowTitle("Import")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        self.import_progress = dialog

        def job(progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> Any:
            def report(*args: Any) -> None:
                fraction, message = _progress_args(args)
                progress(fraction, message)

            return import_files(
                list(paths), rates, progress=report, cancel=cancelled, catalogue=catalogue
            )

        def on_progress(fraction: float, message: str) -> None:
            dialog.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
            if message:
                dialog.setLabelText(message)

        def done(result: Any) -> None:
            dialog.close()
            self._import_done(result, names)

        def failed(exc: Exception) -> None:
            dialog.close()
            from tokentco.io.importer import ImportCancelled  # loaded by the job already

            message = describe_exception(exc)
            if isinstance(exc, ImportCancelled):
                self.show_message(f"Import of {names} cancelled; nothing was changed.")
                self.importFinished.emit(None)
                return
            self.problems.show_problems([], f"Import of {names} failed: {message}")
            self.problems_dock.show()
            self.problems_dock.raise_()
            self.notify("Import failed", f"{message}\n\nNothing was changed.")
            self.importFinished.emit(None)

        cancel = self.ops.run(job, done, failed, on_progress)
        dialog.canceled.connect(cancel)

    def _import_done(self, result: Any, names: str) -> None:
        problems = list(getattr(result, "problems", []) or [])
        loaded = getattr(result, "rows_loaded", 0)
        if isinstance(loaded, dict):
            total = sum(int(v) for v in loaded.values())
            detail = ", ".join(f"{v} {k}" for k, v in loaded.items() if v)
        else:
            total, detail = int(loaded or 0), f"{int(loaded or 0)} rows"
        cancelled = bool(getattr(result, "cancelled", False))
        summary = f"{names}: loaded {detail or 'nothing'}; {len(problems)} problem(s)"
        if cancelled:
            summary += " — cancelled, nothing was changed"
        self.problems.show_problems(problems, summary)
        if problems:
            self.problems_dock.show()
            self.problems_dock.raise_()
        if total and not cancelled:
            try:
                self.doc.apply_import(result, f"Import {names}")
            except Exception as exc:  # a merge conflict is reported, never a crash
                self.notify("Import", f"Could not add the rows: {exc}")
        self.show_message(summary)
        self.importFinished.emit(result)

    # ================================================================ exports
    def _current_result_job(self) -> Callable[[], tuple[Project, Comparison]]:
        project, catalogue, calibration = self.doc.project, self.doc.catalogue, self.calibration
        evaluate = features.evaluate_fn()

        def job() -> tuple[Project, Comparison]:
            return project, evaluate(project, catalogue, calibration)

        return job

    def _export(
        self,
        what: str,
        suffix: str,
        filter_text: str,
        writer: Callable[[Project, Comparison, Path], Any],
        path: Path | None = None,
    ) -> None:
        if path is None:
            stem = (
                self.doc.path.stem if self.doc.path else "comparison"
            ) + f"-{what.split()[0].lower()}"
            chosen, _ = QFileDialog.getSaveFileName(
                self, f"Export {what}", str(Path.home() / f"{stem}{suffix}"), filter_text
            )
            if not chosen:
                return
            path = Path(chosen)
        if path.suffix.lower() != suffix:
            path = path.with_suffix(suffix)
        evaluate_job = self._current_result_job()
        target = path

        def job(progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> Path:
            project, comparison = evaluate_job()
            writer(project, comparison, target)
            return target

        self.ops.run(
            job,
            lambda p: self.show_message(f"{what.capitalize()} written to {p}"),
            lambda exc: self.notify(
                f"Export {what}", f"Could not write {target.name}: {describe_exception(exc)}"
            ),
        )

    def export_scorecard(self, path: Path | None = None) -> None:
        """File ▸ Export scorecard: the RFP workbook, written in the background."""
        try:
            write_scorecard = features.write_scorecard_fn()
        except features.NotAvailable as exc:
            self.notify("Export scorecard", str(exc), QMessageBox.Icon.Information)
            return
        catalogue = self.doc.catalogue

        def writer(project: Project, comparison: Comparison, target: Path) -> Any:
            return write_scorecard(project, comparison, target, catalogue=catalogue)

        self._export("scorecard workbook", ".xlsx", "Excel workbook (*.xlsx)", writer, path)

    def current_comparison(self) -> Comparison:
        """Results for exactly the project on screen (computed now if still in flight)."""
        if self.comparison is not None and self.comparison_project == self.doc.project:
            return self.comparison
        return self._current_result_job()()[1]

    def _report(self, what: str) -> Any:
        try:
            return features.report_module()
        except features.NotAvailable as exc:
            self.notify(what, str(exc), QMessageBox.Icon.Information)
            return None

    def save_template(self, kind: str | None = None, path: Path | None = None) -> bool:
        """File ▸ Save import template: the same workbook as ``tokentco template``."""
        from tokentco.domain import TABLE_KINDS
        from tokentco.io.errors import InputError
        from tokentco.io.import_template import write_template

        if kind is None:
            kind, ok = QInputDialog.getItem(
                self, "Save import template", "Table kind:", list(TABLE_KINDS), 2, False
            )
            if not ok:
                return False
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self,
                "Save import template",
                str(Path.home() / f"tokentco-{kind}-template.xlsx"),
                "Excel workbook (*.xlsx)",
            )
            if not chosen:
                return False
            path = Path(chosen)
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        try:  # the file dialog already asked before replacing an existing file
            write_template(kind, path, force=True)  # type: ignore[arg-type]
        except (InputError, OSError) as exc:
            self.notify("Save import template", f"Could not write {path.name}: {exc}")
            return False
        self.show_message(f"Template written to {path}")
        return True

    def export_report(self, path: Path | None = None) -> bool:
        """File ▸ Export report: the printable report as PDF (painted on the GUI thread)."""
        report = self._report("Export report")
        if report is None:
            return False
        if path is None:
            stem = (self.doc.path.stem if self.doc.path else "comparison") + "-report"
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Export report", str(Path.home() / f"{stem}.pdf"), "PDF document (*.pdf)"
            )
            if not chosen:
                return False
            path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        try:
            pages = report.write_report_pdf(
                self.doc.project, self.current_comparison(), path, catalogue=self.doc.catalogue
            )
        except Exception as exc:  # reported, the app keeps running
            self.notify("Export report", f"Could not write {path.name}: {exc}")
            return False
        self.show_message(f"Report written to {path} ({pages} pages)")
        return True

    def print_report(self) -> None:
        """File ▸ Print: the system print dialog, then the report."""
        report = self._report("Print")
        if report is None:
            return
        try:
            report.print_report(
                self.doc.project, self.current_comparison(), self, catalogue=self.doc.catalogue
            )
        except Exception as exc:  # printing problems are reported, the app keeps running
            self.notify("Print", f"Printing failed: {exc}")

    def print_preview(self) -> None:
        """File ▸ Print preview: the report in Qt's preview dialog (non-blocking)."""
        report = self._report("Print preview")
        if report is None:
            return
        try:
            comparison = self.current_comparison()
            dialog = report.preview_report(
                self.doc.project,
                comparison,
                self,
                catalogue=self.doc.catalogue,
                on_error=lambda exc: self.notify("Print preview", f"Preview failed: {exc}"),
            )
        except Exception as exc:  # reported, the app keeps running
            self.notify("Print preview", f"Preview failed: {exc}")
            return
        self.preview_dialog = dialog
        dialog.open()

    # ================================================================ views & dialogs
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

    def about(self) -> None:
        QMessageBox.about(
            self,
            "About TokenTCO",
            f"<h3>TokenTCO {__version__}</h3>"
            "<p>Compare AI inference infrastructure by all-in cost per million "
            "delivered tokens.</p>"
            f"<p>Throughput model: {MODEL_VERSION}. Estimated figures are labelled as such; "
            "measured figures name their source.</p>"
            "<p>Charts use the Okabe–Ito colour-blind-safe palette.</p>",
        )

    def show_shortcuts(self) -> None:
        rows = []
        for menu in self.menuBar().findChildren(QMenu):
            for action in menu.actions():
                keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                if keys and action.text():
                    rows.append((action.text().replace("&", ""), keys))
        seen = sorted(set(rows))
        dialog = QDialog(self)
        dialog.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(dialog)
        text = "".join(
            f"<tr><td>{name}</td><td style='padding-left:24px'><b>{keys}</b></td></tr>"
            for name, keys in seen
        )
        label = QLabel(
            f"<table>{text}</table><p>Alt + the underlined letter moves to a setting; "
            "Tab walks through every control.</p>"
        )
        layout.addWidget(label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.open()

    def preferences(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle("Preferences")
        form = QFormLayout(dialog)
        interval = QSpinBox()
        interval.setRange(5, 3600)
        interval.setSuffix(" s")
        interval.setValue(settings.autosave_interval_s())
        label = QLabel("&Autosave every:")
        label.setBuddy(interval)
        form.addRow(label, interval)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        form.addRow(buttons)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)

        def accepted() -> None:
            settings.set_autosave_interval_s(interval.value())
            if self.persist:
                self._autosave_timer.start(interval.value() * 1000)

        dialog.accepted.connect(accepted)
        dialog.open()
        self.preferences_dialog = dialog

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
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
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
        if self.persist and not self._maybe_save():
            event.ignore()
            return
        self._closing = True
        self.save_settings()
        if self.persist and hasattr(self, "_autosave_timer"):
            self._autosave_timer.stop()
        self.ops.shutdown()
        if self.persist:
            self._discard_autosave()
        event.accept()


def _progress_args(args: tuple[Any, ...]) -> tuple[float, str]:
    """Accept progress calls shaped (fraction), (fraction, msg) or (done, total[, msg])."""
    numbers = [a for a in args if isinstance(a, int | float) and not isinstance(a, bool)]
    texts = [str(a) for a in args if isinstance(a, str)]
    fraction = 0.0
    if len(numbers) >= 2 and numbers[1]:
        fraction = float(numbers[0]) / float(numbers[1])
    elif numbers:
        fraction = float(numbers[0])
    return fraction, texts[0] if texts else ""


__all__ = ["MainWindow"]

"""The Workload tab in the main window, and the mix everywhere else in it.

* The tab (:class:`~tokentco.ui.workload_tab.WorkloadTab`) is built when first shown, like
  the Catalogue and Scorecard tabs. Each edit it emits is one step of the window's undo
  history (named after what changed); after any other change of the project — undo, redo,
  a file opened, a knob moved — the tab is shown the new project; its messages go to the
  status bar. The option whose plan the tab draws is the window's selected option, both
  ways (picking one in the tab selects it in the window).
* The mix and the plans are computed once per edit, in the window's coalesced comparison
  job (``app.workload.restate``), never on the GUI thread: the tab asks nothing itself
  (its ``planner`` only re-shows the latest outcome when the project did not change) and
  is handed the outcome with every comparison, as are the cost chart and Details.
* With workload classes the results table's $/Mtok columns are the blend, and their
  headers and tooltips say so.
"""

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QVBoxLayout, QWidget

from tokentco.domain import Project
from tokentco.ui.controllers.base import Controller
from tokentco.ui.tables import RESULT_COLUMNS

if TYPE_CHECKING:  # the mix and plan engines load with the tab or the first mix
    from tokentco.app.workload import WorkloadOutcome
    from tokentco.ui.mainwindow import MainWindow
    from tokentco.ui.workload_tab import WorkloadTab

TAB_TITLE = "Workload"
SHORTCUT = "Ctrl+5"

BLEND_HEADERS: dict[str, tuple[str, str]] = {
    "$/Mtok": (
        "Blend $/Mtok",
        "The workload mix's blended cost per million tokens: each class's $/Mtok weighted "
        "by its share of output tokens, in the pool arrangement chosen for the option "
        "(separate pools or one shared pool; Details says which and why)",
    ),
    "$/Mtok p10–p90": (
        "Blend p10–p90",
        "p10–p90 of the blend: each class's range blended with the same weights",
    ),
    "tok/s/GPU": (
        "tok/s/GPU (pool)",
        "Output tokens per second per GPU of the pool serving the mix (GPU-seconds per "
        "output token added up by share)",
    ),
    "tok/s/user": ("tok/s/user (slowest)", "Tokens/s per user of the mix's slowest class"),
    "TTFT ms": ("TTFT ms (longest)", "Time to first token of the mix's slowest class"),
    "GPUs": ("GPUs (pool)", "GPUs the chosen pool arrangement needs for the stated demand"),
}
"""Results-table headers restated for a mix: (header, tooltip) by the plain header."""


class WorkloadController(Controller):
    """Builds the Workload tab on first show and keeps it, the cost chart, Details and the
    results table's headers in step with the latest comparison."""

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self._tab: WorkloadTab | None = None
        self.latest: tuple[Project, WorkloadOutcome | None] | None = None
        """The project last computed and its mix and plans (what every view shows; None:
        the project has neither classes nor a profile)."""
        self._blend_headers = False
        self.holder = QWidget()
        QVBoxLayout(self.holder).setContentsMargins(0, 0, 0, 0)
        window.tabs.addTab(self.holder, TAB_TITLE)
        window.tabs.currentChanged.connect(self._tab_shown)
        self.action = QAction("&Workload", window)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        tip = "The traffic mix, the demand profile and the capacity plan"
        self.action.setStatusTip(tip)
        self.action.setToolTip(tip)
        self.action.triggered.connect(lambda *_: self.show())
        window.doc.projectChanged.connect(self._project_changed)
        window.doc.selectionChanged.connect(self._selection_changed)

    # --- the tab ---------------------------------------------------------------------------
    @property
    def tab(self) -> "WorkloadTab":
        """The Workload tab (built on first use, showing the latest outcome)."""
        if self._tab is None:
            from tokentco.ui.workload_tab import WorkloadTab

            window = self.window
            self._tab = WorkloadTab(
                window.doc.bundled,
                window.doc.project,
                window.calibration,
                ops=window.ops,
                planner=self._plan_requested,
            )
            self._tab.project_edited.connect(self._edited)
            self._tab.message.connect(window.show_message)
            self._tab.option.activated.connect(self._option_picked)
            layout = self.holder.layout()
            assert layout is not None
            layout.addWidget(self._tab)
            self._tab.show()  # a child added to a visible parent starts hidden
            self._selection_changed(window.doc.selected_option_id)
            if self.latest is not None:
                self._show_in_tab(*self.latest)
        return self._tab

    def show(self) -> None:
        """Bring the Workload tab to the front."""
        self.window.tabs.setCurrentWidget(self.holder)

    def _tab_shown(self, index: int) -> None:
        if self.window.tabs.widget(index) is self.holder:
            self.tab  # noqa: B018 - builds the tab

    def _edited(self, project: Project) -> None:
        """One edit in the tab: one undo step."""
        from tokentco.app.workload import edit_text

        doc = self.window.doc
        before = doc.project
        doc.apply(project, edit_text(before, project))
        if doc.project is not project and self._tab is not None:
            self._tab.set_project(doc.project)  # nothing changed: show what is current

    def _project_changed(self, project: Project) -> None:
        """Undo, redo, open, a knob: show the tab the project (its own edits it knows)."""
        if self._tab is not None and project is not self._tab.project:
            self._tab.set_project(project)

    def _selection_changed(self, option_id: str) -> None:
        """The tab draws the plan of the option selected in the window."""
        if self._tab is None:
            return
        ids = [o.id for o in self._tab.project.options]
        if option_id in ids and self._tab.option.currentIndex() != ids.index(option_id):
            self._tab.option.setCurrentIndex(ids.index(option_id))

    def _option_picked(self, index: int) -> None:
        """An option picked in the tab's "Plan for option" becomes the window's selection."""
        if self._tab is not None and 0 <= index < len(self._tab.project.options):
            self.window.doc.select_option(self._tab.project.options[index].id)

    def _plan_requested(self, project: Project) -> None:
        """The tab wants a plan of ``project``. Every change of the project already queues
        the window's comparison job, which plans it; only a project equal to the one last
        computed (an edit that changed nothing) is answered here, from that outcome."""
        if self._tab is not None and self.latest is not None and self.latest[0] == project:
            self._show_in_tab(project, self.latest[1])

    def _show_in_tab(self, project: Project, outcome: "WorkloadOutcome | None") -> None:
        from tokentco.app.workload import outcome_or_reason

        assert self._tab is not None
        self._tab.show_outcome(project, outcome_or_reason(project, outcome))

    # --- the outcome of each comparison ----------------------------------------------------
    def computed(self, project: Project, outcome: "WorkloadOutcome | None") -> None:
        """A comparison of ``project`` arrived with its mix and plans: hand them to the cost
        chart, Details and the tab, and say in the table's headers when figures are blends.
        Called before the window paints the comparison; ``outcome`` is None for a project
        without classes and profile (``app.workload`` is then not even imported)."""
        self.latest = (project, outcome)
        window = self.window
        mix = outcome.mix if outcome is not None else None
        window.cost_chart.mix = mix
        window.details.outcome = outcome
        self._label_table(mix is not None)
        if self._tab is not None:
            self._show_in_tab(project, outcome)

    def failed(self, message: str) -> None:
        """The comparison job failed: the tab says why instead of planning forever."""
        from tokentco.app.workload import WorkloadOutcome

        if self._tab is not None:
            self._tab.show_outcome(self._tab.project, WorkloadOutcome(None, (), message))

    def _label_table(self, blend: bool) -> None:
        if blend == self._blend_headers:
            return
        model = self.window.results_model
        for section, column in enumerate(RESULT_COLUMNS):
            item = model.horizontalHeaderItem(section)
            if item is None:
                continue
            header, tip = BLEND_HEADERS.get(column.header, (column.header, column.tip))
            if not blend:
                header, tip = column.header, column.tip
            if item.text() != header:
                item.setText(header)
                self.window.results.resizeColumnToContents(section)  # the header is longer
            item.setToolTip(tip)
        self._blend_headers = blend


__all__ = ["BLEND_HEADERS", "SHORTCUT", "TAB_TITLE", "WorkloadController"]

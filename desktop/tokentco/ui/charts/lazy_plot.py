"""A pyqtgraph plot whose "Plot Options" panel is built when it is first needed.

pyqtgraph's ``PlotItem.__init__`` builds the plot's context-menu options (Transforms,
Downsample, Average, Alpha, Grid, Points: a Qt Designer form of some forty widgets, a
``WidgetGroup`` over them and two dozen signal connections) for every plot. Those widgets
are also where the plot keeps these options' state (``plot.ctrl.logYCheck`` *is* the log
mode), so the panel cannot simply be left out: :class:`LazyMenuPlotItem` builds exactly
pyqtgraph's panel, with the same connections, the first time ``ctrl``, ``ctrlMenu`` or
``stateGroup`` is read — by the context menu, by ``setLogMode``, ``showGrid``, a
``PlotDataItem`` added to the plot, ``saveState``… A panel built later is the panel built
at construction and never touched: until it exists, nothing can have changed it. For the
dashboard's seven plots that is about 40 ms of a cold start, for menus seldom opened.

The rest of the construction is ``PlotItem.__init__``'s own, step for step;
``tests/ui/test_lazy_plot.py`` checks that a lazy plot ends with the same attributes and
the same saved state as a plain one, so a pyqtgraph that builds its plots differently
shows up there.
"""

import weakref
from typing import Any

import pyqtgraph as pg
from pyqtgraph import icons
from pyqtgraph.graphicsItems.PlotItem import plotConfigTemplate_generic as ui_template
from pyqtgraph.WidgetGroup import WidgetGroup
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QGraphicsGridLayout, QMenu, QSizePolicy, QWidget, QWidgetAction

DEFERRED = frozenset({"ctrl", "ctrlMenu", "stateGroup"})
"""The attributes of the options panel, built together on first read."""


def _translate(text: str) -> str:
    return QCoreApplication.translate("PlotItem", text)


class LazyMenuPlotItem(pg.PlotItem):
    """``pg.PlotItem(viewBox=..., axisItems=...)`` with the options panel built on first use
    (see the module text). Labels, a title and data are set afterwards, as the charts do."""

    def __init__(self, viewBox: Any, axisItems: dict[str, Any] | None = None) -> None:
        pg.GraphicsWidget.__init__(self)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.autoBtn = pg.ButtonItem(icons.getGraphPixmap("auto"), 14, self)
        self.autoBtn.mode = "auto"
        self.autoBtn.clicked.connect(self.autoBtnClicked)
        self.buttonsHidden = False
        self.mouseHovering = False
        self.layout = QGraphicsGridLayout()
        self.layout.setContentsMargins(1, 1, 1, 1)
        self.setLayout(self.layout)
        self.layout.setHorizontalSpacing(0)
        self.layout.setVerticalSpacing(0)
        self.vb = viewBox
        self.vb.sigStateChanged.connect(self.viewStateChanged)
        self.setMenuEnabled(True, None)
        self.vb.sigRangeChanged.connect(self.sigRangeChanged)
        self.vb.sigXRangeChanged.connect(self.sigXRangeChanged)
        self.vb.sigYRangeChanged.connect(self.sigYRangeChanged)
        self.vb.sigRangeChangedManually.connect(self.sigRangeChangedManually)
        self.layout.addItem(self.vb, 2, 1)
        self.alpha = 1.0
        self.autoAlpha = True
        self.spectrumMode = False
        self.legend = None
        self.axes: dict[str, Any] = {}
        self.setAxisItems(axisItems)
        self.titleLabel = pg.LabelItem("", size="11pt", parent=self)
        self.layout.addItem(self.titleLabel, 0, 1)
        self.setTitle(None)
        self._lay_out_grid()
        self.items: list[Any] = []
        self.curves: list[Any] = []
        self.itemMeta: Any = weakref.WeakKeyDictionary()
        self.dataItems: list[Any] = []
        self.paramList: dict[Any, Any] = {}
        self.avgCurves: dict[Any, Any] = {}
        self.avgPen = pg.mkPen((0, 200, 0))
        self.avgShadowPen = pg.mkPen((0, 0, 0), width=4)
        self.fileDialog = None

    def _lay_out_grid(self) -> None:
        for i in range(4):
            self.layout.setRowPreferredHeight(i, 0)
            self.layout.setRowMinimumHeight(i, 0)
            self.layout.setRowSpacing(i, 0)
            self.layout.setRowStretchFactor(i, 1)
        for i in range(3):
            self.layout.setColumnPreferredWidth(i, 0)
            self.layout.setColumnMinimumWidth(i, 0)
            self.layout.setColumnSpacing(i, 0)
            self.layout.setColumnStretchFactor(i, 1)
        self.layout.setRowStretchFactor(2, 100)
        self.layout.setColumnStretchFactor(1, 100)

    def __getattr__(self, name: str) -> Any:
        """Only reached for an attribute the plot has not got: the deferred panel's."""
        if name not in DEFERRED or "ctrl" in self.__dict__:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        self._build_options()
        return self.__dict__[name]

    def _build_options(self) -> None:
        """pyqtgraph's options panel, its menu and its connections, as ``__init__`` makes them."""
        w = QWidget()
        self.ctrl = c = ui_template.Ui_Form()
        c.setupUi(w)
        menu_items = [
            (_translate("Transforms"), c.transformGroup),
            (_translate("Downsample"), c.decimateGroup),
            (_translate("Average"), c.averageGroup),
            (_translate("Alpha"), c.alphaGroup),
            (_translate("Grid"), c.gridGroup),
            (_translate("Points"), c.pointsGroup),
        ]
        self.ctrlMenu = QMenu(_translate("Plot Options"))
        for name, group in menu_items:
            sub = self.ctrlMenu.addMenu(name)
            action = QWidgetAction(self)
            action.setDefaultWidget(group)
            sub.addAction(action)
        self.stateGroup = WidgetGroup()
        for _, group in menu_items:
            self.stateGroup.autoAdd(group)
        self._connect_options(c)

    def _connect_options(self, c: Any) -> None:
        c.alphaGroup.toggled.connect(self.updateAlpha)
        c.alphaSlider.valueChanged.connect(self.updateAlpha)
        c.autoAlphaCheck.toggled.connect(self.updateAlpha)
        c.xGridCheck.toggled.connect(self.updateGrid)
        c.yGridCheck.toggled.connect(self.updateGrid)
        c.gridAlphaSlider.valueChanged.connect(self.updateGrid)
        c.fftCheck.toggled.connect(self.updateSpectrumMode)
        c.subtractMeanCheck.toggled.connect(self.updateSubtractMeanMode)
        c.logXCheck.toggled.connect(self.updateLogMode)
        c.logYCheck.toggled.connect(self.updateLogMode)
        c.derivativeCheck.toggled.connect(self.updateDerivativeMode)
        c.phasemapCheck.toggled.connect(self.updatePhasemapMode)
        c.downsampleSpin.valueChanged.connect(self.updateDownsampling)
        c.downsampleCheck.toggled.connect(self.updateDownsampling)
        c.autoDownsampleCheck.toggled.connect(self.updateDownsampling)
        c.subsampleRadio.toggled.connect(self.updateDownsampling)
        c.meanRadio.toggled.connect(self.updateDownsampling)
        c.clipToViewCheck.toggled.connect(self.updateDownsampling)
        c.avgParamList.itemClicked.connect(self.avgParamListClicked)
        c.averageGroup.toggled.connect(self.avgToggled)
        c.maxTracesCheck.toggled.connect(self._handle_max_traces_toggle)
        c.forgetTracesCheck.toggled.connect(self.updateDecimation)
        c.maxTracesSpin.valueChanged.connect(self.updateDecimation)

    def close(self) -> None:
        if "ctrl" not in self.__dict__:  # never built: there is no panel to take down
            self.__dict__["ctrlMenu"] = QMenu()
        super().close()


__all__ = ["LazyMenuPlotItem"]

"""Issue 12, the screen: the window opens inside the available screen, saved geometries are
restored only when they fit, the results table keeps its option column while scrolling, and
the table and charts print numbers and names through the presentation layer."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QRect, QSize
from PySide6.QtGui import QFontMetricsF, QGuiApplication
from tests.ui.conftest import computed

from tokentco.ui import screen_fit

LAPTOP = QRect(0, 0, 1366, 728)  # a 1366×768 screen less a 40 px task bar
MONITOR = QRect(0, 0, 1920, 1040)


# --- where the window opens (pure arithmetic) ----------------------------------------------
def test_a_fresh_window_on_a_laptop_fits_and_is_centred() -> None:
    rect = screen_fit.default_rect(LAPTOP)
    frame = screen_fit.FRAME_ALLOWANCE
    side, title = frame.width() // 2, frame.height() - frame.width() // 2
    outer = QRect(rect.x() - side, rect.y() - title, *(rect.size() + frame).toTuple())
    assert LAPTOP.contains(outer), (outer, LAPTOP)
    assert rect.width() <= 1366 and rect.height() <= 768
    # centred: equal room left and right, above and below (±1 px of rounding)
    assert abs(outer.left() - (LAPTOP.right() - outer.right())) <= 1
    assert abs(outer.top() - (LAPTOP.bottom() - outer.bottom())) <= 1


def test_a_fresh_window_on_a_big_screen_takes_the_preferred_size_centred() -> None:
    rect = screen_fit.default_rect(MONITOR)
    assert rect.size() == screen_fit.PREFERRED_SIZE
    assert abs(rect.center().x() - MONITOR.center().x()) <= screen_fit.FRAME_ALLOWANCE.width()
    # a second screen to the right: the window opens on it, not at the origin
    right = QRect(1920, 0, 2560, 1400)
    assert right.contains(screen_fit.default_rect(right))


def test_fits_accepts_only_a_window_inside_one_screen() -> None:
    assert screen_fit.fits(QRect(10, 30, 1300, 680), [LAPTOP])
    assert not screen_fit.fits(QRect(0, 0, 1600, 1000), [LAPTOP])  # too big
    assert not screen_fit.fits(QRect(1200, 30, 800, 600), [LAPTOP])  # half off the right
    assert not screen_fit.fits(QRect(-900, 30, 800, 600), [LAPTOP])  # on an unplugged monitor
    assert screen_fit.fits(QRect(-900, 30, 800, 600), [QRect(-1280, 0, 1280, 1024), LAPTOP])
    # straddling two screens is not "inside one"
    assert not screen_fit.fits(QRect(1000, 100, 800, 600), [LAPTOP, QRect(1366, 0, 1920, 1040)])
    assert not screen_fit.fits(QRect(), [LAPTOP])
    # a few pixels of frame overhang are tolerated
    assert screen_fit.fits(QRect(-4, -4, 1370, 732), [LAPTOP])


# --- the real window on the offscreen screen ------------------------------------------------
def _available() -> QRect:
    screen = QGuiApplication.primaryScreen()
    assert screen is not None
    return screen.availableGeometry()


def test_a_fresh_main_window_opens_within_the_screen(app, catalogue, project, qtbot) -> None:
    from tokentco.ui.mainwindow import MainWindow

    window = MainWindow(catalogue, project, persist=True)
    qtbot.addWidget(window)
    available = _available()
    assert available.width() < screen_fit.PREFERRED_SIZE.width()  # the offscreen screen is small
    assert screen_fit.fits(window.geometry(), [available]), (window.geometry(), available)
    assert window.geometry() == screen_fit.default_rect(available)


def _save_window_at(catalogue, project, qtbot, rect: QRect) -> QByteArray:
    """Save the settings of a window placed at ``rect`` as closing the app does."""
    from tokentco.ui.mainwindow import MainWindow

    window = MainWindow(catalogue, project, persist=True)
    qtbot.addWidget(window)
    window.setGeometry(rect)
    window.save_settings()
    return window.saveGeometry()


def test_a_saved_geometry_that_fits_is_restored(app, catalogue, project, qtbot) -> None:
    from tokentco.ui.mainwindow import MainWindow

    available = _available()
    wanted = QRect(available.x() + 20, available.y() + 40, 600, 500)
    _save_window_at(catalogue, project, qtbot, wanted)
    window = MainWindow(catalogue, project, persist=True)
    qtbot.addWidget(window)
    assert window.geometry() == wanted


def test_a_saved_geometry_too_big_for_the_screen_is_not_restored(
    app, catalogue, project, qtbot
) -> None:
    from tokentco.ui.mainwindow import MainWindow

    available = _available()
    too_big = QRect(0, 0, available.width() + 800, available.height() + 400)
    off_screen = QRect(available.right() + 400, 40, 400, 300)  # a monitor since unplugged
    for saved in (too_big, off_screen):
        _save_window_at(catalogue, project, qtbot, saved)
        window = MainWindow(catalogue, project, persist=True)
        qtbot.addWidget(window)
        assert window.geometry() == screen_fit.default_rect(available), saved
        assert not window.isMaximized()


def test_restore_or_default_with_a_laptop_screen(app, catalogue, project, qtbot) -> None:
    """The same decision for screens the test machine does not have (any sizes)."""
    from tokentco.ui.mainwindow import MainWindow

    window = MainWindow(catalogue, project, persist=False)
    qtbot.addWidget(window)
    placed = QRect(100, 80, 600, 500)
    saved = _save_window_at(catalogue, project, qtbot, placed)
    assert screen_fit.restore_or_default(window, saved, [LAPTOP], saved_rect=placed)
    assert window.geometry() == placed
    netbook = QRect(0, 0, 640, 460)  # too small for the saved window: the default instead
    assert not screen_fit.restore_or_default(window, saved, [netbook], saved_rect=placed)
    assert window.geometry() == screen_fit.default_rect(netbook)
    assert not screen_fit.restore_or_default(window, None, [LAPTOP])
    assert not screen_fit.restore_or_default(window, b"not a geometry", [LAPTOP])
    assert screen_fit.parse_rect(screen_fit.rect_text(window)) == window.geometry()
    assert screen_fit.parse_rect("1,2,3") is None and screen_fit.parse_rect(None) is None
    assert window.geometry() == screen_fit.default_rect(LAPTOP)


CHILD = """
import json, os, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1])
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.defaults import default_project
from tokentco.ui.mainwindow import MainWindow
catalogue = bundled_catalogue()
window = MainWindow(catalogue, default_project(catalogue), persist=True)
window.show()
app.processEvents()
screen = app.primaryScreen().availableGeometry()
frame = window.frameGeometry()
print(json.dumps({"screen": screen.getRect(), "frame": frame.getRect(),
                  "client": window.geometry().getRect()}), flush=True)
window.ops.shutdown()
os._exit(0)  # skip Qt's teardown: only the geometry is under test
"""


def test_first_start_on_a_1366x768_screen(tmp_path: Path) -> None:
    """A real window on a 1366×768 offscreen screen (Qt's offscreen plugin reads the screen
    size from a JSON file): the whole frame is on screen and centred."""
    config = tmp_path / "screens.json"
    config.write_text(
        json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768}]})
    )
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    env["TOKENTCO_DATA_DIR"] = str(tmp_path / "data")
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "settings")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    shown = json.loads(out.stdout.strip().splitlines()[-1])
    screen, frame = QRect(*shown["screen"]), QRect(*shown["frame"])
    client = QRect(*shown["client"])
    assert screen.size() == QSize(1366, 768)
    assert screen.contains(frame), (frame, screen)
    assert client.width() <= 1366 and client.height() <= 768
    assert abs(frame.center().x() - screen.center().x()) <= 10
    assert abs(frame.center().y() - screen.center().y()) <= 25


# --- the results table's option column stays in view -----------------------------------------
def test_the_option_column_stays_visible_while_scrolling_right(window, qtbot) -> None:
    from PySide6.QtCore import Qt

    table = window.results
    frozen = table.frozen
    window.resize(900, 700)
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() > 0, timeout=5000)
    model = table.model()
    names = [str(model.index(row, 0).data()) for row in range(model.rowCount())]
    assert all(names)
    table.horizontalScrollBar().setValue(table.horizontalScrollBar().maximum())
    qtbot.wait(20)
    # the main view's own option column has scrolled away ...
    assert table.columnViewportPosition(0) + table.columnWidth(0) <= 0
    # ... and the overlay shows it, at the left edge, for every row, in the table's order
    assert frozen.isVisible() and frozen.model() is model
    assert frozen.selectionModel() is table.selectionModel()
    assert frozen.width() == table.columnWidth(0) > 40
    assert frozen.x() <= table.frameWidth() + table.verticalHeader().width()
    assert [c for c in range(model.columnCount()) if not frozen.isColumnHidden(c)] == [0]
    for row, name in enumerate(names):
        cell = frozen.visualRect(model.index(row, 0))
        assert frozen.viewport().rect().intersects(cell), (row, name)
        assert model.index(row, 0).data() == name
    # the last column is in view to the right of the overlay
    last = model.columnCount() - 1
    right = table.columnViewportPosition(last) + table.columnWidth(last)
    assert frozen.width() < right <= table.viewport().width()
    # clicking an option in the frozen column selects it (shared selection)
    row = 1 if model.rowCount() > 1 else 0
    centre = frozen.visualRect(model.index(row, 0)).center()
    qtbot.mouseClick(frozen.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    source = window.results_proxy.mapToSource(model.index(row, 0)).row()
    assert window.doc.selected_option_id == window.results_model.result(source).option_id
    assert table.selectionModel().isRowSelected(row)
    # the horizontal position survives the selection (no jump back to the left)
    assert table.horizontalScrollBar().value() == table.horizontalScrollBar().maximum()
    # sorting from the overlay's header sorts the table
    qtbot.mouseClick(
        frozen.horizontalHeader().viewport(),
        Qt.MouseButton.LeftButton,
        pos=frozen.horizontalHeader().rect().center(),
    )
    assert table.horizontalHeader().sortIndicatorSection() == 0
    shown = [str(model.index(r, 0).data()) for r in range(model.rowCount())]
    assert shown in (sorted(shown), sorted(shown, reverse=True))


def test_a_right_click_on_the_frozen_column_opens_the_tables_menu(window) -> None:
    from PySide6.QtCore import QPoint, QTimer
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication

    frozen = window.results.frozen
    menus: list[list[str]] = []

    def close_menu() -> None:
        popup = QApplication.activePopupWidget()
        if popup is not None:
            menus.append([a.text() for a in popup.actions()])
            popup.close()

    QTimer.singleShot(100, close_menu)
    here = QPoint(20, 10)
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, here, frozen.viewport().mapToGlobal(here)
    )
    QApplication.sendEvent(frozen.viewport(), event)  # the menu runs its own loop
    assert menus == [[a.text() for a in window.results.actions()]]
    assert menus[0]


# --- numbers through the presentation layer ----------------------------------------------------
def _feasible_or_none(r, value):
    return value if r.point.feasible else None


# header → (the figure it shows, the quantity's formatter in present.formats, shared scale)
TABLE_FIGURES = {
    "$/Mtok": (lambda r: _feasible_or_none(r, r.usd_per_mtok), "usd_per_mtok", True),
    "$/GPU-h": (lambda r: r.cost.usd_per_gpu_hour, "money", True),
    "tok/s/GPU": (
        lambda r: _feasible_or_none(r, r.point.output_tokens_per_s_per_gpu),
        "tokens_per_s",
        True,
    ),
    "tok/s/user": (
        lambda r: _feasible_or_none(r, r.point.tokens_per_s_per_user),
        "tokens_per_s",
        True,
    ),
    "Batch": (lambda r: _feasible_or_none(r, r.point.concurrency), "integer", False),
    "GPUs": (lambda r: r.fleet.gpus if r.fleet else None, "integer", False),
    "Systems": (lambda r: r.fleet.systems if r.fleet else None, "integer", False),
    "MW": (lambda r: r.fleet.megawatts if r.fleet else None, "number", True),
    "Annual cost": (lambda r: r.fleet.annual_cost_usd if r.fleet else None, "money", True),
    "Contract": (lambda r: r.fleet.contract_value_usd if r.fleet else None, "money", True),
    "tok/s/MW": (lambda r: _feasible_or_none(r, r.tokens_per_s_per_mw), "tokens_per_s", True),
    "kWh/Mtok": (lambda r: _feasible_or_none(r, r.kwh_per_mtok), "kwh_per_mtok", False),
}


def _column_texts(window, header: str) -> list[str]:
    from tokentco.ui.tables import RESULT_COLUMNS

    column = next(i for i, c in enumerate(RESULT_COLUMNS) if c.header == header)
    model = window.results_model
    return [str(model.index(row, column).data()) for row in range(model.rowCount())]


def _suffixes(texts: list[str]) -> set[str]:
    return {t.rstrip()[-1] for t in texts if t and t[-1] in "kMB"} | (
        {""} if any(t and t[-1].isdigit() for t in texts) else set()
    )


def _check_table_formats(window) -> None:
    from tokentco.present import formats as fmt

    results = window.results_model.comparison.options
    for header, (figure, name, shared) in TABLE_FIGURES.items():
        formatter = getattr(fmt, name)
        values = [figure(r) for r in results]
        if shared:
            scale = fmt.common_scale(values)
            want = [formatter(v, scale=scale) for v in values]
            # one scale down the column: never "$582k" beside "$1.92M"
            assert len(_suffixes(want)) <= 1, (header, want)
        else:
            want = [formatter(v) for v in values]
        assert _column_texts(window, header) == want, header
    # the ranges: both ends on the column's one scale, through the quantity's formatter
    for header, attr, name in (
        ("$/Mtok p10–p90", "usd_per_mtok", "usd_per_mtok"),
        ("tok/s/GPU p10–p90", "tokens_per_s_per_gpu", "tokens_per_s"),
    ):
        formatter = getattr(fmt, name)
        spans = [
            getattr(r.uncertainty, attr) if r.uncertainty and r.point.feasible else None
            for r in results
        ]
        spans = [s if s is not None and s.p10 < s.p90 else None for s in spans]
        scale = fmt.common_scale([e for s in spans if s for e in (s.p10, s.p90)])
        want = [
            fmt.MISSING
            if s is None
            else f"{formatter(s.p10, scale=scale)}{fmt.DASH}{formatter(s.p90, scale=scale)}"
            for s in spans
        ]
        assert _column_texts(window, header) == want, header


def test_table_cells_are_the_presentation_layers_figures(window, qtbot) -> None:
    _check_table_formats(window)
    # a demand large enough that fleets run from thousands to millions of dollars
    window.knobs.tokens_day.setValue(400)
    qtbot.waitUntil(lambda: computed(window), timeout=15000)
    _check_table_formats(window)
    # the fleets' yearly costs now run across two scales (millions and billions) ...
    from tokentco.present import formats as fmt

    annual = [r.fleet.annual_cost_usd for r in window.comparison.options if r.fleet]
    assert len({fmt.scale_for(v).suffix for v in annual}) > 1, annual
    # ... and the column still prints them on one
    assert len(_suffixes(_column_texts(window, "Annual cost"))) == 1


# --- charts at laptop and desktop sizes ------------------------------------------------------
def _fit_window(window, qtbot, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width, timeout=5000)
    qtbot.wait(50)  # the charts refit their titles and legends in the next passes
    for chart in window.charts:
        chart.fit_to_width()
    qtbot.wait(20)


@pytest.mark.parametrize("size", [(1366, 728), (1920, 1040)])
def test_no_chart_title_or_legend_is_cut(window, qtbot, size: tuple[int, int]) -> None:
    from PySide6.QtCore import QRectF

    from tokentco.ui.charts.axes import title_font, title_of

    _fit_window(window, qtbot, *size)
    metrics = QFontMetricsF(title_font())
    for chart in window.charts:
        name = type(chart).__name__
        view = chart.view
        # the chart's layout is no wider than its view: nothing runs off its right edge
        assert view.ci.geometry().width() <= view.width() + 1, (name, size)
        visible = QRectF(view.mapToScene(view.viewport().rect()).boundingRect()).adjusted(
            -1, -1, 1, 1
        )
        for plot in chart.plots():
            full, shown = title_of(plot)
            if not full:
                continue  # a plot under a chart-wide heading
            assert metrics.horizontalAdvance(shown) <= plot.vb.width() + 1, (name, shown)
            if shown != full:
                assert shown.endswith("…") and full in plot.titleLabel.toolTip(), (name, shown)
            assert chart.description in plot.titleLabel.toolTip(), name
            assert visible.contains(plot.titleLabel.sceneBoundingRect()), (name, shown)
            for side in ("bottom", "left"):
                axis = plot.getAxis(side)
                if axis.isVisible() and axis.label.isVisible() and axis.labelText:
                    box = axis.label.sceneBoundingRect()
                    assert visible.contains(box), (name, side, axis.labelText, size)
        for legend in chart.legends():
            if legend.isVisible():
                assert visible.contains(legend.sceneBoundingRect()), (name, size)
                for _, label in legend.items:
                    assert visible.contains(label.sceneBoundingRect()), (name, label.text)
    # the short titles are whole at 1366×768; the long wording is in the tooltip
    for chart in (window.cost_chart, window.breakdown_chart, window.frontier_chart):
        full, shown = title_of(chart.plots()[0])
        assert shown == full == chart.title, (chart.title, shown)
    if size[0] >= 1920:  # room for every legend on a desktop screen
        assert not any(c.legend_hidden for c in window.charts)


def _crowded_project(project, catalogue):
    """The default options plus three copies of one (same name, same offer) and the same
    hardware on another term: names that repeat, as a committee's options often do."""
    first = project.options[2]
    copies = [first.model_copy(update={"id": f"{first.id}-{n}"}) for n in range(3)]
    term = catalogue.offers[first.offer_id].pricing_model
    other = next(o for o in catalogue.offers_for(first.accelerator_id) if o.pricing_model != term)
    spot = first.model_copy(update={"id": "other-term", "offer_id": other.id})
    return project.model_copy(update={"options": (*project.options, *copies, spot)})


def test_charts_and_table_name_options_by_the_presentation_layers_labels(
    app, qtbot, catalogue, project
) -> None:
    from tokentco.engine.evaluate import evaluate
    from tokentco.present import formats as fmt
    from tokentco.present.labels import comparison_labels
    from tokentco.ui.charts import BreakdownChart, ChartData, CostChart, EnergyChart
    from tokentco.ui.tables import ResultsModel

    crowded = _crowded_project(project, catalogue)
    comparison = evaluate(crowded, catalogue)
    labels = comparison_labels(comparison, crowded, catalogue)
    ids = [r.option_id for r in comparison.options]
    data = ChartData(comparison, crowded, ids[0], catalogue=catalogue)
    short = [labels[i].short for i in ids]
    assert len({s.lower() for s in short}) == len(short)  # unique on the chart
    for chart_type in (CostChart, BreakdownChart, EnergyChart):
        chart = chart_type()
        qtbot.addWidget(chart)
        chart.show_data(data)
        assert chart.axis._labels == short, chart_type.__name__
        # the hover names the option in full
        assert chart.show_hover(0.1, 3).startswith(labels[ids[3]].full)
    # bar labels: the quantity's formatter, one scale across the bars
    cost = CostChart()
    qtbot.addWidget(cost)
    cost.show_data(data)
    values = [r.usd_per_mtok if r.point.feasible else None for r in comparison.options]
    scale = fmt.common_scale(values)
    want = [fmt.usd_per_mtok(v, scale=scale) if v is not None else "infeasible" for v in values]
    assert [t.split("  ★")[0] for t in cost.labels.texts()] == want
    energy = EnergyChart()
    qtbot.addWidget(energy)
    energy.show_data(data)
    mw = [r.tokens_per_s_per_mw if r.point.feasible else 0.0 for r in comparison.options]
    mw_scale = fmt.common_scale(mw)
    assert energy.mw_labels.texts() == [fmt.tokens_per_s(v, scale=mw_scale) for v in mw]
    # the table: the full labels, unique
    model = ResultsModel()
    model.set_comparison(
        comparison, {i: n for n, i in enumerate(ids)}, labels={i: labels[i].full for i in ids}
    )
    names = [str(model.index(row, 0).data()).replace("  †", "") for row in range(len(ids))]
    assert names == [labels[i].full for i in ids]
    assert len({n.lower() for n in names}) == len(names)
    assert not any("…" in n for n in names)


def test_the_workbench_names_options_alike_in_table_and_charts(
    make_window, catalogue, project
) -> None:
    from tokentco.present.labels import comparison_labels

    window = make_window(_crowded_project(project, catalogue))
    comparison = window.comparison
    labels = comparison_labels(comparison, window.comparison_project, window.doc.catalogue)
    model = window.results_model
    shown = [str(model.index(row, 0).data()) for row in range(model.rowCount())]
    for row, text in enumerate(shown):
        full = labels[model.result(row).option_id].full
        assert text == full or text.startswith(full + "  "), (text, full)  # then † or ⚙
    assert len({t.lower() for t in shown}) == len(shown)
    short = [labels[r.option_id].short for r in comparison.options]
    for chart in (window.cost_chart, window.breakdown_chart, window.energy_chart):
        assert chart.axis._labels == short, type(chart).__name__

"""``tokentco --self-test``: check an installed (or PyInstaller-built) app end to end.

Runs the same code paths an analyst uses — bundled catalogue, default comparison,
scorecard workbook, PDF report, an offscreen chart — writes the files to a temporary
folder, checks them, prints one line per check and ``self-test passed`` (exit 0) or what
failed (exit 1). A piece that is missing from the build is reported as FAILED with the
missing module's name; nothing is ever passed by default.

On a windowed Windows build there is no console, so the lines also go to
``%TEMP%/tokentco-self-test.log``.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import tokentco

SCORECARD_SHEETS = ("Summary", "Scorecard", "Inputs", "Cost model", "Throughput", "Methodology")
IMAGE_FORMATS = ("png", "jpeg", "svg", "ico")
PASSED = "self-test passed"
LOG_NAME = "tokentco-self-test.log"


class CheckFailed(Exception):
    """A check ran but its result was wrong."""


@dataclass
class Outcome:
    name: str
    ok: bool
    detail: str


@dataclass
class SelfTest:
    """Runs checks in order; a check whose prerequisite failed is itself reported failed."""

    workdir: Path
    out: TextIO
    state: dict[str, Any] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)

    def check(
        self, name: str, func: Callable[[SelfTest], str], needs: tuple[str, ...] = ()
    ) -> None:
        missing = [n for n in needs if not self._passed(n)]
        if missing:
            outcome = Outcome(name, False, f"not run: needs {', '.join(missing)}, which failed")
        else:
            try:
                outcome = Outcome(name, True, func(self))
            except ModuleNotFoundError as exc:
                outcome = Outcome(
                    name, False, f"module {exc.name!r} is missing from this build ({exc})"
                )
            except ImportError as exc:
                outcome = Outcome(name, False, f"not available in this build: {exc}")
            except CheckFailed as exc:
                outcome = Outcome(name, False, str(exc))
            except Exception as exc:  # report any crash as a failed check, with its origin
                where = traceback.extract_tb(exc.__traceback__)[-1]
                origin = f"{Path(where.filename).name}:{where.lineno}"
                outcome = Outcome(name, False, f"{type(exc).__name__}: {exc} (at {origin})")
        self.outcomes.append(outcome)
        status = "ok    " if outcome.ok else "FAILED"
        print(f"{status} {name}: {outcome.detail}", file=self.out, flush=True)

    def _passed(self, name: str) -> bool:
        return any(o.name == name and o.ok for o in self.outcomes)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]


# --- checks -----------------------------------------------------------------------------


def check_version(t: SelfTest) -> str:
    version = tokentco.__version__
    if not version or version.startswith("0.0.0"):
        raise CheckFailed(
            f"package metadata not found (version {version!r}); the build must include "
            "the tokentco dist-info (PyInstaller: copy_metadata('tokentco'))"
        )
    frozen = "frozen bundle" if getattr(sys, "frozen", False) else "Python package"
    return f"TokenTCO {version} ({frozen}, Python {sys.version.split()[0]})"


def check_catalogue(t: SelfTest) -> str:
    from tokentco.io.bundled import bundled_catalogue

    catalogue = bundled_catalogue()
    counts = {
        "accelerators": len(catalogue.accelerators),
        "offers": len(catalogue.offers),
        "models": len(catalogue.models),
        "measured points": len(catalogue.measured),
    }
    empty = [k for k, v in counts.items() if v == 0]
    if empty:
        raise CheckFailed(f"bundled catalogue has no {', '.join(empty)}")
    t.state["catalogue"] = catalogue
    return ", ".join(f"{v} {k}" for k, v in counts.items())


def check_calibration(t: SelfTest) -> str:
    from tokentco.io.calibration_file import load_calibration

    calibration = load_calibration()
    if calibration is None:
        raise CheckFailed("load_calibration() returned None: the fitted factors are not bundled")
    t.state["calibration"] = calibration
    return f"fitted factors loaded ({type(calibration).__name__})"


def check_samples(t: SelfTest) -> str:
    folder = samples_dir()
    if folder is None:
        raise CheckFailed("no samples/ folder in this installation")
    files = sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    if not files:
        raise CheckFailed(f"samples folder {folder} is empty")
    return f"{len(files)} files in {folder}"


def check_comparison(t: SelfTest) -> str:
    from tokentco.engine.evaluate import evaluate
    from tokentco.io.defaults import default_project

    catalogue = t.state["catalogue"]
    project = default_project(catalogue)
    comparison = evaluate(project, catalogue, t.state.get("calibration"))
    if not comparison.options:
        raise CheckFailed("the default project compared no options")
    feasible = [o for o in comparison.options if o.point.feasible]
    if not feasible:
        raise CheckFailed(f"none of the {len(comparison.options)} default options is feasible")
    bad = [
        o.option_id for o in feasible if not (math.isfinite(o.usd_per_mtok) and o.usd_per_mtok > 0)
    ]
    if bad:
        raise CheckFailed(f"feasible options with a non-positive or infinite $/Mtok: {bad}")
    t.state["project"], t.state["comparison"] = project, comparison
    best = comparison.cheapest
    assert best is not None
    return (
        f"{len(comparison.options)} options, {len(feasible)} feasible; cheapest "
        f"{best.label} at ${best.usd_per_mtok:,.3f}/Mtok"
    )


def check_scorecard(t: SelfTest) -> str:
    import openpyxl

    from tokentco.io.scorecard_xlsx import write_scorecard

    path = t.workdir / "self-test-scorecard.xlsx"
    write_scorecard(t.state["project"], t.state["comparison"], path)
    if not path.is_file() or path.stat().st_size == 0:
        raise CheckFailed(f"write_scorecard did not write {path.name}")
    workbook = openpyxl.load_workbook(path)
    try:
        missing = [s for s in SCORECARD_SHEETS if s not in workbook.sheetnames]
        if missing:
            raise CheckFailed(f"workbook lacks sheets {missing}; has {workbook.sheetnames}")
        cells = sum(
            1
            for s in workbook.worksheets
            for row in s.iter_rows()
            for c in row
            if c.value is not None
        )
        version = tokentco.__version__
        props = workbook.properties
        texts = [
            str(getattr(props, name) or "")
            for name in ("creator", "title", "subject", "description", "keywords", "version")
        ]
        texts += [
            str(c.value)
            for row in workbook["Methodology"].iter_rows()
            for c in row
            if c.value is not None
        ]
        if not any(version in text for text in texts):
            raise CheckFailed(f"workbook does not state the tool version {version}")
    finally:
        workbook.close()
    return f"{path.name}: {len(workbook.sheetnames)} sheets, {cells} filled cells"


def check_report(t: SelfTest) -> str:
    from tokentco.ui.report import write_report_pdf

    qt_application()
    path = t.workdir / "self-test-report.pdf"
    write_report_pdf(t.state["project"], t.state["comparison"], path)
    if not path.is_file():
        raise CheckFailed(f"write_report_pdf did not write {path.name}")
    data = path.read_bytes()
    if not data.startswith(b"%PDF-"):
        raise CheckFailed(f"{path.name} does not start with %PDF- (got {data[:8]!r})")
    if b"%%EOF" not in data[-1024:]:
        raise CheckFailed(f"{path.name} is truncated (no %%EOF trailer)")
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    if pages < 1:
        raise CheckFailed(f"{path.name} has no pages")
    return f"{path.name}: {pages} pages, {len(data) // 1024} KiB"


def check_qt_plugins(t: SelfTest) -> str:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QGuiApplication, QImageReader, QImageWriter

    qt_application()
    folders = [Path(p) for p in QCoreApplication.libraryPaths()]
    missing = [
        f"{kind}/{stem}"
        for kind, stem in required_plugins()
        if not any(any((d / kind).glob(f"*{stem}*")) for d in folders if (d / kind).is_dir())
    ]
    if missing:
        raise CheckFailed(f"Qt plugins missing: {missing} (searched {[str(d) for d in folders]})")
    readable = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    writable = {bytes(f.data()).decode() for f in QImageWriter.supportedImageFormats()}
    unreadable = [f for f in IMAGE_FORMATS if f not in readable]
    unwritable = [f for f in ("png", "jpeg", "ico") if f not in writable]
    if unreadable or unwritable:
        raise CheckFailed(
            f"image formats missing (imageformats plugins): read {unreadable}, write {unwritable}"
        )
    from PySide6.QtPrintSupport import QPrinter  # printing and print preview need this

    QPrinter(QPrinter.PrinterMode.ScreenResolution)
    return (
        f"platform {QGuiApplication.platformName()}, {len(required_plugins())} required plugins "
        f"present, image formats {', '.join(IMAGE_FORMATS)}, print support"
    )


def check_chart(t: SelfTest) -> str:
    import pyqtgraph as pg
    from PySide6.QtCore import QRect, QSize
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgGenerator, QSvgRenderer

    qt_application()
    comparison = t.state["comparison"]
    feasible = [o for o in comparison.options if o.point.feasible]
    plot = pg.PlotWidget(title="$/Mtok")
    plot.resize(480, 320)
    plot.addItem(
        pg.BarGraphItem(
            x=list(range(len(feasible))),
            height=[o.usd_per_mtok for o in feasible],
            width=0.6,
            brush="#0f766e",
        )
    )
    image = plot.grab().toImage()
    png = t.workdir / "self-test-chart.png"
    if image.isNull() or not image.save(str(png), "PNG"):
        raise CheckFailed("could not render the chart to a PNG")
    back = QImage(str(png))
    if back.isNull() or back.size() != image.size():
        raise CheckFailed("the chart PNG does not read back")
    if (
        len(
            {
                back.pixel(x, y)
                for x in range(0, back.width(), 8)
                for y in range(0, back.height(), 8)
            }
        )
        < 3
    ):
        raise CheckFailed("the chart PNG is blank")
    svg = t.workdir / "self-test-chart.svg"
    generator = QSvgGenerator()
    generator.setFileName(str(svg))
    generator.setSize(QSize(480, 320))
    generator.setViewBox(QRect(0, 0, 480, 320))
    painter = QPainter(generator)
    plot.render(painter)
    painter.end()
    plot.close()
    if not QSvgRenderer(str(svg)).isValid():
        raise CheckFailed("the chart SVG is not valid")
    jpeg = t.workdir / "self-test-chart.jpg"
    if not image.save(str(jpeg), "JPEG") or QImage(str(jpeg)).isNull():
        raise CheckFailed("JPEG round trip failed (imageformats/qjpeg)")
    return f"{len(feasible)} bars rendered {image.width()}x{image.height()} to PNG, SVG and JPEG"


def check_gui(t: SelfTest) -> str:
    import importlib
    import pkgutil

    import tokentco.ui

    qt_application()
    app = importlib.import_module("tokentco.ui.app")
    if not callable(getattr(app, "run", None)):
        raise CheckFailed("tokentco.ui.app has no run(args)")
    names = [m.name for m in pkgutil.iter_modules(tokentco.ui.__path__, "tokentco.ui.")]
    for name in names:  # every GUI module must import: catches Qt modules left out of a build
        importlib.import_module(name)
    return f"tokentco.ui.app and {len(names)} GUI modules import"


# --- helpers ----------------------------------------------------------------------------


def required_plugins() -> list[tuple[str, str]]:
    """(plugin folder, file-name fragment) the app cannot work without on this platform."""
    common = [
        ("platforms", "qoffscreen"),
        ("imageformats", "qsvg"),
        ("imageformats", "qjpeg"),
        ("imageformats", "qico"),
        ("iconengines", "qsvgicon"),
    ]
    if sys.platform.startswith("linux"):
        return [
            ("platforms", "qxcb"),
            ("xcbglintegrations", "qxcb"),
            ("printsupport", "cupsprintersupport"),
            *common,
        ]
    if sys.platform == "win32":
        return [("platforms", "qwindows"), *common]
    if sys.platform == "darwin":
        return [("platforms", "qcocoa"), *common]
    return common


def samples_dir() -> Path | None:
    """The example spreadsheets: next to the frozen app, or in the source tree."""
    candidates = []
    if getattr(sys, "frozen", False):
        candidates.append(Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "samples")
    package = Path(tokentco.__file__).resolve().parent
    candidates += [package.parents[1] / "samples", package / "resources" / "samples"]
    return next((c for c in candidates if c.is_dir()), None)


def qt_application() -> Any:
    """The running QApplication, creating one (offscreen when there is no display)."""
    import os

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        headless = sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        )
        if headless:
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["tokentco", "--self-test"])
    return app


def _output() -> tuple[TextIO, TextIO | None]:
    """stdout, or a log file when a windowed build has no console."""
    if sys.stdout is not None:
        return sys.stdout, None
    log = open(Path(tempfile.gettempdir()) / LOG_NAME, "w", encoding="utf-8")  # noqa: SIM115
    return log, log


def run_self_test(out: TextIO | None = None, workdir: Path | None = None) -> int:
    """Run every check; 0 when all passed, 1 otherwise."""
    stream, log = (out, None) if out is not None else _output()
    try:
        with tempfile.TemporaryDirectory(prefix="tokentco-self-test-") as tmp:
            t = SelfTest(workdir=workdir or Path(tmp), out=stream)
            t.workdir.mkdir(parents=True, exist_ok=True)
            t.check("version", check_version)
            t.check("catalogue", check_catalogue)
            t.check("calibration", check_calibration)
            t.check("samples", check_samples)
            t.check("comparison", check_comparison, needs=("catalogue", "calibration"))
            t.check("scorecard", check_scorecard, needs=("comparison",))
            t.check("qt plugins", check_qt_plugins)
            t.check("gui", check_gui, needs=("qt plugins",))
            t.check("report", check_report, needs=("comparison",))
            t.check("chart", check_chart, needs=("comparison", "qt plugins"))
            if t.failed:
                names = ", ".join(o.name for o in t.failed)
                print(
                    f"self-test FAILED: {len(t.failed)} of {len(t.outcomes)} checks ({names})",
                    file=stream,
                    flush=True,
                )
                return 1
            print(PASSED, file=stream, flush=True)
            return 0
    finally:
        if log is not None:
            log.close()


def run(args: argparse.Namespace) -> int:
    """Entry point used by ``tokentco --self-test``."""
    return run_self_test()

"""The workbench's import, timed as the analyst sees it (target: Cancel stops an import
within 0.5 s — the progress dialog closed, the project unchanged, the worker idle).

Run: ``QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_import_gui.py [ROWS]``.
Opens a main window, imports a ROWS-row offers CSV (default 100,000) to completion, then
imports it again several times and clicks Cancel at different moments (while the child
process reads, while the rows are built); prints, per cancel, the milliseconds from the
click to the dialog hiding, to ``importFinished`` (the job gave up: child killed or row
loop stopped) and to the background pool being idle.
"""

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton


def wait(app: QCoreApplication, condition: Callable[[], bool], timeout_s: float = 60.0) -> float:
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > timeout_s:
            raise TimeoutError("condition not met")
        app.processEvents()
        time.sleep(0.001)
    return time.perf_counter()


def main(rows: int) -> None:
    app = QApplication.instance() or QApplication([])
    from tokentco.io.bundled import bundled_catalogue
    from tokentco.io.defaults import default_project
    from tokentco.ui.mainwindow import MainWindow

    folder = Path(tempfile.mkdtemp(prefix="tokentco-bench-gui-"))
    path = folder / "bulk.csv"
    lines = ["Offer ID,Provider,GPU,Pricing,Price per GPU-hour (USD)"]
    lines += [f"bulk-{i},Bulk,H200 SXM 141GB,on demand,{1 + i % 100 / 100}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    catalogue = bundled_catalogue()
    window = MainWindow(catalogue, default_project(catalogue), persist=False)
    window.imports.store_path = folder / "column-mappings.json"
    window.resize(1366, 768)
    window.show()
    finished: list[object] = []
    window.importFinished.connect(finished.append)

    start = time.perf_counter()
    window.import_paths([path])
    end = wait(app, lambda: bool(finished))
    print(f"{rows:,}-row CSV imported through the GUI: {end - start:.2f} s")
    assert finished[-1] is not None
    window.act_undo.trigger()
    wait(app, window.ops.is_idle)

    for delay_s in (0.35, 0.5, 0.8, 1.2):
        finished.clear()
        before = window.doc.project
        window.import_paths([path])
        dialog = window.imports.progress_dialog
        assert dialog is not None
        started = time.perf_counter()
        wait(app, lambda: dialog.isVisible() and time.perf_counter() - started >= delay_s)  # noqa: B023
        label = dialog.labelText()
        button = dialog.findChild(QPushButton)
        assert button is not None
        clicked = time.perf_counter()
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        hidden = wait(app, lambda: not dialog.isVisible())  # noqa: B023
        stopped = wait(app, lambda: bool(finished))
        idle = wait(app, window.ops.is_idle)
        unchanged = window.doc.project is before and finished[-1] is None
        print(
            f"cancel at {delay_s:.2f} s ({label!r}): "
            f"dialog hidden {1000 * (hidden - clicked):.1f} ms, "
            f"import stopped {1000 * (stopped - clicked):.0f} ms, worker idle "
            f"{1000 * (idle - clicked):.0f} ms; project unchanged: {unchanged}"
        )
    window.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)

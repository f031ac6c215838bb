"""The status line's label: a new text of the same size relayouts nothing, and the label
always sits and paints where a plain QLabel with that text would."""

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont, QImage
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
from tests.ui.conftest import EventCounter

from tokentco.ui.status_label import SteadyLabel

TEXTS = [
    "10 options · computed in 9 ms · painted in 3 ms",
    "10 options · computed in 10 ms · painted in 3 ms",
    "10 options · computed in 11 ms · painted in 4 ms",
    "10 options · computed in 123 ms · painted in 4 ms",
    "Updating…",
    "10 options · computed in 45 ms · painted in 4 ms",
    "10 options · computed in 46 ms · painted in 5 ms",
    "10 options · computed in 7 ms · painted in 2 ms",
    "10 options · computed in 1234 ms · painted in 10 ms",
    "10 options · computed in 12 ms · painted in 3 ms",
    "10 options · computed in 13 ms · painted in 3 ms",
]


def _window(label: QLabel, width: int) -> QMainWindow:
    window = QMainWindow()
    window.setCentralWidget(QLabel("centre"))
    window.statusBar().addPermanentWidget(label)
    window.resize(width, 300)
    window.show()
    return window


def _bar(window: QMainWindow) -> QImage:
    return window.grab().toImage().copy(window.statusBar().geometry())


def test_the_label_sits_and_paints_as_a_plain_label(app: QApplication) -> None:
    for width in (700, 1366):
        plain, steady = QLabel(""), SteadyLabel("")
        windows = [_window(plain, width), _window(steady, width)]
        app.processEvents()
        for step, text in enumerate(TEXTS):
            plain.setText(text)
            steady.setText(text)
            if step == 6:
                for window in windows:
                    window.resize(width - 120, 300)
            if step == 8:
                for window in windows:
                    window.statusBar().showMessage("Saved", 8000)
            app.processEvents()
            assert steady.geometry() == plain.geometry(), (width, text)
            assert _bar(windows[1]) == _bar(windows[0]), (width, text)
        for window in windows:
            window.close()


def test_a_text_of_the_same_size_asks_for_no_layout(app: QApplication) -> None:
    label = SteadyLabel("")
    window = _window(label, 900)
    requests = EventCounter(QEvent.Type.LayoutRequest)
    window.statusBar().installEventFilter(requests)
    label.setText("computed in 10 ms")
    app.processEvents()
    label.setText("computed in 11 ms")  # laid out: held from here
    app.processEvents()
    before = requests.count
    for ms in range(12, 40):
        label.setText(f"computed in {ms} ms")
        app.processEvents()
    assert requests.count == before  # a plain QLabel asks once per new text
    label.setText("computed in 1234 ms")  # wider: laid out again, wider
    app.processEvents()
    assert requests.count > before
    assert label.width() == QLabel("computed in 1234 ms").sizeHint().width()
    window.close()


def test_a_new_font_lays_the_label_out_again(app: QApplication) -> None:
    label = SteadyLabel("")
    window = _window(label, 900)
    for text in ("computed in 10 ms", "computed in 11 ms", "computed in 12 ms"):
        label.setText(text)
        app.processEvents()
    big = QFont(label.font())
    big.setPointSize(big.pointSize() * 2)
    label.setFont(big)
    app.processEvents()
    twin = QLabel("computed in 12 ms")
    twin.setFont(big)
    assert label.width() == twin.sizeHint().width()
    window.close()

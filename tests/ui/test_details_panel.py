"""The Details panel refreshes cheaply during a drag without changing what it shows: the
same text is not laid out again, and the scroll bar is there exactly when the text is
taller than the panel (it is held on while a long text is replaced, so Qt lays the text
out once, not at two widths)."""

from typing import Any, cast

from PySide6.QtCore import Qt
from tests.ui.conftest import details_panel

from tokentco.domain import Catalogue, Project
from tokentco.engine.evaluate import evaluate
from tokentco.ui.details import DetailsPanel, describe

LONG = "".join(f"<p>line {i} of a long explanation</p>" for i in range(80))
SHORT = "<p>short</p>"


def _panel(qtbot: Any) -> DetailsPanel:
    return cast(DetailsPanel, details_panel(qtbot, 320, 240))


def _bar_shown(panel: DetailsPanel) -> bool:
    bar = panel.verticalScrollBar()
    return bar.isVisible() and bar.maximum() > 0


def test_scroll_bar_follows_the_text(qtbot: Any) -> None:
    panel = _panel(qtbot)
    panel.setHtml(LONG)
    qtbot.waitUntil(lambda: _bar_shown(panel))
    panel.setHtml(LONG.replace("line 1 ", "line one "))  # replaced while the bar shows
    assert "line one of a long explanation" in panel.toPlainText()
    assert _bar_shown(panel)
    panel.setHtml(SHORT)  # fits: the bar goes, as with "as needed"
    qtbot.waitUntil(lambda: not panel.verticalScrollBar().isVisible())
    assert panel.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded
    assert panel.toPlainText().strip() == "short"
    panel.setHtml(LONG)
    qtbot.waitUntil(lambda: _bar_shown(panel))


def test_a_taller_panel_drops_the_held_bar(qtbot: Any) -> None:
    panel = _panel(qtbot)
    panel.setHtml(LONG)
    qtbot.waitUntil(lambda: _bar_shown(panel))
    panel.setHtml(LONG + "<p>one more</p>")  # the bar is held on now
    panel.resize(320, 4000)  # the whole text fits
    qtbot.waitUntil(lambda: not panel.verticalScrollBar().isVisible())
    assert panel.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded


def test_same_text_is_not_set_again(qtbot: Any) -> None:
    panel = _panel(qtbot)
    panel.setHtml(LONG)
    changes: list[int] = []
    panel.textChanged.connect(lambda: changes.append(1))
    panel.setHtml(LONG)
    assert changes == []
    panel.setHtml(SHORT)
    assert changes  # a new text is shown


def test_show_result_shows_the_option(qtbot: Any, catalogue: Catalogue, project: Project) -> None:
    panel = _panel(qtbot)
    comparison = evaluate(project, catalogue)
    for result in comparison.options:
        panel.show_result(comparison, project, result.option_id)
        shown = panel.toPlainText()
        assert (result.label or result.option_id) in shown
        assert shown == _plain(describe(result, comparison, project))


def _plain(html: str) -> str:
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setHtml(html)
    return doc.toPlainText()

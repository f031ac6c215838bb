"""The details panel patches a new text into the shown document when only words and
figures changed (a drag): the document and the pixels are those of loading the text
afresh, and any other change loads it afresh."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QTextBrowser
from tests.ui.conftest import details_panel, loaded_afresh

from tokentco.domain import Catalogue, Project
from tokentco.engine.evaluate import evaluate
from tokentco.ui import details
from tokentco.ui.details import describe, patch_document


def _texts(project: Project, catalogue: Catalogue) -> list[str]:
    """The selected option's details at three utilizations and two input lengths."""
    out = []
    for utilization, isl in ((0.7, 1024), (0.35, 1024), (0.9, 1024), (0.7, 4096)):
        edited = project.model_copy(
            update={
                "serving": project.serving.model_copy(update={"utilization": utilization}),
                "workload": project.workload.model_copy(update={"isl_tokens": isl}),
            }
        )
        comparison = evaluate(edited, catalogue)
        out.append(describe(comparison.options[0], comparison, edited))
    return out


def test_a_patched_text_is_the_text_loaded_afresh(
    qtbot: Any, catalogue: Catalogue, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = _texts(project, catalogue)
    assert len(set(texts)) == len(texts)
    calls: list[tuple[Any, bool]] = []
    original = details.patch_document
    monkeypatch.setattr(
        details, "patch_document", lambda d, *a: calls.append((d, r := original(d, *a))) or r
    )
    panel = details_panel(qtbot)
    for text in texts:
        panel.setHtml(text)
        QApplication.processEvents()
        assert (panel.document().toHtml(), panel.grab().toImage()) == loaded_afresh(qtbot, text)
    patched = [done for document, done in calls if document is panel.document()]
    assert patched == [False, True, True, True]  # "Computing…" first, then patched


def test_the_view_returns_to_the_top_as_loading_leaves_it(
    qtbot: Any, catalogue: Catalogue, project: Project
) -> None:
    first, second = _texts(project, catalogue)[:2]
    panel = details_panel(qtbot)
    panel.setHtml(first)
    QApplication.processEvents()
    panel.verticalScrollBar().setValue(panel.verticalScrollBar().maximum())
    panel.setHtml(second)
    QApplication.processEvents()
    assert panel.verticalScrollBar().value() == 0 and panel.textCursor().position() == 0
    assert panel.grab().toImage() == loaded_afresh(qtbot, second)[1]


@pytest.mark.parametrize(
    ("shown", "text"),
    [
        ("<p>a <b>1</b></p>", "<p>a <i>1</i></p>"),  # other markup
        ("<p>a</p>", "<p>a</p>b"),  # a block more, same tags
        ("<p><b>a</b>b</p>", "<p><b></b>ab</p>"),  # fragments merged
    ],
)
def test_other_changes_are_loaded_afresh(qtbot: Any, shown: str, text: str) -> None:
    browser = QTextBrowser()
    qtbot.addWidget(browser)
    browser.setHtml(shown)
    before = browser.document().toHtml()
    assert not patch_document(browser.document(), shown, text)
    assert browser.document().toHtml() == before

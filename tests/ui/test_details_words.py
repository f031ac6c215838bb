"""The details panel rewrites changed words where the shown document holds them, without
loading the new text into a scratch document; where that cannot be done exactly it
compares blocks of a scratch document (as before), and either way the document and the
pixels are those of loading the text afresh."""

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

NOWRAP = "<style>td.k{white-space:nowrap}</style>"


def _count(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often each way of patching found its edits."""
    counts = {"words": 0, "blocks": 0}
    words, blocks = details._word_edits, details._block_edits

    def by_words(*args: Any) -> Any:
        edits = words(*args)
        counts["words"] += edits is not None
        return edits

    def by_blocks(*args: Any) -> Any:
        edits = blocks(*args)
        counts["blocks"] += edits is not None
        return edits

    monkeypatch.setattr(details, "_word_edits", by_words)
    monkeypatch.setattr(details, "_block_edits", by_blocks)
    return counts


def test_an_input_length_drag_rewrites_words_in_place(
    qtbot: Any, catalogue: Catalogue, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = _count(monkeypatch)
    panel = details_panel(qtbot)
    panel.setHtml(
        describe(evaluate(project, catalogue).options[0], evaluate(project, catalogue), project)
    )
    for isl in (4096, 1024, 2048, 8192):
        edited = project.model_copy(
            update={"workload": project.workload.model_copy(update={"isl_tokens": isl})}
        )
        comparison = evaluate(edited, catalogue)
        text = describe(comparison.options[0], comparison, edited)
        panel.setHtml(text)
        QApplication.processEvents()
        assert (panel.document().toHtml(), panel.grab().toImage()) == loaded_afresh(qtbot, text)
    assert counts == {"words": 4, "blocks": 0}


@pytest.mark.parametrize(
    ("shown", "text", "way"),
    [
        (
            f"{NOWRAP}<table><tr><td class='k'>per user</td><td>1 a</td></tr></table>",
            f"{NOWRAP}<table><tr><td class='k'>per GPU</td><td>2 b</td></tr></table>",
            "words",
        ),
        ("<p><b>x</b> 1.5 tok/s</p><p>y</p>", "<p><b>x</b> 2.5 tok/s</p><p>y</p>", "words"),
        ("<p>a<br>b 1</p>", "<p>a<br>b 22</p>", "words"),
        ("<p>Tom &amp; 1&#x27;s</p>", "<p>Tom &amp; 2&#x27;s</p>", "words"),
        ("<p>a&hellip; 1</p>", "<p>a&hellip; 2</p>", "blocks"),  # a named entity
        ("<p>a  1</p>", "<p>a  2</p>", "blocks"),  # white space to fold
        ("<p>ab</p>", "<p>a b</p>", "blocks"),  # a space where there was none
    ],
)
def test_each_way_gives_the_text_loaded_afresh(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, shown: str, text: str, way: str
) -> None:
    counts = _count(monkeypatch)
    browser = QTextBrowser()
    qtbot.addWidget(browser)
    browser.setHtml(shown)
    assert patch_document(browser.document(), shown, text)
    fresh = QTextBrowser()
    qtbot.addWidget(fresh)
    fresh.setHtml(text)
    assert browser.document().toHtml() == fresh.document().toHtml()
    assert browser.document().toRawText() == fresh.document().toRawText()
    assert counts[way] == 1 and sum(counts.values()) == 1

"""Quoted throughput: an analyst types a vendor's figure for one option, it anchors that
option, and the brief's example ($1.41/h at 90 tok/s, $2.65/h at 6,000 tok/s) is reproduced
with the keyboard in five steps from a new project.

The oracle is the core equation (usd_per_gpu_hour / (tok/s × 3600 × utilization) × 1e6),
not the engine: the table must show what the equation gives for the typed figure.
"""

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from tests.ui.conftest import computed, expected

from tokentco.domain import Precision, Project
from tokentco.present import formats as fmt
from tokentco.ui.dialogs.quoted_throughput import (
    QuotedThroughputDialog,
    QuoteProblem,
    initial_texts,
    read_quote,
)
from tokentco.ui.tables import RESULT_COLUMNS

MTOK = next(i for i, c in enumerate(RESULT_COLUMNS) if c.header == "$/Mtok")


def _row_of(window, option_id: str) -> int:  # type: ignore[no-untyped-def]
    model = window.results_model
    return next(r for r in range(model.rowCount()) if model.result(r).option_id == option_id)


def _cell(window, option_id: str, column: int) -> str:  # type: ignore[no-untyped-def]
    return str(window.results_model.index(_row_of(window, option_id), column).data())


_SCALE = {"": 1.0, "k": 1e3, "M": 1e6, "B": 1e9}


def _printed(text: str) -> list[tuple[float, float]]:
    """Each figure in a formatted cell ("$0.51–$1.30", "1.68k–4.28k") with half a unit of
    its last printed digit: the most its rounding can be off."""
    out = []
    for match in re.finditer(r"([\d,]+)(?:\.(\d+))?([kMB]?)", text):
        whole, decimals, suffix = match.group(1), match.group(2) or "", match.group(3)
        scale = _SCALE[suffix]
        value = float(whole.replace(",", "") + ("." + decimals if decimals else "")) * scale
        out.append((value, 0.5 * 10 ** -len(decimals) * scale))
    return out


def _shows(text: str, value: float) -> bool:
    """``text`` holds exactly one figure, and it is ``value`` correctly rounded."""
    figures = _printed(text)
    return len(figures) == 1 and abs(figures[0][0] - value) <= figures[0][1] * (1 + 1e-9)


def _equation(usd_per_gpu_hour: float, tokens_per_s: float, utilization: float) -> float:
    return usd_per_gpu_hour / (tokens_per_s * 3600 * utilization) * 1e6


def _type_quote(window, qtbot, option_id: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Select the option, press the Details button, type the figure, press Enter."""
    window.doc.select_option(option_id)
    qtbot.mouseClick(window.quote_button, Qt.MouseButton.LeftButton)
    dialog = window.quote_dialog
    assert isinstance(dialog, QuotedThroughputDialog) and dialog.option_id == option_id
    box = dialog.edits["tokens_per_s_per_gpu"]
    box.setFocus()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: computed(window), timeout=15000)


def test_typed_quote_sets_the_cost_in_the_results_table(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    option_id = "h200-owner"
    assert window.doc.project.option(option_id).quoted is None
    _type_quote(window, qtbot, option_id, "90")
    quote = window.doc.project.option(option_id).quoted
    assert quote is not None and quote.output_tokens_per_s_per_gpu == 90.0
    # conditions default to the comparison's own workload, stated in the quote
    workload = window.doc.project.workload
    assert (quote.isl_tokens, quote.osl_tokens) == (workload.isl_tokens, workload.osl_tokens)
    assert quote.tokens_per_s_per_user == workload.min_tokens_per_s_per_user
    result = window.results_model.result(_row_of(window, option_id))
    assert result.point.provenance == "measured"
    assert result.point.output_tokens_per_s_per_gpu == pytest.approx(90.0)
    want = _equation(result.cost.usd_per_gpu_hour, 90.0, result.utilization)
    assert result.usd_per_mtok == pytest.approx(want, rel=1e-9)
    assert _shows(_cell(window, option_id, MTOK), want)
    # the source typed (here the default) reaches the provenance
    assert "quoted by the analyst" in result.point.source
    # one undo step takes it away again
    window.act_undo.trigger()
    qtbot.waitUntil(lambda: computed(window), timeout=15000)
    assert window.doc.project.option(option_id).quoted is None
    assert window.results_model.result(_row_of(window, option_id)).point.provenance != "measured"


def test_the_briefs_example_in_five_steps(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    # step 1: File ▸ New comparison (the project the app opens on)
    window.act_new.trigger()
    qtbot.waitUntil(lambda: computed(window), timeout=15000)
    assert window.doc.project.model_id == "deepseek-r1"
    # step 2: utilization 100 % (the article's figures count every hour as busy)
    slider = window.knobs.utilization.slider
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: computed(window), timeout=15000)
    # steps 3 and 4: quote 90 tok/s/GPU for the H200, 6,000 for the GB300 NVL72
    _type_quote(window, qtbot, "h200-owner", "90")
    _type_quote(window, qtbot, "gb300-owner", "6,000")
    # step 5: read the $/Mtok column
    truth = expected(window)
    h200, gb300 = truth.by_id("h200-owner"), truth.by_id("gb300-owner")
    assert h200.utilization == gb300.utilization == 1.0
    assert (h200.cost.usd_per_gpu_hour, gb300.cost.usd_per_gpu_hour) == (1.41, 2.65)
    assert h200.point.provenance == gb300.point.provenance == "measured"
    assert _cell(window, "h200-owner", MTOK) == "$4.35"
    assert _cell(window, "gb300-owner", MTOK).startswith("$0.12")
    assert _shows(_cell(window, "gb300-owner", MTOK), _equation(2.65, 6000, 1.0))
    assert h200.usd_per_mtok == pytest.approx(_equation(1.41, 90, 1.0), rel=1e-9)
    assert gb300.usd_per_mtok == pytest.approx(_equation(2.65, 6000, 1.0), rel=1e-9)
    assert h200.usd_per_mtok / gb300.usd_per_mtok == pytest.approx(35.5, abs=0.1)
    assert "35" in fmt.number(h200.usd_per_mtok / gb300.usd_per_mtok)


def test_remove_quote_is_one_undoable_edit(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    _type_quote(window, qtbot, "h200-owner", "120")
    before = window.results_model.result(_row_of(window, "h200-owner")).usd_per_mtok
    # the same action is in the Comparison menu and on the results table's right-click menu
    assert window.act_quote in window.results.actions()
    window.act_quote.trigger()
    dialog = window.quote_dialog
    assert dialog.remove_button.isEnabled()
    # editing again starts from the quote, not from the workload
    assert dialog.edits["tokens_per_s_per_gpu"].text() == "120"
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: computed(window), timeout=15000)
    assert window.doc.project.option("h200-owner").quoted is None
    after = window.results_model.result(_row_of(window, "h200-owner"))
    assert after.point.provenance != "measured" and after.usd_per_mtok != pytest.approx(before)
    assert "Remove quote" in window.doc.undo_stack.undoText()
    window.act_undo.trigger()
    qtbot.waitUntil(lambda: computed(window), timeout=15000)
    assert window.doc.project.option("h200-owner").quoted is not None


def test_bad_figures_get_an_inline_message_and_change_nothing(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    project = window.doc.project
    window.doc.select_option("h200-owner")
    window.act_quote.trigger()
    dialog = window.quote_dialog
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    # nothing typed yet: OK says what is missing and keeps the dialog open
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "Output tokens/s per GPU" in dialog.error.text()
    box = dialog.edits["tokens_per_s_per_gpu"]
    qtbot.keyClicks(box, "lots")
    assert "not a number" in dialog.error.text() and box.styleSheet()
    box.clear()
    qtbot.keyClicks(box, "-5")
    assert "above 0" in dialog.error.text()
    box.clear()
    qtbot.keyClicks(box, "90")
    assert dialog.error.text() == "" and not box.styleSheet()
    isl = dialog.edits["isl_tokens"]
    isl.clear()
    qtbot.keyClicks(isl, "1024.5")
    assert "Input length (tokens): must be a whole number" in dialog.error.text()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and window.doc.project == project
    dialog.reject()


def test_reading_the_form_keeps_every_condition(project: Project) -> None:
    texts = {
        "tokens_per_s_per_gpu": "6 000",
        "isl_tokens": "8192",
        "osl_tokens": "1,024",
        "tokens_per_s_per_user": "75",
        "concurrency": "64",
        "ttft_ms": "850",
    }
    point = read_quote(
        project,
        "gb300-owner",
        texts,
        precision=Precision.FP8,
        engine=" sglang ",
        spec_decoding=True,
        disaggregated=False,
        source="  Vendor X   RFP answer ",
    )
    assert point.output_tokens_per_s_per_gpu == 6000.0
    assert (point.isl_tokens, point.osl_tokens) == (8192, 1024)
    assert point.tokens_per_s_per_user == 75.0 and point.ttft_ms == 850.0
    assert point.precision is Precision.FP8 and point.engine == "sglang"
    assert point.spec_decoding and not point.disaggregated
    assert point.source == "Vendor X RFP answer" and "64" in point.scenario
    assert point.hardware_id == project.option("gb300-owner").accelerator_id
    # read back for editing: the same texts (separators dropped)
    from tokentco.engine.quoted import with_quoted

    again = initial_texts(with_quoted(project, "gb300-owner", point), "gb300-owner")
    assert again["concurrency"] == "64" and again["tokens_per_s_per_gpu"] == "6000"
    with pytest.raises(QuoteProblem) as problem:
        read_quote(
            project,
            "gb300-owner",
            {**texts, "concurrency": "0"},
            precision=None,
            engine="",
            spec_decoding=False,
            disaggregated=False,
            source="",
        )
    assert problem.value.field == "concurrency" and "above 0" in str(problem.value)

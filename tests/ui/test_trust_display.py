"""Trust on screen: the basis of every throughput figure, its p10–p90 range and the assumed
inputs are shown in the results table, on the charts and in Details — for exactly the
figures the engine computed, with the shipped calibration.

Independent checks (not just "the UI repeats the engine"): every shown range brackets the
figure it qualifies, a measured basis names the source the analyst typed, and a quote at
the operating point's conditions turns "anchored" into "measured".
"""

import math
import re

import pytest
from tests.ui.conftest import computed, expected

from tokentco.engine.quoted import quoted_point, with_quoted
from tokentco.engine.results import OptionResult
from tokentco.present import formats as fmt
from tokentco.present import sentences
from tokentco.present.report_tables import basis_text
from tokentco.ui.charts.frontier import BASIS_SYMBOLS
from tokentco.ui.tables import ASSUMED_MARK, RESULT_COLUMNS


def _col(header: str) -> int:
    return next(i for i, c in enumerate(RESULT_COLUMNS) if c.header == header)


def _cells(window, header: str) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(text, tooltip) of one column per option id."""
    model, column = window.results_model, _col(header)
    out = {}
    for row in range(model.rowCount()):
        item = model.item(row, column)
        out[model.result(row).option_id] = (item.text(), item.toolTip())
    return out


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


def _feasible(window) -> list[OptionResult]:  # type: ignore[no-untyped-def]
    return [r for r in expected(window).options if r.point.feasible]


def test_gui_uses_the_shipped_calibration(window) -> None:  # type: ignore[no-untyped-def]
    from tokentco.io.calibration_file import load_calibration

    assert window.calibration_error == ""
    assert window.calibration is load_calibration()
    assert window.calibration_label() == f"calibration {load_calibration().version}"
    assert "uncalibrated" not in window.status.text()
    assert window.comparison.calibration is not None


def test_table_shows_basis_ranges_and_assumed_marker(window) -> None:  # type: ignore[no-untyped-def]
    truth = _feasible(window)
    assert {r.point.provenance for r in truth} >= {"anchored", "estimated"}
    basis = _cells(window, "Basis")
    cost = _cells(window, "$/Mtok p10–p90")
    rate = _cells(window, "tok/s/GPU p10–p90")
    names = _cells(window, "Option")
    for r in truth:
        text, tip = basis[r.option_id]
        assert text == basis_text(r)
        if r.point.provenance == "anchored":
            assert text.startswith("anchored ×")
            assert _shows(text.removeprefix("anchored ×"), r.point.anchor_factor)
            # the tooltip says what it is anchored to, in the report's words
            assert sentences.basis(r) in tip and "anchored to a measurement" in tip
        elif r.point.provenance == "estimated":
            assert text == "estimated"
        assert r.uncertainty is not None
        (low, low_tol), (high, high_tol) = _printed(cost[r.option_id][0])
        assert low - low_tol <= r.usd_per_mtok <= high + high_tol
        assert abs(low - r.uncertainty.usd_per_mtok.p10) <= low_tol * (1 + 1e-9)
        assert abs(high - r.uncertainty.usd_per_mtok.p90) <= high_tol * (1 + 1e-9)
        (low, low_tol), (high, high_tol) = _printed(rate[r.option_id][0])
        assert low - low_tol <= r.point.output_tokens_per_s_per_gpu <= high + high_tol
        assert abs(high - r.uncertainty.tokens_per_s_per_gpu.p90) <= high_tol * (1 + 1e-9)
        assert r.uncertainty.group in cost[r.option_id][1]
        # options with assumed inputs are marked; the tooltip says the value and how to set it
        name, name_tip = names[r.option_id]
        assert (ASSUMED_MARK.strip() in name) == bool(r.assumptions)
        for a in r.assumptions:
            assert a.value in name_tip and a.how_to_set in name_tip


def test_a_quote_at_the_target_makes_the_figure_measured(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    project = window.doc.project
    point = quoted_point(
        project, "h200-owner", 90.0, tokens_per_s_per_user=20.0, source="Vendor X RFP"
    )
    window.doc.apply(with_quoted(project, "h200-owner", point), "quote")
    qtbot.waitUntil(lambda: computed(window), timeout=15000)
    text, tip = _cells(window, "Basis")["h200-owner"]
    assert text == "measured" and "Vendor X RFP" in tip
    assert _cells(window, "Provenance")["h200-owner"][0] == "measured (Vendor X RFP)"
    window.doc.select_option("h200-owner")
    qtbot.waitUntil(lambda: computed(window), timeout=15000)
    details = window.details.toPlainText()
    assert "Basis: measured" in details and "Vendor X RFP" in details
    # the quote is listed among the nearest measurements, as used
    assert "✓ used — 90.0 tok/s/GPU" in details
    # and stated with its conditions, so the committee sees what was quoted
    assert "Your quote: 90.0 tok/s/GPU at 1,024 in / 1,024 out tokens, 20.0 tok/s/user" in details
    assert "not used for this comparison" not in details
    # switch the model: the quote (typed for DeepSeek-R1) no longer applies, and Details says so
    window.doc.set_field("model_id", "llama-3.3-70b")
    qtbot.waitUntil(lambda: computed(window), timeout=15000)
    details = window.details.toPlainText()
    assert "typed for deepseek-r1 on h200-sxm, so it is not used for this comparison" in details
    assert _cells(window, "Basis")["h200-owner"][0] != "measured"


def test_details_list_anchors_assumptions_ranges_and_confidence(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    truth = expected(window)
    for r in truth.options:
        if not r.point.feasible:
            continue
        window.doc.select_option(r.option_id)
        qtbot.waitUntil(lambda: computed(window), timeout=15000)
        text = window.details.toPlainText()
        assert f"Basis: {basis_text(r)}" in text
        u = r.uncertainty
        assert u is not None
        spread = fmt.value_range(u.usd_per_mtok.p10, u.usd_per_mtok.p90, fmt.usd_per_mtok)
        assert f"p10–p90 {spread}" in text
        if truth.p_winner_cheapest is not None:
            assert "P(cheapest is cheapest)" in text
        for a in r.anchors[:6]:
            assert ("✓ used" if a.used else f"✗ not used: {a.why}") in text
            assert a.source[:60] in text.replace("\n", " ")
        if not r.anchors:
            assert "No measurement of this hardware and model" in text
        for a in r.assumptions:
            assert a.value in text and a.how_to_set in text
        if r.assumptions:
            assert "Assumed inputs" in text


def test_charts_draw_ranges_and_basis_markers(window) -> None:  # type: ignore[no-untyped-def]
    results = window.comparison.options
    cost, energy, frontier = window.cost_chart, window.energy_chart, window.frontier_chart
    for i, r in enumerate(results):
        drawn = cost.ranges[i]
        if not r.point.feasible or r.uncertainty is None:
            assert drawn is None
            continue
        assert drawn == (r.uncertainty.usd_per_mtok.p10, r.uncertainty.usd_per_mtok.p90)
        assert drawn[0] <= cost.values[i] <= drawn[1]
        mw = r.uncertainty.tokens_per_s_per_mw
        if mw is not None:
            assert energy.mw_ranges[i] == (mw.p10, mw.p90)
    # the whisker item spans exactly those ranges
    opts = cost.whiskers.opts
    shown = [d for d in cost.ranges if d is not None]
    assert len(opts["x"]) == len(shown)
    for x, left, right, (p10, p90) in zip(
        opts["x"], opts["left"], opts["right"], shown, strict=True
    ):
        assert x - left == pytest.approx(p10) and x + right == pytest.approx(p90)
    # operating points: marker by basis, whisker by the tok/s/GPU range
    feasible = [r for r in results if r.point.feasible and r.point.output_tokens_per_s_per_gpu > 0]
    symbols = [s.symbol() for s in frontier.points.points()]
    assert symbols == [BASIS_SYMBOLS[r.point.provenance][0] for r in feasible]
    assert frontier.ranges == [
        (r.uncertainty.tokens_per_s_per_gpu.p10, r.uncertainty.tokens_per_s_per_gpu.p90)
        for r in feasible
        if r.uncertainty is not None
    ]
    for r, (p10, p90) in zip(feasible, frontier.ranges, strict=True):
        assert p10 <= r.point.output_tokens_per_s_per_gpu <= p90
    # hover tells the range in words too
    i = next(i for i, r in enumerate(results) if r.point.feasible)
    assert "p10–p90" in cost.hover_at(cost.values[i] / 2, float(i))
    assert all(math.isfinite(v) for v in cost.values)

"""Issue 11 item 4 in the GUI: "Apply to: All options" reaches every option, options that
keep their own serving settings are marked with one action to drop them, and a calibration
that fails to load is an error the user sees."""

from pathlib import Path

import pytest
from tests.ui.conftest import computed, expected

from tokentco.ui.tables import OWN_SERVING_MARK


def _own(window) -> list[str]:  # type: ignore[no-untyped-def]
    return [o.id for o in window.doc.project.options if o.serving is not None]


def test_apply_to_all_options_moves_options_with_their_own_settings(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    tuned = _own(window)
    assert tuned, "the default comparison has an option with its own serving settings"
    plain = next(o.id for o in window.doc.project.options if o.serving is None)
    window.doc.select_option(plain)
    assert window.knobs.scope.currentText() == "All options"
    before = expected(window)
    window.knobs.utilization.setValue(40)
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    project = window.doc.project
    assert all(project.serving_for(o).utilization == pytest.approx(0.4) for o in project.options)
    truth = expected(window)
    for option_id in tuned:  # the tuned option's cost moved with the slider too
        assert truth.by_id(option_id).usd_per_mtok != before.by_id(option_id).usd_per_mtok
    assert [r.usd_per_mtok for r in window.comparison.options] == pytest.approx(
        [r.usd_per_mtok for r in truth.options]
    )


def test_own_settings_are_marked_and_one_action_drops_them(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    tuned = set(_own(window))
    names = {o.id: o.display_name for o in window.doc.project.options}
    listed = {
        window.knobs.options.item(i).text(): window.knobs.options.item(i).data(256)
        for i in range(window.knobs.options.count())
    }
    assert {i for text, i in listed.items() if text.startswith("⚙")} == tuned
    model = window.results_model
    marked = {
        model.result(row).option_id
        for row in range(model.rowCount())
        if model.item(row, 0).text().endswith(OWN_SERVING_MARK)
    }
    assert marked == tuned
    assert window.knobs.own_holder.isVisibleTo(window.knobs)
    assert "1 option keeps" in window.knobs.own_note.text()
    assert all(names[i] in window.knobs.own_note.toolTip() for i in tuned)
    assert window.act_drop_own.isEnabled()

    window.knobs.drop_own.click()
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    assert _own(window) == []
    assert not any(
        model.item(row, 0).text().endswith(OWN_SERVING_MARK) for row in range(model.rowCount())
    )
    assert not window.knobs.own_holder.isVisibleTo(window.knobs)
    assert not window.act_drop_own.isEnabled()
    window.act_undo.trigger()  # one undo step brings every own setting back
    qtbot.waitUntil(lambda: computed(window), timeout=10000)
    assert set(_own(window)) == tuned
    assert window.act_drop_own.isEnabled()


def test_a_calibration_that_fails_to_load_is_shown(app, qtbot, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tokentco.io import calibration_file
    from tokentco.ui.app import build_window

    broken = tmp_path / "fitted.json"
    broken.write_text("{ not json", encoding="utf-8")
    monkeypatch.setattr(calibration_file, "fitted_path", lambda: Path(broken))
    calibration_file.load_calibration.cache_clear()
    try:
        window, error = build_window(None, persist=False)
    finally:
        monkeypatch.undo()
        calibration_file.load_calibration.cache_clear()
    qtbot.addWidget(window)
    assert error == ""
    assert window.calibration is None
    assert str(broken) in window.calibration_error
    window.show()
    qtbot.waitUntil(lambda: computed(window), timeout=15000)
    assert window.calibration_status.isVisibleTo(window)
    assert "uncalibrated" in window.calibration_status.text()
    assert "uncalibrated" in window.status.text()
    window.warn_calibration()
    assert str(broken) in window.last_error


def test_the_shipped_calibration_loads_without_a_warning(app, qtbot) -> None:  # type: ignore[no-untyped-def]
    from tokentco.ui.app import build_window

    window, _ = build_window(None, persist=False)
    qtbot.addWidget(window)
    assert window.calibration is not None and window.calibration_error == ""
    assert not window.calibration_status.isVisibleTo(window)
    window.show()
    qtbot.waitUntil(lambda: computed(window), timeout=15000)
    assert f"calibration {window.calibration.version}" in window.status.text()
    assert "uncalibrated" not in window.status.text()

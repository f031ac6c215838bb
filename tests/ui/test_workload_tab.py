"""The Workload tab, driven like a user: build a mix and a profile, read the plan."""

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tokentco.domain import Catalogue, Project
from tokentco.engine.mix import evaluate_mix
from tokentco.engine.plan import CapacityPlan, plan_capacity
from tokentco.ui.workload_tab import COLUMNS, WorkloadTab


@pytest.fixture()
def tab(app: QApplication, qtbot: Any, catalogue: Catalogue, project: Project) -> WorkloadTab:
    widget = WorkloadTab(catalogue, project)
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    return widget


def _column(name: str) -> int:
    return next(i for i, (field, _) in enumerate(COLUMNS) if field == name)


def test_build_a_mix_and_a_profile_and_read_the_plan(
    tab: WorkloadTab, qtbot: Any, catalogue: Catalogue
) -> None:
    edits: list[Project] = []
    tab.project_edited.connect(edits.append)
    assert tab.current_plan() is None and "profile" in tab.summary.text()

    for preset in ("chat", "rag", "batch"):
        tab.preset.setCurrentText(preset)
        qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert [c.name for c in edits[-1].workload_classes] == ["chat", "rag", "batch"]
    assert sum(c.share for c in edits[-1].workload_classes) == pytest.approx(1.0)

    # type "50" into chat's share: the others make room in their proportions
    model = tab.model
    assert model.setData(model.index(0, _column("share")), "50")
    shares = [c.share for c in tab.project.workload_classes]
    assert shares[0] == pytest.approx(0.5) and sum(shares) == pytest.approx(1.0)
    # a bad value is refused with a message and changes nothing
    messages: list[str] = []
    tab.message.connect(messages.append)
    assert not model.setData(model.index(1, _column("osl_tokens")), "0")
    assert messages and "OSL" in messages[-1]
    assert not model.setData(model.index(1, _column("name")), "chat")
    assert "already called" in messages[-1]

    tab.profile_preset.setCurrentText("business hours")
    tab.profile_preset.activated.emit(tab.profile_preset.currentIndex())
    tab.peak.setValue(50_000.0)
    tab.growth.setValue(30.0)
    project = tab.project
    assert edits[-1] is project
    assert project.demand_profile is not None
    assert project.demand_profile.peak_tokens_per_s == pytest.approx(50_000.0)
    assert project.demand_profile.growth_per_year == pytest.approx(0.3)

    # the plan the tab shows is the engine's plan for the edited project
    expected: tuple[CapacityPlan, ...] = plan_capacity(
        project, project.effective_catalogue(catalogue)
    )
    assert [p.option_id for p in tab.plans] == [o.id for o in project.options]
    for shown, truth in zip(tab.plans, expected, strict=True):
        assert shown.years == truth.years
    mix = evaluate_mix(project, project.effective_catalogue(catalogue))
    plans: tuple[CapacityPlan, ...] = tab.plans
    first = next(p for p in plans if p.feasible)
    assert first.tokens_per_s_per_gpu == pytest.approx(
        mix.by_id(first.option_id).pool.output_tokens_per_s_per_gpu
    )
    tab.option.setCurrentIndex(tab.plans.index(first))
    year = first.years[0]
    assert f"{year.base_gpus} base GPUs" in tab.summary.text()
    assert year.cost_usd <= year.all_on_demand_usd and year.cost_usd <= year.all_base_usd
    assert len(first.years) == 3 and first.years[-1].peak_gpus >= year.peak_gpus


def test_import_profile_and_erosion(tab: WorkloadTab, tmp_path: Path) -> None:
    path = tmp_path / "PROFILE.csv"
    path.write_text(
        "hour,tokens_per_s\n"
        + "".join(f"{h},{20000 if 9 <= h < 17 else 5000}\n" for h in range(24))
    )
    assert tab.import_profile(path)
    assert tab.project.demand_profile is not None
    assert tab.project.demand_profile.hours == 24
    assert tab.profile_preset.currentText() == "imported"
    assert tab.plans and tab.plans[0].hourly_gpus
    tab.erosion.setValue(10.0)
    assert tab.project.price_erosion_per_year == pytest.approx(0.1)
    burst = [p for p in tab.plans if p.feasible and p.years[0].burst_gpu_hours > 0]
    assert burst and burst[0].years[1].burst_usd_per_gpu_hour == pytest.approx(
        burst[0].years[0].burst_usd_per_gpu_hour * 0.9
    )
    bad = tmp_path / "BAD.csv"
    bad.write_text("hour,tokens_per_s\n0,1\n")
    assert not tab.import_profile(bad)
    assert "BAD.csv" in tab.summary.text() and "expected 168" in tab.summary.text()


def test_set_project_shows_it_without_emitting(tab: WorkloadTab, project: Project) -> None:
    from tokentco.domain.mix import PRESETS, business_hours

    edits: list[Project] = []
    tab.project_edited.connect(edits.append)
    shown = project.model_copy(
        update={
            "workload_classes": (PRESETS["chat"].model_copy(update={"share": 1.0}),),
            "demand_profile": business_hours(10_000.0),
        }
    )
    tab.set_project(shown)
    assert edits == []
    assert tab.model.rowCount() == 1 and tab.profile_preset.currentText() == "business hours"
    assert tab.plans and tab.peak.value() == pytest.approx(10_000.0)


def test_details_show_classes_agent_turns_and_plan_years(tab: WorkloadTab, qtbot: Any) -> None:
    for preset in ("chat", "agentic"):
        tab.preset.setCurrentText(preset)
        qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    text = tab.details.toPlainText()
    assert text.startswith("Mix on ") and "  chat (" in text and "  agentic (" in text
    assert "Agent sessions, agentic:" in text and "  turn 6: 12,500-token prompt" in text
    tab.profile_preset.setCurrentText("follow the sun")
    tab.profile_preset.activated.emit(tab.profile_preset.currentIndex())
    text = tab.details.toPlainText()
    assert "Plan for " in text and "  year 3: " in text and "  NPV at 8%/year" in text
    assert tab.mix is not None and tab.plans
    assert tab.plans[tab.option.currentIndex()].tokens_per_s_per_gpu == pytest.approx(
        tab.mix.options[tab.option.currentIndex()].pool.output_tokens_per_s_per_gpu
    )


def test_plan_settings_reach_the_plan(tab: WorkloadTab) -> None:
    tab.profile_preset.setCurrentText("batch at night")
    tab.profile_preset.activated.emit(tab.profile_preset.currentIndex())
    tab.cost_of_capital.setValue(12.0)
    tab.preemption.setValue(20.0)
    tab.use_spot.setChecked(True)
    profile = tab.project.demand_profile
    assert profile is not None and profile.name == "batch at night"
    assert (profile.cost_of_capital, profile.use_spot) == (pytest.approx(0.12), True)
    assert profile.spot_preemption_share == pytest.approx(0.2)
    spot = [p for p in tab.plans if p.feasible and p.prices.spot_offer_id and p.years]
    assert spot
    for plan in spot:
        assert plan.cost_of_capital == pytest.approx(0.12)
        covered = (
            0.8 * plan.prices.spot_usd_per_gpu_hour + 0.2 * plan.prices.on_demand_usd_per_gpu_hour
        )
        assert plan.years[0].burst_usd_per_gpu_hour == pytest.approx(
            min(covered, plan.prices.on_demand_usd_per_gpu_hour)
        )
    # the shape can change without losing the settings
    tab.profile_preset.setCurrentText("follow the sun")
    tab.profile_preset.activated.emit(tab.profile_preset.currentIndex())
    assert tab.project.demand_profile is not None and tab.project.demand_profile.use_spot


def test_plans_off_the_gui_thread_with_the_windows_ops(
    app: QApplication, qtbot: Any, catalogue: Catalogue, project: Project
) -> None:
    from tokentco.ui.background import BackgroundOps

    ops = BackgroundOps()
    tab = WorkloadTab(catalogue, project, ops=ops)
    qtbot.addWidget(tab)
    for preset in ("chat", "agentic", "batch"):  # three edits in a row: coalesced
        tab.preset.setCurrentText(preset)
        tab.add_button.click()
    tab.profile_preset.setCurrentText("business hours")
    tab.profile_preset.activated.emit(tab.profile_preset.currentIndex())
    qtbot.waitUntil(lambda: bool(tab.plans) and ops.is_idle(), timeout=20000)
    final = tab.project
    assert [c.name for c in final.workload_classes] == ["chat", "agentic", "batch"]
    expected = plan_capacity(final, final.effective_catalogue(catalogue))
    assert [p.years for p in tab.plans] == [p.years for p in expected]
    assert tab.mix is not None and "Agent sessions, agentic:" in tab.details.toPlainText()
    ops.shutdown()


def test_class_chart_shows_each_class_and_the_blend(tab: WorkloadTab) -> None:
    for preset in ("chat", "reasoning"):
        tab.preset.setCurrentText(preset)
        tab.add_button.click()
    bars = tab.class_bars()
    assert [name for name, _ in bars] == ["chat", "reasoning", "blend"]
    assert tab.mix is not None
    for i, option in enumerate(tab.mix.options):
        assert bars[-1][1][i] == option.usd_per_mtok
        if option.feasible:
            low, high = sorted(values[i] for _, values in bars[:-1])
            assert low * (1 - 1e-12) <= bars[-1][1][i] <= high * (1 + 1e-12)
    items = tab.class_chart.getPlotItem().listDataItems()
    assert len(tab.class_chart.getPlotItem().items) >= len(bars) or items is not None

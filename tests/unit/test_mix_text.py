"""The words for mixes, sessions and plans carry the engine's figures, formatted once."""

import pytest

from tokentco.domain import Catalogue, DemandProfile, Project, WorkloadClass
from tokentco.domain.mix import PRESETS
from tokentco.engine.mix import evaluate_mix
from tokentco.engine.multiturn import evaluate_sessions
from tokentco.engine.plan import plan_capacity
from tokentco.present.mix_text import mix_lines, plan_lines, session_lines


def test_mix_and_plan_lines_on_the_golden_case(
    golden_project: Project, catalogue: Catalogue, golden_classes: tuple[WorkloadClass, ...]
) -> None:
    cat = golden_project.effective_catalogue(catalogue)
    profile = DemandProfile(tokens_per_s=(32_000.0,) * 6 + (8_000.0,) * 18, cost_of_capital=0.1)
    project = golden_project.model_copy(
        update={"workload_classes": golden_classes, "demand_profile": profile}
    )
    lines = mix_lines(evaluate_mix(project, cat).options[0])
    assert lines[0].startswith("Mix on golden-reserved: $0.926/Mtok blended — separate pools: ")
    assert lines[1] == "  chat (75% of output): $1.11/Mtok, 1,000 tok/s/GPU, TTFT 300 ms"
    assert lines[2].startswith("  batch (25% of output): $0.370/Mtok, 3,000 tok/s/GPU")
    plan = plan_capacity(project.model_copy(update={"workload_classes": ()}), cat, years=1)[0]
    text = plan_lines(plan)
    assert text[1] == (
        "  year 1: 8 base GPUs (peak 32), 52.6k burst GPU-hours at $5.00/GPU-h: $403k vs "
        "$613k all on demand, $561k all base"
    )
    assert text[2].startswith("  NPV at 10%/year: $366k")


def test_session_lines_name_every_turn(project: Project, catalogue: Catalogue) -> None:
    sessions = evaluate_sessions(project, catalogue, PRESETS["agentic"])
    session = next(s for s in sessions if s.feasible)
    lines = session_lines(session)
    assert len(lines) == 7
    assert lines[0].startswith("  turn 1: 3,000-token prompt, 10% cached, TTFT ")
    assert lines[5].startswith("  turn 6: 12,500-token prompt")
    assert "KV held during tool waits" in lines[6] and "2,400 output tokens" in lines[6]


def test_plan_rows_recompute_their_costs(project: Project, catalogue: Catalogue) -> None:
    """Every year's cost is the sheet formula over its own inputs (an independent check of
    the optimiser's bookkeeping), and all-on-demand is GPU-hours needed × burst price."""
    from tokentco.domain.mix import business_hours
    from tokentco.present.plan_table import PLAN_COLUMNS, formula_cost, plan_rows

    profile = business_hours(80_000.0).model_copy(update={"growth_per_year": 0.4})
    planned = project.model_copy(update={"demand_profile": profile, "price_erosion_per_year": 0.15})
    checked = 0
    for plan in plan_capacity(planned, catalogue, years=4):
        for row in plan_rows(plan):
            assert len(row) == len(PLAN_COLUMNS)
            cost = row[PLAN_COLUMNS.index("cost")]
            assert formula_cost(row) == pytest.approx(cost, rel=1e-9)
            assert row[1] % row[7] == 0  # the base comes in whole systems
            checked += 1
    assert checked >= 12

"""app.workload: the workbench's comparison restated for a mix, and its plans, from the
plain comparison in hand — checked against the engine's own entry points, which evaluate
everything themselves."""

import math

import pytest

from tokentco.app.workload import NO_OPTIONS, NO_PROFILE, edit_text, restate
from tokentco.domain import Catalogue, Project
from tokentco.domain.mix import PRESETS, profile_preset, with_class
from tokentco.engine.evaluate import evaluate
from tokentco.engine.mix import blended_comparison
from tokentco.engine.plan import plan_capacity


def _mixed(project: Project, *names: str) -> Project:
    classes = project.workload_classes
    for name in names:
        classes = with_class(classes, PRESETS[name])
    return project.model_copy(update={"workload_classes": classes})


def test_without_mix_or_profile_the_plain_comparison_comes_back_unchanged(
    project: Project, catalogue: Catalogue
) -> None:
    cat = project.effective_catalogue(catalogue)
    plain = evaluate(project, cat)
    shown, outcome = restate(project, cat, None, plain)
    assert shown is plain
    assert outcome.mix is None and outcome.plans == () and outcome.plan_error == NO_PROFILE
    empty = project.model_copy(update={"options": ()})
    assert restate(empty, cat, None, evaluate(empty, cat))[1].plan_error == NO_OPTIONS


def test_a_mix_restates_the_plain_comparison_as_the_engine_blends_it(
    project: Project, catalogue: Catalogue
) -> None:
    mixed = _mixed(project, "chat", "rag", "code")
    cat = mixed.effective_catalogue(catalogue)
    shown, outcome = restate(mixed, cat, None, evaluate(mixed, cat))
    truth, truth_mix = blended_comparison(mixed, cat)
    assert outcome.mix is not None and outcome.plans == ()
    assert [r.option_id for r in shown.options] == [o.id for o in mixed.options]
    for got, want in zip(shown.options, truth.options, strict=True):
        assert got.usd_per_mtok == pytest.approx(want.usd_per_mtok)
        assert got.point.output_tokens_per_s_per_gpu == pytest.approx(
            want.point.output_tokens_per_s_per_gpu
        )
    for option in mixed.options:
        mine, theirs = outcome.mix_for(option.id), truth_mix.by_id(option.id)
        assert mine is not None
        assert mine.chosen == theirs.chosen
        assert mine.usd_per_mtok == pytest.approx(theirs.usd_per_mtok)
    # the blend differs from the single workload (otherwise this test proves nothing)
    plain = evaluate(mixed, cat)
    assert any(
        math.isfinite(a.usd_per_mtok) and a.usd_per_mtok != pytest.approx(b.usd_per_mtok)
        for a, b in zip(shown.options, plain.options, strict=True)
    )
    assert outcome.mix_for("no such option") is None


def test_a_profile_is_planned_as_the_engine_plans_it_alone(
    project: Project, catalogue: Catalogue
) -> None:
    planned = _mixed(project, "chat", "batch").model_copy(
        update={"demand_profile": profile_preset("business hours", 40_000.0)}
    )
    cat = planned.effective_catalogue(catalogue)
    _, outcome = restate(planned, cat, None, evaluate(planned, cat))
    truth = plan_capacity(planned, cat)
    assert outcome.plan_error == ""
    assert [p.option_id for p in outcome.plans] == [o.id for o in planned.options]
    for mine, theirs in zip(outcome.plans, truth, strict=True):
        assert mine.years == theirs.years
        assert outcome.plan_for(mine.option_id) is mine
    assert any(p.feasible for p in outcome.plans)


def test_undo_texts_say_what_the_workload_edit_changed(project: Project) -> None:
    chat = _mixed(project, "chat")
    two = _mixed(chat, "rag")
    assert edit_text(project, chat) == "Add workload class chat"
    assert edit_text(chat, two) == "Add workload class rag"
    assert edit_text(two, chat) == "Remove workload class"
    assert edit_text(chat, project) == "Use the single workload"
    longer = chat.workload_classes[0].model_copy(update={"osl_tokens": 9})
    renamed = chat.model_copy(update={"workload_classes": (longer,)})
    assert edit_text(chat, renamed) == "Edit workload mix"
    profiled = project.model_copy(update={"demand_profile": profile_preset("follow the sun", 1e4)})
    assert edit_text(project, profiled) == "Add demand profile"
    assert edit_text(profiled, project) == "Remove demand profile"
    bigger = project.model_copy(update={"demand_profile": profile_preset("follow the sun", 2e4)})
    assert edit_text(profiled, bigger) == "Edit demand profile"
    eroding = project.model_copy(update={"price_erosion_per_year": 0.1})
    assert edit_text(project, eroding) == "Edit rental price erosion"

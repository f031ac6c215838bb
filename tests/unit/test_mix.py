"""Workload mixes: domain rules, the blend, pools and multi-turn sessions."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokentco.domain import Catalogue, Demand, DemandProfile, MultiTurn, Project, WorkloadClass
from tokentco.domain.mix import (
    PRESETS,
    PROFILE_PRESETS,
    batch_at_night,
    business_hours,
    profile_preset,
)
from tokentco.engine.evaluate import evaluate
from tokentco.engine.mix import evaluate_mix, strictest_targets
from tokentco.engine.multiturn import evaluate_sessions, turn_workloads
from tokentco.io.defaults import default_project
from tokentco.present.mix_text import mix_why


def test_presets_shares_sum_to_one_and_say_why() -> None:
    assert sum(c.share for c in PRESETS.values()) == pytest.approx(1.0)
    assert all(len(c.assumptions) > 40 for c in PRESETS.values())
    Project(workload_classes=tuple(PRESETS.values()))


def test_project_refuses_shares_not_summing_to_one() -> None:
    chat = PRESETS["chat"]
    with pytest.raises(ValueError, match=r"sum to 1, they sum to 0\.4"):
        Project(workload_classes=(chat,))
    with pytest.raises(ValueError, match="repeated: chat"):
        Project(workload_classes=(chat.model_copy(update={"share": 0.5}),) * 2)


def test_class_workload_keeps_the_project_counting_basis(project: Project) -> None:
    cls = WorkloadClass(name="x", share=1.0, isl_tokens=77, osl_tokens=9, max_ttft_ms=300.0)
    workload = cls.workload(project.workload)
    assert (workload.isl_tokens, workload.osl_tokens, workload.max_ttft_ms) == (77, 9, 300.0)
    assert workload.min_tokens_per_s_per_user is None
    assert workload.token_basis == project.workload.token_basis


def test_profile_needs_24_or_168_finite_hours() -> None:
    with pytest.raises(ValueError, match=r"24 .* or 168 .* got 23"):
        DemandProfile(tokens_per_s=(1.0,) * 23)
    with pytest.raises(ValueError, match="hour 3"):
        DemandProfile(tokens_per_s=(1.0, 1.0, 1.0, -1.0) + (1.0,) * 20)
    with pytest.raises(ValueError, match="every hour is 0"):
        DemandProfile(tokens_per_s=(0.0,) * 24)


def test_profile_presets_peak_where_asked() -> None:
    for name in PROFILE_PRESETS:
        profile = profile_preset(name, 1000.0)
        assert profile.hours == 168
        assert profile.peak_tokens_per_s == pytest.approx(1000.0)
        assert profile.mean_tokens_per_s < 1000.0
    week = business_hours(100.0)
    assert week.tokens_per_s[24 * 2 + 10] == 100.0  # Wednesday 10:00
    assert week.tokens_per_s[24 * 6 + 10] == 15.0  # Sunday 10:00
    night = batch_at_night(10.0, 50.0)
    assert night.tokens_per_s[23] == 50.0 and night.tokens_per_s[12] == 10.0
    with pytest.raises(ValueError, match="unknown profile preset"):
        profile_preset("lunar", 1.0)


def test_mix_and_profile_survive_a_project_file_round_trip(project: Project) -> None:
    from tokentco.io.project_file import project_from_json, project_to_json

    edited = project.model_copy(
        update={
            "workload_classes": tuple(PRESETS.values()),
            "demand_profile": business_hours(5e4).model_copy(update={"growth_per_year": 0.3}),
            "price_erosion_per_year": 0.1,
        }
    )
    assert project_from_json(project_to_json(edited)) == edited


# --- engine: blend, pools, multi-turn ---------------------------------------------------


def test_golden_blend_two_classes_two_offers(
    golden_project: Project, catalogue: Catalogue, golden_classes: tuple[WorkloadClass, ...]
) -> None:
    """Worked by hand: chat 1000 tok/s/GPU, batch 3000 (1500 at chat's 20 tok/s/user),
    utilization 0.5. $/Mtok = price / (tps · 3600 · 0.5) · 1e6.
    Reserved $2: chat 1.1111, batch 0.37037 → separate 0.75·1.1111 + 0.25·0.37037 = 0.92593;
    shared: batch 0.74074 → 0.75·1.1111 + 0.25·0.74074 = 1.01852. On demand $5: × 2.5."""
    cat = golden_project.effective_catalogue(catalogue)
    mix = evaluate_mix(golden_project.model_copy(update={"workload_classes": golden_classes}), cat)
    reserved, on_demand = mix.options
    assert reserved.separate.usd_per_mtok == pytest.approx(0.925926, rel=1e-5)
    assert reserved.shared.usd_per_mtok == pytest.approx(1.018519, rel=1e-5)
    assert on_demand.separate.usd_per_mtok == pytest.approx(2.314815, rel=1e-5)
    assert [c.usd_per_mtok for c in reserved.separate.classes] == pytest.approx(
        [1.11111, 0.37037], rel=1e-4
    )
    # no demand stated: the cheaper $/Mtok decides, and the sentence says so
    assert reserved.chosen == "separate" and reserved.usd_per_mtok == reserved.separate.usd_per_mtok
    assert reserved.decided_by == "$/Mtok"
    why = mix_why(reserved)
    assert "separate pools" in why and "TTFT ≤ 1,000 ms" in why and "$0.926/Mtok" in why
    assert reserved.separate.output_tokens_per_s_per_gpu == pytest.approx(
        1 / (0.75 / 1000 + 0.25 / 3000)
    )
    assert mix.strictest == (1000.0, 20.0)


def test_golden_shared_pool_wins_on_rounding(
    golden_project: Project, catalogue: Catalogue, golden_classes: tuple[WorkloadClass, ...]
) -> None:
    """Peak 8000 tok/s: separate pools need ceil(6000/1000)=6 → 8 GPUs (whole 8-GPU
    systems) for chat plus ceil(2000/3000)=1 → 8 for batch = 16; one pool at the strict
    target carries 1/(0.75/1000 + 0.25/1500) = 1090.9 tok/s/GPU → 7.33 → 8 GPUs."""
    demand = Demand(tokens_per_day=8000 / 2 * 86400, peak_to_average=2.0)
    cat = golden_project.effective_catalogue(catalogue)
    project = golden_project.model_copy(
        update={"workload_classes": golden_classes, "demand": demand}
    )
    reserved = evaluate_mix(project, cat).options[0]
    assert (reserved.separate.gpus, reserved.shared.gpus) == (16, 8)
    assert reserved.shared.annual_cost_usd == pytest.approx(8 * 2.0 * 8760)
    assert reserved.chosen == "shared"
    assert reserved.decided_by == "annual cost"
    assert "8 GPUs, $140k/yr" in mix_why(reserved) and "16 GPUs" in mix_why(reserved)


def test_one_class_mix_equals_the_plain_comparison(project: Project, catalogue: Catalogue) -> None:
    w = project.workload
    one = WorkloadClass(
        name="only",
        share=1.0,
        isl_tokens=w.isl_tokens,
        osl_tokens=w.osl_tokens,
        prefix_hit_rate=w.prefix_hit_rate,
        max_ttft_ms=w.max_ttft_ms,
        min_tokens_per_s_per_user=w.min_tokens_per_s_per_user,
    )
    plain = evaluate(project, catalogue)
    mixed = evaluate_mix(project.model_copy(update={"workload_classes": (one,)}), catalogue)
    for a, b in zip(plain.options, mixed.options, strict=True):
        assert b.usd_per_mtok == pytest.approx(a.usd_per_mtok, rel=1e-12)
        if a.fleet is not None:
            assert b.pool.gpus == a.fleet.gpus


@settings(max_examples=25, deadline=None)
@given(
    share=st.floats(0.05, 0.95),
    isl=st.integers(100, 8000),
    osl=st.integers(50, 2000),
    target=st.sampled_from([None, 10.0, 30.0]),
)
def test_blend_lies_between_its_classes(
    catalogue: Catalogue, share: float, isl: int, osl: int, target: float | None
) -> None:
    project = default_project(catalogue)
    a = WorkloadClass(
        name="a", share=share, isl_tokens=isl, osl_tokens=osl, min_tokens_per_s_per_user=target
    )
    b = WorkloadClass(name="b", share=1 - share, isl_tokens=1024, osl_tokens=1024)
    mix = evaluate_mix(project.model_copy(update={"workload_classes": (a, b)}), catalogue)
    for option in mix.options:
        for pool in (option.separate, option.shared):
            if not pool.feasible:
                continue
            costs = [c.usd_per_mtok for c in pool.classes]
            assert min(costs) * (1 - 1e-12) <= pool.usd_per_mtok <= max(costs) * (1 + 1e-12)


def test_strictest_targets() -> None:
    assert strictest_targets((PRESETS["chat"], PRESETS["code"], PRESETS["batch"])) == (500.0, 50.0)
    assert strictest_targets((PRESETS["batch"],)) == (None, None)


def test_multi_turn_context_grows_and_cache_serves_earlier_turns() -> None:
    agent = PRESETS["agentic"].model_copy(
        update={"multi_turn": MultiTurn(turns_per_session=3, tokens_added_per_turn=1000)}
    )
    turns = turn_workloads(agent, Project().workload)
    # 3000, then 3000 + (400 + 1000), then + another 1400
    assert [w.isl_tokens for w in turns] == [3000, 4400, 5800]
    # turn 2: 0.7 of the 3400 tokens before the new 1000 are cached → 2380 / 4400
    assert turns[1].prefix_hit_rate == pytest.approx(0.7 * 3400 / 4400)
    assert turns[0].prefix_hit_rate == agent.prefix_hit_rate


def test_session_cost_adds_its_turns_and_its_kv_hold(
    project: Project, catalogue: Catalogue
) -> None:
    agent = PRESETS["agentic"]
    sessions = evaluate_sessions(project, catalogue, agent)
    waits = agent.multi_turn.tool_wait_s if agent.multi_turn else 0.0
    model = catalogue.models[project.model_id]
    for session, option in zip(sessions, project.options, strict=True):
        if not session.feasible:
            continue
        assert len(session.turns) == 6
        turn_s = sum(t.gpu_s_at_point for t in session.turns)
        assert session.gpu_s_at_point == pytest.approx(turn_s + session.kv_hold_gpu_s)
        kv = (
            model.kv_elements_per_token * project.serving_for(option).kv_precision.bytes_per_element
        )
        held = sum(kv * (t.context_tokens + agent.osl_tokens) for t in session.turns[:-1]) / 1e9
        assert session.kv_held_gb_s == pytest.approx(held * waits)
        memory = catalogue.accelerators[option.accelerator_id].memory_gb
        assert session.kv_hold_gpu_s == pytest.approx(held * waits / memory)
        # later turns have longer prompts: time to first token never falls by much
        assert session.turns[-1].context_tokens > session.turns[0].context_tokens
        assert session.usd_per_mtok_output > 0


def test_kv_aware_routing_and_offload_make_sessions_cheaper(
    project: Project, catalogue: Catalogue
) -> None:
    agent = PRESETS["agentic"]
    plain = evaluate_sessions(project, catalogue, agent)
    serving = project.serving.model_copy(
        update={
            "kv_aware_routing": True,
            "kv_offload": project.serving.kv_offload.model_copy(update={"enabled": True}),
        }
    )
    tuned_project = project.model_copy(
        update={
            "serving": serving,
            "options": tuple(o.model_copy(update={"serving": None}) for o in project.options),
        }
    )
    tuned = evaluate_sessions(tuned_project, catalogue, agent)
    compared = 0
    for a, b in zip(plain, tuned, strict=True):
        if a.feasible and b.feasible:
            compared += 1
            assert b.kv_hold_gpu_s <= a.kv_hold_gpu_s
    assert compared >= 2


def test_multi_turn_class_enters_the_blend(project: Project, catalogue: Catalogue) -> None:
    chat = PRESETS["chat"].model_copy(update={"share": 0.5})
    agent = PRESETS["agentic"].model_copy(update={"share": 0.5})
    mix = evaluate_mix(project.model_copy(update={"workload_classes": (chat, agent)}), catalogue)
    sessions = evaluate_sessions(project, catalogue, agent)
    for option, session in zip(mix.options, sessions, strict=True):
        figures = option.separate.classes[1]
        assert figures.session is not None
        if session.feasible:
            assert figures.usd_per_mtok == pytest.approx(session.usd_per_mtok)


def test_share_edits_keep_the_mix_summing_to_one() -> None:
    from tokentco.domain.mix import with_class, with_share, without_class

    mix = with_class((), PRESETS["chat"])
    assert [c.share for c in mix] == [1.0]
    mix = with_class(mix, PRESETS["batch"])  # batch at its 5 %, chat makes room
    assert [c.share for c in mix] == pytest.approx([0.95, 0.05])
    mix = with_class(mix, PRESETS["rag"])  # rag 20 %, the others keep their 19:1 ratio
    assert [c.share for c in mix] == pytest.approx([0.76, 0.04, 0.2])
    mix = with_share(mix, 0, 0.5)
    assert [c.share for c in mix] == pytest.approx([0.5, 0.5 / 6, 0.5 * 5 / 6])
    assert [c.name for c in with_class(mix, PRESETS["chat"])][-1] == "chat 2"
    mix = without_class(mix, 0)
    assert [c.share for c in mix] == pytest.approx([1 / 6, 5 / 6])
    Project(workload_classes=mix)


def test_uncertainty_ranges_carry_through_the_blend(project: Project, catalogue: Catalogue) -> None:
    from tokentco.engine.mix import blended_comparison, mix_classes
    from tokentco.io.calibration_file import load_calibration

    cal = load_calibration()  # the shipped fit states the p10-p90 residuals
    (one,) = mix_classes(project)
    plain = evaluate(project, catalogue, cal)
    single, _ = blended_comparison(
        project.model_copy(update={"workload_classes": (one,)}), catalogue, cal
    )
    checked = 0
    for a, b in zip(plain.options, single.options, strict=True):
        if a.uncertainty is None or not a.point.feasible:
            continue
        assert b.uncertainty is not None
        assert b.uncertainty.usd_per_mtok.p10 == pytest.approx(a.uncertainty.usd_per_mtok.p10)
        assert b.uncertainty.usd_per_mtok.p90 == pytest.approx(a.uncertainty.usd_per_mtok.p90)
        speed = a.uncertainty.tokens_per_s_per_gpu
        assert b.uncertainty.tokens_per_s_per_gpu.p10 == pytest.approx(speed.p10, rel=1e-6)
        assert b.uncertainty.tokens_per_s_per_gpu.p90 == pytest.approx(speed.p90, rel=1e-6)
        checked += 1
    assert checked >= 2, "the engine states no ranges: nothing carried through"

    two = (
        PRESETS["chat"].model_copy(update={"share": 0.6}),
        PRESETS["batch"].model_copy(update={"share": 0.4}),
    )
    mix = evaluate_mix(project.model_copy(update={"workload_classes": two}), catalogue, cal)
    blended = 0
    for option in mix.options:
        pool = option.separate
        band = pool.usd_per_mtok_range
        if band is None:
            continue
        ranges = [c.result.uncertainty for c in pool.classes]
        lows = [r.usd_per_mtok.p10 for r in ranges if r is not None]
        highs = [r.usd_per_mtok.p90 for r in ranges if r is not None]
        weights = pool.weights
        assert band.p10 == pytest.approx(sum(w * v for w, v in zip(weights, lows, strict=True)))
        assert band.p90 == pytest.approx(sum(w * v for w, v in zip(weights, highs, strict=True)))
        assert band.p10 <= pool.usd_per_mtok <= band.p90
        blended += 1
    assert blended >= 2


def test_a_p50_p90_pair_becomes_the_lognormal_mean(project: Project) -> None:
    import math

    cls = WorkloadClass(
        name="rag", share=1.0, isl_tokens=4000, isl_p90_tokens=12000, osl_tokens=300
    )
    sigma = math.log(3.0) / 1.2815515655446004
    assert cls.mean_isl_tokens == round(4000 * math.exp(sigma**2 / 2))  # 5,793
    assert cls.mean_osl_tokens == 300
    assert cls.workload(project.workload).isl_tokens == cls.mean_isl_tokens
    with pytest.raises(ValueError, match="osl p90 200 is below its median 300"):
        WorkloadClass(name="x", share=1.0, osl_tokens=300, osl_p90_tokens=200)


def test_equal_fleets_choose_the_lower_cost_per_token(
    project: Project, catalogue: Catalogue
) -> None:
    """Whole-system rounding often gives both arrangements the same fleet and annual cost;
    the choice must then follow $/Mtok, never float noise in the annual cost."""
    from tokentco.domain.mix import PRESETS

    # a mix where a whole-rack fleet (GB300 NVL72) comes out the same either way (estimator-5)
    classes = [PRESETS[name] for name in ("code", "agentic", "reasoning")]
    total = sum(c.share for c in classes)
    mixed = project.model_copy(
        update={
            "workload_classes": tuple(
                c.model_copy(update={"share": c.share / total}) for c in classes
            )
        }
    )
    results = evaluate_mix(mixed, catalogue).options
    for r in results:
        if not (r.separate.feasible and r.shared.feasible):
            continue
        a, b = r.shared.annual_cost_usd, r.separate.annual_cost_usd
        chosen, other = (r.shared, r.separate) if r.chosen == "shared" else (r.separate, r.shared)
        if a is not None and b is not None and abs(a - b) <= 1e-6 * max(a, b):
            assert chosen.usd_per_mtok <= other.usd_per_mtok + 1e-12, r.label
        elif a is not None and b is not None:
            assert (chosen.annual_cost_usd or 0) <= (other.annual_cost_usd or 0), r.label
    assert any(
        r.separate.gpus == r.shared.gpus
        for r in results
        if r.separate.feasible and r.shared.feasible
    )

"""Workload mixes: domain rules, the blend, pools and multi-turn sessions."""

import pytest

from tokentco.domain import DemandProfile, Project, WorkloadClass
from tokentco.domain.mix import (
    PRESETS,
    PROFILE_PRESETS,
    batch_at_night,
    business_hours,
    profile_preset,
)


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

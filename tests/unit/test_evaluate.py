"""Project evaluation: operating points, provenance, waterfall, infeasibility reasons."""

import math

import pytest

from tokentco.domain import (
    Catalogue,
    ComparisonOption,
    Precision,
    Project,
    ServingOptions,
    Workload,
)
from tokentco.engine.evaluate import evaluate
from tokentco.engine.results import Binding


def test_default_project_evaluates_every_option(project: Project, catalogue: Catalogue) -> None:
    result = evaluate(project, catalogue)
    assert [r.option_id for r in result.options] == [o.id for o in project.options]
    for r in result.options:
        assert r.point.feasible, r.point.reason
        assert r.point.tokens_per_s_per_user >= project.workload.min_tokens_per_s_per_user
        assert r.point.ttft_ms <= project.workload.max_ttft_ms
        assert r.point.provenance in ("measured", "anchored", "estimated") and r.point.source
        assert r.usd_per_mtok == pytest.approx(
            r.cost.usd_per_gpu_hour
            / (r.point.output_tokens_per_s_per_gpu * 3600 * r.utilization)
            * 1e6
        )
    assert result.cheapest is not None


def test_waterfall_ends_at_the_quoted_cost(project: Project, catalogue: Catalogue) -> None:
    for r in evaluate(project, catalogue).options:
        assert r.waterfall[0][0].startswith("baseline")
        assert r.waterfall[-1][1] == pytest.approx(r.usd_per_mtok)


def test_halving_utilization_doubles_cost(project: Project, catalogue: Catalogue) -> None:
    half = project.model_copy(
        update={
            "serving": project.serving.model_copy(
                update={"utilization": project.serving.utilization / 2}
            )
        }
    )
    full_r, half_r = evaluate(project, catalogue), evaluate(half, catalogue)
    option = project.options[0].id  # uses the global serving options
    assert half_r.by_id(option).usd_per_mtok == pytest.approx(2 * full_r.by_id(option).usd_per_mtok)


def test_unknown_hardware_gives_a_reason_not_a_crash(catalogue: Catalogue) -> None:
    option = ComparisonOption(id="x", accelerator_id="h999", offer_id="nebius-h100-od-eun1")
    result = evaluate(Project(options=(option,)), catalogue).options[0]
    assert not result.point.feasible and "unknown hardware 'h999'" in result.point.reason
    assert math.isinf(result.usd_per_mtok)


def test_model_that_cannot_fit_says_so(catalogue: Catalogue) -> None:
    serving = ServingOptions(
        weight_precision=Precision.FP16,
        compute_precision=Precision.FP16,
        kv_precision=Precision.FP16,
        tp=1,
    )
    option = ComparisonOption(
        id="l40s",
        accelerator_id="l40s",
        offer_id=next(o.id for o in catalogue.offers_for("l40s")),
        serving=serving,
    )
    project = Project(model_id="llama-3.1-405b", options=(option,))
    result = evaluate(project, catalogue).options[0]
    assert not result.point.feasible and result.point.reason == "does not fit"


def test_unreachable_latency_target_is_explained(project: Project, catalogue: Catalogue) -> None:
    strict = project.model_copy(update={"workload": Workload(min_tokens_per_s_per_user=5000)})
    result = evaluate(strict, catalogue).options[0]
    assert not result.point.feasible
    assert "interactivity target 5000 tokens/s/user not reachable" in result.point.reason
    assert result.point.binding is Binding.LATENCY_TARGET


def test_tighter_latency_target_never_lowers_cost(project: Project, catalogue: Catalogue) -> None:
    loose = evaluate(project.model_copy(update={"workload": Workload()}), catalogue)
    tight = evaluate(project, catalogue)
    for a, b in zip(loose.options, tight.options, strict=True):
        if a.point.provenance == b.point.provenance == "estimated":
            assert b.usd_per_mtok >= a.usd_per_mtok * 0.999


def test_measured_point_anchors_the_estimate(catalogue: Catalogue) -> None:
    """A measurement of the same hardware, model, precision and lengths anchors the option
    (issue 11: it no longer replaces the estimate unless the configuration is the same)."""
    point = next(
        p
        for p in catalogue.measured.values()
        if p.hardware_id == "h100-sxm"
        and p.model_id == "llama-3.3-70b"
        and p.isl_tokens
        and p.osl_tokens
        and p.precision is Precision.FP8
    )
    offer = next(o.id for o in catalogue.offers_for("h100-sxm"))
    option = ComparisonOption(id="m", accelerator_id="h100-sxm", offer_id=offer)
    project = Project(
        model_id="llama-3.3-70b",
        options=(option,),
        workload=Workload(isl_tokens=point.isl_tokens, osl_tokens=point.osl_tokens),
    )
    result = evaluate(project, catalogue).options[0]
    assert result.point.provenance == "anchored" and result.point.anchor_source
    assert any(a.used for a in result.anchors)
    no_measured = project.model_copy(
        update={"options": (option.model_copy(update={"use_measured": False}),)}
    )
    assert evaluate(no_measured, catalogue).options[0].point.provenance == "estimated"


def test_tornado_reuses_the_comparisons_calibration(project: Project, catalogue: Catalogue) -> None:
    """Sensitivity re-evaluates; with the comparison's own factors its base is the quoted cost."""
    from tokentco.engine.sensitivity import tornado
    from tokentco.io.calibration_file import load_calibration

    comparison = evaluate(project, catalogue, load_calibration())
    assert comparison.calibration is not None
    option = project.options[1].id
    bars = tornado(project, catalogue, option, calibration=comparison.calibration)
    assert bars and bars[0].base_usd_per_mtok == pytest.approx(
        comparison.by_id(option).usd_per_mtok
    )

"""Anchored estimates: exact at the measured configuration, moved by every knob like the
model, one basis for the operating point, frontier, waterfall and tornado."""

import math

import pytest

from tokentco.domain import (
    Catalogue,
    ComparisonOption,
    KvOffload,
    Precision,
    Project,
    ServingOptions,
    SpeculativeDecoding,
    Workload,
)
from tokentco.engine.evaluate import evaluate
from tokentco.engine.quoted import quoted_point, with_quoted
from tokentco.engine.sensitivity import tornado
from tokentco.io.calibration_file import load_calibration

GB200_OFFER = "spheron-gb200-od"


def _gb200(
    catalogue: Catalogue, serving: ServingOptions | None = None, **workload: float
) -> Project:
    """The issue's contract case: DeepSeek-R1 on GB200, 8k/1k at >= 75 tok/s/user, FP8."""
    offer = next(o for o in catalogue.offers_for("gb200") if o.price_per_gpu_hour)
    option = ComparisonOption(id="gb200", accelerator_id="gb200", offer_id=offer.id)
    load = {"isl_tokens": 8192, "osl_tokens": 1024, "min_tokens_per_s_per_user": 75.0}
    load.update(workload)
    return Project(
        model_id="deepseek-r1",
        workload=Workload(**load),  # type: ignore[arg-type]
        serving=serving or ServingOptions(),
        options=(option,),
    )


def _unanchored(project: Project) -> Project:
    return project.model_copy(
        update={
            "options": tuple(o.model_copy(update={"use_measured": False}) for o in project.options)
        }
    )


def test_exact_at_the_measured_configuration(catalogue: Catalogue) -> None:
    result = evaluate(_gb200(catalogue), catalogue, load_calibration()).options[0]
    measured = catalogue.measured["420"]  # InferenceX GB200 FP8 8k/1k at 75 tok/s/user
    assert result.point.provenance == "measured"
    assert result.point.output_tokens_per_s_per_gpu == measured.output_tokens_per_s_per_gpu
    assert result.point.tokens_per_s_per_user == measured.tokens_per_s_per_user
    assert math.isnan(result.point.ttft_ms)  # not measured, not borrowed from the model
    assert result.anchors[0].point_id == "420" and result.anchors[0].used


@pytest.mark.parametrize(
    "serving,workload",
    [
        (ServingOptions(speculative=SpeculativeDecoding(enabled=True)), {}),
        (ServingOptions(disaggregated=True), {}),
        (ServingOptions(kv_aware_routing=True), {"prefix_hit_rate": 0.5}),
        (ServingOptions(kv_offload=KvOffload(enabled=True)), {}),
        (ServingOptions(tp=8, ep=8), {}),
    ],
)
def test_every_knob_moves_an_anchored_figure(
    catalogue: Catalogue, serving: ServingOptions, workload: dict[str, float]
) -> None:
    cal = load_calibration()
    base = evaluate(_gb200(catalogue), catalogue, cal).options[0].point
    moved_project = _gb200(catalogue, serving, **workload)
    moved = evaluate(moved_project, catalogue, cal).options[0]
    plain = evaluate(_unanchored(moved_project), catalogue, cal).options[0].point
    assert moved.point.provenance == "anchored", moved.anchors
    assert moved.point.output_tokens_per_s_per_gpu != pytest.approx(
        base.output_tokens_per_s_per_gpu, rel=1e-3
    )
    # the anchored figure is the model's, scaled by the stated factor
    assert moved.point.output_tokens_per_s_per_gpu == pytest.approx(
        plain.output_tokens_per_s_per_gpu * moved.point.anchor_factor
    )
    assert "420" in moved.point.anchor_source


@pytest.mark.parametrize(
    "field,values",
    [
        ("isl_tokens", [4096, 6144, 8192, 10240, 16384]),
        ("osl_tokens", [512, 800, 1024, 1400, 2048]),
        ("min_tokens_per_s_per_user", [40.0, 60.0, 75.0, 90.0, 120.0]),
        ("prefix_hit_rate", [0.0, 0.2, 0.4, 0.6]),
    ],
)
def test_anchoring_is_monotone_where_the_model_is(
    catalogue: Catalogue, field: str, values: list[float]
) -> None:
    cal = load_calibration()
    anchored, plain = [], []
    for value in values:
        project = _gb200(catalogue, **{field: value})
        anchored.append(evaluate(project, catalogue, cal).options[0].point)
        plain.append(evaluate(_unanchored(project), catalogue, cal).options[0].point)
    assert any(p.provenance != "estimated" for p in anchored)
    for i in range(len(values) - 1):
        model_step = plain[i + 1].output_tokens_per_s_per_gpu - plain[i].output_tokens_per_s_per_gpu
        step = anchored[i + 1].output_tokens_per_s_per_gpu - anchored[i].output_tokens_per_s_per_gpu
        if abs(model_step) > 1e-6 * plain[i].output_tokens_per_s_per_gpu:
            assert math.copysign(1, step) == math.copysign(1, model_step), (field, values[i])


def test_waterfall_and_frontier_share_the_anchored_basis(catalogue: Catalogue) -> None:
    cal = load_calibration()
    serving = ServingOptions(
        weight_precision=Precision.FP8, speculative=SpeculativeDecoding(enabled=True)
    )
    project = _gb200(catalogue, serving, prefix_hit_rate=0.3)
    anchored = evaluate(project, catalogue, cal).options[0]
    plain = evaluate(_unanchored(project), catalogue, cal).options[0]
    factor = anchored.point.anchor_factor
    assert anchored.point.provenance == "anchored" and factor != pytest.approx(1.0)
    for (label, cost), (plain_label, plain_cost) in zip(
        anchored.waterfall, plain.waterfall, strict=True
    ):
        assert label == plain_label and cost == pytest.approx(plain_cost / factor)
    assert anchored.frontier.output_tokens_per_s_per_gpu == pytest.approx(
        plain.frontier.output_tokens_per_s_per_gpu * factor
    )


def test_tornado_never_switches_basis(catalogue: Catalogue) -> None:
    """At the measured configuration the ISL ±20 % ends keep the measurement's factor."""
    cal = load_calibration()
    project = _gb200(catalogue)
    base = evaluate(project, catalogue, cal).options[0]
    assert base.point.provenance == "measured"
    factor = base.point.anchor_factor
    bars = {b.key: b for b in tornado(project, catalogue, "gb200", calibration=cal)}
    isl = bars["isl"]
    for value, cost in (
        (isl.low_value, isl.usd_per_mtok_low),
        (isl.high_value, isl.usd_per_mtok_high),
    ):
        moved = _unanchored(_gb200(catalogue, isl_tokens=value))
        plain = evaluate(moved, catalogue, cal).options[0].usd_per_mtok
        assert cost == pytest.approx(plain / factor)
    assert bars["utilization"].base_usd_per_mtok == pytest.approx(base.usd_per_mtok)


def test_unused_measurements_say_why(catalogue: Catalogue) -> None:
    result = evaluate(_gb200(catalogue), catalogue, load_calibration()).options[0]
    assert len(result.anchors) > 1
    assert [a.distance for a in result.anchors] == sorted(a.distance for a in result.anchors)
    unused = [a for a in result.anchors if not a.used]
    assert unused and all(a.why and a.why != "used" for a in unused)
    assert all(a.differences for a in result.anchors[1:])


def test_quoted_throughput_reproduces_the_brief(catalogue: Catalogue) -> None:
    """$1.41/h at 90 tok/s/GPU → $4.35/Mtok; $2.65/h at 6,000 → $0.12 (≈35× lower)."""
    options = (
        ComparisonOption(id="h200", accelerator_id="h200-sxm", offer_id="semianalysis-hgx-h200"),
        ComparisonOption(id="gb300", accelerator_id="gb300", offer_id="semianalysis-gb300-nvl72"),
    )
    project = Project(
        model_id="deepseek-r1",
        workload=Workload(isl_tokens=1024, osl_tokens=1024),
        serving=ServingOptions(utilization=1.0),
        options=options,
    )
    for option_id, tps in (("h200", 90.0), ("gb300", 6000.0)):
        project = with_quoted(project, option_id, quoted_point(project, option_id, tps))
    result = evaluate(project, catalogue, load_calibration())
    h200, gb300 = result.by_id("h200"), result.by_id("gb300")
    assert h200.point.provenance == gb300.point.provenance == "measured"
    assert h200.usd_per_mtok == pytest.approx(4.35, abs=0.005)
    assert gb300.usd_per_mtok == pytest.approx(0.12, abs=0.005)
    assert h200.usd_per_mtok / gb300.usd_per_mtok == pytest.approx(35.5, rel=0.02)
    assert math.isnan(h200.point.tokens_per_s_per_user)  # the quote states none
    # the quote anchors a nearby configuration too
    longer = project.model_copy(update={"workload": Workload(isl_tokens=2048, osl_tokens=1024)})
    moved = evaluate(longer, catalogue, load_calibration()).by_id("h200").point
    assert moved.provenance == "anchored" and "quoted:h200" in moved.anchor_source


def test_quote_is_saved_and_applies_only_to_its_model(
    catalogue: Catalogue, tmp_path: object
) -> None:
    from pathlib import Path

    from tokentco.io.project_file import load_project, save_project

    option = ComparisonOption(
        id="h200", accelerator_id="h200-sxm", offer_id="semianalysis-hgx-h200"
    )
    project = Project(model_id="deepseek-r1", options=(option,))
    quote = quoted_point(project, "h200", 90.0, source="vendor RFP answer, 2026-11")
    project = with_quoted(project, "h200", quote)
    path = Path(str(tmp_path)) / "quoted.tokentco"
    save_project(project, path)
    again = load_project(path)
    assert again.option("h200").quoted == quote
    assert evaluate(again, catalogue, load_calibration()).options[0].point.source == (
        "vendor RFP answer, 2026-11"
    )
    other_model = again.model_copy(update={"model_id": "llama-3.3-70b"})
    result = evaluate(other_model, catalogue, load_calibration()).options[0]
    assert all(a.point_id != "quoted:h200" for a in result.anchors)


def test_a_measurement_with_unstated_conditions_and_an_absurd_factor_is_not_used(
    catalogue: Catalogue,
) -> None:
    """The brief's H200 figure (90 tok/s/GPU, interactivity and lengths not stated) is ~15x
    below the model at the default workload: believing it would cut every H200 figure 15-fold.
    A measurement that states its conditions is believed however far off the model is."""
    from tokentco.engine.anchoring import PLAUSIBLE_FACTOR, unstated
    from tokentco.io.defaults import default_project

    project = default_project(catalogue)
    results = evaluate(project, catalogue, load_calibration())
    h200 = next(r for r in results.options if r.accelerator_id == "h200-sxm")
    brief = next(a for a in h200.anchors if a.point_id == "445")
    assert unstated(catalogue.measured["445"])
    assert not brief.used and "does not state all its conditions" in brief.why
    assert not PLAUSIBLE_FACTOR[0] <= brief.factor <= PLAUSIBLE_FACTOR[1]
    assert brief.weight == 0.0 and "445" not in h200.point.source
    plain = evaluate(_unanchored(project), catalogue, load_calibration())
    plain_h200 = next(r for r in plain.options if r.accelerator_id == "h200-sxm")
    ratio = h200.point.output_tokens_per_s_per_gpu / plain_h200.point.output_tokens_per_s_per_gpu
    assert PLAUSIBLE_FACTOR[0] < ratio < PLAUSIBLE_FACTOR[1]  # not cut 15-fold
    stated = evaluate(
        _gb200(catalogue, ServingOptions(disaggregated=True)), catalogue, load_calibration()
    ).options[0]
    used = [a for a in stated.anchors if a.used]
    assert not unstated(catalogue.measured["420"])
    assert stated.point.provenance == "anchored" and any(a.factor > 3 for a in used)


def test_a_quote_without_conditions_is_for_the_compared_workload(catalogue: Catalogue) -> None:
    """Typed without tok/s per user, a quote is taken at the project's latency target (as
    its lengths are), so it answers the compared configuration: measured, $4.35/Mtok."""
    option = ComparisonOption(
        id="h200", accelerator_id="h200-sxm", offer_id="semianalysis-hgx-h200"
    )
    project = Project(
        model_id="deepseek-r1",
        workload=Workload(isl_tokens=1024, osl_tokens=1024, min_tokens_per_s_per_user=20.0),
        serving=ServingOptions(utilization=1.0),
        options=(option,),
    )
    quote = quoted_point(project, "h200", 90.0)
    assert quote.tokens_per_s_per_user == 20.0
    result = evaluate(with_quoted(project, "h200", quote), catalogue, load_calibration())
    h200 = result.by_id("h200")
    assert h200.point.provenance == "measured"
    assert h200.usd_per_mtok == pytest.approx(4.35, abs=0.005)

"""Incremental recompute equals a full evaluation, and reruns only what an edit touched.

The oracle is ``evaluate()`` itself, run fresh on the same project after every edit; the
incremental path may differ from it only where documented (``waterfall`` is filled for
the selected option alone, and only when asked for)."""

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokentco.app import edits
from tokentco.app.recompute import Recomputer, TornadoCache
from tokentco.domain import Catalogue, ComparisonOption, Offer, OwnedCost, PricingModel, Project
from tokentco.engine import uncertainty
from tokentco.engine.calibration import Calibration
from tokentco.engine.evaluate import evaluate
from tokentco.engine.results import Comparison
from tokentco.engine.stages import WinnerOdds, sweep_stage
from tokentco.io.calibration_file import load_calibration


@pytest.fixture(scope="module")
def calibration() -> Calibration:
    return load_calibration()


def assert_same(a: Any, b: Any, path: str = "comparison") -> None:
    """Field by field, floats compared exactly (NaN equal to NaN), arrays element-wise."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), path
        for f in dataclasses.fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray), path
        assert a.shape == b.shape, path
        assert np.array_equal(a, b, equal_nan=True), path
    elif isinstance(a, tuple | list):
        assert isinstance(b, tuple | list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, float):
        assert isinstance(b, float), path
        assert (math.isnan(a) and math.isnan(b)) or a == b, f"{path}: {a!r} != {b!r}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def expected(full: Comparison, selected: str, want_variants: bool) -> Comparison:
    """The full evaluation as the incremental path reports it (waterfall of one option)."""
    options = tuple(
        o if want_variants and o.option_id == selected else dataclasses.replace(o, waterfall=())
        for o in full.options
    )
    return dataclasses.replace(full, options=options)


OWNED = Offer(
    id="test-owned-h100",
    accelerator_id="h100-sxm",
    provider="our hall",
    pricing_model=PricingModel.OWNED,
    currency="EUR",
    owned=OwnedCost(capex_per_gpu=30_000.0, it_watts_per_gpu=1_100.0, pue=1.25),
)


@pytest.fixture()
def base(project: Project, catalogue: Catalogue) -> Project:
    """The default comparison plus an owned (EUR) option and one with a quoted figure."""
    with_owned = edits.put_rows(project, "offers", [OWNED])
    owned = ComparisonOption(id="owned-h100", accelerator_id="h100-sxm", offer_id=OWNED.id)
    measured = next(
        m
        for m in catalogue.measured.values()
        if m.model_id == project.model_id and m.hardware_id == "b200"
    )
    quoted = ComparisonOption(
        id="quoted-b200",
        accelerator_id="b200",
        offer_id=project.options[2].offer_id,
        quoted=measured.model_copy(
            update={"id": "vendor-quote", "output_tokens_per_s_per_gpu": 3000.0}
        ),
    )
    result, _ = edits.add_option(with_owned, owned)
    result, _ = edits.add_option(result, quoted)
    return result


Edit = Callable[[Project, Catalogue, str], Project]


def _own_serving(path: str, value: Any) -> Edit:
    def edit(p: Project, cat: Catalogue, oid: str) -> Project:
        return edits.set_option_serving(p, oid, path, value)

    return edit


def _field(path: str, value: Any) -> Edit:
    return lambda p, cat, oid: edits.set_field(p, path, value)


def _price(value: float) -> Edit:
    def edit(p: Project, cat: Catalogue, oid: str) -> Project:
        offer = cat.offers[p.option(oid).offer_id]
        if offer.owned is not None:
            return edits.set_offer_field(p, cat, oid, "owned.capex_per_gpu", value * 10_000)
        return edits.set_offer_field(p, cat, oid, "price_per_gpu_hour", value)

    return edit


def _owned(path: str, value: float) -> Edit:
    def edit(p: Project, cat: Catalogue, oid: str) -> Project:
        owned = {o.id for o in cat.offers.values() if o.owned is not None}
        option = next((o for o in p.options if o.offer_id in owned), None)
        if option is None:  # the owned option was removed
            return p
        return edits.set_offer_field(p, cat, option.id, f"owned.{path}", value)

    return edit


def _duplicate(p: Project, cat: Catalogue, oid: str) -> Project:
    return edits.duplicate_option(p, oid)[0]


def _remove(p: Project, cat: Catalogue, oid: str) -> Project:
    return edits.remove_option(p, oid) if len(p.options) > 2 else p


def _unknown(p: Project, cat: Catalogue, oid: str) -> Project:
    option = ComparisonOption(id="ghost", accelerator_id="no-such-gpu", offer_id="x")
    return edits.add_option(p, option)[0] if "ghost" not in {o.id for o in p.options} else p


def _system_power(kw: float) -> Edit:
    """An edited system row (power and GPUs per system feed energy and fleet sizing)."""

    def edit(p: Project, cat: Catalogue, oid: str) -> Project:
        system = cat.systems["dgx-h100"].model_copy(update={"system_power_kw": kw})
        return edits.put_rows(p, "systems", [system])

    return edit


def _bandwidth(tb_s: float) -> Edit:
    """An edited hardware row (the estimator reads it)."""

    def edit(p: Project, cat: Catalogue, oid: str) -> Project:
        row = cat.accelerators["h100-sxm"].model_copy(update={"memory_bw_tb_s": tb_s})
        return edits.put_rows(p, "accelerators", [row])

    return edit


def _quote(tokens_per_s: float) -> Edit:
    """The quoted option's vendor figure changed (it anchors that option's sweep)."""

    def edit(p: Project, cat: Catalogue, oid: str) -> Project:
        if "quoted-b200" not in {o.id for o in p.options}:
            return p
        quoted = p.option("quoted-b200").quoted
        assert quoted is not None
        new = quoted.model_copy(update={"output_tokens_per_s_per_gpu": tokens_per_s})
        return edits.set_option_field(p, "quoted-b200", "quoted", new)

    return edit


def _criteria(weight: float) -> Edit:
    def edit(p: Project, cat: Catalogue, oid: str) -> Project:
        first = p.criteria[0].model_copy(update={"weight_pct": weight})
        return p.model_copy(update={"criteria": (first, *p.criteria[1:])})

    return edit


EDITS: list[Edit] = [
    *(_field("serving.utilization", u) for u in (0.3, 0.6, 0.9)),
    *(_own_serving("utilization", u) for u in (0.45, 0.8)),
    *(_price(v) for v in (1.9, 3.3)),
    *(_owned(path, v) for path, v in (("usd_per_kwh", 0.15), ("pue", 1.5))),
    *(_owned(path, v) for path, v in (("depreciation_years", 4.0), ("cost_of_capital", 0.12))),
    _owned("opex_per_gpu_year", 900.0),
    _field("exchange_rates.usd_per_unit", {"USD": 1.0, "EUR": 1.2}),
    _field("demand.tokens_per_day", 5e9),
    _field("demand.tokens_per_day", 2e10),
    _field("workload.token_basis", "total"),
    *(_field("workload.isl_tokens", v) for v in (512, 1024, 4096)),
    *(_field("workload.osl_tokens", v) for v in (256, 1024)),
    _field("workload.prefix_hit_rate", 0.4),
    _field("workload.min_tokens_per_s_per_user", 50.0),
    _field("workload.min_tokens_per_s_per_user", None),
    _field("workload.max_ttft_ms", 500.0),
    _field("serving.kv_aware_routing", True),
    _field("serving.kv_aware_routing", False),
    _field("serving.speculative.enabled", True),
    _field("serving.disaggregated", True),
    _field("serving.weight_precision", "fp16"),
    _field("serving.kv_offload.enabled", True),
    _own_serving("speculative.enabled", False),
    _own_serving("disaggregated", False),
    lambda p, cat, oid: edits.set_option_field(p, oid, "use_measured", False),
    lambda p, cat, oid: edits.set_option_field(p, oid, "use_measured", True),
    lambda p, cat, oid: edits.use_project_serving(p, [oid]),
    _duplicate,
    _remove,
    _unknown,
    _criteria(10.0),
    _system_power(12.5),
    _system_power(9.0),
    _quote(1500.0),
    _quote(4200.0),
    _field("model_id", "llama-3.3-70b"),
    _field("model_id", "deepseek-r1"),
    _bandwidth(4.0),
    _bandwidth(3.35),
]

step = st.tuples(
    st.integers(0, len(EDITS) - 1),  # the edit
    st.integers(0, 20),  # the option it applies to (modulo the options there are)
    st.integers(0, 20),  # the option selected afterwards
    st.booleans(),  # waterfall chart visible
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(step, min_size=2, max_size=10))
def test_random_edit_sequences_give_the_full_evaluation_float_for_float(
    base: Project, catalogue: Catalogue, calibration: Calibration, steps: list[Any]
) -> None:
    recomputer = Recomputer(catalogue, calibration)
    project = base
    recomputer.update(project, project.options[0].id, want_variants=True)
    for edit, target, chosen, want in steps:
        effective = project.effective_catalogue(catalogue)
        option_id = project.options[target % len(project.options)].id
        project = EDITS[edit](project, effective, option_id)
        selected = project.options[chosen % len(project.options)].id
        incremental = recomputer.update(project, selected, want_variants=want)
        full = evaluate(project, project.effective_catalogue(catalogue), calibration)
        assert_same(incremental, expected(full, selected, want))


def test_economics_edits_reuse_every_sweep(
    base: Project, catalogue: Catalogue, calibration: Calibration
) -> None:
    recomputer = Recomputer(catalogue, calibration)
    recomputer.update(base)
    ids = tuple(o.id for o in base.options)
    for edit in (
        _field("serving.utilization", 0.4),
        _price(2.2),
        _owned("usd_per_kwh", 0.2),
        _field("exchange_rates.usd_per_unit", {"USD": 1.0, "EUR": 1.3}),
        _field("demand.tokens_per_day", 1e9),
        _field("workload.token_basis", "total"),
    ):
        edited = edit(base, base.effective_catalogue(catalogue), ids[3])
        plan = recomputer.plan(edited)
        assert plan.sweep == () and plan.reuse_sweep == ids, edit
        assert plan.kind == "economics"


def test_a_price_edit_reprices_only_its_option(
    base: Project, catalogue: Catalogue, calibration: Calibration
) -> None:
    recomputer = Recomputer(catalogue, calibration)
    recomputer.update(base)
    edited = _price(2.2)(base, base.effective_catalogue(catalogue), "h100-nebius")
    plan = recomputer.plan(edited)
    assert plan.price == ("h100-nebius",)
    assert (
        "h100-nebius" not in plan.reuse_result and len(plan.reuse_result) == len(ids_of(base)) - 1
    )


def ids_of(project: Project) -> tuple[str, ...]:
    return tuple(o.id for o in project.options)


def test_scoring_weights_reuse_every_result(
    base: Project, catalogue: Catalogue, calibration: Calibration
) -> None:
    recomputer = Recomputer(catalogue, calibration)
    before = recomputer.update(base)
    edited = _criteria(5.0)(base, catalogue, "")
    plan = recomputer.plan(edited)
    assert plan.kind == "none" and plan.reuse_result == ids_of(base)
    after = recomputer.update(edited)
    assert all(a is b for a, b in zip(after.options, before.options, strict=True))


def test_workload_edits_resweep_every_option_and_a_drag_back_none(
    base: Project, catalogue: Catalogue, calibration: Calibration
) -> None:
    recomputer = Recomputer(catalogue, calibration)
    recomputer.update(base)
    longer = edits.set_field(base, "workload.isl_tokens", 3000)
    assert recomputer.plan(longer).sweep == ids_of(base)
    recomputer.update(longer)
    assert recomputer.plan(base).sweep == ()  # back to a length seen before: cached


def test_an_option_serving_edit_resweeps_that_option_only(
    base: Project, catalogue: Catalogue, calibration: Calibration
) -> None:
    recomputer = Recomputer(catalogue, calibration)
    recomputer.update(base)
    own = edits.set_option_serving(base, "gb300-owner", "kv_aware_routing", False)
    assert recomputer.plan(own).sweep == ("gb300-owner",)
    shared = edits.set_field(base, "serving.kv_aware_routing", True)
    uses_project_serving = tuple(o.id for o in base.options if o.serving is None)
    assert recomputer.plan(shared).sweep == uses_project_serving


def test_waterfall_variants_only_for_the_selected_option_when_asked(
    base: Project, catalogue: Catalogue, calibration: Calibration
) -> None:
    recomputer = Recomputer(catalogue, calibration)
    hidden = recomputer.update(base, "gb300-owner", want_variants=False)
    assert all(o.waterfall == () for o in hidden.options)
    plan = recomputer.plan(base, "gb300-owner", want_variants=True)
    assert plan.sweep == ("gb300-owner",) and plan.variants_for == "gb300-owner"
    shown = recomputer.update(base, "gb300-owner", want_variants=True)
    full = evaluate(base, base.effective_catalogue(catalogue), calibration)
    assert len(full.by_id("gb300-owner").waterfall) > 2  # NVFP4, MTP, disaggregation …
    assert_same(shown.by_id("gb300-owner").waterfall, full.by_id("gb300-owner").waterfall)
    assert [o.option_id for o in shown.options if o.waterfall] == ["gb300-owner"]


def test_an_option_swept_alone_equals_it_swept_with_others(
    base: Project, catalogue: Catalogue, calibration: Calibration
) -> None:
    """What the sweep cache relies on: nothing in one option's sweep depends on the others."""
    cat = base.effective_catalogue(catalogue)
    together = sweep_stage(base, cat, base.options, calibration, [True] * len(base.options))
    for option, swept in zip(base.options, together, strict=True):
        (alone,) = sweep_stage(base, cat, [option], calibration, [True])
        assert not isinstance(alone, str) and not isinstance(swept, str)
        assert_same(alone.points, swept.points, option.id)
        assert_same(alone.frontier, swept.frontier, option.id)
        assert_same(alone.anchored, swept.anchored, option.id)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(
            st.floats(0.1, 50.0),
            st.floats(-0.6, 0.0),
            st.floats(0.0, 0.6),
            st.sampled_from(["a", "b", "c"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=6,
    ),
    st.lists(st.floats(0.1, 50.0), min_size=6, max_size=6),
)
def test_kept_winner_draws_equal_a_fresh_monte_carlo(
    rows: list[tuple[float, float, float, str, bool]], second: list[float]
) -> None:
    """WinnerOdds reuses the draws across calls — new costs, then one option's band
    widened, then one option moved to another cluster: the same floats as
    ``uncertainty.p_winner_cheapest`` every time."""
    odds = WinnerOdds(draws=2_000)
    bands = [(lo, hi) for _, lo, hi, _, _ in rows]
    names = [n for *_, n, _ in rows]
    widened = [(lo - 0.1, hi) if i == 0 else (lo, hi) for i, (lo, hi) in enumerate(bands)]
    moved = ["d", *names[1:]]
    for costs, band, name in (
        ([r[0] for r in rows], bands, names),
        (second[: len(rows)], bands, names),
        (second[: len(rows)], widened, names),
        (second[: len(rows)], widened, moved),
    ):
        costs = [c if feasible else math.inf for c, (*_, feasible) in zip(costs, rows, strict=True)]
        fresh = uncertainty.p_winner_cheapest(costs, band, name, draws=2_000)
        assert odds.probability(costs, band, name) == fresh


def test_option_frontiers_equal_each_groups_own_frontier(
    base: Project, catalogue: Catalogue, calibration: Calibration
) -> None:
    """The one-pass curves equal ``operating.frontiers`` run on each group alone, including
    a group with no feasible point (an 80 GB GPU that cannot hold the model at FP16)."""
    from tokentco.engine.estimator import sweep
    from tokentco.engine.operating import frontiers
    from tokentco.engine.stages import option_frontiers
    from tokentco.engine.terms import case_row, model_terms, stack_cases

    model = catalogue.models[base.model_id]
    rows = []
    for accelerator_id, gpus in (("h200-sxm", 8), ("h100-sxm", 1), ("b200", 8), ("mi300x", 4)):
        accelerator = catalogue.accelerators[accelerator_id]
        serving = base.serving
        eff = calibration.lookup(accelerator.id, serving.compute_precision)
        for tp in (1, 2, 4, 8):
            if tp <= gpus:
                layout = (gpus, tp, gpus, 1)
                rows.append(case_row(accelerator, serving, base.workload, layout, eff))
    grid = sweep(stack_cases(rows), model_terms(model), np.geomspace(1.0, 1024.0, 64))
    groups = [slice(0, 4), slice(4, 5), slice(5, 9), slice(9, 12), slice(2, 7)]
    assert not grid.feasible[4].any() and grid.feasible[0:4].any()
    for rows_, curve in zip(groups, option_frontiers(grid, groups), strict=True):
        (alone,) = frontiers(grid, [rows_])
        assert_same(curve, alone, str(rows_))


def test_a_new_calibration_recomputes_everything(
    base: Project, catalogue: Catalogue, calibration: Calibration
) -> None:
    from tokentco.engine.calibration import DEFAULT_CALIBRATION

    recomputer = Recomputer(catalogue, calibration)
    recomputer.update(base)
    recomputer.calibration = DEFAULT_CALIBRATION
    assert recomputer.plan(base).sweep == ids_of(base)
    fresh = evaluate(base, base.effective_catalogue(catalogue), DEFAULT_CALIBRATION)
    assert_same(recomputer.update(base), expected(fresh, "", False))


def test_another_model_resweeps_every_option_even_without_measurements(
    base: Project, catalogue: Catalogue, calibration: Calibration
) -> None:
    """The model is in the sweep key itself, not only through its measurements."""
    plain = base
    for option in base.options:
        plain = edits.set_option_field(plain, option.id, "use_measured", False)
    recomputer = Recomputer(catalogue, calibration)
    recomputer.update(plain)
    other = edits.set_field(plain, "model_id", "llama-3.3-70b")
    assert recomputer.plan(other).sweep == ids_of(plain)
    fresh = evaluate(other, other.effective_catalogue(catalogue), calibration)
    assert_same(recomputer.update(other), expected(fresh, "", False))


def test_the_tornado_is_recomputed_only_when_its_option_changed(
    base: Project, catalogue: Catalogue, calibration: Calibration
) -> None:
    from tokentco.engine.sensitivity import tornado

    cache = TornadoCache(catalogue, calibration)
    cat = base.effective_catalogue(catalogue)
    bars = cache.bars(base, "h100-nebius")
    assert bars == tornado(base, cat, "h100-nebius", calibration=calibration)
    other = _price(9.0)(base, cat, "b200-nebius")  # another option's price
    again = cache.bars(_criteria(1.0)(other, cat, ""), "h100-nebius")
    assert all(a is b for a, b in zip(again, bars, strict=True))  # kept, not recomputed
    mine = edits.set_option_serving(other, "h100-nebius", "utilization", 0.5)
    moved = cache.bars(mine, "h100-nebius")
    assert moved == tornado(
        mine, mine.effective_catalogue(catalogue), "h100-nebius", calibration=calibration
    )
    assert moved != bars

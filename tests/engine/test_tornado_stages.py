"""``sensitivity.tornado`` computes its ends from the evaluation's stages (one estimator
call, money-only ends priced from the option's own sweep); every bar must equal, float for
float, what the definition gives: ``evaluate()`` of a project holding only that end's copy
of the option (or the option at the moved workload), pinned to the base's anchoring."""

import math
from collections.abc import Mapping

import pytest

from tokentco.domain import Catalogue, Offer, OwnedCost, PricingModel, Project
from tokentco.domain.catalogue import Provenance
from tokentco.engine.evaluate import anchoring_of, evaluate
from tokentco.engine.sensitivity import (
    _WORKLOAD_FIELD,
    TornadoBar,
    _option_inputs,
    _workload_inputs,
    tornado,
)
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.calibration_file import load_calibration
from tokentco.io.defaults import default_project


def reference(
    project: Project, catalogue: Catalogue, option_id: str, fraction: float
) -> dict[str, tuple[float, float, float, float, float]]:
    """Each bar's (low value, high value, $/Mtok low, $/Mtok high, base) by the definition:
    one ``evaluate()`` per end."""
    cal = load_calibration()
    option = project.option(option_id)
    offer = catalogue.offers[option.offer_id]
    alone = project.model_copy(update={"options": (option,)})
    first = evaluate(alone, catalogue, cal).options[0]
    pinned = anchoring_of(first)
    serving = project.serving_for(option)
    out = {}
    for key, _, _, read, edit in _option_inputs(serving, offer):
        ends = []
        for side, k in (("lo", 1 - fraction), ("hi", 1 + fraction)):
            new_serving, new_offer = edit(option, serving, offer, k)
            cat = catalogue
            if new_offer is not offer:
                new_offer = new_offer.model_copy(update={"id": f"{offer.id}~ref~{side}"})
                cat = catalogue.merged("offers", [new_offer], [Provenance(origin="user")])
            copy = option.model_copy(
                update={"id": f"{option.id}~{side}", "serving": new_serving,
                        "offer_id": new_offer.id}
            )  # fmt: skip
            moved = project.model_copy(update={"options": (copy,)})
            cost = evaluate(moved, cat, cal, pinned={copy.id: pinned}).options[0].usd_per_mtok
            ends.append((read(new_serving, new_offer), cost))
        out[key] = (ends[0][0], ends[1][0], ends[0][1], ends[1][1], first.usd_per_mtok)
    for key, _, _, _, wedit in _workload_inputs(project.workload):
        ends = []
        for k in (1 - fraction, 1 + fraction):
            workload = wedit(project.workload, k)
            moved = alone.model_copy(update={"workload": workload})
            end = evaluate(moved, catalogue, cal, pinned={option.id: pinned}).options[0]
            ends.append((float(getattr(workload, _WORKLOAD_FIELD[key])), end.usd_per_mtok))
        out[key] = (ends[0][0], ends[1][0], ends[0][1], ends[1][1], first.usd_per_mtok)
    return out


def same(bars: list[TornadoBar], expected: Mapping[str, tuple[float, ...]]) -> None:
    assert {b.key for b in bars} == set(expected)
    for bar in bars:
        got = (bar.low_value, bar.high_value, bar.usd_per_mtok_low, bar.usd_per_mtok_high,
               bar.base_usd_per_mtok)  # fmt: skip
        want = expected[bar.key]
        assert all(
            (math.isnan(a) and math.isnan(b)) or a == b for a, b in zip(got, want, strict=True)
        ), (bar.key, got, want)


def _projects() -> list[tuple[str, Project, Catalogue]]:
    catalogue = bundled_catalogue()
    base = default_project(catalogue)
    owned = Offer(
        id="own-h200",
        accelerator_id="h200-sxm",
        pricing_model=PricingModel.OWNED,
        owned=OwnedCost(
            capex_per_gpu=30000, usd_per_kwh=0.1, pue=1.4, opex_per_gpu_year=1500,
            cost_of_capital=0.08,
        ),
    )  # fmt: skip
    with_owned = catalogue.merged("offers", [owned], [Provenance(origin="user")])
    spec = base.serving.model_copy(
        update={"speculative": base.serving.speculative.model_copy(update={"enabled": True})}
    )
    loads = base.workload.model_copy(update={"prefix_hit_rate": 0.3, "isl_tokens": 4096})
    own_option = base.options[0].model_copy(update={"offer_id": "own-h200"})
    unanchored = tuple(o.model_copy(update={"use_measured": False}) for o in base.options)
    return [
        ("default", base, catalogue),
        ("speculative", base.model_copy(update={"serving": spec}), catalogue),
        ("prefix hits, long input", base.model_copy(update={"workload": loads}), catalogue),
        ("owned with cost of capital", base.model_copy(update={"options": (own_option,)}),
         with_owned),
        ("no measurements", base.model_copy(update={"options": unanchored}), catalogue),
        ("llama, no targets", base.model_copy(update={
            "model_id": "llama-3.3-70b",
            "workload": base.workload.model_copy(
                update={"max_ttft_ms": None, "min_tokens_per_s_per_user": None}
            ),
        }), catalogue),
    ]  # fmt: skip


CASES = _projects()


@pytest.mark.parametrize("name,project,catalogue", CASES, ids=[c[0] for c in CASES])
def test_every_bar_equals_its_ends_evaluated_one_by_one(
    name: str, project: Project, catalogue: Catalogue
) -> None:
    for option in project.options:
        bars = tornado(project, catalogue, option.id, 0.2, load_calibration())
        same(bars, reference(project, catalogue, option.id, 0.2))


def test_an_option_on_unknown_hardware_has_infinite_ends() -> None:
    catalogue = bundled_catalogue()
    base = default_project(catalogue)
    lost = base.options[2].model_copy(update={"accelerator_id": "no-such-gpu"})
    project = base.model_copy(update={"options": (lost,)})
    bars = tornado(project, catalogue, lost.id)
    same(bars, reference(project, catalogue, lost.id, 0.2))
    assert all(math.isinf(b.usd_per_mtok_low) for b in bars)

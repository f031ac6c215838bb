"""Tornado bars: each end is evaluate() on the project with one input moved."""

import math

import pytest

from tokentco.domain import Offer, OwnedCost, PricingModel
from tokentco.domain.catalogue import Provenance
from tokentco.engine.evaluate import anchoring_of, evaluate
from tokentco.engine.sensitivity import tornado
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.defaults import default_project


def test_tornado_rental_option_matches_direct_evaluation() -> None:
    catalogue = bundled_catalogue()
    project = default_project(catalogue)
    option = project.options[0]
    bars = tornado(project, catalogue, option.id, fraction=0.2)
    keys = [b.key for b in bars]
    assert {"utilization", "price", "isl", "osl"} <= set(keys)
    assert "pue" not in keys  # a rented GPU-hour has no PUE input
    swings = [b.swing for b in bars]
    assert swings == sorted(swings, reverse=True)
    util = next(b for b in bars if b.key == "utilization")
    # idle hours are paid for: $/Mtok ∝ 1 / utilization
    assert util.usd_per_mtok_low == pytest.approx(util.base_usd_per_mtok / 0.8)
    assert util.usd_per_mtok_high == pytest.approx(util.base_usd_per_mtok / 1.2)
    osl = next(b for b in bars if b.key == "osl")
    moved = project.model_copy(
        update={
            "workload": project.workload.model_copy(update={"osl_tokens": int(osl.high_value)}),
            "options": (option,),
        }
    )
    # the moved end keeps the base's anchoring (issue 11: a bar never switches basis)
    base = evaluate(project.model_copy(update={"options": (option,)}), catalogue).options[0]
    pinned = {option.id: anchoring_of(base)}
    assert osl.usd_per_mtok_high == pytest.approx(
        evaluate(moved, catalogue, pinned=pinned).options[0].usd_per_mtok
    )


def test_tornado_owned_option_has_energy_inputs() -> None:
    catalogue = bundled_catalogue()
    offer = Offer(
        id="own-h200",
        accelerator_id="h200-sxm",
        pricing_model=PricingModel.OWNED,
        owned=OwnedCost(capex_per_gpu=30000, usd_per_kwh=0.1, pue=1.4, opex_per_gpu_year=1500),
    )
    catalogue = catalogue.merged("offers", [offer], [Provenance(origin="user")])
    project = default_project(catalogue)
    project = project.model_copy(
        update={"options": (project.options[0].model_copy(update={"offer_id": "own-h200"}),)}
    )
    bars = {b.key: b for b in tornado(project, catalogue, project.options[0].id, 0.1)}
    assert {"capex", "usd_per_kwh", "pue", "depreciation_years", "opex"} <= set(bars)
    assert bars["capex"].usd_per_mtok_high > bars["capex"].base_usd_per_mtok
    assert bars["pue"].high_value == pytest.approx(1.54)
    assert bars["usd_per_kwh"].usd_per_mtok_high > bars["usd_per_kwh"].usd_per_mtok_low
    assert all(math.isfinite(b.base_usd_per_mtok) for b in bars.values())


def test_tornado_rejects_bad_fraction() -> None:
    catalogue = bundled_catalogue()
    project = default_project(catalogue)
    with pytest.raises(ValueError, match="fraction"):
        tornado(project, catalogue, project.options[0].id, fraction=1.5)

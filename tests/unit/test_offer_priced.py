"""Offer's pricing check: each pricing model needs its price or its owned costs."""

import pytest
from pydantic import ValidationError

from tokentco.domain import Offer, OwnedCost
from tokentco.domain.money import PricingModel

OWNED = OwnedCost(capex_per_gpu=25_000)


def _message(**fields: object) -> str:
    with pytest.raises(ValidationError) as caught:
        Offer(id="o-1", accelerator_id="h100-sxm", **fields)
    (error,) = caught.value.errors()
    return str(error["msg"])


@pytest.mark.parametrize("model", [m for m in PricingModel if m is not PricingModel.OWNED])
def test_a_rented_offer_needs_a_price_and_says_its_pricing_model(model):
    assert _message(pricing_model=model) == (
        f"Value error, offer 'o-1': {model} needs a price per GPU-hour"
    )
    assert _message(pricing_model=model, owned=OWNED) == (
        f"Value error, offer 'o-1': {model} needs a price per GPU-hour"
    )
    offer = Offer(id="o-1", accelerator_id="h100-sxm", pricing_model=model, price_per_gpu_hour=2)
    assert offer.pricing_model is model and offer.price_per_gpu_hour == 2


def test_an_owned_offer_needs_its_costs_not_a_price():
    assert _message(pricing_model="owned") == (
        "Value error, offer 'o-1': owned pricing needs capex, life, power and PUE"
    )
    assert _message(pricing_model="owned", price_per_gpu_hour=2) == (
        "Value error, offer 'o-1': owned pricing needs capex, life, power and PUE"
    )
    offer = Offer(id="o-1", accelerator_id="h100-sxm", pricing_model="owned", owned=OWNED)
    assert offer.owned == OWNED and offer.price_per_gpu_hour is None


def test_the_default_pricing_model_needs_a_price():
    assert _message() == "Value error, offer 'o-1': on_demand needs a price per GPU-hour"

"""No silent defaults: every assumed input is listed with the figure it feeds."""

from tokentco.domain import (
    Accelerator,
    Catalogue,
    ComparisonOption,
    Offer,
    OwnedCost,
    PricingModel,
    Project,
)
from tokentco.domain.catalogue import Provenance
from tokentco.engine.evaluate import evaluate
from tokentco.io.calibration_file import load_calibration


def _fields(catalogue: Catalogue, accelerator: Accelerator, offer: Offer) -> dict[str, str]:
    cat = catalogue.merged("accelerators", [accelerator], [Provenance(origin="user")])
    cat = cat.merged("offers", [offer], [Provenance(origin="user")])
    option = ComparisonOption(id="x", accelerator_id=accelerator.id, offer_id=offer.id)
    result = evaluate(
        Project(model_id="llama-3.3-70b", options=(option,)), cat, load_calibration()
    ).options[0]
    assert result.point.feasible, result.point.reason
    return {a.field: a.value for a in result.assumptions if a.how_to_set}


def test_imported_hardware_without_interconnect_is_flagged(catalogue: Catalogue) -> None:
    bare = Accelerator(
        id="imported-gpu",
        vendor="NVIDIA",
        memory_gb=141,
        memory_bw_tb_s=4.8,
        fp16_dense_tflops=989,
        fp8_dense_tflops=1979,
        tdp_w=700,
    )
    rented = Offer(id="imported-od", accelerator_id="imported-gpu", price_per_gpu_hour=3.0)
    found = _fields(catalogue, bare, rented)
    assert found["scale_up_gpus"] == "8 GPUs per scale-up (NVLink/Infinity Fabric) domain"
    assert "64 GB/s" in found["scale_up_bw_gb_s_per_gpu"]
    assert "1.5 × TDP 700 W" in found["watts_per_gpu_all_in"]
    assert found["pue"] == "PUE 1.3 for rented capacity"
    stated = bare.model_copy(update={"scaleup_domain_gpus": 72, "scaleup_bw_gb_s_per_gpu": 900.0})
    stated = Accelerator(**stated.model_dump())  # every field given, as a full import row
    found = _fields(catalogue, stated, rented)
    assert "scale_up_gpus" not in found and "scale_up_bw_gb_s_per_gpu" not in found


def test_placeholder_owned_costs_are_flagged(catalogue: Catalogue) -> None:
    h200 = catalogue.accelerators["h200-sxm"]
    owned = Offer(
        id="own",
        accelerator_id="h200-sxm",
        pricing_model=PricingModel.OWNED,
        owned=OwnedCost(capex_per_gpu=35_000),
    )
    found = _fields(catalogue, h200, owned)
    assert found["capex_per_gpu"] == "35,000 USD capex per GPU (no source given)"
    assert found["opex_per_gpu_year"] == "0 USD opex per GPU-year"
    assert {"depreciation_years", "cost_of_capital", "usd_per_kwh", "pue"} <= set(found)
    quoted = owned.model_copy(
        update={
            "source": "vendor quote 2026-11",
            "owned": OwnedCost(
                capex_per_gpu=31_000,
                opex_per_gpu_year=2_000,
                depreciation_years=4,
                cost_of_capital=0.09,
                usd_per_kwh=0.07,
                pue=1.25,
            ),
        }
    )
    found = _fields(catalogue, h200, quoted)
    assert not {"capex_per_gpu", "opex_per_gpu_year", "pue", "usd_per_kwh"} & set(found)

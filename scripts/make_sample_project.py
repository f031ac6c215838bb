"""Write samples/deepseek-r1-owned-vs-rented.tokentco: the default comparison plus an owned
GB300 NVL72 rack priced from public (secondary) figures, so every cost view has data."""

from datetime import UTC, datetime
from pathlib import Path

from tokentco.domain import (
    Catalogue,
    ComparisonOption,
    LockInRubric,
    Offer,
    OwnedCost,
    PricingModel,
    Provenance,
)
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.defaults import MLPERF_R1_FP4, default_project
from tokentco.io.project_file import save_project

OUT = Path(__file__).resolve().parents[1] / "samples" / "deepseek-r1-owned-vs-rented.tokentco"

OWNED_GB300 = Offer(
    id="owned-gb300-nvl72",
    accelerator_id="gb300",
    provider="Own data centre (illustrative)",
    pricing_model=PricingModel.OWNED,
    owned=OwnedCost(
        capex_per_gpu=43_000,
        depreciation_years=5,
        cost_of_capital=0.08,
        pue=1.2,
        usd_per_kwh=0.08,
        opex_per_gpu_year=3_500,
    ),
    system_id="gb300-nvl72",
    lead_time_weeks=30,
    source="Illustrative: GB300 NVL72 rack ≈ $3.1M (public secondary estimate, see "
    "resources/catalogue/SOURCES.md) ÷ 72 GPUs; 8 % cost of capital, 5-year life, "
    "$0.08/kWh, PUE 1.2, 8 % of capex per year opex. Replace with your vendor's quote.",
)


def main() -> None:
    catalogue = bundled_catalogue()
    project = default_project(catalogue)
    gb300 = project.option("gb300-owner")
    owned = ComparisonOption(
        id="gb300-owned",
        label="GB300 NVL72 (bought, NVFP4+MTP)",
        accelerator_id="gb300",
        offer_id=OWNED_GB300.id,
        system_id="gb300-nvl72",
        serving=gb300.serving,
        lock_in=LockInRubric(software=3, interconnect=5, supply=4, contract=4),
        accuracy_validated=True,
        accuracy_evidence=MLPERF_R1_FP4,
        lead_time_weeks=30,
    )
    where = Provenance(
        origin="user",
        file="scripts/make_sample_project.py",
        imported_at=datetime(2026, 11, 25, tzinfo=UTC),
    )
    imported = Catalogue().merged("offers", [OWNED_GB300], [where])
    project = project.model_copy(
        update={
            "name": "DeepSeek-R1: owned vs rented (sample)",
            "options": (*project.options, owned),
            "imported": imported,
        }
    )
    save_project(project, OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

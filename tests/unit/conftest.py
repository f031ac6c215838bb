"""Unit-test fixtures: a hand-checkable catalogue for mix and capacity-plan golden cases.

Its throughputs are measurements (exact matches beat estimates), so every figure a test
expects can be worked by hand from the numbers written here.
"""

import pytest

from tokentco.domain import (
    Catalogue,
    ComparisonOption,
    Demand,
    MeasuredPoint,
    Offer,
    PricingModel,
    Project,
    ServingOptions,
    Workload,
    WorkloadClass,
)
from tokentco.domain.catalogue import Provenance

GOLDEN_GPU = "golden-gpu"
GOLDEN_MODEL = "llama-3.1-8b"


def _measured(
    point_id: str, isl: int, osl: int, tps: float, user: float | None, ttft: float
) -> MeasuredPoint:
    return MeasuredPoint(
        id=point_id,
        hardware_id=GOLDEN_GPU,
        model_id=GOLDEN_MODEL,
        precision="fp8",
        isl_tokens=isl,
        osl_tokens=osl,
        output_tokens_per_s_per_gpu=tps,
        tokens_per_s_per_user=user,
        ttft_ms=ttft,
        source="hand-made golden point",
    )


@pytest.fixture()
def golden_project(catalogue: Catalogue) -> Project:
    """One GPU type with a $2/GPU-h reservation and a $5/GPU-h on-demand offer; chat
    (1000 in / 500 out) measured at 1000 tok/s/GPU at its 20 tok/s/user target; batch
    (4000/1000) at 3000 tok/s/GPU with no target, or 1500 tok/s/GPU at 20 tok/s/user;
    utilization 0.5."""
    gpu = catalogue.accelerators["h100-sxm"].model_copy(update={"id": GOLDEN_GPU, "name": "Golden"})
    offers = [
        Offer(
            id="golden-reserved",
            accelerator_id=GOLDEN_GPU,
            provider="Gold",
            pricing_model=PricingModel.RESERVED_1Y,
            price_per_gpu_hour=2.0,
        ),
        Offer(
            id="golden-od",
            accelerator_id=GOLDEN_GPU,
            provider="Gold",
            pricing_model=PricingModel.ON_DEMAND,
            price_per_gpu_hour=5.0,
        ),
    ]
    measured = [
        _measured("golden-chat", 1000, 500, 1000.0, 20.0, 300.0),
        _measured("golden-batch-fast", 4000, 1000, 3000.0, None, 5000.0),
        _measured("golden-batch-strict", 4000, 1000, 1500.0, 20.0, 800.0),
    ]
    imported = Catalogue()
    for kind, rows in (("accelerators", [gpu]), ("offers", offers), ("measured", measured)):
        imported = imported.merged(kind, rows, [Provenance(origin="user")] * len(rows))  # type: ignore[arg-type]
    options = tuple(
        ComparisonOption(id=o.id, label=o.id, accelerator_id=GOLDEN_GPU, offer_id=o.id)
        for o in offers
    )
    return Project(
        name="golden",
        model_id=GOLDEN_MODEL,
        workload=Workload(
            isl_tokens=1000, osl_tokens=500, max_ttft_ms=1000.0, min_tokens_per_s_per_user=20.0
        ),
        serving=ServingOptions(utilization=0.5),
        demand=Demand(),
        options=options,
        imported=imported,
    )


@pytest.fixture()
def golden_classes() -> tuple[WorkloadClass, WorkloadClass]:
    """Chat (75% of output tokens, 20 tok/s/user, TTFT 1 s) and batch (25%, no target)."""
    chat = WorkloadClass(
        name="chat",
        share=0.75,
        isl_tokens=1000,
        osl_tokens=500,
        max_ttft_ms=1000.0,
        min_tokens_per_s_per_user=20.0,
    )
    batch = WorkloadClass(name="batch", share=0.25, isl_tokens=4000, osl_tokens=1000)
    return chat, batch

"""The project the app opens on: a DeepSeek-R1 comparison an analyst recognises at once."""

from tokentco.domain import (
    Catalogue,
    ComparisonOption,
    Demand,
    LockInRubric,
    Precision,
    Project,
    ServingOptions,
    SpeculativeDecoding,
    Workload,
)

MLPERF_R1_FP4 = (
    "MLPerf Inference v5.1 closed division, DeepSeek-R1 NVFP4 on B200 (closed division "
    "results must reach 99 % of the reference accuracy)"
)

_NVFP4_MTP = ServingOptions(
    weight_precision=Precision.FP4,
    compute_precision=Precision.FP4,
    kv_precision=Precision.FP8,
    speculative=SpeculativeDecoding(enabled=True, draft_tokens=3, acceptance_rate=0.7),
    disaggregated=True,
    kv_aware_routing=True,
    engine_family="trtllm",
)

_OPTIONS = (
    ComparisonOption(
        id="h200-owner",
        label="HGX H200 (owner cost)",
        accelerator_id="h200-sxm",
        offer_id="semianalysis-hgx-h200",
        system_id="dgx-h200",
        lock_in=LockInRubric(software=3, interconnect=3, supply=2, contract=2),
        accuracy_validated=True,
        accuracy_evidence="FP8 DeepSeek-R1 is the model's native training precision",
        lead_time_weeks=12,
    ),
    ComparisonOption(
        id="gb300-owner",
        label="GB300 NVL72 (owner cost, NVFP4+MTP)",
        accelerator_id="gb300",
        offer_id="semianalysis-gb300-nvl72",
        system_id="gb300-nvl72",
        serving=_NVFP4_MTP,
        lock_in=LockInRubric(software=3, interconnect=5, supply=4, contract=3),
        accuracy_validated=True,
        accuracy_evidence=MLPERF_R1_FP4,
        lead_time_weeks=26,
    ),
    ComparisonOption(
        id="b200-nebius",
        label="B200 on demand (Nebius)",
        accelerator_id="b200",
        offer_id="nebius-b200-od-usc1",
        lock_in=LockInRubric(software=3, interconnect=3, supply=2, contract=1),
        accuracy_validated=True,
        accuracy_evidence="FP8 is DeepSeek-R1's native precision",
        lead_time_weeks=2,
    ),
    ComparisonOption(
        id="h100-nebius",
        label="H100 on demand (Nebius)",
        accelerator_id="h100-sxm",
        offer_id="nebius-h100-od-eun1",
        lock_in=LockInRubric(software=3, interconnect=3, supply=1, contract=1),
        accuracy_validated=True,
        accuracy_evidence="FP8 is DeepSeek-R1's native precision",
        lead_time_weeks=1,
    ),
    ComparisonOption(
        id="mi300x-oci",
        label="MI300X on demand (Oracle OCI)",
        accelerator_id="mi300x",
        offer_id="oci-mi300x-bm8-od",
        lock_in=LockInRubric(software=2, interconnect=3, supply=3, contract=2),
        accuracy_validated=True,
        accuracy_evidence="FP8 is DeepSeek-R1's native precision",
        lead_time_weeks=4,
    ),
)


def default_project(catalogue: Catalogue) -> Project:
    """DeepSeek-R1, chat-like 1k/1k workload at ≥ 20 tokens/s/user, five options.

    Options whose hardware or offer is missing from ``catalogue`` are left out, so an
    edited catalogue never produces a broken start screen.
    """
    options = tuple(
        o
        for o in _OPTIONS
        if o.accelerator_id in catalogue.accelerators and o.offer_id in catalogue.offers
    )
    return Project(
        name="DeepSeek-R1 inference: owned vs rented",
        model_id="deepseek-r1",
        workload=Workload(
            isl_tokens=1024, osl_tokens=1024, max_ttft_ms=2000, min_tokens_per_s_per_user=20
        ),
        serving=ServingOptions(engine_family="trtllm"),
        demand=Demand(tokens_per_day=20e9, peak_to_average=2.0, term_years=3),
        options=options,
        notes="Lock-in rubric scores and lead times are illustrative analyst inputs: edit them.",
    )

"""Display names of every enum and code a deliverable shows: never ``owner_cost`` or
``on_demand`` in front of a committee.

Each mapping covers every member of its enum (the tests check it), so a new member
cannot reach a page as a raw code; ``display(value)`` words any known enum member and
falls back to a readable form of an unknown code (``some_code`` → "some code").
"""

from collections.abc import Mapping
from enum import Enum
from typing import Any

from tokentco.domain.model_spec import AttentionKind
from tokentco.domain.money import PricingModel
from tokentco.domain.precision import Precision
from tokentco.domain.scorecard import Direction, ScoringRule
from tokentco.domain.workload import TokenBasis
from tokentco.engine.results import Binding, Infeasible

PRICING_MODEL: dict[PricingModel, str] = {
    PricingModel.ON_DEMAND: "on demand",
    PricingModel.SPOT: "spot",
    PricingModel.RESERVED_1Y: "reserved, 1 year",
    PricingModel.RESERVED_3Y: "reserved, 3 years",
    PricingModel.CAPACITY_BLOCK: "capacity block",
    PricingModel.OWNER_COST: "owner cost",
    PricingModel.OWNED: "owned",
}

PRICING_MODEL_SHORT: dict[PricingModel, str] = {
    PricingModel.ON_DEMAND: "on demand",
    PricingModel.SPOT: "spot",
    PricingModel.RESERVED_1Y: "1-yr",
    PricingModel.RESERVED_3Y: "3-yr",
    PricingModel.CAPACITY_BLOCK: "block",
    PricingModel.OWNER_COST: "owner",
    PricingModel.OWNED: "owned",
}
"""Term names short enough for a chart label."""

PRECISION: dict[Precision, str] = {
    Precision.FP16: "FP16/BF16",
    Precision.FP8: "FP8",
    Precision.INT8: "INT8",
    Precision.FP4: "FP4 (NVFP4/MXFP4)",
}

TOKEN_BASIS: dict[TokenBasis, str] = {
    TokenBasis.OUTPUT: "output tokens",
    TokenBasis.TOTAL: "input + output tokens",
    TokenBasis.BLENDED: "blended (input tokens weighted)",
}

DIRECTION: dict[Direction, str] = {
    Direction.LOWER: "lower is better",
    Direction.HIGHER: "higher is better",
}

SCORING_RULE: dict[ScoringRule, str] = {
    ScoringRule.RATIO_TO_BEST: "ratio to best",
    ScoringRule.MIN_MAX: "min–max",
    ScoringRule.RUBRIC: "rubric 1–5",
}

ATTENTION: dict[AttentionKind, str] = {
    AttentionKind.MHA: "multi-head attention",
    AttentionKind.GQA: "grouped-query attention",
    AttentionKind.MLA: "multi-head latent attention",
}

BINDING: dict[Binding, str] = {member: member.label for member in Binding}

INFEASIBLE: dict[Infeasible, str] = {
    Infeasible.OK: "feasible",
    Infeasible.DOES_NOT_FIT: "the model does not fit in memory",
    Infeasible.CONTEXT_TOO_LONG: "the context is longer than the model allows",
    Infeasible.TTFT_TARGET: "misses the time-to-first-token target",
    Infeasible.INTERACTIVITY_TARGET: "misses the tokens/s/user target",
    Infeasible.LAYOUT: "no parallel layout fits the system",
}

PROVENANCE: dict[str, str] = {
    "measured": "measured",
    "anchored": "anchored to a measurement",
    "estimated": "estimated",
}
"""Basis of a throughput figure (``OperatingPoint.provenance``)."""

LOCK_IN_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "software",
        "Software portability",
        "Can the serving stack (vLLM, SGLang, TensorRT-LLM, Dynamo and others) and the "
        "model artefacts move to another vendor's hardware without rework?",
    ),
    (
        "interconnect",
        "Interconnect and system",
        "Is the scale-up fabric or rack design proprietary, supplied by one vendor only?",
    ),
    (
        "supply",
        "Supply",
        "How many independent suppliers or clouds offer this hardware?",
    ),
    (
        "contract",
        "Contract",
        "Minimum term, exit terms, egress and data-portability costs, price-change clauses.",
    ),
)
"""The vendor lock-in sub-questions: (field of ``LockInRubric``, name, question)."""

LOCK_IN_SCALE = (
    "1 = open standards, many suppliers, short terms; "
    "5 = single supplier, proprietary stack and fabric, long lock-in term."
)

ACCURACY_RUBRIC: tuple[tuple[int, str], ...] = (
    (1, "FP16/BF16 (reference)."),
    (
        2,
        "FP8 with published accuracy within 1 % of the reference for this model "
        "(e.g. MLPerf closed-division results must reach 99 % or 99.9 % of the reference).",
    ),
    (3, "FP8 without published validation for this model, or FP4 with published validation."),
    (4, "FP4 without validation for this model."),
    (5, "Lower than FP4, or a quantisation scheme the vendor will not disclose."),
)
"""The accuracy-risk rubric of the chosen precision (1 best … 5 worst)."""

FIELD: dict[str, str] = {
    "scale_up_gpus": "Scale-up domain",
    "scale_up_bw_gb_s_per_gpu": "Scale-up bandwidth per GPU",
    "scale_out_bw_gb_s_per_gpu": "Scale-out bandwidth per GPU",
    "capex_per_gpu": "Capex per GPU",
    "opex_per_gpu_year": "Opex per GPU-year",
    "depreciation_years": "Depreciation life",
    "cost_of_capital": "Cost of capital",
    "usd_per_kwh": "Power price",
    "pue": "PUE",
    "watts_per_gpu_all_in": "All-in power per GPU",
    "anchor_isl_tokens": "Input length of the anchoring measurement",
}
"""Names of the inputs the engine may assume (``Assumption.field``)."""

_TABLES: tuple[Mapping[Any, str], ...] = (
    PRICING_MODEL,
    PRECISION,
    TOKEN_BASIS,
    DIRECTION,
    SCORING_RULE,
    ATTENTION,
    BINDING,
    INFEASIBLE,
    FIELD,
)


def display(value: object) -> str:
    """The display name of an enum member or code: ``PricingModel.OWNER_COST`` and
    ``"owner_cost"`` both give "owner cost"; unknown codes lose their underscores."""
    for table in _TABLES:
        if value in table:
            return str(table[value])
    if isinstance(value, str) and value in PROVENANCE:
        return PROVENANCE[value]
    if isinstance(value, Enum):
        value = value.value
    text = str(value)
    for table in _TABLES:
        for member, name in table.items():
            if isinstance(member, Enum) and str(member.value) == text:
                return str(name)
    return text.replace("_", " ")


def pricing_model(value: PricingModel | str, *, short: bool = False) -> str:
    """Term of an offer: "reserved, 3 years" (or "3-yr" for charts)."""
    try:
        member = PricingModel(value)
    except ValueError:
        return str(value).replace("_", " ")
    return (PRICING_MODEL_SHORT if short else PRICING_MODEL)[member]

"""Serving features as toggles: the baseline, the cumulative steps of the $/Mtok waterfall,
and the accuracy-risk rubric of a precision choice."""

from collections.abc import Callable

from tokentco.domain import Precision, ServingOptions

Toggle = Callable[[ServingOptions], ServingOptions]


def _precision_off(s: ServingOptions) -> ServingOptions:
    return s.model_copy(
        update={
            "weight_precision": Precision.FP16,
            "compute_precision": Precision.FP16,
            "kv_precision": Precision.FP16,
        }
    )


def _spec_off(s: ServingOptions) -> ServingOptions:
    return s.model_copy(update={"speculative": s.speculative.model_copy(update={"enabled": False})})


def _disagg_off(s: ServingOptions) -> ServingOptions:
    return s.model_copy(update={"disaggregated": False})


def _routing_off(s: ServingOptions) -> ServingOptions:
    return s.model_copy(update={"kv_aware_routing": False})


def _offload_off(s: ServingOptions) -> ServingOptions:
    return s.model_copy(update={"kv_offload": s.kv_offload.model_copy(update={"enabled": False})})


FEATURES: tuple[tuple[str, Callable[[ServingOptions], bool], Toggle], ...] = (
    (
        "low precision",
        lambda s: (
            s.weight_precision is not Precision.FP16
            or s.compute_precision is not Precision.FP16
            or s.kv_precision is not Precision.FP16
        ),
        _precision_off,
    ),
    ("speculative decoding", lambda s: s.speculative.enabled, _spec_off),
    ("disaggregated serving", lambda s: s.disaggregated, _disagg_off),
    ("KV-aware routing", lambda s: s.kv_aware_routing, _routing_off),
    ("KV-cache offload", lambda s: s.kv_offload.enabled, _offload_off),
)


def waterfall_variants(serving: ServingOptions) -> list[tuple[str, ServingOptions]]:
    """Baseline (every feature off) then each enabled feature switched on in turn.

    The last variant always equals ``serving``, so the waterfall ends at the quoted $/Mtok.
    """
    enabled = [(name, off) for name, is_on, off in FEATURES if is_on(serving)]
    variants = []
    for step in range(len(enabled) + 1):
        current = serving
        for _, off in enabled[step:]:
            current = off(current)
        label = "baseline (FP16, no features)" if step == 0 else f"+ {enabled[step - 1][0]}"
        variants.append((label, current))
    return variants


def accuracy_risk(serving: ServingOptions, validated: bool) -> int:
    """Rubric 1 (reference) … 5 from the scorecard spec, by the riskiest stored precision."""
    risk = {Precision.FP16: 1, Precision.FP8: 3, Precision.INT8: 3, Precision.FP4: 4}
    worst = max(risk[serving.weight_precision], risk[serving.kv_precision])
    return worst - 1 if validated and worst > 1 else worst

"""Find a published measurement that answers an option directly (it beats an estimate)."""

from collections.abc import Iterable

from tokentco.domain import MeasuredPoint, ServingOptions, Workload

LENGTH_TOLERANCE = 0.25
"""ISL/OSL of a measurement may differ from the workload by this share and still count."""


def _close(measured: int | None, wanted: int) -> bool:
    return measured is not None and abs(measured - wanted) <= LENGTH_TOLERANCE * wanted


def _meets(point: MeasuredPoint, workload: Workload) -> bool:
    if workload.min_tokens_per_s_per_user is not None and (
        point.tokens_per_s_per_user is None
        or point.tokens_per_s_per_user < workload.min_tokens_per_s_per_user
    ):
        return False
    return not (
        workload.max_ttft_ms is not None
        and (point.ttft_ms is None or point.ttft_ms > workload.max_ttft_ms)
    )


def best_measured(
    points: Iterable[MeasuredPoint],
    hardware_id: str,
    model_id: str,
    serving: ServingOptions,
    workload: Workload,
) -> MeasuredPoint | None:
    """Highest-throughput measurement of this hardware, model and weight precision at the
    workload's lengths that also meets its latency targets; None when nothing matches."""
    matches = [
        p
        for p in points
        if p.hardware_id == hardware_id
        and p.model_id == model_id
        and p.precision is serving.weight_precision
        and _close(p.isl_tokens, workload.isl_tokens)
        and _close(p.osl_tokens, workload.osl_tokens)
        and p.spec_decoding == serving.speculative.enabled
        and _meets(p, workload)
    ]
    return max(matches, key=lambda p: p.output_tokens_per_s_per_gpu, default=None)

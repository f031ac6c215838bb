"""Legal parallel layouts (GPUs per replica, TP, EP, PP) to search for each option."""

from tokentco.domain import Accelerator, ModelSpec, ServingOptions

REPLICA_SIZES = (1, 2, 4, 8, 16, 32, 64)
MAX_TP = 8
"""Tensor parallelism beyond 8 is rarely worth its all-reduces; EP/DP scale further."""


def legal_layouts(
    model: ModelSpec, accelerator: Accelerator, serving: ServingOptions
) -> list[tuple[int, int, int, int]]:
    """Layouts worth evaluating; a pinned TP/EP in ``serving`` restricts the search to it.

    Dense models shard by TP inside a replica. MoE models spread experts over all GPUs of
    the replica (EP = replica size) and run attention either tensor-parallel or
    data-parallel (TP = 1, as DeepSeek-style deployments do for MLA).
    """
    if serving.tp is not None or serving.ep is not None:
        tp = serving.tp or 1
        ep = serving.ep or (tp if model.moe else 1)
        return [(max(tp, ep) * serving.pp, tp, ep, serving.pp)]
    sizes = set(REPLICA_SIZES)
    if accelerator.scaleup_domain_gpus > 8:
        sizes.add(min(accelerator.scaleup_domain_gpus, 72))
    layouts: set[tuple[int, int, int, int]] = set()
    for n in sorted(sizes):
        if not model.moe:
            if n <= MAX_TP:
                layouts.add((n, n, 1, 1))
            elif n <= 4 * MAX_TP and n % MAX_TP == 0:
                layouts.add((n, MAX_TP, 1, n // MAX_TP))  # pipeline across servers
            continue
        for tp in {1, min(n, MAX_TP)}:
            if n % tp == 0:
                layouts.add((n, tp, n, 1))
    # Cheap pre-filter: drop layouts that cannot even hold the weights (the step model
    # decides the rest); keep the largest so an infeasible option still gets its reason.
    routed = model.moe_layer_count * model.routed_expert_params_per_layer
    replicated = model.params_total - routed
    budget = accelerator.memory_bytes * 0.9 / serving.weight_precision.bytes_per_element
    fitting = [
        (n, tp, ep, pp)
        for n, tp, ep, pp in sorted(layouts)
        if (replicated / tp + routed / ep) / pp < budget
    ]
    return fitting or [max(layouts)]

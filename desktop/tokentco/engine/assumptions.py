"""Inputs the engine assumed rather than read, listed with each option's figures.

An input is *assumed* when the row it belongs to never stated it: pydantic records which
fields were given (``model_fields_set``), so a catalogue or imported accelerator without
interconnect columns, or an owned offer without opex, is detected without a flag of its
own. Each assumption names the value used and where the analyst sets it for real.
"""

from collections.abc import Iterable

from tokentco.domain import Accelerator, Offer, System
from tokentco.engine.economics import DEFAULT_WATTS_PER_TDP
from tokentco.engine.results import AnchorCandidate, Assumption

_ACCELERATOR = (
    (
        "scaleup_domain_gpus",
        "scale_up_gpus",
        "{:g} GPUs per scale-up (NVLink/Infinity Fabric) domain",
        "set the accelerator's scale-up domain, or import it with a 'GPUs per node/system' column",
    ),
    (
        "scaleup_bw_gb_s_per_gpu",
        "scale_up_bw_gb_s_per_gpu",
        "{:g} GB/s per GPU scale-up bandwidth",
        "set the accelerator's scale-up bandwidth (per direction) in the catalogue or import",
    ),
    (
        "scaleout_bw_gb_s_per_gpu",
        "scale_out_bw_gb_s_per_gpu",
        "{:g} GB/s per GPU scale-out bandwidth",
        "set the accelerator's scale-out (network) bandwidth in the catalogue or import",
    ),
)
_OWNED = (
    ("opex_per_gpu_year", "opex_per_gpu_year", "{:,.0f} {cur} opex per GPU-year"),
    ("depreciation_years", "depreciation_years", "{:g}-year depreciation"),
    ("cost_of_capital", "cost_of_capital", "{:.0%} cost of capital"),
    ("usd_per_kwh", "usd_per_kwh", "{:g} $/kWh power price"),
    ("pue", "pue", "PUE {:g}"),
)


def option_assumptions(
    accelerator: Accelerator,
    offer: Offer,
    system: System | None,
    watts_per_gpu: float | None,
    pue: float,
    anchors: Iterable[AnchorCandidate] = (),
) -> tuple[Assumption, ...]:
    """Every assumed input behind one option's figures (empty when all were read)."""
    out: list[Assumption] = []
    given = accelerator.model_fields_set
    for name, key, text, how in _ACCELERATOR:
        if name not in given:
            out.append(Assumption(key, text.format(getattr(accelerator, name)), how))
    owned = offer.owned
    if owned is not None:
        if not offer.source:
            out.append(
                Assumption(
                    "capex_per_gpu",
                    f"{owned.capex_per_gpu:,.0f} {offer.currency} capex per GPU (no source given)",
                    "enter the quoted purchase price per GPU (with its server share) and its "
                    "source on the offer",
                )
            )
        for name, key, text in _OWNED:
            if name not in owned.model_fields_set:
                value = text.format(getattr(owned, name), cur=offer.currency)
                out.append(Assumption(key, value, "set it on the owned offer"))
    if owned is None:
        out.append(
            Assumption(
                "pue",
                f"PUE {pue:g} for rented capacity",
                "only tokens per MW and kWh per Mtok use it; an owned offer carries its own",
            )
        )
    from_tdp = (
        watts_per_gpu is not None
        and not (owned is not None and owned.it_watts_per_gpu)
        and not (system is not None and system.watts_per_gpu is not None)
    )
    if from_tdp and watts_per_gpu is not None:
        out.append(
            Assumption(
                "watts_per_gpu_all_in",
                f"{watts_per_gpu:,.0f} W per GPU all-in ({DEFAULT_WATTS_PER_TDP:g} × TDP "
                f"{accelerator.tdp_w or 0:,.0f} W)",
                "set the system's power (kW) or the owned offer's IT watts per GPU",
            )
        )
    for anchor in anchors:
        if anchor.weight > 0 and anchor.assumed_lengths:
            out.append(
                Assumption(
                    "anchor_isl_tokens",
                    f"measurement {anchor.point_id}: input length taken as the dataset mean",
                    "the benchmark publishes no input length (MLPerf); quote a measurement "
                    "with its lengths to anchor on stated figures",
                )
            )
    return tuple(out)

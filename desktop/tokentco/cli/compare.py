"""``tokentco compare``: a $/Mtok table for a model across hardware and offers."""

import argparse
import csv
import math
import sys

from tokentco.domain import (
    Catalogue,
    ComparisonOption,
    Demand,
    KvOffload,
    Offer,
    Precision,
    PricingModel,
    Project,
    ServingOptions,
    SpeculativeDecoding,
    Workload,
)
from tokentco.engine.evaluate import evaluate
from tokentco.engine.results import OptionResult
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.errors import InputError
from tokentco.present import formats as fmt
from tokentco.present import names

from .common import calibration, csv_safe, format_table, resolve_id, split_ids

HELP = "compare $/Mtok, throughput, latency, energy and fleet size across options"

COLUMNS = (
    "option",
    "$/Mtok",
    "$/GPU-h",
    "tok/s/GPU",
    "basis",
    "tok/s/user",
    "TTFT ms",
    "tok/s/MW",
    "GPUs",
    "annual $",
    "features",
)
RANGE_COLUMNS = ("$/Mtok p10", "$/Mtok p90", "tok/s/GPU p10", "tok/s/GPU p90")
"""p10–p90 of the figures (measured: both equal the figure; empty when not known)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", required=True, help="model id, e.g. deepseek-r1")
    parser.add_argument("--hardware", help="comma-separated accelerator ids")
    parser.add_argument("--offer", help="comma-separated offer ids")
    parser.add_argument("--isl", type=int, default=1024, help="input tokens per request")
    parser.add_argument("--osl", type=int, default=1024, help="output tokens per request")
    parser.add_argument("--min-tok-s-per-user", type=float, help="interactivity target")
    parser.add_argument("--max-ttft-ms", type=float, help="time-to-first-token target")
    parser.add_argument(
        "--precision", default="fp8", help="fp16|bf16|fp8|int8|fp4 (weights+compute)"
    )
    parser.add_argument("--utilization", type=float, default=0.7, help="share of hours doing work")
    parser.add_argument(
        "--demand-tokens-per-day", type=float, help="output tokens per day to serve"
    )
    parser.add_argument("--prefix-hit", type=float, default=0.0, help="prefix-cache hit rate 0-1")
    parser.add_argument(
        "--spec-decoding", action="store_true", help="speculative decoding (k=3, α=0.7)"
    )
    parser.add_argument(
        "--disaggregated", action="store_true", help="separate prefill/decode pools"
    )
    parser.add_argument("--kv-aware-routing", action="store_true", help="route by cached prefix")
    parser.add_argument("--kv-offload", action="store_true", help="KV-cache tier in host memory")
    parser.add_argument(
        "--mix",
        metavar="MIX.csv",
        help="workload mix (class,share,isl,osl,min_tok_s_per_user,max_ttft_ms,prefix_hit; "
        "share of output tokens): $/Mtok becomes the blend",
    )
    parser.add_argument("--csv", action="store_true", help="print CSV instead of a table")


def run(args: argparse.Namespace) -> int:
    catalogue = bundled_catalogue()
    project = build_project(args, catalogue)
    notes: list[str] = []
    title = project.name
    if getattr(args, "mix", None):
        from .mix_view import mix_comparison

        comparison, notes, title = mix_comparison(project, catalogue, args.mix)
    else:
        comparison = evaluate(project, catalogue, calibration())
    if args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([*COLUMNS, "provenance", "source", "status", *RANGE_COLUMNS])
        for result in comparison.options:
            cells = [
                *_raw(result),
                result.point.provenance,
                result.point.source,
                result.point.reason or "ok",
                *_ranges(result),
            ]
            writer.writerow([csv_safe(cell) for cell in cells])  # labels may be imported text
        return 0
    print(
        f"{title}   (M = measured, A = anchored to a measurement, E = estimated; "
        + (
            "$/Mtok is the blend over the classes' output tokens, tok/s/user the slowest "
            "class's, TTFT the longest)"
            if notes
            else "$/Mtok counts output tokens)"
        )
    )
    print(format_table(COLUMNS, [_row(result) for result in comparison.options]))
    for note in notes:
        print(note)
    for result in comparison.options:
        if not result.point.feasible:
            print(f"  {result.label}: {result.point.reason}")
    if comparison.p_winner_cheapest is not None and comparison.cheapest is not None:
        print(
            f"P({comparison.cheapest.label} is really the cheapest) = "
            f"{comparison.p_winner_cheapest:.0%} (p10–p90 estimate errors, correlated per "
            "hardware; docs/estimator.md)"
        )
    return 0


def build_project(args: argparse.Namespace, catalogue: Catalogue) -> Project:
    """Turn command-line flags into a Project (validating every id and number)."""
    model_id = resolve_id("model", args.model, catalogue.models)
    precision = _precision(args.precision)
    try:
        workload = Workload(
            isl_tokens=args.isl,
            osl_tokens=args.osl,
            prefix_hit_rate=args.prefix_hit,
            max_ttft_ms=args.max_ttft_ms,
            min_tokens_per_s_per_user=args.min_tok_s_per_user,
        )
        serving = ServingOptions(
            weight_precision=precision,
            compute_precision=precision,
            kv_precision=Precision.FP16 if precision is Precision.FP16 else Precision.FP8,
            utilization=args.utilization,
            speculative=SpeculativeDecoding(enabled=args.spec_decoding),
            disaggregated=args.disaggregated,
            kv_aware_routing=args.kv_aware_routing,
            kv_offload=KvOffload(enabled=args.kv_offload),
        )
        demand = Demand(tokens_per_day=args.demand_tokens_per_day)
    except ValueError as exc:
        raise InputError(_first_error(exc)) from exc
    options = tuple(_option(offer) for offer in _offers(args, catalogue))
    return Project(
        name=f"{catalogue.models[model_id].name or model_id}, ISL {args.isl} / "
        f"OSL {args.osl}, {precision.value.upper()}",
        model_id=model_id,
        workload=workload,
        serving=serving,
        demand=demand,
        options=options,
    )


def _precision(text: str) -> Precision:
    try:
        return Precision.parse(text)
    except ValueError as exc:
        raise InputError(str(exc)) from exc


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(exc)


def _offers(args: argparse.Namespace, catalogue: Catalogue) -> list[Offer]:
    hardware = [resolve_id("hardware", h, catalogue.accelerators) for h in split_ids(args.hardware)]
    offers = [
        catalogue.offers[resolve_id("offer", o, catalogue.offers)] for o in split_ids(args.offer)
    ]
    if offers:
        chosen = [o for o in offers if not hardware or o.accelerator_id in hardware]
        if not chosen:
            raise InputError("none of the offers is for the requested hardware")
        return chosen
    wanted = hardware or sorted({o.accelerator_id for o in catalogue.offers.values()})
    found = [_cheapest(catalogue, h, explicit=bool(hardware)) for h in wanted]
    return [offer for offer in found if offer is not None]


def _cheapest(catalogue: Catalogue, accelerator_id: str, explicit: bool) -> Offer | None:
    """Cheapest non-spot offer (spot capacity can be reclaimed, so it is not a fair default)."""
    candidates = [
        o
        for o in catalogue.offers_for(accelerator_id)
        if o.pricing_model is not PricingModel.SPOT and o.price_per_gpu_hour
    ]
    if not candidates:
        if explicit:
            raise InputError(f"no priced offer for hardware {accelerator_id!r}: pass --offer")
        return None
    return min(candidates, key=lambda o: o.price_per_gpu_hour or math.inf)


def _option(offer: Offer) -> ComparisonOption:
    return ComparisonOption(
        id=offer.id,
        label=f"{offer.accelerator_id} · {offer.provider} "
        f"{names.pricing_model(offer.pricing_model)}",
        accelerator_id=offer.accelerator_id,
        offer_id=offer.id,
    )


def _row(r: OptionResult) -> list[str]:
    """A table row formatted as the screen, report and workbook format it (present.formats;
    "—" for a figure that does not exist)."""
    p = r.point
    ok = p.feasible
    missing = "misses target"
    return [
        r.label,
        fmt.usd_per_mtok(r.usd_per_mtok) if ok else missing,
        fmt.usd_per_gpu_hour(r.cost.usd_per_gpu_hour),
        fmt.tokens_per_s(p.output_tokens_per_s_per_gpu) if ok else missing,
        _BASIS.get(p.provenance, "E"),
        fmt.number(p.tokens_per_s_per_user) if ok else fmt.MISSING,
        fmt.milliseconds(p.ttft_ms, unit=False) if ok else fmt.MISSING,
        fmt.tokens_per_s_per_mw(r.tokens_per_s_per_mw) if ok else fmt.MISSING,
        fmt.integer(r.fleet.gpus) if r.fleet else fmt.MISSING,
        fmt.money(r.fleet.annual_cost_usd) if r.fleet else fmt.MISSING,
        _flags(r),
    ]


_BASIS = {"measured": "M", "anchored": "A", "estimated": "E"}


def _flags(r: OptionResult) -> str:
    steps = [label.removeprefix("+ ") for label, _ in r.waterfall[1:]]
    layout = f"TP{r.point.tp}/EP{r.point.ep}×{r.point.gpus_per_replica}"
    return ", ".join([layout, *steps])


def _ranges(r: OptionResult) -> list[str]:
    u = r.uncertainty
    if u is None or not r.point.feasible:
        return ["", "", "", ""]
    return [
        _g(u.usd_per_mtok.p10),
        _g(u.usd_per_mtok.p90),
        _g(u.tokens_per_s_per_gpu.p10),
        _g(u.tokens_per_s_per_gpu.p90),
    ]


def _g(value: float) -> str:
    """6 significant figures; empty for a figure that does not exist (NaN, inf)."""
    return f"{value:.6g}" if math.isfinite(value) else ""


def _raw(r: OptionResult) -> list[str]:
    p = r.point
    return [
        r.label,
        f"{r.usd_per_mtok:.6g}",
        f"{r.cost.usd_per_gpu_hour:.6g}",
        f"{p.output_tokens_per_s_per_gpu:.6g}",
        p.provenance,
        _g(p.tokens_per_s_per_user),
        _g(p.ttft_ms),
        "" if r.tokens_per_s_per_mw is None else f"{r.tokens_per_s_per_mw:.6g}",
        str(r.fleet.gpus) if r.fleet else "",
        f"{r.fleet.annual_cost_usd:.2f}" if r.fleet else "",
        _flags(r),
    ]

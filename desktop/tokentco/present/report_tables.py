"""The report's tables: comparison, assumptions and scorecard, as formatted text cells.

Tables with one column per option are split into blocks of at most ``OPTIONS_PER_BLOCK``
options, each repeating the row names, so 60 options print as readably as 5 (options
across pages, the criteria column repeated) instead of shrinking to unreadable columns.
"""

import math
from collections.abc import Sequence

from tokentco.domain import Catalogue, Project, ScoringRule
from tokentco.engine.results import Comparison, OptionResult
from tokentco.engine.scoring import Scorecard
from tokentco.present import formats as fmt
from tokentco.present import names
from tokentco.present.labels import OptionLabel
from tokentco.present.report_types import Table
from tokentco.present.standing import Standing

OPTIONS_PER_BLOCK = 5
"""Option columns per block of a transposed table (A4 portrait at ≥ 7 pt)."""

Labels = dict[str, OptionLabel]
WRAPPABLE_DASH = fmt.DASH + "\u200b"
"""A range's dash followed by a zero-width space: a narrow column may wrap after it."""


def basis_text(r: OptionResult) -> str:
    """ "measured", "anchored ×1.12" or "estimated": the basis of an option's throughput."""
    provenance = r.point.provenance
    if provenance == "anchored":
        return f"anchored ×{fmt.number(r.point.anchor_factor)}"
    return provenance if provenance in ("measured", "estimated") else names.display(provenance)


def _with_range(central: str, r: OptionResult, which: str, formatter: fmt.Formatter) -> str:
    """A figure with its p10–p90 range on a second line, when the figure is uncertain."""
    u = r.uncertainty
    if u is None or not r.point.feasible:
        return central
    rng = u.usd_per_mtok if which == "cost" else u.tokens_per_s_per_gpu
    spread = fmt.value_range(rng.p10, rng.p90, formatter).replace(fmt.DASH, WRAPPABLE_DASH)
    return f"{central}\n{spread}"


def comparison_table(
    comparison: Comparison, card: Scorecard, place: Standing, labels: Labels
) -> Table:
    """One row per option in rank order (options that miss the target last)."""
    index = {oid: i for i, oid in enumerate(card.option_ids)}
    rows_in_order = sorted(
        comparison.options,
        key=lambda r: (place.ranks.get(r.option_id) or math.inf, index.get(r.option_id, 0)),
    )
    costs = [fmt.usd_per_mtok(_cost(r)) for r in rows_in_order]
    rows = []
    for r, cost in zip(rows_in_order, costs, strict=True):
        i = index[r.option_id]
        ok = r.point.feasible
        rows.append(
            (
                labels[r.option_id].full,
                place.rank_text(r.option_id),
                fmt.score(float(card.totals[i])) if ok else fmt.MISSING,
                _with_range(cost, r, "cost", fmt.usd_per_mtok) if ok else "misses target",
                fmt.usd_per_gpu_hour(r.cost.usd_per_gpu_hour),
                _with_range(
                    fmt.tokens_per_s(r.point.output_tokens_per_s_per_gpu),
                    r,
                    "tps",
                    fmt.tokens_per_s,
                )
                if ok
                else fmt.MISSING,
                basis_text(r) if ok else fmt.MISSING,
                fmt.number(r.point.tokens_per_s_per_user) if ok else fmt.MISSING,
                fmt.milliseconds(r.point.ttft_ms, unit=False) if ok else fmt.MISSING,
                fmt.tokens_per_s_per_mw(r.tokens_per_s_per_mw) if ok else fmt.MISSING,
                fmt.integer(r.fleet.gpus) if r.fleet and ok else fmt.MISSING,
                fmt.money(r.fleet.annual_cost_usd) if r.fleet and ok else fmt.MISSING,
            )
        )
    winners = set(place.winners)
    return Table(
        headers=(
            "Option",
            "Rank",
            "Score",
            "$/Mtok (p10–p90)",
            "$/GPU\u2011h",
            "Tok/s/GPU (p10–p90)",
            "Basis",
            "Tok/s/user",
            "TTFT ms",
            "Tok/s/MW",
            "GPUs",
            "Annual cost",
        ),
        rows=tuple(rows),
        widths=(3.6, 0.8, 0.9, 1.5, 1.0, 1.5, 1.3, 1.0, 0.9, 1.0, 0.9, 1.1),
        highlight_rows=frozenset(k for k, r in enumerate(rows_in_order) if r.option_id in winners),
        note='Rows in rank order; the winner\'s row is shaded. "=2" marks a shared place. '
        "Basis: measured = a published or quoted measurement at these conditions; anchored = "
        "the model scaled to the nearest measurement (×factor); estimated = the model alone. "
        "Second lines give the p10–p90 range of uncertain figures.",
    )


def _cost(r: OptionResult) -> float | None:
    return r.usd_per_mtok if r.point.feasible and math.isfinite(r.usd_per_mtok) else None


def blocks(count: int, size: int = OPTIONS_PER_BLOCK) -> list[range]:
    """Ranges of option indices, at most ``size`` each, balanced (13 → 5, 4, 4)."""
    if count <= 0:
        return []
    parts = math.ceil(count / size)
    base, extra = divmod(count, parts)
    out, start = [], 0
    for k in range(parts):
        n = base + (1 if k < extra else 0)
        out.append(range(start, start + n))
        start += n
    return out


def _transposed(
    first_header: str,
    names_col: Sequence[str],
    columns: Sequence[Sequence[str]],
    headers: Sequence[str],
    caption: str,
    highlight: frozenset[int] = frozenset(),
    lead: Sequence[Sequence[str]] = (),
    numeric: bool = False,
) -> tuple[Table, ...]:
    """Split a rows × options table into option blocks, repeating the row names (and the
    ``lead`` columns, e.g. weights) in each block."""
    out = []
    parts = blocks(len(columns))
    for k, part in enumerate(parts):
        rows = []
        for j, name in enumerate(names_col):
            lead_cells = [col[j] for col in lead]
            rows.append((name, *lead_cells, *[columns[i][j] for i in part]))
        suffix = (
            f" (options {part.start + 1}–{part.stop} of {len(columns)})" if len(parts) > 1 else ""
        )
        out.append(
            Table(
                headers=(
                    first_header,
                    *[h for h in headers[: len(lead)]],
                    *[headers[len(lead) + i] for i in part],
                ),
                rows=tuple(rows),
                widths=(2.6, *([0.9] * len(lead)), *([1.9] * len(part))),
                left_columns=1 + len(lead) if numeric else len(headers) + 1,
                highlight_rows=highlight,
                caption=(caption + suffix) if k == 0 or suffix else "",
            )
        )
    return tuple(out)


def _price(r: OptionResult, catalogue: Catalogue) -> tuple[str, str, str]:
    offer = catalogue.offers.get(r.offer_id)
    if offer is None:
        return r.offer_id, "unknown offer", fmt.MISSING
    provider = offer.provider or offer.id
    if offer.owned is not None:
        price = f"capex {fmt.number(offer.owned.capex_per_gpu)} {offer.currency} per GPU"
    else:
        price = f"{fmt.number(offer.price_per_gpu_hour)} {offer.currency} per GPU-hour"
    return provider, names.pricing_model(offer.pricing_model), price


def _features(project: Project, r: OptionResult) -> tuple[str, str]:
    option = next((o for o in project.options if o.id == r.option_id), None)
    serving = project.serving_for(option) if option else project.serving
    on = [
        name
        for name, enabled in (
            ("speculative decoding", serving.speculative.enabled),
            ("disaggregated prefill/decode", serving.disaggregated),
            ("KV-aware routing", serving.kv_aware_routing),
            ("KV-cache offload", serving.kv_offload.enabled),
        )
        if enabled
    ]
    precision = " / ".join(
        names.display(p)
        for p in (serving.weight_precision, serving.compute_precision, serving.kv_precision)
    )
    return precision, ", ".join(on) or "none"


def assumption_tables(
    project: Project, comparison: Comparison, catalogue: Catalogue, labels: Labels
) -> tuple[Table, ...]:
    """Inputs per option, options across blocks; assumed inputs (not read from any file)
    are listed with the value used and where to set them."""
    columns = []
    for r in comparison.options:
        acc = catalogue.accelerators.get(r.accelerator_id)
        provider, pricing, price = _price(r, catalogue)
        precision, features = _features(project, r)
        assumed = "; ".join(f"{a.value} ({a.how_to_set})" for a in r.assumptions) or "none"
        columns.append(
            (
                (acc.name or acc.id) if acc else r.accelerator_id,
                provider,
                pricing,
                price,
                fmt.percent(r.utilization),
                precision,
                features,
                fmt.power_watts(r.watts_per_gpu_all_in),
                fmt.number(r.pue),
                fmt.weeks(r.lead_time_weeks),
                fmt.number(r.lock_in),
                str(r.accuracy_risk),
                basis_text(r),
                assumed,
            )
        )
    row_names = (
        "Hardware",
        "Provider",
        "Pricing",
        "Price",
        "Utilization",
        "Precision (weights / compute / KV)",
        "Serving features",
        "All-in power per GPU",
        "PUE",
        "Lead time",
        "Lock-in rubric (1–5)",
        "Accuracy risk (1–5)",
        "Throughput basis",
        "Assumed inputs",
    )
    headers = [labels[r.option_id].full for r in comparison.options]
    return _transposed("Input", row_names, columns, headers, "Inputs per option")


def scorecard_tables(card: Scorecard, labels: Labels, place: Standing) -> tuple[Table, ...]:
    """Criteria down the rows, options across blocks; cells read "value → score"."""
    row_names = [
        f"{c.name} ({c.unit}{', rubric' if c.rule is ScoringRule.RUBRIC else ''})"
        for c in card.criteria
    ]
    weights = [fmt.percent(c.weight_pct / 100) for c in card.criteria]
    columns = []
    for i, oid in enumerate(card.option_ids):
        cells = []
        for k in range(len(card.criteria)):
            v = float(card.values[k, i])
            cells.append(
                f"{fmt.number(v if math.isfinite(v) else None)} → "
                f"{fmt.score(float(card.scores[k, i]))}"
            )
        feasible = place.ranks.get(oid) is not None
        cells.append(fmt.score(float(card.totals[i])) if feasible else "misses target")
        cells.append(place.rank_text(oid))
        columns.append(cells)
    row_names += ["Weighted total (0–100)", "Rank"]
    weights += [fmt.percent(card.weights_sum_pct / 100), ""]
    headers = ["Weight", *[labels[oid].full for oid in card.option_ids]]
    n = len(card.criteria)
    tables = _transposed(
        "Criterion",
        row_names,
        columns,
        headers,
        "Scorecard",
        highlight=frozenset({n, n + 1}),
        lead=[weights],
        numeric=True,
    )
    note = (
        "Each cell shows value → score (0–100). Ratio to best: 100 × best ÷ value (lower is "
        "better) or 100 × value ÷ best; rubrics 100 × (5 − r) ÷ 4; a missing value scores 0; "
        "an option that misses the latency target cannot rank."
    )
    last = tables[-1]
    return (*tables[:-1], Table(**{**last.__dict__, "note": note}))

"""The Methodology sheet: formulas in words, caveats and sources."""

import math
from datetime import UTC, datetime

from openpyxl.styles import Alignment, Font

import tokentco
from tokentco.io.scorecard.book import (
    SECTION_FONT,
    Book,
    print_setup,
    provenance,
    put_text,
    set_widths,
)


def write_methodology(book: Book) -> None:
    ws = book.wb.create_sheet("Methodology")
    p = book.project
    lines: list[tuple[str, str]] = [
        ("title", "Methodology, sources and caveats"),
        (
            "text",
            f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by TokenTCO "
            f"{tokentco.__version__} (throughput model {tokentco.MODEL_VERSION}).",
        ),
        ("head", "Cost per million tokens"),
        (
            "text",
            "$/Mtok = all-in $/GPU-hour ÷ (tokens/s per GPU × 3600 × utilization) × 1e6. "
            "Idle hours are paid for, so halving utilization doubles the cost.",
        ),
        ("text", "Rental: $/GPU-hour = the offer's price × the exchange rate to USD."),
        (
            "text",
            "Owned: capex × r ÷ (1 − (1 + r)^−n) ÷ 8760 (annuity over the depreciation "
            "life n at cost of capital r; capex ÷ n when r = 0) + W × PUE ÷ 1000 × $/kWh + "
            "opex per year ÷ 8760.",
        ),
        (
            "text",
            "Token basis: output tokens, input + output (× (1 + ISL/OSL)), or a blended "
            "price (× (1 + weight × ISL/OSL)).",
        ),
        (
            "text",
            "Energy: tokens/s per MW = tokens/s per GPU ÷ (W × PUE) × 1e6; kWh per Mtok = "
            "W × PUE × (1e6 ÷ tokens/s) ÷ 3600 ÷ 1000. Rented capacity assumes PUE 1.3.",
        ),
        (
            "text",
            "Fleet: sized for peak demand (tokens/day ÷ 86400 × peak-to-average) in whole "
            "replicas and whole systems, paid every hour of the year.",
        ),
        ("head", "Scoring"),
        (
            "text",
            "Ratio to best (default): lower is better 100 × best ÷ value; higher is better "
            "100 × value ÷ best.",
        ),
        (
            "text",
            "Min-max (only when chosen): 100 × (worst − value) ÷ (worst − best); one "
            "option or equal values score 100.",
        ),
        (
            "text",
            "Rubrics (1 best … 5 worst): 100 × (5 − r) ÷ 4. Vendor lock-in is the average "
            "of four 1-5 sub-scores: software portability, interconnect/system, number of "
            "suppliers, contract and exit terms.",
        ),
        (
            "text",
            "Accuracy risk: 1 FP16/BF16; 2 FP8 validated within 1 % for this model; 3 FP8 "
            "unvalidated or FP4 validated; 4 FP4 unvalidated; 5 below FP4 or undisclosed.",
        ),
        (
            "text",
            "A missing value scores 0 (no answer earns no points). An option that cannot "
            "meet the latency target totals 0.",
        ),
        (
            "text",
            "Weighted total = Σ weight × score ÷ Σ weight; rank 1 is best; equal totals "
            "share a rank. The Scorecard shows a warning when the weights do not add up to "
            "100 %.",
        ),
        ("head", "Throughput"),
        (
            "text",
            "Tokens/s per GPU is the highest throughput that meets the latency targets on "
            "the throughput-vs-interactivity frontier: a measured point when one matches "
            f"(source named), else the estimate of model {tokentco.MODEL_VERSION} (a roofline "
            "step model calibrated on public measurements).",
        ),
        ("head", "Caveats"),
        (
            "text",
            "Estimated throughput carries model error; ask vendors for measured points at "
            "your workload and latency target. Prices are as quoted on the dates given; "
            "list prices are not negotiated prices. Lock-in and lead times are analyst inputs.",
        ),
        (
            "text",
            "Sensitivity statements on the Summary were computed at export; after edits "
            "in Excel, re-export from TokenTCO to refresh them.",
        ),
        ("head", "Sources"),
    ]
    for r in book.results:
        offer = book.offer(r)
        acc = book.catalogue.accelerators.get(r.accelerator_id)
        parts = [f"{r.label or r.option_id}: throughput {provenance(r)}"]
        if offer is not None and offer.source:
            parts.append(f"price: {offer.source}")
        if acc is not None and acc.source:
            parts.append(f"hardware: {acc.source}")
        lines.append(("user", "; ".join(parts)))
    if p.notes:
        lines.append(("head", "Project notes"))
        lines.append(("user", p.notes))
    row = 1
    for kind, text in lines:
        cell = put_text(ws, row, 1, text)
        if kind == "title":
            cell.font = Font(bold=True, size=14)
        elif kind == "head":
            row += 1
            cell = ws.cell(row - 1, 1)
            cell.value = None
            cell = put_text(ws, row, 1, text)
            cell.font = SECTION_FONT
        else:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[row].height = 15 * max(1, math.ceil(len(text) / 130))
        row += 1
    set_widths(ws, {"A": 140})
    print_setup(ws, p, None)

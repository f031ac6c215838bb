"""The methodology in words — formulas, scoring rules, throughput basis and caveats —
printed by the workbook's Methodology sheet and the report, from one text."""

import tokentco
from tokentco.present.names import ACCURACY_RUBRIC, LOCK_IN_QUESTIONS


def methodology() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(heading, paragraphs) sections, in reading order."""
    lock_in = ", ".join(name.lower() for _, name, _ in LOCK_IN_QUESTIONS)
    accuracy = "; ".join(f"{score} {text.rstrip('.')}" for score, text in ACCURACY_RUBRIC)
    return (
        (
            "Cost per million tokens",
            (
                "$/Mtok = all-in $/GPU-hour ÷ (tokens/s per GPU × 3600 × utilization) × 1e6. "
                "Idle hours are paid for, so halving utilization doubles the cost.",
                "Rental: $/GPU-hour = the offer's price × the exchange rate to USD.",
                "Owned: capex × r ÷ (1 − (1 + r)^−n) ÷ 8760 (an annuity over the depreciation "
                "life n at cost of capital r; capex ÷ n when r = 0) + W × PUE ÷ 1000 × $/kWh + "
                "opex per year ÷ 8760.",
                "Token basis: output tokens, input + output (× (1 + ISL/OSL)), or a blended "
                "price (× (1 + weight × ISL/OSL)).",
                "Energy: tokens/s per MW = tokens/s per GPU ÷ (W × PUE) × 1e6; kWh per Mtok = "
                "W × PUE × (1e6 ÷ tokens/s) ÷ 3600 ÷ 1000.",
                "Fleet: sized for peak demand (tokens/day ÷ 86,400 × peak-to-average) in whole "
                "replicas and whole systems, paid every hour of the year.",
            ),
        ),
        (
            "Scoring",
            (
                "Ratio to best (default): lower is better 100 × best ÷ value; higher is better "
                "100 × value ÷ best.",
                "Min–max (only when chosen): 100 × (worst − value) ÷ (worst − best); one "
                "option or equal values score 100.",
                "Rubrics (1 best to 5 worst): 100 × (5 − r) ÷ 4. Vendor lock-in is the average "
                f"of four 1–5 sub-scores: {lock_in}.",
                f"Accuracy risk of the chosen precision: {accuracy}.",
                "A missing value scores 0 (no answer earns no points). An option that cannot "
                "meet the latency target is not ranked and cannot win.",
                "Weighted total = Σ weight × score ÷ Σ weight; rank 1 is best; equal totals "
                "share a rank (a tie), and with no feasible option there is no winner. A "
                "warning shows when the weights do not add up to 100 %.",
            ),
        ),
        (
            "Throughput",
            (
                "Tokens/s per GPU is the highest throughput that meets the latency targets on "
                "the throughput-vs-interactivity frontier. Its basis is stated for every option: "
                "measured (a published measurement matches, source named), anchored (the model "
                "scaled to a nearby measurement, factor and source named) or estimated (the "
                f"TokenTCO model {tokentco.MODEL_VERSION}, a roofline step model calibrated on "
                "public measurements).",
                "Estimated and anchored figures carry a p10–p90 range from out-of-sample "
                "errors of the model on public measurements, shown beside the central value.",
            ),
        ),
        (
            "Caveats",
            (
                "Estimated throughput carries model error; ask vendors for measured points at "
                "your workload and latency target. Prices are as quoted on the dates given; "
                "list prices are not negotiated prices. Lock-in and lead times are analyst "
                "inputs.",
                "Sensitivity statements and p10–p90 ranges were computed at export; after edits "
                "in the workbook, export again from TokenTCO to refresh them.",
            ),
        ),
    )

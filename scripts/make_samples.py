"""Generate the example spreadsheets in samples/ (run: python scripts/make_samples.py).

Hardware figures, cloud prices and benchmark results come from the bundled catalogue
(resources/catalogue/*.csv and resources/calibration/measured_public.csv, with sources).
The RFP vendors and their quotes are FICTIONAL and labelled so inside the workbook.
flawed_quotes.xlsx is deliberately broken; tests/io checks every problem it reports.
"""

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "resources" / "catalogue"
OUT = ROOT / "samples"
FICTIONAL = "FICTIONAL example for TokenTCO — invented vendor and prices, not a real quote"


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _title(sheet: Worksheet, text: str, width: int) -> None:
    sheet.append([text])
    sheet.merge_cells(
        start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width
    )
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=13)


def _header(sheet: Worksheet, headers: list[str]) -> None:
    sheet.append(headers)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for number, text in enumerate(headers, start=1):
        sheet.column_dimensions[cell.column_letter if False else _letter(number)].width = max(
            12, len(text) + 3
        )


def _letter(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)


def rfp_responses() -> None:
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "Read me"
    for line in (
        ["RFP-2026-014: inference capacity for DeepSeek-R1 / Llama-3.3-70B"],
        [FICTIONAL],
        ["Three vendor responses, one sheet each, in the layouts vendors really send:"],
        [
            "Northwind: USD per GPU-hour. Helios: EUR per 8-GPU node per month. "
            "Kestrel: purchase (owned) with power and support costs."
        ],
        [
            "GPU specifications behind the quotes are from the bundled catalogue "
            "(resources/catalogue/SOURCES.md)."
        ],
    ):
        cover.append(line)
    cover["A1"].font = Font(bold=True, size=14)
    cover.column_dimensions["A"].width = 110

    a = book.create_sheet("Vendor A - Northwind")
    _title(a, "Northwind Compute (FICTIONAL) — response to RFP-2026-014", 7)
    a.append(["All prices in USD per GPU per hour, excluding VAT. " + FICTIONAL])
    a.append([])
    _header(a, ["Line", "GPU", "Commitment", "$/GPU/hr", "Region", "Lead time (weeks)", "Notes"])
    for row in (
        ["NW-1", "H100 SXM", "On-demand", 2.89, "us-east", 1, "8x HGX H100 nodes, IB 400G"],
        ["NW-2", "H100 SXM", "1-year reserved", 1.95, "us-east", 4, ""],
        ["NW-3", "H200 SXM", "On-demand", 3.49, "us-east", 2, ""],
        ["NW-4", "H200 SXM", "3-year reserved", "$2.19", "us-east", 6, "minimum 64 GPUs"],
        ["NW-5", "B200", "1-year reserved", 3.95, "us-west", 10, ""],
        ["NW-6", "GB200 NVL72", "1-year reserved", 4.25, "us-west", 16, "full racks only"],
    ):
        a.append(row)

    b = book.create_sheet("Vendor B - Helios")
    _title(b, "Helios Rechenzentrum GmbH (FICTIONAL) — Angebot / offer", 6)
    b.append([FICTIONAL])
    b.append(["Prices per 8-GPU node per month in EUR; 730 hours per month."])
    b.append([])
    b.append([])
    _header(
        b,
        [
            "Accelerator",
            "Contract term",
            "Price per 8-GPU node per month (€)",
            "Data centre",
            "Delivery (weeks)",
            "Remarks",
        ],
    )
    for row in (
        ["NVIDIA H100 SXM", "12 months", "13.900,00", "Frankfurt", 3, "incl. 100 TB egress"],
        ["NVIDIA H200 SXM", "12 months", "17.250,00", "Frankfurt", 6, ""],
        ["NVIDIA H200 SXM", "36 months", "14.600,00", "Frankfurt", 6, ""],
        ["AMD MI300X", "12 months", "12.400,00", "Oslo", 8, "ROCm 6 stack"],
    ):
        b.append(row)
    b.append([])
    b.append(["* Prices valid for 90 days; energy included at a flat rate."])

    c = book.create_sheet("Vendor C - Kestrel")
    _title(c, "Kestrel Systems (FICTIONAL) — purchase option, delivered and installed", 10)
    c.append([FICTIONAL])
    c.append([])
    _header(
        c,
        [
            "Configuration",
            "GPU",
            "Pricing",
            "GPUs per node",
            "Purchase price per GPU (USD)",
            "Depreciation (years)",
            "Node power (kW)",
            "PUE",
            "Electricity ($/kWh)",
            "Support per GPU per year ($)",
        ],
    )
    for row in (
        ["HGX H200 8-GPU", "h200-sxm", "purchase", 8, 31500, 5, 10.2, 1.3, 0.08, 1500],
        ["HGX B200 8-GPU", "b200", "purchase", 8, 46000, 5, 14.3, 1.25, 0.08, 2000],
        ["GB300 NVL72 rack", "gb300", "purchase", 72, 58000, 5, 135, 1.2, 0.08, 2400],
    ):
        c.append(row)
    book.save(OUT / "rfp_responses.xlsx")


def cloud_price_list() -> None:
    names = {r["id"]: r["name"] for r in _rows(CATALOGUE / "accelerators.csv")}
    offers = [
        r
        for r in _rows(CATALOGUE / "offers.csv")
        if r["pricing_model"] != "owned" and r["price_per_gpu_hour"]
    ][:40]
    with open(OUT / "cloud_price_list.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "Offer ID",
                "Provider",
                "GPU",
                "Pricing",
                "Price per GPU-hour (USD)",
                "Region",
                "As of",
                "Source",
            ]
        )
        for r in offers:
            writer.writerow(
                [
                    r["id"],
                    r["provider"],
                    names.get(r["accelerator_id"], r["accelerator_id"]),
                    r["pricing_model"].replace("_", " "),
                    r["price_per_gpu_hour"],
                    r["region"],
                    r["as_of"],
                    r["source"],
                ]
            )


def hardware_specs() -> None:
    rows = _rows(CATALOGUE / "accelerators.csv")
    with open(OUT / "hardware_specs.csv", "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(
            [
                "Vendor",
                "GPU",
                "Memory capacity GiB",
                "HBM bandwidth GB/s",
                "BF16 TFLOPS (dense)",
                "FP8 TFLOPS (with sparsity)",
                "TDP (kW)",
                "Source",
            ]
        )
        for r in rows[:12]:
            gib = float(r["memory_gb"]) / 1.073741824
            fp8 = f"{float(r['fp8_dense_tflops']) * 2:.0f}" if r["fp8_dense_tflops"] else "n/a"
            tdp = f"{float(r['tdp_w']) / 1000:.2f}" if r["tdp_w"] else ""
            writer.writerow(
                [
                    r["vendor"],
                    r["name"] + " (spec sheet)",
                    f"{gib:.1f}".replace(".", ","),
                    f"{float(r['memory_bw_tb_s']) * 1000:.0f}",
                    r["fp16_dense_tflops"].replace(".", ","),
                    fp8,
                    tdp.replace(".", ","),
                    r["source"][:120],
                ]
            )


def measured_benchmarks() -> None:
    accelerators = {r["id"] for r in _rows(CATALOGUE / "accelerators.csv")}
    models = {r["id"] for r in _rows(CATALOGUE / "models.csv")}
    rows = [
        r
        for r in _rows(ROOT / "resources" / "calibration" / "measured_public.csv")
        if r["hardware"] in accelerators and r["model"] in models and r["output_tok_s_per_gpu"]
    ][:60]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Benchmarks"
    _title(sheet, "Published inference benchmark results (from the bundled calibration set)", 12)
    sheet.append(["Per-GPU output throughput at the stated load; see Source for each row."])
    sheet.append([])
    _header(
        sheet,
        [
            "Hardware",
            "Model",
            "Precision",
            "Engine",
            "GPUs",
            "TP",
            "ISL",
            "OSL",
            "Scenario",
            "Output tok/s per GPU",
            "Tok/s per user",
            "TTFT (ms)",
            "Source",
            "Source URL",
        ],
    )

    def num(text: str) -> float | str:
        try:
            return float(text)
        except ValueError:
            return text

    for r in rows:
        sheet.append(
            [
                r["hardware"],
                r["model"],
                r["precision"],
                r["engine"],
                num(r["num_gpus"]),
                num(r["tp"]),
                num(r["isl"]),
                num(r["osl"]),
                r["concurrency_or_scenario"],
                num(r["output_tok_s_per_gpu"]),
                num(r["tok_s_per_user"]),
                num(r["ttft_ms"]),
                r["source"],
                r["source_url_or_repo_path"],
            ]
        )
    book.save(OUT / "measured_benchmarks.xlsx")


def flawed_quotes() -> None:
    """Deliberately broken: every row below the first has one problem (see tests/io)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Pricing"
    sheet.append(["Deliberately flawed quote sheet (FICTIONAL) used by the TokenTCO tests"])
    sheet.append([])
    _header(sheet, ["Offer", "GPU", "Price/hr", "Currency", "Pricing", "Lead time (weeks)"])
    sheet.append(["ok-1", "H200 SXM", 3.1, "USD", "on demand", 2])  # R4 fine
    sheet.append(["bad-na", "H200 SXM", "#N/A", "USD", "on demand", 2])  # R5
    sheet.append(["bad-text", "H100 SXM", "call us", "USD", "spot", 2])  # R6
    sheet.append(["bad-gpu", "H900", 2.5, "USD", "spot", 2])  # R7
    sheet.append(["bad-neg", "B200", -4, "USD", "spot", 2])  # R8
    sheet.append(["bad-ccy", "B200", 4.2, "CHF", "spot", 2])  # R9
    sheet.append(["bad-term", "B200", 4.2, "USD", "forever", 2])  # R10
    sheet.append(["bad-formula", "B200", "=2*2", "USD", "spot", 2])  # R11
    sheet.append(["bad-lead", "B200", 4.2, "USD", "spot", "TBD"])  # R12
    sheet.append(["ok-1", "B200", 4.4, "USD", "spot", 2])  # R13 duplicate id
    sheet["C5"].data_type = "e"
    specs = book.create_sheet("Specs")
    specs.append(["GPU", "TDP (W)", "FP8 TFLOPS", "Memory bandwidth (TB/s)"])
    specs.append(["X1", 700, 1979, 3.35])  # no memory capacity column: sheet refused
    book.save(OUT / "flawed_quotes.xlsx")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    rfp_responses()
    cloud_price_list()
    hardware_specs()
    measured_benchmarks()
    flawed_quotes()
    print(f"wrote samples to {OUT}")


if __name__ == "__main__":
    main()

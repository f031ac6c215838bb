"""Import speed: 100,000-row CSV and .xlsx offer tables (target ≤ 3 s each).

Run: ``python tests/benchmarks/bench_import.py [ROWS]``. Generates the files in a temp
directory (the .xlsx is written with openpyxl's write-only mode, which takes a while),
then times ``import_files`` with a progress callback attached and prints the figures.
"""

import csv
import sys
import tempfile
import threading
import time
from pathlib import Path

from openpyxl import Workbook

from tokentco.domain import ExchangeRates
from tokentco.io.importer import ImportCancelled, import_files

HEADERS = [
    "Offer ID",
    "GPU",
    "Provider",
    "Pricing model",
    "Price per GPU-hour ($)",
    "Region",
    "Lead time (weeks)",
    "Comment",
]
GPUS = ["h100-sxm", "H200 SXM", "b200", "NVIDIA GB200", "mi300x"]
PRICING = ["on_demand", "spot", "reserved 1y", "3-year reserved"]


def make_rows(n: int) -> list[list[object]]:
    return [
        [
            f"bench-{i}",
            GPUS[i % 5],
            f"Provider {i % 37}",
            PRICING[i % 4],
            round(1.0 + (i % 500) / 100, 2),
            f"region-{i % 11}",
            i % 20,
            "fictional",
        ]
        for i in range(n)
    ]


def write_csv(path: Path, rows: list[list[object]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(rows)


def write_xlsx(path: Path, rows: list[list[object]]) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Offers")
    sheet.append(["Benchmark price list (fictional)"])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)


def timed(path: Path) -> tuple[float, int, int, int]:
    calls = []
    start = time.perf_counter()
    result = import_files([path], ExchangeRates(), progress=lambda f, m: calls.append(f))
    elapsed = time.perf_counter() - start
    return elapsed, result.rows_loaded, len(result.problems), len(calls)


def cancel_latency(path: Path) -> float:
    event = threading.Event()
    seen: list[float] = []

    def progress(fraction: float, _message: str) -> None:
        if fraction > 0.5 and not event.is_set():
            event.set()
            seen.append(time.perf_counter())

    try:
        import_files([path], ExchangeRates(), progress=progress, cancel=event)
    except ImportCancelled:
        return time.perf_counter() - seen[0]
    raise SystemExit("cancellation did not stop the import")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rows = make_rows(n)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_csv(folder / "prices.csv", rows)
        t0 = time.perf_counter()
        write_xlsx(folder / "prices.xlsx", rows)
        print(f"(generated {n:,}-row .xlsx in {time.perf_counter() - t0:.1f} s)")
        for name in ("prices.csv", "prices.xlsx"):
            elapsed, loaded, problems, calls = timed(folder / name)
            size = (folder / name).stat().st_size / 1e6
            print(
                f"{name:12} {size:5.1f} MB  {loaded:,} rows loaded, {problems} problems, "
                f"{calls} progress calls: {elapsed:.2f} s (target ≤ 3 s)"
            )
            print(
                f"{name:12} cancel: stopped {cancel_latency(folder / name) * 1000:.0f} ms "
                "after the request"
            )


if __name__ == "__main__":
    main()

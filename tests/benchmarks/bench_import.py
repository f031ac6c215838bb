"""Import speed: 100,000-row CSV and .xlsx offer tables (target ≤ 3 s each, with the
reading isolated in a child process), what the isolation costs, how fast Cancel stops an
import (target ≤ 0.5 s, also while the child is still reading), and what a 32,000-digit
cell costs (it was 40–50 s with the old quadratic header regex).

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
from tokentco.io.import_read import read_tables
from tokentco.io.importer import ImportCancelled, import_files
from tokentco.io.isolation import read_isolated

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


def timed(path: Path) -> tuple[float, int, int, int, float, float]:
    """(seconds, rows loaded, problems, progress calls, this process's CPU seconds: the
    parent's share, which a busy machine inflates less than the wall-clock figure, and the
    reading children's CPU seconds)."""
    calls = []
    children = _children_cpu()
    start, cpu = time.perf_counter(), time.process_time()
    result = import_files([path], ExchangeRates(), progress=lambda f, m: calls.append(f))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    children = _children_cpu() - children
    return elapsed, result.rows_loaded, len(result.problems), len(calls), cpu, children


def _children_cpu() -> float:
    """CPU seconds of this process's ended children (the reading children; 0 where the
    platform does not say, Windows)."""
    try:
        import resource
    except ImportError:
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cancel_latency(path: Path, delay_s: float | None = None) -> float:
    """Seconds from setting the cancel event to ``ImportCancelled``. The event is set at
    the first progress call past half way (rows being built), or — with ``delay_s`` — by a
    timer that long after the start, while the child process is still reading."""
    event = threading.Event()
    seen: list[float] = []

    def request() -> None:
        if not event.is_set():
            seen.append(time.perf_counter())
            event.set()

    def progress(fraction: float, _message: str) -> None:
        if delay_s is None and fraction > 0.5:
            request()

    timer = threading.Timer(delay_s, request) if delay_s is not None else None
    if timer is not None:
        timer.start()
    try:
        import_files([path], ExchangeRates(), progress=progress, cancel=event)
    except ImportCancelled:
        return time.perf_counter() - seen[0]
    finally:
        if timer is not None:
            timer.cancel()
    raise SystemExit("cancellation did not stop the import")


def isolation_cost(path: Path) -> tuple[float, float]:
    """(in-process read, read in the child process) seconds for one file."""
    start = time.perf_counter()
    read_tables(path)
    direct = time.perf_counter() - start
    start = time.perf_counter()
    read_isolated(path)
    return direct, time.perf_counter() - start


def long_cell_cost(folder: Path, cells: int) -> float:
    """Seconds to import a 60-row price list whose text cells include ``cells``
    32,000-digit values (header analysis and cell parsing must stay linear)."""
    path = folder / f"digits_{cells}.csv"
    lines = ["GPU,Price per GPU-hour,Region,Comment"]
    for i in range(60):
        comment = "9" * 32_000 if i < cells else "fictional"
        lines.append(f"h100-sxm,{1 + i % 5},region-{i},{comment}")
    path.write_text("\n".join(lines) + "\n")
    start = time.perf_counter()
    import_files([path], ExchangeRates())
    return time.perf_counter() - start


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
            elapsed, loaded, problems, calls, cpu, children = timed(folder / name)
            size = (folder / name).stat().st_size / 1e6
            print(
                f"{name:12} {size:5.1f} MB  {loaded:,} rows loaded, {problems} problems, "
                f"{calls} progress calls: {elapsed:.2f} s (target ≤ 3 s)"
            )
            direct, isolated = isolation_cost(folder / name)
            print(
                f"{name:12} reading: {direct:.2f} s in-process, {isolated:.2f} s in the child "
                f"process (isolation costs {isolated - direct:+.2f} s)"
            )
            print(
                f"{name:12} breakdown: ~{isolated:.2f} s reading in the child, then "
                f"~{max(elapsed - isolated, 0.0):.2f} s building rows; the parent's CPU "
                f"{cpu:.2f} s, the children's {children:.2f} s"
            )
            for delay, when in ((0.3, "while the child reads"), (None, "while building rows")):
                latency = cancel_latency(folder / name, delay)
                print(
                    f"{name:12} cancel {when}: stopped {latency * 1000:.0f} ms after the "
                    "request (target ≤ 500 ms)"
                )
        for cells in (1, 10):
            print(
                f"32,000-digit cells: {cells:2} in a 60-row CSV import in "
                f"{long_cell_cost(folder, cells) * 1000:.0f} ms"
            )


if __name__ == "__main__":
    main()

"""Cost of hostile cells: a 32,000-digit cell must parse in milliseconds (issue 13).

Run: ``python tests/benchmarks/bench_import_cells.py``. Prints the cost of one such cell in
header analysis, in number parsing, and through ``import_files`` (ten such cells in the
first rows of a CSV, where the header search reads every text cell), plus the old
quadratic node-GPU pattern on shorter cells for comparison.
"""

import re
import tempfile
import time
from pathlib import Path

from tokentco.domain import ExchangeRates
from tokentco.io.import_headers import analyse_header
from tokentco.io.import_values import number_from_text, parse_numbers
from tokentco.io.importer import import_files

OLD_NODE_GPUS = re.compile(r"(\d+)\s*(?:-|x|×)?\s*gpus?\b|\bnvl\s*(\d+)|(\d+)\s*x\s+[a-z]", re.I)


def timed(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    digits = "9" * 32_000
    mixed = "1,2 " * 8_000
    cells = {
        "32,000 digits": digits,
        "32,000 chars of '1,2 '": mixed,
        "digits + ' GPUs'": digits + " GPUs",
    }
    for label, cell in cells.items():
        header_s = timed(lambda c=cell: (analyse_header.cache_clear(), analyse_header(c)))
        number_s = timed(lambda c=cell: number_from_text(c))
        column_s = timed(lambda c=cell: parse_numbers([c], "a number", False))
        print(
            f"{label:24s} header analysis {header_s * 1e3:7.3f} ms, "
            f"number {number_s * 1e3:7.3f} ms, column {column_s * 1e3:7.3f} ms"
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hostile.csv"
        rows = ["GPU,Provider,Price per GPU-hour,Notes"]
        rows += [f"h100-sxm,P{i},{digits},{digits}" for i in range(10)]
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        start = time.perf_counter()
        result = import_files([path], ExchangeRates())
        elapsed = time.perf_counter() - start
        print(
            f"import_files, ten 32,000-digit price cells + ten notes: {elapsed * 1e3:.0f} ms "
            f"({len(result.problems)} problems, {result.rows_loaded} rows)"
        )
    for n in (1_000, 2_000, 4_000):
        text = "9" * n
        old_s = timed(lambda t=text: OLD_NODE_GPUS.search(t), repeat=1)
        print(f"old node-GPU pattern on {n:5d} digits: {old_s * 1e3:8.1f} ms (quadratic)")


if __name__ == "__main__":
    main()

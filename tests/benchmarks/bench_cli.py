"""CLI start-up: ``tokentco --version`` over a bare interpreter, and one command's help.

Sub-commands import their modules only when run, so asking for the version or one
command's help must not pay for openpyxl, the engine or Qt. Each figure is the median of
several runs of the installed console script (the same file the user's shell runs, started
with this interpreter, no pyenv shim), minus the median of ``python -c pass``.

Run: python tests/benchmarks/bench_cli.py  (target: --version ≤ 100 ms over a bare
interpreter)
"""

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 15


def median_ms(argv: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000.0


def console_script() -> list[str]:
    """The entry-point script pip installed beside this interpreter (run with it)."""
    folder = Path(sys.executable).parent
    for name in ("tokentco", "tokentco-script.py"):
        candidate = folder / name
        if candidate.is_file():
            return [sys.executable, str(candidate)]
    found = shutil.which("tokentco")
    if found and os.path.basename(os.path.dirname(found)) != "shims":
        return [sys.executable, found]
    return [sys.executable, "-m", "tokentco"]


def main() -> None:
    bare = median_ms([sys.executable, "-c", "pass"])
    script = console_script()
    version = median_ms([*script, "--version"]) - bare
    helps = median_ms([*script, "template", "--help"]) - bare
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python -c pass: {bare:.0f} ms (median of {RUNS}; load average {load:.1f})")
    print(f"tokentco --version: {version:.0f} ms over a bare interpreter (target ≤ 100 ms)")
    print(f"tokentco template --help: {helps:.0f} ms over a bare interpreter")


if __name__ == "__main__":
    main()

"""``tokentco estimate`` speed: seconds per 10,000 extra rows.

Run: python tests/benchmarks/bench_estimate.py  (target, issue 14: ≤ 0.3 s per 10,000
extra rows)

The public calibration set (the shipped ``resources/calibration/measured_public.csv``) is the base
file; the big files repeat its rows (ids made unique, lengths stretched so each row is a
distinct request) to base + 10,000 and base + 20,000 rows. Each file is estimated by the
real command in a fresh interpreter (best of three), so the figure is what a user waits
for; its CPU time is printed too (on a shared machine it moves less than the wall clock).
The per-10,000 figure is the slope between the smallest and largest file, which removes
the interpreter start, imports and catalogue load. The in-process split of the
10,000-extra-row file (read, parse + plan, sweep + choose, CSV writing as the command
writes, atomically from its parts; each step's best of three, wall clock and CPU) is
printed below, with each step's CPU time less the base file's (what the 10,000 extra rows
cost in it).
"""

import csv
import itertools
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tokentco.io.bundled import resource_path

PUBLIC = resource_path("calibration", "measured_public.csv")
EXTRA = (10_000, 20_000)


def grown(base_rows: list[dict[str, str]], extra: int) -> list[dict[str, str]]:
    """The base rows followed by ``extra`` copies cycling through them, each copy with its
    own id and its stated lengths stretched a little (0.3 % per round), so the rows are
    distinct requests as in a real sweep of load points, not repeats a cache could skip."""
    out = list(base_rows)
    for i in range(extra):
        row = dict(base_rows[i % len(base_rows)])
        stretch = 1.0 + 0.003 * (i // len(base_rows) + 1)
        for key in ("isl", "osl"):
            if row.get(key, "").strip():
                row[key] = str(round(float(row[key]) * stretch))
        row["id"] = f"x{i}"
        out.append(row)
    return out


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def run_command(points: Path, out: Path) -> tuple[float, float]:
    """Best wall-clock and best CPU (user + system) seconds of three runs of the command."""
    best, best_cpu = float("inf"), float("inf")
    command = [sys.executable, "-m", "tokentco", "estimate", "--points", str(points)]
    command += ["--out", str(out), "--force"]
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            command,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        best = min(best, time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best_cpu = min(best_cpu, cpu)
    return best, best_cpu


def split(points: Path) -> tuple[list[float], list[float], str]:
    """Where one in-process run of the command's steps spends its time: each step's best
    of three, wall clock and CPU, and how many rows and cases."""
    from tokentco.cli.common import write_output_parts
    from tokentco.cli.estimate import estimated_columns, output_parts
    from tokentco.engine.point_groups import PointColumns, plan_columns, solve_grouped
    from tokentco.io.bundled import bundled_catalogue
    from tokentco.io.calibration_file import load_calibration
    from tokentco.io.estimate_table import read_points_table

    catalogue, calibration = bundled_catalogue(), load_calibration()
    best = [float("inf")] * 4
    best_cpu = [float("inf")] * 4
    for _ in range(3):  # each step's best of three
        marks = [(time.perf_counter(), time.process_time())]
        table = read_points_table(points)
        marks.append((time.perf_counter(), time.process_time()))
        columns = PointColumns.from_cells(table.column, len(table), table.rows_of)
        plan = plan_columns(columns, catalogue, calibration)  # as the command plans
        marks.append((time.perf_counter(), time.process_time()))
        estimates = solve_grouped(plan)
        marks.append((time.perf_counter(), time.process_time()))
        added = estimated_columns(columns, estimates, catalogue, calibration)
        write_output_parts(points.with_suffix(".out"), output_parts(table, added), True)
        marks.append((time.perf_counter(), time.process_time()))
        steps = list(itertools.pairwise(marks))
        best = [min(b, t1 - t0) for b, ((t0, _), (t1, _)) in zip(best, steps, strict=True)]
        best_cpu = [min(b, c1 - c0) for b, ((_, c0), (_, c1)) in zip(best_cpu, steps, strict=True)]
    size = (
        f"{len(table):,} rows ({plan.unique_cases.isl.size:,} distinct cases of"
        f" {plan.owner.size:,})"
    )
    return best, best_cpu, size


def split_lines(big: Path, base: Path) -> str:
    """The split of the bigger file, and its CPU time less the base file's per step: what
    the extra rows cost in each (the per-10,000 figure's parts; fixed costs such as the
    configurations planned one by one cancel)."""
    wall, cpu, size = split(big)
    _, base_cpu, _ = split(base)
    read, parse, solve, write = wall
    return (
        f"  in process, {size}: read {read:.3f} s, parse + plan {parse:.3f} s,"
        f" sweep + choose {solve:.3f} s, CSV writing {write:.3f} s\n"
        f"  the same steps' CPU time: {', '.join(f'{t:.3f}' for t in cpu)} s\n"
        f"  less the base file's (CPU): "
        f"{', '.join(f'{t - b:.3f}' for t, b in zip(cpu, base_cpu, strict=True))} s"
    )


def main() -> None:
    with PUBLIC.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        base_rows = list(reader)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        sizes, seconds, cpu = [], [], []
        for extra in (0, *EXTRA):
            points = tmp / f"points_{extra}.csv"
            write_csv(points, header, grown(base_rows, extra))
            sizes.append(extra)
            wall, used = run_command(points, tmp / f"out_{extra}.csv")
            seconds.append(wall)
            cpu.append(used)
        for extra, took, used in zip(sizes, seconds, cpu, strict=True):
            rows = len(base_rows) + extra
            print(f"tokentco estimate, {rows:,} rows: {took:.2f} s (CPU {used:.2f} s)")
        slope = (seconds[-1] - seconds[0]) / (sizes[-1] - sizes[0]) * 10_000
        cpu_slope = (cpu[-1] - cpu[0]) / (sizes[-1] - sizes[0]) * 10_000
        print(f"tokentco estimate: {slope:.2f} s per 10,000 extra rows (target <= 0.3 s)")
        print(f"  CPU time (user + system, less sensitive to a busy machine): {cpu_slope:.2f} s")
        print(split_lines(tmp / f"points_{EXTRA[0]}.csv", tmp / "points_0.csv"))


if __name__ == "__main__":
    main()

"""Accuracy of the shipped calibration on the public measured set.

Prints the same report as ``tokentco calibrate --report`` (in-sample, leave-one-source-out,
pure roofline, engine defaults; per hardware and per model) and the issue's targets.
Run: python tests/benchmarks/bench_accuracy.py
"""

import time

import numpy as np

from tokentco.engine.fit import format_report, stats
from tokentco.io.calibration_file import shipped_accuracy


def main() -> None:
    start = time.perf_counter()
    report = shipped_accuracy()
    elapsed = time.perf_counter() - start
    print(format_report(report))
    print()
    loso = stats(report.loso)
    print(
        f"LOSO median {loso.median_ape:.1f} % (target <= 25), p90 {loso.p90_ape:.1f} % "
        f"(target <= 60)"
    )
    limit = 2 * loso.median_ape
    for title, keys in (("hardware", report.hardware), ("model", report.model)):
        labels = np.array(keys)
        worst = max(sorted(set(keys)), key=lambda k: stats(report.loso[labels == k]).median_ape)
        value = stats(report.loso[labels == worst]).median_ape
        flag = "ok" if value <= limit else f"over 2x median ({limit:.1f})"
        print(f"worst {title} (LOSO median): {worst} {value:.1f} % — {flag}")
    roof = stats(report.roofline)
    print(f"pure roofline median {roof.median_ape:.1f} %, p90 {roof.p90_ape:.1f} %")
    print(f"report computed in {elapsed:.1f} s (10 LOSO refits)")


if __name__ == "__main__":
    main()

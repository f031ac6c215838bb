"""Accuracy and calibrated uncertainty of the shipped calibration on the public measured set.

Prints the same report as ``tokentco calibrate --report`` (in-sample, leave-one-source-out,
pure roofline, engine defaults; per hardware and per model; p10–p90 bands and their nested
coverage), the leave-one-source-out error of the figure as the app shows it (anchored on the
other sources' measurements where such exist, else estimated) and issue 11's targets, which
judge the model-alone figures, each with "ok" or "MISSED".
Run: python tests/benchmarks/bench_accuracy.py
"""

import time

import numpy as np

from tokentco.engine.fit import format_report, stats
from tokentco.engine.intervals import format_bands
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.calibration_file import shipped_accuracy, shipped_uncertainty


def _check(label: str, value: float, ok: bool) -> str:
    return f"{label}: {value:.1f} {'ok' if ok else 'MISSED'}"


def main() -> None:
    start = time.perf_counter()
    spread = shipped_uncertainty()
    report = shipped_accuracy(spread=spread)
    elapsed = time.perf_counter() - start
    print(format_report(report))
    print()
    print(format_bands(spread.bands, spread.coverage, spread.residuals))
    print()
    loso = stats(report.loso)
    catalogue = bundled_catalogue()
    moe = np.array([bool(catalogue.models[m].moe) for m in report.model])
    moe_stats = stats(report.loso[moe])
    coverage = {c.name: c.inside * 100 for c in spread.coverage}
    shown, _ = spread.residuals.shown()
    anchored = int(np.isfinite(spread.residuals.anchored).sum())
    shown_ape = np.abs(np.exp(-shown) - 1.0) * 100.0
    shown_stats = stats(shown_ape)
    print(
        "figure as the app shows it, leave-one-source-out (anchored on the other sources' "
        f"measurements for {anchored} rows, estimated for {shown_stats.count - anchored}): "
        f"median {shown_stats.median_ape:.1f} %, p90 {shown_stats.p90_ape:.1f} % "
        f"(model alone: {loso.median_ape:.1f} / {loso.p90_ape:.1f} %; not a target)"
    )
    print()
    print("issue 11 targets (model alone, leave-one-source-out):")
    print("  " + _check("LOSO median % (<= 18)", loso.median_ape, loso.median_ape <= 18))
    print("  " + _check("LOSO p90 % (<= 40)", loso.p90_ape, loso.p90_ape <= 40))
    print("  " + _check("MoE LOSO p90 % (<= 60)", moe_stats.p90_ape, moe_stats.p90_ape <= 60))
    print(
        "  "
        + _check(
            "p10-p90 coverage overall % (80 +- 5)",
            coverage["overall"],
            75 <= coverage["overall"] <= 85,
        )
    )
    for name in ("dense", "MoE", "anchored"):
        value = coverage[name]
        print("  " + _check(f"p10-p90 coverage {name} % (70-90)", value, 70 <= value <= 90))
    # the per-group gate of tests/unit/test_calibration.py: 2x the larger of this median
    # and estimator-4's (21.8 %)
    limit = 2 * max(loso.median_ape, 21.8)
    for title, keys in (("hardware", report.hardware), ("model", report.model)):
        labels = np.array(keys)
        worst = max(sorted(set(keys)), key=lambda k: stats(report.loso[labels == k]).median_ape)
        value = stats(report.loso[labels == worst]).median_ape
        flag = f"ok (gate {limit:.1f})" if value <= limit else f"over the gate ({limit:.1f})"
        flag += f"; 2x this median would be {2 * loso.median_ape:.1f}"
        print(f"worst {title} (LOSO median): {worst} {value:.1f} % — {flag}")
    roof = stats(report.roofline)
    print(f"pure roofline median {roof.median_ape:.1f} %, p90 {roof.p90_ape:.1f} %")
    print(f"report computed in {elapsed:.1f} s ({len(spread.matrix.sources)} LOSO refits)")


if __name__ == "__main__":
    main()

"""Workload mix and capacity plan speed on the default project (5 options).

Run: python tests/benchmarks/bench_plan.py
Targets: a 6-class mix (one agentic, 6 turns) ≤ 300 ms; a week-long profile planned over
3 years ≤ 50 ms and over 15 years ≤ 150 ms (plus the mix when it has one); the base
optimiser's worst case, 15 years × 168 hours all at different GPU counts (~2,500 candidate
sizes), ≤ 100 ms — each is an edit in the Workload tab, so it must feel immediate.
"""

import statistics
import time
from collections.abc import Callable

import numpy as np

from tokentco.domain.mix import PRESETS, business_hours
from tokentco.engine.mix import evaluate_mix
from tokentco.engine.plan import gpus_needed, optimise_base, plan_capacity, yearly_load
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.calibration_file import load_calibration
from tokentco.io.defaults import default_project


def timed(fn: Callable[[], object], repeat: int = 7) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1000.0, statistics.median(times) * 1000.0


def main() -> None:
    catalogue = bundled_catalogue()
    calibration = load_calibration()
    project = default_project(catalogue)
    mixed = project.model_copy(update={"workload_classes": tuple(PRESETS.values())})
    week = business_hours(2e5).model_copy(update={"growth_per_year": 0.3})
    planned = project.model_copy(update={"demand_profile": week})

    def report(name: str, fn: Callable[[], object], target_ms: float) -> None:
        best, median = timed(fn)
        verdict = "ok" if median <= target_ms else "SLOW"
        print(
            f"{name:<52} best {best:7.1f} ms  median {median:7.1f} ms  (≤ {target_ms:g}) {verdict}"
        )

    report(
        "6-class mix, 5 options (evaluate_mix)",
        lambda: evaluate_mix(mixed, catalogue, calibration),
        300,
    )
    report(
        "plan, 168 h × 3 years, 5 options",
        lambda: plan_capacity(planned, catalogue, calibration, 3),
        50,
    )
    report(
        "plan, 168 h × 15 years, 5 options",
        lambda: plan_capacity(planned, catalogue, calibration, 15),
        150,
    )
    mixed_plan = mixed.model_copy(update={"demand_profile": week})
    report(
        "plan with the 6-class mix, 168 h × 3 years",
        lambda: plan_capacity(mixed_plan, catalogue, calibration, 3),
        400,
    )
    noisy = week.model_copy(
        update={"tokens_per_s": tuple(np.random.default_rng(0).uniform(1e4, 2e5, 168))}
    )
    need = gpus_needed(yearly_load(noisy, 15), 9.0, 1)  # every hour a different GPU count
    candidates = np.unique(np.concatenate([[0], need.ravel()])).size
    report(
        f"optimise_base 15 × 168 h, {candidates} candidates",
        lambda: optimise_base(need, 1.4, np.full(15, 2.5)),
        100,
    )


if __name__ == "__main__":
    main()

"""Nested leave-one-source-out selection of the fit's hyper-parameters (issue 11).

For each held-out source the candidates are scored by an inner LOSO over the *other*
sources only and the best one predicts the held-out source (``fit.nested_selection``), so
the nested figure is an honest out-of-sample error of "fit with the selected setting".
Prints each candidate's plain LOSO, the choice per held-out source and the nested LOSO.
Run: python tests/benchmarks/bench_fit_selection.py [overhead] [-v]
(several minutes: 21 fits per candidate; without ``overhead`` the fit's own settings)
"""

import sys
import time

import numpy as np

from tokentco.engine.efficiency import DEFAULT_EFFICIENCY
from tokentco.engine.fit import FitSettings, ape, nested_selection, selection_score, stats
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.calibration_file import measured_set


def candidates(grid: str) -> dict[str, FitSettings]:
    """``overhead``: the prior centre of the fixed per-step overhead (which the rows do not
    identify) at 2, 1, 0.5 and 0.3 ms, and the child-group prior spread at the 2 ms centre
    (the estimator-6 settings); ``fit``: at the shipped settings, the child prior spread,
    the Huber threshold and the smallest group with its own factors."""
    out: dict[str, FitSettings] = {}
    if grid == "overhead":
        for overhead_ms in (2.0, 1.0, 0.5, 0.3):
            start = DEFAULT_EFFICIENCY.with_values(step_overhead_s=overhead_ms * 1e-3)
            out[f"overhead {overhead_ms:g} ms"] = FitSettings(start=start)
        start = DEFAULT_EFFICIENCY.with_values(step_overhead_s=2e-3)
        for sigma in (0.25, 0.5):
            out[f"overhead 2 ms, sigma {sigma:g}"] = FitSettings(start=start, prior_sigma=sigma)
        return out
    out["shipped"] = FitSettings()
    for sigma in (0.25, 0.5):
        out[f"sigma {sigma:g}"] = FitSettings(prior_sigma=sigma)
    for delta in (0.25, 0.6):
        out[f"Huber {delta:g}"] = FitSettings(huber_delta=delta)
    out["MIN_POINTS 8"] = FitSettings(min_points=8)
    return out


def main() -> None:
    began = time.perf_counter()
    catalogue = bundled_catalogue()
    data = measured_set(catalogue)
    measured = data.measured[data.usable]
    moe = np.array(
        [bool(catalogue.models[r.model_id].moe) for r in data.plan.subset(data.usable).requests]
    )
    verbose = "-v" in sys.argv
    grid = "overhead" if "overhead" in sys.argv else "fit"
    say = print if verbose else None
    result = nested_selection(data, catalogue, candidates(grid), progress=say)

    def line(label: str, estimates: np.ndarray) -> str:
        errors = ape(estimates, measured)
        st, mo = stats(errors), stats(errors[moe])
        return (
            f"  {label:<34} LOSO {st.median_ape:5.1f} / {st.p90_ape:5.1f} %  MoE p90 "
            f"{mo.p90_ape:5.1f}  score {selection_score(errors):5.1f}"
        )

    print("plain leave-one-source-out per candidate:")
    for name in result.names:
        print(line(name, result.loso[name]))
    print("chosen on the other sources (inner LOSO score per candidate):")
    for source in result.sources:
        scores = ", ".join(f"{result.inner[source][n]:.1f}" for n in result.names)
        print(f"  held out {source[:30]:<30} -> {result.chosen[source]}  ({scores})")
    print(line("NESTED (selection held out too)", result.nested))
    print(f"chosen on all sources: {result.overall}")
    print(f"computed in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()

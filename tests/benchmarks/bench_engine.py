"""Engine speed: one sweep call on a (P, C) grid, a 100-option project, and the import time.

Run: python tests/benchmarks/bench_engine.py  (targets: ≤ 5 ms, ≤ 20 ms, ≤ 150 ms)
"""

import statistics
import subprocess
import sys
import time

import numpy as np

from tokentco.domain import ServingOptions
from tokentco.engine.estimator import sweep
from tokentco.engine.evaluate import evaluate, frontier_sweep
from tokentco.engine.terms import case_row, model_terms, stack_cases
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.calibration_file import load_calibration
from tokentco.io.defaults import default_project


def best_of(fn, repeat: int = 15) -> float:  # type: ignore[no-untyped-def]
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
    model = catalogue.models[project.model_id]
    accelerators = [a for a in catalogue.accelerators.values()]

    # 1. 10,000 option×concurrency points in one sweep call: 100 cases × 100 levels
    rows = []
    for i in range(100):
        acc = accelerators[i % len(accelerators)]
        n = (1, 2, 4, 8)[i % 4]
        eff = calibration.lookup(acc.id, ServingOptions().compute_precision)
        rows.append(case_row(acc, ServingOptions(), project.workload, (n, 1, n, 1), eff))
    cases, terms = stack_cases(rows), model_terms(model)
    levels = np.geomspace(1, 1024, 100)
    sweep(cases, terms, levels)
    best, median = best_of(lambda: sweep(cases, terms, levels))
    print(
        f"sweep 10,000 points (100 cases x 100 levels): best {best:.2f} ms, "
        f"median {median:.2f} ms (target <= 5 ms)"
    )

    # 2. full frontier sweep: 100 options x 64 levels x legal layouts via evaluate()
    base = project.options
    options = []
    for i in range(100):
        template = base[i % len(base)]
        options.append(template.model_copy(update={"id": f"{template.id}-{i}"}))
    big = project.model_copy(update={"options": tuple(options)})
    frontier_sweep(big, catalogue, calibration)
    best, median = best_of(lambda: frontier_sweep(big, catalogue, calibration), repeat=7)
    print(
        f"frontier sweep 100 options x 64 levels x legal layouts: best {best:.1f} ms, "
        f"median {median:.1f} ms (target <= 20 ms)"
    )
    evaluate(big, catalogue, calibration)
    best, median = best_of(lambda: evaluate(big, catalogue, calibration), repeat=7)
    print(
        f"full evaluate() of the same 100 options (frontiers + waterfall variants + operating "
        f"points + economics + fleet): best {best:.1f} ms, median {median:.1f} ms (no target)"
    )

    # 3. import tokentco.engine in a fresh interpreter, minus the bare interpreter
    def fresh(code: str) -> float:
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            runs.append(time.perf_counter() - start)
        return min(runs) * 1000.0

    bare = fresh("pass")
    package = fresh("import tokentco.engine")
    numpy_only = fresh("import numpy")
    domain = fresh("import numpy, tokentco.domain")
    engine = fresh("import tokentco.engine.evaluate, tokentco.engine.points")
    print(
        f"import tokentco.engine (the package): {package - bare:.0f} ms over a bare "
        f"interpreter ({bare:.0f} ms) (target <= 150 ms)"
    )
    print(
        f"import tokentco.engine.evaluate + points (what a caller needs): {engine - bare:.0f} ms"
        f" = numpy {numpy_only - bare:.0f} ms + domain (pydantic) {domain - numpy_only:.0f} ms"
        f" + engine modules {engine - domain:.0f} ms"
    )


if __name__ == "__main__":
    main()

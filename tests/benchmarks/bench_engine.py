"""Engine speed as the workbench uses it: the per-edit recompute, plus the bare sweep and
the import time.

Run: python tests/benchmarks/bench_engine.py

* *per-edit recompute* — what the workbench's compute job runs after one knob move:
  ``Recomputer.update(project, selected, want_variants=True)`` (``tokentco.app.recompute``;
  the selected option's waterfall variants included, as with the waterfall chart
  visible), one edit after the other as in a drag, on the projects ``bench_ui.py`` uses
  (10 and 100 rented options, Llama 3.3 70B). Edit kinds:
  - utilization: the project's utilization dragged 35 → 95 % (economics only);
  - price: one option's $/GPU-hour dragged (its own pricing row stored in the project,
    the effective catalogue rebuilt, as the workbench's offer edit does);
  - ISL: the input length dragged upwards, every value new (every option re-swept);
  - serving toggle: KV-aware routing flipped on the project's serving stack — "cold"
    with the sweep cache emptied first (every option re-swept), "warm" when the state was
    seen before (the second flip back and forth).
  - tornado: ``sensitivity.tornado`` of the selected option after each utilization move
    (what ``TornadoCache`` recomputes while the tornado chart is shown).
  p50/p95 in ms per edit kind. Targets (issue 14): utilization ≤ 8 ms p95 at 10
  options; ISL ≤ 16 ms p95 at 10 options (compute side); a slider move well inside
  16 ms at 10 options and 50 ms at 100 options. The full ``evaluate()`` of the same
  projects is printed beside them (what every edit cost before).
* *sweep 10,000 points* — one estimator call on a (100 cases × 100 levels) grid.
* *import* — ``tokentco.engine`` in a fresh interpreter.
"""

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from bench_ui import options_project, percentile

from tokentco.app.edits import set_offer_field
from tokentco.app.recompute import Recomputer
from tokentco.domain import Project, ServingOptions
from tokentco.engine.estimator import sweep
from tokentco.engine.evaluate import evaluate
from tokentco.engine.sensitivity import tornado
from tokentco.engine.terms import case_row, model_terms, stack_cases
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.calibration_file import load_calibration
from tokentco.io.defaults import default_project

EDITS = 60


def best_of(fn: Callable[[], object], repeat: int = 15) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1000.0, statistics.median(times) * 1000.0


def timed_edits(
    recomputer: Recomputer,
    projects: list[Project],
    selected: str,
    before: Callable[[], None] | None = None,
) -> list[float]:
    """ms of each update, one project after the other (``before`` runs untimed)."""
    times = []
    for project in projects:
        if before is not None:
            before()
        start = time.perf_counter()
        recomputer.update(project, selected, want_variants=True)
        times.append((time.perf_counter() - start) * 1000.0)
    return times


def line(kind: str, n: int, times: list[float], note: str = "") -> None:
    print(
        f"per-edit recompute, {kind}, {n} options: p50 {percentile(times, 50):.2f} ms, "
        f"p95 {percentile(times, 95):.2f} ms{note}"
    )


def bench_edits(n: int) -> None:
    catalogue, project = options_project(n)
    calibration = load_calibration()
    selected = project.options[0].id
    recomputer = Recomputer(catalogue, calibration)
    recomputer.update(project, selected, want_variants=True)

    def serving(p: Project, **update: object) -> Project:
        return p.model_copy(update={"serving": p.serving.model_copy(update=update)})

    def workload(p: Project, **update: object) -> Project:
        return p.model_copy(update={"workload": p.workload.model_copy(update=update)})

    utils = [serving(project, utilization=0.35 + 0.6 * i / EDITS) for i in range(EDITS)]
    line("utilization", n, timed_edits(recomputer, utils, selected))

    price = catalogue.offers[project.options[1].offer_id].price_per_gpu_hour or 2.0
    prices = [
        set_offer_field(
            project, catalogue, project.options[1].id, "price_per_gpu_hour", price * (1 + i / 50)
        )
        for i in range(EDITS)
    ]
    line("price (one option's $/GPU-h)", n, timed_edits(recomputer, prices, selected))

    isls = [workload(project, isl_tokens=1100 + 37 * i) for i in range(EDITS)]
    line("ISL (every option re-swept)", n, timed_edits(recomputer, isls, selected))

    on = serving(project, kv_aware_routing=not project.serving.kv_aware_routing)
    flips = [on if i % 2 == 0 else project for i in range(EDITS)]
    cold = timed_edits(recomputer, flips, selected, before=recomputer.forget)
    line("serving toggle (KV-aware routing), cold", n, cold, " (sweep cache emptied first)")
    recomputer.update(on, selected, want_variants=True)
    recomputer.update(project, selected, want_variants=True)
    warm = timed_edits(recomputer, flips, selected)
    line("serving toggle (KV-aware routing), warm", n, warm, " (state seen before)")

    tornado(project, catalogue, selected, calibration=calibration)
    times = []
    for p in utils[:20]:
        start = time.perf_counter()
        tornado(p, catalogue, selected, calibration=calibration)
        times.append((time.perf_counter() - start) * 1000.0)
    line("tornado of the selected option (utilization moves)", n, times, " (while it is shown)")

    evaluate(project, catalogue, calibration)
    times = []
    for p in isls[:20]:
        start = time.perf_counter()
        evaluate(p, catalogue, calibration)
        times.append((time.perf_counter() - start) * 1000.0)
    line("full evaluate() (what every edit ran before)", n, times)


def main() -> None:
    catalogue = bundled_catalogue()
    calibration = load_calibration()
    project = default_project(catalogue)
    model = catalogue.models[project.model_id]
    accelerators = list(catalogue.accelerators.values())

    for n in (10, 100):
        bench_edits(n)

    # 10,000 option×concurrency points in one sweep call: 100 cases × 100 levels
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

    # import tokentco.engine in a fresh interpreter, minus the bare interpreter
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

"""What the Plan and Mix sheets add to a scorecard export: 5, 13 and 53 options, without a
demand profile, with a business-hours week (3 distinct loads), with a week whose every hour
differs (168 loads, the worst case of the Plan hours table), and with a three-class mix on
top; the plan and the mix are evaluated inside the export, so their engine time counts.

Run: ``python tests/benchmarks/bench_scorecard_plan.py``
"""

import statistics
import time
from collections.abc import Callable
from functools import partial

from tokentco.domain import ComparisonOption, DemandProfile, Project
from tokentco.domain.mix import PRESETS, business_hours
from tokentco.engine.evaluate import evaluate
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.defaults import default_project
from tokentco.io.scorecard import workbook_bytes


def options(count: int) -> Project:
    """The default comparison topped up with catalogue offers to ``count`` options."""
    catalogue = bundled_catalogue()
    base = default_project(catalogue)
    chosen = list(base.options)
    used = {o.offer_id for o in chosen}
    for offer in sorted(catalogue.offers.values(), key=lambda o: o.id):
        if len(chosen) >= count:
            break
        if offer.id in used or offer.accelerator_id not in catalogue.accelerators:
            continue
        chosen.append(
            ComparisonOption(
                id=f"o{len(chosen)}",
                label=offer.id,
                accelerator_id=offer.accelerator_id,
                offer_id=offer.id,
            )
        )
    return base.model_copy(update={"options": tuple(chosen[:count])})


def timed(fn: Callable[[], object], runs: int = 3) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def main() -> None:
    catalogue = bundled_catalogue()
    week = business_hours(200_000.0).model_copy(update={"growth_per_year": 0.3})
    ragged = DemandProfile(
        tokens_per_s=tuple(v * (1 + 0.001 * h) for h, v in enumerate(week.tokens_per_s)),
        growth_per_year=0.3,
    )
    mix = tuple(
        PRESETS[name].model_copy(update={"share": share})
        for name, share in (("chat", 0.5), ("rag", 0.3), ("code", 0.2))
    )
    cases: dict[str, dict[str, object]] = {
        "no plan": {},
        "week plan (3 loads)": {"demand_profile": week},
        "week plan (168 loads)": {"demand_profile": ragged},
        "week plan + 3-class mix": {"demand_profile": week, "workload_classes": mix},
    }
    for count in (5, 13, 53):
        base = options(count)
        for name, update in cases.items():
            project = base.model_copy(update=update)
            effective = project.effective_catalogue(catalogue)
            comparison = evaluate(project, effective)
            med, worst = timed(partial(workbook_bytes, project, comparison, effective))
            size = len(workbook_bytes(project, comparison, effective)) / 1024
            print(
                f"{count:2d} options, {name:24s}: median {med:.2f} s, worst {worst:.2f} s, "
                f"{size:.0f} KiB"
            )


if __name__ == "__main__":
    main()

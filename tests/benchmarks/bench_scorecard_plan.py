"""What the Plan and Mix sheets add to a scorecard export: 5, 13 and 53 options, without a
demand profile, with a business-hours week (3 distinct loads), with a week whose every hour
differs (168 loads, the worst case of the Plan hours table), and with a three-class mix on
top; the plan and the mix are evaluated inside the export, so their engine time counts.

Run: ``python tests/benchmarks/bench_scorecard_plan.py``
"""

from functools import partial

# run as a script, so its folder is on the path: the same option sets and timing as the
# scorecard benchmark
from bench_scorecard import options, timed

from tokentco.domain import DemandProfile
from tokentco.domain.mix import PRESETS, business_hours
from tokentco.engine.evaluate import evaluate
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.scorecard import workbook_bytes


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
            med, worst = timed(partial(workbook_bytes, project, comparison, effective), runs=3)
            size = len(workbook_bytes(project, comparison, effective)) / 1024
            print(
                f"{count:2d} options, {name:24s}: median {med:.2f} s, worst {worst:.2f} s, "
                f"{size:.0f} KiB"
            )


if __name__ == "__main__":
    main()

"""Scorecard export and report times for 10 options (targets: ≤ 2 s and ≤ 3 s).

Run: ``QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_scorecard.py``
"""

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tokentco.domain import ComparisonOption, Project
from tokentco.engine.evaluate import evaluate
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.defaults import default_project
from tokentco.io.scorecard_xlsx import write_scorecard
from tokentco.ui.report import write_report_pdf


def ten_options() -> Project:
    catalogue = bundled_catalogue()
    base = default_project(catalogue)
    options = list(base.options)
    for offer in catalogue.offers.values():
        if len(options) >= 10:
            break
        if offer.accelerator_id in ("h100-sxm", "h200-sxm", "b200", "mi300x"):
            options.append(
                ComparisonOption(
                    id=f"o-{offer.id}",
                    label=offer.id,
                    accelerator_id=offer.accelerator_id,
                    offer_id=offer.id,
                )
            )
    return base.model_copy(update={"options": tuple(options[:10])})


def timed(fn: object, runs: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def main() -> None:
    catalogue = bundled_catalogue()
    project = ten_options()
    comparison = evaluate(project, catalogue)
    assert len(comparison.options) == 10
    with tempfile.TemporaryDirectory() as folder:
        xlsx = Path(folder) / "card.xlsx"
        pdf = Path(folder) / "report.pdf"
        write_report_pdf(project, comparison, pdf)  # warm up Qt fonts once
        med, worst = timed(lambda: write_scorecard(project, comparison, xlsx))
        print(
            f"scorecard export, 10 options: median {med:.2f} s, worst {worst:.2f} s "
            f"(target <= 2 s) {'OK' if worst <= 2 else 'SLOW'}"
        )
        med, worst = timed(lambda: write_report_pdf(project, comparison, pdf))
        print(
            f"report PDF, 10 options:       median {med:.2f} s, worst {worst:.2f} s "
            f"(target <= 3 s) {'OK' if worst <= 3 else 'SLOW'}"
        )


if __name__ == "__main__":
    main()

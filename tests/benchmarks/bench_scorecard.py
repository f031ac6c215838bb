"""Scorecard workbook export times for 10, 13 and 53 options (target: ≤ 2 s for 10), how
much of it is spent giving every formula its cached value, and the report PDF for 10
options (target: ≤ 3 s).

Run: ``QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_scorecard.py``
"""

import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tokentco.domain import ComparisonOption, Project
from tokentco.engine.evaluate import evaluate
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.defaults import default_project
from tokentco.io.scorecard import build_workbook
from tokentco.io.scorecard.package import finish_package
from tokentco.io.scorecard_xlsx import write_scorecard


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


def timed(fn: Callable[[], object], runs: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def main() -> None:
    catalogue = bundled_catalogue()
    with tempfile.TemporaryDirectory() as folder:
        xlsx = Path(folder) / "card.xlsx"
        for count in (10, 13, 53):
            project = options(count)
            comparison = evaluate(project, catalogue)
            assert len(comparison.options) == count
            med, worst = timed(partial(write_scorecard, project, comparison, xlsx, catalogue))
            wb = build_workbook(project, comparison, catalogue)
            buffer = io.BytesIO()
            wb.save(buffer)
            saved = buffer.getvalue()
            cache_med, _ = timed(partial(finish_package, saved, wb))
            verdict = "" if count != 10 else f" (target <= 2 s) {'OK' if worst <= 2 else 'SLOW'}"
            print(
                f"scorecard export, {count:2d} options: median {med:.2f} s, worst {worst:.2f} s, "
                f"of which cached values {cache_med:.2f} s; {xlsx.stat().st_size / 1024:.0f} KiB"
                f"{verdict}"
            )
        report(catalogue, Path(folder) / "report.pdf")


def report(catalogue: object, pdf: Path) -> None:
    """The printed report for 10 options (Qt; imported here so the workbook figures print
    even where the GUI stack is unavailable)."""
    from tokentco.ui.report import write_report_pdf

    project = options(10)
    comparison = evaluate(project, catalogue)  # type: ignore[arg-type]
    write_report_pdf(project, comparison, pdf)  # warm up Qt fonts once
    med, worst = timed(partial(write_report_pdf, project, comparison, pdf))
    print(
        f"report PDF, 10 options: median {med:.2f} s, worst {worst:.2f} s "
        f"(target <= 3 s) {'OK' if worst <= 3 else 'SLOW'}"
    )


if __name__ == "__main__":
    main()

"""Evaluate a whole project: one vectorised sweep for every option, then economics.

This is the single entry point the GUI, CLI, scorecard and report share, so a figure
means the same thing everywhere.
"""

from collections.abc import Mapping

from tokentco.domain import Catalogue, Project
from tokentco.engine import stages
from tokentco.engine.calibration import DEFAULT_CALIBRATION, Calibration
from tokentco.engine.option_eval import (
    CONCURRENCY_LEVELS,
    DEFAULT_PUE,
    Anchored,
    anchoring_of,
    estimate_source,
)
from tokentco.engine.results import Comparison

__all__ = [
    "CONCURRENCY_LEVELS",
    "DEFAULT_PUE",
    "Anchored",
    "anchoring_of",
    "estimate_source",
    "evaluate",
]


def evaluate(
    project: Project,
    catalogue: Catalogue,
    calibration: Calibration | None = None,
    *,
    pinned: Mapping[str, Anchored] | None = None,
) -> Comparison:
    """Results for every option of ``project`` (unknown ids give an infeasible result).

    ``pinned`` maps option ids to an anchoring computed before (``anchoring_of``): those
    options keep its factor instead of choosing their measurements again."""
    # composed from the stages the workbench's incremental recompute runs one by one, so
    # a full evaluation and an incremental one cannot drift apart
    cal = calibration or DEFAULT_CALIBRATION
    every = [True] * len(project.options)
    swept = stages.sweep_stage(project, catalogue, project.options, cal, every, pinned=pinned)
    results = [
        stages.unknown_result(option, s)
        if isinstance(s, str)
        else stages.economics_stage(project, catalogue, option, s, cal)
        for option, s in zip(project.options, swept, strict=True)
    ]
    return stages.comparison_stage(project.model_id, results, cal)

"""The workbench's comparison restated for the project's workload mix and demand profile.

The window computes one plain comparison per edit (the single workload: charts, frontier,
waterfall). When the project holds workload classes, the results table, the cost chart
and Details must show the *mix* instead, and when it holds a demand profile, Details and
the Workload tab show the capacity plan. Both come from the same edit, so they are
computed here in the same background job, from the plain comparison already in hand
(neither the mix nor the plan evaluates it again), and handed to every view together:
the table, the charts, Details and the Workload tab never show figures of two different
projects side by side.

Qt-free and pure, so it runs on a worker thread and is tested without a QApplication.
"""

from dataclasses import dataclass

from tokentco.domain import Catalogue, Project
from tokentco.engine.calibration import Calibration
from tokentco.engine.mix import MixComparison, MixResult, evaluate_mix, restated_for_mix
from tokentco.engine.plan import CapacityPlan, plan_capacity
from tokentco.engine.results import Comparison

NO_OPTIONS = "Add options to compare to see the mix and plan capacity."
NO_PROFILE = "Pick a profile preset or import PROFILE.csv to plan capacity."


@dataclass(frozen=True)
class WorkloadOutcome:
    """The mix and the plans of one project, or why there is no plan."""

    mix: MixComparison | None
    """Per-class figures and the chosen pool per option; None without workload classes."""
    plans: tuple[CapacityPlan, ...]
    """One plan per option in option order; empty without a demand profile."""
    plan_error: str
    """Why there is no plan ("" when there are plans)."""

    def mix_for(self, option_id: str) -> MixResult | None:
        """The option's mix result, or None (no mix, or the option is not in it)."""
        if self.mix is None:
            return None
        return next((o for o in self.mix.options if o.option_id == option_id), None)

    def plan_for(self, option_id: str) -> CapacityPlan | None:
        """The option's capacity plan, or None (no profile, or the option is not planned)."""
        return next((p for p in self.plans if p.option_id == option_id), None)


EMPTY = WorkloadOutcome(None, (), NO_PROFILE)


def workload_outcome(
    project: Project,
    catalogue: Catalogue,
    calibration: Calibration | None = None,
    plain: Comparison | None = None,
) -> WorkloadOutcome:
    """The project's mix (when it has classes) and capacity plans (when it has a demand
    profile); a plan the engine refuses (a bad term, say) is its one-line reason instead.
    ``plain`` is the project's plain comparison when the caller has it."""
    if not project.options:
        return WorkloadOutcome(None, (), NO_OPTIONS)
    mix = None
    try:
        if project.workload_classes:
            mix = evaluate_mix(project, catalogue, calibration)
        if project.demand_profile is None:
            return WorkloadOutcome(mix, (), NO_PROFILE)
        plans = plan_capacity(project, catalogue, calibration, mix=mix, comparison=plain)
    except ValueError as exc:
        return WorkloadOutcome(mix, (), str(exc).splitlines()[0])
    return WorkloadOutcome(mix, plans, "")


def restate(
    project: Project,
    catalogue: Catalogue,
    calibration: Calibration | None,
    plain: Comparison,
) -> tuple[Comparison, WorkloadOutcome]:
    """What the workbench shows for ``project``: ``plain`` restated for the mix when the
    project has workload classes (the table's $/Mtok is then the blend), plus the outcome.
    Without classes or a profile this costs nothing and ``plain`` comes back unchanged."""
    if not project.workload_classes and project.demand_profile is None:
        return plain, WorkloadOutcome(None, (), NO_PROFILE if project.options else NO_OPTIONS)
    outcome = workload_outcome(project, catalogue, calibration, plain)
    if outcome.mix is None:
        return plain, outcome
    return restated_for_mix(plain, outcome.mix), outcome


def outcome_or_reason(project: Project, outcome: WorkloadOutcome | None) -> WorkloadOutcome:
    """``outcome``, or for a project without classes and profile (whose comparison job
    skipped this module) the empty outcome that says what is missing."""
    if outcome is not None:
        return outcome
    return WorkloadOutcome(None, (), NO_PROFILE if project.options else NO_OPTIONS)


def edit_text(before: Project, after: Project) -> str:
    """The undo-menu text of a Workload-tab edit, from what it changed."""
    old, new = before.workload_classes, after.workload_classes
    if old != new:
        if not new:
            return "Use the single workload"
        if len(new) > len(old):
            added = [c.name for c in new if c.name not in {o.name for o in old}]
            return f"Add workload class {added[0]}" if added else "Add workload class"
        if len(new) < len(old):
            return "Remove workload class"
        return "Edit workload mix"
    if before.demand_profile != after.demand_profile:
        if after.demand_profile is None:
            return "Remove demand profile"
        if before.demand_profile is None:
            return "Add demand profile"
        return "Edit demand profile"
    if before.price_erosion_per_year != after.price_erosion_per_year:
        return "Edit rental price erosion"
    return "Edit workload"


__all__ = [
    "EMPTY",
    "WorkloadOutcome",
    "edit_text",
    "outcome_or_reason",
    "restate",
    "workload_outcome",
]

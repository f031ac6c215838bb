"""Details for a project with a workload mix or a demand profile: the selected option's mix
(each class's operating point and $/Mtok, the pool arrangement chosen and why), each agent
class's session turn by turn, and the capacity plan year by year with its NPV against
all-on-demand and all-base.

Every sentence comes from :mod:`tokentco.present.mix_text` (the Workload tab, the report
and ``tokentco compare --mix`` print the same words); this module only lays them out as
HTML and places them under the option's key figures, above what its throughput rests on.
"""

import html
from typing import TYPE_CHECKING

from tokentco.domain import Project
from tokentco.engine.results import Comparison
from tokentco.ui.details import DetailsPanel, describe

if TYPE_CHECKING:  # the mix and plan engines load with the first mix or profile
    from tokentco.app.workload import WorkloadOutcome
    from tokentco.engine.mix import MixResult
    from tokentco.engine.plan import CapacityPlan

PROFILE_HINT = (
    "A demand profile (Workload tab: a preset or PROFILE.csv) plans the owned or reserved "
    "base and the on-demand burst over the term."
)


def _block(title: str, lines: list[str]) -> str:
    """The first line as a paragraph under ``title``, the indented lines as a list."""
    if not lines:
        return ""
    e = html.escape
    head, rest = lines[0], [line.strip() for line in lines[1:]]
    items = "".join(f"<li>{e(line)}</li>" for line in rest)
    body = f"<ul style='margin-top:0'>{items}</ul>" if items else ""
    return f"<p><b>{e(title)}.</b> {e(head)}</p>{body}"


def mix_html(result: "MixResult") -> str:
    """The mix on one option, then each multi-turn class's session."""
    from tokentco.present.mix_text import mix_lines, session_lines

    parts = [_block(f"Workload mix of {len(result.pool.classes)} classes", mix_lines(result))]
    for c in result.pool.classes:
        if c.session is not None:
            parts.append(_block(f"Agent sessions, {c.name}", ["", *session_lines(c.session)]))
    return "".join(parts)


def plan_html(plan: "CapacityPlan") -> str:
    """The plan: why, then year by year, then the NPVs."""
    from tokentco.present.mix_text import plan_lines

    lines = plan_lines(plan)
    return _block("Capacity plan", lines)


def workload_html(project: Project, outcome: "WorkloadOutcome | None", option_id: str) -> str:
    """The mix and plan of ``option_id`` ("" when the project has neither)."""
    if outcome is None or not (project.workload_classes or project.demand_profile):
        return ""
    parts = []
    mix = outcome.mix_for(option_id)
    if mix is not None:
        parts.append(mix_html(mix))
    plan = outcome.plan_for(option_id)
    if plan is not None:
        parts.append(plan_html(plan))
    elif project.demand_profile is not None and outcome.plan_error:
        parts.append(f"<p class='m'><b>Capacity plan.</b> {html.escape(outcome.plan_error)}</p>")
    elif project.demand_profile is None:
        parts.append(f"<p class='m'>{html.escape(PROFILE_HINT)}</p>")
    return "<hr>" + "".join(parts) + "<hr>" if parts else ""


def placed(option_html: str, section: str) -> str:
    """``section`` right under the option's key-figure table (or its infeasibility note),
    so the mix and plan sit with the figures they restate, above the long list of
    measurements its throughput rests on."""
    if not section:
        return option_html
    end = option_html.find("</table>")
    if end >= 0:
        end += len("</table>")
        return option_html[:end] + section + option_html[end:]
    return option_html + section


class WorkbenchDetails(DetailsPanel):
    """The Details panel of the main window: the option, and its mix and plan when the
    project has them (``outcome`` is set by the window with each comparison)."""

    outcome: "WorkloadOutcome | None" = None

    def show_result(self, comparison: Comparison, project: Project, option_id: str) -> None:
        result = next(
            (r for r in comparison.options if r.option_id == option_id),
            comparison.options[0] if comparison.options else None,
        )
        section = (
            workload_html(project, self.outcome, result.option_id) if result is not None else ""
        )
        if result is None or not section:
            super().show_result(comparison, project, option_id)
            return
        self.setHtml(placed(describe(result, comparison, project), section))


__all__ = ["WorkbenchDetails", "mix_html", "placed", "plan_html", "workload_html"]

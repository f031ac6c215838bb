"""The printed report's content, Qt-free: every sentence, table cell, chart series and
citation the report shows, already worded and formatted.

``ui/report`` only lays this model out on paper, so what the report says is tested here
without a printer, and the report words and formats a figure exactly as the screen, the
workbook and the CLI do (they share ``present``).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from tokentco.domain import Catalogue, Project
from tokentco.engine.results import Comparison, OptionResult, Range
from tokentco.engine.scoring import score
from tokentco.engine.sensitivity import TornadoBar, tornado
from tokentco.present import formats as fmt
from tokentco.present import report_text as text
from tokentco.present.axes import fmt_ticks
from tokentco.present.labels import comparison_labels
from tokentco.present.report_plan import PlanPage, plan_page
from tokentco.present.report_tables import (
    Labels,
    assumption_tables,
    comparison_table,
    scorecard_tables,
)
from tokentco.present.report_types import (
    Bars,
    Curve,
    FrontierChart,
    Table,
    TornadoChart,
    TornadoRow,
)
from tokentco.present.standing import Standing, standing

__all__ = [
    "Bars",
    "Curve",
    "FrontierChart",
    "ReportModel",
    "Table",
    "TornadoChart",
    "TornadoRow",
    "build_report",
]


@dataclass(frozen=True)
class ReportModel:
    """What the report prints, in reading order."""

    title: str
    project_name: str
    context: tuple[str, ...]
    summary: tuple[str, ...]
    summary_notes: tuple[str, ...]
    comparison: Table
    legend: tuple[tuple[str, str], ...]
    """(short label, full label) pairs, printed where charts use short labels."""
    cost_bars: Bars
    energy_bars: Bars
    frontier: FrontierChart
    tornado: TornadoChart
    assumptions: tuple[Table, ...]
    assumption_notes: tuple[str, ...]
    scorecard: tuple[Table, ...]
    methodology: tuple[tuple[str, tuple[str, ...]], ...]
    """(heading, paragraphs), shared with the workbook's Methodology sheet."""
    sources: tuple[tuple[str, tuple[str, ...]], ...]
    """Per option: its label and its citations (title, publisher, date, URL)."""
    notes: str
    footer: str
    standing: Standing = field(repr=False)
    plan: PlanPage | None = None
    """The workload-mix and capacity-plan page, when the project has a mix or a profile."""


def build_report(
    project: Project,
    comparison: Comparison,
    catalogue: Catalogue,
    created: datetime | None = None,
) -> ReportModel:
    """Score the comparison, run the winner's tornado and word every part of the report."""
    created = created or datetime.now()
    card = score(project, comparison)
    place = standing(card, comparison)
    bars = _tornado_bars(project, comparison, catalogue, place)
    labels = comparison_labels(comparison, project, catalogue)
    return ReportModel(
        title="TokenTCO comparison report",
        project_name=project.name,
        context=text.context_lines(project, comparison, catalogue, created),
        summary=text.summary(project, comparison, card, place, labels),
        summary_notes=text.summary_notes(comparison, card),
        comparison=comparison_table(comparison, card, place, labels),
        legend=tuple(
            (labels[r.option_id].short, labels[r.option_id].full) for r in comparison.options
        ),
        cost_bars=_bars(COST, comparison, place, labels),
        energy_bars=_bars(ENERGY, comparison, place, labels),
        frontier=_frontier(project, comparison, labels),
        tornado=_tornado(bars, labels, place),
        assumptions=assumption_tables(project, comparison, catalogue, labels),
        assumption_notes=text.assumption_notes(project, comparison),
        scorecard=scorecard_tables(card, labels, place),
        methodology=text.methodology(),
        sources=text.sources(project, comparison, catalogue, labels),
        notes=project.notes,
        footer=text.footer(project, created),
        standing=place,
        plan=plan_page(
            project,
            catalogue,
            comparison.calibration,
            {oid: label.full for oid, label in labels.items()},
            place.winners[0] if place.winners else None,
        ),
    )


def _tornado_bars(
    project: Project, comparison: Comparison, catalogue: Catalogue, place: Standing
) -> list[TornadoBar]:
    target = place.winners[0] if place.winners else ""
    if not target or all(o.id != target for o in project.options):
        return []
    try:
        return tornado(project, catalogue, target, calibration=comparison.calibration)
    except (ValueError, KeyError):
        return []


def _finite(v: float | None) -> float | None:
    return v if v is not None and math.isfinite(v) and v > 0 else None


@dataclass(frozen=True)
class _Quantity:
    """What one bar chart plots: the figure, its p10–p90 range and how it is written."""

    title: str
    value: Callable[[OptionResult], float | None]
    spread: Callable[[OptionResult], Range | None]
    texts: Callable[[list[float | None]], list[str]]
    ticks: fmt.Formatter
    missing: str


COST = _Quantity(
    "$/Mtok at the latency target (lower is better)",
    lambda r: r.usd_per_mtok,
    lambda r: r.uncertainty.usd_per_mtok if r.uncertainty else None,
    lambda values: [fmt.usd_per_mtok(v) for v in values],
    fmt.money,
    "misses the latency target",
)
ENERGY = _Quantity(
    "Tokens/s per MW of facility power (higher is better)",
    lambda r: r.tokens_per_s_per_mw,
    lambda r: r.uncertainty.tokens_per_s_per_mw if r.uncertainty else None,
    lambda values: fmt.column(values, fmt.tokens_per_s),
    fmt.number,
    "n/a",
)


def _bars(q: _Quantity, comparison: Comparison, place: Standing, labels: Labels) -> Bars:
    rows = comparison.options
    values = [_finite(q.value(r)) if r.point.feasible else None for r in rows]
    spreads = [q.spread(r) if r.point.feasible else None for r in rows]
    highs = [s.p90 if s else None for s in spreads]
    return Bars(
        title=q.title,
        labels=tuple(labels[r.option_id].short for r in rows),
        values=tuple(values),
        value_texts=tuple(q.texts(values)),
        lows=tuple(s.p10 if s else None for s in spreads),
        highs=tuple(highs),
        ticks=fmt_ticks([v for v in values + highs if v], q.ticks),
        winners=frozenset(i for i, r in enumerate(rows) if r.option_id in place.winners),
        missing_text=q.missing,
    )


def _frontier(project: Project, comparison: Comparison, labels: Labels) -> FrontierChart:
    curves = []
    for r in comparison.options:
        xs = tuple(float(v) for v in r.frontier.tokens_per_s_per_user)
        ys = tuple(float(v) for v in r.frontier.output_tokens_per_s_per_gpu)
        point = (
            (r.point.tokens_per_s_per_user, r.point.output_tokens_per_s_per_gpu)
            if r.point.feasible and r.point.output_tokens_per_s_per_gpu > 0
            else None
        )
        u = r.uncertainty
        band = (u.tokens_per_s_per_gpu.p10, u.tokens_per_s_per_gpu.p90) if u and point else None
        curves.append(Curve(labels[r.option_id].short, xs, ys, point, band))
    target = project.workload.min_tokens_per_s_per_user
    return FrontierChart(
        title="Frontier: tokens/s per GPU vs per user",
        curves=tuple(curves),
        target=target,
        target_text=f"target {text.plain(target)} tok/s/user" if target is not None else "",
        note=text.frontier_note(comparison),
    )


def _tornado(bars: list[TornadoBar], labels: Labels, place: Standing) -> TornadoChart:
    name = labels[place.winners[0]].full if place.winners else ""
    rows = tuple(
        TornadoRow(
            label=b.label,
            range_text=text.tornado_range(b),
            low=b.usd_per_mtok_low,
            high=b.usd_per_mtok_high,
            low_text=fmt.usd_per_mtok(b.usd_per_mtok_low)
            if math.isfinite(b.usd_per_mtok_low)
            else "misses target",
            high_text=fmt.usd_per_mtok(b.usd_per_mtok_high)
            if math.isfinite(b.usd_per_mtok_high)
            else "misses target",
        )
        for b in bars[:9]
    )
    base = bars[0].base_usd_per_mtok if bars else math.nan
    return TornadoChart(
        title=f"Tornado, inputs ±20 %: {name}" if name else "Tornado, inputs ±20 %",
        rows=rows,
        base=base,
        base_text=f"base {fmt.usd_per_mtok(base, unit=True)}",
        empty_text="no feasible option to vary" if not name else "not available",
    )


def report_summary(model: ReportModel) -> str:
    """The summary as one text (for tests and the CLI's plain-text preview)."""
    return "\n".join(model.summary)

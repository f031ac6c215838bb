"""The report's sections, in reading order, laid out from the report model.

Sections flow one after another (a heading is kept with what follows it), so no page is
left half empty by a forced page break.
"""

from dataclasses import replace

from tokentco.present.report_model import ReportModel
from tokentco.present.report_types import Bars
from tokentco.ui.report.charts import (
    BAR_SLOT,
    PLAN_CHART_HEIGHT,
    bar_chart,
    bar_chart_height,
    frontier_chart,
    frontier_height,
    plan_chart,
    tornado_chart,
)
from tokentco.ui.report.page import MIN_POINTS, MUTED, NAVY, TEXT, Page

GAP = 16.0
"""Points between two charts side by side."""


def title(page: Page, model: ReportModel) -> None:
    page.p.fillRect(page.rect(0, 0, page.width, 4), NAVY)
    page.y = 12
    page.draw_text(0, page.y, page.width, 22, model.title, page.font(18, True), NAVY)
    page.y += 26
    page.paragraph(model.project_name, 13, bold=True, gap=2)
    for line in model.context:
        page.paragraph(line, 8.5, colour=MUTED, gap=2)
    page.y += 4


def summary(page: Page, model: ReportModel) -> None:
    page.heading("Executive summary")
    for line in model.summary:
        muted = line.startswith(("Sensitivity:", "How sure:"))
        page.paragraph(line, 9 if muted else 10, colour=MUTED if muted else TEXT)
    for note in model.summary_notes:
        page.paragraph(note, 9, italic=True, colour=MUTED)


def comparison(page: Page, model: ReportModel) -> None:
    page.heading("Comparison")
    page.table(model.comparison, size=MIN_POINTS)
    if any(short != full for short, full in model.legend):
        keys = " · ".join(f"{short} = {full}" for short, full in model.legend if short != full)
        page.paragraph("Chart labels: " + keys, MIN_POINTS, italic=True, colour=MUTED)


def charts(page: Page, model: ReportModel) -> None:
    """Bars side by side when they fit half a page each, else full width, one after the
    other; then the frontier beside the tornado."""
    half = (page.width - GAP) / 2
    side_by_side = len(model.cost_bars.labels) <= 16
    width = half if side_by_side else page.width
    h = max(bar_chart_height(page, b, width) for b in (model.cost_bars, model.energy_bars))
    page.heading("Charts", keep_with=h)
    if side_by_side:
        page.ensure(h)
        bar_chart(page, model.cost_bars, 0, page.y, half)
        bar_chart(page, model.energy_bars, half + GAP, page.y, half)
        page.y += h + 10
    else:
        for bars in (model.cost_bars, model.energy_bars):
            for part in _fitting_parts(page, bars, width):
                page.ensure(bar_chart_height(page, part, width))
                page.y += bar_chart(page, part, 0, page.y, width) + 10
    fh = frontier_height(page, model.frontier, half)
    page.ensure(fh)
    frontier_chart(page, model.frontier, 0, page.y, half, fh)
    tornado_chart(page, model.tornado, half + GAP, page.y, half, min(fh, 260.0))
    page.y += fh + 6
    page.paragraph(model.frontier.note, MIN_POINTS, italic=True, colour=MUTED)


def _fitting_parts(page: Page, bars: Bars, width: float) -> list[Bars]:
    """``bars`` split into charts that each fit a page (same axis, so they compare), the
    first sized to the space left on the current page when at least a quarter remains."""
    per_page = max(
        4,
        int(
            (page.bottom - bar_chart_height(page, bars, width) + BAR_SLOT * len(bars.labels))
            // BAR_SLOT
        ),
    )
    room = int(
        (page.bottom - page.y - (bar_chart_height(page, bars, width) - BAR_SLOT * len(bars.labels)))
        // BAR_SLOT
    )
    first = room if room >= per_page // 4 else per_page
    parts, start, size = [], 0, first
    while start < len(bars.labels):
        parts.append(_slice(bars, start, start + size, continued=start > 0))
        start, size = start + size, per_page
    return parts


def _slice(bars: Bars, start: int, stop: int, continued: bool) -> Bars:
    pick = slice(start, stop)
    return replace(
        bars,
        title=bars.title + (" (continued)" if continued else ""),
        labels=bars.labels[pick],
        values=bars.values[pick],
        value_texts=bars.value_texts[pick],
        lows=bars.lows[pick],
        highs=bars.highs[pick],
        winners=frozenset(i - start for i in bars.winners if start <= i < stop),
    )


def assumptions(page: Page, model: ReportModel) -> None:
    page.heading("Assumptions")
    for table in model.assumptions:
        page.table(table, size=MIN_POINTS)
    for note in model.assumption_notes:
        page.paragraph(note, 8.5)


def scorecard(page: Page, model: ReportModel) -> None:
    page.heading("Scorecard")
    for table in model.scorecard:
        page.table(table, size=MIN_POINTS)


def plan(page: Page, model: ReportModel) -> None:
    """Workload mix and capacity plan (only when the project has them)."""
    if model.plan is None:
        return
    page.heading("Workload mix and capacity plan")
    if model.plan.mix is not None:
        page.table(model.plan.mix, size=MIN_POINTS)
        for note in model.plan.mix_notes:
            page.paragraph(note, MIN_POINTS + 0.5, gap=2)
        page.y += 4
    if model.plan.plan is not None:
        page.table(model.plan.plan, size=MIN_POINTS)
        for note in model.plan.plan_notes:
            page.paragraph(note, MIN_POINTS + 0.5, gap=2)
    if model.plan.chart is not None:
        page.ensure(PLAN_CHART_HEIGHT)
        plan_chart(page, model.plan.chart, 0, page.y, page.width, PLAN_CHART_HEIGHT)
        page.y += PLAN_CHART_HEIGHT + 6


def methodology(page: Page, model: ReportModel) -> None:
    page.heading("Methodology and sources")
    for heading, paragraphs in model.methodology:
        first = paragraphs[0] if paragraphs else ""
        page.ensure(
            page.text_height(heading, page.font(9.5, bold=True), page.width)
            + 4
            + page.text_height(first, page.font(8.5), page.width)
        )
        page.paragraph(heading, 9.5, bold=True, colour=NAVY, gap=2)
        for text in paragraphs:
            page.paragraph(text, 8.5, gap=3)
    page.heading("Sources", 11, keep_with=30)
    for label, cites in model.sources:
        page.paragraph(label, 8, bold=True, gap=1)
        for cite in cites:
            page.paragraph(cite, 7.5, gap=1, indent=10)
        page.y += 3
    if model.notes:
        page.heading("Project notes", 11, keep_with=20)
        page.paragraph(model.notes, 9)


SECTIONS = (title, summary, comparison, charts, assumptions, scorecard, plan, methodology)

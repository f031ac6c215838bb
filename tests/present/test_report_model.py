"""The report's content, Qt-free: standings (ties, nothing feasible), wording, units,
labels and citations — what a committee reads, checked without a printer."""

import re

import pytest

from tokentco.domain import Catalogue, ComparisonOption, Project
from tokentco.engine.evaluate import evaluate
from tokentco.engine.scoring import score
from tokentco.engine.sensitivity import TornadoBar
from tokentco.present import formats as fmt
from tokentco.present.axes import fmt_ticks
from tokentco.present.citations import citation
from tokentco.present.report_model import build_report
from tokentco.present.report_tables import blocks
from tokentco.present.report_text import tornado_range
from tokentco.present.standing import standing


def _model(project: Project, catalogue: Catalogue):  # type: ignore[no-untyped-def]
    return build_report(project, evaluate(project, catalogue), catalogue)


def infeasible(project: Project) -> Project:
    workload = project.workload.model_copy(update={"min_tokens_per_s_per_user": 100_000.0})
    return project.model_copy(update={"workload": workload})


def tied(project: Project) -> Project:
    first = project.options[0]
    twin = first.model_copy(update={"id": first.id + "-twin", "label": first.label + " twin"})
    return project.model_copy(update={"options": (first, twin)})


def test_nothing_feasible_names_no_winner_and_no_runner_up(
    project: Project, catalogue: Catalogue
) -> None:
    model = _model(infeasible(project), catalogue)
    text = "\n".join(model.summary)
    assert "no winner" in text
    assert "Winner:" not in text and "Runner-up" not in text
    assert "n/a/Mtok" not in text and "score 0.0" not in text
    ranks = [row[1] for row in model.comparison.rows]
    assert set(ranks) == {"—"}
    assert not model.comparison.highlight_rows
    assert model.cost_bars.winners == frozenset()


def test_tie_is_worded_as_a_tie(project: Project, catalogue: Catalogue) -> None:
    p = tied(project)
    comparison = evaluate(p, catalogue)
    place = standing(score(p, comparison), comparison)
    assert place.tied and len(place.winners) == 2
    model = build_report(p, comparison, catalogue)
    assert model.summary[0].startswith("Tie: ")
    assert not any(line.startswith("Winner:") for line in model.summary)
    assert [row[1] for row in model.comparison.rows] == ["=1", "=1"]


def test_only_feasible_options_rank_and_runner_up_is_feasible(
    project: Project, catalogue: Catalogue
) -> None:
    comparison = evaluate(project, catalogue)
    place = standing(score(project, comparison), comparison)
    feasible = {r.option_id for r in comparison.options if r.point.feasible}
    ranked = {oid for group in place.places for oid in group}
    assert ranked == feasible
    assert all(place.ranks[r.option_id] is None for r in comparison.options if not r.point.feasible)


def test_comparison_rows_are_in_rank_order(project: Project, catalogue: Catalogue) -> None:
    model = _model(project, catalogue)
    ranks = [int(r[1].lstrip("=")) for r in model.comparison.rows if r[1] != "—"]
    assert ranks == sorted(ranks)


def test_duplicate_labels_become_unique(project: Project, catalogue: Catalogue) -> None:
    same = tuple(o.model_copy(update={"label": "Same label"}) for o in project.options)
    model = _model(project.model_copy(update={"options": same}), catalogue)
    full = [row[0] for row in model.comparison.rows]
    assert len(set(full)) == len(full)
    assert len(set(model.cost_bars.labels)) == len(model.cost_bars.labels)


def test_assumptions_use_display_names_not_codes(project: Project, catalogue: Catalogue) -> None:
    model = _model(project, catalogue)
    cells = " ".join(c for t in model.assumptions for row in t.rows for c in row)
    for code in ("owner_cost", "on_demand", "reserved_1y", "fp8/fp8", "kv_offload"):
        assert code not in cells


def test_transposed_tables_split_options_into_blocks(
    project: Project, catalogue: Catalogue
) -> None:
    assert [len(b) for b in blocks(13)] == [5, 4, 4]
    assert [len(b) for b in blocks(5)] == [5]
    options = tuple(
        o.model_copy(update={"id": f"{o.id}-{k}", "label": f"{o.label} {k}"})
        for k in range(3)
        for o in project.options
    )
    model = _model(project.model_copy(update={"options": options}), catalogue)
    shown = sum(len(t.headers) - 1 for t in model.assumptions)
    assert shown == len(options)
    assert all(len(t.headers) - 1 <= 5 for t in model.assumptions)
    assert all(len(t.headers) - 2 <= 5 for t in model.scorecard)


def _bar(key: str, unit: str, lo: float, hi: float) -> TornadoBar:
    return TornadoBar(key, key, unit, (lo + hi) / 2, lo, hi, 1.0, 2.0, 1.5)


@pytest.mark.parametrize(
    ("bar", "expected"),
    [
        (_bar("cost_of_capital", "%/year", 0.064, 0.096), "6.4%–9.6%/year"),
        (_bar("utilization", "%", 0.56, 0.84), "56%–84%"),
        (_bar("acceptance_rate", "", 0.56, 0.84), "56%–84%"),
        (_bar("price", "USD/h", 2.12, 3.18), "$2.12–$3.18 per GPU-hour"),
        (_bar("price", "EUR/h", 2.12, 3.18), "2.12–3.18 EUR per GPU-hour"),
        (_bar("isl", "tokens", 819, 1229), "819–1,229 tokens"),
    ],
)
def test_tornado_ranges_carry_their_units(bar: TornadoBar, expected: str) -> None:
    assert tornado_range(bar) == expected


def test_axis_ticks_are_round_and_distinct() -> None:
    ticks = fmt_ticks([2.09e6], fmt.number)
    labels = [t for _, t in ticks]
    assert labels == ["0.0M", "0.5M", "1.0M", "1.5M", "2.0M", "2.5M"]
    money = [t for _, t in fmt_ticks([6.77], fmt.money)]
    assert money == ["$0", "$2", "$4", "$6", "$8"]
    assert len(set(money)) == len(money)


def test_citations_drop_working_notes(catalogue: Catalogue) -> None:
    noisy = (
        "skypilot-org/skypilot-catalog catalogs/v7/nebius/vms.csv @22fd1fe gpu-h100 23.60/8 "
        "(confirm definition)"
    )
    found = citation(noisy, "2026-08")
    assert found is not None
    text = found.text()
    assert "vms.csv" not in text and "22fd1fe" not in text and "confirm" not in text
    assert "https://github.com/skypilot-org/skypilot-catalog" in text
    for offer in catalogue.offers.values():
        cited = citation(offer.source, offer.as_of)
        c = cited.text() if cited else ""
        assert not re.search(r"\b[0-9a-f]{7,40}\b", c), c
        assert "derived, verify" not in c and "confirm definition" not in c


def test_sources_page_cites_every_option(project: Project, catalogue: Catalogue) -> None:
    model = _model(project, catalogue)
    assert len(model.sources) == len(project.options)
    for _, cites in model.sources:
        assert cites[0].startswith("Throughput basis: ")


def test_one_option_and_an_unknown_offer_still_build(
    project: Project, catalogue: Catalogue
) -> None:
    broken = ComparisonOption(id="ghost", label="Ghost", accelerator_id="h100-sxm", offer_id="nope")
    p = project.model_copy(update={"options": (project.options[0], broken)})
    model = _model(p, catalogue)
    assert len(model.comparison.rows) == 2
    assert any("misses" in c or c == fmt.MISSING for c in model.comparison.rows[-1])


def test_plan_page_lists_every_option_and_never_costs_more_than_the_extremes(
    project: Project, catalogue: Catalogue
) -> None:
    from tokentco.domain.mix import PRESETS, business_hours
    from tokentco.engine.plan import plan_capacity

    classes = [PRESETS[name] for name in ("chat", "rag")]
    total = sum(c.share for c in classes)
    p = project.model_copy(
        update={
            "workload_classes": tuple(
                c.model_copy(update={"share": c.share / total}) for c in classes
            ),
            "demand_profile": business_hours(1e5),
        }
    )
    model = _model(p, catalogue)
    assert model.plan is not None and model.plan.mix is not None and model.plan.plan is not None
    assert len(model.plan.mix.rows) == len(p.options) == len(model.plan.plan.rows)
    assert model.plan.mix.headers[3].startswith("chat (")
    plans = plan_capacity(p, catalogue)
    for row, plan in zip(model.plan.plan.rows, plans, strict=True):
        if plan.feasible and plan.first is not None:
            assert row[4] == fmt.money(plan.first.cost_usd)
            assert plan.first.cost_usd <= plan.first.all_on_demand_usd + 1e-6
    assert model.plan.chart is not None
    assert max(model.plan.chart.hourly_gpus) <= model.plan.chart.y_ticks[-1][0]
    assert _model(project, catalogue).plan is None


def test_publishers_come_from_the_site_and_dates_from_the_text() -> None:
    from tokentco.present.citations import as_of_text

    spheron = citation(
        "spheron.network/blog/nvidia-h200-vs-b200-vs-gb200 ('All Spheron prices... as of "
        "17 March 2026')",
        "2026-03-17",
    )
    assert spheron is not None and spheron.publisher == "Spheron"
    assert as_of_text("catalog snapshot (commit date not exposed; store crawled <=2026-08)") == (
        "≤ 2026-08"
    )
    assert as_of_text("2026-04") == "2026-04" and as_of_text("n/a") == "undated"

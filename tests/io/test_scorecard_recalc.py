"""Proof that the workbook's formulas are the engine's arithmetic, in three spreadsheet
engines, and that the printed workbook is legible.

Golden cases (the rich default comparison, nothing feasible, a tie, 13 options with
duplicate provider/GPU/term labels, 53 options) are exported once. LibreOffice (headless)
and Gnumeric (``ssconvert --recalc``) recalculate copies saved *without* cached values, so
every figure they report is their own; each is compared with the engine to 0.1 % and with
the values the export cached for non-recalculating readers. A weight and a utilization are
then edited and the ranking must move as the engine predicts. Finally LibreOffice prints
the 5-, 13- and 53-option workbooks to PDF: every word on every page is at least 7 pt high
and nothing is cut with "…". Conversions run once per batch (module-scoped fixtures).
"""

import math
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from tokentco.domain import (
    Catalogue,
    ComparisonOption,
    Criterion,
    Direction,
    LockInRubric,
    Offer,
    OwnedCost,
    PricingModel,
    Project,
)
from tokentco.domain.catalogue import Provenance
from tokentco.engine.evaluate import evaluate
from tokentco.engine.results import Comparison
from tokentco.engine.scoring import Scorecard, score
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.defaults import default_project
from tokentco.io.scorecard_xlsx import build_workbook, write_scorecard

pytestmark = pytest.mark.slow

TOLERANCE = 1e-3


MIN_WORD_PT = 7.0


def uncached(project: Project, comparison: Comparison, path: Path) -> Path:
    """The workbook saved by openpyxl alone: formulas without values, so an application
    that opens it must compute every figure itself."""
    catalogue = project.effective_catalogue(bundled_catalogue())
    build_workbook(project, comparison, catalogue).save(path)
    return path


def rich_project() -> Project:
    """The default comparison plus an owned EUR offer, an analyst criterion and a weak option."""
    owned = Offer(
        id="own-h200-eur",
        accelerator_id="h200-sxm",
        provider="Own DC",
        pricing_model=PricingModel.OWNED,
        currency="EUR",
        system_id="dgx-h200",
        owned=OwnedCost(
            capex_per_gpu=32000,
            depreciation_years=5,
            cost_of_capital=0.09,
            pue=1.35,
            usd_per_kwh=0.11,
            opex_per_gpu_year=2500,
        ),
    )
    imported = Catalogue(
        offers={owned.id: owned},
        provenance={f"offers/{owned.id}": Provenance(origin="imported", file="quotes.xlsx")},
    )
    base = default_project(bundled_catalogue())
    extra = (
        ComparisonOption(
            id="h200-own",
            label="H200 owned (EUR)",
            accelerator_id="h200-sxm",
            offer_id=owned.id,
            accuracy_validated=True,
            lead_time_weeks=16,
            lock_in=LockInRubric(software=2, interconnect=3, supply=2, contract=1),
            manual_values={"support": 4},
        ),
        ComparisonOption(
            id="ghost", label="Unknown hardware", accelerator_id="nope", offer_id="nope"
        ),
    )
    options = (
        tuple(
            o.model_copy(update={"manual_values": {"support": 2 + i}})
            for i, o in enumerate(base.options)
        )
        + extra
    )
    support = Criterion(
        id="support",
        name="Vendor support quality",
        unit="points",
        direction=Direction.HIGHER,
        weight_pct=0,
    )
    return base.model_copy(
        update={"options": options, "imported": imported, "criteria": (*base.criteria, support)}
    )


def engine(project: Project) -> tuple[Comparison, Scorecard]:
    catalogue = project.effective_catalogue(bundled_catalogue())
    comparison = evaluate(project, catalogue)
    return comparison, score(project, comparison)


def nothing_feasible() -> Project:
    base = default_project(bundled_catalogue())
    workload = base.workload.model_copy(update={"max_ttft_ms": 0.001})
    return base.model_copy(update={"workload": workload, "name": "Nothing feasible"})


def tie() -> Project:
    """Twins of the winner (a tie for first place) and of another option (a shared rank
    further down)."""
    base = default_project(bundled_catalogue())
    _, card = engine(base)
    best = base.option(str(card.winner_id))
    other = next(o for o in base.options if o.id != best.id)
    twins = (best.model_copy(update={"id": "twin"}), other.model_copy(update={"id": "twin2"}))
    return base.model_copy(update={"options": (*base.options, *twins), "name": "A tie"})


def many(count: int, name: str) -> Project:
    """``count`` options: the defaults, then catalogue offers labelled only by GPU and term,
    so provider, region and term repeat and the labels must be disambiguated."""
    catalogue = bundled_catalogue()
    base = default_project(catalogue)
    options = list(base.options)
    known = {o.offer_id for o in options}
    for offer in sorted(catalogue.offers.values(), key=lambda o: o.id):
        if len(options) >= count:
            break
        accelerator = catalogue.accelerators.get(offer.accelerator_id)
        if offer.id in known or accelerator is None:
            continue
        label = f"{accelerator.name.split()[0]} {offer.pricing_model.value.replace('_', ' ')}"
        options.append(
            ComparisonOption(
                id=f"o{len(options)}",
                label=label,
                accelerator_id=offer.accelerator_id,
                offer_id=offer.id,
            )
        )
    assert len(options) == count
    return base.model_copy(update={"options": tuple(options), "name": name})


GOLDEN: dict[str, Callable[[], Project]] = {
    "rich": rich_project,
    "none": nothing_feasible,
    "tie": tie,
    "dup13": lambda: many(13, "Thirteen options & duplicate labels"),
    "many53": lambda: many(53, "Fifty-three options"),
}
PRINTED = {"five": 5, "dup13": 13, "many53": 53}


def named(wb: openpyxl.Workbook, name: str) -> list[list[object]]:
    """Cell values of a defined name, as rows."""
    defined = wb.defined_names[name]
    ((sheet, ref),) = list(defined.destinations)
    cells = wb[sheet][ref]
    if not isinstance(cells, tuple):
        return [[cells.value]]
    if not isinstance(cells[0], tuple):
        return [[c.value for c in cells]]
    return [[c.value for c in row] for row in cells]


def close(actual: object, expected: float | None) -> bool:
    if expected is None or (isinstance(expected, float) and not math.isfinite(expected)):
        return actual in (None, "")
    return isinstance(actual, int | float) and math.isclose(
        float(actual), expected, rel_tol=TOLERANCE, abs_tol=1e-9
    )


@dataclass
class Golden:
    project: Project
    comparison: Comparison
    card: Scorecard
    exported: Path
    """The file as shipped (cached values)."""
    libreoffice: Path
    gnumeric: Path


@pytest.fixture(scope="module")
def goldens(tmp_path_factory: pytest.TempPathFactory, office) -> dict[str, Golden]:
    workdir = tmp_path_factory.mktemp("scorecard")
    built = {}
    for key, make in GOLDEN.items():
        project = make()
        comparison, card = engine(project)
        exported = write_scorecard(project, comparison, workdir / f"{key}.xlsx")
        bare = uncached(project, comparison, workdir / f"{key}-bare.xlsx")
        built[key] = (project, comparison, card, exported, bare)
    recalculated = office.soffice([b[4] for b in built.values()], workdir, "xlsx")
    return {
        key: Golden(p, c, card, exported, lo, office.gnumeric(bare, workdir))
        for (key, (p, c, card, exported, bare)), lo in zip(built.items(), recalculated, strict=True)
    }


def engine_checks(comparison: Comparison) -> dict[str, list[float | None]]:
    results = comparison.options
    return {
        "CM_usd_per_gpu_hour": [r.cost.usd_per_gpu_hour for r in results],
        "CM_rental": [r.cost.rental_usd for r in results],
        "CM_capex": [r.cost.capex_usd for r in results],
        "CM_energy": [r.cost.energy_usd for r in results],
        "CM_opex": [r.cost.opex_usd for r in results],
        "CM_usd_per_mtok": [r.usd_per_mtok for r in results],
        "CM_tokens_per_s_per_mw": [r.tokens_per_s_per_mw for r in results],
        "CM_kwh_per_mtok": [r.kwh_per_mtok for r in results],
        "CM_gpus": [r.fleet.gpus if r.fleet else None for r in results],
        "CM_systems": [r.fleet.systems if r.fleet else None for r in results],
        # unknown power: the engine says 0 MW, the workbook leaves the cell empty (unknown)
        "CM_megawatts": [
            r.fleet.megawatts if r.fleet and r.watts_per_gpu_all_in else None for r in results
        ],
        "CM_annual_cost_usd": [r.fleet.annual_cost_usd if r.fleet else None for r in results],
        "CM_contract_value_usd": [r.fleet.contract_value_usd if r.fleet else None for r in results],
    }


_ALWAYS = {"CM_usd_per_gpu_hour", "CM_rental", "CM_capex", "CM_energy", "CM_opex"}


def mismatches_with_engine(wb: openpyxl.Workbook, golden: Golden) -> list[str]:
    comparison, card = golden.comparison, golden.card
    results = comparison.options
    out = []
    for name, expected in engine_checks(comparison).items():
        (row,) = named(wb, name)
        for i, (got, want) in enumerate(zip(row, expected, strict=True)):
            if not results[i].point.feasible and name not in _ALWAYS:
                continue
            if not close(got, want):
                out.append(f"{name}[{results[i].option_id}]: {got} != {want}")
    for name, expected_array in (("SC_Values", card.values), ("SC_Scores", card.scores)):
        grid = named(wb, name)
        for k, crit in enumerate(card.criteria):
            for i in range(len(results)):
                want = float(expected_array[k, i])
                if not close(grid[k][i], want if math.isfinite(want) else None):
                    out.append(f"{name}[{crit.id},{results[i].option_id}]: {grid[k][i]} != {want}")
    (totals,) = named(wb, "SC_Totals")
    (ranks,) = named(wb, "SC_Ranks")
    for i, r in enumerate(results):
        if not close(totals[i], float(card.totals[i])):
            out.append(f"total[{r.option_id}]: {totals[i]} != {card.totals[i]}")
        want_rank = int(card.ranks[i]) if r.point.feasible else "—"
        got = ranks[i]
        got_rank = int(got) if isinstance(got, int | float) else got
        if got_rank != want_rank:
            out.append(f"rank[{r.option_id}]: {ranks[i]} != {want_rank}")
    return out


def errors(wb: openpyxl.Workbook) -> list[str]:
    return [
        f"{ws.title}!{c.coordinate}={c.value}"
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith(("#", "Err:"))
    ]


@pytest.mark.parametrize("key", list(GOLDEN))
@pytest.mark.parametrize("application", ["libreoffice", "gnumeric"])
def test_every_formula_recalculates_to_the_engine_value(
    goldens: dict[str, Golden], key: str, application: str
) -> None:
    golden = goldens[key]
    wb = openpyxl.load_workbook(getattr(golden, application), data_only=True)
    assert errors(wb) == []
    assert mismatches_with_engine(wb, golden) == []


@pytest.mark.parametrize("key", list(GOLDEN))
def test_cached_values_are_what_the_spreadsheets_compute(
    goldens: dict[str, Golden], key: str
) -> None:
    """A reader that does not recalculate sees what LibreOffice and Gnumeric compute."""
    golden = goldens[key]
    cached = openpyxl.load_workbook(golden.exported, data_only=True)
    formulas = openpyxl.load_workbook(golden.exported)
    assert mismatches_with_engine(cached, golden) == []
    apps = [
        openpyxl.load_workbook(p, data_only=True) for p in (golden.libreoffice, golden.gnumeric)
    ]
    differ = []
    for ws in formulas:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type != "f":
                    continue
                mine = cached[ws.title][c.coordinate].value
                for app, wb in zip(("libreoffice", "gnumeric"), apps, strict=True):
                    theirs = wb[ws.title][c.coordinate].value
                    if isinstance(mine, int | float) and not isinstance(mine, bool):
                        ok = close(theirs, float(mine))
                    else:
                        ok = (mine in (None, "") and theirs in (None, "")) or mine == theirs
                    if not ok:
                        differ.append(f"{app} {ws.title}!{c.coordinate}: {theirs!r} != {mine!r}")
    assert differ == []


def test_the_summary_names_the_winner_a_tie_or_no_winner(goldens: dict[str, Golden]) -> None:
    for key, golden in goldens.items():
        wb = openpyxl.load_workbook(golden.libreoffice, data_only=True)
        summary = wb["Summary"]
        results = golden.comparison.options
        feasible = [i for i, r in enumerate(results) if r.point.feasible]
        ranks = [int(golden.card.ranks[i]) for i in feasible]
        shown = [summary.cell(10 + k, 1).value for k in range(len(results))]
        # sorted by rank; options that miss the target come last, unranked
        numeric = [int(v) for v in shown if isinstance(v, int | float)]
        assert numeric == sorted(ranks), key
        assert shown[len(numeric) :] == ["—"] * (len(results) - len(numeric)), key
        winner = str(summary["B5"].value)
        if not feasible:
            assert winner.startswith("none"), key
            assert summary["D5"].value in (None, ""), key
        elif ranks.count(1) > 1:
            labels = named(wb, "SC_Labels")[0]
            tied = [str(labels[i]) for i in feasible if golden.card.ranks[i] == 1]
            assert winner == f"tie: {tied[0]} and {tied[1]}", key
            assert str(summary["B6"].value).startswith("—"), key
        else:
            best = next(i for i in feasible if golden.card.ranks[i] == 1)
            labels = named(wb, "SC_Labels")[0]
            assert winner == labels[best], key


def test_the_tie_and_nothing_feasible_cases_are_what_they_claim(
    goldens: dict[str, Golden],
) -> None:
    assert not any(r.point.feasible for r in goldens["none"].comparison.options)
    tie_ranks = goldens["tie"].card.ranks.tolist()
    assert tie_ranks.count(1) == 2 and any(tie_ranks.count(k) == 2 for k in range(2, 8))


def test_duplicate_labels_are_made_unique(goldens: dict[str, Golden]) -> None:
    for key in ("dup13", "many53", "tie"):
        golden = goldens[key]
        raw = [r.label for r in golden.comparison.options]
        assert len(set(raw)) < len(raw), key  # the case really has duplicates
        wb = openpyxl.load_workbook(golden.exported, data_only=True)
        labels = [str(v).lower() for v in named(wb, "SC_Labels")[0]]
        assert len(set(labels)) == len(labels), key


def test_editing_a_weight_and_a_utilization_moves_the_ranking_like_the_engine(
    goldens: dict[str, Golden], tmp_path: Path, office
) -> None:
    golden = goldens["rich"]
    project, before = golden.project, golden.card
    winner = before.winner_id
    assert winner is not None

    # the committee cuts the winner's utilization and raises the lock-in weight, as far as
    # it takes (the first edit that flips the engine's ranking) so the proof does not
    # depend on today's estimator figures
    def edit(util: float, lock_weight: float) -> Project:
        criteria = tuple(
            c.model_copy(update={"weight_pct": lock_weight}) if c.id == "lock_in" else c
            for c in project.criteria
        )
        options = tuple(
            o.model_copy(
                update={"serving": project.serving_for(o).model_copy(update={"utilization": util})}
            )
            if o.id == winner
            else o
            for o in project.options
        )
        return project.model_copy(update={"criteria": criteria, "options": options})

    for new_util, new_lock_weight in ((0.2, 30.0), (0.1, 30.0), (0.05, 60.0), (0.02, 90.0)):
        comparison, after = engine(edit(new_util, new_lock_weight))
        if after.winner_id != winner:
            break
    assert after.winner_id != winner, "some edit must flip the winner for this proof"

    wb = openpyxl.load_workbook(golden.exported)
    ((sheet, ref),) = list(wb.defined_names["Weight_lock_in"].destinations)
    wb[sheet][ref.replace("$", "")].value = new_lock_weight / 100
    ((sheet, ref),) = list(wb.defined_names["In_utilization"].destinations)
    row = wb[sheet][ref.replace("$", "")][0]
    index = [r.option_id for r in comparison.options].index(winner)
    row[index].value = new_util
    edited_path = tmp_path / "edited.xlsx"
    wb.save(edited_path)
    for recalc_path in (
        office.soffice([edited_path], tmp_path, "xlsx")[0],
        office.gnumeric(edited_path, tmp_path),
    ):
        recalc = openpyxl.load_workbook(recalc_path, data_only=True)
        (ranks,) = named(recalc, "SC_Ranks")
        (totals,) = named(recalc, "SC_Totals")
        (cost,) = named(recalc, "CM_usd_per_mtok")
        feasible = [r.point.feasible for r in comparison.options]
        expected = [int(k) if ok else "—" for k, ok in zip(after.ranks, feasible, strict=True)]
        assert [int(x) if isinstance(x, int | float) else x for x in ranks] == expected
        assert np.allclose(np.array(totals, dtype=float), after.totals, rtol=TOLERANCE)
        assert close(cost[index], comparison.options[index].usd_per_mtok)
        # the raised lock-in weight makes the weights add up to more than 100 %: it says so
        assert str(recalc["Summary"]["B7"].value).startswith("WARNING")
        labels = named(recalc, "SC_Labels")[0]
        ids = [r.option_id for r in comparison.options]
        new_winner = labels[ids.index(str(after.winner_id))]
        assert recalc["Summary"]["B5"].value == new_winner


def test_user_text_stays_text_after_recalculation(tmp_path: Path, office) -> None:
    catalogue = bundled_catalogue()
    project = default_project(catalogue)
    hostile = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(1,2)"]
    options = tuple(
        o.model_copy(update={"label": hostile[i % 4], "accuracy_evidence": hostile[(i + 1) % 4]})
        for i, o in enumerate(project.options)
    )
    project = project.model_copy(
        update={"name": "=1+1", "options": options, "notes": "@cmd|' /C calc'!A0"}
    )
    path = write_scorecard(project, evaluate(project, catalogue), tmp_path / "hostile.xlsx")
    raw = openpyxl.load_workbook(path)
    for ws in raw:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    assert not any(h in str(c.value) for h in hostile), c.coordinate
    recalc = openpyxl.load_workbook(office.soffice([path], tmp_path, "xlsx")[0], data_only=True)
    texts = {
        c.value for ws in recalc for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    }
    assert {h for h in hostile} <= {t.split(" · ")[0] for t in texts}
    assert "=1+1" in texts and 2 not in [recalc["Summary"]["A2"].value]


# --- printing ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, office) -> dict[str, Path]:
    """The 5-, 13- and 53-option workbooks printed to PDF by LibreOffice (one run)."""
    workdir = tmp_path_factory.mktemp("printed")
    sources = []
    for key, count in PRINTED.items():
        project = many(count, f"{count} options & a long name that must not break the header")
        comparison, _ = engine(project)
        sources.append(write_scorecard(project, comparison, workdir / f"{key}.xlsx"))
    return dict(zip(PRINTED, office.soffice(sources, workdir, "pdf"), strict=True))


def words(pdf: Path) -> list[tuple[int, str, float]]:
    """(page, word, height in pt) of every word ``pdftotext -bbox`` finds."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    out = []
    for page, body in enumerate(html.split("<page ")[1:], start=1):
        for y0, y1, word in re.findall(
            r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
            body,
        ):
            out.append((page, word, float(y1) - float(y0)))
    return out


@pytest.mark.parametrize("key", list(PRINTED))
def test_every_printed_page_reads_at_7_pt_or_more(printed: dict[str, Path], key: str) -> None:
    found = words(printed[key])
    pages = {page for page, _, _ in found}
    assert found and pages == set(range(1, max(pages) + 1)), "a page without text"
    small = [(page, word, round(h, 1)) for page, word, h in found if h < MIN_WORD_PT]
    assert small == []
    assert not [w for _, w, _ in found if "…" in w]
    # the frontier data does not print, and the header kept its text
    text = " ".join(w for _, w, _ in found)
    assert "Frontier: the best tokens/s/GPU" not in text
    assert "Fifty" not in text and "&" in text


def test_printing_is_not_dominated_by_data_pages(printed: dict[str, Path]) -> None:
    pages = {key: max(p for p, _, _ in words(pdf)) for key, pdf in printed.items()}
    assert pages["five"] <= 20 and pages["dup13"] <= 40 and pages["many53"] <= 150, pages

"""Proof that the workbook's formulas are the engine's arithmetic.

LibreOffice (headless) recalculates the exported workbook; every formula result is
compared with the engine to 0.1 %.  Then a weight and a utilization are edited in the
file, the workbook is recalculated again, and the ranking must move exactly as the engine
predicts for the same edits.
"""

import math
import shutil
import subprocess
import uuid
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
from tokentco.io.scorecard_xlsx import write_scorecard

pytestmark = pytest.mark.slow

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
TOLERANCE = 1e-3


def recalculate(src: Path, workdir: Path) -> Path:
    """Open ``src`` in LibreOffice headless (recalculating on load) and save it as xlsx."""
    assert SOFFICE, "LibreOffice (soffice) is required for the recalculation proof"
    out = workdir / f"recalc-{uuid.uuid4().hex[:8]}"
    out.mkdir()
    profile = workdir / f"lo-profile-{uuid.uuid4().hex[:8]}"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--calc",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    result = out / src.name
    assert result.exists(), f"LibreOffice produced no {result.name}"
    return result


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


def close(actual: object, expected: float) -> bool:
    if expected is None or (isinstance(expected, float) and not math.isfinite(expected)):
        return actual in (None, "")
    return isinstance(actual, int | float) and math.isclose(
        float(actual), expected, rel_tol=TOLERANCE, abs_tol=1e-9
    )


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Project]:
    workdir = tmp_path_factory.mktemp("scorecard")
    project = rich_project()
    comparison, _ = engine(project)
    path = write_scorecard(project, comparison, workdir / "scorecard.xlsx")
    return workdir, path, project


def test_every_formula_recalculates_to_the_engine_value(
    exported: tuple[Path, Path, Project],
) -> None:
    workdir, path, project = exported
    comparison, card = engine(project)
    formulas = openpyxl.load_workbook(path)
    n_formulas = sum(
        1 for ws in formulas for row in ws.iter_rows() for c in row if c.data_type == "f"
    )
    assert n_formulas > 100
    wb = openpyxl.load_workbook(recalculate(path, workdir), data_only=True)
    errors = [
        f"{ws.title}!{c.coordinate}={c.value}"
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith(("#", "Err:"))
    ]
    assert errors == []
    results = comparison.options
    checks = {
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
        "CM_megawatts": [r.fleet.megawatts if r.fleet else None for r in results],
        "CM_annual_cost_usd": [r.fleet.annual_cost_usd if r.fleet else None for r in results],
        "CM_contract_value_usd": [r.fleet.contract_value_usd if r.fleet else None for r in results],
    }
    owned = next(r for r in results if r.option_id == "h200-own")
    assert owned.cost.capex_usd > 0 and owned.cost.energy_usd > 0  # the annuity is exercised
    mismatches = []
    for name, expected in checks.items():
        (row,) = named(wb, name)
        for i, (got, want) in enumerate(zip(row, expected, strict=True)):
            if not results[i].point.feasible and name not in (
                "CM_usd_per_gpu_hour",
                "CM_rental",
                "CM_capex",
                "CM_energy",
                "CM_opex",
            ):
                continue
            if not close(got, want):  # type: ignore[arg-type]
                mismatches.append(f"{name}[{results[i].option_id}]: {got} != {want}")
    for name, expected_array in (("SC_Values", card.values), ("SC_Scores", card.scores)):
        grid = named(wb, name)
        for k, crit in enumerate(card.criteria):
            for i in range(len(results)):
                want = float(expected_array[k, i])
                if not close(grid[k][i], want if math.isfinite(want) else None):  # type: ignore[arg-type]
                    mismatches.append(
                        f"{name}[{crit.id},{results[i].option_id}]: {grid[k][i]} != {want}"
                    )
    (totals,) = named(wb, "SC_Totals")
    (ranks,) = named(wb, "SC_Ranks")
    for i, r in enumerate(results):
        if not close(totals[i], float(card.totals[i])):
            mismatches.append(f"total[{r.option_id}]: {totals[i]} != {card.totals[i]}")
    assert mismatches == []
    assert [int(x) for x in ranks] == card.ranks.tolist()  # type: ignore[call-overload]
    summary = wb["Summary"]
    winner = next(r.label for r in results if r.option_id == card.winner_id)
    assert summary["B5"].value == winner


def test_editing_a_weight_and_a_utilization_moves_the_ranking_like_the_engine(
    exported: tuple[Path, Path, Project],
) -> None:
    workdir, path, project = exported
    _, before = engine(project)
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

    wb = openpyxl.load_workbook(path)
    ((sheet, ref),) = list(wb.defined_names["Weight_lock_in"].destinations)
    wb[sheet][ref.replace("$", "")].value = new_lock_weight / 100
    ((sheet, ref),) = list(wb.defined_names["In_utilization"].destinations)
    row = wb[sheet][ref.replace("$", "")][0]
    index = [r.option_id for r in comparison.options].index(winner)
    row[index].value = new_util
    edited_path = workdir / "edited.xlsx"
    wb.save(edited_path)
    recalc = openpyxl.load_workbook(recalculate(edited_path, workdir), data_only=True)
    (ranks,) = named(recalc, "SC_Ranks")
    (totals,) = named(recalc, "SC_Totals")
    (cost,) = named(recalc, "CM_usd_per_mtok")
    assert [int(x) for x in ranks] == after.ranks.tolist()  # type: ignore[call-overload]
    assert np.allclose(np.array(totals, dtype=float), after.totals, rtol=TOLERANCE)
    assert close(cost[index], comparison.options[index].usd_per_mtok)
    # the raised lock-in weight makes the weights add up to more than 100 %: the check says so
    assert str(recalc["Summary"]["B7"].value).startswith("WARNING")
    new_winner = next(r.label for r in comparison.options if r.option_id == after.winner_id)
    assert recalc["Summary"]["B5"].value == new_winner


def test_user_text_stays_text_after_recalculation(tmp_path: Path) -> None:
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
    recalc = openpyxl.load_workbook(recalculate(path, tmp_path), data_only=True)
    texts = {
        c.value for ws in recalc for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    }
    assert set(hostile) <= texts
    assert "=1+1" in texts and 2 not in [recalc["Summary"]["A2"].value]

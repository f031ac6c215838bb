"""The workbook's Plan sheet: the capacity plan as live formulas that LibreOffice, Gnumeric
and non-recalculating readers all compute as the engine (engine/plan.py) does.

Two golden projects: the default comparison over a business-hours week with growth, price
erosion and no spot (some options have no base offer, one is all base), and a two-level
day where burst may use spot, plus an option that cannot be planned. Each is exported
(cached values) and saved bare (formulas only) for LibreOffice and Gnumeric to recalculate
on their own; every plan figure must equal the engine's to 0.1 %. Editing a base price in
the bare file must move year 1 exactly as re-running the engine at that price does (the
base is re-chosen, not just re-priced).
"""

import math
import re
import subprocess
import zipfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from tokentco.domain import Catalogue, ComparisonOption, DemandProfile, Project
from tokentco.domain.mix import PRESETS, business_hours, profile_preset
from tokentco.engine.evaluate import evaluate
from tokentco.engine.mix import MixComparison, PoolFigures, evaluate_mix
from tokentco.engine.plan import CapacityPlan, plan_capacity
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.defaults import default_project
from tokentco.io.scorecard_xlsx import SHEETS, build_workbook, write_scorecard

pytestmark = pytest.mark.slow

TOLERANCE = 1e-3
MIN_WORD_PT = 7.0


def week_project() -> Project:
    """A business-hours week with a ripple, so it has many distinct loads (rounding to
    whole replicas is tested at each) rather than the preset's three."""
    base = default_project(bundled_catalogue())
    week = business_hours(200_000.0).tokens_per_s
    profile = DemandProfile(
        tokens_per_s=tuple(v * (1 + 0.02 * (h % 5)) for h, v in enumerate(week)),
        growth_per_year=0.3,
        cost_of_capital=0.07,
        use_spot=False,
    )
    return base.model_copy(
        update={"demand_profile": profile, "price_erosion_per_year": 0.1, "name": "Plan & week"}
    )


def spot_day_project() -> Project:
    base = default_project(bundled_catalogue())
    ghost = ComparisonOption(
        id="ghost", label="Unknown hardware", accelerator_id="nope", offer_id="nope"
    )
    profile = DemandProfile(
        tokens_per_s=(150_000.0,) * 8 + (30_000.0,) * 16,
        growth_per_year=0.5,
        cost_of_capital=0.1,
        use_spot=True,
        spot_preemption_share=0.2,
    )
    return base.model_copy(
        update={
            "options": (*base.options, ghost),
            "demand_profile": profile,
            "name": "Plan, spot day",
        }
    )


def mix_project() -> Project:
    """Three classes (one multi-turn agentic) on a follow-the-sun week: the plan sizes the
    mix's pool, and the Mix sheet blends the classes."""
    base = default_project(bundled_catalogue())
    classes = tuple(
        PRESETS[name].model_copy(update={"share": share})
        for name, share in (("chat", 0.4), ("reasoning", 0.4), ("agentic", 0.2))
    )
    return base.model_copy(
        update={
            "workload_classes": classes,
            "demand_profile": profile_preset("follow the sun", 120_000.0),
            "name": "Plan and mix",
        }
    )


GOLDEN = {"week": week_project, "spot_day": spot_day_project, "mix": mix_project}
SHEETS_CHECKED = ("Plan", "Plan hours", "Mix")


@dataclass
class Golden:
    project: Project
    catalogue: Catalogue
    plans: tuple[CapacityPlan, ...]
    exported: Path
    bare: Path
    libreoffice: Path
    gnumeric: Path


@pytest.fixture(scope="module")
def goldens(tmp_path_factory: pytest.TempPathFactory, office) -> dict[str, Golden]:
    workdir = tmp_path_factory.mktemp("plan")
    built = {}
    for key, make in GOLDEN.items():
        project = make()
        catalogue = project.effective_catalogue(bundled_catalogue())
        comparison = evaluate(project, catalogue)
        plans = plan_capacity(project, catalogue, comparison.calibration)
        exported = write_scorecard(project, comparison, workdir / f"{key}.xlsx", catalogue)
        bare = workdir / f"{key}-bare.xlsx"
        build_workbook(project, comparison, catalogue).save(bare)
        built[key] = (project, catalogue, plans, exported, bare)
    recalculated = office.soffice([b[4] for b in built.values()], workdir, "xlsx")
    return {
        key: Golden(*parts, lo, office.gnumeric(parts[4], workdir))
        for (key, parts), lo in zip(built.items(), recalculated, strict=True)
    }


def named_row(wb: openpyxl.Workbook, name: str) -> list[object]:
    ((sheet, ref),) = list(wb.defined_names[name].destinations)
    cells = wb[sheet][ref.replace("$", "")]
    return [c.value for c in (cells[0] if isinstance(cells[0], tuple) else cells)]


def close(actual: object, expected: float) -> bool:
    if not math.isfinite(expected):
        return actual in (None, "")  # no such offer: the sheet leaves the figure empty
    return isinstance(actual, int | float) and math.isclose(
        float(actual), expected, rel_tol=TOLERANCE, abs_tol=1e-6
    )


def engine_figures(plan: CapacityPlan) -> dict[str, float]:
    out: dict[str, float] = {}
    for y in plan.years:
        out[f"PL_y{y.year}_base_gpus"] = y.base_gpus
        out[f"PL_y{y.year}_peak_gpus"] = y.peak_gpus
        out[f"PL_y{y.year}_burst_hours"] = y.burst_gpu_hours
        out[f"PL_y{y.year}_burst_price"] = y.burst_usd_per_gpu_hour
        out[f"PL_y{y.year}_cost"] = y.cost_usd
        out[f"PL_y{y.year}_all_od"] = y.all_on_demand_usd
        out[f"PL_y{y.year}_all_base"] = y.all_base_usd
    out["PL_npv"] = plan.npv_usd
    out["PL_npv_all_od"] = plan.all_on_demand_npv_usd
    out["PL_npv_all_base"] = plan.all_base_npv_usd
    return out


def mismatches(wb: openpyxl.Workbook, plans: tuple[CapacityPlan, ...]) -> list[str]:
    out = []
    planned = [p for p in plans if p.feasible]
    assert planned and all(len(p.years) == len(planned[0].years) for p in planned)
    for name in engine_figures(planned[0]):
        row = named_row(wb, name)
        for i, plan in enumerate(plans):
            if not plan.feasible:
                if row[i] not in (None, ""):
                    out.append(f"{name}[{plan.option_id}] unplanned but shows {row[i]!r}")
                continue
            want = engine_figures(plan)[name]
            if not close(row[i], want):
                out.append(f"{name}[{plan.option_id}]: {row[i]!r} != {want}")
    return out


def errors(wb: openpyxl.Workbook) -> list[str]:
    return [
        f"{ws.title}!{c.coordinate}={c.value}"
        for ws in wb
        if ws.title in SHEETS_CHECKED
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith(("#", "Err:"))
    ]


def test_the_plan_sheet_appears_only_with_a_demand_profile(goldens: dict[str, Golden]) -> None:
    wb = openpyxl.load_workbook(goldens["week"].exported)
    assert wb.sheetnames == [*SHEETS[:4], "Plan", *SHEETS[4:], "Plan hours"]
    assert openpyxl.load_workbook(goldens["mix"].exported).sheetnames == [
        *SHEETS[:4],
        "Plan",
        "Mix",
        *SHEETS[4:],
        "Plan hours",
    ]
    assert wb["Plan hours"].sheet_state == "hidden" and wb["Plan"].sheet_state == "visible"
    ws = wb["Plan"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_cols.replace("$", "") == "A:B"
    # the engine varies between the cases: base used, all base, no base offer, spot, unplanned
    week, day = goldens["week"].plans, goldens["spot_day"].plans
    firsts = [p.first for p in week if p.first]
    assert any(0 < y.base_gpus < y.peak_gpus for y in firsts)
    assert any(y.base_gpus >= y.peak_gpus for y in firsts)
    assert any(not math.isfinite(p.prices.base_usd_per_gpu_hour) for p in week)
    assert not day[-1].feasible and any(p.prices.spot_offer_id for p in day)
    catalogue = bundled_catalogue()
    plain = default_project(catalogue)
    assert plain.demand_profile is None
    assert tuple(build_workbook(plain, evaluate(plain, catalogue)).sheetnames) == SHEETS


def test_inputs_are_editable_cells_and_figures_are_formulas(goldens: dict[str, Golden]) -> None:
    golden = goldens["week"]
    wb = openpyxl.load_workbook(golden.exported)
    for name in ("PL_base_price", "PL_od_price", "PL_tps", "PL_replica", "PL_step"):
        ((sheet, ref),) = list(wb.defined_names[name].destinations)
        for cell in wb[sheet][ref.replace("$", "")][0]:
            assert cell.data_type != "f" and cell.fill.fgColor.rgb.endswith("FFF2CC"), name
    for name in ("PL_Growth", "PL_Erosion", "PL_CostOfCapital", "PL_UseSpot", "PL_Preemption"):
        ((sheet, ref),) = list(wb.defined_names[name].destinations)
        assert wb[sheet][ref.replace("$", "")].data_type != "f", name
    for name in engine_figures(golden.plans[0]):
        row = named_row(wb, name)
        assert all(isinstance(v, str) and v.startswith("=") for v in row), name
    # the profile as its distinct loads, highest first, with the hours at each
    profile = golden.project.demand_profile
    assert profile is not None
    loads = Counter(profile.tokens_per_s)
    rows = [(r[0].value, r[1].value) for r in wb["Plan hours"].iter_rows(min_row=5, max_col=2)]
    # at 15 significant digits, as a cell keeps them (32400.000000000004 is 32400)
    merged = Counter(float(f"{t:.15g}") for t in profile.tokens_per_s)
    assert rows == sorted(merged.items(), reverse=True)
    assert sum(loads.values()) == sum(n for _, n in rows) == 168
    assert 10 < len(rows) < 168
    assert "ROUNDUP(" in str(wb["Plan hours"]["D5"].value)


@pytest.mark.parametrize("key", list(GOLDEN))
def test_a_reader_that_does_not_recalculate_sees_the_engine_plan(
    goldens: dict[str, Golden], key: str
) -> None:
    golden = goldens[key]
    wb = openpyxl.load_workbook(golden.exported, data_only=True)
    assert errors(wb) == []
    assert mismatches(wb, golden.plans) == []
    # year 1's GPU-hours at each load (the running total's step there) are the engine's GPUs
    # needed in every hour at that load, times those hours
    profile = golden.project.demand_profile
    assert profile is not None
    hours = wb["Plan hours"]
    last = hours.max_row
    loads = [hours.cell(r, 1).value for r in range(5, last + 1)]
    col = 4
    for plan in golden.plans:
        if not plan.feasible:
            continue
        total = [hours.cell(r, col).value for r in range(5, last + 1)]
        steps = [b - a for a, b in zip([0.0, *total[:-1]], total, strict=True)]
        want = [0.0] * len(loads)
        for t, gpus in zip(profile.tokens_per_s, plan.hourly_gpus, strict=True):
            want[loads.index(float(f"{t:.15g}"))] += gpus
        assert steps == want, plan.option_id
        col += len(plan.years)


@pytest.mark.parametrize("key", list(GOLDEN))
@pytest.mark.parametrize("application", ["libreoffice", "gnumeric"])
def test_libreoffice_and_gnumeric_recalculate_the_engine_plan(
    goldens: dict[str, Golden], key: str, application: str
) -> None:
    golden = goldens[key]
    wb = openpyxl.load_workbook(getattr(golden, application), data_only=True)
    assert errors(wb) == []
    assert mismatches(wb, golden.plans) == []


@pytest.mark.parametrize("key", list(GOLDEN))
def test_every_cached_plan_value_is_what_the_spreadsheets_compute(
    goldens: dict[str, Golden], key: str
) -> None:
    golden = goldens[key]
    formulas = openpyxl.load_workbook(golden.exported)
    cached = openpyxl.load_workbook(golden.exported, data_only=True)
    apps = {
        "libreoffice": openpyxl.load_workbook(golden.libreoffice, data_only=True),
        "gnumeric": openpyxl.load_workbook(golden.gnumeric, data_only=True),
    }
    differ, checked = [], 0
    for title in [t for t in SHEETS_CHECKED if t in formulas.sheetnames]:
        for row in formulas[title].iter_rows():
            for c in row:
                if c.data_type != "f":
                    continue
                checked += 1
                mine = cached[title][c.coordinate].value
                for app, wb in apps.items():
                    theirs = wb[title][c.coordinate].value
                    if isinstance(mine, int | float) and not isinstance(mine, bool):
                        ok = close(theirs, float(mine))
                    else:
                        ok = (mine in (None, "") and theirs in (None, "")) or mine == theirs
                    if not ok:
                        differ.append(f"{app} {title}!{c.coordinate}: {theirs!r} != {mine!r}")
    assert checked > 300
    assert differ == []


def test_editing_the_base_price_moves_year_1_as_the_engine_does(
    goldens: dict[str, Golden], tmp_path: Path, office
) -> None:
    """The reserved H100 offer gets cheaper: the engine re-plans with more base GPUs and a
    lower cost; the sheet, with only the base-price cell edited, must agree."""
    golden = goldens["week"]
    index = next(
        i
        for i, p in enumerate(golden.plans)
        if p.feasible and 0 < p.years[0].base_gpus < p.years[0].peak_gpus
    )
    before = golden.plans[index]
    offer_id = before.prices.base_offer_id
    offer = golden.catalogue.offers[offer_id]
    assert offer.price_per_gpu_hour is not None

    def replan(factor: float) -> CapacityPlan:
        assert offer.price_per_gpu_hour is not None
        cheaper = offer.model_copy(update={"price_per_gpu_hour": offer.price_per_gpu_hour * factor})
        imported = golden.project.imported.model_copy(
            update={"offers": {**golden.project.imported.offers, offer_id: cheaper}}
        )
        project = golden.project.model_copy(update={"imported": imported})
        return plan_capacity(project, project.effective_catalogue(bundled_catalogue()))[index]

    # as cheap as it takes for the engine to choose another base (the first such cut), so
    # the proof does not hinge on today's prices: a re-priced old base would then be wrong
    for factor in (0.8, 0.6, 0.4, 0.2):
        after = replan(factor)
        if after.years[0].base_gpus != before.years[0].base_gpus:
            break
    assert after.years[0].base_gpus > before.years[0].base_gpus
    assert after.years[0].cost_usd < before.years[0].cost_usd
    new_price = after.prices.base_usd_per_gpu_hour
    assert new_price < before.prices.base_usd_per_gpu_hour

    wb = openpyxl.load_workbook(golden.bare)
    ((sheet, ref),) = list(wb.defined_names["PL_base_price"].destinations)
    wb[sheet][ref.replace("$", "")][0][index].value = new_price
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    (lo,) = office.soffice([edited], tmp_path, "xlsx")
    for path in (lo, office.gnumeric(edited, tmp_path)):
        recalc = openpyxl.load_workbook(path, data_only=True)
        assert errors(recalc) == []
        first = after.years[0]
        for name, want in (
            ("PL_y1_base_gpus", first.base_gpus),
            ("PL_y1_burst_hours", first.burst_gpu_hours),
            ("PL_y1_cost", first.cost_usd),
            ("PL_y1_all_base", first.all_base_usd),
            ("PL_y1_all_od", first.all_on_demand_usd),
        ):
            got = named_row(recalc, name)[index]
            assert close(got, want), f"{path.name} {name}: {got} != {want}"


SCHEMAS = Path(__file__).resolve().parents[1] / "ooxml" / "schemas"
ISO = SCHEMAS / "ISO-IEC29500-4_2016"
OPC = SCHEMAS / "ecma" / "fouth-edition"
SCHEMA_FOR = {
    "http://schemas.openxmlformats.org/package/2006/content-types": OPC / "opc-contentTypes.xsd",
    "http://schemas.openxmlformats.org/package/2006/relationships": OPC / "opc-relationships.xsd",
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties": OPC
    / "opc-coreProperties-local.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties": ISO
    / "shared-documentPropertiesExtended.xsd",
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": ISO / "sml.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/main": ISO / "dml-main.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing": ISO
    / "dml-spreadsheetDrawing.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/chart": ISO / "dml-chart.xsd",
}


@pytest.mark.parametrize("key", list(GOLDEN))
def test_every_xml_part_is_valid_ecma_376(goldens: dict[str, Golden], key: str) -> None:
    problems, checked = [], 0
    with zipfile.ZipFile(goldens[key].exported) as z:
        for name in z.namelist():
            if not name.endswith((".xml", ".rels")):
                continue
            tree = etree.fromstring(z.read(name), etree.XMLParser(resolve_entities=False))
            xsd = SCHEMA_FOR.get(etree.QName(tree).namespace or "")
            assert xsd is not None, f"{name}: no schema for {tree.tag}"
            schema = etree.XMLSchema(etree.parse(str(xsd)))
            if not schema.validate(etree.ElementTree(tree)):
                problems += [f"{name}:{e.line}: {e.message}" for e in schema.error_log]
            checked += 1
    assert checked >= 17  # the two plan sheets are among them
    assert problems == []
    names = [n.lower() for n in openpyxl.load_workbook(goldens[key].exported).defined_names]
    assert len(names) == len(set(names)) and max(map(len, names)) <= 255


def test_the_printed_plan_and_mix_read_at_7_pt_or_more_in_landscape(
    goldens: dict[str, Golden], tmp_path: Path, office
) -> None:
    """LibreOffice prints the week and mix workbooks (File ▸ Print of every visible sheet):
    every page landscape, every word at least 7 pt, nothing cut with "…", the Plan and Mix
    sheets among the pages and the hidden hourly table not."""
    sources = [goldens["week"].exported, goldens["mix"].exported]
    for key, pdf in zip(("week", "mix"), office.soffice(sources, tmp_path, "pdf"), strict=True):
        html = subprocess.run(
            ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        sheets: Counter[str] = Counter()
        small = []
        for number, body in enumerate(html.split("<page ")[1:], start=1):
            size = re.match(r'width="([\d.]+)" height="([\d.]+)"', body)
            assert size is not None
            assert float(size.group(1)) > float(size.group(2)), f"{key} page {number}: portrait"
            words = re.findall(
                r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">'
                r"([^<]*)</word>",
                body,
            )
            text = " ".join(w for _, _, w in words)
            sheets.update(name for name in ("Plan", "Mix") if f"{name} —" in text)
            small += [
                (number, w, round(float(b) - float(a), 1))
                for a, b, w in words
                if float(b) - float(a) < MIN_WORD_PT
            ]
            assert "…" not in text, f"{key} page {number}"
            assert "burst above the low base" not in text, "the hourly sheet must not print"
        assert sheets["Plan"] >= 1, key
        assert (sheets["Mix"] >= 1) == (key == "mix"), key
        assert small == [], key


# --- the Mix sheet -------------------------------------------------------------------------


def mix_figures(mix: MixComparison) -> dict[str, list[float]]:
    out = {"MX_blend": [m.usd_per_mtok for m in mix.options]}
    for k in range(len(mix.options[0].pool.classes)):
        out[f"MX_usd_per_mtok_{k + 1}"] = [
            m.pool.classes[k].usd_per_mtok if m.pool.classes[k].feasible else math.inf
            for m in mix.options
        ]
    return out


@pytest.mark.parametrize("application", ["exported", "libreoffice", "gnumeric"])
def test_the_mix_sheet_blends_the_classes_as_the_engine_does(
    goldens: dict[str, Golden], application: str
) -> None:
    golden = goldens["mix"]
    mix = evaluate_mix(golden.project, golden.catalogue)
    assert any(m.pool.classes[2].session is not None for m in mix.options)  # multi-turn
    wb = openpyxl.load_workbook(getattr(golden, application), data_only=True)
    assert errors(wb) == []
    # the sheet shows the arrangement the engine chose (whichever it is today)
    shown = named_row(wb, "MX_arrangement")
    assert shown == [
        "separate pools" if m.chosen == "separate" else "one shared pool" for m in mix.options
    ]
    bad = []
    for name, expected in mix_figures(mix).items():
        for i, (got, want) in enumerate(zip(named_row(wb, name), expected, strict=True)):
            if not close(got, want):
                bad.append(f"{name}[{mix.options[i].option_id}]: {got!r} != {want}")
    assert bad == []
    # the plan sized the mix's pool, not the single workload
    plans = golden.plans
    assert [p.tokens_per_s_per_gpu for p in plans if p.feasible] == [
        m.pool.output_tokens_per_s_per_gpu for m in mix.options if m.feasible
    ]


def test_editing_a_share_moves_the_blend_as_the_engine_does(
    goldens: dict[str, Golden], tmp_path: Path, office
) -> None:
    """Chat 40 % → 20 %, reasoning 40 % → 60 %: the engine's blend of the same classes at the new
    shares (the arrangement stays as chosen; the sheet says it does not re-choose it)."""
    golden = goldens["mix"]
    mix = evaluate_mix(golden.project, golden.catalogue)
    new_shares = (0.2, 0.6, 0.2)

    def reblend(pool: PoolFigures) -> float:
        classes = tuple(replace(c, share=s) for c, s in zip(pool.classes, new_shares, strict=True))
        return replace(pool, classes=classes).usd_per_mtok

    expected = [reblend(m.pool) for m in mix.options]
    assert any(  # the edit moves the blend (an option whose classes cost alike may not)
        not math.isclose(a, m.usd_per_mtok, rel_tol=0.01)
        for a, m in zip(expected, mix.options, strict=True)
        if m.feasible
    )
    wb = openpyxl.load_workbook(golden.bare)
    ((sheet, ref),) = list(wb.defined_names["MX_Shares"].destinations)
    for cell, share in zip(wb[sheet][ref.replace("$", "")], new_shares, strict=True):
        cell[0].value = share
    edited = tmp_path / "shares.xlsx"
    wb.save(edited)
    (lo,) = office.soffice([edited], tmp_path, "xlsx")
    for path in (lo, office.gnumeric(edited, tmp_path)):
        recalc = openpyxl.load_workbook(path, data_only=True)
        got = named_row(recalc, "MX_blend")
        assert all(close(g, e) for g, e in zip(got, expected, strict=True)), (path.name, got)


def test_when_no_option_can_be_planned_the_sheet_says_why(tmp_path: Path) -> None:
    """Nothing meets the latency target: every option is marked not planned with the
    reason, the term still has its years, and no per-option figure is a formula."""
    catalogue = bundled_catalogue()
    base = default_project(catalogue)
    workload = base.workload.model_copy(update={"max_ttft_ms": 0.001})
    project = base.model_copy(
        update={"workload": workload, "demand_profile": business_hours(1000.0)}
    )
    effective = project.effective_catalogue(catalogue)
    comparison = evaluate(project, effective)
    assert not any(p.feasible for p in plan_capacity(project, effective))
    path = write_scorecard(project, comparison, tmp_path / "none.xlsx", effective)
    wb = openpyxl.load_workbook(path)
    planned = named_row(wb, "PL_planned")
    assert all(str(v).startswith("no: ") and len(str(v)) > 4 for v in planned)
    assert [r.option_id for r in comparison.options] and len(planned) == len(comparison.options)
    for name in ("PL_y1_cost", "PL_y3_cost", "PL_npv"):
        assert named_row(wb, name) == [None] * len(planned), name
    assert errors(openpyxl.load_workbook(path, data_only=True)) == []

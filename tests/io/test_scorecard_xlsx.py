"""Structure of the scorecard workbook: sheets, names, validation, formats, print set-up."""

import html
import os
import re
import stat
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

import tokentco
from tokentco.domain import Criterion, Direction, Project
from tokentco.engine.evaluate import evaluate
from tokentco.engine.results import Range, Uncertainty
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.defaults import default_project
from tokentco.io.scorecard_xlsx import SHEETS, put_text, safe_text, write_scorecard


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, openpyxl.Workbook]:
    catalogue = bundled_catalogue()
    project = default_project(catalogue)
    path = write_scorecard(
        project, evaluate(project, catalogue), tmp_path_factory.mktemp("x") / "card.xlsx"
    )
    return path, openpyxl.load_workbook(path)


def test_sheets_in_order(workbook: tuple[Path, openpyxl.Workbook]) -> None:
    _, wb = workbook
    assert tuple(wb.sheetnames) == SHEETS
    assert wb.calculation.fullCalcOnLoad


def test_named_ranges_for_inputs_and_weights(workbook: tuple[Path, openpyxl.Workbook]) -> None:
    _, wb = workbook
    names = set(wb.defined_names.keys())
    assert {
        "Weights",
        "Weight_usd_per_mtok",
        "Weight_lock_in",
        "In_utilization",
        "In_price",
        "In_tps",
        "In_pue",
        "ISL",
        "OSL",
        "TokensPerDay",
        "CM_usd_per_mtok",
        "CM_usd_per_gpu_hour",
        "SC_Totals",
        "SC_Ranks",
        "SC_Scores",
    } <= names
    ((sheet, ref),) = list(wb.defined_names["Weights"].destinations)
    assert sheet == "Scorecard" and ref.startswith("$B$")


def test_cost_and_scores_are_formulas(workbook: tuple[Path, openpyxl.Workbook]) -> None:
    _, wb = workbook
    ((sheet, ref),) = list(wb.defined_names["CM_usd_per_mtok"].destinations)
    cells = wb[sheet][ref.replace("$", "")][0]
    assert all(c.data_type == "f" for c in cells)
    assert "*3600*" in cells[0].value and "Inputs!" in cells[0].value
    ((sheet, ref),) = list(wb.defined_names["SC_Totals"].destinations)
    totals = wb[sheet][ref.replace("$", "")][0]
    assert all("SUMPRODUCT" in c.value for c in totals)
    ((sheet, ref),) = list(wb.defined_names["SC_Ranks"].destinations)
    ranks = wb[sheet][ref.replace("$", "")][0]
    assert all(c.value.startswith("=IF(") and "RANK(" in c.value for c in ranks)
    capex = wb["Cost model"]
    assert any("(1-(1+" in str(c.value) for row in capex.iter_rows() for c in row)


def test_data_validation(workbook: tuple[Path, openpyxl.Workbook]) -> None:
    _, wb = workbook
    weights = wb["Scorecard"].data_validations.dataValidation
    assert any(
        dv.type == "decimal" and dv.formula1 == "0" and dv.formula2 == "1" and "B5" in str(dv.sqref)
        for dv in weights
    )
    inputs = wb["Inputs"].data_validations.dataValidation
    rubric = [dv for dv in inputs if dv.type == "whole"]
    assert rubric and rubric[0].formula1 == "1" and rubric[0].formula2 == "5"
    ((_, ref),) = list(wb.defined_names["In_accuracy_risk"].destinations)
    first = ref.split(":")[0].replace("$", "")
    assert any(first in str(dv.sqref) for dv in rubric)


def test_weight_check_and_conditional_formats(workbook: tuple[Path, openpyxl.Workbook]) -> None:
    _, wb = workbook
    sc = wb["Scorecard"]
    checks = [
        c
        for row in sc.iter_rows()
        for c in row
        if isinstance(c.value, str) and "WARNING: the weights add up" in c.value
    ]
    assert len(checks) == 1
    rules = [r for rng in sc.conditional_formatting for r in rng.rules]
    assert any(r.type == "colorScale" for r in rules)
    assert any(r.type == "expression" and "MIN(" in r.formula[0] for r in rules)
    assert any(r.type == "expression" and "MAX(" in r.formula[0] for r in rules)


def test_frozen_panes_print_setup_and_properties(workbook: tuple[Path, openpyxl.Workbook]) -> None:
    _, wb = workbook
    for ws in wb:
        # printed at a fixed legible scale, never shrunk to one page width
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.scale) >= 80 and not ws.sheet_properties.pageSetUpPr.fitToPage
        assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
        assert "DeepSeek-R1" in ws.oddHeader.left.text and ws.oddHeader.right.text == "&D"
        if ws.title != "Methodology":
            assert ws.freeze_panes is not None
            assert ws.print_title_rows
    for title in ("Scorecard", "Inputs", "Cost model"):
        assert wb[title].print_title_cols, title  # the row labels repeat on every page
    assert [ws.title for ws in wb if ws.sheet_state != "visible"] == ["Frontier data"]
    assert wb.properties.creator == f"TokenTCO {tokentco.__version__}"
    assert "DeepSeek-R1" in wb.properties.title


def test_native_charts_on_summary(workbook: tuple[Path, openpyxl.Workbook]) -> None:
    path, _ = workbook
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2
        xml = z.read(charts[0]).decode()
        assert "barChart" in xml and "Summary" in xml


def test_throughput_figures_are_labelled(workbook: tuple[Path, openpyxl.Workbook]) -> None:
    _, wb = workbook
    ws = wb["Throughput"]
    labels = [ws.cell(r, 2).value for r in range(5, 10)]
    assert all(
        str(v).startswith(("measured", "anchored", f"estimated ({tokentco.MODEL_VERSION})"))
        for v in labels
    )
    frontier = wb["Frontier data"]
    assert tokentco.MODEL_VERSION in str(frontier["A2"].value)
    assert frontier.max_row > 20 and isinstance(frontier["C6"].value, float)


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-3", "@x", "\tcmd"])
def test_put_text_escapes_formula_like_text(text: str) -> None:
    ws = openpyxl.Workbook().active
    assert ws is not None
    cell = put_text(ws, 1, 1, text)
    assert cell.data_type == "s" and cell.value == text and cell.quotePrefix


def test_save_is_atomic_and_replaces(tmp_path: Path) -> None:
    catalogue = bundled_catalogue()
    project = default_project(catalogue)
    target = tmp_path / "card.xlsx"
    target.write_bytes(b"old")
    write_scorecard(project, evaluate(project, catalogue), target)
    assert zipfile.is_zipfile(target)
    assert [p.name for p in tmp_path.iterdir()] == ["card.xlsx"]


def test_every_formula_cell_carries_its_value(workbook: tuple[Path, openpyxl.Workbook]) -> None:
    path, _ = workbook
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(z.read(n).decode("utf-8") for n in sheets)
    formulas = xml.count("<f>")
    assert formulas > 100
    assert "<v/>" not in xml
    assert xml.count("</f><v>") == formulas
    # an empty cached value is only ever an empty string (t="str"), never a missing number
    empty = re.findall(r'<c r="[A-Z]+\d+"([^>]*)><f>[^<]*</f><v></v>', xml)
    assert all('t="str"' in attrs for attrs in empty)


def test_a_reader_that_does_not_recalculate_sees_the_engine_figures(
    workbook: tuple[Path, openpyxl.Workbook],
) -> None:
    path, _ = workbook
    catalogue = bundled_catalogue()
    project = default_project(catalogue)
    comparison = evaluate(project, catalogue)
    values = openpyxl.load_workbook(path, data_only=True)
    sheet, ref = next(iter(values.defined_names["CM_usd_per_mtok"].destinations))
    cells = values[sheet][ref.replace("$", "")][0]
    for cell, result in zip(cells, comparison.options, strict=True):
        if result.point.feasible:
            assert cell.value == pytest.approx(result.usd_per_mtok, rel=1e-6)
        else:
            assert cell.value in ("", None)
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert charts and all("numCache" in c and "<pt idx=" in c for c in charts)


# --- file-format limits: names, header codes, docProps, row heights, long text, mode -------

SCHEMAS = Path(__file__).resolve().parents[1] / "ooxml" / "schemas"
ISO = SCHEMAS / "ISO-IEC29500-4_2016"
OPC = SCHEMAS / "ecma" / "fouth-edition"
_SCHEMA_FOR = {
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


def hostile_project() -> Project:
    """Everything that used to break the file: '&' in a long project name, criterion ids
    equal but for case, a criterion name longer than a defined name may be, notes longer
    than a cell holds, and a name whose cut lands on a space."""
    catalogue = bundled_catalogue()
    base = default_project(catalogue)
    extra = (
        Criterion(
            id="Support",
            name="Support " + "x" * 300,
            unit="points",
            direction=Direction.HIGHER,
            weight_pct=0,
        ),
        Criterion(
            id="support",
            name="support (second)",
            unit="points",
            direction=Direction.HIGHER,
            weight_pct=0,
        ),
    )
    name = "R&D & procurement: " + "A&B " * 60
    return base.model_copy(
        update={"name": name, "criteria": (*base.criteria, *extra), "notes": "word " * 9000}
    )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    catalogue = bundled_catalogue()
    project = hostile_project()
    return write_scorecard(
        project, evaluate(project, catalogue), tmp_path_factory.mktemp("h") / "hostile.xlsx"
    )


@pytest.mark.parametrize("which", ["default", "hostile"])
def test_every_xml_part_is_valid_ecma_376(
    workbook: tuple[Path, openpyxl.Workbook], hostile: Path, which: str
) -> None:
    path = workbook[0] if which == "default" else hostile
    problems = []
    checked = 0
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.endswith((".xml", ".rels")):
                continue
            tree = etree.fromstring(z.read(name), etree.XMLParser(resolve_entities=False))
            xsd = _SCHEMA_FOR.get(etree.QName(tree).namespace or "")
            assert xsd is not None, f"{name}: no schema for {tree.tag}"
            schema = etree.XMLSchema(etree.parse(str(xsd)))
            if not schema.validate(etree.ElementTree(tree)):
                problems += [f"{name}:{e.line}: {e.message}" for e in schema.error_log]
            checked += 1
    assert checked >= 15
    assert problems == []


def test_defined_names_are_unique_ignoring_case_and_short(hostile: Path) -> None:
    with zipfile.ZipFile(hostile) as z:
        xml = z.read("xl/workbook.xml").decode()
    names = [
        (html.unescape(attrs), name)
        for name, attrs in re.findall(r'<definedName name="([^"]+)"([^>]*)>', xml)
    ]
    scoped = {
        (re.findall(r'localSheetId="(\d+)"', a) or [""])[0] + "|" + n.lower() for a, n in names
    }
    assert len(scoped) == len(names)  # unique ignoring case (within a sheet's own names)
    assert max(len(n) for _, n in names) <= 255
    support = [n for _, n in names if n.lower().startswith("weight_support")]
    assert len(support) == 2


def test_header_and_footer_codes_survive_any_project_name(hostile: Path) -> None:
    with zipfile.ZipFile(hostile) as z:
        sheets = [
            z.read(n).decode() for n in z.namelist() if re.match(r"xl/worksheets/\w+\.xml$", n)
        ]
    assert len(sheets) == len(SHEETS)
    for xml in sheets:
        (header,) = re.findall(r"<oddHeader>([^<]*)</oddHeader>", xml)
        text = html.unescape(header)
        assert len(text) <= 255
        # every '&' is either doubled (a literal) or starts one of the codes we wrote
        body = text.replace("&&", "")
        assert re.sub(r"&[LRCD]", "", body).count("&") == 0, text
        assert "R&&D" in text


def test_docprops_core_has_no_xml_space_and_a_trimmed_title(hostile: Path) -> None:
    with zipfile.ZipFile(hostile) as z:
        core = z.read("docProps/core.xml").decode()
    assert "xml:space" not in core
    (title,) = re.findall(r"<dc:title[^>]*>([^<]*)</dc:title>", core)
    title = html.unescape(title)
    assert title == title.strip() and len(title) <= 200 and title.startswith("TokenTCO")


def test_row_heights_and_cell_text_within_excel_limits(hostile: Path) -> None:
    wb = openpyxl.load_workbook(hostile)
    for ws in wb:
        for row, dim in ws.row_dimensions.items():
            assert dim.height is None or dim.height <= 409, (ws.title, row)
        for line in ws.iter_rows():
            for c in line:
                assert len(str(c.value or "")) <= 32767
    notes = [str(c.value) for line in wb["Methodology"].iter_rows() for c in line if c.value]
    assert sum(len(n) for n in notes if n.startswith("word")) > 40_000  # split, not cut
    cut = safe_text("y" * 40_000)
    assert len(cut) == 32_767 and cut.endswith("more characters are in the TokenTCO project]")


def test_the_export_honours_the_umask(tmp_path: Path) -> None:
    catalogue = bundled_catalogue()
    project = default_project(catalogue)
    comparison = evaluate(project, catalogue)
    old = os.umask(0o022)
    try:
        path = write_scorecard(project, comparison, tmp_path / "shared.xlsx")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_uncertainty_ranges_stand_beside_the_central_values(tmp_path: Path) -> None:
    catalogue = bundled_catalogue()
    project = default_project(catalogue)
    comparison = evaluate(project, catalogue)
    ranged = tuple(
        replace(
            r,
            uncertainty=Uncertainty(
                tokens_per_s_per_gpu=Range(
                    0.8 * r.point.output_tokens_per_s_per_gpu,
                    1.2 * r.point.output_tokens_per_s_per_gpu,
                ),
                usd_per_mtok=Range(0.85 * r.usd_per_mtok, 1.3 * r.usd_per_mtok),
                group="test",
            ),
        )
        for r in comparison.options
    )
    comparison = replace(comparison, options=ranged, p_winner_cheapest=0.87)
    path = write_scorecard(project, comparison, tmp_path / "ranged.xlsx")
    wb = openpyxl.load_workbook(path, data_only=True)
    summary = wb["Summary"]
    assert [summary.cell(9, c).value for c in (4, 5, 6)] == ["$/Mtok", "$/Mtok p10", "$/Mtok p90"]
    for row in range(10, 10 + len(ranged)):
        mtok, low, high = (summary.cell(row, c).value for c in (4, 5, 6))
        assert low == pytest.approx(0.85 * mtok) and high == pytest.approx(1.3 * mtok)
    texts = [str(c.value) for line in summary.iter_rows() for c in line if c.value]
    assert any("really is the cheapest" in t and "87%" in t for t in texts)
    through = [str(c.value) for c in wb["Throughput"]["I"][4:] if c.value]
    assert sum("–" in t for t in through) == len(ranged)

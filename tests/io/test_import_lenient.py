"""Lenient, explained import: derived FP16, partial sheets of known GPUs, rejected rows
pointed at, every bad cell reported, GPUs per node as the scale-up domain."""

import pytest

from tokentco.domain import Project
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.importer import import_files, revert_import


def _messages(result):
    return [str(p) for p in result.problems]


def test_vendor_spec_sheet_without_fp16_is_accepted_with_a_noted_assumption(write_csv, rates):
    path = write_csv(
        "vendor.csv",
        "Accelerator,HBM (GiB),HBM bandwidth (GB/s),FP8 TFLOPS (dense),FP4 PFLOPS,TDP (W)\n"
        "Zeta Z1,192,8000,4500,9,1000\n"
        "Zeta Z2,96,4000,,4.5,700\n"
        "Zeta Z3,TBD,4000,2000,,700\n",
    )
    result = import_files([path], rates)
    assert _messages(result) == ['vendor.csv:R4:B "HBM (GiB)": "TBD" is not a number']
    rows = {r.item.name: r for r in result.rows["accelerators"]}
    z1, z2 = rows["Zeta Z1"], rows["Zeta Z2"]
    assert z1.item.memory_gb == pytest.approx(192 * 1.073741824)
    assert z1.item.memory_bw_tb_s == pytest.approx(8.0)
    assert z1.item.fp16_dense_tflops == pytest.approx(2250.0)
    assert "FP8 ÷ 2" in z1.provenance.notes["import: fp16_dense_tflops"]
    assert z2.item.fp16_dense_tflops == pytest.approx(4500 / 4)
    assert "FP4 ÷ 4" in z2.provenance.notes["import: fp16_dense_tflops"]
    (report,) = result.sheets
    assert any("derived as FP8 ÷ 2" in note for note in report.notes)


def test_sheet_of_known_gpus_with_few_columns_overrides_just_those_fields(write_csv, rates):
    path = write_csv(
        "corrections.csv",
        "GPU,Memory (GB),Memory bandwidth (TB/s),TDP (W)\nH200 SXM,144,4.9,\nMI300X,,,800\n",
    )
    result = import_files([path], rates)
    assert _messages(result) == []
    bundled = bundled_catalogue()
    rows = {r.id: r for r in result.rows["accelerators"]}
    assert set(rows) == {"h200-sxm", "mi300x"}
    h200 = rows["h200-sxm"].item
    assert (h200.memory_gb, h200.memory_bw_tb_s) == (144, 4.9)
    old = bundled.accelerators["h200-sxm"]
    assert (h200.fp16_dense_tflops, h200.tdp_w, h200.name) == (
        old.fp16_dense_tflops,
        old.tdp_w,
        old.name,
    )
    assert rows["mi300x"].item.tdp_w == 800
    assert rows["mi300x"].item.memory_gb == bundled.accelerators["mi300x"].memory_gb
    assert (
        "updates memory_bw_tb_s, memory_gb" in rows["h200-sxm"].provenance.notes["import: partial"]
    )
    assert sorted(result.overrides(bundled)) == [
        ("accelerators", "h200-sxm"),
        ("accelerators", "mi300x"),
    ]
    project = result.merge_into(Project())
    assert project.imported.accelerators["h200-sxm"].memory_gb == 144
    reverted = revert_import(project, "accelerators", "h200-sxm")
    assert "h200-sxm" not in reverted.imported.accelerators


def test_french_corrections_sheet(write_csv, rates):
    path = write_csv(
        "fr.csv",
        "Modèle GPU;Mémoire (GB);Bande passante (TB/s)\nH100 SXM;80;3,35\nB200;192;8\n",
    )
    result = import_files([path], rates)
    assert _messages(result) == []
    rows = {r.id: r.item for r in result.rows["accelerators"]}
    assert rows["b200"].memory_gb == 192 and rows["h100-sxm"].memory_bw_tb_s == pytest.approx(3.35)


def test_unknown_gpu_on_a_partial_sheet_reports_the_root_cause_first(write_csv, rates):
    path = write_csv(
        "p.csv", "GPU,Memory bandwidth (TB/s),TDP (W)\nH200 SXM,4.8,650\nZeta Z9,4,500\n"
    )
    result = import_files([path], rates)
    got = _messages(result)
    assert got[0].startswith("p.csv:R1: no column for Memory in this accelerators table")
    assert got[1].startswith("p.csv:R1: no column for FP16 dense in this accelerators table")
    assert got[2].startswith('p.csv:R3:A "GPU": "Zeta Z9" is not a known accelerator')
    assert "without a Memory, FP16 dense column" in got[2]
    assert [r.id for r in result.rows["accelerators"]] == ["h200-sxm"]


def test_price_rows_point_at_the_rejected_gpu_row(write_xlsx, rates):
    path = write_xlsx(
        "rfp.xlsx",
        {
            "Specs": [
                ["GPU", "Memory (GB)", "Memory bandwidth (TB/s)", "FP8 TFLOPS", "TDP (W)"],
                ["Zeta Z1", 192, 8, 4500, 1000],
                ["Zeta Z5", "TBD", 8, 4500, 1000],
            ],
            "Prices": [
                ["GPU", "Provider", "Price per GPU-hour"],
                ["Zeta Z1", "Acme", 3.0],
                ["Zeta Z5", "Acme", 3.5],
            ],
        },
    )
    result = import_files([path], rates)
    got = _messages(result)
    assert got[0] == 'rfp.xlsx:Specs:R3:B "Memory (GB)": "TBD" is not a number'
    assert got[1].startswith('rfp.xlsx:Prices:R3:A "GPU": "Zeta Z5" is the accelerator at ')
    assert "rfp.xlsx:Specs:R3, which was not imported" in got[1]
    assert "such as" not in got[1]
    assert [r.item.accelerator_id for r in result.rows["offers"]] == ["zeta-z1"]


def test_rejected_sheet_still_reports_every_bad_cell_and_is_pointed_at(write_xlsx, rates):
    path = write_xlsx(
        "rfp.xlsx",
        {
            "Specs": [
                ["Name", "Memory (W)", "Memory bandwidth (TB/s)", "FP16 dense"],
                ["Zeta Z1", 192, "fast", 989],
            ],
            "Prices": [["GPU", "Provider", "Price per GPU-hour"], ["Zeta Z1", "Acme", 3.0]],
        },
    )
    result = import_files([path], rates)
    got = _messages(result)
    assert got[0].startswith('rfp.xlsx:Specs:R1:B "Memory (W)": unit "w"')
    assert got[1] == 'rfp.xlsx:Specs:R2:C "Memory bandwidth (TB/s)": "fast" is not a number'
    assert got[2].startswith('rfp.xlsx:Prices:R2:A "GPU": "Zeta Z1" is the accelerator at')
    assert len(got) == 3  # the refused unit is not also reported as a missing column
    assert result.rows_loaded == 0


def test_gpus_per_node_column_sets_the_scaleup_domain(write_csv, rates):
    path = write_csv(
        "s.csv",
        "Name,Memory (GB),Memory bandwidth (TB/s),FP16 dense,GPUs per node\n"
        "Zeta Z1,192,8,2250,72\n",
    )
    result = import_files([path], rates)
    assert _messages(result) == []
    assert result.rows["accelerators"][0].item.scaleup_domain_gpus == 72


def test_a_known_gpu_corrected_twice_is_a_duplicate_not_a_new_gpu(write_csv, rates):
    path = write_csv(
        "c.csv", "GPU,Memory (GB),Memory bandwidth (TB/s)\nH200 SXM,144,4.9\nh200-sxm,141,4.8\n"
    )
    result = import_files([path], rates)
    (message,) = [str(p) for p in result.problems]
    assert message.startswith('c.csv:R3: "h200-sxm" is a duplicate id (first at c.csv:R2)')
    assert [r.id for r in result.rows["accelerators"]] == ["h200-sxm"]

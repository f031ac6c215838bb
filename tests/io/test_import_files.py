"""End to end: files in, located problems and domain rows with provenance out."""

import threading
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tokentco.domain import Offer, PricingModel, Project
from tokentco.io import import_read
from tokentco.io.errors import InputError
from tokentco.io.import_template import template_bytes
from tokentco.io.importer import ImportCancelled, import_files, revert_import

from .conftest import SAMPLES


def messages(result):
    return [str(p) for p in result.problems]


def test_exact_error_format_and_good_rows_still_load(write_xlsx, rates):
    path = write_xlsx(
        "quotes.xlsx",
        {
            "Pricing": [
                ["Quote from Acme (fictional)"],
                [],
                ["Offer", "GPU", "Price/hr", "Region"],
                *[[f"o{i}", "h100-sxm", 2.5, "eu"] for i in range(10)],
                ["o-bad", "h100-sxm", "call us", "eu"],
            ]
        },
    )
    result = import_files([path], rates)
    assert messages(result) == ['quotes.xlsx:Pricing:R14:C "Price/hr": "call us" is not a number']
    assert result.rows_loaded == 10
    row = result.rows["offers"][0]
    assert row.provenance.origin == "imported"
    assert (row.provenance.file, row.provenance.sheet, row.provenance.row) == (
        "quotes.xlsx",
        "Pricing",
        4,
    )
    assert row.provenance.imported_at is not None
    assert row.provenance.notes["import: pricing_model"] == "not stated: on_demand assumed"


def test_flawed_sample_reports_every_problem(rates):
    result = import_files([SAMPLES / "flawed_quotes.xlsx"], rates)
    got = messages(result)
    expected_starts = [
        "flawed_quotes.xlsx:Specs:R1: no column for Memory",
        # FP16 is derived from the FP8 column now; the unknown GPU is what stops the row
        'flawed_quotes.xlsx:Specs:R2:A "GPU": "X1" is not a known accelerator',
        'flawed_quotes.xlsx:Pricing:R5:C "Price/hr": "#N/A" is an Excel error',
        'flawed_quotes.xlsx:Pricing:R6:C "Price/hr": "call us" is not a number',
        'flawed_quotes.xlsx:Pricing:R7:B "GPU": "H900" is not a known accelerator',
        'flawed_quotes.xlsx:Pricing:R8:C "Price/hr": -4 is outside the plausible range',
        'flawed_quotes.xlsx:Pricing:R9:D "Currency": "CHF" has no exchange rate',
        'flawed_quotes.xlsx:Pricing:R10:E "Pricing": "forever" is not one of on_demand',
        'flawed_quotes.xlsx:Pricing:R11:C "Price/hr": formula has no saved value',
        'flawed_quotes.xlsx:Pricing:R12:F "Lead time (weeks)": "TBD" is not a number',
        'flawed_quotes.xlsx:Pricing:R13:A "Offer": "ok-1" is a duplicate id (first at '
        "flawed_quotes.xlsx:Pricing:R4)",
    ]
    assert len(got) == len(expected_starts)
    for message, start in zip(got, expected_starts, strict=True):
        assert message.startswith(start), message
    assert [r.id for r in result.rows["offers"]] == ["ok-1"]


def test_rfp_sample_converts_currencies_periods_and_nodes(rates):
    result = import_files([SAMPLES / "rfp_responses.xlsx"], rates)
    assert result.problems == []
    offers = {r.item.provider or r.provenance.sheet: r for r in result.rows["offers"]}
    helios = [r for r in result.rows["offers"] if r.provenance.sheet == "Vendor B - Helios"]
    first = helios[0]
    assert isinstance(first.item, Offer)
    assert first.item.accelerator_id == "h100-sxm"
    assert first.item.pricing_model is PricingModel.RESERVED_1Y
    assert first.item.price_per_gpu_hour == pytest.approx(13900 * 1.1 / 8 / 730)
    assert first.item.currency == "USD"
    note = first.provenance.notes["import: price_per_gpu_hour"]
    assert '"13.900,00"' in note and "EUR → USD at 1.1" in note and "÷ 8 GPUs" in note
    assert first.provenance.notes["Remarks"] == "incl. 100 TB egress"
    kestrel = [r.item for r in result.rows["offers"] if r.provenance.sheet.endswith("Kestrel")]
    gb300 = kestrel[2]
    assert gb300.pricing_model is PricingModel.OWNED and gb300.owned is not None
    assert gb300.owned.it_watts_per_gpu == pytest.approx(135_000 / 72)
    assert gb300.owned.opex_per_gpu_year == pytest.approx(2400)
    assert offers


def test_hardware_specs_units_and_sparse_halving(rates):
    result = import_files([SAMPLES / "hardware_specs.csv"], rates)
    assert result.problems == []
    h200 = next(r.item for r in result.rows["accelerators"] if "H200" in r.item.name)
    assert h200.memory_gb == pytest.approx(141, rel=1e-3)
    assert h200.memory_bw_tb_s == pytest.approx(4.8)
    assert h200.fp8_dense_tflops == pytest.approx(1979)
    assert h200.tdp_w == pytest.approx(700)
    a100 = next(r.item for r in result.rows["accelerators"] if "A100" in r.item.name)
    assert a100.fp8_dense_tflops is None


def test_measured_and_cloud_samples_load(rates):
    result = import_files(
        [SAMPLES / "measured_benchmarks.xlsx", SAMPLES / "cloud_price_list.csv"], rates
    )
    assert result.problems == []
    assert len(result.rows["measured"]) == 60 and len(result.rows["offers"]) == 40


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_encodings_and_delimiters(write_csv, rates, encoding, delimiter):
    rows = [
        ["Provider", "GPU", "Price (€/GPU/h)", "Region"],
        ["Zürich Cloud", "H200 SXM", "3,10" if delimiter == ";" else "3.10", "Genève"],
    ]
    text = "\r\n".join(delimiter.join(r) for r in rows) + "\r\n"
    result = import_files([write_csv("prices.csv", text, encoding)], rates)
    assert result.problems == []
    (row,) = result.rows["offers"]
    assert row.item.provider == "Zürich Cloud" and row.item.region == "Genève"
    assert row.item.price_per_gpu_hour == pytest.approx(3.10 * 1.1)


def test_units_row_below_header_and_unknown_columns_kept(write_xlsx, rates):
    path = write_xlsx(
        "specs.xlsx",
        {
            "GPUs": [
                ["Vendor spec sheet"],
                ["Name", "HBM", "Bandwidth", "BF16", "Power", "Cooling"],
                ["", "GiB", "GB/s", "PFLOPS", "kW", ""],
                ["Chip X", 128, 4000, 1.2, 0.9, "liquid"],
            ]
        },
    )
    result = import_files([path], rates)
    assert result.problems == []
    (row,) = result.rows["accelerators"]
    chip = row.item
    assert chip.memory_gb == pytest.approx(128 * 1.073741824)
    assert chip.memory_bw_tb_s == pytest.approx(4.0)
    assert chip.fp16_dense_tflops == pytest.approx(1200)
    assert chip.tdp_w == pytest.approx(900)
    assert row.provenance.notes["Cooling"] == "liquid"
    assert row.id == "chip-x"


def test_wrong_unit_is_caught_by_plausibility(write_xlsx, rates):
    path = write_xlsx(
        "w.xlsx",
        {"S": [["Name", "HBM (GB)", "Mem BW (TB/s)", "FP16 TFLOPS"], ["Chip", 80, 3350, 989]]},
    )
    (problem,) = import_files([path], rates).problems
    assert str(problem).startswith('w.xlsx:S:R2:C "Mem BW (TB/s)": 3350 is outside the plausible')


def test_per_node_price_needs_a_gpu_count(write_xlsx, rates):
    path = write_xlsx(
        "n.xlsx",
        {
            "P": [
                ["GPU", "Node price per hour ($)", "GPUs per node"],
                ["b200", 40, 8],
                ["b200", 40, ""],
            ]
        },
    )
    result = import_files([path], rates)
    assert result.rows["offers"][0].item.price_per_gpu_hour == pytest.approx(5.0)
    (problem,) = result.problems
    assert 'R3:B "Node price per hour ($)": 40 is per node' in str(problem)


def test_system_throughput_divided_by_gpus(write_csv, rates):
    path = write_csv(
        "m.csv", "GPU,Model,GPUs,System throughput (tok/s)\nb200,deepseek-r1,8,16000\n"
    )
    (row,) = import_files([path], rates).rows["measured"]
    assert row.item.output_tokens_per_s_per_gpu == pytest.approx(2000)


def test_kind_override(write_csv, rates):
    path = write_csv("x.csv", "Name,Memory,Bandwidth,FP16\nChip,80,3.35,989\n")
    assert import_files([path], rates, kind="accelerators").rows_loaded == 1
    forced = import_files([path], rates, kind="models")
    assert forced.rows_loaded == 0
    assert "no table header found for models" in messages(forced)[0]


def test_models_and_references_resolve_within_one_import(write_xlsx, rates):
    path = write_xlsx(
        "rfp.xlsx",
        {
            "Chips": [
                ["Name", "Vendor", "HBM (GB)", "Mem BW (TB/s)", "BF16 TFLOPS"],
                ["Zeta 9", "Fictional Inc", 256, 6, 2000],
            ],
            "Prices": [["GPU", "$/GPU/hr"], ["Zeta 9", 4.0], ["H100", 2.0]],
        },
    )
    result = import_files([path], rates)
    assert [r.item.accelerator_id for r in result.rows["offers"]] == ["fictional-inc-zeta-9"]
    assert "matches several accelerators (h100-nvl, h100-pcie, h100-sxm)" in messages(result)[0]


def test_merge_override_revert_and_reimport_idempotent(rates, catalogue):
    path = SAMPLES / "cloud_price_list.csv"
    project = import_files([path], rates).merge_into(Project())
    again = import_files([path], rates).merge_into(project)
    assert set(again.imported.offers) == set(project.imported.offers)
    assert again.imported.offers == project.imported.offers
    effective = again.effective_catalogue(catalogue)
    row_id = next(iter(again.imported.offers))
    assert effective.is_override("offers", row_id, catalogue)
    reverted = revert_import(again, "offers", row_id)
    assert row_id not in reverted.imported.offers
    assert not reverted.effective_catalogue(catalogue).is_override("offers", row_id, catalogue)
    with pytest.raises(InputError):
        revert_import(reverted, "offers", row_id)


def test_template_round_trip(tmp_path, rates):
    path = tmp_path / "offers.xlsx"
    path.write_bytes(template_bytes("offers"))
    book = load_workbook(path)
    sheet = book["Offers"]
    assert sheet.freeze_panes == "A2"
    assert sheet.data_validations.dataValidation
    headers = [c.value for c in sheet[1]]
    col = {h: i + 1 for i, h in enumerate(headers)}
    sheet.cell(row=3, column=col["ID"], value="vendor-b200")
    sheet.cell(row=3, column=col["GPU"], value="B200")
    sheet.cell(row=3, column=col["Pricing model"], value="reserved_1y")
    sheet.cell(row=3, column=col["Price per GPU-hour (USD)"], value=3.25)
    book.save(path)
    result = import_files([path], rates)
    assert result.problems == []
    ids = [r.id for r in result.rows["offers"]]
    assert ids == ["acme-h200-od", "vendor-b200"]
    assert result.rows["offers"][1].item.pricing_model is PricingModel.RESERVED_1Y


@pytest.mark.parametrize("kind", ["accelerators", "systems", "models", "measured"])
def test_every_template_example_row_imports(tmp_path, rates, kind):
    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(template_bytes(kind))
    result = import_files([path], rates)
    assert result.problems == [] and len(result.rows[kind]) == 1


def test_source_file_is_not_modified(rates):
    path = SAMPLES / "rfp_responses.xlsx"
    before = path.read_bytes()
    import_files([path], rates)
    assert path.read_bytes() == before


# --- safety -----------------------------------------------------------------------------


def test_xlsm_and_xls_get_save_as_message(tmp_path, rates):
    for suffix in (".xlsm", ".xls"):
        path = tmp_path / f"book{suffix}"
        path.write_bytes(b"x")
        result = import_files([path], rates)
        assert result.unreadable and "save it as .xlsx" in str(result.problems[0])


def test_size_cap(tmp_path, rates, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_text("GPU,$/GPU/hr\n" + "b200,1\n" * 100)
    monkeypatch.setattr(import_read, "MAX_FILE_BYTES", 200)
    (problem,) = import_files([path], rates).unreadable
    assert "over the 0 MB import limit" in str(problem) or "import limit" in str(problem)


def _bomb(path: Path, entries: int = 3, size: int = 30 * 1024 * 1024) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(entries):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", b"0" * size)
    return path


def test_zip_bomb_ratio_refused(tmp_path, rates):
    (problem,) = import_files([_bomb(tmp_path / "bomb.xlsx")], rates).unreadable
    assert "possibly a zip bomb" in str(problem)


def test_zip_entry_count_refused(tmp_path, rates, monkeypatch):
    monkeypatch.setattr(import_read, "MAX_ZIP_ENTRIES", 5)
    (problem,) = import_files([_bomb(tmp_path / "many.xlsx", 10, 10)], rates).unreadable
    assert "parts" in str(problem) and "zip bomb" in str(problem)


def test_xml_entities_refused(tmp_path, rates):
    path = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><workbook/>',
        )
    (problem,) = import_files([path], rates).unreadable
    assert "DTD" in str(problem)


def test_not_a_zip_and_missing_file(tmp_path, rates):
    path = tmp_path / "fake.xlsx"
    path.write_text("GPU,price")
    result = import_files([path, tmp_path / "absent.csv"], rates)
    assert len(result.unreadable) == 2
    assert "not a zip archive" in messages(result)[0] and "file not found" in messages(result)[1]


def test_openpyxl_parses_through_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


# --- progress and cancellation ----------------------------------------------------------


def _big_csv(tmp_path: Path, n: int = 20_000) -> Path:
    path = tmp_path / "big.csv"
    path.write_text("GPU,$/GPU/hr\n" + "".join(f"b200,{1 + i % 7}\n" for i in range(n)))
    return path


def test_progress_reports_increasing_fractions(tmp_path, rates):
    calls: list[tuple[float, str]] = []
    result = import_files([_big_csv(tmp_path)], rates, progress=lambda f, m: calls.append((f, m)))
    assert result.rows_loaded == 20_000
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(calls) > 5


def test_cancel_event_and_callable(tmp_path, rates):
    path = _big_csv(tmp_path)
    event = threading.Event()

    def progress(fraction, _message):
        if fraction > 0.5:
            event.set()

    with pytest.raises(ImportCancelled):
        import_files([path], rates, progress=progress, cancel=event)
    with pytest.raises(ImportCancelled):
        import_files([path], rates, cancel=lambda: True)


def test_empty_workbook_sheet_is_a_problem(tmp_path, rates):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Contact", "Phone"])
    sheet.append(["Ann", "123"])
    path = tmp_path / "contacts.xlsx"
    book.save(path)
    result = import_files([path], rates)
    assert result.rows_loaded == 0 and "no sheet has a recognisable table" in messages(result)[0]

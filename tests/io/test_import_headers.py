"""Header synonyms, units and kind detection for spreadsheet import."""

import pytest

from tokentco.domain import TABLE_KINDS
from tokentco.io.import_columns import (
    FIELDS,
    ColumnMatch,
    HeaderProblem,
    alias_collisions,
    analyse_header,
    match_header,
    plan_column,
)
from tokentco.io.importer import detect_kind


def plan(kind, header):
    found = match_header(kind, header)
    assert isinstance(found, ColumnMatch), f"{header!r} not matched: {found}"
    result = plan_column(0, "A", found)
    assert not isinstance(result, str), result
    return result


@pytest.mark.parametrize(
    ("kind", "header", "field", "factor"),
    [
        ("accelerators", "HBM (GB)", "memory_gb", 1.0),
        ("accelerators", "Memory capacity GiB", "memory_gb", 1.073741824),
        ("accelerators", "Memory (TB)", "memory_gb", 1000.0),
        ("accelerators", "Mem BW (TB/s)", "memory_bw_tb_s", 1.0),
        ("accelerators", "HBM bandwidth GB/s", "memory_bw_tb_s", 1e-3),
        ("accelerators", "memory_bw_tb_s", "memory_bw_tb_s", 1.0),
        ("accelerators", "FP8 TFLOPS (dense)", "fp8_dense_tflops", 1.0),
        ("accelerators", "FP8 TFLOPS (with sparsity)", "fp8_dense_tflops", 0.5),
        ("accelerators", "BF16 PFLOPS sparse", "fp16_dense_tflops", 500.0),
        ("accelerators", "FP4 (PFLOPS)", "fp4_dense_tflops", 1000.0),
        ("accelerators", "INT8 TOPS", "int8_dense_tops", 1.0),
        ("accelerators", "TDP (kW)", "tdp_w", 1000.0),
        ("accelerators", "TDP (W)", "tdp_w", 1.0),
        ("accelerators", "Network (Gb/s)", "scaleout_bw_gb_s_per_gpu", 0.125),
        ("accelerators", "NVLink bandwidth (TB/s)", "scaleup_bw_gb_s_per_gpu", 1000.0),
        ("systems", "System power (W)", "system_power_kw", 1e-3),
        ("systems", "GPUs per node", "gpus_per_system", 1.0),
        ("offers", "$/GPU/hr", "price_per_gpu_hour", 1.0),
        ("offers", "Price/hr", "price_per_gpu_hour", 1.0),
        ("offers", "price_per_gpu_hour", "price_per_gpu_hour", 1.0),
        ("offers", "Annual price per GPU", "price_per_gpu_hour", 1 / 8760),
        ("offers", "Monthly price per GPU (USD)", "price_per_gpu_hour", 1 / 730),
        ("offers", "Price per 8-GPU node per hour", "price_per_gpu_hour", 1.0),
        ("offers", "Lead time (days)", "lead_time_weeks", 1 / 7),
        ("offers", "Cost of capital (%)", "cost_of_capital", 0.01),
        ("offers", "Electricity ($/MWh)", "usd_per_kwh", 1e-3),
        ("offers", "Support per GPU per month ($)", "opex_per_gpu_year", 12.0),
        ("offers", "Node power (kW)", "it_watts_per_gpu", 1000.0),
        ("models", "Total params (B)", "published_params_total_b", 1.0),
        ("models", "Active params (M)", "published_params_active_b", 1e-3),
        ("models", "num_hidden_layers", "num_layers", 1.0),
        ("models", "num_key_value_heads", "num_kv_heads", 1.0),
        ("measured", "output_tok_s_per_gpu", "output_tokens_per_s_per_gpu", 1.0),
        ("measured", "Output tokens/s per GPU", "output_tokens_per_s_per_gpu", 1.0),
        ("measured", "Tok/s/user", "tokens_per_s_per_user", 1.0),
        ("measured", "TTFT (s)", "ttft_ms", 1000.0),
        ("measured", "ISL", "isl_tokens", 1.0),
    ],
)
def test_synonyms_and_units(kind, header, field, factor):
    result = plan(kind, header)
    assert result.spec.name == field
    assert result.factor == pytest.approx(factor)


def test_per_node_prices_divide_by_the_header_count():
    eight = plan("offers", "Price per 8-GPU node per hour")
    assert eight.divide_by_gpus and eight.header_node_gpus == 8
    rack = plan("offers", "Price per NVL72 rack per hour (€)")
    assert rack.divide_by_gpus and rack.header_node_gpus == 72 and rack.info.currency == "EUR"
    node = plan("offers", "Node price per month")
    assert node.divide_by_gpus and node.header_node_gpus is None


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("Price (€/GPU-h)", "EUR"),
        ("£ per GPU hour", "GBP"),
        ("¥/GPU/hr", "JPY"),
        ("Price per GPU-hour USD", "USD"),
    ],
)
def test_currency_in_header(header, code):
    assert plan("offers", header).info.currency == code


def test_price_without_period_is_a_header_problem():
    found = match_header("offers", "Price")
    assert isinstance(found, HeaderProblem)
    assert "per hour, per month or per year" in found.message


def test_unknown_header_is_none_and_gpu_is_not_a_price():
    assert match_header("offers", "Sales contact") is None
    gpu = match_header("offers", "GPU")
    assert isinstance(gpu, ColumnMatch) and gpu.spec.name == "accelerator_id"
    gpus = match_header("offers", "GPUs")
    assert isinstance(gpus, ColumnMatch) and gpus.spec.name == "_gpus_per_node"


def test_case_spacing_and_punctuation_do_not_matter():
    for text in ("hbm (gb)", "  HBM   [GB] ", "HBM_GB", "hbm-gb"):
        assert plan("accelerators", text).spec.name == "memory_gb"


@pytest.mark.parametrize("kind", TABLE_KINDS)
def test_no_alias_is_claimed_by_two_fields(kind):
    assert alias_collisions(kind) == []


@pytest.mark.parametrize("kind", TABLE_KINDS)
def test_every_template_header_maps_back_to_its_field(kind):
    for spec in FIELDS[kind]:
        result = plan(kind, spec.header)
        assert result.spec.name == spec.name
        assert not result.divide_by_gpus


def test_units_row_cells_are_recognised():
    for text in ("GB", "TB/s", "kW", "$/GPU-hr", "%", "€ per month"):
        assert analyse_header(text).unit_only, text
    assert not analyse_header("H100").unit_only


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        (["GPU", "Provider", "$/GPU/hr", "Region"], "offers"),
        (["Name", "HBM (GB)", "Mem BW (TB/s)", "BF16 TFLOPS", "TDP (W)"], "accelerators"),
        (["System", "GPU", "GPUs per node", "Node power (kW)"], "systems"),
        (["Model", "Layers", "Hidden size", "Heads", "KV heads", "Vocab"], "models"),
        (["hardware", "model", "precision", "output_tok_s_per_gpu", "isl", "osl"], "measured"),
        (["Contact", "Phone", "Remarks"], None),
    ],
)
def test_kind_detection(headers, kind):
    assert detect_kind(headers) == kind


@pytest.mark.parametrize(
    ("kind", "header", "field", "factor"),
    [
        ("accelerators", "Modèle GPU", "name", 1.0),
        ("accelerators", "Mémoire (GB)", "memory_gb", 1.0),
        ("accelerators", "Mémoire (Go)", "memory_gb", 1.0),
        ("accelerators", "Bande passante (TB/s)", "memory_bw_tb_s", 1.0),
        ("accelerators", "Speicher (GiB)", "memory_gb", 1.073741824),
        ("accelerators", "Speicherbandbreite (GB/s)", "memory_bw_tb_s", 1e-3),
        ("accelerators", "Ancho de banda (TB/s)", "memory_bw_tb_s", 1.0),
        ("accelerators", "Larghezza di banda (GB/s)", "memory_bw_tb_s", 1e-3),
        ("accelerators", "Largura de banda (TB/s)", "memory_bw_tb_s", 1.0),
        ("accelerators", "メモリ容量 (GB)", "memory_gb", 1.0),
        ("accelerators", "メモリ帯域幅 (TB/s)", "memory_bw_tb_s", 1.0),
        ("accelerators", "消費電力 (kW)", "tdp_w", 1000.0),
        ("accelerators", "显存 (GiB)", "memory_gb", 1.073741824),
        ("accelerators", "显存带宽 (GB/s)", "memory_bw_tb_s", 1e-3),
        ("accelerators", "GPU型号", "name", 1.0),
        ("offers", "Prix par GPU et par heure (€)", "price_per_gpu_hour", 1.0),
        ("offers", "Preis pro GPU-Stunde (€)", "price_per_gpu_hour", 1.0),
        ("offers", "Precio por mes (USD)", "price_per_gpu_hour", 1 / 730),
        ("offers", "Prezzo all'ora (€)", "price_per_gpu_hour", 1.0),
        ("offers", "Preço por hora (US$)", "price_per_gpu_hour", 1.0),
        ("offers", "価格 (円/時間)", "price_per_gpu_hour", 1.0),
        ("offers", "价格 (美元/小时)", "price_per_gpu_hour", 1.0),
        ("offers", "Fournisseur", "provider", 1.0),
        ("offers", "Anbieter", "provider", 1.0),
        ("offers", "GPUs pro Knoten", "_gpus_per_node", 1.0),
        ("offers", "Délai de livraison (jours)", "lead_time_weeks", 1 / 7),
    ],
)
def test_header_synonyms_in_other_languages(kind, header, field, factor):
    result = plan(kind, header)
    assert result.spec.name == field
    assert result.factor == pytest.approx(factor)


@pytest.mark.parametrize(
    ("header", "code"),
    [("価格 (円/時間)", "JPY"), ("价格 (美元/小时)", "USD"), ("Preço por hora (R$)", "BRL")],
)
def test_currencies_written_in_other_languages_are_not_dollars(header, code):
    assert analyse_header(header).currency == code


def test_french_spec_sheet_header_is_detected_as_accelerators():
    assert detect_kind(["Modèle GPU", "Mémoire (GB)", "Bande passante (TB/s)"]) == "accelerators"


def test_untranslated_foreign_words_do_not_match_a_field():
    assert match_header("accelerators", "Größe der Kiste") is None


def test_a_32000_digit_cell_is_no_header_and_keeps_its_meaning_small():
    info = analyse_header("9" * 32_000 + " GPUs per node")
    assert info.key == "" and info.node_gpus is None and not info.unit_only
    assert len(info.text) < 300


def test_node_gpu_count_is_read_from_its_own_digit_run():
    assert plan("offers", "Price per 8-GPU node per hour").header_node_gpus == 8
    assert plan("offers", "Price per 16x GPU server per hour").header_node_gpus == 16

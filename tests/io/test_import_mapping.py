"""Column mappings: --map / --mapping round trips, the mapping file, the layout store."""

import json

import pytest

from tokentco.cli import main
from tokentco.io.errors import InputError
from tokentco.io.import_mapping import (
    ColumnMapping,
    MappedColumn,
    MappingStore,
    layout_key,
    load_mapping,
    mapping_from_options,
    match_column,
    parse_map_option,
    save_mapping,
)
from tokentco.io.import_match import ColumnMatch
from tokentco.io.importer import import_files
from tokentco.io.project_file import load_project

# headers no synonym knows: only a mapping can read this sheet
UNKNOWN = "Teil,Kapazitaet,Durchsatz,Rechenleistung,Anmerkung\n"
ROWS = "X9,96,4800,1000,sample\nX10,192,8000,2250,\n"
MAPS = [
    "Teil=name",
    "Kapazitaet=memory_gb:GiB",
    "Durchsatz=memory_bw_tb_s:GB/s",
    "Rechenleistung=fp16_dense_tflops",
    "Anmerkung=ignore",
]


@pytest.fixture()
def sheet(write_csv):
    return write_csv("specs.csv", UNKNOWN + ROWS)


def test_map_option_parses_field_unit_and_labels():
    assert parse_map_option("Kapazitaet=memory_gb:GiB") == (
        "Kapazitaet",
        MappedColumn("memory_gb", "GiB"),
    )
    assert parse_map_option("a=b=Memory") == ("a=b", MappedColumn("memory_gb"))
    assert parse_map_option("Preis=price_per_gpu_hour:EUR per month")[1].unit == "EUR per month"
    assert parse_map_option("Note=ignore")[1].field == "ignore"


@pytest.mark.parametrize(
    ("option", "fragment"),
    [
        ("Kapazitaet", "is not HEADER=field[:unit]"),
        ("=memory_gb", "no header"),
        ("Kapazitaet=memory_g", "is not a field: expected a field name such as memory_gb"),
        ("Kapazitaet=memory_gb:parsecs", 'unit "parsecs" is not understood'),
    ],
)
def test_bad_map_options_are_one_located_error(option, fragment):
    with pytest.raises(InputError) as info:
        parse_map_option(option)
    assert str(info.value).startswith("--map: ") and fragment in str(info.value)


def test_mapped_column_uses_the_mapping_unit_over_the_header():
    mapping = ColumnMapping({"Speicher (GB)": MappedColumn("memory_gb", "GiB")})
    found = match_column("accelerators", "speicher  (gb)", mapping)
    assert isinstance(found, ColumnMatch) and found.info.unit == "gib"
    price = ColumnMapping({"Betrag": MappedColumn("price_per_gpu_hour", "EUR per 8-GPU node")})
    found = match_column("offers", "Betrag", price)
    assert isinstance(found, ColumnMatch)
    assert (found.info.currency, found.info.period, found.info.node_gpus) == ("EUR", "hour", 8)
    assert found.info.per_node


def test_import_files_with_a_mapping_reads_unknown_headers(sheet, rates):
    plain = import_files([sheet], rates)
    assert plain.rows_loaded == 0 and plain.problems
    mapping = mapping_from_options(MAPS)
    result = import_files([sheet], rates, mapping=mapping)
    assert [str(p) for p in result.problems] == []
    items = {r.item.name: r for r in result.rows["accelerators"]}
    assert items["X9"].item.memory_gb == pytest.approx(96 * 1.073741824)
    assert items["X9"].item.memory_bw_tb_s == pytest.approx(4.8)
    assert items["X9"].provenance.notes["Anmerkung"] == "sample"


def test_mapping_file_round_trip(tmp_path):
    mapping = mapping_from_options(MAPS, kind="accelerators")
    path = tmp_path / "m.json"
    save_mapping(mapping, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "tokentco-column-mapping" and data["kind"] == "accelerators"
    assert data["columns"]["Kapazitaet"] == {"field": "memory_gb", "unit": "GiB"}
    assert load_mapping(path) == mapping


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{", "m.json:R1: not valid JSON"),
        ("[]", 'expected a JSON object with a "columns" object'),
        ('{"columns": {"A": "nonsense"}}', 'm.json:columns "A": "nonsense" is not a field'),
        ('{"kind": "gpus", "columns": {}}', "\"kind\" is 'gpus'"),
        ('{"columns": {"A": 3}}', 'expected "field[:unit]"'),
    ],
)
def test_bad_mapping_files_are_one_located_error(tmp_path, text, fragment):
    path = tmp_path / "m.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_mapping(path)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_cli_validate_with_map_options(sheet, capsys):
    assert main(["validate", str(sheet)]) == 1
    capsys.readouterr()
    args = ["validate", str(sheet)]
    for option in MAPS:
        args += ["--map", option]
    assert main(args) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "2 rows loaded, 0 problems"


def test_cli_import_with_mapping_file_and_map_override(sheet, tmp_path, capsys):
    mapping_file = tmp_path / "vendor.json"
    save_mapping(mapping_from_options(MAPS), mapping_file)
    project = tmp_path / "p.tokentco"
    args = ["import", str(sheet), "--project", str(project), "--mapping", str(mapping_file)]
    assert main([*args, "--map", "Kapazitaet=memory_gb:GB"]) == 0
    loaded = load_project(project).imported.accelerators
    assert sorted(a.name for a in loaded.values()) == ["X10", "X9"]
    assert {a.name: a.memory_gb for a in loaded.values()}["X9"] == pytest.approx(96)
    assert "saved 2 imported rows" in capsys.readouterr().out


def test_cli_bad_map_exits_2_with_one_line(sheet, capsys):
    assert main(["validate", str(sheet), "--map", "Teil=nam"]) == 2
    captured = capsys.readouterr()
    lines = [line for line in (captured.out + captured.err).splitlines() if line.strip()]
    assert len(lines) == 1 and "--map" in lines[0] and "is not a field" in lines[0]


def test_cli_missing_mapping_file_exits_2(sheet, tmp_path, capsys):
    assert main(["validate", str(sheet), "--mapping", str(tmp_path / "none.json")]) == 2
    captured = capsys.readouterr()
    assert "none.json: mapping file not found" in captured.out + captured.err


def test_store_remembers_a_mapping_per_header_layout(tmp_path):
    store = MappingStore(tmp_path / "config" / "mappings.json")
    headers = ["Teil", "Kapazitaet ", "", ""]
    assert store.recall(headers) is None
    mapping = mapping_from_options(MAPS)
    store.remember(headers, mapping)
    assert store.recall(["teil", "KAPAZITAET"]) == mapping
    assert store.recall(["Teil"]) is None
    other = mapping_from_options(["Teil=name"])
    store.remember(["Teil"], other)
    assert store.recall(headers) == mapping and store.recall(["Teil"]) == other
    store.forget(headers)
    assert store.recall(headers) is None
    assert layout_key(headers) == ("teil", "kapazitaet")


def test_damaged_store_reads_as_empty(tmp_path):
    path = tmp_path / "mappings.json"
    path.write_text("{not json", encoding="utf-8")
    store = MappingStore(path)
    assert store.recall(["A"]) is None
    store.remember(["A"], mapping_from_options(["A=name"]))
    assert store.recall(["A"]) == mapping_from_options(["A=name"])


def test_sheet_previews_find_the_header_below_a_title(write_csv):
    from tokentco.io.import_preview import sheet_previews

    path = write_csv("t.csv", "Vendor X spec sheet,\n\n" + UNKNOWN + ROWS + "\n")
    (preview,) = sheet_previews(path)
    assert preview.header_row == 3 and preview.headers[:2] == ["Teil", "Kapazitaet"]
    assert [r[0] for r in preview.rows] == ["X9", "X10"]


def test_sheets_to_map_names_the_sheets_the_import_could_not_read(write_xlsx, rates):
    from tokentco.io.import_preview import sheets_to_map

    path = write_xlsx(
        "v.xlsx",
        {
            "Prices": [["GPU", "Provider", "Price per GPU-hour"], ["h100-sxm", "A", 2.0]],
            "Specs": [["Teil", "Kapazitaet", "Durchsatz"], ["X9", 96, 4800]],
            "Empty": [],
        },
    )
    result = import_files([path], rates)
    assert sheets_to_map(result) == [("v.xlsx", "Specs")]
    mapped = import_files([path], rates, mapping=mapping_from_options(MAPS))
    assert sheets_to_map(mapped) == []

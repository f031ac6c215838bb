"""QA: ``--map`` for a header the file lacks is a warning naming the file's headers, a unit
on a text field is an error, and a mapping file with an unknown version, an infinite
number or a doubled key is one located line."""

from pathlib import Path

import pytest

from tokentco.cli import main
from tokentco.io.errors import InputError
from tokentco.io.import_mapping import load_mapping, parse_map_option


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "t.csv"
    path.write_text("Teil,Preis/h,accelerator_id,provider,currency\nx,2.5,h100-sxm,A,USD\n")
    return path


def test_a_map_for_a_header_not_in_the_file_warns_naming_its_headers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "p.tokentco"
    argv = ["import", str(_csv(tmp_path)), "--project", str(target), "--map", "Teil=id"]
    assert main([*argv, "--map", "Nope=name", "--map", "Preis/h=price_per_gpu_hour"]) == 0
    out = capsys.readouterr().out.splitlines()
    warnings = [line for line in out if line.startswith("# warning:")]
    assert len(warnings) == 1
    assert "--map \"Nope=name\": no column 'Nope' in t.csv" in warnings[0]
    assert "'Teil'" in warnings[0] and "'provider'" in warnings[0]


@pytest.mark.parametrize(
    ("option", "fragment"),
    [
        ("Teil=name:GB", '"Teil": name is a text field and takes no unit (drop ":GB")'),
        ("Bemerkung=ignore:GB", "an ignored column takes no unit"),
    ],
)
def test_a_unit_on_a_field_without_units_is_refused(option: str, fragment: str) -> None:
    with pytest.raises(InputError, match=r"^--map: ") as info:
        parse_map_option(option)
    assert fragment in str(info.value)
    assert parse_map_option("Speicher=memory_gb:GiB")[1].unit == "GiB"  # units still work


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"version": 99, "columns": {"Teil": "name"}}', '"version" is 99'),
        ('{"version": 1e400, "columns": {"Teil": "name"}}', "1e400 is too large"),
        ('{"columns": {"Teil": "name"}, "columns": {"Teil": "id"}}', 'key "columns" appears'),
        ('{"columns": {"Teil": "name", "Teil": "id"}}', 'key "Teil" appears twice'),
        ('{"version": NaN, "columns": {}}', "NaN is not a number"),
    ],
)
def test_a_suspicious_mapping_file_is_one_located_line(
    tmp_path: Path, text: str, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "m.json"
    path.write_text(text)
    with pytest.raises(InputError, match=r"^m\.json: ") as info:
        load_mapping(path)
    assert fragment in str(info.value)
    code = main(["validate", str(_csv(tmp_path)), "--mapping", str(path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and fragment in err[0]


def test_a_good_mapping_file_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text('{"version": 1, "columns": {"Teil": "name", "Preis/h": "price_per_gpu_hour"}}')
    assert load_mapping(path).get("teil") is not None

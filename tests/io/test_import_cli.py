"""CLI: validate / import / template exit codes, summary line and atomic project writes."""

import json
import subprocess
import sys
import zipfile

from tokentco.cli import main
from tokentco.io.project_file import load_project, save_project

from .conftest import SAMPLES


def test_validate_clean_file_exits_0(capsys):
    assert main(["validate", str(SAMPLES / "cloud_price_list.csv")]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "40 rows loaded, 0 problems"


def test_validate_flawed_file_exits_1_and_prints_every_problem(capsys):
    assert main(["validate", str(SAMPLES / "flawed_quotes.xlsx")]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1] == "1 rows loaded, 11 problems"
    assert 'flawed_quotes.xlsx:Pricing:R6:C "Price/hr": "call us" is not a number' in lines


def test_validate_unreadable_exits_2(tmp_path, capsys):
    bad = tmp_path / "macro.xlsm"
    bad.write_bytes(b"PK")
    code = main(["validate", str(bad), str(SAMPLES / "cloud_price_list.csv")])
    out = capsys.readouterr().out
    assert code == 2
    assert "save it as .xlsx" in out and out.strip().endswith("40 rows loaded, 1 problems")


def test_validate_via_subprocess():
    run = subprocess.run(
        [sys.executable, "-m", "tokentco", "validate", str(SAMPLES / "flawed_quotes.xlsx")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1
    assert run.stdout.strip().splitlines()[-1] == "1 rows loaded, 11 problems"


def test_import_creates_project_then_is_idempotent(tmp_path, capsys):
    target = tmp_path / "p.tokentco"
    args = ["import", str(SAMPLES / "rfp_responses.xlsx"), "--project", str(target)]
    assert main(args) == 0
    first = load_project(target)
    assert len(first.imported.offers) == 13
    assert main(args) == 0
    second = load_project(target)
    assert set(second.imported.offers) == set(first.imported.offers)
    assert [p.name for p in tmp_path.iterdir()] == ["p.tokentco"]  # no temp files left
    assert "saved 13 imported rows" in capsys.readouterr().out


def test_import_keeps_the_rest_of_the_project(tmp_path, project):
    target = tmp_path / "mine.tokentco"
    save_project(project.model_copy(update={"name": "Committee pick", "notes": "keep me"}), target)
    assert main(["import", str(SAMPLES / "flawed_quotes.xlsx"), "--project", str(target)]) == 1
    loaded = load_project(target)
    assert (loaded.name, loaded.notes, loaded.options) == (
        "Committee pick",
        "keep me",
        project.options,
    )
    assert list(loaded.imported.offers) == ["ok-1"]


def test_import_refuses_a_non_project_file(tmp_path):
    target = tmp_path / "notes.tokentco"
    target.write_text("hello")
    assert main(["import", str(SAMPLES / "cloud_price_list.csv"), "--project", str(target)]) == 2
    assert target.read_text() == "hello"


def test_template_refuses_overwrite_without_force(tmp_path):
    out = tmp_path / "offers.xlsx"
    assert main(["template", "--kind", "offers", "--out", str(out)]) == 0
    first = out.read_bytes()
    out.write_bytes(b"vendor answer")
    assert main(["template", "--kind", "offers", "--out", str(out)]) == 2
    assert out.read_bytes() == b"vendor answer"
    assert main(["template", "--kind", "offers", "--out", str(out), "--force"]) == 0
    assert out.read_bytes()[:2] == first[:2] == b"PK"


def test_project_json_holds_provenance(tmp_path):
    target = tmp_path / "p.tokentco"
    main(["import", str(SAMPLES / "cloud_price_list.csv"), "--project", str(target)])
    body = json.loads(target.read_text())
    provenance = body["project"]["imported"]["provenance"]
    first = next(iter(provenance.values()))
    assert first["origin"] == "imported" and first["file"] == "cloud_price_list.csv"


def test_import_add_options_makes_a_scoreable_project(tmp_path, capsys):
    """RFP answers in, scorecard out: --add-options compares every imported offer once."""
    project = tmp_path / "rfp.tokentco"
    argv = ["import", str(SAMPLES / "rfp_responses.xlsx"), "--project", str(project)]
    assert main([*argv, "--add-options"]) == 0
    options = load_project(project).options
    offers = load_project(project).imported.offers
    assert {o.offer_id for o in options} == set(offers) and len(options) == len(offers)
    assert all(o.label.split(" · ")[0] for o in options)
    assert main([*argv, "--add-options"]) == 0  # re-import: no duplicate options
    assert len(load_project(project).options) == len(options)
    out = tmp_path / "rfp.xlsx"
    assert main(["scorecard", str(project), "--out", str(out)]) == 0 and out.exists()


def test_import_into_a_missing_or_unusable_folder_is_one_line_exit_2(tmp_path, capsys):
    """The output folder is checked before anything is read; nothing is created."""
    sample = str(SAMPLES / "cloud_price_list.csv")
    missing = tmp_path / "no" / "such" / "p.tokentco"
    assert main(["import", sample, "--project", str(missing)]) == 2
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    assert main(["import", sample, "--project", str(a_file / "p.tokentco")]) == 2
    captured = capsys.readouterr()
    lines = (captured.out + captured.err).strip().splitlines()
    assert len(lines) == 2 and all("p.tokentco" in line for line in lines), lines
    assert "Traceback" not in captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_validate_a_hostile_and_a_good_file_together(tmp_path, capsys):
    bad = tmp_path / "locked.xlsx"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    data = bytearray(bad.read_bytes())
    data[6] |= 1  # the ZipCrypto flag in the local header …
    data[data.rfind(b"PK\x01\x02") + 8] |= 1  # … and in the central directory
    bad.write_bytes(bytes(data))
    assert main(["validate", str(bad), str(SAMPLES / "cloud_price_list.csv")]) == 2
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == [
        "locked.xlsx: password-protected: remove the password in Excel and save again",
        "40 rows loaded, 1 problems",
    ]

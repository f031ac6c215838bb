"""The workbench's import flow as an analyst uses it: progress and Cancel, hostile files,
the column-mapping dialog for unrecognised headers (remembered per header layout), and
the question a benchmark file raises when it does not say what ran it."""

import importlib.util
import json
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QProgressDialog, QPushButton

from tokentco.io.import_mapping import MappingStore

_ROOT = Path(__file__).resolve().parents[2]
BENCH = _ROOT / "tests" / "io" / "bench_samples"
_SCRIPT = _ROOT / "scripts" / "make_hostile_corpus.py"
_spec = importlib.util.spec_from_file_location("make_hostile_corpus_gui", _SCRIPT)
assert _spec is not None and _spec.loader is not None
corpus_script = importlib.util.module_from_spec(_spec)
sys.modules["make_hostile_corpus_gui"] = corpus_script
_spec.loader.exec_module(corpus_script)

GERMAN = "Teil,Kapazitaet,Durchsatz,Rechenleistung\nZeta Z9,96,4000,900\nZeta Z7,64,3000,500\n"
"""Headers the importer does not know (no synonym): a sheet for the mapping dialog."""


@pytest.fixture()
def win(window, tmp_path: Path):
    window.imports.store_path = tmp_path / "config" / "column-mappings.json"
    return window


def start_import(window, qtbot, paths):
    with qtbot.waitSignal(window.importFinished, timeout=60000) as blocker:
        window.import_paths([Path(p) for p in paths])
    return blocker.args[0]


def choose(combo, data) -> None:
    """Pick an item the way the keyboard does: focus the combo and step to it."""
    index = combo.findData(data)
    assert index >= 0, data
    combo.setFocus()
    combo.setCurrentIndex(index)


def click_ok(qtbot, buttons: QDialogButtonBox) -> None:
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


# --- column mapping --------------------------------------------------------------------


def map_german(qtbot, dialog) -> None:
    fields = ("name", "memory_gb", "memory_bw_tb_s", "fp16_dense_tflops")
    units = ("", "GiB", "GB/s", "")
    for index, (name, unit) in enumerate(zip(fields, units, strict=True)):
        choose(dialog.field_combos[index], name)
        if unit:
            qtbot.keyClicks(dialog.unit_edits[index], unit)


def test_unrecognised_headers_open_the_mapping_dialog_and_the_import_reruns_with_it(
    win, qtbot, tmp_path: Path
) -> None:
    sheet = tmp_path / "zeta_specs.csv"
    sheet.write_text(GERMAN)
    first = start_import(win, qtbot, [sheet])
    assert first.rows_loaded == 0
    assert any("no table header found" in m for m in win.problems.messages())
    qtbot.waitUntil(lambda: win.imports.mapping_dialog is not None, timeout=5000)
    dialog = win.imports.mapping_dialog
    assert dialog.isVisible() and "zeta_specs.csv" in dialog.windowTitle()
    assert dialog.headers == ["Teil", "Kapazitaet", "Durchsatz", "Rechenleistung"]
    map_german(qtbot, dialog)
    assert "103.1 GB" in dialog.previews[1].text()  # 96 GiB as the import will read it
    with qtbot.waitSignal(win.importFinished, timeout=60000) as blocker:
        click_ok(qtbot, dialog.buttons)
    result = blocker.args[0]
    assert result.rows_loaded == 2 and result.problems == []
    accelerators = {a.name: a for a in win.doc.catalogue.accelerators.values()}
    z9 = accelerators["Zeta Z9"]
    assert z9.memory_gb == pytest.approx(96 * 2**30 / 1e9)
    assert z9.memory_bw_tb_s == pytest.approx(4.0)
    assert z9.fp16_dense_tflops == pytest.approx(900)
    assert win.imports.mapping_dialog is None  # nothing left to ask
    # remembered for this header layout in the store the window uses
    store = MappingStore(win.imports.mapping_store_path())
    remembered = store.recall(["Teil", "Kapazitaet", "Durchsatz", "Rechenleistung"])
    assert remembered is not None
    column = remembered.get("Kapazitaet")
    assert column is not None and column.unit == "GiB"


def test_a_remembered_mapping_is_applied_next_time_with_a_note(win, qtbot, tmp_path: Path) -> None:
    sheet = tmp_path / "zeta_specs.csv"
    sheet.write_text(GERMAN)
    start_import(win, qtbot, [sheet])
    qtbot.waitUntil(lambda: win.imports.mapping_dialog is not None, timeout=5000)
    dialog = win.imports.mapping_dialog
    map_german(qtbot, dialog)
    with qtbot.waitSignal(win.importFinished, timeout=60000):
        click_ok(qtbot, dialog.buttons)
    # the vendor's next file: same headers (other spacing and case), other figures
    later = tmp_path / "zeta_update.csv"
    later.write_text(GERMAN.replace("Teil,", "TEIL ,").replace("96,4000", "144,8000"))
    result = start_import(win, qtbot, [later])
    assert result.rows_loaded == 2
    notes = [m for m in win.problems.messages() if m.startswith("note:")]
    assert (
        len(notes) == 1 and "remembered" in notes[0] and '"Kapazitaet" → memory_gb:GiB' in notes[0]
    )
    assert "1 note(s)" in win.problems.summary.text()
    qtbot.wait(200)
    assert win.imports.mapping_dialog is None  # not asked again
    accelerators = {a.name: a for a in win.doc.catalogue.accelerators.values()}
    assert accelerators["Zeta Z9"].memory_gb == pytest.approx(144 * 2**30 / 1e9)


def test_declining_the_mapping_keeps_the_good_rows_and_does_not_ask_again(
    win, qtbot, tmp_path: Path
) -> None:
    good = tmp_path / "acme.csv"
    good.write_text(
        "Offer ID,Provider,GPU,Pricing,Price per GPU-hour (USD)\n"
        "acme-h200-od,Acme Cloud,H200 SXM 141GB,on demand,1.99\n"
    )
    odd = tmp_path / "zeta_specs.csv"
    odd.write_text(GERMAN)
    start_import(win, qtbot, [good, odd])
    assert "acme-h200-od" in win.doc.catalogue.offers
    qtbot.waitUntil(lambda: win.imports.mapping_dialog is not None, timeout=5000)
    dialog = win.imports.mapping_dialog
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    with qtbot.assertNotEmitted(win.importFinished, wait=500):
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert win.imports.mapping_dialog is None
    assert "acme-h200-od" in win.doc.catalogue.offers
    assert not MappingStore(win.imports.mapping_store_path()).path.exists()


def test_the_mapping_store_is_in_the_config_folder_unless_isolated(
    window, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from PySide6.QtCore import QStandardPaths

    isolated = window.imports.mapping_store_path()
    assert isolated == tmp_path / "appdata" / "column-mappings.json"  # conftest's data dir
    monkeypatch.delenv("TOKENTCO_DATA_DIR")
    config = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppConfigLocation)
    assert window.imports.mapping_store_path() == Path(config) / "column-mappings.json"


# --- benchmark files ---------------------------------------------------------------------


def test_a_benchmark_file_that_does_not_say_its_gpus_asks_for_them(win, qtbot) -> None:
    project = win.doc.project
    selected = next(o for o in project.options if o.id == win.doc.selected_option_id)
    result = start_import(win, qtbot, [BENCH / "sglang_bench_serving.jsonl"])
    assert result.rows_loaded == 0
    assert any("does not say which GPU" in m for m in win.problems.messages())
    qtbot.waitUntil(lambda: win.imports.bench_dialog is not None, timeout=5000)
    dialog = win.imports.bench_dialog
    assert dialog.missing == {"hardware", "num_gpus", "model"}
    # proposals: the selected option's GPU and the project's model
    assert dialog.hardware.currentData() == selected.accelerator_id
    assert dialog.model.currentData() == project.model_id
    choose(dialog.hardware, "h100-sxm")
    dialog.num_gpus.selectAll()
    qtbot.keyClicks(dialog.num_gpus, "2")
    choose(
        dialog.model,
        "llama-3.1-8b" if dialog.model.findData("llama-3.1-8b") >= 0 else project.model_id,
    )
    model = dialog.model.currentData()
    with qtbot.waitSignal(win.importFinished, timeout=60000) as blocker:
        click_ok(qtbot, dialog.buttons)
    result = blocker.args[0]
    assert result.rows_loaded == 3 and result.problems == []
    lines = (BENCH / "sglang_bench_serving.jsonl").read_text().splitlines()
    throughputs = sorted(json.loads(line)["output_throughput"] / 2 for line in lines)
    points = sorted(r.item.output_tokens_per_s_per_gpu for r in result.rows["measured"])
    assert points == pytest.approx(throughputs)
    assert {r.item.hardware_id for r in result.rows["measured"]} == {"h100-sxm"}
    assert {r.item.model_id for r in result.rows["measured"]} == {model}
    measured = win.doc.catalogue.measured
    assert all(r.id in measured for r in result.rows["measured"])
    qtbot.wait(200)
    assert win.imports.bench_dialog is None  # answered: not asked again


def test_declining_the_benchmark_question_changes_nothing_and_says_how_to_state_it(
    win, qtbot
) -> None:
    before = win.doc.project
    start_import(win, qtbot, [BENCH / "profile_export_genai_perf.json"])
    qtbot.waitUntil(lambda: win.imports.bench_dialog is not None, timeout=5000)
    dialog = win.imports.bench_dialog
    assert dialog.missing == {"hardware", "num_gpus"}
    assert not dialog.model.isVisibleTo(dialog)  # the file names its model: not asked
    with qtbot.assertNotEmitted(win.importFinished, wait=500):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert win.imports.bench_dialog is None
    assert win.doc.project == before
    assert "import the files again to state them" in win.problems.summary.text()


def test_benchmark_files_that_say_everything_import_without_a_question(win, qtbot) -> None:
    mlperf = sorted((BENCH / "mlperf").rglob("*.*"))
    result = start_import(win, qtbot, [BENCH / "vllm_bench_serve.json", *mlperf])
    assert result.rows_loaded == 2, win.problems.messages()
    assert {r.provenance.sheet for r in result.rows["measured"]} == {
        "vLLM bench serve result",
        "MLPerf LoadGen summary",
    }
    qtbot.wait(300)
    assert win.imports.bench_dialog is None and win.imports.mapping_dialog is None


# --- cancel and hostile files ---------------------------------------------------------


def big_offers_csv(path: Path, rows: int) -> Path:
    lines = ["Offer ID,Provider,GPU,Pricing,Price per GPU-hour (USD)"]
    lines += [
        f"bulk-{i},Bulk Cloud,H200 SXM 141GB,on demand,{1 + i % 100 / 100}" for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_cancel_closes_the_import_at_once_and_changes_nothing(win, qtbot, tmp_path: Path) -> None:
    big = big_offers_csv(tmp_path / "bulk.csv", 100_000)
    before = win.doc.project
    win.import_paths([big])
    qtbot.waitUntil(lambda: win.imports.progress_dialog.isVisible(), timeout=10000)
    dialog: QProgressDialog = win.imports.progress_dialog
    button = dialog.findChild(QPushButton)
    assert button is not None and button.text() == "Cancel"
    with qtbot.waitSignal(win.importFinished, timeout=10000) as blocker:
        clicked = time.perf_counter()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        closed = time.perf_counter() if not dialog.isVisible() else None
    finished = time.perf_counter()
    assert blocker.args[0] is None
    assert closed is not None  # hidden by the click itself
    assert win.doc.project is before and "bulk-0" not in win.doc.catalogue.offers
    qtbot.waitUntil(win.ops.is_idle, timeout=5000)  # the worker gave up too (child killed)
    assert win.doc.project is before
    print(
        f"cancel: dialog closed {1000 * (closed - clicked):.1f} ms, import stopped "
        f"{1000 * (finished - clicked):.0f} ms after the click"
    )


def test_every_hostile_file_is_one_located_problem_never_a_crash(
    win, qtbot, tmp_path: Path
) -> None:
    corpus = corpus_script.make_corpus(tmp_path / "hostile")
    for name, case in sorted(corpus_script.CASES.items()):
        result = start_import(win, qtbot, [corpus[name]])
        assert result is not None, name
        lines = win.problems.messages()
        where = [win.problems.tree.topLevelItem(i).text(0) for i in range(win.problems.count())]
        assert result.rows_loaded == case.rows, (name, lines)
        for place, line in zip(where, lines, strict=True):
            assert place.startswith(name), (name, place)
            assert "\n" not in line and "\x1b" not in line and "\x00" not in line
        if case.exit_code == 2:
            assert len(lines) == 1, (name, lines)
        shown = [f"{place}: {line}" for place, line in zip(where, lines, strict=True)]
        if case.says:
            assert any(case.says in line for line in shown), (name, shown)
        else:
            assert shown == [], (name, shown)
        if win.imports.mapping_dialog is not None:  # a sheet worth mapping: decline it
            win.imports.mapping_dialog.reject()
        assert win.isVisible()


def test_file_import_menu_imports_what_the_file_dialog_returns(
    win, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    sheet = tmp_path / "acme.csv"
    sheet.write_text(
        "Offer ID,Provider,GPU,Pricing,Price per GPU-hour (USD)\n"
        "acme-h200-od,Acme Cloud,H200 SXM 141GB,on demand,1.99\n"
    )
    offered: list[str] = []

    def pick(_parent: object, _title: str, _folder: str, filters: str) -> tuple[list[str], str]:
        offered.append(filters)
        return [str(sheet)], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(pick))
    with qtbot.waitSignal(win.importFinished, timeout=60000):
        win.act_import.trigger()
    assert "*.jsonl" in offered[0] and "*.xlsx" in offered[0]
    assert "acme-h200-od" in win.doc.catalogue.offers


# --- the pass itself (Qt-free) -----------------------------------------------------------


def test_a_remembered_mapping_with_a_kind_is_detected_instead_in_a_workbook_of_several_sheets(
    tmp_path: Path,
) -> None:
    from openpyxl import Workbook

    from tokentco.domain import Accelerator, ExchangeRates
    from tokentco.io.import_mapping import ColumnMapping, MappedColumn
    from tokentco.io.importer import import_files
    from tokentco.ui.controllers.import_steps import run_import_pass

    book = Workbook()
    prices = book.active
    assert prices is not None
    prices.title = "Prices"
    prices.append(["Offer ID", "Provider", "GPU", "Pricing", "Price per GPU-hour (USD)"])
    prices.append(["zeta-od", "Zeta Cloud", "Zeta Z9", "on demand", 3.5])
    specs = book.create_sheet("Specs")
    for line in GERMAN.splitlines():
        specs.append([int(c) if c.isdigit() else c for c in line.split(",")])
    path = tmp_path / "zeta.xlsx"
    book.save(path)
    store = MappingStore(tmp_path / "store.json")
    columns = {
        "Teil": MappedColumn("name"),
        "Kapazitaet": MappedColumn("memory_gb", "GiB"),
        "Durchsatz": MappedColumn("memory_bw_tb_s", "GB/s"),
        "Rechenleistung": MappedColumn("fp16_dense_tflops"),
    }
    store.remember(list(columns), ColumnMapping(columns=columns, kind="accelerators"))

    outcome = run_import_pass(import_files, [path], ExchangeRates(), catalogue=None, store=store)
    assert outcome.mapping is not None and outcome.mapping.kind is None  # not forced on Prices
    assert outcome.to_map == [] and outcome.result.problems == []
    accelerators = outcome.result.items("accelerators")
    names = {a.name for a in accelerators if isinstance(a, Accelerator)}
    assert names == {"Zeta Z9", "Zeta Z7"} and len(accelerators) == 2
    assert [r.id for r in outcome.result.rows["offers"]] == ["zeta-od"]  # its GPU resolved
    assert len(outcome.notes) == 1 and str(outcome.notes[0]).startswith("zeta.xlsx:Specs: note:")


def test_benchmark_gaps_name_only_what_each_file_leaves_out() -> None:
    from tokentco.io.bench_formats import BenchDefaults
    from tokentco.ui.controllers.import_steps import bench_gaps

    files = [BENCH / "vllm_bench_serve.json", BENCH / "profile_export_genai_perf.json"]
    gaps = bench_gaps(files, None)
    assert [(g.file, g.missing) for g in gaps] == [
        ("profile_export_genai_perf.json", ("hardware", "num_gpus"))
    ]
    assert bench_gaps(files, BenchDefaults(hardware="h100-sxm", num_gpus=8)) == []
    summary = next((BENCH / "mlperf").rglob("mlperf_log_summary.txt"))
    system = next((BENCH / "mlperf").rglob("*.json"))
    assert bench_gaps([summary, system], None) == []  # the system JSON says them
    assert bench_gaps([summary], None)[0].missing == ("hardware", "num_gpus")

"""Benchmark-tool outputs → measured rows with provenance, and back out of a saved project.

Samples in ``bench_samples/`` are small files written for these tests from each tool's
documented output format (fictional figures). Expected values are computed here from the
figures in the files, so a wrong field, unit or division fails.
"""

import json
import re
import shutil
from pathlib import Path

import pytest

from tokentco.cli import main
from tokentco.domain import ExchangeRates, MeasuredPoint, Precision, Project
from tokentco.io.bench_formats import BenchDefaults, detect
from tokentco.io.importer import import_files
from tokentco.io.project_file import load_project, save_project

SAMPLES = Path(__file__).with_name("bench_samples")
MLPERF_SUMMARY = (
    SAMPLES
    / "mlperf/results/Fictional-8xB200/llama2-70b-99/Offline/performance/run_1"
    / "mlperf_log_summary.txt"
)
MLPERF_SYSTEM = SAMPLES / "mlperf/systems/Fictional-8xB200.json"
H200x8 = BenchDefaults(hardware="h200-sxm", num_gpus=8, model="qwen3-32b")
"""What the analyst states for files that do not say it (only fills gaps)."""


def points(result) -> list[MeasuredPoint]:
    return [row.item for row in result.rows["measured"]]


def only(result) -> MeasuredPoint:
    assert result.problems == [], [str(p) for p in result.problems]
    (point,) = points(result)
    return point


def test_detect_recognises_each_format_and_leaves_spreadsheets_alone(tmp_path):
    assert detect(SAMPLES / "vllm_bench_serve.json") == "vllm"
    assert detect(SAMPLES / "sglang_bench_serving.jsonl") == "sglang"
    assert detect(SAMPLES / "profile_export_genai_perf.json") == "genai_perf"
    assert detect(SAMPLES / "profile_export_genai_perf.csv") == "genai_perf"
    assert detect(SAMPLES / "profile_export_aiperf.json") == "aiperf"
    assert detect(MLPERF_SUMMARY) == "mlperf"
    assert detect(MLPERF_SYSTEM) == "mlperf_system"
    plain = tmp_path / "prices.csv"
    plain.write_text("Metric GPU,Price per GPU-hour\nh100-sxm,2.5\n")
    assert detect(plain) is None


def test_vllm_result_with_metadata():
    result = import_files([SAMPLES / "vllm_bench_serve.json"], ExchangeRates())
    point = only(result)
    raw = json.loads((SAMPLES / "vllm_bench_serve.json").read_text())
    assert point.hardware_id == "h100-sxm" and point.model_id == "llama-3.1-70b"
    assert point.num_gpus == 8 and point.tp == 8 and point.precision == Precision.parse("fp8")
    assert point.engine == "vllm" and point.scenario == "max concurrency 64"
    assert point.output_tokens_per_s_per_gpu == pytest.approx(raw["output_throughput"] / 8)
    assert point.ttft_ms == raw["median_ttft_ms"]
    assert point.tokens_per_s_per_user == pytest.approx(1000 / raw["median_tpot_ms"])
    assert (point.isl_tokens, point.osl_tokens) == (1024, 256)
    provenance = result.rows["measured"][0].provenance
    assert provenance.origin == "imported" and provenance.file == "vllm_bench_serve.json"
    assert provenance.sheet == "vLLM bench serve result"
    assert provenance.notes["import: model_id"].endswith("matched llama-3.1-70b")
    assert "median_ttft_ms" in provenance.notes["import: figures"]


def test_sglang_jsonl_one_point_per_line_with_stated_hardware():
    result = import_files([SAMPLES / "sglang_bench_serving.jsonl"], ExchangeRates(), bench=H200x8)
    lines = [
        json.loads(line)
        for line in (SAMPLES / "sglang_bench_serving.jsonl").read_text().splitlines()
    ]
    got = points(result)
    assert result.problems == [] and len(got) == len(lines) == 3
    for point, line, row in zip(got, lines, result.rows["measured"], strict=True):
        assert point.hardware_id == "h200-sxm" and point.engine == "sglang"
        assert point.model_id == "qwen3-32b"
        assert point.output_tokens_per_s_per_gpu == pytest.approx(line["output_throughput"] / 8)
        assert point.ttft_ms == line["median_ttft_ms"]
        assert point.scenario == f"max concurrency {line['max_concurrency']}"
        assert (point.isl_tokens, point.osl_tokens) == (1024, 512)
        assert row.provenance.notes["import: hardware"].startswith("h200-sxm (stated on import")
    assert [r.provenance.row for r in result.rows["measured"]] == [1, 2, 3]
    assert len({p.id for p in got}) == 3


def test_sglang_without_hardware_is_a_located_problem_per_line():
    result = import_files([SAMPLES / "sglang_bench_serving.jsonl"], ExchangeRates())
    lines = [str(p) for p in result.problems]
    assert result.rows_loaded == 0 and len(lines) == 3
    assert lines[0].startswith("sglang_bench_serving.jsonl:R1: the file does not say which GPU")
    assert "--hardware" in lines[0] and "--gpus" in lines[0]


def test_genai_perf_json_and_csv_agree():
    from_json = only(
        import_files([SAMPLES / "profile_export_genai_perf.json"], ExchangeRates(), bench=H200x8)
    )
    from_csv = only(
        import_files([SAMPLES / "profile_export_genai_perf.csv"], ExchangeRates(), bench=H200x8)
    )
    for point in (from_json, from_csv):
        assert point.model_id == "qwen3-32b" and point.hardware_id == "h200-sxm"
        assert point.output_tokens_per_s_per_gpu == pytest.approx(1750.6 / 8)
        assert point.ttft_ms == pytest.approx(231.7)
        assert (point.isl_tokens, point.osl_tokens) == (2048, 512)
    assert from_json.scenario == "concurrency 32"
    assert from_json.tokens_per_s_per_user == pytest.approx(55.4)  # per-request throughput
    assert from_csv.tokens_per_s_per_user == pytest.approx(1000 / 17.6)  # from ITL p50


def test_genai_perf_csv_needs_the_model_stated():
    bench = BenchDefaults(hardware="h200-sxm", num_gpus=8)
    result = import_files([SAMPLES / "profile_export_genai_perf.csv"], ExchangeRates(), bench=bench)
    (problem,) = result.problems
    assert str(problem) == (
        "profile_export_genai_perf.csv: the file does not say which model was served: "
        "pass --model ID"
    )


def test_a_file_that_names_its_model_keeps_it():
    result = import_files([SAMPLES / "vllm_bench_serve.json"], ExchangeRates(), bench=H200x8)
    point = only(result)  # H200x8 says qwen3-32b on h200-sxm; the file says otherwise
    assert (point.hardware_id, point.model_id) == ("h100-sxm", "llama-3.1-70b")


def test_aiperf_takes_gpus_from_telemetry():
    result = import_files([SAMPLES / "profile_export_aiperf.json"], ExchangeRates())
    point = only(result)
    assert point.hardware_id == "b200" and point.num_gpus == 4
    assert point.model_id == "gpt-oss-120b" and point.scenario == "concurrency 200"
    assert point.output_tokens_per_s_per_gpu == pytest.approx(9274.6 / 4)
    assert point.ttft_ms == pytest.approx(787.5) and point.tokens_per_s_per_user == 19.3
    notes = result.rows["measured"][0].provenance.notes
    assert notes["import: num_gpus"] == "4 (GPUs in the run's telemetry)"


def test_mlperf_summary_with_its_system_description():
    result = import_files([MLPERF_SUMMARY, MLPERF_SYSTEM], ExchangeRates())
    point = only(result)
    assert point.hardware_id == "b200" and point.num_gpus == 8
    assert point.model_id == "llama-2-70b" and point.engine == "TensorRT-LLM"
    assert point.scenario == "MLPerf Offline"
    assert point.output_tokens_per_s_per_gpu == pytest.approx(29812.44 / 8)
    provenance = result.rows["measured"][0].provenance
    assert provenance.file == "llama2-70b-99/Offline/mlperf_log_summary.txt"
    assert provenance.notes["import: system"].startswith(
        "Fictional-8xB200.json: Fictional-8xB200, 8 × 1"
    )


def test_mlperf_summary_alone_or_invalid_is_a_problem(tmp_path):
    alone = import_files([MLPERF_SUMMARY], ExchangeRates())
    assert alone.rows_loaded == 0
    assert "does not say which GPU" in str(alone.problems[0])
    invalid = tmp_path / "run_1" / "mlperf_log_summary.txt"
    invalid.parent.mkdir()
    invalid.write_text(
        MLPERF_SUMMARY.read_text().replace("Result is : VALID", "Result is : INVALID")
    )
    result = import_files([invalid, MLPERF_SYSTEM], ExchangeRates(), bench=BenchDefaults(model="x"))
    (problem,) = result.problems
    assert str(problem) == (
        "mlperf_log_summary.txt: the result is INVALID (LoadGen's constraints not met): "
        "not imported"
    )


def test_round_trip_through_a_saved_project(tmp_path):
    files = [
        SAMPLES / "vllm_bench_serve.json",
        SAMPLES / "sglang_bench_serving.jsonl",
        SAMPLES / "profile_export_genai_perf.json",
        SAMPLES / "profile_export_aiperf.json",
        MLPERF_SUMMARY,
        MLPERF_SYSTEM,
    ]
    result = import_files(files, ExchangeRates(), bench=H200x8)
    assert result.problems == [] and result.rows_loaded == 7
    target = tmp_path / "measured.tokentco"
    save_project(result.merge_into(Project()), target)
    loaded = load_project(target)
    assert loaded.imported.measured == {row.id: row.item for row in result.rows["measured"]}
    for row in result.rows["measured"]:
        again = loaded.imported.provenance_of("measured", row.id)
        assert (again.file, again.sheet, again.row) == (
            row.provenance.file,
            row.provenance.sheet,
            row.provenance.row,
        )
        assert again.notes == row.provenance.notes


def test_cli_validate_and_import_take_the_bench_options(tmp_path, capsys):
    sample = str(SAMPLES / "sglang_bench_serving.jsonl")
    assert main(["validate", sample]) == 1
    assert capsys.readouterr().out.strip().endswith("0 rows loaded, 3 problems")
    stated = ["--hardware", "h200-sxm", "--gpus", "8", "--model", "qwen3-32b"]
    assert main(["validate", sample, *stated]) == 0
    target = tmp_path / "p.tokentco"
    args = ["import", sample, "--project", str(target), *stated]
    assert main(args) == 0
    assert len(load_project(target).imported.measured) == 3


def test_hostile_json_is_one_line(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('{"output_throughput": 1, "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    digits = tmp_path / "digits.json"
    digits.write_text('{"output_throughput": ' + "9" * 5000 + "}")
    listed = tmp_path / "list.jsonl"
    listed.write_text('{"output_throughput": 5}\n[1, 2]\n')
    result = import_files([deep, digits, listed], ExchangeRates())
    lines = [str(p) for p in result.unreadable]
    assert len(lines) == 3
    assert lines[0] == "deep.json: not a benchmark result: JSON nested too deeply"
    assert lines[1].startswith("digits.json: not valid JSON: ")
    assert lines[2] == "list.jsonl:R2: not a benchmark result: expected a JSON object"


def test_unknown_json_gets_the_supported_formats(tmp_path):
    other = tmp_path / "notes.json"
    other.write_text('{"hello": 1}')
    (problem,) = import_files([other], ExchangeRates()).unreadable
    assert "vLLM/SGLang/GenAI-Perf/AIPerf JSON" in str(problem)


def test_mlperf_tree_copied_elsewhere_keeps_its_model(tmp_path):
    copy = tmp_path / "llama2-70b-99" / "Server" / "performance" / "run_1"
    copy.mkdir(parents=True)
    shutil.copy(MLPERF_SUMMARY, copy / "mlperf_log_summary.txt")
    text = (copy / "mlperf_log_summary.txt").read_text()
    (copy / "mlperf_log_summary.txt").write_text(
        text.replace("Scenario : Offline", "Scenario : Server").replace(
            "Tokens per second: 29812.44", "Completed tokens per second: 20100.5"
        )
        + "50.00 percentile first token latency (ns) : 412000000\n"
        + "50.00 percentile time to output token (ns) : 25000000\n"
    )
    point = only(import_files([copy / "mlperf_log_summary.txt", MLPERF_SYSTEM], ExchangeRates()))
    assert point.scenario == "MLPerf Server" and point.model_id == "llama-2-70b"
    assert point.output_tokens_per_s_per_gpu == pytest.approx(20100.5 / 8)
    assert point.ttft_ms == pytest.approx(412.0) and point.tokens_per_s_per_user == 40.0


def test_an_imported_benchmark_anchors_the_estimate_it_matches(catalogue):
    """The point of importing results: the option on that GPU and model is anchored to it."""
    from tokentco.engine.evaluate import evaluate
    from tokentco.io.calibration_file import load_calibration
    from tokentco.io.defaults import default_project

    base = default_project(catalogue)
    project = base.model_copy(
        update={
            "model_id": "llama-3.1-70b",
            "workload": base.workload.model_copy(update={"osl_tokens": 256}),
            "serving": base.serving.model_copy(update={"engine_family": "vllm"}),
        }
    )
    result = import_files([SAMPLES / "vllm_bench_serve.json"], ExchangeRates())
    merged = result.merge_into(project)
    comparison = evaluate(merged, merged.effective_catalogue(catalogue), load_calibration())
    (h100,) = [o for o in comparison.options if o.accelerator_id == "h100-sxm"]
    point_id = result.rows["measured"][0].id
    assert [(a.point_id, a.used) for a in h100.anchors] == [(point_id, True)]
    assert h100.point.provenance == "anchored"
    assert "vllm_bench_serve.json" in h100.point.anchor_source


def _vllm_variant(tmp_path, **changes):  # type: ignore[no-untyped-def]
    import json

    data = json.loads((SAMPLES / "vllm_bench_serve.json").read_text())
    data.update(changes)
    path = tmp_path / "variant.json"
    path.write_text(json.dumps(data))
    return import_files([path], ExchangeRates())


def test_absurd_benchmark_figures_are_problems_not_measurements(tmp_path):
    """The plausible ranges of a spreadsheet's measured columns hold for benchmark files too:
    1e300 tok/s would otherwise anchor estimates by ×1e296."""
    huge = _vllm_variant(tmp_path, output_throughput=1e300)
    assert huge.rows_loaded == 0
    assert any("outside the plausible range" in p.message for p in huge.problems)
    failed = _vllm_variant(tmp_path, completed=0, failed=1000)
    assert failed.rows_loaded == 0
    assert any("no request completed" in p.message for p in failed.problems)
    fine = _vllm_variant(tmp_path)
    assert fine.rows_loaded == 1


def test_non_finite_throughput_is_named_in_every_format(tmp_path):
    """NaN/Infinity (as Python's json writes them) and 1e400 read as no figure; the problem
    names the figure instead of claiming the file has none."""
    for value in (float("nan"), float("inf")):
        result = _vllm_variant(tmp_path, output_throughput=value)
        (problem,) = result.problems
        assert problem.message.startswith("output_throughput is not a finite number (")
    genai = json.loads((SAMPLES / "profile_export_genai_perf.json").read_text())
    genai["output_token_throughput"]["avg"] = float("inf")
    path = tmp_path / "profile_export_genai_perf.json"
    path.write_text(json.dumps(genai))
    (problem,) = import_files([path], ExchangeRates(), bench=H200x8).problems
    assert problem.message.startswith("output_token_throughput avg is not a finite number (inf)")
    summary = tmp_path / "mlperf_log_summary.txt"
    text = re.sub(r"(Tokens per second: )[\d.]+", r"\g<1>1e400", MLPERF_SUMMARY.read_text())
    assert "Tokens per second: 1e400\n" in text, "the sample's throughput line moved"
    summary.write_text(text)
    (problem,) = import_files([summary, MLPERF_SYSTEM], ExchangeRates()).problems
    assert "Tokens per second is not a finite number" in problem.message


def test_mlperf_system_description_keeps_only_the_fields_used(tmp_path):
    from tokentco.io.bench_formats import read_runs

    system = json.loads(MLPERF_SYSTEM.read_text())
    system.update({f"extra_{i}": "x" * 1000 for i in range(100)})
    system["framework"] = "y" * 5000
    path = tmp_path / "system.json"
    path.write_text(json.dumps(system))
    (run,) = read_runs(path, "mlperf_system", BenchDefaults())
    assert run.system is not None and set(run.system) <= {
        "system_name",
        "accelerator_model_name",
        "accelerators_per_node",
        "number_of_nodes",
        "framework",
    }
    assert run.system["accelerators_per_node"] == system["accelerators_per_node"]
    assert len(run.system["framework"]) == 200


def test_mlperf_summary_lines_split_like_loadgen_writes_them():
    from tokentco.io.bench_formats import _summary_fields

    fields = _summary_fields(
        "==========\nSUT name : A : B\n  Scenario :Offline  \nx = 1 : 2\n: nothing\nempty :\n"
        "Scenario : Server\n" + " " * 100_000 + "\n"
    )
    assert fields == {"sut name": "A : B", "scenario": "Offline"}

"""Bad values in benchmark results are located problems or honest notes, never replaced
by another figure or dropped in silence (issue 13 §3/§6).

Each case is the shipped sample with one field changed, imported as the CLI imports it
(through the isolated reader), so the message that reaches the analyst is what is checked.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from tokentco.cli import main
from tokentco.domain import ExchangeRates
from tokentco.io.bench_formats import BenchDefaults
from tokentco.io.importer import ImportResult, import_files

SAMPLES = Path(__file__).with_name("bench_samples")
VLLM = json.loads((SAMPLES / "vllm_bench_serve.json").read_text())


def _vllm(tmp_path: Path, **changes: Any) -> ImportResult:
    data = dict(VLLM, **changes)
    path = tmp_path / "variant.json"
    path.write_text(json.dumps(data))
    return import_files([path], ExchangeRates())


def _problem(result: ImportResult) -> str:
    assert result.rows_loaded == 0
    (problem,) = result.problems
    return str(problem)


@pytest.mark.parametrize(
    ("field", "value", "shown", "least"),
    [
        ("num_gpus", "0", "'0'", 1),
        ("num_gpus", "-8", "'-8'", 1),
        ("num_gpus", "inf", "'inf'", 1),
        ("num_gpus", "2.5", "'2.5'", 1),
        ("tensor_parallel_size", -2, "-2", 1),
        ("max_concurrency", -5, "-5", 1),
        ("total_output_tokens", -256000, "-256000", 1),
        ("completed", 10.5, "10.5", 0),
    ],
)
def test_a_bad_count_is_a_located_problem_not_a_fallback(tmp_path, field, value, shown, least):
    message = _problem(_vllm(tmp_path, **{field: value}))
    assert message == f"variant.json: {field}: expected a whole number ≥ {least}, got {shown}"


def test_a_bad_request_rate_or_throughput_is_named(tmp_path):
    rate = _problem(_vllm(tmp_path, max_concurrency=None, request_rate=-3))
    assert rate.endswith('request_rate: expected a positive number or "inf", got -3')
    throughput = _problem(_vllm(tmp_path, output_throughput=-1205.27))
    assert throughput.endswith(
        "output_throughput: expected a positive number of tokens/s, got -1205.27"
    )


def test_tensor_parallel_larger_than_the_gpus_is_a_problem(tmp_path):
    message = _problem(_vllm(tmp_path, tensor_parallel_size=16))
    assert message == (
        "variant.json: tensor_parallel_size 16 is larger than the 8 GPUs that served the run"
    )
    # also when the GPU count is stated on import rather than in the file
    data = dict(VLLM, tensor_parallel_size=16)
    del data["num_gpus"]
    path = tmp_path / "no_gpus.json"
    path.write_text(json.dumps(data))
    stated = import_files([path], ExchangeRates(), bench=BenchDefaults(num_gpus=8))
    assert "tensor_parallel_size 16 is larger than the 8 GPUs" in _problem(stated)


def test_a_nan_median_ttft_uses_the_mean_and_says_so(tmp_path):
    result = _vllm(tmp_path, median_ttft_ms=float("nan"))
    assert result.problems == []
    (row,) = result.rows["measured"]
    assert row.item.ttft_ms == VLLM["mean_ttft_ms"]
    notes = row.provenance.notes
    assert "TTFT = mean_ttft_ms" in notes["import: figures"]
    assert "median_ttft_ms" not in notes["import: figures"]
    assert notes["import: ttft_ms"] == (
        "median_ttft_ms is not a positive number (nan); mean_ttft_ms used"
    )


def test_no_usable_ttft_is_noted_not_invented(tmp_path):
    result = _vllm(tmp_path, median_ttft_ms=-1, mean_ttft_ms="n/a")
    (row,) = result.rows["measured"]
    assert row.item.ttft_ms is None
    assert "TTFT" not in row.provenance.notes["import: figures"]
    assert row.provenance.notes["import: ttft_ms"] == (
        "median_ttft_ms is not a positive number (-1); "
        "mean_ttft_ms is not a positive number ('n/a'): not recorded"
    )


def test_a_duplicate_key_is_refused(tmp_path, capsys):
    text = (SAMPLES / "vllm_bench_serve.json").read_text()
    path = tmp_path / "dup.json"
    path.write_text(
        text.replace('"output_throughput": 1205.27,', '"output_throughput": 1.0,', 1).replace(
            '"mean_ttft_ms"', '"output_throughput": 1205.27, "mean_ttft_ms"', 1
        )
    )
    assert text.count('"output_throughput"') == 1
    assert main(["import", str(path), "--project", str(tmp_path / "p.tokentco")]) == 2
    out = capsys.readouterr()
    lines = [line for line in (out.out + out.err).splitlines() if "dup.json" in line]
    assert lines == [
        'dup.json: duplicate key "output_throughput": the file states it twice, '
        "so its value is ambiguous"
    ], out


def test_sglang_lines_are_held_to_the_same_rules(tmp_path):
    lines = (SAMPLES / "sglang_bench_serving.jsonl").read_text().splitlines()
    second = json.loads(lines[1])
    second["max_concurrency"] = 0
    lines[1] = json.dumps(second)
    third = json.loads(lines[2])
    third["median_tpot_ms"] = float("inf")
    lines[2] = json.dumps(third)
    path = tmp_path / "sweep.jsonl"
    path.write_text("\n".join(lines) + "\n")
    defaults = BenchDefaults(hardware="h200-sxm", num_gpus=8, model="qwen3-32b")
    result = import_files([path], ExchangeRates(), bench=defaults)
    assert [str(p) for p in result.problems] == [
        "sweep.jsonl:R2: max_concurrency: expected a whole number ≥ 1, got 0",
    ]
    assert result.rows_loaded == 2
    last = result.rows["measured"][1]
    assert last.item.tokens_per_s_per_user == pytest.approx(1000 / third["mean_tpot_ms"])
    assert "1000 / mean_tpot_ms" in last.provenance.notes["import: figures"]
    lines[2] = lines[2].replace('"median_ttft_ms"', '"median_ttft_ms": 1, "median_ttft_ms"')
    path.write_text("\n".join(lines) + "\n")
    (problem,) = import_files([path], ExchangeRates(), bench=defaults).problems
    assert str(problem) == (
        'sweep.jsonl:R3: duplicate key "median_ttft_ms": the file states it twice, '
        "so its value is ambiguous"
    )


GENAI = json.loads((SAMPLES / "profile_export_genai_perf.json").read_text())
H200x8 = BenchDefaults(hardware="h200-sxm", num_gpus=8, model="qwen3-32b")


def _genai(tmp_path: Path, change: Any) -> ImportResult:
    data = json.loads(json.dumps(GENAI))
    change(data)
    path = tmp_path / "profile_export_genai_perf.json"
    path.write_text(json.dumps(data))
    return import_files([path], ExchangeRates(), bench=H200x8)


def test_genai_perf_bad_values_are_named(tmp_path):
    def concurrency(data: dict[str, Any]) -> None:
        data["input_config"]["concurrency"] = -5

    def length(data: dict[str, Any]) -> None:
        data["output_sequence_length"]["avg"] = -512

    def throughput(data: dict[str, Any]) -> None:
        data["output_token_throughput"]["avg"] = 0

    assert _problem(_genai(tmp_path, concurrency)).endswith(
        "concurrency: expected a whole number ≥ 1, got -5"
    )
    assert _problem(_genai(tmp_path, length)).endswith(
        "output_sequence_length avg: expected a length of at least 1 token, got -512"
    )
    assert _problem(_genai(tmp_path, throughput)).endswith(
        "output_token_throughput avg: expected a positive number of tokens/s, got 0"
    )


def test_genai_perf_nan_p50_ttft_uses_the_average_and_says_so(tmp_path):
    def nan(data: dict[str, Any]) -> None:
        data["time_to_first_token"]["p50"] = float("nan")

    result = _genai(tmp_path, nan)
    (row,) = result.rows["measured"]
    assert row.item.ttft_ms == GENAI["time_to_first_token"]["avg"]
    assert row.provenance.notes["import: figures"].endswith("TTFT = time_to_first_token avg")
    assert row.provenance.notes["import: ttft_ms"] == (
        "time_to_first_token p50 is not a positive number (nan); time_to_first_token avg used"
    )


def test_genai_perf_csv_bad_values_are_named(tmp_path):
    text = (SAMPLES / "profile_export_genai_perf.csv").read_text()
    bad_length = text.replace(
        "Output Sequence Length (tokens),512.00", "Output Sequence Length (tokens),-1"
    )
    path = tmp_path / "profile_export_genai_perf.csv"
    path.write_text(bad_length)
    assert _problem(import_files([path], ExchangeRates(), bench=H200x8)).endswith(
        "Output Sequence Length avg: expected a length of at least 1 token, got '-1'"
    )
    path.write_text(text.replace("300.40,231.70", "300.40,nan"))
    (row,) = import_files([path], ExchangeRates(), bench=H200x8).rows["measured"]
    assert row.item.ttft_ms == 255.3
    assert "TTFT = Time To First Token avg" in row.provenance.notes["import: figures"]


MLPERF = SAMPLES / "mlperf"
SUMMARY = (
    MLPERF
    / "results/Fictional-8xB200/llama2-70b-99/Offline/performance/run_1/mlperf_log_summary.txt"
)
SYSTEM = MLPERF / "systems/Fictional-8xB200.json"


def test_mlperf_system_description_alone_says_what_it_needs(tmp_path, capsys):
    result = import_files([SYSTEM], ExchangeRates())
    assert _problem(result) == (
        "Fictional-8xB200.json: an MLPerf system description, not a result: import it "
        "together with its results' mlperf_log_summary.txt "
        "(results/<system>/<benchmark>/<scenario>/performance/run_1/)"
    )
    assert main(["import", str(SYSTEM), "--project", str(tmp_path / "p.tokentco")]) == 1
    assert "0 rows loaded, 1 problems" in capsys.readouterr().out


def test_mlperf_summary_alone_mentions_its_system_description():
    message = _problem(import_files([SUMMARY], ExchangeRates()))
    assert message.endswith(
        "the file does not say which GPU ran it: give its MLPerf system description "
        "(systems/<system>.json) in the same import, or pass --hardware ID (e.g. h100-sxm) "
        "and --gpus N"
    )


def test_mlperf_bad_accelerator_count_is_a_problem_naming_the_system_file(tmp_path):
    data = json.loads(SYSTEM.read_text())
    data["accelerators_per_node"] = "-8"
    system = tmp_path / "Fictional-8xB200.json"
    system.write_text(json.dumps(data))
    message = _problem(import_files([SUMMARY, system], ExchangeRates()))
    assert message == (
        "llama2-70b-99/Offline/mlperf_log_summary.txt: Fictional-8xB200.json: "
        "accelerators_per_node: expected a whole number ≥ 1, got '-8'"
    )


def test_mlperf_negative_tokens_per_second_is_named(tmp_path):
    summary = tmp_path / "mlperf_log_summary.txt"
    summary.write_text(
        SUMMARY.read_text().replace("Tokens per second: 29812.44", "Tokens per second: -5")
    )
    message = _problem(import_files([summary, SYSTEM], ExchangeRates()))
    assert message.endswith("Tokens per second: expected a positive number of tokens/s, got '-5'")

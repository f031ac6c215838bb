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

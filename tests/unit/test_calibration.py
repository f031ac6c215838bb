"""Calibration: lookup fallbacks, the shipped table, point estimation, CLI and the accuracy gate."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from tokentco.cli import main
from tokentco.domain import Precision
from tokentco.engine.calibration import Calibration
from tokentco.engine.efficiency import Efficiency
from tokentco.engine.fit import fallback_groups, hardware_group, stats
from tokentco.engine.points import (
    MLPERF_OSL_SPREAD,
    P99_OVER_MEAN_TPOT,
    P99_OVER_MEAN_TTFT,
    PointRequest,
    Status,
    estimate_points,
    load_target,
    plan_points,
)
from tokentco.io.bundled import bundled_catalogue, resource_path
from tokentco.io.calibration_file import (
    calibration_from_json,
    load_calibration,
    shipped_accuracy,
)

E = {
    name: Efficiency(eta_mem=value)
    for name, value in {
        "hpf": 0.11,
        "hp": 0.12,
        "hf": 0.13,
        "h": 0.14,
        "gp": 0.15,
        "g": 0.16,
        "pf": 0.17,
        "p": 0.18,
        "f": 0.19,
        "d": 0.2,
    }.items()
}


def test_lookup_falls_back_from_specific_to_general() -> None:
    table = {
        ("h100-sxm", "fp8", "vllm"): E["hpf"],
        ("h100-sxm", "fp8", ""): E["hp"],
        ("h100-sxm", "", "sglang"): E["hf"],
        ("h100-sxm", "", ""): E["h"],
        ("nvidia:fp8", "fp4", ""): E["gp"],
        ("nvidia:fp8", "", ""): E["g"],
        ("", "fp16", "vllm"): E["pf"],
        ("", "fp16", ""): E["p"],
        ("", "", "trtllm"): E["f"],
    }
    cal = Calibration(table=table, default=E["d"], groups={"h200-sxm": "nvidia:fp8"})
    assert cal.lookup("h100-sxm", Precision.FP8, "vLLM 0.9") is E["hpf"]
    assert cal.lookup("h100-sxm", Precision.FP8, "TensorRT-LLM") is E["hp"]
    assert cal.lookup("h100-sxm", Precision.FP4, "SGLang") is E["hf"]
    assert cal.lookup("h100-sxm", Precision.FP4, "") is E["h"]
    assert cal.lookup("h200-sxm", Precision.FP4, "vllm") is E["gp"]  # generation, precision
    assert cal.lookup("h200-sxm", Precision.FP8, "") is E["g"]  # generation
    assert cal.lookup("tpu-v6e", Precision.FP16, "vllm") is E["pf"]
    assert cal.lookup("tpu-v6e", Precision.FP16, "") is E["p"]
    assert cal.lookup("tpu-v6e", Precision.FP8, "trtllm") is E["f"]
    assert cal.lookup("tpu-v6e", Precision.FP8, "") is E["d"]


def test_shipped_table_loads_and_covers_measured_hardware() -> None:
    cal = load_calibration()
    assert cal.version.startswith("fitted")
    measured_hw = {p.hardware_id for p in bundled_catalogue().measured.values()}
    known = measured_hw & set(bundled_catalogue().accelerators)
    for hw in known:
        assert cal.is_calibrated(hw) or hw in cal.groups, hw
    # unmeasured hardware of a measured generation borrows its nearest fitted sibling's factors
    sibling = cal.groups.get("b300", "")
    accelerators = bundled_catalogue().accelerators
    assert cal.is_calibrated(sibling)
    assert hardware_group(accelerators[sibling]) == hardware_group(accelerators["b300"])
    assert cal.lookup("b300", Precision.FP4) is not cal.default


def test_bad_calibration_json_is_an_input_error() -> None:
    from tokentco.io.errors import InputError

    with pytest.raises(InputError, match="bad factors"):
        calibration_from_json({"default": {"eta_typo": 1.0}})
    with pytest.raises(InputError, match="not a calibration"):
        calibration_from_json({"table": [{"hardware": "x"}], "default": {}})


def test_load_targets() -> None:
    # p99 limits bound the tail; the estimator's latencies are means, held below the limit
    server = load_target("MLPerf Server", "TTFT p99<=2000ms; TPOT p99<=80ms")
    assert server.max_ttft_ms == pytest.approx(2000 / P99_OVER_MEAN_TTFT)
    assert server.min_tokens_per_s_per_user == pytest.approx(12.5 * P99_OVER_MEAN_TPOT)
    assert P99_OVER_MEAN_TTFT > P99_OVER_MEAN_TPOT > 1.0
    mean = load_target("custom", "TTFT<=2000ms; TPOT<=80ms")
    assert mean.max_ttft_ms == 2000 and mean.min_tokens_per_s_per_user == pytest.approx(12.5)
    offline = load_target("MLPerf Offline", "none (Offline: all queries issued at once)")
    assert offline.max_ttft_ms is None and offline.min_tokens_per_s_per_user is None
    iso = load_target("~256 concurrent requests (interpolated)", "iso-interactivity 72 tok/s/user")
    assert iso.concurrency == 256 and iso.min_tokens_per_s_per_user == 72


ROWS = [
    {
        "id": "a",
        "hardware": "h200-sxm",
        "model": "llama-3.3-70b",
        "precision": "FP8",
        "num_gpus": "1",
        "tp": "1",
        "pp": "1",
        "isl": "1000",
        "osl": "1000",
        "concurrency_or_scenario": "max-throughput offline",
        "engine": "TensorRT-LLM",
    },
    {
        "id": "b",
        "hardware": "h200-sxm",
        "model": "llama-2-70b",
        "precision": "FP8",
        "num_gpus": "8",
        "osl": "290",
        "source": "MLPerf Inference v5.1",
        "concurrency_or_scenario": "MLPerf Server",
        "latency_constraint": "TTFT p99<=2000ms; TPOT p99<=200ms",
    },
    {"id": "c", "hardware": "warp-drive-9000", "model": "llama-3.3-70b", "isl": "1", "osl": "1"},
    {"id": "d", "hardware": "h200-sxm", "model": "no-such-model", "isl": "1", "osl": "1"},
    {"id": "e", "hardware": "h200-sxm", "model": "llama-3.3-70b", "isl": "", "osl": ""},
    {
        "id": "f",
        "hardware": "l40s",
        "model": "llama-3.1-405b",
        "num_gpus": "1",
        "tp": "1",
        "isl": "1000",
        "osl": "1000",
        "precision": "FP8",
    },
    {"id": "g", "hardware": "h200-sxm", "model": "llama-3.3-70b", "isl": "abc", "osl": "10"},
]


def test_points_give_status_not_crash() -> None:
    est = estimate_points(
        [PointRequest.from_row(r) for r in ROWS], bundled_catalogue(), load_calibration()
    )
    assert est.status[:6] == (
        Status.OK,
        Status.OK,
        Status.UNKNOWN_HARDWARE,
        Status.UNKNOWN_MODEL,
        Status.MISSING_LENGTHS,
        Status.DOES_NOT_FIT,
    )
    assert est.status[6].startswith(Status.BAD_VALUE)
    assert est.output_tokens_per_s_per_gpu[0] > 100
    server = est.tokens_per_s_per_user[1]
    assert server >= 5.0 and est.ttft_ms[1] <= 2000  # MLPerf server limits honoured
    assert np.isnan(est.output_tokens_per_s_per_gpu[2:]).all()


def test_unmeasured_hardware_borrows_its_nearest_measured_sibling() -> None:
    """GB300 without rows borrows GB200's factors (same chip class and NVL72 domain), not the
    Blackwell pool that also holds GDDR workstation cards; an unmeasured vendor/generation
    with only a pooled entry gets the pool."""
    cat = bundled_catalogue()
    eff = Efficiency()
    table = {
        ("gb200", "", ""): eff,
        ("b200", "", ""): eff,
        ("rtx-pro-6000-server", "", ""): eff,
        ("nvidia:fp4", "", ""): eff,
        ("amd:fp8", "", ""): eff,
    }
    groups = fallback_groups(cat, table)
    assert groups["gb300"] == "gb200"
    assert groups["mi300x"] == "amd:fp8"
    assert "h100-sxm" not in groups  # no fitted sibling and no pooled entry
    cal = Calibration(table={**table, ("gb200", "", ""): Efficiency(eta_mem=0.31)}, groups=groups)
    assert cal.lookup("gb300", Precision.FP4).eta_mem == 0.31


def test_mlperf_rows_have_variable_output_lengths() -> None:
    """MLPerf datasets have natural (long-tailed) output lengths; synthetic benchmarks do not."""
    base = {"hardware": "h200-sxm", "model": "llama-2-70b", "precision": "fp8", "osl": "300"}
    mlperf = PointRequest.from_row({**base, "source": "MLPerf Inference v5.1"})
    synthetic = PointRequest.from_row({**base, "isl": "1024", "source": "TensorRT-LLM"})
    plan = plan_points([mlperf, synthetic], bundled_catalogue())
    spread = plan.cases.osl_spread
    assert np.all(spread[plan.owner == 0] == MLPERF_OSL_SPREAD) and MLPERF_OSL_SPREAD > 1.0
    assert np.all(spread[plan.owner == 1] == 1.0)


def test_best_of_rows_search_both_serving_modes() -> None:
    """A row that reports the best configuration across frameworks and serving modes
    (InferenceX "best-of") is estimated over aggregated and disaggregated serving, as over
    layouts; a row that names its engine, or states disaggregation, keeps its one mode."""
    base = {
        "hardware": "gb200",
        "model": "deepseek-r1",
        "precision": "fp8",
        "isl": "8192",
        "osl": "1024",
        "concurrency_or_scenario": "~649 concurrent requests (interpolated)",
        "latency_constraint": "iso-interactivity 75 tok/s/user",
    }
    best = PointRequest.from_row({**base, "engine": "best-of (SGLang/vLLM/TRT-LLM/Dynamo)"})
    named = PointRequest.from_row({**base, "engine": "SGLang"})
    stated = PointRequest.from_row(
        {**base, "engine": "best-of (Dynamo)", "disaggregated": "yes (prefill/decode)"}
    )
    catalogue = bundled_catalogue()
    plan = plan_points([best, named, stated], catalogue)
    modes = plan.cases.disaggregated
    assert set(modes[plan.owner == 0]) == {0.0, 1.0}
    assert set(modes[plan.owner == 1]) == {0.0}
    assert set(modes[plan.owner == 2]) == {1.0}
    # searching more modes can only find a better qualifying point
    both, named_only = estimate_points([best, named], catalogue).output_tokens_per_s_per_gpu
    assert both >= named_only > 0


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    header = [*sorted({k for r in rows for k in r}), "extra_column"]
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows([{**r, "extra_column": "kept"} for r in rows])


def test_estimate_cli_repeats_rows_and_adds_columns(tmp_path: Path) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    _write(src, ROWS)
    assert main(["estimate", "--points", str(src), "--out", str(out)]) == 0
    with open(out, newline="") as handle:
        result = list(csv.DictReader(handle))
    assert [r["id"] for r in result] == [r["id"] for r in ROWS]
    assert all(r["extra_column"] == "kept" for r in result)
    assert result[0]["status"] == "ok" and float(result[0]["est_output_tok_s_per_gpu"]) > 0
    assert result[2]["status"] == "unknown hardware" and result[2]["est_ttft_ms"] == ""
    assert result[3]["status"] == "unknown model"


def test_estimate_cli_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.csv"
    assert main(["estimate", "--points", str(tmp_path / "missing.csv"), "--out", str(out)]) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n")
    assert main(["estimate", "--points", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "missing column" in err[1]
    assert not out.exists()
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert main(["estimate", "--points", str(binary), "--out", str(out)]) == 2


def test_fitted_json_matches_its_format() -> None:
    data = json.loads(resource_path("calibration", "fitted.json").read_text())
    assert data["format"] == "tokentco-calibration-1"
    assert data["measured_rows"] >= 250
    assert all(e["rows"] >= 0 for e in data["table"])


ESTIMATOR_4_LOSO_MEDIAN = 21.8
"""Overall LOSO median (%) of the estimator-4 release the per-group gate is tied to."""


def test_leave_one_source_out_accuracy_gate() -> None:
    """The figures bench_accuracy.py prints; the issue's targets as real assertions."""
    report = shipped_accuracy()
    loso = stats(report.loso)
    assert loso.count == report.rows >= 250
    assert loso.median_ape <= 25.0, loso
    assert loso.p90_ape <= 60.0, loso
    roofline = stats(report.roofline)
    assert roofline.median_ape > 2 * loso.median_ape  # beats the pure roofline clearly
    in_sample = stats(report.in_sample)
    assert in_sample.median_ape <= loso.median_ape + 1e-9
    # no hardware or model worse than twice the LOSO median — of this release or of
    # estimator-4 (21.8 %), whichever is larger: fixing other rows (issue 11: the MTP
    # draft-pass overhead lowered the median 21.8 → 19.9 %) must not by itself fail a
    # group that did not get worse relative to the released accuracy
    catalogue = bundled_catalogue()
    moe = np.array([bool(catalogue.models[m].moe) for m in report.model])
    assert stats(report.loso[moe]).p90_ape <= 60.0  # issue 11's MoE target
    limit = 2 * max(loso.median_ape, ESTIMATOR_4_LOSO_MEDIAN)
    for keys in (report.hardware, report.model):
        labels = np.array(keys)
        for key in sorted(set(keys)):
            group = stats(report.loso[labels == key])
            assert group.median_ape <= limit, (key, group)

"""Benchmark runs (:mod:`tokentco.io.bench_formats`) as ``MeasuredPoint`` rows with provenance.

Why a separate step: a run names its GPU and model as the tool wrote them ("NVIDIA H100
80GB HBM3", "meta-llama/Llama-3.1-70B-Instruct"); they must resolve to catalogue ids the
way spreadsheet cells do, and everything a measured point needs but the file lacks (the GPU
count that turns a system throughput into a per-GPU one) must be stated, not assumed. Each
row keeps where it came from (file, line, format) and which figures were used, so an
anchored estimate can say what it was anchored on.
"""

import math
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from tokentco.domain import MeasuredPoint, Precision, Provenance, TableKind
from tokentco.io.bench_formats import FORMAT_LABELS, BenchRun
from tokentco.io.errors import Problem
from tokentco.io.import_fields import FIELDS

Resolve = Callable[[TableKind, str], tuple[str | None, str]]
"""(kind, text) → (catalogue id, "") or (None, why not)."""

_MEMORY_WORDS = re.compile(r"\b(\d+\s*gb|hbm\d?e?|gddr\d\w*)\b", re.I)


def _resolve_hardware(resolve: Resolve, text: str) -> tuple[str | None, str]:
    """As written, then without memory words (telemetry says "NVIDIA H100 80GB HBM3")."""
    found, message = resolve("accelerators", text)
    shorter = _MEMORY_WORDS.sub(" ", text).strip()
    if found is None and shorter and shorter != text:
        found, second = resolve("accelerators", shorter)
        message = second if found is None else ""
    return found, message


def _resolve_model(resolve: Resolve, text: str) -> tuple[str | None, str]:
    """As written, then without an organisation prefix ("meta-llama/…"), then as an MLPerf
    benchmark name ("llama2-70b-99" → "llama-2-70b": accuracy target dropped)."""
    found, message = resolve("models", text)
    bare = text.rsplit("/", 1)[-1]
    mlperf = re.sub(r"-99(\.9)?$", "", bare)
    mlperf = re.sub(r"^([a-z]+)(\d)", r"\1-\2", mlperf, flags=re.I)
    for candidate in dict.fromkeys((bare, mlperf)):
        if found is not None or candidate == text:
            continue
        found, second = resolve("models", candidate)
        if found is None:
            message = message or second
    return found, message


def measured_rows(
    runs: list[BenchRun],
    resolve: Resolve,
    imported_at: datetime,
    taken: set[str],
) -> tuple[list[tuple[MeasuredPoint, Provenance]], list[Problem]]:
    """One ``MeasuredPoint`` per usable run; every unusable run is one located problem.
    ``taken`` holds measured ids already used in this import (extended here)."""
    rows: list[tuple[MeasuredPoint, Provenance]] = []
    problems: list[Problem] = []
    for run in runs:
        where = run.location
        why = _missing(run)
        if why:
            problems.append(Problem(where, why))
            continue
        assert run.hardware and run.model and run.num_gpus and run.tokens_per_s
        hardware_id, message = _resolve_hardware(resolve, run.hardware)
        if hardware_id is None:
            problems.append(Problem(where, f"GPU {message}; or pass --hardware ID"))
            continue
        model_id, message = _resolve_model(resolve, run.model)
        if model_id is None:
            problems.append(Problem(where, f"model {message}; or pass --model ID"))
            continue
        notes = dict(run.notes)
        if hardware_id != run.hardware:
            notes["import: hardware_id"] = f'"{run.hardware}" matched {hardware_id}'
        if model_id != run.model:
            notes["import: model_id"] = f'"{run.model}" matched {model_id}'
        precision: Precision | None = None
        if run.precision:
            try:
                precision = Precision.parse(run.precision)
            except ValueError:
                notes["import: precision"] = f'"{run.precision}" not a known precision: left unset'
        per_gpu = run.tokens_per_s / run.num_gpus
        implausible = _implausible(per_gpu, run)
        if implausible:
            problems.append(Problem(where, implausible))
            continue
        notes["import: output_tokens_per_s_per_gpu"] = (
            f"{run.tokens_per_s:.6g} tok/s ÷ {run.num_gpus} GPUs"
        )
        data: dict[str, Any] = {
            "hardware_id": hardware_id,
            "model_id": model_id,
            "precision": precision,
            "engine": run.engine[:80],
            "num_gpus": run.num_gpus,
            "tp": run.tp,
            "isl_tokens": run.isl_tokens,
            "osl_tokens": run.osl_tokens,
            "scenario": run.scenario,
            "output_tokens_per_s_per_gpu": per_gpu,
            "tokens_per_s_per_user": run.tokens_per_s_per_user or None,
            "ttft_ms": run.ttft_ms or None,
            "source": f"{FORMAT_LABELS.get(run.format, run.format)}: {run.file}"
            + (f" line {run.line}" if run.line else ""),
        }
        data["id"] = _unique(_point_id(data), taken)
        try:
            point = MeasuredPoint(**data)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            problems.append(Problem(where, f"{field}: {first['msg']}"))
            continue
        taken.add(point.id)
        provenance = Provenance(
            origin="imported",
            file=run.file,
            sheet=FORMAT_LABELS.get(run.format, run.format),
            row=run.line,
            imported_at=imported_at,
            notes=notes,
        )
        rows.append((point, provenance))
    return rows, problems


def _plausible(name: str) -> tuple[float, float]:
    """The plausible range of a measured field, as a spreadsheet import checks it."""
    spec = next(f for f in FIELDS["measured"] if f.name == name)
    assert spec.plausible is not None
    return spec.plausible


def _implausible(per_gpu: float, run: BenchRun) -> str:
    """Why a run's figures cannot be a measurement ("" when they can): the same plausible
    ranges a spreadsheet's measured columns are held to, so 1e300 tok/s is refused here
    too instead of anchoring estimates by ×1e296."""
    for name, value, unit in (
        ("output_tokens_per_s_per_gpu", per_gpu, "output tokens/s per GPU"),
        ("tokens_per_s_per_user", run.tokens_per_s_per_user, "tokens/s per user"),
        ("ttft_ms", run.ttft_ms, "ms TTFT"),
    ):
        if value is None:
            continue
        low, high = _plausible(name)
        if not (math.isfinite(value) and low <= value <= high):
            return f"{value:.4g} {unit} is outside the plausible range {low:g}–{high:g}"
    return ""


def _missing(run: BenchRun) -> str:
    if run.problem:
        return run.problem
    if run.tokens_per_s is None or run.tokens_per_s <= 0:
        return "no output-token throughput in this result (expected tokens per second)"
    system = (
        "give its MLPerf system description (systems/<system>.json) in the same import, or "
        if run.format == "mlperf"
        else ""
    )
    if not run.hardware:
        return (
            f"the file does not say which GPU ran it: {system}pass --hardware ID "
            "(e.g. h100-sxm) and --gpus N"
        )
    if not run.num_gpus:
        return (
            f"the file does not say how many GPUs served {run.tokens_per_s:.6g} tok/s: "
            f"{system}pass --gpus N"
        )
    if not run.model:
        return "the file does not say which model was served: pass --model ID"
    return ""


def _point_id(data: dict[str, Any]) -> str:
    parts = [
        data["hardware_id"],
        data["model_id"],
        data["precision"].value if data["precision"] else None,
        data["engine"],
        f"{data['num_gpus']}gpu",
        data["isl_tokens"],
        data["osl_tokens"],
        data["scenario"],
    ]
    text = "-".join(str(p) for p in parts if p not in (None, ""))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "measured"


def _unique(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"

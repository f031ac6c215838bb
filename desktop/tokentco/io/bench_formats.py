"""Benchmark-tool outputs read as measured runs: what each file says, in its own terms.

Analysts get measurements back as the files the serving benchmarks write, not as
spreadsheets. This module recognises and reads them into :class:`BenchRun` records
(one per measured run, with where it came from); :mod:`tokentco.io.bench_results` turns
those into ``MeasuredPoint`` rows. Formats (as their documentation describes them):

- **vLLM** ``vllm bench serve --save-result`` JSON: ``model_id``, ``backend``,
  ``max_concurrency``/``request_rate``, ``completed``, ``total_input_tokens``,
  ``total_output_tokens``, ``output_throughput`` (tok/s), ``median_ttft_ms``,
  ``mean_tpot_ms``…, plus any ``--metadata key=value`` pairs at the top level.
- **SGLang** ``python -m sglang.bench_serving --output-file X.jsonl``: one JSON object
  per run and line, with the same kind of keys (``output_throughput``,
  ``median_ttft_ms``, ``mean_tpot_ms``, ``max_concurrency``, ``random_input_len``…).
- **NVIDIA GenAI-Perf / AIPerf** ``profile_export_genai_perf.json`` /
  ``profile_export_aiperf.json``: metrics as ``{"unit": "ms", "avg": …, "p50": …}``
  objects (``output_token_throughput``, ``time_to_first_token``,
  ``output_token_throughput_per_user``, ``input_sequence_length``…), the run's
  ``input_config`` (model names, concurrency) and, with ``--gpu-telemetry``, the GPUs; and
  the ``.csv`` exports (a ``Metric,avg,min,…`` table, then a ``Metric,Value`` table).
- **MLPerf Inference** LoadGen ``mlperf_log_summary.txt`` ("key : value" lines: scenario,
  tokens per second, VALID/INVALID, first-token and time-per-output-token latencies in ns)
  with the submission's system description JSON (``accelerator_model_name``,
  ``accelerators_per_node``, ``number_of_nodes``, ``framework``) given in the same import.

Nothing here guesses: what a file does not say (often the GPU and the GPU count) comes
from :class:`BenchDefaults` (CLI ``--hardware``/``--gpus``/``--model``/``--precision``) or
is a located problem naming the option to use.
"""

import csv
import io
import json
import math
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from tokentco.io.errors import InputError, Location

MAX_BENCH_BYTES = 64 * 1024 * 1024
"""A result file with per-request details is a few MB; beyond this it is not a result."""
MAX_JSON_KEYS = 2_000_000
"""More ``:`` than this in a JSON/JSONL file (a result has hundreds of keys, a few thousand
with per-request details) is refused before parsing: a "bomb" of millions of keys would
take gigabytes as Python objects. Colons inside strings count too, hence the margin."""
MAX_JSON_CONTAINERS = 2_000_000
"""Likewise for ``{`` and ``[``: ``[{},{},…]`` inflates ~20× when parsed."""
MAX_BENCH_RUNS = 10_000
"""Most runs (JSONL lines) one file may hold: a sweep has tens; a million one-line runs
would be a million problem lines."""

FORMAT_LABELS = {
    "vllm": "vLLM bench serve result",
    "sglang": "SGLang bench_serving result",
    "genai_perf": "GenAI-Perf profile export",
    "aiperf": "AIPerf profile export",
    "mlperf": "MLPerf LoadGen summary",
    "mlperf_system": "MLPerf system description",
}


@dataclass(frozen=True)
class BenchDefaults:
    """What the analyst states for benchmark files that do not say it themselves."""

    hardware: str | None = None
    num_gpus: int | None = None
    model: str | None = None
    precision: str | None = None
    engine: str | None = None


@dataclass
class BenchRun:
    """One measured run as the file reports it (units already normalised: tok/s, ms)."""

    format: str
    file: str
    line: int | None = None
    model: str | None = None
    hardware: str | None = None
    num_gpus: int | None = None
    engine: str = ""
    precision: str | None = None
    scenario: str = ""
    tokens_per_s: float | None = None
    """Output tokens per second of the whole system under test (all its GPUs)."""
    tokens_per_s_per_user: float | None = None
    ttft_ms: float | None = None
    isl_tokens: int | None = None
    osl_tokens: int | None = None
    tp: int | None = None
    notes: dict[str, str] = field(default_factory=dict)
    problem: str | None = None
    """Why this run cannot be used as a measurement (e.g. an INVALID MLPerf result)."""
    system: dict[str, Any] | None = None

    @property
    def location(self) -> Location:
        return Location(file=self.file, row=self.line)


# --- detection ----------------------------------------------------------------------------


def detect(path: Path) -> str | None:
    """The benchmark format of ``path`` ("vllm", "sglang", "genai_perf", "aiperf",
    "mlperf", "mlperf_system"), or None for a spreadsheet/other file. Reads at most 64 KB."""
    suffix = path.suffix.lower()
    if suffix not in (".json", ".jsonl", ".txt", ".csv"):
        return None
    try:
        if not path.is_file():  # a FIFO or device would block the read (import says why)
            return None
        with open(path, "rb") as handle:
            head = handle.read(65536)
    except OSError:
        return None
    text = head.decode("utf-8", "replace").lstrip("\ufeff")
    if suffix == ".txt":
        return "mlperf" if "MLPerf Results Summary" in text[:2048] else None
    if suffix == ".csv":
        first = text.lstrip().split("\n", 1)[0].strip().lower()
        if first.startswith("metric,avg"):
            return "aiperf" if "aiperf" in path.name.lower() else "genai_perf"
        return None
    if suffix == ".jsonl":
        return "sglang"
    keys = set(re.findall(r'"([A-Za-z_][A-Za-z0-9_]*)"\s*:', text))
    if "accelerator_model_name" in keys or "accelerators_per_node" in keys:
        return "mlperf_system"
    if "output_token_throughput" in keys:
        return "aiperf" if "aiperf" in path.name.lower() or "model_names" in keys else "genai_perf"
    if "output_throughput" in keys:
        return "vllm"
    return None


# --- reading ------------------------------------------------------------------------------


def check_size(path: Path) -> None:
    """Refuse a file too large to be a benchmark result before any child process starts
    (a cheap refusal, in the caller's process)."""
    where = Location(file=path.name)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", where) from None
    if not path.is_file():
        raise InputError("not a file", where)
    if size > MAX_BENCH_BYTES:
        raise InputError(
            f"{size / 1e6:.0f} MB is too large for a benchmark result "
            f"(at most {MAX_BENCH_BYTES / 1e6:.0f} MB)",
            where,
        )


def read_runs(path: Path, fmt: str, defaults: BenchDefaults) -> list[BenchRun]:
    """The runs in one file (raises one located :class:`InputError` if unreadable).

    Parses untrusted text: callers outside a test run it in the isolated child
    (:func:`tokentco.io.isolation.read_bench_isolated`), which contains a crash, a memory
    blow-up or a hang. Only bounded, plain data comes back (texts capped, the system
    description reduced to the fields :func:`join_mlperf` reads)."""
    where = Location(file=path.name)
    check_size(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", where) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start}): not a {_label(fmt)}", where) from None
    if path.suffix.lower() in (".json", ".jsonl"):
        _check_json_counts(data, where)
    del data
    if fmt == "sglang":
        return [_from_serving(obj, "sglang", path, n, defaults) for n, obj in _jsonl(text, path)]
    if fmt == "mlperf":
        return [_from_mlperf(text, path, defaults)]
    if fmt in ("genai_perf", "aiperf") and path.suffix.lower() == ".csv":
        return [_from_perf_csv(text, fmt, path, defaults)]
    obj = _json(text, path)
    if fmt == "mlperf_system":
        return [BenchRun(format=fmt, file=path.name, system=_system_fields(obj))]
    if fmt == "vllm":
        return [_from_serving(obj, "vllm", path, None, defaults)]
    return [_from_perf_json(obj, fmt, path, defaults)]


_SYSTEM_FIELDS = (
    "system_name",
    "accelerator_model_name",
    "accelerators_per_node",
    "number_of_nodes",
    "framework",
)
MAX_TEXT_CHARS = 200
"""Longest name (model, GPU, engine…) kept from a benchmark file: a name, not a payload."""


def _system_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """The system description's fields :func:`join_mlperf` reads, as short scalars: a
    system JSON with a million other keys does not travel back from the child whole."""
    kept: dict[str, Any] = {}
    for name in _SYSTEM_FIELDS:
        value = obj.get(name)
        if isinstance(value, str):
            kept[name] = value[:MAX_TEXT_CHARS]
        elif isinstance(value, int | float) and not isinstance(value, bool):
            kept[name] = value if isinstance(value, float) or abs(value) < 10**18 else None
    return kept


def _check_json_counts(data: bytes, where: Location) -> None:
    """Refuse a JSON "bomb" by counting bytes (fast, before any object is built)."""
    keys = data.count(b":")
    if keys > MAX_JSON_KEYS:
        raise InputError(
            f"not a benchmark result: about {keys:,} keys (a result has hundreds; "
            f"at most {MAX_JSON_KEYS:,}): built to exhaust memory?",
            where,
        )
    containers = data.count(b"{") + data.count(b"[")
    if containers > MAX_JSON_CONTAINERS:
        raise InputError(
            f"not a benchmark result: about {containers:,} JSON objects and lists "
            f"(at most {MAX_JSON_CONTAINERS:,}): built to exhaust memory?",
            where,
        )


def _label(fmt: str) -> str:
    return FORMAT_LABELS.get(fmt, fmt)


class _DuplicateKeyError(Exception):
    """A JSON object states one key twice (not a ValueError: ``_json`` reports it)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` refusing a key stated twice: ``json`` would keep the last
    value silently, and which of two throughputs was measured is not ours to pick."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
    return obj


def _json(text: str, path: Path, line: int | None = None) -> dict[str, Any]:
    where = Location(file=path.name, row=line)
    try:
        obj = json.loads(text, object_pairs_hook=_unique_keys)
    except _DuplicateKeyError as exc:
        key = str(exc.args[0])[:MAX_TEXT_CHARS]
        message = f'duplicate key "{key}": the file states it twice, so its value is ambiguous'
        raise InputError(message, where) from None
    except RecursionError:
        raise InputError("not a benchmark result: JSON nested too deeply", where) from None
    except ValueError as exc:  # JSONDecodeError, or an integer with thousands of digits
        if "integer string conversion" in str(exc):
            digits = sys.get_int_max_str_digits()
            message = f"not valid JSON: a number of more than {digits} digits"
            raise InputError(message, where) from None
        raise InputError(f"not valid JSON: {exc}", where) from None
    if not isinstance(obj, dict):
        raise InputError("not a benchmark result: expected a JSON object", where)
    return obj


def _jsonl(text: str, path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    # "\n" only: str.splitlines would also cut at U+2028 or \x1c, which JSON strings
    # may hold unescaped
    runs = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            runs += 1
            if runs > MAX_BENCH_RUNS:
                raise InputError(
                    f"not a benchmark result: more than {MAX_BENCH_RUNS:,} runs (lines)",
                    Location(file=path.name, row=number),
                )
            yield number, _json(line, path, number)


def _number(value: Any) -> float | None:
    """A finite positive-or-zero float from a JSON/CSV value, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.replace(",", "").strip()
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _not_finite(value: Any) -> bool:
    """True for a number that is there but is no finite figure: ``NaN``/``Infinity`` (as
    Python tools write them), ``1e400`` (read as infinity) or an integer beyond a float."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, str):
        value = value.replace(",", "").strip()
        if not value:
            return False
    try:
        return not math.isfinite(float(value))
    except OverflowError:
        return True
    except (TypeError, ValueError):
        return False


def _throughput_problem(value: Any, name: str) -> str | None:
    """The located reason a present throughput figure cannot be used (None if it can)."""
    if not _not_finite(value):
        return None
    if isinstance(value, str):
        shown = f'"{value.strip()}"'
    elif isinstance(value, int):
        shown = f"an integer of {len(str(abs(value)))} digits"
    else:
        shown = repr(value)  # inf / nan: 1e400 in the file reads as inf
    return f"{name} is not a finite number ({shown}): not a measurement"


def _shown(value: Any) -> str:
    """A bad value as a problem line quotes it (short: a value, not a payload)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**18:
        return f"an integer of {len(str(abs(value)))} digits"
    text = repr(value.strip() if isinstance(value, str) else value)
    return text if len(text) <= 60 else text[:57] + "…"


def _fail(run: BenchRun, message: str) -> None:
    """Mark the run unusable (the first reason found is the one reported)."""
    if run.problem is None:
        run.problem = message


def _given(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _whole_field(run: BenchRun, obj: dict[str, Any], *names: str, minimum: int = 1) -> int | None:
    """The first stated of ``names`` as a whole number ≥ ``minimum``. A stated value that is
    not one ("0", "-8", "inf", "2.5") makes the run a located problem naming it: falling
    back to another figure would report a measurement the file does not make."""
    for name in names:
        value = obj.get(name)
        if _given(value):
            return _whole_value(run, name, value, minimum)
    return None


def _whole_value(run: BenchRun, name: str, value: Any, minimum: int = 1) -> int | None:
    """``value`` (stated as ``name``) as a whole number ≥ ``minimum``, else a problem."""
    if not _given(value):
        return None
    whole = _whole(value, minimum)
    if whole is None:
        _fail(run, f"{name}: expected a whole number ≥ {minimum}, got {_shown(value)}")
    return whole


def _positive_throughput(run: BenchRun, name: str, raw: Any, number: float | None) -> None:
    """A stated throughput must be a positive figure: a named problem, never "no figure"."""
    run.problem = run.problem or _throughput_problem(raw, name)
    if _given(raw) and not (number is not None and number > 0):
        _fail(run, f"{name}: expected a positive number of tokens/s, got {_shown(raw)}")


def _whole(value: Any, minimum: int) -> int | None:
    number = _number(value)
    if number is None or number < minimum or number != int(number):
        return None
    return int(number)


def _length(run: BenchRun, name: str, value: Any) -> int | None:
    """A mean sequence length (tokens; a mean may be fractional), rounded; a stated one
    below 1 token or not a number is a located problem, not a length left unset."""
    if not _given(value):
        return None
    number = _number(value)
    if number is None or number < 1:
        _fail(run, f"{name}: expected a length of at least 1 token, got {_shown(value)}")
        return None
    return round(number)


def _latency(
    run: BenchRun, label: str, candidates: list[tuple[str, Any]], scale: float = 1.0
) -> tuple[float | None, str]:
    """The first usable (finite, > 0) of ``candidates`` (name, raw value) times ``scale``,
    and the name used. A stated value skipped is noted with the one used instead, so the
    provenance never names a figure that was not used."""
    skipped: list[str] = []
    for name, value in candidates:
        if not _given(value):
            continue
        number = _number(value)
        if number is not None and number > 0:
            if skipped:
                run.notes[f"import: {label}"] = f"{'; '.join(skipped)}; {name} used"
            return number * scale, name
        skipped.append(f"{name} is not a positive number ({_shown(value)})")
    if skipped:
        run.notes[f"import: {label}"] = f"{'; '.join(skipped)}: not recorded"
    return None, ""


def _metadata(obj: dict[str, Any], *names: str) -> Any:
    for name in names:
        if obj.get(name) not in (None, ""):
            return obj[name]
    return None


def _apply_defaults(run: BenchRun, defaults: BenchDefaults) -> BenchRun:
    """Fill what the file left unsaid from the analyst's options (noted), never silently."""
    for name in ("hardware", "num_gpus", "model", "precision"):
        given = getattr(defaults, name)
        if getattr(run, name) is None and given is not None:
            setattr(run, name, given)
            run.notes[f"import: {name}"] = f"{given} (stated on import; not in the file)"
    if defaults.engine and not run.engine:
        run.engine = defaults.engine
    return run


def _from_serving(
    obj: dict[str, Any], fmt: str, path: Path, line: int | None, defaults: BenchDefaults
) -> BenchRun:
    """vLLM ``bench serve`` JSON or one SGLang ``bench_serving`` JSONL line (same keys)."""
    run = BenchRun(format=fmt, file=path.name, line=line)
    run.model = _text(_metadata(obj, "model_id", "model", "served_model_name", "tokenizer_id"))
    run.hardware = _text(_metadata(obj, "hardware", "hardware_id", "gpu", "accelerator"))
    run.num_gpus = _whole_field(run, obj, "num_gpus", "gpus", "gpu_count")
    run.tp = _whole_field(run, obj, "tensor_parallel_size", "tp", "tp_size")
    backend = str(obj.get("backend") or "")
    engine = _text(_metadata(obj, "engine"))
    run.engine = engine or ("sglang" if fmt == "sglang" and backend.startswith("sglang") else "")
    if not run.engine and fmt == "vllm" and backend in ("vllm", "openai", "openai-chat", ""):
        run.engine = "vllm"
    run.precision = _text(_metadata(obj, "precision", "dtype", "quantization"))
    concurrency = _whole_field(run, obj, "max_concurrency")
    rate = obj.get("request_rate")
    if concurrency is not None:
        run.scenario = f"max concurrency {concurrency}"
    elif _given(rate) and not _unlimited(rate):
        number = _number(rate)
        if number is None or number <= 0:
            _fail(run, f'request_rate: expected a positive number or "inf", got {_shown(rate)}')
        else:
            run.scenario = f"{number:g} requests/s"
    raw_throughput = obj.get("output_throughput")
    run.tokens_per_s = _number(raw_throughput)
    completed = _whole_field(run, obj, "completed", minimum=0)
    if completed == 0 and obj.get("failed"):
        _fail(run, "no request completed (all failed): not a measurement")
    least = 1 if completed else 0
    total_in = _whole_field(run, obj, "total_input_tokens", minimum=least)
    total_out = _whole_field(run, obj, "total_output_tokens", minimum=least)
    if completed:
        run.isl_tokens = round(total_in / completed) or None if total_in else None
        run.osl_tokens = round(total_out / completed) or None if total_out else None
    run.isl_tokens = _whole_field(run, obj, "random_input_len") or run.isl_tokens
    run.osl_tokens = _whole_field(run, obj, "random_output_len") or run.osl_tokens
    run.ttft_ms, ttft_name = _latency(
        run, "ttft_ms", [(k, obj.get(k)) for k in ("median_ttft_ms", "mean_ttft_ms")]
    )
    tpot, tpot_name = _latency(
        run,
        "tokens_per_s_per_user",
        [(k, obj.get(k)) for k in ("median_tpot_ms", "mean_tpot_ms")],
    )
    run.tokens_per_s_per_user = 1000.0 / tpot if tpot else None
    run.notes["import: format"] = _label(fmt)
    figures = ["output_throughput (tok/s, all GPUs)"]
    if ttft_name:
        figures.append(f"TTFT = {ttft_name}")
    if tpot_name:
        figures.append(f"tokens/s per user = 1000 / {tpot_name}")
    run.notes["import: figures"] = "; ".join(figures)
    if obj.get("failed"):
        run.notes["import: failed requests"] = str(obj.get("failed"))[:MAX_TEXT_CHARS]
    _positive_throughput(run, "output_throughput", raw_throughput, run.tokens_per_s)
    _apply_defaults(run, defaults)  # a GPU count stated on import beats one inferred
    if run.num_gpus is None and run.tp is not None and run.problem is None:
        run.num_gpus = run.tp
        run.notes["import: num_gpus"] = f"{run.tp} (from the tensor-parallel size)"
    _check_tp(run, "tensor_parallel_size")
    return run


def _unlimited(rate: Any) -> bool:
    """vLLM and SGLang write an unthrottled request rate as "inf" (or Infinity)."""
    if isinstance(rate, float):
        return rate == math.inf
    return isinstance(rate, str) and rate.strip().lower() in ("inf", "infinity")


def _check_tp(run: BenchRun, name: str) -> None:
    """A tensor-parallel group spans GPUs of the system: more than it has is a wrong figure."""
    if run.tp is not None and run.num_gpus is not None and run.tp > run.num_gpus:
        _fail(run, f"{name} {run.tp} is larger than the {run.num_gpus} GPUs that served the run")


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, int) and abs(value) >= 10**MAX_TEXT_CHARS:
        return None  # not a name (and str() of a huge integer is refused or slow)
    text = str(value)[: MAX_TEXT_CHARS * 4].strip()
    return text[:MAX_TEXT_CHARS] or None


_UNIT_SCALE = {"ns": 1e-6, "us": 1e-3, "s": 1000.0, "sec": 1000.0}


def _stat(obj: dict[str, Any], name: str, *keys: str) -> float | None:
    """A GenAI-Perf/AIPerf metric statistic in ms (time) or per second, by its unit."""
    metric = obj.get(name)
    if not isinstance(metric, dict):
        return None
    for key in keys:
        value = _number(metric.get(key))
        if value is not None:
            return value * _UNIT_SCALE.get(str(metric.get("unit", "")).lower(), 1.0)
    return None


def _stat_latency(
    run: BenchRun, obj: dict[str, Any], label: str, name: str, *keys: str
) -> tuple[float | None, str]:
    """The first usable of a metric's statistics (unit-scaled), bad ones noted."""
    metric = obj.get(name)
    if not isinstance(metric, dict):
        return None, ""
    scale = _UNIT_SCALE.get(str(metric.get("unit", "")).lower(), 1.0)
    return _latency(run, label, [(f"{name} {key}", metric.get(key)) for key in keys], scale)


def _stat_length(run: BenchRun, obj: dict[str, Any], name: str) -> int | None:
    metric = obj.get(name)
    raw = metric.get("avg") if isinstance(metric, dict) else None
    return _length(run, f"{name} avg", raw)


def _find(obj: Any, key: str, depth: int = 0) -> Any:
    """The first value under ``key`` anywhere in a (shallow) config tree."""
    if depth > 6 or not isinstance(obj, dict):
        return None
    if key in obj:
        return obj[key]
    for value in obj.values():
        found = _find(value, key, depth + 1)
        if found is not None:
            return found
    return None


def _from_perf_json(obj: dict[str, Any], fmt: str, path: Path, defaults: BenchDefaults) -> BenchRun:
    run = BenchRun(format=fmt, file=path.name)
    config = obj.get("input_config") if isinstance(obj.get("input_config"), dict) else {}
    models = _find(config, "model_names") or _find(config, "model")
    if isinstance(models, list) and models:
        run.model = _text(models[0])
    elif isinstance(models, str):
        run.model = _text(models)
    concurrency = _whole_value(run, "concurrency", _find(config, "concurrency"))
    run.scenario = f"concurrency {concurrency}" if concurrency is not None else ""
    run.tokens_per_s = _stat(obj, "output_token_throughput", "avg")
    run.ttft_ms, ttft_name = _stat_latency(run, obj, "ttft_ms", "time_to_first_token", "p50", "avg")
    per_user, _ = _stat_latency(
        run, obj, "tokens_per_s_per_user", "output_token_throughput_per_user", "avg"
    )
    if per_user is None:
        per_user, _ = _stat_latency(
            run, obj, "tokens_per_s_per_user", "output_token_throughput_per_request", "avg"
        )
    if per_user is None:
        itl, _ = _stat_latency(
            run, obj, "tokens_per_s_per_user", "inter_token_latency", "p50", "avg"
        )
        per_user = 1000.0 / itl if itl else None
    run.tokens_per_s_per_user = per_user
    run.isl_tokens = _stat_length(run, obj, "input_sequence_length")
    run.osl_tokens = _stat_length(run, obj, "output_sequence_length")
    gpus = _telemetry_gpus(obj)
    if gpus:
        names = sorted({name for name in gpus if name})
        if len(names) == 1:
            run.hardware = names[0]
            run.num_gpus = len(gpus)
            run.notes["import: num_gpus"] = f"{len(gpus)} (GPUs in the run's telemetry)"
        else:
            run.notes["import: telemetry"] = f"mixed GPUs {', '.join(names)}: not used"
    run.notes["import: format"] = _label(fmt)
    run.notes["import: figures"] = "output_token_throughput avg (tok/s, all GPUs)" + (
        f"; TTFT = {ttft_name}" if ttft_name else ""
    )
    if obj.get("was_cancelled") is True:
        run.problem = "the benchmark was cancelled before it completed: not a measurement"
    throughput = obj.get("output_token_throughput")
    if isinstance(throughput, dict):
        raw = throughput.get("avg")
        _positive_throughput(run, "output_token_throughput avg", raw, _number(raw))
    return _apply_defaults(run, defaults)


def _telemetry_gpus(obj: dict[str, Any]) -> list[str]:
    telemetry = obj.get("telemetry_data")
    endpoints = telemetry.get("endpoints") if isinstance(telemetry, dict) else None
    names: list[str] = []
    if isinstance(endpoints, dict):
        for endpoint in endpoints.values():
            gpus = endpoint.get("gpus") if isinstance(endpoint, dict) else None
            if isinstance(gpus, dict):
                names.extend(
                    str(g.get("gpu_name", "")) for g in gpus.values() if isinstance(g, dict)
                )
    return names


def _metric_key(name: str) -> str:
    """'Time To First Token (ms)' → 'time to first token'."""
    return re.sub(r"\s*\(.*?\)\s*", " ", name).strip().lower()


def _from_perf_csv(text: str, fmt: str, path: Path, defaults: BenchDefaults) -> BenchRun:
    """The CSV export: a statistics table (Metric,avg,min,…) then Metric,Value rows."""
    stats: dict[str, dict[str, str]] = {}
    values: dict[str, str] = {}
    header: list[str] = []
    for row in csv.reader(io.StringIO(text, newline="")):
        if not row or not any(cell.strip() for cell in row):
            header = []
            continue
        if row[0].strip().lower() == "metric":
            header = [cell.strip().lower() for cell in row]
            continue
        key = _metric_key(row[0])
        if header[:2] == ["metric", "value"] and len(row) > 1:
            values[key] = row[1]
        elif header:
            stats[key] = dict(zip(header[1:], row[1:], strict=False))
    run = BenchRun(format=fmt, file=path.name)

    def stat(name: str, *keys: str) -> float | None:
        for key in keys:
            value = _number(stats.get(name, {}).get(key))
            if value is not None:
                return value
        return None

    run.tokens_per_s = _number(values.get("output token throughput")) or stat(
        "output token throughput", "avg"
    )

    def latency(label: str, name: str, *keys: str) -> tuple[float | None, str]:
        row = stats.get(name, {})
        return _latency(run, label, [(f"{name.title()} {key}", row.get(key)) for key in keys])

    run.ttft_ms, ttft_name = latency("ttft_ms", "time to first token", "p50", "avg")
    candidates = [
        ("Output Token Throughput Per User", values.get("output token throughput per user"))
    ]
    candidates += [
        (f"{name.title()} avg", stats.get(name, {}).get("avg"))
        for name in ("output token throughput per user", "output token throughput per request")
    ]
    per_user, _ = _latency(run, "tokens_per_s_per_user", candidates)
    if per_user is None:
        itl, _ = latency("tokens_per_s_per_user", "inter token latency", "p50", "avg")
        per_user = 1000.0 / itl if itl else None
    run.tokens_per_s_per_user = per_user
    for attr, name in (
        ("isl_tokens", "input sequence length"),
        ("osl_tokens", "output sequence length"),
    ):
        setattr(run, attr, _length(run, f"{name.title()} avg", stats.get(name, {}).get("avg")))
    run.notes["import: format"] = f"{_label(fmt)} (CSV)"
    run.notes["import: figures"] = "Output Token Throughput (tok/s, all GPUs)" + (
        f"; TTFT = {ttft_name}" if ttft_name else ""
    )
    raw = values.get("output token throughput") or stats.get("output token throughput", {}).get(
        "avg"
    )
    _positive_throughput(run, "Output Token Throughput", raw, run.tokens_per_s)
    return _apply_defaults(run, defaults)


def _summary_fields(text: str) -> dict[str, str]:
    """LoadGen's "key : value" lines, first occurrence of each key (lower-cased). Split
    with ``str.partition``, not a regular expression: the old pattern
    ``^\\s*([^:=]+?)\\s*:\\s*(.+?)\\s*$`` backtracked cubically, so a summary holding one
    line of 5,000 spaces took minutes."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("="):
            continue
        key, colon, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if colon and key and value and "=" not in key:
            fields.setdefault(key.lower()[:MAX_TEXT_CHARS], value[: MAX_TEXT_CHARS * 4])
    return fields


def _from_mlperf(text: str, path: Path, defaults: BenchDefaults) -> BenchRun:
    """``mlperf_log_summary.txt``: "key : value" lines from LoadGen."""
    fields = _summary_fields(text)
    run = BenchRun(format="mlperf", file=_mlperf_name(path))
    scenario = fields.get("scenario", "")
    run.scenario = f"MLPerf {scenario}".strip()
    run.tokens_per_s = _number(fields.get("tokens per second")) or _number(
        fields.get("completed tokens per second")
    )
    raw_tokens = fields.get("tokens per second") or fields.get("completed tokens per second")
    if _given(raw_tokens):
        _positive_throughput(run, "Tokens per second", raw_tokens, run.tokens_per_s)
    elif run.tokens_per_s is None:
        samples = fields.get("samples per second") or fields.get("completed samples per second")
        run.problem = (
            f"no tokens per second in the summary (samples per second: {samples}): only "
            "LLM results (LoadGen reporting tokens) can be imported"
            if samples
            else 'no throughput in the summary (expected "Tokens per second")'
        )
    validity = fields.get("result is", "")
    if validity and validity.upper() != "VALID":
        run.problem = f"the result is {validity} (LoadGen's constraints not met): not imported"
    ttft_keys = ("50.00 percentile first token latency (ns)", "mean first token latency (ns)")
    run.ttft_ms, ttft_name = _latency(run, "ttft_ms", [(k, fields.get(k)) for k in ttft_keys], 1e-6)
    tpot_keys = ("50.00 percentile time to output token (ns)", "mean time to output token (ns)")
    tpot_ns, _ = _latency(run, "tokens_per_s_per_user", [(k, fields.get(k)) for k in tpot_keys])
    run.tokens_per_s_per_user = 1e9 / tpot_ns if tpot_ns else None
    run.notes["import: format"] = _label("mlperf")
    run.notes["import: figures"] = (
        f"tokens per second ({scenario}, all accelerators); result {validity}"
    ) + (f"; TTFT = {ttft_name}" if ttft_name else "")
    if fields.get("sut name"):
        run.notes["import: SUT"] = fields["sut name"]
    run.notes["import: path"] = str(PurePath(*path.parts[-6:]))
    run.model = _model_from_path(path)
    return run  # defaults are applied after the system description is joined


def _mlperf_name(path: Path) -> str:
    """Every summary is called mlperf_log_summary.txt: name it by benchmark and scenario
    (``llama2-70b-99/Offline/mlperf_log_summary.txt``) so problem lines tell them apart."""
    parts = [p.lower() for p in path.parts]
    if "performance" in parts and parts.index("performance") >= 2:
        index = parts.index("performance")
        return "/".join((*path.parts[index - 2 : index], path.name))
    return path.name


def _model_from_path(path: Path) -> str | None:
    """MLPerf keeps results under …/<system>/<benchmark>/<scenario>/performance/run_1/."""
    parts = [p.lower() for p in path.parts]
    if "performance" in parts:
        index = parts.index("performance")
        if index >= 2:
            return path.parts[index - 2]
    return None


def join_mlperf(runs: list[BenchRun], defaults: BenchDefaults) -> list[BenchRun]:
    """Attach each MLPerf summary to its system description (the one given, or the one
    whose ``system_name`` or file name appears in the summary's path), then the options."""
    systems = [r for r in runs if r.format == "mlperf_system" and r.system is not None]
    used: set[int] = set()
    out: list[BenchRun] = []
    for run in runs:
        if run.format == "mlperf_system":
            continue
        if run.format == "mlperf":
            system = _system_for(run, systems)
            if system is not None:
                used.add(id(system))
                _join_system(run, system)
            _apply_defaults(run, defaults)
        out.append(run)
    for system in systems:
        if id(system) not in used:
            out.append(
                BenchRun(
                    format="mlperf_system",
                    file=system.file,
                    problem=(
                        "an MLPerf system description, not a result: import it together "
                        "with its results' mlperf_log_summary.txt "
                        "(results/<system>/<benchmark>/<scenario>/performance/run_1/)"
                    ),
                )
            )
    return out


def _join_system(run: BenchRun, system: BenchRun) -> None:
    """The GPU, GPU count and framework of a summary from its system description; a count
    that is not a whole number ≥ 1 is the summary's problem, naming the system file."""
    desc = system.system or {}
    run.hardware = _text(desc.get("accelerator_model_name"))
    checked = BenchRun(format="mlperf_system", file=system.file)
    per_node = _whole_value(checked, "accelerators_per_node", desc.get("accelerators_per_node"))
    nodes = _whole_value(checked, "number_of_nodes", desc.get("number_of_nodes"))
    if checked.problem:
        _fail(run, f"{system.file}: {checked.problem}")
    nodes = nodes or 1
    run.num_gpus = per_node * nodes if per_node else None
    run.engine = _text(desc.get("framework")) or ""
    run.notes["import: system"] = (
        f"{system.file}: {desc.get('system_name', '')}, {per_node} × {nodes} node(s)"
    ).strip()


def _system_for(run: BenchRun, systems: list[BenchRun]) -> BenchRun | None:
    if len(systems) == 1:
        return systems[0]
    path = run.notes.get("import: path", "")
    for system in systems:
        name = str((system.system or {}).get("system_name", ""))
        if (name and name in path) or Path(system.file).stem in path:
            return system
    return None

"""The isolated reading child: benchmark files parsed there, its limits, its memory cap per
platform (the Windows Job Object's structures), and how one child serves several files.

The hostile files themselves are in ``test_hostile_files.py``; these tests check the
machinery with files built to hit one limit each.
"""

import ctypes
import shutil
import sys
import threading
from pathlib import Path

import pytest

from tokentco.domain import ExchangeRates
from tokentco.io import bench_formats, isolation
from tokentco.io.bench_formats import BenchDefaults, BenchRun, detect, read_runs
from tokentco.io.errors import InputError
from tokentco.io.importer import ImportCancelled, import_files
from tokentco.io.isolation import ReadCancelled, memory_cap_method, read_bench_isolated

SAMPLES = Path(__file__).with_name("bench_samples")
MLPERF_SUMMARY = (
    SAMPLES
    / "mlperf/results/Fictional-8xB200/llama2-70b-99/Offline/performance/run_1"
    / "mlperf_log_summary.txt"
)
MLPERF_SYSTEM = SAMPLES / "mlperf/systems/Fictional-8xB200.json"
ALL_SAMPLES = [
    *sorted([*SAMPLES.glob("*.json"), *SAMPLES.glob("*.jsonl"), *SAMPLES.glob("*.csv")]),
    MLPERF_SUMMARY,
    MLPERF_SYSTEM,
]
H100x8 = BenchDefaults(hardware="h100-sxm", num_gpus=8, model="llama-3.1-70b")
RUN = (
    '"backend": "vllm", "model_id": "llama-3.1-70b", "hardware": "h100-sxm", '
    '"num_gpus": 8, "output_throughput": 1205.3'
)


def inflating(path: Path, objects: int) -> Path:
    """A valid vLLM result carrying ``objects`` empty JSON objects (~20× their bytes in
    memory once parsed)."""
    path.write_text("{" + RUN + ', "x": [' + ",".join(["{}"] * objects) + "]}")
    return path


def slow(path: Path, floats: int = 4_000_000) -> Path:
    """A valid vLLM result whose parsing takes seconds (millions of floats)."""
    path.write_text("{" + RUN + ', "itls": [' + ",".join(["0.123456789"] * floats) + "]}")
    return path


# --- which memory cap ---------------------------------------------------------------


def test_memory_cap_method_per_platform():
    assert memory_cap_method("linux") == "rlimit"
    assert memory_cap_method("freebsd14") == "rlimit"
    assert memory_cap_method("win32") == "job_object"
    assert memory_cap_method("darwin") == "watchdog"
    if sys.platform.startswith("linux"):
        assert memory_cap_method() == "rlimit"


def test_windows_job_object_structures_have_the_win32_layout():
    from tokentco.io import isolation_windows as win

    basic = win.JOBOBJECT_BASIC_LIMIT_INFORMATION
    extended = win.JOBOBJECT_EXTENDED_LIMIT_INFORMATION
    if ctypes.sizeof(ctypes.c_void_p) == 8:  # as on 64-bit Windows (winnt.h)
        assert ctypes.sizeof(basic) == 64
        assert ctypes.sizeof(win.IO_COUNTERS) == 48
        assert ctypes.sizeof(extended) == 144
        assert basic.LimitFlags.offset == 16
        assert basic.MinimumWorkingSetSize.offset == 24
        assert basic.Affinity.offset == 48
        assert extended.IoInfo.offset == 64
        assert extended.ProcessMemoryLimit.offset == 112
        assert extended.PeakJobMemoryUsed.offset == 136
    else:
        assert ctypes.sizeof(win.IO_COUNTERS) == 48
        assert ctypes.sizeof(extended) == ctypes.sizeof(basic) + 48 + 4 * 4
    info = win.memory_limit_information(3 * 1024**3)
    assert info.ProcessMemoryLimit == 3 * 1024**3
    flags = info.BasicLimitInformation.LimitFlags
    assert flags & win.JOB_OBJECT_LIMIT_PROCESS_MEMORY == 0x100
    assert flags & win.JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION == 0x400
    assert win.JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS == 9


@pytest.mark.skipif(sys.platform == "win32", reason="checks the refusal off Windows")
def test_windows_module_refuses_to_run_off_windows():
    from tokentco.io import isolation_windows as win

    with pytest.raises(OSError, match="only on Windows"):
        win.limit_current_process_memory(1024**3)


def test_the_child_applies_the_posix_limit_on_this_platform(tmp_path):
    """RLIMIT_AS is what stops a JSON that inflates past the limit (the same file reads
    with the default limit), and the parent reports it as one located problem."""
    if memory_cap_method() != "rlimit":
        pytest.skip("this platform caps memory another way (tested where it runs)")
    path = inflating(tmp_path / "inflating.json", 1_900_000)
    (runs,) = read_bench_isolated([(path, "vllm")], BenchDefaults())
    assert isinstance(runs, list) and runs[0].tokens_per_s == pytest.approx(1205.3)
    (outcome,) = read_bench_isolated(
        [(path, "vllm")], BenchDefaults(), memory_limit_bytes=96 * 1024**2
    )
    assert isinstance(outcome, InputError)
    assert str(outcome) == (
        "inflating.json: could not be read: it needs more than 96 MB of memory "
        "(damaged, or built to exhaust memory)"
    )


def test_watchdog_cap_used_on_macos_stops_a_growing_child(tmp_path, monkeypatch):
    """The resident-size watchdog (macOS's cap), run here with Linux's /proc reading."""
    monkeypatch.setattr(bench_formats, "MAX_JSON_CONTAINERS", 10_000_000)  # applies in the child
    path = inflating(tmp_path / "growing.json", 6_000_000)
    (outcome,) = read_bench_isolated(
        [(path, "vllm")],
        BenchDefaults(),
        memory_limit_bytes=64 * 1024**2,
        memory_cap="watchdog",
    )
    assert isinstance(outcome, InputError)
    assert "could not be read: it needs more than 64 MB of memory" in str(outcome)
    small = tmp_path / "small.json"
    small.write_text("{" + RUN + "}")
    (runs,) = read_bench_isolated(
        [(small, "vllm")], BenchDefaults(), memory_limit_bytes=1024**3, memory_cap="watchdog"
    )
    assert isinstance(runs, list) and len(runs) == 1


def test_resident_size_of_a_process_is_read():
    import os

    size = isolation._resident_bytes(os.getpid())
    assert size is not None and 10 * 1024**2 < size < 16 * 1024**3
    assert isolation._resident_bytes(None) is None


# --- benchmark files through the child ------------------------------------------------


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: p.name)
def test_each_benchmark_sample_reads_the_same_in_the_child(path):
    fmt = detect(path)
    assert fmt is not None
    (outcome,) = read_bench_isolated([(path, fmt)], H100x8)
    assert outcome == read_runs(path, fmt, H100x8)
    assert all(isinstance(run, BenchRun) for run in outcome)


def test_one_child_reads_all_benchmark_files_of_an_import(monkeypatch):
    started: list[bytes] = []
    real = isolation._SubprocessChild

    class Counting(real):
        def __init__(self, request: bytes) -> None:
            started.append(request)
            super().__init__(request)

    monkeypatch.setattr(isolation, "_SubprocessChild", Counting)
    files = [SAMPLES / "vllm_bench_serve.json", MLPERF_SUMMARY, MLPERF_SYSTEM]
    result = import_files(files, ExchangeRates(), bench=H100x8)
    assert len(started) == 1
    assert result.rows_loaded == 2 and result.problems == [], [str(p) for p in result.problems]


def test_a_file_that_times_out_is_its_problem_and_a_fresh_child_reads_the_rest(tmp_path):
    good = tmp_path / "good.json"
    good.write_text("{" + RUN + "}")
    other = shutil.copy(SAMPLES / "sglang_bench_serving.jsonl", tmp_path / "other.jsonl")
    outcomes = read_bench_isolated(
        [(good, "vllm"), (slow(tmp_path / "slow.json"), "vllm"), (Path(other), "sglang")],
        BenchDefaults(),
        time_limit_s=0.3,
    )
    first, stopped, last = outcomes
    assert isinstance(first, list) and first[0].tokens_per_s == pytest.approx(1205.3)
    assert isinstance(stopped, InputError)
    assert str(stopped) == (
        "slow.json: could not be read within 0.3 s (stopped): not a benchmark result a tool writes"
    )
    assert isinstance(last, list) and len(last) == 3


def test_refusals_in_the_parent_keep_their_place(tmp_path, monkeypatch):
    monkeypatch.setattr(bench_formats, "MAX_BENCH_BYTES", 1000)
    big = tmp_path / "big.json"
    big.write_text("{" + RUN + ', "pad": "' + "x" * 2000 + '"}')
    small = tmp_path / "small.json"
    small.write_text("{" + RUN + "}")
    outcomes = read_bench_isolated(
        [(big, "vllm"), (small, "vllm"), (tmp_path / "gone.json", "vllm")], BenchDefaults()
    )
    assert isinstance(outcomes[0], InputError) and "too large" in str(outcomes[0])
    assert isinstance(outcomes[1], list)
    assert isinstance(outcomes[2], InputError)
    assert str(outcomes[2]).startswith("gone.json: cannot read: ")


def test_limits_lowered_in_the_parent_apply_in_the_bench_child(tmp_path, monkeypatch):
    path = tmp_path / "sweep.jsonl"
    path.write_text(("{" + RUN + "}\n") * 5)
    (runs,) = read_bench_isolated([(path, "sglang")], BenchDefaults())
    assert isinstance(runs, list) and len(runs) == 5
    monkeypatch.setattr(bench_formats, "MAX_BENCH_RUNS", 3)
    (outcome,) = read_bench_isolated([(path, "sglang")], BenchDefaults())
    assert str(outcome) == "sweep.jsonl:R4: not a benchmark result: more than 3 runs (lines)"


def test_cancel_kills_the_bench_child(tmp_path):
    path = slow(tmp_path / "slow.json")
    timer = threading.Event()
    threading.Timer(0.2, timer.set).start()
    with pytest.raises(ReadCancelled):
        read_bench_isolated([(path, "vllm")], BenchDefaults(), cancelled=timer.is_set)
    event = threading.Event()
    threading.Timer(0.2, event.set).start()
    with pytest.raises(ImportCancelled):
        import_files([path], ExchangeRates(), cancel=event)


def test_problems_keep_the_order_of_the_files(tmp_path):
    bad_csv = tmp_path / "a.csv"
    bad_csv.write_bytes("GPU,Price\n".encode("utf-16") + b"A")  # an odd byte
    bad_json = tmp_path / "b.json"
    bad_json.write_text("{" + RUN)  # truncated
    missing = tmp_path / "c.xlsx"
    result = import_files([bad_csv, bad_json, missing], ExchangeRates())
    assert [p.location.file for p in result.unreadable] == ["a.csv", "b.json", "c.xlsx"]
    assert "not valid JSON" in result.unreadable[1].message


def test_crash_reasons_name_the_reader():
    assert "benchmark-result reader stopped (SIGSEGV)" in isolation._crash_reason(-11, "bench")
    assert "export it again" in isolation._crash_reason(-6, "bench")
    assert "spreadsheet reader stopped (SIGABRT)" in isolation._crash_reason(-6, "tables")
    assert isolation._crash_reason(-15) == "could not be read: the reader was stopped (SIGTERM)"
    assert isolation._crash_reason(1).endswith("(exit code 1)")


def test_the_unpickler_refuses_other_types():
    import io
    import pickle

    body = pickle.dumps(("ok", [ExchangeRates()]))
    with pytest.raises(pickle.UnpicklingError, match="unexpected type"):
        isolation._Unpickler(io.BytesIO(body)).load()
    run = BenchRun(format="vllm", file="x.json", notes={"a": "b"}, system={"k": 1})
    assert isolation._Unpickler(io.BytesIO(pickle.dumps(("ok", [run])))).load() == ("ok", [run])


def test_spawn_launcher_of_frozen_builds_reads_benchmark_files_too(tmp_path):
    truncated = tmp_path / "cut.json"
    truncated.write_text("{" + RUN)
    files = [(SAMPLES / "vllm_bench_serve.json", "vllm"), (truncated, "vllm")]
    runs, problem = read_bench_isolated(files, BenchDefaults(), launcher="spawn")
    assert runs == read_runs(SAMPLES / "vllm_bench_serve.json", "vllm", BenchDefaults())
    assert isinstance(problem, InputError) and "cut.json: not valid JSON" in str(problem)


# --- a workbook's checks and cells, read by two children at once ---------------------


def _book(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Prices"
    sheet.append(["GPU", "Price per GPU-hour"])
    sheet.append(["h100-sxm", 2.5])
    sheet["C2"] = "=1/0"
    book.save(path)
    return path


def _scripted(outcomes, seen, cells_wait=None):
    """A _run_jobs whose checks/cells jobs end as ``outcomes`` says (an exception type is
    raised); records what each job's cancelled() said at its end; the cells job first
    waits for ``cells_wait`` (an Event) if given."""

    def run(jobs, names, tick, cancelled, limits, launcher):
        (job,) = jobs
        if job.kind == "xlsx_cells" and cells_wait is not None:
            cells_wait.wait(5)
        seen.setdefault(job.kind, []).append(cancelled())
        got = outcomes[job.kind]
        if isinstance(got, type) and issubclass(got, BaseException):
            raise got("stopped")
        return [got]

    return run


@pytest.fixture
def spare_core(monkeypatch):
    monkeypatch.setattr(isolation, "_spare_core", lambda: True)


@pytest.mark.parametrize("spare", [True, False])
def test_a_workbooks_checks_and_cells_merge_as_read_in_turn(tmp_path, monkeypatch, spare):
    path = _book(tmp_path / "b.xlsx")
    from tokentco.io.import_read import read_tables

    kinds: list[str] = []
    real = isolation._run_jobs

    def counting(jobs, *args):
        kinds.extend(job.kind for job in jobs)
        return real(jobs, *args)

    monkeypatch.setattr(isolation, "_spare_core", lambda: spare)
    monkeypatch.setattr(isolation, "_run_jobs", counting)
    assert [(s.name, s.rows, s.marks) for s in isolation.read_isolated(path)] == [
        (s.name, s.rows, s.marks) for s in read_tables(path)
    ]
    assert sorted(kinds) == (["xlsx_cells", "xlsx_checks"] if spare else ["tables"])


def test_the_checks_problem_comes_first_and_stops_the_cells_child(
    tmp_path, monkeypatch, spare_core
):
    path = _book(tmp_path / "b.xlsx")
    refused = InputError("refused: checks", None)
    crashed = InputError("could not be read: the spreadsheet reader stopped", None)
    seen: dict[str, list[bool]] = {}
    done = threading.Event()
    outcomes = {"xlsx_checks": refused, "xlsx_cells": crashed}
    monkeypatch.setattr(isolation, "_run_jobs", _scripted(outcomes, seen, done))
    threading.Timer(0.2, done.set).start()
    with pytest.raises(InputError, match="refused: checks"):
        isolation.read_isolated(path)
    assert seen["xlsx_cells"] == [True]  # told to stop once the checks refused


def test_the_cells_problem_when_the_checks_pass(tmp_path, monkeypatch, spare_core):
    path = _book(tmp_path / "b.xlsx")
    seen: dict[str, list[bool]] = {}
    bad = InputError("sheet cannot be read: x", None)
    outcomes = {"xlsx_checks": {}, "xlsx_cells": bad}
    monkeypatch.setattr(isolation, "_run_jobs", _scripted(outcomes, seen))
    with pytest.raises(InputError, match="sheet cannot be read"):
        isolation.read_isolated(path)


def test_cancelling_a_workbook_read_stops_both_children(tmp_path, monkeypatch, spare_core):
    path = _book(tmp_path / "b.xlsx")
    seen: dict[str, list[bool]] = {}
    outcomes = {"xlsx_checks": ReadCancelled, "xlsx_cells": ReadCancelled}
    monkeypatch.setattr(isolation, "_run_jobs", _scripted(outcomes, seen))
    with pytest.raises(ReadCancelled):
        isolation.read_isolated(path, cancelled=lambda: True)
    assert seen == {"xlsx_checks": [True], "xlsx_cells": [True]}

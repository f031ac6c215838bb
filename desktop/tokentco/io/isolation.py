"""Read untrusted files in a child process, so a hostile file cannot end the app.

Why: python-calamine is native code. A 2 KB .xlsx declaring 4,294,967,295 shared strings,
or holding one cell at XFD1048576, makes it try to allocate 100+ GB and abort the whole
process (SIGABRT) — the GUI with the analyst's unsaved work, or the CLI mid-run. So the
reading (zip checks, calamine, CSV decoding) runs in a child Python process with a memory
limit and a wall-clock limit. Benchmark result files (vLLM/SGLang JSON, GenAI-Perf/AIPerf
exports, MLPerf summaries: :mod:`tokentco.io.bench_formats`) are parsed there too: a JSON
that inflates to gigabytes, nesting that exhausts the stack or a line that makes a pattern
backtrack stays in the child. Whatever happens there — a crash, ``MemoryError``, a timeout,
an unexpected exception — comes back as ONE located :class:`InputError` ("file.xlsx: could
not be read: …"); cancelling kills the child at once (polled every 20 ms), so Cancel stops
a read within the 0.5 s target.

**The memory limit** (:func:`memory_cap_method`): on Linux and other POSIX systems the child
sets ``RLIMIT_AS`` on itself; on Windows it puts itself in a Job Object with
``JOB_OBJECT_LIMIT_PROCESS_MEMORY`` (:mod:`tokentco.io.isolation_windows`); on macOS, whose
kernel does not enforce ``RLIMIT_AS`` (nor ``RLIMIT_DATA`` for mmap-backed allocations),
the parent polls the child's resident size (``proc_pid_rusage``) with every 20 ms wait and
kills it past the limit — a watchdog, so an allocation faster than a poll can overshoot.

Only plain data crosses back: grids (:class:`RawSheet`) and benchmark runs
(:class:`~tokentco.io.bench_formats.BenchRun`), through an unpickler that accepts only those
types; everything that interprets them runs in the parent. A grid's rows come in batches of
10,000 as the child reads them (``import_read.RowSink``), so the parent unpickles one batch
while the child reads the next instead of both taking turns. The child re-applies the
parent's current safety limits of ``import_read`` and ``bench_formats`` (so a caller or a
test that lowers ``MAX_FILE_BYTES`` is obeyed). Several benchmark files are read by one
child in turn (one start-up, ~0.1 s, not one per file); if it dies on one of them, that file
is the problem and a fresh child reads the rest. With a spare core, a workbook is read by
two children at once: one runs the checks that must come before calamine (zip structure and
damage, declared sizes, used areas) and finds the marked cells, the other runs calamine;
the checks' problem wins and stops the other child, so the outcome is the one reading them
in turn gives (:func:`_read_workbook`).

The child is a plain ``python -P -c`` subprocess, not ``multiprocessing``: a ``spawn``
child re-runs the parent's main script, which costs time and breaks scripts without a
``__main__`` guard. Messages are length-prefixed pickles on the child's stdout, read by a
thread so the wait can poll cancellation on every platform. A packaged (frozen) build has
no ``-c``; there the child is a ``multiprocessing`` ``spawn`` process instead (the
PyInstaller entry point already calls ``multiprocessing.freeze_support()``), with the same
messages over a ``Pipe``.
"""

import contextlib
import dataclasses
import io
import multiprocessing
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tokentco.io import bench_formats, import_read
from tokentco.io.bench_formats import BenchDefaults, BenchRun
from tokentco.io.errors import InputError, Location
from tokentco.io.import_read import RawSheet, RowSink, Tick

MEMORY_LIMIT_BYTES = 4 * 1024**3
"""Address space the reading child may use; far above a 200 MB workbook's real need."""
BENCH_MEMORY_LIMIT_BYTES = 1024**3
"""For benchmark files (at most 64 MB, which a real result holds as a few hundred MB of
Python objects); a JSON of millions of empty objects inflates ~20× and is stopped."""
TIME_LIMIT_S = 120.0
"""Wall-clock limit for reading one file (a 100,000-row .xlsx takes ~1 s)."""
POLL_S = 0.02
STARTUP_GRACE_S = 5.0
"""Added to a child's first time limit: its interpreter start-up (0.1 s, seconds on a busy
machine) is not the file's fault; each file's limit then runs from when the child starts it."""

_LIMITS = (
    "MAX_FILE_BYTES",
    "MAX_ZIP_ENTRIES",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_RATIO",
    "RATIO_CHECK_MIN_BYTES",
    "MAX_SHEET_CELLS",
    "ROWS_PER_BATCH",
)
_BENCH_LIMITS = ("MAX_BENCH_BYTES", "MAX_JSON_KEYS", "MAX_JSON_CONTAINERS", "MAX_BENCH_RUNS")

MemoryCap = Literal["rlimit", "job_object", "watchdog"]


def memory_cap_method(platform: str = sys.platform) -> MemoryCap:
    """How the child's memory is capped on ``platform``: ``RLIMIT_AS`` set in the child
    (Linux, other POSIX), a Job Object (Windows), or the parent's resident-size watchdog
    (macOS, where the kernel ignores ``RLIMIT_AS``)."""
    if platform == "win32":
        return "job_object"
    if platform == "darwin":
        return "watchdog"
    return "rlimit"


JobKind = Literal["tables", "bench", "xlsx_checks", "xlsx_cells"]


@dataclass(frozen=True)
class _Job:
    """One file for the child: its spreadsheet grids, or its benchmark runs; a workbook's
    checks and its cells are two jobs, read by two children at once (:func:`read_isolated`)."""

    kind: JobKind
    path: str
    fmt: str = ""
    defaults: BenchDefaults | None = None


class ReadCancelled(Exception):
    """The caller asked to stop; the child was killed."""


def _never() -> bool:
    return False


def _noop(_fraction: float, _message: str) -> None:
    return None


_CHILD_CODE = "from tokentco.io.isolation import child_main; child_main()"
_HEADER = struct.Struct("<Q")


class _Child:
    """A started reader: messages arrive in ``inbox`` (None when the child is gone)."""

    inbox: "queue.Queue[tuple[str, Any] | None]"
    pid: int | None

    def kill(self) -> None:
        raise NotImplementedError

    def exit_code(self) -> int | None:
        raise NotImplementedError


class _SubprocessChild(_Child):
    """``python -P -c …``: the request on stdin, length-prefixed pickles on stdout.
    -P (Python 3.11+): no current folder on sys.path — a "python_calamine.py" planted
    beside the spreadsheet being imported must not be what the child imports."""

    def __init__(self, request: bytes) -> None:
        self.inbox = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-c", _CHILD_CODE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.pid = self.process.pid
        self.stdout = self.process.stdout
        threading.Thread(target=self._pump, daemon=True).start()
        try:
            self.process.stdin.write(_HEADER.pack(len(request)) + request)
            self.process.stdin.close()
        except OSError:
            pass  # the child died at once; its exit code says why

    def _pump(self) -> None:
        def frames() -> Iterator[bytes]:
            while True:
                head = self.stdout.read(_HEADER.size)
                if len(head) < _HEADER.size:
                    return
                (size,) = _HEADER.unpack(head)
                body = self.stdout.read(size)
                if len(body) < size:
                    return
                yield body

        _relay(frames(), self.inbox)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.stdout.close()

    def exit_code(self) -> int | None:
        try:
            return self.process.wait(2.0)
        except subprocess.TimeoutExpired:
            return None


class _SpawnChild(_Child):
    """A ``multiprocessing`` spawn child (frozen builds, where ``python -c`` does not exist)."""

    def __init__(self, request: bytes) -> None:
        self.inbox = queue.Queue()
        context = multiprocessing.get_context("spawn")
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=_spawn_main, args=(sender, request), daemon=True)
        self.process.start()
        self.pid = self.process.pid
        sender.close()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        def frames() -> Iterator[bytes]:
            while True:
                try:
                    yield self.receiver.recv_bytes()
                except (EOFError, OSError):
                    return

        _relay(frames(), self.inbox)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(2.0)
        self.receiver.close()

    def exit_code(self) -> int | None:
        self.process.join(2.0)
        return self.process.exitcode


def _relay(frames: Iterable[bytes], inbox: "queue.Queue[tuple[str, Any] | None]") -> None:
    """Reader thread: each pickled message → the queue (until "done"); None at the end."""
    try:
        for body in frames:
            message = _Unpickler(io.BytesIO(body)).load()
            inbox.put(message)
            if message[0] == "done":
                return
    except (OSError, ValueError, pickle.UnpicklingError, EOFError):
        pass
    finally:
        inbox.put(None)


def read_isolated(
    path: Path,
    tick: Tick = _noop,
    cancelled: Callable[[], bool] = _never,
    *,
    time_limit_s: float = TIME_LIMIT_S,
    memory_limit_bytes: int = MEMORY_LIMIT_BYTES,
    launcher: str | None = None,
    memory_cap: MemoryCap | None = None,
) -> list[RawSheet]:
    """``import_read.read_tables(path)`` run in a child process with limits.

    Raises :class:`InputError` (one located line) for anything that stops the file, and
    :class:`ReadCancelled` when ``cancelled()`` turns true. Exceptions raised by ``tick``
    (the importer's own cancellation) propagate after the child is killed. ``launcher``:
    "subprocess" or "spawn" (default: spawn in a frozen build, else subprocess);
    ``memory_cap``: see :func:`memory_cap_method` (default: this platform's).
    """
    path = Path(path)
    import_read.check_file(path)  # cheap refusals need no child
    limits = _Limits(time_limit_s, memory_limit_bytes, memory_cap or memory_cap_method())
    if path.suffix.lower() in import_read.XLSX_SUFFIXES and _spare_core():
        return _read_workbook(path, tick, cancelled, limits, launcher)
    job = _Job("tables", str(path.resolve()))
    (outcome,) = _run_jobs([job], [path.name], tick, cancelled, limits, launcher)
    if isinstance(outcome, InputError):
        raise outcome
    sheets: list[RawSheet] = outcome
    return sheets


def _spare_core() -> bool:
    """True when a second reading child would get a core to itself: the 1-minute load
    average is below the cores but one (where there is no load average, Windows: four
    cores or more). Why: on a busy machine the second child only adds its start-up
    (~0.1–0.2 s of CPU) and the checks wait for a core anyway; one child doing both in turn
    is then as fast. Either way the outcome is the same."""
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return cores >= 4
    return load < cores - 1


def _read_workbook(
    path: Path,
    tick: Tick,
    cancelled: Callable[[], bool],
    limits: "_Limits",
    launcher: str | None,
) -> list[RawSheet]:
    """A workbook's checks (``import_read.check_xlsx``: zip structure, damage, declared
    sizes, used areas, marks) and its cells (``read_xlsx_cells``, calamine) read by two
    children at once. Why: the checks take ~0.25 s of a 100,000-row workbook's ~1.4 s and
    calamine must not depend on them in the same process (an abort there would lose the
    checks' message), while the parent waits idle anyway. The outcome is what reading
    them in turn gives: the checks' problem when they refuse the file (the cells child is
    then stopped at once, whatever it did), else the cells' problem, else the cells with
    the checks' marks."""
    where = str(path.resolve())
    refused = threading.Event()
    stop = threading.Event()
    checks: list[Any] = []

    def stopped() -> bool:  # the checks child: the caller cancelled, or the cells failed
        return stop.is_set() or cancelled()

    def refusing() -> bool:  # the cells child: the caller cancelled, or the checks refused
        return refused.is_set() or cancelled()

    def run_checks() -> None:
        job = _Job("xlsx_checks", where)
        try:
            (outcome,) = _run_jobs([job], [path.name], _noop, stopped, limits, launcher)
        except ReadCancelled:
            outcome = None
        except BaseException as exc:  # handed to the waiting thread
            outcome = exc
        checks.append(outcome)
        if outcome is None or isinstance(outcome, BaseException):
            refused.set()

    thread = threading.Thread(target=run_checks, name="tokentco-xlsx-checks", daemon=True)
    thread.start()
    try:
        job = _Job("xlsx_cells", where)
        (cells,) = _run_jobs([job], [path.name], tick, refusing, limits, launcher)
    except ReadCancelled:
        if not refused.is_set():  # the caller cancelled
            stop.set()
            thread.join()
            raise
        cells = None  # the checks refused the file
    except BaseException:  # an error raised by tick (the importer's Cancel): stop both
        stop.set()
        thread.join()
        raise
    thread.join()
    marks = checks[0]
    if isinstance(marks, BaseException):
        raise marks
    if marks is None:
        raise ReadCancelled(f"{path.name}: reading cancelled")
    if isinstance(cells, InputError):
        raise cells
    return import_read.with_marks(cells, marks)


def read_bench_isolated(
    files: Sequence[tuple[Path, str]],
    defaults: BenchDefaults,
    tick: Tick = _noop,
    cancelled: Callable[[], bool] = _never,
    *,
    time_limit_s: float = TIME_LIMIT_S,
    memory_limit_bytes: int = BENCH_MEMORY_LIMIT_BYTES,
    launcher: str | None = None,
    memory_cap: MemoryCap | None = None,
) -> list[list[BenchRun] | InputError]:
    """``bench_formats.read_runs(path, fmt, defaults)`` for each ``(path, fmt)``, in one
    child process with limits: per file its runs, or the one located :class:`InputError`
    that stops it (a crash, the memory or time limit, bad content). The time limit is per
    file. Raises :class:`ReadCancelled` when ``cancelled()`` turns true."""
    outcomes: list[list[BenchRun] | InputError | None] = [None] * len(files)
    jobs: list[_Job] = []
    names: list[str] = []
    slots: list[int] = []
    for index, (path, fmt) in enumerate(files):
        path = Path(path)
        try:
            bench_formats.check_size(path)  # cheap refusals need no child
        except InputError as exc:
            outcomes[index] = exc
            continue
        jobs.append(_Job("bench", str(path.resolve()), fmt, defaults))
        names.append(path.name)
        slots.append(index)
    if jobs:
        limits = _Limits(time_limit_s, memory_limit_bytes, memory_cap or memory_cap_method())
        for index, outcome in zip(
            slots, _run_jobs(jobs, names, tick, cancelled, limits, launcher), strict=True
        ):
            outcomes[index] = outcome
    done: list[list[BenchRun] | InputError] = []
    for outcome in outcomes:
        assert outcome is not None
        done.append(outcome)
    return done


@dataclass(frozen=True)
class _Limits:
    time_s: float
    memory_bytes: int
    memory_cap: MemoryCap


def _run_jobs(
    jobs: list[_Job],
    names: list[str],
    tick: Tick,
    cancelled: Callable[[], bool],
    limits: _Limits,
    launcher: str | None,
) -> list[Any]:
    """Each job's payload or :class:`InputError`, in order. One child reads the jobs in
    turn; when it dies, times out or runs out of memory on one, that one gets the problem
    and a fresh child takes the rest."""
    outcomes: list[Any] = []
    launcher = launcher or ("spawn" if getattr(sys, "frozen", False) else "subprocess")
    shared = {name: getattr(import_read, name) for name in _LIMITS}
    shared.update({name: getattr(bench_formats, name) for name in _BENCH_LIMITS})
    while len(outcomes) < len(jobs):
        rest = jobs[len(outcomes) :]
        kernel_cap = limits.memory_cap != "watchdog"
        request = pickle.dumps((rest, limits.memory_bytes, kernel_cap, shared))
        where = Location(file=names[len(outcomes)])
        try:
            child = _SpawnChild(request) if launcher == "spawn" else _SubprocessChild(request)
        except OSError as exc:
            problem = InputError(f"could not be read: cannot start the reader ({exc})", where)
            outcomes.extend([problem] * len(rest))
            break
        try:
            _collect(child, rest, names[len(outcomes) :], outcomes, tick, cancelled, limits)
        finally:
            child.kill()
    return outcomes


def _collect(
    child: "_Child",
    jobs: list[_Job],
    names: list[str],
    outcomes: list[Any],
    tick: Tick,
    cancelled: Callable[[], bool],
    limits: _Limits,
) -> None:
    """Append the child's outcomes to ``outcomes`` until it is done, or until one job stops
    it (that job's problem appended; the caller starts a new child for the rest)."""
    watch = _resident_bytes if limits.memory_cap == "watchdog" else None
    first = len(outcomes)
    grids = _Grids()
    deadline = time.monotonic() + limits.time_s + STARTUP_GRACE_S
    while len(outcomes) - first < len(jobs):
        current = len(outcomes) - first
        where = Location(file=names[current])
        if cancelled():
            raise ReadCancelled(f"{names[current]}: reading cancelled")
        if watch is not None and (watch(child.pid) or 0) > limits.memory_bytes:
            outcomes.append(_memory_error(limits.memory_bytes, where))
            return
        try:
            message = child.inbox.get(timeout=POLL_S)
        except queue.Empty:
            if time.monotonic() > deadline:
                outcomes.append(
                    InputError(
                        f"could not be read within {limits.time_s:g} s (stopped): "
                        + _TIME_HINTS[jobs[current].kind],
                        where,
                    )
                )
                return
            continue
        if message is None:  # the pipe closed without a result: the child died
            outcomes.append(InputError(_crash_reason(child.exit_code(), jobs[current].kind), where))
            return
        kind, payload = message
        if kind == "rows":  # a batch of a sheet's rows, ahead of the sheets themselves
            grids.add(payload)
            continue
        if kind == "tick":
            tick(*payload)
            continue
        if kind == "done":
            return
        if kind == "start":  # the time limit is per file, from when the child begins it
            deadline = time.monotonic() + limits.time_s
            grids = _Grids()
            continue
        if kind == "ok":
            outcomes.append(grids.attach(payload))
        elif kind == "error":
            text, location = payload
            outcomes.append(InputError(text, location))
        else:  # "memory": the child stops after it; a fresh one reads the rest
            outcomes.append(_memory_error(limits.memory_bytes, where))
            return


class _Grids:
    """The rows a child sent for the sheets of its current job, in batches ("rows"
    messages), until the sheets themselves ("ok") come to take them."""

    def __init__(self) -> None:
        self.rows: dict[int, list[list[Any]]] = {}

    def add(self, payload: Any) -> None:
        """One ("rows", (sheet number, rows)) message's payload; anything else (not from
        our reader: a subverted child) is dropped."""
        if isinstance(payload, tuple) and len(payload) == 2:
            number, batch = payload
            if isinstance(number, int) and isinstance(batch, list):
                self.rows.setdefault(number, []).extend(batch)

    def attach(self, payload: Any) -> Any:
        """``payload`` with each sheet given the rows sent for it (a payload without
        batches, such as benchmark runs, unchanged)."""
        for number, rows in self.rows.items():
            if isinstance(payload, list) and 0 <= number < len(payload):
                sheet = payload[number]
                if isinstance(sheet, RawSheet):
                    sheet.rows = rows
        self.rows = {}
        return payload


_TIME_HINTS = {
    "tables": "split the file or remove unused sheets",
    "xlsx_checks": "split the file or remove unused sheets",
    "xlsx_cells": "split the file or remove unused sheets",
    "bench": "not a benchmark result a tool writes",
}


def _memory_error(limit: int, where: Location) -> InputError:
    return InputError(
        f"could not be read: it needs more than {_size(limit)} "
        "of memory (damaged, or built to exhaust memory)",
        where,
    )


class _Unpickler(pickle.Unpickler):
    """Only the types a read produces: a child subverted by a hostile file (a native-code
    exploit in the reader) cannot make the parent run code through a crafted pickle."""

    _ALLOWED = frozenset(
        {
            ("tokentco.io.import_read", "RawSheet"),
            ("tokentco.io.import_read", "ExcelError"),
            ("tokentco.io.import_read", "MissingValue"),
            ("tokentco.io.bench_formats", "BenchRun"),
            ("tokentco.io.errors", "Location"),
            ("datetime", "datetime"),
            ("datetime", "date"),
            ("datetime", "time"),
            ("datetime", "timedelta"),
            ("datetime", "timezone"),
        }
    )

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"unexpected type {module}.{name} from the reader")


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1024**3:.0f} GB" if n_bytes >= 1024**3 else f"{n_bytes / 1024**2:.0f} MB"


_WINDOWS_CRASHES = {
    3: "abort",
    0xC0000005: "access violation",
    0xC00000FD: "stack overflow",
    0xC0000017: "out of memory",
    0xC0000409: "fail-fast abort",
}
"""Exit codes a crashed Windows process ends with (an NTSTATUS, or 3 from ``abort()``)."""
_READERS = {
    "tables": "spreadsheet reader",
    "xlsx_checks": "spreadsheet reader",
    "xlsx_cells": "spreadsheet reader",
    "bench": "benchmark-result reader",
}


def _crash_reason(code: int | None, kind: str = "tables") -> str:
    reader = _READERS.get(kind, "reader")
    name = ""
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            return f"could not be read: the reader was stopped (signal {-code})"
        if name not in ("SIGABRT", "SIGSEGV", "SIGBUS", "SIGKILL"):
            return f"could not be read: the reader was stopped ({name})"
    elif code is not None and sys.platform == "win32" and code in _WINDOWS_CRASHES:
        name = _WINDOWS_CRASHES[code]
    if name:
        advice = "export it again" if kind == "bench" else "open it in Excel and save it again"
        return (
            f"could not be read: the {reader} stopped ({name}) — the file is "
            "damaged or built to crash readers (e.g. an absurd size declared inside); " + advice
        )
    return f"could not be read: the reader ended unexpectedly (exit code {code})"


def _resident_bytes(pid: int | None) -> int | None:
    """The resident size of process ``pid`` (None if unknown): the watchdog's reading."""
    if pid is None:
        return None
    if sys.platform == "darwin":
        return _darwin_resident_bytes(pid)
    try:  # Linux: /proc/<pid>/statm holds sizes in pages; the 2nd is resident
        with open(f"/proc/{pid}/statm", "rb") as handle:
            resident_pages = int(handle.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return resident_pages * _page_size()


def _page_size() -> int:
    return os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


_darwin_rusage: Callable[[int], int | None] | None = None


def _darwin_resident_bytes(pid: int) -> int | None:
    """``proc_pid_rusage(pid, RUSAGE_INFO_V0)``'s physical footprint, via libproc (ctypes;
    psutil is not a dependency). Not exercised in CI (Linux runners)."""
    global _darwin_rusage
    if _darwin_rusage is None:
        import ctypes
        import ctypes.util

        class RusageInfoV0(ctypes.Structure):
            _fields_ = [
                ("ri_uuid", ctypes.c_uint8 * 16),
                ("ri_user_time", ctypes.c_uint64),
                ("ri_system_time", ctypes.c_uint64),
                ("ri_pkg_idle_wkups", ctypes.c_uint64),
                ("ri_interrupt_wkups", ctypes.c_uint64),
                ("ri_pageins", ctypes.c_uint64),
                ("ri_wired_size", ctypes.c_uint64),
                ("ri_resident_size", ctypes.c_uint64),
                ("ri_phys_footprint", ctypes.c_uint64),
                ("ri_proc_start_abstime", ctypes.c_uint64),
                ("ri_proc_exit_abstime", ctypes.c_uint64),
            ]

        library = ctypes.CDLL(ctypes.util.find_library("proc") or "libproc.dylib")
        function = library.proc_pid_rusage
        function.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.POINTER(RusageInfoV0)]
        function.restype = ctypes.c_int

        def read(child: int) -> int | None:
            info = RusageInfoV0()
            if function(child, 0, ctypes.byref(info)) != 0:
                return None
            return max(int(info.ri_phys_footprint), int(info.ri_resident_size))

        _darwin_rusage = read
    return _darwin_rusage(pid)


def child_main() -> None:
    """Entry of the ``python -c`` child: the request on stdin, messages on stdout."""
    stdin, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the message stream
    (size,) = _HEADER.unpack(stdin.read(_HEADER.size))

    def emit(body: bytes) -> None:
        out.write(_HEADER.pack(len(body)) + body)
        out.flush()

    _serve(stdin.read(size), emit)


def _spawn_main(conn: Any, request: bytes) -> None:
    """Entry of the ``multiprocessing`` child (frozen builds): messages over the pipe."""
    try:
        _serve(request, conn.send_bytes)
    finally:
        conn.close()


def _serve(request: bytes, emit: Callable[[bytes], None]) -> None:
    """In the child: limit memory, then per job emit ("start", None), ("tick", …)* and
    ("rows", (sheet number, rows))* as a spreadsheet is read, then one ("ok", payload) (its
    sheets without their rows) / ("error", (message, location)) / ("memory", None), each pickled;
    ("done", None) at the end. After a "memory" the child stops (its heap may be in any
    state)."""
    import gc

    gc.disable()  # millions of cells, no cycles: the collector would only re-scan them
    jobs, memory_limit, kernel_cap, limits = pickle.loads(request)
    if kernel_cap:
        _limit_own_memory(memory_limit)
    for name, value in limits.items():
        setattr(bench_formats if name in _BENCH_LIMITS else import_read, name, value)

    def send(message: tuple[str, Any]) -> None:
        emit(_dumps(message))

    def tick(fraction: float, message: str) -> None:
        send(("tick", (fraction, message)))

    def sink(number: int, rows: list[list[Any]]) -> None:
        send(("rows", (number, rows)))

    try:
        for job in jobs:
            send(("start", None))
            outcome = _do(job, tick, sink)
            send(outcome)
            if outcome[0] == "memory":
                return
        send(("done", None))
    except MemoryError:  # the result itself did not fit in memory
        send(("memory", None))
    except (BrokenPipeError, OSError):  # the parent cancelled and went away
        pass


def _dumps(message: tuple[str, Any]) -> bytes:
    """``message`` pickled without the memo ("fast" mode). Why: a 100,000-row grid is
    ~900,000 objects; memoising each one (so that a shared object is written once) cost
    0.35–0.4 s, ten times the pickling itself. A read's payload is a tree of plain values
    (grids of cells, benchmark runs from JSON: no cycles), which is all fast mode requires;
    objects referred to twice are simply written twice."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(message)
    return buffer.getvalue()


def _do(job: _Job, tick: Tick, sink: RowSink | None = None) -> tuple[str, Any]:
    """One job's outcome message (every exception a hostile file provokes is one problem).
    A spreadsheet's rows go to ``sink`` as they are read, before that message."""
    source = Path(job.path)
    try:
        if job.kind == "bench":
            payload: Any = bench_formats.read_runs(source, job.fmt, job.defaults or BenchDefaults())
        elif job.kind == "xlsx_checks":
            payload = import_read.check_xlsx(source)
        elif job.kind == "xlsx_cells":
            payload = _without_rows(import_read.read_xlsx_cells(source, tick, sink))
        else:
            payload = _without_rows(import_read.read_tables(source, tick, sink))
        return ("ok", payload)
    except InputError as exc:
        return ("error", (exc.message, exc.location))
    except MemoryError:
        return ("memory", None)
    except RecursionError:
        return ("error", ("could not be read: nested too deeply", _at(source)))
    except Exception as exc:
        text = f"{type(exc).__name__}: {exc}"
        return ("error", (f"could not be read: {text}", _at(source)))


def _without_rows(sheets: list[RawSheet]) -> list[RawSheet]:
    """The sheets as sent after their rows (which went ahead in batches)."""
    return [dataclasses.replace(sheet, rows=[]) for sheet in sheets]


def _limit_own_memory(limit: int) -> None:
    """Cap this (child) process's memory: ``RLIMIT_AS`` on POSIX, a Job Object on Windows.
    Failing that (a lower hard limit already, an old kernel) the wall-clock limit remains."""
    if sys.platform == "win32":
        from tokentco.io.isolation_windows import limit_current_process_memory

        with contextlib.suppress(OSError):
            limit_current_process_memory(limit)
        return
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def _at(path: Path) -> Location:
    return Location(file=path.name)

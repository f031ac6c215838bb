"""Read an untrusted spreadsheet in a child process, so a hostile file cannot end the app.

Why: python-calamine is native code. A 2 KB .xlsx declaring 4,294,967,295 shared strings,
or holding one cell at XFD1048576, makes it try to allocate 100+ GB and abort the whole
process (SIGABRT) — the GUI with the analyst's unsaved work, or the CLI mid-run. So the
reading (zip checks, calamine, CSV decoding) runs in a child Python process with an
address-space limit (``RLIMIT_AS``, POSIX only) and a wall-clock limit. Whatever happens
there — a crash, ``MemoryError``, a timeout, an unexpected exception — comes back as ONE
located :class:`InputError` ("file.xlsx: could not be read: …"); cancelling kills the
child at once (polled every 20 ms), so Cancel stops a read within the 0.5 s target.

Only plain grids (:class:`RawSheet`) cross the pipe; everything that interprets them runs
in the parent. The child re-applies the parent's current safety limits of
``import_read`` (so a caller or a test that lowers ``MAX_FILE_BYTES`` is obeyed).

The child is a plain ``python -P -c`` subprocess, not ``multiprocessing``: a ``spawn``
child re-runs the parent's main script, which costs time and breaks scripts without a
``__main__`` guard. Messages are length-prefixed pickles on the child's stdout, read by a
thread so the wait can poll cancellation on every platform. A packaged (frozen) build has
no ``-c``; there the child is a ``multiprocessing`` ``spawn`` process instead (the
PyInstaller entry point already calls ``multiprocessing.freeze_support()``), with the same
messages over a ``Pipe``.
"""

import io
import multiprocessing
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from tokentco.io import import_read
from tokentco.io.errors import InputError, Location
from tokentco.io.import_read import RawSheet, Tick

MEMORY_LIMIT_BYTES = 4 * 1024**3
"""Address space the reading child may use; far above a 200 MB workbook's real need."""
TIME_LIMIT_S = 120.0
"""Wall-clock limit for reading one file (a 100,000-row .xlsx takes ~1 s)."""
POLL_S = 0.02

_LIMITS = (
    "MAX_FILE_BYTES",
    "MAX_ZIP_ENTRIES",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_RATIO",
    "RATIO_CHECK_MIN_BYTES",
    "MAX_SHEET_CELLS",
)


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
    """Reader thread: each pickled message → the queue (until the result); None at the end."""
    try:
        for body in frames:
            message = _Unpickler(io.BytesIO(body)).load()
            inbox.put(message)
            if message[0] != "tick":
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
) -> list[RawSheet]:
    """``import_read.read_tables(path)`` run in a child process with limits.

    Raises :class:`InputError` (one located line) for anything that stops the file, and
    :class:`ReadCancelled` when ``cancelled()`` turns true. Exceptions raised by ``tick``
    (the importer's own cancellation) propagate after the child is killed. ``launcher``:
    "subprocess" or "spawn" (default: spawn in a frozen build, else subprocess).
    """
    path = Path(path)
    import_read.check_file(path)  # cheap refusals need no child
    where = Location(file=path.name)
    limits = {name: getattr(import_read, name) for name in _LIMITS}
    request = pickle.dumps((str(path.resolve()), memory_limit_bytes, limits))
    launcher = launcher or ("spawn" if getattr(sys, "frozen", False) else "subprocess")
    try:
        child = _SpawnChild(request) if launcher == "spawn" else _SubprocessChild(request)
    except OSError as exc:
        raise InputError(f"could not be read: cannot start the reader ({exc})", where) from exc
    deadline = time.monotonic() + time_limit_s
    try:
        while True:
            if cancelled():
                raise ReadCancelled(f"{path.name}: reading cancelled")
            try:
                message = child.inbox.get(timeout=POLL_S)
            except queue.Empty:
                if time.monotonic() > deadline:
                    raise InputError(
                        f"could not be read within {time_limit_s:g} s (stopped): "
                        "split the file or remove unused sheets",
                        where,
                    ) from None
                continue
            if message is None:  # the pipe closed without a result: the child died
                raise InputError(_crash_reason(child.exit_code()), where)
            kind, payload = message
            if kind == "tick":
                tick(*payload)
            elif kind == "ok":
                sheets: list[RawSheet] = payload
                return sheets
            elif kind == "error":
                text, location = payload
                raise InputError(text, location)
            else:  # "memory"
                raise InputError(
                    f"could not be read: it needs more than {_size(memory_limit_bytes)} "
                    "of memory (damaged, or built to exhaust memory)",
                    where,
                )
    finally:
        child.kill()


class _Unpickler(pickle.Unpickler):
    """Only the types a read produces: a child subverted by a hostile file (a native-code
    exploit in the reader) cannot make the parent run code through a crafted pickle."""

    _ALLOWED = frozenset(
        {
            ("tokentco.io.import_read", "RawSheet"),
            ("tokentco.io.import_read", "ExcelError"),
            ("tokentco.io.import_read", "MissingValue"),
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


def _crash_reason(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        if name in ("SIGABRT", "SIGSEGV", "SIGBUS", "SIGKILL"):
            return (
                f"could not be read: the spreadsheet reader stopped ({name}) — the file is "
                "damaged or built to crash readers (e.g. an absurd size declared inside); "
                "open it in Excel and save it again"
            )
        return f"could not be read: the reader was stopped ({name})"
    return f"could not be read: the reader ended unexpectedly (exit code {code})"


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
    """In the child: limit memory, read the file, emit ("tick", …)* then one ("ok", sheets)
    / ("error", (message, location)) / ("memory", None), each pickled."""
    import gc

    gc.disable()  # millions of cells, no cycles: the collector would only re-scan them
    path, memory_limit, limits = pickle.loads(request)
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    except (ImportError, ValueError, OSError):  # Windows, or a lower hard limit already
        pass
    for name, value in limits.items():
        setattr(import_read, name, value)
    source = Path(path)

    def send(message: tuple[str, Any]) -> None:
        emit(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    def tick(fraction: float, message: str) -> None:
        send(("tick", (fraction, message)))

    try:
        try:
            sheets = import_read.read_tables(source, tick)
            send(("ok", sheets))
        except InputError as exc:
            send(("error", (exc.message, exc.location)))
        except MemoryError:
            send(("memory", None))
        except RecursionError:
            send(("error", ("could not be read: nested too deeply", _at(source))))
        except Exception as exc:  # anything else a hostile file provokes is one problem
            text = f"{type(exc).__name__}: {exc}"
            send(("error", (f"could not be read: {text}", _at(source))))
    except MemoryError:  # the result itself did not fit in memory
        send(("memory", None))
    except (BrokenPipeError, OSError):  # the parent cancelled and went away
        pass


def _at(path: Path) -> Location:
    return Location(file=path.name)

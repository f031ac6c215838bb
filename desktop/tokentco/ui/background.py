"""The one background-operation helper: every slow call leaves the GUI thread through here.

Modelled on Anki's ``QueryOp``: an operation is generic over its result type ``T``; the
success callback receives that ``T`` and the failure callback receives the **exception
object itself** (so a located :class:`~tokentco.io.errors.InputError` keeps its file,
sheet, row and column, and a caller can tell an ``ImportCancelled`` by its type). Only
``Exception`` is caught: a ``BaseException`` (``KeyboardInterrupt``, ``SystemExit``) is
re-raised in the worker after the helper has tidied its bookkeeping, and no callback runs.
Both callbacks run on the GUI thread.

Two ways in:

* :meth:`BackgroundOps.submit_latest` — *coalesced* work on a named channel (the
  comparison, the tornado). At most one job per channel runs; while it runs only the
  newest request is kept as pending, intermediate ones are never computed. A result is
  delivered if it is the latest request; a stale one (a newer request is already queued) is
  dropped — except that, during a long continuous drag, a stale result is still shown at
  most every ``live_interval_s`` so the charts keep moving instead of freezing until the
  mouse is released.
* :meth:`BackgroundOps.run` — a one-off job with progress and cancel (spreadsheet import,
  exports). Its function receives ``(progress, cancelled)``: ``progress(fraction, message)``
  may be called from the worker thread and ``cancelled()`` turns True once the user pressed
  Cancel.

Python's cyclic garbage collector runs in whichever thread happens to allocate when a
threshold is crossed; if that is a worker and the garbage holds Qt objects, Qt destroys
them off the GUI thread and can deadlock against it (seen: a worker writing a workbook
collected an old window's menus while the GUI thread deleted widgets). So the helper moves
collection to the GUI thread (:func:`collect_garbage_on_gui_thread`).
"""

import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

from tokentco.io.errors import InputError

T = TypeVar("T")

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]
Failed = Callable[[Exception], None]


def describe_exception(exc: Exception) -> str:
    """One line for the user. A located ``InputError`` is already a sentence; anything
    else is prefixed with its type (its traceback went to stderr for the developer)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, InputError):
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class _Deliverable(Protocol):
    """What the GUI thread needs from a finished job, whatever its result type."""

    ticket: int
    channel: str
    cancel: threading.Event

    @property
    def succeeded(self) -> bool: ...

    @property
    def aborted(self) -> bool: ...

    def execute(self, bridge: "_Bridge") -> None: ...

    def deliver(self) -> None: ...

    def progressed(self, fraction: float, message: str) -> None: ...


@dataclass
class _Job(Generic[T]):
    ticket: int
    fn: Callable[[Progress, Cancelled], T]
    on_done: Callable[[T], None]
    on_error: Failed
    channel: str = ""
    on_progress: Progress | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    _value: tuple[T] | None = None  # a 1-tuple: a job may legitimately return None
    _error: Exception | None = None
    _aborted: bool = False

    @property
    def succeeded(self) -> bool:
        return self._value is not None

    @property
    def aborted(self) -> bool:
        return self._aborted

    def execute(self, bridge: "_Bridge") -> None:
        """Runs on a worker thread; the outcome is kept here, only the ticket crosses."""

        def progress(fraction: float, message: str = "") -> None:
            bridge.progressed.emit(self.ticket, float(fraction), str(message))

        try:
            self._value = (self.fn(progress, self.cancel.is_set),)
        except Exception as exc:  # reported to the caller; the app keeps running
            if not isinstance(exc, InputError):
                traceback.print_exception(exc)
            self._error = exc
        except BaseException:
            self._aborted = True  # tidy up on the GUI thread, then let it propagate
            bridge.finished.emit(self.ticket)
            raise
        bridge.finished.emit(self.ticket)

    def deliver(self) -> None:
        if self._error is not None:
            self.on_error(self._error)
        elif self._value is not None:
            self.on_done(self._value[0])

    def progressed(self, fraction: float, message: str) -> None:
        if self.on_progress is not None:
            self.on_progress(fraction, message)


class _Bridge(QObject):
    """Carries tickets from worker threads to the GUI thread (queued connections)."""

    finished = Signal(int)
    progressed = Signal(int, float, str)


class _Runnable(QRunnable):
    def __init__(self, job: _Deliverable, bridge: _Bridge) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._job, self._bridge = job, bridge

    def run(self) -> None:
        self._job.execute(self._bridge)


@dataclass
class _Channel:
    running: _Deliverable | None = None
    pending: _Deliverable | None = None
    last_delivery: float = 0.0


def collect_garbage_on_gui_thread() -> None:
    """Disable automatic collection and collect on a GUI-thread timer instead (once per
    application; pyqtgraph's GarbageCollector does the threshold bookkeeping)."""
    app = QCoreApplication.instance()
    if app is None or getattr(app, "_tokentco_gc", None) is not None:
        return
    from pyqtgraph.util.garbage_collector import GarbageCollector

    app._tokentco_gc = GarbageCollector(interval=0.5)  # type: ignore[attr-defined]


class BackgroundOps(QObject):
    """Runs callables on a thread pool and reports on the GUI thread."""

    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None, live_interval_s: float = 0.1) -> None:
        super().__init__(parent)
        collect_garbage_on_gui_thread()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max(2, min(4, QThreadPool.globalInstance().maxThreadCount())))
        self._bridge = _Bridge(self)
        self._bridge.finished.connect(self._on_finished)
        self._bridge.progressed.connect(self._on_progress)
        self._channels: dict[str, _Channel] = {}
        self._jobs: dict[int, _Deliverable] = {}
        self._next_ticket = 0
        self.live_interval_s = live_interval_s
        self.dropped = 0

    # --- public API ----------------------------------------------------------------------
    def submit_latest(
        self,
        channel: str,
        fn: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Failed,
    ) -> int:
        """Coalesced: compute ``fn`` unless a newer request for ``channel`` replaces it first."""

        def call(_progress: Progress, _cancelled: Cancelled) -> T:
            return fn()

        job = _Job(self._ticket(), call, on_done, on_error, channel=channel)
        state = self._channels.setdefault(channel, _Channel())
        if state.running is None:
            self._start(state, job)
        else:
            if state.pending is not None:
                self.dropped += 1
            state.pending = job
        return job.ticket

    def run(
        self,
        fn: Callable[[Progress, Cancelled], T],
        on_done: Callable[[T], None],
        on_error: Failed,
        on_progress: Progress | None = None,
    ) -> Callable[[], None]:
        """One-off job with progress; returns a function that requests cancellation."""
        job = _Job(self._ticket(), fn, on_done, on_error, on_progress=on_progress)
        self._jobs[job.ticket] = job
        self.busyChanged.emit(True)
        self._pool.start(_Runnable(job, self._bridge))
        return job.cancel.set

    def is_idle(self) -> bool:
        return not self._jobs

    def is_busy(self, channel: str) -> bool:
        state = self._channels.get(channel)
        return state is not None and (state.running is not None or state.pending is not None)

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Cancel what can be cancelled and wait for running jobs (on window close)."""
        for job in self._jobs.values():
            job.cancel.set()
        for state in self._channels.values():
            state.pending = None
        self._pool.waitForDone(timeout_ms)

    # --- internals -----------------------------------------------------------------------
    def _ticket(self) -> int:
        self._next_ticket += 1
        return self._next_ticket

    def _start(self, state: _Channel, job: _Deliverable) -> None:
        state.running = job
        self._jobs[job.ticket] = job
        if len(self._jobs) == 1:
            self.busyChanged.emit(True)
        self._pool.start(_Runnable(job, self._bridge))

    @Slot(int, float, str)
    def _on_progress(self, ticket: int, fraction: float, message: str) -> None:
        job = self._jobs.get(ticket)
        if job is not None:
            job.progressed(fraction, message)

    @Slot(int)
    def _on_finished(self, ticket: int) -> None:
        job = self._jobs.pop(ticket, None)
        if job is None:
            return
        deliver = not job.aborted
        if job.channel:
            state = self._channels[job.channel]
            state.running = None
            if state.pending is not None:
                nxt, state.pending = state.pending, None
                self._start(state, nxt)
                now = time.monotonic()
                deliver = job.succeeded and now - state.last_delivery >= self.live_interval_s
                if not deliver:
                    self.dropped += 1
            if deliver:
                state.last_delivery = time.monotonic()
        if not self._jobs:
            self.busyChanged.emit(False)
        if deliver:
            job.deliver()


__all__ = ["BackgroundOps", "Cancelled", "Failed", "Progress", "describe_exception"]

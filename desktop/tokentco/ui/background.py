"""The one background-operation helper: every slow call leaves the GUI thread through here.

Two ways in, both reporting back on the GUI thread (Anki's ``QueryOp`` idea):

* :meth:`BackgroundOps.submit_latest` — *coalesced* work on a named channel (the
  comparison, the tornado). At most one job per channel runs; while it runs only the
  newest request is kept as pending, intermediate ones are never computed. A result is
  delivered if it is the latest request; a stale one (a newer request is already queued) is
  dropped — except that, during a long continuous drag, a stale result is still shown at
  most every ``live_interval_s`` so the charts keep moving instead of freezing until the
  mouse is released.
* :meth:`BackgroundOps.run` — a one-off job with progress and cancel (spreadsheet import).

Jobs are plain callables; a job for ``run`` receives ``(progress, cancelled)`` where
``progress(fraction, message)`` may be called from the worker thread and ``cancelled()``
returns True once the user pressed Cancel.

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
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

Done = Callable[[Any], None]
Failed = Callable[[str], None]
Progress = Callable[[float, str], None]


def describe_exception(exc: BaseException) -> str:
    """One line for the user; the traceback goes to stderr for the developer."""
    traceback.print_exception(exc)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@dataclass
class _Job:
    ticket: int
    fn: Callable[..., Any]
    on_done: Done
    on_error: Failed
    channel: str = ""
    on_progress: Progress | None = None
    cancel: threading.Event = field(default_factory=threading.Event)


class _Bridge(QObject):
    """Carries results from worker threads to the GUI thread (queued connections)."""

    finished = Signal(int, bool, object)
    progressed = Signal(int, float, str)


class _Runnable(QRunnable):
    def __init__(self, job: _Job, bridge: _Bridge, with_progress: bool) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._job, self._bridge, self._with_progress = job, bridge, with_progress

    def run(self) -> None:
        job = self._job
        try:
            if self._with_progress:

                def progress(fraction: float, message: str = "") -> None:
                    self._bridge.progressed.emit(job.ticket, float(fraction), str(message))

                result = job.fn(progress, job.cancel.is_set)
            else:
                result = job.fn()
        except BaseException as exc:  # report every failure, the app keeps running
            self._bridge.finished.emit(job.ticket, False, describe_exception(exc))
            return
        self._bridge.finished.emit(job.ticket, True, result)


@dataclass
class _Channel:
    running: _Job | None = None
    pending: _Job | None = None
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
        self._jobs: dict[int, _Job] = {}
        self._next_ticket = 0
        self.live_interval_s = live_interval_s
        self.dropped = 0

    # --- public API ----------------------------------------------------------------------
    def submit_latest(
        self, channel: str, fn: Callable[[], Any], on_done: Done, on_error: Failed
    ) -> int:
        """Coalesced: compute ``fn`` unless a newer request for ``channel`` replaces it first."""
        job = self._new_job(fn, on_done, on_error, channel=channel)
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
        fn: Callable[[Progress, Callable[[], bool]], Any],
        on_done: Done,
        on_error: Failed,
        on_progress: Progress | None = None,
    ) -> Callable[[], None]:
        """One-off job with progress; returns a function that requests cancellation."""
        job = self._new_job(fn, on_done, on_error, on_progress=on_progress)
        self._jobs[job.ticket] = job
        self.busyChanged.emit(True)
        self._pool.start(_Runnable(job, self._bridge, with_progress=True))
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
    def _new_job(self, fn: Callable[..., Any], on_done: Done, on_error: Failed, **kw: Any) -> _Job:
        self._next_ticket += 1
        return _Job(self._next_ticket, fn, on_done, on_error, **kw)

    def _start(self, state: _Channel, job: _Job) -> None:
        state.running = job
        self._jobs[job.ticket] = job
        if len(self._jobs) == 1:
            self.busyChanged.emit(True)
        self._pool.start(_Runnable(job, self._bridge, with_progress=False))

    @Slot(int, float, str)
    def _on_progress(self, ticket: int, fraction: float, message: str) -> None:
        job = self._jobs.get(ticket)
        if job is not None and job.on_progress is not None:
            job.on_progress(fraction, message)

    @Slot(int, bool, object)
    def _on_finished(self, ticket: int, ok: bool, payload: object) -> None:
        job = self._jobs.pop(ticket, None)
        if job is None:
            return
        deliver = True
        if job.channel:
            state = self._channels[job.channel]
            state.running = None
            if state.pending is not None:
                nxt, state.pending = state.pending, None
                self._start(state, nxt)
                now = time.monotonic()
                deliver = ok and now - state.last_delivery >= self.live_interval_s
                if not deliver:
                    self.dropped += 1
            if deliver:
                state.last_delivery = time.monotonic()
        if not self._jobs:
            self.busyChanged.emit(False)
        if not deliver:
            return
        if ok:
            job.on_done(payload)
        else:
            job.on_error(str(payload))

"""The reading child's memory cap on Windows: a Job Object (Windows has no ``setrlimit``).

:func:`limit_current_process_memory` is called by the child of
:mod:`tokentco.io.isolation` on itself, first thing, before it reads anything: it creates
a Job Object whose ``JOB_OBJECT_LIMIT_PROCESS_MEMORY`` caps the committed memory of each
process in it, and assigns the current process (``GetCurrentProcess()``) to it. An
allocation beyond the cap then fails (Python: ``MemoryError``; native code usually aborts),
which the parent reports as one problem. Doing it in the child rather than from the parent
on the child's handle leaves no window in which the child runs uncapped, and works the
same for the ``python -c`` and the ``multiprocessing`` spawn child. Nested jobs (Windows 8
and later) let this work even when a CI runner or a terminal already put the process in a
job. ``JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION`` makes a crash end the child at once
instead of opening the Windows Error Reporting dialog (which would hang the read until its
time limit).

The structures are declared with fixed-width ctypes types (``SIZE_T``/``ULONG_PTR`` as
``c_size_t``, ``LARGE_INTEGER`` as ``c_int64``), so their layout can be checked on any
platform: on 64-bit, ``JOBOBJECT_BASIC_LIMIT_INFORMATION`` is 64 bytes,
``IO_COUNTERS`` 48, ``JOBOBJECT_EXTENDED_LIMIT_INFORMATION`` 144. The kernel32 calls are
only made on Windows. Not exercised on Windows in CI (the runners are Linux).
"""

import ctypes
import sys
from typing import Any

JOB_OBJECT_LIMIT_PROCESS_MEMORY = 0x00000100
JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION = 0x00000400
JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS = 9
"""``JobObjectExtendedLimitInformation`` in the ``JOBOBJECTINFOCLASS`` enumeration."""


class JOBOBJECT_BASIC_LIMIT_INFORMATION(ctypes.Structure):  # the Win32 names
    _fields_ = [
        ("PerProcessUserTimeLimit", ctypes.c_int64),  # LARGE_INTEGER
        ("PerJobUserTimeLimit", ctypes.c_int64),  # LARGE_INTEGER
        ("LimitFlags", ctypes.c_uint32),  # DWORD
        ("MinimumWorkingSetSize", ctypes.c_size_t),  # SIZE_T
        ("MaximumWorkingSetSize", ctypes.c_size_t),  # SIZE_T
        ("ActiveProcessLimit", ctypes.c_uint32),  # DWORD
        ("Affinity", ctypes.c_size_t),  # ULONG_PTR
        ("PriorityClass", ctypes.c_uint32),  # DWORD
        ("SchedulingClass", ctypes.c_uint32),  # DWORD
    ]


class IO_COUNTERS(ctypes.Structure):
    _fields_ = [
        ("ReadOperationCount", ctypes.c_uint64),  # ULONGLONG
        ("WriteOperationCount", ctypes.c_uint64),
        ("OtherOperationCount", ctypes.c_uint64),
        ("ReadTransferCount", ctypes.c_uint64),
        ("WriteTransferCount", ctypes.c_uint64),
        ("OtherTransferCount", ctypes.c_uint64),
    ]


class JOBOBJECT_EXTENDED_LIMIT_INFORMATION(ctypes.Structure):
    _fields_ = [
        ("BasicLimitInformation", JOBOBJECT_BASIC_LIMIT_INFORMATION),
        ("IoInfo", IO_COUNTERS),
        ("ProcessMemoryLimit", ctypes.c_size_t),  # SIZE_T
        ("JobMemoryLimit", ctypes.c_size_t),
        ("PeakProcessMemoryUsed", ctypes.c_size_t),
        ("PeakJobMemoryUsed", ctypes.c_size_t),
    ]


def memory_limit_information(limit_bytes: int) -> JOBOBJECT_EXTENDED_LIMIT_INFORMATION:
    """The limits :func:`limit_process_memory` sets: ``limit_bytes`` of committed memory per
    process, and die (no error dialog) on an unhandled exception."""
    info = JOBOBJECT_EXTENDED_LIMIT_INFORMATION()
    info.BasicLimitInformation.LimitFlags = (
        JOB_OBJECT_LIMIT_PROCESS_MEMORY | JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION
    )
    info.ProcessMemoryLimit = limit_bytes
    return info


_job_handles: list[int] = []
"""Jobs created here stay open for the life of the process (closing the last handle would
not lift the limits, but keeping it makes the intent plain)."""


def _kernel32() -> Any:
    """kernel32 with the signatures used here (64-bit-safe handles: ``c_void_p``)."""
    if sys.platform != "win32":
        raise OSError("Job Objects exist only on Windows")
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.CreateJobObjectW.argtypes = [ctypes.c_void_p, ctypes.c_wchar_p]
    kernel32.CreateJobObjectW.restype = ctypes.c_void_p
    kernel32.SetInformationJobObject.argtypes = [
        ctypes.c_void_p,
        ctypes.c_int,
        ctypes.c_void_p,
        ctypes.c_uint32,
    ]
    kernel32.SetInformationJobObject.restype = ctypes.c_int
    kernel32.AssignProcessToJobObject.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    kernel32.AssignProcessToJobObject.restype = ctypes.c_int
    kernel32.GetCurrentProcess.argtypes = []
    kernel32.GetCurrentProcess.restype = ctypes.c_void_p
    kernel32.CloseHandle.argtypes = [ctypes.c_void_p]
    kernel32.CloseHandle.restype = ctypes.c_int
    return kernel32


def _last_error(what: str) -> OSError:
    if sys.platform != "win32":
        return OSError(f"{what} failed")
    return OSError(f"{what} failed (Windows error {ctypes.get_last_error()})")


def limit_process_memory(process_handle: int, limit_bytes: int) -> int:
    """Put the process behind ``process_handle`` in a new Job Object capping each process's
    committed memory at ``limit_bytes``; returns the job's handle. Raises ``OSError``."""
    kernel32 = _kernel32()
    job = kernel32.CreateJobObjectW(None, None)
    if not job:
        raise _last_error("CreateJobObjectW")
    info = memory_limit_information(limit_bytes)
    if not kernel32.SetInformationJobObject(
        job,
        JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS,
        ctypes.byref(info),
        ctypes.sizeof(info),
    ):
        error = _last_error("SetInformationJobObject")
        kernel32.CloseHandle(job)
        raise error
    if not kernel32.AssignProcessToJobObject(job, process_handle):
        error = _last_error("AssignProcessToJobObject")
        kernel32.CloseHandle(job)
        raise error
    _job_handles.append(int(job))
    return int(job)


def limit_current_process_memory(limit_bytes: int) -> int:
    """:func:`limit_process_memory` for the calling process (the reading child)."""
    handle = int(_kernel32().GetCurrentProcess() or 0)
    if handle == 0:  # the pseudo-handle is -1; a 0 would mean the signature is wrong
        raise OSError("GetCurrentProcess returned no handle")
    return limit_process_memory(handle, limit_bytes)

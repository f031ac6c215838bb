"""Keep freed memory in a batch command's process for its next temporaries.

glibc's allocator gives a freed block back to the kernel when it was mapped on its own
(above the mmap threshold, which it raises as such blocks are freed) or when the top of
the heap grows past the trim threshold. A big ``tokentco estimate`` makes and frees
numpy temporaries of hundreds of kilobytes per chunk of cases; given back, each is
faulted in again a page at a time when the next one is made: about 30,000 page faults
(0.05–0.07 s of system time) per 20,000 rows, as much as the command's reading. Fixing
both thresholds high keeps freed memory for reuse until the process ends (the peak
resident size grows by ~10 MB). Linux with glibc only; elsewhere nothing changes.
"""

import sys

MMAP_THRESHOLD_BYTES = 32 << 20
"""glibc's largest mmap threshold on 64-bit systems (blocks above it stay mapped alone)."""
TRIM_THRESHOLD_BYTES = 1 << 30
TOP_PAD_BYTES = 64 << 20
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3  # glibc's malloc.h


def keep_freed_memory() -> bool:
    """Set the allocator's thresholds (see the module's note); whether they were set.
    Both thresholds are set together: setting either stops glibc raising the mmap
    threshold as blocks are freed, so the trim threshold alone would leave every block
    above 128 KB mapped and given back on its own (seven times the page faults)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own C library
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    settings = (
        (_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES),
        (_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES),
        (_M_TOP_PAD, TOP_PAD_BYTES),
    )
    return all([mallopt(option, value) == 1 for option, value in settings])

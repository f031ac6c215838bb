"""Everything Qt: main window, table models, knob panels, charts, workers, dialogs.

Importing this package first applies :func:`shield_none_refcount`, which every Qt entry
point of TokenTCO (the app, the report, the tests) therefore gets for free.
"""

import sys


def shield_none_refcount() -> None:
    """Work around PySide6 builds that drop a reference to ``None`` on void calls.

    PySide6 6.12 on CPython 3.11 returns ``None`` from every void method (``setToolTip``,
    ``processEvents`` …) without taking a reference; CPython 3.12+ made ``None`` immortal
    so the bug is invisible there, but on 3.11 ``None``'s count falls by one per call and
    the interpreter aborts ("none_dealloc: deallocating None") after a few seconds of
    slider dragging (the same was seen for ``True``/``False``). Give these singletons a
    count no session can exhaust, which is what 3.12 does by making them immortal.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import ctypes

    for singleton in (None, True, False):
        count = ctypes.c_ssize_t.from_address(id(singleton))
        if count.value < 1 << 40:
            count.value += 1 << 48


shield_none_refcount()

"""Everything Qt: main window, table models, knob panels, charts, workers, dialogs.

PySide6 is pinned below 6.12 in pyproject.toml: 6.12.0 drops a reference to ``None`` on
every void call under CPython 3.11 and aborts the interpreter after a few thousand paints
(tests/ui/test_core.py keeps a regression check).
"""

"""Application layer (Qt-free): the session — current project, edits as functions on the
immutable ``Project``, undo/redo history, autosave and recovery, the project lock and
recompute planning.

It sits above ``io`` and below ``ui`` so the GUI and the CLI share one implementation and
it is tested without a QApplication.
"""

"""The RFP scorecard workbook — kept importable here because the CLI, the GUI and the
self-test call ``tokentco.io.scorecard_xlsx.write_scorecard``; the sheets are written by
the package :mod:`tokentco.io.scorecard` (one module per sheet)."""

from tokentco.io.scorecard import SHEETS, build_workbook, put_text, safe_text, write_scorecard

__all__ = ["SHEETS", "build_workbook", "put_text", "safe_text", "write_scorecard"]

"""The printable comparison report, drawn with QPainter as vector graphics.

The content is the Qt-free ``tokentco.present.report_model.ReportModel`` (every sentence,
cell and citation already worded); this package only lays it out: ``page`` (flowing text and
tables that wrap and continue under repeated headers), ``charts``, ``sections`` (reading
order) and ``output`` (PDF, print preview, printing).

* ``write_report_pdf(project, comparison, path, catalogue=None, paper="auto") -> int``
* ``preview_report(project, comparison, parent=None, catalogue=None) -> QPrintPreviewDialog``
* ``print_report(project, comparison, parent=None, catalogue=None) -> bool``
* ``render_report(project, comparison, device, catalogue=None) -> int``
"""

from tokentco.ui.report.output import (
    ensure_app,
    preview_report,
    print_report,
    render_report,
    write_report_pdf,
)

__all__ = ["ensure_app", "preview_report", "print_report", "render_report", "write_report_pdf"]

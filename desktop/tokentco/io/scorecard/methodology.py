"""The Methodology sheet: formulas in words, caveats and sources (from ``present``), in
one column that prints within the page width; long text is split over several rows so no
row exceeds Excel's 409 pt."""

from datetime import UTC, datetime

from openpyxl.styles import Alignment, Font

import tokentco
from tokentco.io.scorecard.book import (
    SECTION_FONT,
    Book,
    fit_row,
    lines_needed,
    print_setup,
    provenance,
    put_text,
    safe_text,
    set_widths,
)
from tokentco.present.citations import option_citations
from tokentco.present.methodology import methodology

WIDTH = 110.0
"""Characters across the single text column (fits landscape A4 at the print scale)."""

ROW_LINES = 20
"""Lines per row at most: longer text continues on the next row."""


def _chunks(text: str) -> list[str]:
    """``text`` split at spaces into pieces of at most ``ROW_LINES`` wrapped lines."""
    limit = int(WIDTH * ROW_LINES)
    out: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind(" ", 0, limit)
        cut = cut if cut > limit // 2 else limit
        out.append(rest[:cut])
        rest = rest[cut:].lstrip()
    out.append(rest)
    return out


def write_methodology(book: Book) -> None:
    ws = book.wb.create_sheet("Methodology")
    p = book.project
    set_widths(ws, {"A": WIDTH})
    lines: list[tuple[str, str]] = [
        ("title", "Methodology, sources and caveats"),
        (
            "text",
            f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by TokenTCO "
            f"{tokentco.__version__} (throughput model {tokentco.MODEL_VERSION}).",
        ),
    ]
    for heading, paragraphs in methodology():
        lines.append(("head", heading))
        lines.extend(("text", paragraph) for paragraph in paragraphs)
    lines.append(("head", "Sources"))
    for r in book.results:
        lines.append(("bold", f"{book.label(r)} — throughput {provenance(r)}"))
        for what, cite in option_citations(r, book.catalogue):
            lines.append(("text", f"{what.capitalize()}: {cite.text()}"))
    if p.notes:
        lines.append(("head", "Project notes"))
        # split over rows below, so nothing is cut: each row stays under a cell's limit
        lines.append(("text", safe_text(p.notes, len(p.notes))))
    row = 1
    wrap = Alignment(wrap_text=True, vertical="top")
    for kind, text in lines:
        if kind == "head":
            row += 1
        for piece in _chunks(text):
            cell = put_text(ws, row, 1, piece)
            if kind == "title":
                cell.font = Font(bold=True, size=14)
            elif kind == "head":
                cell.font = SECTION_FONT
            else:
                cell.alignment = wrap
                cell.font = Font(bold=kind == "bold")
                fit_row(ws, row, lines_needed(piece, WIDTH))
            row += 1
    print_setup(ws, p, None)

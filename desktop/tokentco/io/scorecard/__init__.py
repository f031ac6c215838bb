"""The RFP scorecard workbook: live formulas a procurement committee can edit in Excel.

``write_scorecard(project, comparison, path)`` writes six sheets:

* **Summary** — ranking, winner, key figures, native bar charts, the sensitivity in words.
* **Scorecard** — criteria × options: raw values (formulas), weights, 0–100 scores
  (formulas over the values), weighted totals (formulas over the weights) and RANK.
* **Inputs** — every assumption per option (workload, latency targets, utilization,
  prices, power, PUE, precision, serving options, rubrics); the cells committee members
  edit, with named ranges and data validation.
* **Cost model** — $/GPU-hour build-up (rental, or annuity capex + energy + opex) and
  $/Mtok, tokens/MW, kWh/Mtok and fleet sizing, all formulas over Inputs.
* **Throughput** — operating point and frontier per option, every figure labelled
  measured (with source) or estimated (with the model version).
* **Plan** (when the project has a demand profile) — each option's base + burst capacity
  plan as live formulas over its prices, throughput, growth and erosion (see
  :mod:`tokentco.io.scorecard.plan_sheet`), with the hourly load on a hidden sheet.
* **Mix** (when the project has workload classes) — per-class $/Mtok and the blend as
  formulas over the class shares (:mod:`tokentco.io.scorecard.mix_sheet`).
* **Methodology** — formulas in words, sources, caveats, date and tool version.

The formulas mirror :mod:`tokentco.engine.economics` and :mod:`tokentco.engine.scoring`
cell for cell, so editing a utilization or a weight in Excel moves the ranking exactly as
the app would.  Throughput figures are engine outputs entered as inputs (Excel cannot run
the estimator); editing one is how a committee tests a vendor's claim.

Defined names (for the recalculation proof and for people writing their own formulas):
``In_<row>`` per-option input rows, ``Weights``, ``Weight_<criterion>``, ``SC_Values``,
``SC_Scores``, ``SC_Totals``, ``SC_Ranks``, ``CM_<row>`` cost-model rows.
"""

import io
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook

import tokentco
from tokentco.domain import Catalogue, Project
from tokentco.engine.results import Comparison
from tokentco.engine.scoring import Scorecard, score
from tokentco.io.project_file import atomic_write_bytes
from tokentco.io.scorecard.book import SHEETS, Book, header_text, put_text, safe_text
from tokentco.io.scorecard.cost_model import write_cost_model
from tokentco.io.scorecard.frontier import write_frontier
from tokentco.io.scorecard.inputs import write_inputs
from tokentco.io.scorecard.methodology import write_methodology
from tokentco.io.scorecard.mix_sheet import write_mix
from tokentco.io.scorecard.package import finish_package
from tokentco.io.scorecard.plan_sheet import write_plan
from tokentco.io.scorecard.scorecard_sheet import write_scorecard_sheet
from tokentco.io.scorecard.summary import write_summary
from tokentco.io.scorecard.throughput import write_throughput
from tokentco.present import sentences

__all__ = [
    "SHEETS",
    "build_workbook",
    "put_text",
    "safe_text",
    "workbook_bytes",
    "write_scorecard",
]


def build_workbook(
    project: Project,
    comparison: Comparison,
    catalogue: Catalogue | None = None,
    card: Scorecard | None = None,
) -> Workbook:
    """The scorecard workbook in memory (see the module docstring for the layout)."""
    if catalogue is None:
        from tokentco.io.bundled import bundled_catalogue

        catalogue = project.effective_catalogue(bundled_catalogue())
    card = card or score(project, comparison)
    book = Book(project, comparison, card, catalogue)
    summary = book.wb.active
    assert summary is not None
    summary.title = "Summary"
    write_inputs(book)
    write_cost_model(book)
    layout = write_scorecard_sheet(book)
    write_summary(book, layout)
    write_throughput(book)
    write_methodology(book)
    write_frontier(book)
    write_plan(book)  # after Cost model, when the project has a demand profile
    write_mix(book)  # after Plan or Cost model, when the project has workload classes
    wb = book.wb
    wb.move_sheet("Scorecard", offset=-(wb.sheetnames.index("Scorecard") - 1))
    wb.active = 0
    wb.calculation.fullCalcOnLoad = True
    props = wb.properties
    props.title = header_text(f"TokenTCO scorecard: {project.name}", 200).replace("&&", "&")
    props.subject = "AI inference infrastructure: cost per million delivered tokens"
    props.creator = f"TokenTCO {tokentco.__version__}"
    props.lastModifiedBy = props.creator
    labels = {oid: label.full for oid, label in book.labels.items()}
    props.description = safe_text(sentences.ranking(card, comparison, labels), 1000).strip()
    props.keywords = "TokenTCO, RFP, scorecard, $/Mtok, inference"
    props.category = "RFP scorecard"
    props.created = props.modified = datetime.now(UTC).replace(tzinfo=None)
    return wb


def write_scorecard(
    project: Project, comparison: Comparison, path: Path | str, catalogue: Catalogue | None = None
) -> Path:
    """Write the scorecard workbook to ``path`` atomically; returns the path.

    ``catalogue`` (offers, hardware) defaults to the bundled catalogue with the project's
    imported rows merged over it.
    """
    target = Path(path)
    atomic_write_bytes(target, workbook_bytes(project, comparison, catalogue))
    return target


def workbook_bytes(
    project: Project, comparison: Comparison, catalogue: Catalogue | None = None
) -> bytes:
    """The finished ``.xlsx`` file: every formula carries its computed value (see
    :mod:`tokentco.io.scorecard.package`)."""
    wb = build_workbook(project, comparison, catalogue)
    buffer = io.BytesIO()
    wb.save(buffer)
    return finish_package(buffer.getvalue(), wb)

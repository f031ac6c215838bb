"""Details panel: the selected option in plain words — what limits it and why, what its
throughput rests on (measured, anchored to which measurement, or estimated), how uncertain
it is (p10–p90 ranges, the chance the cheapest really is cheapest), which measurements were
considered and why each was or was not used, and which inputs were assumed."""

import html
import math
import re

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QResizeEvent,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from tokentco import MODEL_VERSION
from tokentco.domain import MeasuredPoint, Project
from tokentco.engine.results import AnchorCandidate, Comparison, OptionResult, Range
from tokentco.present import formats as fmt
from tokentco.present import names, sentences
from tokentco.present.report_tables import basis_text
from tokentco.ui import theme
from tokentco.ui.charts import fmt_money, fmt_number


def _row(label: str, value: str) -> str:
    return f"<tr><td class='k'>{html.escape(label)}</td><td class='v'>{value}</td></tr>"


MAX_ANCHORS = 6
"""Nearest measurements listed (nearest first); the count of the others is given."""


def _range(rng: Range | None, formatter: fmt.Formatter) -> str:
    """ " (p10–p90 a–b)", or "" when there is no range or it has no width (a figure
    measured at these conditions carries no model error)."""
    if rng is None or not rng.p10 < rng.p90:
        return ""
    return f" (p10–p90 {fmt.value_range(rng.p10, rng.p90, formatter)})"


def _anchor_item(a: AnchorCandidate) -> str:
    e = html.escape
    measured = fmt.tokens_per_s(a.measured_tokens_per_s_per_gpu, unit="tok/s/GPU")
    if a.used:
        head = f"<b>✓ used</b> — {measured}"
        if math.isfinite(a.factor):
            head += f", model there {fmt.tokens_per_s(a.model_tokens_per_s_per_gpu)} → ×"
            head += fmt.number(a.factor)
        if a.weight and a.weight < 1:
            head += f", weight {fmt.percent(a.weight)}"
    else:
        head = f"✗ not used: {e(a.why or 'not chosen')} — {measured}"
    differs = "; ".join(a.differences) if a.differences else "same conditions"
    if a.assumed_lengths:
        differs += "; lengths not stated, dataset mean used"
    return (
        f"<li>{head}<br>{e(a.source or a.point_id)}<br>"
        f"<span class='m'>differs: {e(differs)} · distance {fmt.number(a.distance)}</span></li>"
    )


def quote_text(quote: MeasuredPoint) -> str:
    """The analyst's quote and its conditions in one line ("90 tok/s/GPU at 1,024 in /
    1,024 out tokens, 20 tok/s/user, FP8, trtllm, MTP on · Vendor X RFP")."""
    terms = [fmt.tokens_per_s(quote.output_tokens_per_s_per_gpu, unit="tok/s/GPU")]
    if quote.isl_tokens and quote.osl_tokens:
        terms[0] += (
            f" at {fmt.integer(quote.isl_tokens)} in / {fmt.integer(quote.osl_tokens)} out tokens"
        )
    if quote.tokens_per_s_per_user:
        terms.append(fmt.tokens_per_s(quote.tokens_per_s_per_user, unit="tok/s/user"))
    if quote.scenario and quote.scenario != "quoted":
        terms.append(quote.scenario)
    if quote.ttft_ms:
        terms.append(f"TTFT {fmt.milliseconds(quote.ttft_ms)}")
    if quote.precision is not None:
        terms.append(quote.precision.value.upper())
    if quote.engine:
        terms.append(quote.engine)
    if quote.spec_decoding:
        terms.append("speculative decoding on")
    if quote.disaggregated:
        terms.append("disaggregated")
    return ", ".join(terms) + (f" · {quote.source}" if quote.source else "")


def trust_html(result: OptionResult, comparison: Comparison) -> str:
    """Basis, nearest measurements and assumed inputs of one option (HTML)."""
    e = html.escape
    u = result.uncertainty
    if result.point.provenance == "measured":
        head = f"<b>Basis: {e(sentences.basis(result))}.</b>"
    else:
        head = f"<b>Basis: {e(basis_text(result))}.</b> {e(sentences.basis(result))}"
    if u is not None and u.group and u.tokens_per_s_per_gpu.p10 < u.tokens_per_s_per_gpu.p90:
        head += f" Range from the out-of-sample errors of {e(u.group)} estimates."
    parts = [f"<p>{head}</p>"]
    if result.anchors:
        items = "".join(_anchor_item(a) for a in result.anchors[:MAX_ANCHORS])
        more = len(result.anchors) - MAX_ANCHORS
        tail = (
            f"<p class='m'>…and {more} further measurements, farther away.</p>" if more > 0 else ""
        )
        parts.append(
            "<p><b>Nearest measurements of this hardware and model</b></p>"
            f"<ul style='margin-top:0'>{items}</ul>{tail}"
        )
    else:
        parts.append(
            "<p class='m'>No measurement of this hardware and model: the figure is the "
            "model's alone. <b>Quoted throughput…</b> anchors it to a vendor's figure.</p>"
        )
    if result.assumptions:
        items = "".join(
            f"<li><b>{e(names.display(a.field))}</b>: {e(a.value)}"
            + (f"<br><span class='m'>set it: {e(a.how_to_set)}</span>" if a.how_to_set else "")
            + "</li>"
            for a in result.assumptions
        )
        parts.append(
            f"<p><b>† Assumed inputs</b> (not read from your data)</p>"
            f"<ul style='margin-top:0'>{items}</ul>"
        )
    return "".join(parts)


def _per_what(project: Project) -> str:
    """What the headline's $/Mtok counts: the token basis, and the blend when the project
    has a workload mix (the table's $/Mtok is then the mix's blend, not one workload's)."""
    basis = names.TOKEN_BASIS[project.workload.token_basis]
    classes = project.workload_classes
    if not classes:
        return basis
    return f"{basis}, blended over the workload mix ({len(classes)} classes by output share)"


UNKNOWN_OFFER = "unknown offer"
UNKNOWN_HARDWARE = "unknown hardware"
"""How the engine's reason starts when an option points at something not in the catalogue
(:func:`tokentco.engine.option_eval.unknown_result`)."""


def infeasible_advice(reason: str) -> str:
    """What to do about an option that cannot run, for the reason it cannot."""
    if reason.startswith(UNKNOWN_OFFER):
        return (
            "The option's offer is not in the catalogue: pick one of the catalogue's offers "
            "for it (Comparison ▸ Add option…, Catalogue tab) or import the price list it "
            "came from (File ▸ Import spreadsheets…)."
        )
    if reason.startswith(UNKNOWN_HARDWARE):
        return (
            "The option's hardware is not in the catalogue: pick hardware the catalogue has "
            "(Comparison ▸ Add option…, Catalogue tab) or import its specification "
            "(File ▸ Import spreadsheets…)."
        )
    return (
        "Relax the latency targets, choose a lower precision, allow more GPUs per "
        "replica (tensor/expert parallel) or turn on KV offload."
    )


def describe(result: OptionResult, comparison: Comparison, project: Project) -> str:
    """HTML for one option: headline, operating point, binding resource, fleet, caveats."""
    p = result.point
    e = html.escape
    muted = theme.html_colour(theme.muted_foreground())
    parts = [
        f"<style>td.k{{color:{muted};padding-right:10px;white-space:nowrap}}"
        f" td.v{{font-weight:600}} h2{{margin:0 0 2px 0}} p{{margin:4px 0}} .m{{color:{muted}}}"
        "</style>",
        f"<h2>{e(result.label or result.option_id)}</h2>",
        f"<p style='color:{muted}'>{e(result.accelerator_id)} · offer {e(result.offer_id)}</p>",
    ]
    if not p.feasible:
        parts.append(
            f"<p style='color:{theme.INCREASE}'><b>Cannot meet this workload.</b> {e(p.reason)}</p>"
            f"<p>{e(infeasible_advice(p.reason))}</p>"
        )
    else:
        cheapest = comparison.cheapest
        verdict = ""
        if cheapest is not None:
            if cheapest.option_id == result.option_id:
                verdict = "★ Cheapest option in this comparison."
            elif cheapest.usd_per_mtok > 0 and math.isfinite(result.usd_per_mtok):
                ratio = result.usd_per_mtok / cheapest.usd_per_mtok
                verdict = f"{ratio:.1f}× the cost of the cheapest ({e(cheapest.label)})."
        u = result.uncertainty
        spread = _range(u.usd_per_mtok if u is not None else None, fmt.usd_per_mtok)
        sure = ""
        if cheapest is not None and comparison.p_winner_cheapest is not None:
            sentence = sentences.cheapest_confidence(
                comparison, {cheapest.option_id: cheapest.label}
            )
            sure = f"</p><p><b>P(cheapest is cheapest):</b> {e(sentence)}"
        parts.append(
            f"<p style='font-size:15pt'><b>{fmt_money(result.usd_per_mtok)}</b> per million "
            f"{e(_per_what(project))}</p>"
            f"<p class='m'>{e(spread.strip())}</p><p>{verdict}{sure}</p>"
        )
        parts.append(f"<p><b>Limited by {e(p.binding.label)}.</b> {e(p.binding.explanation)}</p>")
        rows = [
            _row(
                "Throughput",
                f"{p.output_tokens_per_s_per_gpu:,.0f} output tok/s per GPU"
                + _range(u.tokens_per_s_per_gpu if u is not None else None, fmt.tokens_per_s),
            ),
            _row(
                "Per user",
                f"{fmt.tokens_per_s(p.tokens_per_s_per_user)} tok/s · "
                f"TTFT {fmt.milliseconds(p.ttft_ms)} · TPOT {fmt.milliseconds(p.tpot_ms)}",
            ),
            _row(
                "Operating point",
                f"batch {p.concurrency:,.0f} per replica, TP {p.tp} × EP {p.ep}, "
                f"{p.memory_used_gb_per_gpu:,.0f} GB/GPU used",
            ),
            _row(
                "GPU-hour",
                f"{fmt_money(result.cost.usd_per_gpu_hour)} ({e(result.cost.basis)}) "
                f"at {result.utilization:.0%} utilization",
            ),
            _row(
                "Energy",
                f"{fmt_number(result.tokens_per_s_per_mw)} tok/s per MW"
                + _range(u.tokens_per_s_per_mw if u is not None else None, fmt.number)
                + f" · {(result.kwh_per_mtok or 0):.3f} kWh/Mtok",
            ),
        ]
        if result.fleet is not None:
            f = result.fleet
            rows.append(
                _row(
                    "Fleet at demand",
                    f"{f.gpus:,} GPUs"
                    + _range(u.gpus if u is not None else None, fmt.integer)
                    + f" in {f.systems:,} systems · {f.megawatts:,.2f} MW · "
                    f"busy {f.utilization:.0%}",
                )
            )
            rows.append(
                _row(
                    "Money",
                    f"${fmt_number(f.annual_cost_usd)} per year"
                    + _range(u.annual_cost_usd if u is not None else None, fmt.money)
                    + " · "
                    f"${fmt_number(f.contract_value_usd)} over {f.term_years:g} years",
                )
            )
        parts.append("<table>" + "".join(rows) + "</table>")
    if result.warnings:
        items = "".join(f"<li>{e(w)}</li>" for w in result.warnings)
        parts.append(f"<p><b>Caveats</b></p><ul style='margin-top:0'>{items}</ul>")
    parts.append(trust_html(result, comparison))
    quote = next((o.quoted for o in project.options if o.id == result.option_id), None)
    if quote is not None:
        elsewhere = (quote.hardware_id, quote.model_id) != (result.accelerator_id, project.model_id)
        unused = (
            f" It was typed for {e(quote.model_id)} on {e(quote.hardware_id)}, so it is not "
            "used for this comparison."
            if elsewhere
            else ""
        )
        parts.append(
            f"<p><b>Your quote:</b> {e(quote_text(quote))}.{unused} Edit or remove it with "
            "<b>Quoted throughput…</b>.</p>"
        )
    if p.provenance == "estimated":
        parts.append(
            f"<p style='color:{muted}'>Throughput estimated by the TokenTCO model "
            f"{e(MODEL_VERSION)}; type a vendor's figure (<b>Quoted throughput…</b>) or "
            "import a measured result to anchor it.</p>"
        )
    return "".join(parts)


class DetailsPanel(QTextBrowser):
    """Read-only explanation of the selected option (keyboard-focusable for screen readers)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenExternalLinks(False)
        self.setAccessibleName("Details of the selected option")
        self.setMinimumWidth(280)
        self._html: str | None = None
        self.setHtml("<p>Computing…</p>")

    def setHtml(self, text: str) -> None:
        """Show ``text`` (unchanged text is left alone: no relayout, no repaint).

        Text whose markup is the shown text's, with other words or figures (a drag: a few
        figures change), is patched into the shown document (:func:`patch_document`):
        only the changed paragraphs and table cells are laid out and repainted again, not
        the whole document. The document, the pixels, the cursor and the scroll position
        (at the top) are those of loading the text afresh.

        A document taller than the panel is laid out with the scroll bar held on: with
        "as needed", Qt first lays the emptied document out without the bar, then the new
        one with it, at two widths — two or three layouts of the whole text, the
        dearest part of a refresh during a drag. The bar is "as needed" again as soon as
        the text fits (:meth:`_fit_scroll_bar`), so it shows exactly when it did before.
        """
        if text == self._html:
            return
        previous, self._html = self._html, text
        if previous is not None and patch_document(self.document(), previous, text):
            self.setTextCursor(QTextCursor(self.document()))
            self.verticalScrollBar().setValue(0)
            self.horizontalScrollBar().setValue(0)
            self._fit_scroll_bar()
            return
        if self.verticalScrollBar().isVisible():
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        super().setHtml(text)
        self._fit_scroll_bar()

    def _fit_scroll_bar(self) -> None:
        """The scroll bar back to "as needed" when the text fits the panel."""
        held = self.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOn
        if held and self.document().size().height() <= self.viewport().height():
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_scroll_bar()  # a taller panel may now hold the whole text

    def show_result(self, comparison: Comparison, project: Project, option_id: str) -> None:
        try:
            result = comparison.by_id(option_id)
        except StopIteration:
            if not comparison.options:
                self.setHtml(
                    "<p>No options yet: add hardware from the catalogue "
                    "(<b>Comparison ▸ Add option…</b>, Ctrl+K).</p>"
                )
                return
            result = comparison.options[0]
        self.setHtml(describe(result, comparison, project))

    def show_error(self, message: str) -> None:
        self.setHtml(
            f"<p style='color:{theme.INCREASE}'><b>The comparison could not be computed.</b></p>"
            f"<p>{html.escape(message)}</p><p>Your project is unchanged; undo the last edit "
            "(Ctrl+Z) or correct the value.</p>"
        )


_TAG = re.compile(r"""(<(?:[^>"']|"[^"]*"|'[^']*')*>)""")
"""A tag, a quoted attribute value holding ">" included (captured: splitting on it keeps
the tags, between the texts)."""


def _layout_of(text: str) -> tuple[list[str], list[tuple[bool, bool, bool]]]:
    """``text``'s tags (with their attributes) and, per text between two tags, whether it
    is blank and whether it starts and ends with a space: all that decides which
    fragments the text makes, and in which formats."""
    parts = _TAG.split(text)
    shape = [(not n.strip(), n[:1].isspace(), n[-1:].isspace()) for n in parts[0::2]]
    return parts[1::2], shape


_BLOCK_END = re.compile("[\u2029\ufdd0\ufdd1]")
"""What ends a block in a document's raw text: a paragraph, or a frame's (a table
cell's) beginning or end."""


def _block_texts(document: QTextDocument) -> list[str] | None:
    """The text of each block, from the document's raw text in one call (asking each
    block for its text is a call per block); None if they do not match up."""
    texts = _BLOCK_END.split(document.toRawText())
    return texts if len(texts) == document.blockCount() else None


def _fragments(block: QTextBlock) -> list[tuple[str, QTextCharFormat]]:
    out = []
    it = block.begin()
    while not it.atEnd():
        fragment = it.fragment()
        if fragment.isValid():
            out.append((fragment.text(), fragment.charFormat()))
        it += 1
    return out


def _same_format(a: QTextCharFormat, b: QTextCharFormat) -> bool:
    """Equal but for the index of the table or list they belong to (each document numbers
    its own)."""
    a, b = QTextCharFormat(a), QTextCharFormat(b)
    a.clearProperty(QTextFormat.Property.ObjectIndex)
    b.clearProperty(QTextFormat.Property.ObjectIndex)
    return a == b


def patch_document(document: QTextDocument, shown: str, text: str) -> bool:
    """Turn ``document``, loaded from the HTML ``shown``, into what loading ``text`` makes
    of it by rewriting only the blocks whose words differ; False (``document``
    untouched) when that cannot be done exactly.

    Only for the same markup (tags and attributes) whose texts between tags are blank,
    or start or end with a space, where the shown ones are (:func:`_layout_of`): each text
    then keeps its place and format, so both documents have the same blocks, tables and
    fragments, and a block whose words changed keeps its fragments and formats with new
    words (checked for each such block: fragment count and formats, else loaded afresh).
    """
    if _layout_of(shown) != _layout_of(text):
        return False
    fresh = QTextDocument()
    fresh.setDefaultFont(document.defaultFont())
    fresh.setDefaultStyleSheet(document.defaultStyleSheet())
    fresh.setHtml(text)
    if fresh.blockCount() != document.blockCount():
        return False
    shown_texts, new_texts = _block_texts(document), _block_texts(fresh)
    if shown_texts is None or new_texts is None:
        return False
    edits = []
    for number, (was, now) in enumerate(zip(shown_texts, new_texts, strict=True)):
        if was == now:
            continue
        old, new = document.findBlockByNumber(number), fresh.findBlockByNumber(number)
        before, after = _fragments(old), _fragments(new)
        if len(before) != len(after) or not all(
            _same_format(a[1], b[1]) for a, b in zip(before, after, strict=True)
        ):
            return False
        edits.append(
            (old, [(words, style) for (_, style), (words, _) in zip(before, after, strict=True)])
        )
    cursor = QTextCursor(document)
    cursor.beginEditBlock()
    for block, fragments in reversed(edits):  # later blocks first: earlier ones keep their place
        cursor.setPosition(block.position())
        cursor.setPosition(block.position() + block.length() - 1, QTextCursor.MoveMode.KeepAnchor)
        for words, style in fragments:
            cursor.insertText(words, style)
    cursor.endEditBlock()
    return True

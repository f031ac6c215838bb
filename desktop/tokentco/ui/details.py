"""Details panel: the selected option in plain words — what limits it and why, what its
throughput rests on (measured, anchored to which measurement, or estimated), how uncertain
it is (p10–p90 ranges, the chance the cheapest really is cheapest), which measurements were
considered and why each was or was not used, and which inputs were assumed."""

import bisect
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


def _layout_of(parts: list[str]) -> tuple[list[str], list[tuple[bool, bool, bool]]]:
    """The tags (with their attributes) of a text split into ``parts`` (by :data:`_TAG`)
    and, per text between two tags, whether it is blank and whether it starts and ends
    with a space: all that decides which fragments the text makes, and in which
    formats."""
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


Edit = tuple[int, int, list[tuple[str, QTextCharFormat]]]
"""A rewrite of a document: the characters from one position to another replaced by
these words in these formats."""


def patch_document(document: QTextDocument, shown: str, text: str) -> bool:
    """Turn ``document``, loaded from the HTML ``shown``, into what loading ``text`` makes
    of it by rewriting only the words that differ; False (``document`` untouched) when
    that cannot be done exactly.

    Only for the same markup (tags and attributes) whose texts between tags are blank,
    or start or end with a space, where the shown ones are (:func:`_layout_of`): each text
    then keeps its place and format, so both documents have the same blocks, tables and
    fragments. A text whose words alone changed is found in the shown document and
    rewritten in place (:func:`_word_edits`); anything else is compared block by block
    with the text loaded into a scratch document (:func:`_block_edits`).
    """
    old_parts, new_parts = _TAG.split(shown), _TAG.split(text)
    if _layout_of(old_parts) != _layout_of(new_parts):
        return False
    edits = _word_edits(document, old_parts, new_parts)
    if edits is None:
        edits = _block_edits(document, text)
    if edits is None:
        return False
    cursor = QTextCursor(document)
    cursor.beginEditBlock()
    for start, end, fragments in sorted(edits, key=lambda e: e[0], reverse=True):
        # later text first: earlier positions stay where they are
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        for words, style in fragments:
            cursor.insertText(words, style)
    cursor.endEditBlock()
    return True


def _block_edits(document: QTextDocument, text: str) -> list[Edit] | None:
    """The blocks whose words differ, rewritten with the fragments loading ``text`` gives
    (in a scratch document); None when a changed block's fragments or formats differ."""
    fresh = QTextDocument()
    fresh.setDefaultFont(document.defaultFont())
    fresh.setDefaultStyleSheet(document.defaultStyleSheet())
    fresh.setHtml(text)
    if fresh.blockCount() != document.blockCount():
        return None
    shown_texts, new_texts = _block_texts(document), _block_texts(fresh)
    if shown_texts is None or new_texts is None:
        return None
    edits: list[Edit] = []
    for number, (was, now) in enumerate(zip(shown_texts, new_texts, strict=True)):
        if was == now:
            continue
        old, new = document.findBlockByNumber(number), fresh.findBlockByNumber(number)
        before, after = _fragments(old), _fragments(new)
        if len(before) != len(after) or not all(
            _same_format(a[1], b[1]) for a, b in zip(before, after, strict=True)
        ):
            return None
        start = old.position()
        fragments = [(words, style) for (_, style), (words, _) in zip(before, after, strict=True)]
        edits.append((start, start + old.length() - 1, fragments))
    return edits


_SPACES = re.compile(r"[ \t\n\r\f]+")
_STARTS_BLOCK = re.compile(r"</?(?:p|h\d|li|ul|ol|table|tr|td|th|div)\b", re.IGNORECASE)
_NBSP = "\u00a0"


def _placed_texts(parts: list[str]) -> tuple[str, list[tuple[int, bool]]] | None:
    """The characters loading the HTML split into ``parts`` (texts and tags, as
    :data:`_TAG` splits it) puts into a document, block and frame ends left out and a
    no-break space read as a space, and per text where its characters start among them
    and whether its first space was dropped: entities decoded, runs of white space one
    space, a space dropped at the start of a block or after a space, a line break for
    ``<br>``, style sheets left out (a text in one starts at -1: it is not in the
    document). None for markup this does not follow (scripts, a document head,
    preformatted text)."""
    out: list[str] = []
    starts: list[tuple[int, bool]] = []
    length = 0
    in_style, at_start = False, True
    for i, part in enumerate(parts):
        if i % 2:
            tag = part.lower()
            if tag.startswith(("<script", "<head", "<pre", "<textarea", "<title")):
                return None
            if tag.startswith(("<style", "</style")):
                in_style = not tag.startswith("</")
            elif tag.startswith("<br"):
                out.append("\u2028")
                length += 1
                at_start = True
            elif _STARTS_BLOCK.match(part):
                at_start = True
            continue
        if in_style:
            starts.append((-1, False))
            continue
        words = _loaded_words(part)
        dropped = words.startswith(" ") and (at_start or (bool(out) and out[-1].endswith(" ")))
        starts.append((length, dropped))
        if dropped:
            words = words[1:]
        if words:
            at_start = False
            out.append(words)
            length += len(words)
    return "".join(out), starts


_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#x[0-9a-fA-F]+|#[0-9]+);")
"""The entities :func:`html.escape` writes, and numeric ones: decoded alike everywhere."""


def _loaded_words(part: str) -> str:
    """A text between tags as the document holds it, a no-break space read as a space
    (the checks first: most texts have nothing to decode or fold)."""
    words = html.unescape(part) if "&" in part else part
    if "  " in words or not words.isprintable():  # a tab, a line end …
        words = _SPACES.sub(" ", words)
    return words.replace(_NBSP, " ") if _NBSP in words else words


def _plain(words: str) -> str | None:
    """``words`` as they load (entities decoded) when nothing in them folds: no other
    entity, no white space but single spaces (one may lead or trail); else None."""
    if "&" in _ENTITY.sub("", words):
        return None
    loaded = html.unescape(words)
    core = loaded.strip(" ")
    if not core or " ".join(core.split()) != core:
        return None
    return loaded if loaded in (core, f" {core}", f"{core} ", f" {core} ") else None


def _word_edits(
    document: QTextDocument, old_parts: list[str], new_parts: list[str]
) -> list[Edit] | None:
    """The texts between tags that differ from the shown text's (both split into parts by
    :data:`_TAG`), rewritten where ``document`` holds them, without loading the new
    text: each changed text is found from where the shown text's characters fall
    (:func:`_placed_texts`, checked against the document's own characters, so a text
    is found only where it really is) and keeps its format
    (a text in a style sheet is not in the document: -1).
    None when that cannot be done exactly (then the blocks are compared: slower)."""
    changed = [
        (i, _plain(old_parts[i]), _plain(new_parts[i]))
        for i in range(0, len(old_parts), 2)
        if old_parts[i] != new_parts[i]
    ]
    if any(was is None or now is None for _, was, now in changed):
        return None
    placed = _placed_texts(old_parts)
    raw = document.toRawText()
    held = _BLOCK_END.sub("", raw)
    if placed is None or held.replace(_NBSP, " ") != placed[0]:
        return None
    starts = placed[1]
    # where each block end sits among the characters: a character's place in the
    # document is its place among them plus the block ends before it
    ends = [m.start() - n for n, m in enumerate(_BLOCK_END.finditer(raw))]
    edits: list[Edit] = []
    for i, was, now in changed:
        first, dropped = starts[i // 2]
        if was is None or now is None or first < 0:  # (None: for the type checker)
            return None
        if dropped:  # the same space goes in both: the texts before are alike
            was, now = was[1:], now[1:]
        there = held[first : first + len(was)]
        if there == was and (" " in was or " " not in now):
            words = now
        elif " " in was and there == was.replace(" ", _NBSP):  # white-space: nowrap
            words = now.replace(" ", _NBSP)
        else:
            return None
        last = first + len(was) - 1
        before = bisect.bisect_right(ends, first)
        if bisect.bisect_right(ends, last) != before:
            return None  # not within one block
        start = first + before
        style = _format_at(document, start)
        if style is None:
            return None
        edits.append((start, start + len(was), [(words, style)]))
    return edits


def _format_at(document: QTextDocument, position: int) -> QTextCharFormat | None:
    """The format of the character at ``position`` (read from its fragment: a cursor
    moved outside an edit lays the document out to find its place)."""
    block = document.findBlock(position)
    it = block.begin()
    while not it.atEnd():
        fragment = it.fragment()
        if fragment.position() <= position < fragment.position() + fragment.length():
            return fragment.charFormat()
        it += 1
    return None

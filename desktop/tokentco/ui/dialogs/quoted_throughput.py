"""Comparison ▸ Quoted throughput…: type a vendor's quoted (or your own measured) throughput
for one option, with the conditions it was measured under.

The quote becomes a measured point of the project attached to that option
(:func:`tokentco.engine.quoted.with_quoted`), so the engine anchors the option's curve to
it: at the quoted conditions the figure *is* the quote, labelled measured with the source
typed here, and every knob moves it from there. Conditions start from the comparison's
workload and the option's serving settings (a quote is usually given for the workload being
compared) and are shown, not hidden, so the analyst corrects what the vendor stated
differently. OK applies it as one undoable edit; "Remove quote" is another.

Reading the form is kept apart from the widgets (:func:`read_quote`) so the validation
messages are the same whether typed, pasted or tested.
"""

import html
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tokentco.domain import MeasuredPoint, Precision, Project
from tokentco.engine.quoted import quoted_point, with_quoted
from tokentco.ui import theme

DEFAULT_SOURCE = "quoted by the analyst"
"""The source a quote carries when the analyst names none (it still says who typed it)."""


class QuoteProblem(ValueError):
    """One field of the form that cannot be read; ``field`` names it, the text says what is
    expected."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class FieldSpec:
    """One numeric field: its label (also used in messages), whether it must be given, and
    whether it is a count (whole number) or a rate."""

    name: str
    label: str
    required: bool = False
    whole: bool = False


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("tokens_per_s_per_gpu", "Output tokens/s per GPU", required=True),
    FieldSpec("isl_tokens", "Input length (tokens)", whole=True),
    FieldSpec("osl_tokens", "Output length (tokens)", whole=True),
    FieldSpec("tokens_per_s_per_user", "Tokens/s per user"),
    FieldSpec("concurrency", "Concurrent requests", whole=True),
    FieldSpec("ttft_ms", "Time to first token (ms)"),
)
_SPECS = {f.name: f for f in FIELDS}


def _number(spec: FieldSpec, text: str) -> float | int | None:
    """The value typed for ``spec`` ("" → None); separators ("6,000", "6 000") accepted."""
    raw = text.strip().replace(",", "").replace("\u202f", "").replace(" ", "").replace("_", "")
    if not raw:
        if spec.required:
            raise QuoteProblem(
                spec.name, f"{spec.label}: enter the quoted figure (a number above 0)."
            )
        return None
    try:
        value = float(raw)
    except ValueError:
        kind = "a whole number" if spec.whole else "a number"
        raise QuoteProblem(
            spec.name, f"{spec.label}: “{text.strip()}” is not {kind}; expected {kind} above 0."
        ) from None
    if not math.isfinite(value) or value <= 0:
        raise QuoteProblem(spec.name, f"{spec.label}: must be above 0 (got {text.strip()}).")
    if spec.whole:
        if value != int(value):
            raise QuoteProblem(
                spec.name, f"{spec.label}: must be a whole number (got {text.strip()})."
            )
        return int(value)
    return value


def read_quote(
    project: Project,
    option_id: str,
    texts: Mapping[str, str],
    *,
    precision: Precision | None,
    engine: str,
    spec_decoding: bool,
    disaggregated: bool,
    source: str,
) -> MeasuredPoint:
    """The measured point the form describes, or :class:`QuoteProblem` for the first field
    that cannot be read (in form order)."""
    values = {spec.name: _number(spec, texts.get(spec.name, "")) for spec in FIELDS}
    rate = values["tokens_per_s_per_gpu"]
    assert rate is not None  # required
    point = quoted_point(
        project,
        option_id,
        float(rate),
        isl_tokens=_as_int(values["isl_tokens"]),
        osl_tokens=_as_int(values["osl_tokens"]),
        tokens_per_s_per_user=_as_float(values["tokens_per_s_per_user"]),
        concurrency=_as_int(values["concurrency"]),
        ttft_ms=_as_float(values["ttft_ms"]),
        precision=precision,
        engine=engine.strip(),
        source=" ".join(source.split()) or DEFAULT_SOURCE,
    )
    # the serving features the quote was measured with are conditions too: a quote taken
    # with MTP on must not be read as one without (anchoring compares them)
    return point.model_copy(update={"spec_decoding": spec_decoding, "disaggregated": disaggregated})


def _as_int(value: float | int | None) -> int | None:
    return None if value is None else int(value)


def _as_float(value: float | int | None) -> float | None:
    return None if value is None else float(value)


def _plain(value: float | int | None) -> str:
    """A number as the analyst would type it back (no separators, no trailing .0)."""
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) and value != int(value) else f"{int(value)}"


def _concurrency(scenario: str) -> str:
    """The concurrency :func:`quoted_point` keeps in a quote's scenario text ("64 concurrent
    requests"), for editing a quote again."""
    first = scenario.split(" ", 1)[0]
    return first if first.isdigit() and "concurrent" in scenario else ""


def initial_texts(project: Project, option_id: str) -> dict[str, str]:
    """What the form starts with: the option's quote when it has one, else the comparison's
    own workload (lengths and the tokens/s-per-user target)."""
    option = project.option(option_id)
    quote = option.quoted
    if quote is not None:
        return {
            "tokens_per_s_per_gpu": _plain(quote.output_tokens_per_s_per_gpu),
            "isl_tokens": _plain(quote.isl_tokens),
            "osl_tokens": _plain(quote.osl_tokens),
            "tokens_per_s_per_user": _plain(quote.tokens_per_s_per_user),
            "concurrency": _concurrency(quote.scenario),
            "ttft_ms": _plain(quote.ttft_ms),
        }
    w = project.workload
    return {
        "tokens_per_s_per_gpu": "",
        "isl_tokens": _plain(w.isl_tokens),
        "osl_tokens": _plain(w.osl_tokens),
        "tokens_per_s_per_user": _plain(w.min_tokens_per_s_per_user),
        "concurrency": "",
        "ttft_ms": "",
    }


_TIPS = {
    "tokens_per_s_per_gpu": "Output tokens per second per GPU, as quoted or measured",
    "isl_tokens": "Input (prompt) length the figure was measured with",
    "osl_tokens": "Output length the figure was measured with",
    "tokens_per_s_per_user": "Interactivity the figure was measured at (1 / time per output "
    "token); leave empty if only the concurrency is known",
    "concurrency": "Concurrent requests (batch) the figure was measured at, if stated",
    "ttft_ms": "Time to first token at that load, if stated",
}


class QuotedThroughputDialog(QDialog):
    """The quoted throughput of one option and the conditions it was measured under.

    ``apply(project, text)`` records an edit (the window passes the document's ``apply``,
    one undo step each); the dialog never keeps its own copy of the project.
    """

    def __init__(
        self,
        project: Project,
        option_id: str,
        apply: Callable[[Project, str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.project, self.option_id, self._apply = project, option_id, apply
        option = project.option(option_id)
        serving = project.serving_for(option)
        quote = option.quoted
        self.setWindowTitle(f"Quoted throughput — {option.display_name}")
        self.setAccessibleName("Quoted throughput")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Throughput of <b>{html.escape(option.display_name)}</b> on "
            f"{html.escape(project.model_id)} "
            "as a vendor quoted it or you measured it. It becomes a measured point that "
            "anchors this option: at these conditions the figure is the quote, and every "
            "setting moves it from there. Conditions start from this comparison's workload "
            "and the option's serving settings — change them to what the quote states."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        layout.addLayout(form)
        self.edits: dict[str, QLineEdit] = {}
        start = initial_texts(project, option_id)
        mnemonics = {
            "tokens_per_s_per_gpu": "&Tokens/s per GPU:",
            "isl_tokens": "&Input length (tokens):",
            "osl_tokens": "O&utput length (tokens):",
            "tokens_per_s_per_user": "Tokens/s per &user:",
            "concurrency": "Co&ncurrent requests:",
            "ttft_ms": "Time to &first token (ms):",
        }
        for spec in FIELDS:
            edit = QLineEdit(start[spec.name])
            edit.setObjectName(spec.name)
            edit.setToolTip(_TIPS[spec.name])
            edit.setAccessibleName(spec.label)
            if spec.name == "tokens_per_s_per_gpu":
                edit.setPlaceholderText("e.g. 6,000")
            elif not spec.required:
                edit.setPlaceholderText("not stated")
            edit.textChanged.connect(self._revalidate)
            self.edits[spec.name] = edit
            form.addRow(mnemonics[spec.name], edit)
        self.precision = QComboBox()
        self.precision.setAccessibleName("Precision")
        for p in Precision:
            self.precision.addItem(p.value.upper(), p.value)
        chosen = (quote.precision if quote is not None else None) or serving.weight_precision
        self.precision.setCurrentIndex(max(self.precision.findData(chosen.value), 0))
        form.addRow("&Precision:", self.precision)
        self.engine = QLineEdit(quote.engine if quote is not None else serving.engine_family)
        self.engine.setPlaceholderText("e.g. trtllm, vllm, sglang")
        self.engine.setAccessibleName("Serving engine")
        form.addRow("&Engine:", self.engine)
        self.spec_decoding = QCheckBox("Speculative decoding / MTP on")
        self.spec_decoding.setChecked(
            quote.spec_decoding if quote is not None else serving.speculative.enabled
        )
        self.disaggregated = QCheckBox("Disaggregated prefill/decode")
        self.disaggregated.setChecked(
            quote.disaggregated if quote is not None else serving.disaggregated
        )
        form.addRow("Measured &with:", self.spec_decoding)
        form.addRow("", self.disaggregated)
        self.source = QLineEdit(
            quote.source if quote is not None and quote.source != DEFAULT_SOURCE else ""
        )
        self.source.setPlaceholderText("e.g. Vendor X RFP answer, 30 Nov 2026")
        self.source.setAccessibleName("Source or notes")
        self.source.setToolTip("Where the figure comes from; shown with every figure it anchors")
        form.addRow("&Source / notes:", self.source)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {theme.INCREASE};")
        self.error.setAccessibleName("Problem with the quote")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.remove_button = QPushButton("&Remove quote")
        self.remove_button.setToolTip("Drop this option's quote (undoable)")
        self.remove_button.setEnabled(quote is not None)
        self.buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.remove_button.clicked.connect(self.remove)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.edits["tokens_per_s_per_gpu"].setFocus(Qt.FocusReason.OtherFocusReason)

    # --- reading ---------------------------------------------------------------------------
    def point(self) -> MeasuredPoint:
        """The quote as typed (raises :class:`QuoteProblem`)."""
        return read_quote(
            self.project,
            self.option_id,
            {name: edit.text() for name, edit in self.edits.items()},
            precision=Precision(self.precision.currentData()),
            engine=self.engine.text(),
            spec_decoding=self.spec_decoding.isChecked(),
            disaggregated=self.disaggregated.isChecked(),
            source=self.source.text(),
        )

    def _revalidate(self, *_: object) -> None:
        self._check(show_missing=False)

    def _check(self, show_missing: bool) -> MeasuredPoint | None:
        """Mark the field in trouble and say what is expected; None while it is not valid.

        While typing, an empty required field is not yet an error (``show_missing``)."""
        for edit in self.edits.values():
            edit.setStyleSheet("")
        try:
            point = self.point()
        except QuoteProblem as problem:
            empty = not self.edits[problem.field].text().strip()
            if empty and not show_missing and _SPECS[problem.field].required:
                self.error.setText("")
                return None
            self.error.setText(str(problem))
            self.edits[problem.field].setStyleSheet(
                f"background: {theme.html_colour(theme.error_background())};"
            )
            return None
        self.error.setText("")
        return point

    # --- actions ---------------------------------------------------------------------------
    def _accept(self) -> None:
        point = self._check(show_missing=True)
        if point is None:
            field = next(
                (n for n, e in self.edits.items() if e.styleSheet()), "tokens_per_s_per_gpu"
            )
            self.edits[field].setFocus()
            return
        name = self.project.option(self.option_id).display_name
        self._apply(
            with_quoted(self.project, self.option_id, point), f"Quoted throughput for {name}"
        )
        self.accept()

    def remove(self) -> None:
        """Drop the option's quote as one undoable edit."""
        name = self.project.option(self.option_id).display_name
        self._apply(with_quoted(self.project, self.option_id, None), f"Remove quote of {name}")
        self.accept()


__all__ = [
    "DEFAULT_SOURCE",
    "FIELDS",
    "QuoteProblem",
    "QuotedThroughputDialog",
    "initial_texts",
    "read_quote",
]

"""Asks what a benchmark result file does not say: the GPU, how many GPUs, the model.

A vLLM or SGLang result JSON often names neither the hardware nor the GPU count (they are
``--metadata`` the person running it may not have passed), and a per-GPU throughput is
meaningless without them, so the import never assumes them (the CLI's ``--hardware``,
``--gpus``, ``--model``, ``--precision``). The workbench asks here instead, proposing the
selected option's GPU and the project's model; OK re-runs the import with the answers as
:class:`~tokentco.io.bench_formats.BenchDefaults` (which only fill gaps, and each use is
noted in the imported row's provenance).
"""

import html
from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tokentco.domain import Catalogue, Precision
from tokentco.io.bench_formats import BenchDefaults
from tokentco.ui.controllers.import_steps import BenchGap

_WHAT = {
    "hardware": "which GPU ran it",
    "num_gpus": "how many GPUs served it",
    "model": "which model it served",
}
MAX_GPUS = 100_000


def _said(missing: Sequence[str]) -> str:
    """ "which GPU ran it, how many GPUs served it or which model it served"."""
    parts = [_WHAT[n] for n in missing]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} or {parts[-1]}"


class BenchDefaultsDialog(QDialog):
    """One form for every benchmark file of an import that leaves something unsaid; only
    the missing questions are asked (precision is always optional)."""

    def __init__(
        self,
        gaps: Sequence[BenchGap],
        catalogue: Catalogue,
        *,
        hardware: str | None = None,
        num_gpus: int | None = None,
        model: str | None = None,
        precision: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Benchmark results: what ran them?")
        self.missing = {name for gap in gaps for name in gap.missing}
        lines = [
            f"<b>{html.escape(gap.file)}</b> does not say {_said(gap.missing)}." for gap in gaps
        ]
        intro = QLabel(
            "<br>".join(lines) + "<br>Say what ran these benchmarks so their throughput can be "
            "imported as measured per-GPU figures (the rows' notes will say it was stated here)."
        )
        intro.setWordWrap(True)
        form = QFormLayout()

        self.hardware = QComboBox()
        self.hardware.setAccessibleName("GPU that ran the benchmark")
        accelerators = sorted(catalogue.accelerators.values(), key=lambda a: a.name or a.id)
        for acc in accelerators:
            self.hardware.addItem(f"{acc.name or acc.id} — {acc.id}", acc.id)
        self.hardware.setCurrentIndex(max(0, self.hardware.findData(hardware)))
        self.num_gpus = QSpinBox()
        self.num_gpus.setAccessibleName("Number of GPUs that served the run")
        self.num_gpus.setRange(1, MAX_GPUS)
        self.num_gpus.setValue(max(1, min(MAX_GPUS, num_gpus or 8)))
        self.num_gpus.setSuffix(" GPUs")
        self.model = QComboBox()
        self.model.setAccessibleName("Model served")
        for mod in sorted(catalogue.models.values(), key=lambda m: m.name or m.id):
            self.model.addItem(f"{mod.name or mod.id} — {mod.id}", mod.id)
        self.model.setCurrentIndex(max(0, self.model.findData(model)))
        self.precision = QComboBox()
        self.precision.setAccessibleName("Precision of the run")
        self.precision.addItem("not stated", None)
        for p in Precision:
            self.precision.addItem(p.value.upper(), p.value)
        self.precision.setCurrentIndex(max(0, self.precision.findData(precision)))

        if "hardware" in self.missing:
            form.addRow("&GPU:", self.hardware)
        if "num_gpus" in self.missing:
            form.addRow("GPUs that served the &run:", self.num_gpus)
        if "model" in self.missing:
            form.addRow("&Model:", self.model)
        form.addRow("&Precision (optional):", self.precision)
        for widget, name in ((self.hardware, "hardware"), (self.num_gpus, "num_gpus")):
            widget.setVisible(name in self.missing)
        self.model.setVisible("model" in self.missing)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Import with these")
        ok.setEnabled(
            ("hardware" not in self.missing or self.hardware.count() > 0)
            and ("model" not in self.missing or self.model.count() > 0)
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(560, 280)

    def defaults(self, base: BenchDefaults | None = None) -> BenchDefaults:
        """The answers as benchmark defaults (on top of ``base``; unasked fields kept)."""
        base = base or BenchDefaults()
        precision = self.precision.currentData()
        return BenchDefaults(
            hardware=self.hardware.currentData() if "hardware" in self.missing else base.hardware,
            num_gpus=self.num_gpus.value() if "num_gpus" in self.missing else base.num_gpus,
            model=self.model.currentData() if "model" in self.missing else base.model,
            precision=precision or base.precision,
            engine=base.engine,
        )


__all__ = ["BenchDefaultsDialog"]

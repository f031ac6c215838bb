"""The knobs panel: comparison, workload, serving, pricing and demand settings.

Every control is declared once in :meth:`KnobPanel._knob_table` as a (widget, field path)
pair and bound by :class:`~tokentco.ui.binding.Binder`; the few controls that are not a
single field (options list, pricing model, demand basis) have small handlers here.
Labels carry mnemonics (Alt+letter) with buddies, and the tab order follows the layout.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from tokentco.app.edits import options_with_own_serving
from tokentco.app.fieldpath import FieldError
from tokentco.domain import (
    ComparisonOption,
    Demand,
    Offer,
    OwnedCost,
    Precision,
    PricingModel,
    Project,
    TokenBasis,
)
from tokentco.ui.binding import Binder, Knob
from tokentco.ui.document import ProjectDocument
from tokentco.ui.theme import option_colour
from tokentco.ui.widgets import SliderField, float_spin, int_spin

PRICING_LABELS = {
    PricingModel.ON_DEMAND: "On-demand",
    PricingModel.SPOT: "Spot",
    PricingModel.RESERVED_1Y: "Reserved 1 year",
    PricingModel.RESERVED_3Y: "Reserved 3 years",
    PricingModel.CAPACITY_BLOCK: "Capacity block",
    PricingModel.OWNER_COST: "Owner cost (quoted)",
    PricingModel.OWNED: "Owned (capex + power + opex)",
}
DEFAULT_CAPEX_PER_GPU = 35_000.0
"""Starting capex for a newly owned option when the catalogue has no list price (edit it)."""


def swatch(index: int, measured: bool = True) -> QIcon:
    pix = QPixmap(14, 14)
    pix.fill(option_colour(index))
    return QIcon(pix)


class KnobPanel(QScrollArea):
    """Left-hand settings panel, bound to a :class:`ProjectDocument`."""

    message = Signal(str)
    addRequested = Signal()

    def __init__(self, doc: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self.setWidget(body)
        self._col = QVBoxLayout(body)
        self._col.setContentsMargins(8, 8, 8, 8)
        self._col.setSpacing(10)
        self._build_comparison()
        self._build_workload()
        self._build_serving()
        self._build_pricing()
        self._build_demand()
        self._col.addStretch(1)
        for combo in body.findChildren(QComboBox):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(8)
        self.setMinimumWidth(
            body.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width() + 4
        )

        self.binder = Binder(doc, self.serving_scope, self)
        self.binder.error.connect(self.message)
        self.binder.bind(self._knob_table())
        doc.projectChanged.connect(self._project_changed)
        doc.selectionChanged.connect(self._selection_changed)
        self._project_changed(doc.project)
        self._selection_changed(doc.selected_option_id)

    # --- declarative table ------------------------------------------------------------------
    def _knob_table(self) -> list[Knob]:
        """Every single-field control and the model field it edits."""
        return [
            Knob(self.model, "model_id", text="Change model"),
            Knob(self.token_basis, "workload.token_basis", text="Change token basis"),
            Knob(self.isl, "workload.isl_tokens", text="Set input length"),
            Knob(self.osl, "workload.osl_tokens", text="Set output length"),
            Knob(
                self.prefix_hit, "workload.prefix_hit_rate", scale=100, text="Set prefix hit rate"
            ),
            Knob(self.max_ttft, "workload.max_ttft_ms", optional=True, text="Set TTFT target"),
            Knob(
                self.min_speed,
                "workload.min_tokens_per_s_per_user",
                optional=True,
                text="Set interactivity target",
            ),
            Knob(self.utilization, "serving.utilization", scale=100, text="Set utilization"),
            Knob(self.weights, "serving.weight_precision", text="Set weight precision"),
            Knob(self.compute, "serving.compute_precision", text="Set compute precision"),
            Knob(self.kv, "serving.kv_precision", text="Set KV precision"),
            Knob(self.tp, "serving.tp", optional=True, text="Set tensor parallelism"),
            Knob(self.ep, "serving.ep", optional=True, text="Set expert parallelism"),
            Knob(self.concurrency, "serving.max_concurrency", text="Set concurrency cap"),
            Knob(self.spec_on, "serving.speculative.enabled", text="Toggle speculative decoding"),
            Knob(self.spec_k, "serving.speculative.draft_tokens", text="Set draft length"),
            Knob(
                self.spec_alpha,
                "serving.speculative.acceptance_rate",
                scale=100,
                text="Set acceptance rate",
            ),
            Knob(self.disagg, "serving.disaggregated", text="Toggle disaggregated serving"),
            Knob(self.routing, "serving.kv_aware_routing", text="Toggle KV-aware routing"),
            Knob(self.offload, "serving.kv_offload.enabled", text="Toggle KV offload"),
            Knob(
                self.offload_gb,
                "serving.kv_offload.capacity_gb_per_gpu",
                text="Set offload capacity",
            ),
            Knob(self.price, "offer.price_per_gpu_hour", text="Set price"),
            Knob(self.capex, "offer.owned.capex_per_gpu", text="Set capex"),
            Knob(self.life, "offer.owned.depreciation_years", text="Set depreciation life"),
            Knob(self.wacc, "offer.owned.cost_of_capital", scale=100, text="Set cost of capital"),
            Knob(self.power_price, "offer.owned.usd_per_kwh", text="Set power price"),
            Knob(self.pue, "offer.owned.pue", text="Set PUE"),
            Knob(self.opex, "offer.owned.opex_per_gpu_year", text="Set opex"),
            Knob(self.it_watts, "offer.owned.it_watts_per_gpu", optional=True, text="Set IT power"),
            Knob(self.tokens_day, "demand.tokens_per_day", scale=1e-9, text="Set demand"),
            Knob(self.peak_rps, "demand.peak_requests_per_s", text="Set demand"),
            Knob(self.peak_ratio, "demand.peak_to_average", text="Set peak-to-average"),
            Knob(self.term, "demand.term_years", text="Set contract term"),
        ]

    # --- layout helpers --------------------------------------------------------------------
    def _group(self, title: str) -> QFormLayout:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(6)
        self._col.addWidget(box)
        self._last_group = box
        return form

    @staticmethod
    def _row(form: QFormLayout, label: str, widget: QWidget, help_text: str = "") -> QLabel:
        lab = QLabel(label)
        lab.setBuddy(widget)
        if help_text:
            widget.setToolTip(help_text)
            widget.setProperty("helpText", help_text)
            widget.setWhatsThis(help_text)
            lab.setToolTip(help_text)
        widget.setAccessibleName(label.replace("&", ""))
        form.addRow(lab, widget)
        return lab

    @staticmethod
    def _precision_combo() -> QComboBox:
        box = QComboBox()
        for p in (Precision.FP16, Precision.FP8, Precision.FP4, Precision.INT8):
            box.addItem("FP16 / BF16" if p is Precision.FP16 else p.value.upper(), p)
        return box

    # --- groups ----------------------------------------------------------------------------
    def _build_comparison(self) -> None:
        form = self._group("Comparison")
        self.model = QComboBox()
        self.model.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.model.setMinimumContentsLength(16)
        self._row(form, "&Model:", self.model, "The model every option serves.")
        self.token_basis = QComboBox()
        self.token_basis.addItem("Output tokens", TokenBasis.OUTPUT)
        self.token_basis.addItem("Input + output tokens", TokenBasis.TOTAL)
        self.token_basis.addItem("Blended (API-style)", TokenBasis.BLENDED)
        self._row(form, "Token &basis:", self.token_basis, "Which tokens $/Mtok counts.")
        self.options = QListWidget()
        self.options.setMinimumHeight(110)
        self.options.setMaximumHeight(170)
        self.options.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.options.currentItemChanged.connect(self._option_clicked)
        self._row(
            form,
            "&Options:",
            self.options,
            "Options under comparison; the selected one drives the waterfall, tornado, "
            "details and per-option settings.",
        )
        self.label_edit = QLineEdit()
        self.label_edit.setPlaceholderText("label shown in charts")
        self.label_edit.editingFinished.connect(self._rename)
        self._row(form, "&Label:", self.label_edit)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add…")
        self.add_button.setToolTip("Pick hardware and an offer in the catalogue (Ctrl+K)")
        self.add_button.clicked.connect(self.addRequested)
        self.duplicate_button = QPushButton("Du&plicate")
        self.duplicate_button.clicked.connect(self._duplicate)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.clicked.connect(self._remove)
        for b in (self.add_button, self.duplicate_button, self.remove_button):
            buttons.addWidget(b)
        form.addRow(buttons)

    def _build_workload(self) -> None:
        form = self._group("Workload")
        self.isl = int_spin(1, 10_000_000, " tokens", step=256)
        self._row(form, "&Input length:", self.isl, "Prompt length per request (ISL).")
        self.osl = int_spin(1, 1_000_000, " tokens", step=256)
        self._row(form, "Output le&ngth:", self.osl, "Generated tokens per request (OSL).")
        self.prefix_hit = SliderField(0, 95, " %", step=5)
        self._row(
            form,
            "Prefi&x cache hits:",
            self.prefix_hit,
            "Share of input tokens already in the prefix cache (no prefill needed).",
        )
        self.max_ttft = float_spin(0, 600_000, 0, " ms", special="No target", step=100)
        self._row(form, "Max &TTFT:", self.max_ttft, "Latency target: time to first token.")
        self.min_speed = float_spin(0, 10_000, 0, " tok/s", special="No target", step=5)
        self._row(
            form,
            "Min &speed per user:",
            self.min_speed,
            "Interactivity target: output tokens per second each user sees.",
        )

    def _build_serving(self) -> None:
        form = self._group("Serving")
        self.serving_box = self._last_group
        scope_row = QHBoxLayout()
        self.scope = QComboBox()
        self.scope.addItem("All options", "")
        self.scope.addItem("Selected option only", "option")
        self.scope.currentIndexChanged.connect(self._scope_changed)
        self.reset_scope = QPushButton("Use glo&bal")
        self.reset_scope.setToolTip("Drop this option's own serving settings")
        self.reset_scope.clicked.connect(self._reset_scope)
        scope_row.addWidget(self.scope, 1)
        scope_row.addWidget(self.reset_scope)
        holder = QWidget()
        holder.setLayout(scope_row)
        scope_row.setContentsMargins(0, 0, 0, 0)
        lab = self._row(
            form, "Appl&y to:", holder, "Edit settings for every option or only the selected one."
        )
        lab.setBuddy(self.scope)
        own_row = QHBoxLayout()
        own_row.setContentsMargins(0, 0, 0, 0)
        self.own_note = QLabel("")
        self.own_note.setWordWrap(True)
        self.drop_own = QPushButton("Use project settings for all")
        self.drop_own.setToolTip(
            "Drop every option's own serving settings (⚙) so all options are compared alike"
        )
        self.drop_own.clicked.connect(self.doc.use_project_serving_for_all)
        own_row.addWidget(self.own_note, 1)
        own_row.addWidget(self.drop_own)
        self.own_holder = QWidget()
        self.own_holder.setLayout(own_row)
        form.addRow(self.own_holder)
        self.utilization = SliderField(5, 100, " %", step=5)
        self._row(
            form,
            "&Utilization:",
            self.utilization,
            "Share of paid hours doing useful work; 40 % multiplies $/Mtok by 2.5.",
        )
        self.weights = self._precision_combo()
        self._row(form, "&Weights:", self.weights, "Weight precision (memory and bandwidth).")
        self.compute = self._precision_combo()
        self._row(form, "Co&mpute:", self.compute, "Tensor-core precision.")
        self.kv = self._precision_combo()
        self._row(form, "&KV cache:", self.kv, "KV-cache precision.")
        self.tp = int_spin(0, 1024, special="Auto")
        self._row(form, "&Tensor parallel:", self.tp, "TP degree; Auto searches legal layouts.")
        self.ep = int_spin(0, 1024, special="Auto")
        self._row(form, "E&xpert parallel:", self.ep, "EP degree for MoE models; Auto searches.")
        self.concurrency = int_spin(1, 65536, " seq", step=16)
        self._row(
            form,
            "Concurrency ca&p:",
            self.concurrency,
            "Most sequences decoded together per replica.",
        )
        self.spec_on = QCheckBox("&Speculative decoding / MTP")
        form.addRow(self.spec_on)
        self.spec_k = int_spin(1, 16, " tokens")
        self._row(form, "D&raft length:", self.spec_k, "Tokens drafted per verify step (k).")
        self.spec_alpha = SliderField(0, 99, " %")
        self._row(
            form, "&Acceptance rate:", self.spec_alpha, "Share of drafted tokens accepted (α)."
        )
        self.disagg = QCheckBox("D&isaggregated prefill / decode")
        form.addRow(self.disagg)
        self.routing = QCheckBox("KV-aware routin&g")
        form.addRow(self.routing)
        self.offload = QCheckBox("KV-cache off&load to host memory")
        form.addRow(self.offload)
        self.offload_gb = float_spin(1, 100_000, 0, " GB/GPU", step=64)
        self._row(form, "&Offload capacity:", self.offload_gb, "Host-memory KV tier per GPU.")

    def _build_pricing(self) -> None:
        form = self._group("Pricing of the selected option")
        self.pricing_box = self._last_group
        self.pricing_model = QComboBox()
        for model, text in PRICING_LABELS.items():
            self.pricing_model.addItem(text, model)
        self.pricing_model.activated.connect(self._pricing_model_chosen)
        self._row(
            form,
            "Pricing &model:",
            self.pricing_model,
            "Rent (on-demand, reserved, spot) or own (capex + power + opex).",
        )
        self.offer = QComboBox()
        self.offer.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.offer.setMinimumContentsLength(16)
        self.offer.activated.connect(self._offer_chosen)
        self._row(form, "&Offer:", self.offer, "Catalogue offers for this hardware.")
        self.price = float_spin(0.01, 1000, 2, " /GPU-h", step=0.05)
        self._row(form, "&Price:", self.price, "Rental price per GPU-hour in the offer's currency.")
        self.capex = float_spin(1, 10_000_000, 0, prefix="$ ", step=1000)
        self._row(
            form, "Capex per &GPU:", self.capex, "Purchase price per GPU incl. its server share."
        )
        self.life = float_spin(0.5, 15, 1, " years", step=0.5)
        self._row(form, "Depreciation &life:", self.life)
        self.wacc = float_spin(0, 50, 1, " %", step=0.5)
        self._row(form, "Cost of c&apital:", self.wacc, "Annual cost of capital (annuity).")
        self.power_price = float_spin(0, 2, 3, " $/kWh", step=0.01)
        self._row(form, "Po&wer price:", self.power_price)
        self.pue = float_spin(1, 3, 2, step=0.05)
        self._row(form, "P&UE:", self.pue, "Facility power / IT power.")
        self.opex = float_spin(0, 1_000_000, 0, " $/GPU/yr", step=500)
        self._row(form, "Ope&x:", self.opex, "Maintenance, space, staff per GPU per year.")
        self.it_watts = float_spin(0, 20_000, 0, " W/GPU", special="From system", step=50)
        self._row(
            form,
            "&IT power:",
            self.it_watts,
            "All-in IT watts per GPU; 'From system' uses the system or 1.5 × TDP.",
        )

    def _build_demand(self) -> None:
        form = self._group("Demand to serve")
        self.demand_box = self._last_group
        self.demand_basis = QComboBox()
        self.demand_basis.addItem("Tokens per day", "tokens")
        self.demand_basis.addItem("Peak requests per second", "rps")
        self.demand_basis.activated.connect(self._demand_basis_chosen)
        self._row(form, "Demand &as:", self.demand_basis)
        self.tokens_day = float_spin(0.001, 1_000_000, 3, " B tok/day", step=1)
        self.tokens_label = self._row(
            form, "Output &tokens:", self.tokens_day, "Output tokens per day, in billions."
        )
        self.peak_rps = float_spin(0.001, 10_000_000, 2, " req/s", step=10)
        self.rps_label = self._row(form, "Peak re&quests:", self.peak_rps)
        self.peak_ratio = float_spin(1, 20, 1, " ×", step=0.5)
        self._row(form, "Peak-to-avera&ge:", self.peak_ratio, "Fleet is sized for the peak.")
        self.term = float_spin(0.25, 15, 2, " years", step=0.5)
        self._row(form, "Contract ter&m:", self.term)

    # --- scope ----------------------------------------------------------------------------
    def serving_scope(self) -> str:
        """Option id whose own serving settings the serving knobs edit ("" = global)."""
        if self.scope.currentData() == "option":
            return self.doc.selected_option_id
        return ""

    def _scope_changed(self, *_: object) -> None:
        self.binder.refresh()

    def _reset_scope(self) -> None:
        option_id = self.doc.selected_option_id
        if option_id:
            self.doc.use_global_serving(option_id)
        self.scope.setCurrentIndex(0)

    # --- refresh from the model -------------------------------------------------------------
    def _project_changed(self, project: Project) -> None:
        self._fill_models(project)
        self._fill_options(project)
        self._show_own_serving(project)
        self._refresh_option_widgets()
        self.binder.refresh()

    def _selection_changed(self, option_id: str) -> None:
        project = self.doc.project
        for row in range(self.options.count()):
            item = self.options.item(row)
            if (
                item.data(Qt.ItemDataRole.UserRole) == option_id
                and self.options.currentRow() != row
            ):
                self.options.blockSignals(True)
                self.options.setCurrentRow(row)
                self.options.blockSignals(False)
        own = bool(option_id) and project.option(option_id).serving is not None
        self.scope.blockSignals(True)
        self.scope.setCurrentIndex(1 if own else 0)
        self.scope.blockSignals(False)
        self._refresh_option_widgets()
        self.binder.refresh()

    def _fill_models(self, project: Project) -> None:
        models = self.doc.catalogue.models
        if self.model.count() != len(models) or self.model.property("ids") != list(models):
            self.model.blockSignals(True)
            self.model.clear()
            for model_id, spec in sorted(
                models.items(), key=lambda kv: (kv[1].name or kv[0]).lower()
            ):
                self.model.addItem(spec.name or model_id, model_id)
            self.model.setProperty("ids", list(models))
            self.model.blockSignals(False)

    def _show_own_serving(self, project: Project) -> None:
        """Say which options keep their own serving settings ("All options" edits reach
        them too, but their other own settings still differ from the project's)."""
        own = [project.option(i).display_name for i in options_with_own_serving(project)]
        self.own_holder.setVisible(bool(own))
        if own:
            self.own_note.setText(
                "⚙ 1 option keeps its own settings"
                if len(own) == 1
                else f"⚙ {len(own)} options keep their own settings"
            )
            self.own_note.setToolTip("Own serving settings: " + ", ".join(own))

    def _fill_options(self, project: Project) -> None:
        current = self.doc.selected_option_id
        key = (
            current,
            tuple(
                (o.id, o.display_name, o.accelerator_id, o.offer_id, o.serving is not None)
                for o in project.options
            ),
        )
        if key == getattr(self, "_options_key", None):
            return  # the same list (a utilization drag): no refill, no repaint
        self._options_key = key
        self.options.blockSignals(True)
        self.options.clear()
        for index, option in enumerate(project.options):
            item = QListWidgetItem(swatch(index), option.display_name)
            item.setData(Qt.ItemDataRole.UserRole, option.id)
            tip = f"{option.accelerator_id} · offer {option.offer_id}"
            if option.serving is not None:
                item.setText(f"⚙ {option.display_name}")  # in front: long labels are cut
                tip += "\nKeeps its own serving settings (Use project settings for all drops them)"
            item.setToolTip(tip)
            self.options.addItem(item)
            if option.id == current:
                self.options.setCurrentItem(item)
        self.options.blockSignals(False)

    def _refresh_option_widgets(self) -> None:
        project = self.doc.project
        option_id = self.doc.selected_option_id
        has = bool(option_id)
        for widget in (
            self.label_edit,
            self.duplicate_button,
            self.remove_button,
            self.pricing_box,
        ):
            widget.setEnabled(has)
        # each change below relayouts the whole panel: only what really changes is set
        option = project.option(option_id) if has else None
        scope_text = f"Only {option.display_name}" if option is not None else "Selected option only"
        if self.scope.itemText(1) != scope_text:
            self.scope.setItemText(1, scope_text)
        if option is None:
            self.label_edit.clear()
            return
        self.reset_scope.setEnabled(option.serving is not None)
        if not self.label_edit.hasFocus():
            self.label_edit.setText(option.label)
        self.pricing_box.setTitle(f"Pricing — {option.display_name}")
        offer = self.doc.catalogue.offers.get(option.offer_id)
        self.pricing_model.setCurrentIndex(
            max(0, self.pricing_model.findData(offer.pricing_model if offer else None))
        )
        candidates = sorted(self.doc.catalogue.offers_for(option.accelerator_id), key=_offer_key)
        if offer is not None and offer.id not in {c.id for c in candidates}:
            candidates.append(offer)
        shown = [(describe_offer(c), c.id) for c in candidates]
        if shown != getattr(self, "_offers_shown", None):  # refilled only when it changes
            self._offers_shown = shown
            self.offer.clear()
            for text, offer_id in shown:
                self.offer.addItem(text, offer_id)
        self.offer.setCurrentIndex(max(0, self.offer.findData(option.offer_id)))
        owned = offer is not None and offer.owned is not None
        form = self.pricing_box.layout()
        assert isinstance(form, QFormLayout)
        owned_fields = (self.capex, self.life, self.wacc, self.power_price, self.pue, self.opex)
        for field, show in ((f, owned) for f in (*owned_fields, self.it_watts)):
            field.setVisible(show)
            _set_row_visible(form, field, show)
        _set_row_visible(form, self.price, not owned)
        if offer is not None and not owned and self.price.suffix() != f" {offer.currency}/GPU-h":
            self.price.setSuffix(f" {offer.currency}/GPU-h")
        rps = project.demand.peak_requests_per_s is not None
        self.demand_basis.setCurrentIndex(1 if rps else 0)
        demand_form = self.demand_box.layout()
        assert isinstance(demand_form, QFormLayout)
        _set_row_visible(demand_form, self.tokens_day, not rps)
        _set_row_visible(demand_form, self.peak_rps, rps)

    # --- option list actions ------------------------------------------------------------------
    def _option_clicked(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        if item is not None:
            self.doc.select_option(str(item.data(Qt.ItemDataRole.UserRole)))

    def _rename(self) -> None:
        option_id = self.doc.selected_option_id
        if option_id and self.label_edit.text() != self.doc.project.option(option_id).label:
            self.doc.set_option_field(
                option_id, "label", self.label_edit.text().strip(), "Rename option"
            )
            self.doc.close_merge()

    def _duplicate(self) -> None:
        option_id = self.doc.selected_option_id
        if option_id:
            self.doc.duplicate_option(option_id)

    def _remove(self) -> None:
        option_id = self.doc.selected_option_id
        if option_id:
            self.doc.remove_option(option_id)

    # --- pricing ---------------------------------------------------------------------------
    def _pricing_model_chosen(self, index: int) -> None:
        option_id = self.doc.selected_option_id
        model = self.pricing_model.itemData(index)
        if not option_id or model is None:
            return
        message = choose_pricing_model(self.doc, option_id, PricingModel(model))
        if message:
            self.message.emit(message)
            self._refresh_option_widgets()

    def _offer_chosen(self, index: int) -> None:
        option_id = self.doc.selected_option_id
        offer_id = self.offer.itemData(index)
        if option_id and offer_id and offer_id != self.doc.project.option(option_id).offer_id:
            self.doc.set_option_field(option_id, "offer_id", offer_id, "Change offer")
            self.doc.close_merge()

    # --- demand ----------------------------------------------------------------------------
    def _demand_basis_chosen(self, index: int) -> None:
        project = self.doc.project
        basis = self.demand_basis.itemData(index)
        demand = project.demand
        if basis == "rps" and demand.peak_requests_per_s is None:
            per_day = demand.tokens_per_day or 1e10
            rps = per_day / project.workload.osl_tokens / 86400 * demand.peak_to_average
            new = demand.model_copy(
                update={"tokens_per_day": None, "peak_requests_per_s": round(rps, 2)}
            )
        elif basis == "tokens" and demand.tokens_per_day is None:
            rps = demand.peak_requests_per_s or 1.0
            per_day = rps / demand.peak_to_average * project.workload.osl_tokens * 86400
            new = demand.model_copy(update={"tokens_per_day": per_day, "peak_requests_per_s": None})
        else:
            return
        self.doc.apply(
            project.model_copy(update={"demand": Demand.model_validate(dict(new))}),
            "Change demand basis",
        )


def _set_row_visible(form: QFormLayout, field: QWidget, show: bool) -> None:
    if form.isRowVisible(field) != show:  # setting it again relayouts the panel
        form.setRowVisible(field, show)


def _offer_key(offer: Offer) -> tuple[str, float]:
    return (offer.pricing_model.value, offer.price_per_gpu_hour or 0.0)


def describe_offer(offer: Offer) -> str:
    model = PRICING_LABELS.get(offer.pricing_model, offer.pricing_model.value)
    if offer.owned is not None:
        price = f"capex {offer.owned.capex_per_gpu:,.0f} {offer.currency}"
    else:
        price = f"{offer.price_per_gpu_hour:.2f} {offer.currency}/h"
    where = f" · {offer.region}" if offer.region and offer.region != "n/a" else ""
    return f"{offer.provider or offer.id} · {model} · {price}{where}"


def choose_pricing_model(doc: ProjectDocument, option_id: str, model: PricingModel) -> str:
    """Switch an option to ``model``; returns a message when that is not possible."""
    option: ComparisonOption = doc.project.option(option_id)
    catalogue = doc.catalogue
    current = catalogue.offers.get(option.offer_id)
    if current is not None and current.pricing_model is model:
        return ""
    if model is PricingModel.OWNED:
        capex = DEFAULT_CAPEX_PER_GPU
        system = catalogue.systems.get(option.system_id or "") if option.system_id else None
        systems = [system] if system else catalogue.systems_for(option.accelerator_id)
        for s in systems:
            if s is not None and s.list_price_usd:
                capex = s.list_price_usd / s.gpus_per_system
                break
        offer = Offer(
            id=f"{option_id}-pricing",
            accelerator_id=option.accelerator_id,
            provider="Owned",
            pricing_model=PricingModel.OWNED,
            owned=OwnedCost(capex_per_gpu=capex),
            system_id=option.system_id,
            source="entered in TokenTCO",
        )
        doc.set_offer(option_id, offer, "Own the hardware")
        return ""
    rates = doc.project.exchange_rates
    candidates = [
        o for o in catalogue.offers_for(option.accelerator_id) if o.pricing_model is model
    ]
    if not candidates:
        return (
            f"No {PRICING_LABELS[model].lower()} offer for {option.accelerator_id} in the "
            "catalogue: import one (File ▸ Import) or add it on the Offers tab."
        )

    def usd(o: Offer) -> float:
        try:
            return rates.to_usd(o.price_per_gpu_hour or 0.0, o.currency)
        except ValueError:
            return float("inf")

    best = min(candidates, key=usd)
    try:
        doc.set_option_field(
            option_id, "offer_id", best.id, f"Switch to {PRICING_LABELS[model].lower()}"
        )
    except FieldError as exc:
        return exc.message
    doc.close_merge()
    return ""


__all__ = ["KnobPanel", "choose_pricing_model", "describe_offer"]

"""The Inputs sheet: every assumption per option, the cells a committee edits."""

from collections.abc import Sequence

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from tokentco.domain import (
    HOURS_PER_YEAR,
    Offer,
    PricingModel,
)
from tokentco.io.scorecard.book import (
    BOX,
    FIRST_COL,
    INPUT_FILL,
    NOTE_FONT,
    NUM0,
    NUM1,
    NUM2,
    OPTION_WIDTH,
    PCT,
    SECTION_FONT,
    USD4,
    Book,
    Row,
    fit_row,
    fx_rate,
    gpus_per_system,
    hardware_name,
    header_row,
    is_manual,
    lines_needed,
    opt_col,
    print_setup,
    provenance,
    put_note,
    put_text,
    set_widths,
    validation,
)
from tokentco.present import names, sentences
from tokentco.present.citations import as_of_text


def write_inputs(book: Book) -> None:
    ws = book.wb.create_sheet("Inputs")
    p = book.project
    w = p.workload
    put_text(ws, 1, 1, "Inputs: every assumption behind the figures").font = Font(
        bold=True, size=14
    )
    put_note(
        ws,
        2,
        "Yellow cells are inputs: edit them and every $/Mtok, score and rank "
        "recalculates. Throughput figures come from TokenTCO (see Throughput).",
        46 + 16,
    )
    row = 4
    put_text(ws, row, 1, "Project and workload").font = SECTION_FONT
    row += 1
    demand = p.demand
    project_rows: list[tuple[str, str, str, object, str | None]] = [
        ("Project", "ProjectName", "", p.name, None),
        ("Model", "ModelId", "", book.comparison.model_id or p.model_id, None),
        ("Input length (ISL)", "ISL", "tokens", w.isl_tokens, NUM0),
        ("Output length (OSL)", "OSL", "tokens", w.osl_tokens, NUM0),
        ("Prefix-cache hit rate", "PrefixHitRate", "share", w.prefix_hit_rate, PCT),
        (
            "Latency target: max time to first token",
            "MaxTTFT",
            "ms",
            w.max_ttft_ms if w.max_ttft_ms is not None else "none",
            NUM0,
        ),
        (
            "Latency target: min tokens/s per user",
            "MinTokensPerUser",
            "tok/s/user",
            w.min_tokens_per_s_per_user if w.min_tokens_per_s_per_user is not None else "none",
            NUM1,
        ),
        (
            "Tokens counted in $/Mtok",
            "TokenBasis",
            "output / total / blended",
            w.token_basis.value,
            None,
        ),
        (
            "Input-token weight in a blended price",
            "InputWeight",
            "× output",
            w.input_weight_in_blend,
            NUM2,
        ),
        (
            "Demand: output tokens per day",
            "TokensPerDay",
            "tokens/day",
            demand.tokens_per_day if demand.tokens_per_day is not None else "",
            NUM0,
        ),
        (
            "Demand: peak requests per second",
            "PeakRequestsPerS",
            "req/s",
            demand.peak_requests_per_s if demand.peak_requests_per_s is not None else "",
            NUM2,
        ),
        ("Demand: peak-to-average ratio", "PeakToAverage", "×", demand.peak_to_average, NUM2),
        ("Contract term", "TermYears", "years", demand.term_years, NUM1),
        ("Hours per year", "HoursPerYear", "h", HOURS_PER_YEAR, NUM0),
    ]
    for label, name, unit, value, fmt in project_rows:
        put_text(ws, row, 1, label)
        put_text(ws, row, 2, unit).font = NOTE_FONT
        cell = put_text(ws, row, 3, value) if isinstance(value, str) else ws.cell(row, 3, value)
        if fmt:
            cell.number_format = fmt
        if name not in ("ProjectName", "ModelId", "HoursPerYear", "MaxTTFT", "MinTokensPerUser"):
            cell.fill = INPUT_FILL
        cell.border = BOX
        book.project_cells[name] = f"C{row}"
        book.define(name, "Inputs", f"$C${row}")
        row += 1
    basis = validation(book, ws, "basis", type="list", formula1='"output,total,blended"')
    basis.add(book.project_cells["TokenBasis"])

    row += 1
    put_text(ws, row, 1, "Per option").font = SECTION_FONT
    row += 1
    header = row
    set_widths(ws, {"A": 46, "B": 16})
    for i in range(book.n):
        ws.column_dimensions[opt_col(i)].width = OPTION_WIDTH
    header_row(ws, header, ["Assumption", "Unit", *[book.label(r) for r in book.results]])
    row += 1

    def add(
        key: str,
        label: str,
        unit: str,
        values: Sequence[object],
        fmt: str | None = None,
        editable: bool = False,
        validation: DataValidation | None = None,
    ) -> None:
        nonlocal row
        wrap = Alignment(wrap_text=True, vertical="top")
        put_text(ws, row, 1, label).alignment = wrap
        unit_cell = put_text(ws, row, 2, unit)
        unit_cell.font = NOTE_FONT
        unit_cell.alignment = wrap
        lines = max(lines_needed(label, 46), lines_needed(unit, 16 / 0.8))
        for i, value in enumerate(values):
            if value == "":
                cell = ws.cell(row, FIRST_COL + i)
            elif isinstance(value, str):
                cell = put_text(ws, row, FIRST_COL + i, value)
                cell.alignment = wrap
                lines = max(lines, lines_needed(value, OPTION_WIDTH))
            else:
                cell = ws.cell(row, FIRST_COL + i, value)
            if fmt:
                cell.number_format = fmt
            if editable:
                cell.fill = INPUT_FILL
                if validation is not None:
                    validation.add(cell.coordinate)
            cell.border = BOX
        book.inputs[key] = Row(row, key)
        book.define_row("In", "Inputs", book.inputs[key])
        fit_row(ws, row, lines)
        row += 1

    def section(title: str) -> None:
        nonlocal row
        put_text(ws, row, 1, title).font = Font(bold=True, italic=True)
        row += 1

    results = book.results
    offers = [book.offer(r) for r in results]
    servings = [p.serving_for(o) if o else p.serving for o in book.options]

    def offer_attr(name: str, default: object = "") -> list[object]:
        return [getattr(o, name) if o is not None else default for o in offers]

    def owned_attr(name: str) -> list[object]:
        return [
            getattr(o.owned, name) if o is not None and o.owned is not None else "" for o in offers
        ]

    def is_owned(o: Offer | None) -> bool:
        return o is not None and o.pricing_model is PricingModel.OWNED

    section("Identity and offer")
    add("option_id", "Option id", "", [r.option_id for r in results])
    add("hardware", "Hardware", "", [hardware_name(book, r) for r in results])
    add("offer_id", "Offer", "", [r.offer_id for r in results])
    add("provider", "Provider", "", offer_attr("provider"))
    add(
        "pricing",
        "Pricing model",
        "",
        [names.pricing_model(o.pricing_model) if o else "unknown" for o in offers],
    )
    add(
        "owned",
        "Owned (capex, energy and opex instead of a rental price)",
        "yes/no",
        ["yes" if is_owned(o) else "no" for o in offers],
    )
    add("price_as_of", "Price as of", "", [as_of_text(str(a)) for a in offer_attr("as_of")])
    add("currency", "Offer currency", "", [o.currency if o else "USD" for o in offers])
    fx = [fx_rate(p, o) for o in offers]
    add("fx", "Exchange rate", "USD per unit", fx, "0.0000", editable=True)
    positive = validation(
        book,
        ws,
        "positive",
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        errorTitle="Not a number",
        error="Enter a number ≥ 0.",
    )
    add(
        "price",
        "Rental price per GPU-hour",
        "offer currency/h",
        [
            ("" if is_owned(o) else (o.price_per_gpu_hour if o else r.cost.usd_per_gpu_hour))
            for o, r in zip(offers, results, strict=True)
        ],
        NUM2,
        editable=True,
        validation=positive,
    )
    section("Ownership (owned offers only)")
    add(
        "capex",
        "Capex per GPU (incl. server share)",
        "offer currency",
        owned_attr("capex_per_gpu"),
        NUM0,
        editable=True,
        validation=positive,
    )
    add(
        "life",
        "Depreciation life",
        "years",
        owned_attr("depreciation_years"),
        NUM1,
        editable=True,
        validation=positive,
    )
    add(
        "rate",
        "Cost of capital",
        "per year",
        owned_attr("cost_of_capital"),
        PCT,
        editable=True,
        validation=positive,
    )
    add(
        "kwh",
        "Power price",
        "$/kWh",
        owned_attr("usd_per_kwh"),
        "0.000",
        editable=True,
        validation=positive,
    )
    add(
        "opex",
        "Opex per GPU-year (maintenance, space, staff)",
        "offer currency/year",
        owned_attr("opex_per_gpu_year"),
        NUM0,
        editable=True,
        validation=positive,
    )
    section("Power")
    add(
        "watts",
        "All-in IT power per GPU (incl. CPU/NIC/switch share)",
        "W",
        [r.watts_per_gpu_all_in if r.watts_per_gpu_all_in is not None else "" for r in results],
        NUM0,
        editable=True,
        validation=positive,
    )
    add(
        "pue",
        "PUE (facility / IT power)",
        "×",
        [r.pue for r in results],
        NUM2,
        editable=True,
        validation=validation(
            book,
            ws,
            "pue",
            type="decimal",
            operator="between",
            formula1="1",
            formula2="3",
            errorTitle="PUE",
            error="PUE is between 1 and 3.",
        ),
    )
    section("Operating point (from TokenTCO; see Throughput)")
    add(
        "feasible",
        "Meets the latency targets",
        "yes/no",
        ["yes" if r.point.feasible else "no" for r in results],
    )
    add("reason", "Why not (when it does not)", "", [sentences.infeasible(r) for r in results])
    add(
        "tps",
        "Output tokens/s per GPU at the operating point",
        "tok/s/GPU",
        [r.point.output_tokens_per_s_per_gpu for r in results],
        NUM1,
        editable=True,
        validation=positive,
    )
    add(
        "basis",
        "Throughput basis: measured, anchored or estimated",
        "",
        [sentences.basis_short(r) for r in results],
    )
    add("basis_label", "Throughput source", "", [provenance(r) for r in results])
    add(
        "tps_p10",
        "Output tokens/s per GPU, p10 (computed at export)",
        "tok/s/GPU",
        [r.uncertainty.tokens_per_s_per_gpu.p10 if r.uncertainty else "" for r in results],
        NUM1,
    )
    add(
        "tps_p90",
        "Output tokens/s per GPU, p90 (computed at export)",
        "tok/s/GPU",
        [r.uncertainty.tokens_per_s_per_gpu.p90 if r.uncertainty else "" for r in results],
        NUM1,
    )
    add(
        "usd_per_mtok_p10",
        "$/Mtok, p10 (computed at export)",
        "$/Mtok",
        [r.uncertainty.usd_per_mtok.p10 if r.uncertainty else "" for r in results],
        USD4,
    )
    add(
        "usd_per_mtok_p90",
        "$/Mtok, p90 (computed at export)",
        "$/Mtok",
        [r.uncertainty.usd_per_mtok.p90 if r.uncertainty else "" for r in results],
        USD4,
    )
    add(
        "user_tps",
        "Tokens/s per user (interactivity)",
        "tok/s/user",
        [r.point.tokens_per_s_per_user for r in results],
        NUM1,
    )
    add("ttft", "Time to first token", "ms", [r.point.ttft_ms for r in results], NUM0)
    add(
        "gpus_per_replica",
        "GPUs per replica",
        "GPUs",
        [r.point.gpus_per_replica for r in results],
        NUM0,
    )
    add(
        "gpus_per_system",
        "GPUs per system (fleet rounding)",
        "GPUs",
        [gpus_per_system(r) for r in results],
        NUM0,
    )
    util_dv = validation(
        book,
        ws,
        "util",
        type="decimal",
        operator="between",
        formula1="0.001",
        formula2="1",
        errorTitle="Utilization",
        error="Utilization is a share of hours between 0.1 % and 100 %.",
    )
    add(
        "utilization",
        "Utilization (share of paid hours doing useful work)",
        "%",
        [r.utilization for r in results],
        PCT,
        editable=True,
        validation=util_dv,
    )
    section("Serving stack")
    add(
        "precision",
        "Precision: weights / compute / KV",
        "",
        [
            f"{s.weight_precision.value} / {s.compute_precision.value} / {s.kv_precision.value}"
            for s in servings
        ],
    )
    add(
        "layout",
        "Parallelism at the operating point: TP / EP / PP",
        "",
        [f"{r.point.tp} / {r.point.ep} / {r.point.pp}" for r in results],
    )
    add(
        "spec",
        "Speculative decoding (draft tokens, acceptance)",
        "",
        [
            f"on ({s.speculative.draft_tokens}, {s.speculative.acceptance_rate:.0%})"
            if s.speculative.enabled
            else "off"
            for s in servings
        ],
    )
    add(
        "disagg",
        "Disaggregated prefill/decode",
        "",
        ["yes" if s.disaggregated else "no" for s in servings],
    )
    add(
        "routing", "KV-aware routing", "", ["yes" if s.kv_aware_routing else "no" for s in servings]
    )
    add(
        "offload",
        "KV-cache offload",
        "",
        [
            f"{s.kv_offload.capacity_gb_per_gpu:g} GB at "
            f"{s.kv_offload.bandwidth_gb_s_per_gpu:g} GB/s"
            if s.kv_offload.enabled
            else "off"
            for s in servings
        ],
    )
    add("engine", "Serving engine family", "", [s.engine_family or "generic" for s in servings])
    add(
        "max_conc",
        "Max concurrency per replica",
        "sequences",
        [s.max_concurrency for s in servings],
        NUM0,
    )
    section("Rubrics and supply (analyst inputs)")
    rubric = validation(
        book,
        ws,
        "rubric",
        type="whole",
        operator="between",
        formula1="1",
        formula2="5",
        errorTitle="Rubric",
        error="Rubric scores are 1 to 5.",
    )
    add(
        "accuracy_risk",
        "Accuracy risk of the chosen precision (1 best to 5 worst)",
        "rubric 1-5",
        [r.accuracy_risk for r in results],
        NUM0,
        editable=True,
        validation=rubric,
    )
    add(
        "accuracy_validated",
        "Precision validated for this model",
        "",
        ["yes" if o is not None and o.accuracy_validated else "no" for o in book.options],
    )
    add(
        "accuracy_evidence",
        "Evidence",
        "",
        [o.accuracy_evidence if o else "" for o in book.options],
    )
    for key, label, _question in names.LOCK_IN_QUESTIONS:
        add(
            f"lock_{key}",
            f"Lock-in: {label.lower()}",
            "rubric 1-5",
            [getattr(o.lock_in, key) if o else 3 for o in book.options],
            NUM0,
            editable=True,
            validation=rubric,
        )
    add(
        "lead_time",
        "Supply / lead time",
        "weeks",
        [r.lead_time_weeks if r.lead_time_weeks is not None else "" for r in results],
        NUM1,
        editable=True,
        validation=positive,
    )
    manual = [c for c in p.criteria if is_manual(c)]
    if manual:
        section("Analyst-added criteria")
        for c in manual:
            add(
                f"manual_{c.id}",
                c.name,
                c.unit,
                [(o.manual_values.get(c.id, "") if o else "") for o in book.options],
                NUM2,
                editable=True,
                validation=positive,
            )
    assumptions = _assumption_rows(book)
    if assumptions:
        section("Assumed inputs (not read from the catalogue or project; set them for real)")
        for field, how, values in assumptions:
            add(f"assumed_{field}", names.display(field), how, values)
    ws.freeze_panes = ws.cell(header + 1, FIRST_COL)
    print_setup(ws, p, f"{header}:{header}", "A:B")


def _assumption_rows(book: Book) -> list[tuple[str, str, list[object]]]:
    """(field, where to set it, value per option) for every input the engine assumed."""
    fields: dict[str, str] = {}
    for r in book.results:
        for a in r.assumptions:
            fields.setdefault(a.field, a.how_to_set)
    rows = []
    for field, how in fields.items():
        values: list[object] = []
        for r in book.results:
            value = next((a.value for a in r.assumptions if a.field == field), "")
            values.append(value)
        rows.append((field, how, values))
    return rows

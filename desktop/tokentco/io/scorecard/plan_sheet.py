"""The Plan sheet: each option's base + burst capacity plan as live formulas over its inputs.

Written only when the project has a demand profile. The inputs are yellow cells (prices of
the base, on-demand and spot offers the plan uses, tokens/s per GPU at the target, GPUs per
replica and per unit of base, growth, price erosion, cost of capital, spot rules); every
figure after them is a formula, so a committee that edits a price sees the plan re-chosen
as :mod:`tokentco.engine.plan` would choose it.

How the sheet chooses the base without a solver: the yearly cost

    cost(B) = B · base $/GPU-h · 8760 + burst $/GPU-h · weight · Σ_h max(0, need_h − B)

is convex in B, and its slope turns non-negative once at most ``x = base · hours / burst``
profile hours need more than B GPUs (a base GPU busy fewer hours than that costs more than
renting those hours). The smallest such B is the (⌊x⌋+1)-th largest hourly need; on whole
steps (servers, racks) the optimum is that need rounded down or up to a step, whichever is
cheaper (the lower one on a tie, as the engine's ``argmin`` picks).

The cost depends only on how many hours need how many GPUs, not on which hour it is, so
the hidden "Plan hours" sheet holds the profile as its distinct loads, highest first, with
the hours at each (inputs; a load-duration table): a business-hours week is 3 rows, not
168. Because the needs fall with the loads, one running total per option and year (the
GPU-hours at or above each load, the need computed in the cell) answers everything with
INDEX and COUNTIF: the k-th largest hourly need is the need at the first load whose running
count of hours reaches k; the burst above a base B is, over the j loads that need more than
B, their GPU-hours less B × their hours. This keeps the cells to one per load, option and
year (a formula per hour and three columns made a 53-option export 9 s slower; every
formula is parsed once to get its cached value).
"""

import math
from collections import Counter
from collections.abc import Callable

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tokentco.domain import HOURS_PER_YEAR
from tokentco.engine.plan import CapacityPlan, plan_capacity
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
    USD,
    USD0,
    Book,
    Row,
    abs_ref,
    fit_row,
    header_row,
    lines_needed,
    opt_col,
    print_setup,
    put_note,
    put_text,
    set_widths,
    validation,
)

TITLE = "Plan"
HOURS_TITLE = "Plan hours"
_HOURS_HEADER = 4
_LABEL_WIDTH = 48.0
_UNIT_WIDTH = 14.0
_TOP = Alignment(vertical="top")


def write_plan(book: Book) -> None:
    """Add the Plan sheet (after Cost model) and its hidden hourly sheet, when the project
    has a demand profile; nothing otherwise."""
    profile = book.project.demand_profile
    if profile is None:
        return
    plans = plan_capacity(book.project, book.catalogue, book.comparison.calibration)
    by_id = {p.option_id: p for p in plans}
    ordered = [by_id.get(r.option_id) for r in book.results]
    # the term's years, as the engine plans them, even when no option can be planned
    years = max((len(p.years) for p in plans), default=0) or math.ceil(
        book.project.demand.term_years
    )
    names = book.wb.sheetnames
    index = names.index("Cost model") + 1 if "Cost model" in names else len(names)
    ws = book.wb.create_sheet(TITLE, index)
    hours_ws = book.wb.create_sheet(HOURS_TITLE)
    hours_ws.sheet_state = "hidden"
    _PlanWriter(book, ws, hours_ws, ordered, years).write()


class _PlanWriter:
    """Lays out one Plan sheet; rows are added top to bottom, options across columns."""

    def __init__(
        self,
        book: Book,
        ws: Worksheet,
        hours_ws: Worksheet,
        plans: list[CapacityPlan | None],
        years: int,
    ) -> None:
        self.book = book
        self.ws = ws
        self.hws = hours_ws
        self.plans = plans
        self.years = years
        profile = book.project.demand_profile
        assert profile is not None
        self.profile = profile
        # at 15 significant digits, as a cell keeps it: loads a rounding error apart
        # (32400 and 32400.000000000004) are one load, not two rows that read back equal
        counts = Counter(float(f"{v:.15g}") for v in profile.tokens_per_s)
        self.levels = sorted(counts.items(), reverse=True)
        """Distinct hourly loads, highest first, with the profile hours at each: the cost
        depends only on how many hours need how many GPUs, not on which hour it is."""
        self.first_hour_row = _HOURS_HEADER + 1
        self.last_hour_row = _HOURS_HEADER + len(self.levels)
        self.row = 1
        self.rows: dict[str, Row] = {}
        self.cells: dict[str, str] = {}
        """Project-level settings: key → absolute reference on the Plan sheet."""
        self.planned = [i for i, p in enumerate(plans) if p is not None and p.feasible]
        self.hour_block = {i: k for k, i in enumerate(self.planned)}

    # -- layout helpers ---------------------------------------------------------------------
    def write(self) -> None:
        self._title()
        self._settings()
        self._header()
        self._inputs()
        for year in range(1, self.years + 1):
            self._year(year)
        self._term()
        self._notes()
        self._hours_sheet()
        ws = self.ws
        ws.freeze_panes = ws.cell(self.header + 1, FIRST_COL)
        print_setup(ws, self.book.project, f"{self.header}:{self.header}", "A:B")

    def _title(self) -> None:
        ws = self.ws
        put_text(ws, 1, 1, "Capacity plan: base + burst over the term").font = Font(
            bold=True, size=14
        )
        note = (
            "Yellow cells are inputs; every other figure is a formula over them, so editing a "
            "price, the throughput or the growth re-chooses the base as TokenTCO does. The "
            f"profile's loads and hours are on the hidden sheet '{HOURS_TITLE}' (unhide it to "
            "edit them)."
        )
        self._note(2, note)
        set_widths(ws, {"A": _LABEL_WIDTH, "B": _UNIT_WIDTH})
        for i in range(self.book.n):
            ws.column_dimensions[opt_col(i)].width = OPTION_WIDTH
        self.row = 4

    def _note(self, row: int, text: str) -> None:
        put_note(self.ws, row, text, _LABEL_WIDTH + _UNIT_WIDTH)

    def _setting(
        self,
        key: str,
        label: str,
        unit: str,
        value: object,
        fmt: str,
        editable: bool = True,
    ) -> None:
        ws, row = self.ws, self.row
        put_text(ws, row, 1, label).alignment = Alignment(wrap_text=True, vertical="top")
        fit_row(ws, row, lines_needed(label, _LABEL_WIDTH))
        put_text(ws, row, 2, unit).font = NOTE_FONT
        if isinstance(value, str) and not value.startswith("="):
            cell = put_text(ws, row, 3, value)
        else:
            cell = ws.cell(row, 3, value)  # a number, or a formula of ours (not user text)
        cell.number_format = fmt
        cell.border = BOX
        if editable:
            cell.fill = INPUT_FILL
        self.cells[key] = abs_ref(TITLE, f"C{row}")
        self.book.define(f"PL_{key}", TITLE, f"$C${row}")
        self.row += 1

    def _settings(self) -> None:
        p, book = self.profile, self.book
        put_text(self.ws, self.row, 1, "Demand profile and plan settings").font = SECTION_FONT
        self.row += 1
        tokens = self.loads = self.level_range("A")
        self.hours_at_level = self.level_range("B")
        self.hours_at_or_above = self.level_range("C")
        self._setting(
            "ProfileHours",
            "Hours in the profile (a week or a day)",
            "h",
            f"=SUM({self.hours_at_level})",
            NUM0,
            editable=False,
        )
        self._setting("HoursPerYear", "Hours per year", "h", HOURS_PER_YEAR, NUM0, editable=False)
        self._setting(
            "HourWeight",
            "Times each profile hour recurs in a year",
            "×",
            f"={self.cells['HoursPerYear']}/{self.cells['ProfileHours']}",
            NUM2,
            editable=False,
        )
        self._setting(
            "PeakTokensPerS",
            "Year-1 peak of the profile",
            "tok/s",
            f"=MAX({tokens})",
            NUM0,
            editable=False,
        )
        self._setting("Growth", "Demand growth per year", "per year", p.growth_per_year, PCT)
        for year in range(1, self.years + 1):
            self._setting(
                f"LoadFactor{year}",
                f"Load in year {year} against year 1",
                "×",
                f"=(1+{self.cells['Growth']})^{year - 1}",
                "0.000",
                editable=False,
            )
        self._setting(
            "Erosion",
            "Burst (rental) price erosion per year",
            "per year",
            book.project.price_erosion_per_year,
            PCT,
        )
        self._setting(
            "CostOfCapital",
            "Cost of capital (discounts later years)",
            "per year",
            p.cost_of_capital,
            PCT,
        )
        self._setting("UseSpot", "Burst may use spot offers", "yes/no", _yes(p.use_spot), "@")
        yes_no = validation(book, self.ws, "plan_yes_no", type="list", formula1='"yes,no"')
        yes_no.add(self.cells["UseSpot"].split("!")[1].replace("$", ""))
        self._setting(
            "Preemption",
            "Spot hours reclaimed (re-bought on demand)",
            "share",
            p.spot_preemption_share,
            PCT,
        )
        self.row += 1

    def _header(self) -> None:
        self.header = self.row
        labels = [self.book.label(r) for r in self.book.results]
        header_row(self.ws, self.row, ["Line", "Unit", *labels])
        self.row += 1

    def _section(self, title: str) -> None:
        put_text(self.ws, self.row, 1, title).font = Font(bold=True, italic=True)
        self.row += 1

    def _add(
        self,
        key: str,
        label: str,
        unit: str,
        value: Callable[[int, CapacityPlan], object],
        fmt: str,
        *,
        editable: bool = False,
        bold: bool = False,
        working: bool = False,
    ) -> Row:
        """One per-option row: ``value(i, plan)`` gives a number, a text or a formula for each
        planned option; options without a plan stay blank."""
        ws, row = self.ws, self.row
        label_cell = put_text(ws, row, 1, label)
        label_cell.alignment = Alignment(wrap_text=True, vertical="top")
        label_cell.font = Font(bold=bold, italic=working, color="595959" if working else None)
        unit_cell = put_text(ws, row, 2, unit)
        unit_cell.font = NOTE_FONT
        unit_cell.alignment = _TOP
        lines = lines_needed(label, _LABEL_WIDTH)
        for i, plan in enumerate(self.plans):
            cell = ws.cell(row, FIRST_COL + i)
            cell.border = BOX
            cell.number_format = fmt
            cell.alignment = _TOP
            if bold:
                cell.font = Font(bold=True)
            if plan is None or not plan.feasible:
                continue
            content = value(i, plan)
            if isinstance(content, str) and not content.startswith("="):
                put_text(ws, row, FIRST_COL + i, content)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                lines = max(lines, lines_needed(content, OPTION_WIDTH))
            elif isinstance(content, float) and not math.isfinite(content):
                pass  # no such offer: left blank, and the formulas say so
            else:
                cell.value = content
            if editable:
                cell.fill = INPUT_FILL
        fit_row(ws, row, lines)
        entry = Row(row, key)
        self.rows[key] = entry
        self.book.define_row("PL", TITLE, entry)
        self.row += 1
        return entry

    def ref(self, key: str, i: int) -> str:
        return self.rows[key].cell(i)

    # -- inputs -----------------------------------------------------------------------------
    def _inputs(self) -> None:
        book = self.book
        self._section("Planned")
        self._add_status()
        self._section("Prices the plan uses (inputs, $/GPU-hour all-in)")

        def offer_text(offer_id: str) -> str:
            return offer_id or "none in the catalogue"

        self._add(
            "base_offer",
            "Base offer (owned or reserved)",
            "",
            lambda i, p: offer_text(p.prices.base_offer_id),
            "@",
        )
        positive = validation(
            book,
            self.ws,
            "plan_positive",
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            errorTitle="Not a number",
            error="Enter a number ≥ 0 (leave blank when there is no such offer).",
        )
        self._price_row("base_price", "Base $/GPU-hour", lambda p: p.prices.base_usd_per_gpu_hour)
        self._add(
            "od_offer",
            "On-demand offer (burst)",
            "",
            lambda i, p: offer_text(p.prices.on_demand_offer_id),
            "@",
        )
        self._price_row(
            "od_price", "On-demand $/GPU-hour", lambda p: p.prices.on_demand_usd_per_gpu_hour
        )
        self._add(
            "spot_offer",
            "Spot offer (burst when spot is allowed)",
            "",
            lambda i, p: offer_text(p.prices.spot_offer_id),
            "@",
        )
        self._price_row("spot_price", "Spot $/GPU-hour", lambda p: p.prices.spot_usd_per_gpu_hour)
        self._section("Throughput and sizing (inputs, from TokenTCO)")
        self._add(
            "tps",
            "Output tokens/s per GPU at the target",
            "tok/s/GPU",
            lambda i, p: p.tokens_per_s_per_gpu,
            NUM1,
            editable=True,
        )
        self._add(
            "replica",
            "GPUs per replica (load in whole replicas)",
            "GPUs",
            lambda i, p: float(p.gpus_per_replica),
            NUM0,
            editable=True,
        )
        self._add(
            "step",
            "Base step: GPUs per server or rack",
            "GPUs",
            lambda i, p: float(p.base_step),
            NUM0,
            editable=True,
        )
        self._add(
            "replica_tps",
            "Output tokens/s per replica",
            "tok/s",
            lambda i, p: f"={self.ref('tps', i)}*{self.ref('replica', i)}",
            NUM1,
        )
        for key in ("base_price", "od_price", "spot_price", "tps", "replica", "step"):
            entry = self.rows[key]
            for i in self.planned:
                positive.add(entry.cell(i))
        c = self.cells
        self._add(
            "burst_price_1",
            "Burst $/GPU-hour in year 1 (see note 1)",
            "$/GPU-hour",
            lambda i, p: (
                f'=IF(AND({c["UseSpot"]}="yes",ISNUMBER({self.ref("spot_price", i)})),'
                f"IF(ISNUMBER({self.ref('od_price', i)}),MIN({self.ref('od_price', i)},"
                f"(1-{c['Preemption']})*{self.ref('spot_price', i)}+{c['Preemption']}*"
                f"{self.ref('od_price', i)}),IF({c['Preemption']}=0,"
                f'{self.ref("spot_price", i)},"")),IF(ISNUMBER({self.ref("od_price", i)}),'
                f'{self.ref("od_price", i)},""))'
            ),
            USD,
        )

    def _add_status(self) -> None:
        ws, row = self.ws, self.row
        put_text(ws, row, 1, "Planned (meets the target, has an offer)")
        put_text(ws, row, 2, "").font = NOTE_FONT
        lines = 1
        for i, plan in enumerate(self.plans):
            if plan is None:
                text = "no: not evaluated"
            elif plan.feasible:
                text = "yes"
            else:
                text = f"no: {plan.reason}"
            cell = put_text(ws, row, FIRST_COL + i, text)
            cell.border = BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            lines = max(lines, lines_needed(text, OPTION_WIDTH))
        fit_row(ws, row, lines)
        self.rows["planned"] = Row(row, "planned")
        self.book.define_row("PL", TITLE, self.rows["planned"])
        self.row += 1

    def _price_row(self, key: str, label: str, price: Callable[[CapacityPlan], float]) -> None:
        self._add(key, label, "$/GPU-hour", lambda i, p: float(price(p)), USD, editable=True)

    # -- years ------------------------------------------------------------------------------
    def hours_col(self, i: int, year: int) -> str:
        """Column letter on the hours sheet of option ``i``'s GPU-hours in ``year``."""
        return str(get_column_letter(4 + self.hour_block[i] * self.years + (year - 1)))

    def level_range(self, col: str) -> str:
        first = abs_ref(HOURS_TITLE, f"{col}{self.first_hour_row}")
        return f"{first}:${col}${self.last_hour_row}"

    def need(self, load: str, i: int, year: int, elsewhere: bool = False) -> str:
        """GPUs needed at ``load`` (year-1 tokens/s) in ``year``: whole replicas, as
        ``engine.plan.gpus_needed`` (load × growth / tokens per replica, less 1e-9, up —
        the growth over tokens per replica is one cell, which keeps the many cells of the
        hours sheet short); ``elsewhere``: the formula is on another sheet than Plan."""
        factor, replica = self.ref(f"y{year}_replicas_per_tps", i), self.ref("replica", i)
        if elsewhere:
            factor, replica = abs_ref(TITLE, factor), abs_ref(TITLE, replica)
        return f"MAX(0,ROUNDUP({load}*{factor}-0.000000001,0))*{replica}"

    def burst_above(self, base: str, i: int, year: int) -> str:
        """Burst GPU-hours per profile above ``base`` GPUs: with the loads highest first,
        the first j loads need more than the base — those whose tokens/s exceed
        (⌊base / replica⌋ + 1e-9) × tokens per replica / growth — so the burst is their
        GPU-hours less the base over their hours (running totals on the hours sheet)."""
        replica, factor = self.ref("replica", i), self.ref(f"y{year}_replicas_per_tps", i)
        ratio = f"{base}/{replica}"
        up = f"ROUNDUP({ratio},0)"
        whole = f"IF({up}>{ratio},{up}-1,{up})"
        threshold = f"({whole}+0.000000001)/{factor}"
        j = f'COUNTIF({self.loads},">"&{threshold})'
        gpu_hours = self.level_range(self.hours_col(i, year))
        return f"IF({j}>0,INDEX({gpu_hours},{j})-{base}*INDEX({self.hours_at_or_above},{j}),0)"

    def _year(self, year: int) -> None:
        c = self.cells
        y = f"y{year}"
        put_text(self.ws, self.row, 1, f"Year {year}").font = SECTION_FONT
        self.row += 1

        def r(key: str, i: int) -> str:
            return self.ref(key, i)

        def yr(key: str, i: int) -> str:
            return self.ref(f"{y}_{key}", i)

        def burst(i: int, p: CapacityPlan) -> str:
            first = r("burst_price_1", i)
            if year == 1:
                return f"={first}"
            return f'=IF(ISNUMBER({first}),{first}*(1-{c["Erosion"]})^{year - 1},"")'

        self._add(f"{y}_burst_price", "Burst $/GPU-hour (eroded)", "$/GPU-hour", burst, USD)
        self._add(
            f"{y}_replicas_per_tps",
            "Replicas per tok/s of year-1 load",
            "1/(tok/s)",
            lambda i, p: f"={c[f'LoadFactor{year}']}/{r('replica_tps', i)}",
            "0.000E+00",
            working=True,
        )
        self._add(
            f"{y}_peak_gpus",
            "Peak GPUs needed (whole replicas)",
            "GPUs",
            lambda i, p: f"={self.need(f'MAX({self.loads})', i, year)}",
            NUM0,
        )
        self._add(
            f"{y}_needed",
            "GPU-hours the load needs",
            "GPU-h/year",
            # the running total's last (and largest) value, read as a range: one cell would
            # make the cached-value evaluator recurse down the whole chain of totals
            lambda i, p: f"=MAX({self.level_range(self.hours_col(i, year))})*{c['HourWeight']}",
            NUM0,
        )
        self._add(
            f"{y}_breakeven",
            "Break-even busy hours per profile (note 2)",
            "h per profile",
            lambda i, p: (
                f"=IF(AND(ISNUMBER({r('base_price', i)}),ISNUMBER({yr('burst_price', i)}),"
                f"{yr('burst_price', i)}>0),{r('base_price', i)}*{c['ProfileHours']}/"
                f'{yr("burst_price", i)},"")'
            ),
            NUM2,
            working=True,
        )

        def cheapest(i: int, p: CapacityPlan) -> str:
            x = yr("breakeven", i)
            up = f"ROUNDUP({x},0)"
            k = f"IF({up}>{x},{up},{up}+1)"
            return (
                f"=IF(NOT(ISNUMBER({r('base_price', i)})),0,"
                f"IF(NOT(ISNUMBER({yr('burst_price', i)})),{yr('peak_gpus', i)},"
                f"IF(NOT(ISNUMBER({x})),0,IF({k}>{c['ProfileHours']},0,"
                + self.need(
                    f'INDEX({self.loads},COUNTIF({self.hours_at_or_above},"<"&{k})+1)', i, year
                )
                + "))))"
            )

        self._add(
            f"{y}_cheapest",
            "Cheapest base before whole steps (note 2)",
            "GPUs",
            cheapest,
            NUM0,
            working=True,
        )
        self._add(
            f"{y}_high",
            "Candidate base rounded up to whole steps",
            "GPUs",
            lambda i, p: f"=ROUNDUP({yr('cheapest', i)}/{r('step', i)},0)*{r('step', i)}",
            NUM0,
            working=True,
        )
        self._add(
            f"{y}_low",
            "Candidate base rounded down to whole steps",
            "GPUs",
            lambda i, p: (
                f"=IF({yr('high', i)}>{yr('cheapest', i)},{yr('high', i)}-{r('step', i)},"
                f"{yr('high', i)})"
            ),
            NUM0,
            working=True,
        )

        def burst_hours(side: str) -> Callable[[int, CapacityPlan], object]:
            def formula(i: int, p: CapacityPlan) -> str:
                return f"={self.burst_above(yr(side, i), i, year)}*{c['HourWeight']}"

            return formula

        def candidate_cost(side: str) -> Callable[[int, CapacityPlan], object]:
            def formula(i: int, p: CapacityPlan) -> str:
                hours, price = yr(f"burst_hours_{side}", i), yr("burst_price", i)
                cost = _cost(yr(side, i), r("base_price", i), c["HoursPerYear"], hours, price)
                return f'=IF(AND({hours}>0,NOT(ISNUMBER({price}))),"",{cost})'

            return formula

        for side in ("low", "high"):
            self._add(
                f"{y}_burst_hours_{side}",
                f"Burst GPU-hours above the {side} candidate",
                "GPU-h/year",
                burst_hours(side),
                NUM0,
                working=True,
            )
        for side in ("low", "high"):
            self._add(
                f"{y}_cost_{side}",
                f"Cost with the {side} candidate",
                "$/year",
                candidate_cost(side),
                USD0,
                working=True,
            )
        self._add(
            f"{y}_base_gpus",
            "Base GPUs (the cheaper candidate)",
            "GPUs",
            lambda i, p: (
                f"=IF(NOT(ISNUMBER({yr('burst_price', i)})),{yr('high', i)},"
                f"IF({yr('cost_low', i)}<={yr('cost_high', i)},{yr('low', i)},{yr('high', i)}))"
            ),
            NUM0,
            bold=True,
        )
        self._add(
            f"{y}_burst_hours",
            "Burst GPU-hours",
            "GPU-h/year",
            lambda i, p: (
                f"=IF({yr('base_gpus', i)}={yr('low', i)},{yr('burst_hours_low', i)},"
                f"{yr('burst_hours_high', i)})"
            ),
            NUM0,
            bold=True,
        )
        self._add(
            f"{y}_cost",
            "Cost of the plan (base + burst)",
            "$/year",
            lambda i, p: (
                "="
                + _cost(
                    yr("base_gpus", i),
                    r("base_price", i),
                    c["HoursPerYear"],
                    yr("burst_hours", i),
                    yr("burst_price", i),
                )
            ),
            USD0,
            bold=True,
        )
        self._add(
            f"{y}_all_od",
            "All on demand (GPU-hours × burst price)",
            "$/year",
            lambda i, p: (
                f"=IF({yr('needed', i)}>0,IF(ISNUMBER({yr('burst_price', i)}),"
                f'{yr("needed", i)}*{yr("burst_price", i)},""),0)'
            ),
            USD0,
        )
        self._add(
            f"{y}_all_base",
            "All base at peak (in whole steps)",
            "$/year",
            lambda i, p: (
                f"=IF({yr('peak_gpus', i)}>0,IF(ISNUMBER({r('base_price', i)}),"
                f"ROUNDUP({yr('peak_gpus', i)}/{r('step', i)},0)*{r('step', i)}*"
                f'{r("base_price", i)}*{c["HoursPerYear"]},""),0)'
            ),
            USD0,
        )

    def _term(self) -> None:
        c = self.cells
        put_text(self.ws, self.row, 1, f"Over the term ({self.years} years)").font = SECTION_FONT
        self.row += 1

        def npv(key: str) -> Callable[[int, CapacityPlan], object]:
            def formula(i: int, p: CapacityPlan) -> str:
                cells = [self.ref(f"y{y}_{key}", i) for y in range(1, self.years + 1)]
                terms = "+".join(
                    f"{cell}/(1+{c['CostOfCapital']})^{y}" for y, cell in enumerate(cells, 1)
                )
                checks = ",".join(f"ISNUMBER({cell})" for cell in cells)
                return f'=IF(AND({checks}),{terms},"")'

            return formula

        self._add(
            "npv", "NPV of the plan at the cost of capital", "$", npv("cost"), USD0, bold=True
        )
        self._add("npv_all_od", "NPV all on demand", "$", npv("all_od"), USD0)
        self._add("npv_all_base", "NPV all base at peak", "$", npv("all_base"), USD0)

        def saving(key: str) -> Callable[[int, CapacityPlan], object]:
            def formula(i: int, p: CapacityPlan) -> str:
                other, plan = self.ref(f"npv_all_{key}", i), self.ref("npv", i)
                return f'=IF(AND(ISNUMBER({other}),ISNUMBER({plan})),{other}-{plan},"")'

            return formula

        for key, label in (("od", "all on demand"), ("base", "all base at peak")):
            self._add(
                f"saving_vs_{key}",
                f"Saving against {label} (NPV)",
                "$",
                saving(key),
                USD0,
            )

    def _notes(self) -> None:
        self.row += 1
        put_text(self.ws, self.row, 1, "Notes").font = SECTION_FONT
        self.row += 1
        notes = (
            "1. Burst is on demand; when spot is allowed it is the cheaper of on demand and spot "
            "with the reclaimed share re-bought on demand. Later years' burst falls by the "
            "erosion; base prices hold for the term (an owner's annuity, a reservation).",
            "2. A base GPU pays when it is busy for more profile hours than base $/GPU-h × "
            "hours in the profile / burst $/GPU-h. The cheapest base is the hourly need that "
            "fewer hours than that exceed (the k-th largest need); on whole steps it is "
            "that need rounded down or up, whichever costs less (the lower one on a tie).",
            "3. GPUs needed each hour are whole replicas carrying that hour's tokens/s at the "
            "target, from the profile grown each year (hidden sheet "
            f"'{HOURS_TITLE}'). Each profile hour recurs hours per year / hours in the profile "
            "times a year. Utilization is not applied: the profile states the idle hours.",
            "4. Cost = base GPUs × base $/GPU-h × hours per year + burst GPU-hours × burst "
            "$/GPU-h. NPV discounts year k by (1 + cost of capital)^k. A plan never costs more "
            "than all on demand or all base at peak: both are among the bases it compares.",
        )
        for text in notes:
            self._note(self.row, text)
            self.row += 1

    # -- hours ------------------------------------------------------------------------------
    def _hours_sheet(self) -> None:
        hws = self.hws
        put_text(hws, 1, 1, "Plan hours: the demand profile as loads and hours, highest first")
        put_text(
            hws,
            2,
            1,
            "Tokens/s and hours are inputs (year 1, hours per profile period, keep the loads "
            "highest first; later years grow by the Plan sheet's growth). The other columns "
            "are running totals (formulas): hours, and GPU-hours in whole replicas, at or "
            "above each load.",
        ).font = NOTE_FONT
        headers = ["Output tokens/s (year 1)", "Hours at this load", "Hours at or above"]
        for i in self.planned:
            label = self.book.label(self.book.results[i])
            headers += [
                f"{label}, year {year}: GPU-hours at or above" for year in range(1, self.years + 1)
            ]
        widths = [14.0, 10.0, 10.0] + [18.0] * (len(headers) - 3)
        for col, width in enumerate(widths, start=1):
            hws.column_dimensions[get_column_letter(col)].width = width
        header_row(hws, _HOURS_HEADER, headers, widths=widths)
        for k, (tokens, hours) in enumerate(self.levels):
            row = self.first_hour_row + k
            for col, value in ((1, tokens), (2, float(hours))):
                cell = hws.cell(row, col, value)
                cell.number_format = NUM0
                cell.fill = INPUT_FILL
            above = f"C{row - 1}+" if k else ""
            hws.cell(row, 3, f"={above}B{row}").number_format = NUM0
            for i in self.planned:
                for year in range(1, self.years + 1):
                    letter = self.hours_col(i, year)
                    previous = f"{letter}{row - 1}+" if k else ""
                    need = self.need(f"$A{row}", i, year, elsewhere=True)
                    hws[f"{letter}{row}"] = f"={previous}$B{row}*{need}"
                    hws[f"{letter}{row}"].number_format = NUM0
        for name, letter in (("PL_LoadTokensPerS", "A"), ("PL_LoadHours", "B")):
            self.book.define(name, HOURS_TITLE, self.level_range(letter).split("!")[1])
        hws.freeze_panes = hws.cell(_HOURS_HEADER + 1, 4)
        print_setup(hws, self.book.project, f"{_HOURS_HEADER}:{_HOURS_HEADER}", "A:C")


def _cost(base_gpus: str, base_price: str, hours: str, burst_hours: str, burst_price: str) -> str:
    """The engine's yearly cost: base GPUs paid every hour plus burst GPU-hours, each term
    only when it is used (a missing offer's price is never multiplied by zero)."""
    return (
        f"IF({base_gpus}>0,{base_gpus}*{base_price}*{hours},0)+"
        f"IF({burst_hours}>0,{burst_hours}*{burst_price},0)"
    )


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


__all__ = ["HOURS_TITLE", "TITLE", "write_plan"]

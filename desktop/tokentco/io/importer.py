"""Spreadsheet import: vendor hardware, price, model and benchmark tables into a project.

Public API (used by the GUI and the CLI)::

    from tokentco.io.importer import import_files, revert_import, ImportResult

    result = import_files(paths, rates, kind=None, progress=None, cancel=None,
                          catalogue=None, mapping=None)
    result.rows["offers"]      # list[ImportedRow]: .item (Offer …), .provenance, .kind
    result.problems            # list[io.errors.Problem], each one located line
    result.unreadable          # the subset of problems that stopped a whole file
    result.rows_loaded         # int
    result.sheets              # list[SheetReport]: kind, header row, column mapping
    project = result.merge_into(project)          # → new Project, rows in project.imported
    project = revert_import(project, "offers", "acme-h200-od")   # drop one imported row

- ``paths``: .xlsx / .csv files (anything else gets a located "save as .xlsx" message).
- ``rates``: the project's :class:`ExchangeRates`; €, £, ¥ prices are converted to USD and
  the original amount is kept in ``Provenance.notes``.
- ``kind``: force the table kind ("accelerators", "systems", "offers", "models",
  "measured"); None detects it per sheet from the headers.
- ``progress``: ``callable(done_fraction: float, message: str)``, called from the
  importing thread (the GUI wraps it in a signal).
- ``cancel``: a ``threading.Event`` or a callable returning True to stop;
  :class:`ImportCancelled` is raised and nothing is returned (nothing half-merged).
- ``mapping``: a :class:`~tokentco.io.import_mapping.ColumnMapping` (header → field and
  unit) that takes precedence over the header synonyms; its ``kind`` forces the kind.
- ``catalogue``: what references (GPU names, model names) are resolved against; default
  the bundled catalogue. Accelerators and models imported in the same call also resolve.

Rows with any problem are skipped and listed; good rows load; no value is defaulted
silently (assumptions such as "no currency stated: USD" are written to the row's notes).
Import never writes to the source files.
"""

import difflib
import gc
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple, cast

from pydantic import BaseModel, ValidationError

from tokentco.domain import (
    TABLE_KINDS,
    Accelerator,
    Catalogue,
    ExchangeRates,
    MeasuredPoint,
    ModelSpec,
    Offer,
    OwnedCost,
    Precision,
    Project,
    Provenance,
    System,
    TableKind,
)
from tokentco.domain.base import Frozen
from tokentco.io.bench_formats import BenchDefaults, BenchRun, detect, join_mlperf
from tokentco.io.bench_results import measured_rows
from tokentco.io.errors import InputError, Location, Problem
from tokentco.io.import_columns import (
    FIELDS,
    MONEY_DIMENSIONS,
    ColumnMatch,
    ColumnPlan,
    FieldSpec,
    HeaderProblem,
    analyse_header,
    kind_score,
    plan_column,
)
from tokentco.io.import_lenient import (
    Rejected,
    can_update_known,
    derive,
    derived_columns,
    known_update,
    missing_fields,
    partial_note,
)
from tokentco.io.import_mapping import ColumnMapping, column_matcher
from tokentco.io.import_read import RawSheet, column_letter
from tokentco.io.import_units import cell_factor
from tokentco.io.import_values import (
    PRICING_ALIASES,
    NumberColumn,
    is_blank,
    parse_bools,
    parse_dates,
    parse_enums,
    parse_ints,
    parse_numbers,
    parse_texts,
    sheet_locale,
    show,
    special_message,
    text_of,
)
from tokentco.io.isolation import ReadCancelled, read_bench_isolated, read_isolated

HEADER_SEARCH_ROWS = 60
"""Non-blank rows searched for the header (blank rows above it are not counted)."""
BLANK_ROWS_SKIPPED = 100_000
"""Rows searched in all, blank or not, before giving up on finding a header."""
MIN_KIND_SCORE = 3.0
CHECK_EVERY = 2000
"""Rows built between two progress calls (each polls Cancel): ~20 ms of work, ~100 ms on a
busy machine, within the 0.5 s Cancel target (5,000 overshot it at load 6)."""
_COLUMNWISE = True
"""Column-wise range checks and reference resolution; False: the row-by-row loops, which
define the outcome (tests/io/test_import_columnwise.py compares both)."""

ProgressFn = Callable[[float, str], None]
CancelLike = threading.Event | Callable[[], bool] | None


class ImportCancelled(Exception):
    """The user cancelled an import; nothing was returned or merged."""


class ImportedRow(NamedTuple):
    """One imported domain object with where it came from.

    A named tuple rather than a frozen dataclass: as immutable, with the same fields,
    repr and equality, and built in one C call instead of three ``object.__setattr__``
    (~0.4 µs of a row's ~15, done 100,000 times by a 100,000-row import)."""

    kind: TableKind
    item: Frozen
    provenance: Provenance

    @property
    def id(self) -> str:
        return str(self.item.id)  # type: ignore[attr-defined]


@dataclass
class SheetReport:
    """What the importer made of one sheet (shown in the GUI's import dialog)."""

    file: str
    sheet: str
    kind: TableKind | None = None
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    unknown_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows_loaded: int = 0
    rows_skipped: int = 0

    def describe(self) -> str:
        where = ":".join(p for p in (self.file, self.sheet) if p)
        if self.kind is None:
            return f"{where}: skipped ({'; '.join(self.notes) or 'no table recognised'})"
        if self.header_row is None:  # a benchmark-tool output, not a table
            loaded, skipped = self.rows_loaded, self.rows_skipped
            return f"{where}: {loaded} {self.kind} rows loaded, {skipped} skipped"
        reading = "".join(f"; {n}" for n in self.notes if n.startswith("read as "))
        return (
            f"{where}: {self.kind} table, header in row {self.header_row}, "
            f"{self.rows_loaded} rows loaded, {self.rows_skipped} skipped{reading}"
        )


@dataclass
class ImportResult:
    """Everything one import produced: rows per kind, problems and a per-sheet report."""

    rows: dict[TableKind, list[ImportedRow]] = field(
        default_factory=lambda: {k: [] for k in TABLE_KINDS}
    )
    problems: list[Problem] = field(default_factory=list)
    unreadable: list[Problem] = field(default_factory=list)
    sheets: list[SheetReport] = field(default_factory=list)
    imported_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def rows_loaded(self) -> int:
        return sum(len(rows) for rows in self.rows.values())

    def items(self, kind: TableKind) -> list[Frozen]:
        return [r.item for r in self.rows[kind]]

    def overrides(self, bundled: Catalogue) -> list[tuple[TableKind, str]]:
        """(kind, id) of imported rows that replace a bundled row with the same id."""
        return [(k, r.id) for k in TABLE_KINDS for r in self.rows[k] if r.id in bundled.table(k)]

    def merge_into(self, project: Project) -> Project:
        """A new project whose ``imported`` catalogue holds these rows (same id: replaced)."""
        imported = project.imported
        for kind in TABLE_KINDS:
            rows = self.rows[kind]
            if rows:
                imported = imported.merged(
                    kind, [r.item for r in rows], [r.provenance for r in rows]
                )
        return project.model_copy(update={"imported": imported})


def revert_import(project: Project, kind: TableKind, row_id: str) -> Project:
    """A new project without one imported row (a bundled row with that id shows again)."""
    table = project.imported.table(kind)
    if row_id not in table:
        raise InputError(f'no imported {kind} row with id "{row_id}" in this project')
    del table[row_id]
    provenance = dict(project.imported.provenance)
    provenance.pop(f"{kind}/{row_id}", None)
    imported = project.imported.model_copy(update={kind: table, "provenance": provenance})
    return project.model_copy(update={"imported": imported})


def detect_kind(headers: Sequence[str]) -> TableKind | None:
    """The table kind a header row describes, or None when nothing fits well enough."""
    scores = {k: kind_score(k, list(headers)) for k in TABLE_KINDS}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= MIN_KIND_SCORE else None


# --- orchestration ----------------------------------------------------------------------


class _Progress:
    def __init__(self, progress: ProgressFn | None, cancel: CancelLike) -> None:
        self._progress = progress
        if cancel is None:
            self.cancelled: Callable[[], bool] = lambda: False
        elif isinstance(cancel, threading.Event):
            self.cancelled = cancel.is_set
        else:
            self.cancelled = cancel
        self.base = 0.0
        self.span = 1.0

    def __call__(self, fraction: float, message: str) -> None:
        if self.cancelled():
            raise ImportCancelled("import cancelled")
        if self._progress is not None:
            self._progress(min(1.0, self.base + self.span * max(0.0, fraction)), message)


def import_files(
    paths: Iterable[Path | str],
    rates: ExchangeRates,
    kind: TableKind | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelLike = None,
    *,
    catalogue: Catalogue | None = None,
    mapping: ColumnMapping | None = None,
    bench: BenchDefaults | None = None,
) -> ImportResult:
    """Read every file; see the module docstring for the contract. Benchmark-tool outputs
    (vLLM/SGLang/GenAI-Perf/AIPerf/MLPerf, see :mod:`tokentco.io.bench_formats`) become
    measured rows; ``bench`` states what those files do not (GPU, GPU count, model)."""
    if kind is not None and kind not in TABLE_KINDS:
        raise InputError(f'unknown table kind "{kind}": expected one of {", ".join(TABLE_KINDS)}')
    get_catalogue = _in_background(_bundled) if catalogue is None else _given(catalogue)
    files = [Path(p) for p in paths]
    # Bulk loading allocates ~10 objects per row; the cyclic GC re-scanning them all
    # every few thousand allocations costs more than the parsing itself.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _import(files, rates, kind, progress, cancel, get_catalogue, mapping, bench)
    finally:
        if gc_was_enabled:
            gc.enable()


def _import(
    files: list[Path],
    rates: ExchangeRates,
    kind: TableKind | None,
    progress: ProgressFn | None,
    cancel: CancelLike,
    get_catalogue: Callable[[], Catalogue],
    mapping: ColumnMapping | None = None,
    bench: BenchDefaults | None = None,
) -> ImportResult:
    tick = _Progress(progress, cancel)
    result = ImportResult()
    tick(0.0, "starting import")
    loaded: list[tuple[RawSheet, TableKind | None, int | None]] = []
    bench_runs: list[BenchRun] = []
    bench_read = _read_bench_files(files, bench or BenchDefaults(), tick)
    for number, path in enumerate(files):
        tick.base, tick.span = 0.4 * number / max(len(files), 1), 0.4 / max(len(files), 1)
        if number in bench_read:
            _take_bench(path, bench_read[number], bench_runs, result)
            continue
        try:
            # in a child process: a file that crashes or exhausts the reader is one problem
            sheets = read_isolated(path, tick, tick.cancelled)
        except ReadCancelled:
            raise ImportCancelled("import cancelled") from None
        except InputError as exc:
            problem = Problem(exc.location or Location(file=path.name), exc.message)
            result.problems.append(problem)
            result.unreadable.append(problem)
            continue
        found = [(raw, *_find_header(raw, kind, mapping)) for raw in sheets]
        if sheets and sheets[0].name and kind is None and all(k is None for _, k, _ in found):
            result.problems.append(
                Problem(
                    Location(file=path.name),
                    "no sheet has a recognisable table header (expected headers such as "
                    '"GPU", "Price per GPU-hour", "Memory (GB)", "Layers", '
                    '"Output tokens/s per GPU")',
                )
            )
        loaded.extend(found)
    ctx = _Context(rates=rates, result=result, catalogue=get_catalogue(), mapping=mapping)
    order = {"accelerators": 0, "models": 1, "systems": 2, "offers": 3, "measured": 4}
    loaded.sort(key=lambda t: order.get(t[1] or "", 9))
    total_rows = sum(len(raw.rows) for raw, _, _ in loaded) or 1
    done = 0
    tick.base, tick.span = 0.4, 0.6
    for raw, sheet_kind, header_index in loaded:
        report = SheetReport(file=raw.file, sheet=raw.name, notes=list(raw.notes))
        result.sheets.append(report)
        if sheet_kind is None or header_index is None:
            _no_table(ctx, raw, report, kind)
        else:
            _SheetImport(
                ctx,
                raw,
                sheet_kind,
                header_index,
                report,
                tick,
                done / total_rows,
                len(raw.rows) / total_rows,
            ).run()
        done += len(raw.rows)
        tick(done / total_rows, f"imported {raw.file}:{raw.name}")
    if bench_runs:  # after the sheets, so GPUs and models imported with them resolve
        _bench_rows(ctx, join_mlperf(bench_runs, bench or BenchDefaults()))
    tick(1.0, f"{result.rows_loaded} rows loaded, {len(result.problems)} problems")
    return result


def _bundled() -> Catalogue:
    from tokentco.io.bundled import bundled_catalogue

    return bundled_catalogue()


def _given(catalogue: Catalogue) -> Callable[[], Catalogue]:
    return lambda: catalogue


def _in_background(load: Callable[[], Catalogue]) -> Callable[[], Catalogue]:
    """Start ``load`` on a thread; the returned callable waits for it (re-raising its
    error). Why: a CLI import pays ~0.3–0.7 s for the first bundled-catalogue load, which
    now overlaps the child process reading the files instead of preceding it."""
    box: list[Catalogue | BaseException] = []

    def run() -> None:
        try:
            box.append(load())
        except BaseException as exc:  # handed to the waiting thread
            box.append(exc)

    thread = threading.Thread(target=run, name="tokentco-catalogue", daemon=True)
    thread.start()

    def wait() -> Catalogue:
        thread.join()
        got = box[0]
        if isinstance(got, BaseException):
            raise got
        return got

    return wait


def _read_bench_files(
    files: list[Path], defaults: BenchDefaults, tick: "_Progress"
) -> dict[int, list[BenchRun] | InputError]:
    """The benchmark-tool outputs among ``files`` (by index), parsed in ONE isolated child
    (a hostile JSON's crash, memory blow-up or hang is that file's problem); recognising
    them reads at most 64 KB of each here."""
    found = {number: fmt for number, path in enumerate(files) if (fmt := detect(path))}
    if not found:
        return {}
    try:
        outcomes = read_bench_isolated(
            [(files[n], fmt) for n, fmt in found.items()], defaults, cancelled=tick.cancelled
        )
    except ReadCancelled:
        raise ImportCancelled("import cancelled") from None
    return dict(zip(found, outcomes, strict=True))


def _take_bench(
    path: Path,
    outcome: list[BenchRun] | InputError,
    runs: list[BenchRun],
    result: ImportResult,
) -> None:
    """A benchmark file's runs appended, or its one problem listed as unreadable."""
    if isinstance(outcome, InputError):
        problem = Problem(outcome.location or Location(file=path.name), outcome.message)
        result.problems.append(problem)
        result.unreadable.append(problem)
    else:
        runs.extend(outcome)


def _bench_rows(ctx: "_Context", runs: list[BenchRun]) -> None:
    """Benchmark runs → measured rows (io.bench_results), one sheet report per file."""
    result = ctx.result
    taken = {row.id for row in result.rows["measured"]}
    rows, problems = measured_rows(
        runs, lambda kind, text: ctx.resolver(kind).resolve(text), result.imported_at, taken
    )
    result.problems.extend(problems)
    reports: dict[str, SheetReport] = {}
    for run in runs:
        sheet = run.notes.get("import: format", run.format)
        reports.setdefault(run.file, SheetReport(file=run.file, sheet=sheet, kind="measured"))
    for point, provenance in rows:
        result.rows["measured"].append(ImportedRow("measured", point, provenance))
        reports[provenance.file].rows_loaded += 1
    for problem in problems:
        if problem.location.file in reports:
            reports[problem.location.file].rows_skipped += 1
    result.sheets.extend(reports.values())


def _no_table(
    ctx: "_Context", raw: RawSheet, report: SheetReport, forced: TableKind | None
) -> None:
    non_empty = any(True for _ in _searched_rows(raw))
    if not non_empty:
        report.notes.append("empty")
        if not raw.name:  # a CSV with nothing in it is worth saying
            ctx.problem(Location(file=raw.file), "no data: the file has no non-blank rows")
        return
    if forced is not None or not raw.name:
        what = forced or "accelerators, systems, offers, models or measured results"
        example = ", ".join(f'"{s.header}"' for s in FIELDS[forced or "offers"][:3])
        ctx.problem(
            Location(file=raw.file, sheet=raw.name),
            f"no table header found for {what} in the first {HEADER_SEARCH_ROWS} non-blank "
            f"rows (expected headers such as {example})",
        )
    else:
        report.notes.append("no table header recognised (not imported)")


def _header_texts(row: Sequence[Any]) -> list[str]:
    return [c.strip() if isinstance(c, str) else "" for c in row]


def _searched_rows(raw: RawSheet) -> Iterable[tuple[int, list[Any]]]:
    """(index, row) of the first HEADER_SEARCH_ROWS non-blank rows: a CSV exported with
    a hundred blank lines above its table still has its header found."""
    found = 0
    for index, row in enumerate(raw.rows[:BLANK_ROWS_SKIPPED]):
        if all(is_blank(c) for c in row):
            continue
        yield index, row
        found += 1
        if found >= HEADER_SEARCH_ROWS:
            return


def _find_header(
    raw: RawSheet, forced: TableKind | None, mapping: ColumnMapping | None = None
) -> tuple[TableKind | None, int | None]:
    forced = forced or (mapping.kind if mapping else None)
    match = column_matcher(mapping)
    kinds: tuple[TableKind, ...] = (forced,) if forced else TABLE_KINDS
    threshold = 1.0 if forced else MIN_KIND_SCORE
    best: tuple[float, int, TableKind] | None = None
    for index, row in _searched_rows(raw):
        texts = [t for t in _header_texts(row) if t]
        if len(texts) < 2:
            continue
        for kind in kinds:
            score = kind_score(kind, texts, match)
            if score >= threshold and (best is None or score > best[0]):
                best = (score, index, kind)
    if best is None:
        return None, None
    return best[2], best[1]


@dataclass
class _Context:
    rates: ExchangeRates
    result: ImportResult
    catalogue: Catalogue
    mapping: ColumnMapping | None = None
    rejected: Rejected = field(default_factory=Rejected)
    seen_ids: dict[tuple[str, str], tuple[str, str, int]] = field(default_factory=dict)
    suffixes: dict[tuple[str, str], int] = field(default_factory=dict)
    resolvers: dict[str, "_Resolver"] = field(default_factory=dict)

    def problem(self, where: Location, message: str) -> None:
        self.result.problems.append(Problem(where, message))

    def resolver(self, kind: TableKind) -> "_Resolver":
        if kind not in self.resolvers:
            table = dict(self.catalogue.table(kind))
            for row in self.result.rows[kind]:
                table[row.id] = row.item
            self.resolvers[kind] = _Resolver(kind, table)
        return self.resolvers[kind]


_GENERIC_TOKENS = {
    "nvidia",
    "amd",
    "intel",
    "google",
    "aws",
    "gpu",
    "gpus",
    "the",
    "accelerator",
    "instinct",
    "cloud",
    "x",
    "model",
    "instruct",
}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


class _Resolver:
    """Finds a catalogue id from an id or a name as vendors write it ("NVIDIA H200")."""

    def __init__(self, kind: TableKind, table: dict[str, Any]) -> None:
        self.kind = kind
        self.exact: dict[str, set[str]] = {}
        self.token_sets: list[tuple[str, set[str]]] = []
        self.cache: dict[str, tuple[str | None, str]] = {}
        for row_id, item in table.items():
            self.add(row_id, item)

    def add(self, row_id: str, item: Any) -> None:
        name = str(getattr(item, "name", "") or "")
        vendor = str(getattr(item, "vendor", "") or "")
        for text in (row_id, name, f"{vendor} {name}"):
            if _norm(text):
                self.exact.setdefault(_norm(text), set()).add(row_id)
        self.token_sets.append((row_id, _tokens(f"{row_id} {name} {vendor}")))
        self.cache.clear()

    def resolve(self, text: str) -> tuple[str | None, str]:
        if text not in self.cache:
            self.cache[text] = self._resolve(text)
        return self.cache[text]

    def _resolve(self, text: str) -> tuple[str | None, str]:
        label = "accelerator" if self.kind == "accelerators" else "model"
        article = "an" if self.kind == "accelerators" else "a"
        hits = self.exact.get(_norm(text), set())
        if len(hits) == 1:
            return next(iter(hits)), ""
        wanted = _tokens(text) - _GENERIC_TOKENS
        if wanted and not hits:
            hits = {rid for rid, toks in self.token_sets if wanted <= toks}
        if len(hits) == 1:
            return next(iter(hits)), ""
        if hits:
            return None, (
                f'"{text}" matches several {label}s ({", ".join(sorted(hits))}): write the id'
            )
        ids = [rid for rid, _ in self.token_sets]
        close = difflib.get_close_matches(_norm(text), ids, n=3, cutoff=0.5) or ids[:3]
        return None, (
            f'"{text}" is not a known {label}: expected an id or name such as '
            f"{', '.join(close)} (or import it on {article} {self.kind} sheet)"
        )


# --- one sheet --------------------------------------------------------------------------

_BUILDERS: dict[TableKind, type[Frozen]] = {
    "accelerators": Accelerator,
    "systems": System,
    "offers": Offer,
    "models": ModelSpec,
    "measured": MeasuredPoint,
}
_OWNED_FIELDS = (
    "capex_per_gpu",
    "depreciation_years",
    "cost_of_capital",
    "it_watts_per_gpu",
    "pue",
    "usd_per_kwh",
    "opex_per_gpu_year",
)
_REFERENCES: dict[str, TableKind] = {
    "accelerator_id": "accelerators",
    "hardware_id": "accelerators",
    "model_id": "models",
}
_ID_PARTS: dict[TableKind, tuple[str, ...]] = {
    "accelerators": ("vendor", "name"),
    "systems": ("name", "accelerator_id"),
    "offers": ("provider", "accelerator_id", "pricing_model", "region"),
    "models": ("name",),
    "measured": (
        "hardware_id",
        "model_id",
        "precision",
        "engine",
        "num_gpus",
        "isl_tokens",
        "osl_tokens",
        "scenario",
    ),
}
_UNIT_LABEL = {
    "price": "USD per GPU-hour",
    "money": "USD",
    "money_per_year": "USD per GPU-year",
    "energy_price": "USD per kWh",
}


def _slug(parts: Iterable[object]) -> str:
    text = "-".join(str(p) for p in parts if p not in (None, ""))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


class _SheetImport:
    def __init__(
        self,
        ctx: _Context,
        raw: RawSheet,
        kind: TableKind,
        header_index: int,
        report: SheetReport,
        tick: _Progress,
        start: float,
        span: float,
    ) -> None:
        self.ctx, self.raw, self.kind, self.report = ctx, raw, kind, report
        self.tick, self.start, self.span = tick, start, span
        self.header_index = header_index
        self.plans: list[ColumnPlan] = []
        self.by_field: dict[str, ColumnPlan] = {}
        self.note_columns: list[tuple[int, str]] = []
        self.sheet_problem = False
        self.partial = False
        self.report_only = False
        self.missing: list[FieldSpec] = []
        self.missing_reported = False
        self.locale: bool | None = None
        self.unplanned: set[str] = set()  # fields whose column's unit was not understood
        self._columns: dict[int, Sequence[Any]] | None = None  # mapped columns (_column)
        self._positions: dict[int, int] | None = None  # sheet row index → data row number

    # location helpers
    def where(
        self,
        row_index: int | None = None,
        plan: ColumnPlan | None = None,
        column: int | None = None,
        header: str = "",
    ) -> Location:
        letter = plan.letter if plan else (column_letter(column) if column is not None else "")
        return Location(
            file=self.raw.file,
            sheet=self.raw.name,
            row=None if row_index is None else row_index + 1,
            column=letter,
            header=plan.header if plan else header,
        )

    def run(self) -> None:
        report = self.report
        report.kind = self.kind
        report.header_row = self.header_index + 1
        data_start = self._map_columns()
        if self.sheet_problem:
            if not self.plans:
                return
            # still read the rows: every bad cell is reported, and the rows' names are
            # remembered so that rows referring to them point here (import_lenient)
            self.report_only = True
        self.tick(self.start, f"reading {self.raw.file}:{self.raw.name} ({self.kind})")
        rows, indices = self._data_rows(data_start)
        if not rows:
            report.notes.append("header found but no data rows")
            return
        self._build(rows, indices)

    def _map_columns(self) -> int:
        raw, kind = self.raw, self.kind
        header = list(raw.rows[self.header_index])
        texts = [text_of(c) for c in header]
        data_start = self.header_index + 1
        if data_start < len(raw.rows):
            below = raw.rows[data_start]
            cells = [(i, c) for i, c in enumerate(below) if not is_blank(c)]
            if cells and all(isinstance(c, str) and analyse_header(c).unit_only for _, c in cells):
                for i, c in cells:
                    if i < len(texts) and texts[i]:
                        texts[i] = f"{texts[i]} ({c.strip()})"
                data_start += 1
        width = max((len(r) for r in raw.rows[data_start : data_start + 200]), default=0)
        for index in range(max(len(texts), width)):
            text = texts[index] if index < len(texts) else ""
            if not text:
                if self._column_has_values(index, data_start):
                    self.note_columns.append((index, f"column {column_letter(index)}"))
                continue
            found = column_matcher(self.ctx.mapping)(kind, text)
            where = self.where(self.header_index, column=index, header=text)
            if isinstance(found, HeaderProblem):
                self.ctx.problem(where, found.message)
                self.note_columns.append((index, text))
                continue
            if not isinstance(found, ColumnMatch):
                self.note_columns.append((index, text))
                self.report.unknown_columns.append(text)
                continue
            if found.spec.name in self.by_field:
                first = self.by_field[found.spec.name]
                self.note_columns.append((index, text))
                self.report.unknown_columns.append(text)
                self.report.notes.append(
                    f'column {column_letter(index)} "{text}" also looks like '
                    f"{found.spec.label} (taken from column {first.letter}); kept as a note"
                )
                continue
            plan = plan_column(index, column_letter(index), found)
            if isinstance(plan, str):
                self.ctx.problem(where, plan)
                self.sheet_problem = True
                self.unplanned.add(found.spec.name)
                continue
            self.plans.append(plan)
            self.by_field[plan.spec.name] = plan
            self.report.columns[text] = plan.spec.name
        self._check_required()
        return data_start

    def _missing_problem(self, spec: FieldSpec) -> None:
        examples = ", ".join(f'"{a}"' for a in (spec.header, *spec.aliases[2:4]))
        self.ctx.problem(
            self.where(self.header_index),
            f"no column for {spec.label} in this {self.kind} table: expected a "
            f"header such as {examples}",
        )

    def _column_has_values(self, index: int, start: int) -> bool:
        return any(
            index < len(r) and not is_blank(r[index]) for r in self.raw.rows[start : start + 50]
        )

    def _check_required(self) -> None:
        # a column whose unit was refused is reported as such, not also as missing
        have = set(self.by_field) | self.unplanned
        missing = missing_fields(self.kind, have)
        self.report.notes.extend(derived_columns(self.kind, have))
        if missing and not self.sheet_problem and can_update_known(self.kind, have):
            self.partial = True
            self.missing = missing
            self.report.notes.append(partial_note(missing))
            return
        for spec in missing:
            self._missing_problem(spec)
            self.sheet_problem = True
        if self.sheet_problem:
            self.report.notes.append("not imported: see problems")

    def _data_rows(self, start: int) -> tuple[list[list[Any]], list[int]]:
        rows: list[list[Any]] = []
        indices: list[int] = []
        header = [text_of(c).lower() for c in self.raw.rows[self.header_index]]
        first = next((i for i, h in enumerate(header) if h), 0)
        marks_rows = {r for r, _ in self.raw.marks}
        mapped = len(self.plans)
        for index in range(start, len(self.raw.rows)):
            row = self.raw.rows[index]
            filled = 0
            last: Any = None
            for c in row:
                if c is None or c == "" or (type(c) is str and not c.strip()):
                    continue
                filled += 1
                last = c
                if filled > 1:
                    break
            if filled <= 1 and index not in marks_rows:
                if not filled:
                    continue
                if isinstance(last, str) and mapped >= 3 and _looks_like_note(last):
                    self.report.notes.append(f"row {index + 1} skipped as a note: {last[:60]!r}")
                    continue
            if first < len(row):
                lead = row[first]
                lead_text = lead.strip() if type(lead) is str else text_of(lead)
            if (
                first < len(row)
                and lead_text.lower() == header[first]
                and [text_of(c).lower() for c in row[: len(header)]] == header
            ):
                continue
            rows.append(row)
            indices.append(index)
        return rows, indices

    def _reached(self, rows: list[list[Any]]) -> dict[int, Sequence[Any]]:
        """The mapped columns every row reaches, as read (no marks), taken from the rows
        once per sheet (:func:`_transposed`)."""
        if self._columns is None:
            self._columns = _transposed(rows, [plan.index for plan in self.plans])
        return self._columns

    def _column(self, rows: list[list[Any]], indices: list[int], col: int) -> list[Any]:
        reached = self._reached(rows).get(col)
        if reached is not None:  # every row reaches the column
            cells = list(reached)
        else:
            cells = [r[col] if col < len(r) else None for r in rows]
        if self.raw.marks:
            if self._positions is None:
                self._positions = {idx: p for p, idx in enumerate(indices)}
            pos = self._positions
            for (r, c), mark in self.raw.marks.items():
                if c == col and r in pos:
                    cells[pos[r]] = mark
        return cells

    def _cell_problems(
        self, indices: list[int], errors: dict[int, list[tuple[ColumnPlan | None, str]]]
    ) -> None:
        """What the reader found wrong in cells (a NUL byte, undecodable bytes): reported at
        the cell, and a data row holding one is skipped (its value is not trusted)."""
        if not self.raw.cell_problems:
            return
        position = {index: i for i, index in enumerate(indices)}
        header = self.raw.rows[self.header_index]
        for (r, c), message in sorted(self.raw.cell_problems.items()):
            text = text_of(header[c]) if c < len(header) else ""
            self.ctx.problem(self.where(r, column=c, header=text), message)
            if r in position:
                errors.setdefault(position[r], []).append((None, ""))

    def _build(self, rows: list[list[Any]], indices: list[int]) -> None:
        n = len(rows)
        # decimal comma or point, from the sheet's own numeric cells (then the file's hint)
        self.locale = sheet_locale(rows, self.raw.decimal_comma)
        errors: dict[int, list[tuple[ColumnPlan | None, str]]] = {}
        values: dict[str, list[Any]] = {}
        # note key ("import: price_per_gpu_hour") → data row → note, keys in column order
        cell_notes: dict[str, dict[int, str]] = {}

        def err(i: int, plan: ColumnPlan | None, message: str) -> None:
            errors.setdefault(i, []).append((plan, message))

        self._cell_problems(indices, errors)
        gpus_col: list[Any] | None = None
        for name in ("_gpus_per_node", "num_gpus"):
            if name in self.by_field:
                plan = self.by_field[name]
                parsed = parse_ints(
                    self._column(rows, indices, plan.index),
                    "a whole number",
                    False,
                    self.locale,
                )
                gpus_col = parsed.values
        currency_col: list[str | None] | None = None
        if "currency" in self.by_field:
            plan = self.by_field["currency"]
            texts, errs = parse_texts(self._column(rows, indices, plan.index), "a currency", False)
            for i, message in errs.items():
                err(i, plan, message)
            currency_col = [t.upper() if t else None for t in texts]
            values["currency"] = [None] * n
            for i, code in enumerate(currency_col):
                if code and code not in self.ctx.rates.usd_per_unit:
                    err(
                        i,
                        plan,
                        f'"{texts[i]}" has no exchange rate: set one in the project '
                        f"(known: {', '.join(sorted(self.ctx.rates.usd_per_unit))})",
                    )
        for number, plan in enumerate(self.plans):
            self.tick(
                self.start + self.span * 0.5 * number / max(len(self.plans), 1),
                f'checking column {plan.letter} "{plan.header}"',
            )
            name = plan.spec.name
            if name == "currency":
                continue
            cells = self._column(rows, indices, plan.index)
            column = self._parse(plan, cells, err, gpus_col, currency_col, cell_notes)
            values[name] = column
        self._assemble(rows, indices, values, errors, cell_notes)

    def _parse(
        self,
        plan: ColumnPlan,
        cells: list[Any],
        err: Callable[[int, ColumnPlan | None, str], None],
        gpus: list[Any] | None,
        currency_col: list[str | None] | None,
        cell_notes: dict[str, dict[int, str]],
    ) -> list[Any]:
        spec = plan.spec
        # a corrections sheet leaves blank cells to the known row (import_lenient)
        required = spec.required and spec.name not in ("name",) and not self.partial
        unit = _UNIT_LABEL.get(spec.dimension, spec.unit)
        expected = f"a number ({unit})" if unit else "a number"
        if spec.kind in ("number", "int"):
            expected_int = f"a whole number ({unit})" if unit else "a whole number"
            col = (
                parse_ints(cells, expected_int, required, self.locale)
                if spec.kind == "int"
                else parse_numbers(cells, expected, required, self.locale)
            )
            self._convert(plan, cells, col, err, gpus, currency_col, cell_notes, unit)
            for i, message in col.errors.items():
                err(i, plan, message)
            return col.values
        if spec.kind == "bool":
            bools, errs = parse_bools(cells, "yes or no", required)
            for i, message in errs.items():
                err(i, plan, message)
            return bools
        if spec.kind == "enum":
            aliases = PRICING_ALIASES if spec.name == "pricing_model" else None
            enums, errs = parse_enums(
                cells, spec.choices, f"one of {', '.join(spec.choices)}", required, aliases
            )
            for i, message in errs.items():
                err(i, plan, message)
            return enums
        if spec.kind == "precision":
            texts, errs = parse_texts(cells, "a precision (fp16, bf16, fp8, int8, fp4)", False)
            out: list[Any] = [None] * len(cells)
            cache: dict[str, Precision | str] = {}
            for i, text in enumerate(texts):
                if text is None:
                    continue
                if text not in cache:
                    try:
                        cache[text] = Precision.parse(text)
                    except ValueError as exc:
                        cache[text] = str(exc)
                got = cache[text]
                if isinstance(got, Precision):
                    out[i] = got
                else:
                    err(
                        i,
                        plan,
                        f"{show(text)} is not a precision: expected one of fp16, bf16, "
                        "fp8, int8, fp4, nvfp4, mxfp4",
                    )
            for i, message in errs.items():
                err(i, plan, message)
            return out
        parse = parse_dates if spec.kind == "date" else parse_texts
        texts, errs = parse(cells, f"{spec.label.lower()} text", required)
        for i, message in errs.items():
            err(i, plan, message)
        target = _REFERENCES.get(spec.name)
        if target is not None:
            resolver = self.ctx.resolver(target)
            if not _COLUMNWISE:
                return self._resolve_rows(plan, texts, resolver, target, err, cell_notes)
            # each distinct text is resolved once: (id, None) / (None, problem), and the
            # note a row gets when the text is not the id itself
            outcome: dict[str | None, tuple[str | None, str | None]] = {None: (None, None)}
            noted: dict[str | None, str] = {}
            for text in dict.fromkeys(texts):
                if text is None:
                    continue
                row_id, message = resolver.resolve(text)
                if row_id is None:
                    outcome[text] = (None, self.ctx.rejected.pointer(target, text) or message)
                else:
                    outcome[text] = (row_id, None)
                    if row_id != text:
                        noted[text] = f'"{text}" matched {row_id}'
            resolved: list[Any] = [outcome[t][0] for t in texts]
            failed = {t: got[1] for t, got in outcome.items() if got[1] is not None}
            if failed:
                for i, text in enumerate(texts):
                    if text in failed:
                        err(i, plan, failed[text])
            if noted:
                cell_notes.setdefault(f"import: {spec.name}", {}).update(
                    {i: noted[t] for i, t in enumerate(texts) if t in noted}
                )
            return resolved
        return texts

    def _resolve_rows(
        self,
        plan: ColumnPlan,
        texts: list[str | None],
        resolver: "_Resolver",
        target: TableKind,
        err: Callable[[int, ColumnPlan | None, str], None],
        cell_notes: dict[str, dict[int, str]],
    ) -> list[Any]:
        """References resolved row by row (the reference for the column-wise path)."""
        resolved: list[Any] = [None] * len(texts)
        for i, text in enumerate(texts):
            if text is None:
                continue
            row_id, message = resolver.resolve(text)
            if row_id is None:
                err(i, plan, self.ctx.rejected.pointer(target, text) or message)
            else:
                resolved[i] = row_id
                if row_id != text:
                    cell_notes.setdefault(f"import: {plan.spec.name}", {})[i] = (
                        f'"{text}" matched {row_id}'
                    )
        return resolved

    def _convert(
        self,
        plan: ColumnPlan,
        cells: list[Any],
        col: NumberColumn,
        err: Callable[[int, ColumnPlan | None, str], None],
        gpus: list[Any] | None,
        currency_col: list[str | None] | None,
        cell_notes: dict[str, dict[int, str]],
        unit: str,
    ) -> None:
        spec, info = plan.spec, plan.info
        dim = spec.dimension
        vals = col.values
        factor = plan.factor
        money = dim in MONEY_DIMENSIONS
        rates = self.ctx.rates.usd_per_unit
        node_gpus = plan.header_node_gpus
        lo, hi = spec.plausible or (float("-inf"), float("inf"))
        if (
            _COLUMNWISE
            and not col.units
            and not col.currencies
            and not plan.divide_by_gpus
            and spec.name != "_system_output_tok_s"
            and not plan.notes
            and (not money or info.currency == "USD")
        ):
            # the common column: every value is only scaled and range-checked, with no
            # note — what the loop below does for it, column-wise
            read = vals  # the values as read (unchanged unless scaled)
            if factor != 1:
                read = list(vals)
                vals[:] = [None if v is None else v * factor for v in read]
            if _within(vals, lo, hi):  # no value outside: nothing to report (C-level min/max)
                return
            for i in [i for i, v in enumerate(vals) if v is not None and not lo <= v <= hi]:
                was, now = cast(float, read[i]), cast(float, vals[i])  # neither is None here
                col.errors[i] = _outside(cells[i], was, now, lo, hi, unit)
                vals[i] = None
            return
        for i, v in enumerate(vals):
            if v is None:
                continue
            f = factor
            note_parts: list[str] = []
            if i in col.units:
                converted = cell_factor(plan, col.units[i])
                if isinstance(converted, str):
                    col.errors[i] = f"{show(cells[i])} {converted}"
                    vals[i] = None
                    continue
                f, cell_note = converted
                if cell_note:
                    note_parts.append(cell_note)
            value = v * f
            if plan.divide_by_gpus:
                count = node_gpus or (gpus[i] if gpus is not None else None)
                if not count:
                    col.errors[i] = (
                        f'{show(cells[i])} is per node: add a "GPUs per node" '
                        "column or write the count in the header "
                        '(e.g. "Price per 8-GPU node per hour")'
                    )
                    vals[i] = None
                    continue
                value /= count
                note_parts.append(f"÷ {int(count)} GPUs per node")
            if spec.name == "_system_output_tok_s":
                count = gpus[i] if gpus is not None else None
                if not count:
                    col.errors[i] = 'system throughput needs the GPU count: add a "GPUs" column'
                    vals[i] = None
                    continue
                value /= count
            if money:
                stated = col.currencies.get(i) or info.currency
                code = stated or (currency_col[i] if currency_col is not None else None)
                if code is None:
                    note_parts.append("no currency stated: USD")
                elif code != "USD":
                    if code not in rates:
                        if stated:  # a currency column reports its own cell
                            col.errors[i] = (
                                f"{show(cells[i])} is in {code}, which has no exchange "
                                "rate: set one in the project"
                            )
                        vals[i] = None
                        continue
                    value *= rates[code]
                    note_parts.insert(0, f"{code} → USD at {rates[code]:g}")
            if plan.notes:
                note_parts.extend(plan.notes)
            if not lo <= value <= hi:
                col.errors[i] = _outside(cells[i], v, value, lo, hi, unit)
                vals[i] = None
                continue
            vals[i] = value
            if note_parts:
                cell_notes.setdefault(f"import: {spec.name}", {})[i] = (
                    f"{show(cells[i])} ({plan.header}): " + ", ".join(note_parts)
                )

    def _assemble(
        self,
        rows: list[list[Any]],
        indices: list[int],
        values: dict[str, list[Any]],
        errors: dict[int, list[tuple[ColumnPlan | None, str]]],
        cell_notes: dict[str, dict[int, str]],
    ) -> None:
        kind, raw, ctx = self.kind, self.raw, self.ctx
        builder = _BUILDERS[kind]
        model_fields = set(builder.model_fields)
        names = [n for n in values if n in model_fields]
        owned_names = [n for n in _OWNED_FIELDS if n in values]
        out = ctx.result.rows[kind]
        imported_at = ctx.result.imported_at
        resolver = ctx.resolvers.get(kind)
        pricing_assumed = kind == "offers" and "pricing_model" not in values
        id_given = "id" in values or self.partial  # a correction names an existing id
        loaded = skipped = 0
        make_prov = _ProvenanceFactory(raw.file, raw.name, imported_at)
        validate = _validator(builder)
        columns = [values[n] for n in names]
        tuples: Iterable[tuple[Any, ...]] = (
            zip(*columns, strict=True) if columns else [()] * len(rows)
        )
        # per-row constants, hoisted out of the loop
        is_offers = kind == "offers"
        is_measured = kind == "measured"
        is_accelerators = kind == "accelerators"
        is_models = kind == "models"
        report_only, partial = self.report_only, self.partial
        n_rows = len(rows)
        building = f"building {kind} from {raw.file}:{raw.name}"
        seen_ids = ctx.seen_ids
        file, sheet = raw.file, raw.name
        owned_columns = [(n, values[n]) for n in owned_names]
        system_tok_s = values.get("_system_output_tok_s") if is_measured else None
        source_urls = values.get("_source_url") if is_measured else None
        note_cols = self.note_columns
        cell_note_items = list(cell_notes.items())  # (note key, data row → note), few
        for i, (index, row, cells) in enumerate(zip(indices, rows, tuples, strict=True)):
            if i % CHECK_EVERY == 0:
                self.tick(self.start + self.span * (0.5 + 0.5 * i / n_rows), building)
            row_errors = errors.get(i)
            if row_errors:
                for plan, message in row_errors:
                    if message:  # "" marks a row whose problem was already reported
                        ctx.problem(self.where(index, plan), message)
                self._reject(values, i, index)
                skipped += 1
                continue
            if None in cells:
                data = {n: v for n, v in zip(names, cells, strict=True) if v is not None}
            else:  # cells has one value per name (zipped from those columns): not re-checked
                data = dict(zip(names, cells, strict=False))
            # built row by row (not a column at a time before the loop): the loop's
            # progress calls, which poll Cancel, stay CHECK_EVERY rows apart
            notes: dict[str, str] = {}
            if note_cols:
                for col, header in note_cols:
                    if col < len(row):
                        note = row[col]
                        if type(note) is str:  # is_blank/text_of of a plain str, inlined
                            note = note.strip()
                            if note:
                                notes[header] = note
                        elif note is not None:
                            notes[header] = text_of(note)
            for note_key, noted in cell_note_items:
                note = noted.get(i)
                if note is not None:
                    notes[note_key] = note
            if report_only:
                self._reject(values, i, index)
                skipped += 1
                continue
            if partial:
                known = self._known(index, data, notes)
                if known is None:
                    skipped += 1
                    continue
                data = known
            if is_accelerators:
                derive(data, notes)
            if is_offers:
                owned = (
                    {n: c[i] for n, c in owned_columns if c[i] is not None}
                    if owned_columns
                    else None
                )
                if owned:
                    for n in owned:
                        data.pop(n, None)
                    if "capex_per_gpu" not in owned:
                        plan = self.by_field.get("capex_per_gpu")
                        ctx.problem(
                            self.where(index, plan),
                            "missing: owned-cost columns need a capex per GPU (a number, USD)",
                        )
                        skipped += 1
                        continue
                    try:
                        data["owned"] = OwnedCost(**owned)
                    except ValidationError as exc:
                        self._validation_problems(index, exc)
                        skipped += 1
                        continue
                    if pricing_assumed or "pricing_model" not in data:
                        data["pricing_model"] = "owned"
                elif pricing_assumed or "pricing_model" not in data:
                    data["pricing_model"] = "on_demand"
                    notes["import: pricing_model"] = "not stated: on_demand assumed"
                data["currency"] = "USD"
            if system_tok_s is not None and "output_tokens_per_s_per_gpu" not in data:
                total = system_tok_s[i]
                if total is not None:
                    data["output_tokens_per_s_per_gpu"] = total
            if source_urls is not None and source_urls[i]:
                data["source"] = ": ".join(p for p in (data.get("source", ""), source_urls[i]) if p)
            if is_models and "id" not in data and "name" not in data:
                ctx.problem(self.where(index), "missing: expected a model name or id")
                skipped += 1
                continue
            row_id = data.get("id")
            if not row_id:
                row_id = self._generate_id(data)
                if not row_id:
                    ctx.problem(
                        self.where(index, self.by_field.get("id")),
                        "missing: expected an id (nothing to generate one from)",
                    )
                    skipped += 1
                    continue
                data["id"] = row_id
                notes["import: id"] = "generated from " + ", ".join(
                    p for p in _ID_PARTS[kind] if data.get(p) is not None
                )
            key = (kind, row_id)
            first = seen_ids.get(key)
            if first is not None:
                if id_given:
                    ctx.problem(
                        self.where(index, self.by_field.get("id")),
                        f'"{row_id}" is a duplicate id (first at {_at(first)}), '
                        "expected a unique id",
                    )
                    skipped += 1
                    continue
                suffix = ctx.suffixes.get(key, 2)
                while (kind, f"{row_id}-{suffix}") in seen_ids:
                    suffix += 1
                ctx.suffixes[key] = suffix + 1
                row_id = data["id"] = f"{row_id}-{suffix}"
                key = (kind, row_id)
            try:
                item = validate(data)
            except ValidationError as exc:
                self._validation_problems(index, exc)
                self._reject(values, i, index)
                skipped += 1
                continue
            seen_ids[key] = (file, sheet, index)
            prov = make_prov(index + 1, notes)
            out.append(_new_row(ImportedRow, (kind, item, prov)))  # ImportedRow(kind, item, prov)
            if resolver is not None:
                resolver.add(row_id, item)
            loaded += 1
        if kind in ("accelerators", "models"):
            ctx.resolvers.pop(kind, None)
        self.report.rows_loaded += loaded
        self.report.rows_skipped += skipped

    def _reject(self, values: dict[str, list[Any]], i: int, index: int) -> None:
        """Remember a row that was not imported, by its id and name."""
        names = [values[n][i] for n in ("id", "name") if n in values]
        self.ctx.rejected.add(self.kind, names, str(self.where(index)))

    def _known(
        self, index: int, data: dict[str, Any], notes: dict[str, str]
    ) -> dict[str, Any] | None:
        """A partial row merged into the known accelerator it names, or None (reported)."""
        text = str(data.get("id") or data.get("name") or "")
        plan = self.by_field.get("id") if data.get("id") else self.by_field.get("name")
        known_id, message = self.ctx.resolver("accelerators").resolve(text) if text else (None, "")
        known = None
        if known_id is not None:
            known = self.ctx.catalogue.table("accelerators").get(known_id)
            for row in self.ctx.result.rows["accelerators"]:
                if row.id == known_id:
                    known = row.item
        if known is None or known_id is None:
            if not self.missing_reported:  # the root cause, once, before its first effect
                self.missing_reported = True
                for spec in self.missing:
                    self._missing_problem(spec)
            why = message or "missing: expected the name or id of a known accelerator"
            labels = ", ".join(spec.label for spec in self.missing)
            self.ctx.problem(
                self.where(index, plan),
                f"{why}; without a {labels} column this sheet can only correct known accelerators",
            )
            return None
        return known_update(data, known_id, known, notes)

    def _generate_id(self, data: dict[str, Any]) -> str:
        parts = [data.get(p) for p in _ID_PARTS[self.kind]]
        if self.kind == "measured":
            parts = [f"{p}" for p in parts if p not in (None, "")]
        return _slug(parts)

    def _validation_problems(self, index: int, exc: ValidationError) -> None:
        for error in exc.errors():
            loc = [str(p) for p in error["loc"]]
            name = loc[-1] if loc else ""
            plan = self.by_field.get(name)
            message = str(error["msg"]).removeprefix("Value error, ")
            if plan is not None and "input" in error and not isinstance(error["input"], dict):
                message = f"{show(error['input'])}: {message}"
            self.ctx.problem(self.where(index, plan), message)


def _transposed(rows: list[list[Any]], wanted: Iterable[int]) -> dict[int, Sequence[Any]]:
    """The ``wanted`` columns that every row reaches, each as a sequence of its cells,
    taken in one C-level transposition (``zip(*…)`` over the rows' ``itemgetter`` tuples):
    the rows lie all over memory, and visiting each once for all the columns costs a third
    less than once per column."""
    shortest = min(map(len, rows)) if rows else 0
    columns = sorted({col for col in wanted if col < shortest})
    if len(columns) == 1:
        return {columns[0]: list(map(itemgetter(columns[0]), rows))}
    if not columns:
        return {}
    # the inner zip takes one cell per row from each column: all of equal length
    cells = zip(*map(itemgetter(*columns), rows), strict=True)
    return dict(zip(columns, cells, strict=True))


def _validator(builder: type[Frozen]) -> Callable[[dict[str, Any]], Frozen]:
    """``builder(**data)`` without BaseModel.__init__'s Python frame around the same
    validation (the model's own schema, errors and validators): ~0.7 µs of ~5 per row."""
    if cast(object, builder.__init__) is not BaseModel.__init__:  # a custom one must run
        return lambda data: builder(**data)
    # the bound method itself: a wrapper would add a Python frame per row
    return cast(Callable[[dict[str, Any]], Frozen], builder.__pydantic_validator__.validate_python)


def _within(values: list[float | None], lo: float, hi: float) -> bool:
    """True when every value that is not None lies in [lo, hi] (values are finite)."""
    present = values if None not in values else [v for v in values if v is not None]
    return not present or (
        lo <= min(cast(list[float], present)) and max(cast(list[float], present)) <= hi
    )


def _outside(cell: Any, read: float, value: float, lo: float, hi: float, unit: str) -> str:
    """The problem of a value (``read`` from ``cell``, ``value`` once converted) outside
    its field's plausible range."""
    converted = "" if value == read else f" is {value:.4g} {unit} after conversion,"
    return (
        f"{show(cell)}{converted} is outside the plausible range "
        f"{lo:g}–{hi:g} {unit}: check the value and the unit in the header"
    )


def _at(first: tuple[str, str, int]) -> str:
    return str(Location(file=first[0], sheet=first[1], row=first[2] + 1))


class _ProvenanceFactory:
    """Provenance for the rows of one sheet: the first is validated by pydantic; the rest,
    built from the same already-typed values (str, int, datetime, dict[str, str]), skip
    re-validation (100,000 validations cost ~0.7 s). If the model gains a field, the key
    check falls back to full validation. The values shared by the sheet's rows are put in
    a dict once; each row's is a copy of it with its row number and notes."""

    def __init__(self, file: str, sheet: str, at: datetime) -> None:
        self.fields: set[str] | None = None
        self.shared = {
            "origin": "imported",
            "file": file,
            "sheet": sheet,
            "row": None,
            "imported_at": at,
            "notes": None,
        }

    def __call__(self, row: int, notes: dict[str, str]) -> Provenance:
        values = dict(self.shared, row=row, notes=notes)
        if self.fields is None:
            first = Provenance(**values)
            if set(first.__dict__) == set(values):
                self.fields = set(values)
            return first
        item = _new(Provenance)
        _set_dict(item, "__dict__", values)
        _set_fields_set(item, self.fields)
        _set_extra(item, None)
        _set_private(item, None)
        return item


def _slot_setter(name: str) -> Callable[[Any, Any], None]:
    """The setter of BaseModel's ``name`` slot (what object.__setattr__ reaches by name)."""
    slot = BaseModel.__dict__.get(name)
    if slot is not None and hasattr(slot, "__set__"):
        return cast(Callable[[Any, Any], None], slot.__set__)
    return lambda item, value: object.__setattr__(item, name, value)


_new = object.__new__
_new_row = tuple.__new__
_set_dict = object.__setattr__
_set_fields_set = _slot_setter("__pydantic_fields_set__")
_set_extra = _slot_setter("__pydantic_extra__")
_set_private = _slot_setter("__pydantic_private__")


def _looks_like_note(text: str) -> bool:
    s = text.strip()
    return len(s.split()) >= 3 or s[:1] in "*†‡(#[" or s.lower().startswith(("note", "source"))


__all__ = [
    "ImportCancelled",
    "ImportResult",
    "ImportedRow",
    "SheetReport",
    "detect_kind",
    "import_files",
    "revert_import",
    "special_message",
]

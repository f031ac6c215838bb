"""What one GUI import pass does off the GUI thread, and what it leaves to ask the analyst.

Qt-free on purpose: the worker thread runs :func:`run_import_pass` and the controller
(:mod:`tokentco.ui.controllers.imports`) only shows its outcome and the dialogs. A pass:

1. imports the files (``import_files``) with the mapping and benchmark defaults given so far;
2. for every sheet the import could not read as a table (``sheets_to_map``), reads its
   header and first rows (in the isolated child, cancellable) and looks the header layout up
   in the :class:`~tokentco.io.import_mapping.MappingStore`; when mappings are remembered
   the import runs again with them, and a note per sheet says so (nothing applied
   silently); sheets still unread are left for the column-mapping dialog;
3. finds benchmark files whose runs do not say the GPU, the GPU count or the model, for
   the benchmark-defaults dialog.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tokentco.domain import Catalogue, ExchangeRates
from tokentco.io.bench_formats import BenchDefaults, detect, join_mlperf
from tokentco.io.errors import InputError, Location, Problem, one_line
from tokentco.io.import_mapping import ColumnMapping, MappingStore
from tokentco.io.import_preview import PREVIEW_ROWS, SheetPreview, sheets_to_map
from tokentco.io.import_values import is_blank, text_of
from tokentco.io.importer import ImportCancelled, ImportResult

ImportFn = Callable[..., ImportResult]
Cancelled = Callable[[], bool]
Report = Callable[[float, str], None]

BENCH_FIELDS = ("hardware", "num_gpus", "model")
"""What a benchmark file may leave unsaid (``BenchDefaults`` field names), in asking order."""


@dataclass(frozen=True)
class SheetToMap:
    """A sheet whose headers were not recognised, with what the mapping dialog shows."""

    path: Path
    preview: SheetPreview

    @property
    def key(self) -> tuple[str, str]:
        return (self.preview.file, self.preview.sheet)


@dataclass(frozen=True)
class BenchGap:
    """A benchmark file whose runs do not say some of :data:`BENCH_FIELDS`."""

    file: str
    missing: tuple[str, ...]


@dataclass
class PassOutcome:
    """One pass: the import result, notes to list with its problems, what to ask next."""

    result: ImportResult
    mapping: ColumnMapping | None
    bench: BenchDefaults | None
    notes: list[Problem] = field(default_factory=list)
    to_map: list[SheetToMap] = field(default_factory=list)
    bench_gaps: list[BenchGap] = field(default_factory=list)

    def listed(self) -> list[Problem]:
        """Notes first (they explain what was applied), then the import's problems, each
        message one line (control characters escaped, length capped) as on the command
        line, so a hostile cell cannot forge rows or flood the problems list."""
        return [
            Problem(p.location, one_line(p.message)) for p in (*self.notes, *self.result.problems)
        ]


def note(where: Location, text: str) -> Problem:
    """A line for the problems list that is information, not an error."""
    return Problem(where, f"note: {text}")


def combine(
    base: ColumnMapping | None, extra: Sequence[ColumnMapping], sheets: int
) -> ColumnMapping | None:
    """``base`` with each of ``extra`` on top. A mapping's table kind forces the kind of
    *every* sheet of an import, so it is kept only when the import has one sheet; with more
    the kind is detected from the mapped headers (the dialog shows the detected kind)."""
    merged = base or ColumnMapping()
    for mapping in extra:
        merged = merged.merged(mapping)
    if merged.kind is not None and sheets > 1:
        merged = ColumnMapping(columns=dict(merged.columns), kind=None)
    return merged or None


def table_sheets(result: ImportResult) -> int:
    """Spreadsheet sheets with content in a result (what a forced kind would apply to)."""
    return sum(1 for s in result.sheets if s.kind != "measured" and "empty" not in s.notes)


def previews(path: Path, cancelled: Cancelled, rows: int = PREVIEW_ROWS) -> list[SheetPreview]:
    """Header and first rows of each sheet, as ``import_preview.sheet_previews`` reads
    them, but cancellable (the child is killed at once) so Cancel stays prompt."""
    from tokentco.io.isolation import ReadCancelled, read_isolated

    try:
        sheets = read_isolated(path, cancelled=cancelled)
    except ReadCancelled:
        raise ImportCancelled("import cancelled") from None
    out: list[SheetPreview] = []
    for raw in sheets:
        for index, row in enumerate(raw.rows[:200]):
            if sum(isinstance(c, str) and bool(c.strip()) for c in row) >= 2:
                body = [r for r in raw.rows[index + 1 :] if not all(is_blank(c) for c in r)]
                headers = [text_of(c) for c in row]
                out.append(SheetPreview(raw.file, raw.name, headers, body[:rows], index + 1))
                break
    return out


def bench_gaps(
    paths: Sequence[Path], bench: BenchDefaults | None, cancelled: Cancelled = lambda: False
) -> list[BenchGap]:
    """Benchmark files among ``paths`` whose runs lack a GPU, GPU count or model even with
    ``bench`` applied (an MLPerf summary takes them from its system JSON when both are
    imported together). Files that cannot be read are the import's problems, not gaps."""
    from tokentco.io.isolation import ReadCancelled, read_bench_isolated

    defaults = bench or BenchDefaults()
    found = [(path, fmt) for path in paths if (fmt := detect(path))]
    try:  # parsed in the isolated child, like the import itself
        outcomes = read_bench_isolated(found, defaults, cancelled=cancelled) if found else []
    except ReadCancelled:
        raise ImportCancelled("import cancelled") from None
    runs = [run for outcome in outcomes if not isinstance(outcome, InputError) for run in outcome]
    missing: dict[str, set[str]] = {}
    for run in join_mlperf(runs, defaults):
        if run.problem or not run.tokens_per_s or run.format == "mlperf_system":
            continue
        lacks = {name for name in BENCH_FIELDS if not getattr(run, name)}
        if lacks:
            missing.setdefault(run.file, set()).update(lacks)
    return [
        BenchGap(file, tuple(n for n in BENCH_FIELDS if n in lacks))
        for file, lacks in missing.items()
    ]


def run_import_pass(
    import_files: ImportFn,
    paths: Sequence[Path],
    rates: ExchangeRates,
    *,
    catalogue: Catalogue | None,
    store: MappingStore | None,
    mapping: ColumnMapping | None = None,
    bench: BenchDefaults | None = None,
    skip: frozenset[tuple[str, str]] = frozenset(),
    progress: Report | None = None,
    cancelled: Cancelled = lambda: False,
) -> PassOutcome:
    """One import pass (see the module docstring). ``skip``: sheets the analyst already
    declined to map in this import (not offered again). Raises ``ImportCancelled``."""
    report = progress or (lambda _f, _m: None)

    def run(with_mapping: ColumnMapping | None, start: float, span: float) -> ImportResult:
        def scaled(*args: Any) -> None:
            numbers = [a for a in args if isinstance(a, int | float) and not isinstance(a, bool)]
            texts = [a for a in args if isinstance(a, str)]
            fraction = float(numbers[0]) if numbers else 0.0
            report(start + span * max(0.0, min(1.0, fraction)), texts[0] if texts else "")

        result: ImportResult = import_files(
            list(paths),
            rates,
            progress=scaled,
            cancel=cancelled,
            catalogue=catalogue,
            mapping=with_mapping,
            bench=bench,
        )
        return result

    result = run(mapping, 0.0, 0.8)
    outcome = PassOutcome(result=result, mapping=mapping, bench=bench)
    wanted = [key for key in sheets_to_map(result) if key not in skip]
    if wanted:
        by_name = {p.name: p for p in paths}
        found: dict[tuple[str, str], SheetToMap] = {}
        for name in dict.fromkeys(file for file, _ in wanted):
            if cancelled():
                raise ImportCancelled("import cancelled")
            path = by_name.get(name)
            if path is None:
                continue
            try:
                sheets = previews(path, cancelled)
            except InputError:  # it was read a moment ago; a change since is the next import's
                continue
            for preview in sheets:
                found[(preview.file, preview.sheet)] = SheetToMap(path, preview)
        to_map = [found[key] for key in wanted if key in found]
        recalled = [(s, store.recall(s.preview.headers)) for s in to_map] if store else []
        remembered = [(s, m) for s, m in recalled if m]
        if remembered:
            report(0.85, "applying remembered column mappings")
            count = table_sheets(result)
            outcome.mapping = combine(mapping, [m for _, m in remembered if m], count)
            outcome.result = result = run(outcome.mapping, 0.85, 0.15)
            still = set(sheets_to_map(result))
            for sheet, used in remembered:
                assert used is not None
                where = Location(file=sheet.preview.file, sheet=sheet.preview.sheet)
                columns = ", ".join(f'"{h}" → {m.as_text()}' for h, m in used.columns.items())
                outcome.notes.append(
                    note(
                        where,
                        "applied the column mapping remembered for these headers "
                        f"({columns or 'kind ' + str(used.kind)})"
                        + (
                            "; the sheet is still not readable with it"
                            if sheet.key in still
                            else ""
                        ),
                    )
                )
            to_map = [s for s in to_map if s.key in still]
        outcome.to_map = to_map
    outcome.bench_gaps = bench_gaps(paths, bench, cancelled)
    return outcome


__all__ = [
    "BENCH_FIELDS",
    "BenchGap",
    "PassOutcome",
    "SheetToMap",
    "bench_gaps",
    "combine",
    "note",
    "previews",
    "run_import_pass",
]

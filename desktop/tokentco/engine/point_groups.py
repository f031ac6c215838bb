"""Plan and estimate many published load points as arrays: each configuration once.

``points.plan_points`` resolves every request on its own — its serving options, workload,
legal layouts, efficiency lookup and one dict per case — and ``points.solve_points``
sweeps every case of every request. Rows of one file mostly share a configuration
(hardware, model, precision, engine, GPUs, layout, features) and differ in their lengths
and load; many rows are the very same case. So here:

* :class:`PointColumns` holds a table's requests as columns (``PointRequest.from_row`` of
  every row, each distinct cell text parsed once);
* :func:`plan_columns` resolves the first row of each configuration with ``points``' own
  per-request code and lays the others out as arrays (their cases repeat the
  representative's columns with their own input and output lengths), and keeps each
  distinct case — configuration, layout, lengths and load target — once;
* :func:`solve_grouped` sweeps the distinct cases in cache-sized chunks, picks each case's
  best level and each request's best case as arrays, with ``solve_points``' rules.

``plan_points_grouped`` (the plan expanded back to one entry per case) equals
``plan_points`` field for field, and :func:`solve_grouped` gives ``solve_points``'s
estimates (``tests/unit/test_point_groups.py`` checks both on randomised tables).
"""

import functools
import itertools
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar, cast

import numpy as np
from annotated_types import Ge, Le

from tokentco.domain import Catalogue, Workload
from tokentco.engine.calibration import DEFAULT_CALIBRATION, Calibration
from tokentco.engine.efficiency import Efficiency
from tokentco.engine.estimator import Figures, batch_at, picked, sweep_figures
from tokentco.engine.points import (
    LEVELS,
    MLPERF_MEAN_ISL,
    SHARED_CELLS,
    SHARED_FIELDS,
    LoadTarget,
    PointEstimates,
    PointPlan,
    PointRequest,
    Status,
    _plan_request,
    load_target,
    read_number,
    read_shared_cells,
)
from tokentco.engine.results import Binding, BoolArray, FloatArray, IntArray
from tokentco.engine.terms import CaseTerms, ModelTerms, stack_cases, stack_models

CHUNK_POINTS = 2048 * LEVELS
"""Grid points (cases × levels) per estimator call at most: ~100,000, so each of the
estimator's temporaries stays in cache instead of streaming 25,000 × 48 arrays through
memory (about twice as fast; the estimator is elementwise, so the floats are the same).
1,024 cases of 48 levels a chunk measured as fast within the machine's noise, at ~5 %
more instructions (each call costs ~2.5 million of its own); cases swept at fewer levels
go more to a chunk (``_chunks``)."""

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

Targets = tuple[FloatArray, FloatArray, BoolArray]
"""Distinct cases' TTFT bound and interactivity floor (as columns) and whether each is
read off a measured curve."""


def _length_bounds(name: str) -> tuple[int, int]:
    """The ``Workload`` field's [ge, le] range (read from the model, not restated)."""
    low, high = 1, 2**62
    for rule in Workload.model_fields[name].metadata:
        if isinstance(rule, Ge):
            low = int(rule.ge)  # type: ignore[call-overload]
        elif isinstance(rule, Le):
            high = int(rule.le)  # type: ignore[call-overload]
    return low, high


@dataclass(frozen=True)
class PointColumns:
    """Point requests as columns, one entry per row (the fields of ``PointRequest``)."""

    id: list[str]
    hardware_id: list[str]
    model_id: list[str]
    precision: list[str]
    engine: list[str]
    num_gpus: list[int | None]
    tp: list[int | None]
    ep: list[int | None]
    pp: list[int | None]
    isl: list[float | None]
    osl: list[float | None]
    scenario: list[str]
    latency_constraint: list[str]
    disaggregated: list[bool]
    spec_decoding: list[bool]
    source: list[str]
    problem: list[str]
    kind: IntArray | None = field(default=None, compare=False)
    """Per row (from a table): its index among the distinct texts of its ``SHARED_CELLS``;
    rows of one kind are alike in all but their id and lengths (None: not known)."""

    def __len__(self) -> int:
        return len(self.id)

    def request(self, index: int) -> PointRequest:
        """Row ``index`` as a ``PointRequest``."""
        return PointRequest(**{f.name: getattr(self, f.name)[index] for f in fields(PointRequest)})

    @classmethod
    def from_requests(cls, requests: Sequence[PointRequest]) -> "PointColumns":
        values: dict[str, Any] = {
            f.name: [getattr(r, f.name) for r in requests] for f in fields(PointRequest)
        }
        return cls(**values)

    @classmethod
    def from_cells(
        cls,
        column: Callable[[str], Sequence[str | None]],
        size: int,
        rows: Callable[[Sequence[str]], Sequence[tuple[str | None, ...]] | None] | None = None,
    ) -> "PointColumns":
        """``PointRequest.from_row`` of each row of a calibration-format table, a column at
        a time: ``column(name)`` gives that column's cells (None where a row has none);
        ``rows(names)``, when given, each row's cells of those columns (or None, then the
        columns are read). Rows come in runs of one configuration and load: the
        ``SHARED_CELLS`` are read once per distinct combination (each row's hashed once),
        its id and lengths per row."""
        shared = rows(SHARED_CELLS) if rows is not None else None
        if shared is None:
            shared = list(
                zip(*[column(name) or [None] * size for name in SHARED_CELLS], strict=True)
            )
        kind, combinations = factorize_repeated(shared)
        read = [
            read_shared_cells(dict(zip(SHARED_CELLS, cells, strict=True))) for cells in combinations
        ]
        numbers: dict[str, list[float | None]] = {}
        problems: dict[str, list[str]] = {}
        for name in ("isl", "osl"):
            cells = column(name)
            memo = {t: read_number(name, t or "") for t in set(cells) or {""}}
            values = {t: v for t, (v, _) in memo.items()}
            numbers[name] = list(map(values.__getitem__, cells)) if cells else [None] * size
            if any(p for _, p in memo.values()):
                said = {t: p for t, (_, p) in memo.items()}
                problems[name] = list(map(said.__getitem__, cells))

        def spread(name: str) -> list[Any]:
            """The row's kind's value of field ``name``, per row."""
            return _taken([fields_of[name] for fields_of in read], kind)

        joined = spread("problem")
        flagged = np.zeros(size, bool)
        for reported in problems.values():
            flagged |= np.fromiter(map(bool, reported), bool, size)
        for index in np.flatnonzero(flagged).tolist():
            own = [said[index] for said in problems.values()]  # isl's, osl's, in that order
            at = read[int(kind[index])]
            joined[index] = "; ".join(filter(None, [*at["before"], *own, at["after"]]))
        ids = column("id")
        return cls(
            id=list(map(str.strip, cast(Sequence[str], ids)))
            if ids and None not in ids
            else _mapped(ids, size, lambda t: t.strip()),
            **{name: spread(name) for name in SHARED_FIELDS},
            isl=numbers["isl"],
            osl=numbers["osl"],
            problem=joined,
            kind=kind,
        )


def _taken(values: list[Any], index: IntArray) -> list[Any]:
    """``[values[i] for i in index]`` in C (an object array's gather)."""
    table = np.empty(len(values), object)
    table[:] = values
    return cast(list[Any], table[index].tolist())


def _mapped(cells: Sequence[str | None], size: int, parse: Callable[[str], T]) -> list[T]:
    """``parse(cell or "")`` of every cell, each distinct text parsed once."""
    if not cells:
        return [parse("")] * size
    memo = {t: parse(t or "") for t in set(cells)}
    return list(map(memo.__getitem__, cells))


@dataclass(frozen=True)
class GroupedPlan:
    """Requests resolved to estimator cases, each distinct case kept once.

    ``unique_*`` hold the distinct cases' load targets; their terms are their rows' in
    ``case_table`` and ``model_table`` (the representatives' cases, a few hundred, one
    column each, a term a row: ``_CASE_TABLE``, ``_MODEL_TABLE``), but for the terms in
    ``unique_own`` (lengths and queue limit), which are their own: ``cases_at`` and
    ``models_at`` gather the terms of some of them, ``unique_cases`` and
    ``unique_models`` those of all. ``case`` maps every case of every request (in
    ``plan_points``' order) to its distinct case, and ``owner`` gives the request it
    belongs to."""

    ids: tuple[str, ...]
    status: tuple[str, ...]  # 'ok' or why a request has no cases
    keys: tuple[tuple[str, str, str], ...]
    case_table: FloatArray
    model_table: FloatArray
    unique_row: IntArray
    unique_own: dict[str, FloatArray]
    unique_max_ttft_ms: FloatArray
    unique_min_tokens_per_s_per_user: FloatArray
    unique_fixed_concurrency: FloatArray
    unique_read_off_curve: BoolArray
    case: IntArray
    owner: IntArray

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def unique_size(self) -> int:
        """How many distinct cases there are."""
        return int(self.unique_row.size)

    def cases_at(self, part: IntArray | slice) -> CaseTerms:
        """The terms of the distinct cases ``part``: one gather from the (small) table
        takes every term (a gather per term costs several times as much)."""
        rows = self.case_table.take(self.unique_row[part], axis=1)  # C order: each term's
        # row contiguous, as the estimator's loops want them (``[:, rows]`` strides them)
        taken = dict(zip(_CASE_TABLE, rows, strict=True))
        return CaseTerms(**taken, **{name: own[part] for name, own in self.unique_own.items()})

    def models_at(self, part: IntArray | slice) -> ModelTerms:
        """The model terms of the distinct cases ``part``."""
        taken = self.model_table.take(self.unique_row[part], axis=1)
        return ModelTerms(**dict(zip(_MODEL_TABLE, taken, strict=True)))

    def column_at(self, name: str, part: IntArray | slice) -> FloatArray:
        """The case term ``name`` of the distinct cases ``part``."""
        own = self.unique_own.get(name)
        if own is not None:
            return own[part]
        row: FloatArray = self.case_table[_CASE_TABLE.index(name)]
        return row[self.unique_row[part]]

    @functools.cached_property
    def unique_cases(self) -> CaseTerms:
        """Every distinct case's terms (gathered once, when first asked for)."""
        return self.cases_at(slice(None))

    @functools.cached_property
    def unique_models(self) -> ModelTerms:
        """Every distinct case's model terms."""
        return self.models_at(slice(None))

    def point_plan(self, requests: Sequence[PointRequest]) -> PointPlan:
        """The plan with one entry per case, as ``points.plan_points`` lays it out."""
        pick = self.case
        return PointPlan(
            requests=tuple(requests),
            status=self.status,
            keys=self.keys,
            cases=self.cases_at(pick),
            models=self.models_at(pick),
            owner=self.owner,
            max_ttft_ms=self.unique_max_ttft_ms[pick],
            min_tokens_per_s_per_user=self.unique_min_tokens_per_s_per_user[pick],
            fixed_concurrency=self.unique_fixed_concurrency[pick],
            read_off_curve=self.unique_read_off_curve[pick],
        )


_KIND = (
    "hardware_id", "model_id", "precision", "engine", "num_gpus", "tp", "ep", "pp",
    "disaggregated", "spec_decoding", "problem", "isl_stated", "osl_stated",
    "source", "scenario", "latency_constraint",
)  # fmt: skip
"""What rows of one kind share: what ``_plan_request`` reads of a request but its lengths
(whether each is stated instead), and what its MLPerf reading and load target read."""
_CONFIGURATION = _KIND[:13]
"""What ``_plan_request`` reads of a request but its lengths and its MLPerf reading."""


def _row_kinds(
    columns: PointColumns, isl: FloatArray, osl: FloatArray
) -> tuple[IntArray, list[dict[str, Any]]]:
    """Each row's kind (rows alike in ``_KIND``, numbered in first-seen order) and each
    kind's values. A file's rows are of few kinds: each row is hashed once here (or not
    at all when the columns know their rows' kinds of cells), and its MLPerf reading, load
    target, configuration and model are looked up from its kind's."""
    stated = {"isl_stated": ~np.isnan(isl), "osl_stated": ~np.isnan(osl)}
    if columns.kind is None:
        per_row = [
            stated[name].tolist() if name in stated else getattr(columns, name) for name in _KIND
        ]
        kind, keys = factorize(list(zip(*per_row, strict=True)))
        return kind, [dict(zip(_KIND, key, strict=True)) for key in keys]
    # rows of one kind of cells differ at most in whether each length is stated and in
    # the problems of their lengths (in ``problem``)
    problem, problems = factorize(columns.problem)
    code = (columns.kind * len(problems) + problem) * 4
    kind, first = _first_seen(code + stated["isl_stated"] * 2 + stated["osl_stated"])
    values = {name: getattr(columns, name) for name in _KIND if name not in stated}
    values |= {name: flags.tolist() for name, flags in stated.items()}
    return kind, [{name: values[name][row] for name in _KIND} for row in first.tolist()]


def _first_seen(code: IntArray) -> tuple[IntArray, IntArray]:
    """Each code's index among the distinct codes in first-seen order, and the first
    position of each distinct code."""
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return rank[inverse.reshape(-1)].astype(np.int64), first[order].astype(np.int64)


def _is_mlperf(kind: dict[str, Any]) -> bool:
    """``points.is_mlperf`` of a request of this kind."""
    return "mlperf" in (kind["source"] + " " + kind["scenario"]).lower()


def plan_points_grouped(
    requests: Sequence[PointRequest],
    catalogue: Catalogue,
    calibration: Calibration | None = None,
    efficiency_override: Efficiency | None = None,
) -> PointPlan:
    """``points.plan_points(requests, …)``, resolving each configuration once."""
    columns = PointColumns.from_requests(requests)
    grouped = plan_columns(columns, catalogue, calibration, efficiency_override)
    return grouped.point_plan(requests)


def plan_columns(
    columns: PointColumns,
    catalogue: Catalogue,
    calibration: Calibration | None = None,
    efficiency_override: Efficiency | None = None,
) -> GroupedPlan:
    """Resolve every row of ``columns``: the first row of each configuration whose lengths
    make a workload goes through ``points``' per-request planning; the configuration's
    other such rows take its cases (or its failure) with their own lengths. A row whose
    lengths make no workload fails; its reason is that of the first row of its
    configuration whose lengths fail the same checks (``_plan_request`` reads the lengths
    only to check them; it says which check fails first, not the value)."""
    cal = calibration or DEFAULT_CALIBRATION
    n = len(columns)
    raw_isl, raw_osl = _floats(columns.isl, n), _floats(columns.osl, n)
    kind, kinds = _row_kinds(columns, raw_isl, raw_osl)
    mlperf = np.array([_is_mlperf(k) for k in kinds], bool)
    target_of, target_pairs = factorize([(k["scenario"], k["latency_constraint"]) for k in kinds])
    targets = [load_target(*pair) for pair in target_pairs]
    target_index = target_of[kind]
    configuration_of, _ = factorize(
        [
            (*(k[name] for name in _CONFIGURATION), bool(m))
            for k, m in zip(kinds, mlperf, strict=True)
        ]
    )
    gid = configuration_of[kind]
    model_of, model_ids = factorize([k["model_id"] for k in kinds])
    isl, osl, known, isl_ok, osl_ok = _workload_lengths(
        raw_isl, raw_osl, mlperf[kind], model_of[kind], model_ids, catalogue
    )
    valid = known & isl_ok & osl_ok

    rows: list[dict[str, float]] = []  # the representatives' cases only
    models: list[ModelTerms] = []
    terms: dict[str, ModelTerms] = {}
    # planned one by one: the first row of each configuration and pair of length checks
    # (a row whose lengths make no workload fails, for a reason its configuration and which
    # of its lengths pass give); the other rows take that row's outcome
    group, alone = _first_seen((gid * 2 + isl_ok) * 2 + osl_ok)
    key_of: list[tuple[str, str, str]] = []
    reason_of: list[str] = []
    span_of = np.zeros((alone.size, 2), np.int64)  # per row alone: its cases' start, count
    for at, index in enumerate(alone.tolist()):
        start = len(rows)
        key, reason = _plan_request(
            index, columns.request(index), catalogue, cal, efficiency_override, rows, models, [],
            terms,
        )  # fmt: skip
        key_of.append(key)
        reason_of.append(reason or Status.OK)
        span_of[at] = start, len(rows) - start
    # each row's outcome: its group's representative's (the first row of the group)
    found = group.tolist()
    keys = list(map(key_of.__getitem__, found))
    status = list(map(reason_of.__getitem__, found))
    span_start = span_of[found, 0].reshape(n)
    span_size = span_of[found, 1].reshape(n)
    if not rows:
        none = np.zeros(0, np.int64)
        return GroupedPlan(
            tuple(columns.id),
            tuple(status),
            tuple(keys),
            np.zeros((len(_CASE_TABLE), 0)),
            np.zeros((len(_MODEL_TABLE), 0)),
            none,
            {name: np.zeros(0) for name in _OWN},
            np.zeros(0),
            np.zeros(0),
            np.zeros(0),
            np.zeros(0, bool),
            none,
            none,
        )
    # every case: its request, the representative row it copies, its lengths and target
    owner = np.repeat(np.arange(n, dtype=np.int64), span_size)
    within = np.arange(owner.size, dtype=np.int64) - np.repeat(
        np.cumsum(span_size) - span_size, span_size
    )
    source = span_start[owner] + within
    case_isl, case_osl, case_target = isl[owner], osl[owner], target_index[owner]
    base = stack_cases(rows)
    # a representative's own cases keep their lengths (a failed row's own, unvalidated)
    own = ~valid[owner]
    case_isl = np.where(own, base.isl[source], case_isl)
    case_osl = np.where(own, base.osl[source], case_osl)
    case, unique = _distinct(source, case_isl, case_osl, case_target)
    chosen = case_target[unique]
    return GroupedPlan(
        ids=tuple(columns.id),
        status=tuple(status),
        keys=tuple(keys),
        case_table=_table(base, _CASE_TABLE),
        model_table=_table(stack_models(models), _MODEL_TABLE),
        unique_row=source[unique],
        unique_own={
            "isl": case_isl[unique],
            "osl": case_osl[unique],
            # the open-loop queue's TTFT limit belongs to the load target, not the
            # configuration
            "queue_ttft_s": _target_column(targets, lambda t: t.queue_ttft_s)[chosen],
        },
        unique_max_ttft_ms=_target_column(targets, lambda t: t.max_ttft_ms or np.inf)[chosen],
        unique_min_tokens_per_s_per_user=_target_column(
            targets, lambda t: t.min_tokens_per_s_per_user or 0.0
        )[chosen],
        unique_fixed_concurrency=_target_column(targets, lambda t: t.concurrency or 0.0)[chosen],
        unique_read_off_curve=np.array([t.concurrency is not None for t in targets], bool)[chosen],
        case=case,
        owner=owner,
    )


_OWN = ("isl", "osl", "queue_ttft_s")
"""The terms each distinct case holds itself (``GroupedPlan.unique_own``)."""
_CASE_TABLE = tuple(f.name for f in fields(CaseTerms) if f.name not in _OWN)
"""The rows of ``GroupedPlan.case_table``: the case terms a case takes from its row."""
_MODEL_TABLE = tuple(f.name for f in fields(ModelTerms))
"""The rows of ``GroupedPlan.model_table``."""


def _table(terms: Any, names: tuple[str, ...]) -> FloatArray:
    """The arrays ``names`` of the dataclass ``terms`` as the rows of one table."""
    return np.stack([np.asarray(getattr(terms, name), np.float64) for name in names])


def factorize(keys: Sequence[Hashable]) -> tuple[IntArray, list[Any]]:
    """Each key's index among the distinct keys (in first-seen order), and those keys."""
    return numbered(keys, len(keys))


def numbered(keys: Iterable[K], size: int) -> tuple[IntArray, list[K]]:
    """Each of the ``size`` keys' index among the distinct keys (in first-seen order), and
    those keys. Each key is hashed once, in a C loop: ``setdefault`` keeps the position
    where a key is first seen (tuples do not cache their hash, so a second lookup would
    hash again); the keys may come from an iterator (no list of them is built)."""
    first: dict[K, int] = {}
    seen = np.fromiter(map(first.setdefault, keys, itertools.count()), np.int64, size)
    return _ranks(seen, first), list(first)


def _ranks(seen: IntArray, first: dict[Any, int]) -> IntArray:
    """Each key's code from the position where it is first seen (``seen``): the dict keeps
    its keys in the order they were first seen, so its values are those positions in that
    order and a key's code is its first position's rank among them (no sort)."""
    rows = np.fromiter(first.values(), np.int64, len(first))
    rank = np.empty(seen.size, np.int64)
    rank[rows] = np.arange(rows.size)
    return rank[seen]


def factorize_repeated(keys: Sequence[Hashable]) -> tuple[IntArray, list[Any]]:
    """``factorize(keys)`` for keys that mostly repeat as the very same objects (a
    table's rows of shared cells, one tuple per combination): the rows are told apart by
    object first (an ``id`` hashes in no time, a tuple hashes every cell), then the
    distinct objects by value."""
    first: dict[int, int] = {}
    seen = np.fromiter(map(first.setdefault, map(id, keys), itertools.count()), np.int64, len(keys))
    code, distinct = factorize([keys[row] for row in first.values()])
    return code[_ranks(seen, first)], distinct


def _workload_lengths(
    raw_isl: FloatArray,
    raw_osl: FloatArray,
    mlperf: BoolArray,
    model: IntArray,
    model_ids: list[str],
    catalogue: Catalogue,
) -> tuple[FloatArray, FloatArray, BoolArray, BoolArray, BoolArray]:
    """Per row (its stated lengths, NaN where none, whether it is an MLPerf row and its
    model's index in ``model_ids``): the workload's input and output lengths as
    ``_plan_request`` builds them (``max(round(isl), 1)``, ``max(int(osl), 1)``, the MLPerf
    dataset mean where the row has no input length), whether its model is known and
    whether each length is one a ``Workload`` takes (a valid workload where all three
    hold)."""
    known = np.array([catalogue.models.get(m) is not None for m in model_ids], bool)
    dataset_isl = np.array([MLPERF_MEAN_ISL.get(m, np.nan) for m in model_ids], np.float64)
    raw_isl = raw_isl.copy()
    unstated = np.isnan(raw_isl) & mlperf
    raw_isl[unstated] = dataset_isl[model[unstated]]
    isl = np.maximum(np.rint(raw_isl), 1.0)  # round() halves to even, as rint does
    osl = np.maximum(np.trunc(raw_osl), 1.0)
    (isl_low, isl_high), (osl_low, osl_high) = map(_length_bounds, ("isl_tokens", "osl_tokens"))
    with np.errstate(invalid="ignore"):
        isl_ok = (isl >= isl_low) & (isl <= isl_high)
        osl_ok = (osl >= osl_low) & (osl <= osl_high)
    return isl, osl, known[model], isl_ok, osl_ok


def _floats(values: Sequence[float | None], size: int) -> FloatArray:
    """The values as floats, NaN for None (numpy's own conversion of None)."""
    return np.array(values, np.float64).reshape(size)


def _distinct(
    source: IntArray, isl: FloatArray, osl: FloatArray, target: IntArray
) -> tuple[IntArray, IntArray]:
    """Each case's index among the distinct (source row, lengths, target) cases, and the
    first case of each distinct one (in first-seen order)."""
    packed = _packed((source, target, isl, osl))
    if packed is not None:
        return _first_seen(packed)
    pair_a = _codes(source * (int(target.max()) + 1) + target)
    pair_b = _codes(_codes(isl) * (int(osl.size) + 1) + _codes(osl))
    key = pair_a * (int(pair_b.max()) + 1) + pair_b
    return _first_seen(key)  # distinct cases in first-seen order


def _packed(columns: tuple[np.ndarray, ...]) -> IntArray | None:
    """The columns' values as one integer per row, equal where every column's value is
    (mixed-radix digits), when all are whole numbers in [0, 2**52] whose ranges multiply
    to below 2**62; else None (then ``_distinct`` codes each column apart). One sort
    instead of five for a file's lengths."""
    key = np.zeros(columns[0].size, np.int64)
    room = 1
    for column in columns:
        with np.errstate(invalid="ignore"):
            whole = bool(np.all((column >= 0) & (column <= 2**52) & (column == np.trunc(column))))
        if not whole:
            return None
        digits = column.astype(np.int64)
        radix = int(digits.max()) + 1 if digits.size else 1
        room *= radix
        if room >= 2**62:
            return None
        key = key * radix + digits
    return key


def _codes(values: np.ndarray) -> IntArray:
    _, inverse = np.unique(values, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64)


def _target_column(targets: list[LoadTarget], value: Callable[[LoadTarget], float]) -> FloatArray:
    return np.array([value(t) for t in targets], np.float64)


def solve_grouped(plan: GroupedPlan) -> PointEstimates:
    """``points.solve_points`` of the expanded plan, sweeping each distinct case once.

    Per distinct case: the best level by ``solve_points``' score (the highest output
    tokens/s/GPU meeting the load target; for a row read off a measured curve, else the
    feasible point closest to its interactivity); per request: its best case (the first
    of equals), as ``solve_points`` chooses."""
    n = plan.size
    status = list(plan.status)
    out, user, ttft, conc, gpus = (np.full(n, np.nan) for _ in range(5))
    binding = [""] * n
    if plan.owner.size:
        best, level_of = _best_levels(plan)
        owners = plan.owner
        chosen = _first_best(best["score"][plan.case], owners)
        idx = owners[chosen]
        u = plan.case[chosen]
        good = best["score"][u] > -2.5
        got, ug = idx[good], u[good]
        out[got] = best["out"][ug]
        user[got] = best["user"][ug]
        ttft[got] = best["ttft"][ug]
        conc[got] = best["conc"][ug]
        gpus[got] = plan.column_at("gpus", ug)
        any_ok = np.zeros(n, dtype=bool)
        np.logical_or.at(any_ok, owners, level_of["any_ok"][plan.case])
        codes, code_of = np.unique(best["binding"][ug], return_inverse=True)
        labels = np.array([Binding(int(c)).label for c in codes.tolist()], object)
        named = np.full(n, "", object)
        named[got] = labels[code_of.reshape(-1)]
        binding = named.tolist()
        for request in idx[~good].tolist():
            status[request] = Status.TARGET_MISSED if any_ok[request] else Status.DOES_NOT_FIT
    return PointEstimates(
        ids=plan.ids,
        output_tokens_per_s_per_gpu=out,
        tokens_per_s_per_user=user,
        ttft_ms=ttft,
        concurrency=conc,
        gpus_per_replica=gpus,
        binding=tuple(binding),
        status=tuple(status),
    )


def _first_best(score: FloatArray, owners: IntArray) -> IntArray:
    """Per owner (``owners`` ascending, each owner's cases one run): the position of its
    first case of the highest score, NaN ranking below every number (what a stable sort
    by owner and falling score puts first)."""
    starts = np.flatnonzero(np.diff(owners, prepend=-1))
    high = np.fmax.reduceat(score, starts)  # NaN only where a run is all NaN
    runs = np.repeat(np.arange(starts.size), np.diff(starts, append=score.size))
    top = high[runs]
    at_top = (score == top) | np.isnan(top)
    where = np.where(at_top, np.arange(score.size), score.size)
    return np.asarray(np.minimum.reduceat(where, starts), np.int64)


def _best_levels(plan: GroupedPlan) -> tuple[dict[str, FloatArray], dict[str, BoolArray]]:
    """Per distinct case: its best score and the figures at that level (chunked sweeps).

    A case whose grid is one concurrency repeated (a row that fixes it) is swept at that
    one level: its levels are the same point, and ``argmax`` keeps the first of equals.
    Another case is swept only up to its first level above the batch it runs at its top
    level (see :func:`_levels_needed`; ``batch_at`` gives that batch without a sweep): the
    levels beyond are that same point again. The cases of each kind (``_kinds``) are
    swept in chunks of their own, of similar level counts, each chunk's terms gathered
    as it is swept."""
    size = plan.unique_size
    cap = plan.column_at("max_concurrency", slice(None))
    # one geometric grid per distinct engine cap (geomspace is elementwise per row)
    caps, cap_of = np.unique(cap, return_inverse=True)
    cap_of = cap_of.reshape(-1)
    grids = np.geomspace(np.ones_like(caps), caps, LEVELS, axis=1)
    fixed = plan.unique_fixed_concurrency
    constant = (fixed > 0) | (grids[:, 0] == grids[:, -1])[cap_of]
    alone = np.where(fixed > 0, np.minimum(fixed, cap), grids[cap_of, 0])
    top, kind = _tops_and_kinds(plan, grids[cap_of, -1])
    needed = np.ones(size, np.int64)
    swept = np.flatnonzero(~constant)
    needed[swept] = _levels_needed_in_blocks(grids, cap_of[swept], top[swept])
    order = np.lexsort((needed, kind))  # similar level counts side by side
    needed, kind = needed[order], kind[order]
    names = ("score", "out", "user", "ttft", "conc", "binding")
    best = {name: np.empty(size) for name in names}
    any_ok = np.empty(size, dtype=bool)
    targets: Targets = (
        plan.unique_max_ttft_ms[:, None],
        plan.unique_min_tokens_per_s_per_user[:, None],
        plan.unique_read_off_curve,
    )
    _keep_chunks_in_the_heap()
    for at in _chunks(kind, needed):
        part = order[at]
        grid = grids[cap_of[part], : int(needed[at.stop - 1])]
        held = np.flatnonzero(constant[part])
        grid[held] = alone[part[held], None]  # its one level, repeated
        result = sweep_figures(plan.cases_at(part), plan.models_at(part), grid)
        _best_of(result, _aims(targets, part), part, best, any_ok)
    return best, {"any_ok": any_ok}


def _keep_chunks_in_the_heap() -> None:
    """Take and free one block larger than a chunk sweep's working set (~230 bytes a
    grid point at most). glibc's malloc then serves smaller blocks from its heap and
    gives the heap's top back to the system only once twice that block is free
    (mallopt(3): the thresholds follow the largest block freed): the memory of one
    chunk's temporaries, all freed when its sweep ends, is the next chunk's, instead of
    being handed back and faulted in again (~3 µs a page; 34,000 → 10,000 faults per
    20,000 rows). np.empty touches no page; other allocators just free it."""
    np.empty(CHUNK_POINTS * 32)


def _tops_and_kinds(plan: GroupedPlan, top: FloatArray) -> tuple[FloatArray, IntArray]:
    """Per distinct case: the batch it runs at its top level ``top`` (``batch_at``) and
    its kind (``_kinds``), a block of cases at a time (no case-sized copy of its terms)."""
    size = plan.unique_size
    batch, kind = np.empty(size), np.empty(size, np.int64)
    for lo in range(0, size, _BLOCK):
        at = slice(lo, lo + _BLOCK)
        cases, models = plan.cases_at(at), plan.models_at(at)
        batch[at] = batch_at(cases, models, top[at])
        kind[at] = _kinds(cases, models)
    return batch, kind


def _chunks(kind: IntArray, needed: IntArray) -> list[slice]:
    """Runs of one kind (``kind`` sorted, ``needed`` ascending within each run) cut into
    chunks of at most ``CHUNK_POINTS`` grid points (cases × the last one's levels), at
    least one case each, whose cases need at most twice the levels of the first (a case
    swept at more levels than it needs costs their points: the fixed cases' one level
    is not swept at a swept case's dozens)."""
    chunks = []
    starts = np.flatnonzero(np.diff(kind, prepend=-1))
    for start, stop in zip(starts.tolist(), [*starts[1:].tolist(), kind.size], strict=True):
        lo = start
        while lo < stop:
            width = needed[lo:stop]  # ascending, so the cases that fit come first
            points = np.arange(1, stop - lo + 1) * width
            fits = (points <= CHUNK_POINTS) & (width <= 2 * width[0])
            hi = lo + max(int(np.count_nonzero(fits)), 1)
            chunks.append(slice(lo, hi))
            lo = hi
    return chunks


def _kinds(cases: CaseTerms, models: ModelTerms) -> IntArray:
    """Per case, which of the estimator's optional terms it has: drafting, the open-loop
    queue, routed experts, TP and EP traffic, disaggregation. A chunk of one kind skips
    every term none of its cases has (the estimator leaves out what is zero for all),
    while the floats of each case do not depend on the others in its chunk."""
    flags = (
        cases.spec_verify_tokens > 1.0,
        cases.queue_ttft_s > 0.0,
        models.experts_per_token > 0.0,
        cases.tp > 1.0,
        cases.ep > 1.0,
        cases.disaggregated > 0.0,
    )
    return np.asarray(sum(f.astype(np.int64) << bit for bit, f in enumerate(flags)), np.int64)


def _levels_needed(grid: FloatArray, batch: FloatArray) -> IntArray:
    """Per case: how many of its grid's (ascending) levels hold every distinct point,
    given ``batch``, the batch it runs at its top level. The estimator reads a level only
    through its batch, the level capped by the KV capacity and the engine's limit (at
    least 1): every level above the top level's batch runs that same batch with the same
    binding, so the same point. The first level above it is kept (``argmax`` keeps the
    first of equals); a case whose top batch is not a number keeps every level."""
    with np.errstate(invalid="ignore"):
        at_most = np.count_nonzero(grid <= batch[:, None], axis=1)
    levels = grid.shape[1]
    needed: IntArray = np.where(np.isfinite(batch), np.minimum(at_most + 1, levels), levels)
    return needed.astype(np.int64)


def _levels_needed_in_blocks(grids: FloatArray, grid_of: IntArray, batch: FloatArray) -> IntArray:
    """``_levels_needed(grids[grid_of], batch)``, a block of cases at a time (their
    grids gathered a block at a time, not all at once)."""
    needed = np.empty(batch.size, np.int64)
    for lo in range(0, batch.size, _BLOCK):
        at = slice(lo, lo + _BLOCK)
        needed[at] = _levels_needed(grids[grid_of[at]], batch[at])
    return needed


_BLOCK = 4096
"""Cases ``_levels_needed_in_blocks`` and ``_tops_and_kinds`` take at a time."""


def _aims(targets: Targets, part: IntArray | slice) -> Targets:
    ttft, user, curve = targets
    return ttft[part], user[part], curve[part]


def _best_of(
    result: Figures,
    targets: Targets,
    where: IntArray,
    best: dict[str, FloatArray],
    any_ok: BoolArray,
) -> None:
    """Store the best level of each case of ``result`` (a sweep of the distinct cases
    ``where``) by ``solve_points``' score. ``targets``: the cases' TTFT bound and
    interactivity floor (as columns) and whether each is read off a measured curve."""
    max_ttft, min_user, curve = targets
    ok = result.feasible  # per case
    meets = ok & (result.ttft_ms <= max_ttft) & (result.tokens_per_s_per_user >= min_user)
    # solve_points' where(meets, out, -1) then where(meets, that, fallback), in one step;
    # a point that meets its target is feasible, so its output is Sweep's
    out = result.output_tokens_per_s_per_gpu
    if curve.any():
        fallback = np.where(ok & curve[:, None], -2.0 + 1e-6 * result.tokens_per_s_per_user, -3.0)
        score = np.where(meets, out, fallback)
    else:
        score = np.where(meets, out, -3.0)
    level = np.argmax(score, axis=1)
    rows = np.arange(level.size)
    best["score"][where] = picked(score, rows, level)
    # Sweep's output, zero if infeasible
    best["out"][where] = np.where(ok[:, 0], picked(out, rows, level), 0.0)
    best["user"][where] = picked(result.tokens_per_s_per_user, rows, level)
    best["ttft"][where] = picked(result.ttft_ms, rows, level)
    best["conc"][where] = picked(result.concurrency, rows, level)
    best["binding"][where] = result.binding_at(rows, level)
    any_ok[where] = ok[:, 0]


def _cut(obj: Any, part: IntArray | slice) -> Any:
    """The dataclass of arrays ``obj`` with each array (not a missing one) indexed by
    ``part``."""
    values = {f.name: getattr(obj, f.name) for f in fields(obj)}
    return type(obj)(**{k: v if v is None else v[part] for k, v in values.items()})

"""A case's floats do not depend on the other cases of its estimator call.

The estimator leaves out terms that are zero for every case of a call (routed experts of
dense models, TP or EP traffic nobody has, draft passes, the serving mode nobody uses, the
open-loop queue's gathers when every case queues), and ``point_groups`` sweeps cases in
chunks of one kind to profit from it. Both rest on this: a case swept alone, in a chunk of
its kind or among every other case gives the same floats. ``sweep_figures`` gives
``sweep``'s figures.
"""

from dataclasses import fields

import numpy as np
import pytest

from tokentco.engine.estimator import batch_at, sweep, sweep_figures
from tokentco.engine.point_groups import PointColumns, _cut, _kinds, plan_columns
from tokentco.engine.results import Sweep
from tokentco.engine.terms import CaseTerms, ModelTerms
from tokentco.io.bundled import bundled_catalogue, resource_path
from tokentco.io.calibration_file import load_calibration
from tokentco.io.estimate_table import read_points_table

LEVELS = np.geomspace(1.0, 4096.0, 24)


@pytest.fixture(scope="module")
def public_cases() -> tuple[CaseTerms, ModelTerms]:
    """The distinct estimator cases of the public calibration set (every kind it has)."""
    table = read_points_table(resource_path("calibration", "measured_public.csv"))
    columns = PointColumns.from_cells(table.column, len(table))
    plan = plan_columns(columns, bundled_catalogue(), load_calibration())
    return plan.unique_cases, plan.unique_models


def _same(a: Sweep, b: Sweep, rows: np.ndarray) -> None:
    for f in fields(Sweep):
        whole, part = getattr(a, f.name), getattr(b, f.name)
        if whole is None:
            assert part is None
            continue
        assert np.array_equal(whole[rows], part, equal_nan=True), f.name


def test_a_case_sweeps_alike_alone_in_its_kind_and_among_all(
    public_cases: tuple[CaseTerms, ModelTerms],
) -> None:
    cases, models = public_cases
    every = sweep(cases, models, LEVELS)
    kinds = _kinds(cases, models)
    assert np.unique(kinds).size >= 8  # the set mixes many kinds
    for kind in np.unique(kinds):
        rows = np.flatnonzero(kinds == kind)
        _same(every, sweep(_cut(cases, rows), _cut(models, rows), LEVELS), rows)
    for row in range(0, cases.isl.size, 7):
        one = np.array([row])
        _same(every, sweep(_cut(cases, one), _cut(models, one), LEVELS), one)


def test_figures_are_the_sweeps(public_cases: tuple[CaseTerms, ModelTerms]) -> None:
    cases, models = public_cases
    full = sweep(cases, models, LEVELS)
    figures = sweep_figures(cases, models, LEVELS)
    ok = full.feasible
    assert np.array_equal(np.broadcast_to(figures.feasible, ok.shape), ok)
    out = np.where(ok, figures.output_tokens_per_s_per_gpu, 0.0)
    assert np.array_equal(out, full.output_tokens_per_s_per_gpu, equal_nan=True)
    for name in ("concurrency", "tokens_per_s_per_user", "ttft_ms"):
        assert np.array_equal(getattr(figures, name), getattr(full, name), equal_nan=True)
    rows, levels = np.indices(ok.shape)
    binding = figures.binding_at(rows.ravel(), levels.ravel()).reshape(ok.shape)
    assert np.array_equal(binding, full.binding)


def test_batch_at_is_the_sweeps_batch(public_cases: tuple[CaseTerms, ModelTerms]) -> None:
    """``batch_at`` (the batch at one level, without a sweep) is the sweep's concurrency
    there to the bit, at a common level and at one level per case (``point_groups``
    reads a case's top batch from it to choose how many levels to sweep)."""
    cases, models = public_cases
    for level in (1.0, 3.5, 64.0, 4096.0, 1e6):
        at = np.full(cases.isl.size, level)
        expected = sweep(cases, models, np.array([level])).concurrency[:, 0]
        assert np.array_equal(batch_at(cases, models, at), expected, equal_nan=True)
    mixed = np.random.default_rng(3).choice(LEVELS, cases.isl.size)
    expected = sweep(cases, models, mixed[:, None]).concurrency[:, 0]
    got = batch_at(cases, models, mixed)
    assert np.array_equal(got, expected, equal_nan=True)
    assert np.unique(got).size > 8 and (got < mixed).any()  # capped somewhere, not constant

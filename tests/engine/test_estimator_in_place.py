"""The estimator writes some grid-wide steps into arrays of its own (``out=``) rather
than a new array per step: the inputs are left as they were, and sweeping again gives
the same floats (no step writes into an array a case's terms, another step or a result
share)."""

from dataclasses import fields

import numpy as np

from tokentco.engine.estimator import sweep, sweep_figures
from tokentco.engine.point_groups import PointColumns, plan_columns
from tokentco.io.bundled import bundled_catalogue, resource_path
from tokentco.io.calibration_file import load_calibration
from tokentco.io.estimate_table import read_points_table


def test_a_sweep_leaves_its_inputs_and_repeats_its_floats() -> None:
    table = read_points_table(resource_path("calibration", "measured_public.csv"))
    columns = PointColumns.from_cells(table.column, len(table))
    plan = plan_columns(columns, bundled_catalogue(), load_calibration())
    cases, models = plan.unique_cases, plan.unique_models
    before = {f.name: getattr(cases, f.name).copy() for f in fields(cases)}
    before_models = {f.name: getattr(models, f.name).copy() for f in fields(models)}
    levels = np.geomspace(1.0, 4096.0, 24)
    first, again = sweep(cases, models, levels), sweep(cases, models, levels)
    figures = sweep_figures(cases, models, levels)
    for f in fields(cases):
        assert np.array_equal(getattr(cases, f.name), before[f.name], equal_nan=True), f.name
    for f in fields(models):
        assert np.array_equal(getattr(models, f.name), before_models[f.name], equal_nan=True)
    for f in fields(first):
        a, b = getattr(first, f.name), getattr(again, f.name)
        assert (a is None and b is None) or np.asarray(a).tobytes() == np.asarray(b).tobytes()
    for name in ("memory_s", "compute_s", "communication_s", "overhead_s"):
        assert np.asarray(getattr(figures, name)).shape == first.concurrency.shape
    assert np.array_equal(figures.ttft_ms, first.ttft_ms, equal_nan=True)

"""Planning load points by configuration gives the very plan ``plan_points`` gives."""

import csv
import dataclasses

import numpy as np

from tokentco.domain import Catalogue
from tokentco.engine.point_groups import plan_points_grouped
from tokentco.engine.points import PointPlan, PointRequest, plan_points, solve_points
from tokentco.io.bundled import resource_path
from tokentco.io.calibration_file import MEASURED_NAME, load_calibration


def public_rows() -> list[dict[str, str]]:
    """The shipped copy of the public calibration set."""
    with resource_path("calibration", MEASURED_NAME).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def assert_same_plan(a: PointPlan, b: PointPlan) -> None:
    for f in dataclasses.fields(PointPlan):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if dataclasses.is_dataclass(x):
            for g in dataclasses.fields(x):
                u, v = getattr(x, g.name), getattr(y, g.name)
                assert u.dtype == v.dtype and np.array_equal(u, v), f"{f.name}.{g.name}"
        elif isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and np.array_equal(x, y), f.name
        else:
            assert x == y, f.name


def test_the_public_set_and_its_variants_plan_alike(catalogue: Catalogue) -> None:
    """The public calibration set, then copies with other lengths (the same configurations
    again), lengths out of range, unknown hardware and a bad number mixed in."""
    rows = public_rows()
    more = []
    for i, row in enumerate(rows):
        copy = dict(row, id=f"copy-{i}")
        if copy.get("osl"):
            copy["osl"] = str(int(float(copy["osl"]) * 1.5) + 1)
        if copy.get("isl") and i % 3 == 0:
            copy["isl"] = "" if i % 2 else "20000000"  # dataset mean / over the 10M limit
        if i % 17 == 0:
            copy["hardware"] = "no-such-gpu"
        if i % 23 == 0:
            copy["tp"] = "two"
        more.append(copy)
    requests = [PointRequest.from_row(r) for r in rows + more]
    cal = load_calibration()
    grouped = plan_points_grouped(requests, catalogue, cal)
    assert_same_plan(grouped, plan_points(requests, catalogue, cal))
    assert {"ok", "unknown hardware"} <= set(grouped.status)
    assert any(s.startswith("bad value") for s in grouped.status)
    # and therefore the estimates
    a, b = solve_points(grouped), solve_points(plan_points(requests, catalogue, cal))
    assert a.status == b.status
    assert np.array_equal(a.output_tokens_per_s_per_gpu, b.output_tokens_per_s_per_gpu, True)


def test_no_rows_and_only_failures_plan_alike(catalogue: Catalogue) -> None:
    bad = PointRequest(id="1", hardware_id="nope", model_id="deepseek-r1", isl=1.0, osl=1.0)
    for requests in ([], [bad, bad]):
        assert_same_plan(plan_points_grouped(requests, catalogue), plan_points(requests, catalogue))

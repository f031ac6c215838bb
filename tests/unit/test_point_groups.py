"""Planning load points by configuration gives the very plan ``plan_points`` gives."""

import csv
import dataclasses
import itertools

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


def test_each_owners_first_best_case_is_a_stable_sorts() -> None:
    """``_first_best`` picks what a stable sort by owner and falling score puts first:
    the first of equal scores, NaN below every number, -0.0 equal to 0.0."""
    from tokentco.engine.point_groups import _first_best

    values = np.array([np.nan, -3.0, -2.0, -0.0, 0.0, 1.0, 2.0, np.inf, -np.inf])
    rng = np.random.default_rng(7)
    for _ in range(500):
        size = int(rng.integers(1, 40))
        owners = np.sort(rng.integers(0, 6, size))
        score = values[rng.integers(0, values.size, size)]
        order = np.lexsort((-score, owners))
        first = np.ones(size, bool)
        first[1:] = owners[order][1:] != owners[order][:-1]
        assert np.array_equal(_first_best(score, owners), order[first])


def test_chunks_cover_each_kind_within_the_point_budget() -> None:
    """``_chunks`` cuts every run of one kind into consecutive chunks, each within
    ``CHUNK_POINTS`` (or one case) and of at most twice its first case's levels."""
    from tokentco.engine.point_groups import CHUNK_POINTS, _chunks

    rng = np.random.default_rng(11)
    kind = np.sort(rng.integers(0, 5, 20000))
    needed = np.empty(kind.size, np.int64)
    for k in np.unique(kind):
        run = kind == k
        needed[run] = np.sort(rng.choice([1, 1, 2, 5, 30, 48], run.sum()))
    chunks = _chunks(kind, needed)
    assert chunks[0].start == 0 and chunks[-1].stop == kind.size
    assert all(a.stop == b.start for a, b in itertools.pairwise(chunks))
    for at in chunks:
        width = needed[at]
        assert np.unique(kind[at]).size == 1
        assert at.stop - at.start == 1 or (at.stop - at.start) * width[-1] <= CHUNK_POINTS
        assert width[-1] <= 2 * width[0]
    assert len(chunks) < kind.size // 100  # not one case at a time


def test_distinct_cases_packed_or_coded_alike() -> None:
    """``_distinct`` numbers the distinct (source, lengths, target) cases in first-seen
    order whether their values pack into one integer (whole lengths) or are coded a
    column at a time (fractional or huge lengths)."""
    from tokentco.engine.point_groups import _distinct, _packed

    rng = np.random.default_rng(5)
    size = 3000
    source, target = rng.integers(0, 40, size), rng.integers(0, 3, size)
    isl = rng.choice([1.0, 128.0, 1024.0, 8192.0], size)
    osl = rng.choice([1.0, 64.0, 1000.0], size)
    for lengths in ((isl, osl), (isl + 0.5, osl), (isl, osl * 2.0**60)):
        rows = np.column_stack([source, target, *lengths])
        _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
        rank = np.argsort(np.argsort(first))  # distinct rows numbered in first-seen order
        case, unique = _distinct(source, lengths[0], lengths[1], target)
        assert np.array_equal(case, rank[inverse.reshape(-1)])
        assert np.array_equal(unique, np.sort(first))
    assert _packed((source, target, isl, osl)) is not None
    assert _packed((source, target, isl + 0.5, osl)) is None
    assert _packed((source, target, isl, osl * 2.0**60)) is None


def test_factorize_numbers_keys_in_first_seen_order() -> None:
    """``factorize`` and ``factorize_repeated`` (which tells repeated objects apart by
    identity first) give each key its index among the distinct keys in first-seen order,
    equal keys alike whether or not they are the same object."""
    from tokentco.engine.point_groups import factorize, factorize_repeated

    rng = np.random.default_rng(13)
    shared = [("a", "x"), ("b", "y"), ("a", "y"), (None, "x")]
    for size in (0, 1, 50, 2000):
        keys = [shared[i] for i in rng.integers(0, len(shared), size)]
        keys += [tuple(list(k)) for k in keys[: size // 3]]  # equal, other objects
        expected: dict[tuple[str | None, ...], int] = {}
        codes = [expected.setdefault(k, len(expected)) for k in keys]
        for method in (factorize, factorize_repeated):
            code, distinct = method(keys)
            assert code.dtype == np.int64 and code.tolist() == codes
            assert distinct == list(expected)

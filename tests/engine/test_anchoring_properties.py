"""Properties of the anchor combination (``engine/anchoring.py``) on a one-knob world.

A knob x (the log of a length, an interactivity target or a concurrency) moves the model's
figure ln m(x) = g(x), a piecewise-linear curve hypothesis draws (flat stretches included);
measurements sit at points of x with factors r (measured / model there). The anchored figure
is ln a(x) = g(x) + ln F(x). Checked: (a) it is the measurement at the measured point;
(b) it is continuous across the whole range, hand-over included, and for one measurement it
never moves more than (1 + 1.5/HANDOVER) times the model; (c) for one measurement it is
monotone exactly where the model is (flat where the model is flat). The one-measurement
properties are checked with the shipped ``REACH`` (infinite: the correction is carried in
full across the knobs, ``settings_kept`` of it across a settings difference) and with finite
reaches, where the model's own move hands the correction over.
"""

import itertools
import math
from collections.abc import Callable, Sequence
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokentco.engine import anchoring
from tokentco.engine.anchoring import (
    HANDOVER,
    MAX_ANCHORS,
    MAX_DISTANCE,
    Anchor,
    combine,
    handover,
    reach,
    settings_kept,
)

REACHES = [anchoring.REACH, 0.0, 1.0, 3.0]
"""The shipped reach first, then finite ones (the hand-over mechanism stays correct)."""

SPAN = 6.0  # the knob's range in ln units (e.g. ISL 64 … 25,000)
GRID = np.linspace(0.0, SPAN, 601)


def _model(slopes: Sequence[float], direction: int) -> Callable[[float], float]:
    """ln m(x): piecewise linear through equal segments with the given slopes (≥ 0)."""
    width = SPAN / len(slopes)
    knots = np.concatenate([[0.0], np.cumsum(np.asarray(slopes) * width)])

    def g(x: float) -> float:
        i = min(int(x / width), len(slopes) - 1)
        return direction * float(knots[i] + slopes[i] * (x - i * width))

    return g


def _anchored(
    g: Callable[[float], float], sites: Sequence[tuple[float, float, float]], x: float
) -> tuple[float, list[float]]:
    """ln a(x) and the weights, for measurements (position, ln factor, settings distance):
    the ``MAX_ANCHORS`` nearest are combined, tapered at the next one's distance, as
    ``candidates`` and ``rank_cap`` do for the engine."""
    anchors = sorted(
        (
            Anchor(
                factor=math.exp(ln_r),
                distance=abs(x - at) + settings,
                settings=settings,
                shift=g(x) - g(at),
            )
            for at, ln_r, settings in sites
        ),
        key=lambda a: a.distance,
    )
    used, rest = anchors[:MAX_ANCHORS], anchors[MAX_ANCHORS:]
    factor, weights = combine(used, rest[0].distance if rest else math.inf)
    return g(x) + math.log(factor), weights


slopes_st = st.lists(st.one_of(st.just(0.0), st.floats(0.0, 2.0)), min_size=1, max_size=6)
direction_st = st.sampled_from([1, -1])
ln_factor_st = st.floats(-2.5, 2.5).filter(lambda v: abs(v) > 1e-6)
site_st = st.floats(0.0, SPAN)
settings_st = st.one_of(st.just(0.0), st.floats(0.0, MAX_DISTANCE * 0.99))


@given(slopes_st, direction_st, site_st, ln_factor_st)
def test_exact_at_the_measured_configuration(
    slopes: list[float], direction: int, at: float, ln_r: float
) -> None:
    g = _model(slopes, direction)
    value, weights = _anchored(g, [(at, ln_r, 0.0)], at)
    assert math.isclose(value, g(at) + ln_r, rel_tol=1e-12, abs_tol=1e-12)  # the measurement
    assert weights == [1.0]
    # and the figure approaches it continuously
    near, _ = _anchored(g, [(at, ln_r, 0.0)], min(at + 1e-7, SPAN))
    assert abs(near - (g(at) + ln_r)) < 1e-5


@pytest.mark.parametrize("reach_ln", REACHES)
@given(slopes_st, direction_st, site_st, ln_factor_st, settings_st)
def test_one_measurement_moves_no_faster_than_the_model_and_hands_over(
    reach_ln: float, slopes: list[float], direction: int, at: float, ln_r: float, settings: float
) -> None:
    g = _model(slopes, direction)
    with patch.object(anchoring, "REACH", reach_ln):
        values = [_anchored(g, [(at, ln_r, settings)], float(x)) for x in GRID]
        span = reach(math.exp(ln_r))
    a = np.array([v for v, _ in values])
    m = np.array([g(float(x)) for x in GRID])
    bound = (1 + 1.5 / HANDOVER) * np.abs(np.diff(m)) + 1e-9
    assert np.all(np.abs(np.diff(a)) <= bound), float(np.max(np.abs(np.diff(a)) - bound))
    # where the model has moved by the correction's reach the figure is the model's
    far = np.abs(m - g(at)) >= span
    assert np.all(np.abs(a[far] - m[far]) < 1e-12)
    assert all(w == [0.0] for (_, w), f in zip(values, far, strict=True) if f)
    # at the measured point's own model figure, the settings' share of the correction holds
    level = np.abs(m - g(at)) < 1e-12
    kept = settings_kept(settings) * ln_r
    assert np.all(np.abs(a[level] - m[level] - kept) < 1e-9)
    if math.isinf(reach_ln):  # the shipped reach: carried in full across every knob
        assert np.allclose(a - m, kept, atol=1e-9)


@pytest.mark.parametrize("reach_ln", REACHES)
@given(slopes_st, direction_st, site_st, ln_factor_st, settings_st)
def test_one_measurement_is_monotone_where_the_model_is(
    reach_ln: float, slopes: list[float], direction: int, at: float, ln_r: float, settings: float
) -> None:
    g = _model(slopes, direction)
    with patch.object(anchoring, "REACH", reach_ln):
        a = np.array([_anchored(g, [(at, ln_r, settings)], float(x))[0] for x in GRID])
    m = np.array([g(float(x)) for x in GRID])
    step, model_step = np.diff(a), np.diff(m)
    rising, falling, flat = model_step > 1e-12, model_step < -1e-12, model_step == 0
    assert np.all(step[rising] > 0) and np.all(step[falling] < 0)
    assert np.all(np.abs(step[flat]) < 1e-12)


@given(
    slopes_st,
    direction_st,
    st.lists(st.tuples(site_st, ln_factor_st, settings_st), min_size=2, max_size=6).filter(
        lambda sites: min(np.diff(sorted(s[0] for s in sites))) > 0.01
    ),
)
def test_several_measurements_are_continuous(
    slopes: list[float],
    direction: int,
    sites: list[tuple[float, float, float]],
) -> None:
    """Zoom into the largest step: a continuous figure's step vanishes, a jump's does not.
    (Two measurements of one configuration that disagree are a jump the data makes: the
    larger one is shown there; hence distinct sites.)"""
    g = _model(slopes, direction)

    def f(x: float) -> float:
        return _anchored(g, sites, x)[0]

    lo, hi = 0.0, SPAN
    for _ in range(12):
        xs = np.linspace(lo, hi, 9)
        values = np.array([f(float(x)) for x in xs])
        i = int(np.argmax(np.abs(np.diff(values))))
        lo, hi = float(xs[i]), float(xs[i + 1])
    assert abs(f(hi) - f(lo)) < 1e-4, (lo, f(lo), f(hi))


@given(
    st.floats(0.05, 3.0),  # model slope (strictly rising)
    st.floats(0.5, 2.5),  # spacing of the two measurements
    st.floats(0.0, 1.0),  # how much of the model's rise the measurements show (same way)
    st.floats(-1.0, 1.0),  # first measurement's ln factor
)
def test_between_two_measurements_the_figure_follows_them(
    slope: float, spacing: float, agreement: float, ln_r1: float
) -> None:
    """Two measurements that rise with the model: between them the figure rises too (it
    interpolates in the model's own coordinate, where the weighted model shift vanishes)."""

    def g(x: float) -> float:
        return slope * x

    x1, x2 = 1.0, 1.0 + spacing
    ln_r2 = ln_r1 + (agreement - 1.0) * slope * spacing  # ln a rises by agreement × model's
    sites = [(x1, ln_r1, 0.0), (x2, ln_r2, 0.0)]
    xs = np.linspace(x1, x2, 201)
    a = np.array([_anchored(g, sites, float(x))[0] for x in xs])
    assert math.isclose(a[0], g(x1) + ln_r1, abs_tol=1e-12)
    assert math.isclose(a[-1], g(x2) + ln_r2, abs_tol=1e-12)
    assert np.all(np.diff(a) >= -1e-9 * slope)


def test_settings_alone_hand_over_at_the_limit() -> None:
    assert handover(0.0, 0.0, 2.0) == 1.0
    assert handover(MAX_DISTANCE, 0.0, 2.0) == 0.0
    values = [handover(MAX_DISTANCE * t, 0.0, 2.0) for t in np.linspace(0, 1, 101)]
    assert all(b < a for a, b in itertools.pairwise(values))
    # the shipped shares: ¾ of a correction survives a precision difference, nearly all of
    # an engine difference or a maximum-throughput measurement for a request with a target
    assert settings_kept(anchoring.DISTANCE["precision"]) == pytest.approx(0.75)
    assert settings_kept(anchoring.DISTANCE["engine"]) > 0.95
    assert settings_kept(anchoring.UNKNOWN) > 0.95
    # with the shipped (infinite) reach the model's own move hands nothing over
    assert handover(0.0, 5.0, 1.5) == 1.0

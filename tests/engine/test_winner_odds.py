"""``stages.WinnerOdds`` groups options that share a cluster and a band into one row of
error factors; it must still give the floats of ``uncertainty.p_winner_cheapest`` (a fresh
Monte Carlo over every option), also with many options per row, equal costs and costs a
few ulps apart (where a rounding slip in the grouping would show)."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tokentco.engine import uncertainty
from tokentco.engine.stages import WinnerOdds

DRAWS = 3_000
BANDS = [(-0.3, 0.3), (-0.5, 0.2), (-0.1, 0.6)]


@settings(max_examples=80, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([1.0, 1.0 + 2**-52, 1.0 + 2**-51, 1.02, 1.3, 2.0, math.inf]),
            st.sampled_from(range(len(BANDS))),
            st.sampled_from(["a", "b", "c", "d"]),
        ),
        min_size=1,
        max_size=40,
    ),
    st.floats(0.5, 2.0),
)
def test_grouped_rows_equal_a_fresh_monte_carlo(
    rows: list[tuple[float, int, str]], scale: float
) -> None:
    odds = WinnerOdds(draws=DRAWS)
    bands = [BANDS[b] for _, b, _ in rows]
    names = [n for *_, n in rows]
    for costs in ([c for c, _, _ in rows], [c * scale for c, _, _ in rows]):
        fresh = uncertainty.p_winner_cheapest(costs, bands, names, draws=DRAWS)
        assert odds.probability(costs, bands, names) == fresh


def test_many_options_in_few_rows_keep_the_fresh_answer() -> None:
    """100 options on 7 clusters and 3 bands (as a big comparison has), reused over cost
    moves that reorder them: the kept rows answer as the fresh draws do."""
    rng = np.random.default_rng(3)
    names = [f"gpu-{i % 7}" for i in range(100)]
    bands = [BANDS[i % 3] for i in range(100)]
    odds = WinnerOdds()
    seen = []
    for _ in range(5):
        costs = rng.uniform(1.0, 3.0, 100).tolist()
        costs[int(rng.integers(100))] = 0.8
        fresh = uncertainty.p_winner_cheapest(costs, bands, names)
        assert odds.probability(costs, bands, names) == fresh
        seen.append(fresh)
    assert any(p is not None and 0.0 < p < 1.0 for p in seen)  # not all certain

"""Golden numbers from the domain brief's reference table (DeepSeek-R1, H200 vs GB300 NVL72)."""

import pytest

from tokentco.engine import economics


def test_cost_per_million_tokens_reproduces_the_brief() -> None:
    h200 = economics.usd_per_mtok(1.41, 90.0, 1.0)
    gb300 = economics.usd_per_mtok(2.65, 6000.0, 1.0)
    assert h200 == pytest.approx(4.35, abs=0.005)
    assert gb300 == pytest.approx(0.123, abs=0.0005)
    assert h200 / gb300 == pytest.approx(35.4, abs=0.5)


def test_tokens_per_mw_from_system_power(catalogue) -> None:
    """DGX H200 draws 10.2 kW for 8 GPUs; at PUE 1.3 that is the brief's ≈1.67 kW all-in."""
    watts = catalogue.systems["dgx-h200"].watts_per_gpu
    assert economics.tokens_per_s_per_mw(90.0, watts, 1.3) == pytest.approx(54_000, rel=0.01)


def test_tokens_per_mw_from_implied_watts() -> None:
    """The brief's 2.8M tokens/s/MW for GB300 implies ≈2.1 kW per GPU all-in."""
    assert economics.tokens_per_s_per_mw(6000.0, 2140.0, 1.0) == pytest.approx(2.8e6, rel=0.01)
    assert economics.tokens_per_s_per_mw(90.0, 1667.0, 1.0) == pytest.approx(54_000, rel=0.01)


def test_flops_per_dollar_is_an_input_metric() -> None:
    """H200 FP8 sparse 3958 TFLOPS at $1.41/h is the brief's 2.8 PFLOPS per $/h."""
    assert economics.pflops_per_usd_hour(3958.0, 1.41) == pytest.approx(2.8, abs=0.05)

"""Non-finite and absurd values are refused where they enter, with the field named.

A NaN exchange rate, an infinite price or a 1e300 demand used to be accepted and printed
as "inf USD" or a 300-digit $/Mtok, or raised OverflowError in `compare`. Each case here
goes in through the door a user would use: the domain model, a project file, a flag.
"""

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tokentco.cli import main
from tokentco.domain import (
    Demand,
    ExchangeRates,
    Offer,
    OwnedCost,
    PricingModel,
    Project,
    ServingOptions,
    Workload,
)
from tokentco.io.errors import InputError
from tokentco.io.project_file import load_project, project_to_json, save_project

NON_FINITE = [math.nan, math.inf, -math.inf]


@pytest.mark.parametrize("value", NON_FINITE)
def test_exchange_rate_must_be_finite(value: float) -> None:
    with pytest.raises(ValidationError, match="usd_per_unit"):
        ExchangeRates(usd_per_unit={"USD": 1.0, "EUR": value})


@pytest.mark.parametrize("rate", [0.0, -1.0, 1e-12, 1e12])
def test_exchange_rate_must_be_plausible(rate: float) -> None:
    with pytest.raises(ValidationError, match="exchange rates must be positive"):
        ExchangeRates(usd_per_unit={"USD": 1.0, "XYZ": rate})


def test_weak_currencies_still_fit() -> None:
    rates = ExchangeRates(usd_per_unit={"USD": 1.0, "IDR": 0.000063, "VND": 0.000039})
    assert rates.to_usd(50_000, "IDR") == pytest.approx(3.15)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"price_per_gpu_hour": math.inf}, "price_per_gpu_hour"),
        ({"price_per_gpu_hour": math.nan}, "price_per_gpu_hour"),
        ({"price_per_gpu_hour": 1e300}, "price_per_gpu_hour"),
        ({"price_per_gpu_hour": 2.0, "lead_time_weeks": math.inf}, "lead_time_weeks"),
        ({"price_per_gpu_hour": 2.0, "lead_time_weeks": 1e6}, "lead_time_weeks"),
    ],
)
def test_offer_rejects_non_finite_and_absurd(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        Offer(id="x", accelerator_id="h100-sxm", **kwargs)
    assert err.value.errors()[0]["loc"] == (field,)


@pytest.mark.parametrize("field", ["capex_per_gpu", "opex_per_gpu_year", "it_watts_per_gpu"])
@pytest.mark.parametrize("value", [math.inf, math.nan, 1e300])
def test_owned_cost_rejects_non_finite_and_absurd(field: str, value: float) -> None:
    values: dict[str, Any] = {"capex_per_gpu": 30_000.0, field: value}
    with pytest.raises(ValidationError) as err:
        OwnedCost(**values)
    assert err.value.errors()[0]["loc"] == (field,)


def test_owned_offer_in_yen_is_still_fine() -> None:
    owned = OwnedCost(capex_per_gpu=5_000_000.0, opex_per_gpu_year=400_000.0)
    offer = Offer(id="jp", accelerator_id="h100-sxm", pricing_model=PricingModel.OWNED, owned=owned)
    assert offer.owned is not None and offer.owned.capex_per_gpu == 5e6


@pytest.mark.parametrize("value", [1e-300, 0.0, 0.009, math.nan, 1.5])
def test_utilization_must_be_sane(value: float) -> None:
    with pytest.raises(ValidationError, match="utilization"):
        ServingOptions(utilization=value)


@pytest.mark.parametrize("value", [0.01, 0.4, 1.0])
def test_utilization_range_is_inclusive(value: float) -> None:
    assert ServingOptions(utilization=value).utilization == value


@pytest.mark.parametrize("value", [1e300, 1e17, math.inf, math.nan])
def test_demand_must_be_finite_and_plausible(value: float) -> None:
    with pytest.raises(ValidationError, match="tokens_per_day"):
        Demand(tokens_per_day=value)


@pytest.mark.parametrize("value", [math.inf, 1e300])
def test_latency_targets_must_be_finite(value: float) -> None:
    with pytest.raises(ValidationError, match="max_ttft_ms"):
        Workload(max_ttft_ms=value)


# --------------------------------------------------------------------------- project files


def _project_text(project: Project, edit: str, replacement: str) -> str:
    text = project_to_json(project)
    assert text.count(edit) == 1, edit
    return text.replace(edit, replacement)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400", "-1e999"])
def test_project_with_non_finite_demand_names_the_field(
    tmp_path: Path, project: Project, literal: str
) -> None:
    assert project.demand.tokens_per_day is not None
    path = tmp_path / "hostile.tokentco"
    path.write_text(
        _project_text(project, '"tokens_per_day": 20000000000.0', f'"tokens_per_day": {literal}')
    )
    with pytest.raises(InputError) as err:
        load_project(path)
    message = str(err.value)
    assert message.startswith("hostile.tokentco: invalid project: demand.tokens_per_day: ")
    assert literal in message and "line " in message and "\n" not in message


def test_project_with_nan_exchange_rate_names_the_currency(
    tmp_path: Path, project: Project
) -> None:
    path = tmp_path / "rates.tokentco"
    path.write_text(_project_text(project, '"EUR": 1.08', '"EUR": NaN'))
    with pytest.raises(InputError, match=r"exchange_rates\.usd_per_unit\.EUR: NaN"):
        load_project(path)


def test_project_with_absurd_demand_names_the_field(tmp_path: Path, project: Project) -> None:
    path = tmp_path / "absurd.tokentco"
    path.write_text(
        _project_text(project, '"tokens_per_day": 20000000000.0', '"tokens_per_day": 1e300')
    )
    with pytest.raises(InputError, match=r"invalid project: demand\.tokens_per_day: .*less than"):
        load_project(path)


def test_project_with_5000_digit_integer(tmp_path: Path, project: Project) -> None:
    path = tmp_path / "digits.tokentco"
    path.write_text(_project_text(project, '"isl_tokens": 1024', '"isl_tokens": ' + "9" * 5000))
    with pytest.raises(InputError, match=r"workload\.isl_tokens: 9+… has 5000 digits"):
        load_project(path)


def test_project_nested_100000_levels(tmp_path: Path) -> None:
    path = tmp_path / "deep.tokentco"
    path.write_text(
        '{"format": "tokentco-project", "schema_version": 1, "project": '
        + "[" * 100_000
        + "]" * 100_000
        + "}"
    )
    with pytest.raises(InputError, match="nested more than 64 levels deep at line 1"):
        load_project(path)


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path, project: Project) -> None:
    deep_looking = '[{"\\' * 200  # brackets, quotes and backslashes inside a string
    path = tmp_path / "notes.tokentco"
    save_project(project.model_copy(update={"notes": deep_looking}), path)
    assert load_project(path).notes == deep_looking


def test_oversized_project_is_refused_before_reading_it_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tokentco.io import project_file

    monkeypatch.setattr(project_file, "MAX_PROJECT_BYTES", 1000)
    path = tmp_path / "big.tokentco"
    path.write_text(" " * 1001)
    with pytest.raises(InputError, match=r"is larger than 0\.001 MB: not a TokenTCO project"):
        load_project(path)


def test_saving_never_writes_nan(project: Project) -> None:
    body = json.loads(project_to_json(project))
    assert body["project"]["serving"]["utilization"] == 0.7  # strict JSON round trip


# --------------------------------------------------------------------------- command line


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


@pytest.mark.parametrize(
    ("flags", "field"),
    [
        (["--utilization", "1e-300"], "utilization"),
        (["--utilization", "nan"], "utilization"),
        (["--demand-tokens-per-day", "1e300"], "tokens_per_day"),
        (["--demand-tokens-per-day", "inf"], "tokens_per_day"),
        (["--max-ttft-ms", "inf"], "max_ttft_ms"),
        (["--min-tok-s-per-user", "nan"], "min_tokens_per_s_per_user"),
    ],
)
def test_compare_flags_are_checked(
    capsys: pytest.CaptureFixture[str], flags: list[str], field: str
) -> None:
    code = main(["compare", "--model", "deepseek-r1", "--hardware", "h200-sxm", *flags])
    assert code == 2
    assert field in _one_line_error(capsys)


def test_scorecard_of_a_hostile_project_is_one_line(
    tmp_path: Path, project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hostile.tokentco"
    path.write_text(
        _project_text(project, '"tokens_per_day": 20000000000.0', '"tokens_per_day": 1e400')
    )
    code = main(["scorecard", str(path), "--out", str(tmp_path / "s.xlsx")])
    assert code == 2
    assert "demand.tokens_per_day" in _one_line_error(capsys)
    assert not (tmp_path / "s.xlsx").exists()


# --------------------------------------------------------------------------- fuzz

HOSTILE_LITERALS = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e400",
    "-1e400",
    "1e-400",
    "-0.0",
    "0",
    "-1",
    "1e300",
    "9" * 40,
    "-" + "9" * 5000,
    '"text"',
    "null",
    "true",
    "[]",
    "{}",
    "[" * 70 + "]" * 70,
    '"' + "\\u0000\\n" * 10 + '"',
]


def _numeric_paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _numeric_paths(v, (*path, k))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _numeric_paths(v, (*path, i))]
    if isinstance(node, bool) or not isinstance(node, int | float):
        return []
    return [path]


def _all_floats_finite(node: Any) -> bool:
    if isinstance(node, dict):
        return all(_all_floats_finite(v) for v in node.values())
    if isinstance(node, list | tuple):
        return all(_all_floats_finite(v) for v in node)
    return not isinstance(node, float) or math.isfinite(node)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_hostile_number_anywhere_is_a_project_or_one_line(
    data: st.DataObject, project: Project, tmp_path: Path
) -> None:
    """Replace one number anywhere in a real project by a hostile literal: loading gives a
    project with only finite floats, or one InputError line — never another exception."""
    body = json.loads(project_to_json(project))
    paths = _numeric_paths(body)
    path = data.draw(st.sampled_from(paths))
    literal = data.draw(st.sampled_from(HOSTILE_LITERALS))
    node = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = "__HOSTILE__"
    target = tmp_path / "fuzz.tokentco"
    target.write_text(json.dumps(body).replace('"__HOSTILE__"', literal))
    try:
        loaded = load_project(target)
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("fuzz.tokentco: ")
        return
    assert _all_floats_finite(loaded.model_dump())

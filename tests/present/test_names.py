"""Enum display names: every member of every enum a deliverable shows has a wording."""

from collections.abc import Mapping
from enum import Enum
from typing import Any

from tokentco.domain.model_spec import AttentionKind
from tokentco.domain.money import PricingModel
from tokentco.domain.precision import Precision
from tokentco.domain.scorecard import Direction, ScoringRule
from tokentco.domain.workload import TokenBasis
from tokentco.engine.results import Binding, Infeasible
from tokentco.present import names


def test_every_member_has_a_display_name_without_codes() -> None:
    tables: dict[type[Enum], Mapping[Any, str]] = {
        PricingModel: names.PRICING_MODEL,
        Precision: names.PRECISION,
        TokenBasis: names.TOKEN_BASIS,
        Direction: names.DIRECTION,
        ScoringRule: names.SCORING_RULE,
        AttentionKind: names.ATTENTION,
        Binding: names.BINDING,
        Infeasible: names.INFEASIBLE,
    }
    for enum, table in tables.items():
        assert set(table) == set(enum), enum
        for text in table.values():
            assert "_" not in text and text.strip() == text and text


def test_display_words_members_and_raw_codes_alike() -> None:
    assert names.display(PricingModel.OWNER_COST) == "owner cost"
    assert names.display("on_demand") == "on demand"
    assert names.display(Binding.MEMORY_BANDWIDTH) == "memory bandwidth"
    assert names.display("anchored") == "anchored to a measurement"
    assert names.display("some_new_code") == "some new code"
    assert names.pricing_model("reserved_3y") == "reserved, 3 years"
    assert names.pricing_model(PricingModel.RESERVED_3Y, short=True) == "3-yr"


def test_lock_in_questions_cover_the_rubric_fields() -> None:
    from tokentco.domain.scorecard import LockInRubric

    assert [q[0] for q in names.LOCK_IN_QUESTIONS] == list(LockInRubric.model_fields)


def test_every_assumption_the_engine_makes_has_a_name() -> None:
    from tokentco.engine import assumptions

    fields = {row[1] for row in (*assumptions._ACCELERATOR, *assumptions._OWNED)}
    fields |= {"capex_per_gpu", "pue", "watts_per_gpu_all_in", "anchor_isl_tokens"}
    assert fields <= set(names.FIELD)
    for field in names.FIELD:
        assert "_" not in names.display(field)

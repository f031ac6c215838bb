"""Shared pydantic base: immutable, strict about unknown fields, clear messages."""

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Immutable domain object.

    Immutability lets the UI share one object between undo states and worker threads
    without defensive copies; edits are made with ``model_copy(update=...)``. NaN and
    infinity are refused for every float field: no input means "infinitely expensive" or
    "unknown" by being non-finite, and one that slipped in would print "inf USD" or raise
    ``OverflowError`` far from where it was typed.

    Defaults are not validated again at each construction (``validate_default=False``):
    every default already is what validation makes of it, which
    tests/unit/test_domain_defaults.py checks field by field, and re-validating them was a
    quarter of an Offer's validation — done 100,000 times by a 100,000-row import.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", validate_default=False, allow_inf_nan=False
    )

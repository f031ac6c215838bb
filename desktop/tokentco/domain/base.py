"""Shared pydantic base: immutable, strict about unknown fields, clear messages."""

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Immutable domain object.

    Immutability lets the UI share one object between undo states and worker threads
    without defensive copies; edits are made with ``model_copy(update=...)``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

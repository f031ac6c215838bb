"""The catalogue: every accelerator, system, offer, model and measured point known."""

from datetime import datetime
from typing import Literal

from pydantic import Field

from tokentco.domain.base import Frozen
from tokentco.domain.hardware import Accelerator, System
from tokentco.domain.measured import MeasuredPoint
from tokentco.domain.model_spec import ModelSpec
from tokentco.domain.money import Offer

TableKind = Literal["accelerators", "systems", "offers", "models", "measured"]
TABLE_KINDS: tuple[TableKind, ...] = ("accelerators", "systems", "offers", "models", "measured")


class Provenance(Frozen):
    """Where a row came from, so every figure in a report can be traced."""

    origin: Literal["bundled", "imported", "user"] = "bundled"
    file: str = ""
    sheet: str = ""
    row: int | None = None
    imported_at: datetime | None = None
    notes: dict[str, str] = Field(default_factory=dict, description="unknown columns, kept")

    def describe(self) -> str:
        if self.origin == "bundled":
            return "bundled catalogue"
        where = ":".join(part for part in (self.file, self.sheet) if part)
        return f"{self.origin} {where} row {self.row}" if self.row else f"{self.origin} {where}"


class Catalogue(Frozen):
    """Immutable id → row maps; merging imported rows returns a new catalogue."""

    accelerators: dict[str, Accelerator] = Field(default_factory=dict)
    systems: dict[str, System] = Field(default_factory=dict)
    offers: dict[str, Offer] = Field(default_factory=dict)
    models: dict[str, ModelSpec] = Field(default_factory=dict)
    measured: dict[str, MeasuredPoint] = Field(default_factory=dict)
    provenance: dict[str, Provenance] = Field(
        default_factory=dict, description="key 'kind/id' → where the row came from"
    )

    def table(self, kind: TableKind) -> dict[str, Frozen]:
        return dict(getattr(self, kind))

    def provenance_of(self, kind: TableKind, row_id: str) -> Provenance:
        return self.provenance.get(f"{kind}/{row_id}", Provenance())

    def merged(
        self, kind: TableKind, rows: list[Frozen], provenance: list[Provenance]
    ) -> "Catalogue":
        """A catalogue with ``rows`` added; same ids override (and are marked as such)."""
        table = self.table(kind)
        prov = dict(self.provenance)
        for row, where in zip(rows, provenance, strict=True):
            row_id = row.id  # type: ignore[attr-defined]
            table[row_id] = row
            prov[f"{kind}/{row_id}"] = where
        return self.model_copy(update={kind: table, "provenance": prov})

    def is_override(self, kind: TableKind, row_id: str, bundled: "Catalogue") -> bool:
        """True when an imported row replaced a bundled one with the same id."""
        return (
            row_id in bundled.table(kind) and self.provenance_of(kind, row_id).origin != "bundled"
        )

    def systems_for(self, accelerator_id: str) -> list[System]:
        return [s for s in self.systems.values() if s.accelerator_id == accelerator_id]

    def offers_for(self, accelerator_id: str) -> list[Offer]:
        return [o for o in self.offers.values() if o.accelerator_id == accelerator_id]

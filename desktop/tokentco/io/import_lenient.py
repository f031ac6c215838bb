"""Lenient, explained import: what a person would accept from a vendor's sheet, and why.

- **Derivable fields are optional.** A spec sheet with FP8 (or FP4) but no FP16 column
  is accepted: FP16 dense is derived as FP8 ÷ 2 (FP4 ÷ 4), the tensor-core ratio of every
  current NVIDIA and AMD datacentre part, and the row's notes say so. The estimator then
  works from an assumption the analyst can see and correct.
- **A sheet of known GPUs with a few columns corrects them.** When a sheet lacks
  required columns but names accelerators the catalogue knows ("H200", "MI300X") and has
  some spec columns (memory, bandwidth, TDP…), each row updates just those fields of the
  known accelerator: an imported row with the catalogue id, i.e. an override that
  ``revert_import`` undoes. A name the catalogue does not know is a located problem.
- **Rejected rows are remembered** (:class:`Rejected`) so that a price row naming a GPU
  from a rejected row or sheet says so and points at it instead of suggesting unrelated
  ids; the rejected sheet's own problem comes first because accelerators are read first.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tokentco.domain import TableKind
from tokentco.io.import_fields import FIELDS, FieldSpec

DERIVED_FROM: dict[str, tuple[tuple[str, float, str], ...]] = {
    "fp16_dense_tflops": (
        ("fp8_dense_tflops", 0.5, "FP8 ÷ 2"),
        ("fp4_dense_tflops", 0.25, "FP4 ÷ 4"),
    ),
}
"""Field → (source field, factor, wording) tried in order when the field has no column."""

_IDENTITY = frozenset({"id", "name", "vendor", "source"})


def _spec(kind: TableKind, name: str) -> FieldSpec:
    return next(s for s in FIELDS[kind] if s.name == name)


def missing_fields(kind: TableKind, have: set[str]) -> list[FieldSpec]:
    """Required fields a sheet with these columns lacks (derivable ones are not missing
    when a column they derive from is present)."""
    missing: list[FieldSpec] = []
    for spec in FIELDS[kind]:
        if not spec.required or spec.name in have:
            continue
        if spec.name == "name" and "id" in have:
            continue
        if any(source in have for source, _, _ in DERIVED_FROM.get(spec.name, ())):
            continue
        missing.append(spec)
    if kind == "offers" and not have & {"price_per_gpu_hour", "capex_per_gpu"}:
        missing.append(_spec("offers", "price_per_gpu_hour"))
    if kind == "measured" and not have & {"output_tokens_per_s_per_gpu", "_system_output_tok_s"}:
        missing.append(_spec("measured", "output_tokens_per_s_per_gpu"))
    return missing


def derived_columns(kind: TableKind, have: set[str]) -> list[str]:
    """Sheet-report notes for the fields this sheet's rows will derive."""
    out = []
    for name, sources in DERIVED_FROM.items():
        if name in have or not any(s.name == name for s in FIELDS[kind]):
            continue
        for source, _, wording in sources:
            if source in have:
                out.append(f"no {_spec(kind, name).label} column: derived as {wording} per row")
                break
    return out


def derive(data: dict[str, Any], notes: dict[str, str]) -> None:
    """Fill derivable fields a row lacks from the ones it has, with a note each."""
    for name, sources in DERIVED_FROM.items():
        if data.get(name) is not None:
            continue
        for source, factor, wording in sources:
            value = data.get(source)
            if value is not None:
                data[name] = value * factor
                notes[f"import: {name}"] = (
                    f"not stated: {wording} = {value * factor:g} assumed (the dense tensor "
                    "ratio of current datacentre GPUs); correct it if the vendor publishes it"
                )
                break


def can_update_known(kind: TableKind, have: set[str]) -> bool:
    """True when a sheet lacking required columns can still correct known rows: it names
    them (an id or name column) and states at least one spec field."""
    return kind == "accelerators" and bool(have & {"id", "name"}) and bool(have - _IDENTITY)


def partial_note(missing: Iterable[FieldSpec]) -> str:
    labels = ", ".join(s.label for s in missing)
    return (
        f"no column for {labels}: read as corrections to known accelerators (each row "
        "updates only the fields it has; revert an override to undo it)"
    )


def known_update(
    data: dict[str, Any], known_id: str, known: Any, notes: dict[str, str]
) -> dict[str, Any]:
    """The fields of a known accelerator with this row's fields on top (its id and name
    kept, so the result overrides the catalogue row)."""
    updated = sorted(k for k in data if k not in _IDENTITY and data[k] is not None)
    merged = dict(known.model_dump())
    merged.update({k: data[k] for k in updated})
    if data.get("source"):
        merged["source"] = data["source"]
    merged["id"] = known_id
    notes["import: partial"] = (
        f"updates {', '.join(updated)} of {known_id}; other fields from the catalogue"
    )
    return merged


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@dataclass
class Rejected:
    """Ids and names of rows that were not imported, per kind, with where they are."""

    rows: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, kind: TableKind, names: Iterable[Any], where: str) -> None:
        table = self.rows.setdefault(kind, {})
        for name in names:
            if isinstance(name, str) and _norm(name):
                table.setdefault(_norm(name), where)

    def pointer(self, kind: TableKind, text: str) -> str | None:
        """A message pointing at the rejected row that defines ``text``, or None."""
        where = self.rows.get(kind, {}).get(_norm(text))
        if where is None:
            return None
        what = "accelerator" if kind == "accelerators" else kind.rstrip("s")
        return (
            f'"{text}" is the {what} at {where}, which was not imported: fix the problem '
            "reported there first"
        )

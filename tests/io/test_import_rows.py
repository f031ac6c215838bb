"""The row objects a bulk import builds by its fast paths are the ones validation makes."""

import dataclasses
from datetime import UTC, datetime

import pytest

from tokentco.domain import ExchangeRates, Provenance
from tokentco.io.importer import ImportedRow, _ProvenanceFactory, import_files


def test_provenance_built_without_validation_equals_the_validated_one():
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    make = _ProvenanceFactory("prices.xlsx", "Offers", at)
    first = make(3, {"Comment": "a"})
    later = make(4, {"Comment": "b"})
    for built, row, note in ((first, 3, "a"), (later, 4, "b")):
        validated = Provenance(
            origin="imported",
            file="prices.xlsx",
            sheet="Offers",
            row=row,
            imported_at=at,
            notes={"Comment": note},
        )
        assert built == validated
        assert list(built.__dict__) == list(validated.__dict__)
        assert built.model_fields_set == validated.model_fields_set
        assert built.__pydantic_extra__ is None and built.__pydantic_private__ is None
        assert repr(built) == repr(validated)
    assert later.notes == {"Comment": "b"} and first.notes == {"Comment": "a"}


def test_imported_row_is_immutable_and_reads_like_before(tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text("GPU,Price per GPU-hour,Comment\nh100-sxm,2.5,first\nb200,4,second\n")
    result = import_files([path], ExchangeRates())
    first, second = result.rows["offers"]
    assert isinstance(first, ImportedRow) and not dataclasses.is_dataclass(first)
    assert (first.kind, first.id, first.provenance.row) == ("offers", first.item.id, 2)
    assert second.provenance.row == 3 and second.provenance.notes["Comment"] == "second"
    assert repr(first).startswith("ImportedRow(kind='offers', item=Offer(")
    with pytest.raises(AttributeError):
        first.item = second.item  # type: ignore[misc]
    assert first == ImportedRow(first.kind, first.item, first.provenance)

"""Option labels are unique, disambiguated only by what differs, short for charts."""

from tokentco.domain import Catalogue, Project
from tokentco.present import names
from tokentco.present.labels import SHORT_CHARS, LabelParts, option_labels, unique_labels


def _parts(option_id: str, name: str, **kw: str) -> LabelParts:
    return LabelParts(option_id=option_id, name=name, **kw)


def test_distinct_names_are_kept_as_they_are() -> None:
    labels = unique_labels([_parts("a", "H100 on demand"), _parts("b", "B200 owned")])
    assert labels["a"].full == "H100 on demand"
    assert labels["b"].full == "B200 owned"


def test_repeated_names_gain_only_the_part_that_differs() -> None:
    labels = unique_labels(
        [
            _parts("a", "H100 on demand", provider="Nebius", region="eu-north1", term="on demand"),
            _parts(
                "b", "H100 on demand", provider="Nebius", region="us-central1", term="on demand"
            ),
            _parts("c", "B200", provider="Nebius", region="eu-north1"),
        ]
    )
    assert labels["a"].full == "H100 on demand · eu-north1"
    assert labels["b"].full == "H100 on demand · us-central1"
    assert labels["c"].full == "B200"


def test_identical_options_are_numbered_and_case_does_not_hide_a_repeat() -> None:
    labels = unique_labels(
        [
            _parts("a", "H100", provider="X", term="spot"),
            _parts("b", "h100", provider="X", term="spot"),
            _parts("c", "H100", provider="X", term="reserved, 1 year"),
        ]
    )
    fulls = [labels[k].full for k in "abc"]
    assert len({t.lower() for t in fulls}) == 3
    assert labels["c"].full.endswith("reserved, 1 year")
    assert labels["a"].full.endswith("#1") and labels["b"].full.endswith("#2")


def test_project_labels_unique_in_both_forms_with_duplicated_offers(
    project: Project, catalogue: Catalogue
) -> None:
    first = project.options[2]
    copies = [first.model_copy(update={"id": f"{first.id}-{n}"}) for n in range(3)]
    term = catalogue.offers[first.offer_id].pricing_model
    spot = next(o for o in catalogue.offers_for(first.accelerator_id) if o.pricing_model != term)
    other = first.model_copy(update={"id": "spot", "offer_id": spot.id})
    bigger = project.model_copy(update={"options": (*project.options, *copies, other)})
    labels = option_labels(bigger, catalogue)
    assert list(labels) == [o.id for o in bigger.options]
    for form in ("full", "short"):
        texts = [getattr(label, form).lower() for label in labels.values()]
        assert len(set(texts)) == len(texts), texts
        assert not any("…" in t for t in texts)
    text = labels["spot"].full
    assert spot.provider in text or names.pricing_model(spot.pricing_model) in text
    for label in labels.values():
        base = label.short.rsplit(" #", 1)[0].split(" · ")[0]
        assert len(base) <= SHORT_CHARS, label


def test_kept_labels_are_the_ones_made_anew_and_a_caller_cannot_change_them() -> None:
    parts = [_parts("a", "H100 on demand", region="eu"), _parts("b", "H100 on demand", region="us")]
    first = unique_labels(parts)
    first["a"] = first["b"]  # a caller's own copy
    del first["b"]
    again = unique_labels(list(parts))
    assert again["a"].full == "H100 on demand · eu"
    assert again["b"].full == "H100 on demand · us"
    # different parts are not answered from the kept set
    changed = unique_labels([parts[0], _parts("b", "B200")])
    assert changed["a"].full == "H100 on demand" and changed["b"].full == "B200"

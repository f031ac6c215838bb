"""Edits are pure functions on the immutable Project: validated, never mutating."""

import pytest

from tokentco.app import edits
from tokentco.app.fieldpath import FieldError
from tokentco.domain import Catalogue, ComparisonOption, Project, Provenance, ServingOptions


def test_apply_to_all_reaches_options_with_their_own_serving(project: Project) -> None:
    own = [o for o in project.options if o.serving is not None]
    assert own, "the default project has an option with its own serving settings"
    edited = edits.set_serving_for_all(project, "utilization", 0.37)
    assert edited.serving.utilization == 0.37
    for option in edited.options:
        assert edited.serving_for(option).utilization == 0.37
    # the own settings that were not edited stay the option's own
    for before in own:
        after = edited.option(before.id).serving
        assert after is not None and before.serving is not None
        assert after.compute_precision == before.serving.compute_precision
        assert after.speculative == before.serving.speculative
    assert project.serving.utilization != 0.37  # the input was not mutated


def test_option_scoped_edit_starts_from_the_project_settings(project: Project) -> None:
    option = next(o for o in project.options if o.serving is None)
    edited = edits.set_option_serving(project, option.id, "max_concurrency", 64)
    expected = ServingOptions.model_validate({**dict(project.serving), "max_concurrency": 64})
    assert edited.option(option.id).serving == expected
    assert edited.serving == project.serving


def test_use_project_serving_drops_every_own_setting(project: Project) -> None:
    assert edits.options_with_own_serving(project)
    reverted = edits.use_project_serving(project)
    assert edits.options_with_own_serving(reverted) == ()
    one = edits.options_with_own_serving(project)[0]
    other = edits.set_option_serving(project, project.options[0].id, "utilization", 0.5)
    partly = edits.use_project_serving(other, [one])
    assert one not in edits.options_with_own_serving(partly)
    assert project.options[0].id in edits.options_with_own_serving(partly)


def test_a_rejected_value_is_one_located_message(project: Project) -> None:
    with pytest.raises(FieldError) as err:
        edits.set_serving_for_all(project, "utilization", 1.7)
    assert err.value.path == "serving.utilization"
    assert "\n" not in str(err.value)


def test_add_duplicate_remove(project: Project) -> None:
    first = project.options[0]
    added, new_id = edits.add_option(project, first)
    assert new_id == f"{first.id}-2" and len(added.options) == len(project.options) + 1
    again, third = edits.duplicate_option(added, first.id)
    assert third == f"{first.id}-3"
    assert again.option(third).label == f"{first.display_name} (copy)"
    removed = edits.remove_option(again, new_id)
    assert [o.id for o in removed.options] == [*(o.id for o in project.options), third]
    with pytest.raises(KeyError):
        edits.remove_option(project, "no-such-option")


def test_offer_edit_clones_the_offer_for_that_option(
    project: Project, catalogue: Catalogue
) -> None:
    option = next(o for o in project.options if "nebius" in o.offer_id)
    effective = project.effective_catalogue(catalogue)
    price = effective.offers[option.offer_id].price_per_gpu_hour
    assert price is not None
    edited = edits.set_offer_field(project, effective, option.id, "price_per_gpu_hour", 1.23)
    new_option = edited.option(option.id)
    assert new_option.offer_id == edits.own_offer_id(option.id)
    assert edited.effective_catalogue(catalogue).offers[new_option.offer_id].price_per_gpu_hour == (
        1.23
    )
    # the bundled offer other options may share is untouched
    assert edited.effective_catalogue(catalogue).offers[option.offer_id].price_per_gpu_hour == price


def test_with_offer_options_keeps_ids_and_skips_known(
    project: Project, catalogue: Catalogue
) -> None:
    offer = next(iter(catalogue.offers.values()))
    imported = project.model_copy(
        update={
            "imported": project.imported.merged("offers", [offer], [Provenance(origin="imported")])
        }
    )
    once = edits.with_offer_options(imported, [offer.id, offer.id])
    assert [o.id for o in once.options][-1] == offer.id
    assert len(once.options) == len(project.options) + 1
    assert edits.with_offer_options(once, [offer.id]) == once
    added = once.option(offer.id)
    assert isinstance(added, ComparisonOption)
    assert added.accelerator_id == offer.accelerator_id
    assert offer.accelerator_id in added.label

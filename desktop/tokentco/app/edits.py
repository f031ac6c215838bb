"""Edits as pure functions on the immutable :class:`~tokentco.domain.Project`.

Every change an analyst can make — in the GUI or through the CLI — is one of these: it
takes a project (and, for pricing, the effective catalogue) and returns a *new* project,
validated, or raises :class:`~tokentco.app.fieldpath.FieldError` with a one-line message.
Nothing here knows about undo, files or Qt: the session (:mod:`tokentco.app.session`)
records the results in its history, so one function serves the workbench, the CLI and the
tests alike.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from tokentco.app.fieldpath import FieldError, replace_field, set_path
from tokentco.domain import (
    Catalogue,
    ComparisonOption,
    Offer,
    Project,
    Provenance,
    TableKind,
)
from tokentco.domain.base import Frozen

if TYPE_CHECKING:  # the importer (and its column tables) loads only when used
    from tokentco.io.importer import ImportResult


SERVING = "serving."


def with_option(project: Project, new_option: ComparisonOption) -> Project:
    """``project`` with the option of the same id replaced by ``new_option``."""
    options = tuple(new_option if o.id == new_option.id else o for o in project.options)
    return project.model_copy(update={"options": options})


def set_field(project: Project, path: str, value: Any) -> Project:
    """A project field by dotted path (``workload.isl_tokens``, ``demand.term_years`` …).

    ``serving.*`` sets the project's own serving settings only; see
    :func:`set_serving_for_all` for the "Apply to: All options" edit.
    """
    return set_path(project, path, value)


def set_option_serving(project: Project, option_id: str, path: str, value: Any) -> Project:
    """One option's *own* serving setting (``path`` relative to ``ServingOptions``).

    An option without its own settings starts from a copy of the project's, so the
    other settings it shows do not jump.
    """
    option = project.option(option_id)
    base = option.serving or project.serving
    serving = set_path(base, path, value)
    where = SERVING + path
    return with_option(project, replace_field(option, "serving", serving, where=where))


def set_serving_for_all(project: Project, path: str, value: Any) -> Project:
    """ "Apply to: All options": the project's serving setting *and* every option's own.

    Options that keep their own serving settings get the new value too (their other own
    settings stay), so the comparison is made on the same terms — before this, an option
    with its own settings silently ignored the edit.
    """
    edited = set_path(project, SERVING + path, value)
    options = tuple(
        o
        if o.serving is None
        else replace_field(o, "serving", set_path(o.serving, path, value), where=SERVING + path)
        for o in edited.options
    )
    return edited.model_copy(update={"options": options})


def options_with_own_serving(project: Project) -> tuple[str, ...]:
    """Ids of the options that keep their own serving settings (marked in the GUI)."""
    return tuple(o.id for o in project.options if o.serving is not None)


def use_project_serving(project: Project, option_ids: Iterable[str] | None = None) -> Project:
    """Drop the own serving settings of ``option_ids`` (default: every option)."""
    chosen = None if option_ids is None else set(option_ids)
    options = tuple(
        o.model_copy(update={"serving": None})
        if o.serving is not None and (chosen is None or o.id in chosen)
        else o
        for o in project.options
    )
    return project.model_copy(update={"options": options})


def set_option_field(project: Project, option_id: str, name: str, value: Any) -> Project:
    """One top-level field of an option (label, lock-in rubric, lead time …), validated."""
    option = project.option(option_id)
    return with_option(project, replace_field(option, name, value, where=f"{option_id}.{name}"))


def unique_option_id(project: Project, wanted: str) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3`` … whichever is not taken yet."""
    ids = {o.id for o in project.options}
    new_id, n = wanted, 2
    while new_id in ids:
        new_id, n = f"{wanted}-{n}", n + 1
    return new_id


def add_option(project: Project, option: ComparisonOption) -> tuple[Project, str]:
    """``project`` comparing ``option`` too (its id made unique); returns the id used."""
    new_id = unique_option_id(project, option.id)
    option = option.model_copy(update={"id": new_id})
    return project.model_copy(update={"options": (*project.options, option)}), new_id


def duplicate_option(project: Project, option_id: str) -> tuple[Project, str]:
    """A copy of an option (labelled "… (copy)") added after the others; returns its id."""
    option = project.option(option_id)
    copy = option.model_copy(update={"label": f"{option.display_name} (copy)"})
    return add_option(project, copy)


def remove_option(project: Project, option_id: str) -> Project:
    """``project`` without that option (KeyError if there is none)."""
    project.option(option_id)
    kept = tuple(o for o in project.options if o.id != option_id)
    return project.model_copy(update={"options": kept})


def offer_option(project: Project, offer_id: str) -> ComparisonOption:
    """The option that compares an imported offer, labelled by who quoted it."""
    offer = project.imported.offers[offer_id]
    vendor = offer.provider or project.imported.provenance_of("offers", offer_id).sheet or offer_id
    return ComparisonOption(
        id=offer_id,
        label=f"{vendor} · {offer.accelerator_id} ({offer.pricing_model.value.replace('_', ' ')})",
        accelerator_id=offer.accelerator_id,
        offer_id=offer_id,
        system_id=offer.system_id,
        lead_time_weeks=offer.lead_time_weeks,
    )


def with_offer_options(project: Project, offer_ids: Iterable[str]) -> Project:
    """The project comparing each of these imported offers too, ids kept.

    Offers already compared are left as they are, so re-importing a file neither
    duplicates options nor loses their tuning (``tokentco import --add-options`` and the
    GUI use this one function).
    """
    known = {o.id for o in project.options}
    added = tuple(
        offer_option(project, offer_id)
        for offer_id in dict.fromkeys(offer_ids)
        if offer_id not in known
    )
    return project.model_copy(update={"options": (*project.options, *added)})


def apply_import(
    project: Project, result: "ImportResult", add_offer_options: bool = False
) -> Project:
    """The project holding an import's rows (same id: replaced); with
    ``add_offer_options`` every imported offer is compared too."""
    merged = result.merge_into(project)
    if add_offer_options:
        merged = with_offer_options(merged, [row.id for row in result.rows["offers"]])
    return merged


def put_rows(project: Project, kind: TableKind, rows: list[Frozen]) -> Project:
    """Store edited or added catalogue rows in the project with user provenance."""
    prov = [Provenance(origin="user", notes={"edited": "in TokenTCO"}) for _ in rows]
    imported = project.imported.merged(kind, rows, prov)
    return project.model_copy(update={"imported": imported})


def own_offer_id(option_id: str) -> str:
    """The id of the pricing row an option gets when its offer is edited."""
    return f"{option_id}-pricing"


def store_offer_for(project: Project, option_id: str, offer: Offer) -> Project:
    """Give an option its own pricing row (a clone of ``offer``) and point it there.

    Editing a shared or bundled offer must not change the other options that use it.
    """
    option = project.option(option_id)
    own_id = own_offer_id(option_id)
    if offer.id != own_id:
        offer = offer.model_copy(update={"id": own_id})
    prov = Provenance(origin="user", notes={"pricing_of": option_id})
    imported = project.imported.merged("offers", [offer], [prov])
    edited = project.model_copy(update={"imported": imported})
    return with_option(edited, option.model_copy(update={"offer_id": own_id}))


def set_offer_field(
    project: Project, catalogue: Catalogue, option_id: str, path: str, value: Any
) -> Project:
    """One pricing field of an option's offer; a shared offer is cloned for it first."""
    option = project.option(option_id)
    offer = catalogue.offers[option.offer_id]
    new_offer = set_path(offer, path, value)
    return store_offer_for(project, option_id, new_offer)


def set_offer(project: Project, catalogue: Catalogue, option_id: str, offer: Offer) -> Project:
    """Point an option at ``offer`` (stored as its own row when not in the catalogue as is)."""
    option = project.option(option_id)
    if catalogue.offers.get(offer.id) == offer:
        return with_option(project, option.model_copy(update={"offer_id": offer.id}))
    return store_offer_for(project, option_id, offer)


__all__ = [
    "FieldError",
    "add_option",
    "apply_import",
    "duplicate_option",
    "offer_option",
    "options_with_own_serving",
    "put_rows",
    "remove_option",
    "set_field",
    "set_offer",
    "set_offer_field",
    "set_option_field",
    "set_option_serving",
    "set_serving_for_all",
    "store_offer_for",
    "unique_option_id",
    "use_project_serving",
    "with_offer_options",
    "with_option",
]

"""Option labels that are unique within a comparison, in a full form for tables and a short
form for charts.

Two options may well carry the same name ("H100 on demand" from two regions, or an
imported offer next to the bundled one); a committee reading "H100 on demand" twice cannot
tell which bar is which. Labels are therefore disambiguated, within each group of equal
names (ignoring case), by the first of hardware, provider, region and term that tells
them apart — only by what differs — and numbered (#1, #2…) when nothing does.

The short form (charts, legends) starts from the option's own name when it is short
enough, otherwise from the GPU's short name, provider and term; it is made unique the
same way. Nothing is cut with "…": a label that is still long wraps where it is drawn.
"""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tokentco.domain import Catalogue, Project
from tokentco.domain.project import ComparisonOption
from tokentco.engine.results import Comparison
from tokentco.present.names import pricing_model

SHORT_CHARS = 28
"""Longest short label a chart shows on one line."""

_BLANK = {"", "n/a", "na", "none", "-", "—"}


@dataclass(frozen=True)
class OptionLabel:
    """How one option is named: ``full`` in tables, ``short`` on charts."""

    option_id: str
    full: str
    short: str


@dataclass(frozen=True)
class LabelParts:
    """What an option's label can be built from (blank strings where unknown)."""

    option_id: str
    name: str
    hardware: str = ""
    provider: str = ""
    region: str = ""
    term: str = ""
    term_short: str = ""


def _clean(text: str) -> str:
    text = " ".join(str(text).split())
    return "" if text.lower() in _BLANK else text


def short_hardware(name: str) -> str:
    """The GPU's short name, its first word with a digit: "B200 SXM 180GB (HGX/DGX B200)"
    → "B200", "Instinct MI300X" → "MI300X"."""
    words = _clean(name).split()
    return next((w for w in words if any(ch.isdigit() for ch in w)), words[0] if words else "")


def parts_for(option: ComparisonOption, catalogue: Catalogue) -> LabelParts:
    """The label parts of a project option, read from its offer and accelerator."""
    offer = catalogue.offers.get(option.offer_id)
    accelerator = catalogue.accelerators.get(option.accelerator_id)
    term = offer.pricing_model if offer is not None else None
    return LabelParts(
        option_id=option.id,
        name=_clean(option.display_name) or option.id,
        hardware=_clean(
            accelerator.name if accelerator and accelerator.name else option.accelerator_id
        ),
        provider=_clean(offer.provider) if offer is not None else "",
        region=_clean(offer.region) if offer is not None else "",
        term=pricing_model(term) if term is not None else "",
        term_short=pricing_model(term, short=True) if term is not None else "",
    )


def _disambiguate(
    bases: Sequence[str],
    parts: Sequence[LabelParts],
    qualifiers: Sequence[Callable[[LabelParts], str]],
) -> list[str]:
    """Make ``bases`` unique (ignoring case): within each group of equal labels add, in
    order, each qualifier whose values differ inside the group; number what still repeats."""
    labels = list(bases)
    for qualifier in qualifiers:
        groups = _groups(labels)
        for indices in groups:
            values = [qualifier(parts[i]) for i in indices]
            if len({v.lower() for v in values}) < 2:
                continue
            for i, value in zip(indices, values, strict=True):
                if value and value.lower() not in labels[i].lower():
                    labels[i] = f"{labels[i]} · {value}"
    for indices in _groups(labels):
        for n, i in enumerate(indices, start=1):
            labels[i] = f"{labels[i]} #{n}"
    return labels


def _groups(labels: Sequence[str]) -> list[list[int]]:
    seen: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        seen.setdefault(label.lower(), []).append(i)
    return [indices for indices in seen.values() if len(indices) > 1]


def unique_labels(parts: Sequence[LabelParts]) -> dict[str, OptionLabel]:
    """Full and short labels of every option, each unique within ``parts``, keyed by id.

    The labels depend on the parts alone, which an edit of a figure (a slider drag) leaves
    as they were: the last few sets are kept, so a repaint does not make them again."""
    return dict(_unique_labels(tuple(parts)))


@functools.lru_cache(maxsize=8)
def _unique_labels(parts: tuple[LabelParts, ...]) -> dict[str, OptionLabel]:
    full = _disambiguate(
        [p.name for p in parts],
        parts,
        (
            lambda p: p.hardware,
            lambda p: p.provider,
            lambda p: p.region,
            lambda p: p.term,
        ),
    )
    short_bases = [p.name if len(p.name) <= SHORT_CHARS else _compact(p) for p in parts]
    short = _disambiguate(
        short_bases,
        parts,
        (
            lambda p: short_hardware(p.hardware),
            lambda p: p.provider.split(" ")[0] if p.provider else "",
            lambda p: p.term_short,
            lambda p: p.region,
            lambda p: p.hardware,
        ),
    )
    return {
        p.option_id: OptionLabel(p.option_id, f, s)
        for p, f, s in zip(parts, full, short, strict=True)
    }


def _compact(p: LabelParts) -> str:
    pieces = [short_hardware(p.hardware) or p.name]
    if p.provider:
        pieces.append(p.provider.split(" ")[0])
    if p.term_short:
        pieces.append(p.term_short)
    return " ".join(pieces)


def option_labels(project: Project, catalogue: Catalogue) -> dict[str, OptionLabel]:
    """Labels of the project's options, keyed by option id, in project order."""
    return unique_labels([parts_for(o, catalogue) for o in project.options])


def comparison_labels(
    comparison: Comparison, project: Project, catalogue: Catalogue
) -> dict[str, OptionLabel]:
    """Labels of the options a comparison holds (a scenario may compare a subset), unique
    among those; options not in the project are named from the result alone."""
    known = {o.id: o for o in project.options}
    parts = []
    for r in comparison.options:
        option = known.get(r.option_id)
        if option is not None:
            parts.append(parts_for(option, catalogue))
            continue
        offer = catalogue.offers.get(r.offer_id)
        accelerator = catalogue.accelerators.get(r.accelerator_id)
        term = offer.pricing_model if offer is not None else None
        parts.append(
            LabelParts(
                option_id=r.option_id,
                name=_clean(r.label) or r.option_id,
                hardware=_clean(accelerator.name) if accelerator else _clean(r.accelerator_id),
                provider=_clean(offer.provider) if offer else "",
                region=_clean(offer.region) if offer else "",
                term=pricing_model(term) if term is not None else "",
                term_short=pricing_model(term, short=True) if term is not None else "",
            )
        )
    return unique_labels(parts)

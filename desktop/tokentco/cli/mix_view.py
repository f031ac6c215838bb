"""``compare --mix MIX.csv``: the comparison restated for a workload mix.

Kept apart from ``compare.py`` so that command only branches on the flag: this module
reads the mix, evaluates it and words, under the table, each option's pool arrangement
and why, and one line per class (``present.mix_text``).
"""

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .common import calibration

if TYPE_CHECKING:
    from tokentco.domain import Catalogue, Project
    from tokentco.domain.mix import WorkloadClass
    from tokentco.engine.results import Comparison


def mix_comparison(
    project: "Project", catalogue: "Catalogue", mix_csv: str
) -> tuple["Comparison", list[str], str]:
    """The comparison whose $/Mtok is the blend of MIX.csv's classes, the notes under the
    table and the table's title."""
    from tokentco.engine.mix import blended_comparison
    from tokentco.io.mix_csv import read_mix
    from tokentco.present.mix_text import mix_lines

    classes = read_mix(Path(mix_csv))
    mixed = project.model_copy(update={"workload_classes": classes})
    comparison, mix = blended_comparison(mixed, catalogue, calibration())
    notes = [line for option in mix.options for line in mix_lines(option)]
    return comparison, notes, mix_title(project, Path(mix_csv), classes)


def mix_title(project: "Project", mix_csv: Path, classes: "Sequence[WorkloadClass]") -> str:
    """The table's title for a mix: the model and precision of the single-workload title,
    with the mix named in place of one ISL/OSL (which the blend does not use)."""
    model, _, rest = project.name.partition(", ISL ")
    precision = rest.rpartition(", ")[2] if rest else ""
    shares = ", ".join(f"{c.name} {c.share:.0%}" for c in classes)
    tail = f", {precision}" if precision else ""
    return f"{model}, workload mix {mix_csv.name} ({shares}){tail}"

"""``compare --mix MIX.csv``: the comparison restated for a workload mix.

Kept apart from ``compare.py`` so that command only branches on the flag: this module
reads the mix, evaluates it and words one line per option (which pool arrangement and
why, and each class's $/Mtok) under the table.
"""

from pathlib import Path
from typing import TYPE_CHECKING

from .common import calibration

if TYPE_CHECKING:
    from tokentco.domain import Catalogue, Project
    from tokentco.engine.results import Comparison


def mix_comparison(
    project: "Project", catalogue: "Catalogue", mix_csv: str
) -> tuple["Comparison", list[str]]:
    """The comparison whose $/Mtok is the blend of MIX.csv's classes, and the notes."""
    from tokentco.domain.text import fixed
    from tokentco.engine.mix import blended_comparison
    from tokentco.io.mix_csv import read_mix

    classes = read_mix(Path(mix_csv))
    mixed = project.model_copy(update={"workload_classes": classes})
    comparison, mix = blended_comparison(mixed, catalogue, calibration())
    notes = []
    for option in mix.options:
        per_class = ", ".join(f"{c.name} ${fixed(c.usd_per_mtok, 3)}" for c in option.pool.classes)
        notes.append(f"  {option.label}: {option.why}; per class: {per_class}")
    return comparison, notes

"""``compare --mix MIX.csv``: the comparison restated for a workload mix.

Kept apart from ``compare.py`` so that command only branches on the flag: this module
reads the mix, evaluates it and words, under the table, each option's pool arrangement
and why, and one line per class (``present.mix_text``).
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
    from tokentco.engine.mix import blended_comparison
    from tokentco.io.mix_csv import read_mix
    from tokentco.present.mix_text import mix_lines

    classes = read_mix(Path(mix_csv))
    mixed = project.model_copy(update={"workload_classes": classes})
    comparison, mix = blended_comparison(mixed, catalogue, calibration())
    return comparison, [line for option in mix.options for line in mix_lines(option)]

"""The Scorecard tab, split by job: Qt-free texts and parsing (:mod:`.texts`), column specs
(:mod:`.columns`), the three table models (:mod:`.models`), the cell editors
(:mod:`.delegates`) and the tab widget (:mod:`.tab`)."""

from tokentco.ui.scorecard.models import INPUT_TIPS, LOCK_IN_KEYS
from tokentco.ui.scorecard.tab import ScorecardTab

__all__ = ["INPUT_TIPS", "LOCK_IN_KEYS", "ScorecardTab"]

"""Who won, who is runner-up, and who tied — worded once for every deliverable.

Only options that meet the latency target can win; options with equal weighted totals share
a place (the engine's ranks, as the workbook's RANK), so a tie is shown as a tie rather than a
winner picked by list order, and nothing feasible means no winner at all.
"""

from dataclasses import dataclass

from tokentco.engine.results import Comparison
from tokentco.engine.scoring import Scorecard
from tokentco.present.sentences import places


@dataclass(frozen=True)
class Standing:
    """Places of the feasible options, best first; ``places[i]`` holds the ids sharing
    place i + 1 (several when tied). ``ranks`` maps every option id to its place (None
    when it misses the latency target)."""

    places: tuple[tuple[str, ...], ...]
    ranks: dict[str, int | None]

    @property
    def winners(self) -> tuple[str, ...]:
        return self.places[0] if self.places else ()

    @property
    def runners_up(self) -> tuple[str, ...]:
        """The next place after the winners (empty when the winners tie for it all)."""
        return self.places[1] if len(self.places) > 1 else ()

    @property
    def tied(self) -> bool:
        return len(self.winners) > 1

    def rank_text(self, option_id: str) -> str:
        """ "1", "=2" for a shared place, "—" for an option that cannot win."""
        rank = self.ranks.get(option_id)
        if rank is None:
            return "—"
        shared = any(option_id in p and len(p) > 1 for p in self.places)
        return f"={rank}" if shared else str(rank)


def standing(card: Scorecard, comparison: Comparison) -> Standing:
    """The feasible options by scorecard rank, best first (``sentences.places``: equal
    totals share a rank, as the workbook's RANK does), with each option's printed place."""
    groups = places(card, comparison).groups
    ranks: dict[str, int | None] = {oid: None for oid in card.option_ids}
    rank = 1
    for group in groups:
        for oid in group:
            ranks[oid] = rank
        rank += len(group)
    return Standing(groups, ranks)

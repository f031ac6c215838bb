"""Every sentence the deliverables print about a comparison, worded once: the latency
target, the ranking (a winner, a tie, or no winner at all), the throughput basis, the
assumptions and why an option is infeasible.

The ranking sentences read the scorecard's own ranks (equal totals share a rank), so a
tie is called a tie, and an option that misses the latency target is never a winner or
runner-up, whatever its position in the list.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import tokentco
from tokentco.domain.workload import Workload
from tokentco.engine.results import Assumption, Comparison, OptionResult
from tokentco.engine.scoring import Scorecard
from tokentco.present import formats as fmt
from tokentco.present.citations import citation
from tokentco.present.names import display


def latency_target(workload: Workload) -> str:
    """ "TTFT ≤ 2,000 ms and ≥ 20 tok/s per user", or "no latency target"."""
    parts = []
    if workload.max_ttft_ms is not None:
        parts.append(f"TTFT ≤ {workload.max_ttft_ms:,.10g} ms")
    if workload.min_tokens_per_s_per_user is not None:
        parts.append(f"≥ {workload.min_tokens_per_s_per_user:,.10g} tok/s per user")
    return " and ".join(parts) if parts else "no latency target"


@dataclass(frozen=True)
class Places:
    """Feasible options grouped by rank, best first (several ids in a group = a tie)."""

    groups: tuple[tuple[str, ...], ...]
    totals: dict[str, float]

    @property
    def winners(self) -> tuple[str, ...]:
        return self.groups[0] if self.groups else ()

    @property
    def runners_up(self) -> tuple[str, ...]:
        return self.groups[1] if len(self.groups) > 1 else ()


def places(card: Scorecard, comparison: Comparison) -> Places:
    """Group the feasible options by their scorecard rank (ties share a rank)."""
    feasible = {r.option_id for r in comparison.options if r.point.feasible}
    by_rank: dict[int, list[str]] = {}
    for i, option_id in enumerate(card.option_ids):
        if option_id in feasible:
            by_rank.setdefault(int(card.ranks[i]), []).append(option_id)
    totals = {oid: float(card.totals[i]) for i, oid in enumerate(card.option_ids)}
    return Places(tuple(tuple(by_rank[k]) for k in sorted(by_rank)), totals)


def _names(ids: Sequence[str], labels: Mapping[str, str]) -> str:
    words = [labels.get(i, i) for i in ids]
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def ranking(card: Scorecard, comparison: Comparison, labels: Mapping[str, str]) -> str:
    """Who wins, worded for a committee: a winner with its lead, a tie, or no winner."""
    if not comparison.options:
        return "No options to compare."
    place = places(card, comparison)
    if not place.winners:
        return (
            "No option meets the latency target, so there is no winner: relax the target "
            "or add options."
        )
    first = place.winners
    score = fmt.score(place.totals[first[0]])
    if len(first) > 1:
        return f"{_names(first, labels)} tie for first place with {score} points each."
    if not place.runners_up:
        return f"{labels.get(first[0], first[0])} is the only option that meets the latency target."
    second = place.runners_up
    lead = place.totals[first[0]] - place.totals[second[0]]
    runner = _names(second, labels)
    verb = "tie for second" if len(second) > 1 else "is second"
    return (
        f"{labels.get(first[0], first[0])} ranks first with {score} points, "
        f"{fmt.score(lead)} ahead; {runner} {verb} with {fmt.score(place.totals[second[0]])}."
    )


def sensitivity(card: Scorecard, comparison: Comparison, labels: Mapping[str, str]) -> str:
    """The ranking sentence followed by what would change it (the engine's weight flips
    and break-evens), only when there is a single winner to challenge."""
    head = ranking(card, comparison, labels)
    place = places(card, comparison)
    if len(place.winners) != 1 or not place.runners_up:
        return head
    parts = [head]
    flip = card.weight_flips[0] if card.weight_flips else None
    if flip is not None:
        verb = "raising" if flip.change_pct_points > 0 else "lowering"
        parts.append(
            f"The smallest weight change that changes the winner is {verb} "
            f"'{flip.criterion_name}' from {fmt.percent(flip.current_weight_pct / 100)} to "
            f"{fmt.percent(flip.flip_weight_pct / 100)} (other weights rescaled), which makes "
            f"{labels.get(flip.challenger_id, flip.challenger_id)} win."
        )
    else:
        parts.append("No change of a single weight makes another option win.")
    win = place.winners[0]
    holds = [e for e in card.break_evens if e.holds and e.option_id == win and e.break_even]
    if holds:
        words = [
            f"its {e.label} {'rises above' if e.input == 'usd_per_gpu_hour' else 'falls below'} "
            f"{input_value(e.input, e.break_even or 0.0)} (now {input_value(e.input, e.current)})"
            for e in holds
        ]
        parts.append(f"{labels.get(win, win)} stays first unless " + ", or ".join(words) + ".")
    return " ".join(parts)


def cheapest_confidence(comparison: Comparison, labels: Mapping[str, str]) -> str:
    """How sure the cheapest option is the cheapest, given the estimates' errors ("" when
    it cannot be stated)."""
    p = comparison.p_winner_cheapest
    cheapest = comparison.cheapest
    if p is None or cheapest is None:
        return ""
    name = labels.get(cheapest.option_id, cheapest.label)
    odds = "more than 99%" if p > 0.99 else fmt.percent(p)
    return (
        f"Probability that {name} really is the cheapest per million tokens, given the "
        f"p10–p90 ranges of the estimates: {odds}."
    )


def input_value(name: str, value: float) -> str:
    """A break-even input worded with its unit."""
    if name == "utilization":
        return fmt.percent(value)
    if name == "usd_per_gpu_hour":
        return fmt.usd_per_gpu_hour(value, unit=True)
    return fmt.tokens_per_s(value, unit="tok/s/GPU")


def basis(result: OptionResult) -> str:
    """Where the throughput figure comes from: measured, anchored or estimated, with the
    title of the measurement it rests on (never the catalogue's working notes)."""
    point = result.point
    if point.provenance == "measured":
        cited = citation(point.source)
        return f"measured ({cited.title})" if cited else "measured"
    if point.provenance == "anchored":
        cited = citation(point.anchor_source or point.source)
        source = f"; {cited.title}" if cited else ""
        return (
            f"estimated ({tokentco.MODEL_VERSION}) anchored to a measurement, "
            f"factor {fmt.number(point.anchor_factor)}{source}"
        )
    return f"estimated ({tokentco.MODEL_VERSION})"


def basis_short(result: OptionResult) -> str:
    """One word for tables: measured, anchored or estimated."""
    return result.point.provenance if result.point.provenance else "estimated"


def assumption(item: Assumption) -> str:
    """ "Scale-up domain: 8 GPUs (assumed; set it in …)"."""
    text = f"{display(item.field)}: {item.value} (assumed"
    return text + (f"; {item.how_to_set})" if item.how_to_set else ")")


def infeasible(result: OptionResult) -> str:
    """Why an option cannot be ranked, or "" when it can."""
    if result.point.feasible:
        return ""
    reason = result.point.reason.strip()
    return f"misses the latency target: {reason}" if reason else "misses the latency target"

"""Sentences: the ranking says winner, tie or no winner correctly; bases and assumptions
read as words; the latency target is worded once."""

from dataclasses import replace

from tokentco.domain import Catalogue, Project
from tokentco.domain.workload import Workload
from tokentco.engine.evaluate import evaluate
from tokentco.engine.results import Assumption, Comparison
from tokentco.engine.scoring import score
from tokentco.present import sentences


def _labels(comparison: Comparison) -> dict[str, str]:
    return {r.option_id: r.label for r in comparison.options}


def test_latency_target_in_words() -> None:
    assert sentences.latency_target(Workload()) == "no latency target"
    text = sentences.latency_target(Workload(max_ttft_ms=2000, min_tokens_per_s_per_user=20))
    assert text == "TTFT ≤ 2,000 ms and ≥ 20 tok/s per user"


def test_single_winner_names_winner_and_runner_up(project: Project, catalogue: Catalogue) -> None:
    comparison = evaluate(project, catalogue)
    card = score(project, comparison)
    place = sentences.places(card, comparison)
    assert len(place.winners) == 1
    text = sentences.ranking(card, comparison, _labels(comparison))
    assert text.startswith(comparison.by_id(place.winners[0]).label + " ranks first")
    assert comparison.by_id(place.runners_up[0]).label in text
    assert "stays first unless" in sentences.sensitivity(card, comparison, _labels(comparison))


def test_a_tie_is_called_a_tie(project: Project, catalogue: Catalogue) -> None:
    twin = project.options[0].model_copy(update={"id": "twin", "label": "Twin"})
    tied = project.model_copy(update={"options": (project.options[0], twin)})
    comparison = evaluate(tied, catalogue)
    card = score(tied, comparison)
    text = sentences.sensitivity(card, comparison, _labels(comparison))
    assert "tie for first place" in text
    assert "ranks first" not in text


def test_nothing_feasible_means_no_winner(project: Project, catalogue: Catalogue) -> None:
    strict = project.model_copy(
        update={"workload": project.workload.model_copy(update={"max_ttft_ms": 0.001})}
    )
    comparison = evaluate(strict, catalogue)
    assert not any(r.point.feasible for r in comparison.options)
    card = score(strict, comparison)
    text = sentences.sensitivity(card, comparison, _labels(comparison))
    assert "no winner" in text
    assert not any(r.label in text for r in comparison.options)
    assert sentences.places(card, comparison).winners == ()
    assert sentences.infeasible(comparison.options[0]).startswith("misses the latency target")


def test_basis_and_assumptions_in_words(project: Project, catalogue: Catalogue) -> None:
    result = evaluate(project, catalogue).options[0]
    anchored = replace(
        result,
        point=replace(
            result.point,
            provenance="anchored",
            anchor_factor=0.93,
            anchor_source="445: NVIDIA blog on TCO (verify) https://blogs.nvidia.com/x",
        ),
    )
    text = sentences.basis(anchored)
    assert "anchored to a measurement, factor 0.930; NVIDIA blog on TCO" in text
    assert "verify" not in text and "445" not in text
    assert sentences.basis_short(anchored) == "anchored"
    text = sentences.assumption(Assumption("scale_up_gpus", "8 GPUs", "set it on the system"))
    assert text == "Scale-up domain: 8 GPUs (assumed; set it on the system)"

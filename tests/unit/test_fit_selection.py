"""Nested leave-one-source-out selection of the fit's hyper-parameters (fit.nested_selection)."""

import numpy as np

from tokentco.engine.efficiency import DEFAULT_EFFICIENCY
from tokentco.engine.fit import FitData, FitSettings, ape, nested_selection, selection_score
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.calibration_file import measured_set

SOURCES = ("MLPerf Inference v4.1", "SemiAnalysis InferenceX blog", "NVIDIA technical blog")


def _small_set() -> FitData:
    """Three sources' H100/H200/B200 dense rows (a few dozen rows: fast fits)."""
    data = measured_set()
    keep = data.usable & np.array(
        [
            any(s.startswith(p) for p in SOURCES[:1])
            or (s.startswith("TensorRT-LLM") and r.model_id == "llama-3.1-8b")
            or (s.startswith("MLPerf Inference v5.1") and r.model_id == "llama-3.1-8b")
            for s, r in zip(data.source, data.plan.requests, strict=True)
        ]
    )
    return data.subset(keep)


CANDIDATES = {
    "engine defaults": FitSettings(),
    # a fixed 50 ms per step and 64 sequences per rank (the bounds) held by their priors
    "absurd overhead": FitSettings(
        start=DEFAULT_EFFICIENCY.with_values(step_overhead_s=0.05, max_batch_per_rank=64.0)
    ),
}


def test_nested_selection_never_uses_the_scored_source() -> None:
    catalogue = bundled_catalogue()
    data = _small_set()
    assert len(set(data.source)) == 3
    result = nested_selection(data, catalogue, CANDIDATES)
    assert set(result.chosen) == set(data.source)
    labels = np.array(data.source)
    for source in result.sources:
        rows = labels == source
        # each held-out source is predicted by the candidate its inner folds chose
        assert np.array_equal(result.nested[rows], result.loso[result.chosen[source]][rows])
        assert result.chosen[source] == min(result.inner[source], key=result.inner[source].get)
    # a sane prior beats a 50 ms step in every fold and overall
    assert set(result.chosen.values()) == {"engine defaults"}, result.inner
    assert result.overall == "engine defaults"
    plain = selection_score(ape(result.loso["engine defaults"], data.measured))
    assert selection_score(ape(result.nested, data.measured)) == plain

    # the choice for a source ignores its own measurements: scaling them tenfold changes
    # the inner scores of the other folds, never its own
    held = result.sources[0]
    scaled = np.where(labels == held, data.measured * 10.0, data.measured)
    moved = nested_selection(
        FitData(data.plan, scaled, data.source, data.groups), catalogue, CANDIDATES
    )
    assert moved.inner[held] == result.inner[held]
    assert any(moved.inner[s] != result.inner[s] for s in result.sources if s != held)

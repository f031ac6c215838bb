"""Citations keep title, publisher, date and URL and drop maintainers' notes."""

from tokentco.domain import Catalogue
from tokentco.present.citations import Citation, citation

NOTES = ("confirm", "verify", "derived", "@", "/blob/", "crawled")


def test_a_quoted_title_with_notes_becomes_a_clean_citation() -> None:
    source = (
        "NVIDIA blog 'Rethinking AI TCO: Why Cost per Token Is the Only Metric That Matters' "
        "(blogs.nvidia.com, Apr 2026) as summarized by en.theblockbeats.news/flash/343757. "
        "Brief calls it owner cost - confirm definition."
    )
    found = citation(source, "2026-04")
    assert found == Citation(
        "Rethinking AI TCO: Why Cost per Token Is the Only Metric That Matters",
        "NVIDIA",
        "2026-04",
        "https://blogs.nvidia.com",
    )


def test_repository_paths_and_hashes_are_dropped() -> None:
    found = citation(
        "MLPerf Inference v5.1: github.com/mlcommons/inference_results_v5.1@965182b0 : "
        "closed/NVIDIA/results/B200/run_1/mlperf_log_summary.txt"
    )
    assert found is not None
    assert found.url == "https://github.com/mlcommons/inference_results_v5.1"
    assert found.publisher == "MLCommons"
    assert "965182b0" not in found.text() and "closed/" not in found.text()


def test_no_bundled_citation_carries_internal_notes(catalogue: Catalogue) -> None:
    sources = [o.source for o in catalogue.offers.values()]
    sources += [m.source for m in catalogue.measured.values()]
    texts = [c.text() for s in sources if (c := citation(s)) is not None]
    assert len(texts) > 20
    for text in texts:
        assert not any(note in text for note in NOTES), text
        assert len(text) < 400

"""A citation read once is the citation read again: the cache answers what reading does."""

from tokentco.io.bundled import bundled_catalogue
from tokentco.present import citations


def _sources() -> list[tuple[str, str]]:
    catalogue = bundled_catalogue()
    found: list[tuple[str, str]] = []
    for kind in ("accelerators", "offers", "measured", "systems", "models"):
        for row in catalogue.table(kind).values():
            source = getattr(row, "source", "") or ""
            found.append((str(source), str(getattr(row, "as_of", "") or "")))
            found.append((f"p-1: anchored × 1.1 to {source}", ""))
    return found


def test_cached_citations_equal_a_fresh_read() -> None:
    sources = _sources()
    assert len(sources) > 50
    citations._citation.cache_clear()
    first = [citations.citation(s, a) for s, a in sources]
    again = [citations.citation(s, a) for s, a in sources]
    fresh = [citations._citation.__wrapped__(s, a) for s, a in sources]
    assert first == again == fresh
    assert any(c is not None for c in first)
    assert citations._citation.cache_info().hits >= len(sources)


def test_a_non_text_source_reads_as_its_text() -> None:
    assert citations.citation(12345) == citations.citation("12345")  # type: ignore[arg-type]

"""The methodology text: every section has prose, it names the model version and the three
throughput bases, and prints no raw codes or cut text."""

import re

import tokentco
from tokentco.present.methodology import methodology


def test_methodology_reads_as_prose() -> None:
    sections = methodology()
    headings = [h for h, _ in sections]
    assert headings == ["Cost per million tokens", "Scoring", "Throughput", "Caveats"]
    text = " ".join(p for _, paragraphs in sections for p in paragraphs)
    assert all(paragraphs for _, paragraphs in sections)
    assert tokentco.MODEL_VERSION in text
    assert all(word in text for word in ("measured", "anchored", "estimated", "p10–p90"))
    assert "…" not in text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), "a raw code in the methodology"

"""The sources of one option's figures, as citations a committee can follow: what it is,
who published it, when, and where (a URL) — never the catalogue's working notes
(repository paths, commit hashes, "confirm definition", "derived, verify").
"""

import re
from dataclasses import dataclass

from tokentco.domain import Catalogue
from tokentco.engine.results import OptionResult
from tokentco.present import formats as fmt


def citations_for(r: OptionResult, catalogue: Catalogue) -> tuple[str, ...]:
    """Throughput, price and hardware citations of ``r`` (each one line)."""
    out = [_throughput(r)]
    offer = catalogue.offers.get(r.offer_id)
    if offer is not None and offer.source:
        out.append("Price: " + cite(offer.source, offer.as_of))
    acc = catalogue.accelerators.get(r.accelerator_id)
    if acc is not None and acc.source:
        out.append("Hardware: " + cite(acc.source))
    out += [f"Warning: {w}" for w in r.warnings]
    return tuple(out)


def _throughput(r: OptionResult) -> str:
    point = r.point
    if point.provenance == "measured":
        return "Throughput: measured — " + cite(point.source)
    if point.provenance == "anchored":
        return (
            f"Throughput: anchored — the TokenTCO model scaled ×{fmt.number(point.anchor_factor)} "
            f"to {cite(point.anchor_source)}"
        )
    return "Throughput: " + (point.source or "estimated by the TokenTCO throughput model")


@dataclass(frozen=True)
class Citation:
    """A publication: title, publisher, date (when it has one) and address."""

    title: str
    publisher: str
    url: str
    date: str = ""

    def text(self, as_of: str = "") -> str:
        when = as_of or self.date
        return " · ".join(
            p for p in (self.title, self.publisher, when and f"as of {when}", self.url) if p
        )


KNOWN: tuple[tuple[str, Citation], ...] = (
    (
        "skypilot-org/skypilot-catalog",
        Citation(
            "Cloud GPU instance price lists (per provider)",
            "SkyPilot catalogue",
            "https://github.com/skypilot-org/skypilot-catalog",
        ),
    ),
    (
        "ai-dynamo/aiconfigurator",
        Citation(
            "AIConfigurator hardware and model database",
            "NVIDIA Dynamo project",
            "https://github.com/ai-dynamo/aiconfigurator",
        ),
    ),
    (
        "stas00/ml-engineering",
        Citation(
            "Machine Learning Engineering Open Book: accelerator tables",
            "Stas Bekman",
            "https://github.com/stas00/ml-engineering",
        ),
    ),
    (
        "jax-ml/scaling-book",
        Citation(
            "How to Scale Your Model", "Google DeepMind", "https://jax-ml.github.io/scaling-book/"
        ),
    ),
    (
        "aws-neuron",
        Citation(
            "AWS Neuron documentation: Trainium and Inferentia architecture",
            "Amazon Web Services",
            "https://awsdocs-neuron.readthedocs-hosted.com/",
        ),
    ),
    (
        "NVIDIA blog 'Rethinking AI TCO",
        Citation(
            "Rethinking AI TCO: Why Cost per Token Is the Only Metric That Matters",
            "NVIDIA blog",
            "https://blogs.nvidia.com/",
            "Apr 2026",
        ),
    ),
    (
        "NVIDIA blog on inference TCO",
        Citation(
            "Rethinking AI TCO: Why Cost per Token Is the Only Metric That Matters",
            "NVIDIA blog",
            "https://blogs.nvidia.com/",
            "Apr 2026",
        ),
    ),
    (
        "TensorRT-LLM perf-overview",
        Citation(
            "TensorRT-LLM performance overview",
            "NVIDIA",
            "https://nvidia.github.io/TensorRT-LLM/performance/perf-overview.html",
        ),
    ),
    (
        "MLPerf Inference v5.1",
        Citation(
            "MLPerf Inference v5.1 Datacenter results",
            "MLCommons",
            "https://mlcommons.org/benchmarks/inference-datacenter/",
            "Sep 2025",
        ),
    ),
    (
        "MLPerf Inference v4.1",
        Citation(
            "MLPerf Inference v4.1 Datacenter results",
            "MLCommons",
            "https://mlcommons.org/benchmarks/inference-datacenter/",
            "Aug 2024",
        ),
    ),
    (
        "SemiAnalysis InferenceX",
        Citation(
            "InferenceX (formerly InferenceMAX) benchmark",
            "SemiAnalysis",
            "https://inferencemax.semianalysis.com/",
        ),
    ),
    (
        "LMSYS/SGLang blog",
        Citation(
            "Deploying DeepSeek with PD disaggregation and large-scale expert parallelism",
            "LMSYS (SGLang)",
            "https://lmsys.org/blog/2025-05-05-large-scale-ep/",
            "May 2025",
        ),
    ),
    (
        "DeepSeek-V3/R1 Inference System Overview",
        Citation(
            "DeepSeek-V3/R1 Inference System Overview",
            "DeepSeek",
            "https://github.com/deepseek-ai/open-infra-index",
            "Mar 2025",
        ),
    ),
)
"""Publications the bundled catalogue and calibration data cite, by how their source cells
begin; anything else is cited from its own cleaned text."""


def _known(source: str) -> Citation | None:
    start = re.sub(r"^[\w.-]{1,40}:\s+", "", source.strip())
    for prefix, citation in KNOWN:
        if start.startswith(prefix) or (len(prefix) > 20 and prefix in start[:120]):
            return citation
    return None


_URL = re.compile(
    r"\b(?:https?://)?((?:[a-z0-9-]+\.)+(?:com|org|net|network|io|ai|news|dev|co|cloud|gov|edu)(?![a-z])(?:/[^\s,;)\]]*)?)",
    re.I,
)
_HASH = re.compile(r"@?\b[0-9a-f]{7,40}\b")
_PATH = re.compile(r"\b[\w.-]+/[\w.-]+(?:/[\w.@-]+)+\.(?:csv|json|md|py|yaml|yml|txt)\b")
_NOTES = re.compile(
    r"\(?\b(?:confirm[^.;)]*|derived[^.;)]*verify[^.;)]*|verify[^.;)]*|todo[^.;)]*|"
    r"commit date not exposed[^;)]*|store crawled[^;)]*)\)?",
    re.I,
)
_MAX_CHARS = 220
"""A citation longer than this is cut at a word boundary (the URL is kept)."""


def cite(source: str, as_of: str = "") -> str:
    """One readable citation from a catalogue ``source`` cell: a known publication's title,
    publisher and address, else the cell's text without working notes, repository paths or
    hashes; then the date and the web address(es)."""
    date = as_of if re.search(r"\\d{4}", as_of or "") and len(as_of) <= 20 else ""
    known = _known(source)
    if known is not None:
        return known.text(date)
    found = list(dict.fromkeys(m.group(1).rstrip(".") for m in _URL.finditer(source)))
    urls = [u for u in found if not any(o != u and u in o for o in found)][:2]
    text = _URL.sub("", source)
    text = _PATH.sub("", text)
    text = _HASH.sub("", text)
    text = _NOTES.sub("", text)
    text = re.sub(r"[,;]?\s*\b(?:mirror|see|via|at)\s*[,;:]?\s*\)", ")", text, flags=re.I)
    text = re.sub(r"\(\s*[,;:]?\s*\)", "", text)
    text = re.sub(r"\s+([,;.:)])", r"\1", re.sub(r"\s{2,}", " ", text)).strip(" ,;:-·")
    if len(text) > _MAX_CHARS:
        text = text[:_MAX_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + " (abridged)"
    parts = [text or "source named in the catalogue"]
    date = as_of if re.search(r"\d{4}", as_of or "") and len(as_of) <= 20 else ""
    if date:
        parts.append(f"as of {date}")
    parts += urls
    return " · ".join(parts)

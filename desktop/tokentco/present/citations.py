"""Citations for the sources page: title, publisher, date and URL — never internal notes.

Catalogue ``source`` fields are written for maintainers: they mix the citation with
working notes ("confirm definition", "derived, verify"), repository paths and commit
hashes. A committee needs to know what was cited and where to find it, so this module
extracts the citation and drops the rest.
"""

import functools
import re
from dataclasses import dataclass

from tokentco.domain import Catalogue
from tokentco.engine.results import OptionResult


@dataclass(frozen=True)
class Citation:
    """One cited source as a reader can look it up."""

    title: str
    publisher: str = ""
    date: str = ""
    url: str = ""

    def text(self) -> str:
        """ "Title. Publisher, date. URL" with the missing parts left out."""
        parts = [self.title.rstrip(".") + "."]
        tail = ", ".join(p for p in (self.publisher, self.date) if p)
        if tail:
            parts.append(tail + ".")
        if self.url:
            parts.append(self.url)
        return " ".join(parts)


_PUBLISHERS = (
    ("spheron", "Spheron"),
    ("runpod", "RunPod"),
    ("vast.ai", "Vast.ai"),
    ("fptcloud", "FPT Cloud"),
    ("mlcommons", "MLCommons"),
    ("mlperf", "MLCommons"),
    ("nvidia", "NVIDIA"),
    ("amd.com", "AMD"),
    ("semianalysis", "SemiAnalysis"),
    ("skypilot", "SkyPilot catalog"),
    ("nebius", "Nebius"),
    ("aws", "Amazon Web Services"),
    ("azure", "Microsoft Azure"),
    ("oracle", "Oracle Cloud"),
    ("google", "Google Cloud"),
    ("coreweave", "CoreWeave"),
    ("lambda", "Lambda"),
    ("ai-dynamo", "NVIDIA Dynamo (aiconfigurator)"),
)
_NOTE_WORDS = re.compile(
    r"\b(confirm|verify|derived|todo|assumption|see [\w-]+ row|crawled|not exposed|"
    r"brief calls|summari[sz]ed by)\b",
    re.I,
)
_QUOTED = re.compile(
    r"(?:^|(?<=[\s(]))(?:'([^']{8,120})'|\"([^\"]{8,120})\"|‘([^’]{8,120})’|“([^”]{8,120})”)"
    r"(?=[\s),.;:]|$)"
)
_URL = re.compile(r"https?://[^\s;,)]+")
_DOMAIN_PATH = re.compile(
    r"\b((?:[a-z0-9-]+\.)+(?:com|org|net|io|ai|news|dev|cloud)(?:/[^\s;,)]*)?)"
)
_GITHUB = re.compile(r"github\.com/([\w.-]+)/([\w.-]+?)(?:@[0-9a-f]{6,40})?(?=[\s:/]|$)")
_REPO_AT = re.compile(r"\b([\w.-]+)/([\w.-]+)@[0-9a-f]{6,40}\b")
_DATE = re.compile(
    r"\b((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}|\d{4}-\d{2}(?:-\d{2})?)\b"
)
_PREFIX = re.compile(r"^(?:anchored\s+×\s*[\d.]+\s+to\s+)?[\w.-]{1,40}:\s+(?=\S.{20,})")
"""A leading "<point id>: " (or "anchored ×0.63 to <id>: ") the engine puts before a source."""
_MLPERF = re.compile(r"MLPerf Inference (v[\d.]+)", re.I)


KNOWN: tuple[tuple[str, Citation], ...] = (
    (
        "AWS EC2 Capacity Blocks",
        Citation(
            "Amazon EC2 Capacity Blocks for ML pricing",
            "Amazon Web Services",
            "",
            "https://aws.amazon.com/ec2/capacityblocks/pricing/",
        ),
    ),
    (
        "Same AWS Capacity Blocks page",
        Citation(
            "Amazon EC2 Capacity Blocks for ML pricing",
            "Amazon Web Services",
            "",
            "https://aws.amazon.com/ec2/capacityblocks/pricing/",
        ),
    ),
    (
        "skypilot-org/skypilot-catalog",
        Citation(
            "Cloud GPU instance price lists (per provider)",
            "SkyPilot catalogue",
            "",
            "https://github.com/skypilot-org/skypilot-catalog",
        ),
    ),
    (
        "ai-dynamo/aiconfigurator",
        Citation(
            "AIConfigurator hardware and model database",
            "NVIDIA Dynamo project",
            "",
            "https://github.com/ai-dynamo/aiconfigurator",
        ),
    ),
    (
        "stas00/ml-engineering",
        Citation(
            "Machine Learning Engineering Open Book: accelerator tables",
            "Stas Bekman",
            "",
            "https://github.com/stas00/ml-engineering",
        ),
    ),
    (
        "jax-ml/scaling-book",
        Citation(
            "How to Scale Your Model",
            "Google DeepMind",
            "",
            "https://jax-ml.github.io/scaling-book/",
        ),
    ),
    (
        "aws-neuron",
        Citation(
            "AWS Neuron documentation: Trainium and Inferentia architecture",
            "Amazon Web Services",
            "",
            "https://awsdocs-neuron.readthedocs-hosted.com/",
        ),
    ),
    (
        "NVIDIA blog 'Rethinking AI TCO",
        Citation(
            "Rethinking AI TCO: Why Cost per Token Is the Only Metric That Matters",
            "NVIDIA",
            "Apr 2026",
            "https://blogs.nvidia.com",
        ),
    ),
    (
        "NVIDIA blog on inference TCO",
        Citation(
            "Rethinking AI TCO: Why Cost per Token Is the Only Metric That Matters",
            "NVIDIA",
            "Apr 2026",
            "https://blogs.nvidia.com",
        ),
    ),
    (
        "TensorRT-LLM perf-overview",
        Citation(
            "TensorRT-LLM performance overview",
            "NVIDIA",
            "",
            "https://nvidia.github.io/TensorRT-LLM/performance/perf-overview.html",
        ),
    ),
    (
        "SemiAnalysis InferenceX",
        Citation(
            "InferenceX (formerly InferenceMAX) benchmark",
            "SemiAnalysis",
            "",
            "https://inferencemax.semianalysis.com/",
        ),
    ),
    (
        "LMSYS/SGLang blog",
        Citation(
            "Deploying DeepSeek with PD disaggregation and large-scale expert parallelism",
            "LMSYS (SGLang)",
            "May 2025",
            "https://lmsys.org/blog/2025-05-05-large-scale-ep/",
        ),
    ),
    (
        "DeepSeek-V3/R1 Inference System Overview",
        Citation(
            "DeepSeek-V3/R1 Inference System Overview",
            "DeepSeek",
            "Mar 2025",
            "https://github.com/deepseek-ai/open-infra-index",
        ),
    ),
)
"""Publications the bundled catalogue and calibration data cite most, by how their source
text begins (after any point-id prefix): their proper title, publisher and address."""


def _known(text: str) -> Citation | None:
    for prefix, cited in KNOWN:
        if text.startswith(prefix) or (len(prefix) > 20 and prefix in text[:160]):
            return cited
    return None


def _publisher(text: str) -> str:
    low = text.lower()
    return next((name for key, name in _PUBLISHERS if key in low), "")


def citation(source: str, as_of: str = "") -> Citation | None:
    """The citation inside a catalogue ``source`` text (None when there is nothing to cite).

    Read once per text (a results table names the same few sources on every refresh of a
    drag); a citation is immutable, so the one read before is the answer."""
    return _citation(str(source), as_of)


@functools.lru_cache(maxsize=1024)
def _citation(source: str, as_of: str) -> Citation | None:
    text = _PREFIX.sub("", " ".join(source.split()))
    if not text:
        return None
    known = _known(text)
    if known is not None:
        dated = as_of_text(as_of) if as_of else ""
        return Citation(
            known.title,
            known.publisher,
            "" if dated == "undated" else dated or known.date,
            known.url,
        )
    date = as_of if re.fullmatch(r"\d{4}(-\d{2}){0,2}", as_of or "") else ""
    found = _DATE.search(text)
    if not date and found:
        date = found.group(1)
    mlperf = _MLPERF.search(text)
    if mlperf:
        return Citation(
            f"MLPerf Inference {mlperf.group(1)} results",
            "MLCommons",
            date,
            f"https://github.com/mlcommons/inference_results_{mlperf.group(1)}",
        )
    quoted = _QUOTED.search(text)
    url_match = _URL.search(text)
    url = _clean_url(url_match.group(0)) if url_match else ""
    if not url:
        domain = _DOMAIN_PATH.search(text)
        github = _GITHUB.search(text) or _REPO_AT.search(text)
        if github:
            url = f"https://github.com/{github.group(1)}/{github.group(2)}"
        elif domain:
            url = "https://" + domain.group(1).split("/")[0]
    if quoted:
        title = next(g for g in quoted.groups() if g)
    else:
        github = _GITHUB.search(text) or _REPO_AT.search(text)
        title = f"{github.group(1)}/{github.group(2)}" if github else _first_clause(text)
    return Citation(title.strip(), _publisher_of(url, text), date, url)


def _publisher_of(url: str, text: str) -> str:
    """Who published it: a known name in the URL's domain, else one in the text outside its
    web addresses (a "…/nvidia-h200-vs-b200" path does not make NVIDIA the publisher), else
    the site itself."""
    domain = re.sub(r"^https?://(www\.)?", "", url).split("/")[0]
    plain = _DOMAIN_PATH.sub(" ", _URL.sub(" ", text))
    return _publisher(domain) or _publisher(plain) or domain


def as_of_text(as_of: str) -> str:
    """An offer's price date for a reader: "2026-04", "≤ 2026-08" for a snapshot crawled by
    then, "undated" when the text holds no date (never the maintainers' snapshot notes)."""
    found = re.search(r"(<=|≤|before)?\s*(\d{4}-\d{2}(?:-\d{2})?|\d{4})", as_of or "")
    if found is None:
        return "undated"
    return f"≤ {found.group(2)}" if found.group(1) else found.group(2)


def _clean_url(url: str) -> str:
    """The URL without trailing punctuation; a GitHub link reduced to its repository (file
    paths and commit hashes are maintainers' notes, not something a reader looks up)."""
    url = url.rstrip(".,:;")
    github = re.match(r"https?://github\.com/([\w.-]+)/([\w.-]+)", url)
    return f"https://github.com/{github.group(1)}/{github.group(2)}" if github else url


def _first_clause(text: str) -> str:
    """The text up to the first note, path or parenthesis: what a reader can search for."""
    cut = _NOTE_WORDS.search(text)
    head = text[: cut.start()] if cut else text
    head = re.split(r"[;(:]| - |\s@", head)[0]
    words = head.split()
    return " ".join(words[:14]).rstrip(".,") or "source"


def option_citations(result: OptionResult, catalogue: Catalogue) -> list[tuple[str, Citation]]:
    """(what it supports, citation) for an option: throughput, price and hardware."""
    out: list[tuple[str, Citation]] = []
    if result.point.provenance in ("measured", "anchored"):
        point = result.point
        source = point.anchor_source if point.provenance == "anchored" else point.source
        source = source or point.source
        found = citation(source)
        if found:
            out.append(("throughput", found))
    offer = catalogue.offers.get(result.offer_id)
    if offer is not None and offer.source:
        found = citation(offer.source, offer.as_of)
        if found:
            out.append(("price", found))
    accelerator = catalogue.accelerators.get(result.accelerator_id)
    if accelerator is not None and accelerator.source:
        found = citation(accelerator.source)
        if found:
            out.append(("hardware", found))
    return out

"""Printed report, golden cases: 1, 13 and 60 options, nothing feasible, a tie, duplicate
labels. Each is printed to PDF and read back with poppler as a reader would: no word below
7 pt, nothing elided, no raw codes, every option named in full, no half-empty page."""

import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from tokentco.domain import Catalogue, ComparisonOption, Project
from tokentco.engine.evaluate import evaluate
from tokentco.present.labels import comparison_labels
from tokentco.ui.report import write_report_pdf

pytestmark = pytest.mark.slow

MIN_WORD_HEIGHT = 8.0
"""pdftotext's box height of a 7 pt DejaVu Sans word is 8.1 pt (6.5 pt gives 7.5)."""
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


@dataclass(frozen=True)
class Printed:
    pages: int
    text: str
    words: list[tuple[int, float, float, str]]  # page, yMax, height, word
    page_height: float


def _print(project: Project, catalogue: Catalogue, path: Path) -> Printed:
    comparison = evaluate(project, catalogue)
    pages = write_report_pdf(project, comparison, path, catalogue=catalogue, paper="a4")
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    words = []
    height = 842.0
    for number, page in enumerate(_PAGE.finditer(html), start=1):
        height = float(page.group(2))
        for w in _WORD.finditer(page.group(3)):
            y0, y1 = float(w.group(2)), float(w.group(4))
            words.append((number, y1, y1 - y0, w.group(5)))
    raw = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return Printed(pages, " ".join(unicodedata.normalize("NFKC", raw).split()), words, height)


def _many(project: Project, catalogue: Catalogue, count: int) -> Project:
    offers = sorted(catalogue.offers.values(), key=lambda o: o.id)[:count]
    options = tuple(
        ComparisonOption(id=f"o{k}", accelerator_id=o.accelerator_id, offer_id=o.id)
        for k, o in enumerate(offers)
    )
    return project.model_copy(update={"options": options})


def with_mix_and_plan(project: Project) -> Project:
    """Three preset classes (shares rescaled to 1) and a business-hours week."""
    from tokentco.domain.mix import PRESETS, business_hours

    classes = [PRESETS[name] for name in ("chat", "rag", "code")]
    total = sum(c.share for c in classes)
    shared = tuple(c.model_copy(update={"share": c.share / total}) for c in classes)
    return project.model_copy(
        update={"workload_classes": shared, "demand_profile": business_hours(2e5)}
    )


def _cases(project: Project, catalogue: Catalogue) -> dict[str, Project]:
    first = project.options[0]
    twin = first.model_copy(update={"id": "twin"})
    return {
        "one": project.model_copy(update={"options": (first,)}),
        "thirteen": _many(project, catalogue, 13),
        "sixty": _many(project, catalogue, 60),
        "nothing-feasible": project.model_copy(
            update={
                "workload": project.workload.model_copy(
                    update={"min_tokens_per_s_per_user": 100_000.0}
                )
            }
        ),
        "tie": project.model_copy(update={"options": (first, twin)}),
        "mix-and-plan": with_mix_and_plan(project),
        "duplicate-labels": project.model_copy(
            update={
                "options": tuple(o.model_copy(update={"label": "Same"}) for o in project.options)
            }
        ),
    }


CASES = (
    "one",
    "thirteen",
    "sixty",
    "nothing-feasible",
    "tie",
    "duplicate-labels",
    "mix-and-plan",
)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Project, Printed]]:
    from tokentco.io.bundled import bundled_catalogue
    from tokentco.io.defaults import default_project

    catalogue = bundled_catalogue()
    folder = tmp_path_factory.mktemp("golden")
    out = {}
    for name, p in _cases(default_project(catalogue), catalogue).items():
        out[name] = (p, _print(p, catalogue, folder / f"{name}.pdf"))
    return out


@pytest.mark.parametrize("case", CASES)
def test_every_word_is_at_least_7_pt_and_nothing_is_elided(
    printed: dict[str, tuple[Project, Printed]], case: str
) -> None:
    _, doc = printed[case]
    small = [(p, w) for p, _, h, w in doc.words if h < MIN_WORD_HEIGHT]
    assert not small, small[:10]
    assert "…" not in doc.text
    for code in ("owner_cost", "on_demand", "reserved_1y", "capacity_block"):
        assert code not in doc.text


@pytest.mark.parametrize("case", CASES)
def test_every_option_is_named_in_full(
    printed: dict[str, tuple[Project, Printed]], case: str, catalogue: Catalogue
) -> None:
    project, doc = printed[case]
    labels = comparison_labels(evaluate(project, catalogue), project, catalogue)
    for label in labels.values():
        assert " ".join(label.full.split()) in doc.text, label.full


@pytest.mark.parametrize("case", CASES)
def test_no_page_but_the_last_is_half_empty(
    printed: dict[str, tuple[Project, Printed]], case: str
) -> None:
    _, doc = printed[case]
    footer_top = doc.page_height - 60
    for page in range(1, doc.pages):
        lowest = max((y for p, y, _, _ in doc.words if p == page and y < footer_top), default=0)
        assert lowest > doc.page_height * 0.6, (page, lowest)
    assert f"Page {doc.pages} of {doc.pages}" in doc.text


def test_golden_wording(printed: dict[str, tuple[Project, Printed]]) -> None:
    assert "so there is no winner" in printed["nothing-feasible"][1].text
    assert "Runner-up" not in printed["nothing-feasible"][1].text
    assert "Tie: " in printed["tie"][1].text
    assert "share first place" in printed["tie"][1].text
    assert "(options 1–5 of 13)" in printed["thirteen"][1].text
    plan = printed["mix-and-plan"][1].text
    assert "Workload mix and capacity plan" in plan and "GPUs by hour, year 1" in plan
    assert "Workload mix and capacity plan" not in printed["one"][1].text
    assert "Winner: " in printed["sixty"][1].text or "Tie: " in printed["sixty"][1].text

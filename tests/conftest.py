"""Shared fixtures. Qt runs offscreen everywhere in the test suite."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from hypothesis import settings

from tokentco.domain import Catalogue, Project, ServingOptions, Workload
from tokentco.engine.efficiency import DEFAULT_EFFICIENCY
from tokentco.engine.terms import CaseTerms, ModelTerms, case_row, model_terms, stack_cases
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.defaults import default_project

# CI runs the property tests on a fixed sequence of examples (derandomized): a counterexample
# found locally is fixed and kept as a test, but CI's verdict does not depend on the seed.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return bundled_catalogue()


@pytest.fixture()
def project(catalogue: Catalogue) -> Project:
    return default_project(catalogue)


def one_case(
    hardware: str = "h200-sxm",
    model: str = "llama-3.3-70b",
    layout: tuple[int, int, int, int] = (8, 8, 1, 1),
    isl: int = 1024,
    osl: int = 1024,
    ttft_limit_s: float = 0.0,
    **serving: object,
) -> tuple[CaseTerms, ModelTerms]:
    """One estimator case of bundled hardware and model (the estimator tests' unit of work);
    ``ttft_limit_s`` > 0 makes it an open-loop run with that p99 TTFT limit."""
    catalogue = bundled_catalogue()
    row = case_row(
        catalogue.accelerators[hardware],
        ServingOptions(**serving),  # type: ignore[arg-type]
        Workload(isl_tokens=isl, osl_tokens=osl),
        layout,
        DEFAULT_EFFICIENCY,
    )
    row["queue_ttft_s"] = ttft_limit_s
    return stack_cases([row]), model_terms(catalogue.models[model])

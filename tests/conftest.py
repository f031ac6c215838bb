"""Shared fixtures. Qt runs offscreen everywhere in the test suite."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from tokentco.domain import Catalogue, Project
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.defaults import default_project


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return bundled_catalogue()


@pytest.fixture()
def project(catalogue: Catalogue) -> Project:
    return default_project(catalogue)

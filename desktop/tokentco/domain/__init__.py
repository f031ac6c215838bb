"""Immutable domain objects (pydantic v2). No I/O, no Qt; units live in field names."""

from tokentco.domain.catalogue import TABLE_KINDS, Catalogue, Provenance, TableKind
from tokentco.domain.hardware import Accelerator, System
from tokentco.domain.measured import MeasuredPoint
from tokentco.domain.mix import DemandProfile, MultiTurn, WorkloadClass
from tokentco.domain.model_spec import AttentionKind, ModelSpec
from tokentco.domain.money import HOURS_PER_YEAR, ExchangeRates, Offer, OwnedCost, PricingModel
from tokentco.domain.precision import Precision
from tokentco.domain.project import SCHEMA_VERSION, ComparisonOption, Project, Scenario
from tokentco.domain.scorecard import (
    DEFAULT_CRITERIA,
    Criterion,
    Direction,
    LockInRubric,
    ScoringRule,
)
from tokentco.domain.serving import KvOffload, ServingOptions, SpeculativeDecoding
from tokentco.domain.workload import Demand, TokenBasis, Workload

__all__ = [
    "DEFAULT_CRITERIA",
    "HOURS_PER_YEAR",
    "SCHEMA_VERSION",
    "TABLE_KINDS",
    "Accelerator",
    "AttentionKind",
    "Catalogue",
    "ComparisonOption",
    "Criterion",
    "Demand",
    "DemandProfile",
    "Direction",
    "ExchangeRates",
    "KvOffload",
    "LockInRubric",
    "MeasuredPoint",
    "ModelSpec",
    "MultiTurn",
    "Offer",
    "OwnedCost",
    "Precision",
    "PricingModel",
    "Project",
    "Provenance",
    "Scenario",
    "ScoringRule",
    "ServingOptions",
    "SpeculativeDecoding",
    "System",
    "TableKind",
    "TokenBasis",
    "Workload",
    "WorkloadClass",
]

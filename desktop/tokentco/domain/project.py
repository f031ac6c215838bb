"""A comparison project: the model, workload, options and scorecard an analyst saves."""

from typing import Annotated

from pydantic import Field, model_validator

from tokentco.domain.base import Frozen
from tokentco.domain.catalogue import TABLE_KINDS, Catalogue
from tokentco.domain.measured import MeasuredPoint
from tokentco.domain.mix import DemandProfile, WorkloadClass, check_shares
from tokentco.domain.money import ExchangeRates
from tokentco.domain.scorecard import DEFAULT_CRITERIA, Criterion, LockInRubric
from tokentco.domain.serving import ServingOptions
from tokentco.domain.workload import Demand, Workload

SCHEMA_VERSION = 1

MAX_LEAD_TIME_WEEKS = 520
"""Ten years, as for an offer's lead time (``money.Offer``)."""
MAX_MANUAL_MAGNITUDE = 1e12
"""An analyst-entered criterion value (a score, a $/Mtok, a count) is far below this;
beyond it is a typo or a hostile file, and would overflow the scorecard's arithmetic."""

ManualValue = Annotated[
    float, Field(ge=-MAX_MANUAL_MAGNITUDE, le=MAX_MANUAL_MAGNITUDE, allow_inf_nan=False)
]


class ComparisonOption(Frozen):
    """One option under comparison: hardware + offer + (optionally) its own serving stack.

    ``serving`` None means "use the project's global serving options", so one slider
    moves every option that has not been tuned individually.
    """

    id: str = Field(min_length=1)
    label: str = ""
    accelerator_id: str = Field(min_length=1)
    offer_id: str = Field(min_length=1)
    system_id: str | None = None
    serving: ServingOptions | None = None
    lock_in: LockInRubric = LockInRubric()
    accuracy_validated: bool = False
    accuracy_evidence: str = ""
    lead_time_weeks: float | None = Field(
        default=None, ge=0, le=MAX_LEAD_TIME_WEEKS, description="≤ 10 years"
    )
    use_measured: bool = Field(default=True, description="prefer a matching measured point")
    manual_values: dict[str, ManualValue] = Field(
        default_factory=dict, description="analyst-entered values for added criteria"
    )
    quoted: MeasuredPoint | None = Field(
        default=None,
        description="a vendor's quoted (or the analyst's own measured) throughput for this "
        "option, with the conditions it was measured under; it anchors this option",
    )

    @property
    def display_name(self) -> str:
        return self.label or self.id


class Scenario(Frozen):
    """A named comparison inside a project: which options to compare and under what settings.

    Analysts keep several (e.g. "chat, 20 tok/s/user" and "batch, no latency target") and
    switch between them; ``Project.with_scenario`` applies one.
    """

    name: str = Field(min_length=1)
    option_ids: tuple[str, ...] = Field(default=(), description="empty = every option")
    workload: Workload = Workload()
    serving: ServingOptions = ServingOptions()
    demand: Demand = Demand()


class Project(Frozen):
    """Everything saved in a ``.tokentco`` file (catalogue imports are stored alongside)."""

    schema_version: int = SCHEMA_VERSION
    name: str = "Untitled comparison"
    model_id: str = "deepseek-r1"
    workload: Workload = Workload()
    serving: ServingOptions = ServingOptions()
    demand: Demand = Demand(tokens_per_day=1e10)
    options: tuple[ComparisonOption, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    currency: str = "USD"
    exchange_rates: ExchangeRates = ExchangeRates()
    criteria: tuple[Criterion, ...] = DEFAULT_CRITERIA
    notes: str = ""
    imported: Catalogue = Field(
        default_factory=Catalogue,
        description="rows imported from user files (with provenance); override bundled ids",
    )
    workload_classes: tuple[WorkloadClass, ...] = Field(
        default=(), description="the traffic mix; empty = the single `workload`"
    )
    demand_profile: DemandProfile | None = Field(
        default=None, description="hourly load for capacity plans (None = flat `demand`)"
    )
    price_erosion_per_year: float = Field(
        default=0.0, ge=0, lt=1, description="yearly fall of rental (burst) prices"
    )

    def effective_catalogue(self, bundled: Catalogue) -> Catalogue:
        """Bundled catalogue with this project's imported rows merged over it."""
        merged = bundled
        for kind in TABLE_KINDS:
            table = self.imported.table(kind)
            rows = list(table.values())
            prov = [self.imported.provenance_of(kind, row_id) for row_id in table]
            if rows:
                merged = merged.merged(kind, rows, prov)
        return merged

    @model_validator(mode="after")
    def _unique_option_ids(self) -> "Project":
        ids = [o.id for o in self.options]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"option ids must be unique, repeated: {', '.join(dupes)}")
        check_shares(self.workload_classes)
        if self.schema_version > SCHEMA_VERSION:
            raise ValueError(
                f"project schema {self.schema_version} is newer than this TokenTCO "
                f"understands ({SCHEMA_VERSION}): update TokenTCO"
            )
        return self

    def with_scenario(self, name: str) -> "Project":
        """This project with a saved scenario's settings and option subset applied."""
        scenario = next((s for s in self.scenarios if s.name == name), None)
        if scenario is None:
            known = ", ".join(s.name for s in self.scenarios) or "none saved"
            raise ValueError(f"unknown scenario {name!r} (known: {known})")
        missing = [i for i in scenario.option_ids if i not in {o.id for o in self.options}]
        if missing:
            raise ValueError(f"scenario {name!r} names unknown options: {', '.join(missing)}")
        wanted = set(scenario.option_ids)
        options = tuple(o for o in self.options if not wanted or o.id in wanted)
        return self.model_copy(
            update={
                "workload": scenario.workload,
                "serving": scenario.serving,
                "demand": scenario.demand,
                "options": options,
            }
        )

    def save_scenario(self, name: str) -> "Project":
        """Record the current settings and options as a named scenario (replacing one of
        the same name)."""
        scenario = Scenario(
            name=name,
            option_ids=tuple(o.id for o in self.options),
            workload=self.workload,
            serving=self.serving,
            demand=self.demand,
        )
        kept = tuple(s for s in self.scenarios if s.name != name)
        return self.model_copy(update={"scenarios": (*kept, scenario)})

    def serving_for(self, option: ComparisonOption) -> ServingOptions:
        return option.serving or self.serving

    def option(self, option_id: str) -> ComparisonOption:
        for candidate in self.options:
            if candidate.id == option_id:
                return candidate
        raise KeyError(option_id)

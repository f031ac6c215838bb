"""Incremental recompute: after an edit, rerun only the stages the edit invalidated.

A full ``evaluate()`` sweeps every option, every waterfall variant, then prices them all.
Most workbench edits need far less:

* economics-only edits — utilization, prices, capex, life, cost of capital, power price,
  PUE, opex, currency and exchange rates, demand — change no sweep input, so every
  option's sweep is reused and only its money is recomputed;
* scoring weights and criteria, names, notes and scenarios change nothing the
  comparison holds: every option's result is reused as it was;
* workload edits (input/output length, prefix hits, latency targets) re-sweep every
  option; a serving edit re-sweeps only the options that use that serving stack (the
  project's global one or an option's own);
* waterfall variants are swept for the selected option only, and only when asked for
  (the waterfall chart is visible); every other option's ``waterfall`` is empty;
* the selected option's tornado (:class:`TornadoCache`) is recomputed only when an input
  of that option changed.

Sweeps are cached per option by their inputs (:func:`tokentco.engine.stages.sweep_key`:
model, hardware row, serving stack without its utilization, workload, the measurements
that can anchor the option), so dragging a slider back over values seen before re-sweeps
nothing. Every figure comes from the same stages ``evaluate()`` is built from, so the
result equals a full evaluation float for float (``tests/app/test_recompute.py`` checks
that on random edit sequences), the waterfall of the selected option included.

One :class:`Recomputer` serves one window; it is not thread-safe, so give it to one
background channel (the workbench's coalesced "comparison" channel runs one job at a time).
"""

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, replace

from tokentco.domain import Catalogue, ComparisonOption, MeasuredPoint, Project
from tokentco.engine.calibration import DEFAULT_CALIBRATION, Calibration
from tokentco.engine.results import Comparison, OptionResult
from tokentco.engine.sensitivity import TornadoBar, tornado
from tokentco.engine.stages import (
    KeyHashes,
    OptionSweep,
    WinnerOdds,
    comparison_stage,
    economics_stage,
    measured_by_hardware,
    sweep_key,
    sweep_stage,
    unknown_result,
)

SWEEP_CACHE_ENTRIES = 2048
"""Option sweeps kept (least recently used dropped): a few slider positions × 100 options."""


@dataclass(frozen=True)
class RecomputePlan:
    """What an update will do, per option id (in the project's option order)."""

    sweep: tuple[str, ...]
    """Options swept now (their inputs are not in the cache)."""
    reuse_sweep: tuple[str, ...]
    """Options whose sweep comes from the cache."""
    price: tuple[str, ...]
    """Options whose economics is recomputed (every swept option, plus money edits)."""
    reuse_result: tuple[str, ...]
    """Options whose whole result is reused unchanged."""
    unknown: tuple[str, ...]
    """Options naming hardware or an offer the catalogue does not hold."""
    variants_for: str
    """The option whose waterfall variants are included ("" for none)."""

    @property
    def kind(self) -> str:
        """The heaviest stage run: "sweep", "economics" or "none"."""
        if self.sweep:
            return "sweep"
        return "economics" if self.price else "none"


@dataclass(frozen=True)
class _Job:
    option: ComparisonOption
    key: Hashable
    variants: bool
    money: tuple[object, ...]


class Recomputer:
    """Keeps the last results and per-option sweeps of one window's project.

    ``bundled`` is the shipped catalogue the project's imported rows are merged over (as
    in the session); ``calibration`` the efficiency factors every figure uses."""

    def __init__(self, bundled: Catalogue, calibration: Calibration | None = None) -> None:
        self.bundled = bundled
        self._calibration = calibration or DEFAULT_CALIBRATION
        self.last_plan: RecomputePlan | None = None
        self._sweeps: OrderedDict[Hashable, OptionSweep] = OrderedDict()
        self._results: dict[str, tuple[tuple[object, ...], OptionResult]] = {}
        self._odds = WinnerOdds()
        self._hashes = KeyHashes()
        self._imported: Catalogue | None = None
        self._catalogue = bundled
        self._measured_for: tuple[Catalogue, str] | None = None
        self._measured: dict[str, list[MeasuredPoint]] = {}

    @property
    def calibration(self) -> Calibration:
        """The efficiency factors and bands every figure is computed with."""
        return self._calibration

    @calibration.setter
    def calibration(self, calibration: Calibration) -> None:
        """A new calibration invalidates every kept sweep and result."""
        if calibration is not self._calibration:
            self._calibration = calibration
            self.forget()

    # --- planning --------------------------------------------------------------------------
    def catalogue_for(self, project: Project) -> Catalogue:
        """The bundled catalogue with the project's imported rows over it (rebuilt only
        when the imported rows change)."""
        if self._imported is not project.imported:
            self._catalogue = project.effective_catalogue(self.bundled)
            self._imported = project.imported
        return self._catalogue

    def plan(
        self, project: Project, selected_option_id: str = "", want_variants: bool = False
    ) -> RecomputePlan:
        """What :meth:`update` would recompute for ``project`` now (nothing is run)."""
        _, jobs, unknown = self._jobs(project, selected_option_id, want_variants)
        return self._plan_of(jobs, unknown, selected_option_id if want_variants else "")

    def _jobs(
        self, project: Project, selected: str, want_variants: bool
    ) -> tuple[Catalogue, list[_Job | str], tuple[str, ...]]:
        catalogue = self.catalogue_for(project)
        model = catalogue.models.get(project.model_id)
        if model is None:
            raise ValueError(f"unknown model {project.model_id!r}")
        measured = self._measured_index(catalogue, model.id)
        workload = project.workload
        jobs: list[_Job | str] = []
        unknown = []
        for option in project.options:
            accelerator = catalogue.accelerators.get(option.accelerator_id)
            offer = catalogue.offers.get(option.offer_id)
            if accelerator is None or offer is None:
                jobs.append(
                    f"unknown hardware {option.accelerator_id!r}"
                    if accelerator is None
                    else f"unknown offer {option.offer_id!r}"
                )
                unknown.append(option.id)
                continue
            serving = project.serving_for(option)
            pool = measured.get(accelerator.id, [])
            key = sweep_key(model, accelerator, serving, workload, option, pool, self._hashes)
            variants = want_variants and option.id == selected
            system = _system_id(catalogue, option, offer.system_id, accelerator.id)
            money = (
                key,
                variants,
                option,
                offer,
                system,
                serving,
                workload,
                project.demand,
                project.exchange_rates,
            )
            jobs.append(_Job(option, key, variants, money))
        return catalogue, jobs, tuple(unknown)

    def _plan_of(
        self, jobs: list[_Job | str], unknown: tuple[str, ...], variants_for: str
    ) -> RecomputePlan:
        sweep, reuse, price, keep = [], [], [], []
        for job in jobs:
            if isinstance(job, str):
                continue
            cached = self._sweeps.get(job.key)
            if cached is None or (job.variants and not cached.variants):
                sweep.append(job.option.id)
            else:
                reuse.append(job.option.id)
            last = self._results.get(job.option.id)
            if job.option.id in sweep or last is None or last[0] != job.money:
                price.append(job.option.id)
            else:
                keep.append(job.option.id)
        return RecomputePlan(
            tuple(sweep), tuple(reuse), tuple(price), tuple(keep), unknown, variants_for
        )

    # --- running ---------------------------------------------------------------------------
    def update(
        self, project: Project, selected_option_id: str = "", want_variants: bool = False
    ) -> Comparison:
        """The comparison of ``project``, recomputing only what changed since the sweeps
        and results kept here; equal to ``evaluate(project, catalogue, calibration)``
        except that only ``selected_option_id`` carries a waterfall, and only when
        ``want_variants``."""
        catalogue, jobs, unknown = self._jobs(project, selected_option_id, want_variants)
        plan = self._plan_of(jobs, unknown, selected_option_id if want_variants else "")
        fresh = {job.option.id: job for job in jobs if isinstance(job, _Job)}
        # options with the same inputs (a duplicate) are swept once, with variants if
        # either wants them
        to_sweep: dict[Hashable, _Job] = {}
        for option_id in plan.sweep:
            wanted = fresh[option_id]
            if wanted.key not in to_sweep or wanted.variants:
                to_sweep[wanted.key] = wanted
        if to_sweep:
            jobs_now = list(to_sweep.values())
            swept = sweep_stage(
                project,
                catalogue,
                [job.option for job in jobs_now],
                self.calibration,
                [job.variants for job in jobs_now],
                measured=self._measured,
            )
            for done, option_sweep in zip(jobs_now, swept, strict=True):
                assert not isinstance(option_sweep, str)  # hardware and offer were looked up
                self._store(done.key, option_sweep)
        results: list[OptionResult] = []
        for option, job in zip(project.options, jobs, strict=True):
            if isinstance(job, str):
                results.append(unknown_result(option, job))
                continue
            last = self._results.get(option.id)
            if last is not None and option.id not in plan.price:
                results.append(last[1])
                continue
            stored = self._sweeps[job.key]
            self._sweeps.move_to_end(job.key)
            if stored.variants and not job.variants:
                stored = replace(stored, variants=False)
            result = economics_stage(project, catalogue, option, stored, self.calibration)
            self._results[option.id] = (job.money, result)
            results.append(result)
        live = {o.id for o in project.options}
        for gone in [i for i in self._results if i not in live]:
            del self._results[gone]
        self.last_plan = plan
        return comparison_stage(project.model_id, results, self.calibration, self._odds)

    def forget(self) -> None:
        """Drop every kept sweep and result (the next update recomputes everything)."""
        self._sweeps.clear()
        self._results.clear()

    def _store(self, key: Hashable, swept: OptionSweep) -> None:
        self._sweeps[key] = swept
        self._sweeps.move_to_end(key)
        while len(self._sweeps) > SWEEP_CACHE_ENTRIES:
            self._sweeps.popitem(last=False)

    def _measured_index(
        self, catalogue: Catalogue, model_id: str
    ) -> dict[str, list[MeasuredPoint]]:
        last = self._measured_for
        if last is None or last[0] is not catalogue or last[1] != model_id:
            self._measured = measured_by_hardware(catalogue, model_id)
            self._measured_for = (catalogue, model_id)
        return self._measured


def _system_id(
    catalogue: Catalogue, option: ComparisonOption, offer_system: str | None, accelerator_id: str
) -> object:
    """What the option's system (power, GPUs per system) is looked up from."""
    wanted = option.system_id or offer_system
    if wanted and wanted in catalogue.systems:
        return catalogue.systems[wanted]
    return tuple(catalogue.systems_for(accelerator_id))


class TornadoCache:
    """``sensitivity.tornado`` of the selected option, recomputed only when something it
    reads changed: an edit of another option or of the criteria, or selecting the same
    option again, returns the bars kept from last time. Ask for it only while the tornado
    chart is visible.

    Separate from :class:`Recomputer` (its own state), so the workbench can run it on its
    own background channel while the comparison channel runs the recomputer."""

    def __init__(self, bundled: Catalogue, calibration: Calibration | None = None) -> None:
        self.bundled = bundled
        self.calibration = calibration or DEFAULT_CALIBRATION
        self._imported: Catalogue | None = None
        self._catalogue = bundled
        self._kept: tuple[object, list[TornadoBar]] | None = None

    def bars(self, project: Project, option_id: str, fraction: float = 0.2) -> list[TornadoBar]:
        if self._imported is not project.imported:
            self._catalogue = project.effective_catalogue(self.bundled)
            self._imported = project.imported
        catalogue = self._catalogue
        key = (
            option_id,
            fraction,
            self.calibration,
            _tornado_inputs(project, catalogue, option_id),
        )
        if self._kept is None or self._kept[0] != key:
            found = tornado(
                project, catalogue, option_id, fraction=fraction, calibration=self.calibration
            )
            self._kept = (key, found)
        return list(self._kept[1])


def _tornado_inputs(project: Project, catalogue: Catalogue, option_id: str) -> tuple[object, ...]:
    """What the tornado of ``option_id`` reads (the whole project when the option or its
    rows cannot be resolved: the tornado then says why)."""
    option = next((o for o in project.options if o.id == option_id), None)
    if option is None:
        return (project,)
    accelerator = catalogue.accelerators.get(option.accelerator_id)
    offer = catalogue.offers.get(option.offer_id)
    model = catalogue.models.get(project.model_id)
    if accelerator is None or offer is None or model is None:
        return (project,)
    measured = tuple(
        m
        for m in catalogue.measured.values()
        if m.model_id == model.id and m.hardware_id == accelerator.id
    )
    return (
        option,
        accelerator,
        offer,
        model,
        _system_id(catalogue, option, offer.system_id, accelerator.id),
        measured,
        project.serving_for(option),
        project.workload,
        project.demand,
        project.exchange_rates,
    )

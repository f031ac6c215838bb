"""Agentic multi-turn sessions: growing context, cached earlier turns, KV held during tools.

An agent re-sends the whole conversation every turn, so turn ``t``'s prompt is the first
prompt plus ``t`` rounds of (answer + tool output). The earlier turns are a prefix the
cache can serve: ``cache_retention`` of it survives with cache-blind routing, and the
engine's KV-aware routing (``ServingOptions.kv_aware_routing``) turns part of the misses
into hits. Between turns the session's KV cache stays held while the tool runs: that
memory is capacity no other request can use (HBM × seconds, priced as a share of the
GPU), unless KV offload parks it in host memory, which costs the transfer back instead.

Each turn is evaluated by the one public engine entry point, so a turn's throughput,
TTFT and provenance mean what they mean everywhere else.
"""

from dataclasses import dataclass

from tokentco.domain import Catalogue, KvOffload, Project, Workload, WorkloadClass
from tokentco.domain.mix import MultiTurn
from tokentco.engine import economics
from tokentco.engine.calibration import Calibration
from tokentco.engine.evaluate import evaluate
from tokentco.engine.results import OptionResult, Range

GB = 1e9
MAX_CACHED_SHARE = 0.99
"""Workload.prefix_hit_rate must stay below 1: at least the new tokens need prefill."""


@dataclass(frozen=True)
class TurnResult:
    """One turn of a session on one option, at that turn's operating point."""

    turn: int
    """1-based."""
    context_tokens: int
    """Prompt length of this turn (the whole conversation so far plus the new tokens)."""
    prefix_hit_rate: float
    """Share of the prompt the cache can serve before KV-aware routing adds to it."""
    feasible: bool
    reason: str
    ttft_ms: float
    output_tokens_per_s_per_gpu: float
    gpu_s_at_point: float
    """GPU-seconds of serving capacity this turn's answer takes at the operating point."""
    result: OptionResult


@dataclass(frozen=True)
class SessionResult:
    """A whole session on one option: per-turn TTFT and the session's cost."""

    option_id: str
    turns: tuple[TurnResult, ...]
    output_tokens: int
    counted_tokens: float
    """Tokens on the project's counting basis (output, total or blended) over the session."""
    kv_held_gb_s: float
    """KV cache held during tool waits, GB × seconds, summed over the waits."""
    kv_hold_gpu_s: float
    """Capacity that holding (or, with offload, reloading) it costs, GPU-seconds."""
    gpu_s_at_point: float
    usd_per_gpu_hour: float
    utilization: float
    usd_range_factor: Range | None
    """p10 and p90 of the session's $/Mtok as multiples of its central value."""

    @property
    def feasible(self) -> bool:
        return all(t.feasible for t in self.turns)

    @property
    def reason(self) -> str:
        bad = next((t for t in self.turns if not t.feasible), None)
        return f"turn {bad.turn}: {bad.reason}" if bad else ""

    @property
    def usd_per_session(self) -> float:
        """All-in cost of one session: its GPU-seconds, idle hours included (utilization)."""
        return self.usd_per_gpu_hour * self.gpu_s_at_point / 3600.0 / self.utilization

    @property
    def kv_hold_usd_per_session(self) -> float:
        return self.usd_per_gpu_hour * self.kv_hold_gpu_s / 3600.0 / self.utilization

    @property
    def output_tokens_per_s_per_gpu(self) -> float:
        """Output tokens one GPU delivers per second of session work (tool waits included)."""
        return self.output_tokens / self.gpu_s_at_point if self.feasible else 0.0

    @property
    def usd_per_mtok_output(self) -> float:
        if not self.feasible:
            return float("inf")
        return self.usd_per_session / self.output_tokens * economics.TOKENS_PER_MILLION

    @property
    def usd_per_mtok(self) -> float:
        """Session cost per million tokens on the project's counting basis."""
        if not self.feasible:
            return float("inf")
        return self.usd_per_session / self.counted_tokens * economics.TOKENS_PER_MILLION

    @property
    def usd_per_mtok_range(self) -> Range | None:
        if self.usd_range_factor is None or not self.feasible:
            return None
        f = self.usd_range_factor
        return Range(p10=self.usd_per_mtok * f.p10, p90=self.usd_per_mtok * f.p90)

    @property
    def counted_per_output(self) -> float:
        return self.counted_tokens / self.output_tokens


def turn_workloads(cls: WorkloadClass, base: Workload) -> list[Workload]:
    """The workload of every turn: the prompt grows by answer + new tokens each turn, and
    the retained part of everything before the new tokens is a cached prefix."""
    session = cls.multi_turn or MultiTurn(turns_per_session=1)
    first = cls.workload(base)
    workloads = [first]
    for turn in range(1, session.turns_per_session):
        isl, osl = cls.mean_isl_tokens, cls.mean_osl_tokens
        context = isl + turn * (osl + session.tokens_added_per_turn)
        earlier = context - session.tokens_added_per_turn
        hit = max(cls.prefix_hit_rate * isl, session.cache_retention * earlier)
        workloads.append(
            first.model_copy(
                update={
                    "isl_tokens": context,
                    "prefix_hit_rate": min(hit / context, MAX_CACHED_SHARE),
                }
            )
        )
    return workloads


def evaluate_sessions(
    project: Project,
    catalogue: Catalogue,
    cls: WorkloadClass,
    calibration: Calibration | None = None,
    workload: Workload | None = None,
) -> tuple[SessionResult, ...]:
    """One session of ``cls`` on every option of ``project`` (in option order).

    ``workload`` overrides the latency targets (the shared pool's strictest targets)."""
    base = workload or project.workload
    target = cls.model_copy(
        update={
            "max_ttft_ms": base.max_ttft_ms if workload else cls.max_ttft_ms,
            "min_tokens_per_s_per_user": base.min_tokens_per_s_per_user
            if workload
            else cls.min_tokens_per_s_per_user,
        }
    )
    session = cls.multi_turn or MultiTurn(turns_per_session=1)
    turns = turn_workloads(target, project.workload)
    per_turn = [
        evaluate(project.model_copy(update={"workload": w}), catalogue, calibration).options
        for w in turns
    ]
    model = catalogue.models[project.model_id]
    sessions = []
    for index, option in enumerate(project.options):
        results = [options[index] for options in per_turn]
        serving = project.serving_for(option)
        accelerator = catalogue.accelerators.get(option.accelerator_id)
        kv_bytes_per_token = model.kv_elements_per_token * serving.kv_precision.bytes_per_element
        turn_rows = []
        held_gb_s = 0.0
        hold_gpu_s = 0.0
        for number, (w, r) in enumerate(zip(turns, results, strict=True), start=1):
            feasible = r.point.feasible and r.point.output_tokens_per_s_per_gpu > 0
            gpu_s = w.osl_tokens / r.point.output_tokens_per_s_per_gpu if feasible else 0.0
            turn_rows.append(
                TurnResult(
                    turn=number,
                    context_tokens=w.isl_tokens,
                    prefix_hit_rate=w.prefix_hit_rate,
                    feasible=feasible,
                    reason=r.point.reason if not feasible else "",
                    ttft_ms=r.point.ttft_ms,
                    output_tokens_per_s_per_gpu=r.point.output_tokens_per_s_per_gpu,
                    gpu_s_at_point=gpu_s,
                    result=r,
                )
            )
            if number < session.turns_per_session and accelerator is not None:
                held_gb = kv_bytes_per_token * (w.isl_tokens + w.osl_tokens) / GB
                held_gb_s += held_gb * session.tool_wait_s
                hold_gpu_s += _hold_cost_gpu_s(
                    held_gb, session.tool_wait_s, accelerator.memory_gb, serving.kv_offload
                )
        counted = sum(float(economics.counted_tokens_per_s(float(w.osl_tokens), w)) for w in turns)
        gpu_s_total = sum(t.gpu_s_at_point for t in turn_rows) + hold_gpu_s
        sessions.append(
            SessionResult(
                option_id=option.id,
                turns=tuple(turn_rows),
                output_tokens=cls.mean_osl_tokens * session.turns_per_session,
                counted_tokens=counted,
                kv_held_gb_s=held_gb_s,
                kv_hold_gpu_s=hold_gpu_s,
                gpu_s_at_point=gpu_s_total,
                usd_per_gpu_hour=results[0].cost.usd_per_gpu_hour,
                utilization=results[0].utilization or 1.0,
                usd_range_factor=_range(results, turn_rows, hold_gpu_s),
            )
        )
    return tuple(sessions)


def _hold_cost_gpu_s(held_gb: float, wait_s: float, memory_gb: float, offload: KvOffload) -> float:
    """GPU-seconds a tool wait costs: the held share of HBM × the wait, or with KV offload
    the time to bring the KV back from the host tier (whichever offload makes cheaper)."""
    in_hbm = held_gb / memory_gb * wait_s
    if not offload.enabled:
        return in_hbm
    return min(in_hbm, held_gb / offload.bandwidth_gb_s_per_gpu)


def _range(results: list[OptionResult], turns: list[TurnResult], hold_gpu_s: float) -> Range | None:
    """The session's p10–p90 $/Mtok scale with its turns' (each turn's GPU-seconds carry
    its own relative range; the KV hold is a memory figure, taken as exact)."""
    if not all(r.uncertainty for r in results) or not all(t.feasible for t in turns):
        return None
    total = sum(t.gpu_s_at_point for t in turns) + hold_gpu_s
    lo = hold_gpu_s
    hi = hold_gpu_s
    for r, t in zip(results, turns, strict=True):
        assert r.uncertainty is not None
        central = r.usd_per_mtok
        lo += t.gpu_s_at_point * r.uncertainty.usd_per_mtok.p10 / central
        hi += t.gpu_s_at_point * r.uncertainty.usd_per_mtok.p90 / central
    return Range(p10=lo / total, p90=hi / total)

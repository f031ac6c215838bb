"""A throughput an analyst types for one option (a vendor's quote or their own
measurement): it becomes a measured point of the project that anchors that option."""

from tokentco.domain import MeasuredPoint, Precision, Project
from tokentco.engine.anchoring import QUOTED_PREFIX


def quoted_point(
    project: Project,
    option_id: str,
    tokens_per_s_per_gpu: float,
    *,
    isl_tokens: int | None = None,
    osl_tokens: int | None = None,
    tokens_per_s_per_user: float | None = None,
    concurrency: int | None = None,
    ttft_ms: float | None = None,
    precision: Precision | None = None,
    engine: str = "",
    source: str = "quoted by the analyst",
) -> MeasuredPoint:
    """The quote as a measured point of the option's hardware and the project's model.

    Lengths, precision, interactivity and serving features left out are the project's (the
    quote is taken to be for the workload and stack being compared); a concurrency is kept in
    the scenario text."""
    option = project.option(option_id)
    serving = project.serving_for(option)
    return MeasuredPoint(
        id=f"{QUOTED_PREFIX}{option.id}",
        hardware_id=option.accelerator_id,
        model_id=project.model_id,
        precision=precision or serving.weight_precision,
        engine=engine,
        isl_tokens=isl_tokens or project.workload.isl_tokens,
        osl_tokens=osl_tokens or project.workload.osl_tokens,
        scenario=f"{concurrency} concurrent requests" if concurrency else "quoted",
        output_tokens_per_s_per_gpu=tokens_per_s_per_gpu,
        tokens_per_s_per_user=tokens_per_s_per_user or project.workload.min_tokens_per_s_per_user,
        spec_decoding=serving.speculative.enabled,
        disaggregated=serving.disaggregated,
        ttft_ms=ttft_ms,
        source=source,
    )


def with_quoted(project: Project, option_id: str, point: MeasuredPoint | None) -> Project:
    """The project with ``point`` attached to one option (None removes the quote)."""
    project.option(option_id)  # KeyError for an unknown option
    options = tuple(
        o.model_copy(update={"quoted": point}) if o.id == option_id else o for o in project.options
    )
    return project.model_copy(update={"options": options})

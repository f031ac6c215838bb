"""QA defect: Details advises what fits why an option cannot run (a missing offer or
hardware is picked or imported, not fixed by relaxing latency targets)."""

from tokentco.domain import Catalogue, Project
from tokentco.engine.evaluate import evaluate
from tokentco.ui.details import describe


def _details(project: Project, catalogue: Catalogue, **update: str) -> str:
    option = project.options[0].model_copy(update=update)
    shown = project.model_copy(update={"options": (option,)})
    comparison = evaluate(shown, catalogue)
    result = comparison.options[0]
    assert not result.point.feasible
    return describe(result, comparison, shown)


def test_missing_offer_advises_picking_or_importing_it(
    catalogue: Catalogue, project: Project
) -> None:
    text = _details(project, catalogue, offer_id="no-such-offer")
    assert "unknown offer" in text
    assert "offer is not in the catalogue" in text
    assert "Import spreadsheets" in text
    assert "Relax the latency targets" not in text


def test_missing_hardware_advises_picking_or_importing_it(
    catalogue: Catalogue, project: Project
) -> None:
    text = _details(project, catalogue, accelerator_id="no-such-gpu")
    assert "unknown hardware" in text
    assert "hardware is not in the catalogue" in text
    assert "Relax the latency targets" not in text


def test_missed_latency_target_still_advises_relaxing_it(
    catalogue: Catalogue, project: Project
) -> None:
    workload = project.workload.model_copy(
        update={"max_ttft_ms": 1.0, "min_tokens_per_s_per_user": 5000.0}
    )
    shown = project.model_copy(update={"workload": workload})
    comparison = evaluate(shown, catalogue)
    result = comparison.options[0]
    assert not result.point.feasible
    assert "Relax the latency targets" in describe(result, comparison, shown)

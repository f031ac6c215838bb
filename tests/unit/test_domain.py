"""Domain models: derived parameter counts, validation messages, immutability."""

import pytest
from pydantic import ValidationError

from tokentco.domain import (
    Catalogue,
    ComparisonOption,
    Demand,
    ExchangeRates,
    ModelSpec,
    Offer,
    Precision,
    PricingModel,
    Project,
    Provenance,
    SpeculativeDecoding,
)


def test_every_bundled_model_matches_its_published_counts(catalogue: Catalogue) -> None:
    for model in catalogue.models.values():
        assert model.published_params_total_b is not None
        assert model.params_total / 1e9 == pytest.approx(model.published_params_total_b, rel=0.03)
        assert model.params_active / 1e9 == pytest.approx(model.published_params_active_b, rel=0.03)


def test_moe_active_is_a_small_share_of_total(catalogue: Catalogue) -> None:
    r1 = catalogue.models["deepseek-r1"]
    assert r1.params_total / 1e9 == pytest.approx(671, rel=0.01)
    assert r1.params_active / 1e9 == pytest.approx(37.5, rel=0.02)
    assert r1.kv_elements_per_token == 61 * 576  # MLA keeps the 512+64 latent per layer


def test_wrong_shape_is_caught_by_published_count(catalogue: Catalogue) -> None:
    data = catalogue.models["llama-3.1-70b"].model_dump()
    data["intermediate_size"] = 14336  # half the real FFN width
    with pytest.raises(ValidationError, match="derived from the shapes"):
        ModelSpec(**data)


def test_mla_model_needs_its_ranks() -> None:
    with pytest.raises(ValidationError, match="missing kv_lora_rank"):
        ModelSpec(
            id="m",
            num_layers=2,
            hidden_size=64,
            num_attention_heads=4,
            num_kv_heads=4,
            intermediate_size=128,
            attention="mla",
            vocab_size=100,
        )


def test_domain_objects_are_immutable(catalogue: Catalogue) -> None:
    accel = catalogue.accelerators["h100-sxm"]
    with pytest.raises(ValidationError):
        accel.memory_gb = 1  # type: ignore[misc]


def test_peak_falls_back_to_wider_format(catalogue: Catalogue) -> None:
    h100 = catalogue.accelerators["h100-sxm"]
    assert not h100.supports(Precision.FP4)
    assert h100.peak_tflops(Precision.FP4) == h100.fp8_dense_tflops


def test_precision_aliases() -> None:
    assert Precision.parse("NVFP4") is Precision.FP4
    assert Precision.parse("BF16") is Precision.FP16
    with pytest.raises(ValueError, match="unknown precision"):
        Precision.parse("fp3")


def test_offer_needs_a_price_or_ownership_costs() -> None:
    with pytest.raises(ValidationError, match="needs a price per GPU-hour"):
        Offer(id="o", accelerator_id="h100-sxm")
    with pytest.raises(ValidationError, match="owned pricing needs capex"):
        Offer(id="o", accelerator_id="h100-sxm", pricing_model=PricingModel.OWNED)


def test_exchange_rates_are_positive() -> None:
    with pytest.raises(ValidationError, match="must be positive"):
        ExchangeRates(usd_per_unit={"EUR": 0})


def test_speculative_tokens_per_step() -> None:
    spec = SpeculativeDecoding(enabled=True, draft_tokens=3, acceptance_rate=0.7)
    assert spec.tokens_per_step == pytest.approx((1 - 0.7**4) / 0.3)
    assert SpeculativeDecoding().tokens_per_step == 1.0


def test_demand_is_one_measure() -> None:
    with pytest.raises(ValidationError, match="not both"):
        Demand(tokens_per_day=1.0, peak_requests_per_s=1.0)


def test_project_rejects_duplicate_option_ids() -> None:
    option = ComparisonOption(id="a", accelerator_id="h100-sxm", offer_id="x")
    with pytest.raises(ValidationError, match="repeated: a"):
        Project(options=(option, option))


def test_imported_rows_override_bundled_ones(catalogue: Catalogue) -> None:
    h100 = catalogue.accelerators["h100-sxm"].model_copy(update={"memory_gb": 96.0})
    where = Provenance(origin="imported", file="quotes.xlsx", sheet="HW", row=4)
    project = Project(imported=Catalogue().merged("accelerators", [h100], [where]))
    merged = project.effective_catalogue(catalogue)
    assert merged.accelerators["h100-sxm"].memory_gb == 96.0
    assert merged.is_override("accelerators", "h100-sxm", catalogue)
    assert "quotes.xlsx:HW row 4" in merged.provenance_of("accelerators", "h100-sxm").describe()
    assert catalogue.accelerators["h100-sxm"].memory_gb == 80.0


def test_scenarios_save_and_apply(project: Project) -> None:
    chat = project.save_scenario("chat")
    batch_workload = project.workload.model_copy(update={"min_tokens_per_s_per_user": None})
    subset = chat.model_copy(update={"workload": batch_workload, "options": project.options[:2]})
    two = chat.model_copy(update={"scenarios": subset.save_scenario("batch").scenarios})
    assert [s.name for s in two.scenarios] == ["chat", "batch"]
    batch = two.with_scenario("batch")
    assert batch.workload.min_tokens_per_s_per_user is None and len(batch.options) == 2
    back = batch.model_copy(update={"options": project.options}).with_scenario("chat")
    assert back.workload == project.workload and back.options == project.options
    with pytest.raises(ValueError, match="unknown scenario 'x'"):
        two.with_scenario("x")
    with pytest.raises(ValueError, match="names unknown options"):
        batch.model_copy(update={"options": project.options[:1]}).with_scenario("batch")


def test_sliding_window_caps_the_kv_cache(catalogue: Catalogue) -> None:
    oss = catalogue.models["gpt-oss-120b"]
    assert (oss.sliding_window_tokens, oss.sliding_window_layers) == (128, 18)
    per_token = oss.kv_elements_per_token
    assert oss.kv_elements_per_sequence(100) == pytest.approx(100 * per_token)
    # at 8k context the 18 windowed layers keep 128 tokens, the other 18 keep all 8192
    assert oss.kv_elements_per_sequence(8192) == pytest.approx(per_token * (8192 + 128) / 2)
    with pytest.raises(ValidationError, match="give both"):
        ModelSpec(**{**oss.model_dump(), "sliding_window_tokens": None})

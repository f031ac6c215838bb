"""Model architecture: the shapes the estimator needs, with derived parameter counts."""

from enum import StrEnum

from pydantic import Field, model_validator

from tokentco.domain.base import Frozen

PARAM_TOLERANCE = 0.03
"""Derived vs published parameter counts must agree within 3 %, or the shapes are wrong."""


class AttentionKind(StrEnum):
    MHA = "mha"
    GQA = "gqa"
    MLA = "mla"


class ModelSpec(Frozen):
    """A transformer's shapes (from its config.json) — dense, MoE or MLA.

    Total and active parameter counts are *derived* from the shapes, so a typo in a
    shape is caught by the published-count check instead of silently skewing estimates.
    """

    id: str = Field(min_length=1)
    name: str = ""
    family: str = ""
    num_layers: int = Field(ge=1)
    hidden_size: int = Field(ge=1)
    num_attention_heads: int = Field(ge=1)
    num_kv_heads: int = Field(ge=1)
    head_dim: int | None = Field(default=None, ge=1)
    intermediate_size: int | None = Field(default=None, ge=1, description="dense FFN width")
    attention: AttentionKind = AttentionKind.GQA
    moe: bool = False
    num_experts: int = Field(default=0, ge=0)
    experts_per_token: int = Field(default=0, ge=0)
    num_shared_experts: int = Field(default=0, ge=0)
    moe_intermediate_size: int | None = Field(default=None, ge=1)
    first_dense_layers: int = Field(default=0, ge=0)
    moe_layer_step: int = Field(default=1, ge=1, description="every n-th layer is MoE")
    kv_lora_rank: int | None = Field(default=None, ge=1)
    q_lora_rank: int | None = Field(default=None, ge=1)
    qk_rope_head_dim: int | None = Field(default=None, ge=1)
    qk_nope_head_dim: int | None = Field(default=None, ge=1)
    v_head_dim: int | None = Field(default=None, ge=1)
    vocab_size: int = Field(ge=1)
    tied_embeddings: bool = False
    max_context: int = Field(default=131072, ge=1)
    mtp_layers: int = Field(default=0, ge=0)
    sliding_window_tokens: int | None = Field(
        default=None, ge=1, description="window of the local-attention layers (e.g. 128)"
    )
    sliding_window_layers: int = Field(
        default=0, ge=0, description="how many layers attend only within the window"
    )
    published_params_total_b: float | None = Field(default=None, gt=0)
    published_params_active_b: float | None = Field(default=None, gt=0)
    source: str = ""

    @model_validator(mode="after")
    def _shapes_are_complete(self) -> "ModelSpec":
        missing = [name for name in self._required_shapes() if getattr(self, name) is None]
        if missing:
            raise ValueError(f"model {self.id!r}: missing {', '.join(missing)}")
        if (self.sliding_window_layers > 0) != (self.sliding_window_tokens is not None):
            raise ValueError(
                f"model {self.id!r}: give both sliding_window_tokens and sliding_window_layers"
            )
        if self.sliding_window_layers > self.num_layers:
            raise ValueError(
                f"model {self.id!r}: sliding_window_layers {self.sliding_window_layers} is more "
                f"than num_layers {self.num_layers}"
            )
        if self.moe and not 0 < self.experts_per_token <= self.num_experts:
            raise ValueError(
                f"model {self.id!r}: experts_per_token {self.experts_per_token} must be "
                f"between 1 and num_experts {self.num_experts}"
            )
        self._check_published("total", self.params_total, self.published_params_total_b)
        self._check_published("active", self.params_active, self.published_params_active_b)
        return self

    def _required_shapes(self) -> list[str]:
        names = []
        if self.attention is AttentionKind.MLA:
            names += ["kv_lora_rank", "qk_rope_head_dim", "qk_nope_head_dim", "v_head_dim"]
        else:
            names.append("head_dim")
        if self.moe:
            names.append("moe_intermediate_size")
        if not self.moe or self.dense_layer_count:
            names.append("intermediate_size")
        return names

    def _check_published(self, what: str, derived: float, published_b: float | None) -> None:
        if published_b is None:
            return
        error = abs(derived / 1e9 - published_b) / published_b
        if error > PARAM_TOLERANCE:
            raise ValueError(
                f"model {self.id!r}: {what} parameters derived from the shapes are "
                f"{derived / 1e9:.2f}B but {published_b:.2f}B is published "
                f"({error:.1%} apart, at most {PARAM_TOLERANCE:.0%} expected): check the shapes"
            )

    # --- layer counts -------------------------------------------------------------------
    @property
    def moe_layer_count(self) -> int:
        if not self.moe:
            return 0
        candidates = self.num_layers - self.first_dense_layers
        return -(-candidates // self.moe_layer_step)

    @property
    def dense_layer_count(self) -> int:
        return self.num_layers - self.moe_layer_count

    # --- parameter counts (elements) ----------------------------------------------------
    @property
    def attention_params_per_layer(self) -> float:
        h, heads = self.hidden_size, self.num_attention_heads
        if self.attention is AttentionKind.MLA:
            assert self.kv_lora_rank and self.qk_rope_head_dim
            assert self.qk_nope_head_dim and self.v_head_dim
            qk = self.qk_nope_head_dim + self.qk_rope_head_dim
            q = h * heads * qk
            if self.q_lora_rank:
                q = h * self.q_lora_rank + self.q_lora_rank * heads * qk + self.q_lora_rank
            kv_a = h * (self.kv_lora_rank + self.qk_rope_head_dim) + self.kv_lora_rank
            kv_b = self.kv_lora_rank * heads * (self.qk_nope_head_dim + self.v_head_dim)
            return q + kv_a + kv_b + heads * self.v_head_dim * h
        assert self.head_dim
        return h * self.head_dim * (2 * heads + 2 * self.num_kv_heads)

    @property
    def expert_params(self) -> float:
        """One routed expert's SwiGLU weights (gate, up, down)."""
        return 3.0 * self.hidden_size * (self.moe_intermediate_size or 0)

    @property
    def shared_params_per_moe_layer(self) -> float:
        """Always-read weights in a MoE layer: shared experts plus the router."""
        return self.num_shared_experts * self.expert_params + self.hidden_size * self.num_experts

    @property
    def dense_ffn_params(self) -> float:
        return 3.0 * self.hidden_size * (self.intermediate_size or 0)

    @property
    def embedding_params(self) -> float:
        copies = 1 if self.tied_embeddings else 2
        return copies * self.vocab_size * self.hidden_size

    @property
    def always_read_params(self) -> float:
        """Weights every decode step reads whatever the routing: all but the routed experts."""
        per_layer_norms = 2 * self.hidden_size
        return (
            self.num_layers * (self.attention_params_per_layer + per_layer_norms)
            + self.dense_layer_count * self.dense_ffn_params
            + self.moe_layer_count * self.shared_params_per_moe_layer
            + self.embedding_params
            + self.hidden_size
        )

    @property
    def params_total(self) -> float:
        routed = self.moe_layer_count * self.num_experts * self.expert_params
        return self.always_read_params + routed

    @property
    def params_active(self) -> float:
        routed = self.moe_layer_count * self.experts_per_token * self.expert_params
        return self.always_read_params + routed

    @property
    def routed_expert_params_per_layer(self) -> float:
        return self.num_experts * self.expert_params

    # --- KV cache and attention ---------------------------------------------------------
    @property
    def kv_elements_per_token(self) -> float:
        """KV-cache elements one token keeps across all layers (MLA keeps the latent), before
        any sliding window: see ``kv_elements_per_sequence``."""
        if self.attention is AttentionKind.MLA:
            assert self.kv_lora_rank and self.qk_rope_head_dim
            return self.num_layers * (self.kv_lora_rank + self.qk_rope_head_dim)
        assert self.head_dim
        return self.num_layers * 2 * self.num_kv_heads * self.head_dim

    @property
    def window_layer_share(self) -> float:
        """Share of layers whose KV cache and attention stop at the sliding window."""
        return self.sliding_window_layers / self.num_layers

    def kv_elements_per_sequence(self, context_tokens: float) -> float:
        """KV-cache elements a sequence of ``context_tokens`` keeps: windowed layers keep
        at most the window (gpt-oss alternates 128-token windows with full attention)."""
        share = self.window_layer_share
        window = self.sliding_window_tokens or context_tokens
        kept = context_tokens * (1.0 - share) + min(context_tokens, window) * share
        return self.kv_elements_per_token * kept

    @property
    def attention_flops_per_token_per_context(self) -> float:
        """FLOPs one new token spends per token of context (QK^T plus AV, all layers).

        MLA is counted in its absorbed form: scores over the 576-wide latent+rope, values
        over the 512-wide latent, for every head.
        """
        heads = self.num_attention_heads
        if self.attention is AttentionKind.MLA:
            assert self.kv_lora_rank and self.qk_rope_head_dim
            width = 2 * self.kv_lora_rank + self.qk_rope_head_dim
        else:
            assert self.head_dim
            width = 2 * self.head_dim
        return 2.0 * self.num_layers * heads * width

"""Header recognition for spreadsheet import: field specs, synonyms and units.

A header such as ``"Price per 8-GPU node per month (€)"`` is analysed into a *base key*
(the words that name the quantity, here ``"price"``) plus the unit facts it states
(currency EUR, period month, per node of 8 GPUs). Synonyms are written as ordinary
headers and analysed by the same function, so ``"HBM (GB)"``, ``"Memory capacity GiB"``
and ``"memory_gb"`` all land on ``memory_gb`` with the right conversion factor.

Conventions (documented in the README):
- memory in GB (10^9 bytes; GiB × 1.073741824), bandwidth in TB/s (GB/s ÷ 1000),
  link bandwidth in GB/s (Gb/s ÷ 8), board power in W (kW × 1000), system power in kW;
- compute in dense TFLOPS; a header that says "sparse"/"sparsity" is halved;
- prices per GPU-hour; per node/server/instance prices are divided by the GPU count in
  the header ("8-GPU node", "NVL72") or in a GPUs-per-node column; per month ÷ 730 and
  per year ÷ 8760 (``HOURS_PER_YEAR``);
- money in USD after conversion with the project's exchange rates.
"""

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from tokentco.domain import HOURS_PER_YEAR, TableKind
from tokentco.domain.model_spec import AttentionKind
from tokentco.domain.money import PricingModel

ValueKind = Literal["text", "number", "int", "bool", "enum", "precision", "date"]

HOURS_PER_MONTH = HOURS_PER_YEAR / 12.0  # 730


@dataclass(frozen=True)
class FieldSpec:
    """One importable column: the domain field it fills and how its cells are read."""

    name: str
    kind: ValueKind = "number"
    dimension: str = ""
    aliases: tuple[str, ...] = ()
    required: bool = False
    label: str = ""
    unit: str = ""
    help: str = ""
    example: object = None
    plausible: tuple[float, float] | None = None
    choices: tuple[str, ...] = ()
    per_gpu: bool = False
    generic: bool = False

    @property
    def header(self) -> str:
        """Header text the template writes (label plus unit)."""
        unit = self.unit.lower()
        implied = self.unit in ("GPUs", "tokens") or bool(
            re.search(rf"(?<!\w){re.escape(unit)}(?!\w)", self.label.lower())
        )
        if not self.unit or implied:
            return self.label
        return f"{self.label} ({self.unit})"


def _f(name: str, label: str, *aliases: str, **kw: object) -> FieldSpec:
    return FieldSpec(name=name, label=label, aliases=(name, label, *aliases), **kw)  # type: ignore[arg-type]


def _source(*aliases: str, example: str) -> FieldSpec:
    """The free-text 'where this row comes from' column every table kind has."""
    return _f(
        "source",
        "Source",
        "reference",
        "url",
        "link",
        *aliases,
        kind="text",
        generic=True,
        example=example,
    )


def _id(*aliases: str, help: str, example: str | None) -> FieldSpec:
    """The row id column every table kind has (generated when blank)."""
    return _f(
        "id",
        "ID",
        *aliases,
        "key",
        "identifier",
        kind="text",
        generic=True,
        help=help,
        example=example,
    )


_PRICING = tuple(p.value for p in PricingModel)
_ATTENTION = tuple(a.value for a in AttentionKind)

ACCELERATOR_FIELDS: tuple[FieldSpec, ...] = (
    _id(
        "accelerator id",
        "gpu id",
        help="short unique id; generated from vendor and name when blank",
        example="h200-sxm",
    ),
    _f(
        "vendor",
        "Vendor",
        "manufacturer",
        "make",
        "brand",
        kind="text",
        generic=True,
        example="NVIDIA",
    ),
    _f(
        "name",
        "Name",
        "accelerator",
        "gpu",
        "gpu model",
        "accelerator name",
        "product",
        "device",
        "chip",
        "model",
        "gpu name",
        kind="text",
        required=True,
        generic=True,
        example="H200 SXM 141GB",
    ),
    _f(
        "memory_gb",
        "Memory",
        "hbm",
        "memory capacity",
        "hbm capacity",
        "gpu memory",
        "vram",
        "memory size",
        "hbm size",
        "hbm memory",
        "hbm per gpu",
        "memory per gpu",
        dimension="memory",
        required=True,
        unit="GB",
        plausible=(1, 10_000),
        example=141,
    ),
    _f(
        "memory_bw_tb_s",
        "Memory bandwidth",
        "hbm bandwidth",
        "memory bandwidth",
        "mem bw",
        "bandwidth",
        "hbm bw",
        "memory bw",
        dimension="bandwidth",
        required=True,
        unit="TB/s",
        plausible=(0.01, 100),
        example=4.8,
    ),
    _f(
        "fp16_dense_tflops",
        "FP16 dense",
        "fp16",
        "bf16",
        "fp16 bf16",
        "bf16 fp16",
        "fp16 tensor",
        "bf16 tensor",
        "half precision",
        "fp16 dense",
        "bf16 dense",
        dimension="compute",
        required=True,
        unit="TFLOPS",
        plausible=(0.1, 1e6),
        example=989,
    ),
    _f(
        "fp8_dense_tflops",
        "FP8 dense",
        "fp8",
        "fp8 tensor",
        "fp8 dense",
        dimension="compute",
        unit="TFLOPS",
        plausible=(0.1, 1e6),
        example=1979,
    ),
    _f(
        "fp4_dense_tflops",
        "FP4 dense",
        "fp4",
        "nvfp4",
        "mxfp4",
        "fp4 tensor",
        "fp4 dense",
        dimension="compute",
        unit="TFLOPS",
        plausible=(0.1, 1e6),
        example=None,
    ),
    _f(
        "int8_dense_tops",
        "INT8 dense",
        "int8",
        "int8 tensor",
        "int8 dense",
        dimension="compute",
        unit="TOPS",
        plausible=(0.1, 1e6),
        example=1979,
    ),
    _f(
        "tdp_w",
        "TDP",
        "tdp",
        "board power",
        "max power",
        "tgp",
        "power",
        "gpu power",
        "power draw",
        "thermal design power",
        dimension="power_w",
        unit="W",
        plausible=(10, 20_000),
        example=700,
    ),
    _f(
        "scaleup_domain_gpus",
        "Scale-up domain",
        "nvlink domain",
        "scale up domain",
        "scaleup domain",
        "nvlink domain size",
        "scale up domain size",
        kind="int",
        unit="GPUs",
        plausible=(1, 100_000),
        example=8,
    ),
    _f(
        "scaleup_bw_gb_s_per_gpu",
        "Scale-up bandwidth per GPU",
        "nvlink bandwidth",
        "scale up bandwidth",
        "nvlink bandwidth gpu",
        "scaleup bandwidth",
        "interconnect bandwidth",
        "nvlink",
        "scale up",
        "scaleup",
        dimension="link_bw",
        unit="GB/s",
        plausible=(0.1, 100_000),
        example=450,
    ),
    _f(
        "scaleout_bw_gb_s_per_gpu",
        "Scale-out bandwidth per GPU",
        "network bandwidth",
        "scale out bandwidth",
        "scaleout bandwidth",
        "nic bandwidth",
        "network bandwidth gpu",
        "network",
        "scale out",
        "scaleout",
        "infiniband",
        "nic",
        dimension="link_bw",
        unit="GB/s",
        plausible=(0.1, 100_000),
        example=50,
    ),
    _f(
        "release_year",
        "Release year",
        "launch year",
        "release",
        "launched",
        kind="int",
        plausible=(1990, 2100),
        example=2024,
    ),
    _source("citation", "datasheet", example="NVIDIA H200 datasheet"),
)

SYSTEM_FIELDS: tuple[FieldSpec, ...] = (
    _id(
        "system id", help="short unique id; generated from the name when blank", example="dgx-h200"
    ),
    _f(
        "accelerator_id",
        "Accelerator",
        "gpu",
        "gpu type",
        "accelerator id",
        "gpu model",
        "accelerator type",
        kind="text",
        required=True,
        example="h200-sxm",
        help="an accelerator id or name from the catalogue or this import",
    ),
    _f(
        "name",
        "System",
        "system name",
        "name",
        "server",
        "platform",
        "server model",
        "product",
        kind="text",
        generic=True,
        example="DGX H200",
    ),
    _f(
        "gpus_per_system",
        "GPUs per system",
        "gpus per node",
        "gpus per server",
        "gpus",
        "gpu count",
        "gpus system",
        "gpus node",
        "gpus server",
        kind="int",
        required=True,
        unit="GPUs",
        plausible=(1, 100_000),
        example=8,
    ),
    _f(
        "system_power_kw",
        "System power",
        "node power",
        "server power",
        "rack power",
        "power",
        "max power",
        "system power",
        dimension="power_kw",
        unit="kW",
        plausible=(0.05, 2000),
        example=10.2,
    ),
    _f(
        "list_price_usd",
        "List price",
        "list price",
        "system price",
        "server price",
        "price",
        dimension="money",
        unit="USD",
        plausible=(1, 1e9),
        example=None,
    ),
    _source(example="DGX H200 user guide"),
)

OFFER_FIELDS: tuple[FieldSpec, ...] = (
    _id(
        "offer id",
        "offer",
        "line",
        "quote id",
        "sku",
        "line item",
        help="short unique id; generated from provider, GPU, pricing and region when blank",
        example="acme-h200-od",
    ),
    _f(
        "accelerator_id",
        "GPU",
        "accelerator",
        "gpu type",
        "gpu model",
        "accelerator id",
        "hardware",
        "chip",
        "gpu sku",
        "accelerator type",
        "instance gpu",
        kind="text",
        required=True,
        example="h200-sxm",
        help="an accelerator id or name from the catalogue or this import",
    ),
    _f(
        "provider",
        "Provider",
        "vendor",
        "cloud",
        "supplier",
        "company",
        "bidder",
        "seller",
        "cloud provider",
        kind="text",
        generic=True,
        example="Acme Cloud (fictional)",
    ),
    _f(
        "pricing_model",
        "Pricing model",
        "pricing",
        "commitment",
        "term",
        "pricing type",
        "contract",
        "plan",
        "billing",
        "price type",
        "purchase option",
        "contract term",
        kind="enum",
        choices=_PRICING,
        example="on_demand",
    ),
    _f(
        "price_per_gpu_hour",
        "Price per GPU-hour",
        "price per gpu hour",
        "price gpu hour",
        "hourly price",
        "rate",
        "price",
        dimension="price",
        unit="USD",
        plausible=(0.001, 1000),
        per_gpu=True,
        example=3.5,
    ),
    _f("currency", "Currency", "ccy", "cur", kind="text", example="USD"),
    _f("system_id", "System ID", "system id", kind="text", example=None),
    _f(
        "region",
        "Region",
        "location",
        "zone",
        "datacenter",
        "data centre",
        "data center",
        "site",
        "country",
        kind="text",
        generic=True,
        example="us-east",
    ),
    _f(
        "as_of",
        "As of",
        "date",
        "quote date",
        "valid from",
        "price date",
        "snapshot",
        "as of date",
        kind="date",
        generic=True,
        example="2026-04",
    ),
    _f(
        "lead_time_weeks",
        "Lead time",
        "lead time",
        "delivery",
        "delivery time",
        "time to deliver",
        "availability",
        dimension="weeks",
        unit="weeks",
        plausible=(0, 520),
        example=4,
    ),
    _source("quote reference", "notes source", example="RFP response 2026-04 (fictional)"),
    _f(
        "_gpus_per_node",
        "GPUs per node",
        "gpus per node",
        "gpus per server",
        "gpus per instance",
        "gpus",
        "gpu count",
        "gpus node",
        "gpus server",
        "gpus instance",
        "node size",
        kind="int",
        unit="GPUs",
        plausible=(1, 100_000),
        example=8,
        help="divides per-node prices, capex and power into per-GPU figures",
    ),
    _f(
        "capex_per_gpu",
        "Capex per GPU",
        "capex",
        "capex gpu",
        "purchase price",
        "purchase price gpu",
        "upfront",
        "upfront cost",
        "hardware cost",
        "capital cost",
        "acquisition cost",
        dimension="money",
        unit="USD",
        plausible=(1, 1e8),
        per_gpu=True,
        example=None,
        help="owned offers: purchase price per GPU incl. its server share",
    ),
    _f(
        "depreciation_years",
        "Depreciation",
        "depreciation",
        "depreciation life",
        "useful life",
        "amortisation",
        "amortization",
        "amortisation period",
        "amortization period",
        "life",
        dimension="years",
        unit="years",
        plausible=(0.1, 15),
        example=None,
    ),
    _f(
        "cost_of_capital",
        "Cost of capital",
        "cost capital",
        "wacc",
        "interest rate",
        "discount rate",
        "financing rate",
        dimension="fraction",
        help="a fraction (0.08) or a percentage (8%); a header with (%) means percent",
        plausible=(0, 0.5),
        example=None,
    ),
    _f(
        "it_watts_per_gpu",
        "IT power per GPU",
        "it power",
        "it power gpu",
        "power gpu",
        "all in power",
        "all in power gpu",
        "it load",
        "node power",
        "server power",
        "power",
        dimension="power_w",
        unit="W",
        plausible=(10, 20_000),
        per_gpu=True,
        example=None,
    ),
    _f(
        "pue", "PUE", "power usage effectiveness", kind="number", plausible=(1.0, 3.0), example=None
    ),
    _f(
        "usd_per_kwh",
        "Electricity price",
        "electricity",
        "energy price",
        "power price",
        "energy cost",
        "power cost",
        "electricity cost",
        "electricity rate",
        "kwh",
        dimension="energy_price",
        unit="USD/kWh",
        plausible=(0, 2.0),
        example=None,
    ),
    _f(
        "opex_per_gpu_year",
        "Opex per GPU-year",
        "opex",
        "opex gpu",
        "operating cost",
        "maintenance",
        "support",
        "running cost",
        "opex gpu year",
        "operating cost gpu",
        dimension="money_per_year",
        unit="USD",
        plausible=(0, 1e7),
        per_gpu=True,
        example=None,
    ),
)

MODEL_FIELDS: tuple[FieldSpec, ...] = (
    _id(
        "model id",
        help="short unique id; generated from the name when blank",
        example="my-model-70b",
    ),
    _f(
        "name",
        "Model",
        "model name",
        "name",
        "llm",
        kind="text",
        required=True,
        generic=True,
        example="My model 70B",
    ),
    _f(
        "family",
        "Family",
        "architecture",
        "model family",
        "model type",
        kind="text",
        generic=True,
        example="llama3",
    ),
    _f(
        "num_layers",
        "Layers",
        "num hidden layers",
        "layers",
        "hidden layers",
        "transformer layers",
        "depth",
        "n layer",
        kind="int",
        required=True,
        plausible=(1, 10_000),
        example=80,
    ),
    _f(
        "hidden_size",
        "Hidden size",
        "hidden",
        "d model",
        "model dim",
        "hidden dim",
        "embedding dim",
        "n embd",
        "dim",
        kind="int",
        required=True,
        plausible=(1, 1e6),
        example=8192,
    ),
    _f(
        "num_attention_heads",
        "Attention heads",
        "heads",
        "attention heads",
        "q heads",
        "query heads",
        "n head",
        kind="int",
        required=True,
        plausible=(1, 10_000),
        example=64,
    ),
    _f(
        "num_kv_heads",
        "KV heads",
        "kv heads",
        "key value heads",
        "num key value heads",
        "n kv heads",
        "kv head",
        kind="int",
        required=True,
        plausible=(1, 10_000),
        example=8,
    ),
    _f(
        "head_dim",
        "Head dim",
        "head dim",
        "head size",
        "head dimension",
        kind="int",
        plausible=(1, 100_000),
        example=128,
    ),
    _f(
        "intermediate_size",
        "Intermediate size",
        "intermediate",
        "ffn",
        "ffn dim",
        "mlp",
        "mlp dim",
        "ffn hidden size",
        "ffn size",
        kind="int",
        plausible=(1, 1e7),
        example=28672,
    ),
    _f(
        "attention",
        "Attention",
        "attention type",
        "attn",
        "attention kind",
        kind="enum",
        choices=_ATTENTION,
        example="gqa",
    ),
    _f("moe", "MoE", "mixture experts", "is moe", "sparse moe", kind="bool", example=False),
    _f(
        "num_experts",
        "Experts",
        "experts",
        "routed experts",
        "n routed experts",
        "num local experts",
        "total experts",
        kind="int",
        plausible=(0, 100_000),
        example=None,
    ),
    _f(
        "experts_per_token",
        "Experts per token",
        "active experts",
        "top k",
        "num experts per tok",
        "experts token",
        "routed experts token",
        kind="int",
        plausible=(0, 10_000),
        example=None,
    ),
    _f(
        "num_shared_experts",
        "Shared experts",
        "shared experts",
        "n shared experts",
        kind="int",
        plausible=(0, 10_000),
        example=None,
    ),
    _f(
        "moe_intermediate_size",
        "MoE intermediate size",
        "expert intermediate size",
        "moe ffn",
        "expert ffn",
        kind="int",
        plausible=(1, 1e7),
        example=None,
    ),
    _f(
        "first_dense_layers",
        "First dense layers",
        "first k dense replace",
        kind="int",
        plausible=(0, 10_000),
        example=None,
    ),
    _f(
        "moe_layer_step",
        "MoE layer step",
        "moe layer freq",
        "moe layer frequency",
        "decoder sparse step",
        kind="int",
        plausible=(1, 1000),
        example=None,
    ),
    _f("kv_lora_rank", "KV LoRA rank", kind="int", plausible=(1, 1e6), example=None),
    _f("q_lora_rank", "Q LoRA rank", kind="int", plausible=(1, 1e6), example=None),
    _f("qk_rope_head_dim", "QK rope head dim", kind="int", plausible=(1, 1e5), example=None),
    _f("qk_nope_head_dim", "QK nope head dim", kind="int", plausible=(1, 1e5), example=None),
    _f("v_head_dim", "V head dim", kind="int", plausible=(1, 1e5), example=None),
    _f(
        "vocab_size",
        "Vocabulary size",
        "vocab",
        "vocab size",
        "vocabulary",
        kind="int",
        required=True,
        plausible=(1, 1e8),
        example=128256,
    ),
    _f(
        "tied_embeddings",
        "Tied embeddings",
        "tie word embeddings",
        "tied",
        kind="bool",
        example=False,
    ),
    _f(
        "max_context",
        "Max context",
        "context",
        "context length",
        "max position embeddings",
        "context window",
        "max seq len",
        kind="int",
        unit="tokens",
        plausible=(1, 1e9),
        example=131072,
    ),
    _f(
        "mtp_layers",
        "MTP layers",
        "num nextn predict layers",
        "mtp",
        kind="int",
        plausible=(0, 100),
        example=0,
    ),
    _f(
        "published_params_total_b",
        "Total parameters",
        "params",
        "parameters",
        "total params",
        "total parameters",
        "published params total",
        dimension="params",
        unit="B",
        plausible=(1e-4, 1e5),
        example=70.55,
    ),
    _f(
        "published_params_active_b",
        "Active parameters",
        "active params",
        "active parameters",
        "activated params",
        "published params active",
        dimension="params",
        unit="B",
        plausible=(1e-4, 1e5),
        example=70.55,
    ),
    _source("config", example="HF config.json"),
)

MEASURED_FIELDS: tuple[FieldSpec, ...] = (
    _id(
        "run id",
        "result id",
        help="unique id; generated from hardware, model, precision, engine and shape when blank",
        example=None,
    ),
    _f(
        "hardware_id",
        "Hardware",
        "hardware",
        "gpu",
        "accelerator",
        "chip",
        "device",
        "gpu type",
        "accelerator id",
        kind="text",
        required=True,
        example="h200-sxm",
    ),
    _f(
        "model_id",
        "Model",
        "model",
        "llm",
        "model name",
        "model id",
        kind="text",
        required=True,
        example="deepseek-r1",
    ),
    _f(
        "precision",
        "Precision",
        "dtype",
        "quantization",
        "quant",
        "weight precision",
        "data type",
        "format",
        "quantisation",
        kind="precision",
        example="fp8",
    ),
    _f(
        "engine",
        "Engine",
        "framework",
        "serving engine",
        "runtime",
        "inference engine",
        "software",
        "backend",
        "serving stack",
        kind="text",
        example="SGLang",
    ),
    _f(
        "num_gpus",
        "GPUs",
        "gpus",
        "gpu count",
        "gpus used",
        "n gpus",
        kind="int",
        unit="GPUs",
        plausible=(1, 1e6),
        example=8,
    ),
    _f(
        "tp",
        "TP",
        "tensor parallel",
        "tensor parallelism",
        "tp size",
        kind="int",
        plausible=(1, 1e5),
        example=8,
    ),
    _f(
        "ep",
        "EP",
        "expert parallel",
        "expert parallelism",
        "ep size",
        kind="int",
        plausible=(1, 1e5),
        example=None,
    ),
    _f(
        "pp",
        "PP",
        "pipeline parallel",
        "pipeline parallelism",
        "pp size",
        kind="int",
        plausible=(1, 1e5),
        example=None,
    ),
    _f(
        "isl_tokens",
        "Input length",
        "isl",
        "input length",
        "input tokens",
        "prompt length",
        "input seq len",
        "input sequence length",
        "prompt tokens",
        "isl tokens",
        kind="int",
        unit="tokens",
        plausible=(1, 1e8),
        example=1024,
    ),
    _f(
        "osl_tokens",
        "Output length",
        "osl",
        "output length",
        "output tokens",
        "generation length",
        "output seq len",
        "output sequence length",
        "osl tokens",
        kind="int",
        unit="tokens",
        plausible=(1, 1e8),
        example=1024,
    ),
    _f(
        "scenario",
        "Scenario",
        "concurrency or scenario",
        "concurrency",
        "batch size",
        "load",
        kind="text",
        example="concurrency 64",
    ),
    _f(
        "latency_constraint",
        "Latency constraint",
        "slo",
        "latency target",
        "constraint",
        "latency slo",
        kind="text",
        example="",
    ),
    _f(
        "disaggregated",
        "Disaggregated",
        "disagg",
        "pd disaggregation",
        "disaggregated serving",
        kind="bool",
        example=False,
    ),
    _f(
        "spec_decoding",
        "Speculative decoding",
        "spec decoding",
        "speculative",
        "spec decode",
        "mtp",
        "speculation",
        kind="bool",
        example=False,
    ),
    _f(
        "output_tokens_per_s_per_gpu",
        "Output tokens/s per GPU",
        "output tok/s per gpu",
        "throughput per gpu",
        "output throughput per gpu",
        "output tokens per second per gpu",
        "output tokens gpu",
        kind="number",
        unit="tokens/s",
        plausible=(1e-3, 1e7),
        example=1500,
    ),
    _f(
        "_system_output_tok_s",
        "System output tokens/s",
        "system throughput",
        "total output throughput",
        "output throughput",
        "system output tok/s",
        "system output tokens per second",
        "throughput",
        kind="number",
        unit="tokens/s",
        plausible=(1e-3, 1e9),
        example=None,
        help="whole-system output throughput; divided by the GPUs column",
    ),
    _f(
        "tokens_per_s_per_user",
        "Tokens/s per user",
        "tok/s/user",
        "tok/s per user",
        "interactivity",
        "per user speed",
        "user throughput",
        "output speed",
        "tokens per second per user",
        kind="number",
        unit="tokens/s",
        plausible=(1e-3, 1e6),
        example=40,
    ),
    _f(
        "ttft_ms",
        "TTFT",
        "time to first token",
        "ttft",
        dimension="time_ms",
        unit="ms",
        plausible=(1e-3, 1e8),
        example=500,
    ),
    _source("citation", example="vendor benchmark report (fictional)"),
    _f(
        "_source_url",
        "Source URL",
        "source url or repo path",
        "source url",
        kind="text",
        generic=True,
        example=None,
    ),
)

FIELDS: dict[TableKind, tuple[FieldSpec, ...]] = {
    "accelerators": ACCELERATOR_FIELDS,
    "systems": SYSTEM_FIELDS,
    "offers": OFFER_FIELDS,
    "models": MODEL_FIELDS,
    "measured": MEASURED_FIELDS,
}

# --- header analysis --------------------------------------------------------------------

_CURRENCY_WORDS = {
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "us": "USD",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "sterling": "GBP",
    "jpy": "JPY",
    "yen": "JPY",
}
CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "￥": "JPY"}
_PERIOD_WORDS = {
    "h": "hour",
    "hr": "hour",
    "hrs": "hour",
    "hour": "hour",
    "hours": "hour",
    "hourly": "hour",
    "month": "month",
    "months": "month",
    "monthly": "month",
    "mo": "month",
    "mth": "month",
    "year": "year",
    "years": "year",
    "yearly": "year",
    "annual": "year",
    "annually": "year",
    "yr": "year",
    "yrs": "year",
    "pa": "year",
    "week": "week",
    "weeks": "week",
    "wk": "week",
    "wks": "week",
    "day": "day",
    "days": "day",
    "daily": "day",
}
_UNIT_WORDS = {
    "gb": "gb",
    "gib": "gib",
    "tb": "tb",
    "tib": "tib",
    "mb": "mb",
    "mib": "mib",
    "w": "w",
    "watt": "w",
    "watts": "w",
    "kw": "kw",
    "kilowatt": "kw",
    "kilowatts": "kw",
    "tflops": "tflops",
    "tflop": "tflops",
    "pflops": "pflops",
    "pflop": "pflops",
    "gflops": "gflops",
    "tops": "tops",
    "pops": "pops",
    "flops": "flops",
    "ms": "ms",
    "s": "s",
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
    "millisecond": "ms",
    "milliseconds": "ms",
    "pct": "pct",
    "percent": "pct",
    "b": "b",
    "bn": "b",
    "billion": "b",
    "m": "m",
    "million": "m",
    "t": "t",
    "trillion": "t",
    "u_tbs": "tb/s",
    "u_gbs": "gb/s",
    "u_gibs": "gib/s",
    "u_mbs": "mb/s",
    "u_gbits": "gbit/s",
    "u_kwh": "kwh",
    "u_toks": "tok/s",
    "u_mwh": "mwh",
}
_QUALIFIERS = {"dense": False, "sparse": True, "sparsity": True}
_FILLER = {
    "per",
    "of",
    "in",
    "the",
    "a",
    "an",
    "for",
    "each",
    "at",
    "with",
    "without",
    "or",
    "and",
    "num",
    "number",
    "no",
    "nr",
    "n",
    "value",
    "peak",
    "approx",
    "est",
    "estimated",
    "x",
    "to",
    "by",
    "incl",
    "including",
    "excl",
    "excluding",
    "vat",
    "all",
}
_CANON = {
    "tok": "tokens",
    "toks": "tokens",
    "token": "tokens",
    "mem": "memory",
    "bw": "bandwidth",
    "tokens": "tokens",
    "config": "config",
}
_NODE_WORDS = {
    "node",
    "nodes",
    "server",
    "servers",
    "instance",
    "instances",
    "system",
    "box",
    "chassis",
    "vm",
    "rack",
    "racks",
    "pod",
    "cluster",
}
_PRICE_WORDS = {
    "price",
    "prices",
    "cost",
    "costs",
    "rate",
    "pricing",
    "fee",
    "charge",
    "rental",
    "rent",
    "tariff",
    "list",
}

_COMPOSITE = [
    (re.compile(r"Gb(?:it)?s?\s*/\s*s(?:ec)?\b|\bGbps\b|\bgbits?\s*/\s*s\b|\bgbps\b"), " u_gbits "),
    (
        re.compile(
            r"(?<![a-z0-9])(?:tb|tib|tbytes?)[\s_]*(?:/|per|_)?[\s_]*s(?:ec)?(?![a-z])|"
            r"\btbps\b",
            re.I,
        ),
        " u_tbs ",
    ),
    (re.compile(r"(?<![a-z0-9])gib[\s_]*(?:/|per|_)?[\s_]*s(?:ec)?(?![a-z])", re.I), " u_gibs "),
    (
        re.compile(r"(?<![a-z0-9])(?:gb|gbytes?)[\s_]*(?:/|per|_)?[\s_]*s(?:ec)?(?![a-z])", re.I),
        " u_gbs ",
    ),
    (re.compile(r"(?<![a-z0-9])mb[\s_]*(?:/|per|_)?[\s_]*s(?:ec)?(?![a-z])", re.I), " u_mbs "),
    (re.compile(r"(?<![a-z0-9])k\s*wh(?![a-z])", re.I), " u_kwh "),
    (re.compile(r"(?<![a-z0-9])m\s*wh(?![a-z])", re.I), " u_mwh "),
    (re.compile(r"(?<![a-z0-9])tok(?:en)?s?\s*/\s*s(?:ec)?(?![a-z])", re.I), " u_toks "),
    (re.compile(r"(?<![a-z0-9])tps(?![a-z])", re.I), " u_toks "),
]
_NODE_GPUS = re.compile(r"(\d+)\s*(?:-|x|×)?\s*gpus?\b|\bnvl\s*(\d+)|(\d+)\s*x\s+[a-z]", re.I)
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class HeaderInfo:
    """What a header says: its base key and the unit facts it states."""

    text: str
    key: str
    words: tuple[str, ...] = ()
    unit: str | None = None
    currency: str | None = None
    period: str | None = None
    per_node: bool = False
    node_gpus: int | None = None
    sparse: bool | None = None
    percent: bool = False
    priced: bool = False

    @property
    def unit_only(self) -> bool:
        """True for a cell of a units row ("GB", "TB/s", "$/GPU-hr") under the header."""
        stated = bool(self.unit or self.currency or self.period or self.percent)
        if set(self.words) <= {"gpu", "gpus", "node", "server"} and self.words:
            return bool(self.currency or self.period)
        return not self.key and stated


@cache
def analyse_header(text: str) -> HeaderInfo:
    """Split a header into its base key and stated units (pure, cached)."""
    raw = str(text).strip()
    s = raw
    currency = None
    for symbol, code in CURRENCY_SYMBOLS.items():
        if symbol in s:
            currency = currency or code
            s = s.replace(symbol, " ")
    percent = "%" in s
    s = s.replace("%", " pct ")
    for pattern, replacement in _COMPOSITE:
        s = pattern.sub(replacement, s)
    low = s.lower()
    node_gpus = None
    match = _NODE_GPUS.search(low)
    words = _WORD.findall(low.replace("_", " ").replace("u tbs", "u_tbs"))
    # the composite replacement tokens contain "_" which the split above removed: restore
    words = _rejoin_units(words)
    if match and any(w in _NODE_WORDS for w in words):
        node_gpus = int(next(g for g in match.groups() if g))
    unit = period = None
    sparse = None
    priced = False
    per_node = False
    base: list[str] = []
    for w in words:
        if w in _CURRENCY_WORDS and (w != "us" or not base):
            currency = currency or _CURRENCY_WORDS[w]
        elif w in _PERIOD_WORDS:
            period = period or _PERIOD_WORDS[w]
        elif w in _UNIT_WORDS:
            u = _UNIT_WORDS[w]
            if u == "pct":
                percent = True
            else:
                unit = unit or u
        elif w in _QUALIFIERS:
            sparse = _QUALIFIERS[w] if sparse is None else sparse
        elif w in _FILLER or w.isdigit():
            continue
        else:
            if w in _NODE_WORDS:
                per_node = True
            if w in _PRICE_WORDS:
                priced = True
            if w.startswith("nvl") and w[3:].isdigit():
                per_node = True
                continue
            base.append(_CANON.get(w, w))
    return HeaderInfo(
        text=raw,
        key=" ".join(base),
        words=tuple(base),
        unit=unit,
        currency=currency,
        period=period,
        per_node=per_node,
        node_gpus=node_gpus,
        sparse=sparse,
        percent=percent,
        priced=priced,
    )


def _rejoin_units(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        if words[i] == "u" and i + 1 < len(words) and f"u_{words[i + 1]}" in _UNIT_WORDS:
            out.append(f"u_{words[i + 1]}")
            i += 2
            continue
        out.append(words[i])
        i += 1
    return out


# --- alias tables -----------------------------------------------------------------------

_NODE_KEY_WORDS = _NODE_WORDS


def _strip_node(key: str) -> str:
    return " ".join(w for w in key.split() if w not in _NODE_KEY_WORDS and w not in ("gpu",))


@cache
def alias_table(kind: TableKind) -> dict[str, FieldSpec]:
    """Base key → field for one kind (aliases analysed like headers)."""
    table: dict[str, FieldSpec] = {}
    for spec in FIELDS[kind]:
        for alias in spec.aliases:
            key = analyse_header(alias).key
            if key and key not in table:
                table[key] = spec
    return table


def alias_collisions(kind: TableKind) -> list[tuple[str, str, str]]:
    """Aliases that two fields of one kind both claim (must be empty; checked by tests)."""
    seen: dict[str, str] = {}
    out = []
    for spec in FIELDS[kind]:
        for alias in spec.aliases:
            key = analyse_header(alias).key
            if key in seen and seen[key] != spec.name:
                out.append((key, seen[key], spec.name))
            seen.setdefault(key, spec.name)
    return out


_PRICE_KEY_WORDS = _PRICE_WORDS | _NODE_WORDS | {"gpu", "gpus", "hourly", "rental"}


@dataclass(frozen=True)
class ColumnMatch:
    spec: FieldSpec
    info: HeaderInfo


@dataclass
class HeaderProblem:
    message: str


def match_header(kind: TableKind, text: str) -> ColumnMatch | HeaderProblem | None:
    """The field a header fills for ``kind``; a HeaderProblem when it is a price with no
    period; None when unknown (kept as a note)."""
    info = analyse_header(text)
    if not info.key and not info.currency and not info.period:
        return None
    table = alias_table(kind)
    specs = {s.name: s for s in FIELDS[kind]}
    money_like = info.currency is not None or info.period is not None
    spec = table.get(info.key)
    if spec is None and info.key:
        spec = table.get(_strip_node(info.key))
    if spec is not None and money_like and spec.kind in ("text", "enum", "bool", "date"):
        spec = None
    if spec is not None and money_like and spec.kind == "int" and info.currency:
        spec = None
    if spec is not None and spec.dimension == "money" and info.period is not None:
        spec = None
    if spec is not None and spec.dimension == "price" and info.period is None:
        spec = None
    if spec is None and (money_like or info.priced) and "price_per_gpu_hour" in specs:
        if info.key and not (info.priced or info.currency or info.period):
            return None
        if info.period is None:
            if any(w not in _PRICE_KEY_WORDS for w in info.words):
                return None
            return HeaderProblem(
                f'price column "{text}" does not say per hour, per month or per year: '
                'add the period to the header (e.g. "Price per GPU-hour")'
            )
        return ColumnMatch(specs["price_per_gpu_hour"], info)
    if spec is None and info.priced and info.period is None and "list_price_usd" in specs:
        return ColumnMatch(specs["list_price_usd"], info)
    if spec is None:
        return None
    return ColumnMatch(spec, info)


def kind_score(kind: TableKind, headers: list[str]) -> float:
    """How well a header row fits a kind: distinct specific fields, required ones double."""
    seen: set[str] = set()
    score = 0.0
    for text in headers:
        found = match_header(kind, text)
        if not isinstance(found, ColumnMatch) or found.spec.name in seen:
            continue
        seen.add(found.spec.name)
        spec = found.spec
        weight = 2.0 if spec.required or spec.dimension == "price" else 1.0
        score += 0.25 if spec.generic else weight
    return score


# --- unit factors -----------------------------------------------------------------------

# factor to multiply a value stated in ``unit`` to get the field's domain unit
UNIT_FACTORS: dict[str, dict[str | None, float]] = {
    "memory": {
        None: 1.0,
        "gb": 1.0,
        "gib": 1.073741824,
        "tb": 1000.0,
        "tib": 1099.511627776,
        "mb": 1e-3,
        "mib": 1.048576e-3,
    },
    "bandwidth": {
        None: 1.0,
        "tb/s": 1.0,
        "gb/s": 1e-3,
        "gib/s": 1.073741824e-3,
        "mb/s": 1e-6,
        "gbit/s": 1.25e-4,
        "tb": 1.0,
        "gb": 1e-3,
    },
    "link_bw": {
        None: 1.0,
        "gb/s": 1.0,
        "tb/s": 1000.0,
        "gib/s": 1.073741824,
        "gbit/s": 0.125,
        "mb/s": 1e-3,
        "gb": 1.0,
    },
    "compute": {
        None: 1.0,
        "tflops": 1.0,
        "tops": 1.0,
        "pflops": 1000.0,
        "pops": 1000.0,
        "gflops": 1e-3,
    },
    "power_w": {None: 1.0, "w": 1.0, "kw": 1000.0},
    "power_kw": {None: 1.0, "kw": 1.0, "w": 1e-3},
    "time_ms": {None: 1.0, "ms": 1.0, "s": 1000.0},
    "params": {None: 1.0, "b": 1.0, "m": 1e-3, "t": 1000.0},
    "energy_price": {None: 1.0, "kwh": 1.0, "mwh": 1e-3},
}
PERIOD_FACTORS: dict[str, dict[str | None, float]] = {
    # price per GPU-hour from a price per period
    "price": {
        "hour": 1.0,
        "day": 1 / 24.0,
        "week": 1 / 168.0,
        "month": 1 / HOURS_PER_MONTH,
        "year": 1 / HOURS_PER_YEAR,
    },
    "money_per_year": {
        None: 1.0,
        "year": 1.0,
        "month": 12.0,
        "hour": HOURS_PER_YEAR,
        "day": 365.0,
        "week": 52.0,
    },
    "weeks": {None: 1.0, "week": 1.0, "day": 1 / 7.0, "month": 52.0 / 12.0, "year": 52.0},
    "years": {None: 1.0, "year": 1.0, "month": 1 / 12.0},
}
MONEY_DIMENSIONS = {"price", "money", "money_per_year", "energy_price"}


@dataclass(frozen=True)
class ColumnPlan:
    """How one sheet column becomes one field: factor, currency, division by GPUs."""

    index: int
    letter: str
    header: str
    spec: FieldSpec
    info: HeaderInfo
    factor: float = 1.0
    divide_by_gpus: bool = False
    header_node_gpus: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def plan_column(index: int, letter: str, match: ColumnMatch) -> ColumnPlan | str:
    """Conversion plan for a matched column, or a message when its unit is not understood."""
    spec, info = match.spec, match.info
    dim = spec.dimension
    factor = 1.0
    notes: list[str] = []
    if dim in UNIT_FACTORS:
        table = UNIT_FACTORS[dim]
        if info.unit not in table:
            known = ", ".join(sorted(u for u in table if u))
            return f'unit "{info.unit}" in header "{info.text}" is not understood: expected {known}'
        factor = table[info.unit]
    if dim in PERIOD_FACTORS:
        table2 = PERIOD_FACTORS[dim]
        if info.period not in table2:
            return (
                f'period "{info.period}" in header "{info.text}" is not understood for {spec.label}'
            )
        factor *= table2[info.period]
        if info.period not in (None, "hour") and dim == "price":
            notes.append(f"per {info.period} ÷ {1 / table2[info.period]:g} hours")
    if dim == "compute" and info.sparse:
        factor /= 2.0
        notes.append("sparse figure halved to dense")
    if dim == "fraction" and info.percent:
        factor /= 100.0
    divide = False
    if spec.per_gpu and info.per_node:
        divide = True
    return ColumnPlan(
        index=index,
        letter=letter,
        header=info.text,
        spec=spec,
        info=info,
        factor=factor,
        divide_by_gpus=divide,
        header_node_gpus=info.node_gpus,
        notes=tuple(notes),
    )

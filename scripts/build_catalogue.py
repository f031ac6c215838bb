"""Developer tool: build resources/catalogue from the sourced reference tables.

The shipped catalogue is two layers, so a rebuild never loses either:

* ``../shared/reference/*.csv`` - the original sourced tables (renamed to the app's columns);
* ``resources/catalogue/additions/*.csv`` - rows added since (catalogue breadth: more
  accelerators, systems, prices and models), each citing title, publisher, date and URL.

Every row must cite a URL an analyst can open. Reference rows that name a repository
file ("owner/repo@sha path") or a Hugging Face config get that URL spelled out; the few
that name neither get one from ``URL_OVERRIDES``. Run it whenever either layer changes
(``python scripts/build_catalogue.py``); the app itself only reads resources/. The
calibration data is copied only with ``--calibration``, because its owner edits it in place.
"""

import argparse
import csv
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OUT = ROOT / "resources" / "catalogue"
ADDITIONS = OUT / "additions"
TABLES = ("accelerators", "systems", "offers", "models")

ACCEL_RENAME = {
    "memory_bw_tbs": "memory_bw_tb_s",
    "scaleup_bw_gbs_per_gpu": "scaleup_bw_gb_s_per_gpu",
    "scaleout_bw_gbs_per_gpu": "scaleout_bw_gb_s_per_gpu",
}
MODEL_RENAME = {
    "params_total_b": "published_params_total_b",
    "params_active_b": "published_params_active_b",
}
GPT_OSS_WINDOW = (
    " Sliding window: the HF configs of openai/gpt-oss-20b and openai/gpt-oss-120b have "
    "sliding_window 128 and layer_types alternating sliding_attention / full_attention, so "
    "half the layers attend 128 tokens."
)
MODEL_EXTRA = {
    "llama-4-maverick": {"moe_layer_step": "2"},
    "gpt-oss-20b": {"sliding_window_tokens": "128", "sliding_window_layers": "12"},
    "gpt-oss-120b": {"sliding_window_tokens": "128", "sliding_window_layers": "18"},
}
SOURCE_REPLACEMENTS = {
    # MLPerf Inference v4.0/v5.0/v6.0 results are reserved for independent validation,
    # so no catalogue row may rest on them; the 8-GPU count is AMD's own platform spec.
    ("systems", "amd-mi355x-platform"): (
        "AMD Instinct MI355X platform: 8 OAM on a universal baseboard, liquid-cooled - AMD "
        "Instinct MI350 Series page - AMD, Jun 2025 - "
        "https://www.amd.com/en/products/accelerators/instinct/mi350.html (page not retrieved "
        "in the build session). GPU TBP 1400 W each; server power not verified."
    ),
}
URL_OVERRIDES = {
    # Reference rows whose citation names a page but no resolvable address.
    ("systems", "hgx-h200-8gpu"): "https://www.nvidia.com/en-us/data-center/hgx/",
    ("systems", "amd-mi300x-platform"): (
        "https://www.amd.com/en/products/accelerators/instinct/mi300/platform.html"
    ),
    ("systems", "amd-mi325x-platform"): (
        "https://www.amd.com/en/products/accelerators/instinct/mi300/mi325x.html"
    ),
    ("systems", "aws-u-trn2x64"): (
        "https://github.com/aws-neuron/aws-neuron-sdk/blob/HEAD/general/arch/neuron-hardware/"
        "trn2-arch.rst"
    ),
    ("systems", "gcp-tpu-v6e-256"): "https://github.com/jax-ml/scaling-book/blob/HEAD/tpus.md",
    ("offers", "lambda-h100-8x-od-older"): (
        "https://github.com/skypilot-org/skypilot-catalog/blob/HEAD/catalogs/v7/lambda/vms.csv"
    ),
    ("offers", "aws-p5-capblock-use1"): "https://aws.amazon.com/ec2/capacityblocks/pricing/",
    ("offers", "aws-p5-capblock-use2"): "https://aws.amazon.com/ec2/capacityblocks/pricing/",
    ("offers", "aws-h200-capblock-use2"): "https://aws.amazon.com/ec2/capacityblocks/pricing/",
}
HELD_BACK: dict[str, str] = {
    # Sourced in additions/ but not shipped yet, id -> why (empty: everything ships).
}
_GH_AT = re.compile(r"\b([A-Za-z0-9][\w.-]*/[\w.-]+)@([0-9a-f]{7,40})\s+(\w[\w./-]*\.\w+)")
_GH_PATH_AT = re.compile(
    r"\b([A-Za-z0-9][\w.-]*/[\w.-]+)\s+((?:[\w.-]+/)*[\w.-]+\.\w+)\s+@([0-9a-f]{7,40})"
)
_GH_NO_SHA = re.compile(
    r"\b([A-Za-z0-9][\w-]*/[\w.-]+)\s+((?:[\w-]+/)+[\w.-]+\.(?:md|rst|yaml|json|py|csv))"
)
_HF_CONFIG = re.compile(r"\b(?:HF\s+)?([A-Za-z0-9][\w-]*/[\w.-]+)\s+config\.json")
_DOMAIN = re.compile(
    r"\b((?:[a-z0-9-]+\.)+(?:com|ai|org|net|io|news|dev|gov|co|sh)(?:/[\w./%#?=&-]*)?)"
)
URL = re.compile(r"https?://\S+")


def derived_urls(source: str) -> list[str]:
    """Addresses a citation names implicitly: repository files (pinned commits first), web
    pages, then Hugging Face configs; at most four, in that order, without repeats."""
    urls = [f"https://github.com/{o}/blob/{sha}/{p}" for o, sha, p in _GH_AT.findall(source)]
    urls += [f"https://github.com/{o}/blob/{s}/{p}" for o, p, s in _GH_PATH_AT.findall(source)]
    urls += ["https://" + d.rstrip(".") for d in _DOMAIN.findall(source)]
    if not urls:
        urls = [f"https://github.com/{o}/blob/HEAD/{p}" for o, p in _GH_NO_SHA.findall(source)]
    urls += [
        f"https://huggingface.co/{o}/blob/main/config.json" for o in _HF_CONFIG.findall(source)
    ]
    return list(dict.fromkeys(urls))[:4]


def with_url(table: str, row: dict[str, str]) -> dict[str, str]:
    """The row with its citation's URL written out, so every figure can be opened."""
    key = (table, row["id"])
    source = SOURCE_REPLACEMENTS.get(key, row.get("source", ""))
    if not URL.search(source):
        urls = [URL_OVERRIDES[key]] if key in URL_OVERRIDES else derived_urls(source)
        if not urls:
            raise SystemExit(f"{table}.csv row {row['id']!r}: source names no URL; add one")
        source = f"{source.rstrip()} URL: {' '.join(urls)}"
    return {**row, "source": source}


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    fields: list[str] = []
    for row in rows:
        fields += [k for k in row if k not in fields]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def _held(table: str, row: dict[str, str]) -> bool:
    """True for an addition that waits in HELD_BACK (its accelerator, or rows that use it)."""
    key = row["id"] if table == "accelerators" else row.get("accelerator_id", "")
    return key in HELD_BACK


def reference_tables() -> dict[str, list[dict[str, str]]]:
    """The shared reference tables, renamed to the catalogue's columns."""
    reference = SHARED / "reference"
    accel = [
        {
            ACCEL_RENAME.get(k, k): v
            for k, v in r.items()
            if k not in ("form_factor", "supports_fp8", "supports_fp4")
        }
        for r in _rows(reference / "accelerators.csv")
    ]
    offers = [
        {
            "id": r["id"],
            "accelerator_id": r["accelerator_id"],
            "provider": r["provider"],
            "pricing_model": r["pricing_model"],
            "price_per_gpu_hour": r["usd_per_gpu_hour"],
            "currency": "USD",
            "region": r["region"],
            "as_of": r["as_of"],
            "source": r["source"],
        }
        for r in _rows(reference / "pricing.csv")
    ]
    models = []
    for r in _rows(reference / "models.csv"):
        row = {MODEL_RENAME.get(k, k): v for k, v in r.items()}
        extra = MODEL_EXTRA.get(r["id"], {})
        row["moe_layer_step"] = extra.get("moe_layer_step", "1")
        row["sliding_window_tokens"] = extra.get("sliding_window_tokens", "")
        row["sliding_window_layers"] = extra.get("sliding_window_layers", "0")
        if "sliding_window_tokens" in extra:
            row["source"] += GPT_OSS_WINDOW
        models.append(row)
    return {
        "accelerators": accel,
        "systems": _rows(reference / "systems.csv"),
        "offers": offers,
        "models": models,
    }


def build(out: Path) -> dict[str, int]:
    """Write the four catalogue tables and SOURCES.md into ``out``; rows per table."""
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table, rows in reference_tables().items():
        added = [r for r in _rows(ADDITIONS / f"{table}.csv") if not _held(table, r)]
        clash = {r["id"] for r in rows} & {r["id"] for r in added}
        if clash:
            raise SystemExit(f"additions/{table}.csv repeats reference ids: {sorted(clash)}")
        merged = [with_url(table, r) for r in rows + added]
        _write(out / f"{table}.csv", merged)
        counts[table] = len(merged)
    notes = (SHARED / "reference" / "SOURCES.md").read_text(encoding="utf-8")
    extra = (ADDITIONS / "SOURCES.md").read_text(encoding="utf-8")
    (out / "SOURCES.md").write_text(notes.rstrip() + "\n\n" + extra, encoding="utf-8")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=OUT, help="folder to write (default: %(default)s)"
    )
    parser.add_argument(
        "--calibration", action="store_true", help="also copy ../shared/calibration data"
    )
    args = parser.parse_args(argv)
    counts = build(args.out)
    print(", ".join(f"{n} {table}" for table, n in counts.items()))
    for row_id, why in HELD_BACK.items():
        print(f"held back {row_id}: {why}")
    if args.calibration:
        dest = ROOT / "resources" / "calibration"
        dest.mkdir(parents=True, exist_ok=True)
        for name in ("measured_public.csv", "README.md"):
            shutil.copy(SHARED / "calibration" / name, dest / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Developer tool: copy ../shared/reference tables into resources/catalogue (with sources).

Run once when the reference tables change; the app itself only reads resources/.
"""

import csv
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OUT = ROOT / "resources" / "catalogue"

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
    " Sliding window: HF openai/gpt-oss config.json has sliding_window 128 and layer_types "
    "alternating sliding_attention / full_attention, so half the layers attend 128 tokens."
)
MODEL_EXTRA = {
    "llama-4-maverick": {"moe_layer_step": "2"},
    "gpt-oss-20b": {"sliding_window_tokens": "128", "sliding_window_layers": "12"},
    "gpt-oss-120b": {"sliding_window_tokens": "128", "sliding_window_layers": "18"},
}


def _rows(name: str) -> list[dict[str, str]]:
    with open(SHARED / "reference" / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write(name: str, rows: list[dict[str, str]]) -> None:
    fields: list[str] = []
    for row in rows:
        fields += [k for k in row if k not in fields]
    with open(OUT / name, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    accel = [
        {
            ACCEL_RENAME.get(k, k): v
            for k, v in r.items()
            if k not in ("form_factor", "supports_fp8", "supports_fp4")
        }
        for r in _rows("accelerators.csv")
    ]
    _write("accelerators.csv", accel)
    _write("systems.csv", _rows("systems.csv"))
    offers = []
    for r in _rows("pricing.csv"):
        offers.append(
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
        )
    _write("offers.csv", offers)
    models = []
    for r in _rows("models.csv"):
        row = {MODEL_RENAME.get(k, k): v for k, v in r.items()}
        extra = MODEL_EXTRA.get(r["id"], {})
        row["moe_layer_step"] = extra.get("moe_layer_step", "1")
        row["sliding_window_tokens"] = extra.get("sliding_window_tokens", "")
        row["sliding_window_layers"] = extra.get("sliding_window_layers", "0")
        if "sliding_window_tokens" in extra:
            row["source"] += GPT_OSS_WINDOW
        models.append(row)
    _write("models.csv", models)
    dest = ROOT / "resources" / "calibration"
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(SHARED / "calibration" / "measured_public.csv", dest / "measured_public.csv")
    shutil.copy(SHARED / "calibration" / "README.md", dest / "README.md")
    shutil.copy(SHARED / "reference" / "SOURCES.md", OUT / "SOURCES.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())

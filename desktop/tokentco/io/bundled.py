"""Load the catalogue that ships with the app (resources/catalogue, resources/calibration)."""

import csv
from collections.abc import Callable, Iterator
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from tokentco.domain import (
    Accelerator,
    Catalogue,
    MeasuredPoint,
    ModelSpec,
    Offer,
    Precision,
    System,
)
from tokentco.io.errors import InputError, Location


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource (works from a source tree, a wheel and PyInstaller)."""
    node = files("tokentco.resources")
    for part in parts:  # one part at a time: namespace-package paths reject several
        node = node.joinpath(part)
    return Path(str(node))


def _clean(row: dict[str, str]) -> dict[str, Any]:
    return {k: v.strip() for k, v in row.items() if k and v is not None and v.strip() != ""}


def _read_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        yield from enumerate(csv.DictReader(handle), start=2)


def _load(path: Path, build: Callable[[dict[str, str]], BaseModel]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for number, row in _read_csv(path):
        try:
            item = build(row)
        except (ValidationError, ValueError) as exc:
            raise InputError(str(exc), Location(file=path.name, row=number)) from exc
        out[item.id] = item  # type: ignore[attr-defined]
    return out


def _accelerator(row: dict[str, str]) -> Accelerator:
    fields = set(Accelerator.model_fields)
    return Accelerator(**{k: v for k, v in _clean(row).items() if k in fields})


def _system(row: dict[str, str]) -> System:
    return System(**{k: v for k, v in _clean(row).items() if k in System.model_fields})


def _offer(row: dict[str, str]) -> Offer:
    return Offer(**{k: v for k, v in _clean(row).items() if k in Offer.model_fields})


def _model(row: dict[str, str]) -> ModelSpec:
    data = {k: v for k, v in _clean(row).items() if k in ModelSpec.model_fields}
    data["moe"] = data.get("moe", "false").lower() == "true"
    return ModelSpec(**data)


def _opt_int(text: str | None) -> int | None:
    try:
        return int(float(text)) if text else None
    except ValueError:
        return None


def _opt_float(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def measured_from_row(row: dict[str, str]) -> MeasuredPoint:
    """A calibration-CSV row (``measured_public.csv`` columns) as a MeasuredPoint."""
    precision = row.get("precision", "").strip()
    scenario = row.get("concurrency_or_scenario", "")
    return MeasuredPoint(
        id=row["id"],
        hardware_id=row.get("hardware", ""),
        model_id=row.get("model", ""),
        precision=Precision.parse(precision) if precision else None,
        engine=row.get("engine", ""),
        num_gpus=_opt_int(row.get("num_gpus")) or 8,
        tp=_opt_int(row.get("tp")),
        ep=_opt_int(row.get("ep")),
        pp=_opt_int(row.get("pp")),
        isl_tokens=_opt_int(row.get("isl")),
        osl_tokens=_opt_int(row.get("osl")),
        scenario=scenario,
        latency_constraint=row.get("latency_constraint", ""),
        disaggregated=row.get("disaggregated", "").lower().startswith("yes"),
        spec_decoding=row.get("spec_decoding", "").strip().lower() not in ("", "no"),
        output_tokens_per_s_per_gpu=float(row["output_tok_s_per_gpu"]),
        tokens_per_s_per_user=_opt_float(row.get("tok_s_per_user")),
        ttft_ms=_opt_float(row.get("ttft_ms")),
        source=f"{row.get('source', '')}: {row.get('source_url_or_repo_path', '')}",
    )


def load_measured(path: Path) -> dict[str, MeasuredPoint]:
    """Measured points from a calibration-format CSV; rows without output throughput skipped."""
    out: dict[str, MeasuredPoint] = {}
    for number, row in _read_csv(path):
        if not (row.get("output_tok_s_per_gpu") or "").strip():
            continue
        try:
            point = measured_from_row(row)
        except (ValidationError, ValueError, KeyError) as exc:
            raise InputError(str(exc), Location(file=path.name, row=number)) from exc
        out[point.id] = point
    return out


@cache
def bundled_catalogue() -> Catalogue:
    """The catalogue shipped with the app; cached because it never changes at run time."""
    folder = resource_path("catalogue")
    return Catalogue(
        accelerators=_load(folder / "accelerators.csv", _accelerator),
        systems=_load(folder / "systems.csv", _system),
        offers=_load(folder / "offers.csv", _offer),
        models=_load(folder / "models.csv", _model),
        measured=load_measured(resource_path("calibration", "measured_public.csv")),
    )

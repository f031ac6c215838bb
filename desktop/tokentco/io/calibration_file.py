"""The fitted calibration table as data (resources/calibration/fitted.json).

``load_calibration()`` is what the app, CLI and reports use by default; ``tokentco
calibrate --write`` refits it from the public measured set and rewrites the file.
"""

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tokentco import MODEL_VERSION
from tokentco.domain import Catalogue
from tokentco.engine.calibration import Calibration
from tokentco.engine.efficiency import Efficiency

if TYPE_CHECKING:  # the fit itself loads only for calibrate / accuracy (not at app start)
    from tokentco.engine.fit import AccuracyReport, FitData, FitResult
    from tokentco.engine.intervals import Coverage, LosoMatrix, Residuals

from tokentco.io.bundled import bundled_catalogue, resource_path
from tokentco.io.errors import InputError, Location
from tokentco.io.project_file import atomic_write_bytes

FITTED_NAME = "fitted.json"
MEASURED_NAME = "measured_public.csv"
REQUIRED_COLUMNS = ("id", "hardware", "model")
"""Columns a points file must have; every other calibration column is optional."""


def fitted_path() -> Path:
    return resource_path("calibration", FITTED_NAME)


@dataclass(frozen=True)
class UncertaintyFit:
    """The p10–p90 bands fitted on leave-one-source-out residuals, with their check."""

    bands: dict[str, tuple[float, float]]
    scales: dict[str, float]
    coverage: "list[Coverage]"
    residuals: "Residuals"
    matrix: "LosoMatrix"


def fit_uncertainty(
    data: "FitData", catalogue: Catalogue, progress: Callable[[str], None] | None = None
) -> UncertaintyFit:
    """LOSO refits (one per source), residuals, widened bands and their nested coverage."""
    from tokentco.engine.intervals import (
        bands_from,
        calibrate_scales,
        loso_matrix,
        nested_coverage,
        residuals,
    )

    matrix = loso_matrix(data, catalogue, progress)
    res = residuals(data, catalogue, matrix)
    scales = calibrate_scales(res)
    return UncertaintyFit(
        bands_from(res, scales), scales, nested_coverage(res, scales), res, matrix
    )


def calibration_to_json(
    result: "FitResult", measured_rows: int, spread: UncertaintyFit | None = None
) -> dict[str, Any]:
    from tokentco.engine.fit import efficiency_to_dict

    cal = result.calibration
    table = [
        {
            "hardware": hw,
            "precision": prec,
            "engine": fam,
            "rows": result.group_sizes.get((hw, prec, fam), 0),
            "factors": efficiency_to_dict(eff),
        }
        for (hw, prec, fam), eff in sorted(cal.table.items())
    ]
    return {
        "format": "tokentco-calibration-1",
        "model_version": MODEL_VERSION,
        "fitted_on": date.today().isoformat(),
        "measured_rows": measured_rows,
        "method": "robust least squares on log error, hierarchical with priors "
        "(global → vendor/generation → hardware → precision → engine family)",
        "default": efficiency_to_dict(cal.default),
        "groups": dict(sorted(cal.groups.items())),
        "table": table,
        **({"uncertainty": _uncertainty_json(spread)} if spread is not None else {}),
    }


def _uncertainty_json(spread: UncertaintyFit) -> dict[str, Any]:
    return {
        "method": "p10/p90 of ln(measured / figure) over leave-one-source-out residuals by "
        "group, widened about the median by a per-pool scale so that nested "
        "leave-one-source-out coverage reaches 80 % (engine/intervals.py)",
        "scales": spread.scales,
        "bands": {name: [p10, p90] for name, (p10, p90) in sorted(spread.bands.items())},
        "coverage": {
            c.name: {"rows": c.rows, "inside": round(c.inside, 4)} for c in spread.coverage
        },
    }


def calibration_from_json(data: dict[str, Any], name: str = FITTED_NAME) -> Calibration:
    """Parse the JSON table; unknown factor names are an error, missing ones keep defaults."""
    where = Location(file=name)
    known = set(Efficiency.names())

    def efficiency(values: Any) -> Efficiency:
        if not isinstance(values, dict) or set(values) - known:
            raise InputError(f"bad factors {values!r} (known: {', '.join(sorted(known))})", where)
        try:
            return Efficiency(**{k: float(v) for k, v in values.items()})
        except (TypeError, ValueError) as exc:
            raise InputError(f"bad factor value: {exc}", where) from exc

    try:
        table = {
            (str(e["hardware"]), str(e["precision"]), str(e["engine"])): efficiency(e["factors"])
            for e in data.get("table", [])
        }
        default = efficiency(data["default"])
        groups = {str(k): str(v) for k, v in data.get("groups", {}).items()}
        bands = {
            str(name): (float(pair[0]), float(pair[1]))
            for name, pair in data.get("uncertainty", {}).get("bands", {}).items()
        }
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
        raise InputError(f"not a calibration table ({exc})", where) from exc
    if any(lo > hi for lo, hi in bands.values()):
        raise InputError("uncertainty band with p10 above p90", where)
    version = f"fitted {data.get('fitted_on', '')} ({data.get('model_version', '?')})"
    return Calibration(table=table, default=default, version=version, groups=groups, bands=bands)


def load_calibration_file(path: Path) -> Calibration:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError("calibration file not found", Location(file=str(path))) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read calibration: {exc}", Location(file=str(path))) from exc
    if not isinstance(data, dict):
        raise InputError("not a calibration table", Location(file=str(path)))
    return calibration_from_json(data, path.name)


@cache
def load_calibration() -> Calibration:
    """The shipped fitted table (cached). A missing or unreadable file is an InputError,
    never a silent fall-back to the uncalibrated defaults: figures computed without the
    fitted factors would carry the same labels and be 20–80 % off."""
    return load_calibration_file(fitted_path())


# --- points files ---------------------------------------------------------------------------


def require_points_columns(header: list[str], path: Path) -> None:
    """A points CSV (``estimate --points``, ``calibrate``) must have the measured table's
    key columns; one located line names what is missing."""
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)} (expected the columns of {MEASURED_NAME})",
            Location(file=path.name),
        )


def read_points_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a calibration-format CSV (extra columns kept, never required)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            rows = [dict(row) for row in reader]
    except FileNotFoundError as exc:
        raise InputError("file not found", Location(file=str(path))) from exc
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read CSV: {exc}", Location(file=str(path))) from exc
    require_points_columns(header, path)
    return header, rows


def measured_set(catalogue: Catalogue | None = None) -> "FitData":
    """The public calibration set (rows with a measured output throughput) as fit data."""
    from tokentco.engine.fit import fit_data
    from tokentco.engine.points import PointRequest, plan_points

    cat = catalogue or bundled_catalogue()
    _, rows = read_points_csv(resource_path("calibration", MEASURED_NAME))
    rows = [r for r in rows if (r.get("output_tok_s_per_gpu") or "").strip()]
    requests = [PointRequest.from_row(r) for r in rows]
    measured = [float(r["output_tok_s_per_gpu"]) for r in rows]
    return fit_data(plan_points(requests, cat), measured, cat)


def refit(progress: Callable[[str], None] | None = None) -> "tuple[FitData, FitResult]":
    from tokentco.engine.fit import fit_calibration

    catalogue = bundled_catalogue()
    data = measured_set(catalogue)
    return data, fit_calibration(data, catalogue, progress=progress)


def write_calibration(
    result: "FitResult",
    data: "FitData",
    path: Path | None = None,
    spread: UncertaintyFit | None = None,
) -> Path:
    target = path or fitted_path()
    payload = calibration_to_json(result, int(data.usable.sum()), spread)
    atomic_write_bytes(target, (json.dumps(payload, indent=1) + "\n").encode("utf-8"))
    load_calibration.cache_clear()
    return target


def shipped_accuracy(
    progress: Callable[[str], None] | None = None, spread: UncertaintyFit | None = None
) -> "AccuracyReport":
    """Accuracy of the shipped table on the public set (in-sample), with LOSO refits,
    the pure roofline and the engine defaults: the figures the benchmark prints. With
    ``spread`` its LOSO predictions are reused instead of refitting again."""
    from tokentco.engine.fit import accuracy_report

    catalogue = bundled_catalogue()
    data = measured_set(catalogue)
    loso = spread.matrix.held_out() if spread is not None else None
    return accuracy_report(data, catalogue, load_calibration(), progress, loso=loso)


def shipped_uncertainty(progress: Callable[[str], None] | None = None) -> UncertaintyFit:
    """The bands refitted on the public set (what ``calibrate --write`` stores)."""
    catalogue = bundled_catalogue()
    return fit_uncertainty(measured_set(catalogue), catalogue, progress)

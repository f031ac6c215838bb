"""``tokentco estimate --points IN.csv --out OUT.csv``: estimate published load points."""

import argparse
import csv
import io
import math
from pathlib import Path

from tokentco import MODEL_VERSION
from tokentco.domain import Catalogue
from tokentco.engine.calibration import Calibration
from tokentco.engine.point_groups import plan_points_grouped
from tokentco.engine.points import PointRequest, solve_points
from tokentco.engine.uncertainty import band_for, group_name
from tokentco.io.bundled import bundled_catalogue
from tokentco.io.calibration_file import load_calibration, read_points_csv
from tokentco.io.errors import InputError, Location

from .common import check_output, csv_safe, write_output

HELP = "estimate every row of a calibration-format CSV (measured values are never used)"
ADDED = (
    "est_output_tok_s_per_gpu",
    "est_output_tok_s_per_gpu_p10",
    "est_output_tok_s_per_gpu_p90",
    "est_tok_s_per_user",
    "est_ttft_ms",
    "binding",
    "status",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--points", required=True, metavar="IN.csv", help="rows to estimate")
    parser.add_argument("--out", required=True, metavar="OUT.csv", help="CSV to write")
    parser.add_argument("--force", action="store_true", help="overwrite --out if it exists")


def _fmt(value: float, digits: int) -> str:
    return "" if not math.isfinite(value) else f"{value:.{digits}f}"


def _band(
    request: PointRequest, catalogue: Catalogue, calibration: Calibration
) -> tuple[float, float] | None:
    """p10/p90 log band of an (unanchored) estimate of this row's model and hardware."""
    model = catalogue.models.get(request.model_id)
    accelerator = catalogue.accelerators.get(request.hardware_id)
    group = group_name(
        "estimated", bool(model and model.moe), accelerator.vendor if accelerator else "", None
    )
    return band_for(calibration, group)


def run(args: argparse.Namespace) -> int:
    source = Path(args.points)
    header, rows = read_points_csv(source)
    out_path = Path(args.out)
    if out_path.resolve() == source.resolve():
        raise InputError("--out must differ from --points", Location(file=str(out_path)))
    check_output(out_path, args.force)
    catalogue = bundled_catalogue()
    calibration = load_calibration()
    requests = [PointRequest.from_row(r) for r in rows]
    # each distinct configuration is planned once, the rest as arrays (point_groups)
    estimates = solve_points(plan_points_grouped(requests, catalogue, calibration))
    by_pair: dict[tuple[str, str], tuple[float, float] | None] = {}
    bands = []
    for request in requests:
        pair = (request.model_id, request.hardware_id)
        if pair not in by_pair:
            by_pair[pair] = _band(request, catalogue, calibration)
        bands.append(by_pair[pair])
    columns = header + [c for c in ADDED if c not in header]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for i, row in enumerate(rows):
        ok = estimates.status[i] == "ok"
        central = estimates.output_tokens_per_s_per_gpu[i]
        band = bands[i] if ok else None
        writer.writerow(
            {
                **{key: csv_safe(value) for key, value in row.items()},
                "est_output_tok_s_per_gpu": _fmt(central, 1) if ok else "",
                "est_output_tok_s_per_gpu_p10": ""
                if band is None
                else _fmt(central * math.exp(band[0]), 1),
                "est_output_tok_s_per_gpu_p90": ""
                if band is None
                else _fmt(central * math.exp(band[1]), 1),
                "est_tok_s_per_user": _fmt(estimates.tokens_per_s_per_user[i], 2) if ok else "",
                "est_ttft_ms": _fmt(estimates.ttft_ms[i], 1) if ok else "",
                "binding": csv_safe(estimates.binding[i]),
                "status": csv_safe(estimates.status[i]),
            }
        )
    write_output(out_path, buffer.getvalue().encode("utf-8"), args.force)
    done = sum(s == "ok" for s in estimates.status)
    print(
        f"estimated {done} of {len(rows)} rows ({MODEL_VERSION}, calibration "
        f"{calibration.version}) -> {out_path}"
    )
    return 0

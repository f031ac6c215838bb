"""``--hardware``, ``--gpus``, ``--model``, ``--precision``: what a benchmark-tool output
(vLLM/SGLang/GenAI-Perf/AIPerf JSON, MLPerf summary) does not say about its own run.

Shared by ``validate`` and ``import`` (one definition). They only fill what a file leaves
out — a file that names its GPU keeps it — and each use is written to the row's notes.
"""

import argparse

from tokentco.io.bench_formats import BenchDefaults
from tokentco.io.errors import InputError


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 1_000_000:
        raise argparse.ArgumentTypeError(f"{value} GPUs: expected 1 to 1,000,000")
    return value


def add_bench_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("benchmark results (when the file does not say)")
    group.add_argument("--hardware", metavar="ID", help="GPU that ran it, e.g. h100-sxm")
    group.add_argument(
        "--gpus",
        type=_positive_int,
        metavar="N",
        help="how many GPUs served the measured throughput",
    )
    group.add_argument("--model", metavar="ID", help="model served, e.g. llama-3.1-70b")
    group.add_argument("--precision", metavar="P", help="weights precision, e.g. fp8")


def bench_from_args(args: argparse.Namespace) -> BenchDefaults:
    model = getattr(args, "model", None)
    if model is not None and not model.strip():
        raise InputError("--model: empty")
    precision = getattr(args, "precision", None)
    if precision is not None:
        # an unknown precision is bad input (exit 2) for validate as for import/compare,
        # never a note that leaves it unset
        from tokentco.domain import Precision

        try:
            Precision.parse(precision)
        except ValueError as exc:
            raise InputError(f"--precision: {exc}") from exc
    return BenchDefaults(
        hardware=getattr(args, "hardware", None),
        num_gpus=getattr(args, "gpus", None),
        model=model,
        precision=precision,
    )

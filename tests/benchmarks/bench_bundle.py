"""Benchmark the packaged app: build time, bundle size and cold start-up time.

    python tests/benchmarks/bench_bundle.py            # use dist/TokenTCO if it exists
    python tests/benchmarks/bench_bundle.py --build    # rebuild it first (PyInstaller)

Prints: build time (with --build), bundle size (files under dist/TokenTCO, symlinks not
followed; MiB as `du -sh` reports), and start-up times of the frozen executable for
`--version` (bootloader + Python + CLI), `--screenshot` (Qt up, main window computed and
painted, picture saved; when the GUI is in the build) and `--self-test` (everything).
"Cold" runs follow a page-cache drop (`/proc/sys/vm/drop_caches`, needs root; otherwise the
first run is reported as cold); "warm" is the median of the next runs. Targets (issue 7):
bundle ≤ 250 MB, cold start ≤ 3 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET_MB, TARGET_START_S = 250, 3.0


def build() -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", "dist", "--workpath", "build/pyinstaller", "installers/tokentco.spec"],
        cwd=ROOT, check=True,
    )  # fmt: skip
    return time.perf_counter() - start


def bundle_bytes(folder: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(dirpath) / name
            if not path.is_symlink():
                total += path.stat().st_size
    return total


def drop_caches() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, check=False)
    return time.perf_counter() - start, proc.returncode


def cpu_seconds() -> float:
    """User + system CPU time of finished child processes (load-independent, unlike wall)."""
    if sys.platform == "win32":
        return float("nan")
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(
    name: str, cmd: list[str], env: dict[str, str], warm_runs: int = 3, output: Path | None = None
) -> None:
    dropped = drop_caches()
    cpu_before = cpu_seconds()
    cold, code = timed(cmd, env)
    cpu = cpu_seconds() - cpu_before
    if output is not None and not output.exists():
        print(f"{name:<12} not measured: the build wrote no {output.name} (GUI not in it yet?)")
        return
    warm = [timed(cmd, env)[0] for _ in range(warm_runs)]
    label = "cold" if dropped else "first run (page cache not dropped: not root)"
    status = "" if code == 0 else f"  [exit {code}]"
    verdict = "ok" if cold <= TARGET_START_S else f"over the {TARGET_START_S:.0f} s target"
    print(f"{name:<12} {label} {cold:5.2f} s (CPU {cpu:4.2f} s), warm median "
          f"{statistics.median(warm):5.2f} s ({verdict}){status}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="rebuild dist/ with PyInstaller")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist" / "TokenTCO")
    args = parser.parse_args()

    exe = args.dist / ("TokenTCO.exe" if sys.platform == "win32" else "TokenTCO")
    if args.build or not exe.exists():
        print(f"build        {build():5.1f} s (PyInstaller, one folder, {os.cpu_count()} CPUs)")
    size_mb = bundle_bytes(args.dist) / 2**20
    verdict = "ok" if size_mb <= TARGET_MB else f"over the {TARGET_MB} MB target"
    print(f"bundle size  {size_mb:5.0f} MiB in {args.dist} ({verdict})")

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:5.2f} on {os.cpu_count()} CPUs (wall times grow with load)")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    measure("--version", [str(exe), "--version"], env)
    with tempfile.TemporaryDirectory() as tmp:
        shot = Path(tmp) / "shot.png"
        measure("--screenshot", [str(exe), "--screenshot", str(shot)], env, output=shot)
    measure("--self-test", [str(exe), "--self-test"], env, warm_runs=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m tokentco`` ends at once after a ``QUICK_EXIT`` command (``cli.quick_exit``):
what it prints and writes is complete and its exit code is the command's, on success and
on failure; the atexit handlers still run; with another thread running it exits as usual.
``main()``, which the other tests call in process, never ends the process."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from tokentco.cli import main
from tokentco.io.bundled import resource_path


def _points(path: Path, rows: int) -> Path:
    public = resource_path("calibration", "measured_public.csv")
    with public.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, base = list(reader.fieldnames or []), list(reader)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(dict(base[i % len(base)], id=f"r{i}") for i in range(rows))
    return path


def _tokentco(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "tokentco", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_estimate_output_and_exit_code_are_complete(tmp_path: Path) -> None:
    points = _points(tmp_path / "points.csv", 700)
    out, reference = tmp_path / "out.csv", tmp_path / "reference.csv"
    done = _tokentco("estimate", "--points", str(points), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith("estimated ") and done.stdout.endswith(f"-> {out}\n")
    assert main(["estimate", "--points", str(points), "--out", str(reference)]) == 0
    assert out.read_bytes() == reference.read_bytes()


def test_estimate_failure_exits_2_with_its_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    failed = _tokentco("estimate", "--points", str(missing), "--out", str(tmp_path / "o.csv"))
    assert failed.returncode == 2
    assert failed.stdout == ""
    assert failed.stderr.count("\n") == 1 and "file not found" in failed.stderr
    points = _points(tmp_path / "points.csv", 10)
    exists = tmp_path / "exists.csv"
    exists.write_text("keep", encoding="utf-8")
    refused = _tokentco("estimate", "--points", str(points), "--out", str(exists))
    assert refused.returncode == 2 and "pass --force" in refused.stderr
    assert exists.read_text(encoding="utf-8") == "keep"
    bad = _tokentco("estimate", "--points")
    assert bad.returncode == 2 and "error" in bad.stderr


def _python(code: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", code]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_quick_exit_runs_atexit_handlers_and_flushes() -> None:
    done = _python(
        "import atexit, sys\n"
        "from tokentco.cli import quick_exit\n"
        "atexit.register(lambda: print('handler', end=''))\n"
        "print('unflushed ', end='')\n"
        "sys.stderr.write('err')\n"
        "quick_exit(3)\n"
        "print('never')\n"
    )
    assert (done.returncode, done.stdout, done.stderr) == (3, "unflushed handler", "err")


def test_quick_exit_waits_for_a_running_thread() -> None:
    done = _python(
        "import threading, time\n"
        "from tokentco.cli import quick_exit\n"
        "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done'))).start()\n"
        "quick_exit(4)\n"
    )
    assert (done.returncode, done.stdout) == (4, "thread done\n")


def test_main_returns_in_process(tmp_path: Path) -> None:
    points = _points(tmp_path / "points.csv", 5)
    out = tmp_path / "out.csv"
    assert main(["estimate", "--points", str(points), "--out", str(out)]) == 0
    assert main(["estimate", "--points", str(points), "--out", str(out)]) == 2  # exists


def test_every_entry_point_ends_through_entry(tmp_path: Path) -> None:
    """The installed ``tokentco`` script and the bundle's frozen entry run ``entry()`` (as
    ``python -m tokentco`` does), so they end the way it does, at once after ``estimate``."""
    import tomllib

    root = Path(__file__).resolve().parents[2]
    scripts = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert scripts["tokentco"] == "tokentco.cli:entry"
    frozen = root / "installers" / "entry.py"
    points = _points(tmp_path / "points.csv", 30)
    out = tmp_path / "out.csv"
    command = [sys.executable, str(frozen), "estimate", "--points", str(points), "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "estimated" in done.stdout
    assert len(out.read_text("utf-8").splitlines()) == 31
    again = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert again.returncode == 2  # exists: refused without --force


def test_only_a_quick_commands_own_process_keeps_freed_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``entry`` (a process of its own) sets the allocator for a ``QUICK_EXIT`` command;
    ``main`` (a test's process) and other commands leave it alone."""
    import tokentco.cli as cli
    from tokentco.cli import memory

    calls: list[int] = []

    def counted() -> bool:
        calls.append(1)
        return True

    monkeypatch.setattr(memory, "keep_freed_memory", counted)
    points = _points(tmp_path / "points.csv", 10)
    estimate = ["estimate", "--points", str(points), "--out", str(tmp_path / "o.csv"), "--force"]
    assert main(estimate) == 0 and calls == []
    assert cli.run_command_line(estimate, parsed=[], own_process=True) == (0, True)
    assert calls == [1]
    template = ["template", "--kind", "offers", "--out", str(tmp_path / "t.xlsx")]
    assert cli.run_command_line(template, own_process=True) == (0, False)
    assert calls == [1]

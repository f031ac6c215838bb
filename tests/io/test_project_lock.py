"""Project locks: a second writer is told who holds the project and refuses or waits; a
dead holder's lock is broken; two concurrent imports never lose one.

Holders run in real child processes (the OS lock is per process and dies with it), and the
race test runs two `tokentco import` loops at once against one project.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tokentco.cli import main
from tokentco.domain import Project
from tokentco.io.errors import InputError
from tokentco.io.project_file import load_project, save_project
from tokentco.io.project_lock import (
    LockInfo,
    ProjectLocked,
    acquire,
    holder,
    lock_path_for,
)

HOLDER = textwrap.dedent(
    """
    import sys
    from tokentco.io.project_lock import acquire
    lock = acquire(sys.argv[1])
    print("locked", flush=True)
    sys.stdin.readline()
    lock.release()
    """
)


class Holder:
    """A child process holding the lock until told to let go (or killed)."""

    def __init__(self, path: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        self.process.wait(timeout=30)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL if os.name != "nt" else signal.SIGTERM)
        self.process.wait(timeout=30)

    def close(self) -> None:
        if self.process.poll() is None:
            self.kill()
        for stream in (self.process.stdin, self.process.stdout):
            if stream:
                stream.close()


@pytest.fixture()
def held(tmp_path: Path, project: Project) -> Iterator[tuple[Path, Holder]]:
    path = tmp_path / "shared.tokentco"
    save_project(project, path)
    other = Holder(path)
    yield path, other
    other.close()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_lock_file_says_who_where_and_since(tmp_path: Path) -> None:
    path = tmp_path / "p.tokentco"
    with acquire(path) as lock:
        assert lock.path == tmp_path / ".~lock.p.tokentco#"
        body = json.loads(lock.path.read_text())
        assert body["pid"] == os.getpid() and body["host"] == socket.gethostname()
        assert body["user"] and body["since"].endswith("+00:00")
        assert holder(path) == lock.info
    assert not lock.path.exists() and holder(path) is None
    lock.release()  # idempotent


def test_second_writer_is_told_and_refused(
    held: tuple[Path, Holder], capsys: pytest.CaptureFixture[str]
) -> None:
    path, other = held
    info = holder(path)
    assert info is not None and info.pid == other.process.pid
    with pytest.raises(ProjectLocked) as err:
        acquire(path)
    message = str(err.value)
    assert message.startswith(f"{path}: is open in TokenTCO by {info.user} on this computer")
    assert f"(pid {other.process.pid})" in message and "--wait" in message
    assert "\n" not in message


def test_waiting_writer_gets_the_lock_when_released(held: tuple[Path, Holder]) -> None:
    path, other = held
    letting_go = threading.Timer(0.5, other.release)
    letting_go.start()
    started = time.monotonic()
    with acquire(path, wait_s=20) as lock:
        waited = time.monotonic() - started
        assert lock.info.pid == os.getpid()
    letting_go.join()
    assert 0.4 < waited < 20


def test_wait_runs_out_with_the_holder_named(held: tuple[Path, Holder]) -> None:
    path, other = held
    started = time.monotonic()
    with pytest.raises(ProjectLocked, match=f"pid {other.process.pid}"):
        acquire(path, wait_s=0.3)
    assert time.monotonic() - started >= 0.3


def test_killed_holder_leaves_a_stale_lock_that_is_broken(held: tuple[Path, Holder]) -> None:
    path, other = held
    other.kill()
    assert lock_path_for(path).exists()  # the file stays behind, as after a crash
    assert holder(path) is None
    with acquire(path) as lock:
        assert lock.info.pid == os.getpid()


def test_lock_file_of_a_dead_process_is_broken(tmp_path: Path) -> None:
    path = tmp_path / "p.tokentco"
    stale = LockInfo("ghost", socket.gethostname(), _dead_pid(), "2026-01-01T00:00:00+00:00")
    lock_path_for(path).write_text(json.dumps(stale.__dict__))
    assert holder(path) is None
    with acquire(path) as lock:
        assert json.loads(lock.path.read_text())["pid"] == os.getpid()


def test_lock_from_another_machine_is_respected(tmp_path: Path) -> None:
    path = tmp_path / "p.tokentco"
    foreign = LockInfo("bob", "other-host.example", 4242, "2026-12-01T09:02:00+00:00")
    lock_path_for(path).write_text(json.dumps(foreign.__dict__))
    assert holder(path) == foreign
    with pytest.raises(ProjectLocked) as err:
        acquire(path)
    assert "by bob on other-host.example (pid 4242) since 2026-12-01 09:02 UTC" in str(err.value)
    assert ".~lock.p.tokentco#" in str(err.value)  # how to clear it if bob's session is gone


def test_garbage_lock_file_is_not_a_holder(tmp_path: Path) -> None:
    path = tmp_path / "p.tokentco"
    lock_path_for(path).write_bytes(b"\x00\xffnot json")
    assert holder(path) is None
    with acquire(path):
        pass


def test_lock_in_a_missing_folder_is_located(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder does not exist"):
        acquire(tmp_path / "missing" / "p.tokentco")
    assert not (tmp_path / "missing").exists()


# --------------------------------------------------------------------------- the CLI


OFFERS = "id,accelerator_id,provider,pricing_model,price_per_gpu_hour,currency\n{rows}"


def _offers_csv(folder: Path, name: str, ids: list[str]) -> Path:
    path = folder / f"{name}.csv"
    rows = "".join(f"{i},h100-sxm,ACME,on_demand,2.5,USD\n" for i in ids)
    path.write_text(OFFERS.format(rows=rows))
    return path


def test_import_refuses_a_project_open_elsewhere(
    held: tuple[Path, Holder], capsys: pytest.CaptureFixture[str]
) -> None:
    path, other = held
    before = path.read_bytes()
    source = _offers_csv(path.parent, "offers", ["x-1"])
    assert main(["import", str(source), "--project", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"pid {other.process.pid}" in err[0] and "is open in" in err[0]
    assert path.read_bytes() == before


def test_import_waits_for_the_holder(held: tuple[Path, Holder]) -> None:
    path, other = held
    source = _offers_csv(path.parent, "offers", ["x-1"])
    waiter = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tokentco",
            "import",
            str(source),
            "--project",
            str(path),
            "--wait",
            "30",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.5)
    assert waiter.poll() is None  # still waiting
    other.release()
    _, err = waiter.communicate(timeout=60)
    assert waiter.returncode == 0, err
    assert "x-1" in load_project(path).imported.offers


RACER = textwrap.dedent(
    """
    import sys
    from tokentco.cli import main
    project, folder, name, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    for i in range(runs):
        source = f"{folder}/{name}-{i}.csv"
        code = main(["import", source, "--project", project, "--wait", "120"])
        if code != 0:
            sys.exit(code)
    """
)


def test_two_concurrent_imports_never_lose_one(tmp_path: Path) -> None:
    """Two processes each import 20 files into one project at the same time; every one of
    the 40 imports must be in the project at the end (without the lock ~30% were lost)."""
    runs = 20
    for name in ("a", "b"):
        for i in range(runs):
            _offers_csv(tmp_path, f"{name}-{i}", [f"race-{name}-{i}"])
    project = tmp_path / "race.tokentco"
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(project), str(tmp_path), name, str(runs)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    errors = [racer.communicate(timeout=600)[1] for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0], errors
    offers = load_project(project).imported.offers
    expected = {f"race-{name}-{i}" for name in ("a", "b") for i in range(runs)}
    assert expected <= set(offers), sorted(expected - set(offers))
    assert not lock_path_for(project).exists()


@pytest.mark.parametrize("wait", [float("nan"), float("inf"), -1.0])
def test_wait_must_be_a_sane_number_of_seconds(tmp_path: Path, wait: float) -> None:
    with pytest.raises(InputError, match="give a number of seconds"):
        acquire(tmp_path / "p.tokentco", wait_s=wait)


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_a_symlink_and_its_target_share_one_lock(tmp_path: Path, project: Project) -> None:
    target = tmp_path / "real.tokentco"
    save_project(project, target)
    link = tmp_path / "link.tokentco"
    link.symlink_to(target.name)
    with acquire(link) as lock:
        assert lock.path == tmp_path / ".~lock.real.tokentco#"
        with pytest.raises(ProjectLocked):
            acquire(target)


def test_import_with_nan_wait_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _offers_csv(tmp_path, "offers", ["x-1"])
    argv = ["import", str(source), "--project", str(tmp_path / "p.tokentco"), "--wait", "nan"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--wait nan" in err[0]
    assert not (tmp_path / "p.tokentco").exists()


@pytest.mark.parametrize("name", ["x" * 240 + ".tokentco", "é" * 118 + ".tokentco"])
def test_long_project_names_can_still_be_locked_and_saved(
    tmp_path: Path, project: Project, name: str
) -> None:
    path = tmp_path / name
    with acquire(path) as lock:
        assert len(lock.path.name.encode()) <= 255
        save_project(project, path)  # its temp name must fit too
        with pytest.raises(ProjectLocked):
            acquire(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize(
    "content",
    [
        b'{"user": "x", "host": "HOST", "pid": 1e400, "since": "s"}',
        b'{"user": "x", "host": "HOST", "pid": 99999999999999999999999, "since": "s"}',
        b'{"user": "x", "host": "HOST", "pid": "abc", "since": "s"}',
        b'{"user": "x", "host": "HOST"}',
        b"[" * 100_000,
        b"\xff" * 10_000_000,
    ],
    ids=["pid-1e400", "pid-23-digits", "pid-text", "no-pid", "deep-nesting", "10MB-binary"],
)
def test_hostile_lock_files_are_broken_not_fatal(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "p.tokentco"
    lock_path_for(path).write_bytes(content.replace(b"HOST", socket.gethostname().encode()))
    assert holder(path) is None
    with acquire(path) as lock:
        assert lock.info.pid == os.getpid()


def test_stale_temp_with_an_absurd_pid_is_removed(tmp_path: Path, project: Project) -> None:
    from tokentco.io.project_file import TEMP_MARK, _host_tag

    path = tmp_path / "p.tokentco"
    stray = tmp_path / f".p.tokentco{TEMP_MARK}{'9' * 40}-{_host_tag()}-01"
    stray.write_bytes(b"partial")
    save_project(project, path)
    assert not stray.exists()

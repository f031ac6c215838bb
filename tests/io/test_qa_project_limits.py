"""QA defects in project files and ``tokentco import``: the save and load size limits agree,
the lock never writes through a symlink, a failed import creates nothing."""

import json
import os
import socket
from pathlib import Path

import pytest

from tokentco.cli import main
from tokentco.domain import Project
from tokentco.io import project_file
from tokentco.io.errors import InputError
from tokentco.io.project_file import load_project, project_to_json, save_project

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _offers_csv(path: Path, first: int, count: int) -> Path:
    rows = ["offer_id,accelerator_id,provider,price_per_gpu_hour,currency"]
    rows += [f"o{i},h100-sxm,Cloud {i},{2 + i % 7}.5,USD" for i in range(first, first + count)]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_every_project_that_saves_also_loads(
    tmp_path: Path, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = len(project_to_json(project).encode("utf-8"))
    path = tmp_path / "p.tokentco"
    monkeypatch.setattr(project_file, "MAX_PROJECT_BYTES", size)
    save_project(project, path)
    assert load_project(path) == project
    monkeypatch.setattr(project_file, "MAX_PROJECT_BYTES", size - 1)
    path.write_bytes(b"old")
    with pytest.raises(InputError, match=r"p\.tokentco: not saved: .* larger than"):
        save_project(project, path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["p.tokentco"]  # no temp left either


def test_import_refuses_to_grow_a_project_past_what_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "q.tokentco"
    assert (
        main(["import", str(_offers_csv(tmp_path / "a.csv", 0, 20)), "--project", str(target)]) == 0
    )
    capsys.readouterr()
    before = target.read_bytes()
    monkeypatch.setattr(project_file, "MAX_PROJECT_BYTES", len(before) + 2000)
    code = main(["import", str(_offers_csv(tmp_path / "b.csv", 20, 40)), "--project", str(target)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "q.tokentco: not saved" in err[0] and "unchanged" in err[0]
    assert target.read_bytes() == before
    assert load_project(target).imported.offers  # still the loadable old project
    assert json.loads(before)["format"] == "tokentco-project"


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="POSIX symlinks")
@pytest.mark.parametrize("dangling", [False, True])
def test_a_symlinked_lock_is_refused_and_its_target_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], dangling: bool
) -> None:
    victim = tmp_path / "victim.txt"
    if not dangling:
        victim.write_text("precious\n")
    link = tmp_path / ".~lock.P.tokentco#"
    link.symlink_to(victim.name)
    offers = _offers_csv(tmp_path / "off.csv", 0, 3)
    code = main(["import", str(offers), "--project", str(tmp_path / "P.tokentco")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "symbolic link" in err[0] and "remove the link" in err[0]
    if dangling:
        assert not victim.exists()
    else:
        assert victim.read_text() == "precious\n"
    assert link.is_symlink()
    assert not (tmp_path / "P.tokentco").exists()


def test_a_stale_lock_file_is_still_taken_over(tmp_path: Path) -> None:
    from tokentco.io.project_lock import acquire, lock_path_for

    target = tmp_path / "P.tokentco"
    lock = lock_path_for(target)
    dead = {"user": "x", "host": socket.gethostname(), "pid": 2**31 - 1, "since": "2020"}
    lock.write_text(json.dumps(dead))  # left by a process of this host that died
    with acquire(target) as held:
        assert json.loads(lock.read_text())["pid"] == os.getpid() and held.held
    assert not lock.exists()


def test_import_with_an_unknown_precision_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    offers = _offers_csv(tmp_path / "off.csv", 0, 3)
    target = tmp_path / "P.tokentco"
    code = main(["import", str(offers), "--project", str(target), "--precision", "fp3"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "--precision" in err[0] and "'fp3'" in err[0]
    assert not target.exists()
    assert main(["import", str(offers), "--project", str(target), "--precision", "FP8"]) == 0


def test_a_failed_import_creates_no_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "new.tokentco"
    code = main(["import", str(tmp_path / "nosuch.csv"), "--project", str(target)])
    out = capsys.readouterr().out
    assert code == 2
    assert not target.exists() and "created" not in out
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no lock or temp left either
    empty = tmp_path / "empty.csv"
    empty.write_text("offer_id,accelerator_id,provider,price_per_gpu_hour,currency\n")
    assert main(["import", str(empty), "--project", str(target)]) == 0
    assert target.exists()  # a clean import of no rows still creates the project

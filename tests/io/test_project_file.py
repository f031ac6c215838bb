"""Project files: versioned JSON, atomic saves, clear errors for corrupt files."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tokentco.domain import Project
from tokentco.io.errors import InputError
from tokentco.io.project_file import (
    TEMP_MARK,
    atomic_write_bytes,
    changed_on_disk,
    load_project,
    load_project_stamped,
    project_to_json,
    remove_stale_temps,
    save_project,
)


def test_round_trip(tmp_path: Path, project: Project) -> None:
    path = tmp_path / "p.tokentco"
    save_project(project, path)
    assert load_project(path) == project
    body = json.loads(path.read_text())
    assert body["format"] == "tokentco-project" and body["schema_version"] == 1


def test_save_is_atomic_and_leaves_no_temp(tmp_path: Path, project: Project) -> None:
    path = tmp_path / "p.tokentco"
    path.write_text("previous")
    save_project(project, path)
    assert [p.name for p in tmp_path.iterdir()] == ["p.tokentco"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "invalid JSON at line 1"),
        ('{"hello": 1}', "missing format tag"),
        ('{"format": "tokentco-project", "schema_version": 99, "project": {}}', "update TokenTCO"),
        (
            '{"format": "tokentco-project", "schema_version": 1, "project": {"workload": '
            '{"isl_tokens": -1}}}',
            "workload.isl_tokens",
        ),
    ],
)
def test_corrupt_files_give_located_messages(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.tokentco"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as err:
        load_project(path)
    assert "bad.tokentco" in str(err.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"format": "tokentco-project", "schema_version": 1e400, "project": {}}',
            r"invalid project: schema_version: 1e400 is too large \(not a finite number\) "
            r"\(line 1\)",
        ),
        ('{"format": "tokentco-project", "schema_version": 1, "project": []}', "project: "),
        ("[1, 2]", "missing format tag"),
        ('"just a string"', "missing format tag"),
    ],
)
def test_odd_json_shapes_are_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "odd.tokentco"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as err:
        load_project(path)
    assert "\n" not in str(err.value) and "_Bad" not in str(err.value)


def test_byte_order_mark_is_accepted(tmp_path: Path, project: Project) -> None:
    path = tmp_path / "bom.tokentco"
    path.write_bytes(b"\xef\xbb\xbf" + project_to_json(project).encode("utf-8"))
    assert load_project(path) == project


def test_not_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.tokentco"
    path.write_bytes(b'{"format": "tokentco-project", "name": "caf\xe9"}')
    with pytest.raises(InputError, match=r"latin1.tokentco: cannot read: not UTF-8 text \(byte"):
        load_project(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_project(tmp_path / "nope.tokentco")


def test_json_is_stable(project: Project) -> None:
    assert project_to_json(project) == project_to_json(project.model_copy())


# --------------------------------------------------------------------------- atomic saves

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits and symlinks")


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o7777


def _strays(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if TEMP_MARK in p.name)


@posix_only
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o664])
def test_save_keeps_the_files_mode(tmp_path: Path, project: Project, mode: int) -> None:
    path = tmp_path / "p.tokentco"
    path.write_text("previous")
    path.chmod(mode)
    save_project(project, path)
    assert _mode(path) == mode and load_project(path) == project


@posix_only
def test_new_file_gets_the_umask_mode(tmp_path: Path, project: Project) -> None:
    previous = os.umask(0o027)
    try:
        save_project(project, tmp_path / "new.tokentco")
    finally:
        os.umask(previous)
    assert _mode(tmp_path / "new.tokentco") == 0o640  # not mkstemp's 0600


@posix_only
def test_save_writes_through_a_symlink(tmp_path: Path, project: Project) -> None:
    real_folder = tmp_path / "synced"
    real_folder.mkdir()
    target = real_folder / "real.tokentco"
    target.write_text("previous")
    target.chmod(0o644)
    link = tmp_path / "p.tokentco"
    link.symlink_to(Path("synced") / "real.tokentco")  # relative, as users make them
    chain = tmp_path / "chain.tokentco"
    chain.symlink_to(link)
    save_project(project, chain)
    assert link.is_symlink() and chain.is_symlink()
    assert load_project(target) == project and _mode(target) == 0o644
    assert _strays(tmp_path) == [] and _strays(real_folder) == []


def test_save_never_creates_folders(tmp_path: Path, project: Project) -> None:
    with pytest.raises(FileNotFoundError):
        save_project(project, tmp_path / "no" / "such" / "p.tokentco")
    assert not (tmp_path / "no").exists()


def test_no_clobber_write_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_bytes(b"precious")
    with pytest.raises(FileExistsError):
        atomic_write_bytes(path, b"new", overwrite=False)
    assert path.read_bytes() == b"precious" and _strays(tmp_path) == []
    atomic_write_bytes(tmp_path / "fresh.csv", b"new", overwrite=False)
    assert (tmp_path / "fresh.csv").read_bytes() == b"new" and _strays(tmp_path) == []


def test_long_file_names_still_save(tmp_path: Path, project: Project) -> None:
    path = tmp_path / ("x" * 240 + ".tokentco")
    save_project(project, path)
    assert load_project(path) == project and _strays(tmp_path) == []


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _host_tag() -> str:
    from tokentco.io.project_file import _host_tag as tag

    return tag()


def test_stale_temps_of_dead_saves_are_removed(tmp_path: Path, project: Project) -> None:
    path = tmp_path / "p.tokentco"
    save_project(project, path)
    prefix = f".p.tokentco{TEMP_MARK}"
    dead = tmp_path / f"{prefix}{_dead_pid()}-{_host_tag()}-0badcafe"
    alive = tmp_path / f"{prefix}{os.getppid()}-{_host_tag()}-00c0ffee"  # a live process
    foreign_old = tmp_path / f"{prefix}123-deadbeef-01"
    foreign_new = tmp_path / f"{prefix}123-deadbeef-02"
    other_file = tmp_path / f".q.tokentco{TEMP_MARK}{_dead_pid()}-{_host_tag()}-03"
    for stray in (dead, alive, foreign_old, foreign_new, other_file):
        stray.write_bytes(b"partial")
    two_hours_ago = time.time() - 7200
    os.utime(foreign_old, (two_hours_ago, two_hours_ago))
    assert load_project(path) == project  # loading cleans up too
    assert not dead.exists() and not foreign_old.exists()
    assert alive.exists() and foreign_new.exists() and other_file.exists()
    assert remove_stale_temps(path) == []


KILLED_SAVE = """
import sys
from pathlib import Path
from tokentco.io.project_file import atomic_write_bytes
print("saving", flush=True)
atomic_write_bytes(Path(sys.argv[1]), b"x" * int(sys.argv[2]))
"""


@posix_only
def test_killed_save_leaves_the_old_file_and_no_stray_after_the_next_save(
    tmp_path: Path, project: Project
) -> None:
    path = tmp_path / "p.tokentco"
    save_project(project, path)
    before = path.read_bytes()
    size = 200_000_000
    for _ in range(5):  # until the kill lands mid-save (the temp file exists)
        child = subprocess.Popen(
            [sys.executable, "-c", KILLED_SAVE, str(path), str(size)], stdout=subprocess.PIPE
        )
        assert child.stdout is not None and child.stdout.readline() == b"saving\n"
        deadline = time.monotonic() + 30
        while not _strays(tmp_path) and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        if _strays(tmp_path):
            break
        save_project(project, path)
    assert _strays(tmp_path), "the kill never landed during a save"
    assert path.read_bytes() == before  # the old project, whole
    save_project(project, path)
    assert _strays(tmp_path) == []
    assert load_project(path) == project


# --------------------------------------------------------------------------- changed on disk


def test_changed_on_disk(tmp_path: Path, project: Project) -> None:
    path = tmp_path / "p.tokentco"
    save_project(project, path)
    loaded, stamp = load_project_stamped(path)
    assert loaded == project and not changed_on_disk(path, stamp)
    later = time.time() + 5
    os.utime(path, (later, later))  # touched, same bytes: not a change
    assert not changed_on_disk(path, stamp)
    text = path.read_text()
    path.write_text(text.replace('"name": "', '"name": "X', 1)[:-1])  # same size, new content
    assert path.stat().st_size == stamp.size and changed_on_disk(path, stamp)
    path.write_text(text + " ")
    assert changed_on_disk(path, stamp)
    ours = save_project(project, path)
    assert not changed_on_disk(path, ours)
    path.unlink()
    assert changed_on_disk(path, ours)
    assert changed_on_disk(path, None) is False  # never loaded, nothing there


def test_reopened_project_still_knows_which_imported_inputs_were_assumed(tmp_path):
    """Imported rows are saved with only the fields their file stated, so an accelerator
    imported without interconnect columns is still flagged as assumed after reopening."""
    from tokentco.app.edits import apply_import
    from tokentco.engine.evaluate import evaluate
    from tokentco.io.bundled import bundled_catalogue
    from tokentco.io.calibration_file import load_calibration
    from tokentco.io.importer import import_files

    sheet = tmp_path / "hw.csv"
    sheet.write_text(
        "id,vendor,name,memory_gb,memory_bw_tb_s,fp16 dense tflops,fp8 dense tflops,tdp_w\n"
        "zeta-9,Fictional,Zeta 9,256,6,1000,2000,900\n"
    )
    prices = tmp_path / "prices.csv"
    prices.write_text("GPU,$/GPU/hr\nZeta 9,2.0\n")
    result = import_files([sheet, prices], Project().exchange_rates)
    project = apply_import(Project(), result, add_offer_options=True)
    assert [o.accelerator_id for o in project.options] == ["zeta-9"]

    def assumed(p: Project) -> set[str]:
        catalogue = p.effective_catalogue(bundled_catalogue())
        result = evaluate(p, catalogue, load_calibration()).options[0]
        return {a.field for a in result.assumptions}

    before = assumed(project)
    assert "scale_up_gpus" in before
    save_project(project, tmp_path / "p.tokentco")
    reopened = load_project(tmp_path / "p.tokentco")
    assert reopened == project
    assert assumed(reopened) == before

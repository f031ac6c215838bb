"""installers/prepare.py and ui/shiboken_files: PySide6's support modules unpacked once,
with cached bytecode, and an unpacked copy from another shiboken6 dropped at start."""

import subprocess
import sys
from pathlib import Path

import pytest

from tokentco.ui import dataclass_code, shiboken_files

ROOT = Path(__file__).resolve().parents[2]


def fake_shiboken(tmp_path: Path, config: bytes, stamp: bytes | None) -> Path:
    (tmp_path / "_config.py").write_bytes(config)
    unpacked = tmp_path / "files.dir" / "shibokensupport"
    unpacked.mkdir(parents=True)
    (unpacked / "__init__.py").write_text("")
    if stamp is not None:
        (tmp_path / "files.dir" / shiboken_files.STAMP).write_bytes(stamp)
    return tmp_path


@pytest.mark.parametrize(
    ("stamp", "kept"),
    [(b'version = "6.11.3"\n', True), (b'version = "6.10.0"\n', False), (None, True)],
    ids=["current", "from another shiboken6", "not ours"],
)
def test_drop_stale_removes_only_our_outdated_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stamp: bytes | None, kept: bool
) -> None:
    folder = fake_shiboken(tmp_path, b'version = "6.11.3"\n', stamp)
    monkeypatch.setattr(shiboken_files, "shiboken_folder", lambda: folder)
    shiboken_files.drop_stale()
    assert (folder / "files.dir").exists() is kept


def test_prepare_unpacks_with_bytecode_and_pyside_loads_from_there() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "installers" / "prepare.py")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "prepare: bytecode compiled" in done.stdout
    assert "prepare: dataclass methods: " in done.stdout and " stored in " in done.stdout
    assert dataclass_code.load() or dataclass_code._read()  # readable by this Python
    folder = shiboken_files.shiboken_folder()
    assert folder is not None and shiboken_files.is_current(folder)
    unpacked = folder / "files.dir" / "shibokensupport"
    assert list(unpacked.rglob("__pycache__/*.pyc"))
    probe = "import sys, PySide6.QtWidgets;print(sys.modules['shibokensupport.feature'].__file__)"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert Path(loaded.stdout.strip()).is_relative_to(unpacked)

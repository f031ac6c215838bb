"""A command's output written from its parts is ``write_output``'s file, written alike:
the bytes of the parts in order (more parts than one ``writev`` takes, short writes),
atomically (a failure leaves the old file and no temp file), refusing as before."""

import os
import random
from pathlib import Path

import pytest

from tokentco.cli.common import write_output, write_output_parts
from tokentco.io import project_file
from tokentco.io.errors import InputError


def parts(seed: int, count: int) -> list[bytes | memoryview]:
    rng = random.Random(seed)
    body = bytes(rng.randrange(256) for _ in range(4096))
    out: list[bytes | memoryview] = []
    for _ in range(count):
        start = rng.randrange(len(body))
        piece = body[start : start + rng.randrange(0, 40)]
        out.append(memoryview(body)[start : start + len(piece)] if rng.random() < 0.5 else piece)
    return out


def strays(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("count", [0, 1, 5, 3000])
def test_the_file_is_the_parts_joined(count: int, tmp_path: Path) -> None:
    pieces = parts(count, count)
    path = tmp_path / "out.csv"
    write_output_parts(path, pieces, force=False)
    assert path.read_bytes() == b"".join(pieces) and strays(tmp_path) == []
    write_output(tmp_path / "joined.csv", b"".join(pieces), force=False)
    assert (tmp_path / "joined.csv").stat().st_mode == path.stat().st_mode


def test_short_writes_are_finished(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ``writev`` that writes less than its batch (a signal, a nearly full disk) has the
    rest of its batch written after it, in order."""
    writev = os.writev
    rng = random.Random(1)

    def short(fd: int, buffers: list[bytes | memoryview]) -> int:
        total = sum(map(len, buffers))
        keep = b"".join(buffers)[: rng.randrange(total + 1)]
        return writev(fd, [keep]) if keep else 0

    monkeypatch.setattr(os, "writev", short)
    monkeypatch.setattr(project_file, "_IOV_MAX", 7)
    pieces = parts(2, 500)
    path = tmp_path / "out.csv"
    write_output_parts(path, pieces, force=False)
    assert path.read_bytes() == b"".join(pieces) and strays(tmp_path) == []


def test_a_failed_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int, buffers: list[bytes | memoryview]) -> int:
        raise OSError(28, "No space left on device")

    path = tmp_path / "out.csv"
    path.write_bytes(b"old")
    monkeypatch.setattr(os, "writev", full)
    with pytest.raises(InputError, match="cannot write: No space left on device"):
        write_output_parts(path, [b"new", b"er"], force=True)
    assert path.read_bytes() == b"old" and strays(tmp_path) == []


def test_without_writev_the_parts_are_written_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(os, "writev")
    pieces = parts(3, 200)
    path = tmp_path / "out.csv"
    write_output_parts(path, pieces, force=False)
    assert path.read_bytes() == b"".join(pieces)


def test_refusals_are_write_outputs(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_bytes(b"old")
    for where in (path, tmp_path, tmp_path / "no" / "out.csv"):
        with pytest.raises(InputError) as joined:
            write_output(where, b"new", force=False)
        with pytest.raises(InputError) as from_parts:
            write_output_parts(where, [b"new"], force=False)
        assert str(from_parts.value) == str(joined.value)
    assert path.read_bytes() == b"old"

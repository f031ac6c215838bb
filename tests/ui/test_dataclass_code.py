"""ui/dataclass_code.py: stored dataclass methods are the very functions compiled anew."""

import dataclasses
import marshal
import sys
from pathlib import Path

import pytest

from tokentco.ui import dataclass_code


def _make(name: str) -> type:
    return dataclasses.make_dataclass(
        name, [("a", int), ("b", str, dataclasses.field(default="x"))], frozen=True
    )


def _codes(cls: type) -> dict[str, object]:
    return {
        name: getattr(cls, name).__code__
        for name in ("__init__", "__repr__", "__eq__", "__setattr__", "__delattr__", "__hash__")
    }


def test_stored_code_gives_the_same_methods() -> None:
    with dataclass_code.cached({}) as seen:
        plain = _make("Point")
    assert seen  # dataclasses compiled its methods through the hook
    stored = {text: dataclass_code._compile(text) for text in seen}
    with dataclass_code.cached(stored) as again:
        cached = _make("Point")
    assert set(again) == set(seen)
    assert _codes(cached) == _codes(plain)
    assert cached(1) == cached(1, "x") and repr(cached(2, "y")) == "Point(a=2, b='y')"
    with pytest.raises(dataclasses.FrozenInstanceError):
        cached(1).a = 2  # type: ignore[attr-defined]
    assert "exec" not in vars(dataclasses)  # the hook is gone after the block


def test_nested_blocks_leave_the_outer_hook() -> None:
    with dataclass_code.cached({}) as outer:
        with dataclass_code.cached({}) as inner:
            _make("Inner")
        assert not inner and outer and "exec" in vars(dataclasses)
    assert "exec" not in vars(dataclasses)


def test_a_file_of_another_python_or_damaged_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "code.marshal"
    monkeypatch.setattr(dataclass_code, "cache_path", lambda: path)
    path.write_bytes(marshal.dumps(("2.7.0", {"x": compile("1", "<string>", "exec")})))
    assert dataclass_code._read() == {}
    path.write_bytes(b"not marshal")
    assert dataclass_code._read() == {}
    path.write_bytes(marshal.dumps((sys.version, {"x": compile("1", "<string>", "exec")})))
    assert dataclass_code._read() == {}  # no -O level: not written by record()
    path.write_bytes(marshal.dumps((dataclass_code._python(), {"x": compile("1", "<s>", "exec")})))
    assert set(dataclass_code._read()) == {"x"}

"""``tokentco --self-test`` in-process: it must pass on a complete installation and must
report (not hide) a broken piece."""

import pytest

import tokentco.io.bundled
from tokentco.cli import main, selftest


def test_self_test_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--self-test"])
    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.strip().splitlines()
    assert lines[-1] == selftest.PASSED
    for name in ("catalogue", "comparison", "scorecard", "report", "qt plugins", "chart"):
        assert any(line.startswith(f"ok     {name}:") for line in lines), (name, out)
    assert "FAILED" not in out


def test_a_broken_piece_fails_the_self_test(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise OSError("catalogue/offers.csv: file not found")

    monkeypatch.setattr(tokentco.io.bundled, "bundled_catalogue", broken)
    code = main(["--self-test"])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAILED catalogue: OSError: catalogue/offers.csv: file not found" in out
    assert "FAILED comparison: not run: needs catalogue, which failed" in out
    assert selftest.PASSED not in out.splitlines()


def test_required_plugins_cover_the_platform_and_image_formats() -> None:
    kinds = {kind for kind, _ in selftest.required_plugins()}
    assert {"platforms", "imageformats", "iconengines"} <= kinds
    stems = {stem for _, stem in selftest.required_plugins()}
    assert {"qoffscreen", "qsvg", "qjpeg", "qico"} <= stems

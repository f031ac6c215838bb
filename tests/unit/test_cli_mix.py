"""``tokentco compare --mix MIX.csv``: the $/Mtok column becomes the blend."""

import csv
import io
from pathlib import Path

import pytest

from tokentco.cli import main

HEADER = "class,share,isl,osl,min_tok_s_per_user,max_ttft_ms,prefix_hit\n"
BASE = ["compare", "--model", "llama-3.3-70b", "--hardware", "h100-sxm,b200", "--csv"]


def _compare(capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, float]:
    assert main([*BASE, *extra]) == 0
    rows = csv.DictReader(io.StringIO(capsys.readouterr().out))
    return {row["option"]: float(row["$/Mtok"]) for row in rows if row["$/Mtok"]}


def _mix(tmp_path: Path, body: str) -> str:
    path = tmp_path / "MIX.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


def test_one_class_mix_equals_the_plain_comparison(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = _compare(
        capsys,
        "--isl",
        "2000",
        "--osl",
        "300",
        "--min-tok-s-per-user",
        "25",
        "--max-ttft-ms",
        "1500",
        "--prefix-hit",
        "0.2",
    )
    mixed = _compare(capsys, "--mix", _mix(tmp_path, "rag,1,2000,300,25,1500,0.2\n"))
    assert plain and mixed.keys() == plain.keys()
    for option, usd in plain.items():
        assert mixed[option] == pytest.approx(usd, rel=1e-5)


def test_blend_lies_between_its_classes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chat = _compare(capsys, "--isl", "1000", "--osl", "500", "--min-tok-s-per-user", "30")
    batch = _compare(capsys, "--isl", "4000", "--osl", "1000")
    mix = _mix(tmp_path, "chat,0.6,1000,500,30,,0\nbatch,0.4,4000,1000,,,0\n")
    blend = _compare(capsys, "--mix", mix)
    assert blend
    for option, usd in blend.items():
        low, high = sorted((chat[option], batch[option]))
        assert low * (1 - 1e-6) <= usd <= high * (1 + 1e-6)
    # the table says which pool arrangement serves the mix and each class's cost
    assert main([*BASE[:-1], "--mix", mix]) == 0
    out = capsys.readouterr().out
    assert "  chat (60% of output): $" in out and "  batch (40% of output): $" in out
    assert "/Mtok blended" in out
    assert "— separate pools" in out or "— one shared pool" in out
    # the title names the mix, not the single workload the blend does not use
    title = out.splitlines()[0]
    assert "workload mix MIX.csv (chat 60%, batch 40%)" in title and "ISL 1024" not in title
    assert "blend over the classes' output tokens" in title


def test_bad_mix_is_one_located_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mix = _mix(tmp_path, "chat,0.6,1000,500,30,,0\nbatch,0.3,4000,1000,,,0\n")
    assert main([*BASE, "--mix", mix]) == 2
    err = capsys.readouterr().err.strip()
    assert "MIX.csv" in err and "sum to 0.9" in err and "\n" not in err

"""MIX.csv and PROFILE.csv: what they read and where they say a problem is."""

from pathlib import Path

import pytest

from tokentco.domain.mix import business_hours
from tokentco.io.errors import InputError
from tokentco.io.mix_csv import read_mix, read_profile, write_profile_csv

HEADER = "class,share,isl,osl,min_tok_s_per_user,max_ttft_ms,prefix_hit\n"


def _file(tmp_path: Path, text: str, name: str = "MIX.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_a_two_class_mix_with_blank_targets(tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER + "chat,0.75,1000,500,20,1000,0.3\nbatch,0.25,2000,400,,,\n")
    chat, batch = read_mix(path)
    assert (chat.name, chat.share, chat.isl_tokens, chat.osl_tokens) == ("chat", 0.75, 1000, 500)
    assert (chat.min_tokens_per_s_per_user, chat.max_ttft_ms, chat.prefix_hit_rate) == (
        20.0,
        1000.0,
        0.3,
    )
    assert batch.max_ttft_ms is None and batch.min_tokens_per_s_per_user is None
    assert batch.prefix_hit_rate == 0.0 and batch.multi_turn is None


def test_optional_session_columns_make_a_multi_turn_class(tmp_path: Path) -> None:
    text = (
        HEADER.strip() + ",turns_per_session,tokens_added_per_turn,tool_wait_s\n"
        "agent,1,3000,400,30,3000,0.1,8,1200,2.5\n"
    )
    (agent,) = read_mix(_file(tmp_path, text))
    assert agent.multi_turn is not None
    assert (agent.multi_turn.turns_per_session, agent.multi_turn.tokens_added_per_turn) == (8, 1200)
    assert agent.multi_turn.tool_wait_s == 2.5


@pytest.mark.parametrize(
    ("body", "located", "says"),
    [
        ("chat,0.5,1000,500,20,1000,0.3\nrag,0.4,8000,400,,,\n", ':B "share"', "sum to 0.9"),
        ("chat,1,ten,500,,,\n", ':R2:C "isl"', "'ten' is not a number"),
        ("chat,1,1000,500,,,1.5\n", ':R2:G "prefix_hit"', "less than 1"),
        ("chat,1,1000,0,,,\n", ':R2:D "osl"', "greater than or equal to 1"),
        ("chat,1,10.5,500,,,\n", ':R2:C "isl"', "not a whole number"),
        (",1,1000,500,,,\n", ':R2:A "class"', "expected the class's name"),
        ("chat,0.5,1,1,,,\nchat,0.5,1,1,,,\n", ':R3:A "class"', "appears twice"),
        ("chat,,1000,500,,,\n", ':R2:B "share"', "empty"),
    ],
)
def test_bad_mix_rows_are_located(tmp_path: Path, body: str, located: str, says: str) -> None:
    path = _file(tmp_path, HEADER + body)
    with pytest.raises(InputError) as err:
        read_mix(path)
    message = str(err.value)
    assert message.startswith(str(path)) and located in message and says in message
    assert "\n" not in message


def test_bad_mix_headers_are_located(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r'R1:H "colour": unknown column'):
        read_mix(_file(tmp_path, HEADER.strip() + ",colour\nchat,1,1,1,,,,red\n"))
    with pytest.raises(InputError, match=r"missing column.* prefix_hit"):
        read_mix(_file(tmp_path, "class,share,isl,osl,min_tok_s_per_user,max_ttft_ms\n"))
    with pytest.raises(InputError, match="file not found"):
        read_mix(tmp_path / "nope.csv")


def test_profile_round_trips_and_checks_its_hours(tmp_path: Path) -> None:
    week = business_hours(1234.5)
    assert read_profile(_file(tmp_path, write_profile_csv(week), "P.csv")).tokens_per_s == (
        week.tokens_per_s
    )
    day = "hour,tokens_per_s\n" + "".join(f"{h},{100 + h}\n" for h in range(24))
    assert read_profile(_file(tmp_path, day, "D.csv")).tokens_per_s[5] == 105.0
    with pytest.raises(InputError, match="23 hourly rows; expected 168"):
        read_profile(_file(tmp_path, day.rsplit("23,", 1)[0], "S.csv"))
    swapped = day.replace("4,104\n5,105\n", "5,105\n4,104\n")
    with pytest.raises(InputError, match=r'R6:A "hour": hour 5; expected 4'):
        read_profile(_file(tmp_path, swapped, "W.csv"))
    negative = day.replace("7,107", "7,-1")
    with pytest.raises(InputError, match=r'R9:B "tokens_per_s": -1 is negative'):
        read_profile(_file(tmp_path, negative, "N.csv"))


def test_p90_columns_make_lengths_medians(tmp_path: Path) -> None:
    text = HEADER.strip() + ",isl_p90,osl_p90\nrag,1,4000,300,,,,12000,\n"
    (rag,) = read_mix(_file(tmp_path, text))
    assert (rag.isl_p90_tokens, rag.osl_p90_tokens) == (12000, None)
    assert rag.mean_isl_tokens > 4000
    bad = HEADER.strip() + ",isl_p90\nrag,1,4000,300,,,,100\n"
    with pytest.raises(InputError, match=r'R2:H "isl_p90": 100 is below the median 4000'):
        read_mix(_file(tmp_path, bad))


def test_the_shipped_samples_read() -> None:
    samples = Path(__file__).resolve().parents[2] / "samples"
    mix = read_mix(samples / "workload_mix.csv")
    assert [c.name for c in mix] == ["chat", "rag", "code", "agent", "batch"]
    assert mix[3].multi_turn is not None and mix[1].isl_p90_tokens == 16000
    week = read_profile(samples / "demand_profile_week.csv")
    assert week.hours == 168 and week.peak_tokens_per_s == 50_000.0

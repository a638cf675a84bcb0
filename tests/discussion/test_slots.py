"""Candidate times for /poll time, read in the server's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.discussion.slots import parse_slots, split_slots
from bot.errors import UserError

# Monday 1 March 2027, 12:00 UTC (13:00 in Berlin).
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


def test_split_prefers_lines_then_semicolons_then_commas() -> None:
    assert split_slots("thu 19:00\nfri 18:30; x") == ["thu 19:00", "fri 18:30; x"]
    assert split_slots("thu 19:00; fri 18:30, late") == ["thu 19:00", "fri 18:30, late"]
    assert split_slots(" thu 19:00 , fri 18:30 ,, ") == ["thu 19:00", "fri 18:30"]


def test_weekday_times_are_the_next_such_day_in_the_servers_zone() -> None:
    slots = parse_slots("thu 19:00; mon 14:00; mon 12:00", now=NOW, zone=BERLIN)
    assert [s.at for s in slots] == [
        datetime(2027, 3, 4, 18, 0, tzinfo=UTC),
        datetime(2027, 3, 1, 13, 0, tzinfo=UTC),  # later today
        datetime(2027, 3, 8, 11, 0, tzinfo=UTC),  # 12:00 today has passed: next week
    ]
    assert [s.label for s in slots] == [
        "Thu 04 Mar 19:00 CET",
        "Mon 01 Mar 14:00 CET",
        "Mon 08 Mar 12:00 CET",
    ]


def test_summer_time_labels_follow_the_zone() -> None:
    [_, summer] = parse_slots("2027-03-01 20:00; 2027-04-01 20:00", now=NOW, zone=BERLIN)
    assert summer.at == datetime(2027, 4, 1, 18, 0, tzinfo=UTC)
    assert summer.label == "Thu 01 Apr 20:00 CEST"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("thu 19:00", "you gave 1"),
        ("", "you gave 0"),
        ("; ".join(f"2027-03-{day:02d} 10:00" for day in range(2, 13)), "you gave 11"),
        ("thu 19:00; whenever", "Time 2:"),
        ("thu 19:00; 2026-01-01 10:00", "Time 2: `2026-01-01 10:00` is in the past"),
        ("thu 19:00; 2028-01-01 10:00", "too far ahead"),
        ("thu 19:00; thursday 7pm", "Times 1 and 2 are the same moment"),
    ],
)
def test_bad_slots_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message.replace("(", r"\(")):
        parse_slots(text, now=NOW, zone=BERLIN)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=30),
            st.sampled_from(["thu 19:00", "fri", "7pm", "tomorrow 9am", "in 2 days", "2027-03-09"]),
        ),
        max_size=12,
    ),
    st.sampled_from([";", ",", "\n"]),
)
def test_any_input_gives_slots_or_a_user_error(parts: list[str], separator: str) -> None:
    problem: str | None = None
    try:
        slots = parse_slots(separator.join(parts), now=NOW, zone=BERLIN)
    except UserError as error:
        problem = error.message
    if problem is not None:
        assert problem.strip()
        return
    assert 2 <= len(slots) <= 10
    assert len({s.at for s in slots}) == len(slots)
    assert all(NOW < s.at <= NOW + timedelta(days=62) for s in slots)
    assert all(len(s.label) <= 80 for s in slots)


def test_found_by_fuzzing_a_slot_seconds_ahead_is_refused() -> None:
    # "1S" is one second ahead, which is now once cut to the minute.
    with pytest.raises(UserError, match="Time 2: `1S` is less than a minute ahead"):
        parse_slots("13;1S", now=NOW, zone=BERLIN)

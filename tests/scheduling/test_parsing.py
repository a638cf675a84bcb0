"""What organisers and members type: good forms, bad forms, and fuzz (only UserError escapes)."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import UserError
from bot.scheduling.parsing import (
    parse_date,
    parse_duration,
    parse_offsets,
    parse_time,
    parse_weekday,
    parse_when,
    parse_zone,
    zone_choices,
)

NOW = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)  # a Friday; BST starts on Sunday 29 March
LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("mon", 0), ("Monday", 0), ("TUE", 1), ("wed.", 2), ("th", 3), ("sunday", 6)],
)
def test_weekdays(text, expected):
    assert parse_weekday(text) == expected


@pytest.mark.parametrize("text", ["", "t", "s", "funday", "1", "mondays please"])
def test_bad_weekdays(text):
    with pytest.raises(UserError, match="weekday"):
        parse_weekday(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19:00", time(19)),
        ("7pm", time(19)),
        ("7:30 pm", time(19, 30)),
        ("12am", time(0)),
        ("12pm", time(12)),
        ("09.15", time(9, 15)),
        ("noon", time(12)),
    ],
)
def test_times(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "19:60", "13pm", "0am", "seven", "19", "7 :30pm"])
def test_bad_times(text):
    with pytest.raises(UserError, match="19:00"):
        parse_time(text)


def test_zones_and_suggestions():
    assert parse_zone("europe/london").key == "Europe/London"
    with pytest.raises(UserError, match="Europe/London"):
        parse_zone("Europe/Londn")
    choices = zone_choices("lond")
    assert choices[0] == "Europe/London"
    assert len(zone_choices("a")) <= 25


def test_offsets_are_distinct_and_longest_first():
    assert parse_offsets("1h, 24h,1h") == [timedelta(hours=24), timedelta(hours=1)]
    with pytest.raises(UserError):
        parse_offsets("24h,,banana")
    with pytest.raises(UserError):
        parse_offsets(",".join(["1h"] * 6))


def test_dates():
    assert parse_date("2026-12-03") == date(2026, 12, 3)
    for bad in ["2026-02-30", "03/12/2026", "tomorrow"]:
        with pytest.raises(UserError, match="2026-12-03"):
            parse_date(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in 2 days", NOW + timedelta(days=2)),
        ("in 90 minutes", NOW + timedelta(minutes=90)),
        ("friday 18:00", datetime(2026, 3, 27, 18, 0, tzinfo=UTC)),  # today, still GMT
        ("friday 11:00", datetime(2026, 4, 3, 10, 0, tzinfo=UTC)),  # passed: next week, BST
        ("tomorrow 9am", datetime(2026, 3, 28, 9, 0, tzinfo=UTC)),
        ("2026-12-03 18:00", datetime(2026, 12, 3, 18, 0, tzinfo=UTC)),
        ("sunday 1:30", datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),  # in the gap -> 02:30 BST
        ("dec 25 7pm", datetime(2026, 12, 25, 19, 0, tzinfo=UTC)),  # via dateparser
    ],
)
def test_when(text, expected):
    assert parse_when(text, now=NOW, zone=LONDON) == expected


def test_when_in_another_zone():
    assert parse_when("tomorrow 9am", now=NOW, zone="America/New_York") == datetime(
        2026, 3, 28, 13, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2020-01-01 10:00", "past"),
        ("yesterday", "past"),
        ("in 2 years", "too far"),
        ("2030-01-01 10:00", "too far"),
        ("purple monkey dishwasher", "Try"),
        ("", "give"),
        ("x" * 500, "too long"),
    ],
)
def test_bad_when(text, message):
    with pytest.raises(UserError, match=message):
        parse_when(text, now=NOW, zone=LONDON)


WORDS = st.sampled_from(
    ["in", "at", "tomorrow", "friday", "pm", "am", "next", "days", "2", "-", ":", "9999", "00"]
)
FUZZ = st.one_of(st.text(max_size=60), st.lists(WORDS, max_size=6).map(" ".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=FUZZ)
def test_fuzzed_input_raises_only_user_error(text):
    for parse in (parse_weekday, parse_time, parse_duration, parse_offsets, parse_date, parse_zone):
        with contextlib.suppress(UserError):
            parse(text)
    try:
        when = parse_when(text, now=NOW, zone=LONDON)
    except UserError:
        return
    assert NOW < when <= NOW + timedelta(days=366)

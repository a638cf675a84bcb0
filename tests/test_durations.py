"""The one duration reader behind sessions, reminders and polls, and its two display forms."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.durations import describe_duration, format_duration, parse_duration
from bot.errors import UserError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90m", timedelta(minutes=90)),
        ("1h30m", timedelta(minutes=90)),
        ("1h 30m", timedelta(minutes=90)),
        ("1H, 30 mins", timedelta(minutes=90)),
        ("1 hour and 30 minutes", timedelta(minutes=90)),
        ("2 hours", timedelta(hours=2)),
        ("3d", timedelta(days=3)),
        ("1d 12h", timedelta(days=1, hours=12)),
        ("45", timedelta(minutes=45)),
        ("1 week", timedelta(days=7)),
        ("2wk", timedelta(days=14)),
    ],
)
def test_reads_the_usual_forms(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["", "   ", None, "abc", "soon", "5 parsecs", "h", "1h30x", "-5m", "²", "x" * 101]
)
def test_refuses_what_it_cannot_read(text: str | None) -> None:
    with pytest.raises(UserError, match="duration"):
        parse_duration(text)


def test_an_unreadable_duration_is_quoted_back_safely() -> None:
    with pytest.raises(UserError, match=r"`1h 'x' 30m` is not a duration I understand\. Use"):
        parse_duration("1h   `x` 30m")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("4m", "too short: give a duration between 5 minutes and 12 hours"),
        ("13h", "too long: give a duration between 5 minutes and 12 hours"),
    ],
)
def test_bounds_are_inclusive_and_named_in_words(text: str, message: str) -> None:
    bounds = {"minimum": timedelta(minutes=5), "maximum": timedelta(hours=12)}
    assert parse_duration("5m", **bounds) == timedelta(minutes=5)
    assert parse_duration("12h", **bounds) == timedelta(hours=12)
    with pytest.raises(UserError, match=message):
        parse_duration(text, **bounds)


def test_default_bounds_are_a_minute_to_366_days() -> None:
    assert parse_duration("366d") == timedelta(days=366)
    for text in ("0m", "367d"):
        with pytest.raises(UserError):
            parse_duration(text)


def test_empty_input_is_the_default_when_there_is_one() -> None:
    day = timedelta(days=1)
    assert parse_duration(None, default=day) == day
    assert parse_duration("  ", default=day) == day
    assert parse_duration("2h", default=day) == timedelta(hours=2)


def test_bare_numbers_can_be_refused() -> None:
    assert parse_duration("90") == timedelta(minutes=90)
    with pytest.raises(UserError, match="not a duration"):
        parse_duration("90", bare_minutes=False)


@pytest.mark.parametrize(
    ("value", "compact", "words"),
    [
        (timedelta(0), "0m", "0 minutes"),
        (timedelta(minutes=1), "1m", "1 minute"),
        (timedelta(hours=2, minutes=30), "2h 30m", "2 hours 30 minutes"),
        (timedelta(days=1, hours=6), "1d 6h", "1 day 6 hours"),
        (timedelta(days=32, seconds=59), "32d", "32 days"),
    ],
)
def test_formats(value: timedelta, compact: str, words: str) -> None:
    assert format_duration(value) == compact
    assert describe_duration(value) == words

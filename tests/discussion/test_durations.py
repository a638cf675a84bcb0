"""How long polls stay open: empty means a day, 1 minute to 32 days, no bare numbers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.discussion.durations import parse_poll_duration
from bot.errors import UserError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("3d", timedelta(days=3)),
        ("1d 12h", timedelta(days=1, hours=12)),
        ("1 hour and 30 minutes", timedelta(hours=1, minutes=30)),
        ("1w", timedelta(weeks=1)),
        ("32d", timedelta(days=32)),
        ("1m", timedelta(minutes=1)),
        ("", timedelta(days=1)),
        (None, timedelta(days=1)),
    ],
)
def test_poll_duration(text: str | None, expected: timedelta) -> None:
    assert parse_poll_duration(text) == expected


@pytest.mark.parametrize("text", ["soon", "5", "0m", "33d", "5 parsecs", "h", "-2h", "999999d"])
def test_poll_duration_rejects(text: str) -> None:
    with pytest.raises(UserError):
        parse_poll_duration(text)

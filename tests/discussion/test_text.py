"""Mention-proofing, text cleaning and duration parsing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.discussion.durations import parse_duration
from bot.discussion.text import ZERO_WIDTH_SPACE, clean_text, neutralise_mentions
from bot.errors import UserError

PING_TOKENS = [
    "@everyone",
    "@here",
    "@EVERYONE",
    "<@123456789012345678>",
    "<@!42>",
    "<@&987>",
    "<#555>",
]


@pytest.mark.parametrize("token", PING_TOKENS)
def test_neutralise_breaks_every_ping_token(token: str) -> None:
    text = f"hey {token}, read this"
    safe = neutralise_mentions(text)
    assert token not in safe
    assert safe.replace(ZERO_WIDTH_SPACE, "") == text


def test_neutralise_leaves_plain_text_and_emails_alone() -> None:
    text = "mail me at a@b.org <3 — see #general"
    assert neutralise_mentions(text) == text


def test_neutralise_many_tokens_at_once() -> None:
    text = "@everyone@here<@1><@&2><#3>@here"
    safe = neutralise_mentions(text)
    for token in ("@everyone", "@here", "<@", "<#"):
        assert token not in safe


def test_clean_text_strips_and_checks_length() -> None:
    assert clean_text("  hi\x00 there \n", field="prompt", max_len=20) == "hi there"
    with pytest.raises(UserError, match="empty"):
        clean_text(" \n\t ", field="prompt", max_len=20)
    with pytest.raises(UserError, match="21 characters long; the limit is 20"):
        clean_text("x" * 21, field="prompt", max_len=20)
    assert clean_text("a\n\n b", field="label", max_len=20, single_line=True) == "a b"


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
def test_parse_duration(text: str | None, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["soon", "5", "0m", "33d", "5 parsecs", "h", "-2h", "999999d"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(UserError):
        parse_duration(text)

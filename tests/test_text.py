"""Reading short typed values, and mention-proofing text that members wrote."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from bot.text import ZERO_WIDTH_SPACE, clean_input, echo, neutralise_mentions

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


def test_clean_input_folds_whitespace() -> None:
    assert clean_input("  7  pm\n", "a time") == "7 pm"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (7, "Please give a time as text."),
        (" \t", "Please give a time."),
        ("x" * 101, r"That is too long for a time \(100 characters at most\)."),
    ],
)
def test_clean_input_refuses_with_a_message_naming_the_value(text: object, message: str) -> None:
    with pytest.raises(UserError, match=message):
        clean_input(text, "a time")


def test_echo_is_short_and_cannot_close_a_code_span() -> None:
    assert echo("`" + "a" * 60) == "'" + "a" * 39

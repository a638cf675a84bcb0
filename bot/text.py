"""Text shared by every feature: reading short typed values, keeping member text from pinging,
and cutting text to a length."""

from __future__ import annotations

import re

from bot.errors import UserError

ZERO_WIDTH_SPACE = "\u200b"
MAX_INPUT = 100

# `<@123>`, `<@!123>`, `<@&123>` and `<#123>`: break every such token after its `<`, whatever
# follows, so even a malformed or future variant cannot resolve.
_TOKEN_MENTION = re.compile(r"<(?=[@#])")
# `@everyone` / `@here`, in any case (Discord only honours the lower-case form; be generous).
_MASS_MENTION = re.compile(r"@(?=(?:everyone|here))", re.IGNORECASE)


def neutralise_mentions(text: str) -> str:
    """Insert a zero-width space into every ping token so that no send could ever ping.

    >>> neutralise_mentions("hi @everyone and <@&42>") == "hi @\\u200beveryone and <\\u200b@&42>"
    True
    """
    text = _MASS_MENTION.sub("@" + ZERO_WIDTH_SPACE, text)
    return _TOKEN_MENTION.sub("<" + ZERO_WIDTH_SPACE, text)


def clean_input(text: object, what: str) -> str:
    """A short typed value (``what``: "a time", "a duration"...) with its whitespace folded.

    Refuses non-text, empty and over-long input with a :class:`UserError` naming ``what``.
    """
    if not isinstance(text, str):
        raise UserError(f"Please give {what} as text.")
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        raise UserError(f"Please give {what}.")
    if len(cleaned) > MAX_INPUT:
        raise UserError(f"That is too long for {what} ({MAX_INPUT} characters at most).")
    return cleaned


def echo(text: str) -> str:
    """Typed input to quote back in a message, short and unable to break its formatting."""
    return text[:40].replace("`", "'")


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending in an ellipsis when it was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def one_line(text: str, limit: int) -> str:
    """``text`` with every whitespace run (newlines too) folded to one space, then truncated."""
    return truncate(" ".join(text.split()), limit)

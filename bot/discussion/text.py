"""Cleaning and mention-proofing of member-written text (prompts, poll questions, options)."""

from __future__ import annotations

import re

from bot.errors import UserError

ZERO_WIDTH_SPACE = "\u200b"

# `<@123>`, `<@!123>`, `<@&123>` and `<#123>`: break every such token after its `<`, whatever
# follows, so even a malformed or future variant cannot resolve.
_TOKEN_MENTION = re.compile(r"<(?=[@#])")
# `@everyone` / `@here`, in any case (Discord only honours the lower-case form; be generous).
_MASS_MENTION = re.compile(r"@(?=(?:everyone|here))", re.IGNORECASE)
# C0/C1 control characters other than tab and newline: PostgreSQL rejects NUL in text and the
# rest only render as garbage.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_WHITESPACE_RUN = re.compile(r"\s+")


def neutralise_mentions(text: str) -> str:
    """Insert a zero-width space into every ping token so that no send could ever ping.

    >>> neutralise_mentions("hi @everyone and <@&42>") == "hi @\\u200beveryone and <\\u200b@&42>"
    True
    """
    text = _MASS_MENTION.sub("@" + ZERO_WIDTH_SPACE, text)
    return _TOKEN_MENTION.sub("<" + ZERO_WIDTH_SPACE, text)


def clean_text(
    text: str | None,
    *,
    field: str,
    max_len: int,
    min_len: int = 1,
    single_line: bool = False,
) -> str:
    """Strip ``text`` and check its length; raise :class:`UserError` naming ``field`` if not ok.

    Control characters are removed; with ``single_line`` all whitespace runs (newlines
    included) collapse to one space.
    """
    cleaned = _CONTROL.sub("", text or "")
    if single_line:
        cleaned = _WHITESPACE_RUN.sub(" ", cleaned)
    cleaned = cleaned.strip()
    if len(cleaned) < min_len:
        if min_len <= 1:
            raise UserError(f"The {field} is empty: type some text.")
        raise UserError(f"The {field} must be at least {min_len} characters.")
    if len(cleaned) > max_len:
        raise UserError(
            f"The {field} is {len(cleaned)} characters long; the limit is {max_len}. "
            "Shorten it and try again."
        )
    return cleaned


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + "…"

"""Cleaning of member-written text (prompts, poll questions, options).

Mention-proofing is :func:`bot.text.neutralise_mentions`.
"""

from __future__ import annotations

import re

from bot.errors import UserError

# C0/C1 control characters other than tab and newline: PostgreSQL rejects NUL in text and the
# rest only render as garbage.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_WHITESPACE_RUN = re.compile(r"\s+")


def clean_text(
    text: str | None,
    *,
    field: str,
    max_len: int,
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
    if not cleaned:
        raise UserError(f"The {field} is empty: type some text.")
    if len(cleaned) > max_len:
        raise UserError(
            f"The {field} is {len(cleaned)} characters long; the limit is {max_len}. "
            "Shorten it and try again."
        )
    return cleaned

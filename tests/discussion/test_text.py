"""Cleaning of member-written text."""

from __future__ import annotations

import pytest

from bot.discussion.text import clean_text
from bot.errors import UserError


def test_clean_text_strips_and_checks_length() -> None:
    assert clean_text("  hi\x00 there \n", field="prompt", max_len=20) == "hi there"
    with pytest.raises(UserError, match="empty"):
        clean_text(" \n\t ", field="prompt", max_len=20)
    with pytest.raises(UserError, match="21 characters long; the limit is 20"):
        clean_text("x" * 21, field="prompt", max_len=20)
    assert clean_text("a\n\n b", field="label", max_len=20, single_line=True) == "a b"

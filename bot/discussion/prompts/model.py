"""A discussion prompt outside the database: limits and the value types the service returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.db.models.discussion import Prompt
from bot.errors import UserError

PROMPT_MAX_LENGTH = 1000  # fits an embed field value (1024) as well as a description
MAX_PER_PAGE = 25
EXPORT_FORMATS = ("markdown", "csv")
MAX_ID = 2**31 - 1  # prompts.id is a 32-bit INTEGER

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class PromptInfo:
    id: int
    guild_id: int
    text: str
    author_id: int | None
    reading_id: str | None
    session_at: datetime | None
    created_at: datetime
    used_at: datetime | None
    used_in_session: datetime | None
    starter: bool = False  # one of the content pack's starter prompts

    @classmethod
    def of(cls, row: Prompt) -> PromptInfo:
        return cls(
            id=row.id,
            guild_id=row.guild_id,
            text=row.text,
            author_id=row.author_id,
            reading_id=row.reading_id,
            session_at=row.session_at,
            created_at=row.created_at,
            used_at=row.used_at,
            used_in_session=row.used_in_session,
            starter=row.starter,
        )


@dataclass(frozen=True)
class PromptPage:
    items: tuple[PromptInfo, ...]
    page: int  # 1-based, clamped to the pages that exist
    pages: int  # at least 1, even when there are no prompts
    total: int


def clean_reading(reading_id: str | None) -> str | None:
    """A reading id as given (stripped); empty means none."""
    if reading_id is None:
        return None
    reading_id = reading_id.strip()
    if not reading_id:
        return None
    if len(reading_id) > 100:
        raise UserError("That reading id is too long; pick a reading from the list.")
    return reading_id

"""Loading prompts, always within one server."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models.discussion import Prompt
from bot.discussion.prompts.model import MAX_ID
from bot.errors import NotFound


async def get_prompt(session: AsyncSession, guild_id: int, prompt_id: int) -> Prompt:
    """The prompt, or :class:`NotFound` (also for another server's prompt: nothing leaks)."""
    if not 0 < prompt_id <= MAX_ID:
        # Ids are 32-bit: PostgreSQL would refuse a larger number instead of finding nothing.
        raise NotFound(f"There is no prompt #{prompt_id} in this server.")
    row = (
        await session.execute(
            select(Prompt).where(Prompt.id == prompt_id, Prompt.guild_id == guild_id)
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"There is no prompt #{prompt_id} in this server.")
    return row


def scope_filter(guild_id: int, reading_id: str | None) -> list[ColumnElement[bool]]:
    """The server's prompts, or only one reading's."""
    where = [Prompt.guild_id == guild_id]
    if reading_id is not None:
        where.append(Prompt.reading_id == reading_id)
    return where

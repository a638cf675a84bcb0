"""Questions asked in chat: reading one out of a message that mentions the bot, and a
per-channel cooldown shared by every process.

Discord-free. The cooldown is a row per channel in ``chat_cooldowns``, claimed with one
``INSERT … ON CONFLICT … DO UPDATE … RETURNING`` (the same statement on SQLite and
PostgreSQL), so shard processes on one database count a channel's answers together and a
flood of mentions gets at most :data:`ANSWERS_PER_WINDOW` answers per window, whichever
process receives them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

ANSWERS_PER_WINDOW = 3
WINDOW = timedelta(seconds=30)
_CLAIM = text(
    "INSERT INTO chat_cooldowns (channel_id, window_start_ms, used) VALUES (:channel, :now, 1) "
    "ON CONFLICT (channel_id) DO UPDATE SET "
    "window_start_ms = CASE WHEN chat_cooldowns.window_start_ms <= :cutoff THEN :now "
    "ELSE chat_cooldowns.window_start_ms END, "
    "used = CASE WHEN chat_cooldowns.window_start_ms <= :cutoff THEN 1 "
    "ELSE chat_cooldowns.used + 1 END "
    "RETURNING used"
)


def question_from(content: str, bot_id: int) -> str | None:
    """The question in a message, or ``None`` if the message does not mention the bot.

    The bot's mention (``<@id>`` or ``<@!id>``) is removed wherever it stands; what is left,
    with spaces tidied, is the question (empty when the member only mentioned the bot)."""
    mention = re.compile(rf"<@!?{bot_id}>")
    if not mention.search(content or ""):
        return None
    return " ".join(mention.sub(" ", content).split())


class ChannelCooldown:
    """At most ``limit`` answers per channel per ``window``, counted in the database."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        limit: int = ANSWERS_PER_WINDOW,
        window: timedelta = WINDOW,
    ) -> None:
        self._sessions = session_factory
        self._clock = clock
        self.limit = limit
        self.window = window

    async def allow(self, channel_id: int) -> bool:
        """Count one answer for the channel; ``False`` if its window is already used up."""
        now = int(self._clock().timestamp() * 1000)
        cutoff = now - int(self.window.total_seconds() * 1000)
        async with self._sessions() as session, session.begin():
            used = await session.scalar(
                _CLAIM, {"channel": channel_id, "now": now, "cutoff": cutoff}
            )
        return int(used or 0) <= self.limit

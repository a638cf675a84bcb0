"""Secret, revocable calendar-feed links, one per server.

A link's token is an HMAC of the server id and a random nonce under the bot's feed secret, so
the bot can show the same link again without storing it: the database keeps the nonce and the
SHA-256 of the token (a leaked backup reveals no working link). Resetting draws a new nonce,
which retires the old link at once. Every process derives the same tokens from the same
secret, so any shard can answer any link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.scheduling import CalendarFeed
from bot.scheduling.clock import Clock

TOKEN_BYTES = 24  # 192 bits: not guessable, and short enough for a URL


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeeds:
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], clock: Clock, secret: bytes
    ) -> None:
        if not secret:
            raise ValueError("calendar feeds need a secret")
        self._sessions = session_factory
        self._clock = clock
        self._secret = secret

    def _token(self, guild_id: int, nonce: str) -> str:
        digest = hmac.new(self._secret, f"{guild_id}:{nonce}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:TOKEN_BYTES]).decode().rstrip("=")

    async def token(self, guild_id: int, by: int | None = None) -> str:
        """The server's current link token (made on first use)."""
        async with self._sessions() as session:
            row = await session.get(CalendarFeed, guild_id)
            if row is not None:
                return self._token(guild_id, row.nonce)
        try:
            return await self._new_token(guild_id, by, replace=False)
        except IntegrityError:  # made at the same moment elsewhere: use that one
            return await self.token(guild_id, by)

    async def reset(self, guild_id: int, by: int | None = None) -> str:
        """A new token; the old link stops working at once."""
        return await self._new_token(guild_id, by, replace=True)

    async def _new_token(self, guild_id: int, by: int | None, *, replace: bool) -> str:
        nonce = secrets.token_hex(16)
        token = self._token(guild_id, nonce)
        async with self._sessions() as session, session.begin():
            row = await session.get(CalendarFeed, guild_id) if replace else None
            if row is None:
                row = CalendarFeed(guild_id=guild_id)
                session.add(row)
            row.nonce, row.token_hash = nonce, token_hash(token)
            row.created_by, row.created_at = by, self._clock()
            row.content_hash = row.content_changed_at = None
        return token

    async def guild_for(self, token: str) -> int | None:
        """The server a link belongs to, or None (unknown, reset, malformed: all the same)."""
        if not token or len(token) > 64:
            return None
        async with self._sessions() as session:
            return await session.scalar(
                select(CalendarFeed.guild_id).where(CalendarFeed.token_hash == token_hash(token))
            )

    async def last_modified(self, guild_id: int, content_hash: str) -> datetime:
        """When the feed's content last changed: now if ``content_hash`` is new, else the time
        it was first served (so Last-Modified only moves when the calendar does)."""
        now = self._clock().replace(microsecond=0)
        async with self._sessions() as session, session.begin():
            row = await session.get(CalendarFeed, guild_id)
            if row is None:
                return now
            if row.content_hash != content_hash or row.content_changed_at is None:
                row.content_hash, row.content_changed_at = content_hash, now
            return row.content_changed_at

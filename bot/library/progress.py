"""Members' reading progress: who marked which reading done, and when."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.library import LibraryProgress
from bot.library.readings import ReadingCatalogue
from bot.library.records import Progress, ProgressEntry, ReadingCard


class ProgressTracker:
    """Marks readings done per member and server, and counts them."""

    def __init__(
        self,
        catalogue: ReadingCatalogue,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
    ) -> None:
        self._catalogue = catalogue
        self._sessions = session_factory
        self._clock = clock

    async def mark_done(
        self, guild_id: int, user_id: int, reading: str
    ) -> tuple[ReadingCard, bool]:
        """Mark a reading done for a member; the bool is False if it was already marked."""
        card = await self._catalogue.find(guild_id, reading)
        try:
            async with self._sessions() as session, session.begin():
                if await session.get(LibraryProgress, (guild_id, user_id, card.id)) is not None:
                    return card, False
                session.add(
                    LibraryProgress(
                        guild_id=guild_id,
                        user_id=user_id,
                        reading_id=card.id,
                        done_at=self._clock(),
                    )
                )
        except IntegrityError:  # the same click twice at once
            return card, False
        return card, True

    async def progress(self, guild_id: int, user_id: int) -> Progress:
        """What a member has read here, oldest first, out of every reading on the server."""
        cards = {c.id: c for c in await self._catalogue.all(guild_id)}
        async with self._sessions() as session:
            rows = (
                await session.scalars(
                    select(LibraryProgress)
                    .where(LibraryProgress.guild_id == guild_id, LibraryProgress.user_id == user_id)
                    .order_by(LibraryProgress.done_at)
                )
            ).all()
        done = tuple(
            ProgressEntry(cards[r.reading_id], r.done_at) for r in rows if r.reading_id in cards
        )
        return Progress(done, len(cards))

    async def done_count(self, guild_id: int, reading: str) -> int:
        """How many members of this server marked a reading done."""
        card = await self._catalogue.find(guild_id, reading)
        async with self._sessions() as session:
            return int(
                await session.scalar(
                    select(func.count())
                    .select_from(LibraryProgress)
                    .where(
                        LibraryProgress.guild_id == guild_id, LibraryProgress.reading_id == card.id
                    )
                )
                or 0
            )

    async def readers(self, guild_id: int) -> dict[str, frozenset[int]]:
        """Reading id -> the members of this server who marked it done."""
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(LibraryProgress.reading_id, LibraryProgress.user_id).where(
                        LibraryProgress.guild_id == guild_id
                    )
                )
            ).all()
        found: dict[str, set[int]] = {}
        for reading_id, user_id in rows:
            found.setdefault(reading_id, set()).add(user_id)
        return {reading_id: frozenset(users) for reading_id, users in found.items()}

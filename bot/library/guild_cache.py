"""Each server's own readings and week assignments, held in memory so look-ups never wait on
the database.

Pack content is shared and read-only; what a server adds (readings, week assignments, pack
readings it hid) lives in the database, keyed by ``guild_id``. :class:`GuildCache` loads every
server's readings, assignments and hidden readings once (at start-up, or on the first
look-up); the services write to the database first, then report the write here. Excerpts are not held here: a server may have thousands, and memory must not grow
with them, so they are read from the database when needed (see :mod:`bot.library.excerpts`);
the search index lives in the database too (:mod:`bot.library.search`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.library import LibraryAssignment, LibraryHidden, LibraryReading
from bot.library.records import ReadingCard, server_card


@dataclass
class GuildEntries:
    """One server's additions. Read them here; change them through :class:`GuildCache`."""

    readings: dict[str, ReadingCard] = field(default_factory=dict)  # by slug
    # reading id -> week; None: taken out of every week (the pack's week no longer applies)
    assignments: dict[str, int | None] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)  # pack readings removed from this server

    def scheduled(self, card: ReadingCard) -> ReadingCard:
        """``card`` with this server's week for it (the pack's week unless reassigned)."""
        week = self.assignments.get(card.id, card.week)  # a stored None: in no week
        if week == card.week:
            return card
        return replace(card, week=week)


class GuildCache:
    """Every server's :class:`GuildEntries`, loaded once and kept in step by the writes."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory
        self._guilds: dict[int, GuildEntries] = {}
        self._loaded = False
        self._load_lock = asyncio.Lock()

    async def load(self) -> None:
        """Load every server's readings and assignments into memory (once)."""
        async with self._load_lock:
            if self._loaded:
                return
            async with self._sessions() as session:
                readings = (await session.scalars(select(LibraryReading))).all()
                assignments = (await session.scalars(select(LibraryAssignment))).all()
                hidden = (await session.scalars(select(LibraryHidden))).all()
            for reading in readings:
                card = server_card(reading)
                self._guild(reading.guild_id).readings[card.id] = card
            for assignment in assignments:
                self._guild(assignment.guild_id).assignments[assignment.reading_id] = (
                    assignment.week
                )
            for row in hidden:
                self._guild(row.guild_id).hidden.add(row.reading_id)
            self._loaded = True

    async def entries(self, guild_id: int) -> GuildEntries:
        """This server's entries (loading everything first if nothing is loaded yet)."""
        if not self._loaded:
            await self.load()
        return self._guild(guild_id)

    def _guild(self, guild_id: int) -> GuildEntries:
        return self._guilds.setdefault(guild_id, GuildEntries())

    # -- writes, reported after they are committed ------------------------------------------
    def reading_added(self, guild_id: int, card: ReadingCard) -> None:
        self._guild(guild_id).readings[card.id] = card

    def reading_assigned(self, guild_id: int, reading_id: str, week: int | None) -> None:
        """The reading's week (None: in no week); assigning also un-hides a pack reading."""
        entries = self._guild(guild_id)
        entries.assignments[reading_id] = week
        if week is not None:
            entries.hidden.discard(reading_id)

    def reading_changed(self, guild_id: int, card: ReadingCard) -> None:
        """A server reading edited in place (same id)."""
        self._guild(guild_id).readings[card.id] = card

    def reading_removed(self, guild_id: int, reading_id: str) -> None:
        """A server reading deleted, or a pack reading hidden, on this server."""
        entries = self._guild(guild_id)
        entries.assignments.pop(reading_id, None)
        if entries.readings.pop(reading_id, None) is None:
            entries.hidden.add(reading_id)

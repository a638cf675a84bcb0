"""Each server's own library entries, held in memory so look-ups never wait on the database.

Pack content is shared and read-only; what a server adds (readings, excerpts, week
assignments, pack readings it hid) lives in the database, keyed by ``guild_id``. :class:`GuildCache` loads every
server's entries once (at start-up, or on the first look-up) and mirrors them into the search
index. The services write to the database first, then report the write here, which keeps the
copy in memory and the search index in step with it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.library import (
    LibraryAssignment,
    LibraryExcerpt,
    LibraryHidden,
    LibraryReading,
)
from bot.library.records import Quote, ReadingCard, excerpt_ref, server_card, server_quote
from bot.library.search import (
    Document,
    SearchIndex,
    excerpt_document,
    guild_excerpt_key,
    reading_document,
)


@dataclass
class GuildEntries:
    """One server's additions. Read them here; change them through :class:`GuildCache`."""

    readings: dict[str, ReadingCard] = field(default_factory=dict)  # by slug
    excerpts: dict[int, Quote] = field(default_factory=dict)  # by row id
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

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], index: SearchIndex
    ) -> None:
        self._sessions = session_factory
        self._index = index
        self._guilds: dict[int, GuildEntries] = {}
        self._loaded = False
        self._load_lock = asyncio.Lock()

    async def load(self) -> None:
        """Load every server's entries into memory and the search index (once)."""
        async with self._load_lock:
            if self._loaded:
                return
            async with self._sessions() as session:
                readings = (await session.scalars(select(LibraryReading))).all()
                excerpts = (await session.scalars(select(LibraryExcerpt))).all()
                assignments = (await session.scalars(select(LibraryAssignment))).all()
                hidden = (await session.scalars(select(LibraryHidden))).all()
            docs: list[Document] = []
            for reading in readings:
                card = server_card(reading)
                self._guild(reading.guild_id).readings[card.id] = card
                docs.append(_reading_document(card, reading.guild_id))
            for excerpt in excerpts:
                quote = server_quote(excerpt)
                self._guild(excerpt.guild_id).excerpts[excerpt.id] = quote
                docs.append(_excerpt_document(quote, excerpt.guild_id))
            for assignment in assignments:
                self._guild(assignment.guild_id).assignments[assignment.reading_id] = (
                    assignment.week
                )
            for row in hidden:
                self._guild(row.guild_id).hidden.add(row.reading_id)
            self._index.add_many(docs)
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
        self._index.add(_reading_document(card, guild_id))

    def reading_assigned(self, guild_id: int, reading_id: str, week: int | None) -> None:
        """The reading's week (None: in no week); assigning also un-hides a pack reading."""
        entries = self._guild(guild_id)
        entries.assignments[reading_id] = week
        if week is not None:
            entries.hidden.discard(reading_id)

    def reading_changed(self, guild_id: int, card: ReadingCard) -> None:
        """A server reading edited in place (same id): the card and its search document."""
        self.reading_added(guild_id, card)  # the index replaces a document by key

    def reading_removed(self, guild_id: int, reading_id: str) -> None:
        """A server reading deleted, or a pack reading hidden, on this server."""
        entries = self._guild(guild_id)
        entries.assignments.pop(reading_id, None)
        if entries.readings.pop(reading_id, None) is not None:
            self._index.remove(f"guild-reading:{reading_id}", guild_id)
        else:
            entries.hidden.add(reading_id)

    def excerpt_added(self, guild_id: int, number: int, quote: Quote) -> None:
        self._guild(guild_id).excerpts[number] = quote
        self._index.add(_excerpt_document(quote, guild_id))

    def excerpt_changed(self, guild_id: int, number: int, quote: Quote) -> None:
        self.excerpt_added(guild_id, number, quote)  # replaced by key in the index

    def excerpt_removed(self, guild_id: int, number: int) -> None:
        self._guild(guild_id).excerpts.pop(number, None)
        self._index.remove(guild_excerpt_key(excerpt_ref(number)), guild_id)


def _reading_document(card: ReadingCard, guild_id: int) -> Document:
    return reading_document(
        card.id,
        card.title,
        card.authors,
        str(card.year or ""),
        card.summary or "",
        guild_id=guild_id,
    )


def _excerpt_document(quote: Quote, guild_id: int) -> Document:
    return excerpt_document(quote.ref, quote.author, quote.work, quote.date, quote.text, guild_id)

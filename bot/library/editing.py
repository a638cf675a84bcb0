"""Organisers correcting the library while the term runs: editing what the server added, and
removing a reading without leaving anything that pointed at it dangling.

Pack content is shared by every server, so a pack reading is never edited; "removing" it hides
it on this server (assigning it to a week again brings it back). A server's own reading is
deleted, and what referred to it is handled in the same transaction: members' done marks go
with it, its prompts stay as general prompts, its excerpts stay unlinked, and its search
document goes. An edit rewrites the search document in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.discussion import Prompt, PromptDraw
from bot.db.models.library import (
    LibraryAssignment,
    LibraryExcerpt,
    LibraryHidden,
    LibraryProgress,
    LibraryReading,
)
from bot.errors import NotFound, UserError
from bot.library.excerpts import check_new_excerpt
from bot.library.guild_cache import GuildCache
from bot.library.readings import ReadingCatalogue, check_new_reading
from bot.library.records import Quote, ReadingCard, excerpt_number, server_card, server_quote
from bot.library.search import excerpt_document, reading_document
from bot.library.search.store import delete_document, write_documents

PACK_NOT_EDITABLE = (
    "*{title}* comes from the content pack, which every server shares, so it can't be edited "
    "here. Hide it with `/reading remove` and add your own version with `/reading add`."
)


@dataclass(frozen=True, slots=True)
class RemovalImpact:
    """What removing a reading touches, said to the organiser before they confirm."""

    card: ReadingCard
    hides: bool  # a pack reading: hidden on this server, not deleted
    done_marks: int  # members who marked it done
    prompts: int  # prompts written for it
    excerpts: int  # the server's excerpts linked to it


class ReadingEditor:
    """Edit and remove readings and excerpts a server added; hide pack readings."""

    def __init__(
        self,
        catalogue: ReadingCatalogue,
        cache: GuildCache,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
    ) -> None:
        self._catalogue = catalogue
        self._cache = cache
        self._sessions = session_factory
        self._clock = clock

    # -- editing ----------------------------------------------------------------------------
    async def editable_reading(self, guild_id: int, query: str) -> ReadingCard:
        """The server's own reading named ``query``; a clear refusal for a pack reading."""
        card = await self._catalogue.find(guild_id, query)
        if card.source != "server":
            raise UserError(PACK_NOT_EDITABLE.format(title=card.title))
        return card

    async def edit_reading(
        self,
        guild_id: int,
        reading_id: str,
        title: str,
        authors: str,
        year: int | None,
        url: str | None,
        summary: str | None,
    ) -> ReadingCard:
        """Replace a server reading's details (its id, week and links stay)."""
        card = await self.editable_reading(guild_id, reading_id)
        new = check_new_reading(title, authors, year, url, summary, None, self._clock().year)
        async with self._sessions() as session, session.begin():
            row = await session.scalar(
                select(LibraryReading).where(
                    LibraryReading.guild_id == guild_id, LibraryReading.slug == card.id
                )
            )
            if row is None:
                raise NotFound("That reading was just removed; see `/reading list`.")
            row.title, row.authors, row.year = new.title, new.authors, new.year
            row.url, row.summary = new.url, new.summary
            edited = server_card(row)
            doc = reading_document(
                edited.id,
                new.title,
                new.authors,
                str(new.year or ""),
                new.summary or "",
                guild_id=guild_id,
            )
            await session.run_sync(lambda s: write_documents(s.connection(), [doc]))
        self._cache.reading_changed(guild_id, edited)
        return (await self._cache.entries(guild_id)).scheduled(edited)

    async def editable_excerpt(self, guild_id: int, ref: str) -> Quote:
        number = excerpt_number(ref)
        row = None
        if number is not None:
            async with self._sessions() as session:
                row = await session.get(LibraryExcerpt, number)
        quote = server_quote(row) if row is not None and row.guild_id == guild_id else None
        if quote is None:
            raise NotFound(
                f"This server has no added excerpt {ref.strip()[:20]!r}; the pack's excerpts "
                "can't be edited. Pick one from the list (they start with g)."
            )
        return quote

    async def edit_excerpt(
        self, guild_id: int, ref: str, author: str, work: str, date: str, text: str
    ) -> Quote:
        """Replace a server excerpt's wording and source (its number and reading stay)."""
        quote = await self.editable_excerpt(guild_id, ref)
        number = excerpt_number(quote.ref)
        assert number is not None
        new = check_new_excerpt(author, work, date, text)
        async with self._sessions() as session, session.begin():
            row = await session.get(LibraryExcerpt, number)
            if row is None or row.guild_id != guild_id:
                raise NotFound("That excerpt was just removed.")
            row.author, row.work, row.date_text, row.text = new.author, new.work, new.date, new.text
            edited = server_quote(row)
            doc = excerpt_document(
                edited.ref, edited.author, edited.work, edited.date, edited.text, guild_id
            )
            await session.run_sync(lambda s: write_documents(s.connection(), [doc]))
        return edited

    # -- removing ---------------------------------------------------------------------------
    async def removal_impact(self, guild_id: int, query: str) -> RemovalImpact:
        """What removing the reading would touch (nothing is changed)."""
        card = await self._catalogue.find(guild_id, query)
        async with self._sessions() as session:
            done = await _count(
                session,
                select(func.count())
                .select_from(LibraryProgress)
                .where(LibraryProgress.guild_id == guild_id, LibraryProgress.reading_id == card.id),
            )
            prompts = await _count(
                session,
                select(func.count())
                .select_from(Prompt)
                .where(Prompt.guild_id == guild_id, Prompt.reading_id == card.id),
            )
            excerpts = await _count(
                session,
                select(func.count())
                .select_from(LibraryExcerpt)
                .where(LibraryExcerpt.guild_id == guild_id, LibraryExcerpt.reading_id == card.id),
            )
        return RemovalImpact(card, card.source == "pack", done, prompts, excerpts)

    async def remove(self, guild_id: int, reading_id: str, by: int | None) -> RemovalImpact:
        """Delete a server reading (or hide a pack one) and handle what referred to it."""
        impact = await self.removal_impact(guild_id, reading_id)
        card = impact.card
        async with self._sessions() as session, session.begin():
            await session.execute(
                delete(LibraryAssignment).where(
                    LibraryAssignment.guild_id == guild_id, LibraryAssignment.reading_id == card.id
                )
            )
            if impact.hides:
                # Reversible: done marks and prompts stay, for when the reading comes back.
                if await session.get(LibraryHidden, (guild_id, card.id)) is None:
                    session.add(
                        LibraryHidden(
                            guild_id=guild_id,
                            reading_id=card.id,
                            hidden_by=by,
                            hidden_at=self._clock(),
                        )
                    )
            else:
                await self._delete_server_reading(session, guild_id, card.id)
                key = f"reading:{card.id}"
                await session.run_sync(lambda s: delete_document(s.connection(), guild_id, key))
        self._cache.reading_removed(guild_id, card.id)
        return impact

    @staticmethod
    async def _delete_server_reading(session: AsyncSession, guild_id: int, slug: str) -> None:
        await session.execute(
            delete(LibraryProgress).where(
                LibraryProgress.guild_id == guild_id, LibraryProgress.reading_id == slug
            )
        )
        # Members' prompts are their work: kept, as general prompts.
        await session.execute(
            update(Prompt)
            .where(Prompt.guild_id == guild_id, Prompt.reading_id == slug)
            .values(reading_id=None)
        )
        await session.execute(
            delete(PromptDraw).where(
                PromptDraw.guild_id == guild_id, PromptDraw.scope == f"r:{slug}"
            )
        )
        await session.execute(
            update(LibraryExcerpt)
            .where(LibraryExcerpt.guild_id == guild_id, LibraryExcerpt.reading_id == slug)
            .values(reading_id=None)
        )
        await session.execute(
            delete(LibraryReading).where(
                LibraryReading.guild_id == guild_id, LibraryReading.slug == slug
            )
        )


async def _count(session: AsyncSession, query: Select[tuple[int]]) -> int:
    return int(await session.scalar(query) or 0)

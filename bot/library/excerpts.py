"""Excerpts: the pack's quotations plus the ones a server's organisers add, and random quotes.

A server's excerpts are quotable and searchable in that server only; each is named ``g<id>``.
They are read from the database when needed, never all held in memory, and each is written
together with its search document, in one transaction.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.library import LibraryExcerpt
from bot.errors import NotFound, UserError
from bot.library.loader import ContentPack, match_name
from bot.library.readings import ReadingCatalogue
from bot.library.records import Quote, excerpt_number, pack_quote, server_quote
from bot.library.search import excerpt_document, excerpt_key
from bot.library.search.store import delete_document, write_documents
from bot.library.text import normalise_key
from bot.text import one_line

EXCERPT_LIMITS = {"author": 200, "work": 300, "date": 64, "text": 1800}
MIN_EXCERPT_TEXT = 10
MAX_EXCERPTS_PER_GUILD = 2000


@dataclass(frozen=True, slots=True)
class NewExcerpt:
    """An excerpt as an organiser typed it, tidied and checked (see :func:`check_new_excerpt`)."""

    author: str
    work: str
    date: str
    text: str


def check_new_excerpt(author: str, work: str, date: str, text: str) -> NewExcerpt:
    """Whitespace tidied, every field checked; a ``UserError`` names the first problem."""
    values = {
        "author": " ".join((author or "").split()),
        "work": " ".join((work or "").split()),
        "date": " ".join((date or "").split()),
        "text": (text or "").strip(),
    }
    for name, value in values.items():
        if not value:
            raise UserError(f"An excerpt needs its {name}: say where the words come from.")
        if len(value) > EXCERPT_LIMITS[name]:
            raise UserError(
                f"The {name} is too long ({len(value)} characters; at most {EXCERPT_LIMITS[name]})."
            )
    if len(values["text"]) < MIN_EXCERPT_TEXT:
        raise UserError(f"The excerpt text is too short (at least {MIN_EXCERPT_TEXT} characters).")
    return NewExcerpt(**values)


def authors_matching(query: str, authors: list[str]) -> set[str]:
    """The authors a typed name means: whole name or surname, else names with a word starting
    with it ("Berk", "alex"), else the closest spelling ("Malatesa"); folded, so case and
    accents do not matter. Several authors can match a short prefix; all of them count."""
    key = normalise_key(query)
    if not key:
        return set()
    folded = {name: normalise_key(name) for name in dict.fromkeys(authors)}
    exact = {n for n, k in folded.items() if key in (k, k.split()[-1] if k else k)}
    if exact:
        return exact
    starts = {
        n
        for n, k in folded.items()
        if k.startswith(key) or any(word.startswith(key) for word in k.split())
    }
    if starts:
        return starts
    keys: dict[str, str] = {}
    for name, k in folded.items():
        keys.setdefault(k, name)
        if k:
            keys.setdefault(k.split()[-1], name)
    found = match_name(query, keys)
    return {found} if found else set()


class ExcerptCollection:
    """Every excerpt a server can quote, and the ones its organisers add or remove."""

    def __init__(
        self,
        pack: ContentPack,
        catalogue: ReadingCatalogue,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
    ) -> None:
        self.pack = pack
        self._catalogue = catalogue
        self._sessions = session_factory
        self._clock = clock

    async def add(
        self,
        guild_id: int,
        added_by: int,
        author: str,
        work: str,
        date: str,
        text: str,
        reading_id: str | None = None,
    ) -> Quote:
        """Store an excerpt for this server; searchable and quotable there only."""
        new = check_new_excerpt(author, work, date, text)
        if reading_id:
            reading_id = (await self._catalogue.find(guild_id, reading_id)).id
        row = LibraryExcerpt(
            guild_id=guild_id,
            author=new.author,
            work=new.work,
            date_text=new.date,
            text=new.text,
            reading_id=reading_id or None,
            added_by=added_by,
            created_at=self._clock(),
        )
        async with self._sessions() as session, session.begin():
            if await self._count(session, guild_id) >= MAX_EXCERPTS_PER_GUILD:
                raise UserError(
                    f"This server already has {MAX_EXCERPTS_PER_GUILD} excerpts; remove some first."
                )
            session.add(row)
            await session.flush()  # the row id names the excerpt and its search document
            quote = server_quote(row)
            doc = excerpt_document(
                quote.ref, quote.author, quote.work, quote.date, quote.text, guild_id
            )
            await session.run_sync(lambda s: write_documents(s.connection(), [doc]))
        return quote

    async def remove(self, guild_id: int, ref: str) -> Quote:
        """Delete one of this server's excerpts (``g<number>``); pack excerpts cannot be removed."""
        number = excerpt_number(ref)
        async with self._sessions() as session, session.begin():
            row = await session.get(LibraryExcerpt, number) if number is not None else None
            if row is None or row.guild_id != guild_id:
                raise NotFound(f"This server has no added excerpt {ref!r}.")
            quote = server_quote(row)
            await session.execute(
                delete(LibraryExcerpt).where(
                    LibraryExcerpt.guild_id == guild_id, LibraryExcerpt.id == number
                )
            )
            key = excerpt_key(quote.ref)
            await session.run_sync(lambda s: delete_document(s.connection(), guild_id, key))
        return quote

    async def own(self, guild_id: int) -> list[Quote]:
        """This server's own excerpts, oldest first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(LibraryExcerpt)
                .where(LibraryExcerpt.guild_id == guild_id)
                .order_by(LibraryExcerpt.id)
            )
            return [server_quote(row) for row in rows]

    async def all(self, guild_id: int) -> list[Quote]:
        """The pack's excerpts, then this server's."""
        return [*map(pack_quote, self.pack.excerpts), *await self.own(guild_id)]

    @staticmethod
    async def _count(session: AsyncSession, guild_id: int) -> int:
        count = await session.scalar(
            select(func.count())
            .select_from(LibraryExcerpt)
            .where(LibraryExcerpt.guild_id == guild_id)
        )
        return int(count or 0)

    async def random(
        self, guild_id: int, author: str | None = None, rng: random.Random | None = None
    ) -> Quote:
        """A random excerpt, optionally by an author (matched tolerantly: "Malatesa" works)."""
        rng = rng or random.Random()
        quotes = await self.all(guild_id)
        if author and author.strip():
            names = authors_matching(author, [q.author for q in quotes])
            if not names:
                raise NotFound(
                    f"No excerpts by {one_line(author, 80)!r}. Leave the author empty for any quotation."
                )
            quotes = [q for q in quotes if q.author in names]
        if not quotes:
            raise NotFound("There are no excerpts yet. Organisers can add one with /source add.")
        return rng.choice(quotes)

"""The readings a server sees: the pack's, plus the ones its organisers added.

Look-ups are tolerant (id, title, alias, author, a misspelling) and say so when a name fits
several readings. Adding a reading validates everything before anything is stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.library import LibraryAssignment, LibraryReading
from bot.errors import NotFound, UserError
from bot.library.guild_cache import GuildCache, GuildEntries
from bot.library.loader import ContentPack
from bot.library.records import ReadingCard, check_week, pack_card, server_card
from bot.library.search import reading_document
from bot.library.search.store import write_documents
from bot.library.text import normalise_key
from bot.text import one_line

MAX_READINGS_PER_GUILD = 200
READING_LIMITS = {"title": 200, "authors": 300, "url": 500, "summary": 1000}
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class NewReading:
    """A reading as an organiser typed it, tidied and checked (see :func:`check_new_reading`)."""

    title: str
    authors: str
    year: int | None
    url: str | None
    summary: str | None
    week: int | None


def check_new_reading(
    title: str,
    authors: str,
    year: int | None,
    url: str | None,
    summary: str | None,
    week: int | None,
    current_year: int,
) -> NewReading:
    """Whitespace tidied, every field checked; a ``UserError`` names the first problem."""
    title, authors = " ".join((title or "").split()), " ".join((authors or "").split())
    url = (url or "").strip() or None
    summary = (summary or "").strip() or None
    if not title:
        raise UserError("A reading needs a title.")
    if not authors:
        raise UserError("A reading needs at least one author (or an editor or group name).")
    for name, value in (
        ("title", title),
        ("authors", authors),
        ("url", url),
        ("summary", summary),
    ):
        if value and len(value) > READING_LIMITS[name]:
            raise UserError(
                f"The {name} is too long ({len(value)} characters; at most {READING_LIMITS[name]})."
            )
    if year is not None and not 1000 <= year <= current_year + 1:
        raise UserError(f"The year should be between 1000 and {current_year + 1}.")
    if url and not _URL.match(url):
        raise UserError("The link should be a web address starting with http:// or https://.")
    if week is not None:
        check_week(week)
    return NewReading(title, authors, year, url, summary, week)


def _slugify(text: str) -> str:
    return "-".join(normalise_key(text).split())[:48].strip("-") or "reading"


def _free_slug(title: str, taken: set[str]) -> str:
    """A slug from the title, numbered (``-2``, ``-3``...) past the ones already taken."""
    base = _slugify(title)
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


class ReadingCatalogue:
    """Every reading on a server, found by name, and the readings its organisers add."""

    def __init__(
        self,
        pack: ContentPack,
        cache: GuildCache,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
    ) -> None:
        self.pack = pack
        self._cache = cache
        self._sessions = session_factory
        self._clock = clock
        self._pack_cards = {r.id: pack_card(r) for r in pack.readings}

    async def all(self, guild_id: int) -> list[ReadingCard]:
        """Every reading on this server (pack first, then server-added), with its week; pack
        readings the server hid are left out."""
        entries = await self._cache.entries(guild_id)
        cards = [*self._visible_pack(entries), *entries.readings.values()]
        return [entries.scheduled(card) for card in cards]

    def _visible_pack(self, entries: GuildEntries) -> list[ReadingCard]:
        return [c for c in self._pack_cards.values() if c.id not in entries.hidden]

    async def is_hidden(self, guild_id: int, reading_id: str) -> bool:
        return reading_id in (await self._cache.entries(guild_id)).hidden

    async def find(self, guild_id: int, query: str, *, include_hidden: bool = False) -> ReadingCard:
        """A reading by id, title, alias or author (tolerant); ``NotFound`` or ambiguous -> error.

        A hidden pack reading is found by its exact id only (prompts and polls still name it),
        and by a typed name only with ``include_hidden`` (to bring it back).
        """
        entries = await self._cache.entries(guild_id)
        key = (query or "").strip()
        if not key:
            raise UserError("Name a reading: pick one from the list or type part of its title.")
        if key in self._pack_cards:
            return entries.scheduled(self._pack_cards[key])
        if key in entries.readings:
            return entries.scheduled(entries.readings[key])
        found = self._match(key, entries, include_hidden)
        if not found:
            raise NotFound(
                f"No reading matches {one_line(key, 80)!r}. Use /reading list to see the syllabus."
            )
        if len(found) > 1:
            names = "; ".join(f"{c.title} ({c.authors}, {c.year})" for c in found[:5])
            raise UserError(
                f"{one_line(key, 80)!r} matches several readings: {names}. Pick one from the list."
            )
        return entries.scheduled(found[0])

    def _match(
        self, query: str, entries: GuildEntries, include_hidden: bool = False
    ) -> list[ReadingCard]:
        """Readings for a typed name: exact title/alias, then author, then substring, then fuzzy."""
        folded = normalise_key(query)
        pack = self._pack_cards.values() if include_hidden else self._visible_pack(entries)
        cards = [*pack, *entries.readings.values()]
        keys = {c.id: [normalise_key(k) for k in (c.id, c.title, *c.aliases)] for c in cards}
        exact = [c for c in cards if folded in keys[c.id]]
        if exact:
            return exact
        if author := self.pack.find_author(query):
            by_author = [
                self._pack_cards[r.id]
                for r in self.pack.readings_by(author)
                if include_hidden or r.id not in entries.hidden
            ]
            if by_author:
                return by_author
        haystacks = {c.id: " ".join([*keys[c.id], normalise_key(c.authors)]) for c in cards}
        contains = [c for c in cards if folded in haystacks[c.id]]
        if contains:
            return contains
        scored = [(max(fuzz.ratio(folded, k) for k in keys[c.id]), c) for c in cards]
        best = max((score for score, _ in scored), default=0)
        if best < 80:
            return []
        return [c for score, c in scored if score >= best - 3]

    async def add(
        self,
        guild_id: int,
        added_by: int,
        title: str,
        authors: str,
        year: int | None = None,
        url: str | None = None,
        summary: str | None = None,
        week: int | None = None,
    ) -> ReadingCard:
        """Add a reading to this server only; validated first, nothing stored on bad input."""
        entries = await self._cache.entries(guild_id)
        new = check_new_reading(title, authors, year, url, summary, week, self._clock().year)
        if len(entries.readings) >= MAX_READINGS_PER_GUILD:
            raise UserError(
                f"This server already has {MAX_READINGS_PER_GUILD} added readings; remove some first."
            )
        slug = _free_slug(new.title, set(self._pack_cards) | set(entries.readings))
        now = self._clock()
        row = LibraryReading(
            guild_id=guild_id,
            slug=slug,
            title=new.title,
            authors=new.authors,
            year=new.year,
            url=new.url,
            summary=new.summary,
            added_by=added_by,
            created_at=now,
        )
        doc = reading_document(
            slug, new.title, new.authors, str(new.year or ""), new.summary or "", guild_id=guild_id
        )
        try:
            async with self._sessions() as session, session.begin():
                session.add(row)
                await session.run_sync(lambda s: write_documents(s.connection(), [doc]))
                if new.week is not None:
                    session.add(
                        LibraryAssignment(
                            guild_id=guild_id,
                            reading_id=slug,
                            week=new.week,
                            assigned_by=added_by,
                            assigned_at=now,
                        )
                    )
        except IntegrityError as error:
            raise UserError(
                "A reading with that title was just added; try /reading list."
            ) from error
        card = server_card(row)
        self._cache.reading_added(guild_id, card)
        if new.week is not None:
            self._cache.reading_assigned(guild_id, slug, new.week)
        return entries.scheduled(card)
